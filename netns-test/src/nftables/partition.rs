//! A partition's rules: one table per partition in every namespace of the
//! network, dropping what goes between the two groups.
//!
//! ```text
//! table inet netns-test-partition-N {
//!     chain prerouting {
//!         type filter hook prerouting priority -300    # before conntrack and DNAT
//!         ip saddr A ip daddr B drop                   # for every address pair,
//!         ip saddr B ip daddr A drop                   # both ways, per family
//!     }
//! }
//! ```
//!
//! Packets are dropped where they arrive (the next hop or the receiver),
//! never where they are sent: a sender sees no error, no ICMP and no RST,
//! only silence, as across a real partition. Routes, addresses and links
//! are not touched. Deleting the table heals.

use std::net::IpAddr;

use super::attr::Attrs;
use super::error::{NftError, Step};
use super::expr::{Expr, MetaKey};
use super::message::{Batch, Msg, NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6};
use super::ruleset::{push_chain, push_table, Chain, NFTA_TABLE_NAME};
use super::socket::NfTables;

/// Before connection tracking (-200) and destination NAT (-100): a
/// partition drops by the addresses as sent.
const PREROUTING: Chain = Chain {
    name: "prerouting",
    hook: 0,
    priority: -300,
    kind: "filter",
};

/// The table of partition `id`.
fn table(id: u64) -> String {
    format!("netns-test-partition-{id}")
}

/// Makes partition `id` in the calling thread's network namespace (the
/// node `node`): packets from `a` to `b` and from `b` to `a` are dropped.
pub(crate) fn partition(node: &str, id: u64, a: &[IpAddr], b: &[IpAddr]) -> Result<(), NftError> {
    NfTables::open(node)?.commit(batch(id, a, b))
}

/// Heals partition `id` in the calling thread's network namespace.
pub(crate) fn heal(node: &str, id: u64) -> Result<(), NftError> {
    let table = table(id);
    let mut attrs = Attrs::new();
    attrs.string(NFTA_TABLE_NAME, &table);
    let mut batch = Batch::new(1);
    batch.push(
        Msg::DelTable,
        NFPROTO_INET,
        0,
        &attrs,
        Step::Table,
        format!("inet {table}"),
    );
    NfTables::open(node)?.commit(batch)
}

fn batch(id: u64, a: &[IpAddr], b: &[IpAddr]) -> Batch {
    let table = table(id);
    let mut batch = Batch::new(1);
    push_table(&mut batch, &table);
    let pairs = a
        .iter()
        .flat_map(|x| b.iter().map(move |y| (*x, *y)))
        .flat_map(|(x, y)| [(x, y), (y, x)]);
    let rules = pairs.filter_map(|(from, to)| {
        drop_between(from, to).map(|exprs| (exprs, Step::Partition, format!("{from} -> {to}")))
    });
    push_chain(&mut batch, &table, PREROUTING, rules);
    batch
}

/// `meta nfproto ipv4|ipv6 ip[6] saddr FROM ip[6] daddr TO drop`, or
/// nothing for two addresses of different families.
fn drop_between(from: IpAddr, to: IpAddr) -> Option<Vec<Expr>> {
    let (family, src, dst, len, from, to) = match (from, to) {
        (IpAddr::V4(f), IpAddr::V4(t)) => (
            NFPROTO_IPV4,
            12,
            16,
            4,
            f.octets().to_vec(),
            t.octets().to_vec(),
        ),
        (IpAddr::V6(f), IpAddr::V6(t)) => (
            NFPROTO_IPV6,
            8,
            24,
            16,
            f.octets().to_vec(),
            t.octets().to_vec(),
        ),
        _ => return None,
    };
    Some(vec![
        Expr::Meta(MetaKey::NfProto),
        Expr::CmpEq(vec![family]),
        Expr::Network { offset: src, len },
        Expr::CmpEq(from),
        Expr::Network { offset: dst, len },
        Expr::CmpEq(to),
        Expr::Drop,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_of_one_family_is_dropped_both_ways_and_mixed_families_never_meet() {
        let a: Vec<IpAddr> = vec!["10.0.0.1".parse().unwrap(), "fd00::1".parse().unwrap()];
        let b: Vec<IpAddr> = vec!["10.0.0.2".parse().unwrap()];
        let (_, pending) = batch(7, &a, &b).finish();
        let rules: Vec<_> = pending
            .iter()
            .filter(|p| p.step == Step::Partition)
            .map(|p| p.object.as_str())
            .collect();
        assert_eq!(rules, ["10.0.0.1 -> 10.0.0.2", "10.0.0.2 -> 10.0.0.1"]);
    }

    #[test]
    fn an_ipv6_rule_compares_sixteen_bytes_at_offsets_eight_and_twenty_four() {
        let exprs = drop_between("fd00::1".parse().unwrap(), "fd00::2".parse().unwrap())
            .expect("one family");
        assert_eq!(exprs[1], Expr::CmpEq(vec![NFPROTO_IPV6]));
        assert_eq!(exprs[2], Expr::Network { offset: 8, len: 16 });
        assert_eq!(
            exprs[4],
            Expr::Network {
                offset: 24,
                len: 16
            }
        );
        assert_eq!(exprs[6], Expr::Drop);
    }
}
