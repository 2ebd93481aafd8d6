//! What the command-line tests share: the binary under test, a scratch
//! directory per test, running the binary with a deadline, a small
//! pseudo-terminal driver, and ways to see which processes are left and
//! what the host's network looks like.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a command of the tool, or an expected piece of output, may
/// take before the test fails (a guard against hangs, never a wait for
/// readiness).
pub const DEADLINE: Duration = Duration::from_secs(20);
/// How long the processes of a network may take to disappear once it ends.
pub const GONE_WITHIN: Duration = Duration::from_secs(10);

/// The environment variable that carries each test's marker (its scratch
/// directory) into every program the tool runs, so that [`processes_with`]
/// finds them all, shells included; the tool's own processes have it in
/// their command line (see [`Scratch::cli`]).
pub const MARKER_VAR: &str = "NETNS_TEST_CLI_TEST_DIR";

/// The `netns-test` binary: where nextest's archive put it, else where CI
/// copied it for an unprivileged run, else the one cargo built.
pub fn cli() -> PathBuf {
    std::env::var_os("NEXTEST_BIN_EXE_netns-test")
        .or_else(|| std::env::var_os("NETNS_TEST_CLI"))
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_netns-test")))
}

/// A fresh directory under the system's temporary directory, unique to one
/// test, where its topology files are written and the tool runs; removed
/// when dropped. Its path is the test's marker.
pub struct Scratch {
    dir: PathBuf,
    marker: String,
}

impl Scratch {
    /// A new, empty directory whose name includes `name`.
    pub fn new(name: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "netns-test-cli-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let marker = dir
            .to_str()
            .expect("a UTF-8 temporary directory")
            .to_string();
        Scratch { dir, marker }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A string in the environment of every process of this test's tool.
    pub fn marker(&self) -> &str {
        &self.marker
    }

    /// Writes `text` to `relative` (parent directories created) and returns
    /// the relative path, to pass to the tool.
    pub fn write(&self, relative: &str, text: &str) -> String {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        relative.to_string()
    }

    /// The tool with `args`, run in this directory, with the marker in its
    /// environment, `/bin/sh` as its shell and nothing on standard input.
    pub fn cli<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(cli());
        command
            // The marker in the command line of the tool and of the processes
            // it forks (whose environment may be unreadable: a sandbox's
            // init is not dumpable), as in the environment of what it runs.
            .arg0(self.dir.join("netns-test"))
            .args(args)
            .current_dir(&self.dir)
            .env(MARKER_VAR, &self.marker)
            .env("SHELL", "/bin/sh")
            // A shell's startup file could change the prompt.
            .env_remove("ENV")
            .stdin(Stdio::null());
        command
    }

    /// Runs the tool with `args` and waits for it, bounded.
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(&mut self.cli(args))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a finished command printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The exit code; panics, showing the output, if it was killed.
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("killed rather than exited: {self}"))
    }

    /// Asserts the exit code, showing the output if it differs.
    pub fn assert_code(&self, expected: i32) -> &Output {
        assert_eq!(self.status.code(), Some(expected), "{self}");
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `command` with its standard output and error captured, and waits
/// until it has exited and closed both (nothing it started may keep them
/// open); after [`DEADLINE`] it is killed and the test fails, showing
/// what it printed.
pub fn run(command: &mut Command) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let mut child = Killed(child);
    finish(&mut child.0).unwrap_or_else(|(out, err)| {
        panic!(
            "{command:?} did not finish (and close its output) within {DEADLINE:?}\n\
             --- stdout ---\n{out}\n--- stderr ---\n{err}"
        )
    })
}

