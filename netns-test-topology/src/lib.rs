//! The topology language of netns-test (STUB: to be replaced by the real
//! parser; the public names below are the contract).
#![forbid(unsafe_code)]

pub mod plan;

pub use plan::{BridgePlan, Cidr, NamespacePlan, NsId, NsKind, Plan, RoutePlan, SysctlPlan, VethEnd, VethPlan};

use std::fmt;
use std::str::FromStr;

/// A parsed and validated topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    plan: Plan,
}

impl Topology {
    /// The plan: every kernel object to create, in order.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}

/// Every mistake found in a topology text; `Display` shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologyError {
    rendered: String,
}

impl fmt::Display for TopologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for TopologyError {}

impl FromStr for Topology {
    type Err = TopologyError;
    fn from_str(_s: &str) -> Result<Self, Self::Err> {
        Ok(Topology {
            plan: Plan {
                namespaces: vec![NamespacePlan { name: "host".into(), kind: NsKind::Host }],
                bridges: vec![],
                links: vec![],
                routes: vec![],
                sysctls: vec![],
            },
        })
    }
}
