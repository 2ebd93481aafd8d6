//! A sandbox for a program rather than a test: the `netns-test` command's
//! `describe`, `run` and `shell` (see [`crate::session`]).
//!
//! The process model is the tests' own (`spawn::clone_sandbox`): PID 1 is
//! the tiny init, PID 2 builds the network and does the work. What differs:
//! the caller is an ordinary program with a single thread, so PID 2 is a
//! plain fork that calls the work directly (as the fork server's children
//! do), and it keeps the caller's standard input, output and error, so a
//! command or a shell inside talks to the caller's terminal.
#![allow(unsafe_code)]

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};

use netns_test_topology::Topology;

use super::config::UserNs;
use super::outcome::{self, Message};
use super::{child, ns, parent, publish, signals, spawn, transient};
use crate::net::{BuildError, Net};

/// The work PID 2 does once the network is up; its result is the exit code.
pub(crate) type Work<'a> = Box<dyn FnOnce(&Net) -> i32 + 'a>;

/// Why a session did not run its work.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The sandbox could not be started, or the network not built: the
    /// message says which step and what to do.
    Failed(String),
    /// The kernel lacks what the topology needs (nf_tables NAT).
    Unsupported(String),
}

/// What PID 2 reads from the caller's memory (its copy of it).
struct ChildData<'a> {
    topology: &'a Topology,
    label: &'a str,
    enterable: bool,
    work: std::cell::Cell<Option<Work<'a>>>,
    outcome: RawFd,
    ack: RawFd,
    /// The caller's own ends (outcome, ack, status), which PID 2 got with
    /// the fork and closes: a copy here would keep PID 2 waiting on the
    /// ack pipe should the caller die. (The init closed the go pipe's.)
    callers: [RawFd; 3],
    parent_netns: (u64, u64),
}

/// Builds `topology` in a fresh sandbox and runs `work` there once
/// `on_ready` (called here, in the caller, with the sandbox's pid and its
/// namespaces' names) has returned. Returns `work`'s exit code, or 128 plus
/// the signal that ended it, once every process of the sandbox is gone.
pub(crate) fn run(
    topology: &Topology,
    label: &str,
    enterable: bool,
    on_ready: &mut dyn FnMut(u32, &[String]),
    work: Work<'_>,
) -> Result<i32, Failure> {
    let threads = std::fs::read_dir("/proc/self/task").map_or(1, |d| d.count());
    if threads != 1 {
        return Err(Failure::Failed(format!(
            "netns-test: a session must start while its process has one thread (this one has \
             {threads}): it forks, and a fork of a threaded process may only exec"
        )));
    }
    let userns = UserNs::from_env().map_err(Failure::Failed)?.wanted();
    let fail = |step: &str, e: io::Error| Failure::Failed(format!("netns-test: {step}: {e}"));
    let (outcome_r, outcome_w) =
        spawn::outcome_channel().map_err(|e| fail("make the outcome channel", e))?;
    let (status_r, status_w) = spawn::pipe().map_err(|e| fail("make a pipe", e))?;
    let (go_r, go_w) = spawn::pipe().map_err(|e| fail("make a pipe", e))?;
    let (ack_r, ack_w) = spawn::pipe().map_err(|e| fail("make a pipe", e))?;
    let stdout = io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| fail("duplicate standard output", e))?;
    let stderr = io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| fail("duplicate standard error", e))?;
    let parent_netns = ns::current_id().map_err(|e| fail("stat our network namespace", e))?;

    let data = ChildData {
        topology,
        label,
        enterable,
        work: std::cell::Cell::new(Some(work)),
        outcome: outcome_w.as_raw_fd(),
        ack: ack_r.as_raw_fd(),
        callers: [
            outcome_r.as_raw_fd(),
            ack_w.as_raw_fd(),
            status_r.as_raw_fd(),
        ],
        parent_netns,
    };
    // SAFETY: this process has one thread (checked above), so PID 2, a fork
    // of it, may run any code; `data` lives on this stack frame until
    // `clone_sandbox` has returned, and `session_child` never returns.
    let cmd = unsafe { spawn::Command::call(session_child, &data as *const ChildData<'_> as _) };
    let fds = spawn::ChildFds {
        stdout,
        stderr,
        outcome: outcome_w,
        status: status_w,
        go: go_r,
        go_parent: go_w.as_raw_fd(),
    };
    let namespaces = spawn::Namespaces {
        user: userns,
        parent: false,
        netns_retry: transient::retry_for(),
    };
    let pid = transient::retry(
        || spawn::clone_sandbox(&cmd, &fds, namespaces),
        transient::is_transient_io,
    )
    .map_err(|e| Failure::Failed(parent::clone_error(e, userns).to_string()))?;
    drop(fds);
    drop(ack_r);
    let pidfd = spawn::pidfd_open(pid).ok();
    let end = |why: Failure| {
        let _ = kill(pid, Signal::SIGKILL);
        let _ = waitpid(pid, None);
        Err(why)
    };
    if userns {
        if let Err(e) = parent::write_id_maps(pid) {
            return end(Failure::Failed(e.to_string()));
        }
    }
    // Our end stays open while the sandbox lives (its init takes an end
    // of file for our death).
    let go = File::from(go_w);
    if let Err(e) = (&go).write_all(&[1]) {
        return end(fail("release the sandbox", e));
    }
    // From here on an interrupt at the terminal is for what runs inside
    // (the sandbox's processes got the default dispositions at the clone):
    // this process waits for them to end and passes their status on.
    let _interrupts = signals::IgnoreInterrupts::new();
    let mut ack = Some(File::from(ack_w));
    let mut frames = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut reading = true;
    let init = loop {
        let mut pfds = Vec::new();
        if reading {
            pfds.push(PollFd::new(outcome_r.as_fd(), PollFlags::POLLIN));
        }
        if let Some(pidfd) = &pidfd {
            pfds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
        }
        let wait = if pidfd.is_some() {
            PollTimeout::NONE
        } else {
            20u16.into()
        };
        match poll(&mut pfds, wait) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return end(fail("watch the sandbox", e.into())),
        }
        if reading && pfds[0].revents().is_some_and(|r| !r.is_empty()) {
            match spawn::recv_with_fds(outcome_r.as_fd(), &mut buf) {
                Ok((0, _)) => reading = false,
                Ok((n, _)) => frames.extend_from_slice(&buf[..n]),
                Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {}
                Err(_) => reading = false,
            }
            if ack.is_some() && outcome::decode(&frames).contains(&Message::Started) {
                on_ready(pid.as_raw() as u32, &names(topology));
                // A failed write means PID 2 is gone; its end is seen below.
                let _ = ack.take().map(|f| (&f).write_all(&[1]));
            }
        }
        match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => {}
            Ok(status) => break status,
            Err(e) => return Err(fail("wait for the sandbox", e.into())),
        }
    };
    let mut status = Vec::new();
    let _ = File::from(status_r).read_to_end(&mut status);
    let status = <[u8; 4]>::try_from(status.as_slice())
        .ok()
        .map(i32::from_ne_bytes);
    for message in outcome::decode(&frames) {
        match message {
            Message::SetupFailed(e) => return Err(Failure::Failed(e)),
            Message::Unsupported(e) => return Err(Failure::Unsupported(e)),
            _ => {}
        }
    }
    match status {
        Some(s) if s >= 0 && libc::WIFSIGNALED(s) => Ok(128 + libc::WTERMSIG(s)),
        Some(s) if s >= 0 => Ok(libc::WEXITSTATUS(s)),
        Some(s) => {
            let errno = Errno::from_raw(-s);
            Err(Failure::Failed(format!(
                "netns-test: cannot start the sandbox: unshare(CLONE_NEWNET) failed with \
                 {errno:?} ({})",
                errno.desc()
            )))
        }
        None => Err(Failure::Failed(format!(
            "netns-test: the sandbox ended before it could say how its work ended ({init:?})"
        ))),
    }
}

