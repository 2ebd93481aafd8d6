use netns_test::netns_test;

#[netns_test(topology = "node a", topology_file = "tests/topologies/lan.net")]
fn topology_and_topology_file() {}

fn main() {}
