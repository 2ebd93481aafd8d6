//! Numbers with a unit, as link options write them: `20ms`, `0.5%`,
//! `10mbit`. They are read exactly: the decimal text is scaled to whole
//! microseconds, parts per million or bits per second with integer
//! arithmetic, never through `f64`, so `0.1%` is 1000 ppm and not 999.

/// What a quantity measures, and so which units it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// `us`, `ms`, `s`; in whole microseconds.
    Duration,
    /// `%`; in whole parts per million (`1%` is 10 000).
    Percent,
    /// `kbit`, `mbit`, `gbit` (1000-based); in whole bits per second.
    Rate,
}

impl Measure {
    /// Each unit and the power of ten from it to the base unit.
    pub(crate) fn units(self) -> &'static [(&'static str, u32)] {
        match self {
            Measure::Duration => &[("us", 0), ("ms", 3), ("s", 6)],
            Measure::Percent => &[("%", 4)],
            Measure::Rate => &[("kbit", 3), ("mbit", 6), ("gbit", 9)],
        }
    }

    /// The units' names, for "did you mean".
    pub(crate) fn unit_names(self) -> impl Iterator<Item = &'static str> {
        self.units().iter().map(|&(name, _)| name)
    }
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuantityError<'a> {
    /// Nothing at all.
    Empty,
    /// A well-formed quantity after a `-`.
    Negative,
    /// No number, or a malformed one (`1.2.3`, `.5`, `abc`).
    NotANumber,
    /// A number and nothing after it.
    MissingUnit {
        /// Whether the number is zero (`rate=0` means "stop", not "unlimited").
        zero: bool,
    },
    /// A number followed by a unit this measure does not take.
    UnknownUnit {
        /// The number as written.
        number: &'a str,
        /// The unit as written.
        unit: &'a str,
    },
    /// More decimals than the base unit resolves (`0.5us`, `0.00001%`).
    TooFine,
}

/// Reads `text` as a quantity of `measure`, in its base unit. A value too
/// large for `u64` comes back as `u64::MAX`: every caller's limit is far
/// below it.
pub(crate) fn parse(text: &str, measure: Measure) -> Result<u64, QuantityError<'_>> {
    if text.is_empty() {
        return Err(QuantityError::Empty);
    }
    if let Some(positive) = text.strip_prefix('-') {
        return match parse(positive, measure) {
            Err(QuantityError::Empty | QuantityError::NotANumber) => Err(QuantityError::NotANumber),
            _ => Err(QuantityError::Negative),
        };
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let decimal = Decimal::new(number).ok_or(QuantityError::NotANumber)?;
    if unit.is_empty() {
        return Err(QuantityError::MissingUnit {
            zero: decimal.is_zero(),
        });
    }
    if !unit.chars().all(|c| c.is_alphabetic() || c == '%') {
        // `20ms5`, `1e3ms`: the number goes on after letters.
        return Err(QuantityError::NotANumber);
    }
    let places = measure
        .units()
        .iter()
        .find(|&&(name, _)| name == unit)
        .map(|&(_, places)| places)
        .ok_or(QuantityError::UnknownUnit { number, unit })?;
    decimal.scaled(places).ok_or(QuantityError::TooFine)
}

/// A decimal number as written: digits, then maybe `.` and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal<'a> {
    whole: &'a str,
    fraction: &'a str,
}

impl<'a> Decimal<'a> {
    /// `None` unless `text` is digits, optionally followed by `.` and digits.
    fn new(text: &'a str) -> Option<Decimal<'a>> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let sound = !whole.is_empty()
            && digits(whole)
            && digits(fraction)
            && fraction.is_empty() != text.contains('.');
        sound.then_some(Decimal { whole, fraction })
    }

    fn is_zero(self) -> bool {
        self.whole
            .bytes()
            .chain(self.fraction.bytes())
            .all(|b| b == b'0')
    }

