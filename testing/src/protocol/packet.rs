//! Packets: the 8-byte header, and messages split over several packets.
//!
//! Every TDS message travels in one or more packets; each starts with a
//! header holding the message type, a status byte (bit 0 = end of message),
//! the big-endian packet length and a packet number. [`PacketReader`] joins
//! packets back into [`Message`]s and is cancel-safe, so the server can wait
//! for an Attention while it delays a reply. [`write_message`] splits a
//! payload at the negotiated packet size.

use super::DecodeError;
use bytes::{Buf, BufMut, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Bytes in a packet header.
pub const HEADER_LEN: usize = 8;

/// Status bit: last packet of the message.
pub const STATUS_EOM: u8 = 0x01;
/// Status bit (client to server): reset the session before this request.
pub const STATUS_RESET_CONNECTION: u8 = 0x08;
/// Status bit (client to server): reset the session but keep its transaction.
pub const STATUS_RESET_CONNECTION_SKIP_TRAN: u8 = 0x10;

/// Largest client message the mock accepts (guards against hostile lengths).
pub const MAX_MESSAGE_LEN: usize = 256 * 1024 * 1024;

/// The message types of MS-TDS 2.2.3.1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PacketType {
    /// A SQL batch.
    SqlBatch = 0x01,
    /// A remote procedure call.
    Rpc = 0x03,
    /// The server's token stream (and its PRELOGIN answer).
    TabularResult = 0x04,
    /// A cancel request.
    Attention = 0x06,
    /// Bulk load data.
    BulkLoad = 0x07,
    /// A Transaction Manager request.
    TransactionManager = 0x0E,
    /// LOGIN7.
    Login7 = 0x10,
    /// SSPI token.
    Sspi = 0x11,
    /// PRELOGIN (and TLS handshake records wrapped in it).
    PreLogin = 0x12,
}

impl PacketType {
    /// The type of a header byte, if known.
    pub fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0x01 => PacketType::SqlBatch,
            0x03 => PacketType::Rpc,
            0x04 => PacketType::TabularResult,
            0x06 => PacketType::Attention,
            0x07 => PacketType::BulkLoad,
            0x0E => PacketType::TransactionManager,
            0x10 => PacketType::Login7,
            0x11 => PacketType::Sspi,
            0x12 => PacketType::PreLogin,
            _ => return None,
        })
    }
}

/// A whole client message, its packets joined.
#[derive(Debug, Clone)]
pub struct Message {
    /// The message type.
    pub ty: PacketType,
    /// The status byte of its first packet (reset-connection bits live here).
    pub status: u8,
    /// Number of packets the message arrived in.
    pub packets: usize,
    /// The joined payload.
    pub payload: BytesMut,
}

/// Joins incoming packets into messages. Cancel-safe: bytes read are kept
/// in its buffer until a whole message is there.
#[derive(Debug, Default)]
pub struct PacketReader {
    buf: BytesMut,
}

impl PacketReader {
    /// An empty reader.
    pub fn new() -> Self {
        PacketReader {
            buf: BytesMut::with_capacity(8192),
        }
    }

    /// Bytes read from the socket but not yet returned as a message.
    pub fn take_buffered(&mut self) -> BytesMut {
        self.buf.split()
    }

