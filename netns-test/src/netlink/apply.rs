//! Applying a plan: every bridge, veth pair, address and route, every link
//! up and operationally up before routes are added.
//!
//! The work goes out in three rounds; in each, every namespace's requests
//! are sent as one datagram on its own socket, then all acks are read.
//!
//! 1. Bridges (in the host), created up; every veth pair, created from the
//!    socket of its main end's namespace with the peer placed in its own
//!    namespace. The main end is the bridge port if there is one
//!    (`IFLA_MASTER` only works on it) and is created up; a peer cannot be.
//!    No IPv6 autoconfiguration on any of them (see `no_ipv6_autoconf`).
//! 2. `lo` up everywhere, every address of bridges and veth ends plus an
//!    IPv6 link-local address each, every peer end up (and attached to its
//!    bridge, if it is a port). Notifications are joined just before, so
//!    the wait below misses nothing.
//! 3. Once every veth end and every bridge with ports is operationally up
//!    and every IPv6 address can receive (see the `wait` module): routes,
//!    whose gateways need the prefix routes of up links.
//!
//! Interface indices are chosen here, not by the kernel (see `Layout`),
//! so no request waits for another's answer.

use std::net::{IpAddr, Ipv6Addr};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netns_test_topology::{Cidr, NsId, Plan, VethEnd};
use nix::errno::Errno;

use super::addr::{dump_addresses, link_local, new_address, parse_address, IFA_F_TENTATIVE};
use super::error::{SetupError, SetupErrorKind};
use super::link::{
    get_link, new_bridge, new_veth, no_ipv6_autoconf, parse_link, set_link, LinkStatus, VethSide,
    FIRST_IFINDEX, LOOPBACK_IFINDEX,
};
use super::route::{del_route, new_route};
use super::segment::{segment_of, Segment};
use super::socket::Netlink;
use super::wait::{Readiness, Target, Want, What};

/// How long links get to become operationally up (or down).
pub(crate) const LINK_TIMEOUT: Duration = Duration::from_secs(5);

const CREATE: u16 = NLM_F_CREATE | NLM_F_EXCL;
/// `RTM_NEWADDR`
const RTM_NEWADDR: u16 = 20;

