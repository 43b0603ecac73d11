//! Column types beyond tiberius's own: [`Json<T>`](json::Json) for JSON columns.
//!
//! ```
//! use mssqlx_runtime::types::Json;
//! let j = Json(vec![1, 2]);
//! assert_eq!(j.len(), 2);
//! ```

pub mod json;

pub use json::Json;
