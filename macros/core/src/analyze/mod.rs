//! The statement analyzer: what a T-SQL statement returns and takes, offline.
//!
//! [`describe`] parses one statement with sqlparser's `MsSqlDialect`, resolves every
//! name against a schema [`Snapshot`] and infers, as SQL Server's
//! `sp_describe_first_result_set` would report it, each result column's name, type and
//! nullability, and each parameter's type. Nullability is *run-time truth* under the
//! session settings the runtime sets (DESIGN §3): where SQL Server's metadata says
//! "nullable" for a value that cannot be NULL (`COUNT(*)`, `a + b` over NOT NULL
//! columns) we say NOT NULL; where we cannot know, we say nullable. The divergences are
//! listed in `docs/nullability.md`.
//!
//! ```
//! use mssqlx_offline::Snapshot;
//! use mssqlx_macros_core::analyze::{describe, StatementKind};
//! let snap = Snapshot::from_json(r#"{ "format_version": 1, "databases": { "default": {
//!   "schemas": { "dbo": { "tables": { "Users": { "columns": [
//!     { "name": "Id", "ordinal": 1, "type": "int", "nullable": false },
//!     { "name": "Email", "ordinal": 2, "type": "nvarchar(256)", "nullable": true } ] } } } } } } }"#).unwrap();
//! let d = describe(&snap, "default", "SELECT Id, Email FROM dbo.Users WHERE Id = @p1").unwrap();
//! assert_eq!(d.kind, StatementKind::Select);
//! assert_eq!(d.columns[1].ty.to_string(), "nvarchar(256)");
//! assert!(d.columns[1].nullable && !d.columns[0].nullable);
//! assert_eq!((d.params[0].name.as_str(), d.params[0].ty.to_string().as_str()), ("@p1", "int"));
//!
//! let err = describe(&snap, "default", "SELECT Emial FROM dbo.Users").unwrap_err();
//! assert_eq!(err[0].offset, 7);
//! assert_eq!(err[0].suggestion.as_deref(), Some("Email"));
//! ```
//!
//! The pipeline, one file a stage:
//! - `parse` (here): text → one sqlparser statement, errors with byte offsets;
//! - `scope`: FROM sources and name resolution (tables, views, CTEs, functions, PIVOT,
//!   OPENJSON, xml `nodes()`), outer-join nullability, GROUP BY bookkeeping;
//!   `table_functions`: the table-valued functions among those sources;
//! - `select`, `dml`, `exec`: one walker per statement kind;
//! - `definitions`: views, inline functions and computed columns typed from their SQL;
//! - `expr`: expressions, typed with [`crate::typing`]'s rules in context; `calls`:
//!   the function calls among them;
//! - `params`: what each `@parameter` must be, from where it is used;
//! - `overrides`: the `AS [col!]`, `AS [col?]`, `AS [col: Type]` alias conventions.

mod calls;
mod definitions;
mod dml;
mod error;
mod exec;
mod expr;
mod overrides;
mod params;
mod scope;
mod select;
mod table_functions;

use std::collections::HashMap;

use mssqlx_offline::{Database, ObjectName, Snapshot, SqlType};
use serde::Serialize;
use sqlparser::ast::{SetExpr, Statement};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer};

pub use error::{AnalyzeError, LineIndex};
pub use overrides::{split as split_override, ColumnOverride};

use params::Params;
use scope::{Col, Frame};

/// How deep sqlparser may recurse (nested parentheses, subqueries) before it gives up
/// with an error; also bounds the analyzer's own walk.
pub const MAX_DEPTH: usize = 64;

/// The longest statement, in tokens, the analyzer accepts. Operator chains such as
/// `1+1+1+...` nest without recursion in the parser but not when the tree is walked or
/// dropped, so a pathological statement is refused up front.
pub const MAX_TOKENS: usize = 20_000;

