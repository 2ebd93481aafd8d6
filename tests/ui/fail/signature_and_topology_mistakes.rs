// A mistake in the signature and one in the topology, both in one build.
use netns_test::{netns_test, Net};

#[netns_test(topology = "node a; node a")]
fn signature_and_topology_mistakes(net: Net) {
    let _ = net;
}

fn main() {}
