//! The validated topology: names resolved to namespaces and bridges, every
//! rule checked, no spans. Interface names the user left out are still `None`:
//! the planner assigns them.

use std::net::IpAddr;

use crate::plan::{Cidr, NsId, NsKind};

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
