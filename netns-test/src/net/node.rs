//! `Node`: one namespace of the test's network, and what a test does in it.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use netns_test_topology::{Cidr, NsKind};

use super::routes::{Dest, Route};
use crate::impair::{Impairment, Impairments};
use crate::netlink::{self, Netlink};
use crate::sandbox::{config, ns, spawn};

/// One network namespace of the test's network: a node, a router or the host.
pub struct Node {
    pub(super) name: String,
    pub(super) kind: NsKind,
    pub(super) netns: OwnedFd,
    pub(super) netlink: Mutex<Netlink>,
    /// The topology's addresses of this namespace with their interface, in
    /// declaration order (for the host: bridges first, then link ends).
    pub(super) addrs: Vec<(String, Cidr)>,
    /// The topology's interfaces of this namespace, `lo` first.
    pub(super) ifnames: Vec<String>,
    /// The routes this namespace should have: the topology's, then those
    /// added at run time, less those deleted.
    pub(super) routes: Mutex<Vec<Route>>,
    /// Every namespace of the test, to reach a link's peer.
    pub(super) network: Arc<Vec<OwnedFd>>,
    /// This namespace's position in the plan (0: the host).
    pub(super) id: usize,
    /// The network's impaired links.
    pub(super) impairments: Arc<Impairments>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish()
    }
}

impl Node {
    /// The node's name as written in the topology (`host` for the host).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The node's first IPv4 address in the topology, in declaration order.
    ///
    /// # Panics
    /// At the caller's line, listing the node's addresses, if it has none.
    #[track_caller]
    pub fn ipv4(&self) -> Ipv4Addr {
        match self.addrs().into_iter().find_map(|ip| match ip {
            IpAddr::V4(ip) => Some(ip),
            IpAddr::V6(_) => None,
        }) {
            Some(ip) => ip,
            None => panic!(
                "node `{}` has no IPv4 address; {}",
                self.name,
                self.listing()
            ),
        }
    }

    /// The node's first IPv6 address in the topology, in declaration order
    /// (netns-test's own link-local addresses are not among them).
    ///
    /// # Panics
    /// At the caller's line, listing the node's addresses, if it has none.
    #[track_caller]
    pub fn ipv6(&self) -> Ipv6Addr {
        match self.addrs().into_iter().find_map(|ip| match ip {
            IpAddr::V6(ip) => Some(ip),
            IpAddr::V4(_) => None,
        }) {
            Some(ip) => ip,
            None => panic!(
                "node `{}` has no IPv6 address; {}",
                self.name,
                self.listing()
            ),
        }
    }

    /// Every address the topology gives this node, in declaration order
    /// (for the host: the bridges' first, then its link ends').
    pub fn addrs(&self) -> Vec<IpAddr> {
        self.addrs.iter().map(|(_, cidr)| cidr.addr).collect()
    }

    /// `its addresses: 10.0.0.1/24 (eth0), ...` or `it has no addresses`.
    fn listing(&self) -> String {
        if self.addrs.is_empty() {
            return "it has no addresses in the topology".into();
        }
        let all: Vec<String> = self
            .addrs
            .iter()
            .map(|(ifname, cidr)| format!("{cidr} ({ifname})"))
            .collect();
        format!("its addresses: {}", all.join(", "))
    }

