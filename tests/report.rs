//! The network state report lists each namespace's sockets (as `ss -tuan`)
//! and neighbours (as `ip neigh`), read at that moment, so that a test that
//! hangs shows where it hangs. Real traffic between the test's own
//! namespaces; the hang is a fixture re-run by a meta-test.

mod support;

use std::io::Write;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use netns_test::{netns_test, Net};
use support::{fixture, in_fixture_run, run};

/// The lines of namespace `name`'s section of a report (from its `name:`
/// title to the next unindented line), trimmed, whitespace collapsed.
fn section(report: &str, name: &str) -> Vec<String> {
    let title = format!("{name}:");
    report
        .lines()
        .skip_while(|line| *line != title)
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Asserts that a line of `lines` is `expected`.
fn assert_line(lines: &[String], expected: &str, report: &str) {
    assert!(
        lines.iter().any(|line| line == expected),
        "no line {expected:?} in:\n{report}"
    );
}

/// The one line of `lines` that starts with `prefix`.
fn line_starting<'a>(lines: &'a [String], prefix: &str, report: &str) -> &'a str {
    let found: Vec<&String> = lines.iter().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(found.len(), 1, "lines starting {prefix:?} in:\n{report}");
    found[0]
}

/// Whether `line` ends with a neighbour state that knows the link-layer
/// address (which of them depends on timers).
fn resolved(line: &str) -> bool {
    ["REACHABLE", "STALE", "DELAY", "PROBE"]
        .iter()
        .any(|state| line.ends_with(state))
}

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 fd00::1/64 -- server:eth0 10.0.0.2/24 fd00::2/64
")]
fn a_listener_and_its_connections_show_with_their_states_and_ports(net: &Net) {
    let (listener, listener6) = net.node("server").run(|| {
        (
            TcpListener::bind("10.0.0.2:7000").unwrap(),
            TcpListener::bind("[fd00::2]:7001").unwrap(),
        )
    });
    let (conn, conn6) = net.node("client").run(|| {
        (
            TcpStream::connect("10.0.0.2:7000").unwrap(),
            TcpStream::connect("[fd00::2]:7001").unwrap(),
        )
    });
    let _accepted = listener.accept().unwrap();
    let _accepted6 = listener6.accept().unwrap();
    let port = conn.local_addr().unwrap().port();
    let port6 = conn6.local_addr().unwrap().port();

    let report = net.describe();
    let server = section(&report, "server");
    let client = section(&report, "client");
    assert_line(&server, "sockets:", &report);
    assert_line(&server, "tcp LISTEN 10.0.0.2:7000 0.0.0.0:*", &report);
    assert_line(&server, "tcp LISTEN [fd00::2]:7001 [::]:*", &report);
    let estab = format!("tcp ESTAB 10.0.0.2:7000 10.0.0.1:{port}");
    assert_line(&server, &estab, &report);
    let estab6 = format!("tcp ESTAB [fd00::2]:7001 [fd00::1]:{port6}");
    assert_line(&server, &estab6, &report);
    // Nothing was sent, so no queue shows: the lines are whole.
    let estab = format!("tcp ESTAB 10.0.0.1:{port} 10.0.0.2:7000");
    assert_line(&client, &estab, &report);
    let estab6 = format!("tcp ESTAB [fd00::1]:{port6} [fd00::2]:7001");
    assert_line(&client, &estab6, &report);

    // Each side has resolved the other, over ARP and over NDP.
    assert_line(&client, "neighbours:", &report);
    for (lines, ip) in [(&client, "10.0.0.2"), (&client, "fd00::2")] {
        let line = line_starting(lines, &format!("{ip} dev eth0 lladdr "), &report);
        assert!(resolved(line), "{line:?} in:\n{report}");
    }
    let line = line_starting(&server, "10.0.0.1 dev eth0 lladdr ", &report);
    assert!(resolved(line), "{line:?} in:\n{report}");

    // The host has only `lo`: nothing to show, said in one line each.
    let host = section(&report, "host");
    assert_line(&host, "sockets: none", &report);
    assert_line(&host, "neighbours: none", &report);
}

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
")]
fn udp_sockets_and_unread_data_show(net: &Net) {
    let (bound, listener) = net.node("server").run(|| {
        (
            UdpSocket::bind("10.0.0.2:5353").unwrap(),
            TcpListener::bind("10.0.0.2:7000").unwrap(),
        )
    });
    let (connected, mut conn) = net.node("client").run(|| {
        let udp = UdpSocket::bind("10.0.0.1:5000").unwrap();
        udp.connect("10.0.0.2:5353").unwrap();
        (udp, TcpStream::connect("10.0.0.2:7000").unwrap())
    });
    let (accepted, _) = listener.accept().unwrap();
    connected.send(b"query").unwrap();
    conn.write_all(b"hello").unwrap();
    // Peeking waits for the data to arrive and leaves it unread.
    let mut buf = [0u8; 16];
    bound.peek_from(&mut buf).unwrap();
    while accepted.peek(&mut buf).unwrap() < 5 {}

    let report = net.describe();
    let server = section(&report, "server");
    let client = section(&report, "client");
    assert_line(&client, "udp ESTAB 10.0.0.1:5000 10.0.0.2:5353", &report);
    // A datagram's queue is counted in the kernel's buffer size, not bytes.
    let udp = line_starting(
        &server,
        "udp UNCONN 10.0.0.2:5353 0.0.0.0:* recv-q ",
        &report,
    );
    assert!(!udp.ends_with("recv-q 0"), "{udp:?}");
    let port = conn.local_addr().unwrap().port();
    let tcp = format!("tcp ESTAB 10.0.0.2:7000 10.0.0.1:{port} recv-q 5");
    assert_line(&server, &tcp, &report);
}

// ---- a hang, shown in the failure report ---------------------------------

#[netns_test(
    topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24",
    timeout = "1s"
)]
#[ignore = "fixture"]
fn fixture_hangs_connecting_to_nobody(net: &Net) {
    if in_fixture_run() {
        // 10.0.0.9 is inside the link's subnet, but no namespace has it: the
        // ARP request goes unanswered and the SYN waits for it. The kernel
        // gives up after 3 s, long after the timeout.
        let _ = net.node("a").run(|| TcpStream::connect("10.0.0.9:7"));
        std::thread::sleep(Duration::from_secs(600));
    }
}

#[test]
fn a_connect_to_an_address_nobody_has_shows_in_syn_sent_beside_its_unresolved_neighbour() {
    let (out, text) = run(&mut fixture("fixture_hangs_connecting_to_nobody"));
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("test `fixture_hangs_connecting_to_nobody` timed out after"),
        "{text}"
    );
    let a = section(&text, "a");
    let syn_sent = line_starting(&a, "tcp SYN-SENT 10.0.0.1:", &text);
    let peer = syn_sent.split(' ').nth(3);
    assert_eq!(peer, Some("10.0.0.9:7"), "{syn_sent:?} in:\n{text}");
    let neighbour = line_starting(&a, "10.0.0.9 dev eth0", &text);
    assert!(
        ["10.0.0.9 dev eth0 INCOMPLETE", "10.0.0.9 dev eth0 FAILED"].contains(&neighbour),
        "{neighbour:?} in:\n{text}"
    );
    // The host saw the ARP request but has no socket.
    assert_line(&section(&text, "host"), "sockets: none", &text);
}
