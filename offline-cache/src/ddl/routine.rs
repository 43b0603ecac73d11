//! Views, procedures and functions: what callers and queries need, not the bodies.
//!
//! - `CREATE [OR ALTER] VIEW name [(columns)] [WITH SCHEMABINDING, ...] AS select`:
//!   the definition text after `AS` (a trailing `WITH CHECK OPTION` dropped); the
//!   analyzer types its columns from it;
//! - `CREATE [OR ALTER] PROC[EDURE] name [(] @p type [VARYING] [NULL] [= default]
//!   [OUT | OUTPUT] [READONLY], ... [)] [WITH ...] AS body`: the parameters;
//! - `CREATE [OR ALTER] FUNCTION name (params) RETURNS type | TABLE | @t TABLE (...)`:
//!   the parameters and what it returns (an inline function keeps its `RETURN`ed
//!   SELECT for the analyzer).
//!
//! Bodies are skipped: a routine runs to the end of its batch, as SQL Server requires.
//! `ALTER VIEW | PROCEDURE | FUNCTION` replaces the earlier definition.

use sqlparser::tokenizer::Token;

use super::create_table::function_result_columns;
use super::data_type::parse_type;
use super::tokens::{kw_of, Cursor, PResult};
use super::Ctx;
use crate::model::{Function, FunctionReturns, ObjectName, Parameter, Procedure, View};

/// `CREATE [OR ALTER] | ALTER` and the object kind word(s).
fn header(cur: &mut Cursor<'_>, kinds: &[&str]) -> PResult<()> {
    if cur.eat_kw("CREATE") {
        cur.eat_kws(&["OR", "ALTER"]);
    } else {
        cur.expect_kw("ALTER")?;
    }
    if kinds.iter().any(|k| cur.eat_kw(k)) {
        Ok(())
    } else {
        cur.expected(kinds[0])
    }
}

/// `CREATE VIEW`.
pub(crate) fn view(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    header(cur, &["VIEW"])?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    let mut view = View::default();
    if cur.is(&Token::LParen) {
        view.column_names = super::create_table::column_list(cur, false)?;
    }
    if cur.eat_kw("WITH") {
        loop {
            if cur.eat_kw("SCHEMABINDING") {
                view.schemabinding = true;
            } else if cur.eat_kw("ENCRYPTION") || cur.eat_kw("VIEW_METADATA") {
            } else {
                return cur.expected("SCHEMABINDING, ENCRYPTION or VIEW_METADATA");
            }
            if !cur.eat(&Token::Comma) {
                break;
            }
        }
    }
    cur.expect_kw("AS")?;
    let mut end = end_without_semicolons(cur, cur.pos);
    if end >= cur.pos + 3
        && ["WITH", "CHECK", "OPTION"]
            .iter()
            .enumerate()
            .all(|(i, k)| super::tokens::is_kw(&cur.toks[end - 3 + i].token, k))
    {
        end -= 3;
    }
    if end <= cur.pos {
        return cur.expected("the view's SELECT");
    }
    view.definition = cur.text_between(cur.pos, end).to_string();
    cur.pos = cur.toks.len();
    super::insert_object(ctx.db, &name.schema, |s| &mut s.views, name.name, view);
    Ok(())
}

/// `CREATE PROCEDURE`.
pub(crate) fn procedure(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    header(cur, &["PROCEDURE", "PROC"])?;
    let parts = cur.dotted_name()?;
    let name: ObjectName = ctx.object_name(&parts);
    if cur.eat(&Token::SemiColon) {
        // `name;1`: numbered procedures
        cur.next();
    }
    let parenthesised = cur.eat(&Token::LParen);
    let parameters = parameters(ctx, cur)?;
    if parenthesised {
        cur.expect(&Token::RParen, "`)` after the parameters")?;
    }
    routine_options(cur)?;
    cur.eat_kws(&["FOR", "REPLICATION"]);
    cur.expect_kw("AS")?;
    cur.pos = cur.toks.len();
    super::insert_object(
        ctx.db,
        &name.schema,
        |s| &mut s.procedures,
        name.name,
        Procedure { parameters },
    );
    Ok(())
}

/// The end of the statement's tokens, trailing `;` left out (but none before `from`).
fn end_without_semicolons(cur: &Cursor<'_>, from: usize) -> usize {
    let mut end = cur.toks.len();
    while end > from && cur.toks[end - 1].token == Token::SemiColon {
        end -= 1;
    }
    end
}

