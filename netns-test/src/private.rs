//! What the `#[netns_test]` expansion calls. Not public API: names here may
//! change in any release.

use std::fmt::Debug;

use crate::Net;

/// Everything the macro knows about one test, computed at compile time.
#[derive(Debug)]
pub struct TestDef {
    /// `module_path!()` at the test's definition.
    pub module_path: &'static str,
    /// The test function's name.
    pub name: &'static str,
    /// The topology text, already validated by the macro; `""` for none.
    pub topology: &'static str,
    /// `timeout = "..."` in milliseconds, if given.
    pub timeout_ms: Option<u64>,
    /// The test's `#[should_panic]`, which the parent must honour: only the
    /// body's own panic may satisfy it.
    pub should_panic: ShouldPanic,
    /// `#[ignore]` (for `netns_test::harness`; libtest reads the attribute
    /// itself).
    pub ignored: bool,
}

/// A test body as the runtime calls it.
pub type Body = fn(&Net) -> Result<(), String>;

/// Every `#[netns_test]` of this binary, added before `main` by each
/// test's constructor, for [`crate::harness`].
static REGISTRY: std::sync::Mutex<Vec<(&'static TestDef, Body)>> =
    std::sync::Mutex::new(Vec::new());

/// Adds a test to the registry (called by the constructor `#[netns_test]`
/// emits, before `main`).
pub fn register(def: &'static TestDef, body: Body) {
    REGISTRY
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((def, body));
}

/// The registered tests, in no particular order.
pub(crate) fn registered() -> Vec<(&'static TestDef, Body)> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// A test's `#[should_panic]` attribute, as the macro read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShouldPanic {
    /// No `#[should_panic]`.
    No,
    /// `#[should_panic]`: any panic of the body passes.
    Yes,
    /// `#[should_panic(expected = "...")]` (or `= "..."`): a panic of the
    /// body whose message contains the text passes.
    YesWithMessage(&'static str),
}

/// Turns what a test body returns into a pass or a failure message, the way
/// libtest treats `()` and `Result<(), E: Debug>`.
pub trait TestReturn {
    /// `Ok(())` for a pass, `Err(debug text)` for a failure.
    fn into_test_result(self) -> Result<(), String>;
}

impl TestReturn for () {
    fn into_test_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Debug> TestReturn for Result<(), E> {
    fn into_test_result(self) -> Result<(), String> {
        self.map_err(|e| format!("Error: {e:?}"))
    }
}

/// Runs one test: in the parent (the libtest test thread) this starts the
/// sandboxed child and reports its outcome; in the child it builds the
/// network and runs `body`.
#[track_caller]
pub fn run(def: &'static TestDef, body: fn(&Net) -> Result<(), String>) {
    crate::sandbox::run(def, body)
}

/// Runs an async test body on a current-thread tokio runtime.
#[cfg(feature = "tokio")]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(future),
        Err(e) => panic!("netns-test: cannot start the tokio runtime: {e}"),
    }
}
