use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.300/24 -- b:eth0 10.0.0.2/24
")]
fn topology_malformed_cidr() {}

fn main() {}
