//! Decoding of typed values from the client: RPC parameters (`TYPE_INFO`
//! followed by the value, MS-TDS 2.2.6.6).
//!
//! Every type of [`SqlType`] decodes, in its fixed-length and nullable wire
//! forms, plus the untyped `NULL` (`0x1F`) that tiberius sends for a `None`
//! string, binary or date. The result is a `(SqlType, Value)` pair: the type the
//! client declared and the value it sent.

use super::{codepage, Length, SqlType, Value};
use crate::protocol::{DecodeError, Reader};
use chrono::{Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rust_decimal::Decimal;
use uuid::Uuid;

/// How the value of a decoded `TYPE_INFO` is laid out on the wire.
#[derive(Clone, Copy, Debug)]
struct Wire {
    code: u8,
    /// The declared length (bytes for character and binary types, the scale for time types).
    len: u32,
    ty: SqlType,
}

/// Reads a `TYPE_INFO` then the value it describes.
pub(crate) fn read_typed_value(r: &mut Reader<'_>) -> Result<(SqlType, Value), DecodeError> {
    let wire = read_type_info(r)?;
    let value = read_value(r, &wire)?;
    Ok((wire.ty, value))
}

fn read_type_info(r: &mut Reader<'_>) -> Result<Wire, DecodeError> {
    let code = r.u8()?;
    let fixed = |ty| Ok(Wire { code, len: 0, ty });
    match code {
        0x1F => fixed(SqlType::Null),
        0x30 => fixed(SqlType::TinyInt),
        0x32 => fixed(SqlType::Bit),
        0x34 => fixed(SqlType::SmallInt),
        0x38 => fixed(SqlType::Int),
        0x3A => fixed(SqlType::SmallDateTime),
        0x3B => fixed(SqlType::Real),
        0x3C => fixed(SqlType::Money),
        0x3D => fixed(SqlType::DateTime),
        0x3E => fixed(SqlType::Float),
        0x7A => fixed(SqlType::SmallMoney),
        0x7F => fixed(SqlType::BigInt),
        0x28 => fixed(SqlType::Date),
        0x24 | 0x26 | 0x68 | 0x6D | 0x6E | 0x6F => {
            let len = r.u8()? as u32;
            let ty = match (code, len) {
                (0x24, 16) => SqlType::UniqueIdentifier,
                (0x26, 1) => SqlType::TinyInt,
                (0x26, 2) => SqlType::SmallInt,
                (0x26, 4) => SqlType::Int,
                (0x26, 8) => SqlType::BigInt,
                (0x68, 1) => SqlType::Bit,
                (0x6D, 4) => SqlType::Real,
                (0x6D, 8) => SqlType::Float,
                (0x6E, 4) => SqlType::SmallMoney,
                (0x6E, 8) => SqlType::Money,
                (0x6F, 4) => SqlType::SmallDateTime,
                (0x6F, 8) => SqlType::DateTime,
                _ => {
                    return Err(DecodeError::invalid(format!(
                        "type 0x{code:02X} with length {len}"
                    )))
                }
            };
            Ok(Wire { code, len, ty })
        }
        0x29..=0x2B => {
            let scale = r.u8()?;
            if scale > 7 {
                return Err(DecodeError::invalid(format!("time scale {scale}")));
            }
            let ty = match code {
                0x29 => SqlType::Time { scale },
                0x2A => SqlType::DateTime2 { scale },
                _ => SqlType::DateTimeOffset { scale },
            };
            Ok(Wire {
                code,
                len: scale as u32,
                ty,
            })
        }
        0x6A | 0x6C => {
            let len = r.u8()? as u32;
            let precision = r.u8()?;
            let scale = r.u8()?;
            if precision == 0 || precision > 38 || scale > precision {
                return Err(DecodeError::invalid(format!(
                    "decimal({precision},{scale})"
                )));
            }
            let ty = if code == 0x6A {
                SqlType::Decimal { precision, scale }
            } else {
                SqlType::Numeric { precision, scale }
            };
            Ok(Wire { code, len, ty })
        }
        0xA5 | 0xA7 | 0xAD | 0xAF | 0xE7 | 0xEF => {
            let len = r.u16()?;
            if matches!(code, 0xA7 | 0xAF | 0xE7 | 0xEF) {
                r.take(5)?; // collation
            }
            let limited = |unit: u16| {
                if len == 0xFFFF {
                    Length::Max
                } else {
                    Length::Limited(len / unit)
                }
            };
            let ty = match code {
                0xA5 => SqlType::VarBinary(limited(1)),
                0xA7 => SqlType::VarChar(limited(1)),
                0xAD => SqlType::Binary(len),
                0xAF => SqlType::Char(len),
                0xE7 => SqlType::NVarChar(limited(2)),
                _ => SqlType::NChar(len / 2),
            };
            Ok(Wire {
                code,
                len: len as u32,
                ty,
            })
        }
        0xF1 => {
            if r.u8()? != 0 {
                // Schema collection: database, owner (B_VARCHAR), collection (US_VARCHAR).
                r.b_varchar()?;
                r.b_varchar()?;
                r.us_varchar()?;
            }
            Ok(Wire {
                code,
                len: 0xFFFF,
                ty: SqlType::Xml,
            })
        }
        _ => Err(DecodeError::invalid(format!(
            "unsupported parameter type 0x{code:02X}"
        ))),
    }
}

fn read_value(r: &mut Reader<'_>, w: &Wire) -> Result<Value, DecodeError> {
    match w.code {
        0x1F => Ok(Value::Null),
        // Fixed-length types: no length prefix.
        0x30 => Ok(Value::U8(r.u8()?)),
        0x32 => Ok(Value::Bool(r.u8()? != 0)),
        0x34 => Ok(Value::I16(r.u16()? as i16)),
        0x38 => Ok(Value::I32(r.u32()? as i32)),
        0x7F => Ok(Value::I64(r.u64()? as i64)),
        0x3B => Ok(Value::F32(f32::from_bits(r.u32()?))),
        0x3E => Ok(Value::F64(f64::from_bits(r.u64()?))),
        0x3C => money(r, 8),
        0x7A => money(r, 4),
        0x3D => datetime(r, 8),
        0x3A => datetime(r, 4),
        // Nullable types: one length byte, 0 = NULL.
        0x24 | 0x26 | 0x68 | 0x6D | 0x6E | 0x6F | 0x28 | 0x29 | 0x2A | 0x2B | 0x6A | 0x6C => {
            let len = r.u8()? as usize;
            if len == 0 {
                return Ok(Value::Null);
            }
            match (w.code, len) {
                (0x24, 16) => {
                    let b: [u8; 16] = r.array()?;
                    Ok(Value::Uuid(Uuid::from_bytes_le(b)))
                }
                (0x26, 1) => Ok(Value::U8(r.u8()?)),
                (0x26, 2) => Ok(Value::I16(r.u16()? as i16)),
                (0x26, 4) => Ok(Value::I32(r.u32()? as i32)),
                (0x26, 8) => Ok(Value::I64(r.u64()? as i64)),
                (0x68, 1) => Ok(Value::Bool(r.u8()? != 0)),
                (0x6D, 4) => Ok(Value::F32(f32::from_bits(r.u32()?))),
                (0x6D, 8) => Ok(Value::F64(f64::from_bits(r.u64()?))),
                (0x6E, 4 | 8) => money(r, len),
                (0x6F, 4 | 8) => datetime(r, len),
                (0x28, 3) => Ok(Value::Date(date(r)?)),
                (0x29, _) => Ok(Value::Time(time(r, w.len as u8, len)?)),
                (0x2A, _) if len > 3 => {
                    let t = time(r, w.len as u8, len - 3)?;
                    Ok(Value::DateTime(date(r)?.and_time(t)))
                }
                (0x2B, _) if len > 5 => {
                    let t = time(r, w.len as u8, len - 5)?;
                    let utc = date(r)?.and_time(t);
                    let minutes = r.u16()? as i16;
                    let offset = FixedOffset::east_opt(minutes as i32 * 60)
                        .ok_or_else(|| DecodeError::invalid("datetimeoffset offset"))?;
                    Ok(Value::DateTimeOffset(offset.from_utc_datetime(&utc)))
                }
                (0x6A | 0x6C, _) => decimal(r, w.ty, len),
                _ => Err(DecodeError::invalid(format!(
                    "value length {len} for type 0x{:02X}",
                    w.code
                ))),
            }
        }
        0xA5 | 0xA7 | 0xAD | 0xAF | 0xE7 | 0xEF | 0xF1 => {
            let Some(bytes) = (if w.len == 0xFFFF { plp(r)? } else { short(r)? }) else {
                return Ok(Value::Null);
            };
            match w.code {
                0xA5 | 0xAD => Ok(Value::Binary(bytes)),
                0xA7 | 0xAF => Ok(Value::String(codepage::decode(&bytes))),
                _ => {
                    let s = utf16(&bytes)?;
                    Ok(if w.code == 0xF1 {
                        Value::Xml(s)
                    } else {
                        Value::String(s)
                    })
                }
            }
        }
        code => Err(DecodeError::invalid(format!(
            "unsupported parameter type 0x{code:02X}"
        ))),
    }
}

fn short(r: &mut Reader<'_>) -> Result<Option<Vec<u8>>, DecodeError> {
    let len = r.u16()?;
    if len == 0xFFFF {
        return Ok(None);
    }
    Ok(Some(r.take(len as usize)?.to_vec()))
}

fn plp(r: &mut Reader<'_>) -> Result<Option<Vec<u8>>, DecodeError> {
    let total = r.u64()?;
    if total == u64::MAX {
        return Ok(None);
    }
    let mut out = Vec::with_capacity((total as usize).min(r.remaining()));
    loop {
        let chunk = r.u32()? as usize;
        if chunk == 0 {
            return Ok(Some(out));
        }
        out.extend_from_slice(r.take(chunk)?);
    }
}

fn utf16(bytes: &[u8]) -> Result<String, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::invalid("odd UTF-16 byte length"));
    }
    Reader::new(bytes).utf16(bytes.len() / 2)
}

