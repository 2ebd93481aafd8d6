//! The parent side: start the child for one test, forward its output, wait
//! for it, and turn what it reported into the test's verdict.
//!
//! The verdict is the body's own. Only a panic of the body itself reaches
//! libtest as a panic, with the body's message alone, so that
//! `#[should_panic(expected = ...)]` can only match what the body said. Every
//! other failure (setup, timeout, signal, exit, a report from a process the
//! body forked, the framework's own errors) fails the test whatever
//! `#[should_panic]` says: it panics when the test expects no panic, and
//! otherwise prints its report and returns, which libtest fails as "did not
//! panic as expected".

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{getegid, geteuid, Pid};

use super::config::{self, UserNs};
use super::outcome::{self, Message};
use super::{ns, pause, probe, server, spawn, transient};
use crate::__private::{ShouldPanic, TestDef};

/// How long after its own timeout the child gets to report before the parent
/// kills the sandbox.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// Without a pidfd (kernels before 5.3), how often the parent checks whether
/// the sandbox's init has exited.
const EXIT_CHECK: Duration = Duration::from_millis(20);

/// Runs the test `name` in a sandboxed child and hands libtest its verdict.
#[track_caller]
pub(crate) fn run(def: &'static TestDef, name: &str, body: Option<Body>) {
    let (verdict, state) = match probe::gate(name) {
        Ok(probe::Gate::Run) => match run_child(def, name, body) {
            Ok((verdict, state)) => (verdict, state),
            Err(reason) => (Verdict::Failed(reason), None),
        },
        Ok(probe::Gate::Skip) => return skip(def),
        Err(diagnosis) => (Verdict::Failed(diagnosis), None),
    };
    let verdict = match verdict {
        Verdict::Unsupported(why) => match probe::skip_requested() {
            Ok(true) => {
                probe::warn_skipped_for(name, &why);
                return skip(def);
            }
            Ok(false) => Verdict::Failed(format!(
                "netns-test: `{name}` cannot run on this kernel: {why}\n  (set \
                 {}=skip to skip such tests with a warning)",
                probe::UNSUPPORTED
            )),
            Err(bad) => Verdict::Failed(bad),
        },
        other => other,
    };
    let mut state = state
        .map(|s| format!("\nnetwork state at the moment of failure:\n{s}"))
        .unwrap_or_default();
    if !matches!(verdict, Verdict::Passed | Verdict::Unsupported(_))
        && pause::setting() == Ok(pause::Setting::NoTerminal)
    {
        state.push_str(pause::NO_TERMINAL);
        state.push('\n');
    }
    match verdict {
        Verdict::Passed | Verdict::Unsupported(_) => {}
        Verdict::BodyPanicked(message) => {
            // The body's panic was printed by the child, at the user's line;
            // the state follows it. Unwinding with the body's message alone
            // (no panic hook runs) prints nothing more.
            if !state.is_empty() {
                eprint!("{state}");
            }
            std::panic::resume_unwind(Box::new(message));
        }
        Verdict::Failed(reason) => match def.should_panic {
            ShouldPanic::No => panic!("{reason}\n{state}"),
            ShouldPanic::Yes | ShouldPanic::YesWithMessage(_) => {
                // Not the body's panic: it must not satisfy `should_panic`.
                eprintln!(
                    "{reason}\n{state}\nnetns-test: the test failed before, after or \
                     instead of its body's own panic, so #[should_panic] cannot pass it"
                );
            }
        },
    }
}

/// `NETNS_TEST_UNSUPPORTED=skip` passes a test that cannot run (the warning
/// is written). A `#[should_panic]` test passes the same way: with a panic
/// that carries the expected text, raised without the panic hook.
fn skip(def: &TestDef) {
    let expected = match def.should_panic {
        ShouldPanic::No => return,
        ShouldPanic::Yes => "",
        ShouldPanic::YesWithMessage(text) => text,
    };
    std::panic::resume_unwind(Box::new(format!(
        "netns-test: skipped; this stands for the expected panic `{expected}`"
    )));
}

