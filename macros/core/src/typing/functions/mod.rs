//! Built-in functions: scalar, aggregate and window functions in one catalog.
//!
//! [`function`] looks the name up in the catalog (`catalog.rs`, one row per function),
//! checks the argument count and kinds, and computes the result type and nullability
//! from the row's rules. Nullability follows DESIGN §3: "can it be NULL at run time".
//! Functions that map NULL to NULL inherit it (`UPPER`, `DATEADD`); functions that can
//! return NULL for valid non-null input are always nullable (`JSON_VALUE`, `NULLIF`,
//! `STUFF`); aggregates other than `COUNT` are NULL over an empty input, so they are
//! NOT NULL only over a NOT NULL argument in a query with GROUP BY.
//!
//! ```
//! use mssqlx_macros_core::typing::{function, FnArg, FnContext, Typed};
//! use mssqlx_offline::SqlType;
//! let grouped = FnContext { grouped: true, windowed: false };
//! let amount = FnArg::Expr(Typed::not_null(SqlType::Decimal { precision: 10, scale: 2 }));
//! let sum = function("SUM", &[amount], &grouped).unwrap();
//! assert_eq!(sum.to_string(), "decimal(38,2) NOT NULL");
//! ```

mod catalog;
mod dateparts;

use mssqlx_offline::{Length, SqlType};

use self::catalog::{Kind, Null, Ret, Signature, CATALOG, P};
use super::convert::{comparable, converts_implicitly};
use super::shape::{add_lengths, char_cap, fixed, text_length, var_string, MAX_BYTES};
use super::unify::unify_args;
use super::{FnArg, FnContext, Frame, Typed, TypingError};

/// The type and nullability of the built-in function `name` called with `args`.
///
/// Names are matched case-insensitively (`@@ROWCOUNT` with its `@@`). An aggregate
/// with `OVER` is assumed to have a frame that may be empty; see [`function_in_frame`].
pub fn function(name: &str, args: &[FnArg], ctx: &FnContext) -> Result<Typed, TypingError> {
    function_in_frame(name, args, ctx, Frame::Unknown)
}

/// [`function`] for an aggregate with `OVER` whose frame is known ([`Frame::of`]): over
/// a frame holding the current row, `SUM(x) OVER (...)` of a NOT NULL `x` is NOT NULL.
pub fn function_in_frame(
    name: &str,
    args: &[FnArg],
    ctx: &FnContext,
    frame: Frame,
) -> Result<Typed, TypingError> {
    let Some(sig) = lookup(name) else {
        return Err(unknown(name));
    };
    check_context(sig, ctx)?;
    check_arity(sig, args)?;
    let datepart = check_args(sig, args)?;
    let ty = result_type(sig, args, datepart)?;
    let nullable = match &sig.null {
        Null::Unified => ty.nullable,
        rule => nullable(rule, args, ctx, frame),
    };
    Ok(Typed {
        ty: ty.ty,
        nullable,
    })
}

/// True for the aggregate functions (COUNT, SUM, STRING_AGG, GROUPING, ...): a query
/// using one outside `OVER` groups its rows.
pub fn is_aggregate(name: &str) -> bool {
    lookup(name).is_some_and(|s| s.kind == Kind::Aggregate)
}

/// Every function name in the catalog, upper case: the candidates for "did you mean".
pub fn function_names() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|s| s.name)
}

/// The columns of `OPENJSON(json)` without a `WITH` clause (R32): `key nvarchar(4000)
/// NOT NULL`, `value nvarchar(max) NULL`, `type int NOT NULL`.
///
/// One book (R45) gives `type` as tinyint; Microsoft's page (R32) says int, and we follow it.
pub fn openjson_default_columns() -> Vec<(&'static str, Typed)> {
    vec![
        (
            "key",
            Typed::not_null(SqlType::NVarChar(Length::Bounded(4000))),
        ),
        ("value", Typed::nullable(SqlType::NVarChar(Length::Max))),
        ("type", Typed::not_null(SqlType::Int)),
    ]
}

fn lookup(name: &str) -> Option<&'static Signature> {
    let name = name.trim();
    CATALOG.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

