//! Statement boundaries, control flow, and what each statement is.
//!
//! T-SQL needs no `;` between statements, so a statement ends at a `;`, at the end of
//! its batch, or where the next statement visibly begins: a word such as `CREATE`,
//! `INSERT` or `PRINT` at parenthesis depth 0, in a place where it cannot continue the
//! current statement (`ON DELETE CASCADE` does not start a `DELETE`; `ALTER TABLE t
//! DROP CONSTRAINT x` does not start a `DROP`). `CREATE VIEW`, `PROCEDURE`, `FUNCTION`
//! and `TRIGGER` run to the end of their batch, as SQL Server requires.
//!
//! Control flow is read, not run: both branches of an `IF` (and the body of a
//! `WHILE`) are imported whatever the condition says. A guard such as
//! `IF NOT EXISTS (...) CREATE ...` asks about the server's state, not the schema's;
//! and a constant `IF 0 = 1 BEGIN ... END` (the StackOverflow loader's optional
//! sections, switched on by rewriting the condition) still describes tables the script
//! creates in some configuration. A schema with more tables than the deployed one lets
//! a query on a missing table compile; one with fewer rejects valid queries.
//!
//! Each statement is then dispatched on its leading words to the module that reads
//! it, or skipped as deliberately ignored (indexes, grants, data, ...) or not
//! understood.

use sqlparser::tokenizer::Token;

use super::batch::Batch;
use super::tokens::{is_kw, kw_of, tokenize, Cursor, ParseError, Tok};
use super::{alter_table, create_table, objects, routine, Ctx, SkipReason};

/// Imports every statement of one batch.
pub(crate) fn import_batch(ctx: &mut Ctx<'_>, batch: &Batch) {
    let toks = match tokenize(&batch.text, batch.first_line) {
        Ok(t) => t,
        Err(e) => {
            let kind = leading_kind_of_text(&batch.text);
            let line = batch.first_line
                + batch
                    .text
                    .lines()
                    .take_while(|l| l.trim().is_empty())
                    .count() as u32;
            ctx.skip_line(
                line,
                &batch.text,
                &kind,
                SkipReason::NotUnderstood(format!(
                    "cannot tokenize this batch (line {}: {}); the whole batch is skipped",
                    e.line, e.message
                )),
            );
            return;
        }
    };
    let mut cur = Cursor::new(&toks, &batch.text);
    while !cur.at_end() {
        read_statement(ctx, &mut cur, 0);
    }
}

/// How deep `IF` / `BEGIN` nesting may go before the importer gives up on a batch
/// (a guard against stack exhaustion on hostile input).
const MAX_NESTING: usize = 64;

