//! `Node::ping`: real ICMP echo requests over a raw socket, no `ping` binary.
//!
//! The socket is made on the calling thread, so the request leaves from that
//! thread's network namespace. A raw ICMP socket sees every ICMP packet in the
//! namespace, so a reply counts only if it is an echo reply from `dst` with our
//! identifier and one of our sequence numbers. An ICMP error that quotes one of
//! our requests (a router with no route, say) ends the ping at once with the
//! errno the kernel would give for it.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant, SystemTime};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags};
use nix::sys::socket::{
    recvfrom, sendto, socket, AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType,
    SockaddrIn, SockaddrIn6, SockaddrStorage,
};

/// Without a reply for this long, the request is sent again with a new
/// sequence number: a first packet can be lost while ARP or neighbour
/// discovery resolves the next hop.
const RESEND_AFTER: Duration = Duration::from_millis(200);

/// Payload carried by every request; replies echo it back.
const PAYLOAD: &[u8; 16] = b"netns-test ping\0";

/// Sends ICMP echo requests to `dst` from the calling thread's network
/// namespace and returns the round-trip time of the first matching reply.
///
/// Errors keep the OS error (e.g. `ENETUNREACH` from `sendto`, reachable via
/// [`std::error::Error::source`]) and name `dst`; after `timeout` without a reply
/// the error kind is [`io::ErrorKind::TimedOut`].
// Until `Node::ping` in net.rs calls it.
#[allow(dead_code)]
pub(crate) fn ping(dst: IpAddr, timeout: Duration) -> io::Result<Duration> {
    let dst = dst.to_canonical();
    let fail = |kind| io::Error::from(PingError { dst, kind });
    let family = Family::of(dst);
    let sock = family
        .socket()
        .map_err(|e| fail(PingErrorKind::Socket(e.into())))?;
    let id = echo_identifier();

    let start = Instant::now();
    let deadline = start + timeout;
    let mut sent: Vec<(u16, Instant)> = Vec::new();
    let mut next_send = start;
    let mut buf = vec![0u8; 65536];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Err(fail(PingErrorKind::TimedOut(timeout)));
        }
        if now >= next_send {
            let seq = (sent.len() as u16).wrapping_add(1);
            let request = echo_request(family, id, seq, PAYLOAD);
            // Stamped before sending: on loopback the reply is queued inside `sendto`.
            let sent_at = Instant::now();
            send_to(&sock, &request, dst).map_err(|e| fail(PingErrorKind::Send(e.into())))?;
            sent.push((seq, sent_at));
            next_send = now + RESEND_AFTER;
        }

        let wait = next_send
            .min(deadline)
            .saturating_duration_since(Instant::now());
        let mut fds = [PollFd::new(sock.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, poll_millis(wait)) {
            Ok(0) | Err(Errno::EINTR) => continue,
            Ok(_) => {}
            Err(e) => return Err(fail(PingErrorKind::Receive(e.into()))),
        }

        // Drain everything queued: other ICMP traffic in the namespace lands here too.
        loop {
            let (len, from) = match recvfrom::<SockaddrStorage>(sock.as_raw_fd(), &mut buf) {
                Ok(got) => got,
                Err(Errno::EAGAIN | Errno::EINTR) => break,
                Err(e) => return Err(fail(PingErrorKind::Receive(e.into()))),
            };
            let received = Instant::now();
            let Some(from) = from.as_ref().and_then(source_ip) else {
                continue;
            };
            let Some(packet) = buf.get(..len) else {
                continue;
            };
            let Some(message) = family.icmp_message(packet) else {
                continue;
            };
            match classify(family, message, id, dst) {
                Some(Event::Reply { seq }) if from == dst => {
                    if let Some((_, sent_at)) = sent.iter().find(|(s, _)| *s == seq) {
                        return Ok(received.saturating_duration_since(*sent_at));
                    }
                }
                Some(Event::Error {
                    seq,
                    icmp_type,
                    code,
                }) if sent.iter().any(|(s, _)| *s == seq) => {
                    let errno = family.error_errno(icmp_type, code);
                    return Err(fail(PingErrorKind::Rejected {
                        from,
                        icmp_type,
                        code,
                        errno: io::Error::from_raw_os_error(errno as i32),
                    }));
                }
                _ => {}
            }
        }
    }
}

/// Why a ping failed, for which destination.
#[derive(Debug)]
pub(crate) struct PingError {
    dst: IpAddr,
    kind: PingErrorKind,
}

