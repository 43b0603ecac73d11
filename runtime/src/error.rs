//! The runtime's error type: one enum whose variants name the cause plainly.
//!
//! Connect failures arrive as what they are ([`Error::LoginFailed`],
//! [`Error::Unreachable`], [`Error::Tls`], ...), never disguised as a pool
//! timeout. Server errors keep their number, which the retry catalog reads.
//!
//! ```
//! use mssqlx_runtime::Error;
//!
//! fn explain(e: &Error) -> &'static str {
//!     match e {
//!         Error::LoginFailed { .. } => "check the user and password",
//!         Error::Server { number: 1205, .. } => "deadlock victim",
//!         Error::TransactionDoomed { .. } => "roll back and start again",
//!         _ => "something else",
//!     }
//! }
//! # let _ = explain;
//! ```

use std::time::Duration;

/// A `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the runtime.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection string or URL could not be parsed.
    #[error("invalid connection string: {0}")]
    ConnectString(String),

    /// Login failed (error 18456): wrong user, password or token, or the login
    /// lacks access to the database. Never retried.
    #[error("login failed for user '{user}' (error 18456): {message}")]
    LoginFailed {
        /// The user name (never the password).
        user: String,
        /// The server's message.
        message: String,
    },

    /// The server could not be reached (DNS, refused, reset, network down).
    #[error("cannot reach SQL Server at {addr}: {message}")]
    Unreachable {
        /// `host:port` dialled.
        addr: String,
        /// The I/O error kind.
        kind: std::io::ErrorKind,
        /// The I/O error text.
        message: String,
    },

    /// Opening the connection (TCP + TLS + login) took longer than the connect timeout.
    #[error("connecting to SQL Server at {addr} timed out after {timeout:?}")]
    ConnectTimeout {
        /// `host:port` dialled.
        addr: String,
        /// The connect timeout.
        timeout: Duration,
    },

    /// The TLS handshake failed (certificate not trusted, name mismatch, ...).
    #[error("TLS handshake with SQL Server at {addr} failed: {message}")]
    Tls {
        /// `host:port` dialled.
        addr: String,
        /// The TLS error text.
        message: String,
    },

    /// Azure SQL's gateway redirected the login more often than allowed.
    #[error("login was redirected more than {limit} times (last to {last})")]
    TooManyRedirects {
        /// The redirect limit.
        limit: u8,
        /// The last `host:port` the server redirected to.
        last: String,
    },

    /// The access-token provider failed.
    #[error("the access-token provider failed: {0}")]
    TokenProvider(String),

    /// The server reported an error.
    #[error("SQL Server error {number} (severity {class}, state {state}): {message}")]
    Server {
        /// `ERROR_NUMBER()`.
        number: u32,
        /// Severity.
        class: u8,
        /// State.
        state: u8,
        /// The message text.
        message: String,
    },

    /// The connection broke while a request was in flight (I/O error, reset, EOF).
    /// The connection was discarded.
    #[error("the connection to SQL Server was lost during a request: {message}")]
    ConnectionLost {
        /// The I/O error kind.
        kind: std::io::ErrorKind,
        /// The error text.
        message: String,
    },

    /// The statement ran past its command timeout: it was cancelled and its
    /// connection discarded.
    #[error("the statement did not finish within its command timeout of {timeout:?}; it was cancelled and its connection discarded")]
    CommandTimeout {
        /// The command timeout in force.
        timeout: Duration,
    },

    /// No connection became free within the checkout timeout (all in use).
    #[error("no pooled connection became available within {timeout:?} (all {max_size} in use)")]
    PoolTimedOut {
        /// The checkout timeout.
        timeout: Duration,
        /// The pool's maximum size.
        max_size: u32,
    },

    /// The transaction is doomed (`XACT_STATE() = -1`): it cannot commit nor run
    /// more writes; only a full rollback is possible.
    #[error("the transaction is doomed (XACT_STATE() = -1) after: {cause}; only a full rollback is possible")]
    TransactionDoomed {
        /// The error that doomed it.
        cause: Box<Error>,
    },

    /// `SNAPSHOT` isolation was requested on a database that does not allow it (error 3952).
    #[error("snapshot isolation is not allowed in database '{database}' (error 3952); enable it with: ALTER DATABASE [{database}] SET ALLOW_SNAPSHOT_ISOLATION ON")]
    SnapshotIsolationNotAllowed {
        /// The database named by the server.
        database: String,
    },

    /// The connection broke while `COMMIT` was in flight: the work may or may
    /// not have been applied. Never retried; verify before re-running.
    #[error("the connection was lost while COMMIT was in flight, so whether the transaction was applied is unknown: {message}; verify before re-running it")]
    CommitOutcomeUnknown {
        /// The I/O error text.
        message: String,
    },

    /// The transaction was already committed or rolled back.
    #[error("the transaction was already committed or rolled back")]
    TransactionFinished,

    /// `fetch_one` found no row.
    #[error("the query returned no rows where one was expected")]
    RowNotFound,

    /// A column held NULL but the Rust type is not an `Option`.
    #[error("column `{column}` is NULL but the Rust type is not Option<_>")]
    UnexpectedNull {
        /// The column name (or index).
        column: String,
    },

    /// A column value could not be converted to the Rust type.
    #[error("cannot decode column `{column}`: {message}")]
    Decode {
        /// The column name (or index).
        column: String,
        /// What went wrong.
        message: String,
    },

    /// A database alias is not registered in [`Databases`](crate::Databases).
    #[error("no database named '{0}' is registered")]
    UnknownDatabase(String),

    /// The TDS stream was malformed or a driver-level error occurred.
    #[error("driver error: {0}")]
    Driver(String),
}

