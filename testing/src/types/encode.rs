//! Encoding of column metadata (`TYPE_INFO`) and of values into row data.
//!
//! SQL Server sends a `NOT NULL` integer, float, money, bit or datetime column
//! with its fixed-length wire type (`INT4`, `FLT8`, ...) and a nullable one with
//! the nullable variant (`INTN`, `FLTN`, ...); this module does the same, so
//! both decode paths of a client are exercised. `(max)` types are sent as PLP
//! streams; `char(n)`, `nchar(n)` and `binary(n)` values are padded to `n`.
//!
//! [`check_value`] validates a value against its column once, when a row is
//! added to a [`ResultSet`](crate::ResultSet); [`put_value`] then cannot fail.

use super::{codepage, Column, Length, SqlType, Value};
use bytes::{BufMut, BytesMut};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rust_decimal::Decimal;

/// The collation the mock declares for character data:
/// `SQL_Latin1_General_CP1_CI_AS` (LCID 0x0409, case/kana/width insensitive, sort id 52).
pub const COLLATION: [u8; 5] = [0x09, 0x04, 0xD0, 0x00, 0x34];

/// Why a value cannot be sent in a column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column `{column}` ({ty}): {reason}")]
pub struct EncodeError {
    /// The column name.
    pub column: String,
    /// The column type.
    pub ty: SqlType,
    /// What is wrong with the value.
    pub reason: String,
}

/// Appends the column's `TYPE_INFO` (MS-TDS 2.2.5.6) to `buf`.
pub fn put_type_info(buf: &mut BytesMut, column: &Column) {
    let n = column.nullable;
    match column.ty {
        SqlType::Bit if n => buf.put_slice(&[0x68, 1]),
        SqlType::Bit => buf.put_u8(0x32),
        SqlType::TinyInt if n => buf.put_slice(&[0x26, 1]),
        SqlType::TinyInt => buf.put_u8(0x30),
        SqlType::SmallInt if n => buf.put_slice(&[0x26, 2]),
        SqlType::SmallInt => buf.put_u8(0x34),
        SqlType::Int if n => buf.put_slice(&[0x26, 4]),
        SqlType::Int => buf.put_u8(0x38),
        SqlType::BigInt if n => buf.put_slice(&[0x26, 8]),
        SqlType::BigInt => buf.put_u8(0x7F),
        SqlType::Real if n => buf.put_slice(&[0x6D, 4]),
        SqlType::Real => buf.put_u8(0x3B),
        SqlType::Float if n => buf.put_slice(&[0x6D, 8]),
        SqlType::Float => buf.put_u8(0x3E),
        SqlType::Money if n => buf.put_slice(&[0x6E, 8]),
        SqlType::Money => buf.put_u8(0x3C),
        SqlType::SmallMoney if n => buf.put_slice(&[0x6E, 4]),
        SqlType::SmallMoney => buf.put_u8(0x7A),
        SqlType::DateTime if n => buf.put_slice(&[0x6F, 8]),
        SqlType::DateTime => buf.put_u8(0x3D),
        SqlType::SmallDateTime if n => buf.put_slice(&[0x6F, 4]),
        SqlType::SmallDateTime => buf.put_u8(0x3A),
        SqlType::Decimal { precision, scale } => {
            buf.put_slice(&[0x6A, decimal_len(precision), precision, scale])
        }
        SqlType::Numeric { precision, scale } => {
            buf.put_slice(&[0x6C, decimal_len(precision), precision, scale])
        }
        SqlType::UniqueIdentifier => buf.put_slice(&[0x24, 16]),
        SqlType::Date => buf.put_u8(0x28),
        SqlType::Time { scale } => buf.put_slice(&[0x29, scale]),
        SqlType::DateTime2 { scale } => buf.put_slice(&[0x2A, scale]),
        SqlType::DateTimeOffset { scale } => buf.put_slice(&[0x2B, scale]),
        SqlType::Char(len) => {
            buf.put_u8(0xAF);
            buf.put_u16_le(len);
            buf.put_slice(&COLLATION);
        }
        SqlType::VarChar(len) => {
            buf.put_u8(0xA7);
            buf.put_u16_le(wire_len(len, 1));
            buf.put_slice(&COLLATION);
        }
        SqlType::NChar(len) => {
            buf.put_u8(0xEF);
            buf.put_u16_le(len.saturating_mul(2));
            buf.put_slice(&COLLATION);
        }
        SqlType::NVarChar(len) => {
            buf.put_u8(0xE7);
            buf.put_u16_le(wire_len(len, 2));
            buf.put_slice(&COLLATION);
        }
        SqlType::Binary(len) => {
            buf.put_u8(0xAD);
            buf.put_u16_le(len);
        }
        SqlType::VarBinary(len) => {
            buf.put_u8(0xA5);
            buf.put_u16_le(wire_len(len, 1));
        }
        SqlType::Xml => buf.put_slice(&[0xF1, 0]),
        // Never valid for a column; `check_column` rejects it. An `int` keeps
        // the stream well-formed should it slip through.
        SqlType::Null => buf.put_slice(&[0x26, 4]),
    }
}

