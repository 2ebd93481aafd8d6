//! `NETNS_TEST_PAUSE=failure`, driven through a pseudo-terminal: a failing
//! test keeps its network, prints how to enter each node, waits for Enter
//! (or Ctrl-C), and is gone after; without a terminal it says why and does
//! not wait.
//!
//! The fixtures are `#[ignore = "fixture"]` tests of this binary that fail
//! only in a fixture run (see [`fixture`]).

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use netns_test::{netns_test, Net};

const FIXTURE_ENV: &str = "NETNS_TEST_FIXTURE";

fn in_fixture_run() -> bool {
    std::env::var_os(FIXTURE_ENV).is_some()
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture"]
fn fixture_fails(net: &Net) {
    if in_fixture_run() {
        net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
        panic!("fixture failure 5150");
    }
}

#[netns_test(
    topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24",
    timeout = "300ms"
)]
#[ignore = "fixture"]
fn fixture_times_out(_net: &Net) {
    if in_fixture_run() {
        // Provoking the timeout is the point.
        std::thread::sleep(Duration::from_secs(600));
    }
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[should_panic(expected = "expected 6060")]
#[ignore = "fixture"]
fn fixture_panics_as_expected(_net: &Net) {
    panic!("expected 6060");
}

/// This binary running fixture `name` with `NETNS_TEST_PAUSE=failure`.
fn fixture(name: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("current_exe"));
    cmd.args([name, "--exact", "--include-ignored", "--color=never"])
        .env(FIXTURE_ENV, "1")
        .env("NETNS_TEST_PAUSE", "failure")
        .env_remove("NEXTEST_EXECUTION_MODE")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// The sandbox pid of the `netns-test enter NODE --pid PID` line for `node`.
fn enter_pid(shown: &str, node: &str) -> u32 {
    let prefix = format!("netns-test enter {node} --pid ");
    shown
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix.as_str()))
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{prefix}PID` line in:\n{shown}"))
}

/// `netns-test enter NODE --pid PID -- ARGS`, without a terminal.
fn enter(node: &str, pid: u32, args: &[&str]) -> support::Output {
    let mut cmd = Command::new(support::cli());
    cmd.args(["enter", node, "--pid", &pid.to_string(), "--"])
        .args(args)
        .stdin(Stdio::null());
    support::run(&mut cmd)
}

fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits (bounded) for process `pid` to be gone.
fn assert_gone(pid: u32) {
    support::wait_for(
        &format!("the sandbox (pid {pid}) to end"),
        Duration::from_secs(10),
        || (!alive(pid)).then_some(()),
    );
}

#[test]
fn a_failing_test_waits_at_the_terminal_with_its_network_enterable_until_enter() {
    let mut pty = support::Pty::spawn(&mut fixture("fixture_fails"));
    let shown = pty.expect("press Enter here to end the test");
    assert!(
        shown.contains("netns-test: test `fixture_fails` panicked: fixture failure 5150"),
        "{shown}"
    );
    assert!(
        shown.contains("network state at the moment of failure:"),
        "{shown}"
    );
    let pid = enter_pid(&shown, "a");
    assert_eq!(enter_pid(&shown, "host"), pid);

    // While it waits, each node can be entered, and is the test's own.
    let a = enter("a", pid, &["cat", "/proc/net/dev"]);
    a.assert_code(0);
    assert!(a.stdout.contains("eth0:"), "{a}");
    let host = enter("host", pid, &["cat", "/proc/net/dev"]);
    host.assert_code(0);
    assert!(host.stdout.contains("eth0:"), "{host}");
    assert!(alive(pid), "the sandbox ended before Enter");

    pty.send("\n");
    let transcript = pty.transcript();
    let status = pty.wait();
    assert_eq!(status.code(), Some(101), "{transcript}");
    assert_gone(pid);
    let after = enter("a", pid, &["true"]);
    after.assert_code(125);
}

#[test]
fn a_test_that_times_out_pauses_too() {
    let mut pty = support::Pty::spawn(&mut fixture("fixture_times_out"));
    let shown = pty.expect("press Enter here to end the test");
    assert!(
        shown.contains("netns-test: test `fixture_times_out` timed out after"),
        "{shown}"
    );
    let pid = enter_pid(&shown, "a");
    enter("a", pid, &["true"]).assert_code(0);
    pty.send("\n");
    assert_eq!(pty.wait().code(), Some(101));
    assert_gone(pid);
}

#[test]
fn ctrl_c_ends_the_paused_run_and_its_network() {
    let mut pty = support::Pty::spawn(&mut fixture("fixture_fails"));
    let shown = pty.expect("press Enter here to end the test");
    let pid = enter_pid(&shown, "a");
    pty.send("\x03");
    let status = pty.wait();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    assert_gone(pid);
}

#[test]
fn without_a_terminal_it_does_not_pause_and_says_why_once() {
    let mut cmd = fixture("fixture_fails");
    cmd.stdin(Stdio::null());
    let out = support::run(&mut cmd);
    out.assert_code(101);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(
        text.matches("NETNS_TEST_PAUSE=failure: not pausing, there is no terminal to wait on")
            .count(),
        1,
        "{text}"
    );
    assert!(!text.contains("press Enter"), "{text}");
}

#[test]
fn with_standard_error_away_from_the_terminal_it_does_not_wait_unseen() {
    // Typed at a terminal, but the output goes to a file: a pause would
    // wait with nothing shown.
    let fixture = fixture("fixture_fails");
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg("exec \"$0\" \"$@\" 2>/dev/null")
        .arg(fixture.get_program())
        .args(fixture.get_args())
        .envs(fixture.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env_remove("NEXTEST_EXECUTION_MODE")
        .env_remove("RUST_BACKTRACE");
    // It ends by itself (a pause would outlast the wait's deadline).
    let status = support::Pty::spawn(&mut cmd).wait();
    assert_eq!(status.code(), Some(101));
}

#[test]
fn an_expected_panic_is_no_failure_to_pause_for() {
    let mut pty = support::Pty::spawn(&mut fixture("fixture_panics_as_expected"));
    pty.expect("test result: ok. 1 passed");
    assert_eq!(pty.wait().code(), Some(0));
}

#[test]
fn a_setting_it_does_not_know_fails_the_test_and_names_the_values() {
    let mut cmd = fixture("fixture_fails");
    cmd.env("NETNS_TEST_PAUSE", "sometimes")
        .stdin(Stdio::null());
    let out = support::run(&mut cmd);
    out.assert_code(101);
    assert!(
        out.stdout
            .contains("NETNS_TEST_PAUSE=\"sometimes\" is not understood: use `failure`")
            || out
                .stderr
                .contains("NETNS_TEST_PAUSE=\"sometimes\" is not understood: use `failure`"),
        "{out}"
    );
}
