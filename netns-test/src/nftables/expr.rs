//! The expressions of a rule, each an `NFTA_LIST_ELEM` holding its name
//! (`NFTA_EXPR_NAME`) and its attributes (`NFTA_EXPR_DATA`). They pass
//! values through registers: a load writes one, a comparison reads it and
//! ends the rule when it does not match.

use super::attr::Attrs;

/// `NFTA_LIST_ELEM`.
const NFTA_LIST_ELEM: u16 = 1;
/// `NFTA_EXPR_NAME`.
const NFTA_EXPR_NAME: u16 = 1;
/// `NFTA_EXPR_DATA`.
const NFTA_EXPR_DATA: u16 = 2;
/// `NFTA_DATA_VALUE`, inside `NFTA_CMP_DATA` and `NFTA_IMMEDIATE_DATA`.
const NFTA_DATA_VALUE: u16 = 1;

/// `NFT_REG_1`: the first 16-byte data register.
pub(super) const REG_1: u32 = 1;
/// `NFT_REG_2`: the second.
pub(super) const REG_2: u32 = 2;

/// `NFTA_META_DREG`, `NFTA_META_KEY`.
const NFTA_META_DREG: u16 = 1;
const NFTA_META_KEY: u16 = 2;
/// `NFTA_CMP_SREG`, `NFTA_CMP_OP`, `NFTA_CMP_DATA`; `NFT_CMP_EQ`.
const NFTA_CMP_SREG: u16 = 1;
const NFTA_CMP_OP: u16 = 2;
const NFTA_CMP_DATA: u16 = 3;
const NFT_CMP_EQ: u32 = 0;
/// `NFTA_PAYLOAD_DREG`, `_BASE`, `_OFFSET`, `_LEN`;
/// `NFT_PAYLOAD_NETWORK_HEADER`, `NFT_PAYLOAD_TRANSPORT_HEADER`.
const NFTA_PAYLOAD_DREG: u16 = 1;
const NFTA_PAYLOAD_BASE: u16 = 2;
const NFTA_PAYLOAD_OFFSET: u16 = 3;
const NFTA_PAYLOAD_LEN: u16 = 4;
const NFT_PAYLOAD_NETWORK_HEADER: u32 = 1;
const NFT_PAYLOAD_TRANSPORT_HEADER: u32 = 2;
/// `NFT_REG_VERDICT`; `NFTA_DATA_VERDICT`, `NFTA_VERDICT_CODE`; `NF_DROP`.
const NFT_REG_VERDICT: u32 = 0;
const NFTA_DATA_VERDICT: u16 = 2;
const NFTA_VERDICT_CODE: u16 = 1;
const NF_DROP: u32 = 0;
/// `NFTA_IMMEDIATE_DREG`, `NFTA_IMMEDIATE_DATA`.
const NFTA_IMMEDIATE_DREG: u16 = 1;
const NFTA_IMMEDIATE_DATA: u16 = 2;
/// `NFTA_NAT_TYPE`, `_FAMILY`, `_REG_ADDR_MIN`, `_REG_PROTO_MIN`;
/// `NFT_NAT_DNAT`.
const NFTA_NAT_TYPE: u16 = 1;
const NFTA_NAT_FAMILY: u16 = 2;
const NFTA_NAT_REG_ADDR_MIN: u16 = 3;
const NFTA_NAT_REG_PROTO_MIN: u16 = 5;
const NFT_NAT_DNAT: u32 = 1;
/// `NFTA_MASQ_FLAGS`; `NF_NAT_RANGE_PROTO_RANDOM_FULLY`.
const NFTA_MASQ_FLAGS: u16 = 1;
const NF_NAT_RANGE_PROTO_RANDOM_FULLY: u32 = 1 << 4;

