//! The syntax tree: statements as written, with the span of every part.
//!
//! Names are kept as written (not yet checked or resolved: that is
//! validation's job); literals (CIDRs, addresses, numbers) are already parsed.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::plan::{Cidr, NsKind, Protocol};
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
    /// `END -- END [OPTION...]`, boxed: with its options it is by far the
    /// largest statement.
    Link(Box<Link<'a>>),
    /// `route OWNER DEST via ADDR`.
    Route(Route<'a>),
    /// `sysctl OWNER KEY=VALUE`.
    Sysctl(Sysctl<'a>),
    /// `nat OWNER:IFNAME [random]`.
    Nat(Nat<'a>),
    /// `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`.
    Forward(Forward<'a>),
    /// A statement dropped after a syntax error. It keeps the owner part of
    /// each word of what may be a link, so validation knows which namespaces
    /// may have lost an address or an interface and skips the checks that
    /// need them all there (gateways, `nat` and `forward` interfaces)
    /// instead of reporting a second, misleading error. `routes_of` is the
    /// owner a broken `route` names: it may have lost a route, which a
    /// `forward` target may need.
    Broken {
        owners: Vec<&'a str>,
        routes_of: Option<&'a str>,
    },
}

/// `OWNER[:IFNAME] [CIDR...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct End<'a> {
    pub(crate) owner: Name<'a>,
    pub(crate) ifname: Option<Name<'a>>,
    pub(crate) addrs: Addrs,
}

/// `END -- END [OPTION...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link<'a> {
    pub(crate) a: End<'a>,
    pub(crate) b: End<'a>,
    pub(crate) mtu: Option<Mtu>,
    pub(crate) impairment: Impairment<'a>,
}

/// `mtu=N`, already within range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mtu {
    pub(crate) value: u32,
    pub(crate) span: Span,
}

/// The impairment options of a link, as written. Each is `Some` when
/// written; its value is `None` when malformed (the parser reported it), so
/// validation still knows it was meant and says nothing misleading, such as
/// "no delay" after a malformed `delay=`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Impairment<'a> {
    pub(crate) delay: Option<Setting<'a, Duration>>,
    pub(crate) jitter: Option<Setting<'a, Duration>>,
    /// Parts per million, at most 100%.
    pub(crate) loss: Option<Setting<'a, u32>>,
    pub(crate) duplicate: Option<Setting<'a, u32>>,
    pub(crate) reorder: Option<Setting<'a, u32>>,
    pub(crate) corrupt: Option<Setting<'a, u32>>,
    /// Bits per second, more than zero.
    pub(crate) rate: Option<Setting<'a, u64>>,
}

impl Impairment<'_> {
    /// Whether any impairment option was written.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Impairment::default()
    }
}

/// One `KEY=VALUE` link option: its value when well-formed and in range,
/// and the word as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Setting<'a, T> {
    pub(crate) value: Option<T>,
    pub(crate) word: Name<'a>,
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

/// `OWNER:IFNAME`: an interface of a namespace, as `nat` and `forward`
/// name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interface<'a> {
    pub(crate) owner: Name<'a>,
    pub(crate) ifname: Name<'a>,
    /// The whole `OWNER:IFNAME` word.
    pub(crate) span: Span,
}

/// `nat OWNER:IFNAME [random]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Nat<'a> {
    pub(crate) at: Interface<'a>,
    pub(crate) random: bool,
}

/// `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`. A malformed protocol,
/// port or target is reported by the parser and left out (`None`), so the
/// interface is still checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Forward<'a> {
    pub(crate) at: Interface<'a>,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) protocol_span: Span,
    /// 1 to 65535.
    pub(crate) port: Option<u16>,
    pub(crate) port_span: Span,
    pub(crate) to: Option<SocketAddr>,
    /// The whole `ADDR:PORT` word.
    pub(crate) to_span: Span,
}
