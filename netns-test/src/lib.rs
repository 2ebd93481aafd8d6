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
pub mod harness;
mod impair;
mod net;
mod netlink;
mod nftables;
mod ping;
mod sandbox;
pub mod session;
mod sock_diag;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use capture::{Direction, IpView, Packet};
pub use impair::Impairment;
pub use net::{Net, Node, Partition};
pub use netns_test_macros::netns_test;
pub use netns_test_topology::{Topology, TopologyError};

/// Runs `body` in a sandbox with the network of `topology`, built at run
/// time, with every guarantee of [`#[netns_test]`](netns_test): fresh
/// namespaces, readiness, the verdict the body's own, a report and a
/// capture on failure, nothing left behind. For a topology a plain
/// `#[test]` reads or builds while it runs (a file, a generated case):
///
/// ```no_run
/// #[test]
/// fn every_saved_topology_builds() {
///     let text = std::fs::read_to_string("tests/topologies/lan.net").unwrap();
///     let topology: netns_test::Topology = text.parse().unwrap();
///     netns_test::run_in_network(&topology, |net| {
///         for node in net.nodes() {
///             node.ping(net.host().ipv4().into()).unwrap();
///         }
///     });
/// }
/// ```
///
/// Call it once per test, from the test's own thread: the test runs again
/// in the sandbox's process, up to this call, which there builds the
/// network and runs `body` (so what the test does before the call must not
/// depend on anything outside the test). The body returns `()` or a
/// `Result<(), E: Debug>`; an `Err` fails the test. A test that calls it
/// must not be `#[should_panic]`: expect a panic inside the body instead,
/// since a failure of the framework would look like one.
///
/// # Panics
/// With the test's failure, as `#[netns_test]` fails it; at once when it is
/// not called from a libtest test's thread, or called twice in one test.
#[track_caller]
pub fn run_in_network<R: __private::TestReturn>(topology: &Topology, body: impl FnOnce(&Net) -> R) {
    thread_local! {
        static CALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    let thread = std::thread::current();
    let Some(name) = thread.name().filter(|n| *n != "main") else {
        panic!(
            "netns_test::run_in_network: call it from a test's own thread (libtest names it \
             after the test): the sandbox runs the test again to get to the body"
        );
    };
    if CALLED.with(|c| c.replace(true)) {
        panic!(
            "netns_test::run_in_network: called twice in `{name}`; call it once per test (the \
             sandbox runs the test again up to the call, so a second call would never be reached \
             there)"
        );
    }
    sandbox::run_at_run_time(
        name,
        topology,
        Box::new(move |net: &Net| body(net).into_test_result()),
    );
}
