//! A `harness = false` test target on `netns_test::harness`: the
//! `#[netns_test]`s of this file, trials made in code (a parameter table,
//! no macro), and one trial per topology file of `tests/harness/`, each
//! named by its path (`harness::lan`, `harness::wan::behind_nat`).
//!
//! `cargo test --test harness` and `cargo nextest run --test harness` run
//! it like any test binary; `tests/harness_mode.rs` checks its flags.

use std::path::Path;
use std::process::ExitCode;

use netns_test::harness::Harness;
use netns_test::{netns_test, Net, Topology};

#[netns_test(topology = "node a; a:eth0 10.0.0.1/24 -- host:eth0 10.0.0.2/24")]
fn a_netns_test_runs_in_the_harness(net: &Net) {
    net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
}

#[netns_test]
#[ignore = "listed as ignored, run only when asked"]
fn an_ignored_netns_test() {}

/// The first node reaches every address of every other namespace: what a
/// topology file in `tests/harness/` promises.
fn the_first_node_reaches_every_address(file: &Path, net: &Net) {
    let first = net.nodes().next().expect("a topology with a node");
    let others = std::iter::once(net.host()).chain(net.nodes());
    for node in others.filter(|n| n.name() != first.name()) {
        for addr in node.addrs() {
            if let Err(e) = first.ping(addr) {
                panic!(
                    "{}: {} cannot reach {addr} of {}: {e}",
                    file.display(),
                    first.name(),
                    node.name()
                );
            }
        }
    }
}

/// `n` nodes on one bridge with the host.
fn lan(n: usize) -> Topology {
    let mut text = String::from("bridge lan 10.0.0.254/24\n");
    for i in 1..=n {
        text.push_str(&format!("node n{i}\nn{i}:eth0 10.0.0.{i}/24 -- lan\n"));
    }
    text.parse().expect("a valid topology")
}

fn main() -> ExitCode {
    let mut harness = Harness::new();
    // A parameter table: one trial per size.
    for n in [2, 4, 8] {
        harness = harness.trial(format!("lan_of::{n}"), lan(n), move |net: &Net| {
            assert_eq!(net.nodes().count(), n);
            for node in net.nodes() {
                node.ping("10.0.0.254".parse().unwrap()).unwrap();
            }
        });
    }
    // The failing trial the harness's own tests look at.
    if std::env::var_os("NETNS_TEST_HARNESS_FIXTURE").is_some() {
        harness = harness
            .trial_text::<()>(
                "fixture::fails",
                "node a; a:eth0 10.9.0.1/24 -- host:eth0 10.9.0.2/24",
                |net| {
                    net.node("a").ping("10.9.0.2".parse().unwrap()).unwrap();
                    panic!("the trial's own failure 5151");
                },
            )
            .trial_text(
                "fixture::bad_topology",
                "node a; a:eth0 10.0.0.1/33 -- host",
                |_| {},
            );
    }
    harness
        .dir("tests/harness", "net", the_first_node_reaches_every_address)
        .run()
}
