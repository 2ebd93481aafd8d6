//! Networks built at run time in a plain `#[test]`: `run_in_network` with a
//! topology read from a file or made from a string while the test runs,
//! with the same sandbox and verdicts as `#[netns_test]`.

use std::process::{Command, Output};

use netns_test::{run_in_network, Topology};

/// A topology of `n` nodes on one bridge, made while the test runs.
fn lan(n: usize) -> Topology {
    let mut text = String::from("bridge lan 10.0.0.254/24\n");
    for i in 1..=n {
        text.push_str(&format!("node n{i}\nn{i}:eth0 10.0.0.{i}/24 -- lan\n"));
    }
    text.parse().expect("a valid topology")
}

#[test]
fn a_topology_parsed_at_run_time_is_built() {
    // Parsed while the test runs (the file's text is compiled in, so that
    // a copy of this binary run elsewhere needs no checkout).
    let text = include_str!("topologies/lan.net");
    let topology: Topology = text.parse().unwrap();
    run_in_network(&topology, |net| {
        net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
        net.host().ping("10.0.0.1".parse().unwrap()).unwrap();
    });
}

#[test]
fn a_topology_made_at_run_time_is_built_with_its_parameters() {
    run_in_network(&lan(5), |net| {
        assert_eq!(net.nodes().count(), 5);
        for node in net.nodes() {
            node.ping("10.0.0.254".parse().unwrap()).unwrap();
        }
    });
}

#[test]
fn a_body_may_return_a_result() {
    run_in_network(&lan(1), |net| -> Result<(), std::io::Error> {
        net.node("n1").ping("10.0.0.254".parse().unwrap())?;
        Ok(())
    });
}

#[test]
#[ignore = "fixture: run by a_failing_body_fails_its_test_with_the_report"]
fn fixture_run_time_body_fails() {
    // A body that ends in a panic has no type of its own: say `()`.
    run_in_network::<()>(&lan(2), |net| {
        net.node("n1").ping("10.0.0.2".parse().unwrap()).unwrap();
        panic!("the body's own failure 4242");
    });
}

#[test]
#[ignore = "fixture: run by a_failing_body_fails_its_test_with_the_report"]
fn fixture_run_time_body_returns_err() {
    run_in_network(&lan(1), |_| -> Result<(), String> {
        Err("nope 4343".into())
    });
}

#[test]
#[ignore = "fixture: run by calling_it_twice_or_off_the_test_thread_is_refused"]
fn fixture_called_twice() {
    run_in_network(&lan(1), |_| {});
    run_in_network(&lan(1), |_| {});
}

fn run_fixture(name: &str) -> Output {
    Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--include-ignored"])
        .env_remove("NEXTEST_EXECUTION_MODE")
        .env("NETNS_TEST_CAPTURE", "never")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_failing_body_fails_its_test_with_the_report() {
    let out = run_fixture("fixture_run_time_body_fails");
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("the body's own failure 4242"), "{all}");
    assert!(
        all.contains("network state at the moment of failure"),
        "{all}"
    );
    assert!(all.contains("n2:"), "{all}");
    let out = run_fixture("fixture_run_time_body_returns_err");
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("nope 4343"), "{all}");
}

#[test]
fn calling_it_twice_or_off_the_test_thread_is_refused() {
    let out = run_fixture("fixture_called_twice");
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("called twice in `fixture_called_twice`"),
        "{all}"
    );

    let off_thread = std::thread::spawn(|| run_in_network(&lan(1), |_| {}));
    let err = off_thread.join().unwrap_err();
    let message = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains("call it from a test's own thread"),
        "{message}"
    );
}
