//! Tokens of one batch, with byte positions, and a cursor to read them.
//!
//! sqlparser's tokenizer (with `MsSqlDialect`) does the lexing: bracketed and
//! double-quoted identifiers, `N'...'` strings, comments, numbers. It reports line and
//! column positions; this module turns them into byte ranges of the batch text, so the
//! importer can keep an expression's source text (a `DEFAULT`, a view's definition)
//! exactly as written. Whitespace and comments are dropped.
//!
//! [`Cursor`] is the small reading interface the statement parsers share: peek, match
//! a keyword (an *unquoted* word: `[Table]` is a name, never the keyword), read a
//! possibly qualified name.

use sqlparser::dialect::MsSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A token with its byte range in the batch text and its 1-based line in the file.
#[derive(Clone, Debug)]
pub(crate) struct Tok {
    pub token: Token,
    pub start: usize,
    pub end: usize,
    pub line: u32,
}

/// A parse failure: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub line: u32,
    pub message: String,
    /// Not an error: the statement turned out to carry no fact (reported as ignored).
    pub ignored: bool,
    /// The culprit's byte range in the batch text, when a token is to blame.
    pub at: Option<(usize, usize)>,
}

impl ParseError {
    pub fn new(line: u32, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
            ignored: false,
            at: None,
        }
    }
}

pub(crate) type PResult<T> = Result<T, ParseError>;

/// Tokenizes `text` (a batch starting at file line `first_line`).
pub(crate) fn tokenize(text: &str, first_line: u32) -> PResult<Vec<Tok>> {
    let dialect = MsSqlDialect {};
    let raw = Tokenizer::new(&dialect, text)
        .with_unescape(true)
        .tokenize_with_location()
        .map_err(|e| {
            ParseError::new(
                first_line.saturating_add(e.location.line.saturating_sub(1) as u32),
                e.message,
            )
        })?;
    // Line start offsets and whether each line is ASCII (then column - 1 = byte
    // offset). Other lines are walked, from the last position (tokens come in order),
    // so the whole conversion is linear.
    let mut starts = vec![0usize];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let ascii: Vec<bool> = (0..starts.len())
        .map(|l| {
            let end = starts.get(l + 1).copied().unwrap_or(text.len());
            text[starts[l]..end].is_ascii()
        })
        .collect();
    // (line index, column, byte) of the last position converted.
    let mut at = (0usize, 1u64, 0usize);
    let mut offset = |line: u64, column: u64| -> usize {
        let l = (line.max(1) - 1) as usize;
        let Some(&start) = starts.get(l) else {
            return text.len();
        };
        let end = starts.get(l + 1).copied().unwrap_or(text.len());
        let column = column.max(1);
        if ascii[l] {
            return (start + (column - 1) as usize).min(end);
        }
        if at.0 != l || at.1 > column {
            at = (l, 1, start);
        }
        let mut chars = text[at.2..end].char_indices();
        while at.1 < column {
            match chars.next() {
                Some((_, c)) => {
                    at.1 += 1;
                    at.2 += c.len_utf8();
                }
                None => break,
            }
        }
        at.2
    };
    let mut out = Vec::with_capacity(raw.len() / 2);
    for t in raw {
        if matches!(t.token, Token::Whitespace(_) | Token::EOF) {
            continue;
        }
        let start = offset(t.span.start.line, t.span.start.column);
        let end = offset(t.span.end.line, t.span.end.column).max(start);
        out.push(Tok {
            token: t.token,
            start,
            end,
            line: first_line.saturating_add(t.span.start.line.saturating_sub(1) as u32),
        });
    }
    Ok(out)
}

