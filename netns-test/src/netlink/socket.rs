//! A synchronous rtnetlink handle bound to one network namespace.
//!
//! A netlink socket stays in the namespace of the thread that created it, so
//! the sandbox opens one [`Netlink`] per namespace on a thread inside it and
//! then drives all of them from one thread. Requests are queued, sent in one
//! datagram per [`Netlink::flush`] and acknowledged one by one; the kernel
//! handles a datagram synchronously inside `send`, so once `flush` returns the
//! objects exist and a request on another namespace's socket may refer to them.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use netlink_packet_core::{
    NetlinkBuffer, NetlinkHeader, NetlinkMessage, NetlinkPayload, NlasIterator, NLMSG_DONE,
    NLMSG_ERROR, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket};
use nix::errno::Errno;
use nix::sys::socket::{setsockopt, sockopt};

use super::error::{SetupError, SetupErrorKind};

/// Receive buffer: large enough for any dump datagram (the kernel fills at
/// most 32 KiB per dump datagram) and any notification.
const RX_BUF: usize = 64 * 1024;
/// Socket receive buffer asked for; the kernel caps it at `net.core.rmem_max`
/// unless we may force it.
const SOCKET_RCVBUF: usize = 4 * 1024 * 1024;
/// Requests in flight before `queue` collects acks, so that acks never
/// overflow the socket's receive buffer (each ack costs well under 1 KiB).
const MAX_IN_FLIGHT: usize = 128;
/// `GET` requests per datagram in [`Netlink::get_many`]: their replies
/// (a few KiB each for a link) must fit the socket's receive buffer.
const GET_BATCH: usize = 32;
/// `RTNLGRP_LINK`: link notifications.
pub(crate) const RTNLGRP_LINK: u32 = 1;
/// `RTNLGRP_IPV6_ROUTE`: IPv6 route notifications.
pub(crate) const RTNLGRP_IPV6_ROUTE: u32 = 11;
/// `NLMSGERR_ATTR_MSG`: the extended-ack message string.
const NLMSGERR_ATTR_MSG: u16 = 1;
/// Size of `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;

/// A queued or sent request awaiting its ack, with what to say if it fails.
#[derive(Debug)]
struct Pending {
    seq: u32,
    step: &'static str,
    object: String,
}

/// An rtnetlink handle: a request socket and a notification socket,
/// both bound to the network namespace of the thread that opened them.
#[derive(Debug)]
pub(crate) struct Netlink {
    socket: Socket,
    monitor: Socket,
    /// Notification groups joined, as a bit mask (bit `n` is group `n`).
    subscribed: u32,
    seq: u32,
    /// Serialized requests not yet sent.
    out: Vec<u8>,
    /// Requests queued or sent whose ack has not been read, in order.
    pending: VecDeque<Pending>,
    rx: Vec<u8>,
}

/// One message of a received datagram.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message<'a> {
    /// `nlmsg_type`.
    pub(crate) kind: u16,
    /// `nlmsg_flags`.
    pub(crate) flags: u16,
    /// `nlmsg_seq`.
    pub(crate) seq: u32,
    /// Everything after the 16-byte header.
    pub(crate) payload: &'a [u8],
}

