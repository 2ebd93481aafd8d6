use netns_test::netns_test;

#[netns_test(nodes = "a, b")]
fn unknown_key() {}

fn main() {}
