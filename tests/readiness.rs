//! `Node::set_link_up(.., true)` returns once traffic flows, even when
//! traffic was sent during the outage: links flapped hundreds of times,
//! veth and bridge, IPv4 and IPv6, with datagrams sent from every side
//! while the link is down and pings across after every flap.
//!
//! Without forgetting the neighbour entries that the outage's traffic left
//! unresolved, the first ping after a flap waits for the entry's next
//! solicitation, up to a second later, and often times out.

use std::net::{IpAddr, SocketAddr, UdpSocket};

use netns_test::{netns_test, Net};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// What a flapping test does.
struct Flaps<'a> {
    /// The links to flap, `(node, ifname)`, taken in turn.
    links: &'a [(&'a str, &'a str)],
    /// How many flaps in all.
    times: usize,
    /// During each outage, each `(node, address)` sends a datagram there;
    /// it may be lost or refused (`ENETUNREACH` from a link that is down).
    during: &'a [(&'a str, &'a str)],
    /// After each flap, each `(node, address)` pings there and must get
    /// an answer within the ping's 1 s.
    after: &'a [(&'a str, &'a str)],
}

impl Flaps<'_> {
    fn run(&self, net: &Net) {
        // A socket made inside a node stays there wherever it is used.
        let senders: Vec<(UdpSocket, SocketAddr)> = self
            .during
            .iter()
            .map(|(from, to)| {
                let to = SocketAddr::new(ip(to), 9);
                let any = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
                (net.node(from).run(|| UdpSocket::bind(any).unwrap()), to)
            })
            .collect();
        for (flap, (node, ifname)) in self.links.iter().cycle().take(self.times).enumerate() {
            net.node(node).set_link_up(ifname, false).unwrap();
            for (socket, to) in &senders {
                let _ = socket.send_to(b"sent during the outage", to);
            }
            net.node(node).set_link_up(ifname, true).unwrap();
            for (from, to) in self.after {
                if let Err(err) = net.node(from).ping(ip(to)) {
                    panic!("flap {flap} of {node}:{ifname}: {from} cannot reach {to}: {err}");
                }
            }
        }
    }
}

#[netns_test(
    topology = "
        node a, b
        a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
    ",
    timeout = "120s"
)]
fn traffic_flows_after_every_flap_of_a_veth_used_during_the_outages(net: &Net) {
    Flaps {
        links: &[("b", "eth0"), ("a", "eth0")],
        times: 300,
        during: &[("a", "10.0.0.2"), ("b", "10.0.0.1")],
        after: &[("a", "10.0.0.2"), ("b", "10.0.0.1")],
    }
    .run(net);
}

#[netns_test(
    topology = "
        node a, b
        a:eth0 fd00::1/64 -- b:eth0 fd00::2/64
    ",
    timeout = "120s"
)]
fn ipv6_traffic_flows_after_every_flap_of_a_veth_used_during_the_outages(net: &Net) {
    Flaps {
        links: &[("b", "eth0"), ("a", "eth0")],
        times: 100,
        during: &[("a", "fd00::2"), ("b", "fd00::1")],
        after: &[("a", "fd00::2"), ("b", "fd00::1")],
    }
    .run(net);
}

/// Everyone on the bridge to `ns1` and back, IPv4 and IPv6: the bridge
/// (in the host), `ns2` behind the other port, and `ns1` itself.
const ALL_TO_NS1_AND_BACK: [(&str, &str); 8] = [
    ("host", "10.0.0.1"),
    ("ns2", "10.0.0.1"),
    ("ns1", "10.0.0.254"),
    ("ns1", "10.0.0.2"),
    ("host", "fd00::1"),
    ("ns2", "fd00::1"),
    ("ns1", "fd00::fe"),
    ("ns1", "fd00::2"),
];

#[netns_test(
    topology = "
        node ns1, ns2
        bridge br 10.0.0.254/24 fd00::fe/64
        ns1:eth0 10.0.0.1/24 fd00::1/64 -- br
        ns2:eth0 10.0.0.2/24 fd00::2/64 -- br
    ",
    timeout = "120s"
)]
fn traffic_flows_after_every_flap_of_a_bridge_port_used_during_the_outages(net: &Net) {
    // The port (in the host, with the bridge) first, then the node's end.
    Flaps {
        links: &[("host", "br-p0"), ("ns1", "eth0")],
        times: 200,
        during: &ALL_TO_NS1_AND_BACK,
        after: &ALL_TO_NS1_AND_BACK,
    }
    .run(net);
}

#[netns_test(
    topology = "
        node ns1, ns2
        bridge br 10.0.0.254/24 fd00::fe/64
        ns1:eth0 10.0.0.1/24 fd00::1/64 -- br
        ns2:eth0 10.0.0.2/24 fd00::2/64 -- br
    ",
    timeout = "120s"
)]
fn traffic_flows_after_every_flap_of_a_node_link_to_a_bridge_used_during_the_outages(net: &Net) {
    // The node's end first: the bridge and `ns2` are then reached from
    // `ns1`, through the host.
    Flaps {
        links: &[("ns1", "eth0"), ("host", "br-p0")],
        times: 200,
        during: &ALL_TO_NS1_AND_BACK,
        after: &ALL_TO_NS1_AND_BACK,
    }
    .run(net);
}

#[netns_test(
    topology = "
        node a, b
        a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24
    ",
    timeout = "120s"
)]
fn traffic_flows_after_every_flap_of_an_idle_veth(net: &Net) {
    // Nothing sent while down: what readiness alone must guarantee.
    Flaps {
        links: &[("b", "eth0"), ("a", "eth0")],
        times: 300,
        during: &[],
        after: &[("a", "10.0.0.2"), ("b", "10.0.0.1")],
    }
    .run(net);
}