/// A child that is killed and reaped when dropped (a no-op once reaped),
/// so that a failing test leaves no program of the tool behind.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads `child`'s standard output and error until both are closed and
/// waits for it to exit; after [`DEADLINE`], what it printed so far.
fn finish(child: &mut Child) -> Result<Output, (String, String)> {
    let mut stdout = child
        .stdout
        .take()
        .map(|pipe| File::from(OwnedFd::from(pipe)));
    let mut stderr = child
        .stderr
        .take()
        .map(|pipe| File::from(OwnedFd::from(pipe)));
    let pidfd = pidfd_open(child.id()).expect("pidfd_open of a child");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut status = None;
    let deadline = Instant::now() + DEADLINE;
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    while stdout.is_some() || stderr.is_some() || status.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err((text(&out), text(&err)));
        }
        let watched = [
            stdout.as_ref().map(|f| f.as_fd()),
            stderr.as_ref().map(|f| f.as_fd()),
            status.is_none().then(|| pidfd.as_fd()),
        ];
        let ready = poll_readable(&watched, left);
        if ready[0] && !read_some(&mut stdout, &mut out) {
            stdout = None;
        }
        if ready[1] && !read_some(&mut stderr, &mut err) {
            stderr = None;
        }
        if ready[2] {
            status = Some(child.wait().expect("wait for a child"));
        }
    }
    Ok(Output {
        status: status.unwrap(),
        stdout: text(&out),
        stderr: text(&err),
    })
}

