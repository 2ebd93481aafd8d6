//! Starting the sandboxed child: the only place that forks.
//!
//! The caller (a libtest test thread, or the fork server for it) calls
//! `clone(2)` with new user, PID, mount and UTS namespaces. The clone becomes
//! PID 1 of the new PID namespace: a tiny init that never execs. It waits
//! until the parent has written its id maps, makes itself impossible to
//! `ptrace` from inside, makes the network namespace, gives the sandbox its
//! own view of the file system (see [`MOUNTS`]), forks the real child
//! (PID 2), which execs the test binary (or, in the fork server, calls the
//! test directly), and then reaps until PID 2 exits, writes PID 2's wait
//! status to the parent and exits. When PID 1
//! exits the kernel kills every process left in the namespace, so nothing the
//! test started survives it.
//!
//! PID 2 rather than PID 1 runs the test because the kernel shields a PID
//! namespace's init from signals it has no handler for: `abort()` in PID 1
//! would not die of SIGABRT.
//!
//! Between `clone` and `execve` (and in the init for its whole life) only
//! async-signal-safe calls are made: raw syscalls on buffers prepared before
//! the clone. No allocation, no locks, no formatting.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt;

use nix::fcntl::OFlag;
use nix::unistd::{pipe2, Pid};

/// Exit codes of the init (PID 1) when it cannot do its job; the parent
/// turns them into messages. Real outcomes come over the status pipe.
pub(crate) const INIT_NO_GO: i32 = 120;
pub(crate) const INIT_FORK_FAILED: i32 = 121;
pub(crate) const INIT_WAIT_FAILED: i32 = 122;
/// Exit code of PID 2 when `execve` fails.
pub(crate) const EXEC_FAILED: i32 = 123;
/// Exit code of the init when it cannot stop its mounts from propagating to
/// the machine; the sandbox must not run then.
pub(crate) const INIT_PRIVATE_FAILED: i32 = 124;
/// Exit code of the init when it cannot make the network namespace; it
/// writes the negated errno on the status pipe first.
pub(crate) const INIT_NETNS_FAILED: i32 = 125;

/// A mount the init makes inside the sandbox's mount namespace, before the
/// test runs. Nothing mounted there reaches the machine: the init first
/// makes every mount private.
struct Mount {
    source: &'static CStr,
    target: &'static CStr,
    fstype: &'static CStr,
    flags: libc::c_ulong,
    data: &'static CStr,
    /// Made only if the mount before it was.
    after_previous: bool,
}

const NO_EXEC: libc::c_ulong = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;

/// What the sandbox sees instead of the machine's:
/// - `/sys`: a sysfs mounted inside the sandbox's network namespace, so that
///   `/sys/class/net` lists the sandbox's own interfaces only; read-only
///   except the network devices (`/sys/devices/virtual/net`), so that a
///   test run as root cannot change the machine's kernel objects through it;
/// - `/proc`: a procfs of the sandbox's PID namespace;
/// - `/run`: an empty tmpfs, so that `ip netns add` and its kind create
///   nothing on the machine.
///
/// Where the kernel refuses one (a container that masks parts of the
/// machine's `/proc` or `/sys` makes a fresh one "too revealing" inside a user
/// namespace), the sandbox keeps the machine's, which it cannot change.
const MOUNTS: [Mount; 5] = [
    Mount {
        source: c"sysfs",
        target: c"/sys",
        fstype: c"sysfs",
        flags: NO_EXEC,
        data: c"",
        after_previous: false,
    },
    Mount {
        source: c"/sys/devices/virtual/net",
        target: c"/sys/devices/virtual/net",
        fstype: c"",
        flags: libc::MS_BIND,
        data: c"",
        after_previous: true,
    },
    Mount {
        source: c"",
        target: c"/sys",
        fstype: c"",
        flags: libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | NO_EXEC,
        data: c"",
        after_previous: true,
    },
    Mount {
        source: c"proc",
        target: c"/proc",
        fstype: c"proc",
        flags: NO_EXEC,
        data: c"",
        after_previous: false,
    },
    Mount {
        source: c"tmpfs",
        target: c"/run",
        fstype: c"tmpfs",
        flags: libc::MS_NOSUID | libc::MS_NODEV,
        data: c"mode=0755",
        after_previous: false,
    },
];