fn wire_len(len: Length, unit: u16) -> u16 {
    match len {
        Length::Max => 0xFFFF,
        Length::Limited(n) => n.saturating_mul(unit),
    }
}

/// The TDS length of a `decimal(p, _)` value: sign byte plus 4, 8, 12 or 16 bytes.
pub(crate) fn decimal_len(precision: u8) -> u8 {
    match precision {
        0..=9 => 5,
        10..=19 => 9,
        20..=28 => 13,
        _ => 17,
    }
}

/// Checks that a column itself is well formed (precision, scale, length).
pub fn check_column(column: &Column) -> Result<(), EncodeError> {
    let bad = |reason: &str| EncodeError {
        column: column.name.clone(),
        ty: column.ty,
        reason: reason.into(),
    };
    match column.ty {
        SqlType::Decimal { precision, scale } | SqlType::Numeric { precision, scale }
            if precision == 0 || precision > 38 || scale > precision =>
        {
            Err(bad(
                "precision must be 1..=38 and scale at most the precision",
            ))
        }
        SqlType::Time { scale }
        | SqlType::DateTime2 { scale }
        | SqlType::DateTimeOffset { scale }
            if scale > 7 =>
        {
            Err(bad("scale must be 0..=7"))
        }
        SqlType::Char(n) | SqlType::Binary(n) if n == 0 || n > 8000 => {
            Err(bad("length must be 1..=8000"))
        }
        SqlType::NChar(n) if n == 0 || n > 4000 => Err(bad("length must be 1..=4000")),
        SqlType::VarChar(Length::Limited(n)) | SqlType::VarBinary(Length::Limited(n))
            if n == 0 || n > 8000 =>
        {
            Err(bad("length must be 1..=8000 or max"))
        }
        SqlType::NVarChar(Length::Limited(n)) if n == 0 || n > 4000 => {
            Err(bad("length must be 1..=4000 or max"))
        }
        SqlType::Null => Err(bad("`null` is not a column type")),
        _ => Ok(()),
    }
}