fn money(r: &mut Reader<'_>, len: usize) -> Result<Value, DecodeError> {
    let scaled = if len == 4 {
        r.u32()? as i32 as i64
    } else {
        let high = r.u32()? as i32 as i64;
        let low = r.u32()? as i64;
        (high << 32) | low
    };
    Ok(Value::Decimal(Decimal::new(scaled, 4)))
}

fn datetime(r: &mut Reader<'_>, len: usize) -> Result<Value, DecodeError> {
    let base = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
    let (days, time) = if len == 4 {
        let days = r.u16()? as i64;
        let minutes = r.u16()? as i64;
        (days, Duration::minutes(minutes))
    } else {
        let days = r.u32()? as i32 as i64;
        let ticks = r.u32()? as i64;
        (days, Duration::nanoseconds(ticks * 10_000_000 / 3))
    };
    let dt = base
        .checked_add_signed(Duration::days(days))
        .ok_or_else(|| DecodeError::invalid("datetime out of range"))?
        .and_time(NaiveTime::MIN)
        .checked_add_signed(time)
        .ok_or_else(|| DecodeError::invalid("datetime out of range"))?;
    Ok(Value::DateTime(dt))
}

fn date(r: &mut Reader<'_>) -> Result<NaiveDate, DecodeError> {
    let b: [u8; 3] = r.array()?;
    let days = u32::from_le_bytes([b[0], b[1], b[2], 0]);
    NaiveDate::from_num_days_from_ce_opt(days as i32 + 1)
        .ok_or_else(|| DecodeError::invalid("date out of range"))
}

