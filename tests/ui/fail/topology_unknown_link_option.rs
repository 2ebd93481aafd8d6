use netns_test::netns_test;

// A misspelt link option: the closest one is suggested.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 dealy=20ms
")]
fn topology_unknown_link_option() {}

fn main() {}
