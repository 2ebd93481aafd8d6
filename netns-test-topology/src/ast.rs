//! The syntax tree: statements as written, with the span of every part.
//!
//! Names are kept as written (not yet checked or resolved: that is
//! validation's job); literals (CIDRs, addresses, numbers) are already parsed.

use std::net::IpAddr;

use crate::plan::{Cidr, NsKind};
use crate::span::Span;

/// A word as written, such as a node name or an interface name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name<'a> {
    pub(crate) text: &'a str,
    pub(crate) span: Span,
}

/// A parsed `CIDR` and where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addr {
    pub(crate) cidr: Cidr,
    pub(crate) span: Span,
}

/// The addresses after a bridge name or a link end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Addrs {
    /// The well-formed ones, in order.
    pub(crate) list: Vec<Addr>,
    /// Whether one or more were malformed (and left out of `list`), so the
    /// namespace may have addresses we do not know about.
    pub(crate) malformed: bool,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Statement<'a> {
    /// `node a, b` or `router r`.
    Nodes { kind: NsKind, names: Vec<Name<'a>> },
    /// `bridge NAME [CIDR...]`.
    Bridge { name: Name<'a>, addrs: Addrs },
    /// `END -- END [mtu=N]`.
    Link(Link<'a>),
    /// `route OWNER DEST via ADDR`.
    Route(Route<'a>),
    /// `sysctl OWNER KEY=VALUE`.
    Sysctl(Sysctl<'a>),
    /// A statement dropped after a syntax error. It keeps the owner part of
    /// each word, so validation knows which namespaces may have lost an
    /// address and skips the gateway check there instead of reporting a
    /// second, misleading error.
    Broken { owners: Vec<&'a str> },
}

/// `OWNER[:IFNAME] [CIDR...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct End<'a> {
    pub(crate) owner: Name<'a>,
    pub(crate) ifname: Option<Name<'a>>,
    pub(crate) addrs: Addrs,
}

/// `END -- END [mtu=N]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link<'a> {
    pub(crate) a: End<'a>,
    pub(crate) b: End<'a>,
    pub(crate) mtu: Option<Mtu>,
}

/// `mtu=N`, already within range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mtu {
    pub(crate) value: u32,
    pub(crate) span: Span,
}

/// The destination of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dest {
    /// `default`: the family is the gateway's.
    Default,
    /// A prefix.
    Prefix(Cidr),
}

/// `route OWNER DEST via ADDR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route<'a> {
    pub(crate) owner: Name<'a>,
    pub(crate) dest: Dest,
    pub(crate) dest_span: Span,
    pub(crate) via: IpAddr,
    pub(crate) via_span: Span,
}

/// `sysctl OWNER KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sysctl<'a> {
    pub(crate) owner: Name<'a>,
    pub(crate) key: Name<'a>,
    pub(crate) value: Name<'a>,
    /// The whole `KEY=VALUE` word.
    pub(crate) span: Span,
}
