use netns_test::netns_test;

#[netns_test]
#[test]
fn second_test_attribute() {}

fn main() {}