    /// The next message; `Ok(None)` on a clean end of stream between messages.
    pub async fn next<R: AsyncRead + Unpin>(
        &mut self,
        io: &mut R,
    ) -> std::io::Result<Option<Message>> {
        loop {
            if let Some(msg) = self.parse().map_err(std::io::Error::other)? {
                return Ok(Some(msg));
            }
            if io.read_buf(&mut self.buf).await? == 0 {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(std::io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    /// Takes one whole message out of the buffer, if one is there.
    fn parse(&mut self) -> Result<Option<Message>, DecodeError> {
        let mut pos = 0;
        let mut payload_len = 0;
        let mut packets = 0;
        let (ty, status) = loop {
            let Some(header) = self.buf.get(pos..pos + HEADER_LEN) else {
                return Ok(None);
            };
            let len = u16::from_be_bytes([header[2], header[3]]) as usize;
            if len < HEADER_LEN {
                return Err(DecodeError::invalid(format!("packet length {len}")));
            }
            if self.buf.len() < pos + len {
                return Ok(None);
            }
            if packets > 0 && header[0] != self.buf[0] {
                return Err(DecodeError::invalid("packet type changed within a message"));
            }
            packets += 1;
            payload_len += len - HEADER_LEN;
            if payload_len > MAX_MESSAGE_LEN {
                return Err(DecodeError::invalid("message too large"));
            }
            pos += len;
            if header[1] & STATUS_EOM != 0 {
                break (self.buf[0], self.buf[1]);
            }
        };
        let ty = PacketType::from_u8(ty)
            .ok_or_else(|| DecodeError::invalid(format!("packet type 0x{ty:02X}")))?;
        let mut raw = self.buf.split_to(pos);
        let payload = if packets == 1 {
            raw.advance(HEADER_LEN);
            raw
        } else {
            let mut payload = BytesMut::with_capacity(payload_len);
            while !raw.is_empty() {
                let len = u16::from_be_bytes([raw[2], raw[3]]) as usize;
                payload.put_slice(&raw[HEADER_LEN..len]);
                raw.advance(len);
            }
            payload
        };
        Ok(Some(Message {
            ty,
            status,
            packets,
            payload,
        }))
    }
}

/// Appends `payload` to `out` as packets of at most `packet_size` bytes.
///
/// `end` marks the last packet end-of-message; pass `false` to send a
/// message's beginning only (a socket dropped mid-result).
pub fn write_message(
    out: &mut BytesMut,
    ty: PacketType,
    payload: &[u8],
    packet_size: usize,
    spid: u16,
    packet_id: &mut u8,
    end: bool,
) {
    let chunk = packet_size.max(512) - HEADER_LEN;
    out.reserve(payload.len() + (payload.len() / chunk + 1) * HEADER_LEN);
    let mut chunks = payload.chunks(chunk).peekable();
    if chunks.peek().is_none() {
        put_header(out, ty, end, HEADER_LEN, spid, packet_id);
        return;
    }
    while let Some(data) = chunks.next() {
        let last = chunks.peek().is_none();
        put_header(
            out,
            ty,
            last && end,
            HEADER_LEN + data.len(),
            spid,
            packet_id,
        );
        out.put_slice(data);
    }
}

fn put_header(out: &mut BytesMut, ty: PacketType, eom: bool, len: usize, spid: u16, id: &mut u8) {
    out.put_u8(ty as u8);
    out.put_u8(eom as u8);
    out.put_u16(len as u16);
    out.put_u16(spid);
    out.put_u8(*id);
    out.put_u8(0);
    *id = id.wrapping_add(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_message_split_over_three_packets_is_joined_in_order() {
        let payload: Vec<u8> = (0..2000u32).map(|i| i as u8).collect();
        let mut wire = BytesMut::new();
        let mut id = 1;
        write_message(
            &mut wire,
            PacketType::SqlBatch,
            &payload,
            1000,
            0,
            &mut id,
            true,
        );
        let mut reader = PacketReader::new();
        let msg = reader.next(&mut &wire[..]).await.unwrap().unwrap();
        assert_eq!(msg.packets, 3);
        assert_eq!(msg.ty, PacketType::SqlBatch);
        assert_eq!(&msg.payload[..], &payload[..]);
    }

    #[tokio::test]
    async fn a_packet_shorter_than_its_header_is_an_error_not_a_panic() {
        let wire = [0x01u8, 0x01, 0x00, 0x04, 0, 0, 1, 0];
        let err = PacketReader::new().next(&mut &wire[..]).await.unwrap_err();
        assert!(err.to_string().contains("packet length"));
    }
}