/// `CREATE FUNCTION`.
pub(crate) fn function(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<()> {
    header(cur, &["FUNCTION"])?;
    let parts = cur.dotted_name()?;
    let name = ctx.object_name(&parts);
    cur.expect(&Token::LParen, "`(` and the parameters")?;
    let parameters = parameters(ctx, cur)?;
    cur.expect(&Token::RParen, "`)` after the parameters")?;
    cur.expect_kw("RETURNS")?;
    let returns = if cur.eat_kw("TABLE") {
        routine_options(cur)?;
        cur.eat_kw("AS");
        cur.expect_kw("RETURN")?;
        let (mut s, mut e) = (cur.pos, end_without_semicolons(cur, cur.pos));
        // `RETURN ( select )`: drop the outer parentheses.
        if e > s + 1 && cur.toks[s].token == Token::LParen && matching_paren(cur, s) == Some(e - 1)
        {
            s += 1;
            e -= 1;
        }
        if e <= s {
            return cur.expected("the SELECT after RETURN");
        }
        FunctionReturns::InlineTable {
            definition: cur.text_between(s, e).to_string(),
        }
    } else if matches!(cur.peek(), Some(Token::Word(w)) if w.value.starts_with('@')) {
        cur.pos += 1;
        cur.expect_kw("TABLE")?;
        FunctionReturns::Table {
            columns: function_result_columns(ctx, cur)?,
        }
    } else {
        let ty = parse_type(cur, ctx, false)?;
        FunctionReturns::Scalar { ty: ty.ty }
    };
    cur.pos = cur.toks.len();
    super::insert_object(
        ctx.db,
        &name.schema,
        |s| &mut s.functions,
        name.name,
        Function {
            parameters,
            returns,
        },
    );
    Ok(())
}

fn matching_paren(cur: &Cursor<'_>, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in cur.toks.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `WITH option, ...` of a routine (up to `AS`, `BEGIN` or `RETURN`).
fn routine_options(cur: &mut Cursor<'_>) -> PResult<()> {
    if !cur.eat_kw("WITH") {
        return Ok(());
    }
    loop {
        if cur.eat_kws(&["EXECUTE", "AS"]) || cur.eat_kws(&["EXEC", "AS"]) {
            cur.next();
        } else if cur.eat_kws(&["RETURNS", "NULL", "ON", "NULL", "INPUT"])
            || cur.eat_kws(&["CALLED", "ON", "NULL", "INPUT"])
        {
        } else if cur.eat_kw("INLINE") {
            cur.expect(&Token::Eq, "`=`")?;
            cur.next();
        } else if matches!(cur.peek(), Some(Token::Word(_))) && !cur.is_kw("AS") {
            cur.next();
        } else {
            return cur.expected("a routine option");
        }
        if !cur.eat(&Token::Comma) {
            return Ok(());
        }
    }
}

/// `@name [AS] type [VARYING] [NULL | NOT NULL] [= default] [OUT | OUTPUT] [READONLY], ...`.
fn parameters(ctx: &Ctx<'_>, cur: &mut Cursor<'_>) -> PResult<Vec<Parameter>> {
    let mut out = Vec::new();
    loop {
        let name = match cur.peek() {
            Some(Token::Word(w)) if w.value.starts_with('@') => w.value.clone(),
            _ => return Ok(out),
        };
        cur.pos += 1;
        cur.eat_kw("AS");
        if cur.is_kw("CURSOR") {
            return cur.err(format!("cursor parameter `{name}` is not supported"));
        }
        let ty = parse_type(cur, ctx, true)?;
        cur.eat_kw("VARYING");
        let _ = cur.eat_kws(&["NOT", "NULL"]) || cur.eat_kw("NULL");
        let mut p = Parameter {
            name,
            ty: if ty.table_type.is_some() {
                None
            } else {
                Some(ty.ty)
            },
            table_type: ty.table_type,
            alias_type: ty.alias.map(|(n, _)| n),
            default: None,
            output: false,
        };
        if cur.eat(&Token::Eq) {
            let start = cur.pos;
            let mut depth = 0usize;
            while let Some(t) = cur.peek() {
                match t {
                    Token::LParen => depth += 1,
                    Token::RParen if depth == 0 => break,
                    Token::RParen => depth -= 1,
                    Token::Comma if depth == 0 => break,
                    _ if depth == 0
                        && matches!(
                            kw_of(t).as_deref(),
                            Some("OUT" | "OUTPUT" | "READONLY" | "AS" | "WITH" | "FOR" | "RETURNS")
                        ) =>
                    {
                        break
                    }
                    _ => {}
                }
                cur.pos += 1;
            }
            if cur.pos == start {
                return cur.expected("a default value");
            }
            p.default = Some(cur.text_between(start, cur.pos).to_string());
        }
        loop {
            if cur.eat_kw("OUT") || cur.eat_kw("OUTPUT") {
                p.output = true;
            } else if cur.eat_kw("READONLY") {
            } else {
                break;
            }
        }
        out.push(p);
        if !cur.eat(&Token::Comma) {
            return Ok(out);
        }
    }
}