fn unknown(name: &str) -> TypingError {
    let upper = name.trim().to_ascii_uppercase();
    let best = function_names()
        .map(|n| (strsim::jaro_winkler(n, &upper), n))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let err = TypingError::new(format!(
        "`{name}` is not a known SQL Server built-in function"
    ));
    match best {
        Some((_, n)) => err.with_help(format!("did you mean `{n}`?")),
        None => err.with_help(
            "user-defined functions are called with their schema, e.g. dbo.MyFunction(...)",
        ),
    }
}

fn check_context(sig: &Signature, ctx: &FnContext) -> Result<(), TypingError> {
    match (sig.kind, ctx.windowed) {
        (Kind::Window, false) => Err(TypingError::new(format!(
            "{} is a window function and needs an OVER clause",
            sig.name
        ))
        .with_help(format!("write {}(...) OVER (ORDER BY ...)", sig.name))),
        (Kind::Scalar, true) => Err(TypingError::new(format!(
            "{} is not an aggregate or window function: it cannot take an OVER clause",
            sig.name
        ))),
        _ => Ok(()),
    }
}

fn check_arity(sig: &Signature, args: &[FnArg]) -> Result<(), TypingError> {
    let n = args.len();
    if n >= usize::from(sig.min) && n <= usize::from(sig.max) {
        return Ok(());
    }
    let expected = match (sig.min, sig.max) {
        (0, 0) => "no arguments".to_string(),
        (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
        (a, 254) => format!("at least {a} arguments"),
        (a, b) => format!("{a} to {b} arguments"),
    };
    Err(TypingError::new(format!(
        "{} takes {expected}, but {n} {} given",
        sig.name,
        if n == 1 { "was" } else { "were" }
    )))
}

fn param(sig: &Signature, i: usize) -> P {
    sig.params
        .get(i)
        .or(sig.params.last())
        .copied()
        .unwrap_or(P::Any)
}

/// Checks every argument against its kind; returns the datepart's canonical name.
fn check_args(sig: &Signature, args: &[FnArg]) -> Result<Option<&'static str>, TypingError> {
    let mut datepart = None;
    for (i, arg) in args.iter().enumerate() {
        let p = param(sig, i);
        let nth = i + 1;
        match (p, arg) {
            (P::Part(parts), FnArg::Keyword(k)) => {
                datepart = Some(dateparts::check(sig.name, parts, k)?);
            }
            (P::Part(_), _) => {
                return Err(TypingError::new(format!(
                    "argument {nth} of {} must be a datepart keyword such as day, month or year",
                    sig.name
                ))
                .with_help(format!("write it bare: {}(day, ...)", sig.name)));
            }
            (P::AnyOrStar, FnArg::Star) => {}
            (_, FnArg::Star) => return Err(TypingError::new(format!(
                "{} does not accept `*` as argument {nth}",
                sig.name
            ))
            .with_help(
                "`*` is only allowed in COUNT(*), COUNT_BIG(*), CHECKSUM(*) and BINARY_CHECKSUM(*)",
            )),
            (_, FnArg::Keyword(k)) => {
                return Err(TypingError::new(format!(
                    "argument {nth} of {} must be a value, not the keyword `{k}`",
                    sig.name
                )))
            }
            (_, FnArg::Null) => {}
            (p, FnArg::Expr(t)) => check_value(sig.name, nth, p, &t.ty)?,
        }
    }
    Ok(datepart)
}

