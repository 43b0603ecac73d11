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
            let name = optional_name(&mut r)?;
            TransactionRequest::Begin { isolation, name }
        }
        7 | 8 => {
            let name = optional_name(&mut r)?;
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

/// A transaction name (`B_VARCHAR`) the request may leave out: empty when absent.
fn optional_name(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    if r.remaining() > 0 {
        r.b_varchar()
    } else {
        Ok(String::new())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// ALL_HEADERS with one transaction-descriptor header.
    pub(crate) fn all_headers(descriptor: u64) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&22u32.to_le_bytes());
        v.extend_from_slice(&18u32.to_le_bytes());
        v.extend_from_slice(&2u16.to_le_bytes());
        v.extend_from_slice(&descriptor.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v
    }

    fn b_varchar(s: &str) -> Vec<u8> {
        let mut v = vec![s.encode_utf16().count() as u8];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn named_begin_with_isolation_level_decodes() {
        let mut p = all_headers(7);
        p.extend_from_slice(&5u16.to_le_bytes());
        p.push(4);
        p.extend(b_varchar("t1"));
        let (descriptor, req) = decode(&p).unwrap();
        assert_eq!(descriptor, 7);
        assert_eq!(
            req,
            TransactionRequest::Begin {
                isolation: Some(IsolationLevel::Serializable),
                name: "t1".into()
            }
        );
    }

    #[test]
    fn rollback_to_a_savepoint_name_decodes_and_unknown_types_are_kept_by_number() {
        let mut p = all_headers(9);
        p.extend_from_slice(&8u16.to_le_bytes());
        p.extend(b_varchar("sp"));
        p.push(0);
        assert_eq!(
            decode(&p).unwrap().1,
            TransactionRequest::Rollback { name: "sp".into() }
        );
        let mut p = all_headers(0);
        p.extend_from_slice(&6u16.to_le_bytes());
        assert_eq!(decode(&p).unwrap().1, TransactionRequest::Other(6));
    }

    #[test]
    fn a_truncated_request_is_an_error() {
        let mut p = all_headers(0);
        p.extend_from_slice(&9u16.to_le_bytes());
        p.push(10); // a 10-character name that is not there
        assert_eq!(decode(&p), Err(DecodeError::Truncated));
    }
}
