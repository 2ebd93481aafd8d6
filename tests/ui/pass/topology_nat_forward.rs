// `nat` and `forward`: a gateway `host` that masquerades its LAN and
// forwards a port to a server on it, IPv4 and IPv6.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node isp, web
    host:uplink 192.0.2.2/24 2001:db8::2/64 -- isp 192.0.2.1/24 2001:db8::1/64
    host 10.0.0.1/24 fd00::1/64 -- web 10.0.0.2/24 fd00::2/64
    route web default via 10.0.0.1
    nat host:uplink random
    forward host:uplink tcp 8080 to 10.0.0.2:80
    forward host:uplink udp 5353 to [fd00::2]:53
")]
#[ignore = "compile-only case"]
fn gateway(net: &Net) {
    let _ = net;
}

fn main() {}
