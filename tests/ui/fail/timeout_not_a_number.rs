use netns_test::netns_test;

#[netns_test(timeout = "abc")]
fn timeout_not_a_number() {}

fn main() {}
