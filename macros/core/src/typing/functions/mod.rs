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
mod returns;

use mssqlx_offline::{Length, SqlType};

use self::catalog::{Kind, Null, Signature, CATALOG, P};
use self::returns::result_type;
use super::convert::{converts_implicitly, incomparable};
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
            !(matches!(t, SqlType::Bit) || incomparable(t)),
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
