// Returns libtest accepts: `()` and `Result<(), E: Debug>`, with `?` inside.
#![allow(unused_imports)] // `Net` is used by tests only, dropped outside `cargo test`
use netns_test::{netns_test, Net};

#[netns_test]
#[ignore = "compile-only case"]
#[allow(clippy::unused_unit)]
fn unit() -> () {}

#[netns_test]
#[ignore = "compile-only case"]
fn string_error() -> Result<(), String> {
    let port: u16 = "80".parse().map_err(|e| format!("{e}"))?;
    assert_eq!(port, 80);
    Ok(())
}

#[netns_test]
#[ignore = "compile-only case"]
fn boxed_error(net: &Net) -> Result<(), Box<dyn std::error::Error>> {
    let _ = net;
    let _listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(())
}

#[netns_test]
#[ignore = "compile-only case"]
fn io_result() -> std::io::Result<()> {
    std::net::UdpSocket::bind("127.0.0.1:0")?;
    Ok(())
}

#[allow(dead_code)] // used by tests only, dropped outside `cargo test`
type TestResult = Result<(), std::num::ParseIntError>;

#[netns_test]
#[ignore = "compile-only case"]
fn alias_ending_in_result() -> TestResult {
    "80".parse::<u16>()?;
    Ok(())
}

fn main() {}
