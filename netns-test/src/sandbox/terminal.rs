//! The terminal on standard input, for programs that run inside a
//! sandbox in the foreground: a shell with job control, a command that
//! Ctrl-C should stop.
//!
//! A program started in a sandbox's PID namespace cannot see the process
//! group of the caller outside: a shell that saves "its" foreground group
//! at start and gives the terminal back to it at exit would find no such
//! group (dash then exits with status 2). So such a program starts as the
//! leader of a process group of its own, made the terminal's foreground
//! group before it executes, as a shell does for a job; the caller takes
//! the terminal back once it has ended.
#![allow(unsafe_code)]

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Makes `command`'s process, when standard input is a terminal, the leader
/// of a new process group and the terminal's foreground group before it
/// executes. Without a terminal nothing changes.
pub(crate) fn foreground(command: &mut Command) {
    // SAFETY: the hook runs between fork and exec in the new process and
    // makes only async-signal-safe calls (isatty, setpgid, sigprocmask,
    // tcsetpgrp, getpid) on locals.
    unsafe {
        command.pre_exec(|| {
            if libc::isatty(0) != 1 {
                return Ok(());
            }
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
/// a program that ran inside (a shell with job control) left another group
/// in the foreground. `SIGTTOU`, which a background group gets for trying,
/// is blocked meanwhile.
pub(crate) fn reclaim() {
    use nix::sys::signal::{sigprocmask, SigSet, SigmaskHow, Signal};
    use nix::unistd::{getpgrp, isatty, tcgetpgrp, tcsetpgrp};
    let stdin = std::io::stdin();
    if !isatty(&stdin).unwrap_or(false) {
        return;
    }
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
