//! Neighbours (ARP and NDP entries): find the unresolved ones on some
//! links and delete them, and read them all for failure reports.
//!
//! A packet sent while a link has no carrier still creates a neighbour
//! entry for its next hop, and the solicitation that entry sends is lost.
//! The entry stays `INCOMPLETE`, holding every later packet to that
//! neighbour, until its retransmit timer (1 s) sends the next solicitation;
//! after three it is `FAILED`. When the link is back, deleting such entries
//! makes the next packet create a fresh one, which solicits at once.

use std::net::IpAddr;

use netlink_packet_core::NlasIterator;
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourHeader, NeighbourMessage,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use nix::errno::Errno;

use super::addr::ip_of;
use super::error::SetupError;
use super::socket::Netlink;

/// `RTM_NEWNEIGH`
const RTM_NEWNEIGH: u16 = 28;
/// `NDA_DST`
const NDA_DST: u16 = 1;
/// `NDA_LLADDR`
const NDA_LLADDR: u16 = 2;
/// `NUD_INCOMPLETE`: solicited, no answer yet; packets wait in its queue.
const NUD_INCOMPLETE: u16 = 0x01;
/// `NUD_FAILED`: no answer to any solicitation.
const NUD_FAILED: u16 = 0x20;
/// `NUD_NOARP`: needs no resolution (multicast, loopback, point-to-point).
const NUD_NOARP: u16 = 0x40;
/// `NUD_*` bits by name, in the order `ip neigh` prints them.
const NUD_NAMES: [(u16, &str); 8] = [
    (NUD_INCOMPLETE, "INCOMPLETE"),
    (0x02, "REACHABLE"),
    (0x04, "STALE"),
    (0x08, "DELAY"),
    (0x10, "PROBE"),
    (NUD_FAILED, "FAILED"),
    (NUD_NOARP, "NOARP"),
    (0x80, "PERMANENT"),
];
/// `NTF_ROUTER`: an IPv6 neighbour that announced itself as a router.
const NTF_ROUTER: u8 = 0x80;
/// Size of `struct ndmsg`.
const NDMSG_LEN: usize = 12;

/// `RTM_GETNEIGH` dump of every neighbour entry, IPv4 and IPv6, every link.
pub(crate) fn dump_neighbours() -> RouteNetlinkMessage {
    RouteNetlinkMessage::GetNeighbour(NeighbourMessage::default())
}

/// `RTM_DELNEIGH` of the entry for `dst` on link `index`.
pub(crate) fn del_neighbour(index: u32, dst: IpAddr) -> RouteNetlinkMessage {
    let mut msg = NeighbourMessage::default();
    msg.header = NeighbourHeader {
        family: match dst {
            IpAddr::V4(_) => AddressFamily::Inet,
            IpAddr::V6(_) => AddressFamily::Inet6,
        },
        ifindex: index,
        ..NeighbourHeader::default()
    };
    msg.attributes
        .push(NeighbourAttribute::Destination(match dst {
            IpAddr::V4(ip) => NeighbourAddress::Inet(ip),
            IpAddr::V6(ip) => NeighbourAddress::Inet6(ip),
        }));
    RouteNetlinkMessage::DelNeighbour(msg)
}

/// What we read of a neighbour entry from an `RTM_NEWNEIGH` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NeighStatus {
    /// The link it is on.
    pub(crate) index: u32,
    /// `NUD_*` state bits.
    pub(crate) state: u16,
    /// `NTF_*` flags.
    pub(crate) flags: u8,
    /// `NDA_DST`: the neighbour's IP address.
    pub(crate) dst: Option<IpAddr>,
    /// `NDA_LLADDR`: its link-layer address, once resolved.
    pub(crate) lladdr: Option<Vec<u8>>,
}

impl NeighStatus {
    /// Solicited without an answer: `INCOMPLETE` or `FAILED`.
    pub(crate) fn is_unresolved(&self) -> bool {
        self.state & (NUD_INCOMPLETE | NUD_FAILED) != 0
    }

    /// An entry `ip neigh` lists by default: one that needs resolving
    /// (not `NOARP`: multicast and loopback entries) and has been used
    /// (not `NONE`).
    pub(crate) fn is_resolved_by_protocol(&self) -> bool {
        self.state != 0 && self.state & NUD_NOARP == 0
    }

    /// The state as `ip neigh` prints it: `REACHABLE`, `STALE`,
    /// `INCOMPLETE`, `FAILED`, `PERMANENT`..., `NONE` for no bit.
    pub(crate) fn state_name(&self) -> String {
        let names: Vec<&str> = NUD_NAMES
            .iter()
            .filter(|(bit, _)| self.state & bit != 0)
            .map(|&(_, name)| name)
            .collect();
        if names.is_empty() {
            "NONE".to_string()
        } else {
            names.join(" ")
        }
    }

