use netns_test::{netns_test, Net};

#[netns_test]
fn net_by_value(net: Net) {
    let _ = net;
}

fn main() {}
