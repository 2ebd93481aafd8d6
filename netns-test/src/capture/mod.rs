//! Packet capture: every interface of every namespace of a test, from the
//! moment it exists, both directions, nanosecond timestamps, in memory
//! within bounds; written as one pcapng file when the test fails (or
//! always), and readable in the body with [`Net::packets`].
//!
//! One `AF_PACKET` socket per namespace, opened before the namespace's
//! first link, and one thread that reads them all (`engine`); the newest
//! frames stay within a count and a byte budget (`store`); `pcapng`
//! writes the file, an interface block per `node:ifname`.
//!
//! [`Net::packets`]: crate::Net::packets

mod engine;
mod packet;
mod pcapng;
mod store;

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

pub use packet::{Direction, IpView, Packet};

use engine::Engine;
use store::Store;

/// `failure` (the default), `always` or `never`.
pub(crate) const CAPTURE: &str = "NETNS_TEST_CAPTURE";
/// Where pcapng files go.
pub(crate) const CAPTURE_DIR: &str = "NETNS_TEST_CAPTURE_DIR";
/// The bound: frames kept (the newest).
pub(crate) const CAPTURE_FRAMES: &str = "NETNS_TEST_CAPTURE_FRAMES";
/// The bound: MiB of frame data kept.
pub(crate) const CAPTURE_MIB: &str = "NETNS_TEST_CAPTURE_MIB";
/// Bytes kept of each frame.
pub(crate) const CAPTURE_SNAPLEN: &str = "NETNS_TEST_CAPTURE_SNAPLEN";

/// When a test's capture is written to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Only when the test fails (the default).
    Failure,
    /// After every test.
    Always,
    /// Nothing is captured at all.
    Never,
}

/// The capture settings, from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) mode: Mode,
    pub(crate) max_frames: usize,
    pub(crate) max_bytes: usize,
    pub(crate) snaplen: usize,
}

impl Settings {
    /// Defaults: the last 20 000 frames or 32 MiB, each cut at 1600 bytes
    /// (a whole frame of a 1500-byte MTU; larger ones are segments the
    /// kernel has not cut yet, whose headers are what matters).
    pub(crate) fn from_env() -> Result<Settings, String> {
        let mode = match std::env::var(CAPTURE).as_deref() {
            Err(_) | Ok("" | "failure") => Mode::Failure,
            Ok("always") => Mode::Always,
            Ok("never") => Mode::Never,
            Ok(other) => {
                return Err(format!(
                    "{CAPTURE}={other:?} is not understood: use `failure` (the default), \
                     `always` or `never`"
                ))
            }
        };
        let number = |var: &str, default: usize| -> Result<usize, String> {
            match std::env::var(var) {
                Err(_) => Ok(default),
                Ok(text) => text
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("{var}={text:?} is not a number above zero")),
            }
        };
        Ok(Settings {
            mode,
            max_frames: number(CAPTURE_FRAMES, 20_000)?,
            max_bytes: number(CAPTURE_MIB, 32)?.saturating_mul(1 << 20),
            snaplen: number(CAPTURE_SNAPLEN, 1600)?.min(262_144),
        })
    }
}

/// A test's capture.
#[derive(Debug)]
pub(crate) struct Capture {
    settings: Settings,
    store: Arc<Mutex<Store>>,
    started: SystemTime,
    /// Stopped (and the last frames read) by `save`.
    engine: Mutex<Option<Engine>>,
    /// Copies of the engine's sockets.
    sockets: Vec<std::os::fd::OwnedFd>,
}

/// Names an interface of a namespace: `(node, ifname)`.
pub(crate) type Namer<'a> = dyn Fn(usize, u32) -> (String, Option<String>) + 'a;

impl Capture {
    /// Starts capturing the namespaces `netns` (index 0 is the host).
    pub(crate) fn start(settings: Settings, netns: &[BorrowedFd<'_>]) -> io::Result<Capture> {
        let store = Arc::new(Mutex::new(Store::new(
            settings.max_frames,
            settings.max_bytes,
        )));
        let (engine, sockets) = Engine::start(netns, settings.snaplen, Arc::clone(&store))?;
        Ok(Capture {
            sockets,
            settings,
            store,
            started: SystemTime::now(),
            engine: Mutex::new(Some(engine)),
        })
    }

    /// The capture's packet sockets (copies: the thread has its own).
    pub(crate) fn sockets(&self) -> impl Iterator<Item = std::os::fd::BorrowedFd<'_>> {
        self.sockets.iter().map(std::os::fd::AsFd::as_fd)
    }

    pub(crate) fn mode(&self) -> Mode {
        self.settings.mode
    }

    /// What was captured so far, named by `name` (which returns `None` as
    /// the interface name for frames to leave out).
    pub(crate) fn packets(&self, name: &Namer<'_>) -> Vec<Packet> {
        // Frames reach a packet socket as they are sent or received, but the
        // capture thread reads them a little later: read what is waiting
        // now, so that everything that happened before this call is here.
        let mut buf = vec![0u8; self.settings.snaplen.max(64)];
        for (ns, socket) in self.sockets.iter().enumerate() {
            engine::drain(ns, socket.as_fd(), &mut buf, &self.store);
        }
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let mut names = HashMap::new();
        in_time_order(&store)
            .into_iter()
            .filter_map(|r| {
                let (node, ifname) = names
                    .entry((r.ns, r.ifindex))
                    .or_insert_with(|| name(r.ns, r.ifindex))
                    .clone();
                Some(Packet::new(
                    node,
                    ifname?,
                    if r.outgoing {
                        Direction::Out
                    } else {
                        Direction::In
                    },
                    r.time.duration_since(self.started).unwrap_or_default(),
                    r.data.clone(),
                    r.len,
                ))
            })
            .collect()
    }