/// Builds the network of `plan`. `nl[i]` and `ns_fds[i]` belong to
/// `plan.namespaces[i]` (index 0 is the host). Sysctls are not applied here.
pub(crate) fn apply(
    plan: &Plan,
    nl: &mut [Netlink],
    ns_fds: &[BorrowedFd<'_>],
) -> Result<(), SetupError> {
    let layout = Layout::new(plan, nl.len(), ns_fds.len())?;
    let host = NsId::HOST.0;

    // Round 1: bridges and veth pairs.
    for (b, bridge) in plan.bridges.iter().enumerate() {
        let index = layout.bridges[b];
        let label = layout.bridge_label(b);
        nl[host].queue(
            new_bridge(index, &bridge.name),
            CREATE,
            "create bridge",
            &label,
        )?;
        if layout.bridge_has_ipv6(b) {
            nl[host].queue(no_ipv6_autoconf(index), 0, "configure link", &label)?;
        }
    }
    for (l, link) in plan.links.iter().enumerate() {
        let pair = layout.pair(l);
        let main = VethSide {
            index: pair.main_index,
            name: &pair.main.ifname,
            mtu: link.mtu,
        };
        let peer = VethSide {
            index: pair.peer_index,
            name: &pair.peer.ifname,
            mtu: link.mtu,
        };
        let master = pair.main.bridge.map(|b| layout.bridges[b]);
        let peer_ns = (pair.peer.ns != pair.main.ns).then(|| ns_fds[pair.peer.ns.0]);
        let object = format!(
            "{} <-> {}",
            layout.end_label(&link.a),
            layout.end_label(&link.b)
        );
        nl[pair.main.ns.0].queue(
            new_veth(main, master, peer, peer_ns),
            CREATE,
            "create veth",
            object,
        )?;
        if has_ipv6(link.mtu) {
            let label = layout.end_label(pair.main);
            nl[pair.main.ns.0].queue(
                no_ipv6_autoconf(pair.main_index),
                0,
                "configure link",
                label,
            )?;
        }
    }
    execute_all(nl)?;

    // Round 2: lo, addresses, peers up; links and IPv6 addresses become
    // ready from here on, so the notifications are joined first.
    let waiter = Readiness::subscribe(nl, layout.wait_targets(), Want::Up)?;
    if let Err(err) = round_two(plan, &layout, nl) {
        waiter.cancel(nl);
        return Err(err);
    }
    waiter.wait(nl, LINK_TIMEOUT)?;

    // Round 3: routes.
    for route in &plan.routes {
        let object = format!(
            "{}: {} via {}",
            layout.ns_name(route.ns.0),
            route
                .dest
                .map_or_else(|| "default".to_string(), |d| d.to_string()),
            route.via
        );
        nl[route.ns.0].queue(
            new_route(route.dest, route.via),
            CREATE,
            "add route",
            object,
        )?;
    }
    execute_all(nl)
}

fn round_two(plan: &Plan, layout: &Layout<'_>, nl: &mut [Netlink]) -> Result<(), SetupError> {
    for (ns, socket) in nl.iter_mut().enumerate() {
        let label = format!("{}:lo", layout.ns_name(ns));
        socket.queue(
            set_link(LOOPBACK_IFINDEX, true, None),
            0,
            "set link up",
            label,
        )?;
    }
    for addr in layout.addresses() {
        let object = addr_label(&addr.label, addr.cidr);
        nl[addr.ns].queue(
            new_address(addr.index, addr.cidr),
            CREATE,
            "add address",
            object,
        )?;
    }
    for l in 0..plan.links.len() {
        let pair = layout.pair(l);
        let peer_label = layout.end_label(pair.peer);
        let peer_ns = pair.peer.ns.0;
        if has_ipv6(plan.links[l].mtu) {
            nl[peer_ns].queue(
                no_ipv6_autoconf(pair.peer_index),
                0,
                "configure link",
                &peer_label,
            )?;
        }
        let master = pair.peer.bridge.map(|b| layout.bridges[b]);
        let up = set_link(pair.peer_index, true, master);
        nl[peer_ns].queue(up, 0, "set link up", peer_label)?;
    }
    execute_all(nl)
}

/// Sends every socket's queued requests, then reads every ack; returns the
/// first failure in namespace order.
fn execute_all(nl: &mut [Netlink]) -> Result<(), SetupError> {
    let mut first = None;
    for socket in nl.iter_mut() {
        if let Err(err) = socket.flush() {
            first.get_or_insert(err);
        }
    }
    for socket in nl.iter_mut() {
        if let Err(err) = socket.collect() {
            first.get_or_insert(err);
        }
    }
    first.map_or(Ok(()), Err)
}

/// Sets link `ifname` of `nl`'s namespace (whose descriptor is
/// `own_netns`) up or down and returns once the change took effect: after
/// `true`, operstate `UP`, its IPv6 addresses able to receive, and every
/// link of its segment (veth peer, bridges, their other ports) read, which
/// applies their pending carrier changes; after `false`, administratively
/// down and operstate not `UP`.
///
/// After `true`, returns the link's segment: the caller then forgets the
/// neighbours that traffic sent during the outage left unresolved there
/// (see the `neigh` module), in each namespace. After `false`, an empty one.
pub(crate) fn set_link_up_and_wait(
    nl: &mut Netlink,
    own_netns: BorrowedFd<'_>,
    ifname: &str,
    up: bool,
) -> Result<Segment, SetupError> {
    let step = if up { "set link up" } else { "set link down" };
    let mut found = None;
    nl.get(get_link(ifname), step, ifname, |_, payload| {
        found = Some(parse_link(payload)?);
        Ok(())
    })
    .map_err(|err| match err.errno {
        Some(Errno::ENODEV) => SetupError::new(SetupErrorKind::NotFound, step, ifname),
        _ => err,
    })?;
    let link = found.ok_or_else(|| SetupError::new(SetupErrorKind::NotFound, step, ifname))?;
    let mut targets = vec![Target {
        ns: 0,
        what: What::Link(link.index),
        label: ifname.to_string(),
    }];
    if up {
        // A bridge whose only port this is lost its carrier with it; read
        // after the port (see `Readiness::subscribe`).
        if let Some(master) = link.master {
            targets.push(Target {
                ns: 0,
                what: What::Link(master),
                label: format!("{ifname}'s bridge"),
            });
        }
        targets.extend(ipv6_addresses(nl, &link, step, ifname)?);
    }
    let nls = std::slice::from_mut(nl);
    let want = if up { Want::Up } else { Want::Down };
    let waiter = Readiness::subscribe(nls, targets, want)?;
    if let Err(err) = nls[0].request(set_link(link.index, up, None), 0, step, ifname) {
        waiter.cancel(nls);
        return Err(err);
    }
    waiter.wait(nls, LINK_TIMEOUT)?;
    if !up {
        return Ok(Segment::default());
    }
    segment_of(nl, link, own_netns, step, ifname)
}

/// `RTM_NEWROUTE`: the route to `dest` (`None`: the default route of the
/// gateway's family) via `via` in `nl`'s namespace. With `replace`, one to
/// the same destination is replaced rather than refused (to put back a
/// route the kernel flushed when its link went down).
pub(crate) fn add_route(
    nl: &mut Netlink,
    dest: Option<Cidr>,
    via: IpAddr,
    replace: bool,
    object: &str,
) -> Result<(), SetupError> {
    let flags = if replace {
        NLM_F_CREATE | NLM_F_REPLACE
    } else {
        CREATE
    };
    nl.request(new_route(dest, via), flags, "add route", object)
}

/// `RTM_DELROUTE`: the route to `dest` (`None`: the default route of the
/// family `v6` says) in `nl`'s namespace.
pub(crate) fn remove_route(
    nl: &mut Netlink,
    dest: Option<Cidr>,
    v6: bool,
    object: &str,
) -> Result<(), SetupError> {
    nl.request(del_route(dest, v6), 0, "delete route", object)
}

/// The IPv6 addresses of `link` to wait for after bringing it up: those
/// kept over a down (`net.ipv6.conf.*.keep_addr_on_down`) get their local
/// route back asynchronously. Link-local and tentative ones wait for
/// duplicate address detection, which nothing here asked to skip.
fn ipv6_addresses(
    nl: &mut Netlink,
    link: &LinkStatus,
    step: &'static str,
    ifname: &str,
) -> Result<Vec<Target>, SetupError> {
    let mut targets = Vec::new();
    nl.dump(dump_addresses(), step, ifname, |kind, payload| {
        if kind != RTM_NEWADDR {
            return Ok(());
        }
        let Some(addr) = parse_address(payload)? else {
            return Ok(());
        };
        if let IpAddr::V6(ip) = addr.cidr.addr {
            if addr.index == link.index && addr.flags & IFA_F_TENTATIVE == 0 && !is_link_local(ip) {
                targets.push(Target {
                    ns: 0,
                    what: What::Ipv6Address(ip),
                    label: addr_label(ifname, addr.cidr),
                });
            }
        }
        Ok(())
    })?;
    Ok(targets)
}

fn is_link_local(ip: Ipv6Addr) -> bool {
    ip.segments()[0] & 0xffc0 == 0xfe80
}

/// The interface indices we give every device, and naming helpers.
struct Layout<'p> {
    plan: &'p Plan,
    /// Index of each bridge (in the host).
    bridges: Vec<u32>,
    /// Index of each link's `a` and `b` end, each in its own namespace.
    ends: Vec<(u32, u32)>,
}

