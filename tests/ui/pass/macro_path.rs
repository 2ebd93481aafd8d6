// The attribute by path, without an import, and tests of one name in two
// modules.
#[netns_test::netns_test]
#[ignore = "compile-only case"]
fn by_path(net: &netns_test::Net) {
    let _ = net;
}

mod first {
    #[netns_test::netns_test(timeout = "1s")]
    #[ignore = "compile-only case"]
    fn same_name() {}
}

mod second {
    use netns_test::netns_test;

    #[netns_test(timeout = "2s")]
    #[ignore = "compile-only case"]
    fn same_name() {}
}

fn main() {}
