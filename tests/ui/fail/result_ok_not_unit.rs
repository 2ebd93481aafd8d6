use netns_test::netns_test;

#[netns_test]
fn result_ok_not_unit() -> Result<u16, String> {
    Ok(80)
}

fn main() {}
