//! Finding an enterable network and joining one of its nodes: what
//! `netns-test enter` does (see `sandbox/publish.rs` for the other side).

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use nix::sched::{setns, CloneFlags};

use super::{Error, ErrorKind};
use crate::sandbox::publish;

/// An enterable network, found through one of its processes.
#[derive(Debug, Clone)]
pub struct Network {
    /// A process of the sandbox whose `/proc/PID/root` shows it.
    holder: u32,
    /// The sandbox's init (PID 1 inside), as `netns-test shell` and paused
    /// tests name the sandbox; the holder if it cannot be told.
    init: u32,
    label: String,
    nodes: Vec<String>,
    published: SystemTime,
    mount_ns: u64,
}

impl Network {
    /// The network's sandbox (its init, in this process's PID namespace),
    /// as `netns-test shell` and paused tests print it.
    pub fn pid(&self) -> u32 {
        self.init
    }

    /// What the network is: the topology file, or the paused test's name.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The network's namespaces, host first.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// Moves this process into the network's user, mount and UTS
    /// namespaces and into `node`'s network namespace, and makes the
    /// processes it starts from now on members of the network's PID
    /// namespace, so that they end with the network. The working directory
    /// is kept where the sandbox has it.
    ///
    /// The process must have a single thread (`setns(2)` refuses a user
    /// namespace to a threaded one), and it cannot go back.
    pub fn join(&self, node: &str) -> Result<(), Error> {
        if !self.nodes.iter().any(|n| n == node) {
            return Err(Error::new(
                ErrorKind::UnknownNode,
                format!(
                    "netns-test: the network `{}` (pid {}) has no node `{node}`; its nodes are: {}",
                    self.label,
                    self.init,
                    self.nodes.join(", ")
                ),
            ));
        }
        let threads = std::fs::read_dir("/proc/self/task").map_or(1, |d| d.count());
        if threads != 1 {
            return Err(join_error(format!(
                "this process has {threads} threads; join a network before starting any"
            )));
        }
        // Everything is opened through one handle on the process's /proc
        // directory: if the process ends and its pid is reused meanwhile,
        // these fail rather than open another process's namespaces.
        let proc = PathBuf::from(format!("/proc/{}", self.holder));
        let dir =
            File::open(&proc).map_err(|e| join_error(format!("open {}: {e}", proc.display())))?;
        let open = |relative: &str| {
            nix::fcntl::openat(
                &dir,
                relative,
                nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_CLOEXEC,
                nix::sys::stat::Mode::empty(),
            )
            .map(File::from)
            .map_err(|e| join_error(format!("open {}/{relative}: {e}", proc.display())))
        };
        let user = open("ns/user")?;
        let mnt = open("ns/mnt")?;
        let uts = open("ns/uts")?;
        let pid = open("ns/pid")?;
        let uid_map = open("uid_map").and_then(|mut f| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text)
                .map_err(|e| join_error(format!("read {}/uid_map: {e}", proc.display())))?;
            Ok(text)
        })?;
        let our_user = std::fs::metadata("/proc/self/ns/user")
            .map_err(|e| join_error(format!("stat /proc/self/ns/user: {e}")))?;
        let their_user = user
            .metadata()
            .map_err(|e| join_error(format!("stat {}/ns/user: {e}", proc.display())))?;
        owned_by_us(our_user.ino(), their_user.ino(), &uid_map)
            .map_err(|why| join_error(why.to_string()))?;
        let net = open(&format!("root{}/{}/{node}", publish::DIR, publish::NODES))?;
        let cwd = std::env::current_dir().ok();
        let enter = |fd: &File, flag: CloneFlags, what: &str| {
            setns(fd, flag).map_err(|e| {
                join_error(format!(
                    "setns(2) into the network's {what} namespace failed with {e}{}",
                    if e == nix::errno::Errno::EPERM {
                        ": it belongs to another user, or this process may not join it"
                    } else {
                        ""
                    }
                ))
            })
        };
        enter(&user, CloneFlags::CLONE_NEWUSER, "user")?;
        enter(&mnt, CloneFlags::CLONE_NEWNS, "mount")?;
        enter(&uts, CloneFlags::CLONE_NEWUTS, "UTS")?;
        enter(&net, CloneFlags::CLONE_NEWNET, &format!("`{node}` network"))?;
        enter(&pid, CloneFlags::CLONE_NEWPID, "PID")?;
        // Joining a mount namespace moves to its root; go back where we were.
        if let Some(cwd) = cwd {
            let _ = std::env::set_current_dir(cwd);
        }
        Ok(())
    }
}

/// Whether a sandbox may be entered by this process: it must have a user
/// namespace of its own (`their_user`, not `our_user`) whose root is this
/// process's user (`uid_map`, as this process reads it). Otherwise
/// joining it would run what its mount namespace holds (a shell, `~/.bashrc`)
/// with this process's powers, chosen by whoever made it: a network of
/// another user, or a forged one, is refused, as root too.
fn owned_by_us(our_user: u64, their_user: u64, uid_map: &str) -> Result<(), &'static str> {
    if our_user == their_user {
        return Err("it has no user namespace of its own (a sandbox made with \
             NETNS_TEST_USERNS=never, or not netns-test's), and entering would run what it \
             chose with this process's powers");
    }
    let me = nix::unistd::geteuid().as_raw();
    let root_is_me = uid_map.lines().any(|line| {
        let fields: Vec<u32> = line
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        matches!(fields.as_slice(), [0, outside, _] if *outside == me)
    });
    if root_is_me {
        Ok(())
    } else {
        Err("it belongs to another user; only its own user may enter a network")
    }
}

