//! `Net::partition`: two groups that cannot reach each other, silently,
//! until the partition heals; links, routes and addresses untouched.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use netns_test::{netns_test, Net};

/// How long a receiver waits before it concludes nothing came.
const SILENCE: Duration = Duration::from_millis(300);
/// How long a receiver waits for what must come.
const REPLY: Duration = Duration::from_secs(5);

/// Sends one datagram from `from` to `to_addr` and says whether the socket
/// bound at `to_addr` in `to` got it.
fn udp_gets_through(net: &Net, from: &str, to: &str, to_addr: &str) -> bool {
    let to_addr = to_addr.to_string();
    let bind = to_addr.clone();
    let receiver = net.node(to).run(|| UdpSocket::bind(bind).unwrap());
    receiver.set_read_timeout(Some(SILENCE)).unwrap();
    let sent = net.node(from).run(|| {
        let any = if to_addr.starts_with('[') {
            "[::]:0"
        } else {
            "0.0.0.0:0"
        };
        UdpSocket::bind(any)
            .unwrap()
            .send_to(b"x", to_addr.as_str())
    });
    assert!(
        sent.is_ok(),
        "a partition is silent: the send itself succeeds: {sent:?}"
    );
    receiver.recv_from(&mut [0u8; 1]).is_ok()
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn a_partition_drops_both_ways_across_a_router_and_heals(net: &Net) {
    assert!(udp_gets_through(net, "a", "b", "10.2.0.2:7000"), "before");
    let cut = net.partition(&["a"], &["b"]).unwrap();
    assert!(!udp_gets_through(net, "a", "b", "10.2.0.2:7001"), "a -> b");
    assert!(!udp_gets_through(net, "b", "a", "10.1.0.2:7001"), "b -> a");
    assert!(
        !udp_gets_through(net, "a", "b", "[fd02::2]:7001"),
        "a -> b, IPv6"
    );
    assert!(net.node("a").ping("10.2.0.2".parse().unwrap()).is_err());
    // Only the two groups are cut: the router still reaches both.
    assert!(net.node("r").ping("10.1.0.2".parse().unwrap()).is_ok());
    assert!(net.node("r").ping("10.2.0.2".parse().unwrap()).is_ok());
    // Links stay up and routes stay.
    let state = net.describe();
    assert!(!state.contains("DOWN"), "{state}");
    assert!(state.contains("default via 10.1.0.1"), "{state}");

    cut.heal().unwrap();
    assert!(udp_gets_through(net, "a", "b", "10.2.0.2:7002"), "healed");
    assert!(
        udp_gets_through(net, "b", "a", "10.1.0.2:7002"),
        "healed, back"
    );
    net.node("a").ping("fd02::2".parse().unwrap()).unwrap();
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn a_dropped_partition_heals(net: &Net) {
    {
        let _cut = net.partition(&["a", "r"], &["b"]).unwrap();
        assert!(net.node("r").ping("10.2.0.2".parse().unwrap()).is_err());
    }
    net.node("r").ping("10.2.0.2".parse().unwrap()).unwrap();
    net.node("a").ping("10.2.0.2".parse().unwrap()).unwrap();
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn two_partitions_coexist_and_heal_separately(net: &Net) {
    let ab = net.partition(&["a"], &["b"]).unwrap();
    let rb = net.partition(&["r"], &["b"]).unwrap();
    ab.heal().unwrap();
    assert!(net.node("a").ping("10.2.0.2".parse().unwrap()).is_ok());
    assert!(net.node("r").ping("10.2.0.2".parse().unwrap()).is_err());
    rb.heal().unwrap();
    assert!(net.node("r").ping("10.2.0.2".parse().unwrap()).is_ok());
}

/// A connected pair: `a`'s stream and `b`'s accepted one.
fn connect(net: &Net) -> (TcpStream, TcpStream) {
    let listener = net
        .node("b")
        .run(|| TcpListener::bind("10.2.0.2:7000").unwrap());
    let client = net
        .node("a")
        .run(|| TcpStream::connect("10.2.0.2:7000").unwrap());
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn a_connection_survives_a_short_partition(net: &Net) {
    let (mut client, mut server) = connect(net);
    let cut = net.partition(&["a"], &["b"]).unwrap();
    // The write is buffered; its segments are lost while the partition
    // lasts and retransmitted after.
    client.write_all(b"still there?").unwrap();
    server.set_read_timeout(Some(SILENCE)).unwrap();
    let err = server.read(&mut [0u8; 16]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    cut.heal().unwrap();
    server.set_read_timeout(Some(REPLY)).unwrap();
    let mut got = [0u8; 12];
    server.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"still there?");
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn a_connection_times_out_on_a_long_partition(net: &Net) {
    let (mut client, _server) = connect(net);
    set_user_timeout(&client, Duration::from_millis(500));
    let _cut = net.partition(&["a"], &["b"]).unwrap();
    let started = Instant::now();
    client.write_all(b"anyone?").unwrap();
    client.set_read_timeout(Some(REPLY)).unwrap();
    let err = client.read(&mut [0u8; 1]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(started.elapsed() < REPLY, "the kernel's timeout, not ours");
}

/// `TCP_USER_TIMEOUT`: how long sent data may stay unacknowledged before
/// the kernel gives up on the connection.
fn set_user_timeout(stream: &TcpStream, timeout: Duration) {
    use std::os::fd::AsRawFd;
    let ms = timeout.as_millis() as libc::c_uint;
    // SAFETY: setsockopt on an open socket with a pointer to a local of the
    // size given.
    let rc = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_USER_TIMEOUT,
            (&ms as *const libc::c_uint).cast(),
            std::mem::size_of::<libc::c_uint>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
#[should_panic(expected = "no node named `c`")]
fn a_partition_of_an_unknown_node_panics_at_the_call(net: &Net) {
    let _ = net.partition(&["a"], &["c"]);
}

#[netns_test(topology_file = "tests/topologies/routed-dual.net")]
fn a_node_in_both_groups_is_refused(net: &Net) {
    let err = net.partition(&["a", "b"], &["b"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("`b` is in both groups"), "{err}");
}
