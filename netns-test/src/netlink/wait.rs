//! Waiting until links are operationally up (or down) and IPv6 addresses
//! can receive, in many namespaces at once.
//!
//! Both happen asynchronously in the kernel, and traffic sent too early is
//! silently lost:
//!
//! - Carrier and operstate changes go through the "linkwatch" work; until it
//!   has run, a device drops what it is given to send. That work handles at
//!   most 200 devices per run and, past that, waits for its once-a-second
//!   slot. But reading one link with `RTM_GETLINK` applies its pending change
//!   on the spot (`linkwatch_sync_dev`).
//! - An IPv6 address, even with `IFA_F_NODAD`, only joins its
//!   solicited-node multicast group and gets its local route (without which
//!   neighbour solicitations and packets to it are dropped) when the
//!   addrconf work runs. The local route's `RTM_NEWROUTE` says it is done.
//!
//! So: join the notification groups in every namespace, make the changes,
//! read every link waited for (ports before their bridge) and the IPv6
//! routes, then consume notifications for what is not there yet, polling
//! all namespaces' sockets together, until everything is ready or the
//! deadline passes. A notification socket that overran is answered by
//! reading its namespace's state again. No sleeps.

use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};

use netlink_packet_route::link::State;
use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::error::{SetupError, SetupErrorKind};
use super::link::{get_link_by_index, parse_link, LinkStatus};
use super::route::{dump_ipv6_routes, parse_route};
use super::socket::{Netlink, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK};

/// `RTM_NEWLINK`
const RTM_NEWLINK: u16 = 16;
/// `RTM_DELLINK`
const RTM_DELLINK: u16 = 17;
/// `RTM_NEWROUTE`
const RTM_NEWROUTE: u16 = 24;
/// `IFF_LOOPBACK`
const IFF_LOOPBACK: u32 = 0x8;

/// The state to wait for links to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Operstate `UP` (`lo`, which only ever reports `UNKNOWN`, counts once
    /// it is administratively up).
    Up,
    /// Administratively down and operstate not `UP`.
    Down,
}

/// Something to wait for in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Index of its namespace in the `Netlink` slice.
    pub(crate) ns: usize,
    /// What to wait for.
    pub(crate) what: What,
    /// How errors name it, e.g. `ns1:eth0`.
    pub(crate) label: String,
}

/// What a [`Target`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// Link with this index to reach the [`Want`]ed state.
    Link(u32),
    /// This IPv6 address to be able to receive (its local route in place).
    Ipv6Address(Ipv6Addr),
}

/// What was last seen of a link still waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Nothing,
    State { up: bool, operstate: State },
    Deleted,
}

#[derive(Debug)]
struct WaitingLink {
    index: u32,
    label: String,
    seen: Seen,
}

#[derive(Debug)]
struct WaitingAddress {
    addr: Ipv6Addr,
    label: String,
}

/// What is still awaited in one namespace.
#[derive(Debug, Default)]
struct Pending {
    links: Vec<WaitingLink>,
    addrs: Vec<WaitingAddress>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.links.is_empty() && self.addrs.is_empty()
    }
}

/// Things being waited for; made by [`Readiness::subscribe`] before the
/// changes, consumed by [`Readiness::wait`] (or [`Readiness::cancel`]) after.
#[derive(Debug)]
#[must_use = "a subscription must be waited on or cancelled"]
pub(crate) struct Readiness {
    want: Want,
    /// Per namespace, what is not ready yet.
    pending: Vec<Pending>,
}

impl Readiness {
    /// Joins the notification groups the targets need, in every namespace
    /// that has one. Links are read in the order given: list a bridge after
    /// its ports.
    pub(crate) fn subscribe(
        nl: &mut [Netlink],
        targets: impl IntoIterator<Item = Target>,
        want: Want,
    ) -> Result<Readiness, SetupError> {
        let mut pending: Vec<Pending> = (0..nl.len()).map(|_| Pending::default()).collect();
        for target in targets {
            let Some(ns) = pending.get_mut(target.ns) else {
                return Err(
                    SetupError::new(SetupErrorKind::InvalidInput, "wait", target.label)
                        .with_detail(format!("namespace {} has no netlink socket", target.ns)),
                );
            };
            match target.what {
                What::Link(index) => ns.links.push(WaitingLink {
                    index,
                    label: target.label,
                    seen: Seen::Nothing,
                }),
                What::Ipv6Address(addr) => ns.addrs.push(WaitingAddress {
                    addr,
                    label: target.label,
                }),
            }
        }
        let readiness = Readiness { want, pending };
        for (ns, pending) in readiness.pending.iter().enumerate() {
            let mut groups = Vec::new();
            if !pending.links.is_empty() {
                groups.push(RTNLGRP_LINK);
            }
            if !pending.addrs.is_empty() {
                groups.push(RTNLGRP_IPV6_ROUTE);
            }
            for group in groups {
                if let Err(err) = nl[ns].subscribe(group) {
                    readiness.cancel(nl);
                    return Err(err);
                }
            }
        }
        Ok(readiness)
    }

