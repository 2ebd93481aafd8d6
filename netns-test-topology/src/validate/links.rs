//! `END -- END [OPTION...]`: owners, two different ones, interface names,
//! port addresses, an MTU that suits the addresses. The impairment options
//! are checked in `impairment`.

use super::interfaces::ClaimKind;
use super::segments::SegmentEnd;
use super::{Owner, Validator};
use crate::ast::{End, Link, Name};
use crate::error::Error;
use crate::model::{self, Attach};
use crate::names::{ifname_problem, IfnameProblem, HOST, MAX_IFNAME};
use crate::plan::NsId;

/// IPv6 needs links of at least this MTU; Linux turns IPv6 off below it.
const IPV6_MIN_MTU: u32 = 1280;

impl<'a> Validator<'a> {
    pub(super) fn link(&mut self, link: &Link<'a>) {
        let a = self.end(&link.a);
        let b = self.end(&link.b);
        let impairment = self.impairment(&link.impairment);
        if let Some(mtu) = link.mtu {
            let ipv6 = [&link.a, &link.b]
                .iter()
                .flat_map(|e| &e.addrs.list)
                .any(|a| a.cidr.addr.is_ipv6());
            // A bridge takes its smallest port's MTU.
            let bridge_ipv6 =
                [&link.a, &link.b]
                    .iter()
                    .find_map(|e| match self.lookup(e.owner.text) {
                        Some(Owner::Bridge(b)) => self
                            .bridge_addrs
                            .get(b)
                            .is_some_and(|addrs| addrs.list.iter().any(|a| a.cidr.addr.is_ipv6()))
                            .then_some(e.owner.text),
                        _ => None,
                    });
            if let (Some(bridge), false) = (bridge_ipv6, ipv6) {
                if mtu.value < IPV6_MIN_MTU {
                    self.error(
                        Error::new(
                            mtu.span,
                            format!("mtu={} is too small for bridge `{bridge}`", mtu.value),
                            format!(
                                "a bridge takes its smallest port's MTU, IPv6 needs at least \
                                 {IPV6_MIN_MTU}, and `{bridge}` has IPv6 addresses"
                            ),
                        )
                        .help(format!(
                            "use `mtu={IPV6_MIN_MTU}` or more on this port, or only IPv4 \
                             addresses on `{bridge}`"
                        )),
                    );
                }
            }
            if ipv6 && mtu.value < IPV6_MIN_MTU {
                self.error(
                    Error::new(
                        mtu.span,
                        format!("mtu={} is too small for IPv6", mtu.value),
                        format!(
                            "IPv6 needs an MTU of at least {IPV6_MIN_MTU}, \
                             and this link has IPv6 addresses"
                        ),
                    )
                    .help(format!(
                        "use `mtu={IPV6_MIN_MTU}` or more, or only IPv4 addresses on this link"
                    )),
                );
            }
        }
        let (a, b) = match (a, b) {
            (Some(a), Some(b)) => (a, b),
            (a, b) => {
                // The end that resolved is not created: its namespace lacks
                // an interface the text gave it.
                for end in a.iter().chain(b.iter()) {
                    self.lose_interfaces(end.attach.namespace());
                }
                return;
            }
        };
        if a.attach == b.attach && link.a.owner.text != HOST {
            self.lose_interfaces(a.attach.namespace());
            self.self_link(link);
            return;
        }
        self.segment_links.push([
            SegmentEnd::new(a.attach, &link.a),
            SegmentEnd::new(b.attach, &link.b),
        ]);
        let mtu = link.mtu.map(|m| m.value);
        self.model.links.push(model::Link {
            a,
            b,
            mtu,
            impairment,
        });
    }

    /// Reports a link whose two ends are the same node, router or bridge.
    /// (`host -- host` is allowed: a veth pair inside the test's own
    /// namespace.)
    fn self_link(&mut self, link: &Link<'a>) {
        let owner = link.b.owner;
        let (label, help) = match self.lookup(owner.text) {
            Some(Owner::Bridge(_)) => (
                format!("both ends are ports of bridge `{}`", owner.text),
                format!(
                    "a link between two ports of one bridge is a loop; \
                     link `{}` to a node, a router or `host`",
                    owner.text
                ),
            ),
            _ => (
                format!("both ends are in `{}`", owner.text),
                format!(
                    "a link joins two different namespaces; link `{}` to another \
                     node, a router, a bridge or `host`",
                    owner.text
                ),
            ),
        };
        self.error(
            Error::new(
                owner.span,
                format!("link from `{}` to itself", owner.text),
                label,
            )
            .help(help),
        );
    }