impl Netlink {
    /// Opens the sockets in the calling thread's current network namespace.
    pub(crate) fn open() -> io::Result<Netlink> {
        let mut socket = Socket::new(NETLINK_ROUTE)?;
        socket.bind_auto()?;
        // Both are best effort: extended acks only add the kernel's message
        // to errors, capped acks only shorten them.
        let _ = socket.set_ext_ack(true);
        let _ = socket.set_cap_ack(true);
        let mut monitor = Socket::new(NETLINK_ROUTE)?;
        monitor.bind_auto()?;
        // A bridge with many ports emits notifications faster than we read
        // them; a bigger buffer makes an overrun (and the re-read it costs)
        // rare. Forcing needs CAP_NET_ADMIN in the initial namespace.
        if setsockopt(&monitor, sockopt::RcvBufForce, &SOCKET_RCVBUF).is_err() {
            let _ = setsockopt(&monitor, sockopt::RcvBuf, &SOCKET_RCVBUF);
        }
        Ok(Netlink {
            socket,
            monitor,
            subscribed: 0,
            seq: 0,
            out: Vec::new(),
            pending: VecDeque::new(),
            rx: Vec::with_capacity(RX_BUF),
        })
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1).max(1);
        self.seq
    }

    /// Queues a request with `NLM_F_REQUEST | NLM_F_ACK | flags`; a failure
    /// is reported by [`Netlink::collect`] as `step` on `object`. Collects
    /// acks first when many requests are in flight.
    pub(crate) fn queue(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
        step: &'static str,
        object: impl Into<String>,
    ) -> Result<(), SetupError> {
        if self.pending.len() >= MAX_IN_FLIGHT {
            self.collect()?;
        }
        let seq = self.next_seq();
        encode_into(&mut self.out, msg, NLM_F_REQUEST | NLM_F_ACK | flags, seq);
        self.pending.push_back(Pending {
            seq,
            step,
            object: object.into(),
        });
        Ok(())
    }

    /// Sends every queued request in one datagram. The kernel has handled
    /// them all when this returns; their acks wait in the socket.
    pub(crate) fn flush(&mut self) -> Result<(), SetupError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let sent = retry_eintr(|| self.socket.send(&self.out, 0));
        self.out.clear();
        match sent {
            Ok(_) => Ok(()),
            Err(err) => {
                let first = self.pending.pop_front();
                self.pending.clear();
                let (step, object) = first.map_or(("send", String::new()), |p| (p.step, p.object));
                Err(SetupError::socket(step, object, &err))
            }
        }
    }

    /// Flushes, then reads the ack of every request in flight. Returns the
    /// first failure in request order (the kernel carries on with the
    /// requests after a failed one; their acks are read all the same).
    pub(crate) fn collect(&mut self) -> Result<(), SetupError> {
        self.flush()?;
        let mut first: Option<SetupError> = None;
        let mut rx = std::mem::take(&mut self.rx);
        while !self.pending.is_empty() {
            if let Err(err) = recv(&self.socket, &mut rx, 0) {
                let (step, object) = self
                    .pending
                    .front()
                    .map_or(("receive", String::new()), |p| (p.step, p.object.clone()));
                self.pending.clear();
                first.get_or_insert(SetupError::socket(step, object, &err));
                break;
            }
            for msg in Messages::new(&rx) {
                let msg = match msg {
                    Ok(msg) => msg,
                    Err(detail) => {
                        self.pending.clear();
                        first.get_or_insert(protocol_error("receive ack", detail));
                        break;
                    }
                };
                if msg.kind != NLMSG_ERROR {
                    continue; // not an ack: an echo or a stray reply
                }
                let Some(pos) = self.pending.iter().position(|p| p.seq == msg.seq) else {
                    continue;
                };
                let Some(pending) = self.pending.remove(pos) else {
                    continue;
                };
                match parse_error(msg.flags, msg.payload) {
                    Ok((0, _)) => {}
                    Ok((code, extack)) => {
                        first.get_or_insert(SetupError::refused(
                            pending.step,
                            pending.object,
                            Errno::from_raw(code.saturating_neg()),
                            extack,
                        ));
                    }
                    Err(detail) => {
                        first.get_or_insert(
                            protocol_error(pending.step, detail).at(pending.step, pending.object),
                        );
                    }
                }
            }
        }
        self.rx = rx;
        first.map_or(Ok(()), Err)
    }

    /// Queues one request and waits for its ack.
    pub(crate) fn request(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
        step: &'static str,
        object: impl Into<String>,
    ) -> Result<(), SetupError> {
        self.queue(msg, flags, step, object)?;
        self.collect()
    }

    /// Sends a dump request and hands every reply message (type and
    /// payload) to `each`, until `NLMSG_DONE`.
    pub(crate) fn dump(
        &mut self,
        msg: RouteNetlinkMessage,
        step: &'static str,
        object: &str,
        each: impl FnMut(u16, &[u8]) -> Result<(), String>,
    ) -> Result<(), SetupError> {
        self.exchange(msg, NLM_F_REQUEST | NLM_F_DUMP, step, object, each)
    }

    /// Sends a request that has one reply (a `GET` of one object) and hands
    /// the reply to `each`.
    pub(crate) fn get(
        &mut self,
        msg: RouteNetlinkMessage,
        step: &'static str,
        object: &str,
        each: impl FnMut(u16, &[u8]) -> Result<(), String>,
    ) -> Result<(), SetupError> {
        self.exchange(msg, NLM_F_REQUEST, step, object, each)
    }

    /// Sends requests that have one reply each (a `GET` of one object), in
    /// datagrams of a few dozen, and hands every answer to `each` with the
    /// request's position: the reply's payload, or the errno the kernel
    /// refused that request with.
    pub(crate) fn get_many(
        &mut self,
        msgs: impl IntoIterator<Item = RouteNetlinkMessage>,
        step: &'static str,
        object: &str,
        mut each: impl FnMut(usize, Result<&[u8], Errno>) -> Result<(), String>,
    ) -> Result<(), SetupError> {
        self.collect()?;
        let mut msgs = msgs.into_iter().peekable();
        let mut base = 0;
        let mut rx = std::mem::take(&mut self.rx);
        let result = (|| {
            while msgs.peek().is_some() {
                let mut out = Vec::new();
                let mut seqs: Vec<Option<u32>> = Vec::new();
                for msg in msgs.by_ref().take(GET_BATCH) {
                    let seq = self.next_seq();
                    encode_into(&mut out, msg, NLM_F_REQUEST, seq);
                    seqs.push(Some(seq));
                }
                retry_eintr(|| self.socket.send(&out, 0))
                    .map_err(|err| SetupError::socket(step, object, &err))?;
                let mut left = seqs.len();
                while left > 0 {
                    recv(&self.socket, &mut rx, 0)
                        .map_err(|err| SetupError::socket(step, object, &err))?;
                    for msg in Messages::new(&rx) {
                        let msg =
                            msg.map_err(|detail| protocol_error(step, detail).at(step, object))?;
                        let Some(pos) = seqs.iter().position(|&s| s == Some(msg.seq)) else {
                            continue;
                        };
                        let answer = match msg.kind {
                            NLMSG_DONE => continue,
                            NLMSG_ERROR => {
                                let (code, _) =
                                    parse_error(msg.flags, msg.payload).map_err(|detail| {
                                        protocol_error(step, detail).at(step, object)
                                    })?;
                                Err(Errno::from_raw(code.saturating_neg()))
                            }
                            _ => Ok(msg.payload),
                        };
                        seqs[pos] = None;
                        left -= 1;
                        each(base + pos, answer)
                            .map_err(|detail| protocol_error(step, detail).at(step, object))?;
                    }
                }
                base += seqs.len();
            }
            Ok(())
        })();
        self.rx = rx;
        result
    }

    fn exchange(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
        step: &'static str,
        object: &str,
        mut each: impl FnMut(u16, &[u8]) -> Result<(), String>,
    ) -> Result<(), SetupError> {
        // Acks of earlier requests would interleave with the replies.
        self.collect()?;
        let dump = flags & NLM_F_DUMP == NLM_F_DUMP;
        let seq = self.next_seq();
        let mut out = Vec::new();
        encode_into(&mut out, msg, flags, seq);
        retry_eintr(|| self.socket.send(&out, 0))
            .map_err(|err| SetupError::socket(step, object, &err))?;
        let mut rx = std::mem::take(&mut self.rx);
        let result = (|| loop {
            recv(&self.socket, &mut rx, 0).map_err(|err| SetupError::socket(step, object, &err))?;
            for msg in Messages::new(&rx) {
                let msg = msg.map_err(|detail| protocol_error(step, detail).at(step, object))?;
                if msg.seq != seq {
                    continue;
                }
                match msg.kind {
                    NLMSG_ERROR | NLMSG_DONE => {
                        let (code, extack) = if msg.kind == NLMSG_ERROR {
                            parse_error(msg.flags, msg.payload)
                        } else {
                            parse_done(msg.payload)
                        }
                        .map_err(|detail| protocol_error(step, detail).at(step, object))?;
                        if code != 0 {
                            let errno = Errno::from_raw(code.saturating_neg());
                            return Err(SetupError::refused(step, object, errno, extack));
                        }
                        return Ok(());
                    }
                    kind => {
                        each(kind, msg.payload)
                            .map_err(|detail| protocol_error(step, detail).at(step, object))?;
                        if !dump {
                            return Ok(());
                        }
                    }
                }
            }
        })();
        self.rx = rx;
        result
    }

    /// Joins notification `group` (an `RTNLGRP_*`) on the notification
    /// socket, first dropping any notification left from earlier.
    pub(crate) fn subscribe(&mut self, group: u32) -> Result<(), SetupError> {
        if self.subscribed == 0 {
            self.read_notifications(|_| ())?;
        }
        let bit = 1u32.checked_shl(group).unwrap_or(0);
        if self.subscribed & bit == 0 {
            self.monitor
                .add_membership(group)
                .map_err(|err| SetupError::socket("subscribe to notifications", "", &err))?;
            self.subscribed |= bit;
        }
        Ok(())
    }

    /// Leaves every notification group; notifications already queued are
    /// dropped by the next [`Netlink::subscribe`].
    pub(crate) fn unsubscribe_all(&mut self) {
        for group in 0..32 {
            if self.subscribed & (1 << group) != 0 {
                // Failure only means more notifications to drop next time.
                let _ = self.monitor.drop_membership(group);
            }
        }
        self.subscribed = 0;
    }

    /// The notification socket, to poll for readability.
    pub(crate) fn monitor_fd(&self) -> BorrowedFd<'_> {
        self.monitor.as_fd()
    }

    /// Reads every queued notification without blocking and hands each to
    /// `each`. Returns `true` if the socket overran (`ENOBUFS`):
    /// notifications were lost and the caller must re-read the state.
    pub(crate) fn read_notifications(
        &mut self,
        mut each: impl FnMut(Message<'_>),
    ) -> Result<bool, SetupError> {
        let mut overrun = false;
        let mut rx = std::mem::take(&mut self.rx);
        let result = loop {
            match recv(&self.monitor, &mut rx, libc::MSG_DONTWAIT) {
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break Ok(overrun),
                Err(err) if err.raw_os_error() == Some(libc::ENOBUFS) => {
                    overrun = true;
                    continue;
                }
                Err(err) => break Err(SetupError::socket("read notifications", "", &err)),
            }
            for msg in Messages::new(&rx) {
                match msg {
                    Ok(msg) => each(msg),
                    // A garbled notification: re-reading the state is safe.
                    Err(_) => overrun = true,
                }
            }
        };
        self.rx = rx;
        result
    }
}