/// What kind of statement was described.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// `SELECT` (with CTEs, set operations, ...).
    Select,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `MERGE`.
    Merge,
    /// `EXEC` of a stored procedure.
    Exec,
}

/// Where a result column's value comes from, when it is a plain column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnOrigin {
    /// The table or view.
    pub object: ObjectName,
    /// The column's name in it.
    pub column: String,
}

/// One column of the result set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultColumn {
    /// The name as the client sees it (overrides stripped); `""` for an unnamed expression.
    pub name: String,
    /// The SQL type, with length, precision and scale.
    #[serde(rename = "type", serialize_with = "display")]
    pub ty: SqlType,
    /// Whether the value can be NULL at run time (before any override).
    pub nullable: bool,
    /// `AS [col!]` / `AS [col?]` / `AS [col: Type]`, for the macros to apply.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub column_override: Option<ColumnOverride>,
    /// The table column it comes from, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<ColumnOrigin>,
}

/// One parameter the statement takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    /// `@p1`, `@name`, with the `@`.
    pub name: String,
    /// The SQL type inferred from where it is used.
    #[serde(rename = "type", serialize_with = "display")]
    pub ty: SqlType,
    /// Whether NULL may be bound (false only when it is written to a NOT NULL column).
    pub nullable: bool,
}

fn display<S: serde::Serializer>(t: &SqlType, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// What the macros need to know about a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Description {
    /// The statement's kind.
    pub kind: StatementKind,
    /// The first result set's columns (empty when it returns none).
    pub columns: Vec<ResultColumn>,
    /// Whether `columns` is known. False for `EXEC`: a procedure's result set cannot be
    /// known offline, so the caller must state the result type.
    pub result_known: bool,
    /// Parameters in binding order: `@p1..@pN` by number, then named ones in text order.
    pub params: Vec<Param>,
    /// Tables and views the statement reads or writes (views' own tables included),
    /// schema-qualified, sorted. An object of another snapshot database (a three-part
    /// name) has its alias in front of the schema: `reporting.dbo` . `Daily`.
    pub tables: Vec<ObjectName>,
}

/// Describes `sql` against database `database` (an alias of the snapshot, usually
/// `default`). Returns every error found, each pointing into `sql`.
pub fn describe(
    snapshot: &Snapshot,
    database: &str,
    sql: &str,
) -> Result<Description, Vec<AnalyzeError>> {
    let Some(db) = snapshot.database(database) else {
        let known: Vec<&str> = snapshot.databases.keys().map(String::as_str).collect();
        return Err(vec![AnalyzeError::new(
            format!("the snapshot has no database `{database}`"),
            0,
            0,
        )
        .with_help(format!("databases in the snapshot: {}", known.join(", ")))
        .with_suggestion(error::did_you_mean(database, known.iter().copied()))]);
    };
    let lines = LineIndex::new(sql);
    let (stmt, top_params) = parse_one(sql, &lines)?;
    let mut a = Analyzer::new(snapshot, db, &lines);
    for (name, off, len) in top_params {
        let i = a.params.get_or_add(&name, off, len);
        if let Err(e) = a.params.bind(i, &SqlType::BigInt, false, off, len) {
            a.errors.push(e);
        }
    }
    let out = a.statement(&stmt);
    a.finish(out)
}

