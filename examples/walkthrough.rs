//! The classic walk-through of Linux network namespaces, as a test.
//!
//! By hand it is a dozen `ip` commands run as root: `ip netns add ns1`, a veth
//! pair `ns1-nic`/`ns1-vnic`, move `ns1-vnic` into ns1 and rename it `eth0`,
//! give it 10.0.0.100/24, bring it and `lo` up, make a bridge `testbr` with
//! 10.0.0.1/24, attach `ns1-nic`, ping both ways. Here it is three lines, with
//! no root, and everything is gone when the test ends. The second test
//! answers the walk-through's last question, how ns1 reaches the outside:
//! forwarding and NAT, three lines more.
//!
//! Run it with `cargo test --example walkthrough -- --nocapture --test-threads=1`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use std::net::{IpAddr, TcpListener, TcpStream};

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
/// Forwarding and NAT in the namespace that holds the bridge: three more
/// lines. `nat host:uplink` turns forwarding on in the host and masquerades
/// what it forwards out of `uplink`. `world` stands for the outside (a node
/// of the test: no packet leaves the sandbox) and has no route back to
/// 10.0.0.0/24: it answers the host's uplink address, and the NAT takes the
/// answer back to ns1.
#[netns_test(topology = "
    node ns1, world
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    nat host:uplink
")]
fn ns1_reaches_the_outside_through_nat(net: &Net) {
    let listener = net
        .node("world")
        .run(|| TcpListener::bind("192.0.2.2:80").unwrap());
    // Names resolve inside the sandbox: `world` is 192.0.2.2.
    let _client = net
        .node("ns1")
        .run(|| TcpStream::connect("world:80").unwrap());
    let (_conn, peer) = listener.accept().unwrap();
    println!(
        "ns1 (10.0.0.100) -> world:80 (192.0.2.2): world sees it come from {}",
        peer.ip()
    );
    assert_eq!(peer.ip(), "192.0.2.1".parse::<IpAddr>().unwrap());

    let rtt = net
        .node("ns1")
        .ping("192.0.2.2".parse().unwrap())
        .expect("ns1 -> world");
    println!("ns1 (10.0.0.100) -> world (192.0.2.2), ping through the NAT: {rtt:?}");
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example walkthrough -- --nocapture --test-threads=1`");
}
