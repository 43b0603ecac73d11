//! PRELOGIN: the first exchange, negotiating version and encryption.
//!
//! The client lists options (version, encryption, instance, thread id, MARS,
//! ...) as an offset table; the server answers with its own. With encryption
//! agreed, the TLS handshake follows, its records wrapped in PRELOGIN packets
//! (the server side of that wrapping lives in the private `tls` module).

use super::{DecodeError, Reader};
use bytes::{BufMut, BytesMut};

/// `ENCRYPT_OFF`: encrypt the login packet only.
pub const ENCRYPT_OFF: u8 = 0x00;
/// `ENCRYPT_ON`: encrypt everything.
pub const ENCRYPT_ON: u8 = 0x01;
/// `ENCRYPT_NOT_SUP`: no encryption at all.
pub const ENCRYPT_NOT_SUP: u8 = 0x02;
/// `ENCRYPT_REQ`: encryption required.
pub const ENCRYPT_REQ: u8 = 0x03;

/// The options a client sent in its PRELOGIN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPrelogin {
    /// Client driver version (major.minor.build as 4 bytes) and sub-build.
    pub version: Option<(u32, u16)>,
    /// Requested encryption (`ENCRYPT_*`).
    pub encryption: u8,
    /// Requested instance name, if any.
    pub instance: Option<String>,
    /// Whether MARS was requested.
    pub mars: bool,
    /// Whether the client will authenticate with a federated (Entra ID) token.
    pub fed_auth_required: bool,
}

/// Decodes a client PRELOGIN payload.
pub fn decode(payload: &[u8]) -> Result<ClientPrelogin, DecodeError> {
    let mut table = Reader::new(payload);
    let mut out = ClientPrelogin {
        encryption: ENCRYPT_NOT_SUP,
        ..Default::default()
    };
    loop {
        let token = table.u8()?;
        if token == 0xFF {
            return Ok(out);
        }
        let offset = u16::from_be_bytes(table.array()?) as usize;
        let len = u16::from_be_bytes(table.array()?) as usize;
        let data = payload
            .get(offset..offset + len)
            .ok_or(DecodeError::Truncated)?;
        match token {
            0x00 if len >= 6 => {
                let v = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                out.version = Some((v, u16::from_be_bytes([data[4], data[5]])));
            }
            0x01 if len >= 1 => out.encryption = data[0],
            0x02 => {
                let name: Vec<u8> = data.iter().copied().take_while(|b| *b != 0).collect();
                if !name.is_empty() {
                    out.instance = Some(String::from_utf8_lossy(&name).into_owned());
                }
            }
            0x04 if len >= 1 => out.mars = data[0] != 0,
            0x06 if len >= 1 => out.fed_auth_required = data[0] != 0,
            _ => {}
        }
    }
}

/// Encodes the server's PRELOGIN answer: version 16.0.1000, the chosen
/// encryption, instance valid, no thread id, MARS off, and FEDAUTHREQUIRED
/// echoed when the client asked for federated authentication.
pub fn encode_reply(encryption: u8, fed_auth: bool) -> BytesMut {
    // (token, data)
    let mut options: Vec<(u8, &[u8])> = vec![
        (0x00, &[16, 0, 0x03, 0xE8, 0, 0]),
        (0x01, std::slice::from_ref(&encryption)),
        (0x02, &[0]),
        (0x03, &[]),
        (0x04, &[0]),
    ];
    if fed_auth {
        options.push((0x06, &[1]));
    }
    let mut buf = BytesMut::new();
    let mut offset = options.len() * 5 + 1;
    for &(token, data) in &options {
        buf.put_u8(token);
        buf.put_u16(offset as u16);
        buf.put_u16(data.len() as u16);
        offset += data.len();
    }
    buf.put_u8(0xFF);
    for (_, data) in options {
        buf.put_slice(data);
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_decodes_back_to_its_encryption_choice() {
        let reply = encode_reply(ENCRYPT_ON, true);
        let decoded = decode(&reply).unwrap();
        assert_eq!(decoded.encryption, ENCRYPT_ON);
        assert_eq!(decoded.version, Some((0x1000_03E8, 0)));
        assert_eq!(decoded.instance, None);
        assert!(decoded.fed_auth_required);
    }

    #[test]
    fn an_option_pointing_past_the_payload_is_rejected() {
        let bad = [0x01, 0x00, 0x40, 0x00, 0x01, 0xFF];
        assert_eq!(decode(&bad), Err(DecodeError::Truncated));
    }
}
