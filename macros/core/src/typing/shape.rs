//! The shapes rules compute with: a type seen as `decimal(p,s)`, a string type's length,
//! and the length a value takes once implicitly converted to a string.
//!
//! SQL Server's precision / scale rules (R2) count an integer as the decimal with just
//! enough digits (`int` = `decimal(10,0)`), and money as `decimal(19,4)`; the string
//! rules count lengths in characters for the `n` types and bytes otherwise.

use mssqlx_offline::{Length, SqlType};

/// The largest precision of `decimal` / `numeric`.
pub(crate) const MAX_PRECISION: u32 = 38;
/// The longest bounded `varchar`, `char`, `varbinary`, `binary` (bytes).
pub(crate) const MAX_BYTES: u32 = 8000;
/// The longest bounded `nvarchar`, `nchar` (characters).
pub(crate) const MAX_NCHARS: u32 = 4000;

/// `(precision, scale)` of an exact number as the decimal rules see it (R2), or `None`
/// for approximate and non-numeric types.
pub(crate) fn decimal_shape(t: &SqlType) -> Option<(u32, u32)> {
    Some(match t {
        SqlType::Bit => (1, 0),
        SqlType::TinyInt => (3, 0),
        SqlType::SmallInt => (5, 0),
        SqlType::Int => (10, 0),
        SqlType::BigInt => (19, 0),
        SqlType::Decimal { precision, scale } | SqlType::Numeric { precision, scale } => {
            (u32::from(*precision), u32::from(*scale))
        }
        SqlType::Money => (19, 4),
        SqlType::SmallMoney => (10, 4),
        _ => return None,
    })
}

/// Builds `decimal(p,s)` (or `numeric(p,s)`) from an unbounded computation, applying the
/// 38-digit cap. `keep_integral` is the number of integral digits the reduction protects:
/// the rules for `+`, `-` and UNION keep every integral digit and lose scale; `*` and `/`
/// keep at least 6 digits of scale (R2, R44).
pub(crate) fn make_decimal(numeric: bool, p: u32, s: u32, rule: Reduce) -> SqlType {
    let (mut p, mut s) = (p.max(1), s);
    if p > MAX_PRECISION {
        let integral = p.saturating_sub(s);
        s = match rule {
            // min(precision, 38) - integral digits, never more than the scale computed.
            Reduce::KeepIntegral(integral) => s.min(MAX_PRECISION.saturating_sub(integral)),
            // integral < 32: min(s, 38 - integral); else min(s, 6).
            Reduce::KeepSixDecimals => s.min(MAX_PRECISION.saturating_sub(integral).max(6)),
        };
        p = MAX_PRECISION;
    }
    s = s.min(p);
    let (precision, scale) = (p as u8, s as u8);
    if numeric {
        SqlType::Numeric { precision, scale }
    } else {
        SqlType::Decimal { precision, scale }
    }
}

/// How the 38-digit cap reduces the scale (R2).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reduce {
    /// Addition, subtraction, UNION: keep this many integral digits.
    KeepIntegral(u32),
    /// Multiplication and division.
    KeepSixDecimals,
}

/// The length of a string or binary type (`None` for other types).
pub(crate) fn string_length(t: &SqlType) -> Option<Length> {
    Some(match t {
        SqlType::Char(n) | SqlType::NChar(n) | SqlType::Binary(n) => Length::Bounded(*n),
        SqlType::VarChar(l) | SqlType::NVarChar(l) | SqlType::VarBinary(l) => *l,
        SqlType::Text | SqlType::NText | SqlType::Image => Length::Max,
        SqlType::RowVersion => Length::Bounded(8),
        _ => return None,
    })
}

/// The length, in characters, of a value converted implicitly to a string: the string's
/// own length, or the longest text the conversion of another type can produce
/// (`int` → 11 characters, `uniqueidentifier` → 36, `datetime2(7)` → 27).
pub(crate) fn text_length(t: &SqlType) -> Length {
    if let Some(l) = string_length(t) {
        return l;
    }
    let frac = |p: u8| if p == 0 { 0 } else { u16::from(p) + 1 };
    Length::Bounded(match t {
        SqlType::Bit => 1,
        SqlType::TinyInt => 3,
        SqlType::SmallInt => 6,
        SqlType::Int => 11,
        SqlType::BigInt => 20,
        SqlType::Decimal { precision, .. } | SqlType::Numeric { precision, .. } => {
            u16::from(*precision) + 2
        }
        SqlType::Money | SqlType::SmallMoney => 22,
        SqlType::Real | SqlType::Float => 23,
        SqlType::UniqueIdentifier => 36,
        SqlType::Date => 10,
        SqlType::Time(p) => 8 + frac(*p),
        SqlType::DateTime => 23,
        SqlType::SmallDateTime => 19,
        SqlType::DateTime2(p) => 19 + frac(*p),
        SqlType::DateTimeOffset(p) => 26 + frac(*p),
        SqlType::HierarchyId => 4000,
        _ => return Length::Max,
    })
}

/// Adds two lengths: `(max)` if either is `(max)`, else the sum (not yet capped).
pub(crate) fn add_lengths(a: Length, b: Length) -> Length {
    match (a, b) {
        (Length::Bounded(x), Length::Bounded(y)) => Length::Bounded(x.saturating_add(y)),
        _ => Length::Max,
    }
}

/// The larger of two lengths.
pub(crate) fn max_length(a: Length, b: Length) -> Length {
    a.max(b)
}

/// A bounded length clamped to `1..=cap` (kept bounded), `(max)` unchanged.
pub(crate) fn cap_length(l: Length, cap: u32) -> Length {
    match l {
        Length::Bounded(n) => Length::Bounded((u32::from(n).clamp(1, cap)) as u16),
        Length::Max => Length::Max,
    }
}

/// A bounded length past `cap` becomes `(max)`.
pub(crate) fn overflow_to_max(l: Length, cap: u32) -> Length {
    match l {
        Length::Bounded(n) if u32::from(n) > cap => Length::Max,
        Length::Bounded(n) => Length::Bounded(n.max(1)),
        Length::Max => Length::Max,
    }
}

/// A length as a fixed-length type's count (`(max)` cannot be fixed: the cap).
pub(crate) fn fixed(l: Length, cap: u32) -> u16 {
    match cap_length(l, cap) {
        Length::Bounded(n) => n,
        Length::Max => cap as u16,
    }
}

/// The variable-length string type of the given width and length.
pub(crate) fn var_string(unicode: bool, l: Length) -> SqlType {
    if unicode {
        SqlType::NVarChar(l)
    } else {
        SqlType::VarChar(l)
    }
}

/// The character cap of a (n)varchar.
pub(crate) fn char_cap(unicode: bool) -> u32 {
    if unicode {
        MAX_NCHARS
    } else {
        MAX_BYTES
    }
}
