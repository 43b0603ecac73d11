//! `Json<T>`: a JSON column (`nvarchar(max)` with an `ISJSON` check, or SQL
//! Server 2025's `json` type) read and written through serde.
//!
//! As a parameter it is sent as the JSON text (an `nvarchar` RPC parameter);
//! as a column it is parsed from the text. A value that fails to parse is an
//! [`Error::Decode`] naming the column.
//!
//! ```
//! use mssqlx_runtime::types::Json;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Prefs { theme: String }
//!
//! let p = Json(Prefs { theme: "dark".into() });
//! assert_eq!(p.to_json().unwrap(), r#"{"theme":"dark"}"#);
//! assert_eq!(Json::<Prefs>::from_json(r#"{"theme":"dark"}"#).unwrap(), p);
//! ```

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tiberius::{ColumnData, ToSql};

use crate::error::{Error, Result};
use crate::row::{column_name, decode_error, null_error, Decode, Row};

/// A JSON value stored in a column, (de)serialized with serde.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: Serialize> Json<T> {
    /// The JSON text of the value.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.0).map_err(|e| Error::Decode {
            column: "<parameter>".into(),
            message: format!("cannot serialize to JSON: {e}"),
        })
    }
}

impl<T: DeserializeOwned> Json<T> {
    /// Parses JSON text.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text)
            .map(Json)
            .map_err(|e| Error::Decode {
                column: "<json>".into(),
                message: format!("invalid JSON: {e}"),
            })
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(v: T) -> Self {
        Json(v)
    }
}

/// Sent as `nvarchar` JSON text.
///
/// # Panics
/// If `T`'s `Serialize` implementation fails (e.g. a map with non-string
/// keys): a parameter cannot report an error. Use [`Json::to_json`] first to
/// check such values.
impl<T: Serialize + Send + Sync> ToSql for Json<T> {
    fn to_sql(&self) -> ColumnData<'_> {
        let text = serde_json::to_string(&self.0)
            .expect("Json<T> parameter could not be serialized to JSON");
        ColumnData::String(Some(Cow::Owned(text)))
    }
}

impl<T: DeserializeOwned> Decode for Option<Json<T>> {
    fn decode(row: &Row, index: usize) -> Result<Self> {
        match row.try_get::<&str, usize>(index) {
            Ok(Some(text)) => serde_json::from_str(text)
                .map(|v| Some(Json(v)))
                .map_err(|e| Error::Decode {
                    column: column_name(row, index),
                    message: format!("invalid JSON: {e}"),
                }),
            Ok(None) => Ok(None),
            Err(e) => Err(decode_error(row, index, e)),
        }
    }
}

impl<T: DeserializeOwned> Decode for Json<T> {
    fn decode(row: &Row, index: usize) -> Result<Self> {
        Option::<Json<T>>::decode(row, index)?.ok_or_else(|| null_error(row, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiberius::{ColumnData, ColumnType};

    #[test]
    fn json_column_decodes_and_bad_json_names_the_column() {
        let row = Row::builder()
            .column(
                "tags",
                ColumnType::NVarchar,
                ColumnData::String(Some(r#"["a","b"]"#.into())),
            )
            .column(
                "bad",
                ColumnType::NVarchar,
                ColumnData::String(Some("{nope".into())),
            )
            .build();
        let tags: Json<Vec<String>> = Decode::decode(&row, 0).unwrap();
        assert_eq!(tags.0, vec!["a", "b"]);
        let e = <Json<Vec<String>> as Decode>::decode(&row, 1).unwrap_err();
        assert!(matches!(e, Error::Decode { ref column, .. } if column == "bad"));
    }

    #[test]
    fn json_parameter_is_sent_as_text() {
        let j = Json(serde_json::json!({"a": 1}));
        match j.to_sql() {
            ColumnData::String(Some(s)) => assert_eq!(s, r#"{"a":1}"#),
            other => panic!("{other:?}"),
        }
    }
}
