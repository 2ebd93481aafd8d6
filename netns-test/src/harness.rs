//! A test harness for `harness = false` targets, on libtest-mimic: every
//! `#[netns_test]` of the binary plus trials made at run time (from code,
//! or one per topology file of a directory), with libtest's flags and
//! output.
//!
//! ```no_run
//! // tests/cases.rs, with `[[test]] name = "cases"  harness = false` in Cargo.toml
//! use std::path::Path;
//! use netns_test::{harness::Harness, Net};
//!
//! fn every_node_reaches_the_host(_file: &Path, net: &Net) {
//!     for node in net.nodes() {
//!         node.ping(net.host().ipv4().into()).unwrap();
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     Harness::new()
//!         .trial_text("two_nodes", "node a, b; a 10.0.0.1/24 -- b 10.0.0.2/24", |net| {
//!             net.node("a").ping("10.0.0.2".parse().unwrap()).unwrap();
//!         })
//!         .dir("tests/cases", "net", every_node_reaches_the_host)
//!         .run()
//! }
//! ```
//!
//! Where namespaces cannot be had, every trial is reported ignored, with
//! the reason on stderr: not passed and not failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::__private::{registered, ShouldPanic, TestDef, TestReturn};
use crate::sandbox::{self, config, probe};
use crate::{Net, Topology};

/// The trials of one `harness = false` test binary.
pub struct Harness {
    trials: Vec<Trial>,
}

impl Default for Harness {
    fn default() -> Harness {
        Harness::new()
    }
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("trials", &self.trials.len())
            .finish()
    }
}

impl Harness {
    /// Every `#[netns_test]` of this binary, named as libtest names them
    /// (module path without the crate, then the function).
    pub fn new() -> Harness {
        let mut tests = registered();
        tests.sort_by_key(|(def, _)| sandbox::libtest_name(def));
        let trials = tests
            .into_iter()
            .map(|(def, body)| {
                Trial::test(sandbox::libtest_name(def), move || {
                    registered_trial(def, body)
                })
                .with_ignored_flag(def.ignored)
            })
            .collect();
        Harness { trials }
    }

    /// Adds a trial `name` that runs `body` in a sandbox with the network
    /// of `topology`.
    pub fn trial<R: TestReturn>(
        mut self,
        name: impl Into<String>,
        topology: Topology,
        body: impl FnOnce(&Net) -> R + Send + 'static,
    ) -> Harness {
        let name = name.into();
        let trial_name = name.clone();
        self.trials.push(Trial::test(trial_name, move || {
            in_sandbox(&name, Ok(topology), body)
        }));
        self
    }

    /// As [`Harness::trial`], with the topology's text: a mistake in it
    /// fails this trial with the parser's message.
    pub fn trial_text<R: TestReturn>(
        mut self,
        name: impl Into<String>,
        topology: &str,
        body: impl FnOnce(&Net) -> R + Send + 'static,
    ) -> Harness {
        let name = name.into();
        let parsed = topology.parse::<Topology>().map_err(|e| e.to_string());
        let trial_name = name.clone();
        self.trials.push(Trial::test(trial_name, move || {
            in_sandbox(&name, parsed, body)
        }));
        self
    }

    /// Adds one trial per file of `dir` whose name ends in `.extension`
    /// (subdirectories included), named by its path relative to `dir`'s
    /// parent, `::`-separated and without the extension (`cases::lan`,
    /// `cases::routed::two_hops`). Each builds its file's topology and
    /// runs `body` with the file's path. A relative `dir` is relative to
    /// the crate's root when run by cargo.
    pub fn dir(mut self, dir: impl AsRef<Path>, extension: &str, body: fn(&Path, &Net)) -> Harness {
        let dir = resolve(dir.as_ref());
        let root = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files = Vec::new();
        let listed = collect(&dir, extension, &mut files);
        if let Err(e) = listed {
            let message = format!("cannot read the topologies in {}: {e}", dir.display());
            self.trials
                .push(Trial::test(root.clone(), move || Err(message.into())));
            return self;
        }
        files.sort();
        for file in files {
            let relative = file.strip_prefix(&dir).unwrap_or(&file).with_extension("");
            let mut name = root.clone();
            for part in relative.components() {
                name.push_str("::");
                name.push_str(&part.as_os_str().to_string_lossy());
            }
            let parsed = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))
                .and_then(|text| {
                    text.parse::<Topology>()
                        .map_err(|e| format!("{}:\n{e}", file.display()))
                });
            let trial_name = name.clone();
            let path = Arc::new(file);
            self.trials.push(Trial::test(trial_name, move || {
                in_sandbox(&name, parsed, move |net: &Net| body(&path, net))
            }));
        }
        self
    }

    /// Runs the trials libtest's flags select (`--list`, a filter,
    /// `--exact`, `--ignored`, `--include-ignored`, ...), as `cargo test`
    /// and nextest call a test binary; returns the exit code.
    pub fn run(self) -> ExitCode {
        let args = Arguments::from_args();
        let mut trials = self.trials;
        // A child of the harness runs inside a sandbox already.
        let in_child = std::env::var_os(config::CHILD_TEST).is_some();
        if !in_child && !args.list {
            if let Err(why) = probe::check() {
                if !why.transient {
                    eprintln!(
                        "netns-test: every trial is ignored: this environment cannot run \
                         namespace tests: {} failed with {}; see the README, \"When tests \
                         cannot run\"",
                        why.step,
                        why.errno_name()
                    );
                    trials = trials
                        .into_iter()
                        .map(|t| t.with_ignored_flag(true))
                        .collect();
                }
            }
        }
        libtest_mimic::run(&args, trials).exit_code()
    }
}

/// Runs a registered `#[netns_test]`, with its `#[should_panic]`.
fn registered_trial(def: &'static TestDef, body: crate::__private::Body) -> Result<(), Failed> {
    let outcome = std::panic::catch_unwind(|| sandbox::run(def, body));
    match (def.should_panic, outcome) {
        (ShouldPanic::No, Ok(())) => Ok(()),
        (ShouldPanic::No, Err(panic)) => Err(panic_text(&panic).into()),
        (_, Ok(())) => Err("the test did not panic as #[should_panic] expects".into()),
        (ShouldPanic::Yes, Err(_)) => Ok(()),
        (ShouldPanic::YesWithMessage(expected), Err(panic)) => {
            let text = panic_text(&panic);
            if text.contains(expected) {
                Ok(())
            } else {
                Err(format!("the panic `{text}` does not contain the expected `{expected}`").into())
            }
        }
    }
}

/// Runs `body` in a sandbox with `topology`, for trial `name`.
fn in_sandbox<R: TestReturn>(
    name: &str,
    topology: Result<Topology, String>,
    body: impl FnOnce(&Net) -> R,
) -> Result<(), Failed> {
    let topology = topology.map_err(Failed::from)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sandbox::run_at_run_time(
            name,
            &topology,
            Box::new(move |net: &Net| body(net).into_test_result()),
        )
    }))
    .map_err(|panic| panic_text(&panic).into())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "the test panicked".to_string())
}

/// `dir` against `CARGO_MANIFEST_DIR` when relative and cargo runs us.
fn resolve(dir: &Path) -> PathBuf {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(root) if dir.is_relative() => Path::new(&root).join(dir),
        _ => dir.to_path_buf(),
    }
}

/// Every file under `dir` ending in `.extension`.
fn collect(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, extension, out)?;
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    Ok(())
}
