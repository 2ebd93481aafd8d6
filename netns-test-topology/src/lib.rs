//! The topology language of netns-test: the text a test writes in
//! `#[netns_test(topology = "...")]`, read into a [`Plan`] of kernel objects.
//!
//! The pipeline, one module per step: text → tokens (`lexer`) → syntax tree
//! with spans (`ast`, `parser`) → validated model without spans (`model`,
//! `validate`) → [`Plan`] (`planner`). This crate is pure: no I/O, no unsafe,
//! no netlink. The proc macro runs it at compile time and the runtime at run
//! time, so both report the same errors.
//!
//! # The language
//!
//! One statement per line; `;` also ends a statement; `#` starts a comment
//! that runs to the end of the line. Blank lines, indentation and trailing
//! whitespace do not matter.
//!
//! ```text
//! node NAME[, NAME...]          network namespaces of their own, lo up
//! router NAME[, NAME...]        nodes with IPv4 and IPv6 forwarding enabled
//! bridge NAME [CIDR...]         a Linux bridge in the host namespace, up
//! END -- END [OPTION...]        a veth pair, both ends up
//! route OWNER DEST via ADDR     DEST is a CIDR or `default`
//! sysctl OWNER KEY=VALUE        a net.* sysctl in that namespace
//! nat OWNER:IFNAME [random]     masquerade what OWNER forwards out of IFNAME
//! forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT   port forwarding (DNAT)
//! ```
//!
//! - `END` is `OWNER[:IFNAME] [CIDR...]`. `OWNER` is a node, a router, a
//!   bridge, or `host`: the namespace the test body runs in. A bridge end is a
//!   port of that bridge: a veth end in the host namespace, attached to the
//!   bridge, with no addresses. The two ends of a link have different owners
//!   (`host -- host` excepted: a veth pair inside the test's namespace).
//! - `CIDR` is an IPv4 or IPv6 address with a prefix length: `10.0.0.1/24`,
//!   `fd00::1/64`. Host bits are kept: `10.0.0.1/24` is address 10.0.0.1 on
//!   prefix 10.0.0.0/24. It is a host's address: not the network or
//!   broadcast address of an IPv4 prefix up to /30 (a /31 or /32 has none),
//!   not the subnet-router anycast address of an IPv6 prefix up to /126, not
//!   multicast, loopback, unspecified or in `0.0.0.0/8`, not on a `/0` (nor
//!   an IPv4 prefix starting at `0.0.0.0`, which Linux gives no route), and
//!   not an `fe80::/64` address netns-test may give a device itself
//!   (`fe80::3e8` and up: the interface index in hex).
//! - On one link, or one bridge with every link end on its ports, each
//!   interface with addresses of a family shares a prefix with another one
//!   there: each address lies inside the other's prefix (`10.0.0.1/24` and
//!   `10.0.1.2/24` do not). IPv6 link-local addresses do not count.
//! - `OPTION` is `KEY=VALUE`, after the second end, in any order, each at
//!   most once. `mtu=N` sets the MTU of both ends, 68 to 65535 (at least
//!   1280 when the link has IPv6 addresses). The others impair the link:
//!   see [Impaired links](#impaired-links).
//! - `route OWNER DEST via ADDR`: `OWNER` is a node, a router or `host`
//!   (routes in the namespace where bridges live are `route host ...`). `DEST`
//!   is a prefix without host bits (`10.1.0.0/16`) or `default`, which takes
//!   the family of the gateway; a prefix `OWNER` has an address in is already
//!   routed and cannot be a destination. The gateway is a plain address of
//!   the same family, inside the prefix of an address of `OWNER` (host:
//!   including the bridges' addresses), not one of `OWNER`'s own addresses,
//!   not that prefix's network or broadcast address, not multicast or
//!   loopback, and not IPv6 link-local (a route here names no interface).
//!   One route per destination and namespace.
//! - `sysctl OWNER KEY=VALUE`: `OWNER` as for routes. `KEY` starts with
//!   `net.`, then dot-separated parts, none empty, without `/`, `:`,
//!   whitespace or control characters (so interface names may appear:
//!   `net.ipv4.conf.eth0.rp_filter`, but not one that holds a dot, since
//!   the key's dots become `/` in `/proc/sys`). `VALUE` is one non-empty
//!   word.
//! - `nat OWNER:IFNAME [random]` and `forward OWNER:IFNAME tcp|udp PORT to
//!   ADDR:PORT`: see [NAT and port forwarding](#nat-and-port-forwarding).
//! - Declarations come first in meaning, not in text: a link may name a node
//!   declared further down, and a `forward` a route written further down.
//!   Namespaces and bridges are numbered in order of declaration, links,
//!   routes, sysctls, `nat`s and `forward`s kept in order of appearance.
//!
//! The three-line walk-through: a node `ns1` whose `eth0` sits on the bridge
//! `testbr` through the port `ns1-nic`.
//!
//! ```
//! use netns_test_topology::{NsId, Topology};
//!
//! let topology: Topology = "
//!     node ns1
//!     bridge testbr 10.0.0.1/24
//!     ns1:eth0 10.0.0.100/24 -- testbr:ns1-nic
//! "
//! .parse()?;
//! let plan = topology.plan();
//! assert_eq!(plan.namespaces[1].name, "ns1");
//! assert_eq!(plan.bridges[0].addrs[0].to_string(), "10.0.0.1/24");
//! let link = &plan.links[0];
//! assert_eq!((link.a.ns, link.a.ifname.as_str()), (NsId(1), "eth0"));
//! assert_eq!((link.b.ns, link.b.ifname.as_str()), (NsId::HOST, "ns1-nic"));
//! assert_eq!((link.b.bridge, link.b.addrs.len()), (Some(0), 0));
//! # Ok::<(), netns_test_topology::TopologyError>(())
//! ```
//!
//! # Impaired links
//!
//! Link options make a link slow or lossy, like a real network. Each applies
//! to both directions: to the traffic each end sends.
//!
//! ```text
//! a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=20ms jitter=5ms loss=1% rate=10mbit
//! ```
//!
//! - `delay=` adds a fixed delay to every packet; `jitter=` varies it
//!   uniformly by up to that much either way (a packet is never delayed
//!   less than zero, so a jitter larger than the delay is allowed). A
//!   duration is a number and `us`, `ms` or `s` (`20ms`, `1.5ms`), 0 to
//!   60s, in whole microseconds (`0.5us` is an error).
//! - `loss=`, `duplicate=`, `corrupt=` (one bit flipped) and `reorder=` (sent
//!   at once, ahead of the delayed packets) take the share of packets it
//!   happens to: a number and `%` (`1%`, `0.5%`), 0% to 100%, in steps of
//!   0.0001% (one in a million; `0.00001%` is an error).
//! - `rate=` limits the link's speed, in bits per second, 1000-based: a
//!   number and `kbit`, `mbit` or `gbit` (`10mbit` is 10 000 000 bit/s,
//!   `1.5gbit`), more than zero and at most 100gbit (a veth goes no faster),
//!   in whole bits per second. Without `rate=` a link is unlimited.
//! - `jitter=` and `reorder=` need a `delay=` above zero: a jitter varies the
//!   delay, and reordering sends some packets ahead of the delayed ones.
//! - Numbers are read exactly, with integer arithmetic: `0.1%` is 1000 parts
//!   per million, not 999.
//! - Any impairment option makes the link impaired, even one that does
//!   nothing: `loss=0%` alone gives an [`ImpairmentPlan`] of zeros, not
//!   `None`, since the test asked for one.
//! - A bridge port link takes them too: they apply to the traffic of the
//!   node's end and of the port.
//!
//! ```
//! use std::time::Duration;
//! use netns_test_topology::{ImpairmentPlan, Topology, PPM_PER_PERCENT};
//!
//! let topology: Topology = "
//!     node a, b
//!     a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24 delay=20ms jitter=5ms loss=1% rate=10mbit
//!     host -- a mtu=1400
//! "
//! .parse()?;
//! let links = &topology.plan().links;
//! assert_eq!(
//!     links[0].impairment,
//!     Some(ImpairmentPlan {
//!         delay: Duration::from_millis(20),
//!         jitter: Duration::from_millis(5),
//!         loss_ppm: PPM_PER_PERCENT,
//!         rate: Some(10_000_000),
//!         ..ImpairmentPlan::default()
//!     })
//! );
//! assert_eq!(links[1].impairment, None);
//! # Ok::<(), netns_test_topology::TopologyError>(())
//! ```
//!
//! A mistake in an option is reported on its word: an unknown option (with
//! the closest one), one given twice, a missing or unknown unit, a value
//! that is not a number, negative, out of range or finer than the
//! resolution, a jitter or a reordering without a delay.
//!
//! ```
//! use netns_test_topology::Topology;
//!
//! let error = "node a, b\na -- b delay=20 loss=150%".parse::<Topology>().unwrap_err();
//! let messages: Vec<&str> = error.diagnostics().iter().map(|d| d.message()).collect();
//! assert_eq!(messages, ["`delay=20` has no unit", "`loss=150%` is over 100%"]);
//! ```
//!
//! # Names
//!
//! - Nodes, routers and bridges share one set of names: no two alike. A name
//!   is an ASCII letter followed by ASCII letters, digits, `-` and `_`
//!   (`ns1`, `client-a`, `r_2`). `host` and the statement words `node`,
//!   `router`, `bridge`, `route`, `sysctl`, `nat` and `forward` are
//!   reserved.
//! - A bridge is an interface of the host namespace, so its name is also at
//!   most 15 bytes and must not clash with another interface there.
//! - Interface names follow the kernel: 1 to 15 bytes, no `/`, `:`,
//!   whitespace or control characters, not `.` or `..`; and no `%` (Linux
//!   fills in `%d`, renaming the interface), not `all` or `default` (Linux
//!   refuses them; bridges included). Each is unique in its namespace, and
//!   `lo` is taken everywhere. The host namespace holds the
//!   host's ends, every bridge and every bridge port.
//!
//! # Automatic names
//!
//! Names written with `:IFNAME` (and bridge names) are reserved first; the
//! automatic names are then given in order of appearance (links top to
//! bottom, left end before right end) and skip every reserved name, so they
//! never clash.
//!
//! - An end on a node, a router or `host` without `:IFNAME` is the first free
//!   `eth0`, `eth1`, ... of that namespace.
//! - A bridge port without `:IFNAME` is `<bridge>-p<N>`, where N is the
//!   port's index on its bridge (counting every port of that bridge, named or
//!   not, from 0, in order of appearance). If that name is taken in the host
//!   namespace, N counts up until it is free. The bridge part is cut so the
//!   whole name stays within 15 bytes: ports of `br0` are `br0-p0`,
//!   `br0-p1`, ...; port 3 of `abcdefghijklmno` is `abcdefghijkl-p3`.
//!
//! ```
//! use netns_test_topology::Topology;
//!
//! let topology: Topology = "
//!     node a, b
//!     bridge br0
//!     a -- br0          # a:eth0 -- br0-p0
//!     a:eth0 -- b       # eth0 was written: the first link's end became eth1
//!     b -- br0:uplink   # b:eth1, a named port (port 1 of br0)
//!     host -- br0       # host:eth0 -- br0-p2
//! "
//! .parse()?;
//! let names: Vec<(&str, &str)> = topology
//!     .plan()
//!     .links
//!     .iter()
//!     .map(|l| (l.a.ifname.as_str(), l.b.ifname.as_str()))
//!     .collect();
//! assert_eq!(
//!     names,
//!     [("eth1", "br0-p0"), ("eth0", "eth0"), ("eth1", "uplink"), ("eth0", "br0-p2")]
//! );
//! # Ok::<(), netns_test_topology::TopologyError>(())
//! ```
//!
//! # Routers
//!
//! A router gets the sysctls `net.ipv4.ip_forward=1` and
//! `net.ipv6.conf.all.forwarding=1`, placed before the user's sysctls, so a
//! `sysctl` line can still turn them off.
//!
//! ```
//! use netns_test_topology::Topology;
//!
//! let topology: Topology = "
//!     node a, b; router r
//!     a 10.0.1.2/24 -- r 10.0.1.1/24
//!     r 10.0.2.1/24 -- b 10.0.2.2/24
//!     route a default via 10.0.1.1
//!     route b default via 10.0.2.1
//! "
//! .parse()?;
//! let keys: Vec<&str> = topology.plan().sysctls.iter().map(|s| s.key.as_str()).collect();
//! assert_eq!(keys, ["net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"]);
//! # Ok::<(), netns_test_topology::TopologyError>(())
//! ```
//!
//! # NAT and port forwarding
//!
//! `nat OWNER:IFNAME [random]` masquerades what `OWNER` forwards out of
//! `IFNAME`, IPv4 and IPv6: the source of each connection becomes the
//! address of `IFNAME`. With `random`, every connection gets a fully random
//! source port; without it, source ports are kept where they can be.
//!
//! `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT` sends the connections
//! (or UDP flows) that arrive on `IFNAME` for `PORT` to `ADDR:PORT` instead
//! (destination NAT). An IPv6 target is written in brackets:
//! `to [fd00::2]:80`.
//!
//! - `OWNER` is a node, a router or `host`. A bridge is an interface of the
//!   host: write `nat host:br0`, not `nat br0:...`.
//! - `IFNAME` is an interface of `OWNER` under its final name: written with
//!   `:IFNAME` or automatic (`eth0`, `eth1`, ...; see below), and in the host
//!   also a bridge or a bridge port.
//! - A `nat` goes out of an interface with an address (IPv6 link-local ones
//!   do not count): not a bridge port, not an end without addresses. One
//!   `nat` per interface.
//! - A `forward` arrives on a routed interface: not a bridge port (what
//!   arrives there is bridged; write the bridge instead). Both ports are 1 to
//!   65535. `ADDR` is a host's address (not loopback, multicast, unspecified,
//!   IPv6 link-local, nor the network or broadcast address of a prefix of
//!   `OWNER`) that `OWNER` reaches: inside the prefix of one of its addresses
//!   (the host: including the bridges' addresses; its own addresses
//!   included), or covered by one of its routes (a prefix that holds it, or
//!   `default` of its family). No two forwards share `OWNER`, `IFNAME`,
//!   protocol and port.
//! - A namespace with a `nat` or a `forward` forwards: unless it is a router
//!   (which already does), it gets `net.ipv4.ip_forward=1`, and
//!   `net.ipv6.conf.all.forwarding=1` when one of its `nat`s goes out of an
//!   interface with an IPv6 address that is not link-local or one of its
//!   `forward`s goes to an IPv6 target; once per key and namespace, after the
//!   routers' sysctls and before the user's, so a `sysctl` line can still
//!   turn them off.
//!
//! ```
//! use netns_test_topology::{NsId, Protocol, Topology};
//!
//! let topology: Topology = "
//!     node isp, web
//!     host:uplink 192.0.2.2/24 -- isp 192.0.2.1/24
//!     host 10.0.0.1/24 -- web 10.0.0.2/24     # host:eth0
//!     nat host:uplink random
//!     forward host:uplink tcp 8080 to 10.0.0.2:80
//! "
//! .parse()?;
//! let plan = topology.plan();
//! assert_eq!((plan.nats[0].ns, plan.nats[0].ifname.as_str()), (NsId::HOST, "uplink"));
//! assert!(plan.nats[0].random);
//! let forward = &plan.forwards[0];
//! assert_eq!((forward.protocol, forward.port), (Protocol::Tcp, 8080));
//! assert_eq!(forward.to, "10.0.0.2:80".parse().unwrap());
//! let keys: Vec<&str> = plan.sysctls.iter().map(|s| s.key.as_str()).collect();
//! assert_eq!(keys, ["net.ipv4.ip_forward"]);
//! # Ok::<(), netns_test_topology::TopologyError>(())
//! ```
//!
//! # Errors
//!
//! Every mistake is reported, not only the first: a syntax error drops its
//! statement and parsing goes on with the next one, and validation checks
//! whatever parsed. Each [`Diagnostic`] names the line and column in the
//! topology text (1-based, columns counted in characters), shows the line with
//! carets under the object, says what is wrong and, where there is one, how
//! to fix it. `Display` places them at `topology:LINE:COLUMN`;
//! [`TopologyError::render_with_origin`] puts another origin there, such as
//! the path of a topology file.
//!
//! ```
//! use netns_test_topology::Topology;
//!
//! let error = "node ns1\nbridge testbr\nns2:eth0 10.0.0.100/24 -- testbr"
//!     .parse::<Topology>()
//!     .unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "\
//! error: unknown owner `ns2`
//!  --> topology:3:1
//!   |
//! 3 | ns2:eth0 10.0.0.100/24 -- testbr
//!   | ^^^ `ns2` is not a node, router or bridge
//!   |
//!   = help: did you mean `ns1`? If not, declare it with `node ns2`, \
//!     or use one of: ns1, testbr, host"
//! );
//! assert_eq!(error.diagnostics()[0].column(), 1);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod cidr;
mod diagnostic;
mod draw;
mod error;
mod lexer;
mod location;
mod model;
mod names;
mod parser;
pub mod plan;
mod planner;
mod quantity;
mod span;
mod special;
mod suggest;
mod validate;

