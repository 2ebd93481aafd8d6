use netns_test::netns_test;

#[netns_test]
#[should_panic = concat!("no ", "route")]
fn should_panic_not_a_literal() {}

fn main() {}
