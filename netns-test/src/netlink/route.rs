//! Routes: add a route via a gateway (or a default route), read routes back.

use std::net::IpAddr;

use netlink_packet_core::NlasIterator;
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netns_test_topology::Cidr;

use super::addr::ip_of;
use super::link::u32_of;

/// `RTA_DST`
const RTA_DST: u16 = 1;
/// `RTA_OIF`
const RTA_OIF: u16 = 4;
/// `RTA_GATEWAY`
const RTA_GATEWAY: u16 = 5;
/// `RTA_MULTIPATH`
const RTA_MULTIPATH: u16 = 9;
/// `RTA_TABLE`: the full 32-bit table id (the header holds 8 bits).
const RTA_TABLE: u16 = 15;
/// `RT_TABLE_MAIN`
pub(crate) const RT_TABLE_MAIN: u32 = 254;
/// Size of `struct rtmsg`.
const RTMSG_LEN: usize = 12;

/// `RTM_NEWROUTE` in the main table: `dest` (or the default route of the
/// gateway's family) via `via`, unicast, scope universe, `proto boot` as
/// `ip route add` sets it. The kernel finds the outgoing link from the
/// gateway. Host bits of `dest` are cleared, since the kernel refuses them.
pub(crate) fn new_route(dest: Option<Cidr>, via: IpAddr) -> RouteNetlinkMessage {
    let mut msg = RouteMessage::default();
    msg.header.address_family = match via {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    msg.header.table = RouteHeader::RT_TABLE_MAIN;
    msg.header.protocol = RouteProtocol::Boot;
    msg.header.scope = RouteScope::Universe;
    msg.header.kind = RouteType::Unicast;
    if let Some(dest) = dest {
        msg.header.destination_prefix_length = dest.prefix;
        msg.attributes
            .push(RouteAttribute::Destination(route_address(
                dest.network().addr,
            )));
    }
    msg.attributes
        .push(RouteAttribute::Gateway(route_address(via)));
    RouteNetlinkMessage::NewRoute(msg)
}

/// `RTM_DELROUTE` in the main table: the route to `dest`, or the default
/// route of the family of `v6`. No gateway: the kernel deletes the route
/// to that destination whatever it goes through.
pub(crate) fn del_route(dest: Option<Cidr>, v6: bool) -> RouteNetlinkMessage {
    let mut msg = RouteMessage::default();
    msg.header.address_family = if v6 {
        AddressFamily::Inet6
    } else {
        AddressFamily::Inet
    };
    msg.header.table = RouteHeader::RT_TABLE_MAIN;
    msg.header.scope = RouteScope::NoWhere;
    if let Some(dest) = dest {
        msg.header.destination_prefix_length = dest.prefix;
        msg.attributes
            .push(RouteAttribute::Destination(route_address(
                dest.network().addr,
            )));
    }
    RouteNetlinkMessage::DelRoute(msg)
}

/// `RTM_GETROUTE` dump of every route, both families, every table.
pub(crate) fn dump_routes() -> RouteNetlinkMessage {
    RouteNetlinkMessage::GetRoute(RouteMessage::default())
}

/// `RTM_GETROUTE` dump of every IPv6 route, every table.
pub(crate) fn dump_ipv6_routes() -> RouteNetlinkMessage {
    let mut msg = RouteMessage::default();
    msg.header.address_family = AddressFamily::Inet6;
    RouteNetlinkMessage::GetRoute(msg)
}

/// `RT_TABLE_LOCAL`: where the kernel puts the route of each local address.
pub(crate) const RT_TABLE_LOCAL: u32 = 255;

impl RouteStatus {
    /// Whether this is the route the kernel adds for local address `addr`
    /// once the address is ready to receive (for IPv6: after duplicate
    /// address detection, or at once with `IFA_F_NODAD`, but asynchronously).
    pub(crate) fn is_local_route_of(&self, addr: IpAddr) -> bool {
        self.table == RT_TABLE_LOCAL
            && self.kind == RouteType::Local
            && self.dest
                == Some(Cidr {
                    addr,
                    prefix: if addr.is_ipv4() { 32 } else { 128 },
                })
    }
}

fn route_address(ip: IpAddr) -> RouteAddress {
    match ip {
        IpAddr::V4(ip) => RouteAddress::Inet(ip),
        IpAddr::V6(ip) => RouteAddress::Inet6(ip),
    }
}

/// What we read of a route from an `RTM_NEWROUTE` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteStatus {
    /// Routing table.
    pub(crate) table: u32,
    /// `RTN_UNICAST`, `RTN_LOCAL`, ...
    pub(crate) kind: RouteType,
    /// `proto kernel` for the prefix routes the kernel adds with addresses.
    pub(crate) protocol: RouteProtocol,
    /// Destination; `None` for a default route.
    pub(crate) dest: Option<Cidr>,
    /// `RTA_GATEWAY`.
    pub(crate) gateway: Option<IpAddr>,
    /// `RTA_OIF`: the outgoing link.
    pub(crate) oif: Option<u32>,
    /// Has several next hops (`RTA_MULTIPATH`).
    pub(crate) multipath: bool,
}

