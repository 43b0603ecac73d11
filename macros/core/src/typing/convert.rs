//! The implicit / explicit conversion chart (R40), as a table.
//!
//! Each row of [`CHART`] is a *from* type, each letter a *to* type, in the order of
//! [`TypeFamily`]: `S` same type, `I` implicit, `E` explicit only (`CAST` / `CONVERT`),
//! `N` not allowed. Comparisons, arithmetic and `CASE` need an implicit conversion from
//! the lower-precedence operand to the higher one; `CAST` needs at least an explicit one.
//!
//! ```
//! use mssqlx_macros_core::typing::{comparable, implicit_conversion, Conversion};
//! use mssqlx_offline::SqlType;
//! assert_eq!(implicit_conversion(&SqlType::Int, &SqlType::DateTime), Conversion::Implicit);
//! assert_eq!(implicit_conversion(&SqlType::Int, &SqlType::Date), Conversion::NotAllowed);
//! assert!(comparable(&SqlType::UniqueIdentifier, &SqlType::Int).is_err());
//! ```

use mssqlx_offline::SqlType;

use super::precedence::{precedence, TypeFamily};
use super::TypingError;

/// How a value of one type becomes a value of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// The same type (length, precision and scale included).
    Same,
    /// Converted silently where needed (comparisons, operators, assignments).
    Implicit,
    /// Only with `CAST` or `CONVERT`.
    ExplicitOnly,
    /// Not even with `CAST` (an error also for `TRY_CAST`, R14).
    NotAllowed,
}

/// The chart. Rows: from; columns: to; both in [`TypeFamily`] order, grouped for reading:
/// `bin vbin | char vchar nchar nvchar | datetime smalldt date time dto dt2 |
///  dec num float real | big int small tiny | money smoney bit timestamp uid |
///  image ntext text variant xml clr hierarchyid | json`.
#[rustfmt::skip]
const CHART: [(TypeFamily, &str); 33] = [
    (TypeFamily::Binary,           "SI IIII EENNNN IINN IIII IIIII INIIIII N"),
    (TypeFamily::VarBinary,        "IS IIII EENNNN IINN IIII IIIII INIIIII N"),
    (TypeFamily::Char,             "EE SIII IIIIII IIII IIII IIINI NIIIIII I"),
    (TypeFamily::VarChar,          "EE ISII IIIIII IIII IIII IIINI NIIIIII I"),
    (TypeFamily::NChar,            "EE IISI IIIIII IIII IIII IIINI NIIIIII I"),
    (TypeFamily::NVarChar,         "EE IIIS IIIIII IIII IIII IIINI NIIIIII I"),
    (TypeFamily::DateTime,         "EE IIII SIIIII EEEE EEEE EEEEN NNNINNN N"),
    (TypeFamily::SmallDateTime,    "EE IIII ISIIII EEEE EEEE EEEEN NNNINNN N"),
    (TypeFamily::Date,             "NN IIII IISNII NNNN NNNN NNNNN NNNINNN N"),
    (TypeFamily::Time,             "NN IIII IINSII NNNN NNNN NNNNN NNNINNN N"),
    (TypeFamily::DateTimeOffset,   "NN IIII IIIISI NNNN NNNN NNNNN NNNINNN N"),
    (TypeFamily::DateTime2,        "NN IIII IIIIIS NNNN NNNN NNNNN NNNINNN N"),
    (TypeFamily::Decimal,          "II IIII IINNNN SIII IIII IIIIN NNNINNN N"),
    (TypeFamily::Numeric,          "II IIII IINNNN ISII IIII IIIIN NNNINNN N"),
    (TypeFamily::Float,            "II IIII IINNNN IISI IIII IIINN NNNINNN N"),
    (TypeFamily::Real,             "II IIII IINNNN IIIS IIII IIINN NNNINNN N"),
    (TypeFamily::BigInt,           "II IIII IINNNN IIII SIII IIIIN NNNINNN N"),
    (TypeFamily::Int,              "II IIII IINNNN IIII ISII IIIIN NNNINNN N"),
    (TypeFamily::SmallInt,         "II IIII IINNNN IIII IISI IIIIN NNNINNN N"),
    (TypeFamily::TinyInt,          "II IIII IINNNN IIII IIIS IIIIN NNNINNN N"),
    (TypeFamily::Money,            "II IIII IINNNN IIII IIII SIIIN NNNINNN N"),
    (TypeFamily::SmallMoney,       "II IIII IINNNN IIII IIII ISIIN NNNINNN N"),
    (TypeFamily::Bit,              "II IIII IINNNN IIII IIII IISIN NNNINNN N"),
    (TypeFamily::Timestamp,        "II IIII IINNNN IINN IIII IIISN NNNNNNN N"),
    (TypeFamily::UniqueIdentifier, "II IIII NNNNNN NNNN NNNN NNNNS NNNINNN N"),
    (TypeFamily::Image,            "II NNNN NNNNNN NNNN NNNN NNNIN SNNNINN N"),
    (TypeFamily::NText,            "NN IIII NNNNNN NNNN NNNN NNNNN NSININN N"),
    (TypeFamily::Text,             "NN IIII NNNNNN NNNN NNNN NNNNN NISNINN N"),
    (TypeFamily::SqlVariant,       "EE EEEE EEEEEE EEEE EEEE EEENE NNNSNNN N"),
    (TypeFamily::Xml,              "EE EEEE NNNNNN NNNN NNNN NNNNN NNNNSNN N"),
    (TypeFamily::Clr,              "EE EEEE NNNNNN NNNN NNNN NNNNN NNNNNSN N"),
    (TypeFamily::HierarchyId,      "EE EEEE NNNNNN NNNN NNNN NNNNN NNNNNNS N"),
    (TypeFamily::Json,             "NN EEEE NNNNNN NNNN NNNN NNNNN NNNNNNN S"),
];

