//! Validation: the syntax tree to the [`Model`], resolving every name and
//! checking every rule. It runs on whatever the parser could read, so one
//! pass reports syntax and meaning errors together.
//!
//! Declarations are read first, so a link may name a node declared further
//! down. Statements that failed to parse make the namespaces they mention
//! "incomplete": the gateway check is skipped there, since an address it
//! needs may be on the line that failed.

mod addresses;
mod declarations;
mod interfaces;
mod links;
mod owners;
mod routes;
mod sysctls;

use std::collections::HashMap;

use crate::ast::{Addr, Statement};
use crate::error::Error;
use crate::location::Lines;
use crate::model::Model;
use crate::plan::{Cidr, NsId, NsKind};
use crate::span::Span;

use interfaces::Claim;

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
            Statement::Broken { owners } => validator.taint(owners),
            _ => {}
        }
    }
    validator.check_interface_names();
    validator.check_unique_addresses();
    for statement in tree {
        match statement {
            Statement::Route(route) => validator.route(route),
            Statement::Sysctl(sysctl) => validator.sysctl(sysctl),
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
    /// Interface names the user wrote, checked once all are known.
    claims: Vec<Claim<'a>>,
    /// Every address written outside bridge ports, checked once all are known.
    addresses: Vec<Addr>,
    /// Routes seen so far: (namespace, destination prefix) to where.
    routes: HashMap<(NsId, Cidr), Span>,
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
            claims: Vec::new(),
            addresses: Vec::new(),
            routes: HashMap::new(),
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

    /// Marks the namespaces that a statement which failed to parse names.
    fn taint(&mut self, owners: &[&str]) {
        for owner in owners {
            let ns = match self.lookup(owner) {
                Some(Owner::Namespace(ns, _)) => ns,
                Some(Owner::Bridge(_)) => NsId::HOST,
                None => continue,
            };
            if let Some(flag) = self.incomplete.get_mut(ns.0) {
                *flag = true;
            }
        }
    }
}
