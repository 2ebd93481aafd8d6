use netns_test::netns_test;

// Three different mistakes: all three are reported in one build.
#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/33 -- c:eth0 10.0.0.2/24
    nodes d
")]
fn topology_three_mistakes() {}

fn main() {}
