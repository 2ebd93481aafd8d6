//! Inside the sandbox every node, router and the host resolve by name: in
//! the body, in `run`, and in a program started with `Node::command`. The
//! machine's `/etc/hosts` is untouched.

use std::net::{TcpListener, TcpStream, ToSocketAddrs};

use netns_test::{netns_test, Net};

#[netns_test(topology = "
    node client, server
    router r
    client:eth0 10.1.0.2/24 fd01::2/64 -- r:eth0 10.1.0.1/24 fd01::1/64
    r:eth1 10.2.0.1/24 fd02::1/64 -- server:eth0 10.2.0.2/24 fd02::2/64
    route client default via 10.1.0.1
    route server default via 10.2.0.1
")]
fn names_resolve_in_the_body_in_run_and_in_commands(net: &Net) {
    let resolved: Vec<_> = ("server", 80).to_socket_addrs().unwrap().collect();
    assert!(
        resolved.iter().any(|a| a.ip() == net.node("server").ipv4()),
        "{resolved:?}"
    );
    assert!(
        resolved.iter().any(|a| a.ip() == net.node("server").ipv6()),
        "{resolved:?}"
    );
    let listener = net
        .node("server")
        .run(|| TcpListener::bind("10.2.0.2:80").unwrap());
    net.node("client")
        .run(|| TcpStream::connect(("server", 80)).unwrap());
    listener.accept().unwrap();

    let out = net
        .node("client")
        .command("getent")
        .args(["ahostsv4", "r"])
        .output()
        .expect("run getent");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("10.1.0.1 "), "{text}");
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
fn the_host_and_localhost_resolve_too(net: &Net) {
    let host: Vec<_> = ("host", 1).to_socket_addrs().unwrap().collect();
    assert_eq!(host[0].ip(), net.host().ipv4());
    let local: Vec<_> = ("localhost", 1).to_socket_addrs().unwrap().collect();
    assert!(local.iter().any(|a| a.ip().is_loopback()), "{local:?}");
}

#[test]
fn the_machine_s_hosts_file_is_untouched() {
    let before = std::fs::read("/etc/hosts").ok();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["names_resolve_in_the_body", "--test-threads=1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(std::fs::read("/etc/hosts").ok(), before);
}
