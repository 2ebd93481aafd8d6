//! `nat OWNER:IFNAME [random]` and
//! `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use super::{trailing, Parser};
use crate::ast::{Forward, Interface, Name, Nat, Statement};
use crate::error::Error;
use crate::lexer::{Token, TokenKind};
use crate::names::identifier_problem;
use crate::plan::{Cidr, Protocol};
use crate::span::Span;
use crate::suggest::closest;

const NAT_SYNTAX: &str = "write `nat OWNER:IFNAME [random]`, e.g. `nat host:eth0`";

const FORWARD_SYNTAX: &str = "write `forward OWNER:IFNAME tcp|udp PORT to ADDR:PORT`, \
                              e.g. `forward host:eth0 tcp 8080 to 10.0.0.2:80` \
                              or `... to [fd00::2]:80`";

/// The words a `protocol` may be.
const PROTOCOLS: [&str; 2] = ["tcp", "udp"];

impl Parser {
    pub(super) fn nat<'a>(
        &mut self,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        if let Some(comma) = rest.iter().find(|t| t.kind == TokenKind::Comma) {
            self.stray_comma(comma, "write one nat per statement");
            return None;
        }
        let Some((first, options)) = rest.split_first() else {
            self.error(
                Error::new(
                    keyword.span,
                    "`nat` without an interface",
                    "expected `OWNER:IFNAME` after `nat`",
                )
                .help(NAT_SYNTAX),
            );
            return None;
        };
        let at = self.interface(first, "nat", "the interface it masquerades out of", "");
        let mut random: Option<&Token<'a>> = None;
        for word in options {
            if word.text == "random" {
                if random.is_some() {
                    self.error(
                        Error::new(word.span, "`random` is given twice", "second `random`")
                            .help("write `random` once"),
                    );
                }
                random = Some(word);
                continue;
            }
            let guess = closest(word.text, ["random"])
                .map(|m| format!("did you mean `{m}`? "))
                .unwrap_or_default();
            self.error(
                Error::new(
                    word.span,
                    format!("unknown word `{}` after `nat {}`", word.text, first.text),
                    "expected `random` or the end of the statement",
                )
                .help(format!(
                    "{guess}The only option of `nat` is `random`, for fully random source \
                     ports: `nat {} random`",
                    first.text
                )),
            );
        }
        Some(Statement::Nat(Nat {
            at: at?,
            random: random.is_some(),
        }))
    }

    pub(super) fn forward<'a>(
        &mut self,
        keyword: &Token<'a>,
        rest: &[Token<'a>],
    ) -> Option<Statement<'a>> {
        if let Some(comma) = rest.iter().find(|t| t.kind == TokenKind::Comma) {
            self.stray_comma(comma, "write one forward per statement");
            return None;
        }
        let Some(first) = rest.first() else {
            self.error(
                Error::new(
                    keyword.span,
                    "`forward` without an interface",
                    "expected `OWNER:IFNAME tcp|udp PORT to ADDR:PORT` after `forward`",
                )
                .help(FORWARD_SYNTAX),
            );
            return None;
        };
        let at = self.interface(
            first,
            "forward",
            "the interface the connections arrive on",
            " tcp 8080 to 10.0.0.2:80",
        );
        let Some(protocol_word) = rest.get(1) else {
            // One mistake, one error: a bad interface's says what to write.
            at?;
            self.error(
                Error::new(
                    first.span,
                    "incomplete forward",
                    format!("expected `tcp` or `udp` after `{}`", first.text),
                )
                .help(FORWARD_SYNTAX),
            );
            return None;
        };
        if protocol_word.text.bytes().all(|b| b.is_ascii_digit()) {
            self.error(
                Error::new(
                    protocol_word.span,
                    format!(
                        "expected `tcp` or `udp` before the port `{}`",
                        protocol_word.text
                    ),
                    "missing the protocol",
                )
                .help(format!(
                    "write `forward {} tcp {} ...` or `forward {0} udp {1} ...`",
                    first.text, protocol_word.text
                )),
            );
            return None;
        }
        let protocol = self.protocol(protocol_word);
        let Some(port_word) = rest.get(2) else {
            self.error(
                Error::new(
                    protocol_word.span,
                    "incomplete forward",
                    format!("expected a port after `{}`", protocol_word.text),
                )
                .help(FORWARD_SYNTAX),
            );
            return None;
        };
        let port = self.port(port_word.text, port_word.span);
        let target_word = match rest.get(3) {
            Some(to) if to.text == "to" => match rest.get(4) {
                Some(target) => target,
                None => {
                    self.error(
                        Error::new(
                            to.span,
                            "`to` without a target",
                            "expected `ADDR:PORT` after `to`",
                        )
                        .help("write e.g. `to 10.0.0.2:80`, or `to [fd00::2]:80` for IPv6"),
                    );
                    return None;
                }
            },
            Some(word) if looks_like_target(word.text) => {
                self.error(
                    Error::new(
                        word.span,
                        format!("expected `to` before the target `{}`", word.text),
                        "missing `to`",
                    )
                    .help(format!(
                        "write `forward {} {} {} to {}`",
                        first.text, protocol_word.text, port_word.text, word.text
                    )),
                );
                return None;
            }
            Some(word) => {
                self.error(
                    Error::new(
                        word.span,
                        format!("expected `to`, found `{}`", word.text),
                        "expected `to ADDR:PORT`",
                    )
                    .help(FORWARD_SYNTAX),
                );
                return None;
            }
            None => {
                self.error(
                    Error::new(
                        port_word.span,
                        "incomplete forward",
                        format!("expected `to ADDR:PORT` after `{}`", port_word.text),
                    )
                    .help(FORWARD_SYNTAX),
                );
                return None;
            }
        };
        let to = self.target(target_word, port);
        let extra = rest.get(5..).unwrap_or_default();
        if trailing(
            self,
            extra,
            "the forward",
            "write one forward per statement, ending it with a newline or `;`",
        ) {
            return None;
        }
        Some(Statement::Forward(Forward {
            at: at?,
            protocol,
            protocol_span: protocol_word.span,
            port,
            port_span: port_word.span,
            to,
            to_span: target_word.span,
        }))
    }

    /// `OWNER:IFNAME`. `what` says what the interface is to `statement`;
    /// `tail` completes the example in the help.
    fn interface<'a>(
        &mut self,
        word: &Token<'a>,
        statement: &str,
        what: &str,
        tail: &str,
    ) -> Option<Interface<'a>> {
        let Some((owner, ifname)) = word.text.split_once(':') else {
            let owner = if identifier_problem(word.text).is_none() {
                word.text
            } else {
                "host"
            };
            self.error(
                Error::new(
                    word.span,
                    format!("missing `:IFNAME` after `{}`", word.text),
                    "expected `OWNER:IFNAME`",
                )
                .help(format!(
                    "a `{statement}` names {what}: write `{statement} {owner}:eth0{tail}`"
                )),
            );
            return None;
        };
        let colon = word.span.sub(owner.len(), owner.len() + 1);
        if owner.is_empty() {
            self.error(
                Error::new(
                    colon,
                    format!("no owner before `:` in `{}`", word.text),
                    "expected a node, router or `host` before `:`",
                )
                .help(format!("write `{statement} host{}{tail}`", word.text)),
            );
            return None;
        }
        if ifname.is_empty() {
            self.error(
                Error::new(
                    colon,
                    format!("empty interface name after `{owner}:`"),
                    "expected an interface name after `:`",
                )
                .help(format!(
                    "a `{statement}` names {what}: write `{statement} {owner}:eth0{tail}`"
                )),
            );
            return None;
        }
        Some(Interface {
            owner: Name {
                text: owner,
                span: word.span.sub(0, owner.len()),
            },
            ifname: Name {
                text: ifname,
                span: word.span.sub(owner.len() + 1, word.text.len()),
            },
            span: word.span,
        })
    }

    /// `tcp` or `udp`.
    fn protocol(&mut self, word: &Token<'_>) -> Option<Protocol> {
        match word.text {
            "tcp" => return Some(Protocol::Tcp),
            "udp" => return Some(Protocol::Udp),
            _ => {}
        }
        let guess = closest(word.text, PROTOCOLS).or_else(|| {
            // Two letters swapped (`tpc`): too far for `closest` in a word
            // this short, yet the likely mistake.
            let letters = sorted_letters(word.text);
            PROTOCOLS.into_iter().find(|p| sorted_letters(p) == letters)
        });
        let help = match guess {
            Some(guess) => {
                format!("did you mean `{guess}`? A forward is for `tcp` or `udp`, in lowercase")
            }
            None => "a forward is for `tcp` or `udp`, in lowercase".to_owned(),
        };
        self.error(
            Error::new(
                word.span,
                format!("unknown protocol `{}`", word.text),
                "expected `tcp` or `udp`",
            )
            .help(help),
        );
        None
    }

    /// A port number, 1 to 65535, written at `span`.
    fn port(&mut self, text: &str, span: Span) -> Option<u16> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            self.error(
                Error::new(
                    span,
                    format!("`{text}` is not a port number"),
                    "expected a number from 1 to 65535",
                )
                .help("write the port as a number, e.g. `80` for HTTP"),
            );
            return None;
        }
        let number = text.bytes().fold(0u64, |n, d| {
            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        match u16::try_from(number) {
            Ok(port) if port > 0 => Some(port),
            _ => {
                self.error(
                    Error::new(
                        span,
                        format!("port {text} is out of range"),
                        "a port is 1 to 65535",
                    )
                    .help("pick a port from 1 to 65535"),
                );
                None
            }
        }
    }

    /// `ADDR:PORT`, with an IPv6 address in brackets: `10.0.0.2:80`,
    /// `[fd00::2]:80`. `port` is the forward's own port, for examples.
    fn target(&mut self, word: &Token<'_>, port: Option<u16>) -> Option<SocketAddr> {
        let text = word.text;
        let example_port = port.unwrap_or(80);
        let write = |addr: IpAddr| with_port(addr, example_port);
        let example = "e.g. `10.0.0.2:80`, or `[fd00::2]:80` for IPv6";
        if let Some(inside) = text.strip_prefix('[') {
            let Some((addr, after)) = inside.split_once(']') else {
                self.error(
                    Error::new(
                        word.span,
                        format!("missing `]` in the target `{text}`"),
                        "expected `[ADDR]:PORT`",
                    )
                    .help("write `[ADDR]:PORT`, e.g. `[fd00::2]:80`"),
                );
                return None;
            };
            let addr_span = word.span.sub(1, 1 + addr.len());
            let ip = match addr.parse::<IpAddr>() {
                Ok(IpAddr::V6(v6)) => Some(v6),
                Ok(IpAddr::V4(v4)) => {
                    let written = after
                        .strip_prefix(':')
                        .and_then(|p| p.parse::<u16>().ok())
                        .filter(|&p| p > 0)
                        .unwrap_or(example_port);
                    self.error(
                        Error::new(
                            word.span,
                            format!("IPv4 target `{text}` in brackets"),
                            "brackets are for IPv6 addresses only",
                        )
                        .help(format!("write {}", with_port(IpAddr::V4(v4), written))),
                    );
                    return None;
                }
                Err(_) => {
                    self.error(
                        Error::new(
                            addr_span,
                            format!("`{addr}` is not an IPv6 address"),
                            "expected an IPv6 address inside `[...]`",
                        )
                        .help(format!("write the target's address and port, {example}")),
                    );
                    None
                }
            };
            let port_start = 1 + addr.len() + 1;
            let port = match after.strip_prefix(':') {
                Some(port) => self.port(port, word.span.sub(port_start + 1, text.len())),
                None => {
                    let span = if after.is_empty() {
                        word.span
                    } else {
                        word.span.sub(port_start, text.len())
                    };
                    let fix = ip.map_or_else(
                        || format!("write the port after `:`, {example}"),
                        |ip| format!("write {}", write(IpAddr::V6(ip))),
                    );
                    self.error(
                        Error::new(
                            span,
                            format!("the target `{text}` has no port"),
                            "expected `:PORT` after `]`",
                        )
                        .help(fix),
                    );
                    None
                }
            };
            return Some(SocketAddr::new(IpAddr::V6(ip?), port?));
        }
        if let Ok(v6) = text.parse::<Ipv6Addr>() {
            let fix = match text.rsplit_once(':') {
                Some((addr, port)) if addr.parse::<Ipv6Addr>().is_ok() && !port.is_empty() => {
                    format!("write `[{addr}]:{port}`")
                }
                _ => format!("write {}", write(IpAddr::V6(v6))),
            };
            self.error(
                Error::new(
                    word.span,
                    format!("IPv6 target `{text}` without brackets"),
                    "an IPv6 address with a port is written `[ADDR]:PORT`",
                )
                .help(fix),
            );
            return None;
        }
        let Some((addr, port_text)) = text.rsplit_once(':') else {
            let error = if let Ok(ip) = text.parse::<IpAddr>() {
                Error::new(
                    word.span,
                    format!("the target `{text}` has no port"),
                    "expected `ADDR:PORT`",
                )
                .help(format!("write {}", write(ip)))
            } else {
                not_a_target(word, example_port)
            };
            self.error(error);
            return None;
        };
        let addr_span = word.span.sub(0, addr.len());
        let ip = match addr.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                let error = match addr.parse::<Cidr>() {
                    Ok(cidr) => Error::new(
                        addr_span,
                        format!("the target `{addr}` has a prefix length"),
                        "a target is a single address",
                    )
                    .help(format!("write {}", write(cidr.addr))),
                    Err(_) if identifier_problem(addr).is_none() => Error::new(
                        addr_span,
                        format!("`{addr}` is not an IPv4 or IPv6 address"),
                        "expected the target's address",
                    )
                    .help(format!(
                        "a target is an address, not a name: write an address of `{addr}` \
                         and the port, {example}"
                    )),
                    Err(_) => Error::new(
                        addr_span,
                        format!("`{addr}` is not an IPv4 or IPv6 address"),
                        "expected the target's address",
                    )
                    .help(format!("write the target's address and port, {example}")),
                };
                self.error(error);
                None
            }
        };
        let port = self.port(port_text, word.span.sub(addr.len() + 1, text.len()));
        Some(SocketAddr::new(ip?, port?))
    }
}

