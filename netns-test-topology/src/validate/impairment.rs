//! `delay=`, `jitter=`, `loss=`, `duplicate=`, `reorder=`, `corrupt=`,
//! `rate=`: the rules between a link's impairment options. Each value is
//! already in range (the parser checks one word at a time); here a jitter
//! and a reordering need a delay above zero to work on.

use std::time::Duration;

use super::Validator;
use crate::ast::{Impairment, Setting};
use crate::error::Error;
use crate::plan::ImpairmentPlan;

impl Validator<'_> {
    /// The impairment of one link: `None` when no option was written,
    /// otherwise every option given, zero where left out. `loss=0%` alone
    /// still gives `Some`: the user asked for an impaired link, and the
    /// runtime sets one up (with nothing to do) rather than guess.
    pub(super) fn impairment(&mut self, written: &Impairment<'_>) -> Option<ImpairmentPlan> {
        if written.is_empty() {
            return None;
        }
        // A malformed `delay=` was reported; whether it is zero is unknown.
        let delay = match written.delay {
            None => Some(Duration::ZERO),
            Some(Setting { value, .. }) => value,
        };
        if delay == Some(Duration::ZERO) {
            if let Some(jitter) = &written.jitter {
                self.needs_delay(
                    jitter,
                    written,
                    "jitter varies the delay of each packet",
                    "delay=20ms",
                );
            }
            if let Some(reorder) = &written.reorder {
                self.needs_delay(
                    reorder,
                    written,
                    "reordering sends some packets at once, ahead of delayed ones",
                    "delay=10ms",
                );
            }
        }
        let value = |s: &Option<Setting<'_, u32>>| s.and_then(|s| s.value).unwrap_or(0);
        let duration =
            |s: &Option<Setting<'_, Duration>>| s.and_then(|s| s.value).unwrap_or_default();
        Some(ImpairmentPlan {
            delay: duration(&written.delay),
            jitter: duration(&written.jitter),
            loss_ppm: value(&written.loss),
            duplicate_ppm: value(&written.duplicate),
            reorder_ppm: value(&written.reorder),
            corrupt_ppm: value(&written.corrupt),
            rate: written.rate.and_then(|s| s.value),
        })
    }

    /// Reports `option` (`jitter=` or `reorder=`) on a link whose delay is
    /// missing or zero; `why` says what it needs the delay for.
    fn needs_delay<T>(
        &mut self,
        option: &Setting<'_, T>,
        written: &Impairment<'_>,
        why: &str,
        delay_example: &str,
    ) {
        let text = option.word.text;
        let (message, has, fix) = match &written.delay {
            Some(delay) => (
                format!("`{text}` with `{}`", delay.word.text),
                format!("{why}, and this link's delay is zero"),
                format!("make the delay more than zero: `{delay_example} {text}`"),
            ),
            None => (
                format!("`{text}` without a delay"),
                format!("{why}, and this link has no `delay=`"),
                format!("give the link a delay too: `{delay_example} {text}`"),
            ),
        };
        self.error(Error::new(option.word.span, message, has).help(fix));
    }
}
