//! Helpers for tests that provoke a failure: they re-run their own test
//! binary for one fixture test and look at what happened, and they check
//! that nothing was left behind on the machine.
//!
//! Fixtures are `#[ignore = "fixture"]` tests named `fixture_*`. Most do
//! their bad deed only in a fixture run ([`in_fixture_run`]), but some fail
//! before their body can check (a topology that cannot be built), so run the
//! suite's ignored tests with `--include-ignored --skip fixture_`.
#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeSet;
use std::process::{Command, Output};

/// Set for fixture runs; fixtures do their bad deed only when it is set, so
/// `--include-ignored` on the whole suite does not fail.
pub const FIXTURE_ENV: &str = "NETNS_TEST_FIXTURE";

/// Whether this process is a fixture run started by [`fixture`].
pub fn in_fixture_run() -> bool {
    std::env::var_os(FIXTURE_ENV).is_some()
}

/// A command that runs the fixture test `name` of this same binary.
pub fn fixture(name: &str) -> Command {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--include-ignored"])
        .env(FIXTURE_ENV, "1");
    cmd
}

/// Runs it and returns stdout and stderr as text with the exit status.
pub fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().expect("run the fixture binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// What a test may leave behind on the machine: this namespace's interfaces
/// and the named namespaces in `/run/netns`.
#[derive(Debug, PartialEq, Eq)]
pub struct HostState {
    interfaces: BTreeSet<String>,
    named_netns: BTreeSet<String>,
}

impl HostState {
    /// Reads it now (from a plain `#[test]`, which runs in the caller's namespace).
    pub fn now() -> HostState {
        let dev = std::fs::read_to_string("/proc/self/net/dev").expect("read /proc/self/net/dev");
        let interfaces = dev
            .lines()
            .skip(2)
            .filter_map(|l| l.split(':').next())
            .map(|n| n.trim().to_string())
            .collect();
        let named_netns = std::fs::read_dir("/run/netns")
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        HostState {
            interfaces,
            named_netns,
        }
    }
}

/// Pids of processes whose command line contains `marker`.
pub fn processes_with(marker: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != std::process::id())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| {
                    String::from_utf8_lossy(&c)
                        .replace('\0', " ")
                        .contains(marker)
                })
                .unwrap_or(false)
        })
        .collect()
}

/// Waits until no process carries `marker`, for at most `limit`. The kernel
/// kills a PID namespace's processes when its init exits, but reaping them
/// is asynchronous to our observer, so this polls /proc with a deadline.
pub fn gone_within(marker: &str, limit: std::time::Duration) -> Result<(), Vec<u32>> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let left = processes_with(marker);
        if left.is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(left);
        }
        std::thread::yield_now();
    }
}

/// A marker unlikely to appear in any other command line: a `sleep`
/// duration unique to this test process and call.
pub fn unique_sleep_marker(tag: u32) -> String {
    format!("{}.{:06}", 90_000 + tag, std::process::id() % 1_000_000)
}

/// The newest test binary named `<name>-<hash>` in `dir` beside this
/// binary's directory (`deps`, or `../examples` for an example), if any:
/// a copy of this binary run elsewhere (CI's unprivileged pass) may have
/// none beside it.
pub fn sibling_binary(name: &str, examples: bool) -> Option<std::path::PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let dir = if examples {
        deps.parent()?.join("examples")
    } else {
        deps
    };
    let prefix = format!("{name}-");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let file = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            file.starts_with(&prefix) && !file.contains('.')
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}
