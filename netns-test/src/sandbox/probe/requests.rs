//! The probe's rtnetlink requests, serialized before the clone so that the
//! helper process only has to send bytes: `lo` up, a veth pair, a bridge.
//! They are the kinds of request a sandbox makes, in a namespace that dies
//! with the helper.
//!
//! The bridge is asked for but not made: its request carries an all-zero MAC
//! address, which the bridge driver's `validate` refuses with
//! `EADDRNOTAVAIL`. The kernel gets that far only once it has checked our
//! CAP_NET_ADMIN and found the `bridge` link type (else `EPERM` or
//! `EOPNOTSUPP`, as for a real bridge), and nothing is created. A real
//! bridge would cost its teardown: `br_multicast_dev_del` calls
//! `rcu_barrier()` under the RTNL lock, which stalls the next namespace
//! (the sandbox's) for up to a second now and then.

use netlink_packet_core::{NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST};
use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkFlags, LinkInfo, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;
use nix::errno::Errno;

use super::diagnosis::Step;
use crate::netlink::link::{new_veth, set_link, VethSide};
use crate::netlink::socket::encode_into;

/// How many requests the probe sends.
pub(super) const COUNT: usize = 3;

/// The names of the probe's links, in the helper's own network namespace.
const VETH: &str = "probe0";
const VETH_PEER: &str = "probe1";
const BRIDGE: &str = "probebr0";

/// `lo` is always interface 1.
const LOOPBACK_IFINDEX: u32 = 1;

/// One serialized request and the step it stands for.
#[derive(Debug)]
pub(super) struct Request {
    /// What a refusal of this request means.
    pub(super) step: Step,
    /// Its `nlmsg_seq`, which its ack carries too.
    pub(super) seq: u32,
    /// The whole netlink message.
    pub(super) bytes: Vec<u8>,
    /// The errno that means the step succeeded, besides 0.
    pub(super) success: Option<Errno>,
}

/// The requests, in the order they are sent.
pub(super) fn build() -> [Request; COUNT] {
    let create = NLM_F_CREATE | NLM_F_EXCL;
    [
        request(Step::LoUp, 1, lo_up(), 0),
        request(Step::CreateVeth, 2, veth(), create),
        Request {
            success: Some(Errno::EADDRNOTAVAIL),
            ..request(Step::CreateBridge, 3, bridge(), create)
        },
    ]
}

fn request(step: Step, seq: u32, msg: RouteNetlinkMessage, flags: u16) -> Request {
    let mut bytes = Vec::new();
    encode_into(&mut bytes, msg, NLM_F_REQUEST | NLM_F_ACK | flags, seq);
    Request {
        step,
        seq,
        bytes,
        success: None,
    }
}

/// `RTM_SETLINK`: `lo` up.
fn lo_up() -> RouteNetlinkMessage {
    set_link(LOOPBACK_IFINDEX, true, None)
}

/// `RTM_NEWLINK`: a veth pair, one end up, both in this namespace, with
/// indices the kernel picks.
fn veth() -> RouteNetlinkMessage {
    let side = |name| VethSide {
        index: 0,
        name,
        mtu: None,
    };
    new_veth(side(VETH), None, side(VETH_PEER), None)
}

/// `RTM_NEWLINK`: a bridge, up, with the invalid MAC address 00:00:00:00:00:00,
/// so that the kernel checks our right to make it and its link type, then
/// refuses it (see the module's docs).
fn bridge() -> RouteNetlinkMessage {
    let mut msg = up(BRIDGE);
    let kind = LinkInfo::Kind(InfoKind::Bridge);
    msg.attributes.push(LinkAttribute::Address(vec![0; 6]));
    msg.attributes.push(LinkAttribute::LinkInfo(vec![kind]));
    RouteNetlinkMessage::NewLink(msg)
}

/// A link message named `name` that sets the link up.
fn up(name: &str) -> LinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.flags = LinkFlags::Up;
    msg.header.change_mask = LinkFlags::Up;
    msg.attributes.push(LinkAttribute::IfName(name.into()));
    msg
}

#[cfg(test)]
mod requests_should {
    use super::*;