/// Reads what is there into `into`; false at the end (or on an error:
/// a pseudo-terminal's master reports EIO once every slave is closed).
fn read_some(file: &mut Option<File>, into: &mut Vec<u8>) -> bool {
    let Some(file) = file else { return false };
    let mut buf = [0u8; 4096];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => {
                into.extend_from_slice(&buf[..n]);
                return true;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
}

/// Waits up to `timeout` until one of `fds` (`None`s are skipped) is
/// readable or closed; says which are.
fn poll_readable<const N: usize>(
    fds: &[Option<BorrowedFd<'_>>; N],
    timeout: Duration,
) -> [bool; N] {
    let mut pollfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|fd| libc::pollfd {
            fd: fd.map_or(-1, |fd| fd.as_raw_fd()),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let millis = timeout.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
    // SAFETY: `pollfds` is a valid, exclusively borrowed array of
    // `pollfds.len()` entries for the duration of the call; negative fds are
    // ignored by poll(2).
    let n = unsafe { libc::poll(pollfds.as_mut_ptr(), pollfds.len() as libc::nfds_t, millis) };
    let mut ready = [false; N];
    if n > 0 {
        for (ready, pollfd) in ready.iter_mut().zip(&pollfds) {
            *ready = pollfd.fd >= 0 && pollfd.revents != 0;
        }
    } else if n < 0 {
        let e = std::io::Error::last_os_error();
        assert_eq!(e.kind(), std::io::ErrorKind::Interrupted, "poll: {e}");
    }
    ready
}

/// A file descriptor that becomes readable when process `pid` exits;
/// `None` if there is no such process any more.
pub fn pidfd_open(pid: u32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open(2) takes a pid and flags, touches no memory of
    // ours, and returns a new file descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0 as libc::c_uint) };
    if fd < 0 {
        return None;
    }
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// A program running on a pseudo-terminal of its own, as in a terminal
/// window: it is a session leader whose controlling terminal is the slave,
/// and the test reads and types on the master.
pub struct Pty {
    master: Option<File>,
    child: Child,
    pidfd: OwnedFd,
    /// Output not yet matched by [`Pty::expect`].
    pending: Vec<u8>,
    /// Everything read, for failure messages.
    transcript: Vec<u8>,
    what: String,
    waited: bool,
}

impl Pty {
    /// Starts `command` with a new pseudo-terminal as standard input, output
    /// and error and as its controlling terminal.
    pub fn spawn(command: &mut Command) -> Pty {
        let (master, slave) = open_pty();
        let stdio = || Stdio::from(slave.try_clone().expect("dup the slave"));
        command.stdin(stdio()).stdout(stdio()).stderr(stdio());
        // SAFETY: `take_the_terminal` runs in the child between fork and
        // exec, where it only makes async-signal-safe system calls and
        // allocates nothing.
        unsafe {
            command.pre_exec(take_the_terminal);
        }
        let what = format!("{command:?}");
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        drop(slave);
        let pidfd = pidfd_open(child.id()).expect("pidfd_open of a child");
        Pty {
            master: Some(master),
            child,
            pidfd,
            pending: Vec::new(),
            transcript: Vec::new(),
            what,
            waited: false,
        }
    }

    /// The program's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads until `needle` appears in what was not matched yet, and returns
    /// that text up to and including it (the rest stays for the next
    /// expectation). Fails after [`DEADLINE`], or if the terminal closes,
    /// showing everything read.
    pub fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(at) = find(&self.pending, needle.as_bytes()) {
                let end = at + needle.len();
                let matched: Vec<u8> = self.pending.drain(..end).collect();
                return String::from_utf8_lossy(&matched).into_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "{}: no {needle:?} within {DEADLINE:?}; the terminal showed:\n{}",
                    self.what,
                    String::from_utf8_lossy(&self.transcript)
                );
            }
            if !self.read_for(left) {
                panic!(
                    "{}: the terminal closed before {needle:?}; it showed:\n{}",
                    self.what,
                    String::from_utf8_lossy(&self.transcript)
                );
            }
        }
    }

    /// Types `text` (add `\n` to end a line).
    pub fn send(&mut self, text: &str) {
        let master = self.master.as_mut().expect("the terminal is open");
        master
            .write_all(text.as_bytes())
            .and_then(|()| master.flush())
            .unwrap_or_else(|e| panic!("{}: cannot type {text:?}: {e}", self.what));
    }

    /// Waits (bounded) for the program to exit, reading what it prints
    /// meanwhile; kills it and fails after [`DEADLINE`].
    pub fn wait(mut self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.waited = true;
                panic!(
                    "{}: still running after {DEADLINE:?}; the terminal showed:\n{}",
                    self.what,
                    String::from_utf8_lossy(&self.transcript)
                );
            }
            let watched = [
                self.master.as_ref().map(|m| m.as_fd()),
                Some(self.pidfd.as_fd()),
            ];
            let ready = poll_readable(&watched, left);
            if ready[0] {
                self.read_available();
            }
            if ready[1] {
                let status = self.child.wait().expect("wait for a child");
                self.waited = true;
                return status;
            }
        }
    }

    /// Everything the terminal showed so far.
    pub fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.transcript).into_owned()
    }

    /// Waits up to `timeout` for output and reads it; false if the terminal
    /// is closed.
    fn read_for(&mut self, timeout: Duration) -> bool {
        let Some(master) = &self.master else {
            return false;
        };
        let ready = poll_readable(&[Some(master.as_fd())], timeout);
        if ready[0] {
            return self.read_available();
        }
        true
    }

    fn read_available(&mut self) -> bool {
        let mut got = Vec::new();
        let open = read_some(&mut self.master, &mut got);
        self.pending.extend_from_slice(&got);
        self.transcript.extend_from_slice(&got);
        if !open {
            self.master = None;
        }
        open
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed test must not leave its program behind (the tool's
        // network ends with it).
        if !self.waited {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// In a child about to exec: becomes the leader of a new session whose
/// controlling terminal is standard input (the slave).
fn take_the_terminal() -> std::io::Result<()> {
    // SAFETY: setsid(2) takes no arguments; a forked child is not a process
    // group leader, so it succeeds.
    if unsafe { libc::setsid() } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fd 0 is the slave (standard input is set up before pre_exec
    // hooks run); TIOCSCTTY takes an int argument, 0 here (do not steal).
    if unsafe { libc::ioctl(0, libc::TIOCSCTTY as _, 0) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len().max(1))
        .position(|window| window == needle)
}

/// A new pseudo-terminal: (master, slave), both close-on-exec.
fn open_pty() -> (File, File) {
    // SAFETY: posix_openpt(3) takes flags and returns a new descriptor or -1.
    let fd = unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) };
    assert!(fd >= 0, "posix_openpt: {}", std::io::Error::last_os_error());
    // SAFETY: the descriptor was just opened and is owned by nobody else.
    let master = unsafe { File::from_raw_fd(fd) };
    // SAFETY: grantpt(3) and unlockpt(3) take the master's descriptor, which
    // is open.
    let unlocked = unsafe { libc::grantpt(fd) == 0 && libc::unlockpt(fd) == 0 };
    assert!(
        unlocked,
        "grantpt/unlockpt: {}",
        std::io::Error::last_os_error()
    );
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: `name` is a writable buffer of `name.len()` bytes, which
    // ptsname_r(3) fills with a NUL-terminated path.
    let r = unsafe { libc::ptsname_r(fd, name.as_mut_ptr(), name.len()) };
    assert_eq!(r, 0, "ptsname_r: {}", std::io::Error::from_raw_os_error(r));
    // SAFETY: ptsname_r succeeded, so `name` holds a NUL-terminated string.
    let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) };
    let path = Path::new(path.to_str().expect("a UTF-8 pty name"));
    // std opens with O_CLOEXEC; O_NOCTTY keeps it from becoming ours.
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    (master, slave)
}

