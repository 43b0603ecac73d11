//! mssqlx facade.
#![deny(missing_docs)]
pub use mssqlx_runtime as runtime;
