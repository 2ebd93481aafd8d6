use netns_test::netns_test;

#[netns_test]
extern "C" fn extern_fn() {}

fn main() {}
