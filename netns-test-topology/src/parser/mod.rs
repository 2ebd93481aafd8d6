//! Syntax: statements of tokens to the syntax tree, collecting every syntax
//! error. A statement with a structural mistake (no `--` side, no `via`, ...)
//! is reported and dropped, and parsing goes on with the next statement; a
//! malformed literal inside an otherwise sound statement (one bad CIDR, a bad
//! `mtu`) is reported and left out while the rest of the statement is kept.

mod declaration;
mod link;
mod nat;
mod options;
mod route;
mod sysctl;

use crate::ast::{Addr, Addrs, Name, Statement};
use crate::cidr::example_prefix;
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::names::KEYWORDS;
use crate::plan::{Cidr, NsKind};
use crate::suggest::closest;
use crate::ParseCidrError;

/// One line per statement, for help texts.
const STATEMENTS: &str = "`node NAME[, NAME...]`, `router NAME[, NAME...]`, \
                          `bridge NAME [CIDR...]`, `END -- END [OPTION...]`, \
                          `route OWNER DEST via ADDR`, `sysctl OWNER KEY=VALUE`, \
                          `nat OWNER:IFNAME [random]` and \
                          `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`";

/// Words other tools use for a statement of ours, and that statement.
const ALIASES: [(&str, &str); 5] = [
    ("masquerade", "nat"),
    ("snat", "nat"),
    ("dnat", "forward"),
    ("port-forward", "forward"),
    ("portforward", "forward"),
];

/// Parses every statement; returns the tree and the syntax errors.
pub(crate) fn parse<'a>(statements: &[Vec<Token<'a>>]) -> (Vec<Statement<'a>>, Vec<Error>) {
    let mut parser = Parser { errors: Vec::new() };
    let tree = statements
        .iter()
        .map(|tokens| parser.statement(tokens))
        .collect();
    (tree, parser.errors)
}

/// Collects errors while statements are parsed.
pub(crate) struct Parser {
    errors: Vec<Error>,
}

impl Parser {
    fn error(&mut self, error: Error) {
        self.errors.push(error);
    }

    fn statement<'a>(&mut self, tokens: &[Token<'a>]) -> Statement<'a> {
        let parsed = match tokens.split_first() {
            None => None,
            Some((first, rest)) => match first.text {
                "node" => self.nodes(NsKind::Node, first, rest),
                "router" => self.nodes(NsKind::Router, first, rest),
                "bridge" => self.bridge(first, rest),
                "route" => self.route(first, rest),
                "sysctl" => self.sysctl(first, rest),
                "nat" => self.nat(first, rest),
                "forward" => self.forward(first, rest),
                _ if tokens.iter().any(|t| t.is_word("--")) => self.link(tokens),
                _ => {
                    self.unknown_statement(first, tokens);
                    None
                }
            },
        };
        parsed.unwrap_or_else(|| {
            // Only a link (or what may be a misspelt one) adds addresses and
            // interfaces; only a route adds routes.
            let keyword = tokens.first().map(|t| t.text);
            let owners = if keyword.is_some_and(|k| KEYWORDS.contains(&k)) {
                Vec::new()
            } else {
                owners_mentioned(tokens)
            };
            let routes_of = match (keyword, tokens.get(1)) {
                (Some("route"), Some(owner)) if owner.kind == TokenKind::Word => {
                    owner.text.split(':').next()
                }
                _ => None,
            };
            Statement::Broken { owners, routes_of }
        })
    }

    fn unknown_statement(&mut self, first: &Token<'_>, tokens: &[Token<'_>]) {
        if first.kind == TokenKind::Comma {
            self.error(
                Error::new(
                    first.span,
                    "unexpected `,` at the start of a statement",
                    "expected a statement",
                )
                .help(format!("the statements are {STATEMENTS}")),
            );
            return;
        }
        let hint = if let Some(glued) = tokens.iter().find(|t| t.text.contains("--")) {
            format!(
                "to write a link, put spaces around `--`: `{}`. ",
                glued.text.replacen("--", " -- ", 1)
            )
        } else if let Some(&(_, keyword)) = ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(first.text))
        {
            format!("did you mean `{keyword}`? ")
        } else if let Some(keyword) = closest(first.text, KEYWORDS) {
            format!("did you mean `{keyword}`? ")
        } else if first.text.contains(':') || tokens.len() > 1 {
            "if this is a link, put `--` between its two ends. ".to_owned()
        } else {
            String::new()
        };
        self.error(
            Error::new(
                first.span,
                format!("unknown statement `{}`", first.text),
                "not a statement",
            )
            .help(if hint.is_empty() {
                format!("the statements are {STATEMENTS}")
            } else {
                format!("{hint}The statements are {STATEMENTS}")
            }),
        );
    }

    /// Reports a `,` where none belongs.
    fn stray_comma(&mut self, comma: &Token<'_>, help: &str) {
        self.error(
            Error::new(
                comma.span,
                "unexpected `,`",
                "a `,` only separates names in `node` and `router`",
            )
            .help(help),
        );
    }

    /// Parses a `CIDR` word, reporting it when malformed.
    fn cidr(&mut self, word: &Token<'_>) -> Option<Cidr> {
        match word.text.parse::<Cidr>() {
            Ok(cidr) => Some(cidr),
            Err(error) => {
                self.error(cidr_error(word, &error));
                None
            }
        }
    }

    /// Adds the `CIDR` word `word` to `addrs`.
    fn push_addr(&mut self, addrs: &mut Addrs, word: &Token<'_>) {
        match self.cidr(word) {
            Some(cidr) => addrs.list.push(Addr {
                cidr,
                span: word.span,
            }),
            None => addrs.malformed = true,
        }
    }
}

