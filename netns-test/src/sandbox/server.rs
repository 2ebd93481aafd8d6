//! The fork server: a test costs a fork, not an exec.
//!
//! On its first sandboxed test, a test process starts one helper by
//! executing its own binary with `NETNS_TEST_SERVE` set. A constructor in
//! `.init_array` sees the variable before libtest's `main` and never lets
//! `main` run: the helper only serves, on one thread. For each test the
//! libtest thread sends it a request on a `SOCK_SEQPACKET` socket (which
//! test, its environment and directory, and the pipes for output, outcome,
//! status and release, as `SCM_RIGHTS`); the server clones the sandbox as
//! `spawn.rs` does, with `CLONE_PARENT`, so that the sandbox's PID 1 is a
//! child of the test process, which writes its id maps, releases it, waits
//! for it and reaps it exactly as for an executed child. PID 2 calls the
//! test body directly: no `execve`, no loader, no listing of the binary's
//! tests.
//!
//! Tests are found by address: the request carries the body's and the
//! `TestDef`'s offsets from a function of this crate, and the server, an
//! image of the same file (it executed `/proc/self/exe`), adds them to its
//! own address of that function. No registry, and a lookup that costs the
//! same in a binary of 50 tests as in one of 2000.
//!
//! Every test starts from a clean process image: the server never runs a
//! test itself, so each sandbox is a fork of the same untouched process,
//! given the test process's environment and directory of the moment.
//!
//! The server dies with the test process: `PR_SET_PDEATHSIG` ties it to a
//! keeper thread of the test process that lives as long as the process, and
//! the end of file on its socket ends it too. Each sandbox's PID 1 is tied
//! to the same thread. A server that dies fails the tests waiting for it
//! with that reason; later tests execute the test binary as before.
#![allow(unsafe_code)]

use std::ffi::{OsStr, OsString};
use std::io::{self, IoSlice, IoSliceMut, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::{Mutex, OnceLock};

use nix::sys::socket::{
    recvmsg, sendmsg, socketpair, AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags,
    SockFlag, SockType,
};
use nix::unistd::Pid;

use super::{child, config, spawn};
use crate::__private::TestDef;
use crate::Net;

/// Set in the server's environment to the number of its socket.
const SERVE: &str = "NETNS_TEST_SERVE";
/// `0` turns the fork server off (every test executes the test binary).
pub(crate) const FORK_SERVER: &str = "NETNS_TEST_FORK_SERVER";
/// The descriptors a request passes, in this order.
const FDS: usize = 6;
/// The largest request: its environment is the bulk.
const MAX_REQUEST: usize = 1 << 20;

/// A test body, as the runtime calls it.
type Body = fn(&Net) -> Result<(), String>;

/// Runs the server instead of `main` in a process started to serve.
#[used]
#[link_section = ".init_array"]
static SERVE_BEFORE_MAIN: extern "C" fn() = serve_if_asked;

extern "C" fn serve_if_asked() {
    let Some(fd) = std::env::var_os(SERVE) else {
        return;
    };
    let Some(fd) = fd.to_str().and_then(|f| f.parse::<RawFd>().ok()) else {
        std::process::exit(2);
    };
    std::env::remove_var(SERVE);
    // SAFETY: the test process passed this descriptor, open, for us alone.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    serve(socket)
}

/// The address all offsets are taken from.
fn anchor() -> usize {
    serve_if_asked as *const () as usize
}

// ---- the test process's side -------------------------------------------------

/// The test process's connection to its server.
struct Client {
    socket: OwnedFd,
}

/// The server of this test process, started on first use; `None` where it
/// is off, could not start, or died.
fn client() -> Option<&'static Mutex<Option<Client>>> {
    static CLIENT: OnceLock<Mutex<Option<Client>>> = OnceLock::new();
    if !wanted() {
        return None;
    }
    Some(CLIENT.get_or_init(|| Mutex::new(start().ok())))
}

/// Whether this process should use a server: not when `NETNS_TEST_FORK_SERVER=0`,
/// and not under nextest's process-per-test mode, where a process runs one
/// test and a server would only cost.
fn wanted() -> bool {
    let off = std::env::var_os(FORK_SERVER).is_some_and(|v| v == "0");
    let one_test =
        std::env::var_os("NEXTEST_EXECUTION_MODE").is_some_and(|v| v == "process-per-test");
    !off && !one_test
}

