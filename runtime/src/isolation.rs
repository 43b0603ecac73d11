//! Transaction isolation levels.
//!
//! [`Pool::begin_with`](crate::Pool::begin_with) starts a transaction at a given
//! level by sending `SET TRANSACTION ISOLATION LEVEL ...; BEGIN TRANSACTION`.
//! The level outlives the transaction on the session, so a connection whose
//! level was changed is reset to `READ COMMITTED` before it is reused.
//! `SNAPSHOT` needs `ALLOW_SNAPSHOT_ISOLATION ON` on the database; without it
//! the first statement fails with
//! [`Error::SnapshotIsolationNotAllowed`](crate::Error::SnapshotIsolationNotAllowed).
//!
//! ```
//! use mssqlx_runtime::IsolationLevel;
//! assert_eq!(IsolationLevel::Snapshot.as_sql(), "SNAPSHOT");
//! assert_eq!(IsolationLevel::default(), IsolationLevel::ReadCommitted);
//! ```

/// SQL Server's transaction isolation levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// Dirty reads allowed.
    ReadUncommitted,
    /// SQL Server's default.
    #[default]
    ReadCommitted,
    /// Rows read stay locked until the end of the transaction.
    RepeatableRead,
    /// Row versioning: a consistent view as of the transaction's start.
    Snapshot,
    /// Range locks: as if transactions ran one after another.
    Serializable,
}

impl IsolationLevel {
    /// The level's name in `SET TRANSACTION ISOLATION LEVEL`.
    pub const fn as_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Snapshot => "SNAPSHOT",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }

    /// The batch that starts a transaction at this level.
    pub(crate) const fn begin_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => {
                "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED; BEGIN TRANSACTION"
            }
            IsolationLevel::ReadCommitted => {
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; BEGIN TRANSACTION"
            }
            IsolationLevel::RepeatableRead => {
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; BEGIN TRANSACTION"
            }
            IsolationLevel::Snapshot => {
                "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRANSACTION"
            }
            IsolationLevel::Serializable => {
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; BEGIN TRANSACTION"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_begins_with_its_own_set_statement() {
        for l in [
            IsolationLevel::ReadUncommitted,
            IsolationLevel::ReadCommitted,
            IsolationLevel::RepeatableRead,
            IsolationLevel::Snapshot,
            IsolationLevel::Serializable,
        ] {
            assert!(l.begin_sql().contains(l.as_sql()));
            assert!(l.begin_sql().ends_with("BEGIN TRANSACTION"));
        }
    }
}
