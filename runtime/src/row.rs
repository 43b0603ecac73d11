//! Reading columns out of a [`Row`]: the [`Decode`] trait.
//!
//! `Decode` turns one column into a Rust value following DESIGN §3's type map
//! (int → `i32`, nvarchar → `String`, datetime2 → `NaiveDateTime`, ...). A
//! NULL decodes into `None` for `Option<T>` and is an
//! [`Error::UnexpectedNull`] naming the column otherwise. Generated
//! `FromRow` code calls [`decode`] once per column, by index.
//!
//! ```
//! use mssqlx_runtime::{row::decode, Row};
//! use tiberius::{ColumnData, ColumnType};
//!
//! let row: Row = Row::builder()
//!     .column("id", ColumnType::Int4, ColumnData::I32(Some(7)))
//!     .column("nick", ColumnType::NVarchar, ColumnData::String(None))
//!     .build();
//! let id: i32 = decode(&row, 0).unwrap();
//! let nick: Option<String> = decode(&row, 1).unwrap();
//! assert_eq!((id, nick), (7, None));
//! assert!(decode::<String>(&row, 1).unwrap_err().to_string().contains("nick"));
//! ```

pub use tiberius::Row;

use crate::error::{Error, Result};

/// A Rust type one column decodes into.
pub trait Decode: Sized {
    /// Decodes column `index` of `row`.
    fn decode(row: &Row, index: usize) -> Result<Self>;
}

/// Decodes column `index` of `row` into `T`.
#[inline]
pub fn decode<T: Decode>(row: &Row, index: usize) -> Result<T> {
    T::decode(row, index)
}

/// Decodes the column named `name` (case-insensitive) of `row` into `T`.
pub fn decode_by_name<T: Decode>(row: &Row, name: &str) -> Result<T> {
    let index = row
        .columns()
        .iter()
        .position(|c| c.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| Error::Decode {
            column: name.to_string(),
            message: "no such column in the result".into(),
        })?;
    T::decode(row, index)
}

pub(crate) fn column_name(row: &Row, index: usize) -> String {
    row.columns()
        .get(index)
        .map(|c| c.name().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("#{index}"))
}

#[cold]
pub(crate) fn decode_error(row: &Row, index: usize, e: tiberius::error::Error) -> Error {
    Error::Decode {
        column: column_name(row, index),
        message: e.to_string(),
    }
}

#[cold]
pub(crate) fn null_error(row: &Row, index: usize) -> Error {
    Error::UnexpectedNull {
        column: column_name(row, index),
    }
}

macro_rules! decode_copy {
    ($($t:ty),* $(,)?) => {$(
        impl Decode for Option<$t> {
            #[inline]
            fn decode(row: &Row, index: usize) -> Result<Self> {
                row.try_get::<$t, usize>(index).map_err(|e| decode_error(row, index, e))
            }
        }
        impl Decode for $t {
            #[inline]
            fn decode(row: &Row, index: usize) -> Result<Self> {
                match row.try_get::<$t, usize>(index) {
                    Ok(Some(v)) => Ok(v),
                    Ok(None) => Err(null_error(row, index)),
                    Err(e) => Err(decode_error(row, index, e)),
                }
            }
        }
    )*};
}

decode_copy!(
    bool,
    u8,
    i16,
    i32,
    i64,
    f32,
    f64,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::FixedOffset>,
);

// money and smallmoney map to `Decimal` (DESIGN §3), but tiberius hands them over as
// `f64` (its `ColumnData::F64`). A money value is a whole number of ten-thousandths, so
// rounding the f64 to 4 places restores it exactly for |value| < 2^53 / 10^4 (about
// 900 billion); beyond that, CAST the column to decimal(19,4) in the query.
impl Decode for Option<rust_decimal::Decimal> {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        match row.try_get::<rust_decimal::Decimal, usize>(index) {
            Ok(v) => Ok(v),
            Err(e) if is_money(row, index) => match row.try_get::<f64, usize>(index) {
                Ok(None) => Ok(None),
                Ok(Some(f)) => {
                    use rust_decimal::prelude::FromPrimitive;
                    rust_decimal::Decimal::from_f64(f)
                        .map(|d| Some(d.round_dp(4)))
                        .ok_or_else(|| decode_error(row, index, e))
                }
                Err(_) => Err(decode_error(row, index, e)),
            },
            Err(e) => Err(decode_error(row, index, e)),
        }
    }
}

impl Decode for rust_decimal::Decimal {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        Option::<rust_decimal::Decimal>::decode(row, index)?.ok_or_else(|| null_error(row, index))
    }
}

fn is_money(row: &Row, index: usize) -> bool {
    use tiberius::ColumnType;
    row.columns().get(index).is_some_and(|c| {
        // nullable money and smallmoney (MONEYN) both report ColumnType::Money
        matches!(c.column_type(), ColumnType::Money | ColumnType::Money4)
    })
}

impl Decode for Option<String> {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        row.try_get::<&str, usize>(index)
            .map(|v| v.map(str::to_owned))
            .map_err(|e| decode_error(row, index, e))
    }
}

impl Decode for String {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        Option::<String>::decode(row, index)?.ok_or_else(|| null_error(row, index))
    }
}

impl Decode for Option<Vec<u8>> {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        row.try_get::<&[u8], usize>(index)
            .map(|v| v.map(<[u8]>::to_vec))
            .map_err(|e| decode_error(row, index, e))
    }
}

impl Decode for Vec<u8> {
    #[inline]
    fn decode(row: &Row, index: usize) -> Result<Self> {
        Option::<Vec<u8>>::decode(row, index)?.ok_or_else(|| null_error(row, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiberius::{ColumnData, ColumnType};

    fn row() -> Row {
        Row::builder()
            .column("n", ColumnType::Int4, ColumnData::I32(Some(5)))
            .column(
                "s",
                ColumnType::NVarchar,
                ColumnData::String(Some("hé".into())),
            )
            .column("missing", ColumnType::Int4, ColumnData::I32(None))
            .column(
                "b",
                ColumnType::BigVarBin,
                ColumnData::Binary(Some(vec![1u8, 2].into())),
            )
            .build()
    }

    #[test]
    fn decodes_values_and_options() {
        let r = row();
        assert_eq!(decode::<i32>(&r, 0).unwrap(), 5);
        assert_eq!(decode::<String>(&r, 1).unwrap(), "hé");
        assert_eq!(decode::<Option<i32>>(&r, 2).unwrap(), None);
        assert_eq!(decode::<Vec<u8>>(&r, 3).unwrap(), vec![1, 2]);
        assert_eq!(decode_by_name::<i32>(&r, "N").unwrap(), 5);
    }

    #[test]
    fn null_into_non_option_names_the_column() {
        let e = decode::<i32>(&row(), 2).unwrap_err();
        assert!(matches!(e, Error::UnexpectedNull { ref column } if column == "missing"));
    }

    #[test]
    fn wrong_type_names_the_column() {
        let e = decode::<String>(&row(), 0).unwrap_err();
        assert!(
            matches!(e, Error::Decode { ref column, .. } if column == "n"),
            "{e:?}"
        );
    }
}