/// Checks that `value` can be sent in `column`.
pub fn check_value(column: &Column, value: &Value) -> Result<(), EncodeError> {
    let bad = |reason: String| EncodeError {
        column: column.name.clone(),
        ty: column.ty,
        reason,
    };
    if value.is_null() {
        return if column.nullable {
            Ok(())
        } else {
            Err(bad("NULL in a NOT NULL column".into()))
        };
    }
    let int_range = |min: i64, max: i64| match value.as_i64() {
        Some(v) if v >= min && v <= max => Ok(()),
        Some(v) => Err(bad(format!("{v} is out of range"))),
        None => Err(bad(format!("expected an integer, got {value:?}"))),
    };
    match (column.ty, value) {
        (SqlType::Bit, Value::Bool(_)) => Ok(()),
        (SqlType::TinyInt, _) => int_range(0, 255),
        (SqlType::SmallInt, _) => int_range(i16::MIN.into(), i16::MAX.into()),
        (SqlType::Int, _) => int_range(i32::MIN.into(), i32::MAX.into()),
        (SqlType::BigInt, _) => int_range(i64::MIN, i64::MAX),
        (SqlType::Real | SqlType::Float, Value::F32(_) | Value::F64(_)) => Ok(()),
        (SqlType::Decimal { scale, .. } | SqlType::Numeric { scale, .. }, Value::Decimal(d)) => {
            let precision = match column.ty {
                SqlType::Decimal { precision, .. } | SqlType::Numeric { precision, .. } => {
                    precision
                }
                _ => 38,
            };
            let digits = rescaled(*d, scale).unsigned_abs().to_string().len();
            if digits > precision as usize {
                Err(bad(format!("{d} does not fit the precision")))
            } else {
                Ok(())
            }
        }
        (SqlType::Decimal { .. } | SqlType::Numeric { .. }, v) if v.as_i64().is_some() => Ok(()),
        (SqlType::Money, Value::Decimal(_) | Value::F64(_)) => Ok(()),
        (SqlType::SmallMoney, Value::Decimal(d)) => {
            let scaled = rescaled(*d, 4);
            if scaled >= i32::MIN as i128 && scaled <= i32::MAX as i128 {
                Ok(())
            } else {
                Err(bad(format!("{d} is out of range for smallmoney")))
            }
        }
        (SqlType::SmallMoney, Value::F64(_)) => Ok(()),
        (SqlType::Char(n) | SqlType::VarChar(Length::Limited(n)), Value::String(s)) => {
            // Code page 1252 spends one byte per character (`?` for the rest).
            fits(s.chars().count(), n as usize).map_err(bad)
        }
        (SqlType::NChar(n) | SqlType::NVarChar(Length::Limited(n)), Value::String(s)) => {
            fits(s.encode_utf16().count(), n as usize).map_err(bad)
        }
        (SqlType::VarChar(Length::Max) | SqlType::NVarChar(Length::Max), Value::String(_)) => {
            Ok(())
        }
        (SqlType::Binary(n) | SqlType::VarBinary(Length::Limited(n)), Value::Binary(b)) => {
            fits(b.len(), n as usize).map_err(bad)
        }
        (SqlType::VarBinary(Length::Max), Value::Binary(_)) => Ok(()),
        (SqlType::UniqueIdentifier, Value::Uuid(_)) => Ok(()),
        (SqlType::Date, Value::Date(_)) => Ok(()),
        (SqlType::Time { .. }, Value::Time(_)) => Ok(()),
        (SqlType::DateTime2 { .. }, Value::DateTime(_)) => Ok(()),
        (SqlType::DateTime, Value::DateTime(dt)) => {
            if dt.date() >= NaiveDate::from_ymd_opt(1753, 1, 1).unwrap_or_default() {
                Ok(())
            } else {
                Err(bad("datetime starts at 1753-01-01".into()))
            }
        }
        (SqlType::SmallDateTime, Value::DateTime(dt)) => {
            let days = days_since_1900(dt.date());
            if (0..=u16::MAX as i64).contains(&days) {
                Ok(())
            } else {
                Err(bad("smalldatetime covers 1900-01-01 to 2079-06-06".into()))
            }
        }
        (SqlType::DateTimeOffset { .. }, Value::DateTimeOffset(_)) => Ok(()),
        (SqlType::Xml, Value::Xml(_) | Value::String(_)) => Ok(()),
        (_, v) => Err(bad(format!("cannot send {v:?}"))),
    }
}

fn fits(len: usize, max: usize) -> Result<(), String> {
    if len <= max {
        Ok(())
    } else {
        Err(format!(
            "{len} characters or bytes exceed the declared length {max}"
        ))
    }
}

/// The value's mantissa at `scale` digits (rounded half away from zero).
fn rescaled(d: Decimal, scale: u8) -> i128 {
    let mut d = d.round_dp(scale as u32);
    d.rescale(scale as u32);
    d.mantissa()
}

fn days_since_1900(date: NaiveDate) -> i64 {
    (date - NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()).num_days()
}

