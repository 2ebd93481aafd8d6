// Inert attributes above `#[netns_test]` reach it as those below do: the
// test keeps them, and `#[should_panic]` in each of its forms is read for the
// runtime.
use netns_test::netns_test;

#[should_panic]
#[ignore = "compile-only case"]
#[netns_test]
fn panics() {
    panic!("boom");
}

#[should_panic = "no route"]
#[netns_test(topology = "node a")]
#[ignore = "compile-only case"]
fn panics_with_message(net: &netns_test::Net) {
    let _ = net;
    panic!("no route to a");
}

#[ignore]
#[should_panic(expected = "no route")]
#[netns_test(timeout = "1s")]
fn panics_with_expected_message() {
    panic!("no route to a");
}

/// Doc comments and lint levels above stay too.
#[allow(unused_variables)]
#[netns_test]
#[ignore = "compile-only case"]
fn ignored_below_linted_above() {
    let unused = 1;
}

fn main() {}
