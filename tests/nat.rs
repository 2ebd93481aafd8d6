//! `nat` and `forward` with real traffic: what leaves through the NAT comes
//! from the uplink's address and its replies find the way back, with no
//! route back to the inside on the far end; port forwarding reaches a
//! server behind the NAT. `world` stands for the outside: a node of the
//! test, so no packet leaves the sandbox.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

use netns_test::{netns_test, Net};

/// How long a socket waits for a reply before the test fails (a lost
/// reply is a failure, not a hang).
const REPLY: Duration = Duration::from_secs(5);

/// Sends `msg` on `stream` and returns what the other side echoed.
fn round_trip(stream: &mut TcpStream, msg: &[u8]) -> Vec<u8> {
    stream.set_read_timeout(Some(REPLY)).unwrap();
    stream.write_all(msg).unwrap();
    let mut echoed = vec![0; msg.len()];
    stream.read_exact(&mut echoed).unwrap();
    echoed
}

/// Accepts one connection on `listener` in a thread, echoes what it reads
/// once, and returns the peer's address.
fn echo_once(listener: TcpListener) -> std::thread::JoinHandle<SocketAddr> {
    std::thread::spawn(move || {
        let (mut conn, peer) = listener.accept().unwrap();
        conn.set_read_timeout(Some(REPLY)).unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).unwrap();
        conn.write_all(&buf[..n]).unwrap();
        peer
    })
}

/// Connects from `client` to `server` (in `world`), exchanges a message,
/// and returns the address `world` saw the connection come from.
fn connect_through(net: &Net, client: &str, server: &str) -> IpAddr {
    let bind = server.to_string();
    let listener = net.node("world").run(|| TcpListener::bind(bind).unwrap());
    let accepted = echo_once(listener);
    let echoed = net.node(client).run(|| {
        let mut stream = TcpStream::connect(server).unwrap();
        round_trip(&mut stream, b"hello through the NAT")
    });
    assert_eq!(echoed, b"hello through the NAT");
    accepted.join().unwrap().ip()
}

#[netns_test(topology_file = "tests/topologies/nat-dual.net")]
fn tcp_through_the_nat_comes_from_the_uplink_address(net: &Net) {
    let seen = connect_through(net, "ns1", "192.0.2.2:7000");
    assert_eq!(seen, "192.0.2.1".parse::<IpAddr>().unwrap());
}

#[netns_test(topology_file = "tests/topologies/nat-dual.net")]
fn ipv6_through_the_nat_comes_from_the_uplink_address(net: &Net) {
    let seen = connect_through(net, "ns1", "[2001:db8::2]:7000");
    assert_eq!(seen, "2001:db8::1".parse::<IpAddr>().unwrap());
}

#[netns_test(topology = "
    node ns1, world
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    nat host:uplink
")]
fn udp_and_ping_go_through_the_nat(net: &Net) {
    let world = net
        .node("world")
        .run(|| UdpSocket::bind("192.0.2.2:7000").unwrap());
    world.set_read_timeout(Some(REPLY)).unwrap();
    let client = net
        .node("ns1")
        .run(|| UdpSocket::bind("0.0.0.0:0").unwrap());
    client.set_read_timeout(Some(REPLY)).unwrap();
    client.send_to(b"ping?", "192.0.2.2:7000").unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = world.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping?");
    assert_eq!(from.ip(), "192.0.2.1".parse::<IpAddr>().unwrap(), "{from}");
    world.send_to(b"pong!", from).unwrap();
    let (n, _) = client.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"pong!");

    net.node("ns1")
        .ping("192.0.2.2".parse().unwrap())
        .expect("ICMP echo through the NAT");
}

#[netns_test(topology = "
    node ns1, ns2, world
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    ns2:eth0 10.0.0.101/24 -- testbr:ns2-nic
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    route ns2 default via 10.0.0.1
    nat host:uplink
