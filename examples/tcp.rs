//! Two nodes on a direct veth pair talk TCP.
//!
//! Run it with `cargo test --example tcp -- --nocapture`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
")]
fn client_and_server_exchange_a_greeting(net: &Net) {
    // The listener is made inside `server`, so it stays there.
    let listener = net
        .node("server")
        .run(|| TcpListener::bind("10.0.0.2:7000").unwrap());
    let server = net.node("server").spawn(move || {
        let (mut conn, peer) = listener.accept().unwrap();
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf).unwrap();
        conn.write_all(b"world").unwrap();
        (peer, buf)
    });

    let reply = net.node("client").run(|| {
        let mut conn = TcpStream::connect("10.0.0.2:7000").unwrap();
        conn.write_all(b"hello").unwrap();
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf).unwrap();
        buf
    });

    let (peer, request) = server.join().unwrap();
    assert_eq!(&request, b"hello");
    assert_eq!(&reply, b"world");
    assert_eq!(peer.ip().to_string(), "10.0.0.1");
    println!("client {peer} said hello, server said world");
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example tcp -- --nocapture`");
}
