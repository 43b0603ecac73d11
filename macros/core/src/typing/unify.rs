//! Contexts that merge several values into one type: `CASE`, `COALESCE`, `IIF`,
//! `UNION` and `VALUES` (R9, R10, R11, R33, R2).
//!
//! The result type is the one with the highest precedence (R1); every other value must
//! convert to it implicitly (R40), else the query fails (`CASE WHEN .. THEN NEWID()
//! ELSE 0 END` is an error). Within the winning family:
//!
//! - exact numbers merge with R2's UNION formula: `p = max(s1,s2) + max(p1-s1, p2-s2)`,
//!   `s = max(s1,s2)` (integers counted as `decimal(10,0)` etc.), capped at 38;
//! - strings take the longest length (in characters once converted), `(max)` if any is;
//!   `char` next to `varchar` gives `varchar` (precedence), `nchar` with `nchar` stays fixed;
//! - `datetime2`, `time`, `datetimeoffset` take the largest fractional precision.
//!
//! A bare `NULL` has no type of its own: pass it as [`FnArg::Null`] to [`unify_args`],
//! which lets the other values decide (`CASE WHEN .. THEN 'a' END` is `varchar(1)`).
//!
//! ```
//! use mssqlx_macros_core::typing::{unify, Typed, Unify};
//! use mssqlx_offline::SqlType;
//! let t = unify(Unify::Coalesce, &[
//!     Typed::nullable(SqlType::Int),
//!     Typed::not_null(SqlType::Decimal { precision: 5, scale: 2 }),
//! ]).unwrap();
//! assert_eq!(t, Typed::not_null(SqlType::Decimal { precision: 12, scale: 2 }));
//! ```

use mssqlx_offline::{Length, SqlType};

use super::convert::{clash, converts_implicitly};
use super::precedence::{precedence, TypeFamily};
use super::shape::{
    char_cap, decimal_shape, make_decimal, max_length, overflow_to_max, text_length, Reduce,
};
use super::{FnArg, Typed, TypingError, Unify};

/// The type of the values merged by `ctx`, and whether the result can be NULL:
/// for `COALESCE` only if every value can, for the others if any can.
///
/// The caller adds what only it knows: a `CASE` without `ELSE` can be NULL.
pub fn unify(ctx: Unify, items: &[Typed]) -> Result<Typed, TypingError> {
    let types: Vec<&SqlType> = items.iter().map(|t| &t.ty).collect();
    let ty = unify_types(ctx, &types)?;
    let nullable = match ctx {
        Unify::Coalesce => items.iter().all(|t| t.nullable),
        _ => items.iter().any(|t| t.nullable),
    };
    Ok(Typed { ty, nullable })
}

/// [`unify`] over arguments that may be the bare `NULL` literal: the literal takes the
/// type of the other values and makes the result nullable (for `COALESCE`, only if all
/// are NULL). Every value NULL gives `int NULL`, as SQL Server types a lone `NULL`;
/// for `COALESCE` that is an error, as in SQL Server.
pub fn unify_args(ctx: Unify, items: &[FnArg]) -> Result<Typed, TypingError> {
    let mut typed = Vec::with_capacity(items.len());
    let mut saw_null = false;
    for item in items {
        match item {
            FnArg::Expr(t) => typed.push(t.clone()),
            FnArg::Null => saw_null = true,
            FnArg::Keyword(k) => {
                return Err(TypingError::new(format!(
                    "`{k}` is not a value: {} must be expressions",
                    ctx.describe()
                )))
            }
            FnArg::Star => {
                return Err(TypingError::new(format!(
                    "`*` is not a value: {} must be expressions",
                    ctx.describe()
                )))
            }
        }
    }
    if typed.is_empty() {
        if items.is_empty() {
            return unify(ctx, &[]);
        }
        if ctx == Unify::Coalesce {
            return Err(TypingError::new(
                "at least one argument of COALESCE must be an expression that is not the NULL constant",
            )
            .with_help("CAST one of the NULLs to the type you want, e.g. CAST(NULL AS int)"));
        }
        return Ok(Typed::nullable(SqlType::Int));
    }
    let mut result = unify(ctx, &typed)?;
    if saw_null && ctx != Unify::Coalesce {
        result.nullable = true;
    }
    Ok(result)
}

fn unify_types(ctx: Unify, types: &[&SqlType]) -> Result<SqlType, TypingError> {
    let Some(first) = types.first() else {
        return Err(TypingError::new(format!(
            "{} need at least one value",
            ctx.describe()
        )));
    };
    // The highest precedence, the first one on a tie.
    let mut top: &SqlType = first;
    for t in types {
        if precedence(t) > precedence(top) {
            top = t;
        }
    }
    for t in types {
        if !converts_implicitly(t, top) {
            let verb = match ctx {
                Unify::Union => "combined in one UNION column",
                Unify::Values => "combined in one VALUES column",
                Unify::Case => "mixed in the results of one CASE",
                Unify::Coalesce => "mixed in one COALESCE",
                Unify::Iif => "mixed in one IIF",
            };
            return Err(clash(t, top, verb));
        }
    }
    let family = TypeFamily::of(top);
    let same_family = || types.iter().filter(|t| TypeFamily::of(t) == family);
    Ok(match family {
        TypeFamily::Decimal | TypeFamily::Numeric => {
            let (mut s, mut integral) = (0u32, 0u32);
            let mut any_decimal = false;
            for t in types {
                if matches!(t, SqlType::Decimal { .. }) {
                    any_decimal = true;
                }
                if let Some((p, sc)) = decimal_shape(t) {
                    s = s.max(sc);
                    integral = integral.max(p - sc.min(p));
                }
            }
            make_decimal(
                !any_decimal,
                s + integral,
                s,
                Reduce::KeepIntegral(integral),
            )
        }
        TypeFamily::Char | TypeFamily::VarChar | TypeFamily::NChar | TypeFamily::NVarChar => {
            let unicode = top.is_unicode();
            let len = types
                .iter()
                .map(|t| text_length(t))
                .fold(Length::Bounded(1), max_length);
            let len = overflow_to_max(len, char_cap(unicode));
            match (family, len) {
                (TypeFamily::Char, Length::Bounded(n)) => SqlType::Char(n),
                (TypeFamily::NChar, Length::Bounded(n)) => SqlType::NChar(n),
                (TypeFamily::Char | TypeFamily::VarChar, l) => SqlType::VarChar(l),
                (_, l) => SqlType::NVarChar(l),
            }
        }
        TypeFamily::Binary | TypeFamily::VarBinary => {
            let len = types
                .iter()
                .map(|t| text_length(t))
                .fold(Length::Bounded(1), max_length);
            match (family, overflow_to_max(len, 8000)) {
                (TypeFamily::Binary, Length::Bounded(n)) => SqlType::Binary(n),
                (_, l) => SqlType::VarBinary(l),
            }
        }
        TypeFamily::DateTime2 => SqlType::DateTime2(max_fraction(same_family())),
        TypeFamily::Time => SqlType::Time(max_fraction(same_family())),
        TypeFamily::DateTimeOffset => SqlType::DateTimeOffset(max_fraction(same_family())),
        _ => top.clone(),
    })
}

fn max_fraction<'a>(types: impl Iterator<Item = &'a &'a SqlType>) -> u8 {
    types
        .map(|t| match t {
            SqlType::DateTime2(p) | SqlType::Time(p) | SqlType::DateTimeOffset(p) => *p,
            _ => 0,
        })
        .max()
        .unwrap_or(7)
}
