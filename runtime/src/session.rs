//! The session settings every new connection gets before it is handed out.
//!
//! The compile-time analyzer (DESIGN §3) decides nullability assuming these
//! settings, so the runtime sets them on every connection, whatever the
//! server's or login's defaults:
//!
//! | setting | why |
//! |---|---|
//! | `ANSI_NULLS ON` | `= NULL` is never true; required for indexed views and filtered indexes |
//! | `ANSI_PADDING ON` | trailing blanks and zeros are kept |
//! | `ANSI_WARNINGS ON` | divide by zero / overflow is an error, not a silent NULL |
//! | `ARITHABORT ON` | likewise, and matches SSMS so plans are shared |
//! | `CONCAT_NULL_YIELDS_NULL ON` | `'a' + NULL` is NULL |
//! | `QUOTED_IDENTIFIER ON` | `"name"` is an identifier |
//! | `ANSI_NULL_DFLT_ON ON` | `CREATE TABLE` columns are NULL-able unless stated (ODBC/SqlClient default) |
//!
//! `XACT_ABORT` is left `OFF` (the server default) so that a failed statement
//! inside a transaction can be handled or rolled back to a savepoint; enable
//! it with [`PoolOptions::xact_abort`](crate::PoolOptions::xact_abort), which
//! makes any run-time error roll the whole transaction back.
//!
//! ```
//! assert!(mssqlx_runtime::session::SESSION_SETTINGS.contains("SET ARITHABORT ON"));
//! ```

/// The batch run on every new connection.
pub const SESSION_SETTINGS: &str = "SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; SET ARITHABORT ON; SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET ANSI_NULL_DFLT_ON ON;";

/// The same, with `SET XACT_ABORT ON`.
pub const SESSION_SETTINGS_XACT_ABORT: &str = "SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; SET ARITHABORT ON; SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET ANSI_NULL_DFLT_ON ON; SET XACT_ABORT ON;";

/// The batch that makes a returned connection clean again.
pub const RESET_SQL: &str =
    "IF @@TRANCOUNT > 0 ROLLBACK; SET TRANSACTION ISOLATION LEVEL READ COMMITTED";

/// The cheap health check run before reusing an idle connection.
pub const PING_SQL: &str = "SELECT 1";

/// True if `sql` may leave a transaction open or change the isolation level
/// (`BEGIN TRAN...`, `SET TRANSACTION ISOLATION LEVEL`, `SET
/// IMPLICIT_TRANSACTIONS`), so that its connection must be reset before reuse.
/// A word scan: a table named `Transactions` does not count.
pub fn changes_session_state(sql: &str) -> bool {
    let mut prev = "";
    for word in sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        let hit = (prev.eq_ignore_ascii_case("BEGIN")
            && (word.eq_ignore_ascii_case("TRAN")
                || word.eq_ignore_ascii_case("TRANSACTION")
                || word.eq_ignore_ascii_case("DISTRIBUTED")))
            || (prev.eq_ignore_ascii_case("SET")
                && (word.eq_ignore_ascii_case("TRANSACTION")
                    || word.eq_ignore_ascii_case("IMPLICIT_TRANSACTIONS")));
        if hit {
            return true;
        }
        prev = word;
    }
    false
}

/// The `SET` options the analyzer's assumptions depend on: those of
/// [`SESSION_SETTINGS`], the ones that switch several of them at once, and
/// `XACT_ABORT` (a pool setting).
const SESSION_OPTIONS: &[&str] = &[
    "ANSI_NULLS",
    "ANSI_PADDING",
    "ANSI_WARNINGS",
    "ARITHABORT",
    "CONCAT_NULL_YIELDS_NULL",
    "QUOTED_IDENTIFIER",
    "ANSI_NULL_DFLT_ON",
    "ANSI_NULL_DFLT_OFF",
    "ANSI_DEFAULTS",
    "NUMERIC_ROUNDABORT",
    "XACT_ABORT",
];

/// True if `sql` sets one of the session options every connection is given
/// (`SET ANSI_NULLS OFF`, `SET XACT_ABORT ON`, ...). The reset before reuse
/// does not restore them, so such a connection is discarded when it returns
/// to the pool.
pub fn changes_session_options(sql: &str) -> bool {
    let mut prev = "";
    for word in sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        if prev.eq_ignore_ascii_case("SET")
            && SESSION_OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(word))
        {
            return true;
        }
        prev = word;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_that_change_the_analyzers_session_options_are_recognised() {
        assert!(changes_session_options("SET ANSI_NULLS OFF"));
        assert!(changes_session_options("set xact_abort on; begin tran"));
        assert!(!changes_session_options("SET NOCOUNT ON"));
        assert!(!changes_session_options(
            "UPDATE dbo.T SET AnsiNulls = @P1 WHERE Id = @P2"
        ));
        // Every option the pool sets is one whose change is noticed.
        for setting in SESSION_SETTINGS_XACT_ABORT
            .split(';')
            .filter(|s| !s.trim().is_empty())
        {
            assert!(changes_session_options(setting), "{setting}");
        }
    }

    #[test]
    fn statements_that_open_transactions_or_change_isolation_are_recognised() {
        assert!(changes_session_state("BEGIN TRANSACTION"));
        assert!(changes_session_state("begin tran; update t set a = 1"));
        assert!(changes_session_state(
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"
        ));
        assert!(changes_session_state("SET IMPLICIT_TRANSACTIONS ON"));
        assert!(!changes_session_state(
            "SELECT Id FROM dbo.Transactions WHERE TransactionId = @P1"
        ));
        assert!(!changes_session_state(
            "BEGIN TRY SELECT 1 END TRY BEGIN CATCH END CATCH"
        ));
    }
}
