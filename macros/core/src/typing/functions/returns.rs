//! Result types: how each [`Ret`] rule of the catalog turns the arguments' types into
//! the function's type (nullability is decided apart, in `super`).

use mssqlx_offline::{Length, SqlType};

use super::catalog::{Ret, Signature};
use super::dateparts;
use crate::typing::convert::{comparable, converts_implicitly};
use crate::typing::shape::{add_lengths, char_cap, fixed, text_length, var_string, MAX_BYTES};
use crate::typing::unify::unify_args;
use crate::typing::{FnArg, Typed, TypingError};

fn expr(args: &[FnArg], i: usize) -> Option<&Typed> {
    match args.get(i) {
        Some(FnArg::Expr(t)) => Some(t),
        _ => None,
    }
}

fn ty_at(args: &[FnArg], i: usize) -> Option<&SqlType> {
    expr(args, i).map(|t| &t.ty)
}

/// Typed result before the nullability rule (kept for the merging rules).
pub(super) fn result_type(
    sig: &Signature,
    args: &[FnArg],
    datepart: Option<&'static str>,
) -> Result<Typed, TypingError> {
    let name = sig.name;
    let ty = match &sig.ret {
        Ret::Fixed(t) => t.clone(),
        Ret::Arg(i) => match args.get(*i) {
            Some(FnArg::Expr(t)) => t.ty.clone(),
            _ => SqlType::Int,
        },
        Ret::LagLead => {
            let value = ty_at(args, 0).cloned().unwrap_or(SqlType::Int);
            if let Some(default) = ty_at(args, 2) {
                if !converts_implicitly(default, &value) {
                    return Err(TypingError::new(format!(
                        "the default of {name} has type {default}, which does not convert implicitly to {value}, the type of the value"
                    ))
                    .with_help(format!("CAST the default to {value}")));
                }
            }
            value
        }
        Ret::Sum => sum(name, ty_at(args, 0))?,
        Ret::Avg => avg(name, ty_at(args, 0))?,
        Ret::Round => round(ty_at(args, 0)),
        Ret::Ceiling => match ty_at(args, 0) {
            Some(SqlType::Decimal { precision, .. }) => SqlType::Decimal {
                precision: *precision,
                scale: 0,
            },
            Some(SqlType::Numeric { precision, .. }) => SqlType::Numeric {
                precision: *precision,
                scale: 0,
            },
            other => same_number(other),
        },
        Ret::Power => match ty_at(args, 0) {
            Some(SqlType::Bit) => SqlType::Float,
            other => other
                .and_then(|t| widest_decimal(t, 0))
                .unwrap_or_else(|| round(other)),
        },
        Ret::Same => same_number(ty_at(args, 0)),
        Ret::Float => SqlType::Float,
        Ret::VarcharOf(i) => varchar_of(ty_at(args, *i)),
        Ret::VarcharOfLast => varchar_of(ty_at(args, args.len().saturating_sub(1))),
        Ret::Substring => match ty_at(args, 0) {
            Some(t) if t.is_binary() => SqlType::VarBinary(text_length(t)),
            other => varchar_of(other),
        },
        Ret::Len(i) => {
            let t = ty_at(args, *i);
            if name == "LEN" && matches!(t, Some(SqlType::Text | SqlType::NText | SqlType::Image)) {
                return Err(TypingError::new(format!(
                    "LEN does not accept {}: text, ntext and image are deprecated",
                    t.map(ToString::to_string).unwrap_or_default()
                ))
                .with_help("use DATALENGTH, or CAST the value to varchar(max) / nvarchar(max)"));
            }
            if matches!(
                t,
                Some(
                    SqlType::VarChar(Length::Max)
                        | SqlType::NVarChar(Length::Max)
                        | SqlType::VarBinary(Length::Max)
                )
            ) {
                SqlType::BigInt
            } else {
                SqlType::Int
            }
        }
        Ret::Str => {
            if args.len() == 1 {
                SqlType::VarChar(Length::Bounded(10))
            } else {
                SqlType::VarChar(Length::Bounded(8000))
            }
        }
        Ret::Grow(i) => grow(ty_at(args, *i), false),
        Ret::Replace => {
            let unicode = args
                .iter()
                .any(|a| matches!(a, FnArg::Expr(t) if t.ty.is_unicode()));
            grow(ty_at(args, 0), unicode)
        }
        Ret::Concat => concat(args.iter()).finish(),
        Ret::ConcatWs => {
            let sep = text_length(ty_at(args, 0).unwrap_or(&SqlType::VarChar(Length::Bounded(1))));
            concat(args.iter().skip(1)).with_separator(
                sep,
                args.len().saturating_sub(2),
                args.first(),
            )
        }
        Ret::StringAgg => match ty_at(args, 0) {
            Some(SqlType::NVarChar(Length::Max) | SqlType::NText) => SqlType::NVarChar(Length::Max),
            Some(SqlType::VarChar(Length::Max) | SqlType::Text) => SqlType::VarChar(Length::Max),
            Some(SqlType::VarChar(_) | SqlType::Char(_)) => SqlType::VarChar(Length::Bounded(8000)),
            _ => SqlType::NVarChar(Length::Bounded(4000)),
        },
        Ret::DateAdd(i) => {
            let t = match ty_at(args, *i) {
                Some(t) if t.is_temporal() => t.clone(),
                _ => SqlType::DateTime,
            };
            if let Some(part) = datepart {
                dateparts::fits_type(name, part, &t)?;
            }
            t
        }
        Ret::DateTrunc(i) => match ty_at(args, *i) {
            Some(t) if t.is_temporal() => {
                if let Some(part) = datepart {
                    dateparts::fits_type(name, part, t)?;
                }
                t.clone()
            }
            _ => SqlType::DateTime2(7),
        },
        Ret::Offset(i) => SqlType::DateTimeOffset(match ty_at(args, *i) {
            Some(SqlType::DateTimeOffset(p) | SqlType::DateTime2(p)) => *p,
            Some(SqlType::DateTime) => 3,
            Some(SqlType::SmallDateTime) => 0,
            _ => 7,
        }),
        Ret::Unify(ctx, from) => return unify_args(*ctx, args.get(*from..).unwrap_or(&[])),
        Ret::IsNull => return isnull(args),
        Ret::NullIf => {
            let Some(first) = expr(args, 0) else {
                return Err(TypingError::new(
                    "the first argument of NULLIF cannot be the NULL constant: its type must be known",
                )
                .with_help("CAST it: NULLIF(CAST(NULL AS int), x)"));
            };
            if let Some(second) = ty_at(args, 1) {
                comparable(&first.ty, second)?;
            }
            first.ty.clone()
        }
    };
    Ok(Typed::nullable(ty))
}

