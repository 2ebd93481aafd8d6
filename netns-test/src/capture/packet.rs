//! The captured frame users get from `Net::packets()`, and the small parsed
//! view of its IP header they assert on. Pure: parsing never panics, whatever
//! the bytes (frames may be cut at the snap length, or simply malformed).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Length of an Ethernet header without a VLAN tag.
const ETH_HLEN: usize = 14;
/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_ARP`.
const ETH_P_ARP: u16 = 0x0806;
/// `ETH_P_8021Q`: a VLAN tag, then the real ethertype.
const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_P_IPV6`.
const ETH_P_IPV6: u16 = 0x86dd;

/// `IPPROTO_ICMP`.
const IPPROTO_ICMP: u8 = 1;
/// `IPPROTO_TCP`.
const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
const IPPROTO_UDP: u8 = 17;
/// `IPPROTO_ICMPV6`.
const IPPROTO_ICMPV6: u8 = 58;
/// IPv6 extension headers skipped to reach the upper-layer protocol.
const IPPROTO_HOPOPTS: u8 = 0;
/// `IPPROTO_ROUTING`.
const IPPROTO_ROUTING: u8 = 43;
/// `IPPROTO_FRAGMENT`.
const IPPROTO_FRAGMENT: u8 = 44;
/// `IPPROTO_DSTOPTS`.
const IPPROTO_DSTOPTS: u8 = 60;

/// TCP flag bits, in the order tcpdump prints them, with its letters.
const TCP_FLAG_NAMES: [(u8, char); 8] = [
    (0x01, 'F'),
    (0x02, 'S'),
    (0x04, 'R'),
    (0x08, 'P'),
    (0x10, '.'),
    (0x20, 'U'),
    (0x40, 'E'),
    (0x80, 'W'),
];
/// `TH_SYN`.
const TCP_SYN: u8 = 0x02;
/// `TH_ACK`.
const TCP_ACK: u8 = 0x10;

/// Which way a frame crossed its interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Received by the interface.
    In,
    /// Sent by the interface.
    Out,
}

/// One captured frame: where and when it was seen, and its bytes.
///
/// [`Packet::ip`] parses the IP header (and the TCP/UDP ports, TCP flags or
/// ICMP type) so that tests assert on traffic without parsing bytes:
///
/// ```no_run
/// # use netns_test::Net;
/// # fn body(net: &Net) {
/// // The client opened a connection to port 80.
/// assert!(net
///     .packets()
///     .iter()
///     .any(|p| p.ip().is_some_and(|ip| ip.is_syn() && ip.dst_port == Some(80))));
/// # }
/// ```
///
/// Its `Display` is one line, as tcpdump prints it:
/// `+0.001234s r1:eth1 out 10.0.0.5:43210 > 10.1.0.2:80 TCP [S] len 74`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    node: String,
    interface: String,
    direction: Direction,
    time: Duration,
    bytes: Vec<u8>,
    original_len: u32,
}

impl Packet {
    /// A frame seen by `interface` of `node` at `time` since the test
    /// started; `bytes` may be shorter than `original_len`.
    pub(crate) fn new(
        node: String,
        interface: String,
        direction: Direction,
        time: Duration,
        bytes: Vec<u8>,
        original_len: u32,
    ) -> Packet {
        Packet {
            node,
            interface,
            direction,
            time,
            bytes,
            original_len,
        }
    }

    /// The node (namespace) that saw the frame: `"host"` for the host.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The interface that saw the frame, e.g. `"eth0"`.
    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// Whether the interface received or sent the frame.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// When the frame was seen, since the test started.
    pub fn time(&self) -> Duration {
        self.time
    }

    /// The Ethernet frame as captured: cut at the capture's snap length
    /// when [`original_len`](Packet::original_len) is larger.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The frame's length on the wire.
    pub fn original_len(&self) -> u32 {
        self.original_len
    }

    /// The IP packet in the frame: `None` unless the frame is IPv4 or IPv6
    /// over Ethernet (with at most one 802.1Q VLAN tag) and the IP header
    /// was captured whole.
    pub fn ip(&self) -> Option<IpView> {
        let ethernet = Ethernet::parse(&self.bytes)?;
        IpView::parse(ethernet.ethertype, ethernet.payload)
    }
}

