//! The probe's helper process: the only place in the probe that clones.
//!
//! The parent serializes the netlink requests, clones the helper into the
//! namespaces a sandbox gets (user, network, PID, as `spawn.rs` does), writes
//! its id maps, and releases it. The helper opens a netlink socket, sends
//! each request and reads its ack, writes one record per step to a pipe
//! (the step's index and its errno, 0 for success) and exits; its namespaces
//! die with it. A clone that fails is retried one namespace type at a time,
//! to name the one the kernel refuses.
//!
//! Between `clone` and `_exit` the helper makes only async-signal-safe raw
//! syscalls on buffers prepared before the clone or on its stack: no
//! allocation, no locks, no formatting. The parent kills and reaps it on
//! every path.
#![allow(unsafe_code)]

use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use netlink_packet_core::NLMSG_ERROR;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{getegid, geteuid, pipe2, Pid};

use super::super::spawn::{clone, close_all_but, errno, wait_for_go};
use super::diagnosis::{IdMap, Step};
use super::requests::{self, Request, COUNT};

/// How long the parent waits for the helper's report before it gives up.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Exit code of the helper when the parent never released it.
const NO_GO: i32 = 120;
/// The helper's receive buffer: an ack echoes the request (under 128 bytes)
/// and may carry an extended-ack message.
const ACK_BUF: usize = 1024;
/// Datagrams the helper reads per request before it gives up on its ack.
const MAX_DATAGRAMS: usize = 8;
/// A report record: the step's index (u8), then its errno (i32, native
/// endian; 0 for success).
const RECORD: usize = 5;
/// The steps the helper reports: the socket, then each request.
const HELPER_STEPS: usize = 1 + COUNT;
/// Size of `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;

/// The step that failed, as the parent saw it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Failure {
    pub(super) step: Step,
    pub(super) errno: Errno,
    pub(super) detail: Option<String>,
}

impl Failure {
    fn new(step: Step, errno: Errno) -> Failure {
        Failure {
            step,
            errno,
            detail: None,
        }
    }

    fn io(step: Step, e: &io::Error, what: &str) -> Failure {
        match e.raw_os_error() {
            Some(code) => Failure::new(step, Errno::from_raw(code)),
            None => Failure {
                step,
                errno: Errno::UnknownErrno,
                detail: Some(format!("{what}: {e}")),
            },
        }
    }
}

/// Runs the probe: `Ok` when the helper got through every step.
pub(super) fn run(user_namespace: bool) -> Result<(), Failure> {
    let requests = requests::build();
    let first = if user_namespace {
        Step::CloneUserNs
    } else {
        Step::CloneNetNs
    };
    let (report_r, report_w) =
        pipe2(OFlag::O_CLOEXEC).map_err(|e| Failure::io(first, &e.into(), "make a pipe"))?;
    let (go_r, go_w) =
        pipe2(OFlag::O_CLOEXEC).map_err(|e| Failure::io(first, &e.into(), "make a pipe"))?;
    let raw = Raw {
        go: go_r.as_raw_fd(),
        report: report_w.as_raw_fd(),
        requests: requests.each_ref().map(|r| RawRequest {
            ptr: r.bytes.as_ptr(),
            len: r.bytes.len(),
            seq: r.seq,
        }),
    };
    let flags = namespaces(user_namespace, NAMESPACES.len());
    // SAFETY: a raw clone(2) without CLONE_VM behaves like fork(2): the child
    // gets a copy-on-write copy of this address space with only the calling
    // thread. The child runs `helper_main`, which makes only async-signal-safe
    // raw syscalls on memory prepared above (`raw`, and the request buffers
    // it points into, owned by `requests`) or on its own stack, never returns
    // and never unwinds, so no lock held by another thread and no allocator
    // state is touched.
    let helper = match unsafe { clone(flags) } {
        -1 => return Err(failed_clone(user_namespace, Errno::last())),
        // SAFETY: we are the freshly cloned child; see above.
        0 => unsafe { helper_main(&raw) },
        pid => Helper {
            pid: Pid::from_raw(pid as libc::pid_t),
            reaped: false,
        },
    };
    drop((report_w, go_r));

    if user_namespace {
        write_id_maps(helper.pid)?;
    }
    // One byte releases the helper. If it is already gone, the report says so.
    let _ = std::fs::File::from(go_w).write_all(&[1]);
    let (report, timed_out) = read_report(&report_r, helper.pid, ANSWER_TIMEOUT);
    let status = helper.reap();
    interpret(&requests, &report, timed_out, status)
}

