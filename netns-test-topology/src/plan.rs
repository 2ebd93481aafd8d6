//! The plan: the ordered list of kernel objects a validated topology asks for.
//!
//! The runtime applies a plan over netlink in this order: namespaces, bridges,
//! veth pairs (each end created directly in its namespace), addresses, links up,
//! routes, sysctls. Every name here is final: the planner has already
//! assigned automatic interface names and bridge port names, and the
//! interfaces of [`Plan::nats`] and [`Plan::forwards`] are named the same way.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

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
    /// `delay=`, `jitter=`, `loss=`, `duplicate=`, `reorder=`, `corrupt=`,
    /// `rate=`: applied to each end's outgoing traffic. `None` when the link
    /// has none of them (a plain veth pair, at full speed); `Some` as soon as
    /// one is written, even one that does nothing (`loss=0%`), since the test
    /// asked for an impaired link.
    pub impairment: Option<ImpairmentPlan>,
}

/// What a link does to the packets one end sends. Probabilities are in
/// parts per million of packets (`loss=1%` is 10 000, `loss=0.5%` is
/// 5 000), so the plan stays exact and comparable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ImpairmentPlan {
    /// `delay=`: added to every packet (zero: none); whole microseconds, at
    /// most 60s (as is `jitter`).
    pub delay: Duration,
    /// `jitter=`: the delay varies uniformly by up to this much either way
    /// (never below zero, so it may exceed `delay`). Only with a delay above
    /// zero.
    pub jitter: Duration,
    /// `loss=`: packets dropped, parts per million.
    pub loss_ppm: u32,
    /// `duplicate=`: packets sent twice, parts per million.
    pub duplicate_ppm: u32,
    /// `reorder=`: packets sent at once, ahead of delayed ones, parts per
    /// million. Only with a delay above zero.
    pub reorder_ppm: u32,
    /// `corrupt=`: packets with one bit flipped, parts per million.
    pub corrupt_ppm: u32,
    /// `rate=`: the link's speed in bits per second (1000-based: `10mbit` is
    /// 10 000 000), 1 to 100 000 000 000; `None` is unlimited.
    pub rate: Option<u64>,
}

/// Parts per million in one percent.
pub const PPM_PER_PERCENT: u32 = 10_000;

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

/// `nat OWNER:IFNAME [random]`: masquerade what `ns` forwards out of
/// `ifname`, for IPv4 and IPv6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatPlan {
    /// The namespace that masquerades (the planner turns forwarding on there).
    pub ns: NsId,
    /// Final name of the outgoing interface, in `ns` (a bridge's name when
    /// `ns` is the host and the bridge is the way out). Validation
    /// guarantees it has an address that is not IPv6 link-local; one with
    /// IPv6 turns IPv6 forwarding on in `ns`.
    pub ifname: String,
    /// `random`: fully random source ports for every new flow
    /// (`NF_NAT_RANGE_PROTO_RANDOM_FULLY`); otherwise ports are kept where
    /// they can be.
    pub random: bool,
}

/// The transport protocol of a `forward`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `tcp`
    Tcp,
    /// `udp`
    Udp,
}

impl Protocol {
    /// The IP protocol number (`IPPROTO_TCP`, `IPPROTO_UDP`).
    pub fn number(self) -> u8 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        })
    }
}

/// `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`: destination NAT of
/// what arrives on `ifname` for `port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardPlan {
    /// The namespace that forwards (the planner turns forwarding on there).
    pub ns: NsId,
    /// Final name of the interface the traffic arrives on, in `ns`: a veth
    /// end or, in the host, a bridge; never a bridge port.
    pub ifname: String,
    /// `tcp` or `udp`.
    pub protocol: Protocol,
    /// The destination port it arrives for, 1 to 65535.
    pub port: u16,
    /// Where it goes instead: validation guarantees `ns` reaches it (on a
    /// prefix of one of its addresses, or through one of its routes). An
    /// IPv6 target turns IPv6 forwarding on in `ns`.
    pub to: SocketAddr,
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
    /// Router forwarding sysctls first (in router order), then forwarding
    /// for the namespaces with a `nat` or `forward` (in namespace order),
    /// then the user's sysctls in order of appearance.
    pub sysctls: Vec<SysctlPlan>,
    /// `nat` statements in order of appearance.
    pub nats: Vec<NatPlan>,
    /// `forward` statements in order of appearance.
    pub forwards: Vec<ForwardPlan>,
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
