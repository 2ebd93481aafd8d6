//! The impairment paths of a test's network: made when an end is first
//! impaired (by its link's options at setup, or by `Node::impair`),
//! reconfigured in place, and taken apart when it is cleared.

use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Mutex};

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netns_test_topology::{ImpairmentPlan, NsId, Plan};

use super::forwarder::Forwarder;
use super::rng::seed_for;
use super::sys;
use super::{describe, SEED};
use crate::netlink::link::{
    del_link, get_link, new_veth, no_ipv6_autoconf, parse_link, set_link, set_link_mac_up,
    LinkStatus, VethSide,
};
use crate::netlink::tc::{del_clsact, new_clsact, redirect_all, Hook};
use crate::netlink::Netlink;
use crate::sandbox::ns;

/// The MTU of the path's own veths: above any link's, so they never drop
/// a frame the link carries.
const PATH_MTU: u32 = 65_535;

/// One end of a link: namespace and interface name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct End {
    ns: usize,
    ifname: String,
}

/// A working path for one impaired end.
#[derive(Debug)]
struct Path {
    /// Numbers the path's interfaces: `impNo`, `impNi`, `oN`, `iN`.
    n: u32,
    /// The impaired end's interface index, in its namespace.
    index: u32,
    /// `impNo`, in the impaired end's namespace.
    out: u32,
    /// The peer's namespace, and `impNi` there.
    peer_ns: usize,
    into: u32,
    forwarder: Forwarder,
}

#[derive(Debug, Default)]
struct State {
    hidden: Option<OwnedFd>,
    paths: BTreeMap<End, Path>,
    /// Every path ever made, by number (the next one's is its length):
    /// the end it served, so a capture can name the frames it saw on
    /// `impNo` after the end.
    served: Vec<End>,
}

/// Every impairment of one test's network.
#[derive(Debug)]
pub(crate) struct Impairments {
    seed: u64,
    /// Namespace names, by [`NsId`].
    names: Vec<String>,
    namespaces: Arc<Vec<OwnedFd>>,
    /// Each link end with its peer.
    peers: Vec<(End, End)>,
    state: Mutex<State>,
}

impl Impairments {
    /// The impairments of `plan`'s network (none yet), with the test's
    /// seed: `NETNS_TEST_SEED` if set, else a fresh random one.
    pub(crate) fn new(plan: &Plan, namespaces: Arc<Vec<OwnedFd>>) -> Result<Impairments, String> {
        let seed = match std::env::var(SEED) {
            Ok(text) => text.trim().parse::<u64>().map_err(|_| {
                format!("{SEED}={text:?} is not a seed: use the number a failure report printed")
            })?,
            Err(_) => RandomState::new().hash_one(std::process::id()),
        };
        let end = |ns: NsId, ifname: &str| End {
            ns: ns.0,
            ifname: ifname.to_string(),
        };
        let peers = plan
            .links
            .iter()
            .flat_map(|l| {
                let (a, b) = (end(l.a.ns, &l.a.ifname), end(l.b.ns, &l.b.ifname));
                [(a.clone(), b.clone()), (b, a)]
            })
            .collect();
        Ok(Impairments {
            seed,
            names: plan.namespaces.iter().map(|n| n.name.clone()).collect(),
            namespaces,
            peers,
            state: Mutex::new(State::default()),
        })
    }

