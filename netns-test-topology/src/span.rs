//! Byte ranges into the topology text.

/// A byte range `start..end` in the topology text. Tokens never cross a line,
/// so neither does a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The part `from..to` of this span, in bytes relative to its start.
    pub(crate) fn sub(self, from: usize, to: usize) -> Span {
        Span::new(self.start + from, self.start + to)
    }

    /// From the start of `self` to the end of `last`.
    pub(crate) fn to(self, last: Span) -> Span {
        Span::new(self.start, last.end.max(self.start))
    }
}
