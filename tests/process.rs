//! The process model as a user sees it: std's test attributes keep their
//! meaning, results and panics come back from the sandbox, and the sandbox
//! is a namespace of its own.

mod support;

use std::net::TcpListener;

use netns_test::{netns_test, Net};

#[netns_test]
#[should_panic(expected = "the body's own message")]
fn a_panic_in_the_body_fails_the_test_with_its_message() {
    panic!("the body's own message");
}

#[derive(Debug)]
#[allow(dead_code)]
struct MyError {
    code: u32,
}

// A returned `Err` fails the test with its `Debug` text, but it is not a
// panic of the body, so `#[should_panic]` cannot pass it: see
// `tests/failures.rs` (`a_returned_err_...`) and `tests/verdicts.rs`.

#[netns_test]
fn a_returned_ok_passes() -> Result<(), MyError> {
    Ok(())
}

#[netns_test]
#[ignore = "runs only with --ignored or --include-ignored, and then in the sandbox"]
fn an_ignored_test_runs_in_the_sandbox_when_asked_for() {
    // Port 1 is privileged: binding it proves we are root of our own namespaces.
    TcpListener::bind("127.0.0.1:1").unwrap();
}

#[netns_test]
fn the_body_runs_as_root_of_its_own_user_namespace() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    assert!(uid.split_whitespace().nth(1) == Some("0"), "{uid}");
}

#[netns_test]
fn the_body_is_not_pid_1_but_in_a_pid_namespace_of_its_own() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    // NSpid lists the pid in each nested PID namespace, innermost last; PID 1
    // is the sandbox's init, the test binary is PID 2.
    let nspid = status.lines().find(|l| l.starts_with("NSpid:")).unwrap();
    let innermost = nspid.split_whitespace().last().unwrap();
    assert_eq!(innermost, "2", "{nspid}");
}

#[netns_test(topology = "node a")]
fn processes_started_by_the_test_run_in_the_sandbox(net: &Net) {
    let out = net
        .node("a")
        .command("readlink")
        .arg("/proc/self/ns/pid")
        .output()
        .unwrap();
    let theirs = String::from_utf8(out.stdout).unwrap();
    let ours = std::fs::read_link("/proc/self/ns/pid").unwrap();
    assert_eq!(
        theirs.trim(),
        ours.to_str().unwrap(),
        "another PID namespace"
    );
}

#[netns_test(timeout = "30s")]
fn a_timeout_longer_than_the_test_does_not_matter() {}

// ---- each test starts from a clean process image ------------------------------

static TOUCHED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Changes every kind of process state a later test could see.
#[netns_test]
#[ignore = "fixture"]
fn fixture_state_a_changes_everything() {
    TOUCHED.store(4711, std::sync::atomic::Ordering::SeqCst);
    std::env::set_var("NETNS_TEST_STATE_PROBE", "changed");
    std::env::set_current_dir("/").unwrap();
    // SAFETY: ignoring a signal and lowering a limit touch no memory of ours.
    unsafe {
        libc::signal(libc::SIGUSR1, libc::SIG_IGN);
        let limit = libc::rlimit {
            rlim_cur: 64,
            rlim_max: 64,
        };
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

/// Sees none of it.
#[netns_test]
#[ignore = "fixture"]
fn fixture_state_b_sees_a_clean_process() {
    assert_eq!(TOUCHED.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(std::env::var_os("NETNS_TEST_STATE_PROBE"), None);
    assert_ne!(std::env::current_dir().unwrap(), std::path::Path::new("/"));
    // SAFETY: queries only, into locals.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGUSR1, std::ptr::null(), &mut old);
        assert_eq!(old.sa_sigaction, libc::SIG_DFL, "SIGUSR1 disposition");
        let mut limit: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        assert_ne!(limit.rlim_cur, 64, "RLIMIT_NOFILE");
    }
}

#[test]
fn a_test_sees_nothing_a_previous_test_changed_in_its_process() {
    // Both fixtures in one process, one after the other, as the fork
    // server serves them.
    let exe = std::env::current_exe().unwrap();
    let (out, text) = support::run(
        std::process::Command::new(exe)
            .args(["fixture_state_", "--include-ignored", "--test-threads=1"])
            .env(support::FIXTURE_ENV, "1")
            .env_remove("NETNS_TEST_FORK_SERVER")
            // Under nextest the meta-test runs alone in its process; the run it
            // starts is a many-test process, which gets a fork server.
            .env_remove("NEXTEST_EXECUTION_MODE"),
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2 passed"), "{text}");
}

#[netns_test]
#[ignore = "fixture"]
fn fixture_huge_environment() {
    for i in 0..3 {
        let value = std::env::var(format!("NETNS_TEST_HUGE_VALUE_{i}"));
        assert_eq!(value.map(|v| v.len()), Ok(100_000));
    }
}

#[test]
fn a_test_process_with_a_huge_environment_still_runs_its_tests() {
    // Too large for one request to the fork server: the test executes the
    // test binary instead, and passes.
    let exe = std::env::current_exe().unwrap();
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["fixture_huge_environment", "--include-ignored"])
        .env_remove("NEXTEST_EXECUTION_MODE");
    for i in 0..3 {
        cmd.env(format!("NETNS_TEST_HUGE_VALUE_{i}"), "x".repeat(100_000));
    }
    let (out, text) = support::run(&mut cmd);
    assert!(
        out.status.success(),
        "{}",
        &text[text.len().saturating_sub(3000)..]
    );
    assert!(
        text.contains("1 passed"),
        "{}",
        &text[text.len().saturating_sub(3000)..]
    );
}
