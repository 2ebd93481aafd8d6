use netns_test::netns_test;

#[netns_test]
const fn const_fn() {}

fn main() {}