/// Parses exactly one statement, turning sqlparser's errors into [`AnalyzeError`]s.
/// Also returns the parameters of an `UPDATE / DELETE / INSERT TOP (@n)` (name, offset,
/// len), which sqlparser does not parse and which are cut out before parsing.
#[allow(clippy::type_complexity)]
fn parse_one(
    sql: &str,
    lines: &LineIndex,
) -> Result<(Statement, Vec<(String, usize, usize)>), Vec<AnalyzeError>> {
    let dialect = MsSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| {
            let off = lines.location(e.location);
            vec![AnalyzeError::new(strip_location(&e.message), off, 0)]
        })?;
    let significant = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .count();
    if significant == 0 {
        return Err(vec![AnalyzeError::new("the statement is empty", 0, 0)
            .with_help(
                "write one SELECT, INSERT, UPDATE, DELETE, MERGE or EXEC statement",
            )]);
    }
    if significant > MAX_TOKENS {
        return Err(vec![AnalyzeError::new(
            format!("the statement is too long to check ({significant} tokens, the limit is {MAX_TOKENS})"),
            0,
            0,
        )]);
    }
    if let Some(off) = chain_too_deep(&tokens, lines) {
        return Err(vec![AnalyzeError::new(
            format!(
                "the expression is too long to check (more than {MAX_CHAIN} operators in a row)"
            ),
            off,
            0,
        )
        .with_help("split it, e.g. use IN (...) instead of a chain of OR")]);
    }
    let (tokens, top_params) = strip_hints(tokens, lines);
    let tokens = next_value_for_as_call(fetch_parameters_as_placeholders(at_alias_as_identifier(
        tokens,
    )));
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(MAX_DEPTH)
        .with_tokens_with_locations(tokens);
    let stmts = parser
        .parse_statements()
        .map_err(|e| vec![parser_error(&e, lines)])?;
    let mut stmts = stmts.into_iter();
    match (stmts.next(), stmts.next()) {
        (Some(s), None) => Ok((s, top_params)),
        (None, _) => Err(vec![AnalyzeError::new("the statement is empty", 0, 0)]),
        (Some(_), Some(second)) => {
            let (off, len) = lines.span(sqlparser::ast::Spanned::span(&second));
            Err(vec![AnalyzeError::new(
                "only one statement can be checked at a time",
                off,
                len,
            )
            .with_help("split the batch into one query per statement")])
        }
    }
}

/// The most binary operators an expression may chain (across its open parentheses).
/// sqlparser builds `a + b + c ...` without recursion, but the tree it builds is as
/// deep as the chain is long, and walking or dropping it recurses.
pub const MAX_CHAIN: usize = 200;

/// The offset where operator chains grow past [`MAX_CHAIN`], if they do.
fn chain_too_deep(
    tokens: &[sqlparser::tokenizer::TokenWithSpan],
    lines: &LineIndex,
) -> Option<usize> {
    use sqlparser::keywords::Keyword;
    // Operators chained at each open parenthesis level; the tree is as deep as their sum.
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    for t in tokens {
        let is_op = match &t.token {
            Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::Ampersand
            | Token::Pipe
            | Token::Caret
            | Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::StringConcat => true,
            Token::Word(w) => matches!(w.keyword, Keyword::AND | Keyword::OR),
            _ => false,
        };
        match &t.token {
            Token::LParen => levels.push(0),
            Token::RParen if levels.len() > 1 => {
                total -= levels.pop().unwrap_or(0);
            }
            Token::Comma | Token::SemiColon => {
                if let Some(l) = levels.last_mut() {
                    total -= *l;
                    *l = 0;
                }
            }
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::SELECT
                        | Keyword::FROM
                        | Keyword::WHERE
                        | Keyword::WHEN
                        | Keyword::THEN
                        | Keyword::ELSE
                        | Keyword::END
                        | Keyword::ON
                        | Keyword::HAVING
                        | Keyword::GROUP
                        | Keyword::ORDER
                        | Keyword::SET
                        | Keyword::VALUES
                ) =>
            {
                if let Some(l) = levels.last_mut() {
                    total -= *l;
                    *l = 0;
                }
            }
            _ if is_op => {
                if let Some(l) = levels.last_mut() {
                    *l += 1;
                }
                total += 1;
                if total > MAX_CHAIN {
                    return Some(lines.location(t.span.start));
                }
            }
            _ => {}
        }
    }
    None
}

