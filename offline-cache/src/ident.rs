//! Identifier comparison, as the database's collation decides it.
//!
//! SQL Server compares object and column names with the database's collation: under
//! the default `SQL_Latin1_General_CP1_CI_AS` (and any `_CI_` collation) `Users`,
//! `USERS` and `users` are one table; under a `_CS_` or `_BIN` collation they are three.
//!
//! ```
//! use mssqlx_offline::ident::{names_equal, IdentCase};
//! let case = IdentCase::from_collation("Latin1_General_100_CI_AS_SC_UTF8");
//! assert!(names_equal("OrderID", "orderid", case));
//! assert!(!names_equal("OrderID", "orderid", IdentCase::from_collation("Latin1_General_CS_AS")));
//! ```

/// Whether identifiers compare with or without regard to case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentCase {
    /// `_CI_` collations, SQL Server's default.
    Insensitive,
    /// `_CS_` and binary (`_BIN`, `_BIN2`) collations.
    Sensitive,
}

impl IdentCase {
    /// Reads the case sensitivity out of a collation name.
    pub fn from_collation(collation: &str) -> IdentCase {
        let upper = collation.to_ascii_uppercase();
        if upper.contains("_CS") || upper.contains("_BIN") {
            IdentCase::Sensitive
        } else {
            IdentCase::Insensitive
        }
    }
}

/// True when `a` and `b` name the same object under `case`.
pub fn names_equal(a: &str, b: &str, case: IdentCase) -> bool {
    match case {
        IdentCase::Sensitive => a == b,
        IdentCase::Insensitive => {
            if a.is_ascii() && b.is_ascii() {
                a.eq_ignore_ascii_case(b)
            } else {
                a.chars()
                    .flat_map(char::to_lowercase)
                    .eq(b.chars().flat_map(char::to_lowercase))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_names_compare_without_case_under_ci() {
        assert!(names_equal("Ärger", "ärger", IdentCase::Insensitive));
        assert!(!names_equal("Ärger", "ärger", IdentCase::Sensitive));
    }

    #[test]
    fn binary_collations_are_case_sensitive() {
        assert_eq!(
            IdentCase::from_collation("Latin1_General_BIN2"),
            IdentCase::Sensitive
        );
        assert_eq!(
            IdentCase::from_collation("SQL_Latin1_General_CP1_CI_AS"),
            IdentCase::Insensitive
        );
    }
}
