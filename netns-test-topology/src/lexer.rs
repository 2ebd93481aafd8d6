//! Text to tokens, grouped by statement.
//!
//! A statement ends at a newline or `;`; `#` starts a comment that runs to the
//! end of the line. Inside a statement, tokens are words (runs of anything but
//! whitespace, `,`, `;` and `#`) and commas. The lexer cannot fail: every
//! judgement about what a word means belongs to the parser.

use crate::span::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of characters other than whitespace, `,`, `;` and `#`.
    Word,
    /// A `,`, which separates names in `node a, b`.
    Comma,
}

/// One token and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) kind: TokenKind,
    pub(crate) text: &'a str,
    pub(crate) span: Span,
}

impl Token<'_> {
    pub(crate) fn is_word(&self, text: &str) -> bool {
        self.kind == TokenKind::Word && self.text == text
    }
}

/// Splits `src` into statements; empty statements (blank lines, comments,
/// `;;`) are left out.
pub(crate) fn statements(src: &str) -> Vec<Vec<Token<'_>>> {
    let mut statements = Vec::new();
    let mut current = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '\n' | ';' => {
                if !current.is_empty() {
                    statements.push(std::mem::take(&mut current));
                }
            }
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            ',' => current.push(Token {
                kind: TokenKind::Comma,
                text: &src[start..start + 1],
                span: Span::new(start, start + 1),
            }),
            c if c.is_whitespace() => {}
            c => {
                let mut end = start + c.len_utf8();
                while let Some((at, c)) = chars.next_if(|&(_, c)| !is_separator(c)) {
                    end = at + c.len_utf8();
                }
                current.push(Token {
                    kind: TokenKind::Word,
                    text: &src[start..end],
                    span: Span::new(start, end),
                });
            }
        }
    }
    if !current.is_empty() {
        statements.push(current);
    }
    statements
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '#')
}

#[cfg(test)]
mod lexer_should {
    use super::*;

    fn words(src: &str) -> Vec<Vec<&str>> {
        statements(src)
            .iter()
            .map(|s| s.iter().map(|t| t.text).collect())
            .collect()
    }

    #[test]
    fn end_statements_at_newlines_and_semicolons() {
        assert_eq!(
            words("node a\nnode b; node c"),
            [["node", "a"], ["node", "b"], ["node", "c"]]
        );
    }

    #[test]
    fn skip_comments_blank_lines_and_indentation() {
        assert_eq!(
            words("\n   # only a comment\n\tnode a # trailing\n\n;;"),
            [["node", "a"]]
        );
    }

    #[test]
    fn make_commas_tokens_of_their_own() {
        assert_eq!(words("node a,b ,c"), [["node", "a", ",", "b", ",", "c"]]);
    }

    #[test]
    fn keep_ipv6_addresses_and_interface_names_whole() {
        assert_eq!(
            words("a:eth0 fd00::1/64 -- br"),
            [["a:eth0", "fd00::1/64", "--", "br"]]
        );
    }

    #[test]
    fn record_byte_spans() {
        let statements = statements("  é x");
        let spans: Vec<Span> = statements[0].iter().map(|t| t.span).collect();
        assert_eq!(spans, [Span::new(2, 4), Span::new(5, 6)]);
    }
}
