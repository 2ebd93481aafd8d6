//! The `harness = false` target `tests/harness.rs`, run as cargo and
//! nextest run it: listing, filtering, `--exact`, `--ignored`,
//! `--include-ignored`, and a failing trial's report.

use std::path::PathBuf;
use std::process::{Command, Output};

mod support;

/// The harness target's binary beside this one.
fn harness() -> Option<PathBuf> {
    support::sibling_binary("harness", false)
}

fn run(args: &[&str], fixture: bool) -> Option<Output> {
    let mut cmd = Command::new(harness()?);
    cmd.args(args).env_remove("NEXTEST_EXECUTION_MODE");
    if fixture {
        cmd.env("NETNS_TEST_HARNESS_FIXTURE", "1");
    }
    Some(cmd.output().expect("run the harness binary"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

macro_rules! or_skip {
    ($out:expr) => {
        match $out {
            Some(out) => out,
            None => {
                // A copy of this binary run elsewhere (CI's unprivileged
                // pass): the harness binary is checked in the workspace's runs.
                eprintln!("no harness binary next to this test; not checked here");
                return;
            }
        }
    };
}

#[test]
fn it_lists_every_kind_of_trial_as_nextest_expects() {
    let out = or_skip!(run(&["--list", "--format", "terse"], false));
    assert!(out.status.success());
    let listed: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    for name in [
        "a_netns_test_runs_in_the_harness: test",
        "lan_of::2: test",
        "lan_of::8: test",
        "harness::lan: test",
        "harness::routed: test",
        "harness::two_nodes: test",
        "harness::dual_stack: test",
        "harness::wan::behind_nat: test",
        "harness::wan::slow_link: test",
    ] {
        assert!(
            listed.iter().any(|l| l == name),
            "{name} not in {listed:#?}"
        );
    }
    // Only test lines on stdout.
    assert!(listed.iter().all(|l| l.ends_with(": test")), "{listed:#?}");
    let ignored = or_skip!(run(&["--list", "--format", "terse", "--ignored"], false));
    assert_eq!(stdout(&ignored).trim(), "an_ignored_netns_test: test");
}

#[test]
fn exact_runs_one_trial_and_a_filter_runs_the_matching_ones() {
    let out = or_skip!(run(&["harness::wan::behind_nat", "--exact"], false));
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
    let out = or_skip!(run(&["lan_of"], false));
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("3 passed"), "{text}");
}

#[test]
fn ignored_runs_only_if_asked() {
    let out = or_skip!(run(&["an_ignored_netns_test"], false));
    assert!(stdout(&out).contains("1 ignored"), "{}", stdout(&out));
    let out = or_skip!(run(&["an_ignored_netns_test", "--include-ignored"], false));
    assert!(stdout(&out).contains("1 passed"), "{}", stdout(&out));
}

#[test]
fn a_failing_trial_reports_its_failure_and_the_network() {
    let out = or_skip!(run(&["fixture::", "--test-threads=1"], true));
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("the trial's own failure 5151"), "{all}");
    assert!(
        all.contains("network state at the moment of failure"),
        "{all}"
    );
    assert!(all.contains("10.9.0.1/24"), "{all}");
    // A topology that does not parse fails its trial with the parser's words.
    assert!(all.contains("prefix length /33 is too long"), "{all}");
    assert!(all.contains("2 failed"), "{all}");
}