    /// Impairs what interface `ifname` of namespace `ns` sends from now on,
    /// replacing what was set; a clean `plan` clears it.
    pub(crate) fn set(&self, ns: usize, ifname: &str, plan: ImpairmentPlan) -> io::Result<()> {
        let label = format!("{}:{ifname}", self.name(ns));
        let end = End {
            ns,
            ifname: ifname.to_string(),
        };
        let peer = self
            .peers
            .iter()
            .find(|(e, _)| *e == end)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                let ends: Vec<_> = self
                    .peers
                    .iter()
                    .filter(|(e, _)| e.ns == ns)
                    .map(|(e, _)| e.ifname.as_str())
                    .collect();
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "cannot impair `{label}`: impairments apply to the ends of the \
                         topology's links, and `{}` has {}",
                        self.name(ns),
                        if ends.is_empty() {
                            "none".to_string()
                        } else {
                            ends.join(", ")
                        }
                    ),
                )
            })?;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let clean = plan == ImpairmentPlan::default();
        match (state.paths.get(&end), clean) {
            (Some(path), false) => {
                path.forwarder.set(plan);
                Ok(())
            }
            (Some(_), true) => {
                let path = state.paths.remove(&end);
                match path {
                    Some(path) => self.take_apart(&end, path),
                    None => Ok(()),
                }
            }
            (None, true) => Ok(()),
            (None, false) => {
                let path = self.make(&mut state, &end, &peer, plan, &label)?;
                state.paths.insert(end, path);
                Ok(())
            }
        }
        .map_err(|e| io::Error::new(e.kind(), format!("impair `{label}`: {e}")))
    }

    /// Copies of every forwarder's packet sockets.
    pub(crate) fn sockets(&self) -> Vec<OwnedFd> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .paths
            .values()
            .flat_map(|p| {
                p.forwarder
                    .sockets
                    .iter()
                    .filter_map(|s| s.try_clone().ok())
            })
            .collect()
    }

    /// How a capture names interface `ifname` of namespace `ns`: a path's
    /// `impNo` is the end it serves (frames the end sent are seen there);
    /// `impNi` is left out (its frames are seen again on the peer end).
    pub(crate) fn capture_name(&self, ns: usize, ifname: &str) -> Option<String> {
        let path = |suffix: char| -> Option<usize> {
            ifname
                .strip_prefix("imp")?
                .strip_suffix(suffix)?
                .parse()
                .ok()
        };
        if path('i').is_some() {
            return None;
        }
        if let Some(n) = path('o') {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(end) = state.served.get(n).filter(|e| e.ns == ns) {
                return Some(end.ifname.clone());
            }
        }
        Some(ifname.to_string())
    }

    /// What is impaired, for failure reports; `None` when nothing ever was.
    pub(crate) fn describe(&self) -> Option<String> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.hidden.as_ref()?;
        let mut out = format!(
            "impairments (seed {}; {SEED}={} replays their random decisions):\n",
            self.seed, self.seed
        );
        if state.paths.is_empty() {
            out.push_str("  none now\n");
        }
        for (end, path) in &state.paths {
            let c = &path.forwarder.counters;
            let n = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
            out.push_str(&format!(
                "  {}:{}  {}  ({} frames: {} lost, {} duplicated, {} corrupted, {} dropped by a \
                 full queue)\n",
                self.name(end.ns),
                end.ifname,
                describe(&path.forwarder.plan()),
                n(&c.frames),
                n(&c.lost),
                n(&c.duplicated),
                n(&c.corrupted),
                n(&c.overflow),
            ));
        }
        Some(out)
    }

    fn name(&self, ns: usize) -> &str {
        self.names.get(ns).map_or("?", String::as_str)
    }

    fn netns(&self, ns: usize) -> io::Result<BorrowedFd<'_>> {
        self.namespaces
            .get(ns)
            .map(|fd| fd.as_fd())
            .ok_or_else(|| io::Error::other(format!("no namespace {ns}")))
    }

    /// Builds the path of `end` (whose peer is `peer`) and turns it on.
    fn make(
        &self,
        state: &mut State,
        end: &End,
        peer: &End,
        plan: ImpairmentPlan,
        label: &str,
    ) -> io::Result<Path> {
        if state.hidden.is_none() {
            let made = ns::create(1)?;
            let hidden = made.into_iter().next().map(|(fd, _)| fd);
            if let Some(fd) = &hidden {
                // Nothing of its own may leak onto the paths (router
                // solicitations, MLD); a kernel without IPv6 has no keys.
                let _ = ns::write_sysctls(
                    fd.as_fd(),
                    &[
                        ("net.ipv6.conf.all.disable_ipv6", "1"),
                        ("net.ipv6.conf.default.disable_ipv6", "1"),
                    ],
                );
            }
            state.hidden = hidden;
        }
        let hidden = state
            .hidden
            .as_ref()
            .ok_or_else(|| io::Error::other("no hidden namespace"))?
            .try_clone()?;
        let n = u32::try_from(state.served.len()).unwrap_or(u32::MAX);
        state.served.push(end.clone());
        let (out_name, into_name) = (format!("imp{n}o"), format!("imp{n}i"));
        let (o_name, i_name) = (format!("o{n}"), format!("i{n}"));

        // The impaired end's side: `impNo`, its peer `oN` in the hidden
        // namespace. Frames redirected to `impNo` still carry the end's
        // offloads (a checksum left to the device, a 64 KiB TCP segment);
        // without those features `impNo` completes them in software, so
        // the forwarder reads whole, single frames.
        let (index, out) = in_ns(self.netns(end.ns)?, self.name(end.ns), |nl| {
            let own = link(nl, &end.ifname)?;
            create_pair(nl, &out_name, &o_name, hidden.as_fd())?;
            let out = link(nl, &out_name)?;
            sys::disable_offloads(&out_name).map_err(|e| format!("{out_name}: {e}"))?;
            up(nl, out.index, &out_name)?;
            Ok((own.index, out.index))
        })?;
        // The peer's side: `impNi` with the peer's MAC, its peer `iN`.
        let into = in_ns(self.netns(peer.ns)?, self.name(peer.ns), |nl| {
            let target = link(nl, &peer.ifname)?;
            create_pair(nl, &into_name, &i_name, hidden.as_fd())?;
            let into = link(nl, &into_name)?;
            let mac = target
                .mac
                .ok_or_else(|| format!("`{}` has no MAC address", peer.ifname))?;
            nl.request(
                set_link_mac_up(into.index, mac),
                0,
                "configure link",
                &into_name,
            )
            .map_err(|e| e.to_string())?;
            Ok(into.index)
        })?;
        let (o_index, i_index) = in_ns(hidden.as_fd(), "impairments", |nl| {
            let (o, i) = (link(nl, &o_name)?, link(nl, &i_name)?);
            up(nl, o.index, &o_name)?;
            up(nl, i.index, &i_name)?;
            Ok((o.index, i.index))
        })?;
        let forwarder = Forwarder::start(
            hidden.as_fd(),
            label,
            o_index,
            i_index,
            plan,
            seed_for(self.seed, label),
        )?;
        // What comes out of `impNi` is received by the peer's end.
        in_ns(self.netns(peer.ns)?, self.name(peer.ns), |nl| {
            let target = link(nl, &peer.ifname)?;
            nl.request(
                new_clsact(into),
                NLM_F_CREATE | NLM_F_EXCL,
                "add clsact qdisc",
                &into_name,
            )
            .and_then(|()| {
                nl.request(
                    redirect_all(into, Hook::Ingress, target.index, true),
                    NLM_F_CREATE | NLM_F_EXCL,
                    "add redirect filter",
                    &into_name,
                )
            })
            .map_err(|e| e.to_string())
        })?;
        // Last, what the end sends goes the new way: in effect from here.
        in_ns(self.netns(end.ns)?, self.name(end.ns), |nl| {
            nl.request(
                new_clsact(index),
                NLM_F_CREATE | NLM_F_EXCL,
                "add clsact qdisc",
                &end.ifname,
            )
            .and_then(|()| {
                nl.request(
                    redirect_all(index, Hook::Egress, out, false),
                    NLM_F_CREATE | NLM_F_EXCL,
                    "add redirect filter",
                    &end.ifname,
                )
            })
            .map_err(|e| e.to_string())
        })?;
        Ok(Path {
            n,
            index,
            out,
            peer_ns: peer.ns,
            into,
            forwarder,
        })
    }

    /// Puts `end` back on its veth, then removes the path.
    fn take_apart(&self, end: &End, path: Path) -> io::Result<()> {
        in_ns(self.netns(end.ns)?, self.name(end.ns), |nl| {
            nl.request(
                del_clsact(path.index),
                0,
                "delete clsact qdisc",
                &end.ifname,
            )
            .map_err(|e| e.to_string())
        })?;
        drop(path.forwarder);
        in_ns(self.netns(end.ns)?, self.name(end.ns), |nl| {
            nl.request(
                del_link(path.out),
                0,
                "delete link",
                format!("imp{}o", path.n),
            )
            .map_err(|e| e.to_string())
        })?;
        in_ns(self.netns(path.peer_ns)?, self.name(path.peer_ns), |nl| {
            nl.request(
                del_link(path.into),
                0,
                "delete link",
                format!("imp{}i", path.n),
            )
            .map_err(|e| e.to_string())
        })
    }
}