/// Cuts out what sqlparser cannot parse and does not change a statement's shape: query
/// hints (`OPTION (RECOMPILE)`), join hints (`INNER LOOP JOIN`), and the `TOP (n)` of
/// `UPDATE` / `DELETE` / `INSERT` (whose `@n` parameter is returned, to be typed `bigint`).
#[allow(clippy::type_complexity)]
fn strip_hints(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
    lines: &LineIndex,
) -> (
    Vec<sqlparser::tokenizer::TokenWithSpan>,
    Vec<(String, usize, usize)>,
) {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::Whitespace;
    let sig: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|(i, _)| i)
        .collect();
    let word = |t: &Token, k: &[Keyword]| matches!(t, Token::Word(w) if w.quote_style.is_none() && k.contains(&w.keyword));
    // The index in `sig` of the parenthesis closing the one at `sig[open]`.
    let closing = |tokens: &[sqlparser::tokenizer::TokenWithSpan], open: usize| -> Option<usize> {
        let mut depth = 0usize;
        for (k, &i) in sig.iter().enumerate().skip(open) {
            match tokens[i].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            }
        }
        None
    };
    let mut blank: Vec<usize> = Vec::new();
    let mut params = Vec::new();
    // UPDATE / DELETE / INSERT TOP ( n ) [PERCENT]
    if sig.len() > 3
        && word(
            &tokens[sig[0]].token,
            &[Keyword::UPDATE, Keyword::DELETE, Keyword::INSERT],
        )
        && word(&tokens[sig[1]].token, &[Keyword::TOP])
        && matches!(tokens[sig[2]].token, Token::LParen)
    {
        if let Some(end) = closing(&tokens, 2) {
            if end == 4 {
                if let Token::Word(w) = &tokens[sig[3]].token {
                    if w.value.starts_with('@') {
                        let (off, len) = lines.span(tokens[sig[3]].span);
                        params.push((w.value.clone(), off, len));
                    }
                }
            }
            let mut last = end;
            if sig
                .get(end + 1)
                .is_some_and(|&i| word(&tokens[i].token, &[Keyword::PERCENT]))
            {
                last += 1;
            }
            blank.extend(sig[1..=last].iter().copied());
        }
    }
    let join_kinds = [
        Keyword::INNER,
        Keyword::OUTER,
        Keyword::LEFT,
        Keyword::RIGHT,
        Keyword::FULL,
    ];
    let mut depth = 0usize;
    for (k, &i) in sig.iter().enumerate() {
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            // INNER LOOP JOIN, LEFT HASH JOIN, ... MERGE / REMOTE
            Token::Word(w)
                if w.quote_style.is_none()
                    && ["LOOP", "HASH", "MERGE", "REMOTE"]
                        .iter()
                        .any(|h| w.value.eq_ignore_ascii_case(h))
                    && k > 0
                    && word(&tokens[sig[k - 1]].token, &join_kinds)
                    && sig
                        .get(k + 1)
                        .is_some_and(|&n| word(&tokens[n].token, &[Keyword::JOIN])) =>
            {
                blank.push(i);
            }
            // OPTION ( ... ) ending the statement
            Token::Word(w)
                if depth == 0
                    && w.quote_style.is_none()
                    && w.keyword == Keyword::OPTION
                    && sig
                        .get(k + 1)
                        .is_some_and(|&n| matches!(tokens[n].token, Token::LParen)) =>
            {
                if let Some(end) = closing(&tokens, k + 1) {
                    let rest_is_end = sig[end + 1..]
                        .iter()
                        .all(|&n| matches!(tokens[n].token, Token::SemiColon));
                    if rest_is_end {
                        blank.extend(sig[k..=end].iter().copied());
                    }
                }
            }
            _ => {}
        }
    }
    for i in blank {
        tokens[i].token = Token::Whitespace(Whitespace::Space);
    }
    (tokens, params)
}

