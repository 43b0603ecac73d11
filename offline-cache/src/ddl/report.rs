//! What an import did: counts of the objects it read, and every statement it skipped.
//!
//! A DDL script holds much that is not schema: `INSERT`s, `PRINT`s, grants, indexes,
//! extended properties. The importer skips those *deliberately* ([`SkipReason::Ignored`]):
//! they carry no table, column, type, view or procedure fact. A statement it cannot read
//! is skipped too, but as [`SkipReason::NotUnderstood`], with why: that is what
//! `mssqlx snapshot --strict` turns into an error, because the snapshot may then lack a
//! fact the script states.
//!
//! ```
//! let import = mssqlx_offline::ddl::import_str(
//!     "app.sql",
//!     "CREATE TABLE t (id int NOT NULL)\nGO\nCREATE INDEX ix ON t (id)\nGO\nFROB x\n",
//! );
//! let r = &import.report;
//! assert_eq!((r.tables, r.columns), (1, 1));
//! assert_eq!(r.ignored().count(), 1);
//! let bad: Vec<_> = r.not_understood().collect();
//! assert_eq!(bad[0].line, 5);
//! assert_eq!(bad[0].first_line, "FROB x");
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// Why a statement was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Deliberately: the statement carries no fact the snapshot keeps (an index, a
    /// grant, an `INSERT`, ...). The text says what it is, for the summary.
    Ignored(String),
    /// The importer could not read it; the text says why. The snapshot may lack facts.
    NotUnderstood(String),
}

/// One skipped statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The source's name as given to the importer (usually its path).
    pub file: String,
    /// 1-based line where the statement starts.
    pub line: u32,
    /// The statement's first line, trimmed (cut at 120 characters).
    pub first_line: String,
    /// What kind of statement it is, as its leading words say (`CREATE INDEX`,
    /// `EXEC sp_addextendedproperty`, `INSERT`, ...).
    pub kind: String,
    /// Deliberately ignored, or not understood (and why).
    pub reason: SkipReason,
    /// For a statement not understood: the source line at fault and the culprit in it.
    pub culprit: Option<Culprit>,
}

/// Where in a not-understood statement the importer stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Culprit {
    /// 1-based line in the file.
    pub line: u32,
    /// That line's text.
    pub text: String,
    /// The culprit's byte range within `text`.
    pub span: std::ops::Range<usize>,
}

impl Skipped {
    /// True when the importer could not read the statement.
    pub fn is_not_understood(&self) -> bool {
        matches!(self.reason, SkipReason::NotUnderstood(_))
    }

    /// The report as rustc renders a diagnostic: the line at fault with a caret under
    /// the culprit, when known (`styled` adds terminal colours).
    ///
    /// ```
    /// let i = mssqlx_offline::ddl::import_str("app.sql", "CREATE TABLE t (\n  a frobnicate\n)");
    /// let text = i.report.skipped[0].render(false);
    /// assert!(text.contains("app.sql:2:"), "{text}");
    /// assert!(text.contains("^^^^"), "{text}");
    /// ```
    pub fn render(&self, styled: bool) -> String {
        use annotate_snippets::renderer::DecorStyle;
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let renderer = if styled {
            Renderer::styled().decor_style(DecorStyle::Unicode)
        } else {
            Renderer::plain()
        };
        let (level, title) = match &self.reason {
            SkipReason::NotUnderstood(why) => {
                (Level::WARNING, format!("not understood, skipped: {why}"))
            }
            SkipReason::Ignored(why) => (Level::NOTE, format!("skipped {} ({why})", self.kind)),
        };
        let (line, text, span) = match &self.culprit {
            Some(c) if c.span.start <= c.span.end && c.span.end <= c.text.len() => {
                (c.line, c.text.as_str(), c.span.clone())
            }
            _ => (
                self.line,
                self.first_line.as_str(),
                0..self.first_line.len(),
            ),
        };
        let snippet = Snippet::source(text)
            .line_start(line as usize)
            .path(self.file.as_str())
            .annotation(AnnotationKind::Primary.span(span));
        renderer.render(&[level.primary_title(title).element(snippet)])
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            SkipReason::Ignored(why) => write!(
                f,
                "{}:{}: skipped {} ({why}): {}",
                self.file, self.line, self.kind, self.first_line
            ),
            SkipReason::NotUnderstood(why) => write!(
                f,
                "{}:{}: not understood, skipped: {why}\n    {}",
                self.file, self.line, self.first_line
            ),
        }
    }
}

/// Counts of what was imported, and the statements that were skipped.
///
/// The counts describe the resulting database (an object created twice counts once).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Base tables.
    pub tables: usize,
    /// Views.
    pub views: usize,
    /// Columns of base tables.
    pub columns: usize,
    /// Stored procedures.
    pub procedures: usize,
    /// User-defined functions.
    pub functions: usize,
    /// Alias types and table types.
    pub types: usize,
    /// Sequences.
    pub sequences: usize,
    /// Statements understood and applied (each `CREATE`, `ALTER`, `DROP`, `sp_addtype`).
    pub statements: usize,
    /// Every skipped statement, in source order.
    pub skipped: Vec<Skipped>,
}

impl ImportReport {
    /// The statements skipped on purpose.
    pub fn ignored(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter().filter(|s| !s.is_not_understood())
    }

    /// The statements the importer could not read (what `--strict` refuses).
    pub fn not_understood(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter().filter(|s| s.is_not_understood())
    }

    /// Skipped statements counted by kind, the not-understood ones apart:
    /// `(kind, not_understood) -> count`, sorted.
    pub fn skipped_by_kind(&self) -> BTreeMap<(String, bool), usize> {
        let mut out = BTreeMap::new();
        for s in &self.skipped {
            *out.entry((s.kind.clone(), s.is_not_understood()))
                .or_insert(0) += 1;
        }
        out
    }

    /// A one-paragraph summary: object counts, then skipped statements by kind.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} tables, {} columns, {} views, {} procedures, {} functions, {} types, {} sequences",
            self.tables,
            self.columns,
            self.views,
            self.procedures,
            self.functions,
            self.types,
            self.sequences
        );
        let by_kind = self.skipped_by_kind();
        let ignored: Vec<String> = by_kind
            .iter()
            .filter(|((_, bad), _)| !bad)
            .map(|((k, _), n)| format!("{k} {n}"))
            .collect();
        let bad: Vec<String> = by_kind
            .iter()
            .filter(|((_, bad), _)| *bad)
            .map(|((k, _), n)| format!("{k} {n}"))
            .collect();
        if !ignored.is_empty() {
            out.push_str(&format!(
                "\nskipped (no schema facts): {}",
                ignored.join(", ")
            ));
        }
        if !bad.is_empty() {
            out.push_str(&format!("\nNOT UNDERSTOOD, skipped: {}", bad.join(", ")));
        }
        out
    }
}
