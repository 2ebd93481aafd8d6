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

/// The variables the parent sets for its child, and nothing else may.
pub(crate) const INTERNAL: [&str; 3] = [CHILD_TEST, OUTCOME_FD, PARENT_NETNS];

/// `always` or `never`: override whether the child gets a user namespace.
pub(crate) const USERNS: &str = "NETNS_TEST_USERNS";
/// Default timeout for every test, e.g. `30s` (the attribute's `timeout` wins).
pub(crate) const TIMEOUT: &str = "NETNS_TEST_TIMEOUT";

/// The timeout when neither the attribute nor `NETNS_TEST_TIMEOUT` sets one.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether to give the child a user namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserNs {
    /// Only when the process is not already privileged (the default).
    Auto,
    /// Always, even as root.
    Always,
    /// Never: the process must already hold CAP_SYS_ADMIN.
    Never,
}

impl UserNs {
    /// Whether the child gets a user namespace under this setting: `Auto`
    /// uses one unless the process is root with CAP_SYS_ADMIN.
    pub(crate) fn wanted(self) -> bool {
        match self {
            UserNs::Always => true,
            UserNs::Never => false,
            UserNs::Auto => !privileged(),
        }
    }

    /// Reads `NETNS_TEST_USERNS`.
    pub(crate) fn from_env() -> Result<UserNs, String> {
        match std::env::var(USERNS).as_deref() {
            Err(_) | Ok("") | Ok("auto") => Ok(UserNs::Auto),
            Ok("always") => Ok(UserNs::Always),
            Ok("never") => Ok(UserNs::Never),
            Ok(other) => Err(format!(
                "{USERNS}={other:?} is not understood: use `always`, `never` or leave it unset"
            )),
        }
    }
}

/// Root with CAP_SYS_ADMIN can make network namespaces without a user namespace.
fn privileged() -> bool {
    nix::unistd::geteuid().is_root()
        && caps::has_cap(
            None,
            caps::CapSet::Effective,
            caps::Capability::CAP_SYS_ADMIN,
        )
        .unwrap_or(false)
}

/// The timeout for a test: the attribute's, else `NETNS_TEST_TIMEOUT`, else
/// [`DEFAULT_TIMEOUT`].
pub(crate) fn timeout(attribute_ms: Option<u64>) -> Result<Duration, String> {
    if let Some(ms) = attribute_ms {
        return Ok(Duration::from_millis(ms));
    }
    match std::env::var(TIMEOUT) {
        Ok(text) if !text.is_empty() => parse_duration(&text).ok_or_else(|| {
            format!("{TIMEOUT}={text:?} is not a duration: write it as `500ms`, `30s` or `2m`")
        }),
        _ => Ok(DEFAULT_TIMEOUT),
    }
}

/// Parses `<n>ms`, `<n>s` or `<n>m` with `n > 0`, as the attribute does.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
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
    (n > 0).then(|| Duration::from_millis(n.saturating_mul(unit_ms)))
}

#[cfg(test)]
mod config_should {
    use super::*;

    #[test]
    fn parse_the_three_duration_units() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("3s"), Some(Duration::from_secs(3)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
    }

    #[test]
    fn reject_durations_without_unit_zero_or_junk() {
        for bad in ["10", "0s", "1h", "s", "-1s", "1.5s", ""] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
