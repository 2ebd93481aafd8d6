//! A client's retry logic against a lossy link: 30% of the packets each
//! way are lost (`Node::impair`, as the link option `loss=30%` would do),
//! so a request without retries is answered about half the time, and a
//! client that retries is answered every time.
//!
//! Run it with `cargo test --example retry -- --nocapture`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use std::net::UdpSocket;
use std::time::Duration;

use netns_test::{netns_test, Impairment, Net};

/// How long the client waits for an answer before it asks again.
const TRY_TIMEOUT: Duration = Duration::from_millis(50);

/// Sends `request` until an answer comes, at most `tries` times; returns
/// how many tries it took.
fn ask(socket: &UdpSocket, request: &[u8], tries: u32) -> Option<u32> {
    socket.set_read_timeout(Some(TRY_TIMEOUT)).unwrap();
    let mut buf = [0u8; 64];
    for attempt in 1..=tries {
        socket.send_to(request, "server:5300").unwrap();
        // A late answer to an earlier try is an answer all the same.
        if let Ok(n) = socket.recv(&mut buf) {
            if &buf[..n] == request {
                return Some(attempt);
            }
        }
    }
    None
}

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
")]
fn a_retrying_client_is_answered_through_30_percent_loss(net: &Net) {
    // The two learn each other's MAC addresses while the link is clean: a
    // lost ARP exchange would stall the first requests for a second or
    // more, whatever the client does. Then 30% loss each way, as the link
    // option `loss=30%` would give from the start.
    net.node("client")
        .ping("10.0.0.2".parse().unwrap())
        .unwrap();
    let lossy = Impairment::new().loss(30.0);
    net.node("client").impair("eth0", lossy).unwrap();
    net.node("server").impair("eth0", lossy).unwrap();

    // An echo server, for as long as the test runs.
    let server = net
        .node("server")
        .run(|| UdpSocket::bind("10.0.0.2:5300").unwrap());
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        while let Ok((n, from)) = server.recv_from(&mut buf) {
            let _ = server.send_to(&buf[..n], from);
        }
    });
    let socket = net
        .node("client")
        .run(|| UdpSocket::bind("0.0.0.0:0").unwrap());

    // Without retries, some of 40 requests go unanswered.
    let unanswered = (0..40u32)
        .filter(|i| ask(&socket, format!("once {i}").as_bytes(), 1).is_none())
        .count();
    println!("without retries: {unanswered} of 40 requests unanswered");
    assert!(unanswered > 0);

    // With up to 25 tries, every one is answered.
    let tries: Vec<u32> = (0..40u32)
        .map(|i| ask(&socket, format!("retry {i}").as_bytes(), 25).expect("an answer"))
        .collect();
    println!(
        "with retries: all 40 answered, {} tries in all, at most {} for one",
        tries.iter().sum::<u32>(),
        tries.iter().max().unwrap_or(&0)
    );
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example retry -- --nocapture`");
}
