//! Every statement of the topology language, checked with real traffic or
//! by reading the kernel's state.

use std::net::{IpAddr, TcpListener, TcpStream};

use netns_test::{netns_test, Net};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn sysctl(net: &Net, node: &str, key: &str) -> String {
    let path = format!("/proc/sys/{}", key.replace('.', "/"));
    net.node(node)
        .run(|| std::fs::read_to_string(&path).unwrap())
        .trim()
        .to_string()
}

#[netns_test(topology = "node a; node b, c")]
fn node_makes_separate_namespaces_with_lo_up(net: &Net) {
    for name in ["a", "b", "c"] {
        net.node(name).ping(ip("127.0.0.1")).unwrap();
        net.node(name).ping(ip("::1")).unwrap();
        // Same port in every node: they do not share a network stack.
        net.node(name)
            .run(|| TcpListener::bind("127.0.0.1:4000").unwrap());
    }
    assert_eq!(sysctl(net, "a", "net.ipv4.ip_forward"), "0");
}

#[netns_test(topology = "
    node left, right
    router r
    left:eth0 10.1.0.2/24 fd01::2/64 -- r:eth0 10.1.0.1/24 fd01::1/64
    r:eth1 10.2.0.1/24 fd02::1/64 -- right:eth0 10.2.0.2/24 fd02::2/64
    route left default via 10.1.0.1
    route left default via fd01::1
    route right 10.1.0.0/24 via 10.2.0.1
    route right fd01::/64 via fd02::1
")]
fn router_forwards_ipv4_and_ipv6(net: &Net) {
    assert_eq!(sysctl(net, "r", "net.ipv4.ip_forward"), "1");
    assert_eq!(sysctl(net, "r", "net.ipv6.conf.all.forwarding"), "1");
    net.node("left").ping(ip("10.2.0.2")).unwrap();
    net.node("left").ping(ip("fd02::2")).unwrap();
    let listener = net
        .node("right")
        .run(|| TcpListener::bind("[fd02::2]:80").unwrap());
    net.node("left")
        .run(|| TcpStream::connect("[fd02::2]:80").unwrap());
    assert_eq!(listener.accept().unwrap().1.ip(), ip("fd01::2"));
}

#[netns_test(topology = "
    node a, b, c
    bridge lan 10.0.0.254/24 fd00::fe/64
    a:eth0 10.0.0.1/24 -- lan
    b:eth0 10.0.0.2/24 -- lan
    c:eth0 10.0.0.3/24 -- lan
