//! Arithmetic, bitwise and concatenation operators (R2, R20, R25, R40).
//!
//! The result type of `a op b` is the operand type with the higher precedence (R1),
//! with three refinements SQL Server documents:
//!
//! - exact decimals follow the precision / scale formulas of R2, integers counted as
//!   `decimal(3,0)` / `(5,0)` / `(10,0)` / `(19,0)` and money as `decimal(19,4)`, capped
//!   at 38 digits with the scale reduction of R2;
//! - `int / int` stays integer (`5 / 2` is `2`);
//! - `+` on two strings concatenates (R25): the lengths add up, capped at 8000 bytes /
//!   4000 characters unless one side is `(max)`.
//!
//! `datetime + 1` is legal (one day later); `date + 1` is an error (use `DATEADD`).
//!
//! Nullability: `a op b` is NULL only when `a` or `b` is. Division by zero does not give
//! NULL under the runtime's session settings: with ANSI_WARNINGS and ARITHABORT ON it is
//! an error (8134), so `a / b` over NOT NULL operands is NOT NULL.
//!
//! ```
//! use mssqlx_macros_core::typing::{binary_arith, ArithOp, Typed};
//! use mssqlx_offline::SqlType;
//! let a = Typed::not_null(SqlType::Int);
//! let b = Typed::nullable(SqlType::Int);
//! assert_eq!(binary_arith(ArithOp::Div, &a, &b).unwrap(), Typed::nullable(SqlType::Int));
//! ```

use mssqlx_offline::{Length, SqlType};

use super::precedence::{higher, TypeFamily};
use super::shape::{
    add_lengths, char_cap, decimal_shape, fixed, make_decimal, string_length, var_string, Reduce,
    MAX_BYTES,
};
use super::{ArithOp, Typed, TypingError};

/// The type and nullability of `a op b`.
pub fn binary_arith(op: ArithOp, a: &Typed, b: &Typed) -> Result<Typed, TypingError> {
    let ty = arith_type(op, &a.ty, &b.ty)?;
    Ok(Typed {
        ty,
        nullable: a.nullable || b.nullable,
    })
}

/// The type of `-a` (and `+a`): `tinyint` becomes `smallint` (R20), other numbers keep
/// their type; nullability is `a`'s.
pub fn unary_minus(a: &Typed) -> Result<Typed, TypingError> {
    let ty = match &a.ty {
        SqlType::TinyInt => SqlType::SmallInt,
        t if t.is_numeric() && *t != SqlType::Bit => t.clone(),
        t => {
            return Err(TypingError::new(format!(
                "a value of type {t} cannot be negated with unary minus"
            ))
            .with_help("negate a number: CAST the value to int, decimal or float first"))
        }
    };
    Ok(Typed {
        ty,
        nullable: a.nullable,
    })
}

/// Operands no arithmetic operator accepts.
fn never_an_operand(t: &SqlType) -> bool {
    matches!(
        t,
        SqlType::Text
            | SqlType::NText
            | SqlType::Image
            | SqlType::Xml
            | SqlType::Json
            | SqlType::UniqueIdentifier
            | SqlType::SqlVariant
            | SqlType::HierarchyId
            | SqlType::Geography
            | SqlType::Geometry
    )
}

fn invalid_operand(t: &SqlType, op: ArithOp) -> TypingError {
    let help = match t {
        SqlType::Text | SqlType::NText => {
            "text and ntext are deprecated: CAST the value to varchar(max) / nvarchar(max)"
        }
        SqlType::Image => "CAST the value to varbinary(max)",
        SqlType::Date
        | SqlType::Time(_)
        | SqlType::DateTime2(_)
        | SqlType::DateTimeOffset(_)
        | SqlType::DateTime
        | SqlType::SmallDateTime => "use DATEADD to add to a date and DATEDIFF to subtract dates",
        _ => "CAST the value to a type the operator accepts",
    };
    TypingError::new(format!(
        "operand data type {t} is invalid for the {} operator (`{}`)",
        op.name(),
        op.symbol()
    ))
    .with_help(help)
}

/// Character and binary strings: the operands of concatenation.
fn is_stringish(t: &SqlType) -> bool {
    let f = TypeFamily::of(t);
    f.is_char_string() || f.is_binary_string() || f == TypeFamily::Timestamp
}

