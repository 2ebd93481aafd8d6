use netns_test::netns_test;

// A bad timeout does not hide the topology's mistakes: all in one build.
#[netns_test(topology = "
    node a
    b -- a
", timeout = "5 seconds")]
fn timeout_and_topology_mistakes() {}

fn main() {}
