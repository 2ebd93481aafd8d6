//! Addresses: add IPv4 and IPv6 addresses, read them back.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::NlasIterator;
use netlink_packet_route::address::{
    AddressAttribute, AddressHeader, AddressHeaderFlags, AddressMessage, AddressScope,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netns_test_topology::Cidr;

use super::link::u32_of;

/// `IFA_ADDRESS`
const IFA_ADDRESS: u16 = 1;
/// `IFA_LOCAL`
const IFA_LOCAL: u16 = 2;
/// `IFA_FLAGS`: the full 32-bit flags (the header holds the low 8 bits).
const IFA_FLAGS: u16 = 8;
/// `IFA_F_TENTATIVE`: duplicate address detection has not finished.
pub(crate) const IFA_F_TENTATIVE: u32 = 0x40;
/// Size of `struct ifaddrmsg`.
const IFADDRMSG_LEN: usize = 8;

/// `RTM_NEWADDR` for `cidr` on link `index`.
///
/// IPv4 gets `IFA_LOCAL` and `IFA_ADDRESS` (both the address) and, for
/// prefixes up to /30, the subnet's broadcast address, as `ip addr add ...
/// brd +` would. IPv6 gets `IFA_F_NODAD`: without it the address stays
/// tentative (and `bind` fails with `EADDRNOTAVAIL`) for the ~1.5 s of
/// duplicate address detection.
pub(crate) fn new_address(index: u32, cidr: Cidr) -> RouteNetlinkMessage {
    let mut msg = AddressMessage::default();
    msg.header.index = index;
    msg.header.prefix_len = cidr.prefix;
    match cidr.addr {
        IpAddr::V4(addr) => {
            msg.header.family = AddressFamily::Inet;
            msg.header.scope = if addr.is_loopback() {
                AddressScope::Host
            } else {
                AddressScope::Universe
            };
            msg.attributes.push(AddressAttribute::Local(cidr.addr));
            msg.attributes.push(AddressAttribute::Address(cidr.addr));
            if cidr.prefix <= 30 {
                let host_bits = u32::MAX.checked_shr(u32::from(cidr.prefix)).unwrap_or(0);
                let broadcast = Ipv4Addr::from(u32::from(addr) | host_bits);
                msg.attributes.push(AddressAttribute::Broadcast(broadcast));
            }
        }
        IpAddr::V6(_) => {
            msg.header.family = AddressFamily::Inet6;
            msg.header.flags = AddressHeaderFlags::Nodad;
            msg.attributes.push(AddressAttribute::Address(cidr.addr));
        }
    }
    RouteNetlinkMessage::NewAddress(msg)
}

/// The IPv6 link-local address netns-test gives link `index`:
/// `fe80::<index>/64`, with the index in hex (`fe80::3e9` for 1001).
/// Indices are unique across the whole topology, so are these.
pub(crate) fn link_local(index: u32) -> Cidr {
    let addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, (index >> 16) as u16, index as u16);
    Cidr {
        addr: IpAddr::V6(addr),
        prefix: 64,
    }
}

/// `RTM_GETADDR` dump of every address, both families.
pub(crate) fn dump_addresses() -> RouteNetlinkMessage {
    RouteNetlinkMessage::GetAddress(AddressMessage::default())
}

/// What we read of an address from an `RTM_NEWADDR` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddrStatus {
    /// The link it is on.
    pub(crate) index: u32,
    /// Address and prefix length.
    pub(crate) cidr: Cidr,
    /// `IFA_F_*` flags.
    pub(crate) flags: u32,
}

/// Decodes the payload of an `RTM_NEWADDR` message; `None` for a family
/// other than IPv4 and IPv6.
pub(crate) fn parse_address(payload: &[u8]) -> Result<Option<AddrStatus>, String> {
    let header = AddressHeader::parse(payload).map_err(|e| e.to_string())?;
    let mut flags = u32::from(header.flags.bits());
    let (mut address, mut local) = (None, None);
    for nla in NlasIterator::new(payload.get(IFADDRMSG_LEN..).unwrap_or(&[])) {
        let nla = nla.map_err(|e| e.to_string())?;
        let value = nla.value();
        match nla.kind() {
            IFA_ADDRESS => address = ip_of(value),
            IFA_LOCAL => local = ip_of(value),
            IFA_FLAGS => flags = u32_of(value)?,
            _ => {}
        }
    }
    // On IPv4, IFA_ADDRESS is the peer of a point-to-point link; IFA_LOCAL is ours.
    let Some(addr) = local.or(address) else {
        return Ok(None);
    };
    Ok(Some(AddrStatus {
        index: header.index,
        cidr: Cidr {
            addr,
            prefix: header.prefix_len,
        },
        flags,
    }))
}

