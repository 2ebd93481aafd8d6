//! Links: create bridges and veth pairs, set them up or down, read their state.
//!
//! Every device is created in its final namespace with its final name and an
//! interface index we choose (see [`FIRST_IFINDEX`]), so nothing is moved
//! (a move waits for an RCU grace period) and nothing is looked up.

use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::NlasIterator;
use netlink_packet_route::link::{
    AfSpecInet6, AfSpecUnspec, BridgeStpState, In6AddrGenMode, InfoBridge, InfoData, InfoKind,
    InfoVeth, LinkAttribute, LinkFlags, LinkHeader, LinkInfo, LinkMessage, State,
};
use netlink_packet_route::RouteNetlinkMessage;

/// The first interface index netns-test gives its devices.
///
/// A fresh namespace holds `lo` (index 1) and the fallback tunnel devices
/// the kernel adds when their modules are loaded (`tunl0`, `sit0`,
/// `ip6tnl0`, `gre0`, ..., from index 2 up, about a dozen at most), which
/// take the low indices; ours start well above them. The kernel's own
/// allocator only ever counts up from its last pick, so it never lands on ours.
pub(crate) const FIRST_IFINDEX: u32 = 1000;

/// `lo` is always index 1.
pub(crate) const LOOPBACK_IFINDEX: u32 = 1;

/// `IFLA_IFNAME`
const IFLA_IFNAME: u16 = 3;
/// `IFLA_ADDRESS`: the link-layer address.
const IFLA_ADDRESS: u16 = 1;
/// `IFLA_MTU`
const IFLA_MTU: u16 = 4;
/// `IFLA_LINK`: for a veth, the peer's index (in the peer's namespace).
const IFLA_LINK: u16 = 5;
/// `IFLA_MASTER`
const IFLA_MASTER: u16 = 10;
/// `IFLA_OPERSTATE`
const IFLA_OPERSTATE: u16 = 16;
/// `IFLA_LINKINFO`
const IFLA_LINKINFO: u16 = 18;
/// `IFLA_LINK_NETNSID`: the namespace of `IFLA_LINK`, as an id in ours.
const IFLA_LINK_NETNSID: u16 = 37;
/// `IFLA_INFO_KIND`, inside `IFLA_LINKINFO`.
const IFLA_INFO_KIND: u16 = 1;
/// `IFF_UP`
const IFF_UP: u32 = 1;

/// One end of a veth pair as it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VethSide<'a> {
    /// Interface index, unique in the end's namespace.
    pub(crate) index: u32,
    /// Final interface name.
    pub(crate) name: &'a str,
    /// MTU, or the kernel's default (1500).
    pub(crate) mtu: Option<u32>,
}

/// `RTM_NEWLINK` for a bridge, created up, with STP off and no forward delay
/// (ports forward as soon as they have carrier).
pub(crate) fn new_bridge(index: u32, name: &str) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    msg.attributes = vec![
        LinkAttribute::IfName(name.to_string()),
        LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Bridge),
            LinkInfo::Data(InfoData::Bridge(vec![
                InfoBridge::ForwardDelay(0),
                InfoBridge::StpState(BridgeStpState::Disabled),
            ])),
        ]),
    ];
    RouteNetlinkMessage::NewLink(msg)
}

/// `RTM_NEWLINK` for a veth pair, sent on the socket of `main`'s namespace.
///
/// `main` is created up (a port of bridge `master`, if given); it gets
/// carrier once the peer is brought up, which must be done later from the
/// peer's namespace: the kernel refuses to create a peer up (`ENOTCONN`) and
/// ignores `IFLA_MASTER` on it. `peer_ns` places the peer in another
/// namespace at creation.
pub(crate) fn new_veth(
    main: VethSide<'_>,
    master: Option<u32>,
    peer: VethSide<'_>,
    peer_ns: Option<BorrowedFd<'_>>,
) -> RouteNetlinkMessage {
    let mut peer_msg = LinkMessage::default();
    peer_msg.header.index = peer.index;
    peer_msg.attributes = side_attributes(peer);
    if let Some(fd) = peer_ns {
        peer_msg
            .attributes
            .push(LinkAttribute::NetNsFd(fd.as_raw_fd()));
    }
    let mut msg = LinkMessage::default();
    msg.header.index = main.index;
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    msg.attributes = side_attributes(main);
    if let Some(master) = master {
        msg.attributes.push(LinkAttribute::Controller(master));
    }
    msg.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Veth),
        LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer_msg))),
    ]));
    RouteNetlinkMessage::NewLink(msg)
}

