//! The network state of one namespace as read over netlink, for failure
//! reports: every interface with its state, MTU and addresses, then the
//! routes of the main table, like `ip -br addr` and `ip route` combined.
//!
//! ```text
//! ns1:
//!   lo    UP  mtu 65536  127.0.0.1/8 ::1/128
//!   eth0  UP  mtu 1500   10.0.0.100/24 fd00::1/64  (veth peer if1001)
//!   routes: 10.0.0.0/24 dev eth0; default via 10.0.0.1 dev eth0
//! ```
//!
//! The state column is `UP` or `DOWN` (administrative) and, when the
//! operational state disagrees, `/` and the operstate (`UP/LOWERLAYERDOWN`:
//! up, but the veth peer is down). Kernel-made noise is left out: IPv6
//! link-local addresses and routes, and the fallback tunnel devices
//! (`sit0`, `tunl0`, ...) while they are down and bare.

use std::fmt::Write;
use std::net::IpAddr;

use netlink_packet_route::link::State;
use netlink_packet_route::route::RouteType;

use super::addr::{dump_addresses, parse_address, AddrStatus};
use super::error::SetupError;
use super::link::{dump_links, parse_link, LinkStatus};
use super::route::{dump_routes, parse_route, RouteStatus, RT_TABLE_MAIN};
use super::socket::Netlink;

/// `RTM_NEWLINK`
const RTM_NEWLINK: u16 = 16;
/// `RTM_NEWADDR`
const RTM_NEWADDR: u16 = 20;
/// `RTM_NEWROUTE`
const RTM_NEWROUTE: u16 = 24;
/// `IFF_LOOPBACK`
const IFF_LOOPBACK: u32 = 0x8;

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
    Ok(render(ns_name, &links, &addrs, &routes))
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
}
