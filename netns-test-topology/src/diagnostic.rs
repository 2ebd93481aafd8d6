//! Errors as the user sees them: located, excerpted, with a fix.

use std::fmt;
use std::ops::Range;

use crate::error::Error;
use crate::location::Lines;

/// Where excerpts say the text comes from when no origin is given:
/// `topology:3:7`.
pub(crate) const DEFAULT_ORIGIN: &str = "topology";

/// One mistake in a topology text: where it is, what is wrong, and how to fix
/// it. `Display` renders it like rustc:
///
/// ```text
/// error: unknown owner `ns2`
///  --> topology:3:1
///   |
/// 3 | ns2:eth0 10.0.0.100/24 -- testbr
///   | ^^^ `ns2` is not a node, router or bridge
///   |
///   = help: did you mean `ns1`? If not, declare it with `node ns2`, or use one of: ns1, testbr, host
/// ```
///
/// Lines and columns count from 1, columns in characters; tabs in the excerpt
/// are shown as four spaces and the carets follow. There are no colors: the
/// text goes into `compile_error!` as well as into runtime errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    span: Range<usize>,
    line: usize,
    column: usize,
    source_line: String,
    /// Characters of `source_line` before the underlined part.
    caret_start: usize,
    /// Characters underlined (at least one).
    caret_len: usize,
    message: String,
    label: String,
    help: Option<String>,
}

impl Diagnostic {
    fn new(lines: &Lines<'_>, src: &str, error: Error) -> Diagnostic {
        let at = lines.locate(error.span.start);
        let line = src.get(at.line_start..at.line_end).unwrap_or_default();
        let start = at.line_start
            + line
                .char_indices()
                .nth(at.column - 1)
                .map_or(line.len(), |(i, _)| i);
        let end = error.span.end.clamp(start, at.line_end);
        let underlined = src.get(start..end).map_or(0, |s| s.chars().count());
        Diagnostic {
            span: error.span.start..error.span.end,
            line: at.line,
            column: at.column,
            source_line: line.to_owned(),
            caret_start: at.column - 1,
            caret_len: underlined.max(1),
            message: error.message,
            label: error.label,
            help: error.help,
        }
    }

    /// 1-based line in the topology text.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column in that line, counted in characters.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte range of the object in the topology text.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// What is wrong, naming the object: ``unknown owner `ns2` ``.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The note under the carets: `` `ns2` is not a node, router or bridge ``.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// How to fix it, when there is something useful to say.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The line of the topology text the object is on.
    pub fn source_line(&self) -> &str {
        &self.source_line
    }

    /// The rendering of `Display`, with `origin` instead of `topology` before
    /// `:LINE:COLUMN` (e.g. the path of a topology file).
    pub fn render_with_origin(&self, origin: &str) -> String {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        let mut shown = String::new();
        let mut pad = 0;
        let mut carets = 0;
        for (i, c) in self.source_line.chars().enumerate() {
            let width = if c == '\t' { 4 } else { 1 };
            match c {
                '\t' => shown.push_str("    "),
                c if c.is_control() => shown.push(char::REPLACEMENT_CHARACTER),
                c => shown.push(c),
            }
            if i < self.caret_start {
                pad += width;
            } else if i < self.caret_start + self.caret_len {
                carets += width;
            }
        }
        let carets = "^".repeat(carets.max(1));
        let label = if self.label.is_empty() {
            String::new()
        } else {
            format!(" {}", self.label)
        };
        let space = " ".repeat(pad);
        let (message, line, column) = (&self.message, self.line, self.column);
        let mut out = format!("error: {message}\n{gutter}--> {origin}:{line}:{column}\n");
        out.push_str(&format!(
            "{gutter} |\n{number} | {shown}\n{gutter} | {space}{carets}{label}"
        ));
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{gutter} |\n{gutter} = help: {help}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_with_origin(DEFAULT_ORIGIN))
    }
}

/// Every mistake found in a topology text, in the order they appear in it.
/// `Display` shows them all, each rendered as a [`Diagnostic`], separated by
/// a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologyError {
    diagnostics: Vec<Diagnostic>,
}

impl TopologyError {
    /// Locates `errors` in `src`, in text order.
    pub(crate) fn new(src: &str, mut errors: Vec<Error>) -> TopologyError {
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        let lines = Lines::new(src);
        let diagnostics = errors
            .into_iter()
            .map(|e| Diagnostic::new(&lines, src, e))
            .collect();
        TopologyError { diagnostics }
    }

    /// Each mistake; never empty.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The rendering of `Display`, with `origin` instead of `topology` before
    /// each `:LINE:COLUMN` (e.g. `tests/topologies/lan.net:3:7`).
    pub fn render_with_origin(&self, origin: &str) -> String {
        let rendered: Vec<String> = self
            .diagnostics
            .iter()
            .map(|d| d.render_with_origin(origin))
            .collect();
        rendered.join("\n\n")
    }
}

impl fmt::Display for TopologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_with_origin(DEFAULT_ORIGIN))
    }
}

impl std::error::Error for TopologyError {}