/// What to exec in the child, prepared before the clone so that the child
/// only has to read memory.
pub(crate) struct Command {
    path: CString,
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const libc::c_char>,
    _envp: Vec<CString>,
    envp_ptrs: Vec<*const libc::c_char>,
    /// Instead of `execve`, PID 2 calls this with `call_data` (only in the
    /// fork server, a single-threaded process, whose forks may run any
    /// code).
    call: Option<unsafe fn(*const ()) -> !>,
    call_data: *const (),
}

impl Command {
    /// Prepares `execve(path, args, env)`.
    pub(crate) fn new(
        path: OsString,
        args: Vec<OsString>,
        env: Vec<(OsString, OsString)>,
    ) -> io::Result<Command> {
        let path = cstring(path)?;
        let argv = args
            .into_iter()
            .map(cstring)
            .collect::<io::Result<Vec<_>>>()?;
        let envp = env
            .into_iter()
            .map(|(mut k, v)| {
                k.push("=");
                k.push(v);
                cstring(k)
            })
            .collect::<io::Result<Vec<_>>>()?;
        let argv_ptrs = argv
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        let envp_ptrs = envp
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        Ok(Command {
            path,
            _argv: argv,
            argv_ptrs,
            _envp: envp,
            envp_ptrs,
            call: None,
            call_data: std::ptr::null(),
        })
    }

    /// PID 2 calls `f(data)` instead of executing a program.
    ///
    /// # Safety
    /// Only for a process with a single thread (the fork server): `f` runs
    /// in a fork of it, where any code may run. `data` must stay valid
    /// until the clone, and `f` must never return.
    pub(crate) unsafe fn call(f: unsafe fn(*const ()) -> !, data: *const ()) -> Command {
        Command {
            path: CString::default(),
            _argv: Vec::new(),
            argv_ptrs: vec![std::ptr::null()],
            _envp: Vec::new(),
            envp_ptrs: vec![std::ptr::null()],
            call: Some(f),
            call_data: data,
        }
    }
}

fn cstring(s: OsString) -> io::Result<CString> {
    CString::new(s.into_vec()).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL byte"))
}

/// A pipe: `(read end, write end)`, both close-on-exec.
pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    Ok(pipe2(OFlag::O_CLOEXEC)?)
}

/// The outcome channel: a stream socket pair rather than a pipe, so that
/// the child can hand descriptors to the parent at its end (see
/// [`hand_off`]). Written and read like a pipe otherwise.
pub(crate) fn outcome_channel() -> io::Result<(OwnedFd, OwnedFd)> {
    use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
    Ok(socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::SOCK_CLOEXEC,
    )?)
}

/// Most descriptors sent in one message (the kernel's `SCM_MAX_FD` is 253).
const HAND_OFF_CHUNK: usize = 200;

