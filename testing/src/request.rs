//! What a client asks: the typed requests a [`Handler`](crate::Handler) receives.
//!
//! The protocol layer decodes every client message after login into a
//! [`Request`]: a SQL batch, an RPC call with typed parameters (tiberius's
//! `query` / `execute` become `sp_executesql` calls), a Transaction Manager
//! request, or an Attention (cancel). The same values are what the
//! [`Recorder`](crate::Recorder) keeps.
//!
//! ```
//! use mssqlx_mock::{Request, SqlBatch};
//!
//! let req = Request::Batch(SqlBatch { sql: "SELECT 1".into() });
//! assert_eq!(req.sql(), Some("SELECT 1"));
//! assert!(req.params().is_empty());
//! ```

use crate::types::{SqlType, Value};
use std::fmt;

/// One decoded client request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A SQL batch (tiberius `simple_query`).
    Batch(SqlBatch),
    /// A remote procedure call (tiberius `query` / `execute` send `sp_executesql`).
    Rpc(RpcCall),
    /// A Transaction Manager request (tiberius `begin_transaction`, ...).
    Transaction(TransactionRequest),
    /// An Attention: the client cancels the request in flight.
    Attention,
}

impl Request {
    /// The SQL text: a batch's text, or the statement of an `sp_executesql` call.
    pub fn sql(&self) -> Option<&str> {
        match self {
            Request::Batch(b) => Some(&b.sql),
            Request::Rpc(call) => call.statement(),
            _ => None,
        }
    }

    /// The arguments of an RPC call (for `sp_executesql`, the `@P1..` values
    /// after the statement and its declaration); empty otherwise.
    pub fn params(&self) -> &[RpcParam] {
        match self {
            Request::Rpc(call) => call.arguments(),
            _ => &[],
        }
    }

    /// `true` for a SQL batch or an RPC call: a request counted as a statement.
    pub fn is_statement(&self) -> bool {
        matches!(self, Request::Batch(_) | Request::Rpc(_))
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Batch(b) => write!(f, "batch: {}", b.sql),
            Request::Rpc(call) => {
                write!(f, "rpc {}", call.procedure)?;
                if let Some(sql) = call.statement() {
                    write!(f, ": {sql}")?;
                }
                for p in call.arguments() {
                    write!(f, " {}={:?}", p.name, p.value)?;
                }
                Ok(())
            }
            Request::Transaction(t) => write!(f, "transaction manager: {t:?}"),
            Request::Attention => write!(f, "attention"),
        }
    }
}

/// A SQL batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlBatch {
    /// The batch text.
    pub sql: String,
}

/// The procedure an RPC call names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Procedure {
    /// `sp_executesql` (id 10).
    ExecuteSql,
    /// `sp_prepare` (id 11).
    Prepare,
    /// `sp_execute` (id 12).
    Execute,
    /// `sp_prepexec` (id 13).
    PrepExec,
    /// `sp_unprepare` (id 15).
    Unprepare,
    /// Another well-known procedure id.
    Id(u16),
    /// A procedure called by name.
    Named(String),
}

impl Procedure {
    pub(crate) fn from_id(id: u16) -> Self {
        match id {
            10 => Procedure::ExecuteSql,
            11 => Procedure::Prepare,
            12 => Procedure::Execute,
            13 => Procedure::PrepExec,
            15 => Procedure::Unprepare,
            id => Procedure::Id(id),
        }
    }

    pub(crate) fn from_name(name: String) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "sp_executesql" => Procedure::ExecuteSql,
            "sp_prepare" => Procedure::Prepare,
            "sp_execute" => Procedure::Execute,
            "sp_prepexec" => Procedure::PrepExec,
            "sp_unprepare" => Procedure::Unprepare,
            _ => Procedure::Named(name),
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Procedure::ExecuteSql => write!(f, "sp_executesql"),
            Procedure::Prepare => write!(f, "sp_prepare"),
            Procedure::Execute => write!(f, "sp_execute"),
            Procedure::PrepExec => write!(f, "sp_prepexec"),
            Procedure::Unprepare => write!(f, "sp_unprepare"),
            Procedure::Id(id) => write!(f, "proc #{id}"),
            Procedure::Named(n) => write!(f, "{n}"),
        }
    }
}

