//! Analyzer errors and where they point.
//!
//! Every [`AnalyzeError`] carries a byte range into the SQL text the user wrote, so a
//! macro can put a caret under the culprit and the CLI can print the statement with the
//! culprit underlined (see [`crate::render`]). sqlparser reports positions as
//! (line, column) pairs counted in characters; [`LineIndex`] turns them into byte
//! offsets.
//!
//! ```
//! use mssqlx_macros_core::analyze::LineIndex;
//! let sql = "SELECT\n  é, x";
//! let lines = LineIndex::new(sql);
//! // line 2, column 6 is the `x` (columns count characters, not bytes)
//! assert_eq!(lines.offset(2, 6), 13);
//! assert_eq!(&sql[13..14], "x");
//! ```

use std::fmt;

use serde::Serialize;
use sqlparser::tokenizer::{Location, Span};

/// One problem found in a statement, with the bytes it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnalyzeError {
    /// What is wrong, in one sentence.
    pub message: String,
    /// Byte offset of the culprit in the SQL text.
    pub offset: usize,
    /// Length in bytes of the culprit (0 when the error is about a position, such as the end).
    #[serde(skip_serializing_if = "is_zero")]
    pub len: usize,
    /// How to fix it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A near name that exists ("did you mean `email`?"), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl AnalyzeError {
    /// An error about `len` bytes at `offset`.
    pub fn new(message: impl Into<String>, offset: usize, len: usize) -> Self {
        AnalyzeError {
            message: message.into(),
            offset,
            len,
            help: None,
            suggestion: None,
        }
    }

    /// Adds a hint on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a "did you mean" name.
    pub fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

impl fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        if let Some(h) = &self.help {
            write!(f, "; help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AnalyzeError {}

/// Converts sqlparser's (line, column) locations into byte offsets of one text.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts; line 1 is index 0.
    starts: Vec<usize>,
    /// Columns are bytes when the text is ASCII.
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`'s lines (a line ends at `\n`, as sqlparser's tokenizer counts them).
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// The byte offset of 1-based `line` and `column` (a column counts characters);
    /// clamped to the text, never panics.
    pub fn offset(&self, line: u64, column: u64) -> usize {
        if line == 0 {
            return 0;
        }
        let Some(&start) = self.starts.get((line - 1) as usize) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let skip = column.saturating_sub(1) as usize;
        if self.ascii {
            return (start + skip).min(self.text.len());
        }
        match rest.char_indices().nth(skip) {
            Some((i, _)) => start + i,
            None => self.text.len(),
        }
    }

    /// The byte offset of a location.
    pub fn location(&self, loc: Location) -> usize {
        self.offset(loc.line, loc.column)
    }

    /// The byte range (offset, len) of a span; (0, 0) for sqlparser's empty span.
    pub fn span(&self, span: Span) -> (usize, usize) {
        if span.start.line == 0 {
            return (0, 0);
        }
        let start = self.location(span.start);
        let end = self.location(span.end).max(start);
        (start, end - start)
    }

    /// The text this index was built over.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// Every `schema.name` of one kind of object in `db` (`kind` picks its names from a
/// schema, e.g. `|s| s.functions.keys()`): candidates for "did you mean".
pub(crate) fn qualified_names<'d, I>(
    db: &'d mssqlx_offline::Database,
    kind: impl Fn(&'d mssqlx_offline::Schema) -> I,
) -> Vec<String>
where
    I: Iterator<Item = &'d String>,
{
    db.schemas
        .iter()
        .flat_map(|(s, sc)| kind(sc).map(move |k| format!("{s}.{k}")))
        .collect()
}

/// The closest of `candidates` to `name`, when one is close enough to suggest.
pub(crate) fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let l = LineIndex::new("ab\ncd");
        assert_eq!(l.offset(2, 2), 4);
        assert_eq!(l.offset(2, 9), 5);
        assert_eq!(l.offset(7, 1), 5);
        assert_eq!(l.offset(0, 0), 0);
    }

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        assert_eq!(
            did_you_mean("emial", ["Email", "Id", "Name"]),
            Some("Email".into())
        );
        assert_eq!(did_you_mean("zzz", ["Email", "Id"]), None);
    }
}
