//! `CAST`, `CONVERT`, `TRY_CAST`, `TRY_CONVERT`: the target type and the conversion.
//!
//! A target written without its length or precision takes `CAST`'s defaults, which are
//! not all a declaration's: strings and binary strings are 30 long (R13) where a column
//! would be 1; `decimal` / `numeric` are `(18,0)` (R15); `float(n)` with n ≤ 24 is `real`
//! (R16); `datetime2`, `time`, `datetimeoffset` have precision 7 (R43).
//!
//! sqlparser's MsSqlDialect represents the names it knows (`VARCHAR(MAX)`, `DECIMAL(10,2)`,
//! `FLOAT(24)`) with their own variants and the others (`NVARCHAR`, `DATETIME2(3)`,
//! `UNIQUEIDENTIFIER`, `MONEY`) as `Custom`; both are read here.
//!
//! ```
//! use mssqlx_macros_core::typing::cast_target;
//! use sqlparser::ast::{CharacterLength, DataType};
//! let t = cast_target(&DataType::Varchar(None)).unwrap();
//! assert_eq!(t.to_string(), "varchar(30)");
//! let t = cast_target(&DataType::Nvarchar(Some(CharacterLength::Max))).unwrap();
//! assert_eq!(t.to_string(), "nvarchar(max)");
//! ```

use mssqlx_offline::{SqlType, TypeArg, TypeError};
use sqlparser::ast::{BinaryLength, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo};

use super::convert::{implicit_conversion, Conversion};
use super::{Typed, TypingError};

/// The length `CAST(x AS varchar)` gives when none is written (R13).
pub const CAST_DEFAULT_LENGTH: u64 = 30;

/// The SQL Server type a `CAST` / `CONVERT` target denotes, with CAST's defaults.
pub fn cast_target(dt: &DataType) -> Result<SqlType, TypingError> {
    let (name, args) = parts(dt)?;
    let args = match (name.as_str(), args.is_empty()) {
        ("char" | "varchar" | "nchar" | "nvarchar" | "binary" | "varbinary", true) => {
            vec![TypeArg::Number(CAST_DEFAULT_LENGTH)]
        }
        _ => args,
    };
    SqlType::from_parts(&name, &args).map_err(|e| match e {
        TypeError::Unknown(n) => TypingError::new(format!(
            "`{n}` is not a SQL Server system type that CAST or CONVERT can target"
        ))
        .with_help("use a system type such as int, decimal(p,s), nvarchar(n), datetime2(p); alias types are not resolved inside CAST"),
        TypeError::BadArguments { name, reason } => {
            TypingError::new(format!("invalid CAST target `{dt}`: {reason}"))
                .with_help(format!("write a valid {name} type, e.g. {}", example(&name)))
        }
    })
}

fn example(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "decimal" | "numeric" | "dec" => "decimal(18,2)",
        "varchar" | "char" => "varchar(100) or varchar(max)",
        "nvarchar" | "nchar" => "nvarchar(100) or nvarchar(max)",
        "varbinary" | "binary" => "varbinary(100) or varbinary(max)",
        "float" => "float or float(24)",
        "datetime2" | "time" | "datetimeoffset" => "datetime2(3)",
        _ => "the type without arguments",
    }
}

