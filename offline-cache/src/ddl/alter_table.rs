//! `ALTER TABLE`: what scripts add after `CREATE TABLE`.
//!
//! - `[WITH CHECK | NOCHECK] ADD element, ...`: columns, PRIMARY KEY / UNIQUE /
//!   FOREIGN KEY / CHECK constraints (several, comma-separated, as SSMS writes them),
//!   `[CONSTRAINT n] DEFAULT expr FOR col`, `PERIOD FOR SYSTEM_TIME (...)`;
//! - `[WITH CHECK | NOCHECK] CHECK | NOCHECK CONSTRAINT ALL | name, ...`: enforcement
//!   only, nothing the snapshot keeps;
//! - `DROP [CONSTRAINT | COLUMN] [IF EXISTS] name, ...`;
//! - `ALTER COLUMN name type [COLLATE c] [NULL | NOT NULL]` (without either, the column
//!   becomes nullable, as SQL Server does), and `ALTER COLUMN name ADD | DROP ROWGUIDCOL | SPARSE | HIDDEN`;
//! - `SET (SYSTEM_VERSIONING = ON (HISTORY_TABLE = ...) | OFF)`, `SET (LOCK_ESCALATION = ...)`;
//! - `ENABLE | DISABLE TRIGGER ...`, `REBUILD`, `SWITCH`: nothing the snapshot keeps.
//!
//! The statement is read in full before the table changes: one that fails halfway
//! changes nothing.

use sqlparser::tokenizer::Token;

use super::create_table::{finish_table, read_element, table_options, Mode, TableBuilder};
use super::data_type::parse_type;
use super::tokens::{Cursor, PResult};
use super::Ctx;
use crate::model::Table;

/// Reads `ALTER TABLE ...` and applies it.
pub(crate) fn alter_table(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    cur.expect_kw("ALTER")?;
    cur.expect_kw("TABLE")?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    let Some((schema, stored, table)) = ctx.db.table(Some(&name.schema), &name.name) else {
        let drops = cur.is_kw("DROP") || (cur.is_kw("WITH") && cur.is_kw_at(2, "DROP"));
        let mut e = super::tokens::ParseError::new(
            cur.line(),
            format!("table `{name}` was not created by the scripts"),
        );
        if drops {
            // Dropping from a table that does not exist removes nothing.
            e.message = format!(
                "drops from `{name}`, which the scripts have not created: nothing to remove"
            );
            e.ignored = true;
        }
        return Err(e);
    };
    let (schema, stored) = (schema.to_string(), stored.to_string());
    let mut table = table.clone();
    if cur.eat_kw("WITH") && !(cur.eat_kw("CHECK") || cur.eat_kw("NOCHECK")) {
        return cur.expected("`CHECK` or `NOCHECK` after `WITH`");
    }
    if cur.eat_kw("ADD") {
        cur.eat_kw("COLUMN");
        table = add(ctx, cur, table, &name)?;
    } else if cur.is_kw("CHECK") || cur.is_kw("NOCHECK") {
        cur.pos += 1;
        cur.expect_kw("CONSTRAINT")?;
        if !cur.eat_kw("ALL") {
            loop {
                cur.ident()?;
                if !cur.eat(&Token::Comma) {
                    break;
                }
            }
        }
    } else if cur.eat_kw("DROP") {
        drop(cur, &mut table)?;
    } else if cur.eat_kw("ALTER") {
        cur.expect_kw("COLUMN")?;
        alter_column(ctx, cur, &mut table)?;
    } else if cur.eat_kw("SET") {
        let start = cur.pos;
        let history = table_options(ctx, cur)?;
        let inner = cur.text_between(start, cur.pos).to_ascii_uppercase();
        if inner.contains("SYSTEM_VERSIONING") {
            match table.temporal.as_mut() {
                Some(t)
                    if inner.contains("OFF")
                        && !inner.contains("= ON")
                        && !inner.contains("=ON") =>
                {
                    t.history_table = None
                }
                Some(t) => t.history_table = history,
                None => {
                    return cur.err("SYSTEM_VERSIONING on a table without PERIOD FOR SYSTEM_TIME")
                }
            }
        }
    } else if cur.eat_kw("ENABLE")
        || cur.eat_kw("DISABLE")
        || cur.eat_kw("REBUILD")
        || cur.eat_kw("SWITCH")
    {
        cur.pos = cur.toks.len();
    } else {
        return cur.expected("ADD, DROP, ALTER COLUMN, CHECK / NOCHECK CONSTRAINT or SET");
    }
    if !cur.at_end() {
        return cur.expected("the end of ALTER TABLE");
    }
    super::insert_object(ctx.db, &schema, |s| &mut s.tables, stored, table);
    Ok(())
}

