//! SQL Server column types and the typed values that travel in them.
//!
//! A [`SqlType`] describes a column or a parameter as SQL Server declares it
//! (`int`, `nvarchar(50)`, `decimal(18,2)`, `datetime2(7)`, ...). A [`Value`] is
//! one datum of any of those types, or `NULL`. The same two types describe both
//! directions of the protocol: result sets the mock *sends* ([`encode`]) and RPC
//! parameters it *receives* ([`decode`]), so a handler sees typed parameters
//! and returns typed rows without ever touching bytes.
//!
//! ```
//! use mssqlx_mock::{SqlType, Value};
//!
//! let ty = SqlType::NVarChar(mssqlx_mock::Length::Limited(50));
//! assert_eq!(ty.to_string(), "nvarchar(50)");
//! assert_eq!(Value::from("Ada"), Value::String("Ada".into()));
//! assert_eq!(Value::from(None::<i32>), Value::Null);
//! ```

mod codepage;
pub mod decode;
pub mod encode;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::fmt;
use uuid::Uuid;

/// The declared length of a variable-length character or binary type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Length {
    /// `(n)`: at most `n` characters (`char`, `nvarchar`, ...) or bytes (`binary`, ...).
    Limited(u16),
    /// `(max)`: sent as a partially length-prefixed (PLP) stream.
    Max,
}

/// A SQL Server data type, as a column or parameter declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// `bit`
    Bit,
    /// `tinyint`
    TinyInt,
    /// `smallint`
    SmallInt,
    /// `int`
    Int,
    /// `bigint`
    BigInt,
    /// `real`
    Real,
    /// `float`
    Float,
    /// `decimal(p, s)`
    Decimal {
        /// Total number of digits, 1..=38.
        precision: u8,
        /// Digits right of the decimal point, 0..=precision.
        scale: u8,
    },
    /// `numeric(p, s)`
    Numeric {
        /// Total number of digits, 1..=38.
        precision: u8,
        /// Digits right of the decimal point, 0..=precision.
        scale: u8,
    },
    /// `money`
    Money,
    /// `smallmoney`
    SmallMoney,
    /// `char(n)`, code page 1252; values are padded with spaces to `n`.
    Char(u16),
    /// `varchar(n)` or `varchar(max)`, code page 1252.
    VarChar(Length),
    /// `nchar(n)`; values are padded with spaces to `n`.
    NChar(u16),
    /// `nvarchar(n)` or `nvarchar(max)`.
    NVarChar(Length),
    /// `binary(n)`; values are padded with zero bytes to `n`.
    Binary(u16),
    /// `varbinary(n)` or `varbinary(max)`.
    VarBinary(Length),
    /// `uniqueidentifier`
    UniqueIdentifier,
    /// `date`
    Date,
    /// `time(scale)`
    Time {
        /// Fractional-second digits, 0..=7.
        scale: u8,
    },
    /// `datetime`
    DateTime,
    /// `smalldatetime`
    SmallDateTime,
    /// `datetime2(scale)`
    DateTime2 {
        /// Fractional-second digits, 0..=7.
        scale: u8,
    },
    /// `datetimeoffset(scale)`
    DateTimeOffset {
        /// Fractional-second digits, 0..=7.
        scale: u8,
    },
    /// `xml` (untyped, no schema collection).
    Xml,
    /// The untyped NULL a client sends for a parameter it has no type for
    /// (TDS type `0x1F`); never valid for a result column.
    Null,
}

impl SqlType {
    /// `decimal(precision, scale)`.
    pub fn decimal(precision: u8, scale: u8) -> Self {
        SqlType::Decimal { precision, scale }
    }

    /// `nvarchar(n)`.
    pub fn nvarchar(n: u16) -> Self {
        SqlType::NVarChar(Length::Limited(n))
    }

    /// `varchar(n)`.
    pub fn varchar(n: u16) -> Self {
        SqlType::VarChar(Length::Limited(n))
    }

    /// `varbinary(n)`.
    pub fn varbinary(n: u16) -> Self {
        SqlType::VarBinary(Length::Limited(n))
    }