fn join_error(message: String) -> Error {
    Error::new(
        ErrorKind::Join,
        format!("netns-test: cannot join the network: {message}"),
    )
}

/// The published directory of a sandbox, seen through its process `pid`.
fn published_dir(pid: u32) -> PathBuf {
    Path::new("/proc")
        .join(pid.to_string())
        .join("root")
        .join(publish::DIR.trim_start_matches('/'))
}

/// The enterable network of process `pid`, if it is in one.
fn network_of(pid: u32) -> Option<Network> {
    let dir = published_dir(pid);
    let session = dir.join(publish::SESSION);
    let published = std::fs::metadata(&session)
        .and_then(|m| m.modified())
        .ok()?;
    let text = std::fs::read_to_string(&session).ok()?;
    let mut lines = text.lines();
    let label = lines.next().unwrap_or_default().to_string();
    let nodes = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let our_user = std::fs::metadata("/proc/self/ns/user").ok()?.ino();
    let their_user = std::fs::metadata(format!("/proc/{pid}/ns/user"))
        .ok()?
        .ino();
    let uid_map = std::fs::read_to_string(format!("/proc/{pid}/uid_map")).ok()?;
    owned_by_us(our_user, their_user, &uid_map).ok()?;
    let mount_ns = std::fs::metadata(format!("/proc/{pid}/ns/mnt")).ok()?.ino();
    Some(Network {
        holder: pid,
        init: init_of(pid).unwrap_or(pid),
        label,
        nodes,
        published,
        mount_ns,
    })
}

/// The init of the PID namespace process `pid` is in: the nearest of its
/// ancestors (itself included) that is PID 1 there, by the last field of
/// `NSpid` in `/proc/PID/status`.
fn init_of(mut pid: u32) -> Option<u32> {
    for _ in 0..64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.split_whitespace().collect::<Vec<_>>())
        };
        if field("NSpid:")?.last() == Some(&"1") {
            return Some(pid);
        }
        pid = field("PPid:")?.first()?.parse().ok()?;
    }
    None
}

/// Every process of this user: `(pid, parent pid)`.
fn processes() -> Vec<(u32, u32)> {
    let me = nix::unistd::geteuid().as_raw();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<u32>().ok())
            };
            (field("Uid:")? == me).then_some((pid, field("PPid:")?))
        })
        .collect()
}

/// Finds an enterable network: the one process `pid` (a sandbox's init, as
/// the command and paused tests print it, or any process inside) is in, or
/// without `pid` the most recently started one of this user's.
pub fn find(pid: Option<u32>) -> Result<Network, Error> {
    let processes = processes();
    match pid {
        Some(pid) => std::iter::once(pid)
            .chain(
                processes
                    .iter()
                    .filter(|(_, parent)| *parent == pid)
                    .map(|(child, _)| *child),
            )
            .find_map(network_of)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "netns-test: pid {pid} is not in an enterable network of yours: give the \
                         pid that `netns-test shell` or a paused test printed, or leave --pid out \
                         for the most recent network"
                    ),
                )
            }),
        None => {
            let mut found: Vec<Network> = Vec::new();
            for (pid, _) in processes {
                if let Some(network) = network_of(pid) {
                    if !found.iter().any(|n| n.mount_ns == network.mount_ns) {
                        found.push(network);
                    }
                }
            }
            found
                .into_iter()
                .max_by_key(|n| n.published)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::NotFound,
                        "netns-test: no enterable network of yours is running: start one with \
                         `netns-test shell FILE`, or run a failing test with \
                         NETNS_TEST_PAUSE=failure",
                    )
                })
        }
    }
}

/// Makes the network of sandbox `pid` the most recent, for `enter`
/// without `--pid` (a paused test, when its turn to be shown comes).
pub(crate) fn mark_most_recent(pid: u32) {
    if let Ok(network) = find(Some(pid)) {
        let session = published_dir(network.holder).join(publish::SESSION);
        if let Ok(file) = std::fs::OpenOptions::new().write(true).open(session) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
    }
}

#[cfg(test)]
mod enter_should {
    use super::*;

    #[test]
    fn enter_only_a_sandbox_of_its_own_user() {
        let me = nix::unistd::geteuid().as_raw();
        assert_eq!(
            owned_by_us(1, 2, &format!("         0       {me}          1\n")),
            Ok(())
        );
        let other = me.wrapping_add(1);
        assert!(owned_by_us(1, 2, &format!("0 {other} 1\n")).is_err());
        assert!(owned_by_us(1, 2, "").is_err());
        // No user namespace of its own: refused even when the map matches.
        assert!(owned_by_us(1, 1, &format!("0 {me} 1\n")).is_err());
    }
}