/// The indexes of the tokens that are not whitespace.
fn non_whitespace(tokens: &[sqlparser::tokenizer::TokenWithSpan]) -> Vec<usize> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .collect()
}

/// The name `NEXT VALUE FOR seq` is rewritten to, so that sqlparser (which does not
/// parse it for MsSqlDialect) reads a call `NEXT_VALUE_FOR(seq)`.
pub(crate) const NEXT_VALUE_FOR: &str = "NEXT_VALUE_FOR";

/// Rewrites `NEXT VALUE FOR a.b.c` into `NEXT_VALUE_FOR(a.b.c)`, keeping each token's span.
fn next_value_for_as_call(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{TokenWithSpan, Whitespace, Word};
    let sig = non_whitespace(&tokens);
    let kw = |i: usize, k: Keyword| matches!(&tokens[i].token, Token::Word(w) if w.keyword == k && w.quote_style.is_none());
    // (index of NEXT, index of VALUE, index of FOR, index of the name's last token)
    let mut sites = Vec::new();
    let mut j = 0;
    while j + 3 < sig.len() {
        if kw(sig[j], Keyword::NEXT)
            && kw(sig[j + 1], Keyword::VALUE)
            && kw(sig[j + 2], Keyword::FOR)
        {
            let mut last = j + 3;
            if !matches!(tokens[sig[last]].token, Token::Word(_)) {
                j += 1;
                continue;
            }
            while last + 2 < sig.len()
                && matches!(tokens[sig[last + 1]].token, Token::Period)
                && matches!(tokens[sig[last + 2]].token, Token::Word(_))
            {
                last += 2;
            }
            sites.push((sig[j], sig[j + 1], sig[j + 2], sig[last]));
            j = last + 1;
        } else {
            j += 1;
        }
    }
    if sites.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + sites.len());
    for (i, t) in tokens.into_iter().enumerate() {
        match sites
            .iter()
            .find(|s| s.0 == i || s.1 == i || s.2 == i || s.3 == i)
        {
            Some(s) if s.0 == i => out.push(TokenWithSpan::new(
                Token::Word(Word {
                    value: NEXT_VALUE_FOR.into(),
                    quote_style: None,
                    keyword: Keyword::NoKeyword,
                }),
                t.span,
            )),
            Some(s) if s.1 == i => out.push(TokenWithSpan::new(Token::LParen, t.span)),
            Some(s) if s.2 == i => out.push(TokenWithSpan::new(
                Token::Whitespace(Whitespace::Space),
                t.span,
            )),
            Some(_) => {
                let span = t.span;
                out.push(t);
                out.push(TokenWithSpan::new(Token::RParen, span));
            }
            None => out.push(t),
        }
    }
    out
}

/// `JOIN Person.AddressType at ON ...`: `at` is an alias, not `AT TIME ZONE`; an `AT`
/// not followed by `TIME` is turned into a quoted identifier.
fn at_alias_as_identifier(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    let idx = non_whitespace(&tokens);
    for w in idx.windows(2) {
        if let Token::Word(word) = &tokens[w[0]].token {
            if word.keyword == Keyword::AT && word.quote_style.is_none() {
                let next_is_time =
                    matches!(&tokens[w[1]].token, Token::Word(n) if n.keyword == Keyword::TIME);
                if !next_is_time {
                    let mut ident = word.clone();
                    ident.keyword = Keyword::NoKeyword;
                    ident.quote_style = Some('[');
                    tokens[w[0]].token = Token::Word(ident);
                }
            }
        }
    }
    tokens
}

