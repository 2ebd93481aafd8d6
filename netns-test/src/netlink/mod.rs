//! The netlink layer: builds a [`Plan`](netns_test_topology::Plan) in the
//! kernel over rtnetlink, waits until links are operationally up and IPv6
//! addresses can receive, forgets neighbours left unresolved by a link's
//! outage, and reads the state back for failure reports.
//! One object family per file.

mod addr;
mod apply;
mod error;
pub(crate) mod link;
mod neigh;
mod nsid;
mod report;
mod route;
mod segment;
pub(crate) mod socket;
pub(crate) mod tc;
mod wait;

pub(crate) use apply::{add_route, apply, remove_route, set_link_up_and_wait};
pub(crate) use error::{SetupError, SetupErrorKind};
pub(crate) use neigh::forget_unresolved;
pub(crate) use nsid::find_namespaces;
pub(crate) use report::describe;
pub(crate) use socket::Netlink;
