//! Workloads without netns-test: the raw-netlink floor and gateflow's two
//! sandboxes. The driver runs each in a worker, a fresh process of its own
//! binary (`--peer-worker KIND TESTS WORKERS`, single-threaded, so it may
//! fork and run Rust in the child), which prints a libtest-style result line
//! per test; the driver times the lines as it does libtest's. Two workers
//! are two forked copies of the worker splitting the tests.

use std::process::{Command, ExitCode};

use crate::floor::{self, Ids};
use crate::workload::{time_results, Phases, Row};
use crate::{fork, gateflow_peer};

/// The hidden first argument of a worker.
const WORKER_FLAG: &str = "--peer-worker";

/// What a peer runs per test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The raw-netlink floor of "tcp pair" (`floor.rs`).
    Floor,
    /// gateflow's single sandbox, empty body.
    GateflowSingle,
    /// gateflow's paired sandbox, TCP connect and a byte each way.
    GateflowPaired,
}

impl Kind {
    fn arg(self) -> &'static str {
        match self {
            Kind::Floor => "floor",
            Kind::GateflowSingle => "gateflow-single",
            Kind::GateflowPaired => "gateflow-paired",
        }
    }

    fn from_arg(arg: &str) -> Option<Kind> {
        [Kind::Floor, Kind::GateflowSingle, Kind::GateflowPaired]
            .into_iter()
            .find(|k| k.arg() == arg)
    }

    /// gateflow may be unable to run here (no user namespaces): the driver
    /// then prints a note instead of failing.
    pub(crate) fn may_skip(self) -> bool {
        self != Kind::Floor
    }

    fn run_one(self, ids: Ids) -> Result<(), String> {
        match self {
            Kind::Floor => fork::in_child(|| floor::tcp_pair(ids)),
            Kind::GateflowSingle => gateflow_peer::single(),
            Kind::GateflowPaired => gateflow_peer::paired(),
        }
    }
}

/// One peer workload and its sizes, as [`crate::workload::Workload`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// Tests in the 1-worker run (timed one by one).
    pub(crate) sequential: usize,
    /// Tests in the 2-worker run (timed as a whole).
    pub(crate) parallel: usize,
}

impl Peer {
    /// A smoke-test size: a tenth of the tests, at least 10.
    pub(crate) fn quick(self) -> Peer {
        let small = |n: usize| (n / 10).max(10);
        Peer {
            sequential: small(self.sequential),
            parallel: small(self.parallel),
            ..self
        }
    }

    /// Runs the 1-worker and the 2-worker passes.
    pub(crate) fn measure(&self) -> Result<Row, String> {
        let pass = |tests: usize, workers: usize| {
            // Our own binary even when cargo has replaced the file since we
            // started (building the workloads may relink it).
            let mut cmd = Command::new("/proc/self/exe");
            cmd.args([
                WORKER_FLAG,
                self.kind.arg(),
                &tests.to_string(),
                &workers.to_string(),
            ]);
            let run = time_results(cmd)?;
            if run.done.len() != tests {
                return Err(format!(
                    "the {workers}-worker pass ran {} tests, not {tests}",
                    run.done.len()
                ));
            }
            Ok(run)
        };
        let seq = pass(self.sequential, 1)?;
        let par = pass(self.parallel, 2)?;
        Ok(Row::new(&seq, &par, Phases::default()))
    }
}

/// The worker's entry: `Some` exit code when `args` (without the program
/// name) start with the worker flag.
pub(crate) fn worker_main(args: &[String]) -> Option<ExitCode> {
    let [flag, kind, tests, workers] = args else {
        return (args.first().map(String::as_str) == Some(WORKER_FLAG)).then(|| {
            eprintln!("usage: {WORKER_FLAG} KIND TESTS WORKERS");
            ExitCode::from(2)
        });
    };
    if flag != WORKER_FLAG {
        return None;
    }
    let parsed = (
        Kind::from_arg(kind),
        tests.parse::<usize>(),
        workers.parse::<usize>(),
    );
    let (Some(kind), Ok(tests), Ok(workers @ 1..)) = parsed else {
        eprintln!("usage: {WORKER_FLAG} floor|gateflow-single|gateflow-paired TESTS WORKERS");
        return Some(ExitCode::from(2));
    };
    Some(match worker(kind, tests, workers) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("netns-test-bench: {}: {e}", kind.arg());
            ExitCode::FAILURE
        }
    })
}

fn worker(kind: Kind, tests: usize, workers: usize) -> Result<(), String> {
    if !fork::single_threaded()? {
        return Err("the worker must be single-threaded to fork".into());
    }
    let ids = Ids::current();
    if workers == 1 {
        return run_tests(kind, ids, 0..tests);
    }
    // Worker `w` runs tests w, w + workers, ...: the shares differ by one at most.
    let children = (0..workers)
        .map(|w| fork::spawn(|| run_tests(kind, ids, (w..tests).step_by(workers))))
        .collect::<Result<Vec<_>, String>>()?;
    let mut failure = None;
    for child in children {
        if let Err(e) = fork::wait(child) {
            failure.get_or_insert(e);
        }
    }
    failure.map_or(Ok(()), Err)
}

fn run_tests(kind: Kind, ids: Ids, tests: impl Iterator<Item = usize>) -> Result<(), String> {
    for i in tests {
        match kind.run_one(ids) {
            Ok(()) => println!("test {}::{i} ... ok", kind.arg()),
            Err(e) => {
                println!("test {}::{i} ... FAILED", kind.arg());
                return Err(e);
            }
        }
    }
    Ok(())
}
