use netns_test::netns_test;

#[netns_test]
fn where_clause()
where
    u8: Copy,
{
}

fn main() {}
