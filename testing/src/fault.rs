//! Faults: the ways a test makes the server misbehave.
//!
//! Two kinds exist. A [`Fault`] is part of one [`Reply`](crate::Reply): the
//! reply is delayed, cut after `k` rows, or never sent. [`Faults`] is the
//! server-wide plan, changeable while the server runs: refuse or drop the
//! next connections, fail the next logins, fail the `k`-th statement,
//! refuse every connection for a while (a server restart).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mssqlx_mock::{Fault, MockServer, Reply, Script, ServerMessage};
//! use std::time::Duration;
//!
//! let script = Script::new()
//!     .on_exact("COMMIT", Reply::fault(Fault::DropBeforeReply))
//!     .on_prefix("WAITFOR", Reply::done().delayed(Duration::from_secs(5)));
//! let server = MockServer::builder().handler(script).start().await?;
//! server.faults().fail_next_logins(1, ServerMessage::login_failed("sa"));
//! server.faults().error_on_statement(3, ServerMessage::deadlock_victim());
//! server.restart(Duration::from_millis(200));
//! # Ok(()) }
//! ```

use crate::reply::ServerMessage;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fault carried by one reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Apply the request (a COMMIT is committed: the session's transaction
    /// count changes), then close the socket without sending the reply.
    DropBeforeReply,
    /// Send the reply up to and including the `k`-th row of its first result
    /// set, then close the socket.
    DropAfterRows(usize),
    /// Send the reply after this delay. An Attention arriving meanwhile
    /// cancels it: the server then acknowledges the cancel instead.
    Delay(Duration),
}

/// The server-wide fault plan. Every method takes effect for connections
/// and requests that arrive after it is called.
#[derive(Debug, Default)]
pub struct Faults {
    fail_connections: AtomicU64,
    drop_before_login: AtomicU64,
    login_errors: Mutex<Vec<ServerMessage>>,
    statement_errors: Mutex<BTreeMap<u64, ServerMessage>>,
    refuse_until: Mutex<Option<Instant>>,
    redirects: Mutex<Vec<(String, u16)>>,
}

fn take_one(counter: &AtomicU64) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl Faults {
    /// The next `n` connections are closed as soon as they are accepted,
    /// before PRELOGIN is answered.
    pub fn fail_next_connections(&self, n: u64) {
        self.fail_connections.store(n, Ordering::SeqCst);
    }

    /// The next `n` connections get their PRELOGIN answered, then are closed
    /// when LOGIN7 arrives, before any login reply.
    pub fn drop_next_before_login(&self, n: u64) {
        self.drop_before_login.store(n, Ordering::SeqCst);
    }

    /// The next `n` logins (with valid credentials) fail with `error`.
    pub fn fail_next_logins(&self, n: usize, error: ServerMessage) {
        let mut q = crate::lock(&self.login_errors);
        q.clear();
        q.extend(std::iter::repeat_n(error, n));
    }

    /// The `k`-th statement (SQL batch or RPC, counted server-wide from 1
    /// since the server started, as [`Counters::statements`](crate::Counters))
    /// fails with `error` instead of reaching the handler.
    pub fn error_on_statement(&self, k: u64, error: ServerMessage) {
        crate::lock(&self.statement_errors).insert(k, error);
    }

    /// The next `n` successful logins are answered with a routing ENVCHANGE
    /// to `host:port` (an Azure SQL gateway's redirect) and then closed;
    /// tiberius reports `Error::Routing { host, port }`.
    pub fn redirect_next_logins(&self, n: usize, host: impl Into<String>, port: u16) {
        let mut q = crate::lock(&self.redirects);
        q.clear();
        q.extend(std::iter::repeat_n((host.into(), port), n));
    }

    /// Every connection attempt in the next `d` is accepted and closed at once.
    pub fn refuse_connections_for(&self, d: Duration) {
        *crate::lock(&self.refuse_until) = Some(Instant::now() + d);
    }

    /// `true` while connections are being refused.
    pub fn refusing(&self) -> bool {
        let until = *crate::lock(&self.refuse_until);
        until.is_some_and(|t| Instant::now() < t)
    }

    pub(crate) fn take_connection_failure(&self) -> bool {
        take_one(&self.fail_connections)
    }

    pub(crate) fn take_drop_before_login(&self) -> bool {
        take_one(&self.drop_before_login)
    }

    pub(crate) fn take_login_error(&self) -> Option<ServerMessage> {
        crate::lock(&self.login_errors).pop()
    }

    pub(crate) fn take_redirect(&self) -> Option<(String, u16)> {
        crate::lock(&self.redirects).pop()
    }

    pub(crate) fn take_statement_error(&self, k: u64) -> Option<ServerMessage> {
        crate::lock(&self.statement_errors).remove(&k)
    }
}