/// Reads one statement (or one `IF` / `BEGIN ... END` construct) at the cursor.
fn read_statement(ctx: &mut Ctx<'_>, cur: &mut Cursor<'_>, depth: usize) {
    if cur.eat(&Token::SemiColon) {
        return;
    }
    let start = cur.pos;
    if depth > MAX_NESTING {
        let line = cur.line();
        let text = cur.text_between(start, cur.toks.len());
        ctx.skip_line(
            line,
            text,
            "control flow",
            SkipReason::NotUnderstood("IF / BEGIN nested too deeply".into()),
        );
        cur.pos = cur.toks.len();
        return;
    }
    let kw = cur.peek().and_then(kw_of);
    match kw.as_deref() {
        Some("IF") | Some("WHILE") => {
            cur.pos += 1;
            skip_condition(cur);
            if cur.at_end() {
                let text = cur.text_between(start, cur.pos);
                ctx.skip_line(
                    cur.toks[start].line,
                    text,
                    "IF",
                    SkipReason::NotUnderstood("IF without a statement".into()),
                );
                return;
            }
            read_statement(ctx, cur, depth + 1);
            cur.eat(&Token::SemiColon);
            if kw.as_deref() == Some("IF") && cur.eat_kw("ELSE") {
                if cur.at_end() {
                    ctx.skip_line(
                        cur.line(),
                        "ELSE",
                        "IF",
                        SkipReason::NotUnderstood("ELSE without a statement".into()),
                    );
                    return;
                }
                read_statement(ctx, cur, depth + 1);
            }
        }
        Some("BEGIN") if !is_begin_statement(cur) => {
            cur.pos += 1;
            let _ = cur.eat_kw("TRY") || cur.eat_kw("CATCH");
            loop {
                if cur.at_end() {
                    let line = cur.toks[start].line;
                    ctx.skip_line(
                        line,
                        "BEGIN",
                        "BEGIN ... END",
                        SkipReason::NotUnderstood("BEGIN without END".into()),
                    );
                    return;
                }
                if cur.eat_kw("END") {
                    let _ = cur.eat_kw("TRY") || cur.eat_kw("CATCH");
                    return;
                }
                read_statement(ctx, cur, depth + 1);
            }
        }
        Some("ELSE") | Some("END") => {
            let t = cur.next().expect("not at end");
            let word = &cur.text[t.start..t.end];
            ctx.skip_line(
                t.line,
                word,
                word,
                SkipReason::NotUnderstood(format!("`{word}` without a matching IF / BEGIN")),
            );
        }
        _ => {
            let end = statement_end(cur.toks, start);
            let stmt = Cursor::new(&cur.toks[start..end], cur.text);
            dispatch(ctx, stmt);
            cur.pos = end.max(start + 1);
        }
    }
}

/// `BEGIN TRAN`, `BEGIN DISTRIBUTED TRANSACTION`, ... are statements, not blocks.
fn is_begin_statement(cur: &Cursor<'_>) -> bool {
    [
        "TRAN",
        "TRANSACTION",
        "DISTRIBUTED",
        "DIALOG",
        "CONVERSATION",
    ]
    .iter()
    .any(|k| cur.is_kw_at(1, k))
}

/// Skips an IF / WHILE condition: everything up to the first statement start at depth 0.
fn skip_condition(cur: &mut Cursor<'_>) {
    let mut depth = 0usize;
    let mut case_depth = 0usize;
    let mut first = true;
    while let Some(t) = cur.peek() {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_kw(t, "CASE") => case_depth += 1,
            _ if depth == 0 && case_depth > 0 && is_kw(t, "END") => case_depth -= 1,
            _ if depth == 0 && case_depth == 0 && !first => {
                if let Some(k) = kw_of(t) {
                    let prev = cur.toks.get(cur.pos - 1).map(|t| &t.token);
                    // A SELECT at depth 0 after the condition is the statement (in
                    // `IF (SELECT ...) > 0` it sits inside parentheses).
                    if starts_statement(&k, prev, cur.peek_at(1), None) || k == "SELECT" {
                        return;
                    }
                }
            }
            _ => {}
        }
        first = false;
        cur.pos += 1;
    }
}

/// Words that begin a statement.
const STARTERS: &[&str] = &[
    "ALTER",
    "BACKUP",
    "BEGIN",
    "BREAK",
    "BULK",
    "CHECKPOINT",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "CREATE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DELETE",
    "DENY",
    "DISABLE",
    "DROP",
    "ELSE",
    "ENABLE",
    "END",
    "EXEC",
    "EXECUTE",
    "FETCH",
    "GOTO",
    "GRANT",
    "IF",
    "INSERT",
    "KILL",
    "MERGE",
    "OPEN",
    "PRINT",
    "RAISERROR",
    "RECONFIGURE",
    "RESTORE",
    "RETURN",
    "REVOKE",
    "ROLLBACK",
    "SAVE",
    "SELECT",
    "SET",
    "SHUTDOWN",
    "THROW",
    "TRUNCATE",
    "UPDATE",
    "USE",
    "WAITFOR",
    "WHILE",
];