fn check_value(name: &str, nth: usize, p: P, t: &SqlType) -> Result<(), TypingError> {
    let (ok, expected) = match p {
        P::Any | P::AnyOrStar | P::Part(_) => (true, ""),
        P::Text => (
            !matches!(t, SqlType::Text | SqlType::NText | SqlType::Image)
                && converts_implicitly(t, &SqlType::NVarChar(Length::Max)),
            "a character string (not the deprecated text, ntext or image)",
        ),
        P::LongText => (
            t.is_string() || converts_implicitly(t, &SqlType::NVarChar(Length::Max)),
            "a character string",
        ),
        P::JsonText => (
            t.is_string() || *t == SqlType::Json,
            "JSON text (a character string or json)",
        ),
        P::StrOrBin => (
            t.is_string() || t.is_binary(),
            "a character or binary string",
        ),
        P::Number => (
            (t.is_numeric() || t.is_string()) && converts_implicitly(t, &SqlType::Float),
            "a number",
        ),
        P::Summable => (
            t.is_numeric() && *t != SqlType::Bit,
            "a number other than bit",
        ),
        P::Float => (converts_implicitly(t, &SqlType::Float), "a number"),
        P::Int => (converts_implicitly(t, &SqlType::Int), "an integer"),
        P::Temporal => (
            t.is_temporal() || converts_implicitly(t, &SqlType::DateTime),
            "a date or time",
        ),
        P::Orderable => (
            !matches!(
                t,
                SqlType::Bit
                    | SqlType::Text
                    | SqlType::NText
                    | SqlType::Image
                    | SqlType::Xml
                    | SqlType::Json
                    | SqlType::Geography
                    | SqlType::Geometry
            ),
            "a value that can be ordered (not bit, text, ntext, image, xml, json or spatial)",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(TypingError::new(format!(
            "argument {nth} of {name} has type {t}, but {name} expects {expected}"
        ))
        .with_help(format!("CAST the argument to a type {name} accepts")))
    }
}

fn expr(args: &[FnArg], i: usize) -> Option<&Typed> {
    match args.get(i) {
        Some(FnArg::Expr(t)) => Some(t),
        _ => None,
    }
}

fn ty_at(args: &[FnArg], i: usize) -> Option<&SqlType> {
    expr(args, i).map(|t| &t.ty)
}

fn any_nullable(args: &[FnArg]) -> bool {
    args.iter().any(|a| match a {
        FnArg::Expr(t) => t.nullable,
        FnArg::Null => true,
        FnArg::Keyword(_) | FnArg::Star => false,
    })
}

/// Whether argument `i` can be NULL; a missing argument is unknown, so it can.
fn arg_nullable(args: &[FnArg], i: usize) -> bool {
    match args.get(i) {
        Some(FnArg::Expr(t)) => t.nullable,
        Some(FnArg::Keyword(_) | FnArg::Star) => false,
        Some(FnArg::Null) | None => true,
    }
}

fn nullable(rule: &Null, args: &[FnArg], ctx: &FnContext, frame: Frame) -> bool {
    match rule {
        Null::Inherit => any_nullable(args),
        Null::From(i) => arg_nullable(args, *i),
        Null::Never => false,
        Null::Always | Null::Unified => true,
        Null::Aggregate => {
            let non_empty = if ctx.windowed {
                frame == Frame::ContainsCurrentRow
            } else {
                ctx.grouped
            };
            !non_empty || any_nullable(args)
        }
        Null::Offset => args.len() < 3 || arg_nullable(args, 0) || arg_nullable(args, 2),
        Null::Both => arg_nullable(args, 0) && arg_nullable(args, 1),
    }
}

/// Typed result before the nullability rule (kept for the merging rules).
fn result_type(
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
            Some(SqlType::Decimal { scale, .. }) => SqlType::Decimal {
                precision: 38,
                scale: *scale,
            },
            Some(SqlType::Numeric { scale, .. }) => SqlType::Numeric {
                precision: 38,
                scale: *scale,
            },
            Some(SqlType::Bit) => SqlType::Float,
            other => round(other),
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

fn sum(name: &str, t: Option<&SqlType>) -> Result<SqlType, TypingError> {
    Ok(match t {
        None => {
            return Err(TypingError::new(format!(
                "{name} of the NULL constant has no type: SQL Server rejects it"
            ))
            .with_help(format!("CAST it: {name}(CAST(NULL AS int))")))
        }
        Some(SqlType::TinyInt | SqlType::SmallInt | SqlType::Int) => SqlType::Int,
        Some(SqlType::BigInt) => SqlType::BigInt,
        Some(SqlType::Decimal { scale, .. }) => SqlType::Decimal {
            precision: 38,
            scale: *scale,
        },
        Some(SqlType::Numeric { scale, .. }) => SqlType::Numeric {
            precision: 38,
            scale: *scale,
        },
        Some(SqlType::Money | SqlType::SmallMoney) => SqlType::Money,
        Some(SqlType::Real | SqlType::Float) => SqlType::Float,
        Some(other) => return Err(not_summable(name, other)),
    })
}

fn avg(name: &str, t: Option<&SqlType>) -> Result<SqlType, TypingError> {
    Ok(match t {
        Some(SqlType::Decimal { scale, .. }) => SqlType::Decimal {
            precision: 38,
            scale: (*scale).max(6),
        },
        Some(SqlType::Numeric { scale, .. }) => SqlType::Numeric {
            precision: 38,
            scale: (*scale).max(6),
        },
        other => sum(name, other)?,
    })
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
