// The network argument under every accepted spelling and pattern.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test]
#[ignore = "compile-only case"]
fn imported(net: &Net) {
    let _ = net;
}

#[netns_test]
#[ignore = "compile-only case"]
fn crate_path(network: &netns_test::Net) {
    let _ = network;
}

#[netns_test]
#[ignore = "compile-only case"]
fn absolute_path(net: &::netns_test::Net) {
    let _ = net;
}

#[netns_test]
#[ignore = "compile-only case"]
fn wildcard_pattern(_: &Net) {}

#[netns_test]
#[ignore = "compile-only case"]
fn mutable_binding(mut net: &Net) {
    let _ = &mut net;
}

#[netns_test]
#[ignore = "compile-only case"]
fn anonymous_lifetime(net: &'_ Net) {
    let _ = net;
}

fn main() {}
