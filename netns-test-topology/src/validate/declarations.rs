//! `node`, `router` and `bridge`: the names everything else refers to.

use super::interfaces::ClaimKind;
use super::links::reserved_ifname;
use super::{Declared, Owner, Validator};
use crate::ast::{Addrs, Name};
use crate::error::Error;
use crate::model::{Bridge, Namespace};
use crate::names::{identifier_problem, HOST, KEYWORDS, MAX_IFNAME, RESERVED_IFNAMES};
use crate::plan::{NsId, NsKind};

impl<'a> Validator<'a> {
    pub(super) fn declare_namespace(&mut self, kind: NsKind, name: &Name<'a>) {
        let what = if kind == NsKind::Router {
            "router"
        } else {
            "node"
        };
        if !self.check_new_name(name, what) {
            return;
        }
        let id = NsId(self.model.namespaces.len());
        self.model.namespaces.push(Namespace {
            name: name.text.to_owned(),
            kind,
        });
        self.ns_addrs.push(Vec::new());
        self.incomplete.push(false);
        self.lost_interfaces.push(false);
        self.lost_routes.push(false);
        self.add(name, Owner::Namespace(id, kind));
    }

    pub(super) fn declare_bridge(&mut self, name: &Name<'a>, addrs: &Addrs) {
        self.note_addresses(addrs);
        if !self.check_new_name(name, "bridge") {
            return;
        }
        if name.text.len() > MAX_IFNAME {
            self.error(
                Error::new(
                    name.span,
                    format!("bridge name `{}` is too long", name.text),
                    format!(
                        "{} bytes; a bridge is an interface, so at most {MAX_IFNAME}",
                        name.text.len()
                    ),
                )
                .help(format!("shorten it to {MAX_IFNAME} bytes or fewer")),
            );
        } else if RESERVED_IFNAMES.contains(&name.text) {
            self.error(reserved_ifname(name));
        } else {
            self.claim(NsId::HOST, *name, ClaimKind::Bridge);
        }
        let index = self.model.bridges.len();
        let cidrs: Vec<_> = addrs.list.iter().map(|a| a.cidr).collect();
        if let Some(host) = self.ns_addrs.first_mut() {
            host.extend(&cidrs);
        }
        if let Some(host) = self.incomplete.first_mut() {
            *host |= addrs.malformed;
        }
        self.bridge_addrs.push(addrs.clone());
        self.model.bridges.push(Bridge {
            name: name.text.to_owned(),
            addrs: cidrs,
        });
        self.add(name, Owner::Bridge(index));
    }

    fn add(&mut self, name: &Name<'a>, owner: Owner) {
        self.index.insert(name.text, self.declared.len());
        self.declared.push(Declared {
            name: name.text,
            span: name.span,
            owner,
        });
    }

    /// Reports a reserved, malformed or taken name. Returns whether it can be
    /// declared: a malformed name still is, so statements naming it do not
    /// fail a second time.
    fn check_new_name(&mut self, name: &Name<'a>, what: &str) -> bool {
        if name.text == HOST {
            let label = "`host` is the namespace the test body runs in";
            self.error(
                Error::new(name.span, "`host` is a reserved name", label).help(format!(
                    "pick another name for the {what}; write `host` in links, routes and sysctls \
                 to mean the test's own namespace"
                )),
            );
            return false;
        }
        if KEYWORDS.contains(&name.text) {
            self.error(
                Error::new(
                    name.span,
                    format!("`{}` is a reserved name", name.text),
                    format!("`{}` starts a statement", name.text),
                )
                .help(format!("pick another name for the {what}")),
            );
            return false;
        }
        if let Some(problem) = identifier_problem(name.text) {
            self.error(
                Error::new(
                    name.span,
                    format!("invalid {what} name `{}`", name.text),
                    problem,
                )
                .help("a name is an ASCII letter followed by ASCII letters, digits, `-` and `_`"),
            );
        }
        if let Some(first) = self
            .index
            .get(name.text)
            .and_then(|&i| self.declared.get(i))
            .copied()
        {
            let label = format!(
                "`{}` is already a {} at {}",
                name.text,
                first.owner.what(),
                self.at(first.span)
            );
            self.error(
                Error::new(
                    name.span,
                    format!("`{}` is declared twice", name.text),
                    label,
                )
                .help("nodes, routers and bridges share one set of names; give each its own"),
            );
            return false;
        }
        true
    }
}
