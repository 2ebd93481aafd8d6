use netns_test::netns_test;

#[netns_test(topology)]
fn key_without_value() {}

fn main() {}