/// How long a new server gets to say it is ready; past that, the test
/// process executes the test binary for every test instead.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Starts the server from a keeper thread that lives as long as the
/// process (the server's and the sandboxes' parent-death signal follow
/// that thread), and waits for the server's first message: it is ready.
fn start() -> io::Result<Client> {
    let (ours, theirs) = socketpair(
        AddressFamily::Unix,
        SockType::SeqPacket,
        None,
        SockFlag::SOCK_CLOEXEC,
    )?;
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("netns-test fork server".into())
        .spawn(move || keep(theirs, started_tx))?;
    let pid = started_rx
        .recv()
        .map_err(|_| io::Error::other("the fork server's keeper thread ended"))??;
    // The first message says the server runs (our end of the socket may be
    // held by processes forked meanwhile, so its end of file proves nothing).
    let mut pfd = [nix::poll::PollFd::new(
        std::os::fd::AsFd::as_fd(&ours),
        nix::poll::PollFlags::POLLIN,
    )];
    let timeout =
        nix::poll::PollTimeout::try_from(READY_TIMEOUT).unwrap_or(nix::poll::PollTimeout::MAX);
    let mut hello = [0u8; 1];
    let ready = matches!(nix::poll::poll(&mut pfd, timeout), Ok(1..))
        && matches!(nix::unistd::read(&ours, &mut hello), Ok(1));
    if !ready {
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        return Err(io::Error::other("the fork server did not start"));
    }
    Ok(Client { socket: ours })
}

/// `/proc/self/exe --netns-test-fork-server` (named as the test binary, so
/// that `ps` shows whose server it is) with `NETNS_TEST_SERVE=<fd>`.
fn server_command(fd: RawFd) -> io::Result<spawn::Command> {
    let exe = std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into());
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| k != SERVE && !config::INTERNAL.iter().any(|v| k == v))
        .collect();
    env.push((SERVE.into(), fd.to_string().into()));
    spawn::Command::new(
        "/proc/self/exe".into(),
        vec![exe.into(), "--netns-test-fork-server".into()],
        env,
    )
}

/// Starts the server, then waits for it for the rest of the process's life.
fn keep(theirs: OwnedFd, started: std::sync::mpsc::Sender<io::Result<Pid>>) {
    let spawned = server_command(theirs.as_raw_fd())
        .and_then(|cmd| spawn::spawn_detached(&cmd, theirs.as_raw_fd()));
    drop(theirs);
    let pid = match spawned {
        Ok(pid) => pid,
        Err(e) => {
            let _ = started.send(Err(e));
            return;
        }
    };
    let _ = started.send(Ok(pid));
    // Reap the server when it ends (with this process, or earlier if it
    // dies; requests then fail and later tests execute the test binary).
    let _ = nix::sys::wait::waitpid(pid, None);
    // Stay alive: the sandboxes' parent-death signal follows this thread.
    loop {
        std::thread::park();
    }
}

/// What the test process asks of the server for one test.
pub(crate) struct Request<'a> {
    pub(crate) def: &'static TestDef,
    pub(crate) body: Body,
    pub(crate) name: &'a str,
    pub(crate) user_namespace: bool,
    pub(crate) netns_retry_ms: u64,
    /// The environment of the child, `NETNS_TEST_*` internals included.
    pub(crate) env: Vec<(OsString, OsString)>,
    /// The child's output, outcome, status and release pipes, as `spawn`
    /// gives them to a clone.
    pub(crate) fds: [RawFd; 5],
}

/// Why the server did not start a sandbox.
pub(crate) enum Refused {
    /// There is no server: execute the test binary instead.
    NoServer,
    /// The clone failed with this errno.
    Clone(io::Error),
    /// The server died while serving: the test fails with this.
    Died(String),
}

