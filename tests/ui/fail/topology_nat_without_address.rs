use netns_test::netns_test;

// A `nat` rewrites sources to an address of its interface: a bridge port
// and an end without addresses have none.
#[netns_test(topology = "
    node a, b
    bridge br0 10.0.0.1/24
    a 10.0.0.2/24 -- br0
    host:bare -- b
    nat host:br0-p0
    nat host:bare
")]
fn topology_nat_without_address() {}

fn main() {}