")]
fn two_clients_behind_one_nat_reach_one_server_at_once(net: &Net) {
    let listener = net
        .node("world")
        .run(|| TcpListener::bind("192.0.2.2:7000").unwrap());
    // Both connections are open before either is served.
    let connect = |node: &str| {
        net.node(node)
            .run(|| TcpStream::connect("192.0.2.2:7000").unwrap())
    };
    let mut a = connect("ns1");
    let mut b = connect("ns2");
    let mut peers = Vec::new();
    for _ in 0..2 {
        let (conn, peer) = listener.accept().unwrap();
        conn.set_read_timeout(Some(REPLY)).unwrap();
        peers.push((conn, peer));
    }
    a.write_all(b"a").unwrap();
    b.write_all(b"b").unwrap();
    for (conn, peer) in &mut peers {
        assert_eq!(peer.ip(), "192.0.2.1".parse::<IpAddr>().unwrap());
        let mut byte = [0u8; 1];
        conn.read_exact(&mut byte).unwrap();
        conn.write_all(&[byte[0].to_ascii_uppercase()]).unwrap();
    }
    assert_ne!(peers[0].1, peers[1].1, "two flows, two mappings");
    for (stream, want) in [(&mut a, b"A"), (&mut b, b"B")] {
        stream.set_read_timeout(Some(REPLY)).unwrap();
        let mut got = [0u8; 1];
        stream.read_exact(&mut got).unwrap();
        assert_eq!(&got, want);
    }

    // Two inside hosts with the same source port: one keeps it, the other
    // gets another, and each reply reaches its own host.
    let world = net
        .node("world")
        .run(|| UdpSocket::bind("192.0.2.2:7001").unwrap());
    world.set_read_timeout(Some(REPLY)).unwrap();
    let bind = |node: &str| {
        net.node(node)
            .run(|| UdpSocket::bind("0.0.0.0:40000").unwrap())
    };
    let clients = [bind("ns1"), bind("ns2")];
    for (client, msg) in clients.iter().zip([b"1", b"2"]) {
        client.set_read_timeout(Some(REPLY)).unwrap();
        client.send_to(msg, "192.0.2.2:7001").unwrap();
    }
    let mut froms = Vec::new();
    for _ in 0..2 {
        let mut buf = [0u8; 1];
        let (_, from) = world.recv_from(&mut buf).unwrap();
        world.send_to(&buf, from).unwrap();
        froms.push(from);
    }
    assert_ne!(froms[0], froms[1], "two hosts, one port: two mappings");
    for (client, want) in clients.iter().zip([b"1", b"2"]) {
        let mut buf = [0u8; 1];
        client.recv_from(&mut buf).unwrap();
        assert_eq!(&buf, want, "each reply reaches its own host");
    }
}

/// The source port `world` sees for one UDP socket of ns1 (bound to
/// `local_port`) sending to two of its ports.
fn mapped_ports(net: &Net, local_port: u16) -> [u16; 2] {
    let servers = net.node("world").run(|| {
        [
            UdpSocket::bind("192.0.2.2:7001").unwrap(),
            UdpSocket::bind("192.0.2.2:7002").unwrap(),
        ]
    });
    let client = net
        .node("ns1")
        .run(|| UdpSocket::bind(("0.0.0.0", local_port)).unwrap());
    client.send_to(b"1", "192.0.2.2:7001").unwrap();
    client.send_to(b"2", "192.0.2.2:7002").unwrap();
    servers.map(|server| {
        server.set_read_timeout(Some(REPLY)).unwrap();
        let mut buf = [0u8; 1];
        let (_, from) = server.recv_from(&mut buf).unwrap();
        assert_eq!(from.ip(), "192.0.2.1".parse::<IpAddr>().unwrap());
        from.port()
    })
}

#[netns_test(topology = "
    node ns1, world
    ns1:eth0 10.0.0.100/24 -- host:eth0 10.0.0.1/24
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    nat host:uplink
")]
fn the_default_nat_keeps_the_source_port(net: &Net) {
    assert_eq!(mapped_ports(net, 40000), [40000, 40000]);
}

#[netns_test(topology = "
    node ns1, world
    ns1:eth0 10.0.0.100/24 -- host:eth0 10.0.0.1/24
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    nat host:uplink random
")]
fn a_random_nat_maps_one_socket_to_different_ports_per_destination(net: &Net) {
    let [first, second] = mapped_ports(net, 40000);
    // Fully random: two draws from the whole port range agree once in
    // tens of thousands of runs.
    assert_ne!(first, second, "one socket, two destinations, one mapping");
}