/// The namespace types a sandbox gets, in the order the kernel makes them:
/// user (if used), network, PID, mount, UTS; with their steps.
const NAMESPACES: [(libc::c_int, Step); 5] = [
    (libc::CLONE_NEWUSER, Step::CloneUserNs),
    (libc::CLONE_NEWNET, Step::CloneNetNs),
    (libc::CLONE_NEWPID, Step::ClonePidNs),
    (libc::CLONE_NEWNS, Step::CloneMountNs),
    (libc::CLONE_NEWUTS, Step::CloneUtsNs),
];

/// The namespace types a sandbox gets, without the user namespace if it
/// uses none.
fn sandbox_namespaces(user_namespace: bool) -> &'static [(libc::c_int, Step)] {
    if user_namespace {
        &NAMESPACES
    } else {
        &NAMESPACES[1..]
    }
}

/// The clone flags of the first `n` namespace types a sandbox gets.
fn namespaces(user_namespace: bool, n: usize) -> libc::c_int {
    sandbox_namespaces(user_namespace)
        .iter()
        .take(n)
        .fold(0, |flags, (f, _)| flags | f)
}

/// Names the namespace type the kernel refuses, by cloning again with one
/// more type at a time; a child that is made exits at once.
fn failed_clone(user_namespace: bool, errno: Errno) -> Failure {
    let steps = sandbox_namespaces(user_namespace);
    for (n, &(_, step)) in steps.iter().enumerate() {
        // SAFETY: the child only calls `_exit`, which is async-signal-safe.
        match unsafe { clone(namespaces(user_namespace, n + 1)) } {
            -1 => return Failure::new(step, Errno::last()),
            // SAFETY: `_exit` never returns and runs no destructors or handlers.
            0 => unsafe { libc::_exit(0) },
            pid => {
                wait(Pid::from_raw(pid as libc::pid_t));
            }
        }
    }
    Failure {
        step: steps.last().map_or(Step::CloneUtsNs, |&(_, step)| step),
        errno,
        detail: Some(
            "cloned again one namespace type at a time, it worked: the failure may be transient"
                .into(),
        ),
    }
}

/// Maps root in the helper's user namespace to our own uid and gid, as the
/// sandbox does.
fn write_id_maps(pid: Pid) -> Result<(), Failure> {
    let maps = [
        (IdMap::Setgroups, "deny".to_string()),
        (IdMap::UidMap, format!("0 {} 1", geteuid())),
        (IdMap::GidMap, format!("0 {} 1", getegid())),
    ];
    for (map, text) in maps {
        std::fs::write(format!("/proc/{pid}/{}", map.file()), text)
            .map_err(|e| Failure::io(Step::WriteIdMaps(map), &e, map.file()))?;
    }
    Ok(())
}

/// The helper, seen from the parent: killed and reaped when dropped.
struct Helper {
    pid: Pid,
    reaped: bool,
}

impl Helper {
    /// Kills the helper if it still runs and reaps it.
    fn reap(mut self) -> Option<WaitStatus> {
        self.reaped = true;
        let _ = kill(self.pid, Signal::SIGKILL);
        wait(self.pid)
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = kill(self.pid, Signal::SIGKILL);
            wait(self.pid);
        }
    }
}

fn wait(pid: Pid) -> Option<WaitStatus> {
    loop {
        match waitpid(pid, None) {
            Err(Errno::EINTR) => continue,
            other => return other.ok(),
        }
    }
}

/// Reads the helper's records until it has exited (seen on its pidfd, or by
/// `waitpid` where there is none) or `timeout` passes; returns them and
/// whether time ran out. Not until the pipe's end of file: a process forked
/// elsewhere in the test binary while the pipe existed may hold its write
/// end for as long as it lives.
fn read_report(fd: &OwnedFd, helper: Pid, timeout: Duration) -> (Vec<u8>, bool) {
    let start = Instant::now();
    let pidfd = super::super::spawn::pidfd_open(helper).ok();
    let _ = nix::fcntl::fcntl(
        fd,
        nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
    );
    let mut report = Vec::new();
    let mut open = true;
    loop {
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            return (report, true);
        }
        let mut pfds = Vec::with_capacity(2);
        if open {
            pfds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
        }
        if let Some(pidfd) = &pidfd {
            pfds.push(PollFd::new(pidfd.as_fd(), PollFlags::POLLIN));
        }
        let wait = if pidfd.is_some() {
            left
        } else {
            left.min(Duration::from_millis(20))
        };
        match poll(
            &mut pfds,
            PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX),
        ) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return (report, false),
        }
        // Whether the helper has exited, checked before reading, so that a
        // `true` means everything it wrote is in the pipe.
        let exited = has_exited(helper);
        let mut buf = [0u8; 64];
        while open {
            match nix::unistd::read(fd, &mut buf) {
                Ok(0) => open = false,
                Ok(n) => report.extend_from_slice(buf.get(..n).unwrap_or_default()),
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => break,
                Err(_) => open = false,
            }
        }
        if exited || !open {
            return (report, false);
        }
    }
}