/// A small parsed view of an IP packet: enough to assert on traffic.
///
/// The transport fields are `None` when the protocol does not have them or
/// their bytes were not captured (a cut frame, or a fragment other than the
/// first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpView {
    /// The source address.
    pub src: IpAddr,
    /// The destination address.
    pub dst: IpAddr,
    /// The upper-layer protocol (`IPPROTO_*`: 1 ICMP, 6 TCP, 17 UDP, 58
    /// ICMPv6). For IPv6, after the hop-by-hop, routing, destination
    /// options and fragment headers; the last header read if the chain
    /// was cut.
    pub protocol: u8,
    /// The TCP or UDP source port.
    pub src_port: Option<u16>,
    /// The TCP or UDP destination port.
    pub dst_port: Option<u16>,
    /// The TCP flags byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10.
    pub tcp_flags: Option<u8>,
    /// The ICMP type (ICMPv6 for IPv6), e.g. 8 for an IPv4 echo request.
    pub icmp_type: Option<u8>,
}

impl IpView {
    /// Whether this is TCP.
    pub fn is_tcp(&self) -> bool {
        self.protocol == IPPROTO_TCP
    }

    /// Whether this is UDP.
    pub fn is_udp(&self) -> bool {
        self.protocol == IPPROTO_UDP
    }

    /// Whether this opens a TCP connection: SYN set, ACK clear.
    pub fn is_syn(&self) -> bool {
        self.is_tcp()
            && self
                .tcp_flags
                .is_some_and(|f| f & TCP_SYN != 0 && f & TCP_ACK == 0)
    }

    /// The view of the IP packet `payload` carried with `ethertype`.
    fn parse(ethertype: u16, payload: &[u8]) -> Option<IpView> {
        match ethertype {
            ETH_P_IP => IpView::parse_v4(payload),
            ETH_P_IPV6 => IpView::parse_v6(payload),
            _ => None,
        }
    }

    fn parse_v4(packet: &[u8]) -> Option<IpView> {
        let first = *packet.first()?;
        let header_len = usize::from(first & 0x0f) * 4;
        if first >> 4 != 4 || header_len < 20 || packet.len() < header_len {
            return None;
        }
        let src = Ipv4Addr::from(array::<4>(packet, 12)?);
        let dst = Ipv4Addr::from(array::<4>(packet, 16)?);
        let protocol = packet[9];
        let fragment_offset = be16(packet, 6)? & 0x1fff;
        // The total length bounds the payload (Ethernet pads short frames);
        // 0 or less than the header (a GSO super-packet) means "all of it".
        let total_len = usize::from(be16(packet, 2)?);
        let end = if total_len >= header_len {
            total_len.min(packet.len())
        } else {
            packet.len()
        };
        let transport = if fragment_offset == 0 {
            &packet[header_len..end]
        } else {
            &[]
        };
        Some(IpView::with_transport(
            src.into(),
            dst.into(),
            protocol,
            IPPROTO_ICMP,
            transport,
        ))
    }

    fn parse_v6(packet: &[u8]) -> Option<IpView> {
        if packet.first()? >> 4 != 6 || packet.len() < 40 {
            return None;
        }
        let src = Ipv6Addr::from(array::<16>(packet, 8)?);
        let dst = Ipv6Addr::from(array::<16>(packet, 24)?);
        let payload_len = usize::from(be16(packet, 4)?);
        // A payload length of 0 is a jumbogram (or a GSO super-packet).
        let end = match payload_len {
            0 => packet.len(),
            n => (40 + n).min(packet.len()),
        };
        let mut rest = &packet[40..end];
        let mut protocol = packet[6];
        let mut first_fragment = true;
        loop {
            let header_len = match protocol {
                IPPROTO_HOPOPTS | IPPROTO_ROUTING | IPPROTO_DSTOPTS => {
                    rest.get(1).map(|&n| (usize::from(n) + 1) * 8)
                }
                IPPROTO_FRAGMENT => {
                    if let Some(offset) = be16(rest, 2) {
                        first_fragment = offset >> 3 == 0;
                    }
                    Some(8)
                }
                _ => break,
            };
            match (header_len, rest.first()) {
                (Some(len), Some(&next)) if rest.len() >= len => {
                    protocol = next;
                    rest = &rest[len..];
                }
                // The chain was cut: the upper layer is out of reach.
                _ => {
                    rest = &[];
                    break;
                }
            }
        }
        let transport = if first_fragment { rest } else { &[] };
        Some(IpView::with_transport(
            src.into(),
            dst.into(),
            protocol,
            IPPROTO_ICMPV6,
            transport,
        ))
    }

