//! Every way a test can fail is reported with its reason and the state of
//! the test's network, and no failure is ever a pass. Each meta-test re-runs
//! this binary for one fixture (an ignored test) and reads what it printed.

mod support;

use std::time::Duration;

use netns_test::{netns_test, Net};
use support::{fixture, in_fixture_run, run};

// ---- fixtures: each fails on purpose, only when run by a meta-test --------

#[netns_test(topology = "
    node a
    a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24
")]
#[ignore = "fixture"]
fn fixture_panics(net: &Net) {
    if in_fixture_run() {
        net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
        panic!("fixture panic message 4711");
    }
}

#[derive(Debug)]
#[allow(dead_code)]
struct Refused(&'static str);

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture"]
fn fixture_returns_err(_net: &Net) -> Result<(), Refused> {
    if in_fixture_run() {
        return Err(Refused("connection refused by fixture"));
    }
    Ok(())
}

#[netns_test(
    topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24",
    timeout = "200ms"
)]
#[ignore = "fixture"]
fn fixture_times_out(_net: &Net) {
    if in_fixture_run() {
        // Provoking the timeout is the point: block far longer than it.
        std::thread::sleep(Duration::from_secs(600));
    }
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture"]
fn fixture_times_out_by_environment(_net: &Net) {
    if in_fixture_run() {
        std::thread::sleep(Duration::from_secs(600));
    }
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture"]
fn fixture_aborts(_net: &Net) {
    if in_fixture_run() {
        std::process::abort();
    }
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[ignore = "fixture"]
fn fixture_dies_of_sigsegv(_net: &Net) {
    if in_fixture_run() {
        // SAFETY: sends SIGSEGV to this process; nothing is dereferenced.
        unsafe { libc::raise(libc::SIGSEGV) };
    }
}

#[netns_test(topology = "node a")]
#[ignore = "fixture"]
fn fixture_panics_inside_run(net: &Net) {
    if in_fixture_run() {
        net.node("a").run(|| panic!("panic inside run 0815"));
    }
}

#[netns_test(topology = "node a")]
#[ignore = "fixture"]
fn fixture_panics_inside_spawn(net: &Net) {
    if in_fixture_run() {
        let handle = net.node("a").spawn(|| panic!("panic inside spawn 0816"));
        assert!(handle.join().is_err(), "the spawned thread panicked");
        panic!("the spawned thread failed");
    }
}

#[netns_test(topology = "node a; sysctl a net.ipv4.no_such_knob=1")]
#[ignore = "fixture"]
fn fixture_fails_before_the_body(_net: &Net) {
    println!("the body ran");
}

#[netns_test(topology = "node a")]
#[ignore = "fixture"]
fn fixture_passes(net: &Net) {
    net.node("a").ping("127.0.0.1".parse().unwrap()).unwrap();
    println!("fixture body ran");
}

// ---- meta-tests ----------------------------------------------------------

fn assert_has(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

/// The state report: both namespaces with their interfaces and routes.
const STATE: &[&str] = &[
    "network state at the moment of failure:",
    "host:",
    "a:",
    "eth0",
    "10.0.0.1/24",
    "routes: 10.0.0.0/24 dev eth0",
];

#[test]
fn a_panic_is_reported_with_its_message_and_the_network_state() {
    let (out, text) = run(&mut fixture("fixture_panics"));
    assert!(!out.status.success());
    assert_has(
        &text,
        &[
            "fixture panic message 4711",
            "test fixture_panics ... FAILED",
        ],
    );
    assert_has(&text, STATE);
}

#[test]
fn a_panic_is_printed_once_at_the_body_s_line_then_the_state() {
    let (out, text) = run(fixture("fixture_panics").env("RUST_BACKTRACE", "1"));
    assert!(!out.status.success());
    assert_eq!(text.matches("panicked at").count(), 1, "{text}");
    assert_eq!(text.matches("stack backtrace:").count(), 1, "{text}");
    let at = text
        .find("panicked at tests/failures.rs:")
        .expect("at the body's line");
    let state = text
        .find("network state at the moment of failure")
        .expect("the state");
    assert!(at < state, "the panic comes first:\n{text}");
}

#[test]
fn a_returned_err_is_reported_with_its_debug_text_and_the_network_state() {
    let (out, text) = run(&mut fixture("fixture_returns_err"));
    assert!(!out.status.success());
    assert_has(
        &text,
        &["Error: Refused(\"connection refused by fixture\")"],
    );
    assert_has(&text, STATE);
}

#[test]
fn a_timeout_says_how_long_it_ran_and_dumps_the_state() {
    let (out, text) = run(&mut fixture("fixture_times_out"));
    assert!(!out.status.success());
    assert_has(
        &text,
        &["test `fixture_times_out` timed out after", "timeout 200ms"],
    );
    assert_has(&text, STATE);
}

#[test]
fn netns_test_timeout_sets_the_default_timeout() {
    let (out, text) =
        run(fixture("fixture_times_out_by_environment").env("NETNS_TEST_TIMEOUT", "300ms"));
    assert!(!out.status.success());
    assert_has(&text, &["timed out after", "timeout 300ms"]);
}

#[test]
fn abort_is_reported_as_sigabrt_with_the_state() {
    let (out, text) = run(&mut fixture("fixture_aborts"));
    assert!(!out.status.success());
    assert_has(&text, &["was killed by signal 6 (SIGABRT)"]);
    assert_has(&text, STATE);
}

#[test]
fn a_fatal_signal_is_reported_by_name_with_the_state() {
    let (out, text) = run(&mut fixture("fixture_dies_of_sigsegv"));
    assert!(!out.status.success());
    assert_has(&text, &["was killed by signal 11 (SIGSEGV)"]);
    assert_has(&text, STATE);
}

#[test]
fn a_panic_inside_run_is_reported_with_its_message() {
    let (out, text) = run(&mut fixture("fixture_panics_inside_run"));
    assert!(!out.status.success());
    assert_has(
        &text,
        &[
            "panic inside run 0815",
            "network state at the moment of failure:",
        ],
    );
}

#[test]
fn a_panic_inside_a_spawned_thread_is_reported_with_its_message() {
    let (out, text) = run(&mut fixture("fixture_panics_inside_spawn"));
    assert!(!out.status.success());
    assert_has(&text, &["panic inside spawn 0816", "thread 'a'"]);
}

#[test]
fn a_failure_to_build_the_network_fails_before_the_body() {
    let (out, text) = run(&mut fixture("fixture_fails_before_the_body"));
    assert!(!out.status.success());
    assert_has(
        &text,
        &["could not build the network", "net.ipv4.no_such_knob"],
    );
    assert!(!text.contains("the body ran"), "{text}");
}

#[test]
fn parent_flags_and_filters_do_not_reach_the_child() {
    let flag_sets: &[&[&str]] = &[
        &[],
        &["--nocapture"],
        &["--show-output"],
        &["--test-threads", "3", "--color", "always"],
        &["-q", "--format", "pretty"],
    ];
    for flags in flag_sets {
        let (out, text) = run(fixture("fixture_passes").args(*flags));
        assert!(out.status.success(), "flags {flags:?}:\n{text}");
        assert_has(&text, &["1 passed"]);
    }
    // --ignored instead of --include-ignored.
    let exe = std::env::current_exe().unwrap();
    let mut ignored = std::process::Command::new(&exe);
    ignored
        .args(["fixture_passes", "--exact", "--ignored"])
        .env(support::FIXTURE_ENV, "1");
    let (out, text) = run(&mut ignored);
    assert!(out.status.success(), "--ignored:\n{text}");
    assert_has(&text, &["1 passed"]);
    // A filter that is a prefix of the name, without --exact.
    let out = std::process::Command::new(exe)
        .args(["fixture_passe", "--include-ignored", "--nocapture"])
        .env(support::FIXTURE_ENV, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("fixture body ran"),
        "{text}"
    );
}

#[test]
fn unknown_libtest_flags_fail_the_run_rather_than_pass() {
    let (out, text) = run(fixture("fixture_passes").arg("--no-such-flag"));
    assert!(!out.status.success(), "{text}");
}

#[test]
fn the_child_output_is_captured_and_shown_with_nocapture() {
    let (out, text) = run(fixture("fixture_passes").arg("--nocapture"));
    assert!(out.status.success(), "{text}");
    assert_has(&text, &["fixture body ran"]);
    // libtest's own header from the child is not forwarded.
    assert_eq!(text.matches("running 1 test").count(), 1, "{text}");

    let (out, text) = run(&mut fixture("fixture_passes"));
    assert!(out.status.success());
    assert!(
        !text.contains("fixture body ran"),
        "captured without --nocapture:\n{text}"
    );
}
