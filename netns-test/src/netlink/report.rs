//! The network state of one namespace as read over netlink, for failure
//! reports: every interface with its state, MTU and addresses, then the
//! routes of the main table, like `ip -br addr` and `ip route` combined;
//! then its TCP and UDP sockets, like `ss -tuan` (read over sock_diag), and
//! its neighbour table, like `ip neigh`, so that a test that hangs shows
//! where: a connect stuck in `SYN-SENT` to an address nobody answers for,
//! and that address `INCOMPLETE`.
//!
//! ```text
//! ns1:
//!   lo    UP  mtu 65536  127.0.0.1/8 ::1/128
//!   eth0  UP  mtu 1500   10.0.0.100/24 fd00::1/64  (veth peer if1001)
//!   routes: 10.0.0.0/24 dev eth0; default via 10.0.0.1 dev eth0
//!   sockets:
//!     tcp  LISTEN    10.0.0.100:80     0.0.0.0:*
//!     tcp  SYN-SENT  10.0.0.100:41834  10.0.0.9:80  retrans 1
//!     udp  UNCONN    [::]:53           [::]:*
//!   neighbours:
//!     10.0.0.1  dev eth0  lladdr 02:00:00:00:03:e9  REACHABLE
//!     10.0.0.9  dev eth0                            INCOMPLETE
//! ```
//!
//! The state column is `UP` or `DOWN` (administrative) and, when the
//! operational state disagrees, `/` and the operstate (`UP/LOWERLAYERDOWN`:
//! up, but the veth peer is down). Kernel-made noise is left out: IPv6
//! link-local addresses and routes, the fallback tunnel devices (`sit0`,
//! `tunl0`, ...) while they are down and bare, and the neighbour entries
//! `ip neigh` hides (`NOARP`: multicast and loopback; `NONE`: never used).
//! An empty section reads `sockets: none`; one that cannot be read says so
//! (`sockets: cannot read (...)`) and the rest of the report stands.

use std::fmt::Write;
use std::net::IpAddr;

use netlink_packet_route::link::State;
use netlink_packet_route::route::RouteType;

use super::addr::{dump_addresses, parse_address, AddrStatus};
use super::error::SetupError;
use super::link::{dump_links, parse_link, LinkStatus};
use super::neigh::{dump_neighbours, parse_neighbour, NeighStatus};
use super::route::{dump_routes, parse_route, RouteStatus, RT_TABLE_MAIN};
use super::socket::Netlink;
use crate::sock_diag::{read_sockets, SocketDump, SocketStatus};

/// `RTM_NEWLINK`
const RTM_NEWLINK: u16 = 16;
/// `RTM_NEWADDR`
const RTM_NEWADDR: u16 = 20;
/// `RTM_NEWROUTE`
const RTM_NEWROUTE: u16 = 24;
/// `RTM_NEWNEIGH`
const RTM_NEWNEIGH: u16 = 28;
/// `IFF_LOOPBACK`
const IFF_LOOPBACK: u32 = 0x8;

/// Rows shown per section of a namespace; the rest are counted by state.
const MAX_ROWS: usize = 100;

/// Devices the kernel adds to every namespace when a tunnel module is loaded.
const FALLBACK_DEVICES: [&str; 9] = [
    "tunl0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6_vti0", "sit0", "ip6tnl0", "ip6gre0",
];

/// Reads and renders the state of `nl`'s namespace under the title `ns_name`.
pub(crate) fn describe(ns_name: &str, nl: &mut Netlink) -> Result<String, SetupError> {
    let step = "read network state";
    let mut links = Vec::new();
    nl.dump(dump_links(), step, ns_name, |kind, payload| {
        if kind == RTM_NEWLINK {
            links.push(parse_link(payload)?);
        }
        Ok(())
    })?;
    let mut addrs = Vec::new();
    nl.dump(dump_addresses(), step, ns_name, |kind, payload| {
        if kind == RTM_NEWADDR {
            addrs.extend(parse_address(payload)?);
        }
        Ok(())
    })?;
    let mut routes = Vec::new();
    nl.dump(dump_routes(), step, ns_name, |kind, payload| {
        if kind == RTM_NEWROUTE {
            routes.push(parse_route(payload)?);
        }
        Ok(())
    })?;
    // Sockets and neighbours are what a stuck test is waiting on: a failure
    // to read them is printed in their place and the rest still shown.
    let mut neighbours = Vec::new();
    let neighbours = nl
        .dump(dump_neighbours(), step, ns_name, |kind, payload| {
            if kind == RTM_NEWNEIGH {
                neighbours.push(parse_neighbour(payload)?);
            }
            Ok(())
        })
        .map(|()| neighbours);
    let sockets = read_sockets();
    let mut out = render(ns_name, &links, &addrs, &routes);
    out.push_str(&render_sockets(&sockets, &links));
    match neighbours {
        Ok(neighbours) => out.push_str(&render_neighbours(&neighbours, &links)),
        Err(err) => {
            let err = err.to_string();
            let (line, help) = err.split_once('\n').unwrap_or((&err, ""));
            let _ = writeln!(out, "  neighbours: cannot read ({line})");
            if !help.is_empty() {
                let _ = writeln!(out, "  {help}");
            }
        }
    }
    Ok(out)
}