/// The step of a ping that failed; OS errors are kept as they came.
#[derive(Debug)]
enum PingErrorKind {
    /// `socket(SOCK_RAW, IPPROTO_ICMP[V6])` failed.
    Socket(io::Error),
    /// `sendto` failed (ENETUNREACH with no route, EHOSTUNREACH, ...).
    Send(io::Error),
    /// `poll` or `recvfrom` failed.
    Receive(io::Error),
    /// An ICMP error quoting one of our requests came back.
    Rejected {
        from: IpAddr,
        icmp_type: u8,
        code: u8,
        errno: io::Error,
    },
    /// No reply within the timeout.
    TimedOut(Duration),
}

impl fmt::Display for PingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dst = self.dst;
        match &self.kind {
            PingErrorKind::Socket(e) => write!(
                f,
                "cannot open a raw ICMP socket to ping {dst}: {e}; \
                 the thread needs CAP_NET_RAW in the user namespace that owns its network namespace"
            ),
            PingErrorKind::Send(e) => write!(f, "cannot send ICMP echo request to {dst}: {e}"),
            PingErrorKind::Receive(e) => {
                write!(f, "cannot receive ICMP echo reply from {dst}: {e}")
            }
            PingErrorKind::Rejected {
                from,
                icmp_type,
                code,
                errno,
            } => write!(
                f,
                "ICMP echo request to {dst} answered by {from} with ICMP error \
                 (type {icmp_type}, code {code}): {errno}"
            ),
            PingErrorKind::TimedOut(timeout) => {
                write!(f, "no ICMP echo reply from {dst} within {timeout:?}")
            }
        }
    }
}

impl std::error::Error for PingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            PingErrorKind::Socket(e)
            | PingErrorKind::Send(e)
            | PingErrorKind::Receive(e)
            | PingErrorKind::Rejected { errno: e, .. } => Some(e),
            PingErrorKind::TimedOut(_) => None,
        }
    }
}

impl From<PingError> for io::Error {
    fn from(err: PingError) -> Self {
        let kind = match &err.kind {
            PingErrorKind::Socket(e)
            | PingErrorKind::Send(e)
            | PingErrorKind::Receive(e)
            | PingErrorKind::Rejected { errno: e, .. } => e.kind(),
            PingErrorKind::TimedOut(_) => io::ErrorKind::TimedOut,
        };
        io::Error::new(kind, err)
    }
}

/// ICMP for IPv4 or ICMPv6 for IPv6: the numbers and layouts that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

