use netns_test::netns_test;

#[netns_test(topology = "
    node a, b, c
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
    a:eth0 10.0.1.1/24 -- c:eth0 10.0.1.2/24
")]
fn topology_duplicate_interface() {}

fn main() {}
