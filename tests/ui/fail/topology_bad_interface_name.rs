use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:eth/0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn topology_bad_interface_name() {}

fn main() {}