    #[test]
    fn set_lo_up_first() {
        let [lo, _, _] = build();
        assert_eq!((lo.step, lo.seq), (Step::LoUp, 1));
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x20, 0x00, 0x00, 0x00, // length 32
            0x13, 0x00,             // type RTM_SETLINK (19)
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0: the kernel fills in ours
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family AF_UNSPEC, pad, type
            0x01, 0x00, 0x00, 0x00, // index 1: lo
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
        ];
        assert_eq!(lo.bytes, expected);
    }

    #[test]
    fn create_a_veth_pair_in_one_namespace() {
        let [_, veth, _] = build();
        assert_eq!((veth.step, veth.seq), (Step::CreateVeth, 2));
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x60, 0x00, 0x00, 0x00, // length 96
            0x10, 0x00,             // type RTM_NEWLINK (16)
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x02, 0x00, 0x00, 0x00, // seq 2
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0x00, 0x00, 0x00, 0x00, // index 0: the kernel picks
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_IFNAME "probe0"
            0x0b, 0x00, 0x03, 0x00, // len 11, type IFLA_IFNAME
            b'p', b'r', b'o', b'b', b'e', b'0', 0x00, 0x00, // "probe0\0", pad
            // IFLA_LINKINFO
            0x34, 0x00, 0x12, 0x00, // len 52, type IFLA_LINKINFO (18)
            0x09, 0x00, 0x01, 0x00, // len 9, type IFLA_INFO_KIND
            b'v', b'e', b't', b'h', 0x00, 0x00, 0x00, 0x00, // "veth\0", pad
            0x24, 0x00, 0x02, 0x00, // len 36, type IFLA_INFO_DATA
            0x20, 0x00, 0x01, 0x00, // len 32, type VETH_INFO_PEER
            0x00, 0x00, 0x00, 0x00, // peer family, pad, type
            0x00, 0x00, 0x00, 0x00, // peer index 0
            0x00, 0x00, 0x00, 0x00, // peer flags 0
            0x00, 0x00, 0x00, 0x00, // peer change 0
            0x0b, 0x00, 0x03, 0x00, // len 11, type IFLA_IFNAME
            b'p', b'r', b'o', b'b', b'e', b'1', 0x00, 0x00, // "probe1\0", pad
        ];
        assert_eq!(veth.bytes, expected);
    }

    #[test]
    fn ask_for_a_bridge_with_an_address_the_driver_refuses() {
        let [lo, veth, bridge] = build();
        assert_eq!((bridge.step, bridge.seq), (Step::CreateBridge, 3));
        assert_eq!(
            (lo.success, veth.success, bridge.success),
            (None, None, Some(Errno::EADDRNOTAVAIL))
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x4c, 0x00, 0x00, 0x00, // length 76
            0x10, 0x00,             // type RTM_NEWLINK
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x03, 0x00, 0x00, 0x00, // seq 3
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifinfomsg
            0x00, 0x00, 0x00, 0x00, // family, pad, type
            0x00, 0x00, 0x00, 0x00, // index 0: the kernel picks
            0x01, 0x00, 0x00, 0x00, // flags IFF_UP
            0x01, 0x00, 0x00, 0x00, // change IFF_UP
            // IFLA_IFNAME "probebr0"
            0x0d, 0x00, 0x03, 0x00, // len 13, type IFLA_IFNAME
            b'p', b'r', b'o', b'b', b'e', b'b', b'r', b'0', // "probebr0"
            0x00, 0x00, 0x00, 0x00, // NUL, pad
            // IFLA_ADDRESS 00:00:00:00:00:00
            0x0a, 0x00, 0x01, 0x00, // len 10, type IFLA_ADDRESS (1)
            0x00, 0x00, 0x00, 0x00, // the all-zero MAC: not a valid
            0x00, 0x00, 0x00, 0x00, // unicast address; pad
            // IFLA_LINKINFO
            0x10, 0x00, 0x12, 0x00, // len 16, type IFLA_LINKINFO
            0x0b, 0x00, 0x01, 0x00, // len 11, type IFLA_INFO_KIND
            b'b', b'r', b'i', b'd', b'g', b'e', 0x00, 0x00, // "bridge\0", pad
        ];
        assert_eq!(bridge.bytes, expected);
    }
}
