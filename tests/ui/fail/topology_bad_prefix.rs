use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    a:eth0 fd00::1/129 -- b:eth0 fd00::2/64
")]
fn topology_bad_prefix() {}

fn main() {}