/// Renders the state; pure, so that the format is tested without a kernel.
pub(crate) fn render(
    ns_name: &str,
    links: &[LinkStatus],
    addrs: &[AddrStatus],
    routes: &[RouteStatus],
) -> String {
    let name_of = |index: u32| {
        links
            .iter()
            .find(|l| l.index == index)
            .map_or_else(|| format!("if{index}"), |l| l.name.clone())
    };
    let rows: Vec<[String; 4]> = links
        .iter()
        .filter_map(|link| {
            let shown: Vec<String> = addrs
                .iter()
                .filter(|a| a.index == link.index && shown_address(a))
                .map(|a| a.cidr.to_string())
                .collect();
            if !link.up && shown.is_empty() && FALLBACK_DEVICES.contains(&link.name.as_str()) {
                return None;
            }
            let mut notes = Vec::new();
            if let Some(kind) = &link.kind {
                match link.peer {
                    Some(peer) if kind == "veth" => notes.push(format!("veth peer if{peer}")),
                    _ => notes.push(kind.clone()),
                }
            }
            if let Some(master) = link.master {
                notes.push(format!("master {}", name_of(master)));
            }
            let mut tail = shown.join(" ");
            if !notes.is_empty() {
                if !tail.is_empty() {
                    tail.push_str("  ");
                }
                let _ = write!(tail, "({})", notes.join(", "));
            }
            Some([
                link.name.clone(),
                state(link),
                format!("mtu {}", link.mtu),
                tail,
            ])
        })
        .collect();
    let width = |col: usize| rows.iter().map(|r| r[col].len()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = format!("{ns_name}:\n");
    for [name, state, mtu, tail] in &rows {
        let line = format!("  {name:<w0$}  {state:<w1$}  {mtu:<w2$}  {tail}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let shown_routes: Vec<String> = routes
        .iter()
        .filter(|r| shown_route(r))
        .map(|r| route_text(r, &name_of))
        .collect();
    if shown_routes.is_empty() {
        out.push_str("  routes: none\n");
    } else {
        let _ = writeln!(out, "  routes: {}", shown_routes.join("; "));
    }
    out
}

/// Renders the `sockets:` section, like `ss -tuan`: protocol, state, local
/// and peer address, and what is worth knowing of the rest (retransmissions,
/// bytes waiting); pure, so that the format is tested without a kernel.
pub(crate) fn render_sockets(dump: &SocketDump, links: &[LinkStatus]) -> String {
    let rows: Vec<[String; 5]> = dump
        .sockets
        .iter()
        .map(|socket| {
            let mut notes = Vec::new();
            if let Some(retrans) = socket.retransmissions() {
                notes.push(format!("retrans {retrans}"));
            }
            if socket.recv_q > 0 {
                notes.push(format!("recv-q {}", socket.recv_q));
            }
            // A listener's send queue is its backlog, and a connect's is
            // its SYN: not data.
            if socket.send_q > 0 && !socket.is_listening() && !socket.is_connecting() {
                notes.push(format!("send-q {}", socket.send_q));
            }
            [
                socket.protocol.name().to_string(),
                socket.state_name().to_string(),
                endpoint(socket, true, links),
                endpoint(socket, false, links),
                notes.join(", "),
            ]
        })
        .collect();
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str("  sockets:\n");
        let states = dump.sockets.iter().map(SocketStatus::state_name);
        out.push_str(&table(&rows, states));
    } else if dump.errors.is_empty() {
        out.push_str("  sockets: none\n");
    }
    for err in &dump.errors {
        let _ = writeln!(out, "  sockets: cannot read ({err})");
        if let Some(help) = err.help() {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    out
}

/// `10.0.0.1:80`, `[fd00::1]:80`, with `%dev` after the address of a socket
/// bound to an interface and `*` for port 0, as `ss` writes them.
fn endpoint(socket: &SocketStatus, local: bool, links: &[LinkStatus]) -> String {
    let addr = if local { socket.local } else { socket.peer };
    let dev = if local && socket.ifindex != 0 {
        format!("%{}", link_name(links, socket.ifindex))
    } else {
        String::new()
    };
    let port = match addr.port() {
        0 => "*".to_string(),
        port => port.to_string(),
    };
    match addr.ip() {
        IpAddr::V4(ip) => format!("{ip}{dev}:{port}"),
        IpAddr::V6(ip) => format!("[{ip}]{dev}:{port}"),
    }
}

/// Renders the `neighbours:` section, like `ip neigh`: address, interface,
/// link-layer address and state, without the entries `ip neigh` hides and
/// those on loopback interfaces; pure, so that the format is tested without
/// a kernel.
pub(crate) fn render_neighbours(neighbours: &[NeighStatus], links: &[LinkStatus]) -> String {
    let loopback = |index: u32| {
        links
            .iter()
            .any(|l| l.index == index && l.flags & IFF_LOOPBACK != 0)
    };
    let mut shown: Vec<(&NeighStatus, IpAddr)> = neighbours
        .iter()
        .filter(|n| n.is_resolved_by_protocol() && !loopback(n.index))
        .filter_map(|n| Some((n, n.dst?)))
        .filter(|(_, dst)| !dst.is_multicast())
        .collect();
    shown.sort_by_key(|&(n, dst)| (dst, n.index));
    if shown.is_empty() {
        return "  neighbours: none\n".to_string();
    }
    let rows: Vec<[String; 4]> = shown
        .iter()
        .map(|&(n, dst)| {
            let mut lladdr = n.lladdr.as_deref().map_or_else(String::new, |mac| {
                let hex: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
                format!("lladdr {}", hex.join(":"))
            });
            if n.is_router() {
                lladdr.push_str(if lladdr.is_empty() {
                    "router"
                } else {
                    " router"
                });
            }
            [
                dst.to_string(),
                format!("dev {}", link_name(links, n.index)),
                lladdr,
                n.state_name(),
            ]
        })
        .collect();
    let states: Vec<String> = shown.iter().map(|(n, _)| n.state_name()).collect();
    format!(
        "  neighbours:\n{}",
        table(&rows, states.iter().map(String::as_str))
    )
}

/// Rows as columns padded to their widest cell, indented under a section
/// title; past [`MAX_ROWS`], one line counts the rest by `states`.
fn table<'a, const N: usize>(
    rows: &[[String; N]],
    states: impl Iterator<Item = &'a str>,
) -> String {
    let shown = &rows[..rows.len().min(MAX_ROWS)];
    let widths: Vec<usize> = (0..N)
        .map(|col| shown.iter().map(|r| r[col].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in shown {
        let mut line = String::from("   ");
        // A column empty in every row (no link-layer address yet) takes
        // no room.
        for (cell, width) in row.iter().zip(&widths).filter(|(_, &w)| w > 0) {
            let _ = write!(line, " {cell:<width$} ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.len() > shown.len() {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for state in states.skip(shown.len()) {
            match counts.iter_mut().find(|(s, _)| *s == state) {
                Some((_, n)) => *n += 1,
                None => counts.push((state, 1)),
            }
        }
        let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = writeln!(
            out,
            "    ... and {} more: {}",
            rows.len() - shown.len(),
            counts.join(", ")
        );
    }
    out
}

/// The name of link `index`, or `if<index>` when it is not (or no longer)
/// in the namespace.
fn link_name(links: &[LinkStatus], index: u32) -> String {
    links
        .iter()
        .find(|l| l.index == index)
        .map_or_else(|| format!("if{index}"), |l| l.name.clone())
}

fn state(link: &LinkStatus) -> String {
    let admin = if link.up { "UP" } else { "DOWN" };
    let consistent = match link.operstate {
        State::Up => link.up,
        State::Down => !link.up,
        // `lo` never reports more than UNKNOWN.
        State::Unknown => link.flags & IFF_LOOPBACK != 0,
        _ => false,
    };
    if consistent {
        admin.to_string()
    } else {
        format!("{admin}/{}", link.operstate)
    }
}

fn shown_address(addr: &AddrStatus) -> bool {
    match addr.cidr.addr {
        IpAddr::V4(_) => true,
        // Link-local addresses are derived from random MACs: noise, and unstable.
        IpAddr::V6(ip) => !is_link_local_v6(ip),
    }
}

fn is_link_local_v6(ip: std::net::Ipv6Addr) -> bool {
    ip.segments()[0] & 0xffc0 == 0xfe80
}

fn shown_route(route: &RouteStatus) -> bool {
    if route.table != RT_TABLE_MAIN {
        return false;
    }
    match route.dest {
        Some(dest) => match dest.addr {
            IpAddr::V6(ip) => !is_link_local_v6(ip) && !ip.is_multicast(),
            IpAddr::V4(_) => true,
        },
        None => true,
    }
}

fn route_text(route: &RouteStatus, name_of: &impl Fn(u32) -> String) -> String {
    let mut text = String::new();
    match route.kind {
        RouteType::Unicast => {}
        RouteType::BlackHole => text.push_str("blackhole "),
        RouteType::Unreachable => text.push_str("unreachable "),
        RouteType::Prohibit => text.push_str("prohibit "),
        other => {
            let _ = write!(text, "{other:?} ");
        }
    }
    match route.dest {
        Some(dest) if dest.prefix > 0 => {
            let _ = write!(text, "{dest}");
        }
        _ => text.push_str("default"),
    }
    if let Some(gateway) = route.gateway {
        let _ = write!(text, " via {gateway}");
    }
    if let Some(oif) = route.oif {
        let _ = write!(text, " dev {}", name_of(oif));
    }
    if route.multipath {
        text.push_str(" (multipath)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sock_diag::{DiagError, Protocol};
    use netlink_packet_route::route::RouteProtocol;
    use netns_test_topology::Cidr;

    fn link(index: u32, name: &str, up: bool, operstate: State, mtu: u32) -> LinkStatus {
        LinkStatus {
            index,
            flags: u32::from(up) | if index == 1 { IFF_LOOPBACK } else { 0 },
            up,
            name: name.into(),
            mtu,
            operstate,
            master: None,
            peer: None,
            peer_netnsid: None,
            kind: None,
            mac: None,
        }
    }

    fn addr(index: u32, cidr: &str) -> AddrStatus {
        let (ip, prefix) = cidr.split_once('/').expect("a CIDR");
        AddrStatus {
            index,
            cidr: Cidr {
                addr: ip.parse().expect("ip"),
                prefix: prefix.parse().expect("prefix"),
            },
            flags: 0,
        }
    }

    fn route(dest: Option<&str>, gateway: Option<&str>, oif: u32, table: u32) -> RouteStatus {
        RouteStatus {
            table,
            kind: RouteType::Unicast,
            protocol: RouteProtocol::Kernel,
            dest: dest.map(|d| addr(0, d).cidr),
            gateway: gateway.map(|g| g.parse().expect("ip")),
            oif: Some(oif),
            multipath: false,
        }
    }

    #[test]
    fn a_node_renders_like_ip_brief_and_ip_route() {
        let mut eth0 = link(1000, "eth0", true, State::Up, 1500);
        eth0.kind = Some("veth".into());
        eth0.peer = Some(1001);
        let links = [
            link(1, "lo", true, State::Unknown, 65536),
            link(2, "sit0", false, State::Down, 1480),
            eth0,
        ];
        let addrs = [
            addr(1, "127.0.0.1/8"),
            addr(1000, "10.0.0.100/24"),
            addr(1, "::1/128"),
            addr(1000, "fd00::1/64"),
            addr(1000, "fe80::1/64"),
        ];
        let routes = [
            route(Some("10.0.0.0/24"), None, 1000, 254),
            route(None, Some("10.0.0.1"), 1000, 254),
            route(Some("10.0.0.100/32"), None, 1000, 255),
            route(Some("fe80::/64"), None, 1000, 254),
        ];
        assert_eq!(
            render("ns1", &links, &addrs, &routes),
            "ns1:\n\
             \x20 lo    UP  mtu 65536  127.0.0.1/8 ::1/128\n\
             \x20 eth0  UP  mtu 1500   10.0.0.100/24 fd00::1/64  (veth peer if1001)\n\
             \x20 routes: 10.0.0.0/24 dev eth0; default via 10.0.0.1 dev eth0\n"
        );
    }

    #[test]
    fn a_bridge_port_names_its_master_and_odd_states_show() {
        let mut br = link(1000, "testbr", true, State::Down, 1500);
        br.kind = Some("bridge".into());
        let mut port = link(1001, "ns1-nic", true, State::LowerLayerDown, 1500);
        port.kind = Some("veth".into());
        port.peer = Some(1000);
        port.master = Some(1000);
        let links = [link(1, "lo", false, State::Down, 65536), br, port];
        assert_eq!(
            render("host", &links, &[addr(1000, "10.0.0.1/24")], &[]),
            "host:\n\
             \x20 lo       DOWN               mtu 65536\n\
             \x20 testbr   UP/DOWN            mtu 1500   10.0.0.1/24  (bridge)\n\
             \x20 ns1-nic  UP/LOWERLAYERDOWN  mtu 1500   (veth peer if1000, master testbr)\n\
             \x20 routes: none\n"
        );
    }

    fn socket(protocol: Protocol, state: u8, local: &str, peer: &str) -> SocketStatus {
        SocketStatus {
            protocol,
            state,
            local: local.parse().expect("local address"),
            peer: peer.parse().expect("peer address"),
            ifindex: 0,
            timer: 0,
            retrans: 0,
            recv_q: 0,
            send_q: 0,
        }
    }

    fn eth0_links() -> Vec<LinkStatus> {
        vec![
            link(1, "lo", true, State::Unknown, 65536),
            link(1000, "eth0", true, State::Up, 1500),
        ]
    }

    #[test]
    fn sockets_render_like_ss_with_state_ports_and_what_they_wait_for() {
        let mut syn_sent = socket(Protocol::Tcp, 2, "10.0.0.1:41834", "10.0.0.9:80");
        // Its send queue holds the SYN alone, which is not shown.
        (syn_sent.timer, syn_sent.retrans, syn_sent.send_q) = (1, 2, 1);
        let mut listener = socket(Protocol::Tcp, 10, "0.0.0.0:80", "0.0.0.0:0");
        (listener.recv_q, listener.send_q) = (1, 128);
        let mut established = socket(Protocol::Tcp, 1, "10.0.0.1:80", "10.0.0.2:50000");
        established.send_q = 4096;
        let mut dns = socket(Protocol::Udp, 7, "[fd00::1]:53", "[::]:0");
        dns.ifindex = 1000;
        let dump = SocketDump {
            sockets: vec![
                listener,
                established,
                socket(Protocol::Tcp, 6, "10.0.0.1:80", "10.0.0.2:49999"),
                syn_sent,
                socket(Protocol::Udp, 1, "10.0.0.1:5000", "10.0.0.2:5001"),
                dns,
            ],
            errors: Vec::new(),
        };
        assert_eq!(
            render_sockets(&dump, &eth0_links()),
            "  sockets:\n\
             \x20   tcp  LISTEN     0.0.0.0:80         0.0.0.0:*       recv-q 1\n\
             \x20   tcp  ESTAB      10.0.0.1:80        10.0.0.2:50000  send-q 4096\n\
             \x20   tcp  TIME-WAIT  10.0.0.1:80        10.0.0.2:49999\n\
             \x20   tcp  SYN-SENT   10.0.0.1:41834     10.0.0.9:80     retrans 2\n\
             \x20   udp  ESTAB      10.0.0.1:5000      10.0.0.2:5001\n\
             \x20   udp  UNCONN     [fd00::1]%eth0:53  [::]:*\n"
        );
    }

    #[test]
    fn neighbours_render_like_ip_neigh_without_the_kernels_noise() {
        let neigh = |index, state, flags, dst: &str, lladdr: Option<&[u8]>| NeighStatus {
            index,
            state,
            flags,
            dst: Some(dst.parse().expect("ip")),
            lladdr: lladdr.map(<[u8]>::to_vec),
        };
        let mac: &[u8] = &[0x02, 0x00, 0x00, 0x00, 0x03, 0xe9];
        let neighbours = [
            neigh(1000, 0x01, 0, "10.0.0.9", None),        // INCOMPLETE
            neigh(1000, 0x02, 0, "10.0.0.2", Some(mac)),   // REACHABLE
            neigh(1000, 0x20, 0, "10.0.0.8", None),        // FAILED
            neigh(1000, 0x80, 0, "10.0.0.7", Some(mac)),   // PERMANENT
            neigh(1000, 0x02, 0x80, "fd00::2", Some(mac)), // REACHABLE, router
            // Left out: NOARP multicast, anything on lo, NONE.
            neigh(1000, 0x40, 0, "ff02::1", Some(&[0x33, 0x33, 0, 0, 0, 1])),
            neigh(1, 0x80, 0, "127.0.0.2", None),
            neigh(1000, 0x00, 0, "10.0.0.6", None),
        ];
        assert_eq!(
            render_neighbours(&neighbours, &eth0_links()),
            "  neighbours:\n\
             \x20   10.0.0.2  dev eth0  lladdr 02:00:00:00:03:e9         REACHABLE\n\
             \x20   10.0.0.7  dev eth0  lladdr 02:00:00:00:03:e9         PERMANENT\n\
             \x20   10.0.0.8  dev eth0                                   FAILED\n\
             \x20   10.0.0.9  dev eth0                                   INCOMPLETE\n\
             \x20   fd00::2   dev eth0  lladdr 02:00:00:00:03:e9 router  REACHABLE\n"
        );
    }

    #[test]
    fn unresolved_neighbours_alone_take_no_room_for_a_link_layer_address() {
        let neighbours = [NeighStatus {
            index: 1000,
            state: 0x01,
            flags: 0,
            dst: Some("10.0.0.9".parse().expect("ip")),
            lladdr: None,
        }];
        assert_eq!(
            render_neighbours(&neighbours, &eth0_links()),
            "  neighbours:\n\
             \x20   10.0.0.9  dev eth0  INCOMPLETE\n"
        );
    }

    #[test]
    fn a_quiet_namespace_says_none() {
        let links = eth0_links();
        assert_eq!(
            render_sockets(&SocketDump::default(), &links),
            "  sockets: none\n"
        );
        assert_eq!(render_neighbours(&[], &links), "  neighbours: none\n");
    }

    #[test]
    fn sockets_that_cannot_be_read_say_why_and_the_rest_stays() {
        let missing = DiagError::socket(
            "open a NETLINK_SOCK_DIAG socket",
            &std::io::Error::from_raw_os_error(libc::EPROTONOSUPPORT),
        );
        let dump = SocketDump {
            sockets: Vec::new(),
            errors: vec![missing],
        };
        let text = render_sockets(&dump, &eth0_links());
        assert!(
            text.starts_with(
                "  sockets: cannot read (open a NETLINK_SOCK_DIAG socket: netlink socket \
                 error: EPROTONOSUPPORT: Protocol not supported)\n    help: "
            ),
            "{text}"
        );
        let no_udp = DiagError::refused("dump", nix::errno::Errno::ENOENT).for_protocol("udp");
        let dump = SocketDump {
            sockets: vec![socket(Protocol::Tcp, 10, "0.0.0.0:80", "0.0.0.0:0")],
            errors: vec![no_udp],
        };
        let text = render_sockets(&dump, &eth0_links());
        assert!(
            text.starts_with(
                "  sockets:\n\
                 \x20   tcp  LISTEN  0.0.0.0:80  0.0.0.0:*\n\
                 \x20 sockets: cannot read (dump udp sockets: the kernel refused: ENOENT: \
                 No such file or directory)\n    help: "
            ),
            "{text}"
        );
    }

    #[test]
    fn a_long_section_is_cut_and_the_rest_counted_by_state() {
        let mut sockets: Vec<SocketStatus> = (0..MAX_ROWS as u16)
            .map(|i| {
                socket(
                    Protocol::Tcp,
                    1,
                    &format!("10.0.0.1:{}", 1000 + i),
                    "10.0.0.2:80",
                )
            })
            .collect();
        sockets.extend((0..3).map(|i| {
            socket(
                Protocol::Tcp,
                6,
                &format!("10.0.0.1:{}", 2000 + i),
                "10.0.0.2:80",
            )
        }));
        sockets.push(socket(Protocol::Udp, 7, "0.0.0.0:53", "0.0.0.0:0"));
        let dump = SocketDump {
            sockets,
            errors: Vec::new(),
        };
        let text = render_sockets(&dump, &eth0_links());
        assert_eq!(text.lines().count(), 1 + MAX_ROWS + 1, "{text}");
        assert!(
            text.ends_with("    ... and 4 more: 3 TIME-WAIT, 1 UNCONN\n"),
            "{text}"
        );
    }
}
