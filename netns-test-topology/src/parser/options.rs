//! Link options, the `KEY=VALUE` words after a link's second end: `mtu=N`
//! and the impairments `delay=`, `jitter=` (durations), `loss=`,
//! `duplicate=`, `reorder=`, `corrupt=` (percentages) and `rate=`.
//!
//! Each word is read on its own: its key, its number and unit, its range.
//! A malformed one is reported and kept as "written, no value", so the
//! rules between options (a jitter needs a delay) are left to validation
//! and say nothing misleading about it.

use std::slice::Iter;
use std::time::Duration;

use super::Parser;
use crate::ast::{Impairment, Mtu, Name, Setting};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::plan::PPM_PER_PERCENT;
use crate::quantity::{self, Measure, QuantityError};
use crate::suggest::closest;

/// The MTU range Linux accepts on a veth.
const MTU_RANGE: std::ops::RangeInclusive<u64> = 68..=65535;

/// The longest delay or jitter, in microseconds: a minute. A longer one
/// outlasts any test, and is likely `s` written for `ms`.
const MAX_DELAY_US: u64 = 60_000_000;

/// The fastest rate, in bits per second: 100gbit. A veth does not go
/// faster, so a higher limit never applies.
const MAX_RATE: u64 = 100_000_000_000;

/// Every link option and its units, for help texts.
const LIST: &str = "`mtu=N`, `delay=` and `jitter=` (`us`, `ms`, `s`), `loss=`, \
                    `duplicate=`, `reorder=` and `corrupt=` (`%`), and `rate=` \
                    (`kbit`, `mbit`, `gbit`), e.g. `a -- b delay=20ms loss=1%`";

/// A link option's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Mtu,
    Delay,
    Jitter,
    Loss,
    Duplicate,
    Reorder,
    Corrupt,
    Rate,
}

impl Key {
    const ALL: [Key; 8] = [
        Key::Mtu,
        Key::Delay,
        Key::Jitter,
        Key::Loss,
        Key::Duplicate,
        Key::Reorder,
        Key::Corrupt,
        Key::Rate,
    ];

    /// The key a word names, exactly as written.
    pub(super) fn named(text: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == text)
    }

    fn name(self) -> &'static str {
        match self {
            Key::Mtu => "mtu",
            Key::Delay => "delay",
            Key::Jitter => "jitter",
            Key::Loss => "loss",
            Key::Duplicate => "duplicate",
            Key::Reorder => "reorder",
            Key::Corrupt => "corrupt",
            Key::Rate => "rate",
        }
    }

    /// A typical value, for help texts.
    fn example(self) -> &'static str {
        match self {
            Key::Mtu => "1400",
            Key::Delay => "20ms",
            Key::Jitter => "5ms",
            Key::Loss | Key::Duplicate => "1%",
            Key::Reorder => "25%",
            Key::Corrupt => "0.1%",
            Key::Rate => "10mbit",
        }
    }

    /// What the value measures; `None` for `mtu`, a plain number.
    fn measure(self) -> Option<Measure> {
        match self {
            Key::Mtu => None,
            Key::Delay | Key::Jitter => Some(Measure::Duration),
            Key::Loss | Key::Duplicate | Key::Reorder | Key::Corrupt => Some(Measure::Percent),
            Key::Rate => Some(Measure::Rate),
        }
    }
}

/// The options of one link, filled word by word: a key given twice is
/// refused, the first one kept.
#[derive(Debug, Default)]
pub(super) struct Options<'a> {
    seen: Vec<Key>,
    pub(super) mtu: Option<Mtu>,
    pub(super) impairment: Impairment<'a>,
}

