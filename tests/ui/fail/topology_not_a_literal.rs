use netns_test::netns_test;

const TOPOLOGY: &str = "node a";

#[netns_test(topology = TOPOLOGY)]
fn topology_not_a_literal() {
    let _ = TOPOLOGY;
}

fn main() {}
