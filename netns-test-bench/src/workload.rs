//! Running one workload through the `workloads` test binary, as `cargo test`
//! runs tests: one libtest process, a sandbox per test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::stats::{summarize, Summary};

/// One workload: `copies` identical tests named `MODULE::dA::dB::dC::run`
/// in the `workloads` binary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Workload {
    pub(crate) name: &'static str,
    pub(crate) module: &'static str,
    #[allow(dead_code)]
    pub(crate) what: &'static str,
    /// How many copies the binary holds: 1000, 300 or 10.
    pub(crate) copies: usize,
    /// Tests in the 1-worker run (timed one by one).
    pub(crate) sequential: usize,
    /// Tests in the 2-worker run (timed as a whole).
    pub(crate) parallel: usize,
}

/// The phases inside the sandbox, from the children's timing lines.
#[derive(Debug, Default)]
pub(crate) struct Phases {
    pub(crate) setup: Summary,
    pub(crate) parse: Summary,
    pub(crate) namespaces: Summary,
    pub(crate) apply: Summary,
    pub(crate) sysctls: Summary,
    pub(crate) body: Summary,
    /// The largest VmHWM of any sandbox, in KiB.
    pub(crate) peak_kb: u64,
}

/// What one workload measured.
#[derive(Debug)]
pub(crate) struct Row {
    /// Per test, with one worker, from one result line to the next.
    pub(crate) end_to_end: Summary,
    pub(crate) sequential_rate: f64,
    pub(crate) parallel_rate: f64,
    /// Seconds for the whole 2-worker run, process start to exit.
    pub(crate) parallel_wall: f64,
    /// Seconds from process start to the first result (probe included).
    pub(crate) first_test: f64,
    pub(crate) phases: Phases,
}

impl Row {
    /// Per-test times from the 1-worker run's result lines, throughput from
    /// both runs.
    pub(crate) fn new(seq: &Run, par: &Run, phases: Phases) -> Row {
        let gaps: Vec<f64> = seq.done.windows(2).map(|w| w[1] - w[0]).collect();
        Row {
            end_to_end: summarize(&gaps),
            sequential_rate: gaps.len() as f64 / gaps.iter().sum::<f64>().max(1e-9),
            parallel_rate: par.done.len() as f64 / par.wall,
            parallel_wall: par.wall,
            first_test: seq.done.first().copied().unwrap_or(0.0),
            phases,
        }
    }
}

impl Workload {
    /// A smoke-test size: a tenth of the tests, at least 10 (or all).
    pub(crate) fn quick(self) -> Workload {
        let small = |n: usize| (n / 10).max(10).min(self.copies);
        Workload {
            sequential: small(self.sequential),
            parallel: small(self.parallel),
            ..self
        }
    }

    /// Runs the 1-worker and the 2-worker passes.
    pub(crate) fn measure(&self, binary: &Path) -> Result<Row, String> {
        let timings = std::env::temp_dir().join(format!(
            "netns-test-bench-{}-{}.txt",
            std::process::id(),
            self.module
        ));
        let _ = std::fs::remove_file(&timings);
        let seq = run(binary, &self.filters(self.sequential), 1, Some(&timings))?;
        let phases = read_phases(&timings);
        let _ = std::fs::remove_file(&timings);
        let par = run(binary, &self.filters(self.parallel), 2, None)?;
        for (pass, done, wanted) in [
            ("1-worker", seq.done.len(), self.sequential),
            ("2-worker", par.done.len(), self.parallel),
        ] {
            if done != wanted {
                return Err(format!("the {pass} pass ran {done} tests, not {wanted}"));
            }
        }
        Ok(Row::new(&seq, &par, phases))
    }

