//! A verdict is the body's own: only the body's panic satisfies
//! `#[should_panic]`, only the process that started the body reports its
//! outcome, a forked helper elsewhere in the binary stalls nothing, and a
//! limit reached for a moment is waited out, never skipped.
//!
//! Each meta-test re-runs this binary for fixtures (ignored tests) and reads
//! what libtest printed.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netns_test::{netns_test, Net};
use support::{fixture, in_fixture_run, run};

// ---- should_panic: fixtures that must FAIL ---------------------------------

#[netns_test(topology = "
    node a
    a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24
")]
#[should_panic(expected = "10.0.0.1")]
#[ignore = "fixture"]
fn fixture_should_panic_matches_only_the_body(_net: &Net) {
    if in_fixture_run() {
        let empty: Vec<u8> = Vec::new();
        // An index out of bounds: the address is only in the network dump.
        let _ = empty[std::hint::black_box(3)];
    }
    panic!("10.0.0.1 (outside a fixture run this test passes)");
}

#[netns_test(topology = "node a", timeout = "300ms")]
#[should_panic(expected = "timed out")]
#[ignore = "fixture"]
fn fixture_should_panic_is_not_a_timeout(_net: &Net) {
    if in_fixture_run() {
        // Provoking the timeout is the point.
        std::thread::sleep(Duration::from_secs(60));
    }
    panic!("timed out (outside a fixture run this test passes)");
}

#[netns_test(topology = "
    node a
    sysctl a net.ipv4.netns_test_no_such_key=1
")]
#[should_panic]
#[ignore = "fixture"]
fn fixture_should_panic_is_not_a_setup_failure() {
    panic!("the body never runs: its setup fails");
}

#[netns_test]
#[should_panic]
#[ignore = "fixture"]
fn fixture_should_panic_is_not_an_exit() {
    if in_fixture_run() {
        std::process::exit(0);
    }
    panic!("outside a fixture run this test passes");
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[should_panic(expected = "fixture_should_panic_is_not_a_signal")]
#[ignore = "fixture"]
fn fixture_should_panic_is_not_a_signal() {
    if in_fixture_run() {
        // SAFETY: sends SIGSEGV to this process; nothing is dereferenced.
        unsafe { libc::raise(libc::SIGSEGV) };
    }
    panic!("fixture_should_panic_is_not_a_signal (outside a fixture run this test passes)");
}

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[should_panic(expected = "UP")]
#[ignore = "fixture"]
fn fixture_should_panic_is_not_an_abort() {
    if in_fixture_run() {
        std::process::abort();
    }
    panic!("UP (outside a fixture run this test passes)");
}

#[netns_test]
#[should_panic(expected = "a message of the body's 4711")]
#[ignore = "fixture"]
fn fixture_should_panic_with_another_message() {
    panic!("another message 0815");
}

// ---- should_panic: a fixture that must PASS ----------------------------------

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
#[should_panic(expected = "a message of the body's 4711")]
#[ignore = "fixture"]
fn fixture_should_panic_with_the_body_message(net: &Net) {
    net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
    panic!("here is a message of the body's 4711, as expected");
}

/// Runs one fixture and returns its combined output, asserting it failed.
fn fails(name: &str) -> String {
    let (out, text) = run(&mut fixture(name));
    assert!(!out.status.success(), "{name} passed:\n{text}");
    assert!(text.contains("1 failed"), "{name}:\n{text}");
    text
}

#[test]
fn an_address_in_the_network_dump_does_not_satisfy_should_panic() {
    let text = fails("fixture_should_panic_matches_only_the_body");
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(
        text.contains("panic did not contain expected string"),
        "{text}"
    );
}

#[test]
fn a_timeout_does_not_satisfy_should_panic() {
    let text = fails("fixture_should_panic_is_not_a_timeout");
    assert!(text.contains("timed out after"), "{text}");
    assert!(text.contains("cannot pass it"), "{text}");
}

#[test]
fn a_setup_failure_does_not_satisfy_should_panic() {
    let text = fails("fixture_should_panic_is_not_a_setup_failure");
    assert!(text.contains("could not build the network"), "{text}");
    assert!(text.contains("netns_test_no_such_key"), "{text}");
}

#[test]
fn an_exit_does_not_satisfy_should_panic() {
    let text = fails("fixture_should_panic_is_not_an_exit");
    assert!(text.contains("exited with status 0"), "{text}");
}

#[test]
fn a_signal_does_not_satisfy_should_panic_naming_the_test() {
    let text = fails("fixture_should_panic_is_not_a_signal");
    assert!(text.contains("SIGSEGV"), "{text}");
}

#[test]
fn an_abort_does_not_satisfy_should_panic_expecting_up() {
    let text = fails("fixture_should_panic_is_not_an_abort");
    assert!(text.contains("SIGABRT"), "{text}");
}

#[test]
fn a_body_panic_with_another_message_fails_should_panic() {
    let text = fails("fixture_should_panic_with_another_message");
    assert!(text.contains("another message 0815"), "{text}");
}

#[test]
fn the_body_own_panic_satisfies_should_panic_with_its_message() {
    let (out, text) = run(&mut fixture("fixture_should_panic_with_the_body_message"));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

// ---- a forked child must not report for the body ---------------------------

#[netns_test]
#[ignore = "fixture"]
fn fixture_forks_and_the_child_returns() {
    if !in_fixture_run() {
        return;
    }
    // SAFETY: the child only returns from the body (which is what this
    // fixture provokes); the parent waits for it and exits.
    match unsafe { libc::fork() } {
        0 => {} // the child returns from the body: it would report "passed"
        -1 => panic!("fork failed"),
        pid => {
            let mut status = 0;
            // SAFETY: waits for our own child.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            std::process::exit(0);
        }
    }
}

#[test]
fn a_pass_reported_by_a_forked_child_fails_the_test() {
    let (out, text) = run(&mut fixture("fixture_forks_and_the_child_returns"));
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("forked by the body"), "{text}");
}

// ---- a helper that forks without exec stalls no sandbox ---------------------

/// Holds the write end of a pipe; the daemons it forks read until every
/// copy of it is closed, that is until this test process exits.
#[test]
#[ignore = "fixture"]
fn fixture_daemonizes_while_sandboxes_start() {
    if !in_fixture_run() {
        return;
    }
    let mut fds = [0; 2];
    // SAFETY: pipe(2) into a local array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        // SAFETY: the child makes only async-signal-safe calls (close, read,
        // _exit), as a daemonizing library's child would before its exec.
        match unsafe { libc::fork() } {
            0 => unsafe {
                libc::close(fds[1]);
                let mut byte = 0u8;
                while libc::read(fds[0], (&mut byte as *mut u8).cast(), 1) > 0 {}
                libc::_exit(0);
            },
            -1 => break,
            _ => std::thread::sleep(Duration::from_micros(500)),
        }
    }
    // The write end stays open in this process until it exits.
}

