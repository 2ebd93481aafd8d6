use netns_test::{netns_test, Net};

#[netns_test]
async fn async_without_tokio(net: &Net) {
    let _ = net;
}

fn main() {}
