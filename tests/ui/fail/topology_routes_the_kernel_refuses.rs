use netns_test::netns_test;

// Routes Linux would refuse at run time: to a prefix the owner is on, via a
// broadcast address, via a multicast address.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 fd00::1/64 -- b 10.0.0.2/24 fd00::2/64
    route a 10.0.0.0/24 via 10.0.0.2
    route a default via 10.0.0.255
    route a default via ff02::2
")]
fn topology_routes_the_kernel_refuses() {}

fn main() {}