/// Decodes the payload of an `RTM_NEWROUTE` message.
pub(crate) fn parse_route(payload: &[u8]) -> Result<RouteStatus, String> {
    let header = RouteHeader::parse(payload).map_err(|e| e.to_string())?;
    let mut route = RouteStatus {
        table: u32::from(header.table),
        kind: header.kind,
        protocol: header.protocol,
        dest: None,
        gateway: None,
        oif: None,
        multipath: false,
    };
    for nla in NlasIterator::new(payload.get(RTMSG_LEN..).unwrap_or(&[])) {
        let nla = nla.map_err(|e| e.to_string())?;
        let value = nla.value();
        match nla.kind() {
            RTA_DST => {
                route.dest = ip_of(value).map(|addr| Cidr {
                    addr,
                    prefix: header.destination_prefix_length,
                })
            }
            RTA_GATEWAY => route.gateway = ip_of(value),
            RTA_OIF => route.oif = Some(u32_of(value)?),
            RTA_TABLE => route.table = u32_of(value)?,
            RTA_MULTIPATH => route.multipath = true,
            _ => {}
        }
    }
    Ok(route)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::socket::encode;
    use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

    #[test]
    fn a_route_to_a_prefix_via_a_gateway_clears_host_bits() {
        let dest = Cidr {
            addr: "10.1.0.7".parse().expect("ip"),
            prefix: 16,
        };
        let bytes = encode(
            new_route(Some(dest), "10.0.0.1".parse().expect("ip")),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x2c, 0x00, 0x00, 0x00, // length 44
            0x18, 0x00,             // type RTM_NEWROUTE (24)
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // rtmsg
            0x02,                   // family AF_INET
            0x10,                   // destination prefix length 16
            0x00,                   // source prefix length 0
            0x00,                   // tos 0
            0xfe,                   // table RT_TABLE_MAIN (254)
            0x03,                   // protocol RTPROT_BOOT
            0x00,                   // scope RT_SCOPE_UNIVERSE
            0x01,                   // type RTN_UNICAST
            0x00, 0x00, 0x00, 0x00, // flags 0
            // RTA_DST 10.1.0.0
            0x08, 0x00, 0x01, 0x00, // len 8, type RTA_DST
            10, 1, 0, 0,            // 10.1.0.0 (host bits cleared)
            // RTA_GATEWAY 10.0.0.1
            0x08, 0x00, 0x05, 0x00, // len 8, type RTA_GATEWAY
            10, 0, 0, 1,            // 10.0.0.1
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_default_ipv6_route_has_no_destination() {
        let bytes = encode(
            new_route(None, "fd00::1".parse().expect("ip")),
            NLM_F_CREATE | NLM_F_EXCL,
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x30, 0x00, 0x00, 0x00, // length 48
            0x18, 0x00,             // type RTM_NEWROUTE
            0x05, 0x06,             // flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // rtmsg
            0x0a,                   // family AF_INET6
            0x00,                   // destination prefix length 0: default
            0x00, 0x00,             // source prefix length, tos
            0xfe,                   // table RT_TABLE_MAIN
            0x03,                   // protocol RTPROT_BOOT
            0x00,                   // scope RT_SCOPE_UNIVERSE
            0x01,                   // type RTN_UNICAST
            0x00, 0x00, 0x00, 0x00, // flags 0
            // RTA_GATEWAY fd00::1
            0x14, 0x00, 0x05, 0x00, // len 20, type RTA_GATEWAY
            0xfd, 0x00, 0x00, 0x00, // fd00:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x00, // 0000:0000:
            0x00, 0x00, 0x00, 0x01, // 0000:0001
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn deleting_a_route_names_its_destination_only() {
        let dest = Cidr {
            addr: "10.1.0.0".parse().expect("ip"),
            prefix: 16,
        };
        let bytes = encode(del_route(Some(dest), false), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x24, 0x00, 0x00, 0x00, // length 36
            0x19, 0x00,             // type RTM_DELROUTE (25)
            0x05, 0x00,             // flags REQUEST|ACK
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // rtmsg
            0x02,                   // family AF_INET
            0x10,                   // destination prefix length 16
            0x00,                   // source prefix length 0
            0x00,                   // tos 0
            0xfe,                   // table RT_TABLE_MAIN (254)
            0x00,                   // protocol RTPROT_UNSPEC: any
            0xff,                   // scope RT_SCOPE_NOWHERE: any
            0x00,                   // type RTN_UNSPEC: any
            0x00, 0x00, 0x00, 0x00, // flags 0
            // RTA_DST 10.1.0.0
            0x08, 0x00, 0x01, 0x00, // len 8, type RTA_DST
            10, 1, 0, 0,            // 10.1.0.0
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn deleting_the_default_ipv6_route_names_no_destination() {
        let bytes = encode(del_route(None, true), 0);
        assert_eq!(bytes.len(), 28, "nlmsghdr and rtmsg only");
        assert_eq!(&bytes[4..6], &[0x19, 0x00], "type RTM_DELROUTE");
        assert_eq!(bytes[16], 0x0a, "family AF_INET6");
        assert_eq!(bytes[17], 0x00, "destination prefix length 0: default");
    }

    #[test]
    fn an_ipv6_route_dump_request() {
        let bytes = encode(dump_ipv6_routes(), 0);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x1c, 0x00, 0x00, 0x00, // length 28
            0x1a, 0x00,             // type RTM_GETROUTE (26)
            0x05, 0x00,             // flags REQUEST|ACK (as queued; `dump` sends REQUEST|DUMP)
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // rtmsg
            0x0a,                   // family AF_INET6
            0x00, 0x00, 0x00,       // prefix lengths, tos: any
            0x00,                   // table RT_TABLE_UNSPEC: all
            0x00, 0x00, 0x00,       // protocol, scope, type: any
            0x00, 0x00, 0x00, 0x00, // flags 0
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn the_local_route_of_an_ipv6_address_is_recognised() {
        let addr: IpAddr = "fd00::2".parse().expect("ip");
        let route = RouteStatus {
            table: RT_TABLE_LOCAL,
            kind: RouteType::Local,
            protocol: RouteProtocol::Kernel,
            dest: Some(Cidr { addr, prefix: 128 }),
            gateway: None,
            oif: Some(1001),
            multipath: false,
        };
        assert!(route.is_local_route_of(addr));
        assert!(!route.is_local_route_of("fd00::3".parse().expect("ip")));
    }

    #[test]
    fn a_route_message_decodes() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            0x02, 0x18, 0x00, 0x00, // AF_INET, dst /24, src /0, tos 0
            0xfe, 0x02, 0xfd, 0x01, // table main, proto kernel, scope link, unicast
            0x00, 0x00, 0x00, 0x00, // flags
            0x08, 0x00, 0x0f, 0x00, // RTA_TABLE
            0xfe, 0x00, 0x00, 0x00, // 254
            0x08, 0x00, 0x01, 0x00, // RTA_DST
            10, 0, 0, 0,            // 10.0.0.0
            0x08, 0x00, 0x04, 0x00, // RTA_OIF
            0xe8, 0x03, 0x00, 0x00, // 1000
        ];
        assert_eq!(
            parse_route(&payload),
            Ok(RouteStatus {
                table: 254,
                kind: RouteType::Unicast,
                protocol: RouteProtocol::Kernel,
                dest: Some(Cidr {
                    addr: "10.0.0.0".parse().expect("ip"),
                    prefix: 24
                }),
                gateway: None,
                oif: Some(1000),
                multipath: false,
            })
        );
    }
}
