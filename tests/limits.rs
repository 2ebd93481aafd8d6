//! A namespace limit reached only for a moment (more tests at once than a
//! `user.max_*_namespaces` limit allows, as nextest runs them) is waited
//! out: every test runs and passes, none is skipped, even with
//! `NETNS_TEST_UNSUPPORTED=skip`.
//!
//! The limit is real: the meta-test starts this binary in a user namespace
//! of its own whose `user.max_net_namespaces` is 2 (limits are per user
//! namespace and bind everything nested in it), and there a launcher runs
//! eight processes at once, one test each.

mod support;

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use netns_test::netns_test;
use support::{in_fixture_run, FIXTURE_ENV};

/// How many processes the launcher starts at once.
const AT_ONCE: usize = 8;

mod fixture_held {
    use super::*;

    macro_rules! held {
        ($($name:ident)*) => {$(
            #[netns_test]
            #[ignore = "fixture"]
            fn $name() {
                if in_fixture_run() {
                    // Hold the sandbox's namespaces while the others start:
                    // the contention is the point, not a wait for readiness.
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        )*};
    }
    held!(h0 h1 h2 h3 h4 h5 h6 h7);
}

/// Runs `fixture_held::h0` to `fixture_held::h7` as eight processes at once, in skip mode,
/// and fails unless every one passed without a skip.
#[test]
#[ignore = "fixture"]
fn fixture_runs_eight_processes_at_once() {
    if !in_fixture_run() {
        return;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let children: Vec<_> = (0..AT_ONCE)
        .map(|i| {
            Command::new(&exe)
                .args([
                    &format!("fixture_held::h{i}"),
                    "--exact",
                    "--include-ignored",
                ])
                .env("NETNS_TEST_UNSUPPORTED", "skip")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start a test process")
        })
        .collect();
    let mut failures = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().expect("wait");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() || text.contains("SKIPPED") || !text.contains("1 passed") {
            failures.push(format!("fixture_held::h{i}:\n{text}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_namespace_limit_reached_for_a_moment_is_waited_out_not_skipped() {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args([
        "fixture_runs_eight_processes_at_once",
        "--exact",
        "--include-ignored",
    ])
    .env(FIXTURE_ENV, "1");
    limited_user_namespace(&mut cmd, 2);
    let (out, text) = support::run(&mut cmd);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

/// Starts `cmd` in a new user namespace, as root there (mapped to our own
/// ids), with `user.max_net_namespaces` set to `limit` in it.
fn limited_user_namespace(cmd: &mut Command, limit: u32) {
    // SAFETY: getuid/getgid only read this process's credentials.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let writes: Vec<(CString, CString)> = [
        ("/proc/self/setgroups", "deny".to_string()),
        ("/proc/self/uid_map", format!("0 {uid} 1")),
        ("/proc/self/gid_map", format!("0 {gid} 1")),
        ("/proc/sys/user/max_net_namespaces", limit.to_string()),
    ]
    .into_iter()
    .map(|(path, text)| (CString::new(path).unwrap(), CString::new(text).unwrap()))
    .collect();
    // SAFETY: the hook runs between fork and exec in the new process and
    // makes only raw syscalls (unshare, open, write, close) on memory
    // prepared before the fork; errors become io::Error without allocating.
    unsafe {
        cmd.pre_exec(move || {
            if libc::unshare(libc::CLONE_NEWUSER) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            for (path, text) in &writes {
                let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let bytes = text.as_bytes();
                let written = libc::write(fd, bytes.as_ptr().cast(), bytes.len());
                libc::close(fd);
                if written < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}
