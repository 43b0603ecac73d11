//! One client connection, from PRELOGIN to close.
//!
//! The driver reads whole messages, decodes them with [`crate::protocol`],
//! applies their effect to the [`Session`], asks the handler for a
//! [`Reply`], and writes the reply's tokens split into packets with a single
//! write. Faults are applied here: delays (cancellable by Attention), replies
//! cut after `k` rows or never sent, logins refused. A malformed message
//! closes the connection with a `tracing` warning; nothing here panics on
//! client input.

use crate::fault::Fault;
use crate::protocol::packet::{
    write_message, PacketReader, PacketType, STATUS_RESET_CONNECTION,
    STATUS_RESET_CONNECTION_SKIP_TRAN,
};
use crate::protocol::token::{self, env, DONE_ATTN, DONE_ERROR};
use crate::protocol::{batch, login, prelogin, rpc, transaction, DecodeError};
use crate::reply::{Reply, ServerMessage};
use crate::request::{Request, SqlBatch};
use crate::server::Shared;
use crate::session::{Session, TxEvent};
use crate::tls::{PreloginFramed, Transport};
use bytes::BytesMut;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Why a connection ended early.
#[derive(Debug, thiserror::Error)]
enum ConnError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("malformed client message: {0}")]
    Decode(#[from] DecodeError),
    #[error("protocol violation: {0}")]
    Protocol(String),
}

/// The tokens and framing state of one connection's output.
struct Output {
    io: Transport,
    packet_size: usize,
    spid: u16,
}

impl Output {
    /// Sends `payload` as one message (cut short and not ended when `end` is false).
    async fn send(&mut self, ty: PacketType, payload: &[u8], end: bool) -> std::io::Result<()> {
        let mut framed = BytesMut::new();
        let mut packet_id = 1;
        write_message(
            &mut framed,
            ty,
            payload,
            self.packet_size,
            self.spid,
            &mut packet_id,
            end,
        );
        self.io.write_all(&framed).await?;
        self.io.flush().await
    }
}

/// Serves one accepted socket until it closes, the server drops, or a
/// restart kills it.
pub(crate) async fn serve(shared: Arc<Shared>, tcp: TcpStream, id: u64) {
    let mut kill = shared.kill.subscribe();
    shared.counters.live.fetch_add(1, Ordering::SeqCst);
    let mut session = None;
    let result = tokio::select! {
        r = run(&shared, tcp, id, &mut session) => r,
        _ = kill.changed() => Ok(()),
    };
    match result {
        Ok(()) => tracing::debug!(connection = id, "connection closed"),
        Err(ConnError::Io(e)) => tracing::debug!(connection = id, error = %e, "connection ended"),
        Err(e) => tracing::warn!(connection = id, error = %e, "closing connection"),
    }
    if let Some(s) = session {
        let s: Arc<Mutex<Session>> = s;
        crate::lock(&s).close();
    }
    shared.counters.live.fetch_sub(1, Ordering::SeqCst);
}

