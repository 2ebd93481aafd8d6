//! Interface names: unique in each namespace, and never `lo`.
//!
//! Only names the user wrote are checked: bridges, `OWNER:IFNAME` ends and
//! named bridge ports (ports and bridges are interfaces of the host
//! namespace). Automatic names cannot clash, because the planner skips every
//! name written here.

use std::collections::HashMap;

use super::Validator;
use crate::ast::Name;
use crate::error::Error;
use crate::plan::NsId;

/// An interface name the user wrote, and what it names.
#[derive(Debug, Clone, Copy)]
pub(super) struct Claim<'a> {
    ns: NsId,
    name: Name<'a>,
    kind: ClaimKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClaimKind {
    /// A bridge's own name.
    Bridge,
    /// `OWNER:IFNAME` on a node, router or host end.
    Interface,
    /// `BRIDGE:IFNAME`: a port of that bridge.
    Port(usize),
}

impl<'a> Validator<'a> {
    pub(super) fn claim(&mut self, ns: NsId, name: Name<'a>, kind: ClaimKind) {
        if name.text.contains('.') {
            self.dotted.push((ns, name.text));
        }
        self.claims.push(Claim { ns, name, kind });
    }

    pub(super) fn check_interface_names(&mut self) {
        let mut claims = std::mem::take(&mut self.claims);
        claims.sort_by_key(|c| c.name.span.start);
        let mut seen: HashMap<(NsId, &str), Claim<'a>> = HashMap::new();
        for claim in claims {
            if claim.name.text == "lo" {
                let ns = self.ns_name(claim.ns).to_owned();
                self.error(
                    Error::new(
                        claim.name.span,
                        format!("`lo` already exists in `{ns}`"),
                        "every namespace has its loopback interface `lo`",
                    )
                    .help("pick another name"),
                );
                continue;
            }
            match seen.get(&(claim.ns, claim.name.text)).copied() {
                None => {
                    seen.insert((claim.ns, claim.name.text), claim);
                }
                Some(first) => self.duplicate_interface(&first, &claim),
            }
        }
    }

    fn duplicate_interface(&mut self, first: &Claim<'a>, again: &Claim<'a>) {
        let ns = self.ns_name(again.ns).to_owned();
        let name = again.name.text;
        let at = self.at(first.name.span);
        let label = match first.kind {
            ClaimKind::Bridge => {
                format!("the bridge `{name}` at {at} already has this name in `{ns}`")
            }
            ClaimKind::Interface => format!("`{name}` is already an interface of `{ns}` at {at}"),
            ClaimKind::Port(bridge) => {
                let bridge = self
                    .model
                    .bridges
                    .get(bridge)
                    .map_or("", |b| b.name.as_str());
                format!("`{name}` is already a port of bridge `{bridge}` at {at}")
            }
        };
        let help = match again.kind {
            ClaimKind::Bridge => "rename the bridge or the interface: bridges and bridge ports \
                                  are interfaces of the host namespace"
                .to_owned(),
            _ => format!("pick another name, or leave out `:{name}` for an automatic name"),
        };
        self.error(
            Error::new(
                again.name.span,
                format!("interface `{name}` is defined twice in `{ns}`"),
                label,
            )
            .help(help),
        );
    }
}
