use netns_test::netns_test;

#[netns_test]
fn wrong_argument_type(name: &str) {
    let _ = name;
}

fn main() {}