fn side_attributes(side: VethSide<'_>) -> Vec<LinkAttribute> {
    let mut attributes = vec![LinkAttribute::IfName(side.name.to_string())];
    if let Some(mtu) = side.mtu {
        attributes.push(LinkAttribute::Mtu(mtu));
    }
    attributes
}

/// `RTM_SETLINK`: no IPv6 address autoconfiguration on link `index`
/// (`addr_gen_mode none`), so that the kernel adds no link-local address
/// of its own when the link gets carrier: its would be tentative for the
/// second or two of duplicate address detection, and a router cannot send
/// a neighbour solicitation without one, so it could not forward IPv6 until
/// then. We add a link-local address with `IFA_F_NODAD` instead
/// ([`super::addr::link_local`]). Must come after creation (the kernel
/// refuses it in `RTM_NEWLINK` with `EAFNOSUPPORT`) and before carrier.
pub(crate) fn no_ipv6_autoconf(index: u32) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.attributes
        .push(LinkAttribute::AfSpecUnspec(vec![AfSpecUnspec::Inet6(
            vec![AfSpecInet6::AddrGenMode(In6AddrGenMode::None)],
        )]));
    RouteNetlinkMessage::SetLink(msg)
}

/// `RTM_SETLINK`: set link `index` up or down, and attach it to bridge
/// `master` if given.
pub(crate) fn set_link(index: u32, up: bool, master: Option<u32>) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = if up {
        LinkFlags::Up
    } else {
        LinkFlags::empty()
    };
    msg.header.change_mask = LinkFlags::Up;
    if let Some(master) = master {
        msg.attributes.push(LinkAttribute::Controller(master));
    }
    RouteNetlinkMessage::SetLink(msg)
}

/// `RTM_SETLINK` of link `index`: up, with the Ethernet address `mac`.
pub(crate) fn set_link_mac_up(index: u32, mac: [u8; 6]) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    msg.attributes.push(LinkAttribute::Address(mac.to_vec()));
    RouteNetlinkMessage::SetLink(msg)
}

/// `RTM_DELLINK` of link `index` (a veth takes its peer with it).
pub(crate) fn del_link(index: u32) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    RouteNetlinkMessage::DelLink(msg)
}

/// `RTM_GETLINK` of the link named `name`.
pub(crate) fn get_link(name: &str) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.attributes.push(LinkAttribute::IfName(name.to_string()));
    RouteNetlinkMessage::GetLink(msg)
}

/// `RTM_GETLINK` of link `index`. Answering it, the kernel (6.8 and
/// later) first applies any carrier change of that link still waiting for
/// the linkwatch work (`linkwatch_sync_dev`), so the reply tells the state
/// traffic will see.
pub(crate) fn get_link_by_index(index: u32) -> RouteNetlinkMessage {
    get_link_in(None, index)
}

/// [`get_link_by_index`] in the namespace with id `netnsid` (as seen from
/// the socket's namespace, e.g. a veth's `IFLA_LINK_NETNSID`), via
/// `IFLA_TARGET_NETNSID`.
pub(crate) fn get_link_in(netnsid: Option<i32>, index: u32) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    if let Some(id) = netnsid {
        msg.attributes.push(LinkAttribute::IfNetnsId(id));
    }
    RouteNetlinkMessage::GetLink(msg)
}

/// `RTM_GETLINK` dump of every link.
pub(crate) fn dump_links() -> RouteNetlinkMessage {
    RouteNetlinkMessage::GetLink(LinkMessage::default())
}

