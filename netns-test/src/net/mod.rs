//! `Net` and `Node`: the test body's handle on the network it asked for.

mod node;
mod partition;
mod routes;

use std::fmt;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use netns_test_topology::{Cidr, NsId, Plan};

pub use node::Node;
pub use partition::Partition;
use routes::Route;

use crate::capture::{self, Capture, Packet};
use crate::impair::Impairments;
use crate::netlink::{self, Netlink};
use crate::nftables;
use crate::sandbox::ns;

/// The network a test asked for: the host namespace (where the test body
/// runs) and one namespace per node and router.
///
/// Bridges are interfaces of the host namespace, not nodes.
pub struct Net {
    /// `nodes[0]` is the host; then nodes and routers in declaration order.
    nodes: Vec<Node>,
    /// The impaired links.
    impairments: Arc<Impairments>,
    /// Every frame, unless `NETNS_TEST_CAPTURE=never`.
    capture: Option<Arc<Capture>>,
}

impl fmt::Debug for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.nodes.iter().map(|n| &n.name))
            .finish()
    }
}

impl Net {
    /// The node or router called `name` (`"host"` is the host).
    ///
    /// # Panics
    /// At the caller's line, if the topology has no such node: the message
    /// suggests the closest name and lists the known ones.
    #[track_caller]
    pub fn node(&self, name: &str) -> &Node {
        match self.nodes.iter().find(|n| n.name == name) {
            Some(node) => node,
            None => {
                let known: Vec<&str> = self.nodes.iter().map(|n| n.name.as_str()).collect();
                let guess = netns_test_topology::closest(name, known.iter().copied())
                    .map(|g| format!("did you mean `{g}`? "))
                    .unwrap_or_default();
                panic!(
                    "no node named `{name}` in this topology; {guess}known names: {}",
                    known.join(", ")
                )
            }
        }
    }

    /// The namespace the test body itself runs in (`host` in the topology),
    /// where the bridges are.
    pub fn host(&self) -> &Node {
        &self.nodes[0]
    }

