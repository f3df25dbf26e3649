//! Byte spans in a source text and their conversion to line and column.

/// A half-open byte range `start..end` in a config file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given backwards).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }
}

/// A value together with where it stands in the source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Its span in the source text.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `offset` in `text` (the text this index was built from).
    /// Offsets past the end or inside a character are clamped, never a panic.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = text
            .get(start..offset)
            // A byte-order mark is not a column an editor shows.
            .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).chars().count())
            .unwrap_or_else(|| offset - start);
        (
            u32::try_from(line + 1).unwrap_or(u32::MAX),
            u32::try_from(col + 1).unwrap_or(u32::MAX),
        )
    }

    /// The byte range of 1-based `line` (without its line break), if it exists.
    pub fn line_span(&self, text: &str, line: u32) -> Option<Span> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(text.len(), |&n| n - 1);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Some(Span::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2));
        assert_eq!(idx.line_col(text, 7), (3, 1));
        assert_eq!(idx.line_col(text, 999), (3, 2));
        assert_eq!(idx.line_span(text, 2), Some(Span::new(3, 6)));
        assert_eq!(idx.line_span(text, 9), None);
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let text = "\u{feff}{\"a\": 1}";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, text.find('"').unwrap_or(0)), (1, 2));
    }
}