/// `SET` options that begin a statement of their own.
const SESSION_OPTIONS: &[&str] = &[
    "ANSI_NULLS",
    "ANSI_PADDING",
    "ANSI_WARNINGS",
    "ANSI_NULL_DFLT_ON",
    "ARITHABORT",
    "CONCAT_NULL_YIELDS_NULL",
    "NUMERIC_ROUNDABORT",
    "QUOTED_IDENTIFIER",
    "NOCOUNT",
    "NOEXEC",
    "XACT_ABORT",
    "IDENTITY_INSERT",
    "DATEFORMAT",
    "LANGUAGE",
    "TRANSACTION",
    "STATISTICS",
];

/// Object kinds that follow `CREATE` / `ALTER` / `DROP` of a whole object.
const OBJECT_KINDS: &[&str] = &[
    "TABLE",
    "VIEW",
    "PROC",
    "PROCEDURE",
    "FUNCTION",
    "TYPE",
    "SEQUENCE",
    "SCHEMA",
    "INDEX",
    "TRIGGER",
    "STATISTICS",
    "DATABASE",
    "USER",
    "ROLE",
    "LOGIN",
    "SYNONYM",
    "FULLTEXT",
    "XML",
    "ASSEMBLY",
    "DEFAULT",
    "RULE",
    "PARTITION",
    "AUTHORIZATION",
    "SECURITY",
    "MESSAGE",
    "QUEUE",
    "SERVICE",
    "CONTRACT",
    "ROUTE",
    "CERTIFICATE",
    "MASTER",
    "SYMMETRIC",
    "ASYMMETRIC",
    "EVENT",
    "AGGREGATE",
    "COLUMNSTORE",
    "CLUSTERED",
    "NONCLUSTERED",
    "UNIQUE",
    "PRIMARY",
    "SPATIAL",
    "OR",
];

/// Whether the word `k` (upper case) starts a new statement here, given the token
/// before it, the one after it, and the first word of the current statement.
fn starts_statement(
    k: &str,
    prev: Option<&Token>,
    next: Option<&Token>,
    first: Option<&str>,
) -> bool {
    if !STARTERS.contains(&k) {
        return false;
    }
    let prev_kw = prev.and_then(kw_of);
    let prev_kw = prev_kw.as_deref();
    if matches!(prev, Some(Token::Comma) | Some(Token::Period))
        || matches!(prev_kw, Some("GRANT" | "DENY" | "REVOKE"))
    {
        return false;
    }
    let next_kw = next.and_then(kw_of);
    let next_is_kind = next_kw
        .as_deref()
        .is_some_and(|n| OBJECT_KINDS.contains(&n));
    match k {
        "UPDATE" | "DELETE" | "INSERT" => !matches!(
            prev_kw,
            Some("ON" | "OF" | "FOR" | "AFTER" | "GRANT" | "DENY" | "REVOKE" | "BULK")
        ),
        "SET" => {
            if matches!(prev_kw, Some("UPDATE" | "DELETE"))
                || matches!(first, Some("UPDATE" | "MERGE"))
            {
                return false;
            }
            // `ALTER TABLE t SET (...)`, `ALTER DATABASE d SET ...` are clauses; a session
            // option after SET starts a new statement.
            first != Some("ALTER")
                || next
                    .and_then(kw_of)
                    .is_some_and(|n| SESSION_OPTIONS.contains(&n.as_str()))
        }
        "SELECT" => {
            !matches!(first, Some("INSERT" | "WITH" | "DECLARE" | "SELECT"))
                && !matches!(
                    prev_kw,
                    Some("UNION" | "ALL" | "EXCEPT" | "INTERSECT" | "FOR" | "AS" | "EXISTS")
                )
        }
        "ALTER" | "DROP" | "CREATE" => {
            if first == Some("ALTER")
                || first == Some("GRANT")
                || first == Some("DENY")
                || first == Some("REVOKE")
            {
                next_is_kind && !matches!(prev_kw, Some("GRANT" | "DENY" | "REVOKE"))
            } else {
                !matches!(prev_kw, Some("GRANT" | "DENY" | "REVOKE"))
            }
        }
        "EXEC" | "EXECUTE" | "ROLLBACK" => {
            !matches!(prev_kw, Some("GRANT" | "DENY" | "REVOKE" | "WITH"))
        }
        "ENABLE" | "DISABLE" => first != Some("ALTER"),
        "IF" => !matches!(
            prev_kw,
            Some(
                "TABLE"
                    | "VIEW"
                    | "PROC"
                    | "PROCEDURE"
                    | "FUNCTION"
                    | "TYPE"
                    | "SEQUENCE"
                    | "SCHEMA"
                    | "INDEX"
                    | "TRIGGER"
                    | "CONSTRAINT"
                    | "COLUMN"
                    | "USER"
                    | "ROLE"
                    | "DATABASE"
                    | "SYNONYM"
                    | "STATISTICS"
                    | "DEFAULT"
                    | "RULE"
            )
        ),
        "OPEN" | "CLOSE" => prev_kw != Some("ON") && prev_kw != Some("AUTO_CLOSE"),
        _ => true,
    }
}

