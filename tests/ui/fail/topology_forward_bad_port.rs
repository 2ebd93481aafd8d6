use netns_test::netns_test;

// Ports are 1 to 65535, on both sides of `to`.
#[netns_test(topology = "
    node isp, web
    host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
    host 10.0.0.1/24 -- web 10.0.0.2/24
    forward host:uplink tcp 0 to 10.0.0.2:80
    forward host:uplink udp 65536 to 10.0.0.2:53
    forward host:uplink tcp http to 10.0.0.2:80
    forward host:uplink tcp 8080 to 10.0.0.2:99999
")]
fn topology_forward_bad_port() {}

fn main() {}
