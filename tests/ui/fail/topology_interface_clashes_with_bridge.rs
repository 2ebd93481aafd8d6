use netns_test::netns_test;

// Bridges are interfaces of the host namespace, so a host end may not take a
// bridge's name. (Automatic names skip every written name and never clash.)
#[netns_test(topology = "
    node a
    bridge lan 10.0.0.254/24
    host:lan 10.0.1.1/24 -- a 10.0.1.2/24
")]
fn topology_interface_clashes_with_bridge() {}

fn main() {}