/// An IPv4 or IPv6 address attribute.
pub(crate) fn ip_of(value: &[u8]) -> Option<IpAddr> {
    match value.len() {
        4 => <[u8; 4]>::try_from(value)
            .ok()
            .map(|b| IpAddr::V4(Ipv4Addr::from(b))),
        16 => <[u8; 16]>::try_from(value)
            .ok()
            .map(|b| IpAddr::V6(Ipv6Addr::from(b))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::socket::encode;
    use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

    fn cidr(s: &str) -> Cidr {
        let (addr, prefix) = s.split_once('/').expect("a CIDR");
        Cidr {
            addr: addr.parse().expect("an address"),
            prefix: prefix.parse().expect("a prefix"),
        }
    }

    #[test]
    fn an_ipv4_address_has_local_address_and_broadcast() {
        let bytes = encode(
            new_address(1000, cidr("10.0.0.100/24")),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x30, 0x00, 0x00, 0x00, // length 48
            0x14, 0x00,             // type RTM_NEWADDR (20)
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifaddrmsg
            0x02,                   // family AF_INET
            0x18,                   // prefix length 24
            0x00,                   // flags 0
            0x00,                   // scope RT_SCOPE_UNIVERSE
            0xe8, 0x03, 0x00, 0x00, // index 1000
            // IFA_LOCAL 10.0.0.100
            0x08, 0x00, 0x02, 0x00, // len 8, type IFA_LOCAL
            10, 0, 0, 100,          // 10.0.0.100
            // IFA_ADDRESS 10.0.0.100
            0x08, 0x00, 0x01, 0x00, // len 8, type IFA_ADDRESS
            10, 0, 0, 100,          // 10.0.0.100
            // IFA_BROADCAST 10.0.0.255
            0x08, 0x00, 0x04, 0x00, // len 8, type IFA_BROADCAST
            10, 0, 0, 255,          // 10.0.0.255
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_point_to_point_ipv4_address_has_no_broadcast() {
        let bytes = encode(
            new_address(7, cidr("192.168.1.1/31")),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x28, 0x00, 0x00, 0x00, // length 40
            0x14, 0x00, 0x05, 0x06, // type RTM_NEWADDR, flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifaddrmsg
            0x02, 0x1f, 0x00, 0x00, // AF_INET, prefix 31, flags 0, scope universe
            0x07, 0x00, 0x00, 0x00, // index 7
            0x08, 0x00, 0x02, 0x00, // len 8, type IFA_LOCAL
            192, 168, 1, 1,         // 192.168.1.1
            0x08, 0x00, 0x01, 0x00, // len 8, type IFA_ADDRESS
            192, 168, 1, 1,         // 192.168.1.1
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn an_ipv6_address_skips_duplicate_address_detection() {
        let bytes = encode(
            new_address(1000, cidr("fd00::1/64")),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x2c, 0x00, 0x00, 0x00, // length 44
            0x14, 0x00,             // type RTM_NEWADDR
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // ifaddrmsg
            0x0a,                   // family AF_INET6
            0x40,                   // prefix length 64
            0x02,                   // flags IFA_F_NODAD
            0x00,                   // scope RT_SCOPE_UNIVERSE
            0xe8, 0x03, 0x00, 0x00, // index 1000
            // IFA_ADDRESS fd00::1
            0x14, 0x00, 0x01, 0x00, // len 20, type IFA_ADDRESS
            0xfd, 0x00, 0x00, 0x00, // fd00:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x01, // 0000:0001
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn link_locals_are_the_index_in_hex() {
        assert_eq!(link_local(1001), cidr("fe80::3e9/64"));
        assert_eq!(link_local(0x1_0000), cidr("fe80::1:0/64"));
    }

    #[test]
    fn an_ipv4_address_message_decodes_to_its_local_address() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            0x02, 0x20, 0x80, 0x00, // AF_INET, /32, flags IFA_F_PERMANENT, scope universe
            0x02, 0x00, 0x00, 0x00, // index 2
            0x08, 0x00, 0x01, 0x00, // IFA_ADDRESS: the peer of a point-to-point link
            10, 0, 0, 2,            // 10.0.0.2
            0x08, 0x00, 0x02, 0x00, // IFA_LOCAL: ours
            10, 0, 0, 1,            // 10.0.0.1
            0x08, 0x00, 0x08, 0x00, // IFA_FLAGS
            0x80, 0x02, 0x00, 0x00, // IFA_F_PERMANENT|IFA_F_NOPREFIXROUTE
        ];
        assert_eq!(
            parse_address(&payload),
            Ok(Some(AddrStatus {
                index: 2,
                cidr: cidr("10.0.0.1/32"),
                flags: 0x280
            }))
        );
    }

    #[test]
    fn an_ipv6_address_message_decodes() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            0x0a, 0x40, 0xc0, 0xfd, // AF_INET6, /64, flags PERMANENT|TENTATIVE, scope link
            0x02, 0x00, 0x00, 0x00, // index 2
            0x14, 0x00, 0x01, 0x00, // IFA_ADDRESS
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // fe80::1
        ];
        assert_eq!(
            parse_address(&payload),
            Ok(Some(AddrStatus {
                index: 2,
                cidr: cidr("fe80::1/64"),
                flags: 0xc0
            }))
        );
    }
}