    fn end(&mut self, end: &End<'a>) -> Option<model::End> {
        let attach = self.link_owner(&end.owner);
        let ifname = end.ifname.filter(|name| self.check_ifname(name));
        let Some(attach) = attach else {
            self.note_addresses(&end.addrs);
            return None;
        };
        if end.ifname.is_some() && ifname.is_none() {
            // It gets an automatic name instead of the one written.
            self.lose_interfaces(attach.namespace());
        }
        match attach {
            Attach::Bridge(bridge) => {
                let bridge_name = self
                    .model
                    .bridges
                    .get(bridge)
                    .map_or("", |b| b.name.as_str())
                    .to_owned();
                for addr in &end.addrs.list {
                    self.error(
                        Error::new(
                            addr.span,
                            format!(
                                "address `{}` on a port of bridge `{bridge_name}`",
                                addr.cidr
                            ),
                            "a bridge port takes no addresses",
                        )
                        .help(format!(
                            "put it on the bridge (`bridge {bridge_name} {}`) \
                             or on the other end of the link",
                            addr.cidr
                        )),
                    );
                }
                if let Some(name) = ifname {
                    self.claim(NsId::HOST, name, ClaimKind::Port(bridge));
                }
            }
            Attach::Namespace(ns) => {
                self.note_addresses(&end.addrs);
                if let Some(list) = self.ns_addrs.get_mut(ns.0) {
                    list.extend(end.addrs.list.iter().map(|a| a.cidr));
                }
                if let Some(flag) = self.incomplete.get_mut(ns.0) {
                    *flag |= end.addrs.malformed;
                }
                if let Some(name) = ifname {
                    self.claim(ns, name, ClaimKind::Interface);
                }
            }
        }
        let addrs = match attach {
            Attach::Bridge(_) => Vec::new(),
            Attach::Namespace(_) => end.addrs.list.iter().map(|a| a.cidr).collect(),
        };
        Some(model::End {
            attach,
            ifname: ifname.map(|n| n.text.to_owned()),
            addrs,
        })
    }

    /// Reports an interface name the kernel would refuse; true when it is fine.
    fn check_ifname(&mut self, name: &Name<'_>) -> bool {
        let Some(problem) = ifname_problem(name.text) else {
            return true;
        };
        let error = match problem {
            IfnameProblem::TooLong(len) => Error::new(
                name.span,
                format!("interface name `{}` is too long", name.text),
                format!("{len} bytes; Linux allows at most {MAX_IFNAME}"),
            ),
            IfnameProblem::Dots => Error::new(
                name.span,
                format!("invalid interface name `{}`", name.text),
                "`.` and `..` are not interface names",
            ),
            IfnameProblem::Forbidden('%') => Error::new(
                name.span,
                format!("invalid interface name `{}`", name.text),
                "`%` is not allowed in an interface name: Linux fills in `%d` \
                 with a number, renaming the interface",
            ),
            IfnameProblem::Forbidden(c) => Error::new(
                name.span,
                format!("invalid interface name `{}`", name.text),
                format!("`{}` is not allowed in an interface name", c.escape_debug()),
            ),
            IfnameProblem::Reserved => {
                self.error(reserved_ifname(name));
                return false;
            }
        };
        self.error(error.help(format!(
            "an interface name is 1 to {MAX_IFNAME} bytes without `/`, `:`, `%`, whitespace \
             or control characters; or leave out `:NAME` for an automatic name"
        )));
        false
    }
}

/// The error for an interface (or bridge) named `all` or `default`.
pub(super) fn reserved_ifname(name: &Name<'_>) -> Error {
    Error::new(
        name.span,
        format!("`{}` is a reserved interface name", name.text),
        format!(
            "Linux refuses it: `/proc/sys/net/ipv4/conf/{}` holds settings, not an interface",
            name.text
        ),
    )
    .help("pick another name")
}