impl Parser {
    /// A bare option name (`mtu`, `delay`), as in `delay = 20ms`: one mistake,
    /// one error, the `=` and value after it taken along.
    pub(super) fn bare_option(
        &mut self,
        key: Key,
        word: &Token<'_>,
        words: &mut Iter<'_, Token<'_>>,
    ) {
        let mut value = key.example();
        if let Some(eq) = words.as_slice().first().filter(|t| t.text.starts_with('=')) {
            words.next();
            value = eq.text.trim_start_matches('=');
            if value.is_empty() {
                value = words.next().map_or(key.example(), |t| t.text);
            }
        }
        let name = key.name();
        let expected = match key {
            Key::Mtu => "expected `mtu=N`".to_owned(),
            _ => format!("expected `{name}=VALUE`"),
        };
        self.error(
            Error::new(word.span, format!("`{name}` without a value"), expected)
                .help(format!("write `{name}={value}`, with no spaces around `=`")),
        );
    }

    /// One `KEY=VALUE` word after the second end. A space inside it (`delay=
    /// 20ms`, `delay=20 ms`) takes the next word along, so it is one error.
    pub(super) fn option<'a>(
        &mut self,
        word: &Token<'a>,
        words: &mut Iter<'_, Token<'a>>,
        options: &mut Options<'a>,
    ) {
        let (key_text, value) = word.text.split_once('=').unwrap_or((word.text, ""));
        let Some(key) = Key::named(key_text) else {
            self.unknown_option(word, key_text);
            return;
        };
        if options.seen.contains(&key) {
            let name = key.name();
            let help = match key {
                Key::Mtu => "give each link one `mtu=N`".to_owned(),
                _ => format!("give each link one `{name}=`; it applies to both directions"),
            };
            self.error(
                Error::new(
                    word.span,
                    format!("`{name}` is given twice"),
                    format!("second `{name}`"),
                )
                .help(help),
            );
            return;
        }
        options.seen.push(key);
        let Some(measure) = key.measure() else {
            options.mtu = self.mtu(word, value);
            return;
        };
        // `delay= 20ms`: the value is the next word.
        let next = words.as_slice().first();
        let detached_value = next.filter(|t| {
            value.is_empty()
                && t.kind == TokenKind::Word
                && !t.text.contains('=')
                && t.text != "--"
                && Key::named(t.text).is_none()
        });
        if let Some(detached) = detached_value {
            words.next();
            self.error(
                Error::new(
                    word.span.to(detached.span),
                    format!("`{}` without a value", word.text),
                    "a space after `=`",
                )
                .help(format!(
                    "write `{key_text}={}`, with no spaces around `=`",
                    detached.text
                )),
            );
            self.set(options, key, word, None);
            return;
        }
        // `delay=20 ms`: the unit is the next word.
        let detached_unit = next.filter(|t| measure.unit_names().any(|u| u == t.text));
        let parsed = quantity::parse(value, measure);
        let value = match (parsed, detached_unit) {
            (Err(QuantityError::MissingUnit { .. }), Some(unit)) => {
                words.next();
                self.error(
                    Error::new(
                        word.span.to(unit.span),
                        format!("a space between `{}` and its unit", word.text),
                        "the number and its unit are one word",
                    )
                    .help(format!(
                        "write `{}{}`, with no space before the unit",
                        word.text, unit.text
                    )),
                );
                None
            }
            (parsed, _) => self.check_quantity(key, measure, word, key_text, value, parsed),
        };
        self.set(options, key, word, value);
    }

    /// Reports a key that is not a link option.
    fn unknown_option(&mut self, word: &Token<'_>, key: &str) {
        let list = match closest(key, Key::ALL.map(Key::name)) {
            Some(guess) => format!("did you mean `{guess}`? The link options are {LIST}"),
            None => format!("the link options are {LIST}"),
        };
        let what = if key.is_empty() {
            "`=` without an option name".to_owned()
        } else {
            format!("unknown link option `{key}`")
        };
        self.error(Error::new(word.span, what, "not a link option").help(list));
    }

    /// `mtu=N`: 68 to 65535.
    fn mtu(&mut self, word: &Token<'_>, value: &str) -> Option<Mtu> {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            let what = if value.is_empty() {
                "`mtu=` without a value".to_owned()
            } else {
                format!("`{value}` is not a number")
            };
            self.error(
                Error::new(word.span, what, "expected a number of bytes")
                    .help("write e.g. `mtu=1400`"),
            );
            return None;
        }
        let number = value.bytes().fold(0u64, |n, d| {
            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        match u32::try_from(number) {
            Ok(value) if MTU_RANGE.contains(&number) => Some(Mtu {
                value,
                span: word.span,
            }),
            _ => {
                self.error(
                    Error::new(
                        word.span,
                        format!("mtu={value} is out of range"),
                        "a veth MTU is 68 to 65535 bytes",
                    )
                    .help("1500 is the usual Ethernet MTU"),
                );
                None
            }
        }
    }

    /// The value of an impairment option in its base unit (microseconds,
    /// parts per million, bits per second), or its one error reported.
    fn check_quantity(
        &mut self,
        key: Key,
        measure: Measure,
        word: &Token<'_>,
        key_text: &str,
        value: &str,
        parsed: Result<u64, QuantityError<'_>>,
    ) -> Option<u64> {
        let text = word.text;
        let example = format!("`{key_text}={}`", key.example());
        let (noun, units, unit) = match measure {
            Measure::Duration => ("duration", "`us`, `ms` or `s`", "unit"),
            Measure::Percent => ("percentage", "`%`", "`%`"),
            Measure::Rate => ("rate", "`kbit`, `mbit` or `gbit`", "unit"),
        };
        let error = match parsed {
            Ok(0) if key == Key::Rate => zero_rate(word),
            Err(QuantityError::MissingUnit { zero: true }) if key == Key::Rate => zero_rate(word),
            Ok(n) if measure == Measure::Duration && n > MAX_DELAY_US => Error::new(
                word.span,
                format!("`{text}` is longer than 60s"),
                format!("a {key_text} is at most 60s"),
            )
            .help(format!("write at most `{key_text}=60s`, e.g. {example}")),
            Ok(n) if measure == Measure::Percent && n > u64::from(100 * PPM_PER_PERCENT) => {
                Error::new(
                    word.span,
                    format!("`{text}` is over 100%"),
                    "a share of packets is 0% to 100%",
                )
                .help(format!("write e.g. {example}"))
            }
            Ok(n) if measure == Measure::Rate && n > MAX_RATE => Error::new(
                word.span,
                format!("`{text}` is over 100gbit"),
                "a veth does not go faster",
            )
            .help("remove `rate=` for an unlimited link"),
            Ok(n) => return Some(n),
            Err(QuantityError::Empty) => Error::new(
                word.span,
                format!("`{text}` without a value"),
                format!("expected a {noun}"),
            )
            .help(format!("write e.g. {example}")),
            Err(QuantityError::NotANumber) => Error::new(
                word.span,
                format!("`{value}` is not a {noun}"),
                format!("expected a number and {units}"),
            )
            .help(forms(key_text, measure, key.example())),
            Err(QuantityError::Negative) => Error::new(
                word.span,
                format!("`{text}` is negative"),
                match measure {
                    Measure::Duration => format!("a {key_text} is zero or more"),
                    Measure::Percent => "a share of packets is 0% to 100%".to_owned(),
                    Measure::Rate => "a rate is more than zero".to_owned(),
                },
            )
            .help(format!("write e.g. {example}")),
            Err(QuantityError::MissingUnit { .. }) => Error::new(
                word.span,
                format!("`{text}` has no {unit}"),
                format!("expected {units} after the number"),
            )
            .help(forms(key_text, measure, value)),
            Err(QuantityError::UnknownUnit { number, unit }) => Error::new(
                word.span,
                format!("unknown unit `{unit}` in `{text}`"),
                format!("expected {units}"),
            )
            .help(
                match alias(unit, measure).or_else(|| closest(unit, measure.unit_names())) {
                    Some(guess) => {
                        format!("did you mean `{guess}`? Write `{key_text}={number}{guess}`")
                    }
                    None => forms(key_text, measure, number),
                },
            ),
            Err(QuantityError::TooFine) => {
                let (step, counted, help) = match measure {
                    Measure::Duration => (
                        "1us",
                        "whole microseconds",
                        "round it to whole microseconds",
                    ),
                    Measure::Percent => (
                        "0.0001%",
                        "whole parts per million (0.0001% is 1)",
                        "round it to at most 4 decimals",
                    ),
                    Measure::Rate => (
                        "1 bit per second",
                        "whole bits per second",
                        "round it to whole bits per second (`0.001kbit` is 1 bit/s)",
                    ),
                };
                Error::new(
                    word.span,
                    format!("`{text}` is finer than {step}"),
                    format!("a {noun} is counted in {counted}"),
                )
                .help(help)
            }
        };
        self.error(error);
        None
    }

    /// Records an impairment option, its value converted for the syntax tree.
    fn set<'a>(
        &mut self,
        options: &mut Options<'a>,
        key: Key,
        word: &Token<'a>,
        value: Option<u64>,
    ) {
        let word = Name {
            text: word.text,
            span: word.span,
        };
        let duration = || Setting {
            value: value.map(Duration::from_micros),
            word,
        };
        let ppm = || Setting {
            // At most 100%: validated above.
            value: value.and_then(|v| u32::try_from(v).ok()),
            word,
        };
        let impairment = &mut options.impairment;
        match key {
            Key::Mtu => {}
            Key::Delay => impairment.delay = Some(duration()),
            Key::Jitter => impairment.jitter = Some(duration()),
            Key::Loss => impairment.loss = Some(ppm()),
            Key::Duplicate => impairment.duplicate = Some(ppm()),
            Key::Reorder => impairment.reorder = Some(ppm()),
            Key::Corrupt => impairment.corrupt = Some(ppm()),
            Key::Rate => impairment.rate = Some(Setting { value, word }),
        }
    }
}