/// sqlparser's `FETCH NEXT n ROWS` accepts only a value; T-SQL allows `@n`. The word
/// `@n` after `FETCH FIRST|NEXT` is turned into a placeholder token, which it accepts.
fn fetch_parameters_as_placeholders(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    let idx = non_whitespace(&tokens);
    for w in idx.windows(3) {
        let is_kw = |i: usize, k: &[Keyword]| matches!(&tokens[i].token, Token::Word(word) if k.contains(&word.keyword));
        if is_kw(w[0], &[Keyword::FETCH]) && is_kw(w[1], &[Keyword::FIRST, Keyword::NEXT]) {
            if let Token::Word(word) = &tokens[w[2]].token {
                if word.value.starts_with('@') && word.quote_style.is_none() {
                    tokens[w[2]].token = Token::Placeholder(word.value.clone());
                }
            }
        }
    }
    tokens
}

fn parser_error(e: &ParserError, lines: &LineIndex) -> AnalyzeError {
    match e {
        ParserError::RecursionLimitExceeded => AnalyzeError::new(
            format!("the statement nests too deeply to check (more than {MAX_DEPTH} levels)"),
            0,
            0,
        ),
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => {
            let off = find_location(m)
                .map(|(l, c)| lines.offset(l, c))
                .unwrap_or(lines.text().len());
            AnalyzeError::new(
                format!("syntax error: {}", strip_location(m)),
                off,
                token_len(lines.text(), off),
            )
        }
    }
}

/// The length of the token at `off`, for underlining a syntax error.
fn token_len(text: &str, off: usize) -> usize {
    let rest = text.get(off..).unwrap_or("");
    let n = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | ')' | '(' | ';'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if n == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        n
    }
}

/// Reads sqlparser's " at Line: x, Column: y" suffix.
fn find_location(m: &str) -> Option<(u64, u64)> {
    let i = m.rfind("Line: ")?;
    let rest = &m[i + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, col.parse().ok()?))
}

