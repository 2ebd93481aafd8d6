//! IPv6 works at once: addresses are added without duplicate address
//! detection, so they are usable as soon as the test body starts.
//!
//! Run it with `cargo test --example ipv6 -- --nocapture`.

// The examples are tests; built as a program (`cargo build --examples`) the
// test functions are compiled out and what they use looks unused.
#![cfg_attr(not(test), allow(unused))]

use std::net::{Ipv6Addr, UdpSocket};

use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node a, b
    a:eth0 fd00::1/64 -- b:eth0 fd00::2/64
")]
fn a_and_b_talk_over_ipv6(net: &Net) {
    let rtt = net
        .node("a")
        .ping("fd00::2".parse().unwrap())
        .expect("a -> b over ICMPv6");
    println!("a (fd00::1) -> b (fd00::2): {rtt:?}");

    // Binding to the address right away would fail with EADDRNOTAVAIL while
    // DAD runs; here it just works.
    let b = net
        .node("b")
        .run(|| UdpSocket::bind("[fd00::2]:5353").unwrap());
    net.node("a").run(|| {
        let a = UdpSocket::bind("[fd00::1]:0").unwrap();
        a.send_to(b"over v6", "[fd00::2]:5353").unwrap();
    });
    let mut buf = [0u8; 16];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"over v6");
    assert_eq!(from.ip(), "fd00::1".parse::<Ipv6Addr>().unwrap());
}

fn main() {
    eprintln!("this example is a test: run `cargo test --example ipv6 -- --nocapture`");
}
