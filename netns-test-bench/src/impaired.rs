//! The impaired-link rows (issue 12's targets): the `impaired::*` tests of
//! the `workloads` binary, each run once in a libtest process of its own,
//! report what their traffic measured (`NETNS_BENCH_REPORT`); this module
//! sets it beside the targets. The loss test runs three times: once with a
//! random seed for the rate, twice with one `NETNS_TEST_SEED` to compare
//! which packets were lost.

use std::path::Path;
use std::process::Command;

use crate::stats::percentile;
use crate::workload::time_results;

/// The file a test appends its report line to (`tests/workloads/impaired.rs`).
const REPORT: &str = "NETNS_BENCH_REPORT";
/// `1` asks the tests for fewer samples.
const QUICK: &str = "NETNS_BENCH_QUICK";
/// netns-test's replay variable.
const SEED: &str = "NETNS_TEST_SEED";
/// The seed of the two replayed loss runs: any number does.
const REPLAY_SEED: u64 = 12;

/// One row of the table: what was measured, beside its target.
#[derive(Debug)]
pub(crate) struct Row {
    what: String,
    measured: String,
    target: &'static str,
    /// `None` for a reference row without a target of its own.
    met: Option<bool>,
}

impl Row {
    fn failed(what: &str, error: String) -> Row {
        Row {
            what: what.to_string(),
            measured: format!("failed: {error}"),
            target: "",
            met: Some(false),
        }
    }

    /// What went wrong when the row's test failed (a target not met is
    /// not a failure).
    pub(crate) fn failure(&self) -> Option<String> {
        self.measured
            .starts_with("failed:")
            .then(|| format!("{}: {}", self.what, self.measured))
    }
}

/// Runs every impaired-link test of `binary` and returns the rows.
pub(crate) fn measure(binary: &Path, quick: bool) -> Vec<Row> {
    let run = |test: &str, seed: Option<u64>| run(binary, test, quick, seed);
    let mut rows = Vec::new();

    let what = "delay=10ms: ping RTT, median";
    rows.push(match run("delay_10ms", None).and_then(|r| rtts_ms(&r)) {
        Ok(rtt) => {
            let median = percentile(&rtt, 0.5);
            Row {
                what: format!("{what} of {}", rtt.len()),
                measured: format!("{median:.2} ms"),
                target: "20 ms ± 1 ms",
                met: Some((median - 20.0).abs() <= 1.0),
            }
        }
        Err(e) => Row::failed(what, e),
    });

    let what = "delay=10ms jitter=5ms: ping RTT min / p10 / median / p90 / max";
    rows.push(match run("jitter_5ms", None).and_then(|r| rtts_ms(&r)) {
        Ok(rtt) => {
            let [min, p10, p50, p90, max] = [0.0, 0.1, 0.5, 0.9, 1.0].map(|q| percentile(&rtt, q));
            // Each direction uniform in 5..15 ms: the sum is triangular on
            // 10..30 ms, p10 = 10 + sqrt(20) ms, p90 = 30 - sqrt(20) ms.
            let (p10_want, p90_want) = (10.0 + 20f64.sqrt(), 30.0 - 20f64.sqrt());
            Row {
                what: format!("{what} of {}", rtt.len()),
                measured: format!("{min:.1} / {p10:.1} / {p50:.1} / {p90:.1} / {max:.1} ms"),
                target: "10 / 14.5 / 20 / 25.5 / 30 ms (±1 ms; p10, p90 ±1.5 ms)",
                met: Some(
                    min >= 10.0
                        && max <= 31.0
                        && (p50 - 20.0).abs() <= 1.5
                        && (p10 - p10_want).abs() <= 1.5
                        && (p90 - p90_want).abs() <= 1.5,
                ),
            }
        }
        Err(e) => Row::failed(what, e),
    });

    let what = "loss=10%: UDP datagrams lost";
    rows.push(match run("loss_10_percent", None).and_then(|r| lost(&r)) {
        Ok((sent, lost)) => {
            let share = lost.len() as f64 / sent.max(1) as f64 * 100.0;
            Row {
                what: format!("{what} of {sent}"),
                measured: format!("{share:.1}% ({})", lost.len()),
                target: "8 to 12%",
                met: Some((8.0..=12.0).contains(&share)),
            }
        }
        Err(e) => Row::failed(what, e),
    });

    let what = format!("loss=10%, {SEED}={REPLAY_SEED}, two runs: same packets lost");
    let twice = run("loss_10_percent", Some(REPLAY_SEED))
        .and_then(|r| lost(&r))
        .and_then(|first| Ok((first, lost(&run("loss_10_percent", Some(REPLAY_SEED))?)?)));
    rows.push(match twice {
        Ok(((_, first), (_, second))) => Row {
            what,
            measured: format!(
                "{} ({} and {} lost)",
                if first == second { "yes" } else { "no" },
                first.len(),
                second.len()
            ),
            target: "yes",
            met: Some(first == second),
        },
        Err(e) => Row::failed(&what, e),
    });

    for (test, what, target, met) in [
        (
            "rate_10mbit",
            "rate=10mbit: TCP goodput",
            "10 Mbit/s ± 10%",
            (|mbit: f64| Some((9.0..=11.0).contains(&mbit))) as fn(f64) -> Option<bool>,
        ),
        (
            "rate_100gbit",
            "rate=100gbit (no delay, no loss): TCP throughput",
            "≥ 500 Mbit/s",
            |mbit| Some(mbit >= 500.0),
        ),
        (
            "clean",
            "no impairment (plain veth, no forwarder): TCP throughput",
            "veth speed (reference)",
            |_| None,
        ),
    ] {
        rows.push(match run(test, None).and_then(|r| tcp(&r)) {
            Ok((bytes, seconds)) => {
                let mbit = bytes * 8.0 / seconds / 1e6;
                Row {
                    what: format!("{what}, {:.0} MiB", bytes / f64::from(1 << 20)),
                    measured: rate(mbit),
                    target,
                    met: met(mbit),
                }
            }
            Err(e) => Row::failed(what, e),
        });
    }
    rows
}