    /// An IPv6 neighbour that said it is a router.
    pub(crate) fn is_router(&self) -> bool {
        self.flags & NTF_ROUTER != 0
    }
}

/// Decodes the payload of an `RTM_NEWNEIGH` message.
pub(crate) fn parse_neighbour(payload: &[u8]) -> Result<NeighStatus, String> {
    let header = NeighbourHeader::parse(payload).map_err(|e| e.to_string())?;
    let mut neigh = NeighStatus {
        index: header.ifindex,
        state: header.state.into(),
        flags: header.flags.bits(),
        dst: None,
        lladdr: None,
    };
    for nla in NlasIterator::new(payload.get(NDMSG_LEN..).unwrap_or(&[])) {
        let nla = nla.map_err(|e| e.to_string())?;
        match nla.kind() {
            NDA_DST => neigh.dst = ip_of(nla.value()),
            NDA_LLADDR => neigh.lladdr = Some(nla.value().to_vec()),
            _ => {}
        }
    }
    Ok(neigh)
}

/// Deletes every `INCOMPLETE` or `FAILED` neighbour entry on the links
/// `indices` of `nl`'s namespace; returns how many were deleted. An entry
/// that is gone by the time we delete it is fine.
pub(crate) fn forget_unresolved(nl: &mut Netlink, indices: &[u32]) -> Result<usize, SetupError> {
    let step = "forget unresolved neighbours";
    if indices.is_empty() {
        return Ok(0);
    }
    let mut unresolved = Vec::new();
    nl.dump(dump_neighbours(), step, "", |kind, payload| {
        if kind == RTM_NEWNEIGH {
            let neigh = parse_neighbour(payload)?;
            if neigh.is_unresolved() && indices.contains(&neigh.index) {
                unresolved.extend(neigh.dst.map(|dst| (neigh.index, dst)));
            }
        }
        Ok(())
    })?;
    let mut deleted = 0;
    for (index, dst) in unresolved {
        let object = format!("{dst} on link {index}");
        match nl.request(del_neighbour(index, dst), 0, step, object) {
            Ok(()) => deleted += 1,
            Err(err) if err.errno == Some(Errno::ENOENT) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::socket::encode;

    #[test]
    fn a_neighbour_dump_request_covers_both_families() {
        let bytes = encode(dump_neighbours(), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x1c, 0x00, 0x00, 0x00, // length 28
            0x1e, 0x00,             // type RTM_GETNEIGH (30)
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `dump` sends REQUEST|DUMP)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ndmsg
            0x00,                   // family AF_UNSPEC: IPv4 and IPv6 tables
            0x00, 0x00, 0x00,       // pad
            0x00, 0x00, 0x00, 0x00, // ifindex 0: every link
            0x00, 0x00,             // state: any
            0x00,                   // flags 0 (no NTF_PROXY: real entries)
            0x00,                   // type
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn deleting_an_ipv4_neighbour() {
        let bytes = encode(del_neighbour(1001, "10.0.0.2".parse().expect("ip")), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x24, 0x00, 0x00, 0x00, // length 36
            0x1d, 0x00,             // type RTM_DELNEIGH (29)
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ndmsg
            0x02,                   // family AF_INET: the ARP table
            0x00, 0x00, 0x00,       // pad
            0xe9, 0x03, 0x00, 0x00, // ifindex 1001
            0x00, 0x00,             // state 0
            0x00,                   // flags 0
            0x00,                   // type 0
            // NDA_DST 10.0.0.2
            0x08, 0x00, 0x01, 0x00, // len 8, type NDA_DST
            10, 0, 0, 2,            // 10.0.0.2
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn deleting_an_ipv6_neighbour() {
        let bytes = encode(del_neighbour(1000, "fd00::2".parse().expect("ip")), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x30, 0x00, 0x00, 0x00, // length 48
            0x1d, 0x00,             // type RTM_DELNEIGH
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ndmsg
            0x0a,                   // family AF_INET6: the NDP table
            0x00, 0x00, 0x00,       // pad
            0xe8, 0x03, 0x00, 0x00, // ifindex 1000
            0x00, 0x00,             // state 0
            0x00,                   // flags 0
            0x00,                   // type 0
            // NDA_DST fd00::2
            0x14, 0x00, 0x01, 0x00, // len 20, type NDA_DST
            0xfd, 0x00, 0x00, 0x00, // fd00:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x02, // 0000:0002
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn an_incomplete_neighbour_decodes_as_unresolved() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            // ndmsg
            0x02, 0x00, 0x00, 0x00, // family AF_INET, pad
            0xe8, 0x03, 0x00, 0x00, // ifindex 1000
            0x01, 0x00,             // state NUD_INCOMPLETE
            0x00, 0x01,             // flags 0, type RTN_UNICAST
            // NDA_DST 10.0.0.2
            0x08, 0x00, 0x01, 0x00, // len 8, type NDA_DST
            10, 0, 0, 2,            // 10.0.0.2
            // NDA_PROBES, which we do not read
            0x08, 0x00, 0x04, 0x00, // len 8, type NDA_PROBES
            0x04, 0x00, 0x00, 0x00, // 4
        ];
        let neigh = parse_neighbour(&payload);
        assert_eq!(
            neigh,
            Ok(NeighStatus {
                index: 1000,
                state: NUD_INCOMPLETE,
                flags: 0,
                dst: Some("10.0.0.2".parse().expect("ip")),
                lladdr: None,
            })
        );
        assert!(neigh.is_ok_and(|n| n.is_unresolved()));
    }

    #[test]
    fn a_reachable_ipv6_router_decodes_with_its_link_layer_address() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            // ndmsg
            0x0a, 0x00, 0x00, 0x00, // family AF_INET6, pad
            0xe9, 0x03, 0x00, 0x00, // ifindex 1001
            0x02, 0x00,             // state NUD_REACHABLE
            0x80,                   // flags NTF_ROUTER
            0x01,                   // type RTN_UNICAST
            // NDA_DST fd00::1
            0x14, 0x00, 0x01, 0x00, // len 20, type NDA_DST
            0xfd, 0x00, 0x00, 0x00, // fd00:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x01, // 0000:0001
            // NDA_LLADDR 02:00:00:00:03:e8
            0x0a, 0x00, 0x02, 0x00, // len 10, type NDA_LLADDR
            0x02, 0x00, 0x00, 0x00, // 02:00:00:00:
            0x03, 0xe8, 0x00, 0x00, // 03:e8, padding
            // NDA_CACHEINFO, which we do not read
            0x14, 0x00, 0x03, 0x00, // len 20, type NDA_CACHEINFO
            0x00, 0x00, 0x00, 0x00, // confirmed
            0x00, 0x00, 0x00, 0x00, // used
            0x00, 0x00, 0x00, 0x00, // updated
            0x01, 0x00, 0x00, 0x00, // refcnt
        ];
        let neigh = parse_neighbour(&payload).expect("decoded");
        assert_eq!(neigh.dst, Some("fd00::1".parse().expect("ip")));
        assert_eq!(neigh.lladdr.as_deref(), Some(&[2, 0, 0, 0, 3, 0xe8][..]));
        assert_eq!(neigh.state_name(), "REACHABLE");
        assert!(neigh.is_router() && neigh.is_resolved_by_protocol());
    }

    #[test]
    fn states_are_named_as_ip_neigh_names_them() {
        let with = |state| NeighStatus {
            index: 1000,
            state,
            flags: 0,
            dst: None,
            lladdr: None,
        };
        let names: Vec<String> = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0xc0]
            .into_iter()
            .map(|state| with(state).state_name())
            .collect();
        assert_eq!(
            names,
            [
                "INCOMPLETE",
                "REACHABLE",
                "STALE",
                "DELAY",
                "PROBE",
                "FAILED",
                "NOARP",
                "PERMANENT",
                "NONE",
                "NOARP PERMANENT",
            ]
        );
        // `ip neigh` hides NOARP entries (multicast, lo) and unused ones.
        let shown: Vec<bool> = [0x01, 0x20, 0x80, 0x40, 0x00]
            .into_iter()
            .map(|state| with(state).is_resolved_by_protocol())
            .collect();
        assert_eq!(shown, [true, true, true, false, false]);
    }

    #[test]
    fn only_incomplete_and_failed_entries_are_unresolved() {
        let with = |state| NeighStatus {
            index: 1000,
            state,
            flags: 0,
            dst: None,
            lladdr: None,
        };
        assert!(with(NUD_INCOMPLETE).is_unresolved());
        assert!(with(NUD_FAILED).is_unresolved());
        // REACHABLE, STALE, DELAY, PROBE know the link-layer address: packets flow.
        for state in [0x02, 0x04, 0x08, 0x10, 0x40, 0x80, 0x00] {
            assert!(!with(state).is_unresolved(), "state {state:#x}");
        }
    }
}