    /// The view with what `transport` (the upper-layer header, possibly
    /// cut) tells; `icmp` is the ICMP protocol number of the IP version.
    fn with_transport(
        src: IpAddr,
        dst: IpAddr,
        protocol: u8,
        icmp: u8,
        transport: &[u8],
    ) -> IpView {
        let mut view = IpView {
            src,
            dst,
            protocol,
            src_port: None,
            dst_port: None,
            tcp_flags: None,
            icmp_type: None,
        };
        match protocol {
            IPPROTO_TCP | IPPROTO_UDP => {
                if let (Some(src), Some(dst)) = (be16(transport, 0), be16(transport, 2)) {
                    view.src_port = Some(src);
                    view.dst_port = Some(dst);
                }
                if protocol == IPPROTO_TCP {
                    view.tcp_flags = transport.get(13).copied();
                }
            }
            p if p == icmp => view.icmp_type = transport.first().copied(),
            _ => {}
        }
        view
    }
}

/// An Ethernet header, past its VLAN tag if it has one.
struct Ethernet<'a> {
    /// The VLAN ID of an 802.1Q tag.
    vlan: Option<u16>,
    /// The ethertype of the payload.
    ethertype: u16,
    /// What follows the header.
    payload: &'a [u8],
}

impl Ethernet<'_> {
    fn parse(frame: &[u8]) -> Option<Ethernet<'_>> {
        let ethertype = be16(frame, 12)?;
        if ethertype == ETH_P_8021Q {
            return Some(Ethernet {
                vlan: Some(be16(frame, 14)? & 0x0fff),
                ethertype: be16(frame, 16)?,
                payload: frame.get(ETH_HLEN + 4..)?,
            });
        }
        Some(Ethernet {
            vlan: None,
            ethertype,
            payload: frame.get(ETH_HLEN..)?,
        })
    }
}

/// The `N` bytes at `at`, if there are that many.
fn array<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// The big-endian `u16` at `at`.
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    array::<2>(bytes, at).map(u16::from_be_bytes)
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::In => "in",
            Direction::Out => "out",
        })
    }
}

impl fmt::Display for Packet {
    /// One line, as tcpdump prints it: time since the test started,
    /// `node:interface`, direction, addresses, protocol, wire length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "+{}.{:06}s {}:{} {} ",
            self.time.as_secs(),
            self.time.subsec_micros(),
            self.node,
            self.interface,
            self.direction
        )?;
        match Ethernet::parse(&self.bytes) {
            None => f.write_str("truncated Ethernet header")?,
            Some(ethernet) => {
                if let Some(vlan) = ethernet.vlan {
                    write!(f, "vlan {vlan} ")?;
                }
                match IpView::parse(ethernet.ethertype, ethernet.payload) {
                    Some(ip) => write_ip(f, &ip)?,
                    None if ethernet.ethertype == ETH_P_ARP => write_arp(f, ethernet.payload)?,
                    None if matches!(ethernet.ethertype, ETH_P_IP | ETH_P_IPV6) => write!(
                        f,
                        "ethertype {:#06x} (IP header cut or malformed)",
                        ethernet.ethertype
                    )?,
                    None => write!(f, "ethertype {:#06x}", ethernet.ethertype)?,
                }
            }
        }
        write!(f, " len {}", self.original_len)
    }
}

