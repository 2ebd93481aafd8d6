//! `node NAME[, NAME...]`, `router NAME[, NAME...]` and `bridge NAME [CIDR...]`.

use super::{name, Parser};
use crate::ast::{Addrs, Name, Statement};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::plan::NsKind;

impl Parser {
    /// `node a, b` or `router r`. Names left without a comma between them are
    /// reported but still declared, so later statements naming them do not
    /// fail a second time.
    pub(super) fn nodes<'a>(
        &mut self,
        kind: NsKind,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        let kw = keyword.text;
        let mut names: Vec<Name<'a>> = Vec::new();
        let mut after_comma: Option<&Token<'a>> = None;
        for token in rest {
            match token.kind {
                TokenKind::Word => {
                    if let (Some(previous), None) = (names.last(), after_comma) {
                        self.error(
                            Error::new(
                                token.span,
                                format!("expected `,` before `{}`", token.text),
                                "names are separated by commas",
                            )
                            .help(format!("write `{kw} {}, {}`", previous.text, token.text)),
                        );
                    }
                    names.push(name(token));
                    after_comma = None;
                }
                TokenKind::Comma => {
                    if after_comma.is_some() || names.is_empty() {
                        let after = if names.is_empty() {
                            format!("`{kw}`")
                        } else {
                            "`,`".to_owned()
                        };
                        self.error(
                            Error::new(
                                token.span,
                                format!("expected a name after {after}, found `,`"),
                                "expected a name",
                            )
                            .help(format!("write `{kw} a, b`")),
                        );
                    }
                    after_comma = Some(token);
                }
            }
        }
        if let (Some(comma), false) = (after_comma, names.is_empty()) {
            self.error(
                Error::new(
                    comma.span,
                    format!("trailing `,` after the last {kw} name"),
                    "expected a name after it",
                )
                .help("add a name after the `,` or remove it"),
            );
        }
        if names.is_empty() {
            if rest.is_empty() {
                self.error(
                    Error::new(
                        keyword.span,
                        format!("`{kw}` without a name"),
                        format!("expected a {kw} name after `{kw}`"),
                    )
                    .help(format!("write `{kw} a` or `{kw} a, b`")),
                );
            }
            return None;
        }
        Some(Statement::Nodes { kind, names })
    }

    /// `bridge NAME [CIDR...]`.
    pub(super) fn bridge<'a>(
        &mut self,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        let Some((first, addresses)) = rest.split_first() else {
            self.error(
                Error::new(
                    keyword.span,
                    "`bridge` without a name",
                    "expected a bridge name after `bridge`",
                )
                .help("write `bridge br0` or `bridge br0 10.0.0.1/24`"),
            );
            return None;
        };
        if first.kind == TokenKind::Comma {
            self.error(
                Error::new(
                    first.span,
                    "expected a bridge name after `bridge`, found `,`",
                    "expected a name",
                )
                .help("write `bridge br0` or `bridge br0 10.0.0.1/24`"),
            );
            return None;
        }
        let mut addrs = Addrs::default();
        for token in addresses {
            match token.kind {
                TokenKind::Word => self.push_addr(&mut addrs, token),
                TokenKind::Comma => self.stray_comma(
                    token,
                    "separate a bridge's addresses with spaces, \
                     and declare one bridge per statement",
                ),
            }
        }
        Some(Statement::Bridge {
            name: name(first),
            addrs,
        })
    }
}
