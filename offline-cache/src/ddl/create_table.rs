//! `CREATE TABLE`, and the column and constraint definitions it shares with table
//! types, `ALTER TABLE ... ADD` and multi-statement functions' `RETURNS @t TABLE`.
//!
//! A column is `name type [options]` or `name AS expression [PERSISTED]`. Options come
//! in any order: `NULL` / `NOT NULL`, `IDENTITY(seed, increment)`,
//! `NOT FOR REPLICATION`, `ROWGUIDCOL`, `SPARSE`, `FILESTREAM`, `COLLATE`,
//! `[CONSTRAINT name] DEFAULT expr`, column constraints (`PRIMARY KEY`, `UNIQUE`,
//! `REFERENCES`, `CHECK`), `GENERATED ALWAYS AS ROW START | END [HIDDEN]`,
//! `MASKED WITH (...)`, `ENCRYPTED WITH (...)` and an inline `INDEX`.
//!
//! Nullability follows SQL Server's catalog (with the `ANSI_NULL_DFLT_ON` default
//! every client sets): an explicit `NULL` / `NOT NULL` wins; otherwise PRIMARY KEY,
//! `IDENTITY`, `rowversion` / `timestamp` and `GENERATED ALWAYS` period columns are
//! NOT NULL, a column of an alias type takes the alias type's nullability, a computed
//! column is nullable unless it is `ISNULL(expr, literal)` (see [`super::computed`]),
//! and any other column is nullable.
//!
//! Storage clauses (`ON [PRIMARY]`, `TEXTIMAGE_ON`, `WITH (...)`, index options) are
//! read and dropped, except `SYSTEM_VERSIONING = ON (HISTORY_TABLE = ...)`.

use sqlparser::tokenizer::Token;

use super::computed;
use super::data_type::parse_type;
use super::tokens::{is_kw, kw_of, Cursor, PResult};
use super::Ctx;
use crate::model::{
    CheckConstraint, Column, Computed, ForeignKey, GeneratedAlways, Identity, KeyConstraint,
    ObjectName, Table, TableType, Temporal,
};
use crate::types::SqlType;

/// Where a list of table elements is being read; decides what is allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `CREATE TABLE`.
    Table,
    /// `CREATE TYPE ... AS TABLE`.
    TableType,
    /// `ALTER TABLE ... ADD`: also `[CONSTRAINT n] DEFAULT expr FOR col`.
    AlterAdd,
    /// `RETURNS @t TABLE (...)` of a multi-statement function.
    FunctionResult,
}

/// Table elements read so far, before nullability and computed types are settled.
#[derive(Default)]
pub(crate) struct TableBuilder {
    pub columns: Vec<Column>,
    /// Explicit `NULL` (true) / `NOT NULL` (false) per column.
    pub explicit_null: Vec<Option<bool>>,
    /// Where each column's line is, per column (`(line, byte range)` of its name in
    /// the batch text), to point at it in errors; `None` for columns of earlier batches.
    pub spans: Vec<Option<(u32, usize, usize)>>,
    /// Nullability an alias type gives, per column.
    pub alias_null: Vec<Option<bool>>,
    pub primary_key: Option<KeyConstraint>,
    pub uniques: Vec<KeyConstraint>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<CheckConstraint>,
    pub period: Option<(String, String)>,
    /// `DEFAULT expr FOR col` (ALTER TABLE only): (column, expression).
    pub defaults_for: Vec<(String, String)>,
}