/// Serializes `msg` with the given header flags and sequence number and
/// appends it to `out` (port id 0: the kernel fills in ours).
pub(crate) fn encode_into(out: &mut Vec<u8>, msg: RouteNetlinkMessage, flags: u16, seq: u32) {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    header.sequence_number = seq;
    let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
    packet.finalize();
    let start = out.len();
    out.resize(start + packet.buffer_len(), 0);
    packet.serialize(&mut out[start..]);
}

/// The bytes of `msg` as [`Netlink::queue`] sends it, with sequence number 1.
#[cfg(test)]
pub(crate) fn encode(msg: RouteNetlinkMessage, flags: u16) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(&mut out, msg, NLM_F_REQUEST | NLM_F_ACK | flags, 1);
    out
}

fn protocol_error(step: &'static str, detail: String) -> SetupError {
    SetupError::new(SetupErrorKind::Protocol, step, "").with_detail(detail)
}

fn retry_eintr<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Receives one datagram into `rx` (replacing its contents).
fn recv(socket: &Socket, rx: &mut Vec<u8>, flags: libc::c_int) -> io::Result<usize> {
    retry_eintr(|| {
        rx.clear();
        rx.reserve(RX_BUF);
        let len = socket.recv(rx, flags | libc::MSG_TRUNC)?;
        if len > rx.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("netlink datagram of {len} bytes truncated to {}", rx.len()),
            ));
        }
        Ok(len)
    })
}

