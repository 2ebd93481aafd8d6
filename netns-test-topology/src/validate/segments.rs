//! Segments: what one link, or one bridge with its ports, joins. Addresses
//! on a segment must be able to reach each other: in each family, every
//! interface with addresses shares a prefix with another one there.
//!
//! A segment is a link between two namespaces, or a bridge (with the bridges
//! linked to it) together with the far end of each of its ports. Two
//! addresses share a prefix when each lies inside the other's prefix
//! (`10.0.0.1/24` and `10.0.0.2/16` do; `10.0.0.1/24` and `10.0.1.2/16`
//! do not). IPv6 link-local addresses are left out (every interface has
//! one), and so are addresses already reported as unfit for an interface.

use super::Validator;
use crate::ast::{Addr, Addrs, End};
use crate::error::Error;
use crate::model::Attach;
use crate::names::list;
use crate::plan::NsId;
use crate::special::{is_link_local, unfit_interface};

/// How many other addresses a bridge error lists before "and N more".
const LISTED: usize = 4;

/// One end of a link, as the segment check needs it.
#[derive(Debug, Clone)]
pub(super) struct SegmentEnd<'a> {
    attach: Attach,
    owner: &'a str,
    addrs: Addrs,
}

impl<'a> SegmentEnd<'a> {
    pub(super) fn new(attach: Attach, end: &End<'a>) -> SegmentEnd<'a> {
        SegmentEnd {
            attach,
            owner: end.owner.text,
            addrs: end.addrs.clone(),
        }
    }
}

/// An interface on a segment: a namespace's end or a bridge itself.
struct Member {
    /// `` `a` `` or `` bridge `br` ``.
    who: String,
    /// Whether it is a bridge itself.
    is_bridge: bool,
    addrs: Vec<Addr>,
}

impl Validator<'_> {
    pub(super) fn check_segments(&mut self) {
        let links = std::mem::take(&mut self.segment_links);
        let bridges = self.bridge_addrs.len();
        // Bridges linked port to port form one segment.
        let mut group: Vec<usize> = (0..bridges).collect();
        for [a, b] in &links {
            if let (Attach::Bridge(x), Attach::Bridge(y)) = (a.attach, b.attach) {
                let (x, y) = (root(&mut group, x), root(&mut group, y));
                if let Some(slot) = group.get_mut(x.max(y)) {
                    *slot = x.min(y);
                }
            }
        }
        let mut on_bridge: Vec<Vec<&SegmentEnd<'_>>> = vec![Vec::new(); bridges];
        for [a, b] in &links {
            match (a.attach, b.attach) {
                (Attach::Namespace(_), Attach::Namespace(_)) => {
                    if !(a.addrs.malformed || b.addrs.malformed) {
                        self.check_segment(&[member(a), member(b)], None);
                    }
                }
                (Attach::Bridge(x), Attach::Namespace(_)) => {
                    let x = root(&mut group, x);
                    if let Some(ends) = on_bridge.get_mut(x) {
                        ends.push(b);
                    }
                }
                (Attach::Namespace(_), Attach::Bridge(y)) => {
                    let y = root(&mut group, y);
                    if let Some(ends) = on_bridge.get_mut(y) {
                        ends.push(a);
                    }
                }
                (Attach::Bridge(_), Attach::Bridge(_)) => {}
            }
        }
        // A statement that failed to parse may have held a port.
        if self.incomplete.get(NsId::HOST.0).copied().unwrap_or(true) {
            return;
        }
        for (first, ends) in on_bridge.iter().enumerate() {
            if root(&mut group, first) != first {
                continue;
            }
            let mut members = Vec::new();
            let mut names = Vec::new();
            let mut malformed = false;
            for b in 0..bridges {
                if root(&mut group, b) != first {
                    continue;
                }
                let name = self.model.bridges.get(b).map_or("", |b| b.name.as_str());
                names.push(format!("`{name}`"));
                if let Some(addrs) = self.bridge_addrs.get(b) {
                    malformed |= addrs.malformed;
                    members.push(Member {
                        who: format!("bridge `{name}`"),
                        is_bridge: true,
                        addrs: addrs.list.clone(),
                    });
                }
            }
            malformed |= ends.iter().any(|e| e.addrs.malformed);
            members.extend(ends.iter().map(|e| member(e)));
            if !malformed {
                let what = if names.len() == 1 {
                    format!("bridge {}", list(&names))
                } else {
                    format!("bridges {}", list(&names))
                };
                self.check_segment(&members, Some(&what));
            }
        }
    }

