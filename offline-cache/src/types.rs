//! SQL Server data types as the snapshot stores them.
//!
//! A [`SqlType`] is a *system* type with its length, precision or scale resolved:
//! alias types (`CREATE TYPE dbo.Name FROM nvarchar(50)`) are resolved to their base
//! type at import time. It is written and read as the lower-case spelling SQL Server's
//! `sp_describe_first_result_set` uses in `system_type_name`, so a snapshot reads like
//! the server's own metadata:
//!
//! ```
//! use mssqlx_offline::SqlType;
//! let t: SqlType = "decimal(12, 2)".parse().unwrap();
//! assert_eq!(t.to_string(), "decimal(12,2)");
//! assert_eq!("NVARCHAR(MAX)".parse::<SqlType>().unwrap().to_string(), "nvarchar(max)");
//! assert_eq!("float(24)".parse::<SqlType>().unwrap(), SqlType::Real);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The length of a variable-length string or binary type: a count or `(max)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Length {
    /// `(n)`: up to 8000 bytes (4000 characters for the `n` types).
    Bounded(u16),
    /// `(max)`: up to 2 GB, sent as PLP on the wire.
    Max,
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Bounded(n) => write!(f, "{n}"),
            Length::Max => f.write_str("max"),
        }
    }
}

/// A SQL Server system data type with its parameters.
///
/// Lengths are in characters for `nchar`/`nvarchar` and in bytes otherwise, as in T-SQL
/// source (`nvarchar(50)` holds 50 characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the T-SQL type names
pub enum SqlType {
    Bit,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    /// `real` = `float(1..=24)`, 4 bytes.
    Real,
    /// `float` = `float(25..=53)`, 8 bytes.
    Float,
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// `numeric` is a synonym of `decimal`, kept apart because metadata spells it so.
    Numeric {
        precision: u8,
        scale: u8,
    },
    Money,
    SmallMoney,
    Char(u16),
    VarChar(Length),
    NChar(u16),
    NVarChar(Length),
    Text,
    NText,
    Binary(u16),
    VarBinary(Length),
    Image,
    UniqueIdentifier,
    Date,
    /// `time(p)`, fractional seconds precision 0..=7.
    Time(u8),
    DateTime,
    SmallDateTime,
    /// `datetime2(p)`, fractional seconds precision 0..=7.
    DateTime2(u8),
    /// `datetimeoffset(p)`, fractional seconds precision 0..=7.
    DateTimeOffset(u8),
    Xml,
    /// SQL Server 2025's native `json` type.
    Json,
    /// `rowversion`, spelled `timestamp` in metadata.
    RowVersion,
    HierarchyId,
    Geography,
    Geometry,
    SqlVariant,
}

/// Why a type name could not be understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    /// Not a SQL Server system type (and not resolvable as an alias type here).
    #[error("unknown SQL Server type `{0}`")]
    Unknown(String),
    /// A known type with arguments it does not take or out of range.
    #[error("invalid arguments for `{name}`: {reason}")]
    BadArguments {
        /// The type name as written.
        name: String,
        /// What is wrong with the arguments.
        reason: String,
    },
}

/// One argument inside a type's parentheses: a number or `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeArg {
    /// A non-negative integer such as the `50` of `nvarchar(50)`.
    Number(u64),
    /// The `max` of `varchar(max)`.
    Max,
}

