//! Schemas, alias types, table types, sequences, and `DROP`.
//!
//! - `CREATE SCHEMA name [AUTHORIZATION owner] [element ...]`: elements (`CREATE TABLE`,
//!   `CREATE VIEW`, `GRANT`, ...) put their unqualified names in the new schema;
//! - `ALTER SCHEMA target TRANSFER [OBJECT::]schema.name` moves a table, view, routine
//!   or type;
//! - `CREATE TYPE name FROM base [NULL | NOT NULL]`: an alias type; columns declared with
//!   it get its base type and, unless they say otherwise, its nullability;
//! - `EXEC sp_addtype name, 'base', 'NOT NULL'`: the legacy spelling of the same (pubs);
//! - `CREATE TYPE name AS TABLE (...)`: a table type, for table-valued parameters;
//! - `CREATE SEQUENCE name [AS type] [START WITH n] [INCREMENT BY n] ...`, options in
//!   any order (`bigint` unless stated);
//! - `DROP TABLE | VIEW | PROCEDURE | FUNCTION | TYPE | SEQUENCE | SCHEMA
//!   [IF EXISTS] name, ...` removes what an earlier statement created.

use std::collections::BTreeMap;

use sqlparser::tokenizer::Token;

use super::create_table::table_type_body;
use super::data_type::parse_type;
use super::tokens::{Cursor, PResult};
use super::Ctx;
use crate::ident::{names_equal, IdentCase};
use crate::model::{AliasType, ObjectName, Sequence};
use crate::types::SqlType;

/// `CREATE SCHEMA name [AUTHORIZATION owner]`.
pub(crate) fn create_schema(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("CREATE")?;
    cur.expect_kw("SCHEMA")?;
    let name = if cur.is_kw("AUTHORIZATION") {
        cur.pos += 1;
        cur.ident()? // `CREATE SCHEMA AUTHORIZATION owner`: the schema is named for its owner
    } else {
        let n = cur.ident()?;
        if cur.eat_kw("AUTHORIZATION") {
            cur.ident()?;
        }
        n
    };
    let nested = cur.toks[cur.pos..].windows(2).position(|w| {
        super::tokens::is_kw(&w[0].token, "CREATE") && super::tokens::is_kw(&w[1].token, "SCHEMA")
    });
    if let Some(at) = nested {
        cur.pos += at;
        return cur.err("CREATE SCHEMA cannot be an element of another CREATE SCHEMA");
    }
    let name = ctx.schema_name(&name);
    ctx.db.schema_mut(&name);
    // Schema elements: `CREATE SCHEMA s CREATE TABLE t (...) GRANT ...`. Their
    // unqualified names belong to the new schema, as SQL Server reads them.
    let saved = std::mem::replace(&mut ctx.db.default_schema, name);
    while !cur.at_end() {
        let end = super::statement::statement_end(cur.toks, cur.pos).max(cur.pos + 1);
        super::statement::dispatch(ctx, Cursor::new(&cur.toks[cur.pos..end], cur.text));
        cur.pos = end;
    }
    ctx.db.default_schema = saved;
    Ok(())
}

/// `ALTER SCHEMA target TRANSFER [kind::]schema.name`.
pub(crate) fn alter_schema(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("ALTER")?;
    cur.expect_kw("SCHEMA")?;
    let target = ctx.schema_name(&cur.ident()?);
    cur.expect_kw("TRANSFER")?;
    if matches!(cur.peek_at(1), Some(Token::DoubleColon)) {
        cur.pos += 2;
    }
    let parts = cur.dotted_name()?;
    let from = ctx.object_name(&parts);
    if !cur.at_end() {
        return cur.expected("the end of ALTER SCHEMA");
    }
    let Some((schema_key, _)) = ctx.db.schema(&from.schema).map(|(k, s)| (k.to_string(), s)) else {
        return cur.err(format!(
            "schema `{}` was not created by the scripts",
            from.schema
        ));
    };
    let src = ctx
        .db
        .schemas
        .get_mut(&schema_key)
        .expect("schema found above");
    macro_rules! take {
        ($field:ident) => {{
            let key = src
                .$field
                .keys()
                .find(|k| k.eq_ignore_ascii_case(&from.name))
                .cloned();
            key.and_then(|k| src.$field.remove(&k).map(|v| (k, v)))
        }};
    }
    if let Some((k, v)) = take!(tables) {
        super::insert_object(ctx.db, &target, |s| &mut s.tables, k, v);
    } else if let Some((k, v)) = take!(views) {
        super::insert_object(ctx.db, &target, |s| &mut s.views, k, v);
    } else if let Some((k, v)) = take!(procedures) {
        super::insert_object(ctx.db, &target, |s| &mut s.procedures, k, v);
    } else if let Some((k, v)) = take!(functions) {
        super::insert_object(ctx.db, &target, |s| &mut s.functions, k, v);
    } else if let Some((k, v)) = take!(alias_types) {
        super::insert_object(ctx.db, &target, |s| &mut s.alias_types, k, v);
    } else if let Some((k, v)) = take!(table_types) {
        super::insert_object(ctx.db, &target, |s| &mut s.table_types, k, v);
    } else if let Some((k, v)) = take!(sequences) {
        super::insert_object(ctx.db, &target, |s| &mut s.sequences, k, v);
    } else {
        return cur.err(format!("`{from}` was not created by the scripts"));
    }
    Ok(())
}

