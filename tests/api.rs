//! Every call of the `Net`/`Node` API, on real namespaces with real traffic.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};

use netns_test::{netns_test, Net};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn node_looks_nodes_up_by_name(net: &Net) {
    assert_eq!(net.node("a").name(), "a");
    assert_eq!(net.node("b").name(), "b");
    assert_eq!(net.node("host").name(), "host");
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
#[should_panic(expected = "no node named `c` in this topology; known names: host, a, b")]
fn node_panics_listing_the_known_names(net: &Net) {
    net.node("c");
}

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
")]
#[should_panic(
    expected = "no node named `sever` in this topology; did you mean `server`? known names: \
                host, client, server"
)]
fn node_suggests_the_closest_name(net: &Net) {
    net.node("sever");
}

#[netns_test(topology = "
    node client, server
    client:eth0 10.0.0.1/24 -- server:eth0 10.0.0.2/24
")]
fn a_wrong_name_panics_at_the_caller_s_line(net: &Net) {
    // The panic hook sees where a panic is; record it with a hook of our own
    // (the sandbox runs this test alone in its process).
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    std::panic::set_hook(Box::new(move |info| {
        *record.lock().unwrap() = info.location().map(|l| (l.file().to_string(), l.line()));
    }));
    let line = line!() + 1;
    let _ = std::panic::catch_unwind(|| net.node("sever"));
    let _ = std::panic::catch_unwind(|| net.node("client").ipv6());
    drop(std::panic::take_hook());
    assert_eq!(
        seen.lock().unwrap().clone(),
        Some((file!().to_string(), line + 1)),
        "the last panic (ipv6) points at its caller"
    );
}

#[netns_test(topology = "
    node a, b
    bridge br0 10.9.0.1/24 fd09::1/64
    a:eth0 10.0.0.1/24 fd00::1/64 -- b:eth0 10.0.0.2/24 fd00::2/64
    a:eth1 10.1.0.1/24 -- host:eth0 10.1.0.2/24
    b:eth1 fd09::2/64 -- br0:br0-b
")]
fn addresses_come_by_name_in_declaration_order(net: &Net) {
    let a = net.node("a");
    assert_eq!(a.ipv4(), "10.0.0.1".parse::<std::net::Ipv4Addr>().unwrap());
    assert_eq!(a.ipv6(), "fd00::1".parse::<std::net::Ipv6Addr>().unwrap());
    assert_eq!(a.addrs(), [ip("10.0.0.1"), ip("fd00::1"), ip("10.1.0.1")]);
    assert_eq!(
        net.host().addrs(),
        [ip("10.9.0.1"), ip("fd09::1"), ip("10.1.0.2")]
    );
    assert_eq!(net.node("b").ipv6().to_string(), "fd00::2");
    // Usable as they come.
    a.ping(net.node("b").ipv4().into()).unwrap();
    a.ping(net.node("b").ipv6().into()).unwrap();
}

#[netns_test(topology = "
    node a, b
    a:eth0 fd00::1/64 -- b:eth0 fd00::2/64
")]
#[should_panic(expected = "node `a` has no IPv4 address; its addresses: fd00::1/64 (eth0)")]
fn ipv4_panics_listing_the_addresses_when_there_is_none(net: &Net) {
    net.node("a").ipv4();
}

#[netns_test(topology = "node a")]
#[should_panic(expected = "node `a` has no IPv6 address; it has no addresses in the topology")]
fn ipv6_panics_when_the_node_has_no_address(net: &Net) {
    net.node("a").ipv6();
}

#[netns_test(topology = "node server")]
fn run_and_spawn_threads_carry_the_node_s_name(net: &Net) {
    let name = net
        .node("server")
        .run(|| std::thread::current().name().map(String::from));
    assert_eq!(name.as_deref(), Some("server"));
    let name = net
        .node("server")
        .spawn(|| std::thread::current().name().map(String::from))
        .join()
        .unwrap();
    assert_eq!(name.as_deref(), Some("server"));
}

#[netns_test(topology = "
    node a
    router r
    node b
    a:eth0 10.0.0.1/24 -- r:eth0 10.0.0.2/24
")]
fn nodes_lists_nodes_and_routers_in_declaration_order_without_the_host(net: &Net) {
    let names: Vec<&str> = net.nodes().map(|n| n.name()).collect();
    assert_eq!(names, ["a", "r", "b"]);
    assert_eq!(net.host().name(), "host");
}