/// Iterates over the messages of one datagram.
pub(crate) struct Messages<'a> {
    buf: &'a [u8],
}

impl<'a> Messages<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Messages { buf }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() {
            return None;
        }
        let buf = match NetlinkBuffer::new_checked(self.buf) {
            Ok(buf) => buf,
            Err(err) => {
                self.buf = &[];
                return Some(Err(err.to_string()));
            }
        };
        let len = buf.length() as usize;
        let msg = Message {
            kind: buf.message_type(),
            flags: buf.flags(),
            seq: buf.sequence_number(),
            payload: buf.payload(),
        };
        self.buf = self.buf.get(align4(len)..).unwrap_or(&[]);
        Some(Ok(msg))
    }
}

/// Rounds up to the 4-byte netlink alignment.
pub(crate) const fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// Decodes an `NLMSG_ERROR` payload: the (negative) errno, 0 for an ack,
/// and the extended-ack message if the kernel sent one.
pub(crate) fn parse_error(flags: u16, payload: &[u8]) -> Result<(i32, Option<String>), String> {
    let code = read_i32(payload).ok_or("NLMSG_ERROR shorter than its error code")?;
    if flags & NLM_F_ACK_TLVS == 0 {
        return Ok((code, None));
    }
    // After the code comes the request we sent: only its header when the ack
    // is capped, the whole request otherwise; the TLVs follow.
    let echoed = &payload[4..];
    let echoed_len = if flags & NLM_F_CAPPED != 0 {
        NLMSG_HDRLEN
    } else {
        read_i32(echoed).map_or(NLMSG_HDRLEN, |len| len as usize)
    };
    let tlvs = echoed.get(align4(echoed_len)..).unwrap_or(&[]);
    Ok((code, extack_message(tlvs)))
}

/// Decodes an `NLMSG_DONE` payload: the dump's error code and extended ack.
fn parse_done(payload: &[u8]) -> Result<(i32, Option<String>), String> {
    // Old kernels may send an empty NLMSG_DONE.
    let code = read_i32(payload).unwrap_or(0);
    Ok((code, extack_message(payload.get(4..).unwrap_or(&[]))))
}

