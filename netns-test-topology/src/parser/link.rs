//! `END -- END [mtu=N]`, where `END` is `OWNER[:IFNAME] [CIDR...]`.

use std::net::IpAddr;

use super::Parser;
use crate::ast::{Addrs, End, Link, Mtu, Name, Statement};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::plan::Cidr;
use crate::suggest::closest;

/// The MTU range Linux accepts on a veth.
const MTU_RANGE: std::ops::RangeInclusive<u64> = 68..=65535;

const END_SYNTAX: &str = "write `OWNER[:IFNAME] [CIDR...] -- OWNER[:IFNAME] [CIDR...]`, \
                          e.g. `a:eth0 10.0.0.1/24 -- b:eth0 10.0.0.2/24`";

impl Parser {
    /// A statement that holds `--`.
    pub(super) fn link<'a>(&mut self, tokens: &[Token<'a>]) -> Option<Statement<'a>> {
        let mut dashes = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_word("--"))
            .map(|(i, _)| i);
        let at = dashes.next()?;
        if let Some(second) = dashes.next().and_then(|i| tokens.get(i)) {
            self.error(
                Error::new(
                    second.span,
                    "a second `--` in one link",
                    "a link has exactly two ends",
                )
                .help("write one link per statement: `a -- b`, then `b -- c` on the next line"),
            );
            return None;
        }
        let (left, dash_and_right) = tokens.split_at(at);
        let (dash, right) = dash_and_right.split_first()?;
        if left.is_empty() {
            self.error(
                Error::new(
                    dash.span,
                    "the link has no first end",
                    "nothing before `--`",
                )
                .help(END_SYNTAX),
            );
        }
        if right.is_empty() {
            self.error(
                Error::new(
                    dash.span,
                    "the link has no second end",
                    "nothing after `--`",
                )
                .help(END_SYNTAX),
            );
        }
        let mut mtu = None;
        let a = self.end(left, None);
        let b = self.end(right, Some(&mut mtu));
        Some(Statement::Link(Link { a: a?, b: b?, mtu }))
    }

    /// One end. `options` is where the second end puts `mtu=N`; the first end
    /// takes no options.
    fn end<'a>(
        &mut self,
        tokens: &[Token<'a>],
        mut options: Option<&mut Option<Mtu>>,
    ) -> Option<End<'a>> {
        let (first, rest) = tokens.split_first()?;
        let head = self.end_owner(first);
        if first.kind == TokenKind::Comma {
            return None;
        }
        let mut addrs = Addrs::default();
        let mut words = rest.iter();
        while let Some(token) = words.next() {
            match token.kind {
                TokenKind::Comma => {
                    self.stray_comma(token, "separate an end's addresses with spaces")
                }
                TokenKind::Word if token.text == "mtu" => {
                    // `mtu = 1400` or `mtu =1400`: one mistake, one error.
                    let mut value = "1400";
                    if let Some(eq) = words.as_slice().first().filter(|t| t.text.starts_with('=')) {
                        words.next();
                        value = eq.text.trim_start_matches('=');
                        if value.is_empty() {
                            value = words.next().map_or("1400", |t| t.text);
                        }
                    }
                    self.error(
                        Error::new(token.span, "`mtu` without a value", "expected `mtu=N`")
                            .help(format!("write `mtu={value}`, with no spaces around `=`")),
                    );
                }
                TokenKind::Word if token.text.contains('=') => match options.as_deref_mut() {
                    Some(mtu) => self.option(token, mtu),
                    None => self.error(
                        Error::new(
                            token.span,
                            format!("link option `{}` before `--`", token.text),
                            "options go after the second end",
                        )
                        .help(format!(
                            "move it to the end of the link: `a -- b {}`",
                            token.text
                        )),
                    ),
                },
                TokenKind::Word => self.push_addr(&mut addrs, token),
            }
        }
        let (owner, ifname) = head?;
        Some(End {
            owner,
            ifname,
            addrs,
        })
    }

    /// `OWNER[:IFNAME]`.
    fn end_owner<'a>(&mut self, word: &Token<'a>) -> Option<(Name<'a>, Option<Name<'a>>)> {
        if word.kind == TokenKind::Comma {
            self.error(
                Error::new(
                    word.span,
                    "expected the owner of a link end, found `,`",
                    "expected a name",
                )
                .help(END_SYNTAX),
            );
            return None;
        }
        if word.text.parse::<Cidr>().is_ok() || word.text.parse::<IpAddr>().is_ok() {
            self.error(
                Error::new(
                    word.span,
                    format!(
                        "expected the owner of a link end, found the address `{}`",
                        word.text
                    ),
                    "an end starts with its owner",
                )
                .help(END_SYNTAX),
            );
            return None;
        }
        let Some((owner, ifname)) = word.text.split_once(':') else {
            return Some((
                Name {
                    text: word.text,
                    span: word.span,
                },
                None,
            ));
        };
        let colon = word.span.sub(owner.len(), owner.len() + 1);
        if owner.is_empty() {
            self.error(
                Error::new(
                    colon,
                    format!("no owner before `:` in `{}`", word.text),
                    "expected a node, router, bridge or `host` before `:`",
                )
                .help(format!("write `a{}`", word.text)),
            );
            return None;
        }
        let owner = Name {
            text: owner,
            span: word.span.sub(0, owner.len()),
        };
        if ifname.is_empty() {
            self.error(
                Error::new(
                    colon,
                    format!("empty interface name after `{}:`", owner.text),
                    "expected an interface name after `:`",
                )
                .help(format!(
                    "write `{0}:eth0`, or `{0}` for an automatic name",
                    owner.text
                )),
            );
            return Some((owner, None));
        }
        let ifname = Name {
            text: ifname,
            span: word.span.sub(owner.text.len() + 1, word.text.len()),
        };
        Some((owner, Some(ifname)))
    }

    /// `KEY=VALUE` after the second end; only `mtu` is known.
    fn option(&mut self, word: &Token<'_>, mtu: &mut Option<Mtu>) {
        let (key, value) = word.text.split_once('=').unwrap_or((word.text, ""));
        if key != "mtu" {
            let guess = closest(key, ["mtu"])
                .map(|m| format!("did you mean `{m}`? "))
                .unwrap_or_default();
            let what = if key.is_empty() {
                "`=` without an option name".to_owned()
            } else {
                format!("unknown link option `{key}`")
            };
            self.error(
                Error::new(word.span, what, "not a link option").help(format!(
                    "{guess}The only link option is `mtu=N`, e.g. `a -- b mtu=1400`"
                )),
            );
            return;
        }
        if mtu.is_some() {
            self.error(
                Error::new(word.span, "`mtu` is given twice", "second `mtu`")
                    .help("give each link one `mtu=N`"),
            );
            return;
        }
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
            return;
        }
        let number = value.bytes().fold(0u64, |n, d| {
            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        match u32::try_from(number) {
            Ok(value) if MTU_RANGE.contains(&number) => {
                *mtu = Some(Mtu {
                    value,
                    span: word.span,
                })
            }
            _ => self.error(
                Error::new(
                    word.span,
                    format!("mtu={value} is out of range"),
                    "a veth MTU is 68 to 65535 bytes",
                )
                .help("1500 is the usual Ethernet MTU"),
            ),
        }
    }
}
