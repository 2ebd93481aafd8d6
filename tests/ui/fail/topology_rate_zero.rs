use netns_test::netns_test;

// A rate of zero: in any unit, it lets nothing through.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 rate=0mbit
")]
fn topology_rate_zero() {}

fn main() {}
