use netns_test::netns_test;

// The owner of a `nat` or `forward` is a node, a router or `host`: a bridge
// is an interface of the host, and `webb` is a typo.
#[netns_test(topology = "
    node web
    bridge br0 10.0.0.1/24
    web 10.0.0.2/24 -- br0
    nat br0:uplink
    forward webb:eth0 tcp 8080 to 10.0.0.2:80
")]
fn topology_nat_forward_owner() {}

fn main() {}
