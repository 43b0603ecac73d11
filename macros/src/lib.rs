//! Proc-macro shims of mssqlx. The work happens in `mssqlx-macros-core`.
#![deny(missing_docs)]
