//! A namespace's ruleset: its `nat` and `forward` statements as one
//! table of two chains, sent as one batch.

use std::net::SocketAddr;

use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE};
use netns_test_topology::{ForwardPlan, NatPlan};

use super::attr::Attrs;
use super::error::{NftError, Step};
use super::expr::{self, Expr, MetaKey, REG_1, REG_2};
use super::message::{Batch, Msg, NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6};
use super::socket::NfTables;

/// The table's name, in family `inet` (IPv4 and IPv6 alike).
pub(crate) const TABLE: &str = "netns-test";

/// `NFTA_TABLE_NAME`.
pub(super) const NFTA_TABLE_NAME: u16 = 1;
/// `NFTA_CHAIN_TABLE`, `NFTA_CHAIN_NAME`, `NFTA_CHAIN_HOOK`,
/// `NFTA_CHAIN_TYPE`.
const NFTA_CHAIN_TABLE: u16 = 1;
const NFTA_CHAIN_NAME: u16 = 3;
const NFTA_CHAIN_HOOK: u16 = 4;
const NFTA_CHAIN_TYPE: u16 = 7;
/// `NFTA_HOOK_HOOKNUM`, `NFTA_HOOK_PRIORITY`.
const NFTA_HOOK_HOOKNUM: u16 = 1;
const NFTA_HOOK_PRIORITY: u16 = 2;
/// `NFTA_RULE_TABLE`, `NFTA_RULE_CHAIN`, `NFTA_RULE_EXPRESSIONS`.
const NFTA_RULE_TABLE: u16 = 1;
const NFTA_RULE_CHAIN: u16 = 2;
const NFTA_RULE_EXPRESSIONS: u16 = 4;

/// A base chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chain {
    pub(super) name: &'static str,
    /// `NF_INET_PRE_ROUTING` or `NF_INET_POST_ROUTING`.
    pub(super) hook: u32,
    /// E.g. `NF_IP_PRI_NAT_DST` (`dstnat`) or `NF_IP_PRI_NAT_SRC` (`srcnat`).
    pub(super) priority: i32,
    /// `nat` or `filter`.
    pub(super) kind: &'static str,
}

/// Destination NAT, before the routing decision.
const PREROUTING: Chain = Chain {
    name: "prerouting",
    hook: 0,
    priority: -100,
    kind: "nat",
};

/// Source NAT, once the output interface is known.
const POSTROUTING: Chain = Chain {
    name: "postrouting",
    hook: 4,
    priority: 100,
    kind: "nat",
};

/// Builds the ruleset of `node` in the calling thread's network namespace.
/// Does nothing when there is nothing to build.
pub(crate) fn apply(
    node: &str,
    nats: &[&NatPlan],
    forwards: &[&ForwardPlan],
) -> Result<(), NftError> {
    if nats.is_empty() && forwards.is_empty() {
        return Ok(());
    }
    NfTables::open(node)?.commit(batch(node, nats, forwards))
}

/// The batch: the table, the chains used, one rule per statement.
fn batch(node: &str, nats: &[&NatPlan], forwards: &[&ForwardPlan]) -> Batch {
    let mut batch = Batch::new(1);
    push_table(&mut batch, TABLE);
    if !forwards.is_empty() {
        let rules = forwards.iter().map(|forward| {
            let what = format!(
                "forward {node}:{} {} {} to {}",
                forward.ifname, forward.protocol, forward.port, forward.to
            );
            (dnat(forward), Step::Forward, what)
        });
        push_chain(&mut batch, TABLE, PREROUTING, rules);
    }
    if !nats.is_empty() {
        let rules = nats.iter().map(|nat| {
            let random = if nat.random { " random" } else { "" };
            let what = format!("nat {node}:{}{random}", nat.ifname);
            (masquerade(nat), Step::Masquerade, what)
        });
        push_chain(&mut batch, TABLE, POSTROUTING, rules);
    }
    batch
}