/// `src > dst PROTO details`, with the ports when there are some.
fn write_ip(f: &mut fmt::Formatter<'_>, ip: &IpView) -> fmt::Result {
    match (ip.src_port, ip.dst_port) {
        (Some(sport), Some(dport)) => write!(
            f,
            "{} > {}",
            SocketAddr::new(ip.src, sport),
            SocketAddr::new(ip.dst, dport)
        )?,
        _ => write!(f, "{} > {}", ip.src, ip.dst)?,
    }
    match ip.protocol {
        IPPROTO_TCP => {
            f.write_str(" TCP")?;
            if let Some(flags) = ip.tcp_flags {
                f.write_str(" [")?;
                if flags == 0 {
                    f.write_str("none")?;
                }
                for (bit, letter) in TCP_FLAG_NAMES {
                    if flags & bit != 0 {
                        write!(f, "{letter}")?;
                    }
                }
                f.write_str("]")?;
            }
            Ok(())
        }
        IPPROTO_UDP => f.write_str(" UDP"),
        _ => match (ip.src, ip.icmp_type) {
            (IpAddr::V4(_), Some(icmp_type)) => write!(f, " ICMP {}", icmp_name(icmp_type)),
            (IpAddr::V6(_), Some(icmp_type)) => write!(f, " ICMPv6 {}", icmpv6_name(icmp_type)),
            (IpAddr::V4(_), None) if ip.protocol == IPPROTO_ICMP => f.write_str(" ICMP"),
            (IpAddr::V6(_), None) if ip.protocol == IPPROTO_ICMPV6 => f.write_str(" ICMPv6"),
            _ => write!(f, " proto {}", ip.protocol),
        },
    }
}

/// An ICMP type by name, or `type N`.
fn icmp_name(icmp_type: u8) -> String {
    match icmp_type {
        0 => "echo reply".into(),
        3 => "destination unreachable".into(),
        8 => "echo request".into(),
        11 => "time exceeded".into(),
        n => format!("type {n}"),
    }
}

/// An ICMPv6 type by name, or `type N`.
fn icmpv6_name(icmp_type: u8) -> String {
    match icmp_type {
        1 => "destination unreachable".into(),
        3 => "time exceeded".into(),
        128 => "echo request".into(),
        129 => "echo reply".into(),
        133 => "router solicitation".into(),
        134 => "router advertisement".into(),
        135 => "neighbor solicitation".into(),
        136 => "neighbor advertisement".into(),
        n => format!("type {n}"),
    }
}

