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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::transaction::tests::all_headers;
    use crate::{SqlType, Value};

    fn named_call(name: &str, param: &str, value: i32, output: bool) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&(name.encode_utf16().count() as u16).to_le_bytes());
        for u in name.encode_utf16() {
            p.extend_from_slice(&u.to_le_bytes());
        }
        p.extend_from_slice(&0u16.to_le_bytes()); // options
        p.push(param.encode_utf16().count() as u8);
        for u in param.encode_utf16() {
            p.extend_from_slice(&u.to_le_bytes());
        }
        p.push(output as u8);
        p.extend_from_slice(&[0x26, 4, 4]);
        p.extend_from_slice(&value.to_le_bytes());
        p
    }

    #[test]
    fn batched_calls_to_named_procedures_with_output_parameters_decode() {
        let mut payload = all_headers(3);
        payload.extend(named_call("dbo.GetUser", "@id", 5, false));
        payload.push(0xFF);
        payload.extend(named_call("dbo.Count", "@n", 0, true));
        let (descriptor, calls) = decode(&payload).unwrap();
        assert_eq!(descriptor, 3);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].procedure, Procedure::Named("dbo.GetUser".into()));
        assert_eq!(calls[0].param("id").unwrap().value, Value::I32(5));
        assert!(calls[1].params[0].output);
        assert_eq!(calls[1].params[0].ty, SqlType::Int);
        assert_eq!(calls[1].statement(), None);
    }

    #[test]
    fn a_parameter_with_an_unknown_type_is_an_error_not_a_panic() {
        let mut payload = all_headers(0);
        payload.extend_from_slice(&[0xFF, 0xFF, 10, 0, 0, 0, 0, 0, 0x99]);
        assert!(matches!(decode(&payload), Err(DecodeError::Invalid(_))));
    }
}