/// Adds the `inet` table `table` to `batch` (made if it is missing).
pub(super) fn push_table(batch: &mut Batch, table: &str) {
    let mut attrs = Attrs::new();
    attrs.string(NFTA_TABLE_NAME, table);
    batch.push(
        Msg::NewTable,
        NFPROTO_INET,
        NLM_F_CREATE,
        &attrs,
        Step::Table,
        format!("inet {table}"),
    );
}

/// Adds the base chain `chain` of `table` to `batch`, then `rules` in order
/// at its end: each rule's expressions, its step and what it is (for an
/// error about it).
pub(super) fn push_chain(
    batch: &mut Batch,
    table: &str,
    chain: Chain,
    rules: impl IntoIterator<Item = (Vec<Expr>, Step, String)>,
) {
    batch.push(
        Msg::NewChain,
        NFPROTO_INET,
        NLM_F_CREATE,
        &self::chain(table, chain),
        Step::Chain,
        chain.name,
    );
    for (exprs, step, what) in rules {
        batch.push(
            Msg::NewRule,
            NFPROTO_INET,
            NLM_F_CREATE | NLM_F_APPEND,
            &rule(table, chain, &exprs),
            step,
            what,
        );
    }
}

/// `NFT_MSG_NEWCHAIN` attributes of a base chain in `table`.
pub(super) fn chain(table: &str, chain: Chain) -> Attrs {
    let mut attrs = Attrs::new();
    attrs
        .string(NFTA_CHAIN_TABLE, table)
        .string(NFTA_CHAIN_NAME, chain.name)
        .nest(NFTA_CHAIN_HOOK, |hook| {
            hook.be32(NFTA_HOOK_HOOKNUM, chain.hook)
                .be32(NFTA_HOOK_PRIORITY, chain.priority as u32);
        })
        .string(NFTA_CHAIN_TYPE, chain.kind);
    attrs
}

/// `NFT_MSG_NEWRULE` attributes of a rule in `chain` of `table`.
pub(super) fn rule(table: &str, chain: Chain, exprs: &[Expr]) -> Attrs {
    let mut attrs = Attrs::new();
    attrs
        .string(NFTA_RULE_TABLE, table)
        .string(NFTA_RULE_CHAIN, chain.name);
    expr::list(&mut attrs, NFTA_RULE_EXPRESSIONS, exprs);
    attrs
}

/// `oifname IFNAME masquerade [fully-random]`.
fn masquerade(nat: &NatPlan) -> Vec<Expr> {
    vec![
        Expr::Meta(MetaKey::OifName),
        Expr::CmpEq(expr::ifname(&nat.ifname)),
        Expr::Masquerade { random: nat.random },
    ]
}

/// `iifname IFNAME meta l4proto PROTO th dport PORT dnat ip|ip6 to ADDR:PORT`.
/// The `nat` expression of an `inet` table acts only on packets of its own
/// family, so an IPv4 target leaves IPv6 packets alone and vice versa.
fn dnat(forward: &ForwardPlan) -> Vec<Expr> {
    let (family, addr) = match forward.to {
        SocketAddr::V4(to) => (NFPROTO_IPV4, to.ip().octets().to_vec()),
        SocketAddr::V6(to) => (NFPROTO_IPV6, to.ip().octets().to_vec()),
    };
    vec![
        Expr::Meta(MetaKey::IifName),
        Expr::CmpEq(expr::ifname(&forward.ifname)),
        Expr::Meta(MetaKey::L4Proto),
        Expr::CmpEq(vec![forward.protocol.number()]),
        Expr::Transport { offset: 2, len: 2 },
        Expr::CmpEq(forward.port.to_be_bytes().to_vec()),
        Expr::Immediate {
            reg: REG_1,
            data: addr,
        },
        Expr::Immediate {
            reg: REG_2,
            data: forward.to.port().to_be_bytes().to_vec(),
        },
        Expr::Dnat { family },
    ]
}