/// True when `t` is the unquoted word `kw` (any case).
pub(crate) fn is_kw(t: &Token, kw: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

/// The upper-cased text of an unquoted word.
pub(crate) fn kw_of(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// A reading position over a slice of tokens of one batch.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    pub toks: &'a [Tok],
    pub pos: usize,
    pub text: &'a str,
}

impl<'a> Cursor<'a> {
    pub fn new(toks: &'a [Tok], text: &'a str) -> Self {
        Cursor { toks, pos: 0, text }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos).map(|t| &t.token)
    }

    pub fn peek_at(&self, n: usize) -> Option<&'a Token> {
        self.toks.get(self.pos + n).map(|t| &t.token)
    }

    pub fn next(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.pos);
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// The line of the current token (or of the last one, at the end).
    pub fn line(&self) -> u32 {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.line)
            .unwrap_or(0)
    }

    pub fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        let mut e = ParseError::new(self.line(), message);
        e.at = self
            .toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| (t.start, t.end));
        Err(e)
    }

    /// An error blaming the tokens from `from` up to the cursor.
    pub fn err_from<T>(&self, from: usize, message: impl Into<String>) -> PResult<T> {
        let mut e = ParseError::new(self.toks.get(from).map_or(self.line(), |t| t.line), message);
        let last = self.pos.saturating_sub(1).max(from);
        if let (Some(a), Some(b)) = (self.toks.get(from), self.toks.get(last)) {
            e.at = Some((a.start, b.end.max(a.start)));
        }
        Err(e)
    }

    /// An error saying `what` was expected where the cursor is.
    pub fn expected<T>(&self, what: &str) -> PResult<T> {
        let found = match self.toks.get(self.pos) {
            Some(t) => format!("`{}`", shorten(&self.text[t.start..t.end])),
            None => "the end of the statement".to_string(),
        };
        self.err(format!("expected {what}, found {found}"))
    }

    pub fn is_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| is_kw(t, kw))
    }

    pub fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        self.peek_at(n).is_some_and(|t| is_kw(t, kw))
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Eats the keywords `kws` if they all come next, in order.
    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, k)| self.is_kw_at(i, k)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            self.expected(&format!("`{kw}`"))
        }
    }

    pub fn is(&self, t: &Token) -> bool {
        self.peek() == Some(t)
    }

    pub fn eat(&mut self, t: &Token) -> bool {
        if self.is(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, t: &Token, what: &str) -> PResult<()> {
        if self.eat(t) {
            Ok(())
        } else {
            self.expected(what)
        }
    }

    /// An identifier: any word, quoted or not (T-SQL allows most keywords as names).
    pub fn ident(&mut self) -> PResult<String> {
        match self.peek() {
            Some(Token::Word(w)) => {
                self.pos += 1;
                Ok(w.value.clone())
            }
            _ => self.expected("a name"),
        }
    }

    /// A dotted name `a.b.c`, parts in order (an omitted part, as in `db..t`, is empty).
    pub fn dotted_name(&mut self) -> PResult<Vec<String>> {
        let mut parts = vec![self.ident()?];
        while self.is(&Token::Period) {
            self.pos += 1;
            if self.is(&Token::Period) {
                parts.push(String::new());
                continue;
            }
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    /// Skips a balanced `( ... )` group; the cursor must be on `(`.
    pub fn skip_parens(&mut self) -> PResult<()> {
        self.expect(&Token::LParen, "`(`")?;
        let mut depth = 1usize;
        while let Some(t) = self.next() {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        self.err("unbalanced parentheses: missing `)`")
    }

    /// The source text from token `from` up to (not including) token `to`.
    pub fn text_between(&self, from: usize, to: usize) -> &'a str {
        if from >= to || from >= self.toks.len() {
            return "";
        }
        let start = self.toks[from].start;
        let end = self.toks[(to - 1).min(self.toks.len() - 1)].end;
        self.text.get(start..end.max(start)).unwrap_or("")
    }
}

/// The text cut to one line of at most 120 characters.
pub(crate) fn shorten(s: &str) -> String {
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > 120 {
        let mut cut: String = line.chars().take(117).collect();
        cut.push_str("...");
        cut
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_byte_ranges_and_file_lines() {
        let text = "CREATE TABLE [dbo].\"Ünï\" (\n  x nvarchar(max) DEFAULT N'é'\n)";
        let toks = tokenize(text, 10).unwrap();
        let words: Vec<&str> = toks.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(
            words,
            [
                "CREATE",
                "TABLE",
                "[dbo]",
                ".",
                "\"Ünï\"",
                "(",
                "x",
                "nvarchar",
                "(",
                "max",
                ")",
                "DEFAULT",
                "N'é'",
                ")"
            ]
        );
        assert_eq!(toks[0].line, 10);
        assert_eq!(toks[6].line, 11);
    }

    #[test]
    fn unterminated_string_is_an_error_with_a_line() {
        let err = tokenize("SELECT 1\nSELECT 'abc", 5).unwrap_err();
        assert_eq!(err.line, 6);
    }
}
