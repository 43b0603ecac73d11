//! The TDS wire protocol, server side: framing, the login handshake, request
//! decoding and token encoding.
//!
//! Nothing here knows about scripts, rules or faults. The layer turns bytes
//! into typed requests ([`Request`](crate::Request)) and typed replies into
//! bytes, so any handler — the scripted one of this crate or a real engine —
//! can sit on top.
//!
//! | file | holds |
//! |---|---|
//! | [`packet`] | the 8-byte packet header, splitting and joining messages |
//! | [`prelogin`] | PRELOGIN: version and encryption negotiation |
//! | [`login`] | LOGIN7: credentials, database, packet size |
//! | [`token`] | the server's token stream: LOGINACK, ENVCHANGE, COLMETADATA, ROW, DONE, ... |
//! | [`batch`] | ALL_HEADERS and the SQL batch request |
//! | [`rpc`] | RPC requests (`sp_executesql` and friends) with typed parameters |
//! | [`transaction`] | Transaction Manager requests |

pub mod batch;
pub mod login;
pub mod packet;
pub mod prelogin;
pub mod rpc;
pub mod token;
pub mod transaction;

/// A client message that could not be decoded.
///
/// The connection that sent it is closed (with a `tracing` event); the
/// server never panics on client input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message ended in the middle of a field.
    #[error("message truncated")]
    Truncated,
    /// A field holds a value the protocol does not allow.
    #[error("invalid message: {0}")]
    Invalid(String),
}

impl DecodeError {
    pub(crate) fn invalid(what: impl Into<String>) -> Self {
        DecodeError::Invalid(what.into())
    }
}

/// A bounds-checked little-endian reader over a message payload.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Truncated)?;
        let out = self.buf.get(self.pos..end).ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// `n` UTF-16 code units.
    pub(crate) fn utf16(&mut self, n: usize) -> Result<String, DecodeError> {
        let bytes = self.take(n.checked_mul(2).ok_or(DecodeError::Truncated)?)?;
        let units = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| DecodeError::invalid("invalid UTF-16"))
    }

    /// A `B_VARCHAR`: a one-byte count of UTF-16 code units, then the units.
    pub(crate) fn b_varchar(&mut self) -> Result<String, DecodeError> {
        let n = self.u8()? as usize;
        self.utf16(n)
    }

    /// A `US_VARCHAR`: a two-byte count of UTF-16 code units, then the units.
    pub(crate) fn us_varchar(&mut self) -> Result<String, DecodeError> {
        let n = self.u16()? as usize;
        self.utf16(n)
    }
}