/// `rate=0`, in any unit.
fn zero_rate(word: &Token<'_>) -> Error {
    Error::new(
        word.span,
        format!("`{}` lets nothing through", word.text),
        "a rate of zero stops the link",
    )
    .help("remove `rate=` for an unlimited link")
}

/// The unit of ours that other tools spell `unit` (tc's `msec`).
fn alias(unit: &str, measure: Measure) -> Option<&'static str> {
    const DURATIONS: [(&str, &str); 8] = [
        ("sec", "s"),
        ("secs", "s"),
        ("msec", "ms"),
        ("msecs", "ms"),
        ("usec", "us"),
        ("usecs", "us"),
        ("\u{b5}s", "us"),
        ("\u{3bc}s", "us"),
    ];
    match measure {
        Measure::Duration => DURATIONS
            .iter()
            .find(|(other, _)| other.eq_ignore_ascii_case(unit))
            .map(|&(_, ours)| ours),
        Measure::Percent | Measure::Rate => None,
    }
}

/// How to write this option, with the number of `number` (a number, maybe
/// followed by a unit).
fn forms(key_text: &str, measure: Measure, number: &str) -> String {
    let number = number.trim_end_matches(|c: char| !c.is_ascii_digit());
    match measure {
        Measure::Duration => format!(
            "write `{key_text}={number}ms`, or `{number}us`, `{number}s`: \
             a duration takes `us`, `ms` or `s`, decimals allowed (`1.5ms`)"
        ),
        Measure::Percent => format!(
            "write `{key_text}={number}%`: a share of packets in percent, decimals \
             allowed (`0.5%`)"
        ),
        Measure::Rate => format!(
            "write `{key_text}={number}mbit`, or `{number}kbit`, `{number}gbit`: \
             bits per second, 1000-based, decimals allowed (`1.5mbit`)"
        ),
    }
}