    /// Every node and router, in declaration order (not the host).
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes[1..].iter()
    }

    /// The live state of every namespace, read over netlink now: interfaces,
    /// their state and addresses, routes, sockets (as `ss -tuan` shows them)
    /// and neighbours. The same text failure reports show.
    pub fn describe(&self) -> String {
        let mut out = describe_all(self.nodes.iter().map(|n| (n.name.as_str(), &n.netns)));
        if let Some(impairments) = self.impairments.describe() {
            out.push_str(&impairments);
        }
        out
    }

    /// Every frame sent or received so far on every interface of every
    /// namespace of the test (all that happened before this call), oldest
    /// first (within the capture's bounds: the newest
    /// 20 000 frames or 32 MiB by default, see the README). Empty under
    /// `NETNS_TEST_CAPTURE=never`.
    ///
    /// ```no_run
    /// # use netns_test::{Direction, Net};
    /// # fn body(net: &Net) {
    /// let packets = net.packets();
    /// // No packet from 10.0.0.5 left r1:eth1.
    /// assert!(!packets.iter().any(|p| p.node() == "r1"
    ///     && p.interface() == "eth1"
    ///     && p.direction() == Direction::Out
    ///     && p.ip().is_some_and(|ip| ip.src == "10.0.0.5".parse::<std::net::IpAddr>().unwrap())));
    /// # }
    /// ```
    pub fn packets(&self) -> Vec<Packet> {
        match &self.capture {
            Some(capture) => capture.packets(&|ns, index| self.interface_name(ns, index)),
            None => Vec::new(),
        }
    }

    /// Descriptors that take long to close (packet sockets: an RCU grace
    /// period each), for the child to hand to its parent at its end.
    pub(crate) fn slow_to_close(&self) -> Vec<OwnedFd> {
        let mut fds: Vec<OwnedFd> = self
            .capture
            .iter()
            .flat_map(|c| c.sockets().filter_map(|s| s.try_clone_to_owned().ok()))
            .collect();
        fds.extend(self.impairments.sockets());
        fds
    }

    /// Every namespace's name and descriptor, host first.
    pub(crate) fn namespaces(&self) -> Vec<(&str, std::os::fd::BorrowedFd<'_>)> {
        self.nodes
            .iter()
            .map(|n| (n.name(), n.netns.as_fd()))
            .collect()
    }

    /// When the capture is written, if there is one.
    pub(crate) fn capture_mode(&self) -> Option<capture::Mode> {
        self.capture.as_ref().map(|c| c.mode())
    }

    /// Stops the capture and writes it as `file` in `dir`; returns the
    /// report's line about it.
    pub(crate) fn save_capture(&self, dir: &std::path::Path, file: &str) -> String {
        match &self.capture {
            Some(capture) => capture
                .save(dir, file, &|ns, index| self.interface_name(ns, index))
                .unwrap_or_else(|e| {
                    format!("capture: could not write {}: {e}", dir.join(file).display())
                }),
            None => String::new(),
        }
    }

    /// The node and interface a capture names for interface `index` of
    /// namespace `ns` (`None`: leave its frames out).
    fn interface_name(&self, ns: usize, index: u32) -> (String, Option<String>) {
        let Some(node) = self.nodes.get(ns) else {
            return (format!("ns{ns}"), Some(format!("if{index}")));
        };
        let ifname = node
            .link_name(index)
            .unwrap_or_else(|| format!("if{index}"));
        (
            node.name.clone(),
            self.impairments.capture_name(ns, &ifname),
        )
    }

    /// Every namespace's name with its topology addresses, host first.
    pub(crate) fn names(&self) -> Vec<(&str, Vec<std::net::IpAddr>)> {
        self.nodes.iter().map(|n| (n.name(), n.addrs())).collect()
    }

    /// Duplicated namespace fds, for a watchdog that must report after the
    /// test thread is stuck.
    pub(crate) fn snapshot(&self) -> io::Result<Snapshot> {
        let namespaces = self
            .nodes
            .iter()
            .map(|n| Ok((n.name.clone(), ns::dup(&n.netns)?)))
            .collect::<io::Result<_>>()?;
        Ok(Snapshot {
            namespaces,
            capture: self.capture.clone(),
            impairments: Arc::clone(&self.impairments),
        })
    }
}

/// Namespaces to describe later, held by their own fds, and the capture to
/// write: what a watchdog needs when the test thread is stuck.
pub(crate) struct Snapshot {
    namespaces: Vec<(String, OwnedFd)>,
    capture: Option<Arc<Capture>>,
    impairments: Arc<Impairments>,
}

impl Snapshot {
    /// As [`Net::namespaces`].
    pub(crate) fn namespaces(&self) -> Vec<(&str, std::os::fd::BorrowedFd<'_>)> {
        self.namespaces
            .iter()
            .map(|(n, fd)| (n.as_str(), fd.as_fd()))
            .collect()
    }

    /// As [`Net::describe`].
    pub(crate) fn describe(&self) -> String {
        describe_all(self.namespaces.iter().map(|(n, fd)| (n.as_str(), fd)))
    }

    /// As [`Net::save_capture`], naming interfaces over fresh netlink
    /// sockets (the nodes' own may be held by the stuck test thread).
    pub(crate) fn save_capture(&self, dir: &std::path::Path, file: &str) -> String {
        let Some(capture) = &self.capture else {
            return String::new();
        };
        if capture.mode() == capture::Mode::Never {
            return String::new();
        }
        let name = |ns: usize, index: u32| -> (String, Option<String>) {
            let Some((node, fd)) = self.namespaces.get(ns) else {
                return (format!("ns{ns}"), Some(format!("if{index}")));
            };
            let ifname = ns::run_in(fd.as_fd(), node, || link_name(index))
                .ok()
                .flatten()
                .unwrap_or_else(|| format!("if{index}"));
            (node.clone(), self.impairments.capture_name(ns, &ifname))
        };
        capture
            .save(dir, file, &name)
            .map(|line| format!("{line}\n"))
            .unwrap_or_else(|e| {
                format!(
                    "capture: could not write {}: {e}\n",
                    dir.join(file).display()
                )
            })
    }
}

