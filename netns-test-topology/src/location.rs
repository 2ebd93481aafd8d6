//! Byte offsets to 1-based lines and columns.

/// Where a byte offset is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    /// 1-based line number.
    pub(crate) line: usize,
    /// 1-based column, counted in characters.
    pub(crate) column: usize,
    /// Byte offset of the start of that line.
    pub(crate) line_start: usize,
    /// Byte offset of the end of that line (before `\n`, and before a `\r`
    /// that ends it).
    pub(crate) line_end: usize,
}

/// The start of every line of a text, to locate offsets without rescanning
/// it for each error.
pub(crate) struct Lines<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(src: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { src, starts }
    }

    /// Locates `offset`; an offset past the end or inside a character is
    /// moved back to the nearest character boundary.
    pub(crate) fn locate(&self, offset: usize) -> Location {
        let src = self.src;
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let next = self.starts.get(line).map_or(src.len(), |&next| next - 1);
        let text = src.get(line_start..next).unwrap_or_default();
        let line_end = if text.ends_with('\r') { next - 1 } else { next };
        let column = src.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
        Location {
            line,
            column,
            line_start,
            line_end,
        }
    }

    /// `line 3, column 7`.
    pub(crate) fn describe(&self, offset: usize) -> String {
        let at = self.locate(offset);
        format!("line {}, column {}", at.line, at.column)
    }
}

#[cfg(test)]
mod lines_should {
    use super::*;

    #[test]
    fn count_lines_and_characters_from_one() {
        let lines = Lines::new("node a\r\n  é b\n");
        assert_eq!(
            lines.locate(0),
            Location {
                line: 1,
                column: 1,
                line_start: 0,
                line_end: 6
            }
        );
        assert_eq!(
            lines.locate(6),
            Location {
                line: 1,
                column: 7,
                line_start: 0,
                line_end: 6
            }
        );
        assert_eq!(
            lines.locate(13),
            Location {
                line: 2,
                column: 5,
                line_start: 8,
                line_end: 14
            }
        );
        assert_eq!(
            lines.locate(15),
            Location {
                line: 3,
                column: 1,
                line_start: 15,
                line_end: 15
            }
        );
        assert_eq!(lines.describe(13), "line 2, column 5");
    }

    #[test]
    fn survive_offsets_out_of_range_or_inside_a_character() {
        assert_eq!(Lines::new("é").locate(1).column, 1);
        assert_eq!(Lines::new("ab").locate(99).column, 3);
        assert_eq!(
            Lines::new("").locate(0),
            Location {
                line: 1,
                column: 1,
                line_start: 0,
                line_end: 0
            }
        );
    }
}
