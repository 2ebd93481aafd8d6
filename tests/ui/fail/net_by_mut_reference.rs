use netns_test::{netns_test, Net};

#[netns_test]
fn net_by_mut_reference(net: &mut Net) {
    let _ = net;
}

fn main() {}
