//! The netns-test benchmark.
//!
//! `cargo run --release -p netns-test-bench [-- --quick]` builds the
//! `workloads` test binary of this crate (its tests are `#[netns_test]`s),
//! runs each workload through it as `cargo test` would, and prints a table:
//! per-test median and p90 end to end (one worker), tests per second with one
//! and two workers, the phases inside the sandbox (from the child's
//! `NETNS_TEST_TIMINGS` report), the peak memory of one sandbox, and the
//! ratio of each workload to the walk-through built with `ip` commands
//! inside `unshare -Urnm`. Beside them, timed the same way, run workloads
//! without netns-test: the raw-netlink floor of "tcp pair" and gateflow
//! 0.1.2's two sandboxes (`peer.rs`), and the ratios issue 10 sets targets
//! for. Last, impaired links (`impaired.rs`): delay, jitter, loss and rate
//! measured with real traffic beside issue 12's targets. Nothing here
//! asserts on time.

mod baseline;
mod floor;
mod fork;
mod gateflow_peer;
mod impaired;
mod peer;
mod rtnl;
mod stats;
mod workload;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use peer::{Kind, Peer};
use stats::{ms, Summary};
use workload::{Phases, Row, Workload};

/// The workloads without netns-test; `--quick` divides the counts.
const PEERS: [Peer; 3] = [
    Peer {
        name: "floor (raw netlink, tcp pair)",
        kind: Kind::Floor,
        sequential: 300,
        parallel: 1000,
    },
    Peer {
        name: "gateflow single",
        kind: Kind::GateflowSingle,
        sequential: 200,
        parallel: 300,
    },
    Peer {
        name: "gateflow paired",
        kind: Kind::GateflowPaired,
        sequential: 200,
        parallel: 300,
    },
];

/// What a full run measures; `--quick` divides the counts.
const WORKLOADS: [Workload; 6] = [
    Workload {
        name: "bare",
        module: "w_bare",
        what: "#[netns_test], one namespace, lo",
        copies: 300,
        sequential: 200,
        parallel: 300,
    },
    Workload {
        name: "walk-through",
        module: "w_walk",
        what: "1 node, bridge with an address, ping each way",
        copies: 300,
        sequential: 200,
        parallel: 300,
    },
    Workload {
        name: "tcp pair",
        module: "w_tcp",
        what: "2 nodes on a veth, TCP connect, 1 byte each way",
        copies: 1000,
        sequential: 300,
        parallel: 1000,
    },
    Workload {
        name: "lan 8",
        module: "w_lan8",
        what: "8 nodes on a bridge, each pings it",
        copies: 300,
        sequential: 200,
        parallel: 300,
    },
    Workload {
        name: "setup 32",
        module: "w_setup32",
        what: "32 nodes on a bridge, empty body",
        copies: 10,
        sequential: 10,
        parallel: 10,
    },
    Workload {
        name: "setup 128",
        module: "w_setup128",
        what: "128 nodes on a bridge, empty body",
        copies: 10,
        sequential: 10,
        parallel: 10,
    },
];