/// `ARP who-has B tell A` / `ARP reply B is-at MAC` for Ethernet/IPv4
/// ARP, else plain `ARP`.
fn write_arp(f: &mut fmt::Formatter<'_>, arp: &[u8]) -> fmt::Result {
    f.write_str("ARP")?;
    // htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4.
    if be16(arp, 0) != Some(1) || be16(arp, 2) != Some(ETH_P_IP) || arp.get(4..6) != Some(&[6, 4]) {
        return Ok(());
    }
    let (Some(sha), Some(spa), Some(tpa)) =
        (array::<6>(arp, 8), array::<4>(arp, 14), array::<4>(arp, 24))
    else {
        return Ok(());
    };
    let (spa, tpa) = (Ipv4Addr::from(spa), Ipv4Addr::from(tpa));
    match be16(arp, 6) {
        Some(1) => write!(f, " who-has {tpa} tell {spa}"),
        Some(2) => {
            let [a, b, c, d, e, g] = sha;
            write!(
                f,
                " reply {spa} is-at {a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}"
            )
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TCP SYN from 10.0.0.5:43210 to 10.1.0.2:80, as Linux sends it.
    #[rustfmt::skip]
    const TCP_SYN_V4: [u8; 74] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // destination MAC
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source MAC
        0x08, 0x00,                         // ethertype IPv4
        0x45, 0x00,                         // version 4, IHL 5; DSCP/ECN
        0x00, 0x3c,                         // total length 60
        0x12, 0x34, 0x40, 0x00,             // id; DF, fragment offset 0
        0x40, 0x06, 0x00, 0x00,             // TTL 64, protocol TCP, checksum
        10, 0, 0, 5,                        // source
        10, 1, 0, 2,                        // destination
        0xa8, 0xca, 0x00, 0x50,             // ports 43210 > 80
        0x00, 0x00, 0x00, 0x01,             // sequence
        0x00, 0x00, 0x00, 0x00,             // acknowledgment
        0xa0, 0x02, 0xfa, 0xf0,             // data offset 10, flags SYN, window
        0x00, 0x00, 0x00, 0x00,             // checksum, urgent pointer
        0x02, 0x04, 0x05, 0xb4,             // MSS 1460
        0x04, 0x02, 0x08, 0x0a,             // SACK permitted, timestamps
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00,
        0x01, 0x03, 0x03, 0x07,             // NOP, window scale 7
    ];

    /// An ICMPv6 echo request, behind a VLAN tag and a hop-by-hop header.
    #[rustfmt::skip]
    const PING_V6_VLAN_HOPOPTS: [u8; 74] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // destination MAC
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source MAC
        0x81, 0x00, 0x00, 0x64,             // 802.1Q, VLAN 100
        0x86, 0xdd,                         // ethertype IPv6
        0x60, 0x00, 0x00, 0x00,             // version 6
        0x00, 0x10, 0x00, 0x40,             // payload length 16, hop-by-hop, hop limit 64
        0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // source fd00::1
        0xfd, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, // destination fd00::2
        0x3a, 0x00,                         // hop-by-hop: next ICMPv6, length 8
        0x01, 0x04, 0x00, 0x00, 0x00, 0x00, // PadN
        0x80, 0x00, 0x00, 0x00,             // ICMPv6 echo request, code, checksum
        0x00, 0x07, 0x00, 0x01,             // id 7, sequence 1
    ];

    /// An ARP request: who has 10.0.0.2? Tell 10.0.0.1.
    #[rustfmt::skip]
    const ARP_REQUEST: [u8; 42] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source MAC
        0x08, 0x06,                         // ethertype ARP
        0x00, 0x01, 0x08, 0x00,             // Ethernet, IPv4
        0x06, 0x04, 0x00, 0x01,             // hlen 6, plen 4, request
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // sender MAC
        10, 0, 0, 1,                        // sender IP
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // target MAC
        10, 0, 0, 2,                        // target IP
    ];

    /// A UDP datagram 10.0.0.1:5353 > 10.0.0.2:53, padded to Ethernet's
    /// 60-byte minimum.
    #[rustfmt::skip]
    const UDP_V4_PADDED: [u8; 60] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // destination MAC
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source MAC
        0x08, 0x00,                         // ethertype IPv4
        0x45, 0x00, 0x00, 0x1d,             // IHL 5, total length 29
        0x00, 0x00, 0x00, 0x00,             // id, fragment offset 0
        0x40, 0x11, 0x00, 0x00,             // TTL 64, UDP, checksum
        10, 0, 0, 1,                        // source
        10, 0, 0, 2,                        // destination
        0x14, 0xe9, 0x00, 0x35,             // ports 5353 > 53
        0x00, 0x09, 0x00, 0x00,             // length 9, checksum
        0x2a,                               // payload
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // Ethernet padding
    ];

    fn packet(bytes: &[u8]) -> Packet {
        Packet::new(
            "r1".into(),
            "eth1".into(),
            Direction::Out,
            Duration::from_micros(1234),
            bytes.to_vec(),
            bytes.len() as u32,
        )
    }

    mod ip_should {
        use super::*;

        #[test]
        fn read_a_tcp_syn() {
            let ip = packet(&TCP_SYN_V4).ip().unwrap();
            assert_eq!(
                ip,
                IpView {
                    src: "10.0.0.5".parse().unwrap(),
                    dst: "10.1.0.2".parse().unwrap(),
                    protocol: 6,
                    src_port: Some(43210),
                    dst_port: Some(80),
                    tcp_flags: Some(0x02),
                    icmp_type: None,
                }
            );
            assert!(ip.is_tcp() && ip.is_syn() && !ip.is_udp());
        }

        #[test]
        fn not_call_a_syn_ack_a_syn() {
            let mut frame = TCP_SYN_V4;
            frame[14 + 20 + 13] = 0x12;
            let ip = packet(&frame).ip().unwrap();
            assert_eq!(ip.tcp_flags, Some(0x12));
            assert!(!ip.is_syn());
        }

        #[test]
        fn skip_a_vlan_tag_and_ipv6_extension_headers() {
            let ip = packet(&PING_V6_VLAN_HOPOPTS).ip().unwrap();
            assert_eq!(ip.src, "fd00::1".parse::<IpAddr>().unwrap());
            assert_eq!(ip.dst, "fd00::2".parse::<IpAddr>().unwrap());
            assert_eq!((ip.protocol, ip.icmp_type), (58, Some(128)));
            assert_eq!((ip.src_port, ip.tcp_flags), (None, None));
        }

        #[test]
        fn ignore_ethernet_padding() {
            let ip = packet(&UDP_V4_PADDED).ip().unwrap();
            assert!(ip.is_udp());
            assert_eq!((ip.src_port, ip.dst_port), (Some(5353), Some(53)));
        }

        #[test]
        fn give_no_ports_for_a_later_fragment() {
            let mut frame = TCP_SYN_V4;
            frame[14 + 6..14 + 8].copy_from_slice(&[0x00, 0xb9]); // offset 185 * 8
            let ip = packet(&frame).ip().unwrap();
            assert_eq!(ip.protocol, 6);
            assert_eq!((ip.src_port, ip.dst_port, ip.tcp_flags), (None, None, None));
        }

        #[test]
        fn give_no_ports_for_a_later_ipv6_fragment() {
            #[rustfmt::skip]
            let frame = [
                0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, // MACs
                0x86, 0xdd,                                     // IPv6
                0x60, 0, 0, 0, 0x00, 0x10, 0x2c, 0x40,          // payload 16, fragment, hop limit
                0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
                0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
                0x11, 0x00, 0x05, 0x28, 0, 0, 0, 1,             // next UDP, offset 165, id 1
                0x14, 0xe9, 0x00, 0x35, 0, 0, 0, 0,             // data, not a UDP header
            ];
            let ip = packet(&frame).ip().unwrap();
            assert_eq!((ip.protocol, ip.src_port), (17, None));
            let mut first = frame;
            first[14 + 40 + 2..14 + 40 + 4].copy_from_slice(&[0x00, 0x01]); // offset 0, MF
            let ip = packet(&first).ip().unwrap();
            assert_eq!((ip.protocol, ip.dst_port), (17, Some(53)));
        }

        #[test]
        fn keep_the_addresses_of_a_cut_transport_header() {
            let ip = packet(&TCP_SYN_V4[..14 + 20 + 4]).ip().unwrap();
            assert_eq!((ip.src_port, ip.dst_port), (Some(43210), Some(80)));
            assert_eq!(ip.tcp_flags, None);
            assert!(!ip.is_syn());
        }

        #[test]
        fn be_none_for_arp_and_cut_ip_headers() {
            assert_eq!(packet(&ARP_REQUEST).ip(), None);
            assert_eq!(packet(&TCP_SYN_V4[..14 + 19]).ip(), None);
            assert_eq!(packet(&PING_V6_VLAN_HOPOPTS[..18 + 39]).ip(), None);
        }
    }

    mod display_should {
        use super::*;

        #[test]
        fn print_tcp_like_tcpdump() {
            assert_eq!(
                packet(&TCP_SYN_V4).to_string(),
                "+0.001234s r1:eth1 out 10.0.0.5:43210 > 10.1.0.2:80 TCP [S] len 74"
            );
            let mut frame = TCP_SYN_V4;
            frame[14 + 20 + 13] = 0x19; // FIN PSH ACK
            assert!(packet(&frame).to_string().contains(" TCP [FP.] "));
        }

        #[test]
        fn print_udp_icmp_and_vlans() {
            assert_eq!(
                packet(&UDP_V4_PADDED).to_string(),
                "+0.001234s r1:eth1 out 10.0.0.1:5353 > 10.0.0.2:53 UDP len 60"
            );
            assert_eq!(
                packet(&PING_V6_VLAN_HOPOPTS).to_string(),
                "+0.001234s r1:eth1 out vlan 100 fd00::1 > fd00::2 ICMPv6 echo request len 74"
            );
        }

        #[test]
        fn print_ipv4_icmp_by_name_or_type() {
            let mut frame = UDP_V4_PADDED;
            frame[14 + 9] = 1; // ICMP
            frame[14 + 20] = 0; // echo reply
            assert!(packet(&frame)
                .to_string()
                .ends_with("10.0.0.1 > 10.0.0.2 ICMP echo reply len 60"));
            frame[14 + 20] = 8;
            assert!(packet(&frame)
                .to_string()
                .ends_with(" ICMP echo request len 60"));
            frame[14 + 20] = 13;
            assert!(packet(&frame).to_string().ends_with(" ICMP type 13 len 60"));
        }

        #[test]
        fn print_arp_and_other_ethertypes() {
            assert_eq!(
                packet(&ARP_REQUEST).to_string(),
                "+0.001234s r1:eth1 out ARP who-has 10.0.0.2 tell 10.0.0.1 len 42"
            );
            let mut reply = ARP_REQUEST;
            reply[21] = 2;
            assert!(packet(&reply)
                .to_string()
                .ends_with(" ARP reply 10.0.0.1 is-at 02:00:00:00:00:01 len 42"));
            assert!(packet(&ARP_REQUEST[..20])
                .to_string()
                .ends_with(" ARP len 20"));
            assert!(packet(&TCP_SYN_V4[..14 + 19])
                .to_string()
                .ends_with(" out ethertype 0x0800 (IP header cut or malformed) len 33"));
            assert!(packet(&TCP_SYN_V4[..13])
                .to_string()
                .ends_with(" out truncated Ethernet header len 13"));
            let mut lldp = ARP_REQUEST;
            lldp[12..14].copy_from_slice(&[0x88, 0xcc]);
            assert!(packet(&lldp)
                .to_string()
                .ends_with(" ethertype 0x88cc len 42"));
        }

        #[test]
        fn print_the_wire_length_of_a_cut_frame() {
            let cut = Packet::new(
                "host".into(),
                "br0".into(),
                Direction::In,
                Duration::from_secs(2),
                TCP_SYN_V4[..40].to_vec(),
                1514,
            );
            assert_eq!(
                cut.to_string(),
                "+2.000000s host:br0 in 10.0.0.5:43210 > 10.1.0.2:80 TCP len 1514"
            );
            assert_eq!(cut.original_len(), 1514);
            assert_eq!(cut.bytes().len(), 40);
        }
    }

    mod parsing_should_never_panic {
        use super::*;

        /// Parses and prints `bytes`, which must not panic.
        fn exercise(bytes: &[u8]) {
            let p = packet(bytes);
            let _ = p.ip();
            let _ = p.to_string();
        }

        #[test]
        fn on_any_prefix_of_a_real_frame() {
            let frames: [&[u8]; 4] = [
                &TCP_SYN_V4,
                &PING_V6_VLAN_HOPOPTS,
                &ARP_REQUEST,
                &UDP_V4_PADDED,
            ];
            for frame in frames {
                for len in 0..=frame.len() {
                    exercise(&frame[..len]);
                }
            }
        }

        #[test]
        fn on_random_bytes() {
            // xorshift64: deterministic, no dependency.
            let mut state = 0x2545_f491_4f6c_dd1d_u64;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            for _ in 0..20_000 {
                let len = (next() % 120) as usize;
                let mut frame: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                // Steer half of them into the IP, VLAN and ARP paths.
                let ethertypes: [[u8; 2]; 4] =
                    [[0x08, 0x00], [0x86, 0xdd], [0x81, 0x00], [0x08, 0x06]];
                let r = next();
                if len >= 15 && r % 2 == 0 {
                    frame[12..14].copy_from_slice(&ethertypes[(r / 2 % 4) as usize]);
                    frame[14] = if r % 3 == 0 { 0x45 } else { 0x60 };
                }
                exercise(&frame);
            }
        }

        #[test]
        fn on_a_long_chain_of_ipv6_extension_headers() {
            let mut frame = PING_V6_VLAN_HOPOPTS[..18 + 40].to_vec();
            frame[18 + 4..18 + 6].copy_from_slice(&[0, 0]); // payload length 0: all of it
            for _ in 0..1000 {
                frame.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]); // dest-opts, 8 bytes
            }
            let ip = packet(&frame).ip().unwrap();
            assert_eq!(ip.protocol, 60);
        }
    }
}
