//! The analyzer and code generation behind mssqlx's query macros — a plain library.
//!
//! The proc-macro crate `mssqlx-macros` is a thin shim over this one, so everything
//! here is testable without a compiler:
//!
//! - [`analyze`]: given a schema snapshot and one T-SQL statement, what it returns
//!   (columns with SQL type and nullability), what parameters it takes, or errors with
//!   byte offsets into the SQL;
//! - [`typing`]: T-SQL's typing rules (precedence, decimal arithmetic, functions);
//! - [`render`]: errors drawn as rustc draws them, the SQL with a caret under the culprit.
//!
//! ```
//! use mssqlx_offline::Snapshot;
//! let snap = Snapshot::from_json(r#"{ "format_version": 1, "databases": { "default": {
//!   "schemas": { "dbo": { "tables": { "Items": { "columns": [
//!     { "name": "Price", "ordinal": 1, "type": "decimal(12,2)", "nullable": false } ] } } } } } } }"#).unwrap();
//! let d = mssqlx_macros_core::describe(&snap, "default", "SELECT SUM(Price) AS total FROM dbo.Items").unwrap();
//! assert_eq!(d.columns[0].ty.to_string(), "decimal(38,2)");
//! assert!(d.columns[0].nullable); // SUM over no rows is NULL
//! ```
#![deny(missing_docs)]

pub mod analyze;
pub mod render;
pub mod typing;

pub use analyze::{
    describe, AnalyzeError, ColumnOrigin, ColumnOverride, Description, Param, ResultColumn,
    StatementKind,
};
