//! Network namespaces held by file descriptors, and threads that enter them.
//!
//! A node is a network namespace made with `unshare(CLONE_NEWNET)` on a
//! throwaway thread and kept alive by an fd on `/proc/thread-self/ns/net`.
//! Code runs in a node on a fresh thread that entered it with `setns`; such a
//! thread is never reused for anything else, so no thread ever goes back to
//! another namespace by mistake. `/proc/self/net` shows the main thread's
//! namespace; use `/proc/thread-self/net` inside a node.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;

use nix::sched::{setns, unshare, CloneFlags};

use super::transient;
use crate::netlink::Netlink;

const THREAD_NETNS: &str = "/proc/thread-self/ns/net";

/// An fd on the calling thread's network namespace.
pub(crate) fn current() -> io::Result<OwnedFd> {
    Ok(File::open(THREAD_NETNS)?.into())
}

/// `(device, inode)` of the calling thread's network namespace.
pub(crate) fn current_id() -> io::Result<(u64, u64)> {
    let meta = std::fs::metadata(THREAD_NETNS)?;
    Ok((meta.dev(), meta.ino()))
}

/// Readies the calling thread's fresh namespace before any link exists in it:
/// - no duplicate address detection, so that link-local IPv6 addresses are
///   usable the moment a link has carrier (a router with a tentative
///   link-local address sends no neighbor solicitation, and forwarded IPv6
///   stalls for one to two seconds);
/// - IPv6 addresses survive a link going down, as IPv4 addresses do, so that
///   `Node::set_link_up(.., false)` and back leaves the topology intact.
pub(crate) fn prepare_current() -> io::Result<()> {
    const SETTINGS: [(&str, &str); 4] = [
        ("/proc/sys/net/ipv6/conf/all/accept_dad", "0"),
        ("/proc/sys/net/ipv6/conf/default/accept_dad", "0"),
        ("/proc/sys/net/ipv6/conf/all/keep_addr_on_down", "1"),
        ("/proc/sys/net/ipv6/conf/default/keep_addr_on_down", "1"),
    ];
    for (path, value) in SETTINGS {
        match std::fs::write(path, value) {
            Ok(()) => {}
            // A kernel without IPv6 has nothing to prepare.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io::Error::new(e.kind(), format!("write {path}: {e}"))),
        }
    }
    Ok(())
}

/// Moves the calling thread into `netns`.
pub(crate) fn enter(netns: BorrowedFd<'_>) -> io::Result<()> {
    Ok(setns(netns, CloneFlags::CLONE_NEWNET)?)
}

/// Makes `n` new network namespaces and, inside each, a netlink socket (which
/// stays bound to the namespace it was opened in).
///
/// Making a namespace costs the kernel about a millisecond of CPU (every
/// per-namespace subsystem initialises its state), little of it under a
/// global lock, so large topologies spread the work over one thread per CPU.
pub(crate) fn create(n: usize) -> io::Result<Vec<(OwnedFd, Netlink)>> {
    /// Below this many namespaces per thread, another thread costs more than
    /// it saves.
    const PER_THREAD: usize = 8;
    if n == 0 {
        return Ok(Vec::new());
    }
    let cpus = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = cpus.min(n.div_ceil(PER_THREAD)).max(1);
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let makers: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|first| {
                let count = chunk.min(n - first);
                s.spawn(move || {
                    (0..count)
                        .map(|_| {
                            // Other tests may hold the namespace limit for a moment.
                            transient::retry(
                                || unshare(CloneFlags::CLONE_NEWNET),
                                |e| transient::is_transient(*e),
                            )?;
                            prepare_current()?;
                            Ok((current()?, Netlink::open()?))
                        })
                        .collect::<io::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(n);
        for maker in makers {
            let made = maker
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            all.extend(made);
        }
        Ok(all)
    })
}

/// Runs `f` on a new thread called `name` inside `netns` and returns what
/// it returns. A panic in `f` is resumed in the caller with its original
/// payload.
pub(crate) fn run_in<R: Send>(
    netns: BorrowedFd<'_>,
    name: &str,
    f: impl FnOnce() -> R + Send,
) -> io::Result<R> {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name(name.to_string())
            .spawn_scoped(s, move || {
                enter(netns)?;
                Ok(f())
            })?;
        worker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Writes `net.*` sysctls in `netns` through `/proc/sys`, which resolves
/// `net/` against the writer's network namespace.
pub(crate) fn write_sysctls(netns: BorrowedFd<'_>, sysctls: &[(&str, &str)]) -> io::Result<()> {
    run_in(netns, "netns-test", || {
        for (key, value) in sysctls {
            let path = format!("/proc/sys/{}", key.replace('.', "/"));
            std::fs::write(&path, value).map_err(|e| {
                io::Error::new(e.kind(), format!("sysctl {key}={value} ({path}): {e}"))
            })?;
        }
        Ok(())
    })?
}

/// Duplicates a namespace fd (for threads and processes that outlive a borrow).
pub(crate) fn dup(netns: &OwnedFd) -> io::Result<OwnedFd> {
    netns.as_fd().try_clone_to_owned()
}