/// What a `meta` expression loads (`enum nft_meta_keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MetaKey {
    /// `NFT_META_IIFNAME`: the input interface's name, 16 bytes.
    IifName = 6,
    /// `NFT_META_OIFNAME`: the output interface's name, 16 bytes.
    OifName = 7,
    /// `NFT_META_NFPROTO`: the family of the packet (`NFPROTO_IPV4`,
    /// `NFPROTO_IPV6`), 1 byte.
    NfProto = 15,
    /// `NFT_META_L4PROTO`: the transport protocol number, 1 byte.
    L4Proto = 16,
}

/// One expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    /// `meta`: loads `key` into register 1.
    Meta(MetaKey),
    /// `cmp`: register 1 equals `data`, or the rule ends here.
    CmpEq(Vec<u8>),
    /// `payload`: loads `len` bytes of the network header, from `offset`,
    /// into register 1.
    Network { offset: u32, len: u32 },
    /// `payload`: loads `len` bytes of the transport header, from `offset`,
    /// into register 1.
    Transport { offset: u32, len: u32 },
    /// `immediate` of the verdict `drop`: the packet goes no further.
    Drop,
    /// `immediate`: puts `data` in register `reg`.
    Immediate { reg: u32, data: Vec<u8> },
    /// `nat` of type DNAT for `family`: the address from register 1, the
    /// port from register 2.
    Dnat { family: u8 },
    /// `masq`: the source becomes the output interface's address; with
    /// `random`, the source port is fully random.
    Masquerade { random: bool },
}

impl Expr {
    /// The expression's name, which selects its kernel module.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Expr::Meta(_) => "meta",
            Expr::CmpEq(_) => "cmp",
            Expr::Network { .. } | Expr::Transport { .. } => "payload",
            Expr::Drop => "immediate",
            Expr::Immediate { .. } => "immediate",
            Expr::Dnat { .. } => "nat",
            Expr::Masquerade { .. } => "masq",
        }
    }

    /// Writes the expression's `NFTA_EXPR_DATA` attributes.
    fn data(&self, data: &mut Attrs) {
        match self {
            Expr::Meta(key) => {
                data.be32(NFTA_META_KEY, *key as u32)
                    .be32(NFTA_META_DREG, REG_1);
            }
            Expr::CmpEq(value) => {
                data.be32(NFTA_CMP_SREG, REG_1)
                    .be32(NFTA_CMP_OP, NFT_CMP_EQ)
                    .nest(NFTA_CMP_DATA, |d| {
                        d.bytes(NFTA_DATA_VALUE, value);
                    });
            }
            Expr::Network { offset, len } => {
                payload(data, NFT_PAYLOAD_NETWORK_HEADER, *offset, *len);
            }
            Expr::Transport { offset, len } => {
                payload(data, NFT_PAYLOAD_TRANSPORT_HEADER, *offset, *len);
            }
            Expr::Drop => {
                data.be32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT)
                    .nest(NFTA_IMMEDIATE_DATA, |d| {
                        d.nest(NFTA_DATA_VERDICT, |v| {
                            v.be32(NFTA_VERDICT_CODE, NF_DROP);
                        });
                    });
            }
            Expr::Immediate { reg, data: value } => {
                data.be32(NFTA_IMMEDIATE_DREG, *reg)
                    .nest(NFTA_IMMEDIATE_DATA, |d| {
                        d.bytes(NFTA_DATA_VALUE, value);
                    });
            }
            Expr::Dnat { family } => {
                data.be32(NFTA_NAT_TYPE, NFT_NAT_DNAT)
                    .be32(NFTA_NAT_FAMILY, u32::from(*family))
                    .be32(NFTA_NAT_REG_ADDR_MIN, REG_1)
                    .be32(NFTA_NAT_REG_PROTO_MIN, REG_2);
            }
            Expr::Masquerade { random } => {
                if *random {
                    data.be32(NFTA_MASQ_FLAGS, NF_NAT_RANGE_PROTO_RANDOM_FULLY);
                }
            }
        }
    }
}

/// A `payload` load of `len` bytes at `offset` from header `base` into
/// register 1.
fn payload(data: &mut Attrs, base: u32, offset: u32, len: u32) {
    data.be32(NFTA_PAYLOAD_DREG, REG_1)
        .be32(NFTA_PAYLOAD_BASE, base)
        .be32(NFTA_PAYLOAD_OFFSET, offset)
        .be32(NFTA_PAYLOAD_LEN, len);
}

