//! The offline schema snapshot of mssqlx.
//!
//! mssqlx checks every query at compile time against a *snapshot* of the database
//! schema — one JSON file in the repository, refreshed when the schema changes — so a
//! build never needs a database. This crate owns that file:
//!
//! - [`types`]: SQL Server data types as the snapshot spells them;
//! - [`model`]: databases → schemas → tables, views, procedures, types, sequences;
//! - [`snapshot`]: the file format, deterministic writing, loading with actionable errors;
//! - [`cache`]: a process-wide cache so a compiler process parses the file once;
//! - [`ident`]: identifier comparison following the database's collation;
//! - [`fixtures`]: locating the third-party schema scripts tests read;
//! - [`ddl`]: building a snapshot from T-SQL DDL scripts.
//!
//! ```
//! use mssqlx_offline::{Snapshot, SqlType};
//! let snap = Snapshot::from_json(r#"{
//!   "format_version": 1,
//!   "databases": { "default": { "schemas": { "dbo": { "tables": { "Users": {
//!     "columns": [ { "name": "Id", "ordinal": 1, "type": "int", "nullable": false } ]
//!   } } } } } }
//! }"#).unwrap();
//! let db = snap.database("default").unwrap();
//! let (_, _, users) = db.table(None, "users").unwrap();
//! assert_eq!(users.column("ID").unwrap().ty, SqlType::Int);
//! ```
#![deny(missing_docs)]

pub mod cache;
pub mod ddl;
pub mod error;
pub mod fixtures;
pub mod ident;
pub mod model;
pub mod snapshot;
pub mod types;

pub use cache::load_cached;
pub use error::SnapshotError;
pub use model::*;
pub use snapshot::{
    locate_snapshot, snapshot_candidates, Snapshot, DEFAULT_DATABASE, FORMAT_VERSION,
    SUPPORTED_FORMAT_VERSIONS,
};
pub use types::{Length, SqlType, TypeArg, TypeError};