/// Asks the server to start a sandbox; returns the pid of its PID 1, a
/// child of this process.
pub(crate) fn request(req: &Request<'_>) -> Result<Pid, Refused> {
    let Some(client) = client() else {
        return Err(Refused::NoServer);
    };
    let Ok(payload) = encode(req) else {
        // Too large for a request: this test executes the test binary.
        return Err(Refused::NoServer);
    };
    let (mut reply_r, reply_w) = match spawn::pipe() {
        Ok(pipe) => (std::fs::File::from(pipe.0), pipe.1),
        Err(e) => return Err(Refused::Clone(e)),
    };
    {
        let mut guard = client.lock().unwrap_or_else(|p| p.into_inner());
        let Some(server) = guard.as_ref() else {
            return Err(Refused::NoServer);
        };
        let fds: [RawFd; FDS] = [
            req.fds[0],
            req.fds[1],
            req.fds[2],
            req.fds[3],
            req.fds[4],
            reply_w.as_raw_fd(),
        ];
        let sent = sendmsg::<()>(
            server.socket.as_raw_fd(),
            &[IoSlice::new(&payload)],
            &[ControlMessage::ScmRights(&fds)],
            MsgFlags::MSG_NOSIGNAL,
            None,
        );
        if let Err(nix::errno::Errno::EMSGSIZE) = sent {
            // An environment too large for one message: this test executes
            // the test binary; the server stays for the others.
            return Err(Refused::NoServer);
        }
        if let Err(e) = sent {
            // Gone: later tests execute the test binary.
            *guard = None;
            return Err(Refused::Died(format!(
                "the fork server could not be reached ({e}); it has died"
            )));
        }
    }
    drop(reply_w);
    let mut answer = [0u8; 4];
    if reply_r.read_exact(&mut answer).is_err() {
        *client.lock().unwrap_or_else(|p| p.into_inner()) = None;
        return Err(Refused::Died(
            "the fork server died before it started the sandbox (it never answered)".into(),
        ));
    }
    match i32::from_ne_bytes(answer) {
        pid @ 1.. => Ok(Pid::from_raw(pid)),
        errno => Err(Refused::Clone(io::Error::from_raw_os_error(-errno))),
    }
}

/// The request's bytes: the flags, the offsets, then length-prefixed
/// strings (name, then `KEY=VALUE` pairs).
fn encode(req: &Request<'_>) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.push(u8::from(req.user_namespace));
    out.extend_from_slice(&req.netns_retry_ms.to_ne_bytes());
    let offset = |addr: usize| (addr as i64).wrapping_sub(anchor() as i64);
    out.extend_from_slice(&offset(req.body as *const () as usize).to_ne_bytes());
    out.extend_from_slice(&offset(req.def as *const TestDef as usize).to_ne_bytes());
    let mut put = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_ne_bytes());
        out.extend_from_slice(bytes);
    };
    put(req.name.as_bytes());
    for (k, v) in &req.env {
        let mut pair = k.as_bytes().to_vec();
        pair.push(b'=');
        pair.extend_from_slice(v.as_bytes());
        put(&pair);
    }
    if out.len() > MAX_REQUEST {
        return Err(io::Error::other(
            "the environment is too large for a request",
        ));
    }
    Ok(out)
}

// ---- the server's side ---------------------------------------------------------

/// A request as the server read it.
struct Served {
    user_namespace: bool,
    netns_retry_ms: u64,
    body: Body,
    def: &'static TestDef,
    name: String,
    env: Vec<OsString>,
}

/// Says it is ready, then serves until the test process closes its end,
/// then exits.
fn serve(socket: OwnedFd) -> ! {
    if nix::unistd::write(&socket, &[1]).is_err() {
        std::process::exit(0);
    }
    let mut buf = vec![0u8; MAX_REQUEST];
    loop {
        let mut space = nix::cmsg_space!([RawFd; FDS]);
        let mut iov = [IoSliceMut::new(&mut buf)];
        let received = recvmsg::<()>(
            socket.as_raw_fd(),
            &mut iov,
            Some(&mut space),
            MsgFlags::MSG_CMSG_CLOEXEC,
        );
        let (len, fds) = match received {
            Ok(msg) if msg.bytes == 0 => std::process::exit(0),
            Ok(msg) => {
                let mut fds = Vec::new();
                if let Ok(cmsgs) = msg.cmsgs() {
                    for cmsg in cmsgs {
                        if let ControlMessageOwned::ScmRights(r) = cmsg {
                            fds.extend(r);
                        }
                    }
                }
                (msg.bytes, fds)
            }
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => std::process::exit(0),
        };
        // SAFETY: the kernel just installed these descriptors for us.
        let fds: Vec<OwnedFd> = fds
            .into_iter()
            .map(|fd| unsafe { OwnedFd::from_raw_fd(fd) })
            .collect();
        let Ok(fds) = <[OwnedFd; FDS]>::try_from(fds) else {
            continue; // not a request of ours: its descriptors close here
        };
        let answer = match decode(&buf[..len]) {
            Some(served) => start_sandbox(&served, &fds),
            None => -libc::EINVAL,
        };
        let _ = nix::unistd::write(&fds[5], &answer.to_ne_bytes());
    }
}

