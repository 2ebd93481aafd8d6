//! Validation: the syntax tree to the [`Model`], resolving every name and
//! checking every rule. It runs on whatever the parser could read, so one
//! pass reports syntax and meaning errors together.
//!
//! Declarations are read first, so a link may name a node declared further
//! down. Statements that failed to parse make the namespaces they mention
//! "incomplete": the gateway check is skipped there, since an address it
//! needs may be on the line that failed. A link end whose owner is a typo
//! makes the namespace it is likely a typo of incomplete, for the same
//! reason. `nat` and `forward` are checked last, against the final interface
//! names and every route.

mod addresses;
mod declarations;
mod impairment;
mod interfaces;
mod links;
mod nat;
mod owners;
mod routes;
mod segments;
mod sysctls;

use std::collections::HashMap;

use crate::ast::{Addr, Addrs, Statement};
use crate::error::Error;
use crate::location::Lines;
use crate::model::Model;
use crate::plan::{Cidr, NsId, NsKind};
use crate::span::Span;

use interfaces::Claim;
use segments::SegmentEnd;

/// Checks `tree` (parsed from `src`); returns the model and every error.
pub(crate) fn validate<'a>(src: &'a str, tree: &[Statement<'a>]) -> (Model, Vec<Error>) {
    let mut validator = Validator::new(src);
    for statement in tree {
        match statement {
            Statement::Nodes { kind, names } => {
                for name in names {
                    validator.declare_namespace(*kind, name);
                }
            }
            Statement::Bridge { name, addrs } => validator.declare_bridge(name, addrs),
            _ => {}
        }
    }
    for statement in tree {
        match statement {
            Statement::Link(link) => validator.link(link),
            Statement::Broken { owners, routes_of } => {
                validator.taint(owners);
                validator.lose_routes(*routes_of);
            }
            _ => {}
        }
    }
    validator.check_interface_names();
    validator.check_addresses();
    validator.check_segments();
    for statement in tree {
        match statement {
            Statement::Route(route) => validator.route(route),
            Statement::Sysctl(sysctl) => validator.sysctl(sysctl),
            _ => {}
        }
    }
    let interfaces = validator.interfaces();
    let mut seen = nat::Translations::default();
    for statement in tree {
        match statement {
            Statement::Nat(nat) => validator.nat(nat, &interfaces, &mut seen),
            Statement::Forward(forward) => validator.forward(forward, &interfaces, &mut seen),
            _ => {}
        }
    }
    (validator.model, validator.errors)
}

/// What a declared name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Namespace(NsId, NsKind),
    /// Index into `Model::bridges`.
    Bridge(usize),
}

impl Owner {
    /// `node`, `router`, `bridge` or `host`.
    fn what(self) -> &'static str {
        match self {
            Owner::Namespace(_, NsKind::Host) => "host",
            Owner::Namespace(_, NsKind::Node) => "node",
            Owner::Namespace(_, NsKind::Router) => "router",
            Owner::Bridge(_) => "bridge",
        }
    }
}

/// A declared node, router or bridge.
#[derive(Debug, Clone, Copy)]
struct Declared<'a> {
    name: &'a str,
    span: Span,
    owner: Owner,
}

/// The state of one validation.
struct Validator<'a> {
    lines: Lines<'a>,
    errors: Vec<Error>,
    model: Model,
    /// In order of declaration.
    declared: Vec<Declared<'a>>,
    /// Name to index into `declared`.
    index: HashMap<&'a str, usize>,
    /// Per namespace, the addresses of its interfaces (for the host, the
    /// bridges' too): what a gateway must be inside of.
    ns_addrs: Vec<Vec<Cidr>>,
    /// Per namespace, whether a statement naming it failed to parse.
    incomplete: Vec<bool>,
    /// Per namespace, whether a link end in it was dropped after an error
    /// (or lost its written name), so its interfaces may not all be known.
    lost_interfaces: Vec<bool>,
    /// Per namespace, whether a `route` naming it failed to parse.
    lost_routes: Vec<bool>,
    /// Interface names the user wrote, checked once all are known.
    claims: Vec<Claim<'a>>,
    /// Every address written outside bridge ports, checked once all are known.
    addresses: Vec<Addr>,
    /// Routes seen so far: (namespace, destination prefix) to where.
    routes: HashMap<(NsId, Cidr), Span>,
    /// Per bridge (as in `Model::bridges`), its addresses as written.
    bridge_addrs: Vec<Addrs>,
    /// The two ends of every link between two different owners, for the
    /// check that addresses on a segment can reach each other.
    segment_links: Vec<[SegmentEnd<'a>; 2]>,
    /// Interface names with a dot, per namespace: a sysctl key cannot name
    /// them.
    dotted: Vec<(NsId, &'a str)>,
}

impl<'a> Validator<'a> {
    fn new(src: &'a str) -> Validator<'a> {
        Validator {
            lines: Lines::new(src),
            errors: Vec::new(),
            model: Model::default(),
            declared: Vec::new(),
            index: HashMap::new(),
            ns_addrs: vec![Vec::new()],
            incomplete: vec![false],
            lost_interfaces: vec![false],
            lost_routes: vec![false],
            claims: Vec::new(),
            addresses: Vec::new(),
            routes: HashMap::new(),
            bridge_addrs: Vec::new(),
            segment_links: Vec::new(),
            dotted: Vec::new(),
        }
    }

    fn error(&mut self, error: Error) {
        self.errors.push(error);
    }

    /// `line 3, column 7`.
    fn at(&self, span: Span) -> String {
        self.lines.describe(span.start)
    }

    /// The name of a namespace, for messages.
    fn ns_name(&self, ns: NsId) -> &str {
        self.model
            .namespaces
            .get(ns.0)
            .map_or(crate::names::HOST, |n| n.name.as_str())
    }

    /// Marks the namespaces that a statement which failed to parse names
    /// (or, for a name not declared, the one it is a likely typo of).
    fn taint(&mut self, owners: &[&str]) {
        for owner in owners {
            if let Some(owner) = self.lookup(owner).or_else(|| self.guess(owner)) {
                self.taint_owner(owner);
            }
        }
    }

    /// Marks the namespace a `route` that failed to parse names (or the one
    /// it is a likely typo of) as one that may have lost a route.
    fn lose_routes(&mut self, owner: Option<&str>) {
        let owner = owner.and_then(|o| self.lookup(o).or_else(|| self.guess(o)));
        if let Some(Owner::Namespace(ns, _)) = owner {
            if let Some(flag) = self.lost_routes.get_mut(ns.0) {
                *flag = true;
            }
        }
    }

    /// Marks `ns` as one whose interfaces may not all be known.
    fn lose_interfaces(&mut self, ns: NsId) {
        if let Some(flag) = self.lost_interfaces.get_mut(ns.0) {
            *flag = true;
        }
    }

    /// Marks the namespace of `owner` (a bridge's is the host) as one that
    /// may have lost an address to an error reported elsewhere, so checks
    /// that need all its addresses are skipped there.
    fn taint_owner(&mut self, owner: Owner) {
        let ns = match owner {
            Owner::Namespace(ns, _) => ns,
            Owner::Bridge(_) => NsId::HOST,
        };
        if let Some(flag) = self.incomplete.get_mut(ns.0) {
            *flag = true;
        }
    }
}
