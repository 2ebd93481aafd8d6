use netns_test::netns_test;

#[netns_test(timeout = "10s", timeout = "20s")]
fn repeated_key() {}

fn main() {}