")]
fn bridge_joins_its_ports_and_carries_its_own_addresses(net: &Net) {
    net.node("a").ping(ip("10.0.0.2")).unwrap();
    net.node("a").ping(ip("10.0.0.3")).unwrap();
    net.node("c").ping(ip("10.0.0.254")).unwrap();
    net.host().ping(ip("10.0.0.1")).unwrap();
    let host = net.describe();
    assert!(host.contains("lan"), "{host}");
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 mtu=1280
    a:eth1 10.0.1.1/24 -- b:eth1 10.0.1.2/24
")]
fn link_sets_the_mtu_on_both_ends(net: &Net) {
    let state = net.describe();
    let mtus: Vec<&str> = state
        .lines()
        .filter(|l| l.trim_start().starts_with("eth0"))
        .collect();
    assert_eq!(mtus.len(), 2, "{state}");
    assert!(mtus.iter().all(|l| l.contains("mtu 1280")), "{state}");
    let eth1: Vec<&str> = state
        .lines()
        .filter(|l| l.trim_start().starts_with("eth1"))
        .collect();
    assert!(eth1.iter().all(|l| l.contains("mtu 1500")), "{state}");
    net.node("a").ping(ip("10.0.1.2")).unwrap();
}

#[netns_test(topology = "
    node a, b
    a 10.0.0.1/24 -- b 10.0.0.2/24
    a 10.0.1.1/24 -- b 10.0.1.2/24
")]
fn link_ends_without_a_name_are_eth0_eth1_in_order(net: &Net) {
    let out = net
        .node("b")
        .command("cat")
        .arg("/proc/self/net/dev")
        .output()
        .unwrap();
    let dev = String::from_utf8(out.stdout).unwrap();
    assert!(dev.contains("eth0:") && dev.contains("eth1:"), "{dev}");
    net.node("a").ping(ip("10.0.1.2")).unwrap();
}

#[netns_test(topology = "
    node a, b
    host:veth-a 10.0.0.254/24 -- a:eth0 10.0.0.1/24
    host:veth-b 10.0.1.254/24 -- b:eth0 10.0.1.1/24
    sysctl host net.ipv4.ip_forward=1
    route a 10.0.1.0/24 via 10.0.0.254
    route b default via 10.0.1.254
")]
fn route_to_a_prefix_and_default_route_through_the_host(net: &Net) {
    net.node("a").ping(ip("10.0.1.1")).unwrap();
    net.node("b").ping(ip("10.0.0.1")).unwrap();
}

#[netns_test(topology = "
    node a
    a:eth0 10.0.0.1/24 -- host 10.0.0.2/24
    sysctl a net.ipv4.icmp_echo_ignore_all=1
    sysctl a net.ipv4.ip_default_ttl=17
")]
fn sysctl_is_written_in_its_namespace_only(net: &Net) {
    assert_eq!(sysctl(net, "a", "net.ipv4.ip_default_ttl"), "17");
    assert_eq!(sysctl(net, "host", "net.ipv4.ip_default_ttl"), "64");
    assert!(
        net.host().ping(ip("10.0.0.1")).is_err(),
        "a ignores echo requests"
    );
    net.node("a").ping(ip("10.0.0.2")).unwrap();
}

#[netns_test(topology_file = "tests/topologies/lan.net")]
fn topology_file_is_read_relative_to_the_manifest(net: &Net) {
    assert!(net.nodes().count() >= 2);
}

#[netns_test(topology = "
    node a, b, c, d
    bridge br0 10.9.0.1/24
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 mtu=1000
    a:eth1 -- c:eth0 mtu=68
    d:eth0 10.9.0.2/24 -- br0:br0-d mtu=576
    c:eth1 10.1.0.1/24 fd01::1/64 -- b:eth1 10.1.0.2/24 fd01::2/64 mtu=1280
")]
fn an_mtu_below_1280_builds_without_ipv6(net: &Net) {
    let mtu = |node: &str, ifname: &str| mtu_of(net, node, ifname);
    assert_eq!(mtu("a", "eth0"), "1000");
    assert_eq!(mtu("c", "eth0"), "68");
    assert_eq!(mtu("host", "br0"), "576");
    net.node("a").ping(ip("10.0.0.2")).unwrap();
    net.node("d").ping(ip("10.9.0.1")).unwrap();
    net.node("c").ping(ip("fd01::2")).unwrap();
    // A packet as large as the MTU passes: 1000 - 20 (IP) - 8 (UDP).
    let socket = net
        .node("b")
        .run(|| std::net::UdpSocket::bind("10.0.0.2:9000").unwrap());
    net.node("a").run(|| {
        let out = std::net::UdpSocket::bind("10.0.0.1:0").unwrap();
        out.send_to(&[7u8; 972], "10.0.0.2:9000").unwrap();
    });
    let mut buf = [0u8; 2000];
    assert_eq!(socket.recv(&mut buf).unwrap(), 972);
}

/// The MTU of `ifname` in `node`, from the network's state as netlink reads it.
fn mtu_of(net: &Net, node: &str, ifname: &str) -> String {
    let state = net.describe();
    let section = state
        .split(&format!("{node}:\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {node} in\n{state}"));
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{ifname} ")))
        .unwrap_or_else(|| panic!("no {node}:{ifname} in\n{state}"));
    let after = line.split("mtu ").nth(1).unwrap_or_default();
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}