pub use cidr::ParseCidrError;
pub use diagnostic::{Diagnostic, TopologyError};
pub use plan::{
    BridgePlan, Cidr, ForwardPlan, ImpairmentPlan, NamespacePlan, NatPlan, NsId, NsKind, Plan,
    Protocol, RoutePlan, SysctlPlan, VethEnd, VethPlan, PPM_PER_PERCENT,
};
pub use suggest::closest;

use std::str::FromStr;

/// A parsed and validated topology, ready to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    plan: Plan,
}

impl Topology {
    /// Just the host namespace, with nothing in it: the topology of a test
    /// that names none.
    pub fn empty() -> Topology {
        Topology {
            plan: planner::plan(model::Model::default()),
        }
    }

    /// The plan: every kernel object to create, in order.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// A picture of the network as a self-contained SVG (no script, font
    /// or file fetched): nodes, routers, the host and bridges as boxes with
    /// a row per interface and its addresses, `nat` and `forward` under
    /// their interface, and links as lines labelled with their options.
    /// Laid out so that no two texts overlap.
    pub fn to_svg(&self) -> String {
        draw::svg(&self.plan)
    }

    /// The same picture as a mermaid flowchart, which GitHub renders in
    /// markdown (in a `mermaid` code block).
    pub fn to_mermaid(&self) -> String {
        draw::mermaid(&self.plan)
    }

    /// The same picture as a Graphviz DOT graph (`dot -Tpng`).
    pub fn to_dot(&self) -> String {
        draw::dot(&self.plan)
    }
}

impl Default for Topology {
    /// [`Topology::empty`].
    fn default() -> Topology {
        Topology::empty()
    }
}

impl FromStr for Topology {
    type Err = TopologyError;

    /// Parses and validates a topology text, reporting every mistake.
    fn from_str(src: &str) -> Result<Topology, TopologyError> {
        let statements = lexer::statements(src);
        let (tree, mut errors) = parser::parse(&statements);
        let (model, validation_errors) = validate::validate(src, &tree);
        errors.extend(validation_errors);
        if errors.is_empty() {
            Ok(Topology {
                plan: planner::plan(model),
            })
        } else {
            Err(TopologyError::new(src, errors))
        }
    }
}