/// The namespace a thread is in, as the kernel names it (`net:[inode]`).
fn netns_of_this_thread() -> String {
    std::fs::read_link("/proc/thread-self/ns/net")
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[netns_test(topology = "node a, b")]
fn run_executes_inside_the_node_and_may_borrow(net: &Net) {
    let here = netns_of_this_thread();
    let mut seen = Vec::new();
    for name in ["a", "b", "host"] {
        // `seen` is borrowed mutably by a closure running on another thread.
        net.node(name).run(|| seen.push(netns_of_this_thread()));
    }
    assert_ne!(seen[0], seen[1], "a and b are different namespaces");
    assert_ne!(seen[0], here, "a is not the host");
    assert_eq!(seen[2], here, "the host node is the body's own namespace");
}

#[netns_test(topology = "node a")]
#[should_panic(expected = "boom inside a")]
fn run_propagates_a_panic_with_its_message(net: &Net) {
    net.node("a").run(|| panic!("boom inside a"));
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn a_socket_made_in_run_stays_in_its_node(net: &Net) {
    let listener = net
        .node("b")
        .run(|| TcpListener::bind("10.0.0.2:7000").unwrap());
    // Accepting on the test thread (in the host) still serves b's address.
    let client = net.node("a").spawn(|| {
        let mut s = TcpStream::connect("10.0.0.2:7000").unwrap();
        s.write_all(b"x").unwrap();
    });
    let (mut conn, peer) = listener.accept().unwrap();
    let mut byte = [0u8; 1];
    conn.read_exact(&mut byte).unwrap();
    client.join().unwrap();
    assert_eq!(peer.ip(), ip("10.0.0.1"));
    assert_eq!(&byte, b"x");
}

#[netns_test(topology = "node a")]
fn spawn_runs_a_static_closure_in_the_node_and_returns_a_join_handle(net: &Net) {
    let here = netns_of_this_thread();
    let there = net.node("a").spawn(netns_of_this_thread).join().unwrap();
    assert_ne!(there, here);
    assert_eq!(there, net.node("a").run(netns_of_this_thread));
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn command_starts_a_process_inside_the_node(net: &Net) {
    // /proc/self/net/dev of a single-threaded process is its own namespace's.
    let out = net
        .node("a")
        .command("cat")
        .arg("/proc/self/net/dev")
        .output()
        .unwrap();
    assert!(out.status.success());
    let dev = String::from_utf8(out.stdout).unwrap();
    assert!(dev.contains("eth0:"), "a has eth0: {dev}");
    assert!(dev.contains("lo:"), "a has lo: {dev}");

    let host = net
        .host()
        .command("cat")
        .arg("/proc/self/net/dev")
        .output()
        .unwrap();
    let host = String::from_utf8(host.stdout).unwrap();
    assert!(!host.contains("eth0:"), "the host has no eth0: {host}");
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 fd00::1/64 -- b:eth0 10.0.0.2/24 fd00::2/64
")]
fn ping_reaches_a_neighbour_over_ipv4_and_ipv6(net: &Net) {
    let v4 = net.node("a").ping(ip("10.0.0.2")).unwrap();
    let v6 = net.node("b").ping(ip("fd00::1")).unwrap();
    assert!(v4.as_secs() < 1 && v6.as_secs() < 1);
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn ping_fails_after_a_second_without_a_reply(net: &Net) {
    let err = net.node("a").ping(ip("10.0.0.99")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn set_link_up_takes_effect_before_it_returns(net: &Net) {
    net.node("b").set_link_up("eth0", false).unwrap();
    assert!(
        net.node("a").ping(ip("10.0.0.2")).is_err(),
        "b's eth0 is down"
    );

    net.node("b").set_link_up("eth0", true).unwrap();
    // No wait, no retry: the link is up with carrier now.
    net.node("a")
        .run(|| TcpListener::bind("10.0.0.1:9000").unwrap());
    net.node("a").ping(ip("10.0.0.2")).unwrap();
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
fn set_link_up_names_an_unknown_interface_and_the_closest(net: &Net) {
    let err = net.node("a").set_link_up("eth7", true).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
    let text = err.to_string();
    assert!(text.contains("eth7"), "{text}");
    assert!(text.contains("did you mean `eth0`?"), "{text}");
    assert!(
        text.contains("The interfaces of `a` are: lo, eth0"),
        "{text}"
    );
}

#[netns_test]
fn a_test_without_topology_has_lo_up_in_a_fresh_namespace() {
    // Port 80 needs no privilege here: we are root of our own namespaces.
    let listener = TcpListener::bind("127.0.0.1:80").unwrap();
    let addr = listener.local_addr().unwrap();
    TcpStream::connect(addr).unwrap();
    let dev = std::fs::read_to_string("/proc/thread-self/net/dev").unwrap();
    let names: Vec<&str> = dev
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("eth")),
        "fresh namespace: {names:?}"
    );
}
