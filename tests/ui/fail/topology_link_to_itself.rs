use netns_test::netns_test;

// A node linked to itself, and a bridge whose two ports make a loop.
#[netns_test(topology = "
    node a, b
    bridge br
    a 10.0.0.1/24 -- a 10.0.0.2/24
    br -- br
    a -- b
")]
fn topology_link_to_itself() {}

fn main() {}
