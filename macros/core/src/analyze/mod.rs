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
//! - `parse` (here): text → one sqlparser statement, errors with byte offsets, after
//!   `tokens` has rewritten what sqlparser's MsSqlDialect cannot parse;
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
mod tokens;

use std::collections::HashMap;

use mssqlx_offline::{Database, ObjectName, Snapshot, SqlType};
use serde::Serialize;
use sqlparser::ast::{SetExpr, Statement};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer};

pub use error::{AnalyzeError, LineIndex};
pub use overrides::{split as split_override, ColumnOverride};
pub use tokens::MAX_CHAIN;

use params::Params;
use scope::{Col, Frame};
pub(crate) use tokens::NEXT_VALUE_FOR;
use tokens::{
    at_alias_as_identifier, chain_too_deep, fetch_parameters_as_placeholders,
    next_value_for_as_call, strip_hints, TopParams,
};

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
fn parse_one(sql: &str, lines: &LineIndex) -> Result<(Statement, TopParams), Vec<AnalyzeError>> {
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