/// A veth pair as created: the main end (whose socket creates it) and the peer.
struct Pair<'p> {
    main: &'p VethEnd,
    main_index: u32,
    peer: &'p VethEnd,
    peer_index: u32,
}

impl<'p> Layout<'p> {
    /// Numbers devices from [`FIRST_IFINDEX`] up, bridges first, then veth
    /// ends in plan order, never twice the same index even in different
    /// namespaces; checks every reference.
    fn new(plan: &'p Plan, sockets: usize, fds: usize) -> Result<Self, SetupError> {
        let n = plan.namespaces.len();
        let invalid = |detail: String| {
            SetupError::new(SetupErrorKind::InvalidInput, "apply plan", "").with_detail(detail)
        };
        if n == 0 || sockets != n || fds != n {
            return Err(invalid(format!(
                "{n} namespaces but {sockets} netlink sockets and {fds} namespace descriptors"
            )));
        }
        // One counter over all namespaces, although each namespace has its
        // own index space: the kernel treats a veth whose two ends have the
        // same index as a device without a lower link, so its carrier
        // changes take the slow (up to 1 s) linkwatch path.
        let mut next = FIRST_IFINDEX;
        let mut take = |ns: NsId| -> Result<u32, SetupError> {
            if ns.0 >= n {
                return Err(invalid(format!("namespace {} does not exist", ns.0)));
            }
            let index = next;
            next += 1;
            Ok(index)
        };
        let bridges = plan
            .bridges
            .iter()
            .map(|_| take(NsId::HOST))
            .collect::<Result<Vec<_>, _>>()?;
        let mut ends = Vec::with_capacity(plan.links.len());
        for link in &plan.links {
            for end in [&link.a, &link.b] {
                if let Some(b) = end.bridge {
                    if b >= plan.bridges.len() || end.ns != NsId::HOST {
                        return Err(invalid(format!(
                            "port {} refers to bridge {b} or is outside the host",
                            end.ifname
                        )));
                    }
                }
            }
            ends.push((take(link.a.ns)?, take(link.b.ns)?));
        }
        for route in &plan.routes {
            if route.ns.0 >= n {
                return Err(invalid(format!(
                    "a route is in namespace {} of {n}",
                    route.ns.0
                )));
            }
        }
        Ok(Layout {
            plan,
            bridges,
            ends,
        })
    }

