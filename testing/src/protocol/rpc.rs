//! RPC requests: a procedure (by name or well-known id) and typed parameters.
//!
//! tiberius's `query` and `execute` send `sp_executesql` (id 10) with three
//! kinds of parameters: the statement, the declaration (`@P1 int,...`) and
//! the values. Each value is decoded with [`crate::types::decode`].

use super::{batch::read_all_headers, DecodeError, Reader};
use crate::request::{Procedure, RpcCall, RpcParam};
use crate::types::decode::read_typed_value;

/// Decodes an RPC payload: the transaction descriptor and every call in it
/// (clients may batch several, separated by `0xFF`).
pub fn decode(payload: &[u8]) -> Result<(u64, Vec<RpcCall>), DecodeError> {
    let mut r = Reader::new(payload);
    let descriptor = read_all_headers(&mut r)?;
    let mut calls = Vec::new();
    loop {
        calls.push(read_call(&mut r)?);
        match r.remaining() {
            0 => return Ok((descriptor, calls)),
            _ => {
                let sep = r.u8()?;
                if sep != 0xFF && sep != 0xFE && sep != 0x80 {
                    return Err(DecodeError::invalid("bytes after the last RPC parameter"));
                }
                if r.remaining() == 0 {
                    return Ok((descriptor, calls));
                }
            }
        }
    }
}

fn read_call(r: &mut Reader<'_>) -> Result<RpcCall, DecodeError> {
    let name_len = r.u16()?;
    let procedure = if name_len == 0xFFFF {
        Procedure::from_id(r.u16()?)
    } else {
        Procedure::from_name(r.utf16(name_len as usize)?)
    };
    let options = r.u16()?;
    let mut params = Vec::new();
    while r.remaining() > 0 {
        // A batch separator ends this call.
        let mut peek = r.clone();
        if matches!(peek.u8()?, 0xFF | 0xFE | 0x80) {
            break;
        }
        let name = r.b_varchar()?;
        let status = r.u8()?;
        let (ty, value) = read_typed_value(r)?;
        params.push(RpcParam {
            name,
            output: status & 0x01 != 0,
            ty,
            value,
        });
    }
    Ok(RpcCall {
        procedure,
        options,
        params,
    })
}