impl Error {
    /// The server error number, if the server reported the error.
    pub fn number(&self) -> Option<u32> {
        match self {
            Error::Server { number, .. } => Some(*number),
            Error::LoginFailed { .. } => Some(18456),
            Error::SnapshotIsolationNotAllowed { .. } => Some(3952),
            Error::TransactionDoomed { cause } => cause.number(),
            _ => None,
        }
    }

    /// True if the connection that saw this error must not be reused.
    pub fn breaks_connection(&self) -> bool {
        match self {
            Error::ConnectionLost { .. }
            | Error::CommandTimeout { .. }
            | Error::CommitOutcomeUnknown { .. }
            | Error::Driver(_) => true,
            // Severity 20 and above closes the connection on the server side.
            Error::Server { class, .. } => *class >= 20,
            _ => false,
        }
    }

    /// Converts a driver error seen while a request was in flight.
    pub(crate) fn from_request(e: tiberius::error::Error) -> Error {
        use tiberius::error::Error as T;
        match e {
            T::Server(token) => Error::from_token(token),
            T::Io { kind, message } => Error::ConnectionLost { kind, message },
            T::Protocol(m) => Error::Driver(m.into_owned()),
            T::Conversion(m) => Error::Decode {
                column: "?".into(),
                message: m.into_owned(),
            },
            other => Error::Driver(other.to_string()),
        }
    }

    pub(crate) fn from_token(token: tiberius::error::TokenError) -> Error {
        let number = token.code();
        let message = token.message().to_string();
        if number == 3952 {
            return Error::SnapshotIsolationNotAllowed {
                database: quoted_name(&message).unwrap_or_else(|| "<database>".into()),
            };
        }
        Error::Server {
            number,
            class: token.class(),
            state: token.state(),
            message,
        }
    }
}

/// The first `'quoted'` name of a server message.
fn quoted_name(message: &str) -> Option<String> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    Some(message[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_not_allowed_message_gives_the_alter_database_fix() {
        let e = Error::SnapshotIsolationNotAllowed {
            database: "Shop".into(),
        };
        assert!(e
            .to_string()
            .contains("ALTER DATABASE [Shop] SET ALLOW_SNAPSHOT_ISOLATION ON"));
    }

    #[test]
    fn doomed_transaction_message_says_only_rollback_is_possible() {
        let e = Error::TransactionDoomed {
            cause: Box::new(Error::Server {
                number: 8134,
                class: 16,
                state: 1,
                message: "Divide by zero error encountered.".into(),
            }),
        };
        assert!(e.to_string().contains("only a full rollback is possible"));
        assert_eq!(e.number(), Some(8134));
    }

    #[test]
    fn quoted_name_reads_the_database_from_error_3952() {
        let m = "Snapshot isolation transaction failed accessing database 'Shop' because snapshot isolation is not allowed in this database.";
        assert_eq!(quoted_name(m).as_deref(), Some("Shop"));
    }
}