/// `RTM_GETLINK` dump of the ports of bridge `master`, in the namespace with
/// id `netnsid` (as in [`get_link_in`]). The kernel filters by `IFLA_MASTER`;
/// callers check `master` all the same.
pub(crate) fn dump_ports_in(netnsid: Option<i32>, master: u32) -> RouteNetlinkMessage {
    let mut msg = LinkMessage::default();
    if let Some(id) = netnsid {
        msg.attributes.push(LinkAttribute::IfNetnsId(id));
    }
    msg.attributes.push(LinkAttribute::Controller(master));
    RouteNetlinkMessage::GetLink(msg)
}

/// What we read of a link from an `RTM_NEWLINK` reply or notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkStatus {
    /// Interface index.
    pub(crate) index: u32,
    /// `IFF_*` flags as the kernel reports them.
    pub(crate) flags: u32,
    /// Administratively up (`IFF_UP`).
    pub(crate) up: bool,
    /// `IFLA_IFNAME`.
    pub(crate) name: String,
    /// `IFLA_MTU`.
    pub(crate) mtu: u32,
    /// `IFLA_OPERSTATE`.
    pub(crate) operstate: State,
    /// `IFLA_MASTER`: the bridge this link is a port of.
    pub(crate) master: Option<u32>,
    /// `IFLA_LINK` when it differs from `index`: a veth's peer index.
    pub(crate) peer: Option<u32>,
    /// `IFLA_LINK_NETNSID`: the id of the peer's namespace, when the peer
    /// is in another one (negative: the kernel could not assign one).
    pub(crate) peer_netnsid: Option<i32>,
    /// `IFLA_INFO_KIND`: `veth`, `bridge`, ...
    pub(crate) kind: Option<String>,
    /// `IFLA_ADDRESS`, when it is an Ethernet address.
    pub(crate) mac: Option<[u8; 6]>,
}

