//! # mssqlx
//!
//! Compile-time checked queries for Microsoft SQL Server, fully offline.
//!
//! A build checks every query against a **schema snapshot** (`mssqlx.json`, made by
//! `mssqlx snapshot --from-ddl schema.sql`), so it never needs a database. At run time
//! this crate runs the checked queries: a pool over tiberius with TLS by default,
//! autocommit statements, transactions with isolation levels and savepoints, transient
//! retries with backoff, several databases with routing.
//!
//! This facade is what applications depend on; it re-exports the runtime
//! ([`mssqlx_runtime`]) and, as they land, the macros (`query!`, `derive(Model)`).
//!
//! ```no_run
//! use mssqlx::{Executor, IsolationLevel, Pool, Query};
//!
//! # async fn tour() -> mssqlx::Result<()> {
//! let pool = Pool::connect("mssql://app:secret@db.example.com:1433/Shop").await?;
//!
//! // One pooled connection per statement; reads are retried on transient errors.
//! let names: Vec<(String,)> = pool
//!     .fetch_all(Query::new("SELECT Name FROM dbo.Products WHERE Price > @P1", &[&10i32]))
//!     .await?;
//!
//! // A transaction at SNAPSHOT isolation, with a nested savepoint.
//! let mut tx = pool.begin_with(IsolationLevel::Snapshot).await?;
//! tx.execute(Query::new("UPDATE dbo.Stock SET Qty = Qty - 1 WHERE Id = @P1", &[&7i32]))
//!     .await?;
//! tx.commit().await?;
//! # let _ = names; Ok(()) }
//! ```
#![deny(missing_docs)]

pub use mssqlx_runtime::*;

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
