//! Making a running network enterable from outside: `netns-test enter`.
//!
//! Inside the sandbox's own `/run` (a tmpfs private to its mount namespace;
//! see `hosts.rs`), each namespace of the network gets a file
//! `/run/netns-test/nodes/NAME` with the namespace bind-mounted on it, as
//! `ip netns add` does under the machine's `/run/netns`, but where only the
//! sandbox sees it. `/run/netns-test/session` says what the network is.
//! Another process of the same user finds these through
//! `/proc/PID/root/run/netns-test` of a process in the sandbox and joins
//! with `setns(2)` (see [`crate::session`]). Nothing is made on the machine,
//! and everything goes with the sandbox's mount namespace.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

use super::hosts;
use crate::Net;

/// Where a sandbox keeps what `enter` reads, inside its own `/run`.
pub(crate) const DIR: &str = "/run/netns-test";
/// The directory of the namespaces' mount points, under [`DIR`].
pub(crate) const NODES: &str = "nodes";
/// The file that marks a network as enterable, under [`DIR`]: its first
/// line is what the network is (a topology file, a test's name), its second
/// the namespaces' names, host first.
pub(crate) const SESSION: &str = "session";

/// Makes `net` enterable; `label` says what it is.
pub(crate) fn publish(net: &Net, label: &str) -> io::Result<()> {
    publish_namespaces(&net.namespaces(), label)
}

/// As [`publish`], for namespaces held by their descriptors.
pub(crate) fn publish_namespaces(
    namespaces: &[(&str, BorrowedFd<'_>)],
    label: &str,
) -> io::Result<()> {
    if !hosts::run_is_ours()? {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "/run inside the sandbox is the machine's (the kernel refused the sandbox a tmpfs \
             of its own there), and nothing may be made on the machine",
        ));
    }
    let nodes = Path::new(DIR).join(NODES);
    std::fs::create_dir_all(&nodes)?;
    for (name, fd) in namespaces {
        let target = nodes.join(name);
        std::fs::write(&target, b"")?;
        let source = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
        hosts::bind(
            &source,
            &target,
            &format!(" (`{name}`'s network namespace)"),
        )?;
    }
    // Written last: a network is enterable once this exists.
    let names: Vec<&str> = namespaces.iter().map(|(name, _)| *name).collect();
    // One line, whatever the label holds (a file name may have a newline).
    let label: String = label
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    std::fs::write(
        Path::new(DIR).join(SESSION),
        format!("{label}\n{}\n", names.join(" ")),
    )
}