struct Options {
    quick: bool,
    only: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        only: Vec::new(),
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "-h" | "--help" => {
                return Err(
                    "usage: cargo run --release -p netns-test-bench -- [--quick] \
                     [WORKLOAD...]\n  --quick   a fast smoke run (fewer tests per workload)\n  \
                     WORKLOAD  only these (module names: w_bare w_walk w_tcp w_lan8 \
                     w_setup32 w_setup128, `ip`, `floor`, `gateflow` or `impaired`)"
                        .into(),
                )
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => options.only.push(other.to_string()),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = peer::worker_main(&args) {
        return code;
    }
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let binary = match build_workloads() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("netns-test-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let wanted = |name: &str| options.only.is_empty() || options.only.iter().any(|o| o == name);
    println!("{}", machine_line());

    let baseline = if wanted("ip") {
        let runs = if options.quick { 10 } else { 40 };
        eprintln!("running the ip baseline ({runs} runs)...");
        Some(baseline::run(runs))
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut failed = false;
    for w in WORKLOADS.iter().filter(|w| wanted(w.module)) {
        let w = if options.quick { w.quick() } else { *w };
        eprintln!(
            "running {} ({} tests with 1 worker, {} with 2)...",
            w.name, w.sequential, w.parallel
        );
        match w.measure(&binary) {
            Ok(row) => rows.push((w, row)),
            Err(e) => {
                eprintln!("netns-test-bench: {}: {e}", w.name);
                failed = true;
            }
        }
    }

    let mut peer_rows = Vec::new();
    for p in PEERS.iter().filter(|p| {
        wanted(if p.kind == Kind::Floor {
            "floor"
        } else {
            "gateflow"
        })
    }) {
        let p = if options.quick { p.quick() } else { *p };
        eprintln!(
            "running {} ({} tests with 1 worker, {} with 2)...",
            p.name, p.sequential, p.parallel
        );
        let row = p.measure();
        if let Err(e) = &row {
            eprintln!("netns-test-bench: {}: {e}", p.name);
            failed |= !p.kind.may_skip();
        }
        peer_rows.push((p, row));
    }

    let impaired = wanted("impaired").then(|| {
        eprintln!("running the impaired links (one test at a time)...");
        impaired::measure(&binary, options.quick)
    });
    for failure in impaired.iter().flatten().filter_map(impaired::Row::failure) {
        eprintln!("netns-test-bench: impaired links: {failure}");
        failed = true;
    }

    if !rows.is_empty() || baseline.is_some() || !peer_rows.is_empty() {
        print_setup_tables(&rows, baseline.as_ref(), &peer_rows);
    }
    if let Some(rows) = &impaired {
        impaired::print(rows, options.quick);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The per-test tables: workloads, baseline and peers, issue 10's ratios,
/// the phases inside the sandbox.
fn print_setup_tables(
    rows: &[(Workload, Row)],
    baseline: Option<&Result<Summary, String>>,
    peer_rows: &[(Peer, Result<Row, String>)],
) {
    let base_median = baseline.and_then(|b| b.as_ref().ok()).map(|s| s.median);

    println!();
    println!(
        "| workload | tests | median | p90 | tests/s, 1 worker | tests/s, 2 workers | \
         vs ip baseline |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (w, r) in rows {
        let ratio = base_median.map_or("-".to_string(), |b| {
            format!("{:.2}x", r.end_to_end.median / b)
        });
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} | {ratio} |",
            w.name,
            r.end_to_end.n,
            ms(r.end_to_end.median),
            ms(r.end_to_end.p90),
            r.sequential_rate,
            r.parallel_rate,
        );
    }
    match baseline {
        Some(Ok(b)) => println!(
            "| ip baseline (walk-through) | {} | {} | {} | {:.0} | - | 1.00x |",
            b.n,
            ms(b.median),
            ms(b.p90),
            1.0 / b.mean
        ),
        Some(Err(note)) => println!("| ip baseline | skipped: {note} | | | | | |"),
        None => {}
    }
    for (p, row) in peer_rows {
        match row {
            Ok(r) => println!(
                "| {} | {} | {} | {} | {:.0} | {:.0} | {} |",
                p.name,
                r.end_to_end.n,
                ms(r.end_to_end.median),
                ms(r.end_to_end.p90),
                r.sequential_rate,
                r.parallel_rate,
                base_median.map_or("-".to_string(), |b| format!(
                    "{:.2}x",
                    r.end_to_end.median / b
                )),
            ),
            Err(e) => println!("| {} | skipped: {e} | | | | | |", p.name),
        }
    }
    print_ratios(rows, peer_rows);

    println!();
    println!(
        "Inside the sandbox (medians over the 1-worker run; `outside` = end to end \
         minus setup and body: clone, exec, libtest, exit):"
    );
    println!();
    println!(
        "| workload | parse | namespaces | apply + wait | sysctls | setup | body | outside | \
         peak memory (VmHWM) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (w, r) in rows {
        let p: &Phases = &r.phases;
        let outside = (r.end_to_end.median - p.setup.median - p.body.median).max(0.0);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} MiB |",
            w.name,
            ms(p.parse.median),
            ms(p.namespaces.median),
            ms(p.apply.median),
            ms(p.sysctls.median),
            ms(p.setup.median),
            ms(p.body.median),
            ms(outside),
            p.peak_kb as f64 / 1024.0
        );
    }
    println!();
    for (w, r) in rows {
        println!(
            "- {}: {} tests with 2 workers in {:.2} s; first test of a process (probe \
             included) {}",
            w.name,
            w.parallel,
            r.parallel_wall,
            ms(r.first_test)
        );
    }
    for (p, row) in peer_rows {
        if let Ok(r) = row {
            println!(
                "- {}: {} tests with 2 workers in {:.2} s",
                p.name, p.parallel, r.parallel_wall
            );
        }
    }
}

/// The ratios issue 10 sets targets for, as time per test (left over
/// right): from the 1-worker medians and from the 2-worker throughput; the
/// verdict is on the latter.
fn print_ratios(rows: &[(Workload, Row)], peers: &[(Peer, Result<Row, String>)]) {
    let ours = |name: &str| rows.iter().find(|(w, _)| w.name == name).map(|(_, r)| r);
    let theirs = |kind: Kind| {
        peers
            .iter()
            .find(|(p, _)| p.kind == kind)
            .and_then(|(_, r)| r.as_ref().ok())
    };
    let (tcp, bare) = (ours("tcp pair"), ours("bare"));
    let (floor, single, paired) = (
        theirs(Kind::Floor),
        theirs(Kind::GateflowSingle),
        theirs(Kind::GateflowPaired),
    );
    // (ratio, left, right, at most?, target)
    let ratios = [
        ("tcp pair / floor", tcp, floor, true, 1.2),
        ("bare / gateflow single", bare, single, true, 1.2),
        ("gateflow paired / tcp pair", paired, tcp, false, 5.0),
    ];
    if ratios
        .iter()
        .all(|(_, l, r, _, _)| l.is_none() || r.is_none())
    {
        return;
    }
    println!();
    println!(
        "Against issue 10's targets (time per test, left over right; the verdict uses 2 workers):"
    );
    println!();
    println!("| ratio | 1 worker (medians) | 2 workers (throughput) | target | met |");
    println!("|---|---:|---:|---|---|");
    for (name, left, right, at_most, target) in ratios {
        let (Some(l), Some(r)) = (left, right) else {
            println!("| {name} | - | - | | not measured |");
            continue;
        };
        let by_median = l.end_to_end.median / r.end_to_end.median;
        let by_rate = r.parallel_rate / l.parallel_rate;
        let met = if at_most {
            by_rate <= target
        } else {
            by_rate >= target
        };
        println!(
            "| {name} | {by_median:.2}x | {by_rate:.2}x | {} {target:.1}x | {} |",
            if at_most { "≤" } else { "≥" },
            if met { "yes" } else { "no" }
        );
    }
}

/// Kernel, CPUs and privilege: what the numbers depend on.
fn machine_line() -> String {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let userns = std::env::var("NETNS_TEST_USERNS").unwrap_or_else(|_| "auto".into());
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "?".into());
    format!("netns-test-bench: Linux {kernel}, {cpus} CPUs, euid {uid}, NETNS_TEST_USERNS={userns}")
}

/// Builds the `workloads` test binary in release and returns its path.
fn build_workloads() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building the workloads (cargo test --release --no-run)...");
    let out = Command::new(cargo)
        .args([
            "test",
            "--release",
            "-p",
            "netns-test-bench",
            "--test",
            "workloads",
            "--no-run",
            "--message-format=json",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("building the workloads failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\"") && l.contains("\"workloads\""))
        .find_map(|l| {
            let start = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = start + l[start..].find('"')?;
            Some(PathBuf::from(&l[start..end]))
        })
        .ok_or_else(|| "cargo did not name the workloads binary".into())
}