impl SqlType {
    /// Builds a type from its name (any case, brackets and quotes already removed) and
    /// the arguments written in parentheses, applying SQL Server's defaults for omitted
    /// ones in a column or variable declaration: `char` = `char(1)`, `decimal` =
    /// `decimal(18,0)`, `datetime2` = `datetime2(7)`, `float` = `float(53)`.
    ///
    /// `CAST`'s different default length (30) is the analyzer's business, not this one's.
    pub fn from_parts(name: &str, args: &[TypeArg]) -> Result<SqlType, TypeError> {
        let lower = name.to_ascii_lowercase();
        let lower = collapse_spaces(&lower);
        let bad = |reason: &str| TypeError::BadArguments {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        let none = |t: SqlType| {
            if args.is_empty() {
                Ok(t)
            } else {
                Err(bad("this type takes no length or precision"))
            }
        };
        let number = |a: &TypeArg| match a {
            TypeArg::Number(n) => Ok(*n),
            TypeArg::Max => Err(bad(
                "`max` is only valid for varchar, nvarchar and varbinary",
            )),
        };
        let fixed_len = |max: u64| -> Result<u16, TypeError> {
            match args {
                [] => Ok(1),
                [a] => {
                    let n = number(a)?;
                    if n == 0 || n > max {
                        Err(bad(&format!("length must be between 1 and {max}")))
                    } else {
                        Ok(n as u16)
                    }
                }
                _ => Err(bad("expected one length")),
            }
        };
        let var_len = |max: u64| -> Result<Length, TypeError> {
            match args {
                [] => Ok(Length::Bounded(1)),
                [TypeArg::Max] => Ok(Length::Max),
                [TypeArg::Number(n)] if *n >= 1 && *n <= max => Ok(Length::Bounded(*n as u16)),
                [_] => Err(bad(&format!("length must be between 1 and {max}, or max"))),
                _ => Err(bad("expected one length")),
            }
        };
        let frac = || -> Result<u8, TypeError> {
            match args {
                [] => Ok(7),
                [a] => {
                    let n = number(a)?;
                    if n > 7 {
                        Err(bad("fractional seconds precision must be between 0 and 7"))
                    } else {
                        Ok(n as u8)
                    }
                }
                _ => Err(bad("expected one fractional seconds precision")),
            }
        };
        let prec_scale = || -> Result<(u8, u8), TypeError> {
            let (p, s) = match args {
                [] => (18, 0),
                [p] => (number(p)?, 0),
                [p, s] => (number(p)?, number(s)?),
                _ => return Err(bad("expected (precision) or (precision, scale)")),
            };
            if !(1..=38).contains(&p) {
                return Err(bad("precision must be between 1 and 38"));
            }
            if s > p {
                return Err(bad("scale must not exceed precision"));
            }
            Ok((p as u8, s as u8))
        };
        Ok(match lower.as_str() {
            "bit" => none(SqlType::Bit)?,
            "tinyint" => none(SqlType::TinyInt)?,
            "smallint" => none(SqlType::SmallInt)?,
            "int" | "integer" => none(SqlType::Int)?,
            "bigint" => none(SqlType::BigInt)?,
            "real" => none(SqlType::Real)?,
            "double precision" => none(SqlType::Float)?,
            "float" => match args {
                [] => SqlType::Float,
                [a] => match number(a)? {
                    1..=24 => SqlType::Real,
                    25..=53 => SqlType::Float,
                    _ => return Err(bad("float(n) takes n between 1 and 53")),
                },
                _ => return Err(bad("expected one mantissa size")),
            },
            "decimal" | "dec" => {
                let (precision, scale) = prec_scale()?;
                SqlType::Decimal { precision, scale }
            }
            "numeric" => {
                let (precision, scale) = prec_scale()?;
                SqlType::Numeric { precision, scale }
            }
            "money" => none(SqlType::Money)?,
            "smallmoney" => none(SqlType::SmallMoney)?,
            "char" | "character" => SqlType::Char(fixed_len(8000)?),
            "varchar" | "char varying" | "character varying" => SqlType::VarChar(var_len(8000)?),
            "nchar" | "national char" | "national character" => SqlType::NChar(fixed_len(4000)?),
            "nvarchar" | "national char varying" | "national character varying" => {
                SqlType::NVarChar(var_len(4000)?)
            }
            "text" => none(SqlType::Text)?,
            "ntext" | "national text" => none(SqlType::NText)?,
            "binary" => SqlType::Binary(fixed_len(8000)?),
            "varbinary" | "binary varying" => SqlType::VarBinary(var_len(8000)?),
            "image" => none(SqlType::Image)?,
            "uniqueidentifier" => none(SqlType::UniqueIdentifier)?,
            "date" => none(SqlType::Date)?,
            "time" => SqlType::Time(frac()?),
            "datetime" => none(SqlType::DateTime)?,
            "smalldatetime" => none(SqlType::SmallDateTime)?,
            "datetime2" => SqlType::DateTime2(frac()?),
            "datetimeoffset" => SqlType::DateTimeOffset(frac()?),
            // `xml(CONTENT dbo.Schema)` is handled by the DDL reader, which keeps the schema
            // collection name beside the column; the type itself is plain xml.
            "xml" => none(SqlType::Xml)?,
            "json" => none(SqlType::Json)?,
            "rowversion" | "timestamp" => none(SqlType::RowVersion)?,
            "hierarchyid" => none(SqlType::HierarchyId)?,
            "geography" => none(SqlType::Geography)?,
            "geometry" => none(SqlType::Geometry)?,
            "sql_variant" => none(SqlType::SqlVariant)?,
            "sysname" => {
                if args.is_empty() {
                    SqlType::NVarChar(Length::Bounded(128))
                } else {
                    return Err(bad("sysname takes no length"));
                }
            }
            _ => return Err(TypeError::Unknown(name.to_string())),
        })
    }

    /// True for the types whose values are exact or approximate numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            SqlType::Bit
                | SqlType::TinyInt
                | SqlType::SmallInt
                | SqlType::Int
                | SqlType::BigInt
                | SqlType::Real
                | SqlType::Float
                | SqlType::Decimal { .. }
                | SqlType::Numeric { .. }
                | SqlType::Money
                | SqlType::SmallMoney
        )
    }

    /// True for character string types (`char`, `varchar`, `nchar`, `nvarchar`, `text`, `ntext`).
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            SqlType::Char(_)
                | SqlType::VarChar(_)
                | SqlType::NChar(_)
                | SqlType::NVarChar(_)
                | SqlType::Text
                | SqlType::NText
        )
    }

    /// True for Unicode character string types.
    pub fn is_unicode(&self) -> bool {
        matches!(
            self,
            SqlType::NChar(_) | SqlType::NVarChar(_) | SqlType::NText
        )
    }

    /// True for binary string types (`binary`, `varbinary`, `image`; rowversion is stored as binary(8)).
    pub fn is_binary(&self) -> bool {
        matches!(
            self,
            SqlType::Binary(_) | SqlType::VarBinary(_) | SqlType::Image | SqlType::RowVersion
        )
    }

    /// True for date and time types.
    pub fn is_temporal(&self) -> bool {
        matches!(
            self,
            SqlType::Date
                | SqlType::Time(_)
                | SqlType::DateTime
                | SqlType::SmallDateTime
                | SqlType::DateTime2(_)
                | SqlType::DateTimeOffset(_)
        )
    }

    /// True for the large-value types that travel as PLP streams: `(max)`, text, ntext, image, xml, json.
    pub fn is_large(&self) -> bool {
        matches!(
            self,
            SqlType::VarChar(Length::Max)
                | SqlType::NVarChar(Length::Max)
                | SqlType::VarBinary(Length::Max)
                | SqlType::Text
                | SqlType::NText
                | SqlType::Image
                | SqlType::Xml
                | SqlType::Json
        )
    }
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Bit => f.write_str("bit"),
            SqlType::TinyInt => f.write_str("tinyint"),
            SqlType::SmallInt => f.write_str("smallint"),
            SqlType::Int => f.write_str("int"),
            SqlType::BigInt => f.write_str("bigint"),
            SqlType::Real => f.write_str("real"),
            SqlType::Float => f.write_str("float"),
            SqlType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            SqlType::Numeric { precision, scale } => write!(f, "numeric({precision},{scale})"),
            SqlType::Money => f.write_str("money"),
            SqlType::SmallMoney => f.write_str("smallmoney"),
            SqlType::Char(n) => write!(f, "char({n})"),
            SqlType::VarChar(n) => write!(f, "varchar({n})"),
            SqlType::NChar(n) => write!(f, "nchar({n})"),
            SqlType::NVarChar(n) => write!(f, "nvarchar({n})"),
            SqlType::Text => f.write_str("text"),
            SqlType::NText => f.write_str("ntext"),
            SqlType::Binary(n) => write!(f, "binary({n})"),
            SqlType::VarBinary(n) => write!(f, "varbinary({n})"),
            SqlType::Image => f.write_str("image"),
            SqlType::UniqueIdentifier => f.write_str("uniqueidentifier"),
            SqlType::Date => f.write_str("date"),
            SqlType::Time(p) => write!(f, "time({p})"),
            SqlType::DateTime => f.write_str("datetime"),
            SqlType::SmallDateTime => f.write_str("smalldatetime"),
            SqlType::DateTime2(p) => write!(f, "datetime2({p})"),
            SqlType::DateTimeOffset(p) => write!(f, "datetimeoffset({p})"),
            SqlType::Xml => f.write_str("xml"),
            SqlType::Json => f.write_str("json"),
            SqlType::RowVersion => f.write_str("timestamp"),
            SqlType::HierarchyId => f.write_str("hierarchyid"),
            SqlType::Geography => f.write_str("geography"),
            SqlType::Geometry => f.write_str("geometry"),
            SqlType::SqlVariant => f.write_str("sql_variant"),
        }
    }
}

