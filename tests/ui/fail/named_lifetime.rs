use netns_test::{netns_test, Net};

#[netns_test]
fn named_lifetime(net: &'static Net) {
    let _ = net;
}

fn main() {}
