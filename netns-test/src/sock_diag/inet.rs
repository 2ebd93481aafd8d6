//! Internet sockets, TCP and UDP over IPv4 and IPv6, read with
//! `SOCK_DIAG_BY_FAMILY` requests to the kernel's `inet_diag`: what
//! `ss -tuan` shows.
//!
//! The request is a `struct inet_diag_req_v2` with no socket id (a dump of
//! every socket) and every state bit set; each reply is a
//! `struct inet_diag_msg`, of which we read state, addresses, ports, bound
//! interface, timer and queues. Attributes after it are not asked for
//! (`idiag_ext` 0) and the few the kernel adds anyway are skipped.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::error::DiagError;
use super::socket::SockDiag;

/// `SOCK_DIAG_BY_FAMILY`: the request and reply type.
pub(crate) const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `AF_INET`
const AF_INET: u8 = 2;
/// `AF_INET6`
const AF_INET6: u8 = 10;
/// `IPPROTO_TCP`
const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`
const IPPROTO_UDP: u8 = 17;
/// `idiag_states` asking for every state: bit `n` is `TCP_*` state `n`.
const ALL_STATES: u32 = u32::MAX;
/// Size of `struct inet_diag_req_v2`.
const REQ_LEN: usize = 56;
/// Size of `struct inet_diag_msg`.
const MSG_LEN: usize = 72;
/// `TCP_SYN_SENT`
const TCP_SYN_SENT: u8 = 2;
/// `TCP_LISTEN`
const TCP_LISTEN: u8 = 10;
/// `idiag_timer` of a socket whose retransmit timer runs (SYNs too).
const TIMER_RETRANSMIT: u8 = 1;
/// `idiag_timer` of a socket probing a zero window.
const TIMER_PROBE: u8 = 4;

/// A transport protocol `inet_diag` can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// Its name as `ss` prints it in the `Netid` column.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    fn number(self) -> u8 {
        match self {
            Protocol::Tcp => IPPROTO_TCP,
            Protocol::Udp => IPPROTO_UDP,
        }
    }
}

/// What we read of one socket from a `struct inet_diag_msg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketStatus {
    /// The protocol the request asked for (the reply does not repeat it).
    pub(crate) protocol: Protocol,
    /// `idiag_state`: a `TCP_*` state (UDP uses `TCP_CLOSE` and
    /// `TCP_ESTABLISHED` too).
    pub(crate) state: u8,
    /// Local address and port.
    pub(crate) local: SocketAddr,
    /// Peer address and port; unspecified and 0 when not connected.
    pub(crate) peer: SocketAddr,
    /// `idiag_if`: the interface the socket is bound to, 0 for none.
    pub(crate) ifindex: u32,
    /// `idiag_timer`: which timer runs (1 retransmit, 2 keepalive,
    /// 3 TIME-WAIT, 4 zero-window probe).
    pub(crate) timer: u8,
    /// `idiag_retrans`: retransmissions so far (SYNs of a connect too).
    pub(crate) retrans: u8,
    /// `idiag_rqueue`: bytes not yet read (TCP data, UDP datagrams), or
    /// for a listener the connections not yet accepted.
    pub(crate) recv_q: u32,
    /// `idiag_wqueue`: bytes not yet acknowledged or sent, or for a listener
    /// its backlog.
    pub(crate) send_q: u32,
}

impl SocketStatus {
    /// The state as `ss` names it: `ESTAB`, `SYN-SENT`, `LISTEN`, `UNCONN`...
    pub(crate) fn state_name(&self) -> &'static str {
        match self.state {
            1 => "ESTAB",
            TCP_SYN_SENT => "SYN-SENT",
            // 12 is TCP_NEW_SYN_RECV, a request not yet a socket.
            3 | 12 => "SYN-RECV",
            4 => "FIN-WAIT-1",
            5 => "FIN-WAIT-2",
            6 => "TIME-WAIT",
            7 => "UNCONN",
            8 => "CLOSE-WAIT",
            9 => "LAST-ACK",
            TCP_LISTEN => "LISTEN",
            11 => "CLOSING",
            // 13, TCP_BOUND_INACTIVE, is only a filter bit: the kernel
            // reports a socket bound but neither listening nor connected
            // as TCP_CLOSE, `UNCONN`.
            _ => "UNKNOWN",
        }
    }

    /// A TCP listener, whose queues count connections, not bytes.
    pub(crate) fn is_listening(&self) -> bool {
        self.state == TCP_LISTEN
    }

    /// A TCP connect waiting for the SYN-ACK, whose send queue is its SYN.
    pub(crate) fn is_connecting(&self) -> bool {
        self.state == TCP_SYN_SENT
    }

    /// Retransmissions worth showing: while the retransmit or probe timer runs.
    pub(crate) fn retransmissions(&self) -> Option<u8> {
        let retrying = matches!(self.timer, TIMER_RETRANSMIT | TIMER_PROBE);
        (retrying && self.retrans > 0).then_some(self.retrans)
    }
}