    fn ns_name(&self, ns: usize) -> &'p str {
        self.plan
            .namespaces
            .get(ns)
            .map_or("?", |n| n.name.as_str())
    }

    fn end_label(&self, end: &VethEnd) -> String {
        format!("{}:{}", self.ns_name(end.ns.0), end.ifname)
    }

    /// The main end is the bridge port if only `b` is one, else `a`.
    fn pair(&self, l: usize) -> Pair<'p> {
        let link = &self.plan.links[l];
        let (ia, ib) = self.ends[l];
        if link.b.bridge.is_some() && link.a.bridge.is_none() {
            Pair {
                main: &link.b,
                main_index: ib,
                peer: &link.a,
                peer_index: ia,
            }
        } else {
            Pair {
                main: &link.a,
                main_index: ia,
                peer: &link.b,
                peer_index: ib,
            }
        }
    }

    /// Every address to add: those of the plan, and a link-local address
    /// for every bridge and every veth end that is not a bridge port (a
    /// port is not an IP interface).
    fn addresses(&self) -> Vec<Address> {
        let plan = self.plan;
        let mut out = Vec::new();
        for (b, bridge) in plan.bridges.iter().enumerate() {
            let (index, label) = (self.bridges[b], self.bridge_label(b));
            let local = self.bridge_has_ipv6(b).then(|| link_local(index));
            for cidr in bridge.addrs.iter().copied().chain(local) {
                out.push(Address {
                    ns: NsId::HOST.0,
                    index,
                    label: label.clone(),
                    cidr,
                });
            }
        }
        for (l, link) in plan.links.iter().enumerate() {
            for (end, index) in [(&link.a, self.ends[l].0), (&link.b, self.ends[l].1)] {
                let local = (end.bridge.is_none() && has_ipv6(link.mtu)).then(|| link_local(index));
                for cidr in end.addrs.iter().copied().chain(local) {
                    out.push(Address {
                        ns: end.ns.0,
                        index,
                        label: self.end_label(end),
                        cidr,
                    });
                }
            }
        }
        out
    }

    /// Every veth end, then every bridge that has a port (a bridge without
    /// ports stays operationally down; its carrier follows its ports', so
    /// it is read after them), then every IPv6 address.
    fn wait_targets(&self) -> Vec<Target> {
        let plan = self.plan;
        let mut targets = Vec::new();
        for (l, link) in plan.links.iter().enumerate() {
            for (end, index) in [(&link.a, self.ends[l].0), (&link.b, self.ends[l].1)] {
                let label = self.end_label(end);
                targets.push(Target {
                    ns: end.ns.0,
                    what: What::Link(index),
                    label,
                });
            }
        }
        for b in 0..plan.bridges.len() {
            let has_port = plan
                .links
                .iter()
                .any(|l| l.a.bridge == Some(b) || l.b.bridge == Some(b));
            if has_port {
                let (what, label) = (What::Link(self.bridges[b]), self.bridge_label(b));
                targets.push(Target {
                    ns: NsId::HOST.0,
                    what,
                    label,
                });
            }
        }
        for addr in self.addresses() {
            if let IpAddr::V6(ip) = addr.cidr.addr {
                let label = addr_label(&addr.label, addr.cidr);
                targets.push(Target {
                    ns: addr.ns,
                    what: What::Ipv6Address(ip),
                    label,
                });
            }
        }
        targets
    }

    /// Whether bridge `b` keeps its IPv6 state: a bridge's MTU follows its
    /// smallest port's, and below 1280 the kernel removes the device's IPv6
    /// state.
    fn bridge_has_ipv6(&self, b: usize) -> bool {
        self.plan
            .links
            .iter()
            .filter(|l| l.a.bridge == Some(b) || l.b.bridge == Some(b))
            .all(|l| has_ipv6(l.mtu))
    }

    fn bridge_label(&self, b: usize) -> String {
        let name = self.plan.bridges.get(b).map_or("?", |br| br.name.as_str());
        format!("{}:{name}", self.ns_name(NsId::HOST.0))
    }
}

