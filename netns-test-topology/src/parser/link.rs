//! `END -- END [OPTION...]`, where `END` is `OWNER[:IFNAME] [CIDR...]`.
//! The options after the second end are read in `options`.

use std::net::IpAddr;

use super::options::{Key, Options};
use super::Parser;
use crate::ast::{Addrs, End, Link, Name, Statement};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::plan::Cidr;

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
        let mut options = Options::default();
        let a = self.end(left, None);
        let b = self.end(right, Some(&mut options));
        Some(Statement::Link(Box::new(Link {
            a: a?,
            b: b?,
            mtu: options.mtu,
            impairment: options.impairment,
        })))
    }

    /// One end. `options` is where the second end puts its options; the first
    /// end takes none.
    fn end<'a>(
        &mut self,
        tokens: &[Token<'a>],
        mut options: Option<&mut Options<'a>>,
    ) -> Option<End<'a>> {
        let (first, rest) = tokens.split_first()?;
        let head = self.end_owner(first);
        if first.kind == TokenKind::Comma {
            return None;
        }
        let mut addrs = Addrs::default();
        let mut words = rest.iter();
        while let Some(token) = words.next() {
            if token.kind == TokenKind::Comma {
                self.stray_comma(token, "separate an end's addresses with spaces");
                continue;
            }
            match (Key::named(token.text), options.as_deref_mut()) {
                (Some(key), _) => self.bare_option(key, token, &mut words),
                (None, Some(options)) if token.text.contains('=') => {
                    self.option(token, &mut words, options)
                }
                (None, None) if token.text.contains('=') => self.error(
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
                (None, _) => self.push_addr(&mut addrs, token),
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
}