fn strip_location(m: &str) -> String {
    let m = m.strip_prefix("sql parser error: ").unwrap_or(m);
    match m.rfind(" at Line: ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

/// The shape of a statement's output before overrides are split off.
pub(crate) struct Output {
    kind: StatementKind,
    columns: Vec<Col>,
    result_known: bool,
}

/// A view or inline function body being typed (for cycle detection and caching).
type ViewKey = String;

/// The walk over one statement: the snapshot, what was found so far, the errors.
pub(crate) struct Analyzer<'a> {
    snap: &'a Snapshot,
    db: &'a Database,
    lines: &'a LineIndex<'a>,
    errors: Vec<AnalyzeError>,
    params: Params,
    /// FROM scopes, innermost last; outer ones serve correlated subqueries.
    frames: Vec<Frame>,
    /// CTEs visible, innermost WITH last.
    ctes: Vec<Vec<scope::Cte>>,
    /// Typed views and inline functions, by key; `None` when typing failed.
    views: HashMap<ViewKey, Option<Vec<Col>>>,
    /// Views being typed right now (cycle guard).
    typing_views: Vec<ViewKey>,
    /// Typed variables in scope (an inline function's parameters).
    variables: Vec<(String, SqlType)>,
    /// Whether `@name` may be a parameter (false inside a view's definition).
    allow_params: bool,
    /// Tables and views touched.
    tables: Vec<ObjectName>,
    /// Current expression nesting, bounded by [`MAX_DEPTH`] * 4.
    depth: usize,
    /// Source ids, unique within a description (GROUP BY keys refer to them).
    next_source_id: usize,
    /// The table column the last resolved column reference came from.
    last_origin: Option<ColumnOrigin>,
    /// Inside a MERGE's OUTPUT, where `$action` exists.
    merge_action: bool,
    /// Typing a computed column's expression (others of its table stay untyped).
    in_computed: bool,
    /// How the database compares identifiers (from its collation, read once).
    case: mssqlx_offline::ident::IdentCase,
}

impl<'a> Analyzer<'a> {
    fn new(snap: &'a Snapshot, db: &'a Database, lines: &'a LineIndex<'a>) -> Self {
        Analyzer {
            snap,
            db,
            lines,
            errors: Vec::new(),
            params: Params::default(),
            frames: Vec::new(),
            ctes: Vec::new(),
            views: HashMap::new(),
            typing_views: Vec::new(),
            variables: Vec::new(),
            allow_params: true,
            tables: Vec::new(),
            depth: 0,
            next_source_id: 0,
            last_origin: None,
            merge_action: false,
            in_computed: false,
            case: db.ident_case(),
        }
    }

    /// Records an error at a span.
    fn error_at(
        &mut self,
        span: sqlparser::tokenizer::Span,
        message: impl Into<String>,
    ) -> &mut AnalyzeError {
        let (off, len) = self.lines.span(span);
        self.errors.push(AnalyzeError::new(message, off, len));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn statement(&mut self, stmt: &Statement) -> Option<Output> {
        match stmt {
            // `WITH c AS (...) UPDATE ...`: the CTEs, then the statement.
            Statement::Query(q)
                if matches!(
                    q.body.as_ref(),
                    SetExpr::Insert(_)
                        | SetExpr::Update(_)
                        | SetExpr::Delete(_)
                        | SetExpr::Merge(_)
                ) =>
            {
                if let Some(with) = &q.with {
                    self.ctes.push(Vec::new());
                    for cte in &with.cte_tables {
                        self.cte(cte);
                    }
                }
                let out = match q.body.as_ref() {
                    SetExpr::Insert(s)
                    | SetExpr::Update(s)
                    | SetExpr::Delete(s)
                    | SetExpr::Merge(s) => self.statement(s),
                    _ => None,
                };
                if q.with.is_some() {
                    self.ctes.pop();
                }
                out
            }
            Statement::Query(q) => {
                let cols = self.query(q)?;
                Some(Output {
                    kind: StatementKind::Select,
                    columns: cols,
                    result_known: true,
                })
            }
            Statement::Insert(i) => self.insert(i),
            Statement::Update(u) => self.update(u),
            Statement::Delete(d) => self.delete(d),
            Statement::Merge(m) => self.merge(m),
            Statement::Execute {
                name, parameters, ..
            } => self.exec(stmt, name.as_ref(), parameters),
            other => {
                let span = sqlparser::ast::Spanned::span(other);
                let word = other.to_string();
                let word = word.split_whitespace().next().unwrap_or("").to_uppercase();
                self.error_at(span, format!("`{word}` statements cannot be checked"))
                    .help = Some(
                    "the query macros take one SELECT, INSERT, UPDATE, DELETE, MERGE or EXEC statement"
                        .into(),
                );
                None
            }
        }
    }

    fn finish(mut self, mut out: Option<Output>) -> Result<Description, Vec<AnalyzeError>> {
        if let Some(o) = &mut out {
            for c in &mut o.columns {
                if let Some(t) = c.from_param.and_then(|p| self.params.ty(p)) {
                    c.ty = t;
                    c.nullable = true;
                }
            }
        }
        let params = self.params.finish(&mut self.errors, self.lines);
        if !self.errors.is_empty() || out.is_none() {
            if self.errors.is_empty() {
                self.errors.push(AnalyzeError::new(
                    "the statement could not be described",
                    0,
                    0,
                ));
            }
            self.errors.sort_by_key(|e| e.offset);
            self.errors.dedup();
            return Err(self.errors);
        }
        let out = out.unwrap_or(Output {
            kind: StatementKind::Select,
            columns: Vec::new(),
            result_known: true,
        });
        let columns = out
            .columns
            .into_iter()
            .map(|c| {
                let (name, ov) = overrides::split(&c.name);
                ResultColumn {
                    name,
                    ty: c.ty,
                    nullable: c.nullable,
                    column_override: ov,
                    origin: c.origin,
                }
            })
            .collect();
        let mut tables = self.tables;
        tables.sort();
        tables.dedup();
        Ok(Description {
            kind: out.kind,
            columns,
            result_known: out.result_known,
            params,
            tables,
        })
    }
}
