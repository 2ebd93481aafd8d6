use netns_test::netns_test;

// Reordering sends packets ahead of delayed ones: it needs a delay.
#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24 reorder=25%
")]
fn topology_reorder_without_delay() {}

fn main() {}