/// Closes descriptors the sandbox handed over (packet sockets), each on a
/// thread of its own so their RCU grace periods overlap, and none on the
/// test's path.
fn close_later(fds: Vec<OwnedFd>) {
    for fd in fds {
        // Without a thread to spare, the closure and its descriptor are
        // dropped right here instead.
        let _ = std::thread::Builder::new()
            .name("netns-test-close".into())
            .spawn(move || drop(fd));
    }
}

/// Where this process's tests write their captures, found once.
fn capture_directory() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(crate::capture::directory).clone()
}

/// A test body, as the runtime calls it.
type Body = fn(&crate::Net) -> Result<(), String>;

fn run_child(
    def: &'static TestDef,
    name: &str,
    body: Option<Body>,
) -> Result<(Verdict, Option<String>), String> {
    let timeout = config::timeout(def.timeout_ms)?;
    let userns = UserNs::from_env()?.wanted();
    let pause = pause::setting()? == pause::Setting::OnFailure;
    let started = Instant::now();
    let child = start(def, name, body, userns, pause).map_err(|e| e.to_string())?;
    let collected = collect(child, timeout + KILL_GRACE, name);
    Ok(verdict(name, timeout, started.elapsed(), collected))
}

/// A running sandbox, seen from the parent.
struct Child {
    pid: Pid,
    /// Readable once PID 1 has exited (and with it every process of the
    /// sandbox); `None` on kernels without `pidfd_open`.
    pidfd: Option<OwnedFd>,
    stdout: OwnedFd,
    stderr: OwnedFd,
    outcome: OwnedFd,
    status: OwnedFd,
    /// The write end of the go pipe, open while the sandbox lives: its
    /// init takes an end of file there for the parent's death.
    _go: std::fs::File,
}