/// Runs `f` with a fresh netlink socket on a thread inside `netns`.
fn in_ns<R: Send>(
    netns: BorrowedFd<'_>,
    name: &str,
    f: impl FnOnce(&mut Netlink) -> Result<R, String> + Send,
) -> io::Result<R> {
    ns::run_in(netns, name, || {
        let mut nl = Netlink::open()?;
        f(&mut nl).map_err(|e| io::Error::other(format!("in `{name}`: {e}")))
    })?
}

fn link(nl: &mut Netlink, name: &str) -> Result<LinkStatus, String> {
    let mut found = None;
    nl.get(get_link(name), "read link", name, |_, payload| {
        found = Some(parse_link(payload)?);
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    found.ok_or_else(|| format!("no link `{name}`"))
}

fn up(nl: &mut Netlink, index: u32, name: &str) -> Result<(), String> {
    nl.request(set_link(index, true, None), 0, "set link up", name)
        .map_err(|e| e.to_string())
}

/// A veth pair `name` here, `peer` in `hidden`, without IPv6 addresses.
fn create_pair(
    nl: &mut Netlink,
    name: &str,
    peer: &str,
    hidden: BorrowedFd<'_>,
) -> Result<(), String> {
    let side = |name| VethSide {
        index: 0,
        name,
        mtu: Some(PATH_MTU),
    };
    nl.request(
        new_veth(side(name), None, side(peer), Some(hidden)),
        NLM_F_CREATE | NLM_F_EXCL,
        "create veth",
        format!("{name} <-> hidden:{peer}"),
    )
    .map_err(|e| e.to_string())?;
    let made = link(nl, name)?;
    nl.request(no_ipv6_autoconf(made.index), 0, "configure link", name)
        .map_err(|e| e.to_string())
}
