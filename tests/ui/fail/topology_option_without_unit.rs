use netns_test::netns_test;

// Numbers without their units: a delay, a rate and a percentage.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 delay=20 rate=10 loss=1
")]
fn topology_option_without_unit() {}

fn main() {}
