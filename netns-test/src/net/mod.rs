//! `Net` and `Node`: the test body's handle on the network it asked for.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use netns_test_topology::{NsKind, Plan};

use crate::netlink::{self, Netlink};
use crate::sandbox::{config, ns, spawn};

/// The network a test asked for: the host namespace (where the test body
/// runs) and one namespace per node and router.
///
/// Bridges are interfaces of the host namespace, not nodes.
pub struct Net {
    /// `nodes[0]` is the host; then nodes and routers in declaration order.
    nodes: Vec<Node>,
}

/// One network namespace of the test's network: a node, a router or the host.
pub struct Node {
    name: String,
    kind: NsKind,
    netns: OwnedFd,
    netlink: Mutex<Netlink>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish()
    }
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
    /// If the topology has no such node; the message lists the known names.
    pub fn node(&self, name: &str) -> &Node {
        match self.nodes.iter().find(|n| n.name == name) {
            Some(node) => node,
            None => {
                let known: Vec<&str> = self.nodes.iter().map(|n| n.name.as_str()).collect();
                panic!(
                    "no node named `{name}` in this topology; known names: {}",
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
    /// their state and addresses, and routes. The same text failure reports show.
    pub fn describe(&self) -> String {
        describe_all(self.nodes.iter().map(|n| (n.name.as_str(), &n.netns)))
    }

    /// Duplicated namespace fds, for a watchdog that must report after the
    /// test thread is stuck.
    pub(crate) fn snapshot(&self) -> io::Result<Snapshot> {
        let namespaces = self
            .nodes
            .iter()
            .map(|n| Ok((n.name.clone(), ns::dup(&n.netns)?)))
            .collect::<io::Result<_>>()?;
        Ok(Snapshot { namespaces })
    }
}

/// Namespaces to describe later, held by their own fds.
pub(crate) struct Snapshot {
    namespaces: Vec<(String, OwnedFd)>,
}

impl Snapshot {
    /// As [`Net::describe`].
    pub(crate) fn describe(&self) -> String {
        describe_all(self.namespaces.iter().map(|(n, fd)| (n.as_str(), fd)))
    }
}

/// Describes each namespace from a thread inside it, over a fresh socket, so
/// that it works whatever the test's own sockets are doing.
fn describe_all<'a>(namespaces: impl Iterator<Item = (&'a str, &'a OwnedFd)>) -> String {
    let mut out = String::new();
    for (name, fd) in namespaces {
        let text = ns::run_in(fd.as_fd(), || {
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

impl Node {
    /// The node's name as written in the topology (`host` for the host).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `f` on a thread inside this node's network namespace and returns
    /// its result. `f` may borrow from the caller. Sockets made in `f` stay in
    /// this namespace wherever they are used later. A panic in `f` resumes in
    /// the caller with its message.
    ///
    /// # Panics
    /// If `f` panics, or if the thread cannot be started or enter the namespace.
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match ns::run_in(self.netns.as_fd(), f) {
            Ok(r) => r,
            Err(e) => panic!("netns-test: cannot run code in node `{}`: {e}", self.name),
        }
    }

    /// Starts `f` on a new thread inside this node's network namespace.
    ///
    /// # Panics
    /// If the thread cannot be started (as `std::thread::spawn`).
    pub fn spawn<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> std::thread::JoinHandle<R> {
        let netns = ns::dup(&self.netns)
            .unwrap_or_else(|e| panic!("netns-test: cannot spawn in node `{}`: {e}", self.name));
        let name = self.name.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("netns-test:{name}"))
            .spawn(move || {
                if let Err(e) = ns::enter(netns.as_fd()) {
                    panic!("netns-test: cannot enter node `{name}`: {e}");
                }
                drop(netns);
                f()
            });
        spawned.unwrap_or_else(|e| panic!("netns-test: cannot spawn a thread: {e}"))
    }

    /// A command whose process starts inside this node's network namespace.
    ///
    /// # Panics
    /// If the namespace descriptor cannot be duplicated (out of descriptors).
    pub fn command(&self, program: impl AsRef<OsStr>) -> std::process::Command {
        let netns = ns::dup(&self.netns).unwrap_or_else(|e| {
            panic!(
                "netns-test: cannot prepare a command in `{}`: {e}",
                self.name
            )
        });
        let mut cmd = spawn::command_in_netns(program.as_ref(), netns);
        for var in config::INTERNAL {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Sends ICMP echo requests (IPv4 or IPv6) from this node to `dst` and
    /// returns the round-trip time of the first reply, or an error after 1 s
    /// without one. Needs no `ping` binary.
    pub fn ping(&self, dst: IpAddr) -> io::Result<Duration> {
        self.run(|| crate::ping::ping(dst, Duration::from_secs(1)))
    }

    /// Sets `ifname` in this node up or down and returns once the change has
    /// taken effect: after `true` the link is operationally up and traffic flows.
    pub fn set_link_up(&self, ifname: &str, up: bool) -> io::Result<()> {
        let fail = |e: &dyn fmt::Display| io::Error::other(format!("node `{}`: {e}", self.name));
        let mut nl = self.netlink.lock().unwrap_or_else(|p| p.into_inner());
        let segment = netlink::set_link_up_and_wait(&mut nl, self.netns.as_fd(), ifname, up)
            .map_err(|e| fail(&e))?;
        // Traffic sent during the outage left neighbour entries unresolved
        // on the segment; each would hold new packets until its next
        // solicitation, up to a second later. Forget them, in every
        // namespace of the segment.
        netlink::forget_unresolved(&mut nl, &segment.here).map_err(|e| fail(&e))?;
        let ids: Vec<i32> = segment.elsewhere.iter().map(|(id, _)| *id).collect();
        let namespaces = netlink::open_namespaces(&mut nl, &ids).map_err(|e| fail(&e))?;
        for (id, netns) in namespaces {
            let indices = segment
                .elsewhere
                .iter()
                .find(|(i, _)| *i == id)
                .map_or(&[][..], |(_, indices)| indices.as_slice());
            ns::run_in(netns.as_fd(), || {
                let mut there = Netlink::open().map_err(|e| e.to_string())?;
                netlink::forget_unresolved(&mut there, indices).map_err(|e| e.to_string())
            })
            .map_err(|e| fail(&e))?
            .map_err(|e| fail(&e))?;
        }
        Ok(())
    }
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
    /// Sysctls.
    pub(crate) sysctls: Duration,
}

/// Builds the network of `plan` from the host namespace (the calling
/// thread's): namespaces, links, addresses, routes, sysctls; everything up.
pub(crate) fn build(plan: &Plan, times: &mut BuildTimes) -> Result<Net, String> {
    let started = Instant::now();
    ns::prepare_current().map_err(|e| format!("prepare the host namespace: {e}"))?;
    let host_fd = ns::current().map_err(|e| format!("open the host namespace: {e}"))?;
    let host_nl = Netlink::open().map_err(|e| format!("open a netlink socket: {e}"))?;
    let others = ns::create(plan.namespaces.len().saturating_sub(1))
        .map_err(|e| format!("create a network namespace (unshare CLONE_NEWNET): {e}"))?;
    let (mut fds, mut sockets): (Vec<OwnedFd>, Vec<Netlink>) =
        std::iter::once((host_fd, host_nl)).chain(others).unzip();
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
    times.sysctls = applied.elapsed();
    let nodes = plan
        .namespaces
        .iter()
        .zip(fds.drain(..).zip(sockets))
        .map(|(p, (netns, nl))| Node {
            name: p.name.clone(),
            kind: p.kind,
            netns,
            netlink: Mutex::new(nl),
        })
        .collect();
    Ok(Net { nodes })
}