/// Sends `fds` over the outcome channel `socket`, in as many messages as
/// needed, each with `frame`. The parent keeps
/// them and closes them later, off the test's path: closing a packet
/// socket waits for an RCU grace period (`synchronize_net`), over 10 ms
/// each, which would otherwise be paid by the sandbox's exit.
pub(crate) fn hand_off(
    socket: BorrowedFd<'_>,
    frame: &[u8],
    fds: &[BorrowedFd<'_>],
) -> io::Result<()> {
    use nix::sys::socket::{sendmsg, ControlMessage, MsgFlags};
    let raw: Vec<RawFd> = fds.iter().map(|fd| fd.as_raw_fd()).collect();
    // Each message carries the frame: a message without data carries no
    // rights, and the parent decodes what it reads as frames.
    for chunk in raw.chunks(HAND_OFF_CHUNK) {
        sendmsg::<()>(
            socket.as_raw_fd(),
            &[std::io::IoSlice::new(frame)],
            &[ControlMessage::ScmRights(chunk)],
            MsgFlags::MSG_NOSIGNAL,
            None,
        )?;
    }
    Ok(())
}

/// Reads what is waiting on the outcome channel into `buf`, keeping the
/// descriptors that came with it. `Ok((0, _))` at the end.
pub(crate) fn recv_with_fds(
    socket: BorrowedFd<'_>,
    buf: &mut [u8],
) -> io::Result<(usize, Vec<OwnedFd>)> {
    use nix::sys::socket::{recvmsg, ControlMessageOwned, MsgFlags};
    let mut space = nix::cmsg_space!([RawFd; HAND_OFF_CHUNK]);
    let mut iov = [std::io::IoSliceMut::new(buf)];
    let msg = recvmsg::<()>(
        socket.as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_CMSG_CLOEXEC | MsgFlags::MSG_DONTWAIT,
    )?;
    let mut raw = Vec::new();
    if let Ok(cmsgs) = msg.cmsgs() {
        for cmsg in cmsgs {
            if let ControlMessageOwned::ScmRights(fds) = cmsg {
                raw.extend(fds);
            }
        }
    }
    let bytes = msg.bytes;
    // SAFETY: the kernel just installed these descriptors in this process,
    // and nothing else knows their numbers.
    let fds = raw
        .into_iter()
        .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
        .collect();
    Ok((bytes, fds))
}

/// The file descriptors the child gets. Made by the parent before the clone.
pub(crate) struct ChildFds {
    /// Becomes PID 2's stdout.
    pub(crate) stdout: OwnedFd,
    /// Becomes PID 2's stderr.
    pub(crate) stderr: OwnedFd,
    /// Kept open across exec in PID 2 (its number is in the environment).
    pub(crate) outcome: OwnedFd,
    /// PID 1 writes PID 2's wait status here.
    pub(crate) status: OwnedFd,
    /// PID 1 waits for one byte here before it goes on; the parent keeps
    /// its write end open while the sandbox lives (see `init_main`).
    pub(crate) go: OwnedFd,
    /// The parent's end of `go`; PID 1 closes its copy.
    pub(crate) go_parent: RawFd,
}

/// Which namespaces the clone gets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Namespaces {
    /// A new user namespace (unprivileged callers need it).
    pub(crate) user: bool,
    /// `CLONE_PARENT`: the clone becomes a child of the caller's parent (the
    /// fork server makes the test process the parent of every sandbox).
    pub(crate) parent: bool,
    /// How long the init retries a transient refusal of the network
    /// namespace.
    pub(crate) netns_retry: std::time::Duration,
}

/// Clones the sandbox's PID 1 and returns its pid (in the caller's PID
/// namespace). The caller must write the id maps (when `ns.user`) and then one
/// byte to the `go` pipe; it should close its copies of `fds` at once.
///
/// The network namespace is made by PID 1 itself, once the id maps are
/// written: the kernel gives a namespace's devices (`lo`) and their sysfs
/// files the owner that the user namespace's root maps to at that moment,
/// and before the maps there is none, so `lo`'s files would stay the
/// machine root's.
pub(crate) fn clone_sandbox(cmd: &Command, fds: &ChildFds, ns: Namespaces) -> io::Result<Pid> {
    let mut flags = libc::CLONE_NEWPID | libc::CLONE_NEWNS | libc::CLONE_NEWUTS;
    if ns.user {
        flags |= libc::CLONE_NEWUSER;
    }
    if ns.parent {
        flags |= libc::CLONE_PARENT;
    }
    let raw = Raw {
        path: cmd.path.as_ptr(),
        argv: cmd.argv_ptrs.as_ptr(),
        envp: cmd.envp_ptrs.as_ptr(),
        stdout: fds.stdout.as_raw_fd(),
        stderr: fds.stderr.as_raw_fd(),
        outcome: fds.outcome.as_raw_fd(),
        status: fds.status.as_raw_fd(),
        go: fds.go.as_raw_fd(),
        go_parent: fds.go_parent,
        call: cmd.call,
        call_data: cmd.call_data,
        netns_retry_ms: ns.netns_retry.as_millis().try_into().unwrap_or(i64::MAX),
    };
    // SAFETY: a raw clone(2) without CLONE_VM behaves like fork(2): the child
    // gets a copy-on-write copy of this address space with only the calling
    // thread. The child runs `init_main`, which makes only async-signal-safe
    // raw syscalls on memory prepared above (`raw` and the buffers it points
    // into, which live in `cmd`), never returns and never unwinds, so no lock
    // held by another thread of the parent and no allocator state is touched.
    let pid = unsafe { clone(flags) };
    match pid {
        -1 => Err(io::Error::last_os_error()),
        // SAFETY: we are the freshly cloned child; see above.
        0 => unsafe { init_main(&raw) },
        pid => Ok(Pid::from_raw(pid as libc::pid_t)),
    }
}