fn arith_type(op: ArithOp, a: &SqlType, b: &SqlType) -> Result<SqlType, TypingError> {
    for t in [a, b] {
        if never_an_operand(t) {
            return Err(invalid_operand(t, op));
        }
    }
    if op == ArithOp::Add && is_stringish(a) && is_stringish(b) {
        return string_concat(a, b);
    }
    if op.is_bitwise() {
        return bitwise(op, a, b);
    }
    if a.is_temporal() || b.is_temporal() {
        return temporal(op, a, b);
    }
    // A string operand converts to the other operand's (number) type.
    let (a, b) = match (is_stringish(a), is_stringish(b)) {
        (true, true) => return Err(invalid_operand(a, op)),
        (true, false) => (b, b),
        (false, true) => (a, a),
        (false, false) => (a, b),
    };
    numeric(op, a, b)
}

/// Both operands are numbers (bit included).
fn numeric(op: ArithOp, a: &SqlType, b: &SqlType) -> Result<SqlType, TypingError> {
    if *a == SqlType::Bit && *b == SqlType::Bit {
        return Err(invalid_operand(a, op));
    }
    let approximate = |t: &SqlType| matches!(t, SqlType::Float | SqlType::Real);
    if approximate(a) || approximate(b) {
        if op == ArithOp::Mod {
            return Err(TypingError::new(format!(
                "the modulo operator (`%`) does not accept {} values",
                if approximate(a) { a } else { b }
            ))
            .with_help("CAST the operands to an exact type such as int or decimal"));
        }
        return Ok(higher(a, b).clone());
    }
    let is_decimal = |t: &SqlType| matches!(t, SqlType::Decimal { .. } | SqlType::Numeric { .. });
    if is_decimal(a) || is_decimal(b) {
        let numeric =
            !matches!(a, SqlType::Decimal { .. }) && !matches!(b, SqlType::Decimal { .. });
        let (Some((p1, s1)), Some((p2, s2))) = (decimal_shape(a), decimal_shape(b)) else {
            return Err(invalid_operand(a, op));
        };
        return Ok(decimal_arith(op, numeric, (p1, s1), (p2, s2)));
    }
    // Integers and money: the higher precedence, integer division stays integer.
    Ok(higher(a, b).clone())
}

/// R2's table: precision and scale of `e1 op e2` for decimals.
pub(crate) fn decimal_arith(op: ArithOp, numeric: bool, e1: (u32, u32), e2: (u32, u32)) -> SqlType {
    let ((p1, s1), (p2, s2)) = (e1, e2);
    let integral = (p1 - s1.min(p1)).max(p2 - s2.min(p2));
    match op {
        ArithOp::Add | ArithOp::Sub => {
            let s = s1.max(s2);
            make_decimal(numeric, s + integral + 1, s, Reduce::KeepIntegral(integral))
        }
        ArithOp::Mul => make_decimal(numeric, p1 + p2 + 1, s1 + s2, Reduce::KeepSixDecimals),
        ArithOp::Div => {
            let s = 6.max(s1 + p2 + 1);
            make_decimal(
                numeric,
                p1 - s1.min(p1) + s2 + s,
                s,
                Reduce::KeepSixDecimals,
            )
        }
        ArithOp::Mod | ArithOp::BitAnd | ArithOp::BitOr | ArithOp::BitXor => {
            let s = s1.max(s2);
            let p = (p1 - s1.min(p1)).min(p2 - s2.min(p2)) + s;
            make_decimal(numeric, p, s, Reduce::KeepIntegral(p.saturating_sub(s)))
        }
    }
}