/// Whether our child `pid` has exited, without reaping it (that is left to
/// [`Helper::reap`]).
fn has_exited(pid: Pid) -> bool {
    // SAFETY: siginfo_t is plain data; zeroed is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waitid(2) with WNOWAIT only looks at our own child and writes
    // into `info`.
    let r = unsafe {
        libc::waitid(
            libc::P_PID,
            pid.as_raw() as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: si_pid may be read from a waitid answer; 0 means none yet.
    r == 0 && unsafe { info.si_pid() } != 0
}

/// Turns the helper's records into the probe's answer.
fn interpret(
    requests: &[Request; COUNT],
    report: &[u8],
    timed_out: bool,
    status: Option<WaitStatus>,
) -> Result<(), Failure> {
    // Each step with the errno that means success besides 0.
    let steps: [(Step, Option<Errno>); HELPER_STEPS] =
        std::array::from_fn(|i| match i.checked_sub(1) {
            None => (Step::NetlinkSocket, None),
            Some(r) => (requests[r].step, requests[r].success),
        });
    let mut done = 0;
    for record in report.chunks_exact(RECORD) {
        let (step, success) = steps
            .get(usize::from(record[0]))
            .copied()
            .unwrap_or((Step::NetlinkSocket, None));
        let errno = i32::from_ne_bytes([record[1], record[2], record[3], record[4]]);
        if errno != 0 && success != Some(Errno::from_raw(errno)) {
            return Err(Failure::new(step, Errno::from_raw(errno)));
        }
        done += 1;
    }
    let Some(&(step, _)) = steps.get(done) else {
        return Ok(());
    };
    Err(if timed_out {
        Failure {
            step,
            errno: Errno::ETIMEDOUT,
            detail: Some(format!(
                "the probe process did not answer within {ANSWER_TIMEOUT:?}"
            )),
        }
    } else {
        Failure {
            step,
            errno: Errno::UnknownErrno,
            detail: Some(format!("the probe process {}", ended(status))),
        }
    })
}

/// How a helper that did not finish its report ended.
fn ended(status: Option<WaitStatus>) -> String {
    match status {
        Some(WaitStatus::Exited(_, NO_GO)) => "was never released by the parent".into(),
        Some(WaitStatus::Exited(_, code)) => format!("exited with status {code} mid-step"),
        Some(WaitStatus::Signaled(_, signal, _)) => {
            format!(
                "was killed by signal {} ({})",
                signal as i32,
                signal.as_str()
            )
        }
        other => format!("ended without a report ({other:?})"),
    }
}

/// Everything the helper needs, as raw values prepared before the clone.
struct Raw {
    /// The helper waits for one byte here.
    go: RawFd,
    /// The helper writes its records here.
    report: RawFd,
    requests: [RawRequest; COUNT],
}

/// A serialized request, by address.
#[derive(Debug, Clone, Copy)]
struct RawRequest {
    ptr: *const u8,
    len: usize,
    seq: u32,
}

/// The helper process.
///
/// # Safety
/// Must only be called in a child freshly made by `clone` without
/// `CLONE_VM`, with `raw` pointing into memory prepared before the clone.
unsafe fn helper_main(raw: &Raw) -> ! {
    // SAFETY (whole function): only async-signal-safe raw syscalls, on memory
    // prepared before the clone or on this stack; `_exit` ends every path.
    unsafe {
        // Die with the parent thread; if it is already gone, `read` below
        // sees EOF because we close our copy of the write end first.
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            libc::SIGKILL as libc::c_ulong,
            0,
            0,
            0,
        );
        // Our copies of the parent's ends of both pipes go too, and so does
        // every descriptor inherited from other threads of the parent, so
        // that no one waits for EOF on a pipe because of us.
        close_all_but([raw.go, raw.report]);
        if !wait_for_go(raw.go) {
            libc::_exit(NO_GO);
        }
        let sock = libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            libc::NETLINK_ROUTE,
        );
        let errno = if sock < 0 { errno() } else { 0 };
        report(raw.report, 0, errno);
        if errno != 0 {
            libc::_exit(1);
        }
        // The parent decides which errno is a failure; the helper goes on.
        let mut buf = [0u8; ACK_BUF];
        let mut index = 0u8;
        for request in &raw.requests {
            index = index.wrapping_add(1);
            let errno = exchange(sock, request, &mut buf);
            report(raw.report, index, errno);
        }
        libc::_exit(0)
    }
}

