//! `sysctl OWNER KEY=VALUE`.

use super::{trailing, Parser};
use crate::ast::{Name, Statement, Sysctl};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};

const SYNTAX: &str = "write `sysctl OWNER KEY=VALUE`, e.g. `sysctl a net.ipv4.ip_forward=1`";

impl Parser {
    pub(super) fn sysctl<'a>(
        &mut self,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        if let Some(comma) = rest.iter().find(|t| t.kind == TokenKind::Comma) {
            self.stray_comma(comma, "write one sysctl per statement");
            return None;
        }
        let Some(owner_word) = rest.first() else {
            self.error(
                Error::new(
                    keyword.span,
                    "`sysctl` without an owner",
                    "expected `OWNER KEY=VALUE` after `sysctl`",
                )
                .help(SYNTAX),
            );
            return None;
        };
        let Some(setting) = rest.get(1) else {
            self.error(
                Error::new(
                    owner_word.span,
                    "incomplete sysctl",
                    format!("expected `KEY=VALUE` after `{}`", owner_word.text),
                )
                .help(SYNTAX),
            );
            return None;
        };
        let owner = self.namespace_owner(owner_word, "sysctl");
        let Some((key, value)) = setting.text.split_once('=') else {
            match rest.get(2) {
                Some(next) if next.text.starts_with('=') => {
                    let (value, last) = match (next.text, rest.get(3)) {
                        ("=", Some(value)) => (value.text, value),
                        _ => (next.text.trim_start_matches('='), next),
                    };
                    self.error(
                        Error::new(
                            setting.span.to(last.span),
                            "spaces around `=` in a sysctl",
                            "expected `KEY=VALUE` as one word",
                        )
                        .help(format!("write `{}={value}`", setting.text)),
                    );
                }
                _ => self.error(
                    Error::new(
                        setting.span,
                        format!("expected `KEY=VALUE`, found `{}`", setting.text),
                        "no `=` here",
                    )
                    .help(SYNTAX),
                ),
            }
            return None;
        };
        if key.is_empty() {
            self.error(
                Error::new(
                    setting.span,
                    format!("no key before `=` in `{}`", setting.text),
                    "expected `KEY=VALUE`",
                )
                .help(SYNTAX),
            );
            return None;
        }
        let extra = rest.get(2..).unwrap_or_default();
        if trailing(
            self,
            extra,
            "the sysctl",
            "a sysctl value is one word, with no spaces",
        ) {
            return None;
        }
        let eq = key.len();
        Some(Statement::Sysctl(Sysctl {
            owner: owner?,
            key: Name {
                text: key,
                span: setting.span.sub(0, eq),
            },
            value: Name {
                text: value,
                span: setting.span.sub(eq + 1, setting.text.len()),
            },
            span: setting.span,
        }))
    }
}