mod fixture_quick {
    use netns_test::{netns_test, Net};

    macro_rules! quick_tests {
        ($($name:ident)*) => {$(
            #[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24",
                         timeout = "1s")]
            #[ignore = "fixture"]
            fn $name(net: &Net) {
                net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
            }
        )*};
    }
    quick_tests!(q00 q01 q02 q03 q04 q05 q06 q07 q08 q09 q10 q11 q12 q13 q14 q15
                 q16 q17 q18 q19 q20 q21 q22 q23 q24 q25 q26 q27 q28 q29 q30 q31);
}

#[test]
fn a_helper_that_forks_without_exec_does_not_stall_the_sandboxes() {
    let exe = std::env::current_exe().expect("current_exe");
    let mut child = Command::new(exe)
        .args([
            "fixture_daemonizes_while_sandboxes_start",
            "fixture_quick::",
            "--include-ignored",
            "--test-threads=4",
        ])
        .env(support::FIXTURE_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the fixtures");
    // Not a timing assertion: a bound on a hang. Each quick test's own
    // timeout is 1 s; before the fix they ran into it, or hung for good.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the fixtures hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("33 passed"), "{text}");
}

// ---- output of any size is forwarded in linear time --------------------------

/// Bytes without a newline: a line this long used to cost quadratic time.
const HUGE: usize = 20 << 20;

#[netns_test(timeout = "30s")]
#[ignore = "fixture"]
fn fixture_prints_a_huge_line() {
    if in_fixture_run() {
        use std::io::Write;
        let line = vec![b'x'; HUGE];
        std::io::stdout().write_all(&line).unwrap();
        println!("<end of the huge line>");
    }
}

#[test]
fn a_huge_line_of_output_is_forwarded_whole() {
    let (out, text) = run(fixture("fixture_prints_a_huge_line").arg("--nocapture"));
    assert!(
        out.status.success(),
        "{}",
        &text[text.len().saturating_sub(2000)..]
    );
    assert!(text.contains("<end of the huge line>"));
    assert!(out.stdout.len() > HUGE, "{} bytes", out.stdout.len());
}

#[netns_test(timeout = "30s")]
#[ignore = "fixture"]
fn fixture_panics_with_a_huge_message() {
    if in_fixture_run() {
        panic!("{}<end of the huge panic>", "y".repeat(50 << 20));
    }
}

#[test]
fn a_huge_panic_message_is_reported_whole() {
    let (out, text) = run(&mut fixture("fixture_panics_with_a_huge_message"));
    assert!(!out.status.success());
    let tail = &text[text.len().saturating_sub(2000)..];
    assert!(text.contains("<end of the huge panic>"), "{tail}");
    assert!(!text.contains("timed out"), "{tail}");
    assert!(text.contains("1 failed"), "{tail}");
}

// ---- #[test] above #[netns_test] registers the test twice -------------------

#[test]
#[netns_test]
#[ignore = "fixture"]
fn fixture_registered_twice() {}

#[test]
fn a_test_attribute_above_netns_test_fails_the_second_registration() {
    let (out, text) = run(&mut fixture("fixture_registered_twice"));
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("registered twice"), "{text}");
    assert!(text.contains("help: remove `#[test]`"), "{text}");
}