/// Writes one record. A write of fewer than `PIPE_BUF` bytes to a pipe is
/// atomic; if it fails, the parent sees the report end early.
///
/// # Safety
/// Async-signal-safe; `fd` must be an open descriptor.
unsafe fn report(fd: RawFd, index: u8, errno: i32) {
    let e = errno.to_ne_bytes();
    let record: [u8; RECORD] = [index, e[0], e[1], e[2], e[3]];
    // SAFETY: writes from a local array of the length given.
    unsafe { libc::write(fd, record.as_ptr().cast(), record.len()) };
}

/// Sends `request` and returns the errno its ack carries (0 for success),
/// or the errno of `send`/`recv`.
///
/// # Safety
/// Async-signal-safe; `request` must point into memory valid for its length.
unsafe fn exchange(sock: RawFd, request: &RawRequest, buf: &mut [u8; ACK_BUF]) -> i32 {
    loop {
        // SAFETY: `request` points to `len` initialized bytes prepared before the clone.
        if unsafe { libc::send(sock, request.ptr.cast(), request.len, 0) } >= 0 {
            break;
        }
        // SAFETY: see `errno`.
        match unsafe { errno() } {
            libc::EINTR => continue,
            e => return e,
        }
    }
    let mut datagrams = 0;
    while datagrams < MAX_DATAGRAMS {
        // SAFETY: receives at most `buf.len()` bytes into `buf`.
        let n = unsafe { libc::recv(sock, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            // SAFETY: see `errno`.
            match unsafe { errno() } {
                libc::EINTR => continue,
                e => return e,
            }
        }
        datagrams += 1;
        if let Some(code) = ack_errno(buf.get(..n as usize).unwrap_or_default(), request.seq) {
            return code;
        }
    }
    libc::EPROTO
}

/// The errno carried by the ack of request `seq` in `datagram` (0 for
/// success), or `None` if the datagram holds no ack of it. Allocates
/// nothing and cannot panic: the helper calls it.
fn ack_errno(mut datagram: &[u8], seq: u32) -> Option<i32> {
    while let Some(header) = datagram.get(..NLMSG_HDRLEN) {
        let header: [u8; NLMSG_HDRLEN] = header.try_into().ok()?;
        let len = u32::from_ne_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = u16::from_ne_bytes([header[4], header[5]]);
        let msg_seq = u32::from_ne_bytes([header[8], header[9], header[10], header[11]]);
        if kind == NLMSG_ERROR && msg_seq == seq {
            let code: [u8; 4] = datagram
                .get(NLMSG_HDRLEN..NLMSG_HDRLEN + 4)?
                .try_into()
                .ok()?;
            return Some(i32::from_ne_bytes(code).saturating_neg());
        }
        if len < NLMSG_HDRLEN {
            return None;
        }
        datagram = datagram.get((len + 3) & !3..)?;
    }
    None
}

#[cfg(test)]
mod helper_should {
    use super::*;

    #[rustfmt::skip]
    const ERROR_ACK: [u8; 36] = [
        0x24, 0x00, 0x00, 0x00, // len 36
        0x02, 0x00, 0x00, 0x01, // type NLMSG_ERROR, flags CAPPED
        0x02, 0x00, 0x00, 0x00, // seq 2
        0x00, 0x00, 0x00, 0x00, // port id
        0xa1, 0xff, 0xff, 0xff, // error -95: EOPNOTSUPP
        0x60, 0x00, 0x00, 0x00, // echoed header: len 96
        0x10, 0x00, 0x05, 0x06, // type RTM_NEWLINK, flags
        0x02, 0x00, 0x00, 0x00, // seq 2
        0x00, 0x00, 0x00, 0x00, // port id
    ];

    #[test]
    fn read_the_errno_of_the_matching_ack() {
        assert_eq!(ack_errno(&ERROR_ACK, 2), Some(libc::EOPNOTSUPP));
        let mut success = ERROR_ACK;
        success[16..20].copy_from_slice(&[0; 4]);
        assert_eq!(ack_errno(&success, 2), Some(0));
    }

    #[test]
    fn skip_messages_that_are_not_the_ack_asked_for() {
        assert_eq!(ack_errno(&ERROR_ACK, 3), None);
        #[rustfmt::skip]
        let mut datagram = vec![
            0x11, 0x00, 0x00, 0x00, // len 17 (padded to 20)
            0x10, 0x00, 0x00, 0x00, // type RTM_NEWLINK: not an ack
            0x02, 0x00, 0x00, 0x00, // seq 2
            0x00, 0x00, 0x00, 0x00, // port id
            0x01, 0x00, 0x00, 0x00, // payload byte, padding
        ];
        datagram.extend_from_slice(&ERROR_ACK);
        assert_eq!(ack_errno(&datagram, 2), Some(libc::EOPNOTSUPP));
    }

    #[test]
    fn give_up_on_a_truncated_or_malformed_datagram() {
        assert_eq!(ack_errno(&ERROR_ACK[..18], 2), None);
        assert_eq!(ack_errno(&ERROR_ACK[..10], 2), None);
        let mut zero_length = ERROR_ACK;
        zero_length[..4].copy_from_slice(&[0; 4]);
        zero_length[4] = 0x10;
        assert_eq!(ack_errno(&zero_length, 2), None);
    }

    fn record(index: u8, errno: i32) -> Vec<u8> {
        let mut r = vec![index];
        r.extend_from_slice(&errno.to_ne_bytes());
        r
    }

    #[test]
    fn pass_when_every_step_reports_success() {
        let report: Vec<u8> = (0..4).flat_map(|i| record(i, 0)).collect();
        assert_eq!(interpret(&requests::build(), &report, false, None), Ok(()));
    }

    #[test]
    fn count_the_refused_bridge_address_as_success_and_only_there() {
        let bridge_refused = [
            record(0, 0),
            record(1, 0),
            record(2, 0),
            record(3, libc::EADDRNOTAVAIL),
        ]
        .concat();
        assert_eq!(
            interpret(&requests::build(), &bridge_refused, false, None),
            Ok(())
        );
        let veth_refused = [record(0, 0), record(1, 0), record(2, libc::EADDRNOTAVAIL)].concat();
        assert_eq!(
            interpret(&requests::build(), &veth_refused, false, None),
            Err(Failure::new(Step::CreateVeth, Errno::EADDRNOTAVAIL))
        );
    }

    #[test]
    fn name_the_first_step_that_reports_an_errno() {
        let report: Vec<u8> = [record(0, 0), record(1, 0), record(2, libc::EOPNOTSUPP)].concat();
        assert_eq!(
            interpret(&requests::build(), &report, false, None),
            Err(Failure::new(Step::CreateVeth, Errno::EOPNOTSUPP))
        );
    }

    #[test]
    fn blame_the_unfinished_step_when_the_helper_dies() {
        let status = WaitStatus::Signaled(Pid::from_raw(7), Signal::SIGSYS, false);
        assert_eq!(
            interpret(&requests::build(), &record(0, 0), false, Some(status)),
            Err(Failure {
                step: Step::LoUp,
                errno: Errno::UnknownErrno,
                detail: Some("the probe process was killed by signal 31 (SIGSYS)".into()),
            })
        );
        let hung = interpret(&requests::build(), &[], true, None).expect_err("no report");
        assert_eq!(
            (hung.step, hung.errno),
            (Step::NetlinkSocket, Errno::ETIMEDOUT)
        );
    }

    /// The children of the calling thread, zombies included.
    fn children_of_this_thread() -> String {
        std::fs::read_to_string("/proc/thread-self/children").unwrap_or_default()
    }

    #[test]
    fn pass_here_and_leave_no_process_behind() {
        let user_namespace = super::super::user_namespace_wanted();
        assert_eq!(run(user_namespace), Ok(()));
        assert_eq!(children_of_this_thread().trim(), "");
    }

    #[test]
    fn name_the_network_namespace_when_there_is_no_user_namespace_and_no_privilege() {
        let privileged = geteuid().is_root()
            && caps::has_cap(
                None,
                caps::CapSet::Effective,
                caps::Capability::CAP_SYS_ADMIN,
            )
            .unwrap_or(false);
        let result = run(false);
        if privileged {
            assert_eq!(result, Ok(()));
        } else {
            assert_eq!(result, Err(Failure::new(Step::CloneNetNs, Errno::EPERM)));
        }
        assert_eq!(children_of_this_thread().trim(), "");
    }
}
