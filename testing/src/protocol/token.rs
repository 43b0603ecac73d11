//! The server's token stream: every token the mock sends.
//!
//! A reply is a sequence of tokens in one message of type
//! `TabularResult`: ENVCHANGE and INFO after login, LOGINACK, COLMETADATA
//! followed by ROWs, ERROR, RETURNSTATUS, RETURNVALUE, and DONE /
//! DONEPROC / DONEINPROC closing each statement. Each function here appends
//! one token to a buffer.

use crate::reply::ServerMessage;
use crate::types::{encode, Column, Value};
use bytes::{BufMut, BytesMut};

/// `COLMETADATA`
pub const COLMETADATA: u8 = 0x81;
/// `ERROR`
pub const ERROR: u8 = 0xAA;
/// `INFO`
pub const INFO: u8 = 0xAB;
/// `RETURNVALUE`
pub const RETURNVALUE: u8 = 0xAC;
/// `LOGINACK`
pub const LOGINACK: u8 = 0xAD;
/// `FEATUREEXTACK`
pub const FEATUREEXTACK: u8 = 0xAE;
/// `ROW`
pub const ROW: u8 = 0xD1;
/// `RETURNSTATUS`
pub const RETURNSTATUS: u8 = 0x79;
/// `ENVCHANGE`
pub const ENVCHANGE: u8 = 0xE3;
/// `DONE`
pub const DONE: u8 = 0xFD;
/// `DONEPROC`
pub const DONEPROC: u8 = 0xFE;
/// `DONEINPROC`
pub const DONEINPROC: u8 = 0xFF;

/// DONE status: more results follow.
pub const DONE_MORE: u16 = 0x0001;
/// DONE status: the statement failed.
pub const DONE_ERROR: u16 = 0x0002;
/// DONE status: the row count is valid.
pub const DONE_COUNT: u16 = 0x0010;
/// DONE status: acknowledges an Attention.
pub const DONE_ATTN: u16 = 0x0020;

/// ENVCHANGE types (MS-TDS 2.2.7.9).
pub mod env {
    /// Database.
    pub const DATABASE: u8 = 1;
    /// Language.
    pub const LANGUAGE: u8 = 2;
    /// Packet size.
    pub const PACKET_SIZE: u8 = 4;
    /// SQL collation.
    pub const COLLATION: u8 = 7;
    /// Begin transaction.
    pub const BEGIN_TRANSACTION: u8 = 8;
    /// Commit transaction.
    pub const COMMIT_TRANSACTION: u8 = 9;
    /// Rollback transaction.
    pub const ROLLBACK_TRANSACTION: u8 = 10;
    /// Reset connection acknowledged.
    pub const RESET_CONNECTION: u8 = 18;
    /// Routing (redirect to another server).
    pub const ROUTING: u8 = 20;
}

fn put_utf16(buf: &mut BytesMut, s: &str) {
    for unit in s.encode_utf16() {
        buf.put_u16_le(unit);
    }
}

/// A `B_VARCHAR` (truncated at 255 UTF-16 code units).
pub fn put_b_varchar(buf: &mut BytesMut, s: &str) {
    let units: Vec<u16> = s.encode_utf16().take(255).collect();
    buf.put_u8(units.len() as u8);
    for u in units {
        buf.put_u16_le(u);
    }
}

/// A `US_VARCHAR` (truncated at 65535 UTF-16 code units).
pub fn put_us_varchar(buf: &mut BytesMut, s: &str) {
    let units: Vec<u16> = s.encode_utf16().take(65535).collect();
    buf.put_u16_le(units.len() as u16);
    for u in units {
        buf.put_u16_le(u);
    }
}

/// Writes a token with a u16 length prefix, the body written by `body`.
fn with_len(buf: &mut BytesMut, token: u8, body: impl FnOnce(&mut BytesMut)) {
    buf.put_u8(token);
    let at = buf.len();
    buf.put_u16_le(0);
    body(buf);
    let len = (buf.len() - at - 2) as u16;
    buf[at..at + 2].copy_from_slice(&len.to_le_bytes());
}

/// ENVCHANGE with string values (database, language, packet size).
pub fn put_envchange_str(buf: &mut BytesMut, ty: u8, new: &str, old: &str) {
    with_len(buf, ENVCHANGE, |b| {
        b.put_u8(ty);
        put_b_varchar(b, new);
        put_b_varchar(b, old);
    });
}

