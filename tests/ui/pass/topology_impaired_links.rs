// Every impairment option, on a link between two nodes and on a bridge
// port link, mixed with `mtu=` in any order.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node a, b, c
    bridge br 10.1.0.1/24
    a 10.0.0.1/24 -- b 10.0.0.2/24 delay=20ms jitter=5ms loss=1% duplicate=0.5% reorder=25% corrupt=0.1% rate=10mbit mtu=1400
    c 10.1.0.2/24 -- br mtu=1500 rate=1.5gbit corrupt=0.0001% reorder=1% duplicate=2% loss=0% jitter=100us delay=1.5ms
")]
#[ignore = "compile-only case"]
fn impaired_links(net: &Net) {
    let _ = net;
}

fn main() {}
