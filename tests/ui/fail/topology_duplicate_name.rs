use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    bridge a
")]
fn topology_duplicate_name() {}

fn main() {}
