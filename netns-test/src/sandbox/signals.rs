//! Fatal signals in the child: report the network's state, then die of the
//! same signal.
//!
//! The handler cannot read netlink itself (that allocates), so it wakes the
//! child's watchdog thread through a pipe, waits a bounded time for it to
//! send the state to the parent, and then re-raises the signal with its
//! default action, so the parent still sees `SIGABRT`, `SIGSEGV`, ...
#![allow(unsafe_code)]

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The signals that end a process with a core dump by default: a crash.
pub(crate) const FATAL: [libc::c_int; 7] = [
    libc::SIGABRT,
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGTRAP,
    libc::SIGSYS,
];

/// How long a crashing thread waits for the state to be sent.
const ACK_WAIT_MS: libc::c_int = 3000;

static WAKE: AtomicI32 = AtomicI32::new(-1);
static ACK: AtomicI32 = AtomicI32::new(-1);
static REPORTED: AtomicBool = AtomicBool::new(false);
/// The handlers that were in place before ours (Rust's stack overflow
/// handler for SIGSEGV and SIGBUS), indexed like [`FATAL`]. Written once
/// before the handlers are installed, only read afterwards.
static mut PREVIOUS: [Option<libc::sigaction>; 7] = [None; 7];

/// Installs the crash handlers. `wake` is the write end of the watchdog's
/// pipe (the handler writes the signal number there); `ack` is the read end
/// of a pipe the watchdog writes one byte to once the state is sent. Call
/// once, before the test body runs.
pub(crate) fn install(wake: RawFd, ack: RawFd) -> io::Result<()> {
    WAKE.store(wake, Ordering::SeqCst);
    ACK.store(ack, Ordering::SeqCst);
    for (i, &sig) in FATAL.iter().enumerate() {
        // SAFETY: sigaction(2) with a zeroed, then filled struct; the handler
        // only makes async-signal-safe calls. PREVIOUS is written here, on
        // one thread, before our handler for `sig` is live, and the handler
        // only reads it.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, &action, &mut previous) != 0 {
                return Err(io::Error::last_os_error());
            }
            (*std::ptr::addr_of_mut!(PREVIOUS))[i] = Some(previous);
        }
    }
    Ok(())
}

extern "C" fn on_fatal(sig: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY (whole function): only async-signal-safe calls (write, poll,
    // read, sigaction, raise) on values prepared before the handler was
    // installed; PREVIOUS is no longer written once handlers are live.
    unsafe {
        if !REPORTED.swap(true, Ordering::SeqCst) {
            let byte = sig as u8;
            let wake = WAKE.load(Ordering::SeqCst);
            if libc::write(wake, (&byte as *const u8).cast(), 1) == 1 {
                let mut pfd = libc::pollfd {
                    fd: ACK.load(Ordering::SeqCst),
                    events: libc::POLLIN,
                    revents: 0,
                };
                if libc::poll(&mut pfd, 1, ACK_WAIT_MS) == 1 {
                    let mut ack = 0u8;
                    libc::read(pfd.fd, (&mut ack as *mut u8).cast(), 1);
                }
            }
        }
        // Let Rust's own handler speak first (it reports a stack overflow,
        // then aborts), then die of this signal with the default action.
        let index = FATAL.iter().position(|&s| s == sig);
        let previous = index.and_then(|i| (*std::ptr::addr_of!(PREVIOUS))[i]);
        if let Some(previous) = previous {
            let handler = previous.sa_sigaction;
            if previous.sa_flags & libc::SA_SIGINFO != 0
                && handler != libc::SIG_DFL
                && handler != libc::SIG_IGN
            {
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(handler);
                f(sig, info, context);
            }
        }
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &default, std::ptr::null_mut());
        // Pending until this handler returns (the signal is blocked while it
        // runs), then delivered with the default action: the process dies.
        libc::raise(sig);
    }
}

/// While it lives, SIGINT and SIGQUIT are ignored by this process (a program
/// waiting for what runs in a sandbox: an interrupt at the terminal is for
/// that, and this process passes its end on). The dispositions before are
/// restored on drop. Ignored dispositions survive `execve`, so programs are
/// started before one is made, never while it lives.
pub(crate) struct IgnoreInterrupts {
    previous: [Option<libc::sigaction>; 2],
}

const INTERRUPTS: [libc::c_int; 2] = [libc::SIGINT, libc::SIGQUIT];

impl IgnoreInterrupts {
    pub(crate) fn new() -> IgnoreInterrupts {
        let mut previous = [None; 2];
        for (slot, sig) in previous.iter_mut().zip(INTERRUPTS) {
            // SAFETY: sigaction(2) with a zeroed struct set to SIG_IGN (no
            // handler runs) and a zeroed struct for the old action.
            unsafe {
                let mut ignore: libc::sigaction = std::mem::zeroed();
                ignore.sa_sigaction = libc::SIG_IGN;
                libc::sigemptyset(&mut ignore.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, &ignore, &mut old) == 0 {
                    *slot = Some(old);
                }
            }
        }
        IgnoreInterrupts { previous }
    }
}

impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        for (old, sig) in self.previous.iter().zip(INTERRUPTS) {
            if let Some(old) = old {
                // SAFETY: puts back the action sigaction(2) gave us.
                unsafe { libc::sigaction(sig, old, std::ptr::null_mut()) };
            }
        }
    }
}
