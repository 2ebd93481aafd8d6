//! Namespace ids: the number a namespace gives another one
//! (`IFLA_LINK_NETNSID` names a veth peer's namespace with it), and the
//! way back from an id to a descriptor of that namespace.
//!
//! The kernel has no call that opens a namespace by id. But every
//! namespace of a test is held open by its `Net` (each `Node` keeps a
//! descriptor of every namespace), so ask for the id of each
//! (`RTM_GETNSID`) until it matches.

use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::NlasIterator;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::RouteNetlinkMessage;

use super::error::SetupError;
use super::socket::Netlink;

/// `RTM_NEWNSID`
const RTM_NEWNSID: u16 = 88;
/// `NETNSA_NSID`
const NETNSA_NSID: u16 = 1;
/// Size of `struct rtgenmsg`, padded to 4 bytes.
const RTGENMSG_LEN: usize = 4;

/// `RTM_GETNSID`: the id the socket's namespace gives the namespace of
/// descriptor `netns` (`-1` if it gave it none; asking does not assign one).
pub(crate) fn get_nsid(netns: BorrowedFd<'_>) -> RouteNetlinkMessage {
    let mut msg = NsidMessage::default();
    msg.attributes
        .push(NsidAttribute::Fd(netns.as_raw_fd() as u32));
    RouteNetlinkMessage::GetNsId(msg)
}

/// Decodes the id of an `RTM_NEWNSID` reply; `None` if it has none or is
/// not assigned.
pub(crate) fn parse_nsid(payload: &[u8]) -> Result<Option<i32>, String> {
    for nla in NlasIterator::new(payload.get(RTGENMSG_LEN..).unwrap_or(&[])) {
        let nla = nla.map_err(|e| e.to_string())?;
        if nla.kind() == NETNSA_NSID {
            let bytes = nla.value().get(..4).and_then(|b| b.try_into().ok());
            let id = i32::from_ne_bytes(bytes.ok_or("NETNSA_NSID shorter than 4 bytes")?);
            return Ok(Some(id).filter(|&id| id >= 0));
        }
    }
    Ok(None)
}

/// The id `nl`'s namespace gives the namespace of `netns`, if any.
pub(crate) fn nsid_of(nl: &mut Netlink, netns: BorrowedFd<'_>) -> Result<Option<i32>, SetupError> {
    let mut id = None;
    nl.get(get_nsid(netns), "read namespace id", "", |kind, payload| {
        if kind == RTM_NEWNSID {
            id = parse_nsid(payload)?;
        }
        Ok(())
    })?;
    Ok(id)
}

/// Finds, among `candidates` (the test's namespaces), those that `nl`'s
/// namespace knows by the ids `wanted`. An id with no such namespace is
/// left out.
pub(crate) fn find_namespaces<'a>(
    nl: &mut Netlink,
    wanted: &[i32],
    candidates: impl IntoIterator<Item = BorrowedFd<'a>>,
) -> Result<Vec<(i32, BorrowedFd<'a>)>, SetupError> {
    let mut found = Vec::new();
    if wanted.is_empty() {
        return Ok(found);
    }
    for netns in candidates {
        if let Some(id) = nsid_of(nl, netns)?.filter(|id| wanted.contains(id)) {
            if found.iter().all(|(f, _)| *f != id) {
                found.push((id, netns));
                if found.len() == wanted.len() {
                    break;
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::socket::encode;
    use std::fs::File;
    use std::os::fd::AsFd;

    #[test]
    fn asking_for_the_id_of_a_namespace_descriptor() {
        // Any descriptor will do: only its number goes into the message.
        let fd = File::open("/dev/null").expect("open /dev/null");
        let r = (fd.as_raw_fd() as u32).to_ne_bytes();
        let bytes = encode(get_nsid(fd.as_fd()), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x1c, 0x00, 0x00, 0x00, // length 28
            0x5a, 0x00,             // type RTM_GETNSID (90)
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `get` sends REQUEST only)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // rtgenmsg
            0x00, 0x00, 0x00, 0x00, // family AF_UNSPEC, pad
            // NETNSA_FD
            0x08, 0x00, 0x03, 0x00, // len 8, type NETNSA_FD
            r[0], r[1], r[2], r[3], // the namespace's file descriptor
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn an_id_reply_decodes() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            0x00, 0x00, 0x00, 0x00, // rtgenmsg: family AF_UNSPEC, pad
            0x08, 0x00, 0x01, 0x00, // len 8, type NETNSA_NSID
            0x03, 0x00, 0x00, 0x00, // id 3
        ];
        assert_eq!(parse_nsid(&payload), Ok(Some(3)));
    }

    #[test]
    fn an_unassigned_id_decodes_to_none() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            0x00, 0x00, 0x00, 0x00, // rtgenmsg: family AF_UNSPEC, pad
            0x08, 0x00, 0x01, 0x00, // len 8, type NETNSA_NSID
            0xff, 0xff, 0xff, 0xff, // -1: NETNSA_NSID_NOT_ASSIGNED
        ];
        assert_eq!(parse_nsid(&payload), Ok(None));
    }
}