/// Reads a request; `None` if it is malformed.
fn decode(mut bytes: &[u8]) -> Option<Served> {
    fn take<'b>(bytes: &mut &'b [u8], n: usize) -> Option<&'b [u8]> {
        let (head, tail) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = tail;
        Some(head)
    }
    let user_namespace = take(&mut bytes, 1)?[0] != 0;
    let netns_retry_ms = u64::from_ne_bytes(take(&mut bytes, 8)?.try_into().ok()?);
    let body_offset = i64::from_ne_bytes(take(&mut bytes, 8)?.try_into().ok()?);
    let def_offset = i64::from_ne_bytes(take(&mut bytes, 8)?.try_into().ok()?);
    let mut strings = Vec::new();
    while !bytes.is_empty() {
        let len = u32::from_ne_bytes(take(&mut bytes, 4)?.try_into().ok()?) as usize;
        strings.push(take(&mut bytes, len)?.to_vec());
    }
    let mut strings = strings.into_iter();
    let name = String::from_utf8(strings.next()?).ok()?;
    let at = |offset: i64| (anchor() as i64).wrapping_add(offset) as usize;
    // SAFETY: this process is an image of the very file the test process
    // runs (it executed /proc/self/exe), so a function and a static lie at
    // the same offsets from `anchor` in both; the offsets come from the test
    // process over our private socket.
    let (body, def) = unsafe {
        (
            std::mem::transmute::<usize, Body>(at(body_offset)),
            &*(at(def_offset) as *const TestDef),
        )
    };
    Some(Served {
        user_namespace,
        netns_retry_ms,
        body,
        def,
        name,
        env: strings.map(OsString::from_vec).collect(),
    })
}

/// Clones the sandbox for `served`; returns its PID 1's pid or `-errno`.
fn start_sandbox(served: &Served, fds: &[OwnedFd; FDS]) -> i32 {
    let dup = |i: usize| {
        use std::os::fd::AsFd;
        fds[i].as_fd().try_clone_to_owned()
    };
    let child_fds = match (dup(0), dup(1), dup(2), dup(3), dup(4)) {
        (Ok(stdout), Ok(stderr), Ok(outcome), Ok(status), Ok(go)) => spawn::ChildFds {
            stdout,
            stderr,
            outcome,
            status,
            go,
            // The test process keeps the write end of `go`; we have none.
            go_parent: -1,
        },
        _ => return -libc::EMFILE,
    };
    let data = ChildData {
        served,
        outcome: child_fds.outcome.as_raw_fd(),
    };
    // SAFETY: this process has one thread (the server never starts any),
    // `data` lives on this stack until the clone returns, and `run_child`
    // never returns.
    let cmd =
        unsafe { spawn::Command::call(run_child, &data as *const ChildData<'_> as *const ()) };
    let namespaces = spawn::Namespaces {
        user: served.user_namespace,
        parent: true,
        netns_retry: std::time::Duration::from_millis(served.netns_retry_ms),
    };
    match spawn::clone_sandbox(&cmd, &child_fds, namespaces) {
        Ok(pid) => pid.as_raw(),
        Err(e) => -e.raw_os_error().unwrap_or(libc::EIO),
    }
}

/// What PID 2 needs, on the server's stack (copied into PID 2 by the fork).
struct ChildData<'a> {
    served: &'a Served,
    /// The outcome pipe's number in PID 2 (kept across the fork).
    outcome: RawFd,
}

/// PID 2 in a fork of the server: the test process's environment and
/// directory, then the test itself on a thread named after it, as libtest
/// names its test threads.
///
/// # Safety
/// `data` points to a live `ChildData` (copied into this process by the
/// fork); this process has one thread.
unsafe fn run_child(data: *const ()) -> ! {
    // SAFETY: see above.
    let data = unsafe { &*(data as *const ChildData<'_>) };
    let served = data.served;
    for (key, _) in std::env::vars_os() {
        std::env::remove_var(key);
    }
    for pair in &served.env {
        let bytes = pair.as_bytes();
        if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
            let (k, v) = (&bytes[..eq], &bytes[eq + 1..]);
            std::env::set_var(OsStr::from_bytes(k), OsStr::from_bytes(v));
        }
    }
    if let Some(dir) = std::env::var_os(config::CHILD_DIR) {
        let _ = std::env::set_current_dir(dir);
    }
    std::env::set_var(config::OUTCOME_FD, data.outcome.to_string());
    child::FORKED.store(true, std::sync::atomic::Ordering::Relaxed);
    let (def, body, name) = (served.def, served.body, served.name.clone());
    let test = std::thread::Builder::new()
        .name(name.clone())
        .spawn(move || -> () {
            child::run(
                def,
                &name,
                child::Source::Text(def.topology),
                Box::new(body),
            )
        });
    match test {
        Ok(handle) => {
            let _ = handle.join();
            std::process::exit(101)
        }
        Err(_) => child::run(
            served.def,
            &served.name,
            child::Source::Text(served.def.topology),
            Box::new(served.body),
        ),
    }
}