/// Appends `value` as row data of `column`. The value must have passed
/// [`check_value`]; anything else is sent as `NULL` or zero rather than panicking.
pub fn put_value(buf: &mut BytesMut, column: &Column, value: &Value) {
    let n = column.nullable;
    if value.is_null() {
        put_null(buf, column);
        return;
    }
    match column.ty {
        SqlType::Bit => {
            if n {
                buf.put_u8(1);
            }
            buf.put_u8(matches!(value, Value::Bool(true)) as u8);
        }
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt => {
            let v = value.as_i64().unwrap_or_default();
            let width = match column.ty {
                SqlType::TinyInt => 1,
                SqlType::SmallInt => 2,
                SqlType::Int => 4,
                _ => 8,
            };
            if n {
                buf.put_u8(width as u8);
            }
            buf.put_slice(&v.to_le_bytes()[..width]);
        }
        SqlType::Real => {
            if n {
                buf.put_u8(4);
            }
            buf.put_f32_le(match *value {
                Value::F32(v) => v,
                Value::F64(v) => v as f32,
                _ => 0.0,
            });
        }
        SqlType::Float => {
            if n {
                buf.put_u8(8);
            }
            buf.put_f64_le(match *value {
                Value::F32(v) => v.into(),
                Value::F64(v) => v,
                _ => 0.0,
            });
        }
        SqlType::Money | SqlType::SmallMoney => {
            let scaled = match value {
                Value::Decimal(d) => rescaled(*d, 4),
                Value::F64(f) => (f * 1e4).round() as i128,
                _ => 0,
            };
            if column.ty == SqlType::SmallMoney {
                if n {
                    buf.put_u8(4);
                }
                buf.put_i32_le(scaled as i32);
            } else {
                if n {
                    buf.put_u8(8);
                }
                let scaled = scaled as i64;
                buf.put_i32_le((scaled >> 32) as i32);
                buf.put_u32_le(scaled as u32);
            }
        }
        SqlType::Decimal { precision, scale } | SqlType::Numeric { precision, scale } => {
            let mantissa = match value {
                Value::Decimal(d) => rescaled(*d, scale),
                v => v.as_i64().unwrap_or_default() as i128 * 10i128.pow(scale as u32),
            };
            put_decimal(buf, precision, mantissa);
        }
        SqlType::UniqueIdentifier => {
            buf.put_u8(16);
            if let Value::Uuid(u) = value {
                buf.put_slice(&u.to_bytes_le());
            } else {
                buf.put_slice(&[0; 16]);
            }
        }
        SqlType::Date => {
            buf.put_u8(3);
            if let Value::Date(d) = value {
                put_date(buf, *d);
            } else {
                buf.put_slice(&[0; 3]);
            }
        }
        SqlType::Time { scale } => {
            let time = match value {
                Value::Time(t) => *t,
                _ => NaiveTime::MIN,
            };
            buf.put_u8(time_len(scale));
            put_time(buf, time, scale);
        }
        SqlType::DateTime2 { scale } => {
            let dt = match value {
                Value::DateTime(dt) => *dt,
                _ => NaiveDateTime::default(),
            };
            buf.put_u8(time_len(scale) + 3);
            put_time(buf, dt.time(), scale);
            put_date(buf, dt.date());
        }
        SqlType::DateTimeOffset { scale } => {
            if let Value::DateTimeOffset(dto) = value {
                let utc = dto.naive_utc();
                buf.put_u8(time_len(scale) + 5);
                put_time(buf, utc.time(), scale);
                put_date(buf, utc.date());
                buf.put_i16_le((dto.offset().local_minus_utc() / 60) as i16);
            } else {
                put_null(buf, column);
            }
        }
        SqlType::DateTime => {
            let dt = match value {
                Value::DateTime(dt) => *dt,
                _ => NaiveDateTime::default(),
            };
            if n {
                buf.put_u8(8);
            }
            let nanos = dt.time().num_seconds_from_midnight() as i64 * 1_000_000_000
                + dt.time().nanosecond().min(999_999_999) as i64;
            let mut days = days_since_1900(dt.date());
            let mut ticks = (nanos * 3 + 5_000_000) / 10_000_000;
            if ticks >= 25_920_000 {
                ticks -= 25_920_000;
                days += 1;
            }
            buf.put_i32_le(days as i32);
            buf.put_u32_le(ticks as u32);
        }
        SqlType::SmallDateTime => {
            let dt = match value {
                Value::DateTime(dt) => *dt,
                _ => NaiveDateTime::default(),
            };
            if n {
                buf.put_u8(4);
            }
            let mut days = days_since_1900(dt.date());
            let mut minutes = (dt.time().num_seconds_from_midnight() + 30) / 60;
            if minutes >= 1440 {
                minutes -= 1440;
                days += 1;
            }
            buf.put_u16_le(days as u16);
            buf.put_u16_le(minutes as u16);
        }
        SqlType::Char(len) | SqlType::VarChar(Length::Limited(len)) => {
            let mut bytes = Vec::with_capacity(len as usize);
            codepage::encode_into(value.as_str().unwrap_or_default(), &mut bytes);
            if matches!(column.ty, SqlType::Char(_)) {
                bytes.resize(len as usize, b' ');
            }
            buf.put_u16_le(bytes.len() as u16);
            buf.put_slice(&bytes);
        }
        SqlType::VarChar(Length::Max) => {
            let mut bytes = Vec::new();
            codepage::encode_into(value.as_str().unwrap_or_default(), &mut bytes);
            put_plp(buf, &bytes);
        }
        SqlType::NChar(len) | SqlType::NVarChar(Length::Limited(len)) => {
            let s = value.as_str().unwrap_or_default();
            let units = s.encode_utf16().count();
            let pad = if matches!(column.ty, SqlType::NChar(_)) {
                (len as usize).saturating_sub(units)
            } else {
                0
            };
            buf.put_u16_le(((units + pad) * 2) as u16);
            put_utf16(buf, s);
            for _ in 0..pad {
                buf.put_u16_le(b' ' as u16);
            }
        }
        SqlType::NVarChar(Length::Max) | SqlType::Xml => {
            let s = value.as_str().unwrap_or_default();
            let units = s.encode_utf16().count();
            buf.put_u64_le((units * 2) as u64);
            if units > 0 {
                buf.put_u32_le((units * 2) as u32);
                put_utf16(buf, s);
            }
            buf.put_u32_le(0);
        }
        SqlType::Binary(len) | SqlType::VarBinary(Length::Limited(len)) => {
            let bytes = match value {
                Value::Binary(b) => b.as_slice(),
                _ => &[],
            };
            if matches!(column.ty, SqlType::Binary(_)) {
                buf.put_u16_le(len);
                buf.put_slice(bytes);
                buf.put_bytes(0, (len as usize).saturating_sub(bytes.len()));
            } else {
                buf.put_u16_le(bytes.len() as u16);
                buf.put_slice(bytes);
            }
        }
        SqlType::VarBinary(Length::Max) => {
            let bytes = match value {
                Value::Binary(b) => b.as_slice(),
                _ => &[],
            };
            put_plp(buf, bytes);
        }
        SqlType::Null => buf.put_u8(0),
    }
}

