//! Addresses that are not a host's: what an interface or a gateway cannot
//! be, because Linux refuses it, gives it no route, or it names something
//! else (a network, every host, a group).

use std::net::{IpAddr, Ipv6Addr};

use crate::plan::Cidr;

/// The first interface index the runtime gives a device (`FIRST_IFINDEX` in
/// netns-test's `netlink::link`). Every veth end that is not a bridge port,
/// and every bridge, gets the link-local address `fe80::<index in hex>/64`.
pub(crate) const FIRST_RUNTIME_IFINDEX: u32 = 1000;

/// Why an address cannot be on an interface, or be a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unfit {
    /// `0.0.0.0` or `::`.
    Unspecified,
    /// `127.0.0.0/8` or `::1`: `lo` has them.
    Loopback,
    /// `224.0.0.0/4` or `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    LimitedBroadcast,
    /// Inside `0.0.0.0/8`: Linux adds no prefix route for it.
    ThisNetwork,
    /// A `/0` prefix.
    ZeroPrefix,
    /// An IPv4 prefix shorter than /8 that starts at `0.0.0.0`
    /// (`10.0.0.1/4`): Linux adds no prefix route for it.
    ZeroNetworkPrefix,
    /// The first address of an IPv4 prefix up to /30.
    Network,
    /// The last address of an IPv4 prefix up to /30.
    Broadcast,
    /// The first address of an IPv6 prefix up to /126.
    SubnetRouterAnycast,
    /// In `fe80::/64`, with an interface identifier of the runtime's range.
    RuntimeLinkLocal,
}

/// What `ip` is when no host can have it, whatever the prefix.
pub(crate) fn unfit_ip(ip: IpAddr) -> Option<Unfit> {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => Some(Unfit::Unspecified),
        IpAddr::V4(v4) if v4.octets()[0] == 0 => Some(Unfit::ThisNetwork),
        IpAddr::V4(v4) if v4.is_loopback() => Some(Unfit::Loopback),
        IpAddr::V4(v4) if v4.is_multicast() => Some(Unfit::Multicast),
        IpAddr::V4(v4) if v4.is_broadcast() => Some(Unfit::LimitedBroadcast),
        IpAddr::V6(v6) if v6.is_unspecified() => Some(Unfit::Unspecified),
        IpAddr::V6(v6) if v6.is_loopback() => Some(Unfit::Loopback),
        IpAddr::V6(v6) if v6.is_multicast() => Some(Unfit::Multicast),
        _ => None,
    }
}

/// Why `cidr` cannot be an interface's address, if it cannot.
pub(crate) fn unfit_interface(cidr: Cidr) -> Option<Unfit> {
    if let Some(unfit) = unfit_ip(cidr.addr) {
        return Some(unfit);
    }
    if cidr.prefix == 0 {
        return Some(Unfit::ZeroPrefix);
    }
    let network = cidr.network().addr;
    match cidr.addr {
        IpAddr::V4(_) if unfit_ip(network) == Some(Unfit::Unspecified) => {
            Some(Unfit::ZeroNetworkPrefix)
        }
        IpAddr::V4(_) => unfit_in(cidr, cidr.addr),
        IpAddr::V6(_) if cidr.prefix <= 126 && cidr.addr == network => {
            Some(Unfit::SubnetRouterAnycast)
        }
        IpAddr::V6(v6) if is_runtime_link_local(v6) => Some(Unfit::RuntimeLinkLocal),
        IpAddr::V6(_) => None,
    }
}

/// Whether `ip` is the network or broadcast address of the IPv4 prefix
/// `prefix` (which has them only up to /30: RFC 3021).
pub(crate) fn unfit_in(prefix: Cidr, ip: IpAddr) -> Option<Unfit> {
    if !prefix.addr.is_ipv4() || !ip.is_ipv4() || prefix.prefix > 30 || !prefix.contains(ip) {
        return None;
    }
    if ip == prefix.network().addr {
        Some(Unfit::Network)
    } else if ip == prefix.last() {
        Some(Unfit::Broadcast)
    } else {
        None
    }
}

