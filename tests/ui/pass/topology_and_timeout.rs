// Inline topologies (plain and raw strings) and every timeout unit.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
#[ignore = "compile-only case"]
fn a_reaches_b(net: &Net) {
    let _ = net;
}

#[netns_test(
    topology = r#"
        node ns1   # the node
        bridge testbr 10.0.0.1/24
        ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    "#,
    timeout = "10s"
)]
#[ignore = "compile-only case"]
fn walkthrough(net: &Net) {
    let _ = net;
}

#[netns_test(timeout = "500ms")]
#[ignore = "compile-only case"]
fn milliseconds() {}

#[netns_test(timeout = "2m", topology = "node a; node b")]
#[ignore = "compile-only case"]
fn minutes_before_topology() {}

fn main() {}
