use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node ns1
    bridge testbr 10.0.0.1/24
    ns2:eth0 10.0.0.100/24 -- testbr:ns1-nic
")]
fn topology_unknown_owner(net: &Net) {
    let _ = net;
}

fn main() {}
