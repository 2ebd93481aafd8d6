//! Netlink attributes (`struct nlattr`: length, type, value padded to 4
//! bytes), as nf_tables messages nest them. nf_tables numbers are big
//! endian on the wire (`NLA_BE32`), unlike rtnetlink's.

use crate::netlink::socket::align4;

/// `NLA_F_NESTED`: the attribute holds attributes.
const NLA_F_NESTED: u16 = 0x8000;
/// Size of `struct nlattr`.
const NLA_HDRLEN: usize = 4;

/// A list of attributes being written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Attrs {
    buf: Vec<u8>,
}

impl Attrs {
    pub(super) fn new() -> Attrs {
        Attrs::default()
    }

    /// Appends attribute `kind` holding `value`, padded to 4 bytes.
    pub(super) fn bytes(&mut self, kind: u16, value: &[u8]) -> &mut Attrs {
        let len = NLA_HDRLEN + value.len();
        // Attribute values here are names and addresses: far below 64 KiB.
        self.buf
            .extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(value);
        self.buf.resize(self.buf.len() + align4(len) - len, 0);
        self
    }

    /// Appends a NUL-terminated string (`NLA_STRING`, as nft sends it).
    pub(super) fn string(&mut self, kind: u16, value: &str) -> &mut Attrs {
        let mut bytes = Vec::with_capacity(value.len() + 1);
        bytes.extend_from_slice(value.as_bytes());
        bytes.push(0);
        self.bytes(kind, &bytes)
    }

    /// Appends a big-endian `u32` (`NLA_BE32`).
    pub(super) fn be32(&mut self, kind: u16, value: u32) -> &mut Attrs {
        self.bytes(kind, &value.to_be_bytes())
    }

    /// Appends a nested attribute whose contents `fill` writes.
    pub(super) fn nest(&mut self, kind: u16, fill: impl FnOnce(&mut Attrs)) -> &mut Attrs {
        let mut inner = Attrs::new();
        fill(&mut inner);
        self.nested(kind, &inner)
    }

    /// Appends attribute `kind` holding the attributes `inner`.
    pub(super) fn nested(&mut self, kind: u16, inner: &Attrs) -> &mut Attrs {
        self.bytes(kind | NLA_F_NESTED, &inner.buf)
    }

    /// The attributes written so far.
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_is_nul_terminated_and_padded() {
        let mut attrs = Attrs::new();
        attrs.string(1, "nat");
        #[rustfmt::skip]
        let expected = [
            0x08, 0x00, // length 8: header and "nat\0"
            0x01, 0x00, // type 1
            b'n', b'a', b't', 0x00,
        ];
        assert_eq!(attrs.as_bytes(), expected);
    }

    #[test]
    fn a_number_is_big_endian_and_a_nest_is_flagged() {
        let mut attrs = Attrs::new();
        attrs.nest(4, |hook| {
            hook.be32(1, 4);
        });
        #[rustfmt::skip]
        let expected = [
            0x0c, 0x00, // length 12: header and the inner attribute
            0x04, 0x80, // type 4 | NLA_F_NESTED
            0x08, 0x00, // inner length 8
            0x01, 0x00, // inner type 1
            0x00, 0x00, 0x00, 0x04, // 4, big endian
        ];
        assert_eq!(attrs.as_bytes(), expected);
    }

    #[test]
    fn odd_lengths_are_padded_but_not_counted() {
        let mut attrs = Attrs::new();
        attrs.bytes(3, &[0xaa]).bytes(2, &[0xbb, 0xcc]);
        #[rustfmt::skip]
        let expected = [
            0x05, 0x00, 0x03, 0x00, 0xaa, 0x00, 0x00, 0x00, // length 5, 3 bytes of padding
            0x06, 0x00, 0x02, 0x00, 0xbb, 0xcc, 0x00, 0x00, // length 6, 2 bytes of padding
        ];
        assert_eq!(attrs.as_bytes(), expected);
    }
}