/// Everything the child needs, as raw values.
struct Raw {
    path: *const libc::c_char,
    argv: *const *const libc::c_char,
    envp: *const *const libc::c_char,
    stdout: RawFd,
    stderr: RawFd,
    outcome: RawFd,
    status: RawFd,
    go: RawFd,
    go_parent: RawFd,
    call: Option<unsafe fn(*const ()) -> !>,
    call_data: *const (),
    /// How long a transient refusal of the network namespace is retried.
    netns_retry_ms: i64,
}

/// PID 1 of the sandbox.
///
/// # Safety
/// Must only be called in a child freshly made by `clone` without `CLONE_VM`,
/// with `raw` pointing into memory prepared before the clone.
unsafe fn init_main(raw: &Raw) -> ! {
    // SAFETY (whole function): only raw syscalls on prepared memory.
    unsafe {
        // Die with the parent thread; if it is already gone, `read` below sees
        // EOF because we close our copy of the write end first.
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        );
        libc::close(raw.go_parent);
        if !wait_for_go(raw.go) {
            libc::_exit(INIT_NO_GO);
        }
        // The parent keeps its end open for the sandbox's life. Closed
        // already, it died before our death signal was armed above, and
        // no signal will come: end here instead of living on.
        if parent_gone(raw.go) {
            libc::_exit(INIT_NO_GO);
        }
        libc::close(raw.go);
        // Once the id maps are written (they need us dumpable): nothing in
        // the sandbox may ptrace us. Our memory belongs to the machine's user
        // namespace, where the sandbox holds no CAP_SYS_PTRACE. PID 2 is
        // dumpable again after its execve.
        libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong, 0, 0, 0);
        let netns = unshare_netns(raw.netns_retry_ms);
        if netns != 0 {
            // The parent tells a negative "status" from a wait status.
            let bytes = (-netns).to_ne_bytes();
            libc::write(raw.status, bytes.as_ptr().cast(), bytes.len());
            libc::_exit(INIT_NETNS_FAILED);
        }
        if !isolate_mounts() {
            libc::_exit(INIT_PRIVATE_FAILED);
        }

        let child = clone(0);
        if child == 0 {
            exec_main(raw);
        }
        if child < 0 {
            libc::_exit(INIT_FORK_FAILED);
        }
        // Keep only the status pipe: drop our copies of the child's output
        // pipes and anything inherited from other threads of the parent.
        close_all_but([raw.status]);
        loop {
            let mut status: libc::c_int = 0;
            let r = libc::waitpid(-1, &mut status, 0);
            if r == child as libc::pid_t {
                let bytes = status.to_ne_bytes();
                libc::write(raw.status, bytes.as_ptr().cast(), bytes.len());
                libc::_exit(0);
            }
            if r < 0 && errno() != libc::EINTR {
                libc::_exit(INIT_WAIT_FAILED);
            }
        }
    }
}

/// Moves the calling process into a new network namespace; retries
/// `ENOSPC` and `EAGAIN` (a limit other tests hold for a moment) with
/// backoff for `retry_ms`. Returns 0 or the errno.
///
/// # Safety
/// Async-signal-safe: raw `unshare`, `clock_gettime` and `nanosleep`.
unsafe fn unshare_netns(retry_ms: i64) -> i32 {
    // SAFETY: syscalls on locals only.
    unsafe {
        let now_ms = || {
            let mut t: libc::timespec = std::mem::zeroed();
            libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t);
            t.tv_sec * 1000 + t.tv_nsec / 1_000_000
        };
        let until = now_ms().saturating_add(retry_ms);
        let mut pause_ms = 1;
        loop {
            if libc::unshare(libc::CLONE_NEWNET) == 0 {
                return 0;
            }
            let e = errno();
            if (e != libc::ENOSPC && e != libc::EAGAIN) || now_ms() + pause_ms > until {
                return e;
            }
            let pause = libc::timespec {
                tv_sec: 0,
                tv_nsec: pause_ms * 1_000_000,
            };
            libc::nanosleep(&pause, std::ptr::null_mut());
            pause_ms = (pause_ms * 2).min(100);
        }
    }
}