    /// Stops capturing (reading what is queued), and writes the pcapng file
    /// `file_name` in `dir`. Returns its path and a line for the report.
    pub(crate) fn save(&self, dir: &Path, file_name: &str, name: &Namer<'_>) -> io::Result<String> {
        drop(self.engine.lock().unwrap_or_else(|p| p.into_inner()).take());
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let mut index: HashMap<(usize, u32), Option<u32>> = HashMap::new();
        let mut interfaces = Vec::new();
        let mut frames = Vec::new();
        for r in in_time_order(&store) {
            let slot = *index.entry((r.ns, r.ifindex)).or_insert_with(|| {
                let (node, ifname) = name(r.ns, r.ifindex);
                ifname.map(|ifname| {
                    interfaces.push(pcapng::Interface {
                        name: format!("{node}:{ifname}"),
                        description: format!("interface {ifname} of node {node}"),
                        dropped: store.dropped(r.ns, r.ifindex),
                    });
                    interfaces.len() as u32 - 1
                })
            });
            if let Some(interface) = slot {
                frames.push(pcapng::Frame {
                    interface,
                    timestamp: r.time,
                    data: &r.data,
                    original_len: r.len,
                    direction: if r.outgoing {
                        Direction::Out
                    } else {
                        Direction::In
                    },
                });
            }
        }
        let evicted: u64 = store.all_dropped().map(|(_, n)| n).sum();
        let kernel = store.kernel_drops();
        let dropped = evicted + kernel;
        let comment = (dropped > 0).then(|| {
            format!(
                "{dropped} frames dropped: {evicted} over the capture's bound ({CAPTURE_FRAMES}, \
                 {CAPTURE_MIB}; the newest are kept), {kernel} by the kernel before the \
                 capture could read them"
            )
        });
        std::fs::create_dir_all(dir)?;
        let path = dir.join(file_name);
        let mut out = io::BufWriter::new(std::fs::File::create(&path)?);
        pcapng::write(&mut out, &interfaces, &frames, comment.as_deref())?;
        io::Write::flush(&mut out)?;
        Ok(format!(
            "capture: {} ({} frames{})",
            path.display(),
            frames.len(),
            if dropped > 0 {
                format!(", {dropped} older ones dropped")
            } else {
                String::new()
            }
        ))
    }
}

/// The frames kept, by timestamp: each namespace's socket is read in turn,
/// so the store holds them in order per namespace only.
fn in_time_order(store: &Store) -> Vec<&store::Record> {
    let mut frames: Vec<_> = store.frames().collect();
    frames.sort_by_key(|r| r.time);
    frames
}

/// Writes `svg`, the picture of the test's network, beside its capture
/// file `file` in `dir` (same name, `.svg`), and returns the report's line.
pub(crate) fn save_picture(dir: &Path, file: &str, svg: &str) -> String {
    let path = dir.join(format!(
        "{}.svg",
        file.strip_suffix(".pcapng").unwrap_or(file)
    ));
    match std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, svg)) {
        Ok(()) => format!("picture: {}", path.display()),
        Err(e) => format!("picture: could not write {}: {e}", path.display()),
    }
}

/// The file name of test `name`'s capture: its path, `::` as `-`.
pub(crate) fn file_name(test: &str) -> String {
    let safe: String = test
        .replace("::", "-")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.pcapng")
}

/// Where captures go: `NETNS_TEST_CAPTURE_DIR`, else a `netns-test` folder
/// in the cargo target directory of the test binary (`target/netns-test`),
/// else the temporary directory. Called in the test process (outside the
/// sandbox), which makes sure it can write there.
pub(crate) fn directory() -> PathBuf {
    let wanted = std::env::var_os(CAPTURE_DIR)
        .map(PathBuf::from)
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| target_dir(&exe))
        })
        .map(|target| {
            if std::env::var_os(CAPTURE_DIR).is_some() {
                target
            } else {
                target.join("netns-test")
            }
        });
    if let Some(dir) = wanted {
        if writable(&dir) {
            return dir;
        }
    }
    let uid = nix::unistd::geteuid();
    std::env::temp_dir().join(format!("netns-test-{uid}"))
}

/// `target` from `target/<profile>/deps/<test binary>` (or `examples/`,
/// or a binary right in `target/<profile>`).
fn target_dir(exe: &Path) -> Option<PathBuf> {
    let dir = exe.parent()?;
    let profile = match dir.file_name()?.to_str()? {
        "deps" | "examples" => dir.parent()?,
        _ => dir,
    };
    let target = profile.parent()?;
    // Only a directory cargo made: it has a CACHEDIR.TAG or `.rustc_info.json`.
    (target.join("CACHEDIR.TAG").exists() || target.join(".rustc_info.json").exists())
        .then(|| target.to_path_buf())
}

fn writable(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).is_ok() && tempfile_in(dir).is_ok()
}

fn tempfile_in(dir: &Path) -> io::Result<()> {
    let probe = dir.join(format!(".netns-test-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_path_becomes_a_file_name() {
        assert_eq!(file_name("net::tests::pings"), "net-tests-pings.pcapng");
        assert_eq!(file_name("a b/c"), "a_b_c.pcapng");
    }

    #[test]
    fn the_target_directory_is_found_from_a_test_binary() {
        let dir = std::env::temp_dir().join(format!("nt-target-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("debug/deps")).unwrap();
        std::fs::write(dir.join("CACHEDIR.TAG"), b"").unwrap();
        assert_eq!(
            target_dir(&dir.join("debug/deps/t-1234")),
            Some(dir.clone())
        );
        assert_eq!(
            target_dir(&dir.join("debug/examples/w-1")),
            Some(dir.clone())
        );
        assert_eq!(target_dir(Path::new("/usr/bin/true")), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