/// Decodes the payload of an `RTM_NEWLINK` message. Reads only the
/// attributes above, so it keeps working whatever a newer kernel adds.
pub(crate) fn parse_link(payload: &[u8]) -> Result<LinkStatus, String> {
    let header = LinkHeader::parse(payload).map_err(|e| e.to_string())?;
    let mut link = LinkStatus {
        index: header.index,
        flags: header.flags.bits(),
        up: header.flags.bits() & IFF_UP != 0,
        name: String::new(),
        mtu: 0,
        operstate: State::Unknown,
        master: None,
        peer: None,
        peer_netnsid: None,
        kind: None,
        mac: None,
    };
    for nla in NlasIterator::new(payload.get(16..).unwrap_or(&[])) {
        let nla = nla.map_err(|e| e.to_string())?;
        let value = nla.value();
        match nla.kind() {
            IFLA_IFNAME => link.name = c_string(value),
            IFLA_MTU => link.mtu = u32_of(value)?,
            IFLA_ADDRESS => link.mac = value.try_into().ok(),
            IFLA_LINK => link.peer = Some(u32_of(value)?).filter(|&i| i != header.index),
            IFLA_LINK_NETNSID => link.peer_netnsid = Some(u32_of(value)? as i32),
            IFLA_MASTER => link.master = Some(u32_of(value)?).filter(|&i| i != 0),
            IFLA_OPERSTATE => {
                link.operstate = State::from(*value.first().ok_or("empty IFLA_OPERSTATE")?)
            }
            IFLA_LINKINFO => {
                for info in NlasIterator::new(value) {
                    let info = info.map_err(|e| e.to_string())?;
                    if info.kind() == IFLA_INFO_KIND {
                        link.kind = Some(c_string(info.value()));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(link)
}

/// A NUL-terminated (or not) string attribute.
pub(crate) fn c_string(value: &[u8]) -> String {
    let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
    String::from_utf8_lossy(&value[..end]).into_owned()
}

/// A native-endian `u32` attribute.
pub(crate) fn u32_of(value: &[u8]) -> Result<u32, String> {
    value
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_ne_bytes)
        .ok_or_else(|| {
            format!(
                "attribute of {} bytes where a u32 was expected",
                value.len()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::socket::encode;
    use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

    #[test]
    fn a_bridge_is_created_up_with_stp_off() {
        let bytes = encode(new_bridge(1000, "testbr"), NLM_F_CREATE | NLM_F_EXCL);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x50, 0x00, 0x00, 0x00, // length 80
            0x10, 0x00,             // type RTM_NEWLINK (16)
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00,             // family AF_UNSPEC, pad
            0x00, 0x00,             // type 0: the link kind decides
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_IFNAME "testbr"
            0x0b, 0x00, 0x03, 0x00, // len 11, type IFLA_IFNAME
            b't', b'e', b's', b't', b'b', b'r', 0x00, 0x00, // "testbr\0", pad
            // IFLA_LINKINFO
            0x24, 0x00, 0x12, 0x00, // len 36, type IFLA_LINKINFO (18)
            0x0b, 0x00, 0x01, 0x00, // len 11, type IFLA_INFO_KIND
            b'b', b'r', b'i', b'd', b'g', b'e', 0x00, 0x00, // "bridge\0", pad
            0x14, 0x00, 0x02, 0x00, // len 20, type IFLA_INFO_DATA
            0x08, 0x00, 0x01, 0x00, // len 8, type IFLA_BR_FORWARD_DELAY
            0x00, 0x00, 0x00, 0x00, // 0 centiseconds
            0x08, 0x00, 0x05, 0x00, // len 8, type IFLA_BR_STP_STATE
            0x00, 0x00, 0x00, 0x00, // 0: STP off
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_veth_is_created_with_the_peer_in_its_namespace() {
        // Any descriptor will do: only its number goes into the message.
        let fd = std::fs::File::open("/dev/null").expect("open /dev/null");
        let raw = fd.as_raw_fd() as u32;
        let main = VethSide {
            index: 1001,
            name: "ns1-nic",
            mtu: Some(9000),
        };
        let peer = VethSide {
            index: 1000,
            name: "eth0",
            mtu: Some(9000),
        };
        let bytes = encode(
            new_veth(main, Some(1000), peer, Some(std::os::fd::AsFd::as_fd(&fd))),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        let r = raw.to_ne_bytes();
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x80, 0x00, 0x00, 0x00, // length 128
            0x10, 0x00,             // type RTM_NEWLINK
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg of the main end
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe9, 0x03, 0x00, 0x00, // index 1001
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_IFNAME "ns1-nic"
            0x0c, 0x00, 0x03, 0x00, // len 12, type IFLA_IFNAME
            b'n', b's', b'1', b'-', b'n', b'i', b'c', 0x00, // "ns1-nic\0"
            // IFLA_MTU 9000
            0x08, 0x00, 0x04, 0x00, // len 8, type IFLA_MTU
            0x28, 0x23, 0x00, 0x00, // 9000
            // IFLA_MASTER 1000
            0x08, 0x00, 0x0a, 0x00, // len 8, type IFLA_MASTER
            0xe8, 0x03, 0x00, 0x00, // bridge index 1000
            // IFLA_LINKINFO
            0x44, 0x00, 0x12, 0x00, // len 68, type IFLA_LINKINFO
            0x09, 0x00, 0x01, 0x00, // len 9, type IFLA_INFO_KIND
            b'v', b'e', b't', b'h', 0x00, 0x00, 0x00, 0x00, // "veth\0", pad
            0x34, 0x00, 0x02, 0x00, // len 52, type IFLA_INFO_DATA
            0x30, 0x00, 0x01, 0x00, // len 48, type VETH_INFO_PEER
            // the peer's ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x00, 0x00, 0x00, 0x00, // flags: down (a peer cannot be created up)
            0x00, 0x00, 0x00, 0x00, // change 0
            // the peer's IFLA_IFNAME "eth0"
            0x09, 0x00, 0x03, 0x00, // len 9, type IFLA_IFNAME
            b'e', b't', b'h', b'0', 0x00, 0x00, 0x00, 0x00, // "eth0\0", pad
            // the peer's IFLA_MTU 9000
            0x08, 0x00, 0x04, 0x00, // len 8, type IFLA_MTU
            0x28, 0x23, 0x00, 0x00, // 9000
            // the peer's IFLA_NET_NS_FD
            0x08, 0x00, 0x1c, 0x00, // len 8, type IFLA_NET_NS_FD (28)
            r[0], r[1], r[2], r[3], // the namespace's file descriptor
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_veth_in_one_namespace_has_no_namespace_fd_and_default_mtu() {
        let main = VethSide {
            index: 1000,
            name: "a",
            mtu: None,
        };
        let peer = VethSide {
            index: 1001,
            name: "b",
            mtu: None,
        };
        let bytes = encode(new_veth(main, None, peer, None), NLM_F_CREATE | NLM_F_EXCL);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x58, 0x00, 0x00, 0x00, // length 88
            0x10, 0x00, 0x05, 0x06, // type RTM_NEWLINK, flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_IFNAME "a"
            0x06, 0x00, 0x03, 0x00, // len 6, type IFLA_IFNAME
            b'a', 0x00, 0x00, 0x00, // "a\0", pad
            // IFLA_LINKINFO
            0x30, 0x00, 0x12, 0x00, // len 48, type IFLA_LINKINFO
            0x09, 0x00, 0x01, 0x00, // len 9, type IFLA_INFO_KIND
            b'v', b'e', b't', b'h', 0x00, 0x00, 0x00, 0x00, // "veth\0", pad
            0x20, 0x00, 0x02, 0x00, // len 32, type IFLA_INFO_DATA
            0x1c, 0x00, 0x01, 0x00, // len 28, type VETH_INFO_PEER
            0x00, 0x00, 0x00, 0x00, // peer family, pad, type
            0xe9, 0x03, 0x00, 0x00, // peer index 1001
            0x00, 0x00, 0x00, 0x00, // peer flags 0
            0x00, 0x00, 0x00, 0x00, // peer change 0
            0x06, 0x00, 0x03, 0x00, // len 6, type IFLA_IFNAME
            b'b', 0x00, 0x00, 0x00, // "b\0", pad
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn set_link_up_with_a_master() {
        let bytes = encode(set_link(1001, true, Some(1000)), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x28, 0x00, 0x00, 0x00, // length 40
            0x13, 0x00,             // type RTM_SETLINK (19)
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe9, 0x03, 0x00, 0x00, // index 1001
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_MASTER 1000
            0x08, 0x00, 0x0a, 0x00, // len 8, type IFLA_MASTER
            0xe8, 0x03, 0x00, 0x00, // bridge index 1000
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn no_ipv6_autoconf_on_1000() {
        let bytes = encode(no_ipv6_autoconf(1000), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x30, 0x00, 0x00, 0x00, // length 48
            0x13, 0x00,             // type RTM_SETLINK
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x00, 0x00, 0x00, 0x00, // flags
            0x00, 0x00, 0x00, 0x00, // change 0: flags untouched
            // IFLA_AF_SPEC
            0x10, 0x00, 0x1a, 0x00, // len 16, type IFLA_AF_SPEC (26)
            0x0c, 0x00, 0x0a, 0x00, // len 12, type AF_INET6 (10)
            0x05, 0x00, 0x08, 0x00, // len 5, type IFLA_INET6_ADDR_GEN_MODE (8)
            0x01, 0x00, 0x00, 0x00, // IN6_ADDR_GEN_MODE_NONE, pad
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn set_link_down() {
        let bytes = encode(set_link(1, false, None), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x20, 0x00, 0x00, 0x00, // length 32
            0x13, 0x00,             // type RTM_SETLINK
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0x01, 0x00, 0x00, 0x00, // index 1
            0x00, 0x00, 0x00, 0x00, // flags: not IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn get_link_by_name() {
        let bytes = encode(get_link("eth0"), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x2c, 0x00, 0x00, 0x00, // length 44
            0x12, 0x00,             // type RTM_GETLINK (18)
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `get` sends REQUEST only)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0x00, 0x00, 0x00, 0x00, // index 0: by name
            0x00, 0x00, 0x00, 0x00, // flags
            0x00, 0x00, 0x00, 0x00, // change
            // IFLA_IFNAME "eth0"
            0x09, 0x00, 0x03, 0x00, // len 9, type IFLA_IFNAME
            b'e', b't', b'h', b'0', 0x00, 0x00, 0x00, 0x00, // "eth0\0", pad
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn get_link_by_index_1000() {
        let bytes = encode(get_link_by_index(1000), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x20, 0x00, 0x00, 0x00, // length 32
            0x12, 0x00,             // type RTM_GETLINK
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `get_many` sends REQUEST only)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x00, 0x00, 0x00, 0x00, // flags
            0x00, 0x00, 0x00, 0x00, // change
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn get_a_link_in_another_namespace() {
        let bytes = encode(get_link_in(Some(3), 1001), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x28, 0x00, 0x00, 0x00, // length 40
            0x12, 0x00,             // type RTM_GETLINK
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `get` sends REQUEST only)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0xe9, 0x03, 0x00, 0x00, // index 1001 (in the target namespace)
            0x00, 0x00, 0x00, 0x00, // flags
            0x00, 0x00, 0x00, 0x00, // change
            // IFLA_TARGET_NETNSID 3
            0x08, 0x00, 0x2e, 0x00, // len 8, type IFLA_TARGET_NETNSID (46)
            0x03, 0x00, 0x00, 0x00, // namespace id 3
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn dump_the_ports_of_a_bridge_in_another_namespace() {
        let bytes = encode(dump_ports_in(Some(2), 1000), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x30, 0x00, 0x00, 0x00, // length 48
            0x12, 0x00,             // type RTM_GETLINK
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `dump` sends REQUEST|DUMP)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0x00, 0x00, 0x00, 0x00, // index 0: every link
            0x00, 0x00, 0x00, 0x00, // flags
            0x00, 0x00, 0x00, 0x00, // change
            // IFLA_TARGET_NETNSID 2
            0x08, 0x00, 0x2e, 0x00, // len 8, type IFLA_TARGET_NETNSID (46)
            0x02, 0x00, 0x00, 0x00, // namespace id 2
            // IFLA_MASTER 1000
            0x08, 0x00, 0x0a, 0x00, // len 8, type IFLA_MASTER (10): a filter in a dump
            0xe8, 0x03, 0x00, 0x00, // bridge index 1000
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_link_message_decodes() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            // ifinfomsg
            0x00, 0x00, 0x01, 0x00, // family, pad, type ARPHRD_ETHER
            0xe8, 0x03, 0x00, 0x00, // index 1000
            0x43, 0x10, 0x01, 0x00, // flags UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
            0x00, 0x00, 0x00, 0x00, // change
            0x09, 0x00, 0x03, 0x00, // IFLA_IFNAME
            b'e', b't', b'h', b'0', 0x00, 0x00, 0x00, 0x00, // "eth0\0", pad
            0x08, 0x00, 0x04, 0x00, // IFLA_MTU
            0xdc, 0x05, 0x00, 0x00, // 1500
            0x08, 0x00, 0x05, 0x00, // IFLA_LINK
            0xe9, 0x03, 0x00, 0x00, // 1001
            0x08, 0x00, 0x25, 0x00, // IFLA_LINK_NETNSID
            0x03, 0x00, 0x00, 0x00, // 3
            0x05, 0x00, 0x10, 0x00, // IFLA_OPERSTATE
            0x06, 0x00, 0x00, 0x00, // IF_OPER_UP, pad
            0x10, 0x00, 0x12, 0x00, // IFLA_LINKINFO
            0x09, 0x00, 0x01, 0x00, // IFLA_INFO_KIND
            b'v', b'e', b't', b'h', 0x00, 0x00, 0x00, 0x00, // "veth\0", pad
            0x08, 0x00, 0x63, 0x00, // an attribute we do not read (type 99)
            0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(
            parse_link(&payload),
            Ok(LinkStatus {
                index: 1000,
                flags: 0x1_1043,
                up: true,
                name: "eth0".into(),
                mtu: 1500,
                operstate: State::Up,
                master: None,
                peer: Some(1001),
                peer_netnsid: Some(3),
                kind: Some("veth".into()),
                mac: None,
            })
        );
    }
}
