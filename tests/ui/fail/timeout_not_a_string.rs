use netns_test::netns_test;

#[netns_test(timeout = 10s)]
fn timeout_not_a_string() {}

fn main() {}
