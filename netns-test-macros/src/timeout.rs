//! `timeout = "<n>ms|s|m"`: a whole number above zero and a unit.

use std::fmt;

/// A validated timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeout {
    millis: u64,
}

impl Timeout {
    /// The timeout in milliseconds, as `TestDef::timeout_ms` wants it.
    pub(crate) fn millis(self) -> u64 {
        self.millis
    }
}

/// Why a timeout text was refused; `Display` names the text, the reason and
/// the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TimeoutError {
    text: String,
    reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Reason {
    NoNumber,
    NoUnit,
    Fraction,
    UnknownUnit(String),
    Zero,
    TooLong,
}

/// Parses `500ms`, `10s` or `2m`.
pub(crate) fn parse(text: &str) -> Result<Timeout, TimeoutError> {
    let fail = |reason| TimeoutError {
        text: text.to_owned(),
        reason,
    };
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    if number.is_empty() {
        return Err(fail(Reason::NoNumber));
    }
    let millis_per_unit: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "" => return Err(fail(Reason::NoUnit)),
        _ if unit.starts_with(['.', ',']) => return Err(fail(Reason::Fraction)),
        _ => return Err(fail(Reason::UnknownUnit(unit.to_owned()))),
    };
    let millis = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(millis_per_unit))
        .ok_or_else(|| fail(Reason::TooLong))?;
    if millis == 0 {
        return Err(fail(Reason::Zero));
    }
    Ok(Timeout { millis })
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timeout `{}`: ", self.text)?;
        match &self.reason {
            Reason::NoNumber => f.write_str("it does not start with a number")?,
            Reason::NoUnit => write!(f, "it has no unit (did you mean `{}s`?)", self.text)?,
            Reason::Fraction => f.write_str("use a whole number of a smaller unit")?,
            Reason::UnknownUnit(unit) => {
                write!(f, "`{unit}` is not a unit")?;
                if let Some(short) = spelt_out(unit) {
                    let number = self.text.trim_end_matches(unit.as_str());
                    write!(f, " (did you mean `{number}{short}`?)")?;
                }
            }
            Reason::Zero => f.write_str("a timeout must be longer than zero")?,
            Reason::TooLong => f.write_str("the number is too large")?,
        }
        f.write_str(
            "; write a whole number above zero followed by `ms`, `s` or `m`, \
             e.g. `timeout = \"500ms\"`, `\"10s\"` or `\"2m\"`",
        )
    }
}

/// The unit `unit` spells out (`" seconds"` is `s`), if it is one.
fn spelt_out(unit: &str) -> Option<&'static str> {
    match unit.trim().to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => Some("s"),
        "m" | "min" | "mins" | "minute" | "minutes" => Some("m"),
        "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => Some("ms"),
        _ => None,
    }
}

#[cfg(test)]
mod timeout_should {
    use super::*;

    fn millis(text: &str) -> u64 {
        parse(text)
            .map(Timeout::millis)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        match parse(text) {
            Ok(timeout) => panic!("`{text}` was accepted as {timeout:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accept_milliseconds_seconds_and_minutes() {
        assert_eq!(millis("250ms"), 250);
        assert_eq!(millis("10s"), 10_000);
        assert_eq!(millis("2m"), 120_000);
    }

    #[test]
    fn refuse_a_number_without_unit_and_suggest_seconds() {
        assert!(error("10").contains("it has no unit (did you mean `10s`?)"));
    }

    #[test]
    fn refuse_zero() {
        assert!(error("0s").contains("longer than zero"));
        assert!(error("0ms").contains("longer than zero"));
    }

    #[test]
    fn refuse_hours_and_other_units() {
        assert!(error("1h").contains("`h` is not a unit"));
        assert!(error("3 s").contains("` s` is not a unit (did you mean `3s`?)"));
    }

    #[test]
    fn suggest_the_short_unit_for_a_spelt_out_one() {
        assert!(error("5 seconds").starts_with(
            "invalid timeout `5 seconds`: ` seconds` is not a unit (did you mean `5s`?)"
        ));
        assert!(error("2min").contains("(did you mean `2m`?)"));
        assert!(error("100 Milliseconds").contains("(did you mean `100ms`?)"));
        assert!(!error("1h").contains("did you mean"));
    }

    #[test]
    fn refuse_text_that_is_not_a_number() {
        assert!(error("abc").contains("it does not start with a number"));
        assert!(error("").contains("it does not start with a number"));
        assert!(error("-1s").contains("it does not start with a number"));
    }

    #[test]
    fn refuse_fractions() {
        assert!(error("1.5s").contains("whole number of a smaller unit"));
    }

    #[test]
    fn refuse_a_number_too_large_for_milliseconds() {
        assert!(error("18446744073709551615m").contains("too large"));
        assert!(error("99999999999999999999999ms").contains("too large"));
    }

    #[test]
    fn show_the_accepted_forms_in_every_error() {
        let message = error("1h");
        assert_eq!(
            message,
            "invalid timeout `1h`: `h` is not a unit; write a whole number above zero \
             followed by `ms`, `s` or `m`, e.g. `timeout = \"500ms\"`, `\"10s\"` or `\"2m\"`"
        );
    }
}
