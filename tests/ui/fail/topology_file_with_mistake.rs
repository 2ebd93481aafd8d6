use netns_test::netns_test;

#[netns_test(topology_file = "tests/ui/topologies/unknown_owner.net")]
fn topology_file_with_mistake() {}

fn main() {}