/// Appends the `NULL` of `column`'s type.
fn put_null(buf: &mut BytesMut, column: &Column) {
    match column.ty {
        SqlType::Char(_)
        | SqlType::NChar(_)
        | SqlType::Binary(_)
        | SqlType::VarChar(Length::Limited(_))
        | SqlType::NVarChar(Length::Limited(_))
        | SqlType::VarBinary(Length::Limited(_)) => buf.put_u16_le(0xFFFF),
        SqlType::VarChar(Length::Max)
        | SqlType::NVarChar(Length::Max)
        | SqlType::VarBinary(Length::Max)
        | SqlType::Xml => buf.put_u64_le(u64::MAX),
        _ => buf.put_u8(0),
    }
}

fn put_plp(buf: &mut BytesMut, bytes: &[u8]) {
    buf.put_u64_le(bytes.len() as u64);
    if !bytes.is_empty() {
        buf.put_u32_le(bytes.len() as u32);
        buf.put_slice(bytes);
    }
    buf.put_u32_le(0);
}

fn put_utf16(buf: &mut BytesMut, s: &str) {
    if s.is_ascii() {
        buf.reserve(s.len() * 2);
        for b in s.bytes() {
            buf.put_slice(&[b, 0]);
        }
    } else {
        for unit in s.encode_utf16() {
            buf.put_u16_le(unit);
        }
    }
}

pub(crate) fn put_decimal(buf: &mut BytesMut, precision: u8, mantissa: i128) {
    let len = decimal_len(precision);
    buf.put_u8(len);
    buf.put_u8((mantissa >= 0) as u8);
    let magnitude = mantissa.unsigned_abs().to_le_bytes();
    buf.put_slice(&magnitude[..(len - 1) as usize]);
}

/// Byte length of a `time(scale)` value.
pub(crate) fn time_len(scale: u8) -> u8 {
    match scale {
        0..=2 => 3,
        3..=4 => 4,
        _ => 5,
    }
}

fn put_time(buf: &mut BytesMut, time: NaiveTime, scale: u8) {
    let nanos = time.num_seconds_from_midnight() as u64 * 1_000_000_000
        + time.nanosecond().min(999_999_999) as u64;
    let increments = nanos / 10u64.pow(9 - scale.min(7) as u32);
    let len = time_len(scale) as usize;
    buf.put_slice(&increments.to_le_bytes()[..len]);
}

fn put_date(buf: &mut BytesMut, date: NaiveDate) {
    let days = (date.num_days_from_ce() - 1) as u32;
    buf.put_slice(&days.to_le_bytes()[..3]);
}