/// Where `ip` is the network or broadcast address of one of `prefixes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NoHost {
    /// `network` or `broadcast`.
    pub(crate) what: &'static str,
    /// The prefix, without host bits.
    pub(crate) network: Cidr,
    /// Its first and last host address, for the help.
    pub(crate) first: IpAddr,
    pub(crate) last: IpAddr,
}

/// The first of `prefixes` of which `ip` is the network or broadcast
/// address (see [`unfit_in`]), if any.
pub(crate) fn no_host_in(prefixes: &[Cidr], ip: IpAddr) -> Option<NoHost> {
    prefixes.iter().find_map(|&prefix| {
        let what = match unfit_in(prefix, ip)? {
            Unfit::Network => "network",
            _ => "broadcast",
        };
        let network = prefix.network();
        Some(NoHost {
            what,
            network,
            first: crate::cidr::next(network.addr),
            last: crate::cidr::previous(prefix.last()),
        })
    })
}

/// Whether the runtime could give `ip` to a device: `fe80::<index>` with an
/// index from [`FIRST_RUNTIME_IFINDEX`] to `u32::MAX`.
fn is_runtime_link_local(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    let (network, identifier) = (bits >> 64, bits & u128::from(u64::MAX));
    network == 0xfe80 << 48
        && identifier >> 32 == 0
        && identifier >= u128::from(FIRST_RUNTIME_IFINDEX)
}

/// Whether `ip` is IPv6 link-local (`fe80::/10`).
pub(crate) fn is_link_local(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

#[cfg(test)]
mod special_should {
    use super::*;

    fn unfit(text: &str) -> Option<Unfit> {
        unfit_interface(text.parse().unwrap())
    }

    #[test]
    fn accept_host_addresses() {
        for text in [
            "10.0.0.1/24",
            "10.0.0.254/24",
            "10.0.0.255/23",
            "10.0.1.0/23",
            "10.0.0.0/31",
            "10.0.0.1/31",
            "10.0.0.0/32",
            "10.0.0.5/8",
            "8.0.0.1/5",
            "240.0.0.1/24",
            "fd00::1/64",
            "fd00::/127",
            "fd00::/128",
            "fe80::1/64",
            "fe80::3e7/64",
            "fe80::1:0:0:3e8/64",
            "fe80:1::3e8/64",
        ] {
            assert_eq!(unfit(text), None, "{text}");
        }
    }

    #[test]
    fn refuse_what_no_host_can_have() {
        use Unfit::*;
        for (text, why) in [
            ("0.0.0.0/32", Unspecified),
            ("::/64", Unspecified),
            ("0.1.2.3/8", ThisNetwork),
            ("127.0.0.2/8", Loopback),
            ("::1/128", Loopback),
            ("224.0.0.1/24", Multicast),
            ("ff02::1/64", Multicast),
            ("255.255.255.255/32", LimitedBroadcast),
            ("10.0.0.1/0", ZeroPrefix),
            ("fd00::1/0", ZeroPrefix),
            ("10.0.0.1/4", ZeroNetworkPrefix),
            ("10.0.0.0/24", Network),
            ("10.0.0.255/24", Broadcast),
            ("10.0.0.3/30", Broadcast),
            ("fd00::/64", SubnetRouterAnycast),
            ("fd00::/126", SubnetRouterAnycast),
            ("fe80::3e8/64", RuntimeLinkLocal),
            ("fe80::ffff:ffff/64", RuntimeLinkLocal),
        ] {
            assert_eq!(unfit(text), Some(why), "{text}");
        }
    }

    #[test]
    fn find_network_and_broadcast_gateways_only_up_to_slash_30() {
        let prefix: Cidr = "10.0.0.1/24".parse().unwrap();
        assert_eq!(
            unfit_in(prefix, "10.0.0.255".parse().unwrap()),
            Some(Unfit::Broadcast)
        );
        assert_eq!(
            unfit_in(prefix, "10.0.0.0".parse().unwrap()),
            Some(Unfit::Network)
        );
        assert_eq!(unfit_in(prefix, "10.0.0.2".parse().unwrap()), None);
        let point_to_point: Cidr = "10.0.0.0/31".parse().unwrap();
        assert_eq!(unfit_in(point_to_point, "10.0.0.1".parse().unwrap()), None);
    }
}
