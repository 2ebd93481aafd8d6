//! `async fn` tests with the `tokio` feature: the body runs on a
//! current-thread runtime inside the sandbox, and sockets made in a node can
//! be handed to tokio. Run with `cargo test -p netns-test --features tokio`.
#![cfg(feature = "tokio")]

use netns_test::{netns_test, Net};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
async fn an_async_body_serves_tcp_from_a_node_socket(net: &Net) {
    let std_listener = net
        .node("b")
        .run(|| std::net::TcpListener::bind("10.0.0.2:7000").unwrap());
    std_listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();

    let std_stream = net
        .node("a")
        .run(|| std::net::TcpStream::connect("10.0.0.2:7000").unwrap());
    std_stream.set_nonblocking(true).unwrap();
    let mut client = tokio::net::TcpStream::from_std(std_stream).unwrap();

    let (mut server, peer) = listener.accept().await.unwrap();
    client.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    assert_eq!(peer.ip().to_string(), "10.0.0.1");
}

#[netns_test]
async fn an_async_body_may_return_a_result() -> Result<(), std::io::Error> {
    tokio::task::yield_now().await;
    Ok(())
}

#[netns_test]
#[should_panic(expected = "async panic")]
async fn a_panic_in_an_async_body_fails_the_test() {
    panic!("async panic");
}