#[netns_test(topology = "
    node ns1, world
    bridge testbr 10.0.0.1/24
    ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    nat host:uplink
    forward host:uplink tcp 8080 to 10.0.0.100:80
    forward host:uplink udp 5353 to 10.0.0.100:53
")]
fn port_forwarding_reaches_a_server_behind_the_nat(net: &Net) {
    let listener = net
        .node("ns1")
        .run(|| TcpListener::bind("10.0.0.100:80").unwrap());
    let server = echo_once(listener);
    let echoed = net.node("world").run(|| {
        let mut stream = TcpStream::connect("192.0.2.1:8080").unwrap();
        round_trip(&mut stream, b"GET /")
    });
    assert_eq!(echoed, b"GET /");
    let peer = server.join().unwrap();
    assert_eq!(peer.ip(), "192.0.2.2".parse::<IpAddr>().unwrap(), "{peer}");

    let dns = net
        .node("ns1")
        .run(|| UdpSocket::bind("10.0.0.100:53").unwrap());
    dns.set_read_timeout(Some(REPLY)).unwrap();
    let asker = net
        .node("world")
        .run(|| UdpSocket::bind("192.0.2.2:0").unwrap());
    asker.set_read_timeout(Some(REPLY)).unwrap();
    asker.send_to(b"query", "192.0.2.1:5353").unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = dns.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"query");
    dns.send_to(b"answer", from).unwrap();
    let (n, replier) = asker.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"answer");
    assert_eq!(
        replier,
        "192.0.2.1:5353".parse().unwrap(),
        "the reply is un-DNATed"
    );
}

#[netns_test(topology = "
    node ns1, world
    ns1:eth0 10.0.0.100/24 -- host:eth0 10.0.0.1/24
    host:uplink 192.0.2.1/24 -- world:eth0 192.0.2.2/24
    route ns1 default via 10.0.0.1
    sysctl host net.ipv4.ip_forward=1
")]
fn without_nat_the_far_end_cannot_answer(net: &Net) {
    // The control: forwarding alone gets the packet out, but `world` has no
    // route back to 10.0.0.0/24, so nothing comes back. This is what `nat`
    // fixes in the tests above.
    let world = net
        .node("world")
        .run(|| UdpSocket::bind("192.0.2.2:7000").unwrap());
    world.set_read_timeout(Some(REPLY)).unwrap();
    net.node("ns1").run(|| {
        UdpSocket::bind("0.0.0.0:0")
            .unwrap()
            .send_to(b"x", "192.0.2.2:7000")
            .unwrap()
    });
    let mut buf = [0u8; 1];
    let (_, from) = world.recv_from(&mut buf).unwrap();
    assert_eq!(
        from.ip(),
        "10.0.0.100".parse::<IpAddr>().unwrap(),
        "not translated"
    );
    assert!(net.node("ns1").ping("192.0.2.2".parse().unwrap()).is_err());
}

/// The machine's own nf_tables ruleset, as (family, table) and (family,
/// table, chain) names, read over netlink; `None` without CAP_NET_ADMIN
/// (reading a ruleset needs it).
fn machine_ruleset() -> Option<Vec<String>> {
    ruleset::dump().ok()
}

#[test]
fn the_machine_s_nftables_ruleset_is_untouched() {
    let Some(before) = machine_ruleset() else {
        eprintln!("not checked: reading the machine's ruleset needs CAP_NET_ADMIN (run as root)");
        return;
    };
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--skip",
            "the_machine_s_nftables_ruleset",
            "--test-threads=2",
        ])
        .env_remove("NEXTEST_EXECUTION_MODE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(machine_ruleset(), Some(before));
}

/// A minimal nf_tables dump over a raw netlink socket: the names of every
/// table and chain in the calling thread's network namespace.
mod ruleset {
    #![allow(unsafe_code)]

    use std::io;