/// The names of `topology`'s namespaces, host first.
fn names(topology: &Topology) -> Vec<String> {
    topology
        .plan()
        .namespaces
        .iter()
        .map(|ns| ns.name.clone())
        .collect()
}

/// PID 2 of a session.
///
/// # Safety
/// `data` must point to the `ChildData` of [`run`], in a fork of its
/// single-threaded caller.
unsafe fn session_child(data: *const ()) -> ! {
    // SAFETY: the caller's contract; the fork has its own copy of the frame.
    let data = unsafe { &*(data as *const ChildData<'_>) };
    // A panic must not unwind into the frames this fork copied from its
    // caller: it ends the sandbox's work with 101, as a test's would.
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session_main(data)))
        .unwrap_or(101);
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    std::process::exit(code)
}

/// Builds the network, tells the caller, waits for its go and runs the work.
fn session_main(data: &ChildData<'_>) -> i32 {
    for fd in data.callers {
        // SAFETY: the caller's ends, copied into this fork and open here;
        // nothing in this process uses them (the caller's `OwnedFd`s are
        // never dropped in this fork: it ends with `exit`).
        unsafe { libc::close(fd) };
    }
    // SAFETY: the descriptors were made by the caller for this child and are
    // open in this fork; nothing else here owns them.
    let (outcome, ack) = unsafe {
        (
            File::from(OwnedFd::from_raw_fd(data.outcome)),
            File::from(OwnedFd::from_raw_fd(data.ack)),
        )
    };
    let mut outcome = outcome;
    let report = |outcome: &mut File, m: Message| {
        let _ = m.send(outcome);
        125
    };
    match ns::current_id() {
        Ok(id) if id != data.parent_netns => {}
        _ => {
            return report(
                &mut outcome,
                Message::SetupFailed(
                    "netns-test: refusing to touch the network: the session is still in its \
                     caller's network namespace (this is a bug in netns-test)"
                        .into(),
                ),
            )
        }
    }
    let mut times = crate::net::BuildTimes::default();
    let net = match child::build(child::Source::Parsed(data.topology), &mut times, false) {
        Ok(net) => net,
        Err(BuildError::Failed(e)) => {
            return report(
                &mut outcome,
                Message::SetupFailed(format!("netns-test: could not build the network: {e}")),
            )
        }
        Err(BuildError::Unsupported(e)) => return report(&mut outcome, Message::Unsupported(e)),
    };
    if data.enterable {
        if let Err(e) = publish::publish(&net, data.label) {
            return report(
                &mut outcome,
                Message::SetupFailed(format!(
                    "netns-test: cannot make the network enterable: {e}"
                )),
            );
        }
    }
    if Message::Started.send(&mut outcome).is_err() {
        return 125;
    }
    let mut byte = [0u8];
    if (&ack).read_exact(&mut byte).is_err() {
        return 125;
    }
    drop(outcome);
    match data.work.take() {
        Some(work) => work(&net),
        None => 125,
    }
}