/// `datetime` / `smalldatetime` take `+` and `-` with numbers, strings and each other;
/// `date`, `time`, `datetime2` and `datetimeoffset` take no arithmetic at all.
fn temporal(op: ArithOp, a: &SqlType, b: &SqlType) -> Result<SqlType, TypingError> {
    let legacy = |t: &SqlType| matches!(t, SqlType::DateTime | SqlType::SmallDateTime);
    for t in [a, b] {
        if t.is_temporal() && !legacy(t) {
            let other = if std::ptr::eq(t, a) { b } else { a };
            if other.is_temporal() {
                return Err(invalid_operand(t, op));
            }
            return Err(TypingError::new(format!(
                "the types {a} and {b} cannot be combined with `{}`: {t} takes no arithmetic",
                op.symbol()
            ))
            .with_help(match op {
                ArithOp::Add | ArithOp::Sub => {
                    "use DATEADD(day, n, value) to move a date; DATEDIFF to subtract dates"
                }
                _ => "CAST the value to a number first",
            }));
        }
    }
    if !matches!(op, ArithOp::Add | ArithOp::Sub) {
        let t = if legacy(a) { a } else { b };
        return Err(invalid_operand(t, op));
    }
    match (legacy(a), legacy(b)) {
        (true, true) => Ok(higher(a, b).clone()),
        (true, false) | (false, true) => {
            let (date, other) = if legacy(a) { (a, b) } else { (b, a) };
            if other.is_numeric() || is_stringish(other) {
                Ok(date.clone())
            } else {
                Err(invalid_operand(other, op))
            }
        }
        (false, false) => Err(invalid_operand(a, op)),
    }
}

/// `&`, `|`, `^`: integers and bit with each other; one side may be binary.
fn bitwise(op: ArithOp, a: &SqlType, b: &SqlType) -> Result<SqlType, TypingError> {
    let int_like = |t: &SqlType| TypeFamily::of(t).is_integer() || *t == SqlType::Bit;
    let bin = |t: &SqlType| {
        matches!(
            TypeFamily::of(t),
            TypeFamily::Binary | TypeFamily::VarBinary
        )
    };
    match (a, b) {
        (x, y) if int_like(x) && int_like(y) => Ok(higher(x, y).clone()),
        (x, y) if int_like(x) && bin(y) && *x != SqlType::Bit => Ok(x.clone()),
        (x, y) if bin(x) && int_like(y) && *y != SqlType::Bit => Ok(y.clone()),
        _ => Err(TypingError::new(format!(
            "the {} operator (`{}`) takes integer or bit operands (one of them may be binary), not {a} and {b}",
            op.name(),
            op.symbol()
        ))
        .with_help("CAST the operands to int or bigint")),
    }
}

/// The type of `a + b` where both are character or binary strings (R25).
///
/// Character strings: Unicode if either side is; the lengths add up, capped at 8000
/// bytes / 4000 characters (SQL Server truncates the result there), or `(max)` if
/// either side is `(max)`. Two fixed-length operands give a fixed-length result. A
/// binary operand next to a character string converts to it; two binary strings give
/// binary. `text`, `ntext` and `image` do not concatenate.
pub fn string_concat(a: &SqlType, b: &SqlType) -> Result<SqlType, TypingError> {
    for t in [a, b] {
        if matches!(t, SqlType::Text | SqlType::NText | SqlType::Image) || !is_stringish(t) {
            return Err(invalid_operand(t, ArithOp::Add));
        }
    }
    let (Some(la), Some(lb)) = (string_length(a), string_length(b)) else {
        return Err(invalid_operand(a, ArithOp::Add));
    };
    let is_fixed =
        |t: &SqlType| matches!(t, SqlType::Char(_) | SqlType::NChar(_) | SqlType::Binary(_));
    let all_fixed = is_fixed(a) && is_fixed(b);
    let sum = add_lengths(la, lb);
    if a.is_string() || b.is_string() {
        let unicode = a.is_unicode() || b.is_unicode();
        let cap = char_cap(unicode);
        if all_fixed {
            let n = fixed(sum, cap);
            return Ok(if unicode {
                SqlType::NChar(n)
            } else {
                SqlType::Char(n)
            });
        }
        let len = match sum {
            Length::Max => Length::Max,
            bounded => Length::Bounded(fixed(bounded, cap)),
        };
        return Ok(var_string(unicode, len));
    }
    if all_fixed {
        return Ok(SqlType::Binary(fixed(sum, MAX_BYTES)));
    }
    Ok(SqlType::VarBinary(match sum {
        Length::Max => Length::Max,
        bounded => Length::Bounded(fixed(bounded, MAX_BYTES)),
    }))
}