    /// `datetime2(7)`, the type tiberius sends for a `NaiveDateTime`.
    pub fn datetime2() -> Self {
        SqlType::DateTime2 { scale: 7 }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn len(l: &Length) -> String {
            match l {
                Length::Max => "max".into(),
                Length::Limited(n) => n.to_string(),
            }
        }
        match self {
            SqlType::Bit => write!(f, "bit"),
            SqlType::TinyInt => write!(f, "tinyint"),
            SqlType::SmallInt => write!(f, "smallint"),
            SqlType::Int => write!(f, "int"),
            SqlType::BigInt => write!(f, "bigint"),
            SqlType::Real => write!(f, "real"),
            SqlType::Float => write!(f, "float"),
            SqlType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            SqlType::Numeric { precision, scale } => write!(f, "numeric({precision},{scale})"),
            SqlType::Money => write!(f, "money"),
            SqlType::SmallMoney => write!(f, "smallmoney"),
            SqlType::Char(n) => write!(f, "char({n})"),
            SqlType::VarChar(l) => write!(f, "varchar({})", len(l)),
            SqlType::NChar(n) => write!(f, "nchar({n})"),
            SqlType::NVarChar(l) => write!(f, "nvarchar({})", len(l)),
            SqlType::Binary(n) => write!(f, "binary({n})"),
            SqlType::VarBinary(l) => write!(f, "varbinary({})", len(l)),
            SqlType::UniqueIdentifier => write!(f, "uniqueidentifier"),
            SqlType::Date => write!(f, "date"),
            SqlType::Time { scale } => write!(f, "time({scale})"),
            SqlType::DateTime => write!(f, "datetime"),
            SqlType::SmallDateTime => write!(f, "smalldatetime"),
            SqlType::DateTime2 { scale } => write!(f, "datetime2({scale})"),
            SqlType::DateTimeOffset { scale } => write!(f, "datetimeoffset({scale})"),
            SqlType::Xml => write!(f, "xml"),
            SqlType::Null => write!(f, "null"),
        }
    }
}

/// One typed datum, or `NULL`.
///
/// Which variants a column accepts is decided by its [`SqlType`]: integers fit
/// any integer column they are in range for, `Decimal` fits `decimal`,
/// `numeric`, `money` and `smallmoney`, `DateTime` fits `datetime`,
/// `smalldatetime` and `datetime2`, `String` fits every character type and `xml`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// `bit`
    Bool(bool),
    /// `tinyint`
    U8(u8),
    /// `smallint`
    I16(i16),
    /// `int`
    I32(i32),
    /// `bigint`
    I64(i64),
    /// `real`
    F32(f32),
    /// `float`
    F64(f64),
    /// `decimal`, `numeric`, `money`, `smallmoney`
    Decimal(Decimal),
    /// Character data.
    String(String),
    /// Binary data.
    Binary(Vec<u8>),
    /// `uniqueidentifier`
    Uuid(Uuid),
    /// `date`
    Date(NaiveDate),
    /// `time`
    Time(NaiveTime),
    /// `datetime`, `smalldatetime`, `datetime2`
    DateTime(NaiveDateTime),
    /// `datetimeoffset`
    DateTimeOffset(DateTime<FixedOffset>),
    /// `xml`
    Xml(String),
}

impl Value {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The text of a `String` or `Xml` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Xml(s) => Some(s),
            _ => None,
        }
    }

    /// Any integer value widened to `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::U8(v) => Some(v.into()),
            Value::I16(v) => Some(v.into()),
            Value::I32(v) => Some(v.into()),
            Value::I64(v) => Some(v),
            _ => None,
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::$v(v.into()) }
        }
    )*};
}

value_from! {
    bool => Bool, u8 => U8, i16 => I16, i32 => I32, i64 => I64, f32 => F32, f64 => F64,
    Decimal => Decimal, String => String, &str => String, Vec<u8> => Binary, &[u8] => Binary,
    Uuid => Uuid, NaiveDate => Date, NaiveTime => Time, NaiveDateTime => DateTime,
    DateTime<FixedOffset> => DateTimeOffset,
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// A column of a result set: its name, type and nullability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column name (may be empty, as for `SELECT 1`).
    pub name: String,
    /// The declared type.
    pub ty: SqlType,
    /// Whether the column admits `NULL`. Nullable integer, float, money, bit
    /// and datetime columns use the nullable wire types (`INTN`, ...), as SQL
    /// Server does.
    pub nullable: bool,
}

impl Column {
    /// A nullable column.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: true,
        }
    }

    /// A `NOT NULL` column.
    pub fn not_null(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
        }
    }
}