/// The command line of process `pid`, arguments separated by spaces.
pub fn cmdline(pid: u32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let text = String::from_utf8_lossy(&raw).replace('\0', " ");
    Some(text.trim_end().to_string())
}

/// Every process (but this one) whose command line or environment contains
/// `marker`: the test's scratch directory (in the command line of the
/// tool's processes and, as [`MARKER_VAR`], in the environment of every
/// program they run) or a unique argument.
/// Exited processes not yet reaped (zombies) have neither and do not count.
pub fn processes_with(marker: &str) -> Vec<u32> {
    let me = std::process::id();
    let marker = marker.as_bytes();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = dir
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            ["cmdline", "environ"].iter().any(|file| {
                std::fs::read(format!("/proc/{pid}/{file}"))
                    .is_ok_and(|raw| find(&raw, marker).is_some())
            })
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// `processes_with(marker)`, each with its command line, for messages.
pub fn describe_processes(marker: &str) -> Vec<(u32, String)> {
    processes_with(marker)
        .into_iter()
        .map(|pid| (pid, cmdline(pid).unwrap_or_default()))
        .collect()
}

/// Waits until no process has `marker` ([`processes_with`]), watching the
/// ones there are with pidfds; fails, listing them, after `within`.
pub fn assert_all_gone(marker: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let pids = processes_with(marker);
        if pids.is_empty() {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            panic!(
                "processes with {marker:?} still there after {within:?}: {:?}",
                describe_processes(marker)
            );
        }
        let pidfds: Vec<OwnedFd> = pids.iter().filter_map(|&pid| pidfd_open(pid)).collect();
        if pidfds.len() < pids.len() {
            // One is gone already: look again.
            continue;
        }
        let mut pollfds: Vec<libc::pollfd> = pidfds
            .iter()
            .map(|fd| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // Look again at least this often, for processes started meanwhile.
        let wait = left.min(Duration::from_millis(200));
        // SAFETY: `pollfds` is a valid, exclusively borrowed array of
        // `pollfds.len()` entries for the duration of the call.
        unsafe {
            libc::poll(
                pollfds.as_mut_ptr(),
                pollfds.len() as libc::nfds_t,
                wait.as_millis().max(1) as libc::c_int,
            )
        };
    }
}

/// Polls (bounded by `within`) until `found` gives something; fails with
/// `what` otherwise.
pub fn wait_for<T>(what: &str, within: Duration, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = found() {
            return found;
        }
        assert!(Instant::now() < deadline, "no {what} within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What of the host's network a test could leave behind: the interfaces of
/// this process's network namespace and the named namespaces in
/// `/run/netns`.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct HostState {
    pub interfaces: BTreeSet<String>,
    pub named_namespaces: BTreeSet<String>,
}

/// The host's [`HostState`] now.
pub fn host_state() -> HostState {
    let dev = std::fs::read_to_string("/proc/self/net/dev").expect("read /proc/self/net/dev");
    let interfaces = dev
        .lines()
        .skip(2)
        .filter_map(|line| Some(line.split_once(':')?.0.trim().to_string()))
        .collect();
    let named_namespaces = std::fs::read_dir("/run/netns")
        .map(|dir| {
            dir.filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    HostState {
        interfaces,
        named_namespaces,
    }
}

/// The inode of this process's network namespace, which a probe compares
/// with its own to refuse to send from the namespace the tests run in.
pub fn own_network_namespace() -> u64 {
    std::fs::metadata("/proc/self/ns/net")
        .expect("stat /proc/self/ns/net")
        .ino()
}
