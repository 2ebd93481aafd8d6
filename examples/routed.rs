//! Two subnets joined by a router: `router` turns forwarding on, and each
//! side has a route to the other through it.
//!
//! Run it with `cargo test --example routed -- --nocapture`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node left, right
    router r
    left:eth0 10.1.0.2/24 -- r:eth0 10.1.0.1/24
    r:eth1 10.2.0.1/24 -- right:eth0 10.2.0.2/24
    route left default via 10.1.0.1
    route right 10.1.0.0/24 via 10.2.0.1
")]
fn left_reaches_right_through_the_router(net: &Net) {
    let rtt = net
        .node("left")
        .ping("10.2.0.2".parse().unwrap())
        .expect("left -> right");
    println!("left (10.1.0.2) -> r -> right (10.2.0.2): {rtt:?}");

    let forwarding = net
        .node("r")
        .run(|| std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap());
    assert_eq!(forwarding.trim(), "1");
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example routed -- --nocapture`");
}
