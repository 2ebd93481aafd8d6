use netns_test::netns_test;

// One `nat` per interface.
#[netns_test(topology = "
    node isp
    host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
    nat host:uplink
    nat host:uplink random
")]
fn topology_duplicate_nat() {}

fn main() {}
