// Attributes other than `#[netns_test]` keep their std meaning on the test.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

/// Doc comments stay on the test.
#[netns_test]
#[should_panic]
#[ignore = "compile-only case"]
fn panics() {
    panic!("boom");
}

#[netns_test(topology = "node a")]
#[should_panic(expected = "no route")]
#[ignore = "compile-only case"]
fn panics_with_message(net: &Net) {
    let _ = net;
    panic!("no route to a");
}

#[netns_test]
#[ignore]
fn ignored_without_reason() {}

#[netns_test]
#[cfg(target_os = "linux")]
#[allow(unused_variables)]
#[ignore = "compile-only case"]
pub fn with_cfg_and_lint_levels() {
    let unused = 1;
}

fn main() {}
