//! Names inside the sandbox: every node, router and the host resolve to
//! their addresses, through an `/etc/hosts` of the sandbox's own.
//!
//! The file lives in the sandbox's own `/run` (an empty tmpfs the init
//! mounted; see `spawn.rs`), at `/run/netns-test/hosts`, and is
//! bind-mounted over `/etc/hosts` in the sandbox's private mount namespace:
//! the test body, code in `run`/`spawn` (threads of the same process) and
//! programs started with `Node::command` all see it, and the machine's file
//! is untouched. (A memfd cannot be the source of a bind mount: it lives on
//! a kernel-internal mount.)
//! Each name maps to its first IPv4 and its first IPv6 address, in
//! declaration order; `localhost` keeps its usual lines.

use std::io;
use std::net::IpAddr;

use nix::mount::{mount, MsFlags};

const ETC_HOSTS: &str = "/etc/hosts";

/// The file's text for `names`: `(name, addresses in declaration order)`.
pub(crate) fn render(names: &[(&str, Vec<IpAddr>)]) -> String {
    let mut out = String::from(
        "# netns-test: the names of this test's network (the machine's file is untouched)\n\
         127.0.0.1\tlocalhost\n\
         ::1\tlocalhost ip6-localhost ip6-loopback\n",
    );
    for (name, addrs) in names {
        let v4 = addrs.iter().find(|a| a.is_ipv4());
        let v6 = addrs.iter().find(|a| a.is_ipv6());
        for addr in [v4, v6].into_iter().flatten() {
            out.push_str(&format!("{addr}\t{name}\n"));
        }
    }
    out
}

/// Puts `text` over `/etc/hosts` for this process's mount namespace. Does
/// nothing where the machine has no `/etc/hosts` to cover, or where `/run`
/// is not the sandbox's own empty tmpfs (the kernel refused it): the
/// sandbox creates nothing on the machine.
pub(crate) fn install(text: &str) -> io::Result<()> {
    if std::fs::metadata(ETC_HOSTS).is_err() || !run_is_ours()? {
        return Ok(());
    }
    let dir = std::path::Path::new(RUN_DIR);
    std::fs::create_dir_all(dir)?;
    let file = dir.join("hosts");
    std::fs::write(&file, text)?;
    bind(&file, std::path::Path::new(ETC_HOSTS), "")
}

/// Bind-mounts `source` on `target` in this process's mount namespace;
/// the error names both, and `what` (if any) the mount is for.
pub(super) fn bind(
    source: &std::path::Path,
    target: &std::path::Path,
    what: &str,
) -> io::Result<()> {
    mount(
        Some(source),
        target,
        None::<&str>,
        MsFlags::MS_BIND,
        None::<&str>,
    )
    .map_err(|e| {
        io::Error::new(
            io::Error::from(e).kind(),
            format!(
                "bind-mount {}{what} on {}: {e}",
                source.display(),
                target.display()
            ),
        )
    })
}

/// Where the file is kept, in the sandbox's `/run`.
const RUN_DIR: &str = "/run/netns-test";

/// Whether `/run` is the sandbox's own: a tmpfs holding nothing but what
/// netns-test put there (the init mounted it empty just before).
pub(super) fn run_is_ours() -> io::Result<bool> {
    let stat = nix::sys::statfs::statfs("/run")?;
    if stat.filesystem_type() != nix::sys::statfs::TMPFS_MAGIC {
        return Ok(false);
    }
    let mut entries = std::fs::read_dir("/run")?;
    Ok(entries.all(|e| e.is_ok_and(|e| e.path() == std::path::Path::new(RUN_DIR))))
}

#[cfg(test)]
mod hosts_should {
    use super::*;

    #[test]
    fn give_each_name_its_first_address_of_each_family() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let text = render(&[
            ("host", vec![]),
            (
                "server",
                vec![ip("10.0.0.2"), ip("fd00::2"), ip("10.1.0.2"), ip("fd01::2")],
            ),
            ("client", vec![ip("fd00::1")]),
        ]);
        assert_eq!(
            text.lines().skip(3).collect::<Vec<_>>(),
            ["10.0.0.2\tserver", "fd00::2\tserver", "fd00::1\tclient"]
        );
        assert!(text.contains("127.0.0.1\tlocalhost\n"));
    }
}
