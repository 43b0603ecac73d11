//! LOGIN7: the client's credentials and session options.
//!
//! The fixed part carries the TDS version, packet size and flags; an offset
//! table then points at UTF-16 strings (host, user, password, application,
//! server, library, language, database). The password is obfuscated by a
//! nibble swap and XOR with 0xA5, which [`decode`] undoes.

use super::{DecodeError, Reader};

/// What a client sent in LOGIN7.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct LoginRequest {
    /// The TDS version the client speaks (e.g. `0x74000004` for 7.4).
    pub tds_version: u32,
    /// Requested packet size.
    pub packet_size: u32,
    /// Client process id.
    pub client_pid: u32,
    /// Client machine name.
    pub hostname: String,
    /// SQL authentication user name.
    pub username: String,
    /// SQL authentication password (de-obfuscated).
    pub password: String,
    /// Application name (`Application Name=` in a connection string).
    pub app_name: String,
    /// The server name the client connected to.
    pub server_name: String,
    /// Client library name.
    pub library_name: String,
    /// Requested language.
    pub language: String,
    /// Requested initial database; empty for the login's default.
    pub database: String,
    /// `ApplicationIntent=ReadOnly`.
    pub read_only_intent: bool,
    /// Whether the client asked for integrated (SSPI) authentication.
    pub integrated_security: bool,
    /// The Entra ID access token of a FEDAUTH login (SECURITYTOKEN library).
    pub access_token: Option<String>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("tds_version", &format_args!("{:#010x}", self.tds_version))
            .field("packet_size", &self.packet_size)
            .field("hostname", &self.hostname)
            .field("username", &self.username)
            .field("password", &"***")
            .field("app_name", &self.app_name)
            .field("server_name", &self.server_name)
            .field("database", &self.database)
            .field("read_only_intent", &self.read_only_intent)
            .field("access_token", &self.access_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Decodes a LOGIN7 payload.
pub fn decode(payload: &[u8]) -> Result<LoginRequest, DecodeError> {
    let mut r = Reader::new(payload);
    let length = r.u32()? as usize;
    if length > payload.len() {
        return Err(DecodeError::Truncated);
    }
    let mut out = LoginRequest {
        tds_version: r.u32()?,
        packet_size: r.u32()?,
        ..Default::default()
    };
    let _client_prog_ver = r.u32()?;
    out.client_pid = r.u32()?;
    let _connection_id = r.u32()?;
    let _flags1 = r.u8()?;
    let flags2 = r.u8()?;
    let type_flags = r.u8()?;
    let _flags3 = r.u8()?;
    out.integrated_security = flags2 & 0x80 != 0;
    out.read_only_intent = type_flags & 0x20 != 0;
    let _timezone = r.u32()?;
    let _lcid = r.u32()?;

    // The offset table: (offset, length in characters) of each string, in order.
    let mut strings = Vec::with_capacity(9);
    for i in 0..9 {
        let offset = r.u16()? as usize;
        let chars = r.u16()? as usize;
        if i == 5 {
            // ibExtension points at a u32 offset of the FeatureExt block.
            if chars == 4 {
                let at = payload
                    .get(offset..offset + 4)
                    .ok_or(DecodeError::Truncated)?;
                let feature_ext = u32::from_le_bytes([at[0], at[1], at[2], at[3]]) as usize;
                out.access_token = read_feature_ext(payload, feature_ext)?;
            }
            strings.push(String::new());
            continue;
        }
        let bytes = payload
            .get(offset..offset + chars * 2)
            .ok_or(DecodeError::Truncated)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| match i {
                2 => u16::from_le_bytes([unscramble(c[0]), unscramble(c[1])]),
                _ => u16::from_le_bytes([c[0], c[1]]),
            })
            .collect();
        strings.push(
            String::from_utf16(&units)
                .map_err(|_| DecodeError::invalid("LOGIN7 string is not UTF-16"))?,
        );
    }
    let mut strings = strings.into_iter();
    let mut next = || strings.next().unwrap_or_default();
    out.hostname = next();
    out.username = next();
    out.password = next();
    out.app_name = next();
    out.server_name = next();
    let _extension = next();
    out.library_name = next();
    out.language = next();
    out.database = next();
    Ok(out)
}

/// Reads the FeatureExt block; returns the FEDAUTH security token, if any.
fn read_feature_ext(payload: &[u8], offset: usize) -> Result<Option<String>, DecodeError> {
    let mut r = Reader::new(payload.get(offset..).ok_or(DecodeError::Truncated)?);
    let mut token = None;
    loop {
        let id = r.u8()?;
        if id == 0xFF {
            return Ok(token);
        }
        let len = r.u32()? as usize;
        let data = r.take(len)?;
        if id == 0x02 {
            let mut f = Reader::new(data);
            let options = f.u8()?;
            if options >> 1 == 0x01 {
                let n = f.u32()? as usize;
                token = Some(Reader::new(f.take(n)?).utf16(n / 2)?);
            }
        }
    }
}

fn unscramble(b: u8) -> u8 {
    let x = b ^ 0xA5;
    x.rotate_left(4)
}

#[cfg(test)]
mod tests {
    #[test]
    fn password_obfuscation_is_undone() {
        // 'a' = 0x61 -> swap nibbles 0x16 -> xor 0xA5 = 0xB3
        assert_eq!(super::unscramble(0xB3), 0x61);
        assert_eq!(super::unscramble(0xA5), 0x00);
    }
}