/// Whether a statement starting at `start` runs to the end of its batch.
fn runs_to_end_of_batch(toks: &[Tok], start: usize) -> bool {
    let w = |i: usize| toks.get(start + i).and_then(|t| kw_of(&t.token));
    let (a, mut i) = (w(0), 1);
    if !matches!(a.as_deref(), Some("CREATE" | "ALTER")) {
        return false;
    }
    if a.as_deref() == Some("CREATE") && w(1).as_deref() == Some("OR") {
        i = 3; // CREATE OR ALTER
    }
    matches!(
        w(i).as_deref(),
        Some("VIEW" | "PROC" | "PROCEDURE" | "FUNCTION" | "TRIGGER")
    )
}

/// The index just past the statement starting at `start` (its `;` included).
pub(crate) fn statement_end(toks: &[Tok], start: usize) -> usize {
    if runs_to_end_of_batch(toks, start) {
        return toks.len();
    }
    let is = |i: usize, k: &str| toks.get(start + i).is_some_and(|t| is_kw(&t.token, k));
    if is(0, "CREATE") && is(1, "SCHEMA") {
        // Its elements (CREATE TABLE / VIEW, GRANT, ...) run to a `;` or the batch's end.
        let mut depth = 0usize;
        for (i, t) in toks.iter().enumerate().skip(start) {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                Token::SemiColon if depth == 0 => return i + 1,
                _ => {}
            }
        }
        return toks.len();
    }
    let first = toks.get(start).and_then(|t| kw_of(&t.token));
    let first = first.as_deref();
    let mut depth = 0usize;
    let mut case_depth = 0usize;
    let mut i = start + 1;
    while i < toks.len() {
        let t = &toks[i].token;
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::SemiColon if depth == 0 => return i + 1,
            Token::Word(_) if depth == 0 => {
                let k = kw_of(t);
                match k.as_deref() {
                    Some("CASE") => case_depth += 1,
                    Some("END") if case_depth > 0 => case_depth -= 1,
                    Some(k) if case_depth == 0 => {
                        let prev = Some(&toks[i - 1].token);
                        let next = toks.get(i + 1).map(|t| &t.token);
                        if starts_statement(k, prev, next, first) {
                            return i;
                        }
                    }
                    _ => {}
                }
            }
            Token::Word(_) => {
                if is_kw(t, "CASE") {
                    case_depth += 1;
                } else if is_kw(t, "END") && case_depth > 0 {
                    case_depth -= 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    toks.len()
}

/// The statement's kind as its leading words say, for reports.
fn leading_kind(cur: &Cursor<'_>) -> String {
    let words: Vec<String> = (0..4)
        .map_while(|i| cur.peek_at(i).and_then(kw_of))
        .collect();
    let w = |i: usize| words.get(i).map(String::as_str);
    match w(0) {
        Some("CREATE") | Some("ALTER") | Some("DROP") => {
            let mut out = vec![words[0].clone()];
            let mut i = 1;
            if w(1) == Some("OR") && w(2) == Some("ALTER") {
                out.push("OR ALTER".into());
                i = 3;
            }
            // Index variants all report as `CREATE INDEX`.
            let rest: Vec<&str> = words[i..].iter().map(String::as_str).collect();
            if let Some(p) = rest.iter().position(|w| *w == "INDEX") {
                if rest[..p].iter().all(|w| {
                    matches!(
                        *w,
                        "UNIQUE"
                            | "CLUSTERED"
                            | "NONCLUSTERED"
                            | "COLUMNSTORE"
                            | "PRIMARY"
                            | "XML"
                            | "SPATIAL"
                            | "FULLTEXT"
                    )
                }) {
                    out.push(if rest[..p].contains(&"FULLTEXT") {
                        "FULLTEXT INDEX".into()
                    } else {
                        "INDEX".into()
                    });
                    return out.join(" ");
                }
            }
            match rest.first().copied() {
                Some("XML") if rest.get(1) == Some(&"SCHEMA") => {
                    out.push("XML SCHEMA COLLECTION".into())
                }
                Some(
                    k @ ("PARTITION" | "SECURITY" | "FULLTEXT" | "MASTER" | "SYMMETRIC"
                    | "ASYMMETRIC" | "MESSAGE" | "EVENT"),
                ) => {
                    out.push(k.into());
                    if let Some(n) = rest.get(1) {
                        out.push(n.to_string());
                    }
                }
                Some(k) => out.push(k.into()),
                None => {}
            }
            out.join(" ")
        }
        Some("EXEC") | Some("EXECUTE") => {
            let proc = match cur.peek_at(1) {
                Some(Token::Word(w)) => Some(w.value.to_ascii_lowercase()),
                _ => None,
            };
            match proc {
                Some(p) if p.starts_with("sp_") || p == "sys" || p == "dbo" => {
                    // `EXEC dbo.sp_x` / `EXEC sys.sp_x`: name the procedure itself.
                    let name = if cur.peek_at(2) == Some(&Token::Period) {
                        match cur.peek_at(3) {
                            Some(Token::Word(w)) => w.value.to_ascii_lowercase(),
                            _ => p,
                        }
                    } else {
                        p
                    };
                    if name.starts_with("sp_") {
                        format!("EXEC {name}")
                    } else {
                        "EXEC".into()
                    }
                }
                _ => "EXEC".into(),
            }
        }
        Some("UPDATE") if w(1) == Some("STATISTICS") => "UPDATE STATISTICS".into(),
        Some(k) => k.to_string(),
        None => "unknown statement".into(),
    }
}

fn leading_kind_of_text(text: &str) -> String {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    match tokenize(first, 1) {
        Ok(toks) => leading_kind(&Cursor::new(&toks, first)),
        Err(_) => "unknown statement".into(),
    }
}

/// Ignored statement kinds and what they are, for the report.
fn ignored_reason(kind: &str) -> Option<&'static str> {
    let first = kind.split(' ').next().unwrap_or("");
    Some(match kind {
        k if k.ends_with(" INDEX")
            || k.ends_with("FULLTEXT CATALOG")
            || k.ends_with("FULLTEXT STOPLIST") =>
        {
            "index"
        }
        "CREATE STATISTICS" | "UPDATE STATISTICS" | "DROP STATISTICS" => "statistics",
        k if k.contains("PARTITION") => "storage",
        k if k.contains("XML SCHEMA COLLECTION") => {
            "XML schema collection (the column keeps its name)"
        }
        k if k.ends_with(" TRIGGER") => "trigger",
        k if k.ends_with(" ROLE")
            || k.ends_with(" USER")
            || k.ends_with(" LOGIN")
            || k.ends_with(" AUTHORIZATION")
            || k.contains("SECURITY")
            || k.contains("CERTIFICATE")
            || k.contains(" KEY") =>
        {
            "security"
        }
        k if k.ends_with(" DATABASE") => "database options",
        "EXEC sp_addextendedproperty"
        | "EXEC sp_updateextendedproperty"
        | "EXEC sp_dropextendedproperty" => "documentation",
        k if k.starts_with("EXEC sp_") => "system procedure call with no schema facts",
        "CREATE ASSEMBLY" | "ALTER ASSEMBLY" | "DROP ASSEMBLY" => "CLR assembly",
        "ALTER SEQUENCE" => "sequence options (its type cannot change)",
        "CREATE EVENT SESSION" | "ALTER EVENT SESSION" | "DROP EVENT SESSION" => "diagnostics",
        _ => match first {
            "SET" | "USE" => "session option",
            "PRINT" | "RAISERROR" | "THROW" => "message",
            "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "TRUNCATE" | "BULK" | "SELECT" | "WITH" => {
                "data"
            }
            "GRANT" | "DENY" | "REVOKE" => "permission",
            "DECLARE" | "RETURN" | "BREAK" | "CONTINUE" | "GOTO" | "WAITFOR" | "OPEN" | "CLOSE"
            | "FETCH" | "DEALLOCATE" => "control flow",
            "BEGIN" | "COMMIT" | "ROLLBACK" | "SAVE" => "transaction control",
            "CHECKPOINT" | "DBCC" | "BACKUP" | "RESTORE" | "RECONFIGURE" | "KILL" | "SHUTDOWN"
            | "ENABLE" | "DISABLE" => "server maintenance",
            _ => return None,
        },
    })
}