/// ENVCHANGE with binary values (collation, transaction descriptors).
pub fn put_envchange_bytes(buf: &mut BytesMut, ty: u8, new: &[u8], old: &[u8]) {
    with_len(buf, ENVCHANGE, |b| {
        b.put_u8(ty);
        b.put_u8(new.len() as u8);
        b.put_slice(new);
        b.put_u8(old.len() as u8);
        b.put_slice(old);
    });
}

/// ENVCHANGE type 20 (routing): protocol TCP, `port`, `host`.
pub fn put_envchange_routing(buf: &mut BytesMut, host: &str, port: u16) {
    with_len(buf, ENVCHANGE, |b| {
        b.put_u8(env::ROUTING);
        let units: Vec<u16> = host.encode_utf16().collect();
        b.put_u16_le((1 + 2 + 2 + units.len() * 2) as u16);
        b.put_u8(0); // TCP
        b.put_u16_le(port);
        b.put_u16_le(units.len() as u16);
        for u in units {
            b.put_u16_le(u);
        }
        b.put_u16_le(0); // old value: none
    });
}

/// FEATUREEXTACK acknowledging FEDAUTH (no nonce).
pub fn put_feature_ext_ack_fedauth(buf: &mut BytesMut) {
    buf.put_u8(FEATUREEXTACK);
    buf.put_u8(0x02);
    buf.put_u32_le(0);
    buf.put_u8(0xFF);
}

/// LOGINACK for `tds_version`, as "Microsoft SQL Server" 16.0.1000.
pub fn put_login_ack(buf: &mut BytesMut, tds_version: u32) {
    with_len(buf, LOGINACK, |b| {
        b.put_u8(1); // interface: SQL
        b.put_u32(tds_version); // big-endian on the wire
        put_b_varchar(b, "Microsoft SQL Server");
        b.put_slice(&[16, 0, 0x03, 0xE8]);
    });
}

/// ERROR (`token` = [`ERROR`]) or INFO (`token` = [`INFO`]).
pub fn put_message(buf: &mut BytesMut, token: u8, msg: &ServerMessage, server: &str) {
    with_len(buf, token, |b| {
        b.put_u32_le(msg.number);
        b.put_u8(msg.state);
        b.put_u8(msg.class);
        put_us_varchar(b, &msg.message);
        put_b_varchar(b, server);
        put_b_varchar(b, &msg.procedure);
        b.put_u32_le(msg.line);
    });
}

/// DONE, DONEPROC or DONEINPROC.
pub fn put_done(buf: &mut BytesMut, token: u8, status: u16, cur_cmd: u16, rows: u64) {
    buf.put_u8(token);
    buf.put_u16_le(status);
    buf.put_u16_le(cur_cmd);
    buf.put_u64_le(rows);
}

/// RETURNSTATUS.
pub fn put_return_status(buf: &mut BytesMut, status: i32) {
    buf.put_u8(RETURNSTATUS);
    buf.put_i32_le(status);
}

/// COLMETADATA for `columns`.
pub fn put_colmetadata(buf: &mut BytesMut, columns: &[Column]) {
    buf.put_u8(COLMETADATA);
    buf.put_u16_le(columns.len() as u16);
    for c in columns {
        put_column_meta(buf, c);
        put_b_varchar(buf, &c.name);
    }
}

fn put_column_meta(buf: &mut BytesMut, c: &Column) {
    buf.put_u32_le(0); // user type
    buf.put_u16_le(if c.nullable { 0x0001 | 0x0008 } else { 0x0008 }); // nullable, updateable
    encode::put_type_info(buf, c);
}

/// RETURNVALUE for an output parameter (`value` must have passed
/// [`encode::check_value`]).
pub fn put_return_value(
    buf: &mut BytesMut,
    ordinal: u16,
    name: &str,
    column: &Column,
    value: &Value,
) {
    buf.put_u8(RETURNVALUE);
    buf.put_u16_le(ordinal);
    put_b_varchar(buf, name);
    buf.put_u8(0x01); // output parameter
    put_column_meta(buf, column);
    encode::put_value(buf, column, value);
}

/// The UTF-16 bytes of `s` (for tests comparing raw tokens).
pub fn utf16_bytes(s: &str) -> BytesMut {
    let mut b = BytesMut::new();
    put_utf16(&mut b, s);
    b
}
