//! `route OWNER DEST via ADDR`: families agree, the destination is a prefix
//! the owner is not already on, the gateway is a neighbour on a link of the
//! owner (a host's address, not a network's or a group's), one route per
//! destination.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Validator;
use crate::ast::{Dest, Route};
use crate::cidr::family;
use crate::error::Error;
use crate::model;
use crate::names::list;
use crate::plan::{Cidr, NsId};
use crate::special::{no_host_in, unfit_interface, unfit_ip, NoHost, Unfit};

impl<'a> Validator<'a> {
    pub(super) fn route(&mut self, route: &Route<'a>) {
        let ns = self.namespace_owner(&route.owner, "route");
        let via = route.via;
        let mut sound = true;
        if let Dest::Prefix(dest) = route.dest {
            if dest.addr.is_ipv4() != via.is_ipv4() {
                sound = false;
                self.error(
                    Error::new(
                        route.via_span,
                        format!(
                            "gateway `{via}` is {} but the destination `{dest}` is {}",
                            family(via),
                            family(dest.addr)
                        ),
                        "the gateway and the destination must be of one family",
                    )
                    .help(format!(
                        "route an {} destination via an {} gateway",
                        family(dest.addr),
                        family(dest.addr)
                    )),
                );
            }
            if dest.network() != dest {
                sound = false;
                self.error(
                    Error::new(
                        route.dest_span,
                        format!("destination `{dest}` has host bits set"),
                        format!("the prefix is `{}`", dest.network()),
                    )
                    .help(format!(
                        "write `{}`, or `{}/{}` for a single host",
                        dest.network(),
                        dest.addr,
                        crate::cidr::max_prefix(dest.addr)
                    )),
                );
            }
        }
        if let Some(unfit) = unfit_ip(via) {
            sound = false;
            self.error(
                Error::new(
                    route.via_span,
                    format!("gateway `{via}` is {}", describe_unfit(unfit)),
                    "a gateway is the unicast address of a neighbour",
                )
                .help(format!(
                    "route via the address of a neighbour on a link of `{}`",
                    route.owner.text
                )),
            );
        }
        if let IpAddr::V6(v6) = via {
            if v6.segments()[0] & 0xffc0 == 0xfe80 {
                sound = false;
                self.error(
                    Error::new(
                        route.via_span,
                        format!("link-local gateway `{via}`"),
                        "a link-local gateway needs an interface, and a route here names none",
                    )
                    .help(
                        "give the neighbour a global or unique-local address \
                         (e.g. `fd00::2/64`) and route via that",
                    ),
                );
            }
        }
        let Some(ns) = ns else { return };
        let dest = match route.dest {
            Dest::Prefix(dest) => dest,
            Dest::Default => default_route(via),
        };
        if sound {
            if let Some(first) = self.routes.get(&(ns, dest.network())).copied() {
                sound = false;
                let owner = self.ns_name(ns).to_owned();
                let label = format!(
                    "`{owner}` already has a route to {} at {}",
                    describe(route.dest, via),
                    self.at(first)
                );
                self.error(
                    Error::new(
                        route.dest_span,
                        format!("second route to {} in `{owner}`", describe(route.dest, via)),
                        label,
                    )
                    .help("a namespace has one route per destination; remove one"),
                );
            } else {
                self.routes.insert((ns, dest.network()), route.dest_span);
            }
        }
        if sound {
            self.check_connected(ns, dest, route);
        }
        if sound && !self.incomplete.get(ns.0).copied().unwrap_or(true) {
            self.check_gateway(ns, route);
        }
        let dest = match route.dest {
            Dest::Prefix(dest) => Some(dest),
            Dest::Default => None,
        };
        self.model.routes.push(model::Route { ns, dest, via });
    }

