//! The terminal on standard input, for programs that run inside a
//! sandbox in the foreground: a shell with job control, a command that
//! Ctrl-C should stop.
//!
//! A program started in a sandbox's PID namespace cannot see the process
//! group of the caller outside: a shell that saves "its" foreground group
//! at start and gives the terminal back to it at exit would find no such
//! group (dash then exits with status 2). So an interactive shell starts
//! as the leader of a process group of its own, made the terminal's
//! foreground group before it executes, as a shell does for a job, and
//! the caller takes the terminal back once it has ended; only when the
//! caller's group had the terminal (not when run with `&`). Other programs
//! stay in the caller's group, so Ctrl-Z stops the whole job and the
//! user's shell gets the terminal back.
#![allow(unsafe_code)]

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicU8, Ordering};

/// Whether this process's group had the terminal when it was asked:
/// unknown, yes, no. A session asks before it forks, so that its sandbox
/// (whose PID namespace cannot see the group) inherits the answer.
static OWNED: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

/// Notes now whether standard input is a terminal whose foreground process
/// group is this process's (a job in the foreground, not `&`).
pub(crate) fn note_owner() -> bool {
    use nix::unistd::{getpgrp, isatty, tcgetpgrp};
    let stdin = std::io::stdin();
    let ours = isatty(&stdin).unwrap_or(false) && tcgetpgrp(&stdin).is_ok_and(|fg| fg == getpgrp());
    OWNED.store(if ours { YES } else { NO }, Ordering::Relaxed);
    ours
}

/// Whether this process's group has the terminal (as noted, else now).
pub(crate) fn owned() -> bool {
    match OWNED.load(Ordering::Relaxed) {
        UNKNOWN => note_owner(),
        state => state == YES,
    }
}

/// When this process's group has the terminal, makes `command`'s process
/// the leader of a new process group and the terminal's foreground group
/// before it executes, as a shell starts a job. Otherwise (no terminal,
/// or run in the background) nothing changes.
pub(crate) fn lead(command: &mut Command) {
    if !owned() {
        return;
    }
    // SAFETY: the hook runs between fork and exec in the new process and
    // makes only async-signal-safe calls (setpgid, sigprocmask,
    // tcsetpgrp, getpid) on locals.
    unsafe {
        command.pre_exec(|| {
            libc::setpgid(0, 0);
            // A background group may only take the terminal with SIGTTOU
            // blocked; the mask is put back before exec.
            let mut ttou: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut ttou);
            libc::sigaddset(&mut ttou, libc::SIGTTOU);
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigprocmask(libc::SIG_BLOCK, &ttou, &mut old);
            libc::tcsetpgrp(0, libc::getpid());
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
            Ok(())
        });
    }
}

/// Gives the terminal on standard input back to this process's group, if
/// it had it and a program that ran inside (a shell with job control) left
/// another group in the foreground. `SIGTTOU`, which a background group gets for trying,
/// is blocked meanwhile.
pub(crate) fn reclaim() {
    use nix::sys::signal::{sigprocmask, SigSet, SigmaskHow, Signal};
    use nix::unistd::{getpgrp, tcgetpgrp, tcsetpgrp};
    // Never take it from the user's shell when we ran in the background.
    if OWNED.load(Ordering::Relaxed) != YES {
        return;
    }
    let stdin = std::io::stdin();
    let ours = getpgrp();
    if tcgetpgrp(&stdin).map_or(true, |fg| fg == ours) {
        return;
    }
    let mut ttou = SigSet::empty();
    ttou.add(Signal::SIGTTOU);
    let mut old = SigSet::empty();
    if sigprocmask(SigmaskHow::SIG_BLOCK, Some(&ttou), Some(&mut old)).is_ok() {
        let _ = tcsetpgrp(&stdin, ours);
        let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    }
}
