//! Column overrides in the alias, as sqlx users know them.
//!
//! | alias | meaning |
//! |---|---|
//! | `AS [total!]` | the column is NOT NULL (the analyzer could not prove it) |
//! | `AS [total?]` | the column is nullable |
//! | `AS [total: MyType]` | decode into this Rust type |
//! | `AS [total!: MyType]`, `AS [total?: MyType]` | both |
//!
//! The alias stays in the SQL sent to the server (a bracketed identifier may hold any
//! character), so the server names the column `total!`; the analyzer reports it as
//! `total` and hands the override to the macros, which apply it.
//!
//! ```
//! use mssqlx_macros_core::analyze::ColumnOverride;
//! let (name, ov) = mssqlx_macros_core::analyze::split_override("total!: i64");
//! assert_eq!(name, "total");
//! assert_eq!(ov, Some(ColumnOverride { nullable: Some(false), rust_type: Some("i64".into()) }));
//! ```

use serde::Serialize;

/// What an alias overrides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnOverride {
    /// `Some(false)` for `!`, `Some(true)` for `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// The Rust type after `:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
}

/// Splits an alias into the column name and its override, if it has one.
pub fn split(alias: &str) -> (String, Option<ColumnOverride>) {
    let (head, ty) = match alias.split_once(':') {
        // `::` belongs to a path inside the type, not to the separator.
        Some((h, t)) if !t.starts_with(':') && !t.trim().is_empty() => {
            (h, Some(t.trim().to_string()))
        }
        _ => (alias, None),
    };
    let head = head.trim_end();
    let (name, nullable) = if let Some(n) = head.strip_suffix('!') {
        (n, Some(false))
    } else if let Some(n) = head.strip_suffix('?') {
        (n, Some(true))
    } else {
        (head, None)
    };
    if nullable.is_none() && ty.is_none() {
        return (alias.to_string(), None);
    }
    (
        name.trim_end().to_string(),
        Some(ColumnOverride {
            nullable,
            rust_type: ty,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_have_no_override() {
        assert_eq!(split("total"), ("total".into(), None));
        assert_eq!(split(""), ("".into(), None));
        assert_eq!(split("a:"), ("a:".into(), None));
    }

    #[test]
    fn markers_and_types_are_split_off() {
        assert_eq!(split("n?").1.unwrap().nullable, Some(true));
        let (n, o) = split("when: chrono::NaiveDate");
        assert_eq!(n, "when");
        assert_eq!(o.unwrap().rust_type.as_deref(), Some("chrono::NaiveDate"));
    }
}
