//! The validated topology: names resolved to namespaces and bridges, every
//! rule checked, no spans. Interface names the user left out are still `None`:
//! the planner assigns them. A `nat` or `forward` always names its interface,
//! and validation has checked that name against the final ones.

use std::net::{IpAddr, SocketAddr};

use crate::plan::{Cidr, ImpairmentPlan, NsId, NsKind, Protocol};

/// A validated topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Model {
    /// `[0]` is the host, then nodes and routers in order of declaration.
    pub(crate) namespaces: Vec<Namespace>,
    /// In order of declaration.
    pub(crate) bridges: Vec<Bridge>,
    /// In order of appearance.
    pub(crate) links: Vec<Link>,
    /// In order of appearance.
    pub(crate) routes: Vec<Route>,
    /// The user's sysctls, in order of appearance.
    pub(crate) sysctls: Vec<Sysctl>,
    /// In order of appearance.
    pub(crate) nats: Vec<Nat>,
    /// In order of appearance.
    pub(crate) forwards: Vec<Forward>,
}

impl Default for Model {
    /// Just the host.
    fn default() -> Model {
        Model {
            namespaces: vec![Namespace {
                name: crate::names::HOST.to_owned(),
                kind: NsKind::Host,
            }],
            bridges: Vec::new(),
            links: Vec::new(),
            routes: Vec::new(),
            sysctls: Vec::new(),
            nats: Vec::new(),
            forwards: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Namespace {
    pub(crate) name: String,
    pub(crate) kind: NsKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bridge {
    pub(crate) name: String,
    pub(crate) addrs: Vec<Cidr>,
}

/// Where a link end goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attach {
    /// An interface in this namespace.
    Namespace(NsId),
    /// A port of this bridge (index into [`Model::bridges`]), in the host.
    Bridge(usize),
}

impl Attach {
    /// The namespace the interface is in (a bridge port's is the host).
    pub(crate) fn namespace(self) -> NsId {
        match self {
            Attach::Namespace(ns) => ns,
            Attach::Bridge(_) => NsId::HOST,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct End {
    pub(crate) attach: Attach,
    /// The name written after `:`, if any.
    pub(crate) ifname: Option<String>,
    pub(crate) addrs: Vec<Cidr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) a: End,
    pub(crate) b: End,
    pub(crate) mtu: Option<u32>,
    /// `Some` when any impairment option was written, even all zero.
    pub(crate) impairment: Option<ImpairmentPlan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) ns: NsId,
    /// `None` is `default`.
    pub(crate) dest: Option<Cidr>,
    pub(crate) via: IpAddr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sysctl {
    pub(crate) ns: NsId,
    pub(crate) key: String,
    pub(crate) value: String,
}

/// `nat OWNER:IFNAME [random]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nat {
    pub(crate) ns: NsId,
    /// The final name of an interface of `ns` with an address.
    pub(crate) ifname: String,
    pub(crate) random: bool,
}

/// `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Forward {
    pub(crate) ns: NsId,
    /// The final name of an interface of `ns`, not a bridge port.
    pub(crate) ifname: String,
    pub(crate) protocol: Protocol,
    pub(crate) port: u16,
    /// Reachable from `ns`.
    pub(crate) to: SocketAddr,
}