/// Writes `exprs` as the list attribute `kind` (`NFTA_RULE_EXPRESSIONS`).
pub(super) fn list(attrs: &mut Attrs, kind: u16, exprs: &[Expr]) {
    attrs.nest(kind, |list| {
        for expr in exprs {
            list.nest(NFTA_LIST_ELEM, |elem| {
                elem.string(NFTA_EXPR_NAME, expr.name());
                let mut data = Attrs::new();
                expr.data(&mut data);
                if !data.as_bytes().is_empty() {
                    elem.nested(NFTA_EXPR_DATA, &data);
                }
            });
        }
    });
}

/// An interface name as `meta iifname`/`oifname` loads it: `IFNAMSIZ` (16)
/// bytes, NUL-padded.
pub(super) fn ifname(name: &str) -> Vec<u8> {
    let mut bytes = name.as_bytes().to_vec();
    bytes.resize(16, 0);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(exprs: &[Expr]) -> Vec<u8> {
        let mut attrs = Attrs::new();
        list(&mut attrs, 4, exprs);
        attrs.as_bytes().to_vec()
    }

    #[test]
    fn oifname_is_loaded_then_compared_with_the_padded_name() {
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x60, 0x00, 0x04, 0x80, // NFTA_RULE_EXPRESSIONS, nested, length 96
            // meta oifname
            0x24, 0x00, 0x01, 0x80, //   NFTA_LIST_ELEM, nested, length 36
            0x09, 0x00, 0x01, 0x00, //     NFTA_EXPR_NAME, length 9
            b'm', b'e', b't', b'a', 0x00, 0x00, 0x00, 0x00, // "meta\0", padded
            0x14, 0x00, 0x02, 0x80, //     NFTA_EXPR_DATA, nested, length 20
            0x08, 0x00, 0x02, 0x00, //       NFTA_META_KEY
            0x00, 0x00, 0x00, 0x07, //       NFT_META_OIFNAME
            0x08, 0x00, 0x01, 0x00, //       NFTA_META_DREG
            0x00, 0x00, 0x00, 0x01, //       NFT_REG_1
            // cmp eq "up0"
            0x38, 0x00, 0x01, 0x80, //   NFTA_LIST_ELEM, nested, length 56
            0x08, 0x00, 0x01, 0x00, //     NFTA_EXPR_NAME, length 8
            b'c', b'm', b'p', 0x00, //     "cmp\0"
            0x2c, 0x00, 0x02, 0x80, //     NFTA_EXPR_DATA, nested, length 44
            0x08, 0x00, 0x01, 0x00, //       NFTA_CMP_SREG
            0x00, 0x00, 0x00, 0x01, //       NFT_REG_1
            0x08, 0x00, 0x02, 0x00, //       NFTA_CMP_OP
            0x00, 0x00, 0x00, 0x00, //       NFT_CMP_EQ
            0x18, 0x00, 0x03, 0x80, //       NFTA_CMP_DATA, nested, length 24
            0x14, 0x00, 0x01, 0x00, //         NFTA_DATA_VALUE, length 20
            b'u', b'p', b'0', 0x00, //         "up0", NUL-padded to IFNAMSIZ
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(
            bytes(&[Expr::Meta(MetaKey::OifName), Expr::CmpEq(ifname("up0"))]),
            expected
        );
    }

    #[test]
    fn masquerade_has_no_data_unless_random() {
        #[rustfmt::skip]
        let plain: Vec<u8> = vec![
            0x14, 0x00, 0x04, 0x80, // NFTA_RULE_EXPRESSIONS, length 20
            0x10, 0x00, 0x01, 0x80, //   NFTA_LIST_ELEM, length 16
            0x09, 0x00, 0x01, 0x00, //     NFTA_EXPR_NAME, length 9
            b'm', b'a', b's', b'q', 0x00, 0x00, 0x00, 0x00, // "masq\0", padded
        ];
        assert_eq!(bytes(&[Expr::Masquerade { random: false }]), plain);
        #[rustfmt::skip]
        let random: Vec<u8> = vec![
            0x20, 0x00, 0x04, 0x80, // NFTA_RULE_EXPRESSIONS, length 32
            0x1c, 0x00, 0x01, 0x80, //   NFTA_LIST_ELEM, length 28
            0x09, 0x00, 0x01, 0x00, //     NFTA_EXPR_NAME, length 9
            b'm', b'a', b's', b'q', 0x00, 0x00, 0x00, 0x00, // "masq\0", padded
            0x0c, 0x00, 0x02, 0x80, //     NFTA_EXPR_DATA, nested, length 12
            0x08, 0x00, 0x01, 0x00, //       NFTA_MASQ_FLAGS
            0x00, 0x00, 0x00, 0x10, //       NF_NAT_RANGE_PROTO_RANDOM_FULLY
        ];
        assert_eq!(bytes(&[Expr::Masquerade { random: true }]), random);
    }

    #[test]
    fn dnat_takes_the_address_from_register_1_and_the_port_from_register_2() {
        let mut data = Attrs::new();
        Expr::Dnat { family: 2 }.data(&mut data);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, // NFTA_NAT_TYPE NFT_NAT_DNAT
            0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_NAT_FAMILY NFPROTO_IPV4
            0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, // NFTA_NAT_REG_ADDR_MIN NFT_REG_1
            0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_NAT_REG_PROTO_MIN NFT_REG_2
        ];
        assert_eq!(data.as_bytes(), expected);
    }

    #[test]
    fn the_destination_port_is_two_bytes_at_offset_two_of_the_transport_header() {
        let mut data = Attrs::new();
        Expr::Transport { offset: 2, len: 2 }.data(&mut data);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, // NFTA_PAYLOAD_DREG NFT_REG_1
            0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_PAYLOAD_BASE transport
            0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_PAYLOAD_OFFSET 2
            0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_PAYLOAD_LEN 2
        ];
        assert_eq!(data.as_bytes(), expected);
    }

    #[test]
    fn drop_is_a_verdict_in_the_verdict_register() {
        let mut data = Attrs::new();
        Expr::Drop.data(&mut data);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // NFTA_IMMEDIATE_DREG NFT_REG_VERDICT
            0x10, 0x00, 0x02, 0x80,                         // NFTA_IMMEDIATE_DATA, nested, length 16
            0x0c, 0x00, 0x02, 0x80,                         //   NFTA_DATA_VERDICT, nested, length 12
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, //     NFTA_VERDICT_CODE NF_DROP
        ];
        assert_eq!(data.as_bytes(), expected);
    }

    #[test]
    fn an_ipv4_source_address_is_four_bytes_at_offset_twelve_of_the_network_header() {
        let mut data = Attrs::new();
        Expr::Network { offset: 12, len: 4 }.data(&mut data);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, // NFTA_PAYLOAD_DREG NFT_REG_1
            0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // NFTA_PAYLOAD_BASE network
            0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x0c, // NFTA_PAYLOAD_OFFSET 12
            0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x04, // NFTA_PAYLOAD_LEN 4
        ];
        assert_eq!(data.as_bytes(), expected);
    }

    #[test]
    fn an_immediate_puts_its_value_in_its_register() {
        let mut data = Attrs::new();
        Expr::Immediate {
            reg: REG_2,
            data: 80u16.to_be_bytes().to_vec(),
        }
        .data(&mut data);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, // NFTA_IMMEDIATE_DREG NFT_REG_2
            0x0c, 0x00, 0x02, 0x80,                         // NFTA_IMMEDIATE_DATA, nested
            0x06, 0x00, 0x01, 0x00, 0x00, 0x50, 0x00, 0x00, //   NFTA_DATA_VALUE port 80, padded
        ];
        assert_eq!(data.as_bytes(), expected);
    }
}
