//! The parent side: start the child for one test, forward its output, wait
//! for it, and turn what it reported into a pass or a panic.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{getegid, geteuid, Pid};

use super::config::{self, UserNs};
use super::outcome::{self, Message};
use super::{ns, probe, spawn};
use crate::__private::TestDef;

/// How long after its own timeout the child gets to report before the parent
/// kills the sandbox.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// Runs the test `name` in a sandboxed child; panics (failing the test) with
/// the reason when it does not pass.
#[track_caller]
pub(crate) fn run(def: &TestDef, name: &str) {
    if probe::gate(name) == probe::Gate::Skip {
        return;
    }
    if let Err(reason) = run_child(def, name) {
        panic!("{reason}");
    }
}

fn run_child(def: &TestDef, name: &str) -> Result<(), String> {
    let timeout = config::timeout(def.timeout_ms)?;
    let userns = UserNs::from_env()?.wanted();
    let started = Instant::now();
    let child = start(name, userns).map_err(|e| e.to_string())?;
    let collected = collect(child, timeout + KILL_GRACE);
    verdict(name, timeout, started.elapsed(), collected)
}

/// A running sandbox, seen from the parent.
struct Child {
    pid: Pid,
    stdout: OwnedFd,
    stderr: OwnedFd,
    outcome: OwnedFd,
    status: OwnedFd,
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
            write!(f, " with {errno} ({})", errno.desc())?;
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

fn start(name: &str, userns: bool) -> Result<Child, StartError> {
    let (stdout_r, stdout_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
    let (stderr_r, stderr_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
    let (outcome_r, outcome_w) = spawn::pipe().map_err(|e| start_error("pipe", e))?;
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
    let cmd = spawn::Command::new("/proc/self/exe".into(), args, env)
        .map_err(|e| start_error("prepare the child's command line", e))?;

    let fds = spawn::ChildFds {
        stdout: stdout_w,
        stderr: stderr_w,
        outcome: outcome_w,
        status: status_w,
        go: go_r,
        go_parent: go_w.as_raw_fd(),
    };
    let pid = spawn::clone_sandbox(&cmd, &fds, spawn::Namespaces { user: userns })
        .map_err(|e| clone_error(e, userns))?;
    drop(fds);
    let child = Child {
        pid,
        stdout: stdout_r,
        stderr: stderr_r,
        outcome: outcome_r,
        status: status_r,
    };

    if userns {
        if let Err(e) = write_id_maps(pid) {
            let _ = kill(pid, Signal::SIGKILL);
            let _ = waitpid(pid, None);
            return Err(e);
        }
    }
    // One byte lets PID 1 go on; then our end closes, as it must.
    let go = std::fs::File::from(go_w);
    if let Err(e) = io::Write::write_all(&mut &go, &[1]) {
        let _ = kill(pid, Signal::SIGKILL);
        let _ = waitpid(pid, None);
        return Err(start_error("release the child", e));
    }
    Ok(child)
}

fn clone_error(e: io::Error, userns: bool) -> StartError {
    let mut err = start_error(
        if userns {
            "clone(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID)"
        } else {
            "clone(CLONE_NEWNET | CLONE_NEWPID)"
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
        Some(Errno::ENOSPC) => "the user or network namespace limit is reached: raise \
             `user.max_user_namespaces` (`sysctl -w user.max_user_namespaces=15000`)"
            .into(),
        Some(Errno::EINVAL) => "this kernel lacks user, network or PID namespaces \
             (CONFIG_USER_NS, CONFIG_NET_NS, CONFIG_PID_NS)"
            .into(),
        _ => String::new(),
    };
    err
}

/// Maps root in the child's user namespace to our own uid and gid.
fn write_id_maps(pid: Pid) -> Result<(), StartError> {
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
    /// PID 1's own exit.
    init: Option<WaitStatus>,
    /// The parent killed the sandbox after `deadline`.
    killed: bool,
}

/// Forwards output and gathers the outcome until PID 1 has exited.
fn collect(child: Child, deadline: Duration) -> Collected {
    let start = Instant::now();
    let mut stdout = Forward::new(false);
    let mut stderr = Forward::new(true);
    let mut outcome_bytes = Vec::new();
    let mut status_bytes = Vec::new();
    let mut killed = false;
    let mut open = [true; 4];
    // Read until PID 1 closes the status pipe: PID 2 has exited then.
    while open[3] {
        let fds = [&child.stdout, &child.stderr, &child.outcome, &child.status];
        let watched: Vec<usize> = (0..fds.len()).filter(|&i| open[i]).collect();
        let mut pfds: Vec<PollFd<'_>> = watched
            .iter()
            .map(|&i| PollFd::new(fds[i].as_fd(), PollFlags::POLLIN))
            .collect();
        let remaining = deadline.saturating_sub(start.elapsed());
        let wait = if killed {
            PollTimeout::NONE
        } else {
            PollTimeout::try_from(remaining).unwrap_or(PollTimeout::MAX)
        };
        match poll(&mut pfds, wait) {
            Ok(0) => {
                if !killed {
                    let _ = kill(child.pid, Signal::SIGKILL);
                    killed = true;
                }
                continue;
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
        for (&i, p) in watched.iter().zip(&pfds) {
            if p.revents().is_none_or(|r| r.is_empty()) {
                continue;
            }
            let fd = fds[i];
            let mut buf = [0u8; 16 * 1024];
            match nix::unistd::read(fd, &mut buf) {
                Ok(0) | Err(_) => open[i] = false,
                Ok(n) => match i {
                    0 => stdout.push(&buf[..n]),
                    1 => stderr.push(&buf[..n]),
                    2 => outcome_bytes.extend_from_slice(&buf[..n]),
                    _ => status_bytes.extend_from_slice(&buf[..n]),
                },
            }
        }
    }
    let init = loop {
        match waitpid(child.pid, None) {
            Err(Errno::EINTR) => continue,
            other => break other.ok(),
        }
    };
    // Every process of the sandbox is gone now; take what is left in the pipes.
    drain(&child.stdout, |b| stdout.push(b));
    drain(&child.stderr, |b| stderr.push(b));
    drain(&child.outcome, |b| outcome_bytes.extend_from_slice(b));
    stdout.finish();
    stderr.finish();
    let status = <[u8; 4]>::try_from(status_bytes.as_slice())
        .ok()
        .map(i32::from_ne_bytes);
    Collected {
        messages: outcome::decode(&outcome_bytes),
        status,
        init,
        killed,
    }
}

/// Reads what is buffered in a pipe without waiting for writers that may
/// still hold it open.
fn drain(fd: &OwnedFd, mut sink: impl FnMut(&[u8])) {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    if fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_err() {
        return;
    }
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        sink(&buf[..n]);
    }
}

/// Forwards the child's output line by line with `print!`/`eprint!`, so that
/// libtest's capture sees it and nextest streams it.
struct Forward {
    stderr: bool,
    pending: Vec<u8>,
    /// libtest's own header in the child, dropped once at the start.
    header: &'static [u8],
}

impl Forward {
    fn new(stderr: bool) -> Forward {
        let header: &'static [u8] = if stderr { b"" } else { b"\nrunning 1 test\n" };
        Forward {
            stderr,
            pending: Vec::new(),
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
        }
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.emit(&line);
        }
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

/// Turns what was collected into the test's result.
fn verdict(name: &str, timeout: Duration, ran: Duration, c: Collected) -> Result<(), String> {
    let state = c.messages.iter().rev().find_map(|m| match m {
        Message::NetworkState(s) => Some(s.as_str()),
        _ => None,
    });
    let started = c.messages.contains(&Message::Started);
    let result = c
        .messages
        .iter()
        .rev()
        .find(|m| !matches!(m, Message::NetworkState(_) | Message::Started));
    let mut reason = match result {
        _ if c.killed => format!(
            "test `{name}` timed out: it ran for {ran:.1?} (timeout {timeout:?}) and did not stop, \
             so the whole sandbox was killed"
        ),
        Some(Message::Passed) => match c.status.map(exit_status) {
            Some(Exit::Code(0)) => return Ok(()),
            Some(other) => {
                format!(
                    "test `{name}` passed, but its process then {}",
                    other.describe()
                )
            }
            None => format!("test `{name}` passed, but its process status was lost"),
        },
        Some(Message::Panicked(msg)) => msg.clone(),
        Some(Message::Returned(err)) => err.clone(),
        Some(Message::SetupFailed(err)) => {
            format!("netns-test: could not build the network: {err}")
        }
        Some(Message::TimedOut(ms)) => format!(
            "test `{name}` timed out after {:.1?} (timeout {timeout:?}; set it with \
             `#[netns_test(timeout = \"...\")]` or {})",
            Duration::from_millis(*ms),
            config::TIMEOUT
        ),
        Some(Message::Started | Message::NetworkState(_)) | None => {
            let how = match (c.status.map(exit_status), c.init.as_ref()) {
                (Some(e), _) => e.describe(),
                (None, Some(WaitStatus::Exited(_, code))) => init_exit(*code),
                (None, other) => format!("ended unexpectedly ({other:?})"),
            };
            if started {
                format!("test `{name}` died while running: its process {how}")
            } else {
                format!(
                    "netns-test: the child process for `{name}` did not run the test: it {how}. \
                     (Was the test renamed, filtered out or is the binary not a libtest harness?)"
                )
            }
        }
    };
    if let Some(state) = state {
        let _ = write!(
            reason,
            "\n\nnetwork state at the moment of failure:\n{state}"
        );
    }
    Err(reason)
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

fn init_exit(code: i32) -> String {
    match code {
        spawn::INIT_NO_GO => "was never released by the parent (id maps not written)".into(),
        spawn::INIT_FORK_FAILED => "could not fork inside the sandbox".into(),
        spawn::INIT_WAIT_FAILED => "lost track of the test process".into(),
        code => format!("ended with init status {code}"),
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
            init: None,
            killed: false,
        }
    }

    fn judge(c: Collected) -> Result<(), String> {
        verdict("t", Duration::from_secs(60), Duration::from_millis(5), c)
    }

    #[test]
    fn pass_only_when_the_child_said_passed_and_exited_0() {
        assert_eq!(
            judge(collected(
                vec![Message::Started, Message::Passed],
                Some(EXITED_0)
            )),
            Ok(())
        );
    }

    #[test]
    fn fail_a_child_that_exited_0_without_running_the_test() {
        let err = judge(collected(vec![], Some(EXITED_0))).unwrap_err();
        assert!(err.contains("did not run the test"), "{err}");
    }

    #[test]
    fn fail_a_child_that_started_but_never_reported() {
        let err = judge(collected(vec![Message::Started], Some(EXITED_0))).unwrap_err();
        assert!(err.contains("died while running"), "{err}");
    }

    #[test]
    fn fail_a_pass_followed_by_a_bad_exit() {
        let err = judge(collected(
            vec![Message::Started, Message::Passed],
            Some(EXITED_1),
        ))
        .unwrap_err();
        assert!(
            err.contains("passed, but its process then exited with status 1"),
            "{err}"
        );
    }

    #[test]
    fn name_the_signal_that_killed_the_child() {
        let err = judge(collected(vec![Message::Started], Some(libc::SIGABRT))).unwrap_err();
        assert!(err.contains("killed by signal 6 (SIGABRT)"), "{err}");
    }

    #[test]
    fn keep_the_panic_message_first_so_should_panic_expected_matches() {
        let messages = vec![
            Message::Started,
            Message::NetworkState("a:\n  lo UP\n".into()),
            Message::Panicked("boom".into()),
        ];
        let err = judge(collected(messages, Some(EXITED_1))).unwrap_err();
        assert!(
            err.starts_with("boom\n\nnetwork state at the moment of failure:\na:"),
            "{err}"
        );
    }

    #[test]
    fn report_a_kill_by_the_parent_as_a_timeout() {
        let mut c = collected(vec![Message::Started], None);
        c.killed = true;
        let err = judge(c).unwrap_err();
        assert!(
            err.contains("timed out") && err.contains("whole sandbox was killed"),
            "{err}"
        );
    }
}
