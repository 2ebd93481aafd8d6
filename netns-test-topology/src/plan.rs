//! The plan: the ordered list of kernel objects a validated topology asks for.
//!
//! The runtime applies a plan over netlink in this order: namespaces, bridges,
//! veth pairs (each end created directly in its namespace), addresses, links up,
//! routes, sysctls. Every name here is final: the planner has already assigned
//! automatic interface names and bridge port names.

use std::fmt;
use std::net::IpAddr;

/// An address with a prefix length, IPv4 or IPv6 (`10.0.0.1/24`, `fd00::1/64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// The address as written (host bits kept).
    pub addr: IpAddr,
    /// The prefix length: 0..=32 for IPv4, 0..=128 for IPv6.
    pub prefix: u8,
}

/// Index of a namespace in [`Plan::namespaces`]. `NsId::HOST` is always 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsId(pub usize);

impl NsId {
    /// The namespace the test body runs in.
    pub const HOST: NsId = NsId(0);
}

/// What a namespace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NsKind {
    /// The test body's own namespace (`host` in the topology).
    Host,
    /// A `node`.
    Node,
    /// A `router`: a node with IPv4 and IPv6 forwarding on (the planner adds
    /// the forwarding sysctls to [`Plan::sysctls`]).
    Router,
}

/// One network namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePlan {
    /// `host` for [`NsId::HOST`], otherwise the node or router name.
    pub name: String,
    /// What it is.
    pub kind: NsKind,
}

/// A Linux bridge; bridges always live in the host namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgePlan {
    /// Interface name of the bridge (also its topology name).
    pub name: String,
    /// Addresses on the bridge itself, in the order written.
    pub addrs: Vec<Cidr>,
}

/// One end of a veth pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VethEnd {
    /// The namespace this end is created in (a bridge port is in the host).
    pub ns: NsId,
    /// Final interface name, at most 15 bytes.
    pub ifname: String,
    /// For a bridge port: index into [`Plan::bridges`] of the bridge it is
    /// attached to. A port has no addresses.
    pub bridge: Option<usize>,
    /// Addresses on this end, in the order written.
    pub addrs: Vec<Cidr>,
}

/// A veth pair, both ends up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VethPlan {
    /// The left end as written.
    pub a: VethEnd,
    /// The right end as written.
    pub b: VethEnd,
    /// `mtu=N`, applied to both ends.
    pub mtu: Option<u32>,
}

/// A route in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePlan {
    /// The namespace that owns the route.
    pub ns: NsId,
    /// Destination; `None` is `default` (0.0.0.0/0 or ::/0, same family as `via`).
    pub dest: Option<Cidr>,
    /// The gateway. Validation guarantees it is on-link for some interface of
    /// `ns` (inside one of that namespace's prefixes) and of the same family
    /// as `dest`.
    pub via: IpAddr,
}

/// A `net.*` sysctl in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysctlPlan {
    /// The namespace it is written in.
    pub ns: NsId,
    /// Dotted key as written, always starting with `net.` (e.g. `net.ipv4.ip_forward`).
    pub key: String,
    /// Value as written.
    pub value: String,
}

/// Everything to create, in order. `namespaces[0]` is always the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Host first, then nodes and routers in order of declaration.
    pub namespaces: Vec<NamespacePlan>,
    /// Bridges in order of declaration.
    pub bridges: Vec<BridgePlan>,
    /// Veth pairs in order of appearance.
    pub links: Vec<VethPlan>,
    /// Routes in order of appearance.
    pub routes: Vec<RoutePlan>,
    /// Router forwarding sysctls first (in router order), then the user's
    /// sysctls in order of appearance.
    pub sysctls: Vec<SysctlPlan>,
}

impl Cidr {
    /// Whether `ip` lies inside this prefix (same family only).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let bits = u32::from(net) ^ u32::from(ip);
                self.prefix == 0 || bits >> (32 - u32::from(self.prefix.min(32))) == 0
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let bits = u128::from(net) ^ u128::from(ip);
                self.prefix == 0 || bits >> (128 - u32::from(self.prefix.min(128))) == 0
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}
