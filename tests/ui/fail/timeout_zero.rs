use netns_test::netns_test;

#[netns_test(timeout = "0s")]
fn timeout_zero() {}

fn main() {}
