//! mssqlx's runtime: a connection pool for SQL Server on tiberius and bb8,
//! the [`Executor`] that generated queries call, transactions with
//! savepoints, transient-error retries, several databases, and tracing.
//!
//! ```no_run
//! use mssqlx_runtime::{Executor, Pool, Query};
//!
//! # async fn demo() -> Result<(), mssqlx_runtime::Error> {
//! let pool = Pool::connect("mssql://app:secret@db.example.com:1433/Shop").await?;
//!
//! // Autocommit, one pooled connection per statement, reads retried:
//! let users: Vec<(i32, String)> = pool
//!     .fetch_all(Query::new("SELECT Id, Email FROM dbo.Users WHERE Active = @P1", &[&true]))
//!     .await?;
//!
//! // A whole unit of work, re-run from BEGIN on deadlocks and failovers:
//! pool.transaction(|tx| Box::pin(async move {
//!     tx.execute(Query::new("UPDATE dbo.Users SET Active = 0 WHERE Id = @P1", &[&1i32])).await?;
//!     Ok(())
//! }))
//! .await?;
//! # let _ = users; Ok(()) }
//! ```
//!
//! Modules: [`connect_string`] (ADO.NET and URL forms), [`pool`] (pool,
//! manager, hygiene), [`executor`], [`transaction`], [`isolation`],
//! [`retry`] (catalog, backoff), [`routing`], [`row`] / [`from_row`],
//! [`types`] (`Json<T>`), [`trace`], [`session`].
//!
//! Connections use TLS (rustls) unless the connection string opts out;
//! `encrypt=DANGER_PLAINTEXT` is for local tests only.
//!
//! # For generated code
//!
//! `query!` / `query_as!` / `derive(Model)` expand to calls of this crate:
//!
//! * a statement is a [`Query`]: `Query::new(SQL, &[&arg1, &arg2])` with `SQL`
//!   a `&'static str` and the arguments as `&dyn ToSql` (they travel as RPC
//!   parameters `@P1..@PN`); mark it [`Query::read`] or [`Query::write`] (the
//!   analyzer knows), [`Query::idempotent`] where a retry is safe;
//! * rows come back as a type implementing [`FromRow`], whose generated body
//!   calls [`row::decode`] once per column, by index;
//! * the statement runs on any [`Executor`] (`&Pool`, `&mut PoolConnection`,
//!   `&mut Transaction`, `&mut Savepoint`) through `fetch_one`,
//!   `fetch_optional`, `fetch_all`, `fetch` or `execute`; code that must run
//!   inside a transaction (`select_for_update`) takes a
//!   [`TransactionalExecutor`];
//! * a model names its table and database with [`Model::META`]
//!   ([`ModelMeta`]), which [`Databases::for_model`] routes on;
//! * JSON columns are [`Json<T>`].

#![deny(missing_docs)]

pub mod connect_string;
pub mod error;
pub mod executor;
pub mod from_row;
pub mod isolation;
pub mod pool;
pub mod retry;
pub mod routing;
pub mod row;
pub mod session;
pub mod trace;
pub mod transaction;
pub mod types;

pub use connect_string::ConnectOptions;
pub use error::{Error, Result};
pub use executor::{Executor, Query, StatementKind, TransactionalExecutor};
pub use from_row::FromRow;
pub use isolation::IsolationLevel;
pub use pool::{
    AccessTokenProvider, Connection, ConnectionManager, ManagerStats, Pool, PoolConnection,
    PoolOptions, PoolState,
};
pub use retry::{with_retry, RetryPolicy, RetryUnit, RetryableError};
pub use routing::{
    Databases, DatabasesBuilder, DefaultRouter, HashShardRouter, Intent, Model, ModelMeta,
    PrimaryReplicaRouter, Router,
};
pub use row::{Decode, Row};
pub use transaction::{Savepoint, Transaction};
pub use types::Json;

/// What generated code needs, under one path.
#[doc(hidden)]
pub mod __private {
    pub use crate::row::{decode, decode_by_name};
    pub use futures_util::future::BoxFuture;
    pub use tiberius::{self, ToSql};
}

pub use tiberius::ToSql;
