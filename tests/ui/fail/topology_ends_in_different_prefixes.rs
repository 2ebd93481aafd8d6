use netns_test::netns_test;

// Two ends of a link, and a bridge and a port's far end, that cannot reach
// each other directly.
#[netns_test(topology = "
    node a, b, c
    bridge br 10.0.2.1/24
    a 10.0.0.1/24 -- b 10.0.1.2/24
    c 10.0.3.3/24 -- br
")]
fn topology_ends_in_different_prefixes() {}

fn main() {}
