//! Each test in a fresh, unprivileged user + network namespace, with the
//! virtual network it asks for built over netlink.
//!
//! Put [`#[netns_test]`](netns_test) on a test. Its body runs in a child
//! process of its own (a fork of the test process's fork server), in new
//! user, network, PID, mount and UTS namespaces, after the topology (nodes
//! that are namespaces of their own, veth pairs, Linux bridges, addresses,
//! routes, sysctls) is built, every link is up and every name resolves. When
//! the test ends, every process it started is gone and the kernel frees
//! every namespace: nothing is left on the machine.
//!
//! ```no_run
//! use std::net::{TcpListener, TcpStream};
//! use netns_test::{netns_test, Net};
//!
//! #[netns_test(topology = "
//!     node client, server
//!     client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
//! ")]
//! fn client_reaches_server(net: &Net) {
//!     // A socket made inside a node stays in that node.
//!     let listener = net.node("server").run(|| TcpListener::bind("10.0.0.2:80").unwrap());
//!     net.node("client").run(|| TcpStream::connect("10.0.0.2:80").unwrap());
//!     listener.accept().unwrap();
//! }
//! # fn main() {}
//! ```
//!
//! The topology language, its checks and its naming rules are documented in
//! [`netns_test_topology`]; the same parser runs at compile time (a mistake
//! is a compile error) and at run time ([`Topology`]'s `FromStr`). The
//! README covers the process model, environments where namespaces are
//! refused (and the fixes), failure reports, settings and performance.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod capture;
mod impair;
mod net;
mod netlink;
mod nftables;
mod ping;
mod sandbox;
mod sock_diag;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use capture::{Direction, IpView, Packet};
pub use impair::Impairment;
pub use net::{Net, Node, Partition};
pub use netns_test_macros::netns_test;
pub use netns_test_topology::{Topology, TopologyError};