    /// Leaves the notification groups without waiting.
    pub(crate) fn cancel(self, nl: &mut [Netlink]) {
        for socket in nl.iter_mut() {
            socket.unsubscribe_all();
        }
    }

    /// Waits until every target is ready or `timeout` has passed.
    pub(crate) fn wait(mut self, nl: &mut [Netlink], timeout: Duration) -> Result<(), SetupError> {
        let result = self.run(nl, Instant::now() + timeout, timeout);
        self.cancel(nl);
        result
    }

    fn run(
        &mut self,
        nl: &mut [Netlink],
        deadline: Instant,
        timeout: Duration,
    ) -> Result<(), SetupError> {
        for ns in 0..self.pending.len() {
            if !self.pending[ns].is_empty() {
                self.read_state(nl, ns)?;
            }
        }
        loop {
            let active: Vec<usize> = (0..self.pending.len())
                .filter(|&ns| !self.pending[ns].is_empty())
                .collect();
            if active.is_empty() {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(self.timeout_error(timeout));
            }
            // Round up, so that we never spin with a zero timeout.
            let left_ms = (deadline - now).as_micros().div_ceil(1000).min(60_000);
            let poll_timeout = PollTimeout::try_from(left_ms as i32).unwrap_or(PollTimeout::NONE);
            let ready: Vec<usize> = {
                let mut fds: Vec<PollFd<'_>> = active
                    .iter()
                    .map(|&ns| PollFd::new(nl[ns].monitor_fd(), PollFlags::POLLIN))
                    .collect();
                match poll(&mut fds, poll_timeout) {
                    Ok(_) => {}
                    Err(Errno::EINTR) => continue,
                    Err(errno) => {
                        return Err(SetupError {
                            errno: Some(errno),
                            ..SetupError::new(SetupErrorKind::Socket, "poll notifications", "")
                        })
                    }
                }
                fds.iter()
                    .zip(&active)
                    .filter(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
                    .map(|(_, &ns)| ns)
                    .collect()
            };
            for ns in ready {
                let pending = &mut self.pending[ns];
                let want = self.want;
                let mut garbled = false;
                let overrun = nl[ns].read_notifications(|msg| {
                    let parsed = match msg.kind {
                        RTM_NEWLINK => {
                            parse_link(msg.payload).map(|link| note(pending, want, &link))
                        }
                        RTM_DELLINK => parse_link(msg.payload)
                            .map(|link| note_deleted(pending, want, link.index)),
                        RTM_NEWROUTE => parse_route(msg.payload).map(|route| {
                            pending
                                .addrs
                                .retain(|a| !route.is_local_route_of(IpAddr::V6(a.addr)))
                        }),
                        _ => Ok(()),
                    };
                    garbled |= parsed.is_err();
                })?;
                if overrun || garbled {
                    self.read_state(nl, ns)?;
                }
            }
        }
    }

    /// Reads the state of what is still awaited in namespace `ns`: each
    /// link with one `RTM_GETLINK` (which first applies its pending carrier
    /// change, so a bridge read after its ports sees them forwarding), and
    /// the IPv6 routes.
    fn read_state(&mut self, nl: &mut [Netlink], ns: usize) -> Result<(), SetupError> {
        let want = self.want;
        let pending = &mut self.pending[ns];
        if !pending.links.is_empty() {
            let indices: Vec<u32> = pending.links.iter().map(|w| w.index).collect();
            let mut links = Vec::new();
            let mut gone = Vec::new();
            let requests = indices.iter().map(|&index| get_link_by_index(index));
            nl[ns].get_many(requests, "read link state", "", |pos, answer| {
                match answer {
                    Ok(payload) => links.push(parse_link(payload)?),
                    Err(Errno::ENODEV) => gone.extend(indices.get(pos)),
                    Err(errno) => return Err(format!("link {:?}: {errno}", indices.get(pos))),
                }
                Ok(())
            })?;
            for link in &links {
                note(pending, want, link);
            }
            for index in gone {
                note_deleted(pending, want, index);
            }
        }
        if !pending.addrs.is_empty() {
            nl[ns].dump(
                dump_ipv6_routes(),
                "read IPv6 routes",
                "",
                |kind, payload| {
                    if kind == RTM_NEWROUTE {
                        let route = parse_route(payload)?;
                        pending
                            .addrs
                            .retain(|a| !route.is_local_route_of(IpAddr::V6(a.addr)));
                    }
                    Ok(())
                },
            )?;
        }
        Ok(())
    }

    fn timeout_error(&self, timeout: Duration) -> SetupError {
        let mut stuck: Vec<(&str, String)> = Vec::new();
        for pending in &self.pending {
            for w in &pending.links {
                let state = match w.seen {
                    Seen::Nothing => "no state seen".to_string(),
                    Seen::Deleted => "deleted".to_string(),
                    Seen::State { up, operstate } => {
                        format!(
                            "admin {}, operstate {operstate}",
                            if up { "up" } else { "down" }
                        )
                    }
                };
                stuck.push((&w.label, state));
            }
            for a in &pending.addrs {
                stuck.push((&a.label, "no local route yet".to_string()));
            }
        }
        let names: Vec<&str> = stuck.iter().map(|(label, _)| *label).collect();
        let object = if names.len() > 8 {
            format!("{} and {} more", names[..8].join(", "), names.len() - 8)
        } else {
            names.join(", ")
        };
        let states: Vec<String> = stuck
            .iter()
            .take(8)
            .map(|(label, state)| format!("{label}: {state}"))
            .collect();
        let addresses = self.pending.iter().any(|p| !p.addrs.is_empty());
        let step = match self.want {
            Want::Up if addresses => "wait for links up and addresses ready",
            Want::Up => "wait for link up",
            Want::Down => "wait for link down",
        };
        SetupError::new(SetupErrorKind::Timeout, step, object).with_detail(format!(
            "after {:?}: {}",
            timeout,
            states.join("; ")
        ))
    }
}

/// Whether `link` is in the wanted state.
fn reached(want: Want, link: &LinkStatus) -> bool {
    match want {
        Want::Up => {
            link.operstate == State::Up
                || (link.up && link.operstate == State::Unknown && link.flags & IFF_LOOPBACK != 0)
        }
        Want::Down => !link.up && link.operstate != State::Up,
    }
}

fn note(pending: &mut Pending, want: Want, link: &LinkStatus) {
    if let Some(pos) = pending.links.iter().position(|w| w.index == link.index) {
        if reached(want, link) {
            pending.links.swap_remove(pos);
        } else {
            pending.links[pos].seen = Seen::State {
                up: link.up,
                operstate: link.operstate,
            };
        }
    }
}

fn note_deleted(pending: &mut Pending, want: Want, index: u32) {
    if let Some(pos) = pending.links.iter().position(|w| w.index == index) {
        if want == Want::Down {
            pending.links.swap_remove(pos);
        } else {
            pending.links[pos].seen = Seen::Deleted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(index: u32, up: bool, operstate: State, flags: u32) -> LinkStatus {
        LinkStatus {
            index,
            flags,
            up,
            name: format!("if{index}"),
            mtu: 1500,
            operstate,
            master: None,
            peer: None,
            peer_netnsid: None,
            kind: None,
            mac: None,
        }
    }

    #[test]
    fn up_means_operstate_up_except_for_loopback() {
        assert!(reached(Want::Up, &link(2, true, State::Up, 1)));
        // A veth that linkwatch has not processed yet reports UNKNOWN: not up.
        assert!(!reached(Want::Up, &link(2, true, State::Unknown, 1)));
        assert!(!reached(Want::Up, &link(2, true, State::LowerLayerDown, 1)));
        assert!(reached(
            Want::Up,
            &link(1, true, State::Unknown, 1 | IFF_LOOPBACK)
        ));
        assert!(!reached(
            Want::Up,
            &link(1, false, State::Unknown, IFF_LOOPBACK)
        ));
    }

    #[test]
    fn down_means_admin_down_and_operstate_not_up() {
        assert!(reached(Want::Down, &link(2, false, State::Down, 0)));
        assert!(!reached(Want::Down, &link(2, true, State::Down, 1)));
    }

    #[test]
    fn noting_removes_links_that_arrived_and_remembers_the_others() {
        let mut pending = Pending::default();
        for (index, label) in [(1000, "a:eth0"), (1001, "a:eth1")] {
            pending.links.push(WaitingLink {
                index,
                label: label.into(),
                seen: Seen::Nothing,
            });
        }
        pending.addrs.push(WaitingAddress {
            addr: "fd00::1".parse().expect("ip"),
            label: "a:eth0 fd00::1/64".into(),
        });
        note(&mut pending, Want::Up, &link(1000, true, State::Up, 1));
        note(
            &mut pending,
            Want::Up,
            &link(1001, true, State::LowerLayerDown, 1),
        );
        note(&mut pending, Want::Up, &link(7, true, State::Up, 1));
        assert_eq!(pending.links.len(), 1);
        assert_eq!(
            pending.links[0].seen,
            Seen::State {
                up: true,
                operstate: State::LowerLayerDown
            }
        );
        let readiness = Readiness {
            want: Want::Up,
            pending: vec![pending],
        };
        assert_eq!(
            readiness
                .timeout_error(Duration::from_secs(5))
                .to_string()
                .lines()
                .next(),
            Some(
                "wait for links up and addresses ready a:eth1, a:eth0 fd00::1/64: \
                 timed out: after 5s: \
                 a:eth1: admin up, operstate LOWERLAYERDOWN; \
                 a:eth0 fd00::1/64: no local route yet"
            )
        );
    }
}
