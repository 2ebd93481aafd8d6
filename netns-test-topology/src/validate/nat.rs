//! `nat OWNER:IFNAME [random]` and
//! `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`: the owner is a node, a
//! router or `host`; the interface is one of its own under its final name
//! (automatic names included; in the host, bridges and bridge ports too); a
//! `nat` goes out of an interface with an address, one `nat` per interface; a
//! `forward` arrives on a routed interface (not a bridge port), goes to a
//! host's address the owner reaches (on a prefix of one of its addresses,
//! or through one of its routes), and no two forward one port of one
//! interface.
//!
//! These run after every link and route is known: the final interface names
//! are the planner's ([`planner::links`]), and a route written further down
//! still counts.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use super::{Owner, Validator};
use crate::ast::{Forward, Interface, Nat};
use crate::cidr::family;
use crate::error::Error;
use crate::model;
use crate::names::{list, HOST};
use crate::plan::{Cidr, NsId, Protocol};
use crate::planner;
use crate::span::Span;
use crate::special::{is_link_local, no_host_in, unfit_ip, NoHost, Unfit};
use crate::suggest::closest;

/// How many interfaces a "no such interface" help lists before "and N more".
const LISTED: usize = 12;

/// An interface of a namespace under its final name.
#[derive(Debug, Clone)]
struct Iface {
    name: String,
    addrs: Vec<Cidr>,
    kind: IfaceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IfaceKind {
    /// A veth end in a node, a router or the host.
    Veth,
    /// A bridge (in the host).
    Bridge,
    /// A port of this bridge (index into `Model::bridges`), in the host.
    Port(usize),
}

/// Per namespace, its interfaces: in the host the bridges first, then veth
/// ends in order of appearance.
pub(super) struct Interfaces(Vec<Vec<Iface>>);

/// What the checks of a `nat` and a `forward` remember of the ones before.
#[derive(Default)]
pub(super) struct Translations {
    /// (namespace, interface) to the `OWNER:IFNAME` of its `nat`.
    nats: HashMap<(NsId, String), Span>,
    /// What each forward arrives for, to the first forward's span and target.
    forwards: HashMap<Arrival, (Span, Option<SocketAddr>)>,
}

/// What a forward arrives for: a protocol and port on an interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Arrival {
    ns: NsId,
    ifname: String,
    protocol: Protocol,
    port: u16,
}

impl<'a> Validator<'a> {
    /// Every interface under its final name, from the links validated so far.
    pub(super) fn interfaces(&self) -> Interfaces {
        let mut all: Vec<Vec<Iface>> = vec![Vec::new(); self.model.namespaces.len().max(1)];
        if let Some(host) = all.first_mut() {
            host.extend(self.model.bridges.iter().map(|b| Iface {
                name: b.name.clone(),
                addrs: b.addrs.clone(),
                kind: IfaceKind::Bridge,
            }));
        }
        for end in planner::links(&self.model)
            .into_iter()
            .flat_map(|l| [l.a, l.b])
        {
            if let Some(list) = all.get_mut(end.ns.0) {
                list.push(Iface {
                    name: end.ifname,
                    addrs: end.addrs,
                    kind: end.bridge.map_or(IfaceKind::Veth, IfaceKind::Port),
                });
            }
        }
        Interfaces(all)
    }

    pub(super) fn nat(&mut self, nat: &Nat<'a>, interfaces: &Interfaces, seen: &mut Translations) {
        let Some(ns) = self.translator(&nat.at, "nat") else {
            return;
        };
        let Some(iface) = self.find_interface(ns, &nat.at, interfaces) else {
            return;
        };
        let mut sound = self.check_nat_address(ns, &nat.at, iface);
        let key = (ns, iface.name.clone());
        if let Some(first) = seen.nats.get(&key).copied() {
            sound = false;
            let label = format!(
                "`{}:{}` is already masqueraded at {}",
                nat.at.owner.text,
                nat.at.ifname.text,
                self.at(first)
            );
            self.error(
                Error::new(
                    nat.at.span,
                    format!("second `nat` on `{}:{}`", self.ns_name(ns), iface.name),
                    label,
                )
                .help("an interface is masqueraded once: remove one of the two `nat` lines"),
            );
        } else {
            seen.nats.insert(key, nat.at.span);
        }
        if sound {
            self.model.nats.push(model::Nat {
                ns,
                ifname: iface.name.clone(),
                random: nat.random,
            });
        }
    }

