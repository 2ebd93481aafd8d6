use netns_test::netns_test;

#[netns_test(topology = "
    node a, b
    link a b
")]
fn topology_unknown_statement() {}

fn main() {}
