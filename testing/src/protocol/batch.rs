//! ALL_HEADERS and the SQL batch request.
//!
//! SQL batch, RPC and Transaction Manager requests start with ALL_HEADERS,
//! whose transaction-descriptor header names the transaction the client
//! believes it is in. A SQL batch is then just UTF-16 text.

use super::{DecodeError, Reader};

/// Reads ALL_HEADERS and returns the transaction descriptor (0 when absent).
pub(crate) fn read_all_headers(r: &mut Reader<'_>) -> Result<u64, DecodeError> {
    let start = r.position();
    let total = r.u32()? as usize;
    if total < 4 {
        return Err(DecodeError::invalid("ALL_HEADERS length"));
    }
    let mut descriptor = 0;
    while r.position() < start + total {
        let len = r.u32()? as usize;
        if len < 6 {
            return Err(DecodeError::invalid("ALL_HEADERS header length"));
        }
        let ty = r.u16()?;
        let data = r.take(len - 6)?;
        if ty == 2 && data.len() >= 8 {
            descriptor = u64::from_le_bytes(data[..8].try_into().unwrap_or_default());
        }
    }
    if r.position() != start + total {
        return Err(DecodeError::invalid("ALL_HEADERS overrun"));
    }
    Ok(descriptor)
}

/// Decodes a SQL batch payload into its transaction descriptor and text.
pub fn decode(payload: &[u8]) -> Result<(u64, String), DecodeError> {
    let mut r = Reader::new(payload);
    // A client may omit ALL_HEADERS before TDS 7.2; tiberius always sends it.
    let descriptor = if payload.len() >= 4 && looks_like_all_headers(payload) {
        read_all_headers(&mut r)?
    } else {
        0
    };
    let text = r.rest();
    if !text.len().is_multiple_of(2) {
        return Err(DecodeError::invalid(
            "SQL batch text has an odd byte length",
        ));
    }
    let sql = Reader::new(text).utf16(text.len() / 2)?;
    Ok((descriptor, sql))
}

fn looks_like_all_headers(payload: &[u8]) -> bool {
    let total = u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]) as usize;
    (4..=payload.len()).contains(&total) && total >= 22
}