/// The `COLLATE name` of a `CREATE DATABASE` / `ALTER DATABASE` at depth 0.
fn database_collation(cur: &Cursor<'_>) -> Option<String> {
    let mut depth = 0usize;
    for (i, t) in cur.toks.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_kw(&t.token, "COLLATE") => {
                if let Some(Token::Word(w)) = cur.toks.get(i + 1).map(|t| &t.token) {
                    return Some(w.value.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// The line of `text` holding bytes `start..end`, and their range within it. A long
/// line is cut to a window around the culprit (so many errors on one huge line stay
/// cheap).
fn culprit(text: &str, start: usize, end: usize, line: u32) -> super::Culprit {
    const WINDOW: usize = 120;
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(start);
    let lo = floor(start.saturating_sub(WINDOW));
    let line_start = text[lo..start].rfind('\n').map_or(lo, |i| lo + i + 1);
    let hi = floor(end.max(start).saturating_add(WINDOW));
    let line_end = text[start..hi].find('\n').map_or(hi, |i| start + i);
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let from = (start - line_start).min(line_text.len());
    let to = (end.clamp(start, line_end) - line_start).clamp(from, line_text.len());
    super::Culprit {
        line,
        text: line_text.to_string(),
        span: from..to,
    }
}

/// `SELECT ... INTO table`: an `INTO` at parenthesis depth 0.
fn selects_into(cur: &Cursor<'_>) -> bool {
    let mut depth = 0usize;
    cur.toks.iter().any(|t| {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && is_kw(&t.token, "INTO")
    })
}

/// Reads one statement (its tokens, `;` included) and applies or skips it.
pub(crate) fn dispatch(ctx: &mut Ctx<'_>, mut cur: Cursor<'_>) {
    // Drop the trailing `;`.
    if cur.toks.last().is_some_and(|t| t.token == Token::SemiColon) {
        cur.toks = &cur.toks[..cur.toks.len() - 1];
    }
    if cur.toks.is_empty() {
        return;
    }
    let line = cur.toks[0].line;
    let text = cur.text_between(0, cur.toks.len());
    let kind = leading_kind(&cur);
    let result: Option<Result<(), ParseError>> = match kind.as_str() {
        "CREATE TABLE" => Some(create_table::create_table(ctx, &mut cur)),
        "CREATE TYPE" => Some(objects::create_type(ctx, &mut cur)),
        "CREATE SEQUENCE" => Some(objects::create_sequence(ctx, &mut cur)),
        "CREATE SCHEMA" => Some(objects::create_schema(ctx, &mut cur)),
        "ALTER SCHEMA" => Some(objects::alter_schema(ctx, &mut cur)),
        "ALTER TABLE" => Some(alter_table::alter_table(ctx, &mut cur)),
        "CREATE VIEW" | "CREATE OR ALTER VIEW" | "ALTER VIEW" => Some(routine::view(ctx, &mut cur)),
        "CREATE PROC"
        | "CREATE PROCEDURE"
        | "CREATE OR ALTER PROC"
        | "CREATE OR ALTER PROCEDURE"
        | "ALTER PROC"
        | "ALTER PROCEDURE" => Some(routine::procedure(ctx, &mut cur)),
        "CREATE FUNCTION" | "CREATE OR ALTER FUNCTION" | "ALTER FUNCTION" => {
            Some(routine::function(ctx, &mut cur))
        }
        "DROP TABLE" | "DROP VIEW" | "DROP PROC" | "DROP PROCEDURE" | "DROP FUNCTION"
        | "DROP TYPE" | "DROP SEQUENCE" | "DROP SCHEMA" => Some(objects::drop(ctx, &mut cur)),
        "EXEC sp_addtype" => Some(objects::sp_addtype(ctx, &mut cur)),
        "EXEC sp_droptype" => Some(objects::sp_droptype(ctx, &mut cur)),
        "EXEC sp_rename" => Some(objects::sp_rename(ctx, &mut cur)),
        "CREATE DATABASE" | "ALTER DATABASE" if database_collation(&cur).is_some() => {
            // The database's collation decides how identifiers compare.
            ctx.db.collation = database_collation(&cur).unwrap_or_default();
            Some(Ok(()))
        }
        "EXEC sp_changeobjectowner"
        | "EXEC sp_bindefault"
        | "EXEC sp_unbindefault"
        | "EXEC sp_bindrule"
        | "EXEC sp_unbindrule" => {
            ctx.skip_line(
                line,
                text,
                &kind,
                SkipReason::NotUnderstood(format!(
                    "`{}` changes the schema in a way the importer does not follow",
                    &kind[5..]
                )),
            );
            None
        }
        "SELECT" if selects_into(&cur) => {
            ctx.skip_line(
                line,
                text,
                &kind,
                SkipReason::NotUnderstood(
                    "SELECT ... INTO creates a table whose columns the importer cannot type".into(),
                ),
            );
            None
        }
        "EXEC" | "EXEC sp_executesql" => {
            let dynamic = matches!(cur.peek_at(1), Some(Token::LParen))
                || text.to_ascii_lowercase().contains("sp_executesql");
            let reason = if dynamic {
                if text.to_ascii_uppercase().contains("CREATE ")
                    || text.to_ascii_uppercase().contains("ALTER ")
                {
                    SkipReason::NotUnderstood("dynamic SQL is not run by the importer, and this one may create or alter objects".into())
                } else {
                    SkipReason::Ignored("dynamic SQL, not run".into())
                }
            } else {
                SkipReason::Ignored("procedure call, not run".into())
            };
            ctx.skip_line(line, text, &kind, reason);
            None
        }
        k => {
            match ignored_reason(k) {
                Some(why) => ctx.skip_line(line, text, k, SkipReason::Ignored(why.into())),
                None => {
                    let why = if k.starts_with("CREATE")
                        || k.starts_with("ALTER")
                        || k.starts_with("DROP")
                    {
                        format!("`{k}` is not supported by the DDL importer")
                    } else {
                        "not a statement the DDL importer knows".to_string()
                    };
                    ctx.skip_line(line, text, k, SkipReason::NotUnderstood(why));
                }
            }
            None
        }
    };
    match result {
        Some(Ok(())) => ctx.report.statements += 1,
        Some(Err(e)) if e.ignored => {
            ctx.skip_line(line, text, &kind, SkipReason::Ignored(e.message))
        }
        Some(Err(e)) => {
            ctx.skip_line(
                line,
                text,
                &kind,
                SkipReason::NotUnderstood(if e.line == line {
                    e.message
                } else {
                    format!("line {}: {}", e.line, e.message)
                }),
            );
            if let (Some((start, end)), Some(last)) = (e.at, ctx.report.skipped.last_mut()) {
                last.culprit = Some(culprit(cur.text, start, end, e.line));
            }
        }
        None => {}
    }
}
