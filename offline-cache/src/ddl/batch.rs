//! Splitting a script into batches, as `sqlcmd` and SSMS do before SQL Server sees it.
//!
//! `GO` is not T-SQL: it is the client tools' batch separator, a line holding only `GO`
//! (any case, optionally a repeat count and a `--` comment). This module also does the
//! rest of what the client does to the text before sending it:
//!
//! - drops a UTF-8 byte order mark and the `\r` of CRLF line endings;
//! - blanks `sqlcmd` directive lines (`:setvar`, `:on error`, ...), keeping line numbers;
//! - turns a `$(Var)` sqlcmd variable outside strings and comments into the bracketed
//!   identifier `[$(Var)]`, so `USE $(DatabaseName)` still tokenizes as T-SQL.
//!
//! A `GO` inside a block comment or a string does not split (its state is tracked
//! across lines).
//!
//! ```text
//! let batches = split("CREATE TABLE a (x int)\ngo\nCREATE TABLE b (y int)\n");
//! assert_eq!(batches.len(), 2);
//! assert_eq!(batches[1].first_line, 3);
//! ```

/// One batch: the text between two `GO` lines.
#[derive(Debug)]
pub(crate) struct Batch {
    /// The batch's text (sqlcmd variables bracketed, directives blanked).
    pub text: String,
    /// 1-based line of the batch's first line in the file.
    pub first_line: u32,
}

/// A sqlcmd directive line (`:setvar`, `:r`, ...) found while splitting.
#[derive(Debug)]
pub(crate) struct Directive {
    /// 1-based line.
    pub line: u32,
    /// The line, trimmed.
    pub text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// Inside `/* */`, with its nesting depth (T-SQL nests block comments).
    Comment(u32),
    /// Inside a quoted token; the char is the closing quote (`'`, `"` or `]`).
    Quoted(char),
}

/// Splits `source` into batches; also returns the sqlcmd directive lines it blanked.
pub(crate) fn split(source: &str) -> (Vec<Batch>, Vec<Directive>) {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut batches = Vec::new();
    let mut directives = Vec::new();
    let mut current = String::new();
    let mut first_line = 1u32;
    let mut state = State::Code;
    for (i, raw) in source.split('\n').enumerate() {
        let line_no = (i as u32).saturating_add(1);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if state == State::Code {
            if is_go(line) {
                batches.push(Batch {
                    text: std::mem::take(&mut current),
                    first_line,
                });
                first_line = line_no.saturating_add(1);
                continue;
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with(':')
                && trimmed[1..].starts_with(|c: char| c.is_ascii_alphabetic())
            {
                directives.push(Directive {
                    line: line_no,
                    text: trimmed.trim_end().to_string(),
                });
                current.push('\n');
                continue;
            }
        }
        state = scan_line(line, state, &mut current);
        current.push('\n');
    }
    batches.push(Batch {
        text: current,
        first_line,
    });
    batches.retain(|b| !b.text.trim().is_empty());
    (batches, directives)
}

/// True for a `GO [count] [-- comment]` line.
fn is_go(line: &str) -> bool {
    let t = line.trim();
    let Some(rest) = t.get(..2).filter(|go| go.eq_ignore_ascii_case("go")) else {
        return false;
    };
    let rest = t[rest.len()..].trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
    rest.is_empty() || rest.starts_with("--")
}

/// Copies `line` into `out`, bracketing `$(Var)` in code, and returns the state at its end.
fn scan_line(line: &str, mut state: State, out: &mut String) -> State {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Comment(depth) => {
                if b == b'*' && next == Some(b'/') {
                    state = if depth <= 1 {
                        State::Code
                    } else {
                        State::Comment(depth - 1)
                    };
                    i += 2;
                    continue;
                }
                if b == b'/' && next == Some(b'*') {
                    state = State::Comment(depth + 1);
                    i += 2;
                    continue;
                }
            }
            State::Quoted(close) => {
                if b == close as u8 {
                    if next == Some(close as u8) {
                        i += 2;
                        continue;
                    }
                    state = State::Code;
                }
            }
            State::Code => match b {
                b'-' if next == Some(b'-') => break,
                b'/' if next == Some(b'*') => {
                    state = State::Comment(1);
                    i += 2;
                    continue;
                }
                b'\'' => state = State::Quoted('\''),
                b'"' => state = State::Quoted('"'),
                b'[' => state = State::Quoted(']'),
                b'$' if next == Some(b'(') => {
                    let name_len = bytes[i + 2..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                        .count();
                    let close = i + 2 + name_len;
                    if name_len > 0 && bytes.get(close) == Some(&b')') {
                        out.push_str(&line[copied..i]);
                        out.push('[');
                        out.push_str(&line[i..=close]);
                        out.push(']');
                        i = close + 1;
                        copied = i;
                        continue;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push_str(&line[copied..]);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_lines_split_in_any_case_with_counts_and_comments() {
        let (b, _) = split("a\nGO\nb\n  go 3  \nc\nGo -- done\nd");
        let texts: Vec<_> = b.iter().map(|b| b.text.trim()).collect();
        assert_eq!(texts, ["a", "b", "c", "d"]);
        assert_eq!(b[1].first_line, 3);
        assert_eq!(b[3].first_line, 7);
    }

    #[test]
    fn go_inside_a_block_comment_or_string_does_not_split() {
        let (b, _) = split("a /* x\nGO\n*/ b\nGO\nc 'x\nGO\n' d");
        assert_eq!(b.len(), 2);
        let (b, _) = split("gopher\nGOTO x\nGO;\n");
        assert_eq!(b.len(), 1, "{b:?}");
    }

    #[test]
    fn bom_crlf_and_sqlcmd_lines_are_handled() {
        let (b, d) = split("\u{feff}:setvar DatabaseName \"AW\"\r\nUSE $(DatabaseName);\r\nGO\r\nSELECT '$(x)'\r\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 1);
        assert_eq!(b[0].text, "\nUSE [$(DatabaseName)];\n");
        assert_eq!(b[0].first_line, 1);
        assert_eq!(b[1].text, "SELECT '$(x)'\n\n");
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "$(", "$(a", "[", "'", "/*", "\u{feff}", "é$(é)", ":", "\r", "go\r\n",
        ] {
            let _ = split(s);
        }
    }
}
