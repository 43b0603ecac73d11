//! Typed rows: the [`FromRow`] trait that the executor's `fetch_*` methods
//! return, implemented by `query_as!` / `derive(Model)` generated structs and
//! by tuples.
//!
//! ```
//! use mssqlx_runtime::{row::decode, FromRow, Result, Row};
//!
//! struct User {
//!     id: i32,
//!     email: String,
//! }
//!
//! impl FromRow for User {
//!     fn from_row(row: &Row) -> Result<Self> {
//!         Ok(User { id: decode(row, 0)?, email: decode(row, 1)? })
//!     }
//! }
//! # let _ = |u: User| (u.id, u.email);
//! ```

use crate::error::Result;
use crate::row::{Decode, Row};

/// A value built from one result row.
pub trait FromRow: Sized {
    /// Builds the value from `row`.
    fn from_row(row: &Row) -> Result<Self>;
}

macro_rules! tuple_from_row {
    ($($name:ident : $idx:tt),+) => {
        impl<$($name: Decode),+> FromRow for ($($name,)+) {
            #[inline]
            fn from_row(row: &Row) -> Result<Self> {
                Ok(($($name::decode(row, $idx)?,)+))
            }
        }
    };
}

tuple_from_row!(A: 0);
tuple_from_row!(A: 0, B: 1);
tuple_from_row!(A: 0, B: 1, C: 2);
tuple_from_row!(A: 0, B: 1, C: 2, D: 3);
tuple_from_row!(A: 0, B: 1, C: 2, D: 3, E: 4);
tuple_from_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5);
tuple_from_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6);
tuple_from_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7);

#[cfg(test)]
mod tests {
    use super::*;
    use tiberius::{ColumnData, ColumnType};

    #[test]
    fn tuples_decode_by_position() {
        let row = Row::builder()
            .column("a", ColumnType::Int4, ColumnData::I32(Some(1)))
            .column(
                "b",
                ColumnType::NVarchar,
                ColumnData::String(Some("x".into())),
            )
            .build();
        let (a, b): (i32, String) = FromRow::from_row(&row).unwrap();
        assert_eq!((a, b.as_str()), (1, "x"));
    }
}