/// Stops mount propagation between the sandbox and the machine, then makes
/// [`MOUNTS`]. `false` if the first step failed (as root without a user
/// namespace, a mount in the sandbox would then appear on the machine).
///
/// # Safety
/// Async-signal-safe: raw `mount(2)` calls on static strings. Must run in the
/// sandbox's own mount namespace.
unsafe fn isolate_mounts() -> bool {
    // SAFETY: mount(2) with static NUL-terminated strings or nulls.
    unsafe {
        if libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            return false;
        }
        let mut previous = true;
        for m in &MOUNTS {
            if m.after_previous && !previous {
                continue;
            }
            // A refusal keeps the machine's view, read-only to the sandbox.
            previous = libc::mount(
                m.source.as_ptr(),
                m.target.as_ptr(),
                m.fstype.as_ptr(),
                m.flags,
                m.data.as_ptr().cast(),
            ) == 0;
        }
    }
    true
}

/// `clone(flags | SIGCHLD)` with no new stack: fork-like.
///
/// # Safety
/// As for `fork(2)`: if the result is 0 this is the child, a copy of the
/// calling thread only, which must make only async-signal-safe calls and
/// must end with `_exit` or `execve`.
pub(crate) unsafe fn clone(flags: libc::c_int) -> libc::c_long {
    let flags = (flags | libc::SIGCHLD) as libc::c_ulong;
    // SAFETY: the caller takes on fork's rules for the child; the unused
    // arguments (stack, parent_tid, child_tid, tls) are null.
    unsafe { libc::syscall(libc::SYS_clone, flags, 0usize, 0usize, 0usize, 0usize) }
}

/// Closes every file descriptor from 3 up except those in `keep`.
///
/// # Safety
/// Async-signal-safe (no allocation: `keep` is sorted in place); the caller
/// must not use any other descriptor afterwards.
pub(crate) unsafe fn close_all_but<const N: usize>(mut keep: [RawFd; N]) {
    keep.sort_unstable();
    let mut from: libc::c_uint = 3;
    let mut closed = true;
    for k in keep.map(|fd| fd.max(0) as libc::c_uint) {
        if k < from {
            continue;
        }
        if k > from {
            // SAFETY: close_range only releases descriptors.
            closed &= unsafe { libc::syscall(libc::SYS_close_range, from, k - 1, 0u32) } == 0;
        }
        from = k + 1;
    }
    // SAFETY: as above.
    closed &= unsafe { libc::syscall(libc::SYS_close_range, from, libc::c_uint::MAX, 0u32) } == 0;
    if !closed {
        // Kernels before 5.9: close what a test process plausibly has.
        for fd in 3..4096 {
            if !keep.contains(&fd) {
                // SAFETY: close only releases a descriptor.
                unsafe { libc::close(fd) };
            }
        }
    }
}

/// The calling thread's `errno`.
///
/// # Safety
/// Async-signal-safe; reads thread-local memory only.
pub(crate) unsafe fn errno() -> i32 {
    // SAFETY: __errno_location returns a valid pointer to this thread's errno.
    unsafe { *libc::__errno_location() }
}

/// Waits for the parent's byte on `go`; `false` if it closed the pipe.
///
/// # Safety
/// Async-signal-safe; `go` must be an open descriptor.
pub(crate) unsafe fn wait_for_go(go: RawFd) -> bool {
    let mut byte = 0u8;
    loop {
        // SAFETY: reads one byte into a local.
        let n = unsafe { libc::read(go, (&mut byte as *mut u8).cast(), 1) };
        // SAFETY: see `errno`.
        if n < 0 && unsafe { errno() } == libc::EINTR {
            continue;
        }
        return n == 1;
    }
}

