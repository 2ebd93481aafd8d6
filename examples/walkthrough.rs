//! The classic walk-through of Linux network namespaces, as a test.
//!
//! By hand it is a dozen `ip` commands run as root: `ip netns add ns1`, a veth
//! pair `ns1-nic`/`ns1-vnic`, move `ns1-vnic` into ns1 and rename it `eth0`,
//! give it 10.0.0.100/24, bring it and `lo` up, make a bridge `testbr` with
//! 10.0.0.1/24, attach `ns1-nic`, ping both ways. Here it is three lines, with
//! no root, and everything is gone when the test ends.
//!
//! Run it with `cargo test --example walkthrough -- --nocapture --test-threads=1`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node ns1
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
")]
fn walkthrough(net: &Net) {
    println!("what the topology built:\n{}", net.describe());

    let rtt = net
        .host()
        .ping("10.0.0.100".parse().unwrap())
        .expect("host -> ns1");
    println!("host (testbr 10.0.0.1) -> ns1 (10.0.0.100): {rtt:?}");

    let rtt = net
        .node("ns1")
        .ping("10.0.0.1".parse().unwrap())
        .expect("ns1 -> host");
    println!("ns1 (10.0.0.100) -> host (testbr 10.0.0.1): {rtt:?}");
}

/// The walk-through's open question: how does ns1 reach the world outside?
/// With a default route via the bridge's address and forwarding in the
/// namespace that holds the bridge. `world` stands for the outside (it is a
/// node of the test: no packet leaves the sandbox); it routes back to ns1's
/// subnet, which is what NAT would otherwise hide.
#[netns_test(topology = "
    node ns1, world
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    route world 10.0.0.0/24 via 192.0.2.1
    sysctl host net.ipv4.ip_forward=1
")]
fn ns1_reaches_the_outside_through_the_host(net: &Net) {
    let rtt = net
        .node("ns1")
        .ping("192.0.2.2".parse().unwrap())
        .expect("ns1 -> world");
    println!("ns1 (10.0.0.100) -> world (192.0.2.2) via the host: {rtt:?}");
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example walkthrough -- --nocapture --test-threads=1`");
}