/// `CREATE TYPE name FROM base [NULL | NOT NULL]` or `CREATE TYPE name AS TABLE (...)`.
pub(crate) fn create_type(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("CREATE")?;
    cur.expect_kw("TYPE")?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    if cur.eat_kw("FROM") {
        let ty = parse_type(cur, ctx, false)?;
        if ty.alias.is_some() {
            return cur.err("an alias type must be based on a system type");
        }
        let nullable = if cur.eat_kws(&["NOT", "NULL"]) {
            false
        } else {
            cur.eat_kw("NULL");
            true
        };
        if !cur.at_end() {
            return cur.expected("the end of CREATE TYPE");
        }
        insert_alias(ctx, name, ty.ty, nullable);
        Ok(())
    } else if cur.eat_kws(&["AS", "TABLE"]) {
        let tt = table_type_body(ctx, cur, &name)?;
        super::insert_object(ctx.db, &name.schema, |s| &mut s.table_types, name.name, tt);
        Ok(())
    } else if cur.is_kw("EXTERNAL") {
        cur.err("CLR user-defined types are not supported")
    } else {
        cur.expected("`FROM` or `AS TABLE`")
    }
}

fn insert_alias(ctx: &mut Ctx<'_>, name: ObjectName, ty: SqlType, nullable: bool) {
    super::insert_object(
        ctx.db,
        &name.schema,
        |s| &mut s.alias_types,
        name.name,
        AliasType { ty, nullable },
    );
}

/// One `sp_addtype` / `sp_droptype` argument: `[@param =] value`, value a string or a name.
fn proc_arg(cur: &mut Cursor<'_>) -> PResult<String> {
    if matches!(cur.peek(), Some(Token::Word(w)) if w.value.starts_with('@')) && cur.is_at_eq(1) {
        cur.pos += 2;
    }
    let v = match cur.peek() {
        Some(Token::SingleQuotedString(s)) | Some(Token::NationalStringLiteral(s)) => s.clone(),
        Some(Token::Word(w)) => w.value.clone(),
        _ => return cur.expected("an argument"),
    };
    cur.pos += 1;
    Ok(v)
}

impl Cursor<'_> {
    fn is_at_eq(&self, n: usize) -> bool {
        matches!(self.peek_at(n), Some(Token::Eq))
    }
}

/// `EXEC sp_addtype name, 'base type' [, 'NULL' | 'NOT NULL' | 'NONULL']`.
pub(crate) fn sp_addtype(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    skip_exec_and_proc_name(cur)?;
    let name = proc_arg(cur)?;
    cur.expect(&Token::Comma, "`,` and the base type")?;
    let base = proc_arg(cur)?;
    let ty: SqlType = base.parse().map_err(|e: crate::types::TypeError| {
        super::tokens::ParseError::new(cur.line(), format!("sp_addtype base type: {e}"))
    })?;
    let nullable = if cur.eat(&Token::Comma) {
        let n = proc_arg(cur)?.to_ascii_uppercase();
        match n.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "NULL" => true,
            "NOT NULL" | "NONULL" => false,
            other => {
                return cur.err(format!(
                    "sp_addtype nullability `{other}` is not NULL, NOT NULL or NONULL"
                ))
            }
        }
    } else {
        true
    };
    if cur.eat(&Token::Comma) {
        proc_arg(cur)?; // owner
    }
    if !cur.at_end() {
        return cur.expected("the end of sp_addtype");
    }
    let parts: Vec<String> = name.split('.').map(str::to_string).collect();
    let name = ctx.object_name(&parts);
    insert_alias(ctx, name, ty, nullable);
    Ok(())
}