async fn run(
    shared: &Shared,
    tcp: TcpStream,
    id: u64,
    session_slot: &mut Option<Arc<Mutex<Session>>>,
) -> Result<(), ConnError> {
    let _ = tcp.set_nodelay(true);
    let mut reader = PacketReader::new();
    let spid = (50 + id % 30_000) as u16;
    let mut out = Output {
        io: Transport::Plain(tcp),
        packet_size: 4096,
        spid,
    };

    // PRELOGIN
    let Some(msg) = reader.next(&mut out.io).await? else {
        return Ok(());
    };
    if msg.ty != PacketType::PreLogin {
        return Err(ConnError::Protocol(format!(
            "expected PRELOGIN, got {:?}",
            msg.ty
        )));
    }
    let pre = prelogin::decode(&msg.payload)?;
    let encryption = match (&shared.tls, pre.encryption) {
        (None, _) | (Some(_), prelogin::ENCRYPT_NOT_SUP) => prelogin::ENCRYPT_NOT_SUP,
        (Some(_), prelogin::ENCRYPT_OFF) => prelogin::ENCRYPT_OFF,
        (Some(_), _) => prelogin::ENCRYPT_ON,
    };
    out.send(
        PacketType::TabularResult,
        &prelogin::encode_reply(encryption, pre.fed_auth_required),
        true,
    )
    .await?;
    if let (Some(tls), true) = (&shared.tls, encryption != prelogin::ENCRYPT_NOT_SUP) {
        let Transport::Plain(tcp) = out.io else {
            return Err(ConnError::Protocol("TLS negotiated twice".into()));
        };
        let framed = PreloginFramed::new(tcp, reader.take_buffered());
        let mut stream = tls.acceptor.accept(framed).await?;
        stream.get_mut().0.handshake_complete();
        out.io = Transport::Tls(Box::new(stream));
    }

    // LOGIN7
    let Some(msg) = reader.next(&mut out.io).await? else {
        return Ok(());
    };
    if msg.ty != PacketType::Login7 {
        return Err(ConnError::Protocol(format!(
            "expected LOGIN7, got {:?}",
            msg.ty
        )));
    }
    if shared.faults.take_drop_before_login() {
        tracing::debug!(
            connection = id,
            "fault: dropping the connection before login"
        );
        return Ok(());
    }
    let login = login::decode(&msg.payload)?;
    shared.recorder.record_login(id, login.clone());
    if encryption == prelogin::ENCRYPT_OFF {
        out.io = out.io.into_plain();
    }
    let failure = match &login.access_token {
        Some(token) if !shared.accepts_token(token) => {
            Some(ServerMessage::login_failed("<token-identified principal>"))
        }
        None if !shared.accepts(&login.username, &login.password) => {
            Some(ServerMessage::login_failed(&login.username))
        }
        _ => shared.faults.take_login_error(),
    };
    if let Some(error) = failure {
        shared.counters.failed_logins.fetch_add(1, Ordering::SeqCst);
        let mut buf = BytesMut::new();
        token::put_message(&mut buf, token::ERROR, &error, &shared.server_name);
        token::put_done(&mut buf, token::DONE, DONE_ERROR, 0, 0);
        out.send(PacketType::TabularResult, &buf, true).await?;
        return Ok(());
    }
    let packet_size = if (512..=32767).contains(&login.packet_size) {
        login.packet_size
    } else {
        4096
    };
    let database = if login.database.is_empty() {
        shared.database.clone()
    } else {
        login.database.clone()
    };
    let tds_version = match login.tds_version {
        v @ (0x7200_0009 | 0x7209_0002 | 0x730A_0003 | 0x730B_0003 | 0x7400_0004) => v,
        _ => 0x7400_0004,
    };
    if let Some((host, port)) = shared.faults.take_redirect() {
        shared.counters.redirects.fetch_add(1, Ordering::SeqCst);
        let mut buf = BytesMut::new();
        token::put_login_ack(&mut buf, tds_version);
        token::put_envchange_routing(&mut buf, &host, port);
        token::put_done(&mut buf, token::DONE, 0, 0, 0);
        out.send(PacketType::TabularResult, &buf, true).await?;
        tracing::debug!(connection = id, %host, port, "fault: login redirected");
        return Ok(());
    }
    let mut buf = BytesMut::new();
    token::put_envchange_str(&mut buf, env::DATABASE, &database, "master");
    let info = |n, m: String| ServerMessage::new(n, m).class(0);
    token::put_message(
        &mut buf,
        token::INFO,
        &info(5701, format!("Changed database context to '{database}'.")),
        &shared.server_name,
    );
    token::put_envchange_bytes(
        &mut buf,
        env::COLLATION,
        &crate::types::encode::COLLATION,
        &[],
    );
    token::put_envchange_str(&mut buf, env::LANGUAGE, "us_english", "");
    token::put_message(
        &mut buf,
        token::INFO,
        &info(5703, "Changed language setting to us_english.".into()),
        &shared.server_name,
    );
    token::put_login_ack(&mut buf, tds_version);
    if login.access_token.is_some() {
        token::put_feature_ext_ack_fedauth(&mut buf);
    }
    token::put_envchange_str(&mut buf, env::PACKET_SIZE, &packet_size.to_string(), "4096");
    token::put_done(&mut buf, token::DONE, 0, 0, 0);
    out.send(PacketType::TabularResult, &buf, true).await?;
    out.packet_size = packet_size as usize;
    shared.counters.logins.fetch_add(1, Ordering::SeqCst);

    let session = Arc::new(Mutex::new(Session::new(
        id,
        login.username.clone(),
        login.app_name.clone(),
        database,
        packet_size,
        out.io.is_tls(),
    )));
    crate::lock(&shared.sessions).insert(id, session.clone());
    *session_slot = Some(session.clone());

    loop {
        let Some(msg) = reader.next(&mut out.io).await? else {
            return Ok(());
        };
        let (descriptor, requests) = match msg.ty {
            PacketType::Attention => {
                shared.recorder.record(id, Request::Attention, false, 0);
                acknowledge_attention(&mut out).await?;
                continue;
            }
            PacketType::SqlBatch => {
                let (d, sql) = batch::decode(&msg.payload)?;
                (d, vec![Request::Batch(SqlBatch { sql })])
            }
            PacketType::Rpc => {
                let (d, calls) = rpc::decode(&msg.payload)?;
                (d, calls.into_iter().map(Request::Rpc).collect())
            }
            PacketType::TransactionManager => {
                let (d, req) = transaction::decode(&msg.payload)?;
                (d, vec![Request::Transaction(req)])
            }
            other => {
                let mut buf = BytesMut::new();
                let msg = ServerMessage::new(
                    50000,
                    format!("mssqlx-mock: {other:?} requests are not supported"),
                );
                token::put_message(&mut buf, token::ERROR, &msg, &shared.server_name);
                token::put_done(&mut buf, token::DONE, DONE_ERROR, 0, 0);
                out.send(PacketType::TabularResult, &buf, true).await?;
                continue;
            }
        };
        let reset = msg.status & (STATUS_RESET_CONNECTION | STATUS_RESET_CONNECTION_SKIP_TRAN) != 0;
        let keep_tran = msg.status & STATUS_RESET_CONNECTION_SKIP_TRAN != 0;

        let mut payload = BytesMut::new();
        let mut cut = None;
        let mut drop_now = false;
        let mut delay = None;
        for (i, request) in requests.into_iter().enumerate() {
            shared.counters.requests.fetch_add(1, Ordering::SeqCst);
            shared
                .recorder
                .record(id, request.clone(), reset && i == 0, descriptor);
            let reply = {
                let mut s = crate::lock(&session);
                let mut events = if reset && i == 0 {
                    s.reset(keep_tran)
                } else {
                    Vec::new()
                };
                let reply = decide(shared, &request, &mut s, &mut events);
                if reset && i == 0 {
                    token::put_envchange_str(&mut payload, env::RESET_CONNECTION, "", "");
                }
                put_tx_events(&mut payload, &events);
                reply
            };
            let cut_rows = match reply.cut() {
                Some(Fault::DropAfterRows(k)) => Some(*k),
                _ => None,
            };
            let at = reply.encode(
                &mut payload,
                matches!(request, Request::Rpc(_)),
                &shared.server_name,
                cut_rows,
            );
            if cut.is_none() {
                cut = at;
            }
            drop_now |= matches!(reply.cut(), Some(Fault::DropBeforeReply));
            delay = delay.max(reply.delay());
        }

        if let Some(d) = delay {
            tokio::select! {
                _ = tokio::time::sleep(d) => {}
                next = reader.next(&mut out.io) => match next? {
                    Some(m) if m.ty == PacketType::Attention => {
                        shared.recorder.record(id, Request::Attention, false, 0);
                        acknowledge_attention(&mut out).await?;
                        continue;
                    }
                    Some(m) => return Err(ConnError::Protocol(format!("{:?} request while a reply was pending", m.ty))),
                    None => return Ok(()),
                }
            }
        }
        if drop_now {
            tracing::debug!(connection = id, "fault: closing without a reply");
            return Ok(());
        }
        if let Some(at) = cut {
            tracing::debug!(connection = id, "fault: closing mid-result");
            out.send(PacketType::TabularResult, &payload[..at], false)
                .await?;
            let _ = out.io.shutdown().await;
            return Ok(());
        }
        out.send(PacketType::TabularResult, &payload, true).await?;
    }
}

