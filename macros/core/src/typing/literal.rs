//! The types of constants (R17).
//!
//! | constant | type |
//! |---|---|
//! | `1`, `-7` | `int` |
//! | `2147483648` | `numeric(10,0)` (too big for int: a decimal with as many digits) |
//! | `1.50`, `.5` | `numeric(3,2)`, `numeric(1,1)`: every written digit counts |
//! | `1e0`, `2.5E-3` | `float` |
//! | `$12`, `$1.5`, `€3` | `money` (any currency symbol) |
//! | `'abc'`, `''` | `varchar(3)`, `varchar(1)` (no type has length 0) |
//! | `N'abc'` | `nvarchar(3)` |
//! | `0x0102` | `varbinary(2)` |
//!
//! Strings longer than 8000 bytes (4000 Unicode characters) and binary constants longer
//! than 8000 bytes are `(max)`. Constants are never NULL; the bare `NULL` is
//! [`FnArg::Null`](super::FnArg::Null).
//!
//! ```
//! use mssqlx_macros_core::typing::{literal_number, literal_string};
//! use mssqlx_offline::SqlType;
//! assert_eq!(literal_number("1.50").unwrap().to_string(), "numeric(3,2)");
//! assert_eq!(literal_string(0, false).to_string(), "varchar(1)");
//! ```

use mssqlx_offline::{Length, SqlType};

use super::shape::{MAX_BYTES, MAX_NCHARS, MAX_PRECISION};
use super::TypingError;

/// Currency symbols that make a constant `money` (R17: "prefixed with a currency symbol").
const CURRENCY_SYMBOLS: &[char] = &[
    '$', '\u{a2}', '\u{a3}', '\u{a4}', '\u{a5}', '\u{20a9}', '\u{20aa}', '\u{20ab}', '\u{20ac}',
    '\u{20b9}', '\u{20bd}',
];

/// The type of a numeric constant as written (a leading sign is allowed and ignored:
/// T-SQL parses it as a unary operator).
pub fn literal_number(text: &str) -> Result<SqlType, TypingError> {
    let trimmed = text.trim();
    let unsigned = trimmed
        .strip_prefix(['-', '+'])
        .unwrap_or(trimmed)
        .trim_start();
    let bad = || {
        TypingError::new(format!("`{text}` is not a number constant"))
            .with_help("write digits with an optional decimal point, exponent (1e3) or leading $")
    };
    if unsigned.is_empty() {
        return Err(bad());
    }
    if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        return Ok(literal_binary(hex.len().div_ceil(2)));
    }
    if let Some(amount) = unsigned.strip_prefix(CURRENCY_SYMBOLS) {
        let amount = amount
            .trim_start()
            .strip_prefix(['-', '+'])
            .unwrap_or(amount.trim_start());
        let digits_ok = !amount.is_empty()
            && amount.bytes().any(|b| b.is_ascii_digit())
            && amount
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
            && amount.bytes().filter(|b| *b == b'.').count() <= 1;
        return if digits_ok {
            Ok(SqlType::Money)
        } else {
            Err(bad())
        };
    }
    if let Some(e) = unsigned.find(['e', 'E']) {
        let (mantissa, exponent) = (&unsigned[..e], &unsigned[e + 1..]);
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if !is_decimal_digits(mantissa) || !exponent.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        return Ok(SqlType::Float);
    }
    if !is_decimal_digits(unsigned) {
        return Err(bad());
    }
    let (int_part, frac_part) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let significant = int_part.trim_start_matches('0');
    let out_of_range = || {
        TypingError::new(format!(
            "the number `{text}` has more than 38 digits, the most a decimal can hold"
        ))
        .with_help("write it as a float constant with an exponent, e.g. 1.5E40")
    };
    match frac_part {
        None => {
            if significant.is_empty()
                || (significant.len() <= 10
                    && significant
                        .parse::<u64>()
                        .is_ok_and(|v| v <= i32::MAX as u64))
            {
                return Ok(SqlType::Int);
            }
            let p = significant.len() as u32;
            if p > MAX_PRECISION {
                return Err(out_of_range());
            }
            Ok(SqlType::Numeric {
                precision: p as u8,
                scale: 0,
            })
        }
        Some(frac) => {
            let s = frac.len() as u32;
            let p = (significant.len() as u32 + s).max(1);
            if p > MAX_PRECISION {
                return Err(out_of_range());
            }
            Ok(SqlType::Numeric {
                precision: p as u8,
                scale: s as u8,
            })
        }
    }
}

/// Digits with at most one decimal point and at least one digit.
fn is_decimal_digits(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|b| *b == b'.').count() <= 1
}

/// The type of a string constant of `text_len_chars` characters: `varchar(n)`, or
/// `nvarchar(n)` for `N'...'`; the empty string is `varchar(1)`; past 8000 bytes
/// (4000 Unicode characters) `(max)`.
pub fn literal_string(text_len_chars: usize, unicode: bool) -> SqlType {
    let cap = if unicode { MAX_NCHARS } else { MAX_BYTES } as usize;
    let len = if text_len_chars > cap {
        Length::Max
    } else {
        Length::Bounded(text_len_chars.max(1) as u16)
    };
    if unicode {
        SqlType::NVarChar(len)
    } else {
        SqlType::VarChar(len)
    }
}

/// The type of a binary constant of `bytes` bytes (`0x0102` is 2): `varbinary(n)`,
/// `0x` alone is `varbinary(1)`, past 8000 bytes `varbinary(max)`.
pub fn literal_binary(bytes: usize) -> SqlType {
    if bytes > MAX_BYTES as usize {
        SqlType::VarBinary(Length::Max)
    } else {
        SqlType::VarBinary(Length::Bounded(bytes.max(1) as u16))
    }
}