    /// Checks each family on one segment; `bridge` names it when it is one.
    fn check_segment(&mut self, members: &[Member], bridge: Option<&str>) {
        for ipv4 in [true, false] {
            // Per member, its addresses of this family that count.
            let family: Vec<(&Member, Vec<Addr>)> = members
                .iter()
                .map(|m| {
                    let addrs = m
                        .addrs
                        .iter()
                        .filter(|a| a.cidr.addr.is_ipv4() == ipv4)
                        .filter(|a| !is_link_local(a.cidr.addr))
                        .filter(|a| unfit_interface(a.cidr).is_none())
                        .copied()
                        .collect();
                    (m, addrs)
                })
                .filter(|(_, addrs): &(_, Vec<Addr>)| !addrs.is_empty())
                .collect();
            if family.len() < 2 {
                continue;
            }
            let isolated: Vec<usize> = (0..family.len())
                .filter(|&i| {
                    let (_, mine) = &family[i];
                    !family
                        .iter()
                        .enumerate()
                        .any(|(j, (_, theirs))| j != i && share_a_prefix(mine, theirs))
                })
                .collect();
            // When no two share a prefix, the first in the text is taken as
            // the one the others should have followed.
            let reference = family
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, addrs))| addrs.first().map(|a| a.span.start))
                .map(|(i, _)| i);
            for &i in &isolated {
                if isolated.len() == family.len() && Some(i) == reference {
                    continue;
                }
                let others: Vec<(&Member, &Addr)> = family
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .flat_map(|(_, (m, addrs))| addrs.iter().map(move |a| (*m, a)))
                    .collect();
                let (member, addrs) = &family[i];
                if let Some(addr) = addrs.first() {
                    self.unreachable_on_segment(member, addr, &others, bridge);
                }
            }
        }
    }

    fn unreachable_on_segment(
        &mut self,
        member: &Member,
        addr: &Addr,
        others: &[(&Member, &Addr)],
        bridge: Option<&str>,
    ) {
        let who = &member.who;
        let Some((_, example)) = others.first() else {
            return;
        };
        let target = format!("`{}`", example.cidr.network());
        let rule = "two addresses reach each other directly only when each lies inside \
                    the other's prefix";
        let error = match bridge {
            None => {
                let theirs: Vec<String> = others
                    .iter()
                    .map(|(_, a)| format!("`{}`", a.cidr))
                    .collect();
                let other = others.first().map_or("", |(m, _)| m.who.as_str());
                Error::new(
                    addr.span,
                    format!(
                        "`{}` on {who} shares no prefix with the other end of the link",
                        addr.cidr
                    ),
                    format!("{other} has {} on this link", list(&theirs)),
                )
                .help(format!("{rule}: give {who} an address in {target}"))
            }
            Some(bridge) => {
                let mut theirs: Vec<String> = others
                    .iter()
                    .take(LISTED)
                    .map(|(m, a)| format!("`{}` ({})", a.cidr, m.who))
                    .collect();
                if others.len() > LISTED {
                    theirs.push(format!("{} more", others.len() - LISTED));
                }
                let on = if member.is_bridge {
                    "it".to_owned()
                } else {
                    bridge.to_owned()
                };
                Error::new(
                    addr.span,
                    format!(
                        "`{}` on {who} shares no prefix with the other addresses on {on}",
                        addr.cidr
                    ),
                    format!("also on {bridge}: {}", list(&theirs)),
                )
                .help(format!("{rule}: give {who} an address in {target}"))
            }
        };
        self.error(error);
    }
}

/// Whether an address of `a` and one of `b` share a prefix.
fn share_a_prefix(a: &[Addr], b: &[Addr]) -> bool {
    a.iter()
        .any(|x| b.iter().any(|y| x.cidr.shares_prefix_with(&y.cidr)))
}

fn member(end: &SegmentEnd<'_>) -> Member {
    Member {
        who: format!("`{}`", end.owner),
        is_bridge: false,
        addrs: end.addrs.list.clone(),
    }
}

/// The representative of `x`'s group (the smallest bridge index in it).
fn root(group: &mut [usize], x: usize) -> usize {
    let mut at = x;
    while let Some(&up) = group.get(at) {
        if up == at {
            break;
        }
        at = up;
    }
    if let Some(slot) = group.get_mut(x) {
        *slot = at;
    }
    at
}