/// The error for a target that is neither an address nor `ADDR:PORT`.
fn not_a_target(word: &Token<'_>, port: u16) -> Error {
    let text = word.text;
    match text.parse::<Cidr>() {
        Ok(cidr) => Error::new(
            word.span,
            format!("the target `{text}` has a prefix length and no port"),
            "expected `ADDR:PORT`",
        )
        .help(format!(
            "write {}, the address and the port",
            with_port(cidr.addr, port)
        )),
        Err(_) => Error::new(
            word.span,
            format!("expected `ADDR:PORT`, found `{text}`"),
            "not an address and port",
        )
        .help(
            "write the target's address and port, e.g. `10.0.0.2:80`, or `[fd00::2]:80` for IPv6",
        ),
    }
}

/// Whether `text` looks like the `ADDR:PORT` of a forward (for "missing
/// `to`").
fn looks_like_target(text: &str) -> bool {
    text.starts_with('[')
        || text
            .rsplit_once(':')
            .is_some_and(|(addr, _)| addr.parse::<IpAddr>().is_ok())
        || text.parse::<IpAddr>().is_ok()
}

/// `` `10.0.0.2:80` `` or `` `[fd00::2]:80` ``.
fn with_port(addr: IpAddr, port: u16) -> String {
    format!("`{}`", SocketAddr::new(addr, port))
}

/// The letters of `word` in lower case, sorted.
fn sorted_letters(word: &str) -> Vec<char> {
    let mut letters: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    letters.sort_unstable();
    letters
}