/// The smallest MTU with which a device keeps its IPv6 state (RFC 8200);
/// below it the kernel removes that state, and IPv6 settings of the device
/// fail with `EAFNOSUPPORT`.
pub(crate) const IPV6_MIN_MTU: u32 = 1280;

/// Whether a veth pair with this `mtu=` keeps IPv6 on its ends.
fn has_ipv6(mtu: Option<u32>) -> bool {
    mtu.is_none_or(|mtu| mtu >= IPV6_MIN_MTU)
}

/// An address to add, on link `index` of namespace `ns`.
struct Address {
    ns: usize,
    index: u32,
    label: String,
    cidr: Cidr,
}

fn addr_label(link: &str, cidr: Cidr) -> String {
    format!("{link} {cidr}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use netns_test_topology::{BridgePlan, NamespacePlan, NsKind, VethPlan};

    fn end(ns: usize, ifname: &str, bridge: Option<usize>) -> VethEnd {
        VethEnd {
            ns: NsId(ns),
            ifname: ifname.into(),
            bridge,
            addrs: vec![],
        }
    }

    fn walk_through() -> Plan {
        Plan {
            namespaces: vec![
                NamespacePlan {
                    name: "host".into(),
                    kind: NsKind::Host,
                },
                NamespacePlan {
                    name: "ns1".into(),
                    kind: NsKind::Node,
                },
            ],
            bridges: vec![BridgePlan {
                name: "testbr".into(),
                addrs: vec![],
            }],
            links: vec![VethPlan {
                a: end(1, "eth0", None),
                b: end(0, "ns1-nic", Some(0)),
                mtu: None,
                impairment: None,
            }],
            routes: vec![],
            sysctls: vec![],
            nats: vec![],
            forwards: vec![],
        }
    }

    #[test]
    fn indices_count_from_1000_bridges_first_unique_across_namespaces() {
        let plan = walk_through();
        let layout = Layout::new(&plan, 2, 2).expect("a valid plan");
        assert_eq!(layout.bridges, vec![1000]);
        assert_eq!(layout.ends, vec![(1001, 1002)]);
    }

    #[test]
    fn the_bridge_port_is_the_main_end() {
        let plan = walk_through();
        let layout = Layout::new(&plan, 2, 2).expect("a valid plan");
        let pair = layout.pair(0);
        assert_eq!(
            (pair.main.ifname.as_str(), pair.main_index),
            ("ns1-nic", 1002)
        );
        assert_eq!((pair.peer.ifname.as_str(), pair.peer_index), ("eth0", 1001));
    }

    #[test]
    fn the_wait_covers_both_ends_then_the_bridge_with_ports_then_ipv6_addresses() {
        let mut plan = walk_through();
        plan.links[0].a.addrs = vec![
            Cidr {
                addr: "10.0.0.100".parse().expect("ip"),
                prefix: 24,
            },
            Cidr {
                addr: "fd00::100".parse().expect("ip"),
                prefix: 64,
            },
        ];
        plan.bridges.push(BridgePlan {
            name: "lonely".into(),
            addrs: vec![],
        });
        let layout = Layout::new(&plan, 2, 2).expect("a valid plan");
        let labels: Vec<_> = layout.wait_targets().into_iter().map(|t| t.label).collect();
        assert_eq!(
            labels,
            [
                "ns1:eth0",
                "host:ns1-nic",
                "host:testbr",
                "host:testbr fe80::3e8/64",
                "host:lonely fe80::3e9/64",
                "ns1:eth0 fd00::100/64",
                "ns1:eth0 fe80::3ea/64",
            ]
        );
    }

    #[test]
    fn a_mismatch_between_plan_and_sockets_is_an_error() {
        let plan = walk_through();
        let err = Layout::new(&plan, 1, 2).err().expect("an error");
        assert_eq!(err.kind, SetupErrorKind::InvalidInput);
    }
}