/// `ADD element, ...` onto a copy of the table.
fn add(
    ctx: &Ctx<'_>,
    cur: &mut Cursor<'_>,
    table: Table,
    name: &crate::model::ObjectName,
) -> PResult<Table> {
    let history = table
        .temporal
        .as_ref()
        .and_then(|t| t.history_table.clone());
    let mut b = TableBuilder {
        explicit_null: table.columns.iter().map(|c| Some(c.nullable)).collect(),
        spans: vec![None; table.columns.len()],
        alias_null: vec![None; table.columns.len()],
        columns: table.columns,
        primary_key: table.primary_key,
        uniques: table.unique_constraints,
        foreign_keys: table.foreign_keys,
        checks: table.check_constraints,
        period: table.temporal.map(|t| (t.period_start, t.period_end)),
        defaults_for: Vec::new(),
    };
    let had_pk = b.primary_key.is_some();
    loop {
        read_element(ctx, cur, &mut b, Mode::AlterAdd)?;
        if !cur.eat(&Token::Comma) {
            break;
        }
    }
    // An added primary key needs NOT NULL columns; SQL Server refuses a nullable one.
    if !had_pk {
        if let Some(pk) = &b.primary_key {
            for c in &pk.columns {
                if let Some(i) = b
                    .columns
                    .iter()
                    .position(|col| col.name.eq_ignore_ascii_case(c))
                {
                    if b.explicit_null[i] == Some(true) {
                        return cur.err(format!(
                            "PRIMARY KEY on nullable column `{c}`, which SQL Server refuses"
                        ));
                    }
                }
            }
        }
    }
    let defaults = std::mem::take(&mut b.defaults_for);
    let mut t = finish_table(ctx, b, name, super::create_table::stmt_line(cur))?;
    for (col, expr) in defaults {
        match t.column_mut(&col) {
            Some(c) => c.default = Some(expr),
            None => {
                return cur.err(format!(
                    "DEFAULT for `{col}`, which is not a column of {name}"
                ))
            }
        }
    }
    if let Some(tp) = t.temporal.as_mut() {
        tp.history_table = history;
    }
    Ok(t)
}

/// `DROP [CONSTRAINT | COLUMN] [IF EXISTS] name, ...`.
fn drop(cur: &mut Cursor<'_>, table: &mut Table) -> PResult<()> {
    if cur.eat_kws(&["PERIOD", "FOR", "SYSTEM_TIME"]) {
        table.temporal = None;
        return Ok(());
    }
    let mut column = false;
    loop {
        if cur.eat_kw("COLUMN") {
            column = true;
        } else if cur.eat_kw("CONSTRAINT") {
            column = false;
        }
        cur.eat_kws(&["IF", "EXISTS"]);
        let n = cur.ident()?;
        if column {
            let before = table.columns.len();
            table.columns.retain(|c| !c.name.eq_ignore_ascii_case(&n));
            if table.columns.len() == before {
                // `DROP COLUMN IF EXISTS` of a missing column is fine; we do not know
                // which was meant, and dropping nothing is safe.
            }
            for (i, c) in table.columns.iter_mut().enumerate() {
                c.ordinal = (i + 1) as u32;
            }
        } else {
            let same =
                |k: &Option<String>| k.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(&n));
            if table.primary_key.as_ref().is_some_and(|k| same(&k.name)) {
                table.primary_key = None;
            }
            table.unique_constraints.retain(|k| !same(&k.name));
            table.foreign_keys.retain(|k| !same(&k.name));
            table.check_constraints.retain(|k| !same(&k.name));
            // A named DEFAULT constraint: its name is not kept, so the default stays.
        }
        if !cur.eat(&Token::Comma) {
            return Ok(());
        }
    }
}

/// `ALTER COLUMN name type [COLLATE c] [NULL | NOT NULL]` or `... ADD | DROP property`.
fn alter_column(ctx: &Ctx<'_>, cur: &mut Cursor<'_>, table: &mut Table) -> PResult<()> {
    let name = cur.ident()?;
    let in_pk = table
        .primary_key
        .as_ref()
        .is_some_and(|k| k.columns.iter().any(|c| c.eq_ignore_ascii_case(&name)));
    let Some(col) = table.column_mut(&name) else {
        return cur.err(format!("column `{name}` does not exist"));
    };
    if cur.is_kw("ADD") || cur.is_kw("DROP") {
        let add = cur.eat_kw("ADD");
        if !add {
            cur.pos += 1;
        }
        if cur.eat_kw("ROWGUIDCOL") {
            col.rowguidcol = add;
        } else if cur.eat_kw("SPARSE") {
            col.sparse = add;
        } else if cur.eat_kw("HIDDEN") {
            col.hidden = add;
        } else {
            cur.pos = cur.toks.len(); // PERSISTED, NOT FOR REPLICATION, MASKED: no fact kept
        }
        return Ok(());
    }
    let ty = parse_type(cur, ctx, false)?;
    let mut nullable = None;
    let mut collation = None;
    while !cur.at_end() {
        if cur.eat_kw("COLLATE") {
            collation = Some(cur.ident()?);
        } else if cur.eat_kws(&["NOT", "NULL"]) {
            nullable = Some(false);
        } else if cur.eat_kw("NULL") {
            nullable = Some(true);
        } else if cur.eat_kw("SPARSE") {
            col.sparse = true;
        } else {
            return cur.expected("COLLATE, NULL or NOT NULL");
        }
    }
    let alias_null = ty.alias.as_ref().map(|(_, n)| *n);
    col.nullable = nullable.or(alias_null).unwrap_or(true) && !in_pk;
    col.ty = ty.ty;
    col.alias_type = ty.alias.map(|(n, _)| n);
    col.xml_schema_collection = ty.xml_collection;
    col.collation = collation;
    col.json = col.ty == crate::types::SqlType::Json || col.json;
    Ok(())
}