    /// The number times `10^places`, `None` when that is not whole (a
    /// non-zero digit beyond `places` decimals), saturating at `u64::MAX`.
    fn scaled(self, places: u32) -> Option<u64> {
        let kept = self.fraction.len().min(places as usize);
        let (fraction, beyond) = self.fraction.split_at(kept);
        if beyond.bytes().any(|b| b != b'0') {
            return None;
        }
        let missing = places - kept as u32;
        let value = self
            .whole
            .bytes()
            .chain(fraction.bytes())
            .try_fold(0u64, |n, digit| {
                n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
            })
            .and_then(|n| n.checked_mul(10u64.checked_pow(missing)?));
        Some(value.unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod quantity_should {
    use super::{parse, Measure, QuantityError};

    #[test]
    fn scale_durations_to_whole_microseconds() {
        assert_eq!(parse("20ms", Measure::Duration), Ok(20_000));
        assert_eq!(parse("1.5ms", Measure::Duration), Ok(1_500));
        assert_eq!(parse("7us", Measure::Duration), Ok(7));
        assert_eq!(parse("0.000001s", Measure::Duration), Ok(1));
        assert_eq!(parse("2s", Measure::Duration), Ok(2_000_000));
        assert_eq!(parse("0ms", Measure::Duration), Ok(0));
    }

    #[test]
    fn scale_percentages_to_parts_per_million_exactly() {
        assert_eq!(parse("1%", Measure::Percent), Ok(10_000));
        assert_eq!(parse("0.5%", Measure::Percent), Ok(5_000));
        // 0.1 and 0.7 have no exact binary fraction: f64 would give 999 or 6999.
        assert_eq!(parse("0.1%", Measure::Percent), Ok(1_000));
        assert_eq!(parse("0.7%", Measure::Percent), Ok(7_000));
        assert_eq!(parse("0.0001%", Measure::Percent), Ok(1));
        assert_eq!(parse("100%", Measure::Percent), Ok(1_000_000));
        assert_eq!(parse("33.3333%", Measure::Percent), Ok(333_333));
    }

    #[test]
    fn scale_rates_to_bits_per_second_1000_based() {
        assert_eq!(parse("10mbit", Measure::Rate), Ok(10_000_000));
        assert_eq!(parse("1.5kbit", Measure::Rate), Ok(1_500));
        assert_eq!(parse("2.5gbit", Measure::Rate), Ok(2_500_000_000));
        assert_eq!(parse("0.000000001gbit", Measure::Rate), Ok(1));
    }

    #[test]
    fn accept_trailing_zeros_beyond_the_resolution() {
        assert_eq!(parse("1.0000us", Measure::Duration), Ok(1));
        assert_eq!(parse("0.50000%", Measure::Percent), Ok(5_000));
    }

    #[test]
    fn refuse_a_value_finer_than_the_resolution() {
        assert_eq!(
            parse("0.5us", Measure::Duration),
            Err(QuantityError::TooFine)
        );
        assert_eq!(
            parse("1.0000001s", Measure::Duration),
            Err(QuantityError::TooFine)
        );
        assert_eq!(
            parse("0.00001%", Measure::Percent),
            Err(QuantityError::TooFine)
        );
        assert_eq!(
            parse("0.0001kbit", Measure::Rate),
            Err(QuantityError::TooFine)
        );
    }

    #[test]
    fn saturate_a_huge_value() {
        assert_eq!(
            parse("99999999999999999999999s", Measure::Duration),
            Ok(u64::MAX)
        );
        assert_eq!(
            parse("18446744073709551615gbit", Measure::Rate),
            Ok(u64::MAX)
        );
    }

    #[test]
    fn tell_a_missing_unit_from_an_unknown_one() {
        assert_eq!(
            parse("20", Measure::Duration),
            Err(QuantityError::MissingUnit { zero: false })
        );
        assert_eq!(
            parse("0.0", Measure::Rate),
            Err(QuantityError::MissingUnit { zero: true })
        );
        assert_eq!(
            parse("20sec", Measure::Duration),
            Err(QuantityError::UnknownUnit {
                number: "20",
                unit: "sec"
            })
        );
        assert_eq!(
            parse("1ms", Measure::Percent),
            Err(QuantityError::UnknownUnit {
                number: "1",
                unit: "ms"
            })
        );
    }

    #[test]
    fn refuse_what_is_not_a_number() {
        for text in [
            "abc", "ms", "%", ".5ms", "5.ms", "1.2.3ms", "1e3ms", "20ms5", "+1ms", "-",
        ] {
            assert_eq!(
                parse(text, Measure::Duration),
                Err(QuantityError::NotANumber),
                "{text}"
            );
        }
        assert_eq!(parse("", Measure::Duration), Err(QuantityError::Empty));
    }

    #[test]
    fn call_a_negative_number_negative() {
        assert_eq!(
            parse("-5ms", Measure::Duration),
            Err(QuantityError::Negative)
        );
        assert_eq!(parse("-1", Measure::Percent), Err(QuantityError::Negative));
        assert_eq!(parse("-x", Measure::Rate), Err(QuantityError::NotANumber));
    }
}
