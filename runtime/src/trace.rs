//! Tracing: one span per statement, following OpenTelemetry's database
//! semantic conventions, and events for retries and pool connects/discards.
//!
//! Span `mssqlx.query` fields:
//!
//! | field | value |
//! |---|---|
//! | `db.system.name` | `"microsoft.sql_server"` |
//! | `db.namespace` | the database name |
//! | `db.operation.name` | the first keyword: `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `EXEC`, ... |
//! | `db.query.text` | the SQL text as written; values travel as RPC parameters and never appear |
//! | `server.address`, `server.port` | the server |
//! | `otel.name` | `"{operation} {database}"`, the span name OpenTelemetry exporters use |
//!
//! Events (targets): `mssqlx::retry` (warn, each retry: unit, attempt, delay,
//! error number), `mssqlx::pool` (info on connect, warn on discard).
//!
//! ```
//! use mssqlx_runtime::trace::operation_name;
//! assert_eq!(operation_name("  with x as (select 1 a) select * from x"), "WITH");
//! assert_eq!(operation_name("update dbo.T set a = @P1"), "UPDATE");
//! ```

/// The statement's first keyword, upper-cased (`""` if none).
pub fn operation_name(sql: &str) -> &'static str {
    let word = first_word(sql);
    const OPS: &[&str] = &[
        "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "EXEC", "EXECUTE", "WITH", "BEGIN",
        "COMMIT", "ROLLBACK", "SAVE", "SET", "IF", "DECLARE", "CREATE", "ALTER", "DROP",
        "TRUNCATE",
    ];
    OPS.iter()
        .find(|op| op.eq_ignore_ascii_case(word))
        .copied()
        .unwrap_or("")
}

fn first_word(sql: &str) -> &str {
    let mut s = sql.trim_start();
    // Skip comments.
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest
                .split_once('\n')
                .map(|x| x.1)
                .unwrap_or("")
                .trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest
                .split_once("*/")
                .map(|x| x.1)
                .unwrap_or("")
                .trim_start();
        } else {
            break;
        }
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Words that make a batch more than a read wherever they appear: DML,
/// procedure calls, DDL and permissions, bulk and administrative commands.
const WRITE_WORDS: &[&str] = &[
    "INTO",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "EXEC",
    "EXECUTE",
    "CREATE",
    "ALTER",
    "DROP",
    "TRUNCATE",
    "GRANT",
    "REVOKE",
    "DENY",
    "BULK",
    "UPDATETEXT",
    "WRITETEXT",
    "DBCC",
    "BACKUP",
    "RESTORE",
    "KILL",
    "RECONFIGURE",
    "SHUTDOWN",
];

/// True if the statement only reads: it starts with `SELECT` (or `WITH`) and
/// writes nothing (no word of a write — `INTO`, `INSERT`, `UPDATE`, `DELETE`,
/// `MERGE`, `EXEC`, DDL such as `DROP` or `TRUNCATE`, ... — appears anywhere).
/// Used when the caller did not say; generated code says.
pub fn looks_read_only(sql: &str) -> bool {
    let op = operation_name(sql);
    if op != "SELECT" && op != "WITH" {
        return false;
    }
    !sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| WRITE_WORDS.iter().any(|k| k.eq_ignore_ascii_case(w)))
}

/// Where a statement runs, for its span.
#[derive(Debug, Clone, Default)]
pub(crate) struct Target {
    pub database: String,
    pub host: String,
    pub port: u16,
}

/// The span of one statement.
pub(crate) fn statement_span(target: &Target, sql: &str) -> tracing::Span {
    let op = operation_name(sql);
    tracing::info_span!(
        target: "mssqlx::query",
        "mssqlx.query",
        otel.name = %format_args!("{} {}", op, target.database),
        otel.kind = "client",
        db.system.name = "microsoft.sql_server",
        db.namespace = %target.database,
        db.operation.name = op,
        db.query.text = sql,
        server.address = %target.host,
        server.port = target.port,
        error.type = tracing::field::Empty,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_detection_is_conservative() {
        assert!(looks_read_only("SELECT a FROM t WHERE b = @P1"));
        assert!(looks_read_only("-- note\nselect 1"));
        assert!(!looks_read_only("SELECT a INTO #t FROM t"));
        assert!(!looks_read_only("WITH x AS (SELECT 1 a) DELETE FROM t"));
        assert!(!looks_read_only("INSERT INTO t VALUES (@P1)"));
        assert!(!looks_read_only("EXEC dbo.p"));
        assert!(!looks_read_only("SELECT 1; DROP TABLE dbo.T"));
        assert!(!looks_read_only("select 1; truncate table dbo.T"));
        assert!(looks_read_only("SELECT Created, Dropped FROM dbo.T"));
    }

    #[test]
    fn operation_skips_comments() {
        assert_eq!(operation_name("/* x */ DELETE FROM t"), "DELETE");
        assert_eq!(operation_name("frobnicate"), "");
    }
}
