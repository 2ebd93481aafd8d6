use netns_test::netns_test;

#[netns_test]
struct NotAFunction;

fn main() {}