/// The payload of a `SOCK_DIAG_BY_FAMILY` dump of every `protocol` socket
/// of `family` (`AF_INET` or `AF_INET6`) in every state.
pub(crate) fn dump_request(family: u8, protocol: Protocol) -> [u8; REQ_LEN] {
    let mut req = [0u8; REQ_LEN];
    req[0] = family; // sdiag_family
    req[1] = protocol.number(); // sdiag_protocol
                                // req[2]: idiag_ext 0, no extensions; req[3]: pad
    req[4..8].copy_from_slice(&ALL_STATES.to_ne_bytes()); // idiag_states
                                                          // req[8..56]: struct inet_diag_sockid, all zero: no port, address,
                                                          // interface or cookie to match, so every socket.
    req
}

/// Decodes the payload of a `SOCK_DIAG_BY_FAMILY` reply to a dump of
/// `protocol` sockets.
pub(crate) fn parse_socket(protocol: Protocol, payload: &[u8]) -> Result<SocketStatus, String> {
    let msg = payload.get(..MSG_LEN).ok_or_else(|| {
        format!(
            "inet_diag_msg of {} bytes, expected {MSG_LEN}",
            payload.len()
        )
    })?;
    let u16_be = |at: usize| u16::from_be_bytes([msg[at], msg[at + 1]]);
    let u32_ne = |at: usize| u32::from_ne_bytes([msg[at], msg[at + 1], msg[at + 2], msg[at + 3]]);
    let ip = |at: usize| -> Result<IpAddr, String> {
        match msg[0] {
            AF_INET => Ok(IpAddr::V4(Ipv4Addr::new(
                msg[at],
                msg[at + 1],
                msg[at + 2],
                msg[at + 3],
            ))),
            AF_INET6 => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(&msg[at..at + 16]);
                Ok(IpAddr::V6(Ipv6Addr::from(octets)))
            }
            family => Err(format!("inet_diag_msg of address family {family}")),
        }
    };
    Ok(SocketStatus {
        protocol,
        state: msg[1],
        timer: msg[2],
        retrans: msg[3],
        local: SocketAddr::new(ip(8)?, u16_be(4)),
        peer: SocketAddr::new(ip(24)?, u16_be(6)),
        ifindex: u32_ne(40),
        // 44..52 cookie, 52..56 expires
        recv_q: u32_ne(56),
        send_q: u32_ne(60),
        // 64..68 uid, 68..72 inode
    })
}

/// The sockets of the calling thread's network namespace, and what could
/// not be read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct SocketDump {
    /// Sorted by protocol, local address, peer address, interface, state.
    pub(crate) sockets: Vec<SocketStatus>,
    /// One per distinct failure; a protocol that failed is missing above.
    pub(crate) errors: Vec<DiagError>,
}

