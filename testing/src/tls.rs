//! TLS with a self-signed certificate, negotiated the TDS way.
//!
//! Before TDS 8, TLS starts after PRELOGIN and its handshake records travel
//! *inside* PRELOGIN packets (type 0x12); once the handshake is done, TLS
//! records flow directly on the socket. [`PreloginFramed`] does that wrapping
//! on the server side. The certificate is generated at server start with
//! `rcgen` for `localhost` and `127.0.0.1`; clients trust it with
//! `TrustServerCertificate=true`, or by its PEM
//! ([`MockServer::certificate_pem`](crate::MockServer::certificate_pem)).

use crate::protocol::packet::{PacketType, HEADER_LEN};
use bytes::{Buf, BufMut, BytesMut};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// A generated certificate and the acceptor that serves it.
#[derive(Clone)]
pub(crate) struct TlsIdentity {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) certificate_pem: String,
}

impl TlsIdentity {
    /// Generates a self-signed certificate for `localhost` / `127.0.0.1`.
    pub(crate) fn generate() -> io::Result<Self> {
        let key = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .map_err(io::Error::other)?;
        let cert_der = key.cert.der().clone();
        let key_der =
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![cert_der], key_der)
            .map_err(io::Error::other)?;
        // Tickets would be sent after the handshake, when the client no
        // longer expects PRELOGIN framing but we would still add it.
        config.send_tls13_tickets = 0;
        Ok(TlsIdentity {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: key.cert.pem(),
        })
    }
}

/// The socket under TLS: PRELOGIN-framed during the handshake, raw after.
#[derive(Debug)]
pub(crate) struct PreloginFramed {
    inner: TcpStream,
    handshaking: bool,
    /// Whether our writes still need PRELOGIN framing.
    framing_writes: bool,
    /// Bytes already read from the socket (left over by the packet reader).
    read_buf: BytesMut,
    /// Payload bytes left in the current PRELOGIN packet.
    packet_left: usize,
    write_buf: BytesMut,
}

impl PreloginFramed {
    pub(crate) fn new(inner: TcpStream, already_read: BytesMut) -> Self {
        PreloginFramed {
            inner,
            handshaking: true,
            framing_writes: true,
            read_buf: already_read,
            packet_left: 0,
            write_buf: BytesMut::new(),
        }
    }

    pub(crate) fn handshake_complete(&mut self) {
        self.handshaking = false;
        self.framing_writes = false;
    }

    pub(crate) fn into_inner(self) -> TcpStream {
        self.inner
    }

    fn fill(&mut self, cx: &mut Context<'_>, want: usize) -> Poll<io::Result<bool>> {
        while self.read_buf.len() < want {
            let mut tmp = [0u8; 4096];
            let mut rb = ReadBuf::new(&mut tmp);
            ready!(Pin::new(&mut self.inner).poll_read(cx, &mut rb))?;
            if rb.filled().is_empty() {
                return Poll::Ready(Ok(false));
            }
            self.read_buf.put_slice(rb.filled());
        }
        Poll::Ready(Ok(true))
    }

    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.write_buf.is_empty() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.write_buf))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.write_buf.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for PreloginFramed {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.handshaking && this.read_buf.is_empty() {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        }
        if this.handshaking && this.packet_left == 0 {
            if !ready!(this.fill(cx, 1))? {
                return Poll::Ready(Ok(()));
            }
            // A TLS record starts with a content type 0x14..=0x17, never the
            // PRELOGIN type: once the client has finished its side of the
            // handshake it sends raw records, possibly before we notice.
            if this.read_buf[0] != PacketType::PreLogin as u8 {
                this.handshaking = false;
                let n = this.read_buf.len().min(buf.remaining());
                buf.put_slice(&this.read_buf.split_to(n));
                return Poll::Ready(Ok(()));
            }
            if !ready!(this.fill(cx, HEADER_LEN))? {
                return Poll::Ready(Ok(()));
            }
            let header = this.read_buf.split_to(HEADER_LEN);
            let len = u16::from_be_bytes([header[2], header[3]]) as usize;
            this.packet_left = len.checked_sub(HEADER_LEN).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "PRELOGIN packet shorter than its header",
                )
            })?;
            if this.packet_left == 0 {
                return Poll::Ready(Ok(()));
            }
        }
        if this.read_buf.is_empty() && !ready!(this.fill(cx, 1))? {
            return Poll::Ready(Ok(()));
        }
        let mut n = this.read_buf.len().min(buf.remaining());
        if this.handshaking {
            n = n.min(this.packet_left);
            this.packet_left -= n;
        }
        buf.put_slice(&this.read_buf.split_to(n));
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for PreloginFramed {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.framing_writes {
            ready!(this.poll_drain(cx))?;
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        }
        let n = buf.len().min(4096 - HEADER_LEN);
        this.write_buf.put_u8(PacketType::PreLogin as u8);
        this.write_buf.put_u8(0x01);
        this.write_buf.put_u16((n + HEADER_LEN) as u16);
        this.write_buf.put_slice(&[0, 0, 0, 0]);
        this.write_buf.put_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// A connection's byte stream: plain TCP or TLS over it.
pub(crate) enum Transport {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<PreloginFramed>>),
}

impl Transport {
    /// Drops TLS after a login-only encryption (`ENCRYPT_OFF`).
    pub(crate) fn into_plain(self) -> Transport {
        match self {
            Transport::Tls(tls) => Transport::Plain(tls.into_inner().0.into_inner()),
            plain => plain,
        }
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self, Transport::Tls(_))
    }
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
