//! Transaction Manager requests (packet type 0x0E): begin (with an isolation
//! level), commit, rollback and save, as tiberius's `begin_transaction`,
//! `commit_transaction`, `rollback_transaction` and `save_transaction` send them.

use super::{batch::read_all_headers, DecodeError, Reader};
use crate::request::{IsolationLevel, TransactionRequest};

/// Decodes a Transaction Manager payload into its descriptor and request.
pub fn decode(payload: &[u8]) -> Result<(u64, TransactionRequest), DecodeError> {
    let mut r = Reader::new(payload);
    let descriptor = read_all_headers(&mut r)?;
    let ty = r.u16()?;
    let request = match ty {
        5 => {
            let isolation = IsolationLevel::from_tm(r.u8()?);
            let name = if r.remaining() > 0 {
                r.b_varchar()?
            } else {
                String::new()
            };
            TransactionRequest::Begin { isolation, name }
        }
        7 | 8 => {
            let name = if r.remaining() > 0 {
                r.b_varchar()?
            } else {
                String::new()
            };
            if ty == 7 {
                TransactionRequest::Commit { name }
            } else {
                TransactionRequest::Rollback { name }
            }
        }
        9 => TransactionRequest::Save {
            name: r.b_varchar()?,
        },
        other => TransactionRequest::Other(other),
    };
    Ok((descriptor, request))
}
