//! The bench's only fork. Its callers run in a worker process that has
//! checked it is single-threaded ([`single_threaded`]), so the child may do
//! anything (allocate, take locks): no other thread can have held a lock at
//! the fork.

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

/// Whether this process has exactly one thread.
pub(crate) fn single_threaded() -> Result<bool, String> {
    let tasks = std::fs::read_dir("/proc/self/task")
        .map_err(|e| format!("reading /proc/self/task: {e}"))?;
    Ok(tasks.count() == 1)
}

/// Runs `f` in a forked child and waits for it.
///
/// Only call from a single-threaded process (see the module docs).
pub(crate) fn in_child(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    wait(spawn(f)?)
}

/// Runs `f` in a forked child, which exits with 0 if it returns `Ok` and
/// prints the error and exits with 1 otherwise.
///
/// Only call from a single-threaded process (see the module docs).
pub(crate) fn spawn(f: impl FnOnce() -> Result<(), String>) -> Result<Pid, String> {
    // SAFETY: the process is single-threaded (the worker checked it with
    // `single_threaded` before its first fork and starts no thread), so the
    // child's copy of memory holds no lock taken by another thread and it
    // may run ordinary Rust code until it exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let code = match f() {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("{e}");
                    1
                }
            };
            std::process::exit(code);
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Waits for `child`; `Err` unless it exited with 0.
pub(crate) fn wait(child: Pid) -> Result<(), String> {
    match waitpid(child, None) {
        Ok(WaitStatus::Exited(_, 0)) => Ok(()),
        Ok(status) => Err(format!("the child ended with {status:?}")),
        Err(e) => Err(format!("waitpid: {e}")),
    }
}