    pub(super) fn forward(
        &mut self,
        forward: &Forward<'a>,
        interfaces: &Interfaces,
        seen: &mut Translations,
    ) {
        let Some(ns) = self.translator(&forward.at, "forward") else {
            return;
        };
        let mut sound = match forward.to {
            Some(to) => self.check_target(ns, forward, to.ip()),
            None => false,
        };
        let Some(iface) = self.find_interface(ns, &forward.at, interfaces) else {
            return;
        };
        if let IfaceKind::Port(bridge) = iface.kind {
            sound = false;
            let bridge = self.bridge_name(bridge);
            self.error(
                Error::new(
                    forward.at.ifname.span,
                    format!("`{}` is a port of bridge `{bridge}`", iface.name),
                    "what arrives on a bridge port is bridged, not routed, so no forward sees it",
                )
                .help(format!(
                    "forward what arrives on the bridge: write `forward host:{bridge} ...`"
                )),
            );
        }
        let (Some(protocol), Some(port)) = (forward.protocol, forward.port) else {
            return;
        };
        let key = Arrival {
            ns,
            ifname: iface.name.clone(),
            protocol,
            port,
        };
        if let Some((first, to)) = seen.forwards.get(&key).copied() {
            sound = false;
            let to = to.map_or(String::new(), |to| format!(" to `{to}`"));
            let at = format!("`{}:{}`", forward.at.owner.text, forward.at.ifname.text);
            let label = format!(
                "{at} already forwards {protocol} port {port}{to} at {}",
                self.at(first)
            );
            self.error(
                Error::new(
                    forward.protocol_span.to(forward.port_span),
                    format!(
                        "second forward of {protocol} port {port} on `{}:{}`",
                        self.ns_name(ns),
                        iface.name
                    ),
                    label,
                )
                .help(
                    "a port of an interface goes to one target: remove one of the two, \
                     or forward another port",
                ),
            );
        } else {
            let span = forward.protocol_span.to(forward.port_span);
            seen.forwards.insert(key, (span, forward.to));
        }
        if let (true, Some(to)) = (sound, forward.to) {
            self.model.forwards.push(model::Forward {
                ns,
                ifname: iface.name.clone(),
                protocol,
                port,
                to,
            });
        }
    }

    /// The owner of a `nat` or a `forward`: a node, a router or `host`.
    fn translator(&mut self, at: &Interface<'_>, statement: &str) -> Option<NsId> {
        let name = at.owner;
        match self.lookup(name.text) {
            Some(Owner::Namespace(ns, _)) => Some(ns),
            Some(Owner::Bridge(_)) => {
                self.error(
                    Error::new(
                        name.span,
                        format!("`{}` is a bridge, not a namespace", name.text),
                        format!("a bridge is an interface of `{HOST}`"),
                    )
                    .help(format!(
                        "name the bridge as an interface of the host: write \
                         `{statement} {HOST}:{}{}`",
                        name.text,
                        if statement == "nat" { "" } else { " ..." }
                    )),
                );
                None
            }
            None => {
                self.unknown_owner(&name, false);
                None
            }
        }
    }