/// `EXEC sp_rename 'schema.table', 'new'` and `EXEC sp_rename 'schema.table.column',
/// 'new', 'COLUMN'`; other renames (indexes, statistics, types) are reported.
pub(crate) fn sp_rename(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    skip_exec_and_proc_name(cur)?;
    let old = proc_arg(cur)?;
    cur.expect(&Token::Comma, "`,` and the new name")?;
    let new = proc_arg(cur)?;
    let kind = if cur.eat(&Token::Comma) {
        proc_arg(cur)?.to_ascii_uppercase()
    } else {
        "OBJECT".to_string()
    };
    if !cur.at_end() {
        return cur.expected("the end of sp_rename");
    }
    // The old name is one string, possibly bracketed part by part: `[dbo].[t].[c]`.
    let toks = super::tokens::tokenize(&old, cur.line())?;
    let mut c = Cursor::new(&toks, &old);
    let parts = c.dotted_name()?;
    if !c.at_end() {
        return cur.err(format!("sp_rename: cannot read the name `{old}`"));
    }
    match kind.as_str() {
        "OBJECT" => {
            let (schema, stored) = created_table(ctx, cur, &ctx.object_name(&parts))?;
            let table = ctx
                .db
                .schema_mut(&schema)
                .tables
                .remove(&stored)
                .expect("found above");
            super::insert_object(ctx.db, &schema, |s| &mut s.tables, new, table);
            Ok(())
        }
        "COLUMN" if parts.len() >= 2 => {
            let column = parts[parts.len() - 1].clone();
            let name = ctx.object_name(&parts[..parts.len() - 1]);
            let (schema, stored) = created_table(ctx, cur, &name)?;
            let table = ctx
                .db
                .schema_mut(&schema)
                .tables
                .get_mut(&stored)
                .expect("found above");
            let Some(col) = table.column_mut(&column) else {
                return cur.err(format!("sp_rename: `{column}` is not a column of {name}"));
            };
            col.name = new.clone();
            let rename = |c: &mut String| {
                if c.eq_ignore_ascii_case(&column) {
                    *c = new.clone();
                }
            };
            if let Some(pk) = table.primary_key.as_mut() {
                pk.columns.iter_mut().for_each(rename);
            }
            for k in &mut table.unique_constraints {
                k.columns.iter_mut().for_each(rename);
            }
            for fk in &mut table.foreign_keys {
                fk.columns.iter_mut().for_each(rename);
            }
            if let Some(t) = table.temporal.as_mut() {
                rename(&mut t.period_start);
                rename(&mut t.period_end);
            }
            Ok(())
        }
        "INDEX" | "STATISTICS" => {
            let mut e = super::tokens::ParseError::new(
                cur.line(),
                "renames an index or statistics: no schema fact",
            );
            e.ignored = true;
            Err(e)
        }
        other => cur.err(format!("sp_rename of kind `{other}` is not supported")),
    }
}

/// The stored schema and table keys of `name`, which `sp_rename` may only rename
/// when the scripts created it.
fn created_table(ctx: &Ctx<'_>, cur: &Cursor<'_>, name: &ObjectName) -> PResult<(String, String)> {
    match ctx.db.table(Some(&name.schema), &name.name) {
        Some((schema, stored, _)) => Ok((schema.to_string(), stored.to_string())),
        None => cur.err(format!(
            "sp_rename: `{name}` is not a table the scripts created"
        )),
    }
}

/// `EXEC sp_droptype name`.
pub(crate) fn sp_droptype(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    skip_exec_and_proc_name(cur)?;
    let name = proc_arg(cur)?;
    let name = ctx.object_name(&[name]);
    remove(ctx, "TYPE", &name);
    Ok(())
}

fn skip_exec_and_proc_name(cur: &mut Cursor<'_>) -> PResult<()> {
    if !(cur.eat_kw("EXEC") || cur.eat_kw("EXECUTE")) {
        return cur.expected("EXEC");
    }
    cur.dotted_name()?;
    Ok(())
}