/// Prints the rows as a table.
pub(crate) fn print(rows: &[Row], quick: bool) {
    println!();
    println!(
        "Impaired links against issue 12's targets ({}):",
        if quick {
            "smoke run: few samples, no verdict"
        } else {
            "one run of each test"
        }
    );
    println!();
    println!("| link, measurement | measured | target | met |");
    println!("|---|---:|---|---|");
    for row in rows {
        let met = match row.met {
            _ if quick => "-",
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        println!(
            "| {} | {} | {} | {met} |",
            row.what, row.measured, row.target
        );
    }
}

/// Mbit/s, or Gbit/s from 1000 Mbit/s on.
fn rate(mbit: f64) -> String {
    if mbit >= 1000.0 {
        format!("{:.2} Gbit/s", mbit / 1000.0)
    } else {
        format!("{mbit:.1} Mbit/s")
    }
}

/// Runs test `impaired::NAME` alone and returns its report line's words
/// after the key.
fn run(binary: &Path, name: &str, quick: bool, seed: Option<u64>) -> Result<Report, String> {
    let report = std::env::temp_dir().join(format!(
        "netns-test-bench-{}-impaired-{name}.txt",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&report);
    let mut cmd = Command::new(binary);
    cmd.args(["--include-ignored", "--exact", &format!("impaired::{name}")])
        .env(REPORT, &report)
        .env_remove("NETNS_TEST_TIMINGS");
    match quick {
        true => cmd.env(QUICK, "1"),
        false => cmd.env_remove(QUICK),
    };
    match seed {
        Some(seed) => cmd.env(SEED, seed.to_string()),
        None => cmd.env_remove(SEED),
    };
    let done = time_results(cmd).map(|run| run.done.len());
    let text = std::fs::read_to_string(&report);
    let _ = std::fs::remove_file(&report);
    match done? {
        1 => {}
        n => return Err(format!("{n} tests ran, not 1")),
    }
    let text = text.map_err(|e| format!("reading {}: {e}", report.display()))?;
    let mut words = text.split_whitespace().map(str::to_string);
    Ok(Report {
        key: words.next().unwrap_or_default(),
        values: words.collect(),
    })
}

/// One report line: `KEY VALUE...`.
#[derive(Debug)]
struct Report {
    key: String,
    values: Vec<String>,
}

impl Report {
    fn numbers<T: std::str::FromStr>(&self, key: &str) -> Result<Vec<T>, String> {
        if self.key != key {
            return Err(format!("the report is `{}`, not `{key}`", self.key));
        }
        self.values
            .iter()
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("`{v}` in `{key}` is not a number"))
            })
            .collect()
    }
}

/// Round trips in milliseconds, sorted; at least one.
fn rtts_ms(report: &Report) -> Result<Vec<f64>, String> {
    let mut ms: Vec<f64> = report
        .numbers::<f64>("rtt_us")?
        .into_iter()
        .map(|us| us / 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        return Err("no round trips".into());
    }
    Ok(ms)
}

/// How many datagrams were sent, and the numbers of those lost.
fn lost(report: &Report) -> Result<(u32, Vec<u32>), String> {
    match report.numbers::<u32>("sent_lost")?.split_first() {
        Some((sent, lost)) => Ok((*sent, lost.to_vec())),
        None => Err("no datagram count".into()),
    }
}

/// Bytes received and the seconds they took.
fn tcp(report: &Report) -> Result<(f64, f64), String> {
    match report.numbers::<f64>("tcp")?[..] {
        [bytes, seconds] if seconds > 0.0 => Ok((bytes, seconds)),
        _ => Err("the report is not `tcp BYTES SECONDS`".into()),
    }
}

#[cfg(test)]
mod impaired_should {
    use super::*;

    fn report(text: &str) -> Report {
        let mut words = text.split_whitespace().map(str::to_string);
        Report {
            key: words.next().unwrap_or_default(),
            values: words.collect(),
        }
    }

    #[test]
    fn read_the_lines_the_tests_write() {
        assert_eq!(rtts_ms(&report("rtt_us 20500 19500")), Ok(vec![19.5, 20.5]));
        assert_eq!(
            lost(&report("sent_lost 2000 3 17")),
            Ok((2000, vec![3, 17]))
        );
        assert_eq!(lost(&report("sent_lost 10")), Ok((10, vec![])));
        assert_eq!(tcp(&report("tcp 1048576 0.5")), Ok((1048576.0, 0.5)));
    }

    #[test]
    fn reject_a_report_of_another_test() {
        assert!(tcp(&report("rtt_us 1 2")).is_err());
        assert!(rtts_ms(&report("rtt_us")).is_err());
        assert!(tcp(&report("tcp 100 0")).is_err());
    }
}
