//! Resolving the owner named by a link end, a route, a sysctl, a `nat` or a
//! `forward`.

use super::{Owner, Validator};
use crate::ast::Name;
use crate::error::Error;
use crate::model::Attach;
use crate::names::{identifier_problem, HOST, KEYWORDS};
use crate::plan::{NsId, NsKind};
use crate::suggest::closest;

/// How many known names an "unknown owner" help lists before "and N more".
const LISTED: usize = 12;

impl<'a> Validator<'a> {
    /// What `name` stands for, `host` included.
    pub(super) fn lookup(&self, name: &str) -> Option<Owner> {
        if name == HOST {
            return Some(Owner::Namespace(NsId::HOST, NsKind::Host));
        }
        self.index
            .get(name)
            .and_then(|&i| self.declared.get(i))
            .map(|d| d.owner)
    }

    /// The owner of a link end: a namespace, or a bridge (a port).
    pub(super) fn link_owner(&mut self, name: &Name<'_>) -> Option<Attach> {
        match self.lookup(name.text) {
            Some(Owner::Namespace(ns, _)) => Some(Attach::Namespace(ns)),
            Some(Owner::Bridge(bridge)) => Some(Attach::Bridge(bridge)),
            None => {
                self.unknown_owner(name, true);
                // Its addresses are lost: checks that need them are skipped
                // where the user most likely meant.
                if let Some(meant) = self.guess(name.text) {
                    self.taint_owner(meant);
                }
                None
            }
        }
    }

    /// The declared owner (or `host`) that `name` is most likely a typo of.
    pub(super) fn guess(&self, name: &str) -> Option<Owner> {
        let known = self.declared.iter().map(|d| d.name).chain([HOST]);
        closest(name, known).and_then(|guess| self.lookup(guess))
    }

    /// The owner of a route or a sysctl: a node, a router or `host`.
    pub(super) fn namespace_owner(&mut self, name: &Name<'_>, statement: &str) -> Option<NsId> {
        match self.lookup(name.text) {
            Some(Owner::Namespace(ns, _)) => Some(ns),
            Some(Owner::Bridge(_)) => {
                self.error(
                    Error::new(
                        name.span,
                        format!("`{}` is a bridge, not a namespace", name.text),
                        "bridges live in the host namespace",
                    )
                    .help(format!(
                        "{statement}s of the bridge's namespace are written `{statement} host ...`"
                    )),
                );
                None
            }
            None => {
                self.unknown_owner(name, false);
                None
            }
        }
    }

    pub(super) fn unknown_owner(&mut self, name: &Name<'_>, bridges_too: bool) {
        let known: Vec<&str> = self
            .declared
            .iter()
            .filter(|d| bridges_too || matches!(d.owner, Owner::Namespace(..)))
            .map(|d| d.name)
            .chain([HOST])
            .collect();
        let label = if bridges_too {
            "is not a node, router or bridge"
        } else {
            "is not a node or router"
        };
        let listed: Vec<&str> = known.iter().copied().take(LISTED).collect();
        let more = known.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let use_one = if known.len() == 1 {
            format!("use `{HOST}`")
        } else {
            format!("use one of: {}{more}", listed.join(", "))
        };
        let declarable = identifier_problem(name.text).is_none() && !KEYWORDS.contains(&name.text);
        let fix = if declarable {
            format!("declare it with `node {}`, or {use_one}", name.text)
        } else {
            use_one
        };
        let help = match closest(name.text, known.iter().copied()) {
            Some(guess) => format!("did you mean `{guess}`? If not, {fix}"),
            None => fix,
        };
        self.error(
            Error::new(
                name.span,
                format!("unknown owner `{}`", name.text),
                format!("`{}` {label}", name.text),
            )
            .help(help),
        );
    }
}
