use netns_test::netns_test;

#[netns_test(timeout = "10")]
fn timeout_without_unit() {}

fn main() {}
