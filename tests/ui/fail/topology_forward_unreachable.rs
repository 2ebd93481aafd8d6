use netns_test::netns_test;

// The target must be on a prefix of the owner's addresses or behind one of
// its routes.
#[netns_test(topology = "
    node isp, web
    host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
    host 10.0.0.1/24 -- web 10.0.0.2/24
    forward host:uplink tcp 8080 to 10.9.0.2:80
")]
fn topology_forward_unreachable() {}

fn main() {}