impl TableBuilder {
    fn has_column(&self, name: &str) -> bool {
        self.columns
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// `CREATE TABLE name ( elements ) [options]`.
pub(crate) fn create_table(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("CREATE")?;
    cur.expect_kw("TABLE")?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    if name.name.starts_with('#') {
        let mut e =
            super::tokens::ParseError::new(cur.line(), "temporary table, not part of the schema");
        e.ignored = true;
        return Err(e);
    }
    if cur.is_kw("AS") {
        return cur.err("`CREATE TABLE ... AS FILETABLE | NODE | EDGE` is not supported");
    }
    let mut b = TableBuilder::default();
    read_elements(ctx, cur, &mut b, Mode::Table)?;
    let mut history = None;
    while !cur.at_end() {
        if cur.eat_kw("ON") || cur.eat_kw("TEXTIMAGE_ON") || cur.eat_kw("FILESTREAM_ON") {
            cur.ident()?;
            if cur.is(&Token::LParen) {
                cur.skip_parens()?;
            }
        } else if cur.eat_kw("WITH") {
            history = table_options(ctx, cur)?.or(history);
        } else if cur.is_kw("AS") {
            return cur.err("`AS FILETABLE | NODE | EDGE` tables are not supported");
        } else {
            return cur.expected("the end of CREATE TABLE, `ON`, `TEXTIMAGE_ON` or `WITH`");
        }
    }
    let mut table = finish_table(ctx, b, &name, stmt_line(cur))?;
    if let Some(t) = table.temporal.as_mut() {
        t.history_table = history;
    }
    super::insert_object(ctx.db, &name.schema, |s| &mut s.tables, name.name, table);
    Ok(())
}

/// `CREATE TYPE name AS TABLE ( elements ) [WITH (...)]` (the cursor is after `TABLE`).
pub(crate) fn table_type_body(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    name: &ObjectName,
) -> PResult<TableType> {
    let mut b = TableBuilder::default();
    read_elements(ctx, cur, &mut b, Mode::TableType)?;
    if cur.eat_kw("WITH") {
        cur.skip_parens()?;
    }
    if !cur.at_end() {
        return cur.expected("the end of CREATE TYPE");
    }
    let t = finish_table(ctx, b, name, stmt_line(cur))?;
    Ok(TableType {
        columns: t.columns,
        primary_key: t.primary_key,
    })
}

/// The columns of `RETURNS @t TABLE ( ... )` (the cursor on `(`).
pub(crate) fn function_result_columns(ctx: &Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<Vec<Column>> {
    let mut b = TableBuilder::default();
    read_elements(ctx, cur, &mut b, Mode::FunctionResult)?;
    Ok(finish_table(ctx, b, &ObjectName::new("", ""), stmt_line(cur))?.columns)
}

/// The line of the statement's first token.
pub(crate) fn stmt_line(cur: &Cursor<'_>) -> u32 {
    cur.toks.first().map(|t| t.line).unwrap_or(0)
}

/// `( element, ... )`, a trailing comma allowed as SQL Server allows it.
fn read_elements(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    b: &mut TableBuilder,
    mode: Mode,
) -> PResult<()> {
    cur.expect(&Token::LParen, "`(` and the column definitions")?;
    loop {
        if cur.eat(&Token::RParen) {
            break;
        }
        read_element(ctx, cur, b, mode)?;
        if cur.eat(&Token::Comma) {
            continue;
        }
        cur.expect(&Token::RParen, "`,` or `)` after a column or constraint")?;
        break;
    }
    if b.columns.is_empty() && matches!(mode, Mode::Table | Mode::TableType | Mode::FunctionResult)
    {
        return cur.err("a table needs at least one column");
    }
    Ok(())
}

/// Is the cursor on a table-level constraint, index or period rather than a column?
fn at_table_constraint(cur: &Cursor<'_>) -> bool {
    [
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "FOREIGN",
        "CHECK",
        "INDEX",
    ]
    .iter()
    .any(|k| cur.is_kw(k))
        || (cur.is_kw("PERIOD") && cur.is_kw_at(1, "FOR"))
        || cur.is_kw("DEFAULT")
}

/// One column definition or table constraint, added to `b`.
pub(crate) fn read_element(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    b: &mut TableBuilder,
    mode: Mode,
) -> PResult<()> {
    if cur.eat_kws(&["PERIOD", "FOR"]) {
        cur.expect_kw("SYSTEM_TIME")?;
        cur.expect(&Token::LParen, "`(`")?;
        let start = cur.ident()?;
        cur.expect(&Token::Comma, "`,`")?;
        let end = cur.ident()?;
        cur.expect(&Token::RParen, "`)`")?;
        b.period = Some((start, end));
        return Ok(());
    }
    if cur.eat_kw("INDEX") {
        // An inline index: nothing the snapshot keeps.
        cur.ident()?;
        skip_until_element_end(cur)?;
        return Ok(());
    }
    if at_table_constraint(cur) {
        let name = if cur.eat_kw("CONSTRAINT") {
            Some(cur.ident()?)
        } else {
            None
        };
        return table_constraint(ctx, cur, b, name, mode);
    }
    column(ctx, cur, b)
}

/// Skips to the `,` or `)` that ends the current element (depth 0).
fn skip_until_element_end(cur: &mut Cursor<'_>) -> PResult<()> {
    loop {
        match cur.peek() {
            None => return cur.expected("`)`"),
            Some(Token::Comma) | Some(Token::RParen) => return Ok(()),
            Some(Token::LParen) => cur.skip_parens()?,
            _ => cur.pos += 1,
        }
    }
}

/// Words that end an expression written without parentheses in a column definition.
const EXPR_STOP: &[&str] = &[
    "CONSTRAINT",
    "NOT",
    "NULL",
    "PRIMARY",
    "UNIQUE",
    "CHECK",
    "REFERENCES",
    "FOREIGN",
    "IDENTITY",
    "COLLATE",
    "ROWGUIDCOL",
    "SPARSE",
    "PERSISTED",
    "FOR",
    "WITH",
    "MASKED",
    "GENERATED",
    "HIDDEN",
    "INDEX",
    "ENCRYPTED",
    "FILESTREAM",
    "DEFAULT",
];

/// The source text of an expression at the cursor (a `DEFAULT` value, a computed
/// column), up to the next column option, `,` or `)` at depth 0.
pub(crate) fn expression_text(cur: &mut Cursor<'_>) -> PResult<String> {
    let start = cur.pos;
    let mut depth = 0usize;
    let mut case_depth = 0usize;
    while let Some(t) = cur.peek() {
        match t {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => break,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => break,
            Token::SemiColon if depth == 0 => break,
            Token::Word(_) if depth == 0 && cur.pos > start => {
                let k = kw_of(t);
                let prev = &cur.toks[cur.pos - 1].token;
                match k.as_deref() {
                    Some("CASE") => case_depth += 1,
                    Some("END") if case_depth > 0 => case_depth -= 1,
                    Some("FOR") if is_kw(prev, "VALUE") => {}
                    Some("NOT" | "NULL")
                        if is_kw(prev, "IS")
                            || is_kw(prev, "NOT")
                                && k.as_deref() == Some("NULL")
                                && cur.pos >= start + 2
                                && is_kw(&cur.toks[cur.pos - 2].token, "IS") => {}
                    Some(k) if case_depth == 0 && EXPR_STOP.contains(&k) => break,
                    _ => {}
                }
            }
            Token::Word(_) if depth == 0 && is_kw(t, "CASE") => case_depth += 1,
            _ => {}
        }
        cur.pos += 1;
    }
    if cur.pos == start {
        return cur.expected("an expression");
    }
    if depth != 0 {
        return cur.err("unbalanced parentheses in an expression");
    }
    Ok(cur.text_between(start, cur.pos).to_string())
}

/// A column definition.
fn column(ctx: &Ctx<'_>, cur: &mut Cursor<'_>, b: &mut TableBuilder) -> PResult<()> {
    let name_span = cur.toks.get(cur.pos).map(|t| (t.line, t.start, t.end));
    let name = cur.ident()?;
    if b.has_column(&name) {
        return cur.err(format!("column `{name}` is defined twice"));
    }
    let mut col;
    let mut explicit_null = None;
    let mut alias_null = None;
    if cur.eat_kw("AS") {
        let expression = expression_text(cur)?;
        col = Column::new(name.clone(), 0, SqlType::SqlVariant, true);
        col.computed = Some(Computed {
            expression,
            persisted: false,
            untyped: true,
        });
    } else if name.eq_ignore_ascii_case("timestamp")
        && matches!(cur.peek(), None | Some(Token::Comma) | Some(Token::RParen))
    {
        // `CREATE TABLE t (id int, timestamp)`: a rowversion column named `timestamp`.
        col = Column::new(name.clone(), 0, SqlType::RowVersion, true);
    } else {
        let ty = parse_type(cur, ctx, false)?;
        col = Column::new(name.clone(), 0, ty.ty, true);
        col.xml_schema_collection = ty.xml_collection;
        if let Some((alias, nullable)) = ty.alias {
            col.alias_type = Some(alias);
            alias_null = Some(nullable);
        }
    }
    let mut constraint_name: Option<String> = None;
    loop {
        if cur.at_end() || cur.is(&Token::Comma) || cur.is(&Token::RParen) {
            break;
        }
        if cur.eat_kws(&["NOT", "FOR", "REPLICATION"]) {
            if let Some(id) = col.identity.as_mut() {
                id.not_for_replication = true;
            }
        } else if cur.eat_kws(&["NOT", "NULL"]) {
            explicit_null = Some(false);
        } else if cur.eat_kw("NULL") {
            explicit_null = Some(true);
        } else if cur.eat_kw("IDENTITY") {
            let (seed, increment) = if cur.is(&Token::LParen) {
                cur.pos += 1;
                let seed = signed_number(cur)?;
                cur.expect(&Token::Comma, "`,` between identity seed and increment")?;
                let inc = signed_number(cur)?;
                cur.expect(&Token::RParen, "`)`")?;
                (seed, inc)
            } else {
                (1, 1)
            };
            col.identity = Some(Identity {
                seed,
                increment,
                not_for_replication: false,
            });
        } else if cur.eat_kw("PERSISTED") {
            match col.computed.as_mut() {
                Some(c) => c.persisted = true,
                None => return cur.err("PERSISTED on a column that is not computed"),
            }
        } else if cur.eat_kw("ROWGUIDCOL") {
            col.rowguidcol = true;
        } else if cur.eat_kw("SPARSE") {
            col.sparse = true;
        } else if cur.eat_kw("FILESTREAM") || cur.eat_kw("HIDDEN") {
            if is_kw(&cur.toks[cur.pos - 1].token, "HIDDEN") {
                col.hidden = true;
            }
        } else if cur.eat_kw("COLLATE") {
            col.collation = Some(cur.ident()?);
        } else if cur.eat_kw("CONSTRAINT") {
            constraint_name = Some(cur.ident()?);
            continue;
        } else if cur.eat_kw("DEFAULT") {
            col.default = Some(expression_text(cur)?);
            cur.eat_kws(&["WITH", "VALUES"]);
        } else if cur.eat_kw("GENERATED") {
            cur.expect_kw("ALWAYS")?;
            cur.expect_kw("AS")?;
            if !cur.eat_kw("ROW") {
                return cur.err("only `GENERATED ALWAYS AS ROW START | END` is supported");
            }
            col.generated_always = Some(if cur.eat_kw("START") {
                GeneratedAlways::RowStart
            } else if cur.eat_kw("END") {
                GeneratedAlways::RowEnd
            } else {
                return cur.expected("`START` or `END`");
            });
        } else if cur.eat_kw("MASKED") || cur.eat_kw("ENCRYPTED") {
            cur.expect_kw("WITH")?;
            cur.skip_parens()?;
        } else if cur.eat_kw("INDEX") {
            cur.ident()?;
            skip_until_element_end(cur)?;
        } else if cur.is_kw("PRIMARY") || cur.is_kw("UNIQUE") {
            let (primary, clustered) = key_kind(cur)?;
            index_options(cur)?;
            let key = KeyConstraint {
                name: constraint_name.take(),
                columns: vec![name.clone()],
                clustered,
            };
            add_key(cur, b, primary, key)?;
        } else if cur.is_kw("REFERENCES") || cur.is_kw("FOREIGN") {
            if cur.eat_kw("FOREIGN") {
                cur.expect_kw("KEY")?;
            }
            let fk = references(ctx, cur, b, constraint_name.take(), vec![name.clone()])?;
            b.foreign_keys.push(fk);
        } else if cur.eat_kw("CHECK") {
            let expression = check_body(cur)?;
            b.checks.push(CheckConstraint {
                name: constraint_name.take(),
                expression,
            });
        } else {
            let found = cur
                .toks
                .get(cur.pos)
                .map_or("", |t| cur.text.get(t.start..t.end).unwrap_or(""));
            return cur.err(format!(
                "unexpected `{found}` in the definition of column `{name}`"
            ));
        }
        constraint_name = None;
    }
    b.columns.push(col);
    b.explicit_null.push(explicit_null);
    b.spans.push(name_span);
    b.alias_null.push(alias_null);
    Ok(())
}

/// `[CLUSTERED | NONCLUSTERED] [HASH]`.
fn clustered(cur: &mut Cursor<'_>) -> Option<bool> {
    let c = if cur.eat_kw("CLUSTERED") {
        Some(true)
    } else if cur.eat_kw("NONCLUSTERED") {
        Some(false)
    } else {
        None
    };
    cur.eat_kw("HASH");
    c
}

/// Index options of a key: `WITH (...)`, `WITH FILLFACTOR = n`, `ON fg | ON ps(col)`.
fn index_options(cur: &mut Cursor<'_>) -> PResult<()> {
    loop {
        if cur.is_kw("WITH") && cur.is_kw_at(1, "FILLFACTOR") {
            cur.pos += 2;
            cur.expect(&Token::Eq, "`=`")?;
            cur.next();
        } else if cur.is_kw("WITH") && matches!(cur.peek_at(1), Some(Token::LParen)) {
            cur.pos += 1;
            cur.skip_parens()?;
        } else if cur.eat_kw("ON") {
            cur.ident()?;
            if cur.is(&Token::LParen) {
                cur.skip_parens()?;
            }
        } else {
            return Ok(());
        }
    }
}

fn signed_number(cur: &mut Cursor<'_>) -> PResult<i64> {
    let neg = if cur.eat(&Token::Minus) {
        true
    } else {
        cur.eat(&Token::Plus);
        false
    };
    match cur.peek() {
        Some(Token::Number(n, _)) => {
            let v: i64 = match n.parse::<i64>() {
                Ok(v) => v,
                Err(_) => return cur.expected("an integer"),
            };
            cur.pos += 1;
            Ok(if neg { -v } else { v })
        }
        _ => cur.expected("an integer"),
    }
}

/// `( col [ASC|DESC], ... )`.
pub(crate) fn column_list(cur: &mut Cursor<'_>, sortable: bool) -> PResult<Vec<String>> {
    cur.expect(&Token::LParen, "`(` and a column list")?;
    let mut cols = Vec::new();
    loop {
        cols.push(cur.ident()?);
        if sortable {
            let _ = cur.eat_kw("ASC") || cur.eat_kw("DESC");
        }
        if cur.eat(&Token::Comma) {
            continue;
        }
        cur.expect(&Token::RParen, "`,` or `)` in a column list")?;
        return Ok(cols);
    }
}

/// `PRIMARY KEY` or `UNIQUE` (the cursor is on one of them), then
/// `[CLUSTERED | NONCLUSTERED]`: whether the key is primary, and its clustering.
fn key_kind(cur: &mut Cursor<'_>) -> PResult<(bool, Option<bool>)> {
    let primary = cur.eat_kw("PRIMARY");
    if primary {
        cur.expect_kw("KEY")?;
    } else {
        cur.expect_kw("UNIQUE")?;
    }
    Ok((primary, clustered(cur)))
}

/// Records a key: the table's primary key (at most one), or one more unique key.
fn add_key(
    cur: &Cursor<'_>,
    b: &mut TableBuilder,
    primary: bool,
    key: KeyConstraint,
) -> PResult<()> {
    if !primary {
        b.uniques.push(key);
        return Ok(());
    }
    if b.primary_key.is_some() {
        return cur.err("a table has at most one PRIMARY KEY");
    }
    b.primary_key = Some(key);
    Ok(())
}

/// `REFERENCES t [(cols)] [ON DELETE a] [ON UPDATE a] [NOT FOR REPLICATION]`.
fn references(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    b: &TableBuilder,
    name: Option<String>,
    columns: Vec<String>,
) -> PResult<ForeignKey> {
    cur.expect_kw("REFERENCES")?;
    let parts = cur.dotted_name()?;
    let referenced_table = ctx.object_name(&parts);
    let referenced_columns = if cur.is(&Token::LParen) {
        column_list(cur, false)?
    } else {
        // The referenced table's primary key (this table's own, when it refers to itself).
        ctx.db
            .table(Some(&referenced_table.schema), &referenced_table.name)
            .and_then(|(_, _, t)| t.primary_key.as_ref())
            .or(b.primary_key.as_ref())
            .map(|k| k.columns.clone())
            .unwrap_or_default()
    };
    let mut fk = ForeignKey {
        name,
        columns,
        referenced_table,
        referenced_columns,
        on_delete: None,
        on_update: None,
    };
    loop {
        if cur.is_kw("ON") && (cur.is_kw_at(1, "DELETE") || cur.is_kw_at(1, "UPDATE")) {
            let delete = cur.is_kw_at(1, "DELETE");
            cur.pos += 2;
            let action = if cur.eat_kws(&["NO", "ACTION"]) {
                None
            } else if cur.eat_kw("CASCADE") {
                Some("CASCADE".to_string())
            } else if cur.eat_kws(&["SET", "NULL"]) {
                Some("SET NULL".to_string())
            } else if cur.eat_kws(&["SET", "DEFAULT"]) {
                Some("SET DEFAULT".to_string())
            } else {
                return cur.expected("NO ACTION, CASCADE, SET NULL or SET DEFAULT");
            };
            if delete {
                fk.on_delete = action;
            } else {
                fk.on_update = action;
            }
        } else if cur.eat_kws(&["NOT", "FOR", "REPLICATION"]) {
        } else {
            return Ok(fk);
        }
    }
}

/// `[NOT FOR REPLICATION] ( condition )`: the condition's text.
fn check_body(cur: &mut Cursor<'_>) -> PResult<String> {
    cur.eat_kws(&["NOT", "FOR", "REPLICATION"]);
    if !cur.is(&Token::LParen) {
        return cur.expected("`(` and a CHECK condition");
    }
    let start = cur.pos;
    cur.skip_parens()?;
    Ok(cur.text_between(start + 1, cur.pos - 1).trim().to_string())
}

/// A table-level constraint (after its optional `CONSTRAINT name`).
fn table_constraint(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    b: &mut TableBuilder,
    name: Option<String>,
    mode: Mode,
) -> PResult<()> {
    if cur.is_kw("PRIMARY") || cur.is_kw("UNIQUE") {
        let (primary, clustered) = key_kind(cur)?;
        let columns = column_list(cur, true)?;
        index_options(cur)?;
        let key = KeyConstraint {
            name,
            columns,
            clustered,
        };
        add_key(cur, b, primary, key)
    } else if cur.eat_kw("FOREIGN") {
        cur.expect_kw("KEY")?;
        let columns = column_list(cur, false)?;
        let fk = references(ctx, cur, b, name, columns)?;
        b.foreign_keys.push(fk);
        Ok(())
    } else if cur.eat_kw("CHECK") {
        let expression = check_body(cur)?;
        b.checks.push(CheckConstraint { name, expression });
        Ok(())
    } else if mode == Mode::AlterAdd && cur.eat_kw("DEFAULT") {
        let expr = expression_text(cur)?;
        cur.expect_kw("FOR")?;
        let col = cur.ident()?;
        cur.eat_kws(&["WITH", "VALUES"]);
        b.defaults_for.push((col, expr));
        Ok(())
    } else {
        cur.expected("PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK or DEFAULT")
    }
}

/// `WITH ( ... )` after a table: returns the history table of `SYSTEM_VERSIONING = ON`.
pub(crate) fn table_options(ctx: &Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<Option<ObjectName>> {
    let start = cur.pos;
    cur.skip_parens()?;
    let inner = &cur.toks[start..cur.pos];
    let mut history = None;
    for (i, t) in inner.iter().enumerate() {
        if is_kw(&t.token, "HISTORY_TABLE")
            && matches!(inner.get(i + 1).map(|t| &t.token), Some(Token::Eq))
        {
            let mut c = Cursor::new(&inner[i + 2..], cur.text);
            let parts = c.dotted_name()?;
            history = Some(ctx.object_name(&parts));
        }
    }
    Ok(history)
}

/// Settles nullability, types computed columns, marks JSON columns, numbers ordinals.
pub(crate) fn finish_table(
    ctx: &Ctx<'_>,
    b: TableBuilder,
    name: &ObjectName,
    line: u32,
) -> PResult<Table> {
    let TableBuilder {
        mut columns,
        explicit_null,
        alias_null,
        spans,
        primary_key,
        uniques,
        foreign_keys,
        checks,
        period,
        defaults_for: _,
    } = b;
    let pk_cols: Vec<String> = primary_key
        .as_ref()
        .map(|k| k.columns.clone())
        .unwrap_or_default();
    for key in primary_key.iter().chain(uniques.iter()) {
        for c in &key.columns {
            if !columns.iter().any(|col| col.name.eq_ignore_ascii_case(c)) {
                return Err(super::tokens::ParseError::new(
                    line,
                    format!("key column `{c}` is not a column of {name}"),
                ));
            }
        }
    }
    if let Some((s, e)) = &period {
        for (which, c) in [(GeneratedAlways::RowStart, s), (GeneratedAlways::RowEnd, e)] {
            match columns.iter().find(|col| col.name.eq_ignore_ascii_case(c)) {
                Some(col) if col.generated_always == Some(which) => {}
                Some(_) => {
                    return Err(super::tokens::ParseError::new(
                        line,
                        format!(
                            "period column `{c}` is not declared GENERATED ALWAYS AS ROW {}",
                            if which == GeneratedAlways::RowStart {
                                "START"
                            } else {
                                "END"
                            }
                        ),
                    ))
                }
                None => {
                    return Err(super::tokens::ParseError::new(
                        line,
                        format!("period column `{c}` is not a column of {name}"),
                    ))
                }
            }
        }
    }
    for (i, col) in columns.iter_mut().enumerate() {
        col.ordinal = (i + 1) as u32;
        let in_pk = pk_cols.iter().any(|c| c.eq_ignore_ascii_case(&col.name));
        col.nullable = match explicit_null[i] {
            Some(true) if in_pk || col.identity.is_some() => {
                let mut e = super::tokens::ParseError::new(
                    line,
                    format!(
                        "column `{}` is declared NULL but is an IDENTITY or PRIMARY KEY column, which SQL Server refuses",
                        col.name
                    ),
                );
                if let Some(Some((l, s, end))) = spans.get(i) {
                    e.line = *l;
                    e.at = Some((*s, *end));
                }
                return Err(e);
            }
            Some(n) => n,
            None if in_pk
                || col.identity.is_some()
                || col.ty == SqlType::RowVersion
                || col.generated_always.is_some() =>
            {
                false
            }
            None if col.computed.is_some() => true,
            None => alias_null[i].unwrap_or(true),
        };
        if col.ty == SqlType::Json {
            col.json = true;
        }
    }
    // Computed columns: type what can be typed, in column order (one may use another).
    for i in 0..columns.len() {
        let Some(c) = &columns[i].computed else {
            continue;
        };
        let typed = computed::type_expression(&c.expression, &columns, ctx.db);
        if let Some(ty) = typed.ty {
            columns[i].ty = ty;
            if let Some(cc) = columns[i].computed.as_mut() {
                cc.untyped = false;
            }
        }
        if explicit_null[i].is_none() && typed.not_null {
            columns[i].nullable = false;
        }
    }
    // `CHECK (ISJSON(col) ...)` marks a JSON column.
    for check in &checks {
        for col in computed::isjson_columns(&check.expression) {
            if let Some(c) = columns
                .iter_mut()
                .find(|c| c.name.eq_ignore_ascii_case(&col))
            {
                c.json = true;
            }
        }
    }
    let temporal = period.map(|(s, e)| Temporal {
        period_start: s,
        period_end: e,
        history_table: None,
    });
    Ok(Table {
        columns,
        primary_key,
        unique_constraints: uniques,
        foreign_keys,
        check_constraints: checks,
        temporal,
    })
}