    /// Runs `f` on a thread inside this node's network namespace and returns
    /// its result. `f` may borrow from the caller. Sockets made in `f` stay in
    /// this namespace wherever they are used later. The thread is named
    /// after the node, and a panic in `f` resumes in the caller with its
    /// message.
    ///
    /// # Panics
    /// If `f` panics, or if the thread cannot be started or enter the namespace.
    #[track_caller]
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match ns::run_in(self.netns.as_fd(), &self.name, f) {
            Ok(r) => r,
            Err(e) => panic!("netns-test: cannot run code in node `{}`: {e}", self.name),
        }
    }

    /// Starts `f` on a new thread, named after the node, inside this node's
    /// network namespace.
    ///
    /// # Panics
    /// If the thread cannot be started (as `std::thread::spawn`).
    #[track_caller]
    pub fn spawn<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> std::thread::JoinHandle<R> {
        let netns = ns::dup(&self.netns)
            .unwrap_or_else(|e| panic!("netns-test: cannot spawn in node `{}`: {e}", self.name));
        let name = self.name.clone();
        let spawned = std::thread::Builder::new()
            .name(name.clone())
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
    #[track_caller]
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
    #[track_caller]
    pub fn ping(&self, dst: IpAddr) -> io::Result<Duration> {
        self.run(|| crate::ping::ping(dst, Duration::from_secs(1)))
    }

    /// Impairs what this node sends out of `ifname` (an end of one of the
    /// topology's links) from the next packet on: delay, jitter, loss,
    /// duplication, reordering, corruption, a rate. Replaces what was set,
    /// by the topology or an earlier call; `Impairment::new()` clears it.
    /// What the peer sends back is not affected: impair its end too for
    /// both directions.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use netns_test::{Impairment, Net};
    /// # fn body(net: &Net) -> std::io::Result<()> {
    /// let lossy = Impairment::new().loss(30.0);
    /// net.node("client").impair("eth0", lossy)?;
    /// net.node("server").impair("eth0", lossy)?;
    /// // ... the client's retries ...
    /// net.node("client").impair("eth0", Impairment::new())?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `InvalidInput` for an interface that is not a link end of this
    /// node (the message lists those it has); the kernel's error, naming
    /// the step, if the path could not be made.
    pub fn impair(&self, ifname: &str, impairment: Impairment) -> io::Result<()> {
        self.impairments
            .set(self.id, ifname, impairment.plan())
            .map_err(|e| io::Error::new(e.kind(), format!("node `{}`: {e}", self.name)))
    }

    /// The name of interface `index` now, if it exists.
    pub(super) fn link_name(&self, index: u32) -> Option<String> {
        super::link_name_in(&mut self.netlink(), index)
    }

    /// Sets `ifname` in this node up or down and returns once the change has
    /// taken effect. After `true` the link is operationally up, traffic
    /// flows, and the routes through it are back: the kernel deletes a
    /// link's routes when it goes down, and this puts back every route of
    /// the node (the topology's and those added with [`Node::add_route`])
    /// whose gateway is in a prefix of the link's addresses.
    pub fn set_link_up(&self, ifname: &str, up: bool) -> io::Result<()> {
        let fail = |e: &dyn fmt::Display| io::Error::other(format!("node `{}`: {e}", self.name));
        let mut nl = self.netlink();
        let segment = netlink::set_link_up_and_wait(&mut nl, self.netns.as_fd(), ifname, up)
            .map_err(|e| self.link_error(ifname, e))?;
        if !up {
            return Ok(());
        }
        // Traffic sent during the outage left neighbour entries unresolved
        // on the segment; each would hold new packets until its next
        // solicitation, up to a second later. Forget them, in every
        // namespace of the segment.
        netlink::forget_unresolved(&mut nl, &segment.here).map_err(|e| fail(&e))?;
        let ids: Vec<i32> = segment.elsewhere.iter().map(|(id, _)| *id).collect();
        let namespaces =
            netlink::find_namespaces(&mut nl, &ids, self.network.iter().map(|fd| fd.as_fd()))
                .map_err(|e| fail(&e))?;
        for (id, netns) in namespaces {
            let indices = segment
                .elsewhere
                .iter()
                .find(|(i, _)| *i == id)
                .map_or(&[][..], |(_, indices)| indices.as_slice());
            ns::run_in(netns, "netns-test", || {
                let mut there = Netlink::open().map_err(|e| e.to_string())?;
                netlink::forget_unresolved(&mut there, indices).map_err(|e| e.to_string())
            })
            .map_err(|e| fail(&e))?
            .map_err(|e| fail(&e))?;
        }
        self.restore_routes(&mut nl, ifname)
    }

    /// Puts back the node's routes whose gateway is on `ifname`.
    fn restore_routes(&self, nl: &mut Netlink, ifname: &str) -> io::Result<()> {
        let on_link: Vec<Cidr> = self
            .addrs
            .iter()
            .filter(|(name, _)| name == ifname)
            .map(|(_, cidr)| *cidr)
            .collect();
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for route in routes {
            if on_link.iter().any(|cidr| cidr.contains(route.via)) {
                let object = format!("{}: {route}", self.name);
                netlink::add_route(nl, route.dest, route.via, true, &object).map_err(|e| {
                    io::Error::new(
                        io::Error::from(e.clone()).kind(),
                        format!(
                            "node `{}`: restoring a route after {ifname} came up: {e}",
                            self.name
                        ),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Adds a route, in the `route` statement's forms: `dest` is `default`
    /// (of `via`'s family) or a prefix such as `10.1.0.0/16`. The route is
    /// in place when this returns, and comes back with its link after
    /// [`Node::set_link_up`].
    ///
    /// Fails with `InvalidInput` for a malformed route, and with the
    /// kernel's refusal (e.g. `NetworkUnreachable` when no interface of the
    /// node has a prefix containing `via`, `AlreadyExists` for a second
    /// route to `dest`), naming the route.
    pub fn add_route(&self, dest: &str, via: IpAddr) -> io::Result<()> {
        let route = Route::parse(dest, via).map_err(|why| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("node `{}`: route `{dest} via {via}`: {why}", self.name),
            )
        })?;
        let object = format!("{}: {route}", self.name);
        netlink::add_route(&mut self.netlink(), route.dest, route.via, false, &object)?;
        self.routes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(route);
        Ok(())
    }

    /// Deletes the route to `dest`: a prefix such as `10.1.0.0/16`, or
    /// `default` for the default routes of both families (whichever
    /// exist). It no longer comes back with its link.
    ///
    /// Fails with `InvalidInput` for a malformed destination and `NotFound`
    /// when the node has no such route, naming the route.
    pub fn del_route(&self, dest: &str) -> io::Result<()> {
        let parsed = Dest::parse(dest).map_err(|why| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("node `{}`: route to `{dest}`: {why}", self.name),
            )
        })?;
        let families: &[bool] = match parsed {
            Dest::Default => &[false, true],
            Dest::Cidr(cidr) => {
                if cidr.addr.is_ipv6() {
                    &[true]
                } else {
                    &[false]
                }
            }
        };
        let object = format!("{}: {dest}", self.name);
        let mut nl = self.netlink();
        let mut deleted = false;
        let mut last = None;
        for &v6 in families {
            match netlink::remove_route(&mut nl, parsed.cidr(), v6, &object) {
                Ok(()) => deleted = true,
                Err(e) => last = Some(e),
            }
        }
        drop(nl);
        if !deleted {
            // ESRCH: no route to that destination.
            let kind = match last.as_ref().and_then(|e| e.errno) {
                None | Some(nix::errno::Errno::ESRCH) => io::ErrorKind::NotFound,
                Some(errno) => io::Error::from(errno).kind(),
            };
            let why = last.map_or_else(String::new, |e| format!(": {e}"));
            return Err(io::Error::new(
                kind,
                format!("node `{}` has no route to `{dest}`{why}", self.name),
            ));
        }
        self.routes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|r| match parsed {
                Dest::Default => r.dest.is_some(),
                Dest::Cidr(cidr) => r.dest != Some(cidr),
            });
        Ok(())
    }

    fn netlink(&self) -> MutexGuard<'_, Netlink> {
        self.netlink.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An error of `set_link_up` on `ifname`; an unknown name gets the
    /// node's interfaces and the closest one.
    fn link_error(&self, ifname: &str, e: netlink::SetupError) -> io::Error {
        let not_found = e.kind == netlink::SetupErrorKind::NotFound;
        let mut text = format!("node `{}`: {e}", self.name);
        if not_found {
            let names = self.ifnames.iter().map(String::as_str);
            if let Some(guess) = netns_test_topology::closest(ifname, names) {
                text.push_str(&format!("; did you mean `{guess}`?"));
            }
            text.push_str(&format!(
                " The interfaces of `{}` are: {}",
                self.name,
                self.ifnames.join(", ")
            ));
        }
        io::Error::new(io::Error::from(e).kind(), text)
    }
}
