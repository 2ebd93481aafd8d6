//! Impaired links, measured (issue 12): one `#[netns_test]` each, run once
//! per process by the driver (`src/impaired.rs`), which compares what they
//! report with the targets. Nothing here asserts on time: a body checks
//! that its traffic got through and reports what it measured.
//!
//! A body appends one line, `KEY VALUE...`, to the file named by
//! `NETNS_BENCH_REPORT` (standard output when unset), in one `write` so
//! that lines never mix. `NETNS_BENCH_QUICK=1` asks for fewer samples.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use netns_test::{netns_test, Impairment, Net};

/// Where to append the report line; the driver's `REPORT` too.
const REPORT: &str = "NETNS_BENCH_REPORT";
/// Set to `1` for a smoke run; the driver's `QUICK` too.
const QUICK: &str = "NETNS_BENCH_QUICK";

const A: &str = "10.0.0.1";
const B: &str = "10.0.0.2";
const PORT: u16 = 7000;

/// `full` samples, or `quick` ones in a smoke run.
fn samples(full: usize, quick: usize) -> usize {
    if std::env::var(QUICK).is_ok_and(|v| v == "1") {
        quick
    } else {
        full
    }
}

/// Appends `key values...` as one line to the report.
fn report(key: &str, values: impl IntoIterator<Item = impl std::fmt::Display>) {
    let mut line = key.to_string();
    for v in values {
        line.push_str(&format!(" {v}"));
    }
    line.push('\n');
    match std::env::var_os(REPORT) {
        Some(path) => std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .expect("writing the report"),
        None => print!("{line}"),
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("an address")
}

/// `n` ping round trips from `a` to `b` in microseconds, after one that
/// resolves the neighbours (its ARP exchange crosses the link twice more).
fn rtts_us(net: &Net, n: usize) -> Vec<u128> {
    net.node("a").ping(ip(B)).expect("the warm-up reply");
    (0..n)
        .map(|_| net.node("a").ping(ip(B)).expect("a reply").as_micros())
        .collect()
}

/// `delay=10ms` on both ends: ping round trips (target 20 ms ± 1 ms).
#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=10ms")]
#[ignore = "benchmark workload"]
fn delay_10ms(net: &Net) {
    report("rtt_us", rtts_us(net, samples(100, 20)));
}

/// `delay=10ms jitter=5ms` on both ends: ping round trips, each direction
/// uniform in 5 to 15 ms.
#[netns_test(
    topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=10ms jitter=5ms"
)]
#[ignore = "benchmark workload"]
fn jitter_5ms(net: &Net) {
    report("rtt_us", rtts_us(net, samples(100, 20)));
}

/// `loss=10%` on what `a` sends, set at run time after a ping has resolved
/// both neighbours, so only the datagrams cross the forwarder; the MTU
/// below 1280 keeps IPv6 (and its neighbour discovery) off the link, so two
/// runs with one `NETNS_TEST_SEED` see the same frames in the same order.
/// Reports how many were sent, then the numbers of those lost.
#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 mtu=1200")]
#[ignore = "benchmark workload"]
fn loss_10_percent(net: &Net) {
    net.node("a").ping(ip(B)).expect("the warm-up reply");
    net.node("a")
        .impair("eth0", Impairment::new().loss(10.0))
        .expect("impairing a:eth0");
    let sent = samples(2000, 500) as u32;
    let mut received = vec![false; sent as usize];
    for i in datagrams(net, sent) {
        received[i as usize] = true;
    }
    let lost = (0..sent).filter(|&i| !received[i as usize]);
    report("sent_lost", std::iter::once(sent).chain(lost));
}

/// Datagrams numbered `0..n` from `a` to `b`, in bursts of 20 with a pause
/// between, so that no socket buffer on the way overflows; returns the
/// numbers `b` received (it stops after 300 ms without one).
fn datagrams(net: &Net, n: u32) -> Vec<u32> {
    let rx = net
        .node("b")
        .run(|| UdpSocket::bind((ip(B), PORT)).expect("bind in b"));
    rx.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("a read timeout");
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 4];
        while let Ok(4) = rx.recv(&mut buf) {
            got.push(u32::from_be_bytes(buf));
        }
        got
    });
    let tx = net
        .node("a")
        .run(|| UdpSocket::bind((ip(A), 0)).expect("bind in a"));
    for i in 0..n {
        tx.send_to(&i.to_be_bytes(), (ip(B), PORT)).expect("send");
        if i % 20 == 19 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    reader.join().expect("the reader")
}

/// Sends `bytes` over TCP from `a` to `b`; reports `tcp BYTES SECONDS`,
/// timed at the receiver from the accept to the end of the stream.
fn transfer(net: &Net, bytes: usize) {
    let listener = net
        .node("b")
        .run(|| TcpListener::bind((ip(B), PORT)).expect("bind in b"));
    let receiver = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        let started = Instant::now();
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0;
        loop {
            match conn.read(&mut buf).expect("read") {
                0 => return (total, started.elapsed()),
                n => total += n,
            }
        }
    });
    net.node("a").run(|| {
        let mut conn = TcpStream::connect((ip(B), PORT)).expect("connect");
        let chunk = vec![7u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len());
            conn.write_all(&chunk[..n]).expect("write");
            left -= n;
        }
    });
    let (total, took) = receiver.join().expect("the receiver");
    assert_eq!(total, bytes, "bytes received");
    report("tcp", [total as f64, took.as_secs_f64()]);
}

/// `rate=10mbit` on both ends: TCP goodput of a few MiB.
#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 rate=10mbit")]
#[ignore = "benchmark workload"]
fn rate_10mbit(net: &Net) {
    transfer(net, samples(4, 1) << 20);
}

/// `rate=100gbit` on both ends: every frame crosses a forwarder, none waits.
#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 rate=100gbit")]
#[ignore = "benchmark workload"]
fn rate_100gbit(net: &Net) {
    transfer(net, samples(400, 40) << 20);
}

/// The same link without impairments: a plain veth, no forwarder.
#[netns_test(topology = "node a, b; a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24")]
#[ignore = "benchmark workload"]
fn clean(net: &Net) {
    transfer(net, samples(2000, 200) << 20);
}
