//! A mistake as the parser and the validator find it: a span and words.
//! [`crate::Diagnostic`] turns it into line, column and an excerpt.

use crate::span::Span;

/// One mistake in the topology text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    /// What the carets underline.
    pub(crate) span: Span,
    /// The headline: what is wrong, naming the object.
    pub(crate) message: String,
    /// Printed after the carets.
    pub(crate) label: String,
    /// How to fix it, when there is something useful to say.
    pub(crate) help: Option<String>,
}

impl Error {
    pub(crate) fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Error {
        Error {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }
}