    /// The gateway must be inside a prefix of one of the owner's addresses,
    /// and not be one of them.
    fn check_gateway(&mut self, ns: NsId, route: &Route<'a>) {
        let via = route.via;
        let owner = self.ns_name(ns).to_owned();
        let addrs = self.ns_addrs.get(ns.0).cloned().unwrap_or_default();
        if addrs.iter().any(|a| a.addr == via) {
            self.error(
                Error::new(
                    route.via_span,
                    format!("gateway `{via}` is an address of `{owner}` itself"),
                    "a gateway is a neighbour's address",
                )
                .help("route via the address of the other end of the link"),
            );
            return;
        }
        if addrs.iter().any(|a| a.contains(via)) {
            if let Some(NoHost {
                what,
                network,
                first,
                last,
            }) = no_host_in(&addrs, via)
            {
                self.error(
                    Error::new(
                        route.via_span,
                        format!("gateway `{via}` is the {what} address of `{network}`"),
                        "a gateway is a neighbour's address, and no host has this one",
                    )
                    .help(format!(
                        "route via a neighbour's address from `{first}` to `{last}`"
                    )),
                );
            }
            return;
        }
        let mut prefixes: Vec<String> = Vec::new();
        for prefix in addrs.iter().filter(|a| a.addr.is_ipv4() == via.is_ipv4()) {
            let text = format!("`{}`", prefix.network());
            if !prefixes.contains(&text) {
                prefixes.push(text);
            }
        }
        let family = family(via);
        let fix = format!("give an interface of `{owner}` an address in the gateway's prefix");
        let help = match prefixes.as_slice() {
            [] if addrs.is_empty() => format!("`{owner}` has no addresses; {fix}"),
            [] => format!("`{owner}` has no {family} address; {fix}"),
            [only] => format!(
                "the only {family} prefix of `{owner}` is {only}; \
                 pick a gateway inside it, or {fix}"
            ),
            _ => format!(
                "the {family} prefixes of `{owner}` are {}; \
                 pick a gateway inside one of them, or {fix}",
                list(&prefixes)
            ),
        };
        self.error(
            Error::new(
                route.via_span,
                format!("gateway `{via}` is not reachable from `{owner}`"),
                format!("no interface of `{owner}` has an address in a prefix that holds `{via}`"),
            )
            .help(help),
        );
    }

    /// A route to a prefix the owner has an address in: Linux already routes
    /// it through that interface (a second IPv4 route fails with `EEXIST`,
    /// an IPv6 one would never be used).
    fn check_connected(&mut self, ns: NsId, dest: Cidr, route: &Route<'_>) {
        let owner = self.ns_name(ns).to_owned();
        let connected = self
            .ns_addrs
            .get(ns.0)
            .and_then(|addrs| {
                addrs
                    .iter()
                    .find(|a| a.network() == dest.network() && unfit_interface(**a).is_none())
            })
            .copied();
        let Some(addr) = connected else { return };
        let dest = dest.network();
        self.error(
            Error::new(
                route.dest_span,
                format!("route to `{dest}` in `{owner}`, a prefix `{owner}` is on"),
                format!("`{owner}` has `{addr}`, so it reaches `{dest}` directly"),
            )
            .help(
                "remove the route: Linux already routes a prefix through the interface \
                 that has an address in it",
            ),
        );
    }
}

/// `a multicast address`, for a gateway that cannot be one.
fn describe_unfit(unfit: Unfit) -> &'static str {
    match unfit {
        Unfit::Unspecified => "the unspecified address",
        Unfit::Loopback => "a loopback address",
        Unfit::Multicast => "a multicast address",
        Unfit::LimitedBroadcast => "the broadcast address",
        Unfit::ThisNetwork => "in 0.0.0.0/8",
        _ => "not a host's address",
    }
}

/// `0.0.0.0/0` or `::/0`, the family of `via`.
fn default_route(via: IpAddr) -> Cidr {
    let addr = match via {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    Cidr { addr, prefix: 0 }
}

/// `10.1.0.0/16` or `default (IPv4)`, in backquotes.
fn describe(dest: Dest, via: IpAddr) -> String {
    match dest {
        Dest::Prefix(dest) => format!("`{dest}`"),
        Dest::Default => format!("`default` ({})", family(via)),
    }
}