/// Why starting the sandbox failed: the step, the errno and what to do.
#[derive(Debug)]
pub(crate) struct StartError {
    step: &'static str,
    errno: Option<Errno>,
    detail: String,
    help: String,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "netns-test: cannot start the sandbox: {} failed",
            self.step
        )?;
        if let Some(errno) = self.errno {
            write!(f, " with {errno:?} ({})", errno.desc())?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

fn start_error(step: &'static str, e: io::Error) -> StartError {
    StartError {
        step,
        errno: e.raw_os_error().map(Errno::from_raw),
        detail: String::new(),
        help: String::new(),
    }
}

fn start(
    def: &'static TestDef,
    name: &str,
    body: Option<Body>,
    userns: bool,
    pause: bool,
) -> Result<Child, StartError> {
    let (stdout_r, stdout_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
    let (stderr_r, stderr_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
    let (outcome_r, outcome_w) =
        spawn::outcome_channel().map_err(|e| start_error("socketpair", e))?;
    let (status_r, status_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
    let (go_r, go_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;

    let (dev, ino) =
        ns::current_id().map_err(|e| start_error("stat /proc/thread-self/ns/net", e))?;
    let exe = std::env::current_exe().map_err(|e| start_error("find the test binary", e))?;
    let args: Vec<OsString> = vec![
        exe.into(),
        name.into(),
        "--exact".into(),
        "--test-threads=1".into(),
        "--nocapture".into(),
        "--include-ignored".into(),
        "--format=terse".into(),
        "--color=never".into(),
    ];
    // Our own variables go last; drop inherited copies, since getenv takes
    // the first match.
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| !config::INTERNAL.iter().any(|v| k == v))
        .collect();
    env.push((config::CHILD_TEST.into(), name.into()));
    env.push((
        config::OUTCOME_FD.into(),
        outcome_w.as_raw_fd().to_string().into(),
    ));
    env.push((config::PARENT_NETNS.into(), format!("{dev}:{ino}").into()));
    let capturing = crate::capture::Settings::from_env()
        .map_or(true, |s| s.mode != crate::capture::Mode::Never);
    if capturing {
        env.push((config::CAPTURE_TO.into(), capture_directory().into()));
    }
    if pause {
        env.push((config::PAUSE_CHILD.into(), "1".into()));
    }

    let fds = spawn::ChildFds {
        stdout: stdout_w,
        stderr: stderr_w,
        outcome: outcome_w,
        status: status_w,
        go: go_r,
        go_parent: go_w.as_raw_fd(),
    };
    // The fork server calls a test's body by its address; a body that is a
    // closure (a network built at run time) has none, and the test binary
    // is executed for it.
    let served = body.and_then(|body| by_server(def, name, body, userns, &env, &fds));
    let pid = match served {
        Some(started) => started?,
        None => {
            let cmd = spawn::Command::new("/proc/self/exe".into(), args, env)
                .map_err(|e| start_error("prepare the child's command line", e))?;
            let namespaces = spawn::Namespaces {
                user: userns,
                parent: false,
                netns_retry: transient::retry_for(),
            };
            // Other tests may hold the namespace limit for a moment.
            transient::retry(
                || spawn::clone_sandbox(&cmd, &fds, namespaces),
                transient::is_transient_io,
            )
            .map_err(|e| clone_error(e, userns))?
        }
    };
    drop(fds);
    let go = std::fs::File::from(go_w);
    let child = Child {
        pid,
        pidfd: spawn::pidfd_open(pid).ok(),
        stdout: stdout_r,
        stderr: stderr_r,
        outcome: outcome_r,
        status: status_r,
        _go: go,
    };

    if userns {
        if let Err(e) = write_id_maps(pid) {
            let _ = kill(pid, Signal::SIGKILL);
            let _ = waitpid(pid, None);
            return Err(e);
        }
    }
    // One byte lets PID 1 go on; our end stays open while it lives.
    if let Err(e) = io::Write::write_all(&mut &child._go, &[1]) {
        let _ = kill(pid, Signal::SIGKILL);
        let _ = waitpid(pid, None);
        return Err(start_error("release the child", e));
    }
    Ok(child)
}

/// Starts the sandbox through the fork server; `None` where there is none
/// (the caller executes the test binary instead).
fn by_server(
    def: &'static TestDef,
    name: &str,
    body: Body,
    userns: bool,
    env: &[(OsString, OsString)],
    fds: &spawn::ChildFds,
) -> Option<Result<Pid, StartError>> {
    let mut env = env.to_vec();
    if let Ok(dir) = std::env::current_dir() {
        env.push((config::CHILD_DIR.into(), dir.into()));
    }
    let request = server::Request {
        def,
        body,
        name,
        user_namespace: userns,
        netns_retry_ms: transient::retry_for()
            .as_millis()
            .try_into()
            .unwrap_or(u64::MAX),
        env,
        fds: [
            fds.stdout.as_raw_fd(),
            fds.stderr.as_raw_fd(),
            fds.outcome.as_raw_fd(),
            fds.status.as_raw_fd(),
            fds.go.as_raw_fd(),
        ],
    };
    // Other tests may hold the namespace limit for a moment.
    let started = transient::retry(
        || server::request(&request),
        |refused| matches!(refused, server::Refused::Clone(e) if transient::is_transient_io(e)),
    );
    match started {
        Ok(pid) => Some(Ok(pid)),
        Err(server::Refused::NoServer) => None,
        Err(server::Refused::Clone(e)) => Some(Err(clone_error(e, userns))),
        Err(server::Refused::Died(why)) => Some(Err(StartError {
            step: "ask the fork server for a sandbox",
            errno: None,
            detail: why,
            help: format!(
                "the test process's fork server died; set {}=0 to run every test by \
                 executing the test binary",
                server::FORK_SERVER
            ),
        })),
    }
}

pub(super) fn clone_error(e: io::Error, userns: bool) -> StartError {
    let mut err = start_error(
        if userns {
            "clone(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS)"
        } else {
            "clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS)"
        },
        e,
    );
    err.help = match err.errno {
        Some(Errno::EPERM) if userns => "user namespaces are refused here: on Debian set \
             `sysctl -w kernel.unprivileged_userns_clone=1`; in a container run it with \
             `--security-opt seccomp=unconfined` (or `--privileged`)"
            .into(),
        Some(Errno::EPERM) => "network namespaces need CAP_SYS_ADMIN: run as an ordinary user \
             (netns-test then uses a user namespace) or unset NETNS_TEST_USERNS=never"
            .into(),
        Some(Errno::ENOSPC | Errno::EAGAIN) => format!(
            "a namespace limit stayed reached for {:?} of retries: raise \
             `user.max_user_namespaces` (`sysctl -w user.max_user_namespaces=15000`) or run \
             fewer tests at once",
            transient::retry_for()
        ),
        Some(Errno::EINVAL) => "this kernel lacks user, PID or UTS namespaces \
             (CONFIG_USER_NS, CONFIG_PID_NS, CONFIG_UTS_NS)"
            .into(),
        _ => String::new(),
    };
    err
}

/// Maps root in the child's user namespace to our own uid and gid.
pub(super) fn write_id_maps(pid: Pid) -> Result<(), StartError> {
    let proc = format!("/proc/{pid}");
    let write = |file: &str, text: String| {
        std::fs::write(format!("{proc}/{file}"), text).map_err(|e| {
            let mut err = start_error(
                match file {
                    "uid_map" => "write uid_map",
                    "gid_map" => "write gid_map",
                    _ => "write setgroups",
                },
                e,
            );
            if err.errno == Some(Errno::EPERM) {
                err.help = "the kernel refused the user namespace's id map: on Ubuntu 23.10+ \
                     AppArmor restricts unprivileged user namespaces; run \
                     `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` \
                     or grant the test binary `userns` in an AppArmor profile"
                    .into();
            }
            err
        })
    };
    write("setgroups", "deny".into())?;
    write("uid_map", format!("0 {} 1", geteuid()))?;
    write("gid_map", format!("0 {} 1", getegid()))
}

/// Everything the child produced.
struct Collected {
    messages: Vec<Message>,
    /// PID 2's wait status as PID 1 reported it.
    status: Option<i32>,
    /// Why PID 1 could not make the network namespace.
    netns_errno: Option<Errno>,
    /// PID 1's own exit.
    init: Option<WaitStatus>,
    /// The parent killed the sandbox after `deadline`.
    killed: bool,
}

/// Forwards output and gathers the outcome until PID 1 has exited.
///
/// The end is PID 1's exit, seen on its pidfd (or by `waitpid`), never the
/// pipes' end of file: a process that forked in this test process while
/// the pipes were being set up (an ordinary test that daemonizes) may hold
/// their write ends for as long as it lives. When PID 1 has exited, every
/// process of the sandbox is gone, so what is still in the pipes is all
/// there is.
fn collect(child: Child, deadline: Duration, name: &str) -> Collected {
    let start = Instant::now();
    let mut stdout = Forward::new(false);
    let mut stderr = Forward::new(true);
    let mut outcome_bytes = Vec::new();
    let mut handed = Vec::new();
    let mut status_bytes = Vec::new();
    let mut killed = false;
    // The child paused (`NETNS_TEST_PAUSE=failure`) and the wait is over:
    // no deadline any more, and the kill that follows is no timeout.
    let mut held = false;
    let mut open = [true; 4];
    let mut init = None;
    let mut buf = vec![0u8; 64 * 1024];
    while init.is_none() {
        let pipes = [&child.stdout, &child.stderr, &child.outcome, &child.status];
        let watched: Vec<usize> = (0..pipes.len()).filter(|&i| open[i]).collect();
        let mut pfds: Vec<PollFd<'_>> = watched
            .iter()
            .map(|&i| PollFd::new(pipes[i].as_fd(), PollFlags::POLLIN))
            .collect();
        if let Some(pidfd) = &child.pidfd {
            pfds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
        }
        let mut wait = if killed || held {
            Duration::MAX
        } else {
            deadline.saturating_sub(start.elapsed())
        };
        if child.pidfd.is_none() {
            wait = wait.min(EXIT_CHECK);
        }
        match poll(
            &mut pfds,
            PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX),
        ) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => {
                // Cannot watch: end the sandbox rather than hang.
                let _ = kill(child.pid, Signal::SIGKILL);
                killed = true;
            }
        }
        if !killed && !held && start.elapsed() >= deadline {
            let _ = kill(child.pid, Signal::SIGKILL);
            killed = true;
        }
        for (&i, p) in watched.iter().zip(&pfds) {
            if p.revents().is_none_or(|r| r.is_empty()) {
                continue;
            }
            if i == 2 {
                match spawn::recv_with_fds(pipes[i].as_fd(), &mut buf) {
                    Ok((0, _)) => open[i] = false,
                    Ok((n, fds)) => {
                        outcome_bytes.extend_from_slice(&buf[..n]);
                        handed.extend(fds);
                        if !held {
                            held = hold_if_paused(name, child.pid, &outcome_bytes);
                        }
                    }
                    Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {}
                    Err(_) => open[i] = false,
                }
                continue;
            }
            match nix::unistd::read(pipes[i], &mut buf) {
                Ok(0) | Err(_) => open[i] = false,
                Ok(n) => match i {
                    0 => stdout.push(&buf[..n]),
                    1 => stderr.push(&buf[..n]),
                    2 => outcome_bytes.extend_from_slice(&buf[..n]),
                    _ => status_bytes.extend_from_slice(&buf[..n]),
                },
            }
        }
        init = match waitpid(child.pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::EINTR) => None,
            Ok(status) => Some(Some(status)),
            // Not our child any more (cannot happen): nothing left to wait for.
            Err(_) => Some(None),
        };
    }
    // Every process of the sandbox is gone now; take what is left in the pipes.
    drain(&child.stdout, |b| stdout.push(b));
    drain(&child.stderr, |b| stderr.push(b));
    while let Ok((n, fds)) = spawn::recv_with_fds(child.outcome.as_fd(), &mut buf) {
        if n == 0 {
            break;
        }
        outcome_bytes.extend_from_slice(&buf[..n]);
        handed.extend(fds);
    }
    close_later(handed);
    drain(&child.status, |b| status_bytes.extend_from_slice(b));
    stdout.finish();
    stderr.finish();
    let status = <[u8; 4]>::try_from(status_bytes.as_slice())
        .ok()
        .map(i32::from_ne_bytes);
    Collected {
        messages: outcome::decode(&outcome_bytes),
        // A negative value is the errno of the init's network namespace.
        netns_errno: status.filter(|&s| s < 0).map(|s| Errno::from_raw(-s)),
        status: status.filter(|&s| s >= 0),
        init: init.flatten(),
        killed,
    }
}

/// When the child has said it paused, holds the test until Enter on the
/// terminal, then ends the sandbox; returns whether it did.
fn hold_if_paused(name: &str, pid: Pid, outcome_bytes: &[u8]) -> bool {
    let messages = outcome::decode(outcome_bytes);
    let Some(nodes) = messages.iter().find_map(|m| match m {
        Message::Paused(nodes) => Some(nodes),
        _ => None,
    }) else {
        return false;
    };
    pause::hold(name, pid, &messages, nodes);
    let _ = kill(pid, Signal::SIGKILL);
    true
}

/// Reads what is buffered in a pipe without waiting for writers that may
/// still hold it open.
fn drain(fd: &OwnedFd, mut sink: impl FnMut(&[u8])) {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    if fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_err() {
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        sink(&buf[..n]);
    }
}

/// Forwards the child's output line by line with `print!`/`eprint!`, so that
/// libtest's capture sees it and nextest streams it. Linear in the output's
/// length: each byte is searched for a newline once, and a line longer than
/// [`Forward::LONG_LINE`] is forwarded in pieces.
struct Forward {
    stderr: bool,
    pending: Vec<u8>,
    /// How many bytes at the start of `pending` are known to hold no newline.
    scanned: usize,
    /// libtest's own header in the child, dropped once at the start.
    header: &'static [u8],
}

impl Forward {
    /// A line this long is forwarded without waiting for its end.
    const LONG_LINE: usize = 64 * 1024;

    fn new(stderr: bool) -> Forward {
        let header: &'static [u8] = if stderr { b"" } else { b"\nrunning 1 test\n" };
        Forward {
            stderr,
            pending: Vec::new(),
            scanned: 0,
            header,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if !self.header.is_empty() {
            let n = self.header.len().min(self.pending.len());
            if self.pending[..n] != self.header[..n] {
                self.header = b"";
            } else if n == self.header.len() {
                self.pending.drain(..n);
                self.header = b"";
            } else {
                return;
            }
            self.scanned = 0;
        }
        let newline = self.pending[self.scanned..]
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| self.scanned + i + 1);
        let cut = match newline {
            Some(end) => end,
            None if self.pending.len() >= Self::LONG_LINE => utf8_cut(&self.pending),
            None => {
                self.scanned = self.pending.len();
                return;
            }
        };
        self.emit(&self.pending[..cut]);
        self.pending.drain(..cut);
        self.scanned = self.pending.len();
    }

    fn finish(&mut self) {
        let rest = std::mem::take(&mut self.pending);
        self.emit(&rest);
    }

    fn emit(&self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        if self.stderr {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
}

/// The length of `bytes` without a UTF-8 sequence cut off at its end, so
/// that a long line forwarded in pieces keeps its characters whole.
fn utf8_cut(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(4) {
        let byte = bytes[n - back];
        if byte & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead
        }
        let len = match byte {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        return if len > back { n - back } else { n };
    }
    n
}

/// What the test came to.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// The body returned normally (or `Ok`) and its process exited 0.
    Passed,
    /// The body itself panicked with this message.
    BodyPanicked(String),
    /// Anything else, with the reason.
    Failed(String),
    /// The kernel lacks what the topology needs, with the cause and fix.
    Unsupported(String),
}

/// Turns what was collected into the test's verdict and, on failure, the
/// network's state.
fn verdict(
    name: &str,
    timeout: Duration,
    ran: Duration,
    c: Collected,
) -> (Verdict, Option<String>) {
    let state = c.messages.iter().rev().find_map(|m| match m {
        Message::NetworkState(s) => Some(s.clone()),
        _ => None,
    });
    // Why the network could not be kept for `netns-test enter`, after it.
    let state = match c.messages.iter().find_map(|m| match m {
        Message::PauseFailed(why) => Some(why),
        _ => None,
    }) {
        Some(why) => Some(format!(
            "{}netns-test: {}=failure: not pausing: {why}\n",
            state.unwrap_or_default(),
            pause::PAUSE
        )),
        None => state,
    };
    let started = c.messages.contains(&Message::Started);
    let foreign = c.messages.iter().find_map(|m| match m {
        Message::Foreign(pid) => Some(*pid),
        _ => None,
    });
    let result = c.messages.iter().rev().find(|m| {
        !matches!(
            m,
            Message::NetworkState(_)
                | Message::Started
                | Message::Foreign(_)
                | Message::HandOff
                | Message::Paused(_)
                | Message::PauseFailed(_)
        )
    });
    let reason = match result {
        _ if c.netns_errno.is_some() => {
            let errno = c.netns_errno.unwrap_or(Errno::UnknownErrno);
            format!(
                "netns-test: cannot start the sandbox for `{name}`: unshare(CLONE_NEWNET) failed \
                 with {errno:?} ({}){}",
                errno.desc(),
                if transient::is_transient(errno) {
                    " on every try: raise `user.max_net_namespaces` or run fewer tests at once"
                } else {
                    ""
                }
            )
        }
        _ if c.killed => format!(
            "test `{name}` timed out: it ran for {ran:.1?} (timeout {timeout:?}) and did not stop, \
             so the whole sandbox was killed"
        ),
        _ if foreign.is_some() => format!(
            "test `{name}` failed: a process other than the one that ran its body (pid {} in the \
             sandbox, forked by the body) returned from the body and tried to report its \
             outcome; only the process that started the body may report",
            foreign.unwrap_or_default()
        ),
        Some(Message::Passed) => match (c.status.map(exit_status), c.init.as_ref()) {
            (Some(Exit::Code(0)), _) => return (Verdict::Passed, None),
            (Some(other), _) => format!(
                "test `{name}` passed, but its process then {}",
                other.describe()
            ),
            (None, init) => format!(
                "test `{name}` passed, but then its sandbox {}",
                init_ended(init)
            ),
        },
        Some(Message::Panicked(msg)) => return (Verdict::BodyPanicked(msg.clone()), state),
        Some(Message::Unsupported(why)) => return (Verdict::Unsupported(why.clone()), None),
        Some(Message::Returned(err)) => err.clone(),
        Some(Message::SetupFailed(err)) => {
            format!("netns-test: could not build the network for `{name}`: {err}")
        }
        Some(Message::TimedOut(ms)) => format!(
            "test `{name}` timed out after {:.1?} (timeout {timeout:?}; set it with \
             `#[netns_test(timeout = \"...\")]` or {})",
            Duration::from_millis(*ms),
            config::TIMEOUT
        ),
        Some(
            Message::Started
            | Message::NetworkState(_)
            | Message::Foreign(_)
            | Message::HandOff
            | Message::Paused(_)
            | Message::PauseFailed(_),
        )
        | None => {
            let how = match c.status.map(exit_status) {
                Some(e) => format!("its process {}", e.describe()),
                None => format!("its sandbox {}", init_ended(c.init.as_ref())),
            };
            if started {
                format!("test `{name}` died while running: {how}")
            } else {
                format!(
                    "netns-test: the child process for `{name}` did not run the test: {how}. \
                     (Was the test renamed, filtered out or is the binary not a libtest harness?)"
                )
            }
        }
    };
    (Verdict::Failed(reason), state)
}

enum Exit {
    Code(i32),
    Signal(i32),
}

impl Exit {
    fn describe(&self) -> String {
        match self {
            Exit::Code(code) => format!("exited with status {code}"),
            Exit::Signal(sig) => {
                let name = Signal::try_from(*sig)
                    .map(|s| s.as_str())
                    .unwrap_or("unknown signal");
                format!("was killed by signal {sig} ({name})")
            }
        }
    }
}

fn exit_status(status: i32) -> Exit {
    if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    }
}

/// How the sandbox ended when its init (PID 1) could not report PID 2's end.
fn init_ended(init: Option<&WaitStatus>) -> String {
    match init {
        Some(WaitStatus::Exited(_, code)) => match *code {
            spawn::INIT_NO_GO => "was never released by the parent (id maps not written)".into(),
            spawn::INIT_FORK_FAILED => "could not fork inside the sandbox".into(),
            spawn::INIT_WAIT_FAILED => "lost track of the test process".into(),
            spawn::INIT_NETNS_FAILED => "could not make its network namespace".into(),
            spawn::INIT_PRIVATE_FAILED => "could not make its mounts private (mount(2) of / \
                 with MS_REC | MS_PRIVATE failed), so it did not run the test"
                .into(),
            code => format!("ended with init status {code}"),
        },
        // A PID namespace's init dies this way when a process inside calls
        // reboot(2): SIGHUP for a restart, SIGINT for a halt or power off.
        Some(WaitStatus::Signaled(_, Signal::SIGHUP, _)) => {
            "was ended by reboot(2) (restart) called inside it: in a PID namespace that kills \
             the namespace's init and every process in it"
                .into()
        }
        Some(WaitStatus::Signaled(_, Signal::SIGINT, _)) => {
            "was ended by reboot(2) (halt or power off) called inside it: in a PID namespace \
             that kills the namespace's init and every process in it"
                .into()
        }
        Some(WaitStatus::Signaled(_, signal, _)) => format!(
            "lost its init (PID 1), killed by {} (a process outside the sandbox killed it; \
             the sandbox itself can neither signal nor ptrace it)",
            signal.as_str()
        ),
        other => format!("ended unexpectedly ({other:?})"),
    }
}

#[cfg(test)]
mod verdict_should {
    use super::*;

    const EXITED_0: i32 = 0;
    const EXITED_1: i32 = 1 << 8;

    fn collected(messages: Vec<Message>, status: Option<i32>) -> Collected {
        Collected {
            messages,
            status,
            netns_errno: None,
            init: None,
            killed: false,
        }
    }

    fn judge(c: Collected) -> Verdict {
        verdict("t", Duration::from_secs(60), Duration::from_millis(5), c).0
    }

    fn failure(c: Collected) -> String {
        match judge(c) {
            Verdict::Failed(reason) => reason,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn pass_only_when_the_child_said_passed_and_exited_0() {
        assert_eq!(
            judge(collected(
                vec![Message::Started, Message::Passed],
                Some(EXITED_0)
            )),
            Verdict::Passed
        );
    }

    #[test]
    fn fail_a_child_that_exited_0_without_running_the_test() {
        let err = failure(collected(vec![], Some(EXITED_0)));
        assert!(err.contains("did not run the test"), "{err}");
    }

    #[test]
    fn fail_a_child_that_started_but_never_reported() {
        let err = failure(collected(vec![Message::Started], Some(EXITED_0)));
        assert!(err.contains("died while running"), "{err}");
    }

    #[test]
    fn fail_a_pass_followed_by_a_bad_exit() {
        let err = failure(collected(
            vec![Message::Started, Message::Passed],
            Some(EXITED_1),
        ));
        assert!(
            err.contains("passed, but its process then exited with status 1"),
            "{err}"
        );
    }

    #[test]
    fn name_the_signal_that_killed_the_child() {
        let err = failure(collected(vec![Message::Started], Some(libc::SIGABRT)));
        assert!(err.contains("killed by signal 6 (SIGABRT)"), "{err}");
    }

    #[test]
    fn hand_back_the_body_panic_alone_with_the_state_apart() {
        let messages = vec![
            Message::Started,
            Message::NetworkState("a:\n  lo UP\n".into()),
            Message::Panicked("boom".into()),
        ];
        let (verdict, state) = verdict(
            "t",
            Duration::from_secs(60),
            Duration::from_millis(5),
            collected(messages, Some(EXITED_1)),
        );
        assert_eq!(verdict, Verdict::BodyPanicked("boom".into()));
        assert_eq!(state.as_deref(), Some("a:\n  lo UP\n"));
    }

    #[test]
    fn fail_a_pass_reported_by_a_process_the_body_forked() {
        let err = failure(collected(
            vec![Message::Started, Message::Foreign(9), Message::Passed],
            Some(EXITED_0),
        ));
        assert!(
            err.contains("pid 9 in the sandbox, forked by the body"),
            "{err}"
        );
    }

    #[test]
    fn report_a_kill_by_the_parent_as_a_timeout() {
        let mut c = collected(vec![Message::Started], None);
        c.killed = true;
        let err = failure(c);
        assert!(
            err.contains("timed out") && err.contains("whole sandbox was killed"),
            "{err}"
        );
    }

    #[test]
    fn name_a_reboot_inside_the_sandbox() {
        let mut c = collected(vec![Message::Started], None);
        c.init = Some(WaitStatus::Signaled(
            Pid::from_raw(7),
            Signal::SIGHUP,
            false,
        ));
        let err = failure(c);
        assert!(err.contains("reboot(2) (restart)"), "{err}");
    }
}

#[cfg(test)]
mod start_error_should {
    use super::*;

    #[test]
    fn name_the_errno_once() {
        let err = clone_error(io::Error::from_raw_os_error(libc::EINVAL), true);
        let text = err.to_string();
        assert!(
            text.starts_with(
                "netns-test: cannot start the sandbox: clone(CLONE_NEWUSER | CLONE_NEWPID | \
                 CLONE_NEWNS | CLONE_NEWUTS) failed with EINVAL (Invalid argument)\n  help: "
            ),
            "{text}"
        );
    }
}

#[cfg(test)]
mod forward_should {
    use super::*;

    #[test]
    fn cut_a_long_line_before_an_unfinished_character() {
        assert_eq!(utf8_cut(b"ab"), 2);
        assert_eq!(utf8_cut("aé".as_bytes()), 3);
        assert_eq!(utf8_cut(&"aé".as_bytes()[..2]), 1);
        assert_eq!(utf8_cut(&"a€".as_bytes()[..3]), 1);
        assert_eq!(utf8_cut(&"a😀".as_bytes()[..4]), 1);
        assert_eq!(utf8_cut("a😀".as_bytes()), 5);
    }

    #[test]
    fn keep_the_end_of_a_line_until_its_newline() {
        let mut f = Forward::new(true);
        f.push(b"abc");
        assert_eq!((f.pending.as_slice(), f.scanned), (&b"abc"[..], 3));
        f.push(b"d\nef");
        assert_eq!((f.pending.as_slice(), f.scanned), (&b"ef"[..], 2));
    }

    #[test]
    fn forward_a_huge_line_in_pieces() {
        let mut f = Forward::new(true);
        let chunk = vec![b'x'; 16 * 1024];
        for _ in 0..8 {
            f.push(&chunk);
            assert!(f.pending.len() < Forward::LONG_LINE);
        }
    }
}