/// The type name (lower case) and the arguments written in parentheses.
fn parts(dt: &DataType) -> Result<(String, Vec<TypeArg>), TypingError> {
    let chars = |l: &Option<CharacterLength>| match l {
        None => vec![],
        Some(CharacterLength::Max) => vec![TypeArg::Max],
        Some(CharacterLength::IntegerLength { length, .. }) => vec![TypeArg::Number(*length)],
    };
    let exact = |i: &ExactNumberInfo| -> Result<Vec<TypeArg>, TypingError> {
        Ok(match i {
            ExactNumberInfo::None => vec![],
            ExactNumberInfo::Precision(p) => vec![TypeArg::Number(*p)],
            ExactNumberInfo::PrecisionAndScale(p, s) => {
                let s = u64::try_from(*s).map_err(|_| {
                    TypingError::new(format!(
                        "invalid CAST target `{dt}`: the scale cannot be negative"
                    ))
                })?;
                vec![TypeArg::Number(*p), TypeArg::Number(s)]
            }
        })
    };
    let opt = |n: &Option<u64>| n.map(TypeArg::Number).into_iter().collect::<Vec<_>>();
    let named = |n: &str, a: Vec<TypeArg>| Ok((n.to_string(), a));
    match dt {
        DataType::Character(l) | DataType::Char(l) => named("char", chars(l)),
        DataType::CharacterVarying(l) | DataType::CharVarying(l) | DataType::Varchar(l) => {
            named("varchar", chars(l))
        }
        DataType::Nvarchar(l) => named("nvarchar", chars(l)),
        DataType::Binary(n) => named("binary", opt(n)),
        DataType::Varbinary(l) => named(
            "varbinary",
            match l {
                None => vec![],
                Some(BinaryLength::Max) => vec![TypeArg::Max],
                Some(BinaryLength::IntegerLength { length }) => vec![TypeArg::Number(*length)],
            },
        ),
        DataType::Numeric(i) => named("numeric", exact(i)?),
        DataType::Decimal(i) | DataType::Dec(i) => named("decimal", exact(i)?),
        DataType::Float(i) => named("float", exact(i)?),
        DataType::Real => named("real", vec![]),
        DataType::Double(ExactNumberInfo::None) | DataType::DoublePrecision => {
            named("float", vec![])
        }
        DataType::TinyInt(n) => named("tinyint", opt(n)),
        DataType::SmallInt(n) => named("smallint", opt(n)),
        DataType::Int(n) | DataType::Integer(n) => named("int", opt(n)),
        DataType::BigInt(n) => named("bigint", opt(n)),
        DataType::Bit(n) => named("bit", opt(n)),
        DataType::Date => named("date", vec![]),
        DataType::Time(p, TimezoneInfo::None) => named("time", opt(p)),
        DataType::Datetime(p) => named("datetime", opt(p)),
        DataType::Timestamp(None, TimezoneInfo::None) => named("timestamp", vec![]),
        DataType::Text => named("text", vec![]),
        DataType::JSON => named("json", vec![]),
        DataType::Uuid => named("uniqueidentifier", vec![]),
        DataType::Custom(name, modifiers) => {
            let last = name
                .0
                .iter()
                .rev()
                .find_map(|p| p.as_ident())
                .map(|i| i.value.to_ascii_lowercase())
                .unwrap_or_default();
            if name.0.len() > 2 || (name.0.len() == 2 && !is_sys(&name.0[0])) {
                return Err(TypingError::new(format!(
                    "`{name}` is a user-defined type: CAST targets are checked against system types only"
                ))
                .with_help("CAST to the alias type's base type, e.g. nvarchar(50)"));
            }
            let mut args = Vec::with_capacity(modifiers.len());
            for m in modifiers {
                let m = m.trim();
                if m.eq_ignore_ascii_case("max") {
                    args.push(TypeArg::Max);
                } else {
                    let n = m.parse::<u64>().map_err(|_| {
                        TypingError::new(format!(
                            "invalid CAST target `{dt}`: `{m}` is not a number"
                        ))
                    })?;
                    args.push(TypeArg::Number(n));
                }
            }
            Ok((last, args))
        }
        other => Err(TypingError::new(format!(
            "`{other}` is not a SQL Server type that CAST or CONVERT can target"
        ))
        .with_help(
            "use a SQL Server system type such as int, decimal(p,s), nvarchar(n), datetime2(p)",
        )),
    }
}

fn is_sys(part: &sqlparser::ast::ObjectNamePart) -> bool {
    part.as_ident()
        .is_some_and(|i| i.value.eq_ignore_ascii_case("sys"))
}

/// The value of `CAST(expr AS target)` (`try_` for `TRY_CAST` / `TRY_CONVERT`).
///
/// A conversion the chart forbids (R40) is an error for all four, `TRY_CAST` included
/// (R14: it returns NULL only for values that fail, not for disallowed type pairs).
/// `CAST` is NULL when `expr` is; `TRY_CAST` can always be NULL.
pub fn cast(expr: &Typed, target: SqlType, try_: bool) -> Result<Typed, TypingError> {
    if implicit_conversion(&expr.ty, &target) == Conversion::NotAllowed {
        let f = if try_ { "TRY_CAST" } else { "CAST" };
        return Err(TypingError::new(format!(
            "{f} cannot convert {} to {target}: SQL Server does not allow that conversion",
            expr.ty
        ))
        .with_help("convert through an intermediate type, e.g. CAST(CAST(x AS varchar(50)) AS ...), if the values allow it"));
    }
    Ok(Typed {
        ty: target,
        nullable: try_ || expr.nullable,
    })
}