/// The name of interface `index` of the calling thread's namespace.
fn link_name(index: u32) -> Option<String> {
    link_name_in(&mut Netlink::open().ok()?, index)
}

/// The name of interface `index` of `nl`'s namespace, if it exists.
pub(super) fn link_name_in(nl: &mut Netlink, index: u32) -> Option<String> {
    let mut name = None;
    nl.get(
        netlink::link::get_link_by_index(index),
        "read link",
        "",
        |_, payload| {
            name = Some(netlink::link::parse_link(payload)?.name);
            Ok(())
        },
    )
    .ok()?;
    name
}

/// Describes each namespace from a thread inside it, over a fresh socket, so
/// that it works whatever the test's own sockets are doing.
fn describe_all<'a>(namespaces: impl Iterator<Item = (&'a str, &'a OwnedFd)>) -> String {
    let mut out = String::new();
    for (name, fd) in namespaces {
        let text = ns::run_in(fd.as_fd(), "netns-test", || {
            Netlink::open()
                .map_err(|e| e.to_string())
                .and_then(|mut nl| netlink::describe(name, &mut nl).map_err(|e| e.to_string()))
        });
        match text {
            Ok(Ok(text)) => out.push_str(&text),
            Ok(Err(e)) => out.push_str(&format!("{name}: cannot read its state: {e}\n")),
            Err(e) => out.push_str(&format!("{name}: cannot enter it: {e}\n")),
        }
    }
    out
}

/// How long each step of [`build`] took (for the benchmark's phase table).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BuildTimes {
    /// Parsing the topology text into a plan (done by the caller).
    pub(crate) parse: Duration,
    /// Preparing the host and making the other namespaces.
    pub(crate) namespaces: Duration,
    /// Links, addresses, the wait for readiness, routes.
    pub(crate) apply: Duration,
    /// Sysctls, then the nf_tables rules of `nat` and `forward`.
    pub(crate) sysctls: Duration,
}

/// Why [`build`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BuildError {
    /// A step failed; the message names it.
    Failed(String),
    /// The kernel lacks what the topology needs; the message names the
    /// kernel option and the fix.
    Unsupported(String),
}

impl From<String> for BuildError {
    fn from(message: String) -> BuildError {
        BuildError::Failed(message)
    }
}

