//! `route OWNER DEST via ADDR`.

use std::net::IpAddr;

use super::{name, trailing, Parser};
use crate::ast::{Dest, Name, Route, Statement};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::plan::Cidr;

const SYNTAX: &str = "write `route OWNER DEST via ADDR`, e.g. `route a default via 10.0.0.1` \
                      or `route a 10.1.0.0/16 via 10.0.0.1`";

impl Parser {
    pub(super) fn route<'a>(
        &mut self,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        if let Some(comma) = rest.iter().find(|t| t.kind == TokenKind::Comma) {
            self.stray_comma(comma, "write one route per statement");
            return None;
        }
        let Some(owner_word) = rest.first() else {
            self.error(
                Error::new(
                    keyword.span,
                    "`route` without an owner",
                    "expected `OWNER DEST via ADDR` after `route`",
                )
                .help(SYNTAX),
            );
            return None;
        };
        let Some(dest_word) = rest.get(1) else {
            self.error(
                Error::new(
                    owner_word.span,
                    "incomplete route",
                    format!("expected a destination after `{}`", owner_word.text),
                )
                .help(SYNTAX),
            );
            return None;
        };
        let owner = self.namespace_owner(owner_word, "route");
        let dest = match dest_word.text {
            "default" => Some(Dest::Default),
            _ => self.cidr(dest_word).map(Dest::Prefix),
        };
        let gateway_word = match rest.get(2) {
            Some(via) if via.text == "via" => match rest.get(3) {
                Some(gateway) => gateway,
                None => {
                    self.error(
                        Error::new(
                            via.span,
                            "`via` without a gateway",
                            "expected the gateway's address after `via`",
                        )
                        .help(SYNTAX),
                    );
                    return None;
                }
            },
            Some(word) if word.text.parse::<IpAddr>().is_ok() => {
                self.error(
                    Error::new(
                        word.span,
                        format!("expected `via` before the gateway `{}`", word.text),
                        "missing `via`",
                    )
                    .help(format!(
                        "write `route {} {} via {}`",
                        owner_word.text, dest_word.text, word.text
                    )),
                );
                return None;
            }
            Some(word) => {
                self.error(
                    Error::new(
                        word.span,
                        format!("expected `via`, found `{}`", word.text),
                        "expected `via`",
                    )
                    .help(SYNTAX),
                );
                return None;
            }
            None => {
                self.error(
                    Error::new(
                        dest_word.span,
                        "incomplete route",
                        format!("expected `via ADDR` after `{}`", dest_word.text),
                    )
                    .help(SYNTAX),
                );
                return None;
            }
        };
        let via = self.gateway(gateway_word);
        let extra = rest.get(4..).unwrap_or_default();
        if trailing(
            self,
            extra,
            "the route",
            "write one route per statement, ending it with a newline or `;`",
        ) {
            return None;
        }
        Some(Statement::Route(Route {
            owner: owner?,
            dest: dest?,
            dest_span: dest_word.span,
            via: via?,
            via_span: gateway_word.span,
        }))
    }

    /// The gateway after `via`: a plain address.
    fn gateway(&mut self, word: &Token<'_>) -> Option<IpAddr> {
        if let Ok(addr) = word.text.parse::<IpAddr>() {
            return Some(addr);
        }
        let error = match word.text.parse::<Cidr>() {
            Ok(cidr) => Error::new(
                word.span,
                format!("the gateway `{}` has a prefix length", word.text),
                "a gateway is a single address",
            )
            .help(format!("write `via {}`", cidr.addr)),
            Err(_) => Error::new(
                word.span,
                format!("`{}` is not an IPv4 or IPv6 address", word.text),
                "expected the gateway's address",
            )
            .help("write e.g. `via 10.0.0.1` or `via fd00::1`"),
        };
        self.error(error);
        None
    }

    /// The owner of a route or a sysctl: a namespace name, not `OWNER:IFNAME`.
    pub(super) fn namespace_owner<'a>(
        &mut self,
        word: &Token<'a>,
        statement: &str,
    ) -> Option<Name<'a>> {
        match word.text.split_once(':') {
            None => Some(name(word)),
            Some((owner, _)) => {
                let owner = if owner.is_empty() { "a" } else { owner };
                self.error(
                    Error::new(
                        word.span,
                        format!(
                            "a {statement} belongs to a namespace, not to the interface `{}`",
                            word.text
                        ),
                        "expected a node, router or `host`",
                    )
                    .help(format!("write `{statement} {owner} ...`")),
                );
                None
            }
        }
    }
}
