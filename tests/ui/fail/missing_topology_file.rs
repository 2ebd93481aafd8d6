use netns_test::netns_test;

#[netns_test(topology_file = "tests/topologies/missing.net")]
fn missing_topology_file() {}

fn main() {}
