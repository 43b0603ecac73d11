//! Data type precedence (R1).
//!
//! When an operator combines two values of different types, the value whose type has
//! the lower precedence is converted to the type with the higher precedence. `CASE`,
//! `COALESCE`, `IIF` and `UNION` pick the result type the same way. The list below is
//! SQL Server's, highest first; `hierarchyid`, `geography` and `geometry` are CLR
//! user-defined types and stand at the top with them. SQL Server 2025's `json` stands
//! just above `sql_variant` in the current revision of the page.
//!
//! ```
//! use mssqlx_macros_core::typing::precedence;
//! use mssqlx_offline::SqlType;
//! assert!(precedence(&SqlType::DateTime) > precedence(&SqlType::Int));
//! assert!(precedence(&SqlType::Int) > precedence(&SqlType::NVarChar(mssqlx_offline::Length::Max)));
//! ```

use mssqlx_offline::SqlType;

/// The type of a [`SqlType`] without its length, precision or scale: the unit of the
/// precedence list and of the conversion chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the T-SQL type names
pub enum TypeFamily {
    Binary,
    VarBinary,
    Char,
    VarChar,
    NChar,
    NVarChar,
    DateTime,
    SmallDateTime,
    Date,
    Time,
    DateTimeOffset,
    DateTime2,
    Decimal,
    Numeric,
    Float,
    Real,
    BigInt,
    Int,
    SmallInt,
    TinyInt,
    Money,
    SmallMoney,
    Bit,
    Timestamp,
    UniqueIdentifier,
    Image,
    NText,
    Text,
    SqlVariant,
    Xml,
    /// A CLR user-defined type: `geography`, `geometry`.
    Clr,
    HierarchyId,
    Json,
}

/// Data type precedence, highest first (R1). One row per family.
const PRECEDENCE: &[TypeFamily] = &[
    TypeFamily::Clr, // user-defined data types (highest)
    TypeFamily::HierarchyId,
    TypeFamily::Json,
    TypeFamily::SqlVariant,
    TypeFamily::Xml,
    TypeFamily::DateTimeOffset,
    TypeFamily::DateTime2,
    TypeFamily::DateTime,
    TypeFamily::SmallDateTime,
    TypeFamily::Date,
    TypeFamily::Time,
    TypeFamily::Float,
    TypeFamily::Real,
    TypeFamily::Decimal,
    TypeFamily::Numeric, // numeric is decimal: same rank, see `precedence`
    TypeFamily::Money,
    TypeFamily::SmallMoney,
    TypeFamily::BigInt,
    TypeFamily::Int,
    TypeFamily::SmallInt,
    TypeFamily::TinyInt,
    TypeFamily::Bit,
    TypeFamily::NText,
    TypeFamily::Text,
    TypeFamily::Image,
    TypeFamily::Timestamp,
    TypeFamily::UniqueIdentifier,
    TypeFamily::NVarChar, // including nvarchar(max)
    TypeFamily::NChar,
    TypeFamily::VarChar, // including varchar(max)
    TypeFamily::Char,
    TypeFamily::VarBinary, // including varbinary(max)
    TypeFamily::Binary,    // (lowest)
];

