//! The segment of a link: the IP interfaces that traffic over it reaches
//! without a router, in whichever namespace each is.
//!
//! From the link, the walk follows veth peers (into their namespace,
//! through the id ours gives it) and bridges (from a port to its bridge,
//! from a bridge to all its ports). A bridge and every veth end that is not
//! a port are IP interfaces; a port is not. Every link is read with its own
//! `RTM_GETLINK`, which applies its pending carrier change (see
//! [`get_link_in`]); a port is read before its bridge, whose carrier
//! follows its ports'.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::os::fd::BorrowedFd;

use nix::errno::Errno;

use super::error::SetupError;
use super::link::{dump_ports_in, get_link_in, parse_link, LinkStatus};
use super::nsid::nsid_of;
use super::socket::Netlink;

/// `RTM_NEWLINK`
const RTM_NEWLINK: u16 = 16;
/// The walk reads at most this many links (a bound, not a limit any
/// topology reaches).
const MAX_LINKS: usize = 4096;

/// Where a link is, seen from the socket's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// The socket's own namespace.
    Here,
    /// The namespace ours knows by this id.
    Id(i32),
}

impl Place {
    fn netnsid(self) -> Option<i32> {
        match self {
            Place::Here => None,
            Place::Id(id) => Some(id),
        }
    }

    /// Where the veth peer of `link`, read here, is: the same namespace
    /// unless the kernel named another one; `None` if it could not give
    /// that one an id.
    fn of_peer(self, link: &LinkStatus) -> Option<Place> {
        match link.peer_netnsid {
            None => Some(self),
            Some(id) if id >= 0 => Some(Place::Id(id)),
            Some(_) => None,
        }
    }
}

/// The IP interfaces of a link's segment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// Indices of those in the socket's own namespace.
    pub(crate) here: Vec<u32>,
    /// Those in other namespaces: the id ours gives the namespace, and
    /// their indices there.
    pub(crate) elsewhere: Vec<(i32, Vec<u32>)>,
}

impl Segment {
    /// Groups interfaces by namespace; those in the namespace with id
    /// `own_id` (ours, named by an id) count as here.
    fn from_interfaces(interfaces: BTreeSet<(Place, u32)>, own_id: Option<i32>) -> Segment {
        let mut here = BTreeSet::new();
        let mut elsewhere: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
        for (place, index) in interfaces {
            match place {
                Place::Id(id) if Some(id) != own_id => elsewhere.entry(id).or_default().push(index),
                _ => {
                    here.insert(index);
                }
            }
        }
        Segment {
            here: here.into_iter().collect(),
            elsewhere: elsewhere.into_iter().collect(),
        }
    }
}

/// Walks the segment of `link` (read in `nl`'s namespace, whose descriptor
/// is `own_netns`) and returns its IP interfaces.
pub(crate) fn segment_of(
    nl: &mut Netlink,
    link: LinkStatus,
    own_netns: BorrowedFd<'_>,
    step: &'static str,
    ifname: &str,
) -> Result<Segment, SetupError> {
    let mut seen = BTreeSet::from([(Place::Here, link.index)]);
    let mut interfaces = BTreeSet::new();
    let mut todo = VecDeque::from([(Place::Here, link)]);
    while let Some((place, link)) = todo.pop_front() {
        if seen.len() > MAX_LINKS {
            break;
        }
        let mut next = Vec::new();
        if link.kind.as_deref() == Some("bridge") {
            interfaces.insert((place, link.index));
            let dump = dump_ports_in(place.netnsid(), link.index);
            nl.dump(dump, step, ifname, |kind, payload| {
                if kind == RTM_NEWLINK {
                    let port = parse_link(payload)?;
                    if port.master == Some(link.index) {
                        next.push((place, port.index, Some(port)));
                    }
                }
                Ok(())
            })?;
        } else if let Some(master) = link.master {
            next.push((place, master, None));
        } else {
            interfaces.insert((place, link.index));
        }
        if let (Some("veth"), Some(peer)) = (link.kind.as_deref(), link.peer) {
            if let Some(peer_place) = place.of_peer(&link) {
                next.push((peer_place, peer, None));
            }
        }
        for (place, index, known) in next {
            if !seen.insert((place, index)) {
                continue;
            }
            let found = match known {
                Some(link) => Some(link),
                None => read(nl, place, index, step, ifname)?,
            };
            todo.extend(found.map(|link| (place, link)));
        }
    }
    let named_elsewhere = interfaces.iter().any(|(p, _)| *p != Place::Here);
    let own_id = if named_elsewhere {
        nsid_of(nl, own_netns)?
    } else {
        None
    };
    Ok(Segment::from_interfaces(interfaces, own_id))
}

/// Reads link `index` at `place`; `None` if it (or its namespace) is gone.
fn read(
    nl: &mut Netlink,
    place: Place,
    index: u32,
    step: &'static str,
    ifname: &str,
) -> Result<Option<LinkStatus>, SetupError> {
    let mut link = None;
    let read = nl.get(
        get_link_in(place.netnsid(), index),
        step,
        ifname,
        |_, payload| {
            link = Some(parse_link(payload)?);
            Ok(())
        },
    );
    match read {
        Ok(()) => Ok(link),
        Err(err) if err.errno == Some(Errno::ENODEV) => Ok(None),
        // An id whose namespace has died.
        Err(err) if err.errno == Some(Errno::EINVAL) && place != Place::Here => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_are_grouped_by_namespace_and_our_own_id_counts_as_here() {
        let interfaces = BTreeSet::from([
            (Place::Here, 1001),
            (Place::Id(0), 1001), // our own namespace, reached through a peer
            (Place::Id(1), 1000),
            (Place::Id(2), 1004),
            (Place::Id(1), 1003),
        ]);
        assert_eq!(
            Segment::from_interfaces(interfaces, Some(0)),
            Segment {
                here: vec![1001],
                elsewhere: vec![(1, vec![1000, 1003]), (2, vec![1004])],
            }
        );
    }

    #[test]
    fn a_peer_is_where_the_kernel_says() {
        let mut link = LinkStatus {
            index: 1000,
            flags: 0,
            up: true,
            name: "eth0".into(),
            mtu: 1500,
            operstate: netlink_packet_route::link::State::Up,
            master: None,
            peer: Some(1001),
            peer_netnsid: None,
            kind: Some("veth".into()),
            mac: None,
        };
        // No IFLA_LINK_NETNSID: in the namespace the link was read in.
        assert_eq!(Place::Id(3).of_peer(&link), Some(Place::Id(3)));
        link.peer_netnsid = Some(5);
        assert_eq!(Place::Id(3).of_peer(&link), Some(Place::Id(5)));
        // The kernel could not give the peer's namespace an id.
        link.peer_netnsid = Some(-1);
        assert_eq!(Place::Here.of_peer(&link), None);
    }
}
