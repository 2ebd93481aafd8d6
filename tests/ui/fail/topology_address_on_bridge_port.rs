use netns_test::netns_test;

#[netns_test(topology = "
    node ns1
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic 10.0.0.2/24
")]
fn topology_address_on_bridge_port() {}

fn main() {}
