//! Errors drawn the way rustc draws them.
//!
//! [`render_errors`] prints the SQL with a caret under each culprit, the message as
//! the title, and the help and "did you mean" as notes, using `annotate-snippets`
//! (rustc's own renderer). The CLI prints it; the macros put it in `compile_error!`.
//!
//! ```
//! use mssqlx_macros_core::{render::render_errors, AnalyzeError};
//! let sql = "SELECT Emial FROM dbo.Users";
//! let e = AnalyzeError::new("unknown column `Emial`", 7, 5).with_suggestion(Some("Email".into()));
//! let text = render_errors(sql, &[e]);
//! assert!(text.contains("^^^^^"));
//! assert!(text.contains("did you mean `Email`?"));
//! ```

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::AnalyzeError;

/// Renders every error against `sql`, plain text (no colour).
pub fn render_errors(sql: &str, errors: &[AnalyzeError]) -> String {
    render(sql, errors, false)
}

/// Like [`render_errors`], with ANSI colours for a terminal.
pub fn render_errors_styled(sql: &str, errors: &[AnalyzeError]) -> String {
    render(sql, errors, true)
}

fn clamp(sql: &str, off: usize, len: usize) -> std::ops::Range<usize> {
    let mut start = off.min(sql.len());
    while !sql.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = start.saturating_add(len).min(sql.len());
    while !sql.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn render(sql: &str, errors: &[AnalyzeError], styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled().decor_style(DecorStyle::Unicode)
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for e in errors {
        let range = clamp(sql, e.offset, e.len);
        let label = e
            .suggestion
            .as_ref()
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_default();
        let snippet = Snippet::source(sql)
            .line_start(1)
            .annotation(AnnotationKind::Primary.span(range).label(&label));
        let mut group: Group = Level::ERROR.primary_title(&e.message).element(snippet);
        if let Some(h) = &e.help {
            group = group.element(Level::HELP.message(h));
        }
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out
}
