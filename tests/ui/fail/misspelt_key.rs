use netns_test::netns_test;

#[netns_test(timout = "10s")]
fn misspelt_key() {}

fn main() {}