impl TypeFamily {
    /// The family of a type.
    pub fn of(t: &SqlType) -> TypeFamily {
        match t {
            SqlType::Bit => TypeFamily::Bit,
            SqlType::TinyInt => TypeFamily::TinyInt,
            SqlType::SmallInt => TypeFamily::SmallInt,
            SqlType::Int => TypeFamily::Int,
            SqlType::BigInt => TypeFamily::BigInt,
            SqlType::Real => TypeFamily::Real,
            SqlType::Float => TypeFamily::Float,
            SqlType::Decimal { .. } => TypeFamily::Decimal,
            SqlType::Numeric { .. } => TypeFamily::Numeric,
            SqlType::Money => TypeFamily::Money,
            SqlType::SmallMoney => TypeFamily::SmallMoney,
            SqlType::Char(_) => TypeFamily::Char,
            SqlType::VarChar(_) => TypeFamily::VarChar,
            SqlType::NChar(_) => TypeFamily::NChar,
            SqlType::NVarChar(_) => TypeFamily::NVarChar,
            SqlType::Text => TypeFamily::Text,
            SqlType::NText => TypeFamily::NText,
            SqlType::Binary(_) => TypeFamily::Binary,
            SqlType::VarBinary(_) => TypeFamily::VarBinary,
            SqlType::Image => TypeFamily::Image,
            SqlType::UniqueIdentifier => TypeFamily::UniqueIdentifier,
            SqlType::Date => TypeFamily::Date,
            SqlType::Time(_) => TypeFamily::Time,
            SqlType::DateTime => TypeFamily::DateTime,
            SqlType::SmallDateTime => TypeFamily::SmallDateTime,
            SqlType::DateTime2(_) => TypeFamily::DateTime2,
            SqlType::DateTimeOffset(_) => TypeFamily::DateTimeOffset,
            SqlType::Xml => TypeFamily::Xml,
            SqlType::Json => TypeFamily::Json,
            SqlType::RowVersion => TypeFamily::Timestamp,
            SqlType::HierarchyId => TypeFamily::HierarchyId,
            SqlType::Geography | SqlType::Geometry => TypeFamily::Clr,
            SqlType::SqlVariant => TypeFamily::SqlVariant,
        }
    }

    /// The family's rank in the precedence list: larger is higher precedence.
    pub fn precedence(self) -> u8 {
        let family = if self == TypeFamily::Numeric {
            TypeFamily::Decimal
        } else {
            self
        };
        let index = PRECEDENCE
            .iter()
            .position(|f| *f == family)
            .unwrap_or(PRECEDENCE.len());
        (PRECEDENCE.len() - index) as u8
    }

    /// Position in the conversion chart's rows and columns.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// True for the exact and approximate number families (bit included).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            TypeFamily::Bit
                | TypeFamily::TinyInt
                | TypeFamily::SmallInt
                | TypeFamily::Int
                | TypeFamily::BigInt
                | TypeFamily::Real
                | TypeFamily::Float
                | TypeFamily::Decimal
                | TypeFamily::Numeric
                | TypeFamily::Money
                | TypeFamily::SmallMoney
        )
    }

    /// True for `tinyint`, `smallint`, `int`, `bigint`.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            TypeFamily::TinyInt | TypeFamily::SmallInt | TypeFamily::Int | TypeFamily::BigInt
        )
    }

    /// True for `char`, `varchar`, `nchar`, `nvarchar` (not the deprecated text types).
    pub fn is_char_string(self) -> bool {
        matches!(
            self,
            TypeFamily::Char | TypeFamily::VarChar | TypeFamily::NChar | TypeFamily::NVarChar
        )
    }

    /// True for `binary`, `varbinary`.
    pub fn is_binary_string(self) -> bool {
        matches!(self, TypeFamily::Binary | TypeFamily::VarBinary)
    }
}

/// The rank of `t` in SQL Server's data type precedence list (R1); larger is higher.
///
/// `decimal` and `numeric` share a rank. The value itself means nothing beyond the order.
pub fn precedence(t: &SqlType) -> u8 {
    TypeFamily::of(t).precedence()
}

/// Of two types, the one with the higher precedence (the first on a tie).
pub(crate) fn higher<'a>(a: &'a SqlType, b: &'a SqlType) -> &'a SqlType {
    if precedence(b) > precedence(a) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_ranked_once() {
        for (i, f) in PRECEDENCE.iter().enumerate() {
            assert_eq!(
                PRECEDENCE.iter().filter(|g| *g == f).count(),
                1,
                "row {i} ({f:?}) is listed twice"
            );
        }
        assert_eq!(PRECEDENCE.len(), TypeFamily::Json as usize + 1);
    }
}