    const NETLINK_NETFILTER: i32 = 12;
    const NFNL_SUBSYS_NFTABLES: u16 = 10;
    const NFT_MSG_GETTABLE: u16 = 1;
    const NFT_MSG_GETCHAIN: u16 = 4;
    const NLM_F_REQUEST: u16 = 1;
    const NLM_F_DUMP: u16 = 0x300;
    const NLMSG_ERROR: u16 = 2;
    const NLMSG_DONE: u16 = 3;
    const NFTA_TABLE_NAME: u16 = 1;
    const NFTA_CHAIN_TABLE: u16 = 1;
    const NFTA_CHAIN_NAME: u16 = 3;

    pub(super) fn dump() -> io::Result<Vec<String>> {
        // SAFETY: plain socket(2); the descriptor is owned by `Fd` below.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                NETLINK_NETFILTER,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let fd = Fd(fd);
        let mut names = Vec::new();
        for (kind, seq) in [(NFT_MSG_GETTABLE, 1u32), (NFT_MSG_GETCHAIN, 2)] {
            let mut req = Vec::new();
            req.extend_from_slice(&20u32.to_ne_bytes());
            req.extend_from_slice(&(NFNL_SUBSYS_NFTABLES << 8 | kind).to_ne_bytes());
            req.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
            req.extend_from_slice(&seq.to_ne_bytes());
            req.extend_from_slice(&0u32.to_ne_bytes());
            req.extend_from_slice(&[0, 0, 0, 0]); // nfgenmsg: any family, v0, res_id 0
                                                  // SAFETY: sends `req`, which lives across the call.
            if unsafe { libc::send(fd.0, req.as_ptr().cast(), req.len(), 0) } < 0 {
                return Err(io::Error::last_os_error());
            }
            'replies: loop {
                let mut buf = vec![0u8; 64 * 1024];
                // SAFETY: receives into `buf`, at most its length.
                let n = unsafe { libc::recv(fd.0, buf.as_mut_ptr().cast(), buf.len(), 0) };
                if n < 0 {
                    return Err(io::Error::last_os_error());
                }
                let mut msgs = &buf[..n as usize];
                while msgs.len() >= 16 {
                    let len = u32::from_ne_bytes(msgs[0..4].try_into().unwrap()) as usize;
                    let kind_got = u16::from_ne_bytes(msgs[4..6].try_into().unwrap());
                    let msg = &msgs[..len.min(msgs.len())];
                    match kind_got {
                        NLMSG_DONE => break 'replies,
                        NLMSG_ERROR => {
                            let code = i32::from_ne_bytes(msg[16..20].try_into().unwrap());
                            return Err(io::Error::from_raw_os_error(-code));
                        }
                        _ => names.push(describe(kind, msg[16], &msg[20..])),
                    }
                    msgs = &msgs[(len + 3) & !3..];
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// `family table [chain]` from a table or chain message's attributes.
    fn describe(kind: u16, family: u8, mut attrs: &[u8]) -> String {
        let (mut table, mut chain) = (String::new(), String::new());
        while attrs.len() >= 4 {
            let len = u16::from_ne_bytes([attrs[0], attrs[1]]) as usize;
            let ty = u16::from_ne_bytes([attrs[2], attrs[3]]) & 0x3fff;
            let value = &attrs[4..len.max(4).min(attrs.len())];
            let text = String::from_utf8_lossy(value)
                .trim_end_matches('\0')
                .to_string();
            match (kind, ty) {
                (NFT_MSG_GETTABLE, NFTA_TABLE_NAME) | (NFT_MSG_GETCHAIN, NFTA_CHAIN_TABLE) => {
                    table = text
                }
                (NFT_MSG_GETCHAIN, NFTA_CHAIN_NAME) => chain = text,
                _ => {}
            }
            attrs = &attrs[((len + 3) & !3).max(4).min(attrs.len())..];
        }
        format!("{family} {table} {chain}")
    }

    struct Fd(i32);

    impl Drop for Fd {
        fn drop(&mut self) {
            // SAFETY: closes the descriptor this value owns, once.
            unsafe { libc::close(self.0) };
        }
    }
}