/// Reads every TCP and UDP socket, IPv4 and IPv6, of the calling thread's
/// network namespace. Never fails as a whole: what cannot be read is listed
/// in [`SocketDump::errors`].
pub(crate) fn read_sockets() -> SocketDump {
    let mut dump = SocketDump::default();
    let mut diag = match SockDiag::open() {
        Ok(diag) => diag,
        Err(err) => {
            dump.errors.push(err);
            return dump;
        }
    };
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        for family in [AF_INET, AF_INET6] {
            let found = &mut dump.sockets;
            let result = diag.dump(
                SOCK_DIAG_BY_FAMILY,
                &dump_request(family, protocol),
                "dump",
                |payload| {
                    found.push(parse_socket(protocol, payload)?);
                    Ok(())
                },
            );
            if let Err(err) = result {
                let err = err.for_protocol(protocol.name());
                if !dump.errors.contains(&err) {
                    dump.errors.push(err);
                }
            }
        }
    }
    dump.sockets.sort_by_key(|s| {
        (
            s.protocol,
            s.local.ip(),
            s.local.port(),
            s.peer.ip(),
            s.peer.port(),
            s.ifindex,
            s.state,
        )
    });
    dump
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sock_diag::socket::encode;
    use netlink_packet_core::{NLM_F_DUMP, NLM_F_REQUEST};

    #[test]
    fn a_dump_of_ipv4_tcp_sockets_asks_for_every_state() {
        let bytes = encode(
            SOCK_DIAG_BY_FAMILY,
            NLM_F_REQUEST | NLM_F_DUMP,
            1,
            &dump_request(AF_INET, Protocol::Tcp),
        );
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x48, 0x00, 0x00, 0x00, // length 72
            0x14, 0x00,             // type SOCK_DIAG_BY_FAMILY (20)
            0x01, 0x03,             // flags REQUEST|DUMP
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // inet_diag_req_v2
            0x02,                   // sdiag_family AF_INET
            0x06,                   // sdiag_protocol IPPROTO_TCP
            0x00,                   // idiag_ext: no extensions
            0x00,                   // pad
            0xff, 0xff, 0xff, 0xff, // idiag_states: every state
            // inet_diag_sockid: nothing to match, so every socket
            0x00, 0x00,             // idiag_sport: any
            0x00, 0x00,             // idiag_dport: any
            0x00, 0x00, 0x00, 0x00, // idiag_src: any
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // idiag_dst: any
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // idiag_if: any interface
            0x00, 0x00, 0x00, 0x00, // idiag_cookie: ignored by dumps
            0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn a_dump_of_ipv6_udp_sockets_names_family_and_protocol() {
        let bytes = encode(
            SOCK_DIAG_BY_FAMILY,
            NLM_F_REQUEST | NLM_F_DUMP,
            1,
            &dump_request(AF_INET6, Protocol::Udp),
        );
        #[rustfmt::skip]
        let expected_head: Vec<u8> = vec![
            // nlmsghdr
            0x48, 0x00, 0x00, 0x00, // length 72
            0x14, 0x00,             // type SOCK_DIAG_BY_FAMILY (20)
            0x01, 0x03,             // flags REQUEST|DUMP
            0x01, 0x00, 0x00, 0x00, // seq 1
            0x00, 0x00, 0x00, 0x00, // port id 0
            // inet_diag_req_v2
            0x0a,                   // sdiag_family AF_INET6
            0x11,                   // sdiag_protocol IPPROTO_UDP (17)
            0x00,                   // idiag_ext: no extensions
            0x00,                   // pad
            0xff, 0xff, 0xff, 0xff, // idiag_states: every state
        ];
        assert_eq!(bytes[..24], expected_head[..]);
        // inet_diag_sockid: 48 zero bytes, every socket
        assert_eq!(bytes[24..], [0u8; 48][..]);
    }

    #[test]
    fn an_ipv4_connect_in_syn_sent_decodes_with_its_peer_and_retransmissions() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            // inet_diag_msg
            0x02,                   // idiag_family AF_INET
            0x02,                   // idiag_state TCP_SYN_SENT
            0x01,                   // idiag_timer: retransmit
            0x02,                   // idiag_retrans: 2
            0xa0, 0x00,             // idiag_sport 40960 (big-endian)
            0x00, 0x50,             // idiag_dport 80 (big-endian)
            10, 0, 0, 1,            // idiag_src 10.0.0.1
            0x00, 0x00, 0x00, 0x00, // (rest of the 16 bytes unused for IPv4)
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            10, 0, 0, 9,            // idiag_dst 10.0.0.9
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // idiag_if 0: not bound to an interface
            0x11, 0x22, 0x33, 0x44, // idiag_cookie
            0x55, 0x66, 0x77, 0x88,
            0xe8, 0x03, 0x00, 0x00, // idiag_expires 1000 ms
            0x00, 0x00, 0x00, 0x00, // idiag_rqueue 0
            0x00, 0x00, 0x00, 0x00, // idiag_wqueue 0
            0x00, 0x00, 0x00, 0x00, // idiag_uid 0
            0x39, 0x30, 0x00, 0x00, // idiag_inode 12345
            // INET_DIAG_SHUTDOWN, which the kernel always adds and we skip
            0x05, 0x00, 0x08, 0x00, // len 5, type 8
            0x00, 0x00, 0x00, 0x00, // 0, padding
        ];
        let socket = parse_socket(Protocol::Tcp, &payload);
        assert_eq!(
            socket,
            Ok(SocketStatus {
                protocol: Protocol::Tcp,
                state: 2,
                local: "10.0.0.1:40960".parse().expect("address"),
                peer: "10.0.0.9:80".parse().expect("address"),
                ifindex: 0,
                timer: 1,
                retrans: 2,
                recv_q: 0,
                send_q: 0,
            })
        );
        let socket = socket.expect("decoded");
        assert_eq!(socket.state_name(), "SYN-SENT");
        assert_eq!(socket.retransmissions(), Some(2));
    }

    #[test]
    fn an_ipv6_udp_socket_bound_to_an_interface_decodes_unconnected() {
        #[rustfmt::skip]
        let payload: Vec<u8> = vec![
            // inet_diag_msg
            0x0a,                   // idiag_family AF_INET6
            0x07,                   // idiag_state TCP_CLOSE: not connected
            0x00,                   // idiag_timer: none
            0x00,                   // idiag_retrans
            0x00, 0x35,             // idiag_sport 53
            0x00, 0x00,             // idiag_dport 0: none
            0xfd, 0x00, 0x00, 0x00, // idiag_src fd00::2
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x02,
            0x00, 0x00, 0x00, 0x00, // idiag_dst :: (none)
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0xe8, 0x03, 0x00, 0x00, // idiag_if 1000
            0x00, 0x00, 0x00, 0x00, // idiag_cookie
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, // idiag_expires
            0x00, 0x02, 0x00, 0x00, // idiag_rqueue 512 bytes unread
            0x00, 0x00, 0x00, 0x00, // idiag_wqueue 0
            0xe8, 0x03, 0x00, 0x00, // idiag_uid 1000
            0x01, 0x00, 0x00, 0x00, // idiag_inode 1
        ];
        let socket = parse_socket(Protocol::Udp, &payload).expect("decoded");
        assert_eq!(socket.local, "[fd00::2]:53".parse().expect("address"));
        assert_eq!(socket.peer, "[::]:0".parse().expect("address"));
        assert_eq!(
            (socket.ifindex, socket.recv_q, socket.state_name()),
            (1000, 512, "UNCONN")
        );
        assert_eq!(socket.retransmissions(), None);
    }

    #[test]
    fn a_short_or_foreign_reply_is_an_error() {
        assert!(parse_socket(Protocol::Tcp, &[0x02; 12]).is_err());
        let mut foreign = vec![0u8; MSG_LEN];
        foreign[0] = 1; // AF_UNIX
        assert_eq!(
            parse_socket(Protocol::Tcp, &foreign),
            Err("inet_diag_msg of address family 1".to_string())
        );
    }

    #[test]
    fn states_are_named_as_ss_names_them() {
        let with = |state| SocketStatus {
            protocol: Protocol::Tcp,
            state,
            local: "0.0.0.0:0".parse().expect("address"),
            peer: "0.0.0.0:0".parse().expect("address"),
            ifindex: 0,
            timer: 0,
            retrans: 0,
            recv_q: 0,
            send_q: 0,
        };
        let names: Vec<_> = (0..=14).map(|s| with(s).state_name()).collect();
        assert_eq!(
            names,
            [
                "UNKNOWN",
                "ESTAB",
                "SYN-SENT",
                "SYN-RECV",
                "FIN-WAIT-1",
                "FIN-WAIT-2",
                "TIME-WAIT",
                "UNCONN",
                "CLOSE-WAIT",
                "LAST-ACK",
                "LISTEN",
                "CLOSING",
                "SYN-RECV",
                "UNKNOWN",
                "UNKNOWN",
            ]
        );
    }
}