/// Builds the network of `plan` from the host namespace (the calling
/// thread's): namespaces, links, addresses, routes, sysctls, NAT rules;
/// everything up and in effect. With `capture`, frames are captured as
/// `NETNS_TEST_CAPTURE` says; without, never (a session of the command).
pub(crate) fn build(plan: &Plan, times: &mut BuildTimes, capture: bool) -> Result<Net, BuildError> {
    let started = Instant::now();
    ns::prepare_current().map_err(|e| format!("prepare the host namespace: {e}"))?;
    let host_fd = ns::current().map_err(|e| format!("open the host namespace: {e}"))?;
    let host_nl = Netlink::open().map_err(|e| format!("open a netlink socket: {e}"))?;
    let others = ns::create(plan.namespaces.len().saturating_sub(1))
        .map_err(|e| format!("create a network namespace (unshare CLONE_NEWNET): {e}"))?;
    let (mut fds, mut sockets): (Vec<OwnedFd>, Vec<Netlink>) =
        std::iter::once((host_fd, host_nl)).chain(others).unzip();
    let capture = {
        let settings = capture::Settings::from_env()?;
        if !capture || settings.mode == capture::Mode::Never {
            None
        } else {
            let borrowed: Vec<_> = fds.iter().map(|f| f.as_fd()).collect();
            Some(Arc::new(
                Capture::start(settings, &borrowed)
                    .map_err(|e| format!("start the packet capture: {e}"))?,
            ))
        }
    };
    let created = Instant::now();
    times.namespaces = created - started;
    {
        let borrowed: Vec<_> = fds.iter().map(|f| f.as_fd()).collect();
        netlink::apply(plan, &mut sockets, &borrowed).map_err(|e| e.to_string())?;
    }
    let applied = Instant::now();
    times.apply = applied - created;
    for (i, fd) in fds.iter().enumerate() {
        let sysctls: Vec<(&str, &str)> = plan
            .sysctls
            .iter()
            .filter(|s| s.ns.0 == i)
            .map(|s| (s.key.as_str(), s.value.as_str()))
            .collect();
        if !sysctls.is_empty() {
            ns::write_sysctls(fd.as_fd(), &sysctls)
                .map_err(|e| format!("in `{}`: {e}", plan.namespaces[i].name))?;
        }
    }
    for (i, fd) in fds.iter().enumerate() {
        apply_nat(plan, NsId(i), fd.as_fd())?;
    }
    times.sysctls = applied.elapsed();
    let network = Arc::new(
        fds.iter()
            .map(ns::dup)
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| format!("duplicate a namespace descriptor: {e}"))?,
    );
    let impairments = Arc::new(Impairments::new(plan, Arc::clone(&network))?);
    for link in &plan.links {
        if let Some(impairment) = link.impairment {
            for end in [&link.a, &link.b] {
                impairments
                    .set(end.ns.0, &end.ifname, impairment)
                    .map_err(|e| BuildError::Failed(e.to_string()))?;
            }
        }
    }
    let nodes = plan
        .namespaces
        .iter()
        .zip(fds.drain(..).zip(sockets))
        .enumerate()
        .map(|(i, (p, (netns, nl)))| Node {
            name: p.name.clone(),
            kind: p.kind,
            netns,
            netlink: Mutex::new(nl),
            addrs: addresses_of(plan, NsId(i)),
            ifnames: interfaces_of(plan, NsId(i)),
            routes: Mutex::new(
                plan.routes
                    .iter()
                    .filter(|r| r.ns.0 == i)
                    .map(|r| Route {
                        dest: r.dest,
                        via: r.via,
                    })
                    .collect(),
            ),
            network: Arc::clone(&network),
            id: i,
            impairments: Arc::clone(&impairments),
        })
        .collect();
    Ok(Net {
        nodes,
        impairments,
        capture,
    })
}

/// Puts the `nat` and `forward` statements of namespace `ns` in effect: its
/// nf_tables ruleset, made on a thread inside it.
fn apply_nat(plan: &Plan, ns: NsId, netns: std::os::fd::BorrowedFd<'_>) -> Result<(), BuildError> {
    let nats: Vec<_> = plan.nats.iter().filter(|n| n.ns == ns).collect();
    let forwards: Vec<_> = plan.forwards.iter().filter(|f| f.ns == ns).collect();
    if nats.is_empty() && forwards.is_empty() {
        return Ok(());
    }
    let name = &plan.namespaces[ns.0].name;
    ns::run_in(netns, name, || nftables::apply(name, &nats, &forwards))
        .map_err(|e| BuildError::Failed(format!("in `{name}`: enter it for nf_tables: {e}")))?
        .map_err(|e| match e.missing() {
            Some(_) => BuildError::Unsupported(e.to_string()),
            None => BuildError::Failed(e.to_string()),
        })
}

/// The addresses the topology gives namespace `ns`, with their interface:
/// bridges' first (only in the host), then link ends', in plan order.
fn addresses_of(plan: &Plan, ns: NsId) -> Vec<(String, Cidr)> {
    let bridges = plan
        .bridges
        .iter()
        .filter(|_| ns == NsId::HOST)
        .flat_map(|b| b.addrs.iter().map(|c| (b.name.clone(), *c)));
    let ends = plan
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .filter(|end| end.ns == ns)
        .flat_map(|end| end.addrs.iter().map(|c| (end.ifname.clone(), *c)));
    bridges.chain(ends).collect()
}

/// The interfaces the topology makes in namespace `ns`, `lo` first.
fn interfaces_of(plan: &Plan, ns: NsId) -> Vec<String> {
    let bridges = plan
        .bridges
        .iter()
        .filter(|_| ns == NsId::HOST)
        .map(|b| b.name.clone());
    let ends = plan
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .filter(|end| end.ns == ns)
        .map(|end| end.ifname.clone());
    std::iter::once("lo".to_string())
        .chain(bridges)
        .chain(ends)
        .collect()
}
