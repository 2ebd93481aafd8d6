use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
    route a default via 192.168.1.1
")]
fn topology_unreachable_gateway() {}

fn main() {}
