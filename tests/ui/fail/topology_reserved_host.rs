use netns_test::netns_test;

#[netns_test(topology = "node a, host")]
fn topology_reserved_host() {}

fn main() {}