    /// libtest filters selecting exactly `n` copies (`n` a multiple of the
    /// right power of ten): `MODULE::d0::`, `MODULE::d1::d0::`, ...
    fn filters(&self, n: usize) -> Vec<String> {
        let n = n.min(self.copies);
        let base = if self.copies >= 100 {
            self.module.to_string()
        } else {
            format!("{}::d0::d0", self.module)
        };
        if n == self.copies {
            return vec![format!("{base}::")];
        }
        let digits = if self.copies >= 100 { 3 } else { 1 };
        let mut filters = Vec::new();
        let mut done = 0;
        // Take whole blocks of 100, then 10, then single copies.
        for level in (0..digits).rev() {
            let block = 10usize.pow(level as u32);
            while n - done >= block {
                let index = done / block;
                let mut path = base.clone();
                // The index's digits, most significant first, `digits - level` of them.
                let width = digits - level;
                let text = format!("{index:0width$}");
                for d in text.chars() {
                    path.push_str("::d");
                    path.push(d);
                }
                path.push_str("::");
                filters.push(path);
                done += block;
            }
        }
        filters
    }
}

/// What one run of a binary produced.
pub(crate) struct Run {
    /// Seconds from spawning the process to each test's result line.
    pub(crate) done: Vec<f64>,
    /// Seconds from spawning the process to its exit.
    pub(crate) wall: f64,
}

fn run(
    binary: &Path,
    filters: &[String],
    threads: usize,
    timings: Option<&Path>,
) -> Result<Run, String> {
    let mut cmd = Command::new(binary);
    cmd.arg("--include-ignored")
        .arg(format!("--test-threads={threads}"))
        .args(filters);
    match timings {
        Some(path) => cmd.env("NETNS_TEST_TIMINGS", path),
        None => cmd.env_remove("NETNS_TEST_TIMINGS"),
    };
    time_results(cmd)
}

/// Runs `cmd`, timing each libtest-style result line (`test NAME ... ok`)
/// from the spawn; fails if the process fails or a line says `FAILED`.
pub(crate) fn time_results(mut cmd: Command) -> Result<Run, String> {
    let binary = PathBuf::from(cmd.get_program());
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the test output: {e}"))?;
        if line.starts_with("test ") && line.ends_with(" ... ok") {
            done.push(started.elapsed().as_secs_f64());
        } else if line.starts_with("test ") && line.ends_with("FAILED") {
            failures.push(line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for the tests: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() || !failures.is_empty() {
        return Err(format!("tests failed ({status}): {}", failures.join("; ")));
    }
    Ok(Run { done, wall })
}

/// Reads the children's lines: `name ok setup parse namespaces apply sysctls
/// body vmhwm_kb`, times in microseconds.
fn read_phases(path: &Path) -> Phases {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut columns: [Vec<f64>; 6] = Default::default();
    let mut peak_kb = 0;
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 9 || fields[1] != "ok" {
            continue;
        }
        for (column, field) in columns.iter_mut().zip(&fields[2..8]) {
            column.push(field.parse::<f64>().unwrap_or(0.0) / 1e6);
        }
        peak_kb = peak_kb.max(fields[8].parse().unwrap_or(0));
    }
    let [setup, parse, namespaces, apply, sysctls, body] = columns.map(|c| summarize(&c));
    Phases {
        setup,
        parse,
        namespaces,
        apply,
        sysctls,
        body,
        peak_kb,
    }
}

#[cfg(test)]
mod workload_should {
    use super::*;

    fn w(copies: usize) -> Workload {
        Workload {
            name: "x",
            module: "w_x",
            what: "",
            copies,
            sequential: 0,
            parallel: 0,
        }
    }

    #[test]
    fn select_blocks_of_copies_by_module_prefix() {
        assert_eq!(w(1000).filters(1000), ["w_x::"]);
        assert_eq!(w(1000).filters(20).len(), 2);
        assert_eq!(w(1000).filters(200), ["w_x::d0::", "w_x::d1::"]);
        assert_eq!(w(1000).filters(110), ["w_x::d0::", "w_x::d1::d0::"]);
        assert_eq!(w(10).filters(10), ["w_x::d0::d0::"]);
        assert_eq!(w(10).filters(2), ["w_x::d0::d0::d0::", "w_x::d0::d0::d1::"]);
    }
}
