//! Addresses: each one fit for an interface, and each used once in the
//! whole topology.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Validator;
use crate::ast::{Addr, Addrs};
use crate::cidr::{example_prefix, next, previous};
use crate::error::Error;
use crate::plan::Cidr;
use crate::span::Span;
use crate::special::{unfit_interface, Unfit, FIRST_RUNTIME_IFINDEX};

impl Validator<'_> {
    /// Records addresses for the checks that need them all.
    pub(super) fn note_addresses(&mut self, addrs: &Addrs) {
        self.addresses.extend(addrs.list.iter().copied());
    }

    /// Reports each address an interface cannot have, and each written a
    /// second time (the prefix length does not matter: `10.0.0.1/24` and
    /// `10.0.0.1/16` are the same address).
    pub(super) fn check_addresses(&mut self) {
        let mut addresses = std::mem::take(&mut self.addresses);
        addresses.sort_by_key(|a| a.span.start);
        let mut seen: HashMap<IpAddr, Span> = HashMap::new();
        for addr in addresses {
            if let Some(unfit) = unfit_interface(addr.cidr) {
                self.error(unfit_error(&addr, unfit));
            }
            let ip = addr.cidr.addr;
            match seen.get(&ip).copied() {
                None => {
                    seen.insert(ip, addr.span);
                }
                Some(first) => {
                    let label = format!("already used at {}", self.at(first));
                    self.error(
                        Error::new(addr.span, format!("address `{ip}` is used twice"), label)
                            .help("every address in a topology must be unique; pick another one"),
                    );
                }
            }
        }
    }
}

/// The error for an address an interface cannot have.
fn unfit_error(addr: &Addr, unfit: Unfit) -> Error {
    let cidr = addr.cidr;
    let example = match cidr.addr {
        IpAddr::V4(_) => "`10.0.0.1/24`",
        IpAddr::V6(_) => "`fd00::1/64`",
    };
    let pick = format!("pick a unicast address, e.g. {example}");
    let network = cidr.network();
    let (message, label, help) = match unfit {
        Unfit::Unspecified => (
            format!("`{cidr}` is the unspecified address"),
            "it means \"no address\"".to_owned(),
            pick,
        ),
        Unfit::Loopback => (
            format!("`{cidr}` is a loopback address"),
            "loopback addresses belong to `lo` (every namespace has it, \
             with 127.0.0.1/8 and ::1)"
                .to_owned(),
            pick,
        ),
        Unfit::Multicast => (
            format!("`{cidr}` is a multicast address"),
            format!(
                "{} names a group of listeners, not an interface",
                if cidr.addr.is_ipv4() {
                    "224.0.0.0/4"
                } else {
                    "ff00::/8"
                }
            ),
            pick,
        ),
        Unfit::LimitedBroadcast => (
            format!("`{cidr}` is the broadcast address"),
            "255.255.255.255 means every host on the link".to_owned(),
            pick,
        ),
        Unfit::ThisNetwork => (
            format!("`{cidr}` is in 0.0.0.0/8"),
            "0.0.0.0/8 means \"this network\": Linux adds no route for it".to_owned(),
            pick,
        ),
        Unfit::ZeroPrefix => (
            format!("`{cidr}` has a /0 prefix"),
            "a /0 prefix claims every address for this link".to_owned(),
            format!(
                "write the prefix of the link, e.g. `{}/{}`; to send everything \
                 through a neighbour, write `route OWNER default via ADDR`",
                cidr.addr,
                example_prefix(cidr.addr)
            ),
        ),
        Unfit::ZeroNetworkPrefix => (
            format!("prefix length /{} is too short for `{cidr}`", cidr.prefix),
            format!("its prefix `{network}` starts at 0.0.0.0, and Linux adds no route for it"),
            format!(
                "write a longer prefix, e.g. `{}/{}`",
                cidr.addr,
                example_prefix(cidr.addr)
            ),
        ),
        Unfit::Network => (
            format!("`{cidr}` is the network address of `{network}`"),
            "the first address of a prefix names the network, not a host".to_owned(),
            host_range(cidr),
        ),
        Unfit::Broadcast => (
            format!("`{cidr}` is the broadcast address of `{network}`"),
            "the last address of a prefix reaches every host on the link".to_owned(),
            host_range(cidr),
        ),
        Unfit::SubnetRouterAnycast => (
            format!("`{cidr}` is the subnet-router anycast address of `{network}`"),
            "an IPv6 address whose interface bits are all zero belongs to the \
             routers of the link (RFC 4291)"
                .to_owned(),
            format!(
                "pick a host address, e.g. `{}`",
                Cidr {
                    addr: next(network.addr),
                    prefix: cidr.prefix
                }
            ),
        ),
        Unfit::RuntimeLinkLocal => (
            format!("`{cidr}` may clash with a link-local address of netns-test"),
            format!(
                "netns-test gives every veth end and bridge `fe80::<interface index in hex>/64`, \
                 from `fe80::{FIRST_RUNTIME_IFINDEX:x}` up"
            ),
            format!(
                "pick an interface identifier below {FIRST_RUNTIME_IFINDEX:#x}, e.g. `fe80::1/64`, \
                 or leave link-local addresses to netns-test"
            ),
        ),
    };
    Error::new(addr.span, message, label).help(help)
}

/// "pick a host address from `10.0.0.1` to `10.0.0.254`, or a /31 ..."
fn host_range(cidr: Cidr) -> String {
    let first = next(cidr.network().addr);
    let last = previous(cidr.last());
    format!(
        "pick a host address from `{first}` to `{last}`; only /31 and /32 prefixes \
         have no network or broadcast address (RFC 3021)"
    )
}