#[cfg(test)]
mod tests {
    use netns_test_topology::{NsId, Protocol};

    use super::*;

    #[test]
    fn the_postrouting_chain_is_a_nat_chain_at_srcnat_priority() {
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x0f, 0x00, 0x01, 0x00, // NFTA_CHAIN_TABLE, length 15
            b'n', b'e', b't', b'n', b's', b'-', b't', b'e', b's', b't', 0x00, 0x00, // "netns-test\0", padded
            0x10, 0x00, 0x03, 0x00, // NFTA_CHAIN_NAME, length 16
            b'p', b'o', b's', b't', b'r', b'o', b'u', b't', b'i', b'n', b'g', 0x00, // "postrouting\0"
            0x14, 0x00, 0x04, 0x80, // NFTA_CHAIN_HOOK, nested, length 20
            0x08, 0x00, 0x01, 0x00, //   NFTA_HOOK_HOOKNUM
            0x00, 0x00, 0x00, 0x04, //   NF_INET_POST_ROUTING
            0x08, 0x00, 0x02, 0x00, //   NFTA_HOOK_PRIORITY
            0x00, 0x00, 0x00, 0x64, //   100: NF_IP_PRI_NAT_SRC
            0x08, 0x00, 0x07, 0x00, // NFTA_CHAIN_TYPE, length 8
            b'n', b'a', b't', 0x00, // "nat\0"
        ];
        assert_eq!(chain(TABLE, POSTROUTING).as_bytes(), expected);
    }

    #[test]
    fn the_prerouting_priority_is_negative_in_twos_complement() {
        let bytes = chain(TABLE, PREROUTING);
        let hook = &bytes.as_bytes()[32..52];
        #[rustfmt::skip]
        let expected = [
            0x14, 0x00, 0x04, 0x80, // NFTA_CHAIN_HOOK, nested
            0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // NF_INET_PRE_ROUTING
            0x08, 0x00, 0x02, 0x00, 0xff, 0xff, 0xff, 0x9c, // -100: NF_IP_PRI_NAT_DST
        ];
        assert_eq!(hook, expected);
    }

    #[test]
    fn a_forward_matches_interface_protocol_and_port_then_rewrites_address_and_port() {
        let forward = ForwardPlan {
            ns: NsId::HOST,
            ifname: "up0".into(),
            protocol: Protocol::Udp,
            port: 8080,
            to: "[fd00::64]:53".parse().expect("a socket address"),
        };
        let exprs = dnat(&forward);
        assert_eq!(
            exprs.iter().map(Expr::name).collect::<Vec<_>>(),
            [
                "meta",
                "cmp",
                "meta",
                "cmp",
                "payload",
                "cmp",
                "immediate",
                "immediate",
                "nat"
            ]
        );
        assert_eq!(exprs[3], Expr::CmpEq(vec![17]), "IPPROTO_UDP");
        assert_eq!(exprs[5], Expr::CmpEq(vec![0x1f, 0x90]), "8080, big endian");
        let Expr::Immediate { reg: REG_1, data } = &exprs[6] else {
            panic!("the address goes to register 1: {:?}", exprs[6]);
        };
        assert_eq!(data.len(), 16, "an IPv6 address fills the register");
        assert_eq!(
            exprs[8],
            Expr::Dnat {
                family: NFPROTO_IPV6
            }
        );
    }

    #[test]
    fn a_batch_makes_only_the_chains_it_uses() {
        let nat = NatPlan {
            ns: NsId::HOST,
            ifname: "up0".into(),
            random: true,
        };
        let (_, pending) = batch("host", &[&nat], &[]).finish();
        let steps: Vec<_> = pending
            .iter()
            .map(|p| (p.step, p.object.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                (Step::Begin, ""),
                (Step::Table, "inet netns-test"),
                (Step::Chain, "postrouting"),
                (Step::Masquerade, "nat host:up0 random"),
            ]
        );
    }
}
