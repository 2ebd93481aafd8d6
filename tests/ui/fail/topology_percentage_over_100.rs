use netns_test::netns_test;

// A share of packets above 100%.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 loss=150%
")]
fn topology_percentage_over_100() {}

fn main() {}
