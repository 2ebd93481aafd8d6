//! Limits reached only for a moment: `ENOSPC` and `EAGAIN` from making a
//! namespace mean that a `user.max_*_namespaces` limit (or the kernel's
//! memory for one) is exhausted right now, typically by other tests running
//! at the same time. They are retried with backoff for a bounded time, and
//! only then reported; they are never a reason to skip a test.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use nix::errno::Errno;

use super::config;

/// How long a transient refusal is retried before the test fails:
/// `NETNS_TEST_LIMIT_WAIT`, else [`config::DEFAULT_LIMIT_WAIT`]. An invalid
/// value counts as unset.
pub(crate) fn retry_for() -> Duration {
    static RETRY_FOR: OnceLock<Duration> = OnceLock::new();
    *RETRY_FOR.get_or_init(config::limit_wait)
}

/// The first pause between two tries; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(1);
const MAX_PAUSE: Duration = Duration::from_millis(100);

/// Whether `errno` from making a namespace may clear by itself.
pub(crate) fn is_transient(errno: Errno) -> bool {
    matches!(errno, Errno::ENOSPC | Errno::EAGAIN)
}

/// Calls `attempt` until it succeeds, fails with an error that `transient`
/// does not accept, or [`retry_for`] has passed; returns the last result.
pub(crate) fn retry<T, E>(
    mut attempt: impl FnMut() -> Result<T, E>,
    transient: impl Fn(&E) -> bool,
) -> Result<T, E> {
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        match attempt() {
            Err(e) if transient(&e) && started.elapsed() + pause < retry_for() => {
                // Backoff while other tests release their namespaces; this
                // waits for the machine, not for readiness of our own work.
                std::thread::sleep(pause);
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other,
        }
    }
}

/// [`is_transient`] for an `io::Error`.
pub(crate) fn is_transient_io(e: &std::io::Error) -> bool {
    e.raw_os_error()
        .is_some_and(|code| is_transient(Errno::from_raw(code)))
}

#[cfg(test)]
mod transient_should {
    use super::*;

    #[test]
    fn retry_a_transient_error_until_it_clears() {
        let mut tries = 0;
        let result = retry(
            || {
                tries += 1;
                if tries < 4 {
                    Err(Errno::ENOSPC)
                } else {
                    Ok(tries)
                }
            },
            |e| is_transient(*e),
        );
        assert_eq!(result, Ok(4));
    }

    #[test]
    fn not_retry_a_permanent_error() {
        let mut tries = 0;
        let result: Result<(), Errno> = retry(
            || {
                tries += 1;
                Err(Errno::EPERM)
            },
            |e| is_transient(*e),
        );
        assert_eq!((result, tries), (Err(Errno::EPERM), 1));
    }
}
