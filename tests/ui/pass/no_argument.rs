// A test without topology gets one fresh namespace with `lo` up; the function
// takes no argument. (Cases here only need to compile: see compile_fail.rs.)
use netns_test::netns_test;

#[netns_test]
#[ignore = "compile-only case"]
fn binds_port_80() {
    std::net::TcpListener::bind("127.0.0.1:80").unwrap();
}

#[netns_test()]
#[ignore = "compile-only case"]
fn empty_parentheses() {}

fn main() {}