/// Whether every write end of pipe `fd` is closed (the parent is gone).
///
/// # Safety
/// Async-signal-safe: one `poll` on a local; `fd` must be open.
unsafe fn parent_gone(fd: RawFd) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll(2) on one pollfd of ours, without waiting.
    let ready = unsafe { libc::poll(&mut pfd, 1, 0) };
    ready == 1 && pfd.revents & libc::POLLHUP != 0
}

/// PID 2: wire up stdio and exec the test binary.
///
/// # Safety
/// As for `init_main`.
unsafe fn exec_main(raw: &Raw) -> ! {
    // SAFETY (whole function): only raw syscalls on prepared memory.
    unsafe {
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        );
        // dup2 clears close-on-exec on the new descriptor.
        libc::dup2(raw.stdout, 1);
        libc::dup2(raw.stderr, 2);
        libc::fcntl(raw.outcome, libc::F_SETFD, 0);
        // The parent's test thread may have signals blocked; the test should not.
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        if let Some(call) = raw.call {
            // A fork of the single-threaded fork server: the test's own
            // process, dumpable as a process after execve would be.
            libc::prctl(libc::PR_SET_DUMPABLE, 1 as libc::c_ulong, 0, 0, 0);
            call(raw.call_data);
        }
        libc::execve(raw.path, raw.argv, raw.envp);
        let msg = b"netns-test: execve of the test binary failed\n";
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::_exit(EXEC_FAILED);
    }
}

/// Starts `cmd` as a plain child of the calling thread (no new namespace),
/// which dies with that thread (`PR_SET_PDEATHSIG`) and inherits `keep`
/// across its `execve`. Unlike `std::process::Command::spawn`, this does
/// not learn of the exec's success from a pipe's end of file, which a
/// process forked at the same moment by another thread could hold open for
/// as long as it lives; the caller learns it from what the program does.
pub(crate) fn spawn_detached(cmd: &Command, keep: RawFd) -> io::Result<Pid> {
    let raw = (
        cmd.path.as_ptr(),
        cmd.argv_ptrs.as_ptr(),
        cmd.envp_ptrs.as_ptr(),
    );
    // SAFETY: a fork-like clone; the child makes only async-signal-safe raw
    // syscalls on memory prepared before it (`raw` points into `cmd`) and
    // ends in execve or _exit.
    match unsafe { clone(0) } {
        -1 => Err(io::Error::last_os_error()),
        // SAFETY: we are the freshly cloned child; see above.
        0 => unsafe {
            libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            );
            libc::fcntl(keep, libc::F_SETFD, 0);
            let mut empty: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut empty);
            libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
            libc::execve(raw.0, raw.1, raw.2);
            libc::_exit(EXEC_FAILED)
        },
        pid => Ok(Pid::from_raw(pid as libc::pid_t)),
    }
}

/// Builds a `std::process::Command` whose process enters the network
/// namespace `netns` before it execs.
pub(crate) fn command_in_netns(program: &std::ffi::OsStr, netns: OwnedFd) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(program);
    // SAFETY: the hook runs between fork and exec in the new process; it makes
    // one setns(2) syscall on a descriptor owned by the closure, and turns its
    // failure into an io::Error without allocating (from_raw_os_error).
    unsafe {
        cmd.pre_exec(move || {
            if libc::setns(netns.as_raw_fd(), libc::CLONE_NEWNET) == 0 {
                Ok(())
            } else {
                Err(io::Error::from_raw_os_error(errno()))
            }
        });
    }
    cmd
}

/// Takes ownership of the descriptor the parent passed by number, after
/// checking that it is open, and marks it close-on-exec so that processes the
/// test starts do not inherit it.
pub(crate) fn take_inherited_fd(fd: RawFd) -> io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: F_GETFD only queries flags; it fails with EBADF if `fd` is not open.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is open, was created by the parent for this purpose and
    // nothing else in this process knows its number, so ownership is unique.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    nix::fcntl::fcntl(
        &owned,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )?;
    Ok(owned)
}

/// A pidfd for our child `pid`: it polls readable once the child has exited.
/// Fails with `ENOSYS` on kernels before 5.3. The descriptor is close-on-exec.
pub(crate) fn pidfd_open(pid: Pid) -> io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open(2) takes a pid and flags (none) and returns a new
    // descriptor or -1; it touches no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0u32) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just made this descriptor for us; nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}
