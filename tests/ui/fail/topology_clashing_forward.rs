use netns_test::netns_test;

// A port of an interface goes to one target.
#[netns_test(topology = "
    node isp, web
    host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
    host 10.0.0.1/24 -- web 10.0.0.2/24
    forward host:uplink tcp 8080 to 10.0.0.2:80
    forward host:uplink tcp 8080 to 10.0.0.2:8080
")]
fn topology_clashing_forward() {}

fn main() {}
