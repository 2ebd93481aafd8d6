//! The sandbox: each test runs in a child process of its own, in fresh user,
//! network, PID, mount and UTS namespaces.
//!
//! The parent (the libtest test thread, which never enters a namespace) has
//! the sandbox made by the test process's fork server (`server`), whose fork
//! calls the body directly, or re-executes the test binary for exactly this
//! one test (`spawn`); the child builds the network, runs the body and
//! reports over a pipe; the parent forwards the child's output and turns its
//! report into the test's verdict (`parent`).

mod child;
pub(crate) mod config;
mod hosts;
pub(crate) mod ns;
mod outcome;
mod parent;
mod pause;
pub(crate) mod probe;
pub(crate) mod publish;
mod server;
pub(crate) mod session;
pub(crate) mod signals;
pub(crate) mod spawn;
pub(crate) mod terminal;
pub(crate) mod transient;

use netns_test_topology::Topology;

use crate::__private::{ShouldPanic, TestDef};
use crate::Net;

/// Runs one test; see [`crate::__private::run`].
#[track_caller]
pub(crate) fn run(def: &'static TestDef, body: fn(&Net) -> Result<(), String>) {
    let name = libtest_name(def);
    match std::env::var_os(config::CHILD_TEST) {
        Some(wanted) if wanted == name.as_str() => child::run(
            def,
            &name,
            child::Source::Text(def.topology),
            Box::new(body),
        ),
        Some(wanted) => panic!(
            "netns-test: this process was started to run `{}` but libtest ran `{name}`; \
             {} must not be set by hand",
            wanted.to_string_lossy(),
            config::CHILD_TEST
        ),
        None => parent::run(def, &name, Some(body)),
    }
}

/// What a network built at run time runs with: no timeout of its own (the
/// default, `NETNS_TEST_TIMEOUT`), no `#[should_panic]` known.
static AT_RUN_TIME: TestDef = TestDef {
    module_path: "",
    name: "",
    topology: "",
    timeout_ms: None,
    should_panic: ShouldPanic::No,
    ignored: false,
};

/// Runs `body` in a sandbox with the network of `topology`, for the test
/// `name` (libtest's name of the calling test); see
/// [`crate::run_in_network`].
#[track_caller]
pub(crate) fn run_at_run_time(name: &str, topology: &Topology, body: child::Body<'_>) {
    match std::env::var_os(config::CHILD_TEST) {
        Some(wanted) if wanted == name => {
            child::run(&AT_RUN_TIME, name, child::Source::Parsed(topology), body)
        }
        Some(wanted) => panic!(
            "netns-test: this process was started to run `{}` but libtest ran `{name}`; \
             {} must not be set by hand",
            wanted.to_string_lossy(),
            config::CHILD_TEST
        ),
        None => parent::run(&AT_RUN_TIME, name, None),
    }
}

/// The name libtest knows the test by: the module path without the crate
/// name, then the function name.
pub(crate) fn libtest_name(def: &TestDef) -> String {
    match def.module_path.split_once("::") {
        Some((_crate, path)) => format!("{path}::{}", def.name),
        None => def.name.to_string(),
    }
}

#[cfg(test)]
mod sandbox_should {
    use super::*;

    fn def(module_path: &'static str, name: &'static str) -> TestDef {
        TestDef {
            module_path,
            name,
            topology: "",
            timeout_ms: None,
            should_panic: crate::__private::ShouldPanic::No,
            ignored: false,
        }
    }

    #[test]
    fn name_a_test_at_the_crate_root_by_its_function() {
        assert_eq!(libtest_name(&def("lan", "pings")), "pings");
    }

    #[test]
    fn name_a_nested_test_without_the_crate() {
        assert_eq!(
            libtest_name(&def("my_crate::net::tests", "pings")),
            "net::tests::pings"
        );
    }
}