/// `decimal(38, s)` / `numeric(38, s)` for a decimal / numeric `t`, keeping its scale
/// `s` but at least `min_scale`; `None` for any other type.
fn widest_decimal(t: &SqlType, min_scale: u8) -> Option<SqlType> {
    match t {
        SqlType::Decimal { scale, .. } => Some(SqlType::Decimal {
            precision: 38,
            scale: (*scale).max(min_scale),
        }),
        SqlType::Numeric { scale, .. } => Some(SqlType::Numeric {
            precision: 38,
            scale: (*scale).max(min_scale),
        }),
        _ => None,
    }
}

fn sum(name: &str, t: Option<&SqlType>) -> Result<SqlType, TypingError> {
    if let Some(d) = t.and_then(|t| widest_decimal(t, 0)) {
        return Ok(d);
    }
    Ok(match t {
        None => {
            return Err(TypingError::new(format!(
                "{name} of the NULL constant has no type: SQL Server rejects it"
            ))
            .with_help(format!("CAST it: {name}(CAST(NULL AS int))")))
        }
        Some(SqlType::TinyInt | SqlType::SmallInt | SqlType::Int) => SqlType::Int,
        Some(SqlType::BigInt) => SqlType::BigInt,
        Some(SqlType::Money | SqlType::SmallMoney) => SqlType::Money,
        Some(SqlType::Real | SqlType::Float) => SqlType::Float,
        Some(other) => return Err(not_summable(name, other)),
    })
}

fn avg(name: &str, t: Option<&SqlType>) -> Result<SqlType, TypingError> {
    match t.and_then(|t| widest_decimal(t, 6)) {
        Some(d) => Ok(d),
        None => sum(name, t),
    }
}

fn not_summable(name: &str, t: &SqlType) -> TypingError {
    TypingError::new(format!(
        "operand data type {t} is invalid for the {name} aggregate"
    ))
    .with_help("CAST the argument to a number, e.g. CAST(flag AS int) for a bit column")
}