fn time(r: &mut Reader<'_>, scale: u8, len: usize) -> Result<NaiveTime, DecodeError> {
    if !(3..=5).contains(&len) {
        return Err(DecodeError::invalid(format!("time length {len}")));
    }
    let mut b = [0u8; 8];
    b[..len].copy_from_slice(r.take(len)?);
    let increments = u64::from_le_bytes(b);
    let nanos = increments.saturating_mul(10u64.pow(9 - scale as u32));
    let secs = (nanos / 1_000_000_000) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, (nanos % 1_000_000_000) as u32)
        .ok_or_else(|| DecodeError::invalid("time out of range"))
}

fn decimal(r: &mut Reader<'_>, ty: SqlType, len: usize) -> Result<Value, DecodeError> {
    let scale = match ty {
        SqlType::Decimal { scale, .. } | SqlType::Numeric { scale, .. } => scale,
        _ => 0,
    };
    if !matches!(len, 5 | 9 | 13 | 17) {
        return Err(DecodeError::invalid(format!("decimal length {len}")));
    }
    let sign = r.u8()?;
    let mut b = [0u8; 16];
    b[..len - 1].copy_from_slice(r.take(len - 1)?);
    let magnitude = u128::from_le_bytes(b);
    let mantissa =
        i128::try_from(magnitude).map_err(|_| DecodeError::invalid("decimal magnitude"))?;
    let mantissa = if sign == 0 { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(mantissa, scale as u32)
        .map(Value::Decimal)
        .map_err(|_| DecodeError::invalid("decimal out of rust_decimal's range"))
}
