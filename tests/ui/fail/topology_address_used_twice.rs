use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.1/24
")]
fn topology_address_used_twice() {}

fn main() {}