/// `CREATE SEQUENCE name [AS type] [START WITH n] [INCREMENT BY n] [MINVALUE ...] ...`.
pub(crate) fn create_sequence(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("CREATE")?;
    cur.expect_kw("SEQUENCE")?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    let mut seq = Sequence {
        ty: SqlType::BigInt,
        start: None,
        increment: None,
    };
    let number = |cur: &mut Cursor<'_>| -> PResult<String> {
        let neg = cur.eat(&Token::Minus);
        match cur.peek() {
            Some(Token::Number(n, _)) => {
                let n = if neg { format!("-{n}") } else { n.clone() };
                cur.pos += 1;
                Ok(n)
            }
            _ => cur.expected("a number"),
        }
    };
    while !cur.at_end() {
        if cur.eat_kw("AS") {
            let t = parse_type(cur, ctx, false)?;
            seq.ty = t.ty;
        } else if cur.eat_kws(&["START", "WITH"]) {
            seq.start = Some(number(cur)?);
        } else if cur.eat_kws(&["INCREMENT", "BY"]) {
            seq.increment = Some(number(cur)?);
        } else if cur.eat_kw("MINVALUE") || cur.eat_kw("MAXVALUE") || cur.eat_kw("CACHE") {
            if matches!(cur.peek(), Some(Token::Number(..)) | Some(Token::Minus)) {
                number(cur)?;
            }
        } else if cur.eat_kws(&["NO", "MINVALUE"])
            || cur.eat_kws(&["NO", "MAXVALUE"])
            || cur.eat_kws(&["NO", "CYCLE"])
            || cur.eat_kws(&["NO", "CACHE"])
            || cur.eat_kw("CYCLE")
        {
        } else {
            return cur.expected("a sequence option (AS, START WITH, INCREMENT BY, MINVALUE, MAXVALUE, CYCLE, CACHE)");
        }
    }
    if !matches!(
        seq.ty,
        SqlType::TinyInt
            | SqlType::SmallInt
            | SqlType::Int
            | SqlType::BigInt
            | SqlType::Decimal { scale: 0, .. }
            | SqlType::Numeric { scale: 0, .. }
    ) {
        return cur.err(format!("a sequence cannot be of type {}", seq.ty));
    }
    super::insert_object(ctx.db, &name.schema, |s| &mut s.sequences, name.name, seq);
    Ok(())
}

/// `DROP kind [IF EXISTS] name [, name ...]`.
pub(crate) fn drop(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("DROP")?;
    let kind = match cur.next().and_then(|t| super::tokens::kw_of(&t.token)) {
        Some(k) => k,
        None => return cur.expected("an object kind"),
    };
    cur.eat_kws(&["IF", "EXISTS"]);
    let mut names = Vec::new();
    loop {
        let parts = cur.dotted_name()?;
        names.push(if kind == "SCHEMA" {
            ObjectName::new(
                ctx.schema_name(&parts.last().cloned().unwrap_or_default()),
                "",
            )
        } else {
            ctx.object_name(&parts)
        });
        if !cur.eat(&Token::Comma) {
            break;
        }
    }
    if !cur.at_end() {
        return cur.expected("the end of DROP");
    }
    for n in names {
        remove(ctx, &kind, &n);
    }
    Ok(())
}

/// Removes an object if it exists (dropping what does not exist is not an error here:
/// scripts guard their drops, and the guard is not evaluated).
fn remove(ctx: &mut Ctx<'_>, kind: &str, name: &ObjectName) {
    let case = ctx.db.ident_case();
    let Some(key) = ctx.db.schema(&name.schema).map(|(k, _)| k.to_string()) else {
        return;
    };
    if kind == "SCHEMA" {
        ctx.db.schemas.remove(&key);
        return;
    }
    let s = ctx.db.schemas.get_mut(&key).expect("schema found above");
    fn rm<T>(map: &mut BTreeMap<String, T>, name: &str, case: IdentCase) {
        if let Some(k) = map.keys().find(|k| names_equal(k, name, case)).cloned() {
            map.remove(&k);
        }
    }
    let n = &name.name;
    match kind {
        "TABLE" => rm(&mut s.tables, n, case),
        "VIEW" => rm(&mut s.views, n, case),
        "PROC" | "PROCEDURE" => rm(&mut s.procedures, n, case),
        "FUNCTION" => rm(&mut s.functions, n, case),
        "TYPE" => {
            rm(&mut s.alias_types, n, case);
            rm(&mut s.table_types, n, case);
        }
        "SEQUENCE" => rm(&mut s.sequences, n, case),
        _ => {}
    }
}