/// The chart's letter for `from` → `to`, or `N` if the table were ever malformed.
fn letter(from: TypeFamily, to: TypeFamily) -> u8 {
    CHART
        .get(from.index())
        .filter(|(f, _)| *f == from)
        .and_then(|(_, row)| row.bytes().filter(|b| *b != b' ').nth(to.index()))
        .unwrap_or(b'N')
}

/// How a value of type `from` converts to type `to`, per SQL Server's chart (R40).
///
/// Two types of one family with different lengths or precisions (`varchar(10)` →
/// `varchar(20)`, `decimal(5,2)` → `decimal(10,4)`) convert implicitly.
pub fn implicit_conversion(from: &SqlType, to: &SqlType) -> Conversion {
    if from == to {
        return Conversion::Same;
    }
    match letter(TypeFamily::of(from), TypeFamily::of(to)) {
        b'S' | b'I' => Conversion::Implicit,
        b'E' => Conversion::ExplicitOnly,
        _ => Conversion::NotAllowed,
    }
}

/// True when `from` reaches `to` without a `CAST`.
pub(crate) fn converts_implicitly(from: &SqlType, to: &SqlType) -> bool {
    matches!(
        implicit_conversion(from, to),
        Conversion::Same | Conversion::Implicit
    )
}

/// Types that no comparison operator accepts, even against themselves.
pub(crate) fn incomparable(t: &SqlType) -> bool {
    matches!(
        t,
        SqlType::Text
            | SqlType::NText
            | SqlType::Image
            | SqlType::Xml
            | SqlType::Json
            | SqlType::Geography
            | SqlType::Geometry
    )
}

/// Whether `a = b` (and `<`, `<>`, `IN`, ...) is legal: the lower-precedence operand
/// must convert implicitly to the higher one (R1, R40).
///
/// `uniqueidentifier = int` and `date = int` are errors; `datetime = int` is legal;
/// a string compares with anything it converts to. `text`, `ntext`, `image`, `xml`,
/// `json`, `geography` and `geometry` compare with nothing.
pub fn comparable(a: &SqlType, b: &SqlType) -> Result<(), TypingError> {
    for t in [a, b] {
        if incomparable(t) {
            return Err(TypingError::new(format!(
                "values of type {t} cannot be compared with `=`, `<` or `IN`"
            ))
            .with_help(match t {
                SqlType::Text | SqlType::NText => {
                    "cast it to varchar(max) / nvarchar(max), or use LIKE".to_string()
                }
                SqlType::Xml => {
                    "compare a value extracted with .value(), or cast it to nvarchar(max)"
                        .to_string()
                }
                SqlType::Json => {
                    "compare a value extracted with JSON_VALUE, or cast it to nvarchar(max)"
                        .to_string()
                }
                SqlType::Geography | SqlType::Geometry => {
                    "use a method such as .STEquals()".to_string()
                }
                _ => "cast it to varbinary(max)".to_string(),
            }));
        }
    }
    let (low, high) = if precedence(a) > precedence(b) {
        (b, a)
    } else {
        (a, b)
    };
    if converts_implicitly(low, high) {
        Ok(())
    } else {
        Err(clash(a, b, "compared"))
    }
}

/// "the types X and Y cannot be <verb>": the operand type clash (error 206 / 402).
pub(crate) fn clash(a: &SqlType, b: &SqlType, verb: &str) -> TypingError {
    let help = match implicit_conversion(a, b) {
        Conversion::ExplicitOnly => format!("convert one side explicitly, e.g. CAST(... AS {b})"),
        _ => match implicit_conversion(b, a) {
            Conversion::ExplicitOnly => {
                format!("convert one side explicitly, e.g. CAST(... AS {a})")
            }
            _ => format!("SQL Server cannot convert between {a} and {b}, even with CAST"),
        },
    };
    TypingError::new(format!(
        "the types {a} and {b} cannot be {verb}: SQL Server has no implicit conversion between them"
    ))
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_square_and_ordered_with_same_on_the_diagonal() {
        for (i, (family, row)) in CHART.iter().enumerate() {
            assert_eq!(family.index(), i, "row {i} is out of TypeFamily order");
            let letters: Vec<u8> = row.bytes().filter(|b| *b != b' ').collect();
            assert_eq!(
                letters.len(),
                CHART.len(),
                "row {family:?} has the wrong width"
            );
            assert_eq!(letters[i], b'S', "row {family:?}: diagonal must be S");
            assert!(letters.iter().all(|b| b"SIEN".contains(b)));
        }
    }
}
