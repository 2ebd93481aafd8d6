//! A synchronous `NETLINK_SOCK_DIAG` handle bound to one network namespace.
//!
//! Like an rtnetlink socket, a socket-diagnostics socket answers for the
//! namespace of the thread that opened it, so a report opens one on its
//! thread inside each namespace. It only dumps: one request, then the
//! replies until `NLMSG_DONE`. Any user may dump; no capability is needed.

use std::io;

use netlink_packet_core::{NetlinkBuffer, NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_REQUEST};
use netlink_sys::{protocols::NETLINK_SOCK_DIAG, Socket};
use nix::errno::Errno;

use super::error::DiagError;

/// Receive buffer: larger than any dump datagram (the kernel fills at most
/// 32 KiB per dump datagram).
const RX_BUF: usize = 64 * 1024;
/// Size of `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;

/// A socket-diagnostics handle in the namespace of the thread that opened it.
#[derive(Debug)]
pub(crate) struct SockDiag {
    socket: Socket,
    seq: u32,
    rx: Vec<u8>,
}

impl SockDiag {
    /// Opens the socket in the calling thread's current network namespace.
    /// Fails with `EPROTONOSUPPORT` where the kernel has no socket
    /// diagnostics.
    pub(crate) fn open() -> Result<SockDiag, DiagError> {
        let step = "open a NETLINK_SOCK_DIAG socket";
        let mut socket = Socket::new(NETLINK_SOCK_DIAG).map_err(|e| DiagError::socket(step, &e))?;
        socket
            .bind_auto()
            .map_err(|e| DiagError::socket(step, &e))?;
        Ok(SockDiag {
            socket,
            seq: 0,
            rx: Vec::with_capacity(RX_BUF),
        })
    }

    /// Sends a dump request (`NLM_F_REQUEST | NLM_F_DUMP`) of type `kind`
    /// carrying `payload`, and hands the payload of every reply to `each`
    /// until `NLMSG_DONE`. Errors name `step`.
    pub(crate) fn dump(
        &mut self,
        kind: u16,
        payload: &[u8],
        step: &'static str,
        mut each: impl FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), DiagError> {
        self.seq = self.seq.wrapping_add(1).max(1);
        let seq = self.seq;
        let request = encode(kind, NLM_F_REQUEST | NLM_F_DUMP, seq, payload);
        retry_eintr(|| self.socket.send(&request, 0)).map_err(|e| DiagError::socket(step, &e))?;
        let mut rx = std::mem::take(&mut self.rx);
        let result = (|| loop {
            recv(&self.socket, &mut rx).map_err(|e| DiagError::socket(step, &e))?;
            let mut buf = &rx[..];
            while !buf.is_empty() {
                let msg = NetlinkBuffer::new_checked(buf)
                    .map_err(|e| DiagError::protocol(step, e.to_string()))?;
                let len = msg.length() as usize;
                if msg.sequence_number() == seq {
                    match msg.message_type() {
                        NLMSG_ERROR | NLMSG_DONE => {
                            // Both carry the errno first, negative, or 0. An
                            // old kernel may send an empty NLMSG_DONE.
                            let code = read_i32(msg.payload()).unwrap_or(0);
                            if code != 0 {
                                return Err(DiagError::refused(
                                    step,
                                    Errno::from_raw(code.saturating_neg()),
                                ));
                            }
                            return Ok(());
                        }
                        _ => each(msg.payload()).map_err(|d| DiagError::protocol(step, d))?,
                    }
                }
                buf = buf.get(align4(len.max(NLMSG_HDRLEN))..).unwrap_or(&[]);
            }
        })();
        self.rx = rx;
        result
    }
}

/// A netlink message: the 16-byte header (port id 0: the kernel fills in
/// ours) followed by `payload`, padded to 4 bytes.
pub(crate) fn encode(kind: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let len = NLMSG_HDRLEN + payload.len();
    let mut out = Vec::with_capacity(align4(len));
    out.extend_from_slice(&(len as u32).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(align4(len), 0);
    out
}

/// Rounds up to the 4-byte netlink alignment.
const fn align4(len: usize) -> usize {
    (len + 3) & !3
}

fn read_i32(buf: &[u8]) -> Option<i32> {
    Some(i32::from_ne_bytes(buf.get(..4)?.try_into().ok()?))
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
fn recv(socket: &Socket, rx: &mut Vec<u8>) -> io::Result<usize> {
    retry_eintr(|| {
        rx.clear();
        rx.reserve(RX_BUF);
        let len = socket.recv(rx, libc::MSG_TRUNC)?;
        if len > rx.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("netlink datagram of {len} bytes truncated to {}", rx.len()),
            ));
        }
        Ok(len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_its_header_then_its_padded_payload() {
        let bytes = encode(20, NLM_F_REQUEST | NLM_F_DUMP, 7, &[0xaa, 0xbb, 0xcc]);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nlmsghdr
            0x13, 0x00, 0x00, 0x00, // length 19: header and 3 payload bytes
            0x14, 0x00,             // type 20
            0x01, 0x03,             // flags REQUEST|DUMP
            0x07, 0x00, 0x00, 0x00, // seq 7
            0x00, 0x00, 0x00, 0x00, // port id 0: the kernel fills it in
            // payload
            0xaa, 0xbb, 0xcc,       // the 3 bytes
            0x00,                   // padding to 4 bytes (not counted in length)
        ];
        assert_eq!(bytes, expected);
    }
}
