//! netns-test: each test in a fresh, unprivileged user + network namespace,
//! with the virtual network it asks for built over netlink.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod net;
mod netlink;
mod ping;
mod sandbox;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use net::{Net, Node};
pub use netns_test_macros::netns_test;
pub use netns_test_topology::{Topology, TopologyError};
