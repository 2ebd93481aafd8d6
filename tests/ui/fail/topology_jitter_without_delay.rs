use netns_test::netns_test;

// A jitter varies a delay: without one (or with a zero one) it is refused.
#[netns_test(topology = "
    node a, b, c
    a 10.0.0.1/24 -- b 10.0.0.2/24 jitter=5ms
    a 10.0.1.1/24 -- c 10.0.1.2/24 delay=0ms jitter=5ms
")]
fn topology_jitter_without_delay() {}

fn main() {}
