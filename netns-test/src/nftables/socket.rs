//! A `NETLINK_NETFILTER` socket bound to one network namespace, that
//! commits one batch at a time.
//!
//! The kernel handles a batch inside `send`: it applies every message,
//! commits or aborts the whole, and queues one ack (or error) per message
//! that asked for one before `send` returns. So the acks are read without
//! blocking, and a missing one is an error, never a hang.

use std::io;

use netlink_packet_core::NLMSG_ERROR;
use netlink_sys::{protocols::NETLINK_NETFILTER, Socket};
use nix::errno::Errno;

use super::error::{NftError, Step};
use super::message::Batch;
use crate::netlink::socket::{parse_error, Messages};

/// Receive buffer: acks are capped to the request's header, so a datagram
/// of them stays far below this.
const RX_BUF: usize = 64 * 1024;

/// An nf_tables handle in the namespace of the thread that opened it.
#[derive(Debug)]
pub(super) struct NfTables {
    socket: Socket,
    /// The node the namespace belongs to, for errors.
    node: String,
    rx: Vec<u8>,
}

impl NfTables {
    /// Opens the socket in the calling thread's current network namespace.
    pub(super) fn open(node: &str) -> Result<NfTables, NftError> {
        let failed = |e: &io::Error| NftError::new(node, Step::Socket, "").io(e);
        let mut socket = Socket::new(NETLINK_NETFILTER).map_err(|e| failed(&e))?;
        socket.bind_auto().map_err(|e| failed(&e))?;
        // Best effort: extended acks only add the kernel's reason to errors,
        // capped acks only shorten them.
        let _ = socket.set_ext_ack(true);
        let _ = socket.set_cap_ack(true);
        Ok(NfTables {
            socket,
            node: node.to_owned(),
            rx: Vec::with_capacity(RX_BUF),
        })
    }

    /// Sends `batch` and reads its acks. `Ok` means the kernel committed
    /// it: its rules see the next packet. Otherwise nothing of it exists,
    /// and the error is the first message the kernel refused.
    pub(super) fn commit(&mut self, batch: Batch) -> Result<(), NftError> {
        let (bytes, mut pending) = batch.finish();
        let exchange = |e: &io::Error| NftError::new(&self.node, Step::Exchange, "").io(e);
        retry_eintr(|| self.socket.send(&bytes, 0)).map_err(|e| exchange(&e))?;
        let mut first: Option<NftError> = None;
        loop {
            self.rx.clear();
            self.rx.reserve(RX_BUF);
            match retry_eintr(|| self.socket.recv(&mut self.rx, libc::MSG_DONTWAIT)) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(first.unwrap_or_else(|| exchange(&e))),
            }
            for msg in Messages::new(&self.rx) {
                let msg = msg
                    .map_err(|d| NftError::new(&self.node, Step::Exchange, "").detail(d.clone()))?;
                if msg.kind != NLMSG_ERROR {
                    continue;
                }
                let Some(pos) = pending.iter().position(|p| p.seq == msg.seq) else {
                    continue;
                };
                let done = pending.remove(pos);
                let (code, extack) = parse_error(msg.flags, msg.payload)
                    .map_err(|d| NftError::new(&self.node, Step::Exchange, "").detail(d))?;
                if code != 0 && first.is_none() {
                    let mut err = NftError::new(&self.node, done.step, done.object)
                        .errno(Errno::from_raw(code.saturating_neg()));
                    err.extack = extack;
                    first = Some(err);
                }
            }
        }
        if let Some(err) = first {
            return Err(err);
        }
        match pending.iter().find(|p| p.acked) {
            Some(unacked) => Err(NftError::new(&self.node, unacked.step, &unacked.object)
                .detail("the kernel sent no acknowledgement")),
            None => Ok(()),
        }
    }
}

fn retry_eintr<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
