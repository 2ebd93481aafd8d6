use netns_test::netns_test;

#[netns_test(timeout = "1h")]
fn timeout_in_hours() {}

fn main() {}