/// ROUND / SIGN / POWER (R18): tinyint and smallint → int, real → float, strings → float.
fn round(t: Option<&SqlType>) -> SqlType {
    match t {
        Some(SqlType::TinyInt | SqlType::SmallInt | SqlType::Bit) => SqlType::Int,
        Some(SqlType::Real) => SqlType::Float,
        Some(SqlType::SmallMoney) => SqlType::Money,
        other => same_number(other),
    }
}

/// The input type if it is a number; float for strings (converted) and NULL.
fn same_number(t: Option<&SqlType>) -> SqlType {
    match t {
        Some(t) if t.is_numeric() => t.clone(),
        Some(_) => SqlType::Float,
        None => SqlType::Int,
    }
}

/// The argument as varchar / nvarchar of its length (R22, R23).
fn varchar_of(t: Option<&SqlType>) -> SqlType {
    match t {
        None => SqlType::VarChar(Length::Bounded(1)),
        Some(t) => {
            let unicode = t.is_unicode();
            let cap = char_cap(unicode);
            let len = match text_length(t) {
                Length::Bounded(n) if u32::from(n) > cap => Length::Max,
                l => l,
            };
            var_string(unicode, len)
        }
    }
}

/// REPLICATE, STUFF, REPLACE: may grow up to 8000 bytes / 4000 characters, or (max).
fn grow(t: Option<&SqlType>, force_unicode: bool) -> SqlType {
    let t = t.cloned().unwrap_or(SqlType::VarChar(Length::Bounded(1)));
    let max = text_length(&t) == Length::Max;
    if t.is_binary() {
        return SqlType::VarBinary(if max {
            Length::Max
        } else {
            Length::Bounded(MAX_BYTES as u16)
        });
    }
    let unicode = force_unicode || t.is_unicode();
    var_string(
        unicode,
        if max {
            Length::Max
        } else {
            Length::Bounded(char_cap(unicode) as u16)
        },
    )
}

/// The pieces of CONCAT's result type.
struct ConcatShape {
    unicode: bool,
    len: Length,
}

impl ConcatShape {
    fn with_separator(self, sep: Length, times: usize, sep_arg: Option<&FnArg>) -> SqlType {
        let unicode = self.unicode || matches!(sep_arg, Some(FnArg::Expr(t)) if t.ty.is_unicode());
        let mut len = self.len;
        for _ in 0..times.min(300) {
            len = add_lengths(len, sep);
        }
        ConcatShape { unicode, len }.finish()
    }

    fn finish(self) -> SqlType {
        let cap = char_cap(self.unicode);
        let len = match self.len {
            Length::Max => Length::Max,
            bounded => Length::Bounded(fixed(bounded, cap)),
        };
        var_string(self.unicode, len)
    }
}

/// CONCAT (R24): Unicode if any argument is; the lengths add up (NULL counts 0), capped
/// at 8000 bytes / 4000 characters, `(max)` if any argument is a large value.
fn concat<'a>(args: impl Iterator<Item = &'a FnArg>) -> ConcatShape {
    let mut unicode = false;
    let mut len = Length::Bounded(0);
    for a in args {
        if let FnArg::Expr(t) = a {
            // CLR types (hierarchyid, spatial) and nvarchar(max) make nvarchar(max).
            let clr = matches!(
                t.ty,
                SqlType::HierarchyId | SqlType::Geography | SqlType::Geometry
            );
            unicode |= t.ty.is_unicode() || clr || matches!(t.ty, SqlType::Xml | SqlType::Json);
            len = if clr {
                Length::Max
            } else {
                add_lengths(len, text_length(&t.ty))
            };
        }
    }
    ConcatShape { unicode, len }
}

/// ISNULL (R8): the first argument's type (the replacement is converted, even truncated);
/// a bare NULL first takes the second's type.
fn isnull(args: &[FnArg]) -> Result<Typed, TypingError> {
    let ty = match (expr(args, 0), expr(args, 1)) {
        (Some(a), Some(b)) => {
            if !converts_implicitly(&b.ty, &a.ty) {
                return Err(TypingError::new(format!(
                    "the replacement value of ISNULL has type {}, which does not convert implicitly to {}, the type of the first argument",
                    b.ty, a.ty
                ))
                .with_help(format!("CAST the replacement to {}", a.ty)));
            }
            a.ty.clone()
        }
        (Some(a), None) => a.ty.clone(),
        (None, Some(b)) => b.ty.clone(),
        (None, None) => SqlType::Int,
    };
    Ok(Typed::nullable(ty))
}
