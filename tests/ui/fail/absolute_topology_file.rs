use netns_test::netns_test;

#[netns_test(topology_file = "/etc/lan.net")]
fn absolute_topology_file() {}

fn main() {}