/// An RPC call: a procedure and its typed parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcCall {
    /// The procedure called.
    pub procedure: Procedure,
    /// The option flags (`WITH RECOMPILE` = 1, `NO_METADATA` = 2, `REUSE_METADATA` = 4).
    pub options: u16,
    /// Every parameter, in order, as sent.
    pub params: Vec<RpcParam>,
}

impl RpcCall {
    /// For `sp_executesql`: the statement (its first parameter).
    pub fn statement(&self) -> Option<&str> {
        match self.procedure {
            Procedure::ExecuteSql => self.params.first().and_then(|p| p.value.as_str()),
            _ => None,
        }
    }

    /// For `sp_executesql`: the parameter declaration (`@P1 int,@P2 nvarchar(max)`).
    pub fn declaration(&self) -> Option<&str> {
        match self.procedure {
            Procedure::ExecuteSql => self.params.get(1).and_then(|p| p.value.as_str()),
            _ => None,
        }
    }

    /// The arguments: for `sp_executesql` those after the statement and the
    /// declaration, for any other procedure all parameters.
    pub fn arguments(&self) -> &[RpcParam] {
        match self.procedure {
            Procedure::ExecuteSql => self.params.get(2..).unwrap_or_default(),
            _ => &self.params,
        }
    }

    /// The parameter named `name` (with or without the leading `@`).
    pub fn param(&self, name: &str) -> Option<&RpcParam> {
        let name = name.trim_start_matches('@');
        self.params
            .iter()
            .find(|p| p.name.trim_start_matches('@').eq_ignore_ascii_case(name))
    }
}

/// One RPC parameter, decoded to a typed value.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcParam {
    /// The name as sent (`@P1`; tiberius names the first two `stmt` and `params`).
    pub name: String,
    /// `true` for an OUTPUT (by-reference) parameter.
    pub output: bool,
    /// The type the client declared on the wire.
    pub ty: SqlType,
    /// The value.
    pub value: Value,
}

/// A transaction isolation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`
    ReadUncommitted,
    /// `READ COMMITTED`, SQL Server's default.
    #[default]
    ReadCommitted,
    /// `REPEATABLE READ`
    RepeatableRead,
    /// `SERIALIZABLE`
    Serializable,
    /// `SNAPSHOT`
    Snapshot,
}

impl IsolationLevel {
    /// The level of a Transaction Manager byte (0 = unspecified).
    pub(crate) fn from_tm(b: u8) -> Option<Self> {
        Some(match b {
            1 => IsolationLevel::ReadUncommitted,
            2 => IsolationLevel::ReadCommitted,
            3 => IsolationLevel::RepeatableRead,
            4 => IsolationLevel::Serializable,
            5 => IsolationLevel::Snapshot,
            _ => return None,
        })
    }

    /// The level named in T-SQL (`REPEATABLE READ`), any case and spacing.
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<String> = text
            .split_whitespace()
            .map(str::to_ascii_uppercase)
            .collect();
        Some(match words.join(" ").as_str() {
            "READ UNCOMMITTED" => IsolationLevel::ReadUncommitted,
            "READ COMMITTED" => IsolationLevel::ReadCommitted,
            "REPEATABLE READ" => IsolationLevel::RepeatableRead,
            "SERIALIZABLE" => IsolationLevel::Serializable,
            "SNAPSHOT" => IsolationLevel::Snapshot,
            _ => return None,
        })
    }
}

impl fmt::Display for IsolationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
            IsolationLevel::Snapshot => "SNAPSHOT",
        })
    }
}

/// A Transaction Manager request (MS-TDS 2.2.6.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionRequest {
    /// `TM_BEGIN_XACT`, with the isolation level (`None` = unspecified) and an optional name.
    Begin {
        /// Isolation level to set, if specified.
        isolation: Option<IsolationLevel>,
        /// Transaction name (may be empty).
        name: String,
    },
    /// `TM_COMMIT_XACT`.
    Commit {
        /// Transaction name (may be empty).
        name: String,
    },
    /// `TM_ROLLBACK_XACT`; a name that is a savepoint rolls back to it.
    Rollback {
        /// Transaction or savepoint name (may be empty).
        name: String,
    },
    /// `TM_SAVE_XACT`: create a savepoint.
    Save {
        /// Savepoint name.
        name: String,
    },
    /// Any other request type (DTC requests), by number.
    Other(u16),
}