/// The error for a malformed `CIDR`, underlining the part that is wrong.
fn cidr_error(word: &Token<'_>, error: &ParseCidrError) -> Error {
    let (addr_span, prefix_span) = match word.text.find('/') {
        Some(0) => (word.span, word.span.sub(0, word.text.len())),
        Some(slash) => (
            word.span.sub(0, slash),
            word.span.sub(slash, word.text.len()),
        ),
        None => (word.span, word.span),
    };
    let example = "`10.0.0.1/24` or `fd00::1/64`";
    match error {
        ParseCidrError::MissingPrefix { addr } => Error::new(
            word.span,
            format!("`{}` has no prefix length", word.text),
            "expected an address with a prefix length",
        )
        .help(format!(
            "write the prefix length of its network, e.g. `{addr}/{}`",
            example_prefix(*addr)
        )),
        ParseCidrError::InvalidAddress { text } if text.is_empty() => Error::new(
            word.span,
            format!("no address before `/` in `{}`", word.text),
            "expected an address before `/`",
        )
        .help(format!(
            "write an address with a prefix length, e.g. {example}"
        )),
        ParseCidrError::InvalidAddress { text } if word.text.contains('/') => Error::new(
            addr_span,
            format!("`{text}` is not an IPv4 or IPv6 address"),
            "not an address",
        )
        .help(format!(
            "write an address with a prefix length, e.g. {example}"
        )),
        ParseCidrError::InvalidPrefix { text } => Error::new(
            prefix_span,
            format!("`/{text}` is not a prefix length"),
            "expected a number of bits after `/`",
        )
        .help(format!(
            "write an address with a prefix length, e.g. {example}"
        )),
        ParseCidrError::PrefixTooLong { addr, prefix } => Error::new(
            prefix_span,
            format!("prefix length /{prefix} is too long in `{}`", word.text),
            format!(
                "an {} prefix is 0 to {} bits",
                crate::cidr::family(*addr),
                crate::cidr::max_prefix(*addr)
            ),
        ),
        _ => Error::new(
            word.span,
            format!(
                "expected an address with a prefix length, found `{}`",
                word.text
            ),
            "not a CIDR",
        )
        .help(format!(
            "write an address with a prefix length, e.g. {example}"
        )),
    }
}

/// The owner part (before `:`) of every word of a dropped statement.
fn owners_mentioned<'a>(tokens: &[Token<'a>]) -> Vec<&'a str> {
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.split(':').next().unwrap_or(t.text))
        .collect()
}

/// A word as a [`Name`].
fn name<'a>(word: &Token<'a>) -> Name<'a> {
    Name {
        text: word.text,
        span: word.span,
    }
}

/// The words after the first `n`, reported as trailing garbage; `what` names
/// the statement (`the route`).
fn trailing(parser: &mut Parser, extra: &[Token<'_>], what: &str, help: &str) -> bool {
    let (Some(first), Some(last)) = (extra.first(), extra.last()) else {
        return false;
    };
    parser.error(
        Error::new(
            first.span.to(last.span),
            format!("unexpected `{}` after {what}", first.text),
            format!("{what} ends before this"),
        )
        .help(help),
    );
    true
}
