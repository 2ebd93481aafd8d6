//! nf_tables messages: the netlink header, `struct nfgenmsg`, and the
//! batch that wraps them. nf_tables only changes inside a batch
//! (`NFNL_MSG_BATCH_BEGIN` … `NFNL_MSG_BATCH_END`), which the kernel
//! applies as one transaction: all of it, or nothing.

use netlink_packet_core::{NLM_F_ACK, NLM_F_REQUEST};

use super::attr::Attrs;
use super::error::Step;
use crate::netlink::socket::align4;

/// `NFNL_SUBSYS_NFTABLES`: the high byte of an nf_tables message type.
const NFNL_SUBSYS_NFTABLES: u16 = 10;
/// `NFNL_MSG_BATCH_BEGIN`.
const NFNL_MSG_BATCH_BEGIN: u16 = 16;
/// `NFNL_MSG_BATCH_END`.
const NFNL_MSG_BATCH_END: u16 = 17;
/// `NFNETLINK_V0`.
const NFNETLINK_V0: u8 = 0;
/// Size of `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;

/// `NFPROTO_UNSPEC`: the family of the batch messages.
const NFPROTO_UNSPEC: u8 = 0;
/// `NFPROTO_INET`: a table for IPv4 and IPv6 alike.
pub(super) const NFPROTO_INET: u8 = 1;
/// `NFPROTO_IPV4`.
pub(super) const NFPROTO_IPV4: u8 = 2;
/// `NFPROTO_IPV6`.
pub(super) const NFPROTO_IPV6: u8 = 10;

/// The nf_tables requests we send (`enum nf_tables_msg_types`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Msg {
    /// `NFT_MSG_NEWTABLE`.
    NewTable = 0,
    /// `NFT_MSG_DELTABLE`: the table and everything in it.
    DelTable = 2,
    /// `NFT_MSG_NEWCHAIN`.
    NewChain = 3,
    /// `NFT_MSG_NEWRULE`.
    NewRule = 6,
}

/// A message of the batch whose ack has not been read, with what to say if
/// it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pending {
    /// Its `nlmsg_seq`.
    pub(super) seq: u32,
    /// Whether it asked for an ack (`NLM_F_ACK`); the batch's begin does
    /// not, but the kernel answers it with an error when it has no
    /// nf_tables at all.
    pub(super) acked: bool,
    /// What the message does.
    pub(super) step: Step,
    /// What it does it to, e.g. `host:uplink`.
    pub(super) object: String,
}

/// A batch of nf_tables requests, serialized as it is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Batch {
    bytes: Vec<u8>,
    seq: u32,
    pending: Vec<Pending>,
}

impl Batch {
    /// Starts a batch whose messages count from sequence number `seq`.
    pub(super) fn new(seq: u32) -> Batch {
        let mut batch = Batch {
            bytes: Vec::new(),
            seq,
            pending: Vec::new(),
        };
        batch.message(
            NFNL_MSG_BATCH_BEGIN,
            NLM_F_REQUEST,
            NFPROTO_UNSPEC,
            NFNL_SUBSYS_NFTABLES,
            &Attrs::new(),
        );
        batch.pending.push(Pending {
            seq,
            acked: false,
            step: Step::Begin,
            object: String::new(),
        });
        batch
    }

    /// Adds a request of `kind` for `family` with `NLM_F_REQUEST |
    /// NLM_F_ACK | flags`; a failure is reported as `step` on `object`.
    pub(super) fn push(
        &mut self,
        kind: Msg,
        family: u8,
        flags: u16,
        attrs: &Attrs,
        step: Step,
        object: impl Into<String>,
    ) {
        let seq = self.message(
            NFNL_SUBSYS_NFTABLES << 8 | kind as u16,
            NLM_F_REQUEST | NLM_F_ACK | flags,
            family,
            0,
            attrs,
        );
        self.pending.push(Pending {
            seq,
            acked: true,
            step,
            object: object.into(),
        });
    }

    /// Ends the batch: its bytes, one datagram, and its messages.
    pub(super) fn finish(mut self) -> (Vec<u8>, Vec<Pending>) {
        self.message(
            NFNL_MSG_BATCH_END,
            NLM_F_REQUEST,
            NFPROTO_UNSPEC,
            NFNL_SUBSYS_NFTABLES,
            &Attrs::new(),
        );
        (self.bytes, self.pending)
    }

    /// Appends one message: the netlink header (port id 0: the kernel
    /// fills in ours), `struct nfgenmsg`, the attributes. Returns its
    /// sequence number.
    fn message(&mut self, kind: u16, flags: u16, family: u8, res_id: u16, attrs: &Attrs) -> u32 {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let len = NLMSG_HDRLEN + 4 + attrs.as_bytes().len();
        let out = &mut self.bytes;
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(&flags.to_ne_bytes());
        out.extend_from_slice(&seq.to_ne_bytes());
        out.extend_from_slice(&0u32.to_ne_bytes());
        out.push(family);
        out.push(NFNETLINK_V0);
        out.extend_from_slice(&res_id.to_be_bytes());
        out.extend_from_slice(attrs.as_bytes());
        out.resize(out.len() + align4(len) - len, 0);
        seq
    }
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::NLM_F_CREATE;

    use super::*;

    #[test]
    fn a_batch_wraps_its_requests_between_begin_and_end() {
        let mut batch = Batch::new(7);
        let mut attrs = Attrs::new();
        attrs.string(1, "t");
        batch.push(
            Msg::NewTable,
            NFPROTO_INET,
            NLM_F_CREATE,
            &attrs,
            Step::Table,
            "t",
        );
        let (bytes, pending) = batch.finish();
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // NFNL_MSG_BATCH_BEGIN
            0x14, 0x00, 0x00, 0x00, // length 20: header and nfgenmsg
            0x10, 0x00,             // type 16: NFNL_MSG_BATCH_BEGIN
            0x01, 0x00,             // flags REQUEST
            0x07, 0x00, 0x00, 0x00, // seq 7
            0x00, 0x00, 0x00, 0x00, // port id 0
            0x00,                   // nfgen_family NFPROTO_UNSPEC
            0x00,                   // version NFNETLINK_V0
            0x00, 0x0a,             // res_id NFNL_SUBSYS_NFTABLES, big endian
            // NFT_MSG_NEWTABLE
            0x1c, 0x00, 0x00, 0x00, // length 28: header, nfgenmsg, one attribute
            0x00, 0x0a,             // type NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE
            0x05, 0x04,             // flags REQUEST | ACK | CREATE
            0x08, 0x00, 0x00, 0x00, // seq 8
            0x00, 0x00, 0x00, 0x00, // port id 0
            0x01,                   // nfgen_family NFPROTO_INET
            0x00,                   // version NFNETLINK_V0
            0x00, 0x00,             // res_id 0
            0x06, 0x00, 0x01, 0x00, // NFTA_TABLE_NAME, length 6
            b't', 0x00, 0x00, 0x00, // "t\0", padded
            // NFNL_MSG_BATCH_END
            0x14, 0x00, 0x00, 0x00, // length 20
            0x11, 0x00,             // type 17: NFNL_MSG_BATCH_END
            0x01, 0x00,             // flags REQUEST
            0x09, 0x00, 0x00, 0x00, // seq 9
            0x00, 0x00, 0x00, 0x00, // port id 0
            0x00, 0x00, 0x00, 0x0a, // nfgenmsg as for BEGIN
        ];
        assert_eq!(bytes, expected);
        assert_eq!(
            pending.iter().map(|p| (p.seq, p.acked)).collect::<Vec<_>>(),
            [(7, false), (8, true)]
        );
    }
}
