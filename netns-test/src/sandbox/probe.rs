//! The environment probe: can this process have the namespaces a sandbox
//! needs?
//!
//! Before its first sandbox, a test process probes once, in a helper process
//! that makes only raw syscalls: a user namespace (when the sandbox uses one),
//! its id maps, a network and a PID namespace, `lo` up, a veth pair and a
//! bridge (asked for but not made; see `requests`). If a step fails, the test
//! fails with a message naming the step, the errno, the likely cause and its
//! fix (see [`Unsupported`]); `NETNS_TEST_UNSUPPORTED=skip` turns that into a
//! pass with a one-line warning that libtest's capture cannot hide.

mod diagnosis;
mod facts;
mod helper;
mod requests;

use std::io::Write;
use std::sync::{Arc, OnceLock};

use super::config::UserNs;
use super::transient;

pub(crate) use diagnosis::Unsupported;

/// `skip` or `fail` (the default): what a test does where namespaces cannot
/// be had.
pub(crate) const UNSUPPORTED: &str = "NETNS_TEST_UNSUPPORTED";

/// What the parent does with a test after the probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// The environment has what a sandbox needs: start it.
    Run,
    /// It does not, and `NETNS_TEST_UNSUPPORTED=skip` asks to pass the test
    /// anyway; the warning is written.
    Skip,
}

/// Decides whether test `test_name` runs: probes (once per process), then
/// returns [`Gate::Run`], or writes the skip warning and returns
/// [`Gate::Skip`], or returns the diagnosis to fail the test with. A limit
/// that stayed reached through every retry is never skipped.
pub(crate) fn gate(test_name: &str) -> Result<Gate, String> {
    let skip = skip_requested()?;
    match check() {
        Ok(()) => Ok(Gate::Run),
        Err(why) if skip && !why.transient => {
            warn_skipped(test_name, &why);
            Ok(Gate::Skip)
        }
        Err(why) => Err(why.to_string()),
    }
}

/// Probes the environment until it has a lasting answer, and returns that
/// answer every time after. A refusal that may clear by itself (a namespace
/// limit reached for a moment) is retried with backoff; if it does not
/// clear, this call fails and the next one probes again.
pub(crate) fn check() -> Result<(), Arc<Unsupported>> {
    static PROBED: OnceLock<Result<(), Arc<Unsupported>>> = OnceLock::new();
    if let Some(answer) = PROBED.get() {
        return answer.clone();
    }
    match transient::retry(probe, |why| why.transient) {
        Err(why) if why.transient => Err(why),
        answer => PROBED.get_or_init(|| answer).clone(),
    }
}

/// Runs the helper; if a step failed, reads what names the cause.
fn probe() -> Result<(), Arc<Unsupported>> {
    let user_namespace = user_namespace_wanted();
    helper::run(user_namespace).map_err(|failure| {
        Arc::new(Unsupported {
            transient: failure.step.makes_a_namespace() && transient::is_transient(failure.errno),
            step: failure.step,
            errno: failure.errno,
            detail: failure.detail,
            user_namespace,
            facts: facts::Facts::read(),
        })
    })
}

/// Whether the sandbox makes a user namespace: always, unless
/// `NETNS_TEST_USERNS=never`. (An invalid `NETNS_TEST_USERNS` counts as unset
/// here; the parent reports it.)
pub(crate) fn user_namespace_wanted() -> bool {
    UserNs::from_env().unwrap_or(UserNs::Always).wanted()
}

/// Reads `NETNS_TEST_UNSUPPORTED`: `Ok(true)` for `skip`, `Ok(false)` when it
/// is unset, empty or `fail`, and the message to fail with for anything else.
pub(crate) fn skip_requested() -> Result<bool, String> {
    parse_skip(
        std::env::var_os(UNSUPPORTED)
            .as_deref()
            .map(|v| v.to_str().ok_or(v)),
    )
}

fn parse_skip(value: Option<Result<&str, &std::ffi::OsStr>>) -> Result<bool, String> {
    match value {
        None | Some(Ok("" | "fail")) => Ok(false),
        Some(Ok("skip")) => Ok(true),
        Some(Ok(other)) => Err(bad_skip_value(other)),
        Some(Err(other)) => Err(bad_skip_value(&other.to_string_lossy())),
    }
}

fn bad_skip_value(value: &str) -> String {
    format!(
        "netns-test: {UNSUPPORTED}={value:?} is not understood: use `skip` (pass tests where \
         namespaces cannot be had, with a warning) or `fail` (the default), or leave it unset"
    )
}

/// Writes the one-line skip warning for `test_name` straight to file
/// descriptor 2. libtest captures only what goes through `print!` and
/// `eprint!`; `std::io::stderr()` writes to the descriptor itself, so the
/// warning shows even when the test's output is captured.
pub(crate) fn warn_skipped(test_name: &str, why: &Unsupported) {
    let line = skip_line(test_name, why);
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Writes the one-line skip warning for `test_name`, which needs what the
/// kernel lacks (`why`: the failed step, then the cause and fix on lines of
/// their own), as [`warn_skipped`] does.
pub(crate) fn warn_skipped_for(test_name: &str, why: &str) {
    let first = why.lines().next().unwrap_or(why);
    let cause = why
        .lines()
        .find_map(|l| l.trim().strip_prefix("cause: "))
        .unwrap_or("the kernel lacks a feature its topology needs");
    let line = format!(
        "netns-test: SKIPPED {test_name}: {cause} ({first}); unset {UNSUPPORTED} to see the fix\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

fn skip_line(test_name: &str, why: &Unsupported) -> String {
    format!(
        "netns-test: SKIPPED {test_name}: {} failed with {}; set up namespaces (see the \
         README, \"When tests cannot run\") or unset {UNSUPPORTED}\n",
        why.step,
        why.errno_name(),
    )
}

#[cfg(test)]
mod probe_should {
    use std::ffi::OsStr;

    use nix::errno::Errno;

    use super::diagnosis::Step;
    use super::facts::Facts;
    use super::*;

    #[test]
    fn skip_only_when_asked_to_skip() {
        assert_eq!(parse_skip(None), Ok(false));
        assert_eq!(parse_skip(Some(Ok(""))), Ok(false));
        assert_eq!(parse_skip(Some(Ok("fail"))), Ok(false));
        assert_eq!(parse_skip(Some(Ok("skip"))), Ok(true));
    }

    #[test]
    fn refuse_an_unknown_setting_and_list_the_valid_ones() {
        let message = parse_skip(Some(Ok("yes"))).expect_err("`yes` is not a setting");
        assert_eq!(
            message,
            "netns-test: NETNS_TEST_UNSUPPORTED=\"yes\" is not understood: use `skip` (pass \
             tests where namespaces cannot be had, with a warning) or `fail` (the default), \
             or leave it unset"
        );
        assert!(parse_skip(Some(Err(OsStr::new("x")))).is_err());
    }

    #[test]
    fn warn_of_a_skip_in_one_line_naming_test_step_and_errno() {
        let why = Unsupported {
            transient: false,
            step: Step::CloneUserNs,
            errno: Errno::EPERM,
            detail: None,
            user_namespace: true,
            facts: Facts::default(),
        };
        assert_eq!(
            skip_line("net::tests::pings", &why),
            "netns-test: SKIPPED net::tests::pings: creating a user namespace \
             (clone with CLONE_NEWUSER) failed with EPERM; set up namespaces (see the README, \
             \"When tests cannot run\") or unset NETNS_TEST_UNSUPPORTED\n"
        );
    }
}
