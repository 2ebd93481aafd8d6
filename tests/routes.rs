//! Routes that hold: a link that goes down and up gets its routes back, and
//! a test changes routes with `Node::add_route` and `Node::del_route`, with
//! no `ip` binary.

use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use netns_test::{netns_test, Net};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Connects from `client` to a listener on `server` at `addr`, once.
fn connect(net: &Net, client: &str, server: &str, addr: &str) {
    let addr: SocketAddr = addr.parse().unwrap();
    let listener = net.node(server).run(|| TcpListener::bind(addr).unwrap());
    net.node(client)
        .run(|| TcpStream::connect_timeout(&addr, Duration::from_secs(2)))
        .unwrap_or_else(|e| panic!("{client} -> {addr}: {e}"));
    listener.accept().unwrap();
}

#[netns_test(topology = "
    node client, server
    router r
    client:eth0 10.1.0.2/24 fd01::2/64 -- r:eth0 10.1.0.1/24 fd01::1/64
    r:eth1 10.2.0.1/24 fd02::1/64 -- server:eth0 10.2.0.2/24 fd02::2/64
    route client default via 10.1.0.1
    route client default via fd01::1
    route server default via 10.2.0.1
    route server default via fd02::1
")]
fn a_link_that_goes_down_and_up_gets_its_routes_back(net: &Net) {
    for _ in 0..3 {
        net.node("client").set_link_up("eth0", false).unwrap();
        net.node("client").set_link_up("eth0", true).unwrap();
        net.node("server").set_link_up("eth0", false).unwrap();
        net.node("server").set_link_up("eth0", true).unwrap();
        connect(net, "client", "server", "10.2.0.2:7000");
        connect(net, "client", "server", "[fd02::2]:7000");
    }
    // The router's side too: its routes are connected ones.
    net.node("r").set_link_up("eth1", false).unwrap();
    net.node("r").set_link_up("eth1", true).unwrap();
    connect(net, "client", "server", "10.2.0.2:7001");
}

#[netns_test(topology = "
    node client, server
    router r1, r2
    client:eth0 10.1.0.2/24 fd01::2/64 -- r1:eth0 10.1.0.1/24 fd01::1/64
    client:eth1 10.3.0.2/24 fd03::2/64 -- r2:eth0 10.3.0.1/24 fd03::1/64
    r1:eth1 10.2.0.1/24 fd02::1/64 -- server:eth0 10.2.0.2/24 fd02::2/64
    r2:eth1 10.4.0.1/24 fd04::1/64 -- server:eth1 10.4.0.2/24 fd04::2/64
    route client 10.2.0.0/24 via 10.1.0.1
    route client fd02::/64 via fd01::1
    route server 10.1.0.0/24 via 10.2.0.1
    route server 10.3.0.0/24 via 10.4.0.1
    route server fd01::/64 via fd02::1
    route server fd03::/64 via fd04::1
    route r2 10.2.0.0/24 via 10.4.0.2
    route r2 fd02::/64 via fd04::2
")]
fn routes_fail_over_at_run_time(net: &Net) {
    let client = net.node("client");
    connect(net, "client", "server", "10.2.0.2:7000");
    // r1's path breaks; fail over through r2.
    net.node("r1").set_link_up("eth0", false).unwrap();
    client.del_route("10.2.0.0/24").unwrap();
    client.add_route("10.2.0.0/24", ip("10.3.0.1")).unwrap();
    client.del_route("fd02::/64").unwrap();
    client.add_route("fd02::/64", ip("fd03::1")).unwrap();
    connect(net, "client", "server", "10.2.0.2:7001");
    connect(net, "client", "server", "[fd02::2]:7001");
    // A route added at run time comes back with its link, too.
    client.set_link_up("eth1", false).unwrap();
    client.set_link_up("eth1", true).unwrap();
    connect(net, "client", "server", "10.2.0.2:7002");
    connect(net, "client", "server", "[fd02::2]:7002");
    // And a deleted one does not.
    net.node("r1").set_link_up("eth0", true).unwrap();
    client.set_link_up("eth0", false).unwrap();
    client.set_link_up("eth0", true).unwrap();
    let routes = net.describe();
    assert!(
        routes.contains("10.2.0.0/24 via 10.3.0.1"),
        "the run-time route stays:\n{routes}"
    );
    assert!(
        !routes.contains("10.2.0.0/24 via 10.1.0.1"),
        "the deleted route stays deleted:\n{routes}"
    );
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 fd00::1/64 -- b:eth0 10.0.0.2/24 fd00::2/64
")]
fn a_default_route_added_and_deleted_at_run_time(net: &Net) {
    let a = net.node("a");
    a.add_route("default", ip("10.0.0.2")).unwrap();
    a.add_route("default", ip("fd00::2")).unwrap();
    let state = net.describe();
    assert!(state.contains("default via 10.0.0.2"), "{state}");
    a.del_route("default").unwrap();
    let state = net.describe();
    assert!(!state.contains("default via"), "{state}");
}

#[netns_test(topology = "
    node a, b
    a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
")]
fn route_changes_that_cannot_be_made_say_which_and_why(net: &Net) {
    let a = net.node("a");
    let err = a.add_route("10.9.0.0/16", ip("10.5.0.1")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NetworkUnreachable, "{err}");
    let text = err.to_string();
    assert!(text.contains("10.9.0.0/16 via 10.5.0.1"), "{text}");
    assert!(
        text.contains("help: no interface of this namespace"),
        "{text}"
    );

    let err = a.add_route("10.9.0.7/16", ip("10.0.0.2")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("write `10.9.0.0/16`"), "{err}");

    let err = a.add_route("fd09::/64", ip("10.0.0.2")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");

    a.add_route("10.9.0.0/16", ip("10.0.0.2")).unwrap();
    let err = a.add_route("10.9.0.0/16", ip("10.0.0.2")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");

    let err = a.del_route("10.8.0.0/16").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("no route to `10.8.0.0/16`"),
        "{err}"
    );
    let err = a.del_route("nowhere").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
}
