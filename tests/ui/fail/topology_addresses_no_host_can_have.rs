use netns_test::netns_test;

// Addresses an interface cannot have, all reported in one build.
#[netns_test(topology = "
    node a, b
    a 10.0.0.0/24 10.0.0.255/24 224.0.0.1/24 -- b 10.0.0.2/24
    a ff02::1/64 ::1/128 fe80::3e8/64 -- b fd00::2/64
    a 10.1.0.1/0 -- b 10.1.0.2/24
")]
fn topology_addresses_no_host_can_have() {}

fn main() {}
