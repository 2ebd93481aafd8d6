// A topology read from a file relative to CARGO_MANIFEST_DIR.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test(topology_file = "tests/topologies/lan.net")]
#[ignore = "compile-only case"]
fn from_a_file(net: &Net) {
    let _ = net;
}

#[netns_test(topology_file = "tests/topologies/lan.net", timeout = "10s")]
#[ignore = "compile-only case"]
fn from_a_file_with_timeout(net: &Net) -> Result<(), Box<dyn std::error::Error>> {
    let _ = net;
    Ok(())
}

fn main() {}