fn extack_message(tlvs: &[u8]) -> Option<String> {
    NlasIterator::new(tlvs)
        .filter_map(Result::ok)
        .find(|nla| nla.kind() == NLMSGERR_ATTR_MSG)
        .map(|nla| {
            let value = nla.value();
            let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
            String::from_utf8_lossy(&value[..end]).into_owned()
        })
}

fn read_i32(buf: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(buf.get(..4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ack_decodes_to_code_zero() {
        #[rustfmt::skip]
        let payload = [
            0x00, 0x00, 0x00, 0x00, // error: 0, an ack
            0x20, 0x00, 0x00, 0x00, // echoed nlmsg_len: 32
            0x10, 0x00, 0x05, 0x06, // echoed type RTM_NEWLINK, flags REQUEST|ACK|EXCL|CREATE
            0x01, 0x00, 0x00, 0x00, // echoed seq: 1
            0x00, 0x00, 0x00, 0x00, // echoed port id: 0
        ];
        assert_eq!(parse_error(NLM_F_CAPPED, &payload), Ok((0, None)));
    }

    #[test]
    fn a_capped_error_with_tlvs_yields_errno_and_message() {
        #[rustfmt::skip]
        let payload = [
            0xef, 0xff, 0xff, 0xff, // error: -17 (EEXIST)
            0x20, 0x00, 0x00, 0x00, // echoed nlmsg_len: 32 (header only: capped)
            0x10, 0x00, 0x05, 0x06, // echoed type, flags
            0x01, 0x00, 0x00, 0x00, // echoed seq
            0x00, 0x00, 0x00, 0x00, // echoed port id
            0x0a, 0x00, 0x01, 0x00, // nla len 10, type NLMSGERR_ATTR_MSG
            b'b', b'u', b's', b'y', // "busy"
            0x00, 0x00, 0x00, 0x00, // NUL terminator, padding
            0x08, 0x00, 0x02, 0x00, // nla len 8, type NLMSGERR_ATTR_OFFS
            0x14, 0x00, 0x00, 0x00, // offset 20
        ];
        assert_eq!(
            parse_error(NLM_F_CAPPED | NLM_F_ACK_TLVS, &payload),
            Ok((-17, Some("busy".to_string())))
        );
    }

    #[test]
    fn an_uncapped_error_skips_the_whole_echoed_request() {
        #[rustfmt::skip]
        let payload = [
            0xea, 0xff, 0xff, 0xff, // error: -22 (EINVAL)
            0x14, 0x00, 0x00, 0x00, // echoed nlmsg_len: 20 (header + 4 bytes)
            0x10, 0x00, 0x05, 0x00, // echoed type, flags
            0x01, 0x00, 0x00, 0x00, // echoed seq
            0x00, 0x00, 0x00, 0x00, // echoed port id
            0xaa, 0xbb, 0xcc, 0xdd, // echoed payload
            0x07, 0x00, 0x01, 0x00, // nla len 7, type NLMSGERR_ATTR_MSG
            b'b', b'a', b'd', 0x00, // "bad"
        ];
        assert_eq!(
            parse_error(NLM_F_ACK_TLVS, &payload),
            Ok((-22, Some("bad".to_string())))
        );
    }

    #[test]
    fn a_datagram_splits_into_aligned_messages() {
        #[rustfmt::skip]
        let datagram = [
            0x14, 0x00, 0x00, 0x00, // len 20
            0x03, 0x00, 0x02, 0x00, // type NLMSG_DONE, flags MULTI
            0x07, 0x00, 0x00, 0x00, // seq 7
            0x00, 0x00, 0x00, 0x00, // port id
            0x00, 0x00, 0x00, 0x00, // payload: error 0
            0x11, 0x00, 0x00, 0x00, // len 17 (padded to 20)
            0x10, 0x00, 0x00, 0x00, // type RTM_NEWLINK
            0x00, 0x00, 0x00, 0x00, // seq 0: a notification
            0x00, 0x00, 0x00, 0x00, // port id
            0x01, 0x00, 0x00, 0x00, // payload byte 1, padding
        ];
        let msgs: Vec<_> = Messages::new(&datagram)
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            (msgs[0].kind, msgs[0].seq, msgs[0].payload),
            (NLMSG_DONE, 7, &[0u8; 4][..])
        );
        assert_eq!(
            (msgs[1].kind, msgs[1].seq, msgs[1].payload),
            (16, 0, &[1u8][..])
        );
    }
}
