//! Settings read from the environment, and the variables the parent uses to
//! talk to its child.

use std::time::Duration;

/// Set in the child's environment to the libtest name of the one test it runs.
pub(crate) const CHILD_TEST: &str = "NETNS_TEST_CHILD";
/// Set in the child's environment to the number of the outcome descriptor.
pub(crate) const OUTCOME_FD: &str = "NETNS_TEST_OUTCOME_FD";
/// Set in the child's environment to the parent's network namespace
/// (`dev:inode`), so that the child can refuse to touch it.
pub(crate) const PARENT_NETNS: &str = "NETNS_TEST_PARENT_NETNS";
/// Set to a file path, makes every child append one line of phase timings
/// to it when its test ends (used by `netns-test-bench`; not public API).
pub(crate) const TIMINGS: &str = "NETNS_TEST_TIMINGS";

/// Set in the child's environment (fork server only) to the test process's
/// working directory.
pub(crate) const CHILD_DIR: &str = "NETNS_TEST_CHILD_DIR";

/// Set in the child's environment to the directory its capture file goes
/// to, chosen (and made writable) by the test process.
pub(crate) const CAPTURE_TO: &str = "NETNS_TEST_CAPTURE_TO";

/// Set in the child's environment when a failing test should keep its
/// sandbox for `netns-test enter` (`NETNS_TEST_PAUSE=failure`, with a
/// terminal to wait on).
pub(crate) const PAUSE_CHILD: &str = "NETNS_TEST_PAUSE_CHILD";

/// The variables the parent sets for its child, and nothing else may.
pub(crate) const INTERNAL: [&str; 6] = [
    CHILD_TEST,
    OUTCOME_FD,
    PARENT_NETNS,
    CHILD_DIR,
    CAPTURE_TO,
    PAUSE_CHILD,
];

/// `always` or `never`: override whether the child gets a user namespace.
pub(crate) const USERNS: &str = "NETNS_TEST_USERNS";
/// Default timeout for every test, e.g. `30s` (the attribute's `timeout` wins).
pub(crate) const TIMEOUT: &str = "NETNS_TEST_TIMEOUT";

/// How long a namespace limit reached for a moment is waited out, e.g. `30s`.
pub(crate) const LIMIT_WAIT: &str = "NETNS_TEST_LIMIT_WAIT";
/// The wait when `NETNS_TEST_LIMIT_WAIT` does not set one.
pub(crate) const DEFAULT_LIMIT_WAIT: Duration = Duration::from_secs(10);

/// `NETNS_TEST_LIMIT_WAIT`, or [`DEFAULT_LIMIT_WAIT`] when it is unset or
/// not a duration.
pub(crate) fn limit_wait() -> Duration {
    std::env::var(LIMIT_WAIT)
        .ok()
        .and_then(|text| parse_duration_or_zero(&text))
        .unwrap_or(DEFAULT_LIMIT_WAIT)
}

/// The timeout when neither the attribute nor `NETNS_TEST_TIMEOUT` sets one.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether to give the child a user namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserNs {
    /// Always, as root too (the default): without one, root in the sandbox
    /// is the machine's root and can reach back into the machine's
    /// namespaces.
    Always,
    /// Never: the process must already hold CAP_SYS_ADMIN. An escape hatch
    /// for machines that refuse user namespaces even to root; the sandbox is
    /// then not closed (see the README).
    Never,
}

impl UserNs {
    /// Whether the child gets a user namespace under this setting.
    pub(crate) fn wanted(self) -> bool {
        self == UserNs::Always
    }

    /// Reads `NETNS_TEST_USERNS`.
    pub(crate) fn from_env() -> Result<UserNs, String> {
        match std::env::var(USERNS).as_deref() {
            Err(_) | Ok("") | Ok("auto") | Ok("always") => Ok(UserNs::Always),
            Ok("never") => Ok(UserNs::Never),
            Ok(other) => Err(format!(
                "netns-test: {USERNS}={other:?} is not understood: use `always` (the default) \
                 or `never`, or leave it unset"
            )),
        }
    }
}

/// The timeout for a test: the attribute's, else `NETNS_TEST_TIMEOUT`, else
/// [`DEFAULT_TIMEOUT`].
pub(crate) fn timeout(attribute_ms: Option<u64>) -> Result<Duration, String> {
    timeout_from(attribute_ms, std::env::var(TIMEOUT).ok())
}

/// [`timeout`] with the variable's value given.
fn timeout_from(attribute_ms: Option<u64>, env: Option<String>) -> Result<Duration, String> {
    if let Some(ms) = attribute_ms {
        return Ok(Duration::from_millis(ms));
    }
    match env {
        Some(text) if !text.is_empty() => match parse_duration_or_zero(&text) {
            Some(d) if d.is_zero() => Err(format!(
                "{TIMEOUT}={text:?}: a timeout must be above zero (e.g. `500ms`, `30s` or `2m`)"
            )),
            Some(d) => Ok(d),
            None => Err(format!(
                "{TIMEOUT}={text:?} is not a duration: write it as `500ms`, `30s` or `2m`"
            )),
        },
        _ => Ok(DEFAULT_TIMEOUT),
    }
}

/// Parses `<n>ms`, `<n>s` or `<n>m`, as the attribute does (which also
/// refuses zero; the caller says why).
fn parse_duration_or_zero(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, unit_ms) = if let Some(d) = text.strip_suffix("ms") {
        (d, 1)
    } else if let Some(d) = text.strip_suffix('s') {
        (d, 1000)
    } else if let Some(d) = text.strip_suffix('m') {
        (d, 60_000)
    } else {
        return None;
    };
    let n: u64 = digits.parse().ok()?;
    Some(Duration::from_millis(n.saturating_mul(unit_ms)))
}

#[cfg(test)]
mod config_should {
    use super::*;

    #[test]
    fn parse_the_three_duration_units() {
        assert_eq!(
            parse_duration_or_zero("250ms"),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_duration_or_zero("3s"), Some(Duration::from_secs(3)));
        assert_eq!(parse_duration_or_zero("2m"), Some(Duration::from_secs(120)));
    }

    #[test]
    fn say_that_a_zero_timeout_must_be_above_zero() {
        let err = timeout_from(None, Some("0s".into())).unwrap_err();
        assert_eq!(
            err,
            "NETNS_TEST_TIMEOUT=\"0s\": a timeout must be above zero (e.g. `500ms`, `30s` or `2m`)"
        );
    }

    #[test]
    fn reject_durations_without_unit_or_junk() {
        for bad in ["10", "1h", "s", "-1s", "1.5s", ""] {
            assert_eq!(parse_duration_or_zero(bad), None, "{bad}");
        }
        assert_eq!(parse_duration_or_zero("0s"), Some(Duration::ZERO));
    }
}