/// Applies the request to the session, then asks the handler (or a
/// scheduled statement error) for the reply.
fn decide(shared: &Shared, request: &Request, s: &mut Session, events: &mut Vec<TxEvent>) -> Reply {
    let statement = if request.is_statement() {
        s.count_statement();
        shared.counters.statements.fetch_add(1, Ordering::SeqCst) + 1
    } else {
        0
    };
    let applied = match request {
        Request::Transaction(t) => s.apply_transaction_request(t),
        Request::Batch(b) => s.apply_sql(&b.sql),
        Request::Rpc(call) => call
            .statement()
            .map(|sql| s.apply_sql(sql))
            .unwrap_or(Ok(Vec::new())),
        Request::Attention => Ok(Vec::new()),
    };
    match applied {
        Err(msg) => Reply::error(msg),
        Ok(evts) => {
            events.extend(evts);
            match shared
                .faults
                .take_statement_error(statement)
                .filter(|_| statement > 0)
            {
                Some(err) => Reply::error(err),
                None => shared.handler.handle(request, s),
            }
        }
    }
}

fn put_tx_events(buf: &mut BytesMut, events: &[TxEvent]) {
    for e in events {
        match *e {
            TxEvent::Database { ref old, ref new } => {
                token::put_envchange_str(buf, env::DATABASE, new, old)
            }
            TxEvent::Begin(d) => {
                token::put_envchange_bytes(buf, env::BEGIN_TRANSACTION, &d.to_le_bytes(), &[])
            }
            TxEvent::Commit(d) => {
                token::put_envchange_bytes(buf, env::COMMIT_TRANSACTION, &[], &d.to_le_bytes())
            }
            TxEvent::Rollback(d) => {
                token::put_envchange_bytes(buf, env::ROLLBACK_TRANSACTION, &[], &d.to_le_bytes())
            }
        }
    }
}

async fn acknowledge_attention(out: &mut Output) -> std::io::Result<()> {
    let mut buf = BytesMut::new();
    token::put_done(&mut buf, token::DONE, DONE_ATTN, 0, 0);
    out.send(PacketType::TabularResult, &buf, true).await
}
