use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:uplink-to-router-b 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn topology_interface_name_too_long() {}

fn main() {}