    /// The interface `at` names, under its final name. Reports it when the
    /// namespace has none of that name, unless an error elsewhere may have
    /// dropped it (a link that failed).
    fn find_interface<'i>(
        &mut self,
        ns: NsId,
        at: &Interface<'_>,
        interfaces: &'i Interfaces,
    ) -> Option<&'i Iface> {
        let mine: &[Iface] = interfaces.0.get(ns.0).map_or(&[], Vec::as_slice);
        if let Some(iface) = mine.iter().find(|i| i.name == at.ifname.text) {
            return Some(iface);
        }
        let unsure = self.incomplete.get(ns.0).copied().unwrap_or(true)
            || self.lost_interfaces.get(ns.0).copied().unwrap_or(true);
        if unsure {
            return None;
        }
        let owner = self.ns_name(ns).to_owned();
        let names: Vec<String> = mine.iter().map(|i| format!("`{}`", i.name)).collect();
        let listed = match names.as_slice() {
            [] => String::new(),
            [only] => format!("the only interface of `{owner}` is {only}"),
            _ => {
                let mut shown: Vec<String> = names.iter().take(LISTED).cloned().collect();
                if names.len() > LISTED {
                    shown.push(format!("{} more", names.len() - LISTED));
                }
                format!("the interfaces of `{owner}` are {}", list(&shown))
            }
        };
        let help = match closest(at.ifname.text, mine.iter().map(|i| i.name.as_str())) {
            _ if names.is_empty() => format!(
                "`{owner}` has no interfaces; give it one with a link, \
                 e.g. `{owner}:eth0 10.0.0.1/24 -- ...`"
            ),
            Some(guess) => format!("did you mean `{guess}`? {}", capitalized(&listed)),
            None => listed,
        };
        self.error(
            Error::new(
                at.ifname.span,
                format!("`{owner}` has no interface `{}`", at.ifname.text),
                format!("not an interface of `{owner}`"),
            )
            .help(help),
        );
        None
    }

    /// A `nat` rewrites sources to an address of its interface, so the
    /// interface needs one (IPv6 link-local ones do not count).
    fn check_nat_address(&mut self, ns: NsId, at: &Interface<'_>, iface: &Iface) -> bool {
        if iface.addrs.iter().any(|a| !is_link_local(a.addr)) {
            return true;
        }
        if self.incomplete.get(ns.0).copied().unwrap_or(true) {
            return false;
        }
        let owner = self.ns_name(ns).to_owned();
        let name = &iface.name;
        let error = match iface.kind {
            IfaceKind::Port(bridge) => {
                let bridge = self.bridge_name(bridge);
                let has_addrs =
                    self.model.bridges.iter().any(|b| {
                        b.name == bridge && b.addrs.iter().any(|a| !is_link_local(a.addr))
                    });
                let fix = if has_addrs {
                    format!("masquerade out of the bridge instead: write `nat host:{bridge}`")
                } else {
                    format!(
                        "give the bridge an address (e.g. `bridge {bridge} 10.0.0.1/24`) \
                         and masquerade out of it: write `nat host:{bridge}`"
                    )
                };
                Error::new(
                    at.ifname.span,
                    format!("`nat` out of `{name}`, a port of bridge `{bridge}`"),
                    "a bridge port has no address to masquerade with",
                )
                .help(fix)
            }
            IfaceKind::Bridge => Error::new(
                at.ifname.span,
                format!("`nat` out of bridge `{name}`, which has no address"),
                "masquerading rewrites the source to an address of this interface",
            )
            .help(format!(
                "give the bridge an address, e.g. `bridge {name} 10.0.0.1/24`"
            )),
            IfaceKind::Veth => Error::new(
                at.ifname.span,
                format!("`nat` out of `{owner}:{name}`, which has no address"),
                "masquerading rewrites the source to an address of this interface",
            )
            .help(format!(
                "give it an address on its link, e.g. `{owner}:{name} 10.0.0.1/24 -- ...`"
            )),
        };
        self.error(error);
        false
    }

    /// The target is a host's address that `ns` reaches: on a prefix of one
    /// of its addresses, or through one of its routes.
    fn check_target(&mut self, ns: NsId, forward: &Forward<'_>, ip: IpAddr) -> bool {
        let span = forward.to_span;
        let owner = self.ns_name(ns).to_owned();
        if let Some(unfit) = unfit_ip(ip) {
            let (what, help) = match unfit {
                Unfit::Loopback => (
                    "a loopback address",
                    format!(
                        "to reach a server in `{owner}` itself, forward to the address of \
                         one of its interfaces"
                    ),
                ),
                Unfit::Multicast => (
                    "a multicast address",
                    "forward to the unicast address of one server".to_owned(),
                ),
                Unfit::Unspecified => (
                    "the unspecified address",
                    "forward to the address of one server".to_owned(),
                ),
                Unfit::LimitedBroadcast => (
                    "the broadcast address",
                    "forward to the address of one server".to_owned(),
                ),
                _ => (
                    "in 0.0.0.0/8",
                    "forward to the address of one server".to_owned(),
                ),
            };
            self.error(
                Error::new(
                    span,
                    format!("target `{ip}` is {what}"),
                    "a forward goes to one server's address",
                )
                .help(help),
            );
            return false;
        }
        if is_link_local(ip) {
            self.error(
                Error::new(
                    span,
                    format!("link-local target `{ip}`"),
                    "a link-local address needs an interface, and a forward names none for it",
                )
                .help(
                    "give the server a global or unique-local address (e.g. `fd00::2/64`) \
                     and forward to that",
                ),
            );
            return false;
        }
        let addrs = self.ns_addrs.get(ns.0).cloned().unwrap_or_default();
        if let Some(NoHost {
            what,
            network,
            first,
            last,
        }) = no_host_in(&addrs, ip)
        {
            self.error(
                Error::new(
                    span,
                    format!("target `{ip}` is the {what} address of `{network}`"),
                    "a forward goes to one server's address, and no host has this one",
                )
                .help(format!(
                    "forward to a server's address from `{first}` to `{last}`"
                )),
            );
            return false;
        }
        if addrs.iter().any(|a| a.contains(ip)) || self.routed(ns, ip) {
            return true;
        }
        let unsure = self.incomplete.get(ns.0).copied().unwrap_or(true)
            || self.lost_routes.get(ns.0).copied().unwrap_or(true);
        if unsure {
            return false;
        }
        let family = family(ip);
        let mut prefixes: Vec<String> = Vec::new();
        for prefix in addrs.iter().filter(|a| a.addr.is_ipv4() == ip.is_ipv4()) {
            let text = format!("`{}`", prefix.network());
            if !prefixes.contains(&text) && !is_link_local(prefix.addr) {
                prefixes.push(text);
            }
        }
        let route = format!("or add a route to it: `route {owner} DEST via GATEWAY`");
        let help = match prefixes.as_slice() {
            [] => format!(
                "`{owner}` has no {family} address; give an interface of `{owner}` an address \
                 in the target's prefix, {route}"
            ),
            [only] => format!(
                "the only {family} prefix of `{owner}` is {only}; forward to an address \
                 inside it, {route}"
            ),
            _ => format!(
                "the {family} prefixes of `{owner}` are {}; forward to an address inside \
                 one of them, {route}",
                list(&prefixes)
            ),
        };
        self.error(
            Error::new(
                span,
                format!("target `{ip}` is not reachable from `{owner}`"),
                format!(
                    "no address of `{owner}` is on a prefix that holds `{ip}`, \
                     and no route of `{owner}` leads there"
                ),
            )
            .help(help),
        );
        false
    }

    /// Whether a route of `ns` covers `ip`: a prefix that holds it, or
    /// `default` of its family.
    fn routed(&self, ns: NsId, ip: IpAddr) -> bool {
        self.model.routes.iter().any(|r| {
            r.ns == ns
                && match r.dest {
                    Some(dest) => dest.contains(ip),
                    None => r.via.is_ipv4() == ip.is_ipv4(),
                }
        })
    }

    fn bridge_name(&self, bridge: usize) -> String {
        self.model
            .bridges
            .get(bridge)
            .map_or(String::new(), |b| b.name.clone())
    }
}

/// `text` with its first letter in upper case, to follow "did you mean ...?".
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
