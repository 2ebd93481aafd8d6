// Mistakes in the arguments and in the signature, all in one build.
use netns_test::{netns_test, Net};

#[netns_test(topolgy = "node a", timeout = "1h")]
fn every_mistake_at_once<T>(net: &mut Net) -> u8 {
    let _ = net;
    0
}

fn main() {}
