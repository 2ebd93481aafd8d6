use netns_test::netns_test;

#[netns_test]
fn return_not_unit_or_result() -> u8 {
    0
}

fn main() {}