impl FromStr for SqlType {
    type Err = TypeError;

    /// Parses `name`, `name(n)`, `name(max)` or `name(p, s)`; case and inner spaces are free.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (name, args) = match s.find('(') {
            None => (s, Vec::new()),
            Some(open) => {
                let inner =
                    s[open + 1..]
                        .strip_suffix(')')
                        .ok_or_else(|| TypeError::BadArguments {
                            name: s.to_string(),
                            reason: "missing `)`".to_string(),
                        })?;
                let mut args = Vec::new();
                for part in inner.split(',') {
                    let part = part.trim();
                    if part.eq_ignore_ascii_case("max") {
                        args.push(TypeArg::Max);
                    } else {
                        let n = part.parse::<u64>().map_err(|_| TypeError::BadArguments {
                            name: s.to_string(),
                            reason: format!("`{part}` is not a number"),
                        })?;
                        args.push(TypeArg::Number(n));
                    }
                }
                (s[..open].trim(), args)
            }
        };
        SqlType::from_parts(name, &args)
    }
}

impl Serialize for SqlType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SqlType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_metadata_spelling() {
        for text in [
            "bit",
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "real",
            "float",
            "decimal(12,2)",
            "numeric(10,0)",
            "money",
            "smallmoney",
            "char(10)",
            "varchar(max)",
            "varchar(8000)",
            "nchar(1)",
            "nvarchar(4000)",
            "nvarchar(max)",
            "text",
            "ntext",
            "binary(16)",
            "varbinary(max)",
            "image",
            "uniqueidentifier",
            "date",
            "time(0)",
            "datetime",
            "smalldatetime",
            "datetime2(7)",
            "datetimeoffset(3)",
            "xml",
            "json",
            "timestamp",
            "hierarchyid",
            "geography",
            "geometry",
            "sql_variant",
        ] {
            let t: SqlType = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
        }
    }

    #[test]
    fn omitted_arguments_take_sql_server_declaration_defaults() {
        let p = |s: &str| s.parse::<SqlType>().unwrap().to_string();
        assert_eq!(p("decimal"), "decimal(18,0)");
        assert_eq!(p("NUMERIC(5)"), "numeric(5,0)");
        assert_eq!(p("char"), "char(1)");
        assert_eq!(p("nvarchar"), "nvarchar(1)");
        assert_eq!(p("datetime2"), "datetime2(7)");
        assert_eq!(p("time"), "time(7)");
        assert_eq!(p("float(53)"), "float");
        assert_eq!(p("float(24)"), "real");
        assert_eq!(p("rowversion"), "timestamp");
        assert_eq!(p("sysname"), "nvarchar(128)");
        assert_eq!(p("double   precision"), "float");
    }

    #[test]
    fn bad_types_are_errors_not_panics() {
        for bad in [
            "nvarchar(5000)",
            "varchar(0)",
            "decimal(39,2)",
            "decimal(5,6)",
            "int(4)",
            "char(max)",
            "time(8)",
            "float(54)",
            "frobnicate",
            "varchar(",
            "varchar(abc)",
            "",
        ] {
            assert!(bad.parse::<SqlType>().is_err(), "{bad} should not parse");
        }
    }
}
