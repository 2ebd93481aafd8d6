use netns_test::netns_test;

#[netns_test("node a")]
fn bare_literal_argument() {}

fn main() {}
