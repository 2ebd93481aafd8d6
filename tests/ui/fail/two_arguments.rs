use netns_test::{netns_test, Net};

#[netns_test]
fn two_arguments(net: &Net, port: u16) {
    let _ = (net, port);
}

fn main() {}
