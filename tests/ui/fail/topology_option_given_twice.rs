use netns_test::netns_test;

// One link option given twice.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 delay=20ms loss=1% delay=30ms
")]
fn topology_option_given_twice() {}

fn main() {}