impl Family {
    fn of(dst: IpAddr) -> Self {
        match dst {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    fn socket(self) -> nix::Result<OwnedFd> {
        let (domain, protocol) = match self {
            Family::V4 => (AddressFamily::Inet, SockProtocol::Icmp),
            Family::V6 => (AddressFamily::Inet6, SockProtocol::IcmpV6),
        };
        let flags = SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK;
        socket(domain, SockType::Raw, flags, protocol)
    }

    fn echo_request_type(self) -> u8 {
        match self {
            Family::V4 => 8,
            Family::V6 => 128,
        }
    }

    fn echo_reply_type(self) -> u8 {
        match self {
            Family::V4 => 0,
            Family::V6 => 129,
        }
    }

    /// The ICMP message inside what a raw socket returned: IPv4 raw sockets
    /// include the IP header (`IHL * 4` bytes), ICMPv6 raw sockets do not.
    fn icmp_message(self, packet: &[u8]) -> Option<&[u8]> {
        match self {
            Family::V4 => {
                let message = skip_ipv4_header(packet)?;
                // A valid ICMP checksum sums to zero over the whole message.
                (checksum(message) == 0).then_some(message)
            }
            Family::V6 => Some(packet),
        }
    }

    /// The errno Linux gives for an ICMP error (`icmp_err_convert`,
    /// `icmpv6_err_convert`).
    fn error_errno(self, icmp_type: u8, code: u8) -> Errno {
        match (self, icmp_type, code) {
            // Destination unreachable.
            (Family::V4, 3, 0 | 6 | 9 | 11) => Errno::ENETUNREACH,
            (Family::V4, 3, 2) => Errno::ENOPROTOOPT,
            (Family::V4, 3, 3) => Errno::ECONNREFUSED,
            (Family::V4, 3, 4) => Errno::EMSGSIZE,
            (Family::V4, 3, 5) => Errno::EOPNOTSUPP,
            (Family::V4, 3, 7) => Errno::EHOSTDOWN,
            (Family::V4, 3, 8) => Errno::ENONET,
            (Family::V6, 1, 0) => Errno::ENETUNREACH,
            (Family::V6, 1, 1 | 5 | 6) => Errno::EACCES,
            (Family::V6, 1, 4) => Errno::ECONNREFUSED,
            // Packet too big, parameter problem.
            (Family::V6, 2, _) => Errno::EMSGSIZE,
            (Family::V6, 4, _) => Errno::EPROTO,
            (Family::V4, 12, _) => Errno::EPROTO,
            // Other unreachable codes and time exceeded (TTL ran out).
            _ => Errno::EHOSTUNREACH,
        }
    }

    /// Whether an ICMP type is an error that quotes the offending packet.
    fn is_error_type(self, icmp_type: u8) -> bool {
        match self {
            // Destination unreachable, time exceeded, parameter problem.
            Family::V4 => matches!(icmp_type, 3 | 11 | 12),
            // Destination unreachable, packet too big, time exceeded, parameter problem.
            Family::V6 => matches!(icmp_type, 1..=4),
        }
    }
}

/// What an incoming ICMP message means for our ping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// An echo reply carrying our identifier; the caller checks the source.
    Reply { seq: u16 },
    /// An ICMP error quoting our echo request to `dst`.
    Error { seq: u16, icmp_type: u8, code: u8 },
}

/// Classifies an ICMP message (header first) against our identifier and
/// destination; `None` for anything that is not about our ping.
fn classify(family: Family, message: &[u8], id: u16, dst: IpAddr) -> Option<Event> {
    let (icmp_type, code) = (*message.first()?, *message.get(1)?);
    if icmp_type == family.echo_reply_type() {
        let (reply_id, seq) = echo_id_seq(message)?;
        return (code == 0 && reply_id == id).then_some(Event::Reply { seq });
    }
    if !family.is_error_type(icmp_type) {
        return None;
    }
    // The error quotes the IP header of our request and its first 8 bytes.
    let quoted = message.get(8..)?;
    let (quoted_dst, quoted_icmp) = match family {
        Family::V4 => {
            const IPPROTO_ICMP: u8 = 1;
            if *quoted.get(9)? != IPPROTO_ICMP {
                return None;
            }
            let addr: [u8; 4] = quoted.get(16..20)?.try_into().ok()?;
            (
                IpAddr::from(Ipv4Addr::from(addr)),
                skip_ipv4_header(quoted)?,
            )
        }
        Family::V6 => {
            const IPPROTO_ICMPV6: u8 = 58;
            if *quoted.get(6)? != IPPROTO_ICMPV6 {
                return None;
            }
            let addr: [u8; 16] = quoted.get(24..40)?.try_into().ok()?;
            (IpAddr::from(Ipv6Addr::from(addr)), quoted.get(40..)?)
        }
    };
    if quoted_dst != dst || *quoted_icmp.first()? != family.echo_request_type() {
        return None;
    }
    let (quoted_id, seq) = echo_id_seq(quoted_icmp)?;
    (quoted_id == id).then_some(Event::Error {
        seq,
        icmp_type,
        code,
    })
}

/// Identifier and sequence number of an echo request or reply.
fn echo_id_seq(message: &[u8]) -> Option<(u16, u16)> {
    let id = u16::from_be_bytes(message.get(4..6)?.try_into().ok()?);
    let seq = u16::from_be_bytes(message.get(6..8)?.try_into().ok()?);
    Some((id, seq))
}

/// The payload of an IPv4 packet: it starts `IHL * 4` bytes in.
fn skip_ipv4_header(packet: &[u8]) -> Option<&[u8]> {
    let first = *packet.first()?;
    let header_len = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || header_len < 20 {
        return None;
    }
    packet.get(header_len..)
}

/// An echo request: type, code 0, checksum, identifier, sequence, payload.
/// The ICMPv6 checksum covers a pseudo-header and is filled in by the kernel
/// on raw ICMPv6 sockets, so it stays zero here.
fn echo_request(family: Family, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = Vec::with_capacity(8 + payload.len());
    packet.extend_from_slice(&[family.echo_request_type(), 0, 0, 0]);
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    if family == Family::V4 {
        let sum = checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

/// The Internet checksum (RFC 1071): one's complement of the one's complement
/// sum of 16-bit big-endian words, an odd last byte padded with zero.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|word| match *word {
            [hi, lo] => u32::from(u16::from_be_bytes([hi, lo])),
            [hi] => u32::from(hi) << 8,
            _ => 0,
        })
        .fold(0u32, u32::wrapping_add);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A per-call identifier: a process-wide counter mixed with the thread, the
/// time and std's per-process random hash keys, so concurrent pings (other
/// threads, other test processes sharing a namespace) pick different ones.
fn echo_identifier() -> u16 {
    static COUNTER: AtomicU16 = AtomicU16::new(0);
    let mut hasher = RandomState::new().build_hasher();
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    std::thread::current().id().hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    SystemTime::now().hash(&mut hasher);
    let h = hasher.finish();
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

fn send_to(sock: &OwnedFd, packet: &[u8], dst: IpAddr) -> nix::Result<()> {
    let fd = sock.as_raw_fd();
    loop {
        let sent = match dst {
            IpAddr::V4(ip) => sendto(
                fd,
                packet,
                &SockaddrIn::from(SocketAddrV4::new(ip, 0)),
                MsgFlags::empty(),
            ),
            IpAddr::V6(ip) => sendto(
                fd,
                packet,
                &SockaddrIn6::from(SocketAddrV6::new(ip, 0, 0, 0)),
                MsgFlags::empty(),
            ),
        };
        match sent {
            Err(Errno::EINTR) => continue,
            other => return other.map(drop),
        }
    }
}

fn source_ip(from: &SockaddrStorage) -> Option<IpAddr> {
    if let Some(v4) = from.as_sockaddr_in() {
        return Some(IpAddr::V4(v4.ip()));
    }
    from.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
}

/// A poll timeout in whole milliseconds, rounded up so a sub-millisecond
/// wait does not spin.
fn poll_millis(wait: Duration) -> u16 {
    let millis = wait.as_micros().div_ceil(1000);
    u16::try_from(millis).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    /// An IPv4 header (no options) carrying ICMP from `src` to `dst`.
    fn ipv4_header(src: [u8; 4], dst: [u8; 4], total_len: u16) -> Vec<u8> {
        let mut header = vec![
            0x45, 0x00, // version 4, IHL 5 (20 bytes); DSCP/ECN
            0x00, 0x00, // total length (patched below)
            0x12, 0x34, 0x40, 0x00, // identification; flags DF, fragment offset 0
            0x40, 0x01, // TTL 64; protocol 1 (ICMP)
            0x00, 0x00, // header checksum (not checked by us)
        ];
        header[2..4].copy_from_slice(&total_len.to_be_bytes());
        header.extend_from_slice(&src);
        header.extend_from_slice(&dst);
        header
    }

    mod checksum_should {
        use super::super::checksum;

        #[test]
        fn match_the_rfc_1071_example() {
            // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2, complement 220d.
            let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
            assert_eq!(checksum(&data), 0x220d);
        }

        #[test]
        fn pad_an_odd_last_byte_with_zero() {
            // 0x0102 + 0x0300 = 0x0402 -> !0x0402 = 0xfbfd.
            assert_eq!(checksum(&[0x01, 0x02, 0x03]), 0xfbfd);
        }

        #[test]
        fn fold_carries_back_in() {
            // 0xffff + 0x0001 = 0x1_0000 -> folds to 0x0001 -> !0x0001 = 0xfffe.
            assert_eq!(checksum(&[0xff, 0xff, 0x00, 0x01]), 0xfffe);
        }

        #[test]
        fn be_zero_over_a_message_that_includes_its_checksum() {
            let data = [0x08, 0x00, 0xf7, 0xfd, 0x00, 0x01, 0x00, 0x01];
            assert_eq!(checksum(&data), 0);
        }
    }

    mod echo_request_should {
        use super::super::*;

        #[test]
        fn build_an_icmpv4_echo_request_with_its_checksum() {
            let expected = [
                0x08, 0x00, // type 8 (echo request), code 0
                0xf7, 0xfd, // checksum: !(0x0800 + 0x0001 + 0x0001)
                0x00, 0x01, // identifier 1
                0x00, 0x01, // sequence 1
            ];
            assert_eq!(echo_request(Family::V4, 1, 1, &[]), expected);
        }

        #[test]
        fn build_an_icmpv4_echo_request_with_a_payload() {
            let expected = [
                0x08, 0x00, // type 8 (echo request), code 0
                0xad, 0x92, // checksum: !(0x0800 + 0xabcd + 0x0102 + 0xdead + 0xbeef, folded)
                0xab, 0xcd, // identifier 0xabcd
                0x01, 0x02, // sequence 0x0102
                0xde, 0xad, 0xbe, 0xef, // payload
            ];
            let packet = echo_request(Family::V4, 0xabcd, 0x0102, &[0xde, 0xad, 0xbe, 0xef]);
            assert_eq!(packet, expected);
            assert_eq!(checksum(&packet), 0);
        }

        #[test]
        fn leave_the_icmpv6_checksum_to_the_kernel() {
            let expected = [
                0x80, 0x00, // type 128 (echo request), code 0
                0x00, 0x00, // checksum: computed by the kernel on raw ICMPv6 sockets
                0x12, 0x34, // identifier 0x1234
                0x00, 0x07, // sequence 7
                0x61, 0x62, // payload "ab"
            ];
            assert_eq!(echo_request(Family::V6, 0x1234, 7, b"ab"), expected);
        }
    }

    mod parsing_should {
        use super::super::*;
        use super::ipv4_header;

        const DST4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        const DST6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2));

        /// An ICMPv4 echo reply with a valid checksum.
        fn echo_reply_v4(id: u16, seq: u16) -> Vec<u8> {
            let mut reply = echo_request(Family::V4, id, seq, b"hi");
            reply[0] = 0; // type 0: echo reply
            reply[2..4].copy_from_slice(&[0, 0]);
            let sum = checksum(&reply);
            reply[2..4].copy_from_slice(&sum.to_be_bytes());
            reply
        }

        #[test]
        fn skip_the_ipv4_header_by_its_ihl() {
            let mut packet = vec![
                0x46, 0x00, 0x00, 0x20, // version 4, IHL 6 (24 bytes); total length 32
                0x00, 0x00, 0x00, 0x00, // identification, flags, fragment offset
                0x40, 0x01, 0x00, 0x00, // TTL 64, protocol ICMP, header checksum
                0x0a, 0x00, 0x00, 0x02, // source 10.0.0.2
                0x0a, 0x00, 0x00, 0x01, // destination 10.0.0.1
                0x01, 0x01, 0x01, 0x00, // options: NOP NOP NOP EOL
            ];
            packet.extend_from_slice(&echo_reply_v4(0xbeef, 3));
            let message = Family::V4.icmp_message(&packet);
            assert_eq!(message, Some(&echo_reply_v4(0xbeef, 3)[..]));
        }

        #[test]
        fn reject_an_ipv4_packet_with_a_bad_icmp_checksum() {
            let mut packet = ipv4_header([10, 0, 0, 2], [10, 0, 0, 1], 30);
            let mut reply = echo_reply_v4(1, 1);
            reply[2] ^= 0xff;
            packet.extend_from_slice(&reply);
            assert_eq!(Family::V4.icmp_message(&packet), None);
        }

        #[test]
        fn reject_truncated_or_non_ipv4_packets() {
            assert_eq!(Family::V4.icmp_message(&[]), None);
            assert_eq!(Family::V4.icmp_message(&[0x45, 0x00, 0x00]), None);
            assert_eq!(Family::V4.icmp_message(&[0x60; 40]), None);
            assert_eq!(Family::V4.icmp_message(&[0x44; 40]), None);
        }

        #[test]
        fn accept_an_echo_reply_with_our_identifier() {
            let reply = echo_reply_v4(0xbeef, 3);
            let event = classify(Family::V4, &reply, 0xbeef, DST4);
            assert_eq!(event, Some(Event::Reply { seq: 3 }));
        }

        #[test]
        fn ignore_an_echo_reply_with_another_identifier() {
            let reply = echo_reply_v4(0xbeee, 3);
            assert_eq!(classify(Family::V4, &reply, 0xbeef, DST4), None);
        }

        #[test]
        fn ignore_our_own_echo_request_seen_on_loopback() {
            let request = echo_request(Family::V4, 0xbeef, 3, b"hi");
            assert_eq!(classify(Family::V4, &request, 0xbeef, DST4), None);
            let request = echo_request(Family::V6, 0xbeef, 3, b"hi");
            assert_eq!(classify(Family::V6, &request, 0xbeef, DST6), None);
        }

        #[test]
        fn accept_an_icmpv6_echo_reply_with_our_identifier() {
            let reply = [
                0x81, 0x00, // type 129 (echo reply), code 0
                0x00, 0x00, // checksum (verified by the kernel)
                0xbe, 0xef, // identifier 0xbeef
                0x00, 0x05, // sequence 5
            ];
            let event = classify(Family::V6, &reply, 0xbeef, DST6);
            assert_eq!(event, Some(Event::Reply { seq: 5 }));
        }

        #[test]
        fn map_an_icmpv4_net_unreachable_quoting_our_request() {
            let mut error = vec![
                0x03, 0x00, // type 3 (destination unreachable), code 0 (net)
                0x00, 0x00, // checksum (not checked here)
                0x00, 0x00, 0x00, 0x00, // unused
            ];
            error.extend(ipv4_header([10, 0, 0, 1], [10, 0, 0, 2], 28)); // quoted header
            error.extend(echo_request(Family::V4, 0xbeef, 2, &[])); // quoted 8 bytes
            let event = classify(Family::V4, &error, 0xbeef, DST4);
            let expected = Event::Error {
                seq: 2,
                icmp_type: 3,
                code: 0,
            };
            assert_eq!(event, Some(expected));
            assert_eq!(Family::V4.error_errno(3, 0), Errno::ENETUNREACH);
            assert_eq!(Family::V4.error_errno(3, 1), Errno::EHOSTUNREACH);
            assert_eq!(Family::V4.error_errno(11, 0), Errno::EHOSTUNREACH);
        }

        #[test]
        fn ignore_an_icmpv4_error_about_another_destination() {
            let mut error = vec![0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
            error.extend(ipv4_header([10, 0, 0, 1], [10, 0, 0, 3], 28)); // to 10.0.0.3
            error.extend(echo_request(Family::V4, 0xbeef, 2, &[]));
            assert_eq!(classify(Family::V4, &error, 0xbeef, DST4), None);
        }

        #[test]
        fn map_an_icmpv6_no_route_quoting_our_request() {
            let mut error = vec![
                0x01, 0x00, // type 1 (destination unreachable), code 0 (no route)
                0x00, 0x00, // checksum
                0x00, 0x00, 0x00, 0x00, // unused
                0x60, 0x00, 0x00, 0x00, // quoted IPv6 header: version 6, class, flow
                0x00, 0x08, // payload length 8
                0x3a, 0x40, // next header 58 (ICMPv6), hop limit 64
            ];
            error.extend(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1).octets()); // source
            error.extend(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2).octets()); // destination
            error.extend(echo_request(Family::V6, 0xbeef, 4, &[])); // quoted echo request
            let event = classify(Family::V6, &error, 0xbeef, DST6);
            let expected = Event::Error {
                seq: 4,
                icmp_type: 1,
                code: 0,
            };
            assert_eq!(event, Some(expected));
            assert_eq!(Family::V6.error_errno(1, 0), Errno::ENETUNREACH);
            assert_eq!(Family::V6.error_errno(1, 3), Errno::EHOSTUNREACH);
        }
    }

    mod errors_should {
        use super::super::*;

        #[test]
        fn name_the_destination_on_timeout() {
            let err = io::Error::from(PingError {
                dst: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
                kind: PingErrorKind::TimedOut(Duration::from_secs(1)),
            });
            assert_eq!(err.kind(), io::ErrorKind::TimedOut);
            assert_eq!(
                err.to_string(),
                "no ICMP echo reply from 10.0.0.2 within 1s"
            );
        }

        #[test]
        fn keep_the_os_error_from_sendto() {
            let err = io::Error::from(PingError {
                dst: IpAddr::V4(Ipv4Addr::new(10, 255, 255, 1)),
                kind: PingErrorKind::Send(Errno::ENETUNREACH.into()),
            });
            let os = std::error::Error::source(&err)
                .and_then(|e| e.downcast_ref::<io::Error>())
                .and_then(io::Error::raw_os_error);
            assert_eq!(os, Some(libc::ENETUNREACH));
            assert_eq!(err.kind(), io::Error::from(Errno::ENETUNREACH).kind());
            assert!(err.to_string().contains("10.255.255.1"), "{err}");
        }

        #[test]
        fn wait_at_least_a_millisecond_when_polling() {
            assert_eq!(poll_millis(Duration::from_micros(1)), 1);
            assert_eq!(poll_millis(Duration::from_micros(1500)), 2);
            assert_eq!(poll_millis(Duration::from_secs(3600)), u16::MAX);
        }
    }
}
