//! One SQL Server connection and the bookkeeping that keeps a pool clean.
//!
//! A [`Connection`] is a tiberius client plus flags the pool reads when the
//! connection comes back:
//!
//! * *in flight*: a request started and did not finish (its future was dropped:
//!   cancelled, timed out) — the TDS stream is out of sync, so it is discarded;
//! * *broken*: it saw an I/O error, a fatal server error or a command timeout —
//!   discarded;
//! * *needs reset*: it may carry an open transaction or a changed isolation
//!   level — `IF @@TRANCOUNT > 0 ROLLBACK; SET TRANSACTION ISOLATION LEVEL READ
//!   COMMITTED` runs before reuse, and if that fails it is discarded;
//! * *retired*: a statement changed a [session option](crate::session) the
//!   reset does not restore (`SET ANSI_NULLS OFF`, ...) — discarded on return.
//!
//! ```no_run
//! # async fn demo(pool: mssqlx_runtime::Pool) -> Result<(), mssqlx_runtime::Error> {
//! let conn = pool.acquire().await?;
//! assert!(!conn.is_broken());
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use tiberius::{Client, QueryItem, ToSql};
use tokio::net::TcpStream;
use tokio_util::compat::Compat;

use crate::error::{Error, Result};
use crate::from_row::FromRow;

/// The tiberius client type the pool manages.
pub type TdsClient = Client<Compat<TcpStream>>;

/// How long a timed-out request waits for the server to acknowledge its cancellation.
const CANCEL_GRACE: Duration = Duration::from_millis(250);

/// What a statement should return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    All,
    First,
    Execute,
}

/// The result of a statement.
pub(crate) enum Out<T> {
    Rows(Vec<T>),
    Count(u64),
}

impl<T> Out<T> {
    /// The rows (none for [`Op::Execute`]).
    pub(crate) fn into_rows(self) -> Vec<T> {
        match self {
            Out::Rows(r) => r,
            Out::Count(_) => Vec::new(),
        }
    }

    /// The first row, if any.
    pub(crate) fn into_first(self) -> Option<T> {
        self.into_rows().into_iter().next()
    }

    /// The rows affected (0 unless [`Op::Execute`]).
    pub(crate) fn rows_affected(self) -> u64 {
        match self {
            Out::Count(n) => n,
            Out::Rows(_) => 0,
        }
    }
}

/// What every statement on a pool's connections inherits: the default command
/// timeout and where the statement runs (for its span).
#[derive(Debug)]
pub(crate) struct StatementDefaults {
    pub command_timeout: Option<Duration>,
    pub target: crate::trace::Target,
}

/// A connection with its pool bookkeeping.
///
/// A connect that failed (after its retries) is represented by a *failed*
/// connection that carries the error: bb8 hands it to the checkout that waits
/// for it, which returns the error as what it is (login failed, unreachable,
/// TLS, ...) instead of a pool timeout, and the pool discards it.
pub struct Connection {
    client: Option<TdsClient>,
    failure: Option<(Error, u64)>,
    pub(crate) defaults: std::sync::Arc<StatementDefaults>,
    id: u64,
    in_flight: bool,
    broken: bool,
    pub(crate) needs_reset: bool,
    /// A statement may have opened a transaction or changed the isolation level.
    pub(crate) session_touched: bool,
    /// A statement changed a session option the reset does not restore: the
    /// connection is discarded when it returns to the pool.
    retire: bool,
    last_used: Instant,
    created: Instant,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("id", &self.id)
            .field("broken", &self.is_broken())
            .field("needs_reset", &self.needs_reset)
            .field("age", &self.created.elapsed())
            .finish()
    }
}

impl Connection {
    pub(crate) fn new(
        client: TdsClient,
        id: u64,
        defaults: std::sync::Arc<StatementDefaults>,
    ) -> Self {
        Connection::with(Some(client), None, id, defaults)
    }

    /// A failed connect: carries the error and the manager's failure generation.
    pub(crate) fn failed(
        error: Error,
        generation: u64,
        defaults: std::sync::Arc<StatementDefaults>,
    ) -> Self {
        Connection::with(None, Some((error, generation)), 0, defaults)
    }

    fn with(
        client: Option<TdsClient>,
        failure: Option<(Error, u64)>,
        id: u64,
        defaults: std::sync::Arc<StatementDefaults>,
    ) -> Self {
        let now = Instant::now();
        Connection {
            // A failed connect has no client and is never reused.
            broken: client.is_none(),
            client,
            failure,
            defaults,
            id,
            in_flight: false,
            needs_reset: false,
            session_touched: false,
            retire: false,
            last_used: now,
            created: now,
        }
    }

    /// The connect error, if this stands for a failed connect.
    pub fn connect_error(&self) -> Option<&Error> {
        self.failure.as_ref().map(|(e, _)| e)
    }

    pub(crate) fn failure(&self) -> Option<(&Error, u64)> {
        self.failure.as_ref().map(|(e, g)| (e, *g))
    }

    fn tds(&mut self) -> Result<&mut TdsClient> {
        match &mut self.client {
            Some(c) => Ok(c),
            None => Err(self
                .failure
                .as_ref()
                .map(|(e, _)| e.clone())
                .unwrap_or_else(|| Error::Driver("no connection".into()))),
        }
    }

    /// The pool's id of this connection (for logs).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// True if this connection must not be reused.
    pub fn is_broken(&self) -> bool {
        self.broken || self.in_flight
    }

    /// True if a statement changed a session option that only a new
    /// connection restores (see [`crate::session::changes_session_options`]).
    pub(crate) fn must_retire(&self) -> bool {
        self.retire
    }

    /// Time since the last request finished.
    pub fn idle_for(&self) -> Duration {
        self.last_used.elapsed()
    }

    /// Marks the connection as unusable.
    pub(crate) fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// The underlying tiberius client, for what the executor does not cover.
    /// A request left unfinished on it makes the pool discard the connection.
    /// Fails with the connect error for a failed connect.
    pub fn client(&mut self) -> Result<&mut TdsClient> {
        self.needs_reset = true;
        self.tds()
    }

    /// Starts a request: refused on a connection that must not be reused (an
    /// earlier request was cancelled, timed out or broke it), whose TDS stream
    /// may be out of sync. A failed connect answers with its connect error.
    fn begin_request(&mut self) -> Result<()> {
        if self.client.is_some() && self.is_broken() {
            return Err(Error::ConnectionLost {
                kind: std::io::ErrorKind::BrokenPipe,
                message: "the connection is unusable after an earlier request was cancelled, timed out or failed; it will be discarded".into(),
            });
        }
        self.in_flight = true;
        Ok(())
    }

    /// Starts a caller's statement: one that may open a transaction or change
    /// the isolation level marks the connection for reset before reuse.
    fn begin_statement(&mut self, sql: &str) -> Result<()> {
        if crate::session::changes_session_state(sql) {
            self.session_touched = true;
            self.needs_reset = true;
        }
        if crate::session::changes_session_options(sql) {
            self.retire = true;
        }
        self.begin_request()
    }

    fn finish<R>(&mut self, r: Result<R>) -> Result<R> {
        self.in_flight = false;
        self.last_used = Instant::now();
        if let Err(e) = &r {
            if e.breaks_connection() {
                self.broken = true;
            }
        }
        r
    }

    /// Runs one parameterized statement (sp_executesql RPC).
    pub(crate) async fn run<T: FromRow>(
        &mut self,
        sql: &str,
        args: &[&dyn ToSql],
        op: Op,
    ) -> Result<Out<T>> {
        self.begin_statement(sql)?;
        let r = self.run_inner(sql, args, op).await;
        self.finish(r)
    }

    async fn run_inner<T: FromRow>(
        &mut self,
        sql: &str,
        args: &[&dyn ToSql],
        op: Op,
    ) -> Result<Out<T>> {
        if op == Op::Execute {
            let res = self
                .tds()?
                .execute(sql, args)
                .await
                .map_err(Error::from_request)?;
            return Ok(Out::Count(res.rows_affected().iter().sum()));
        }
        let mut stream = self
            .tds()?
            .query(sql, args)
            .await
            .map_err(Error::from_request)?;
        let mut rows = Vec::new();
        let mut decode_error = None;
        // Read to the end even after the first row or a decode error, so the
        // connection is left at a clean message boundary.
        while let Some(item) = stream.try_next().await.map_err(Error::from_request)? {
            if let QueryItem::Row(row) = item {
                if row.result_index() != 0 || decode_error.is_some() {
                    continue;
                }
                if op == Op::First && !rows.is_empty() {
                    continue;
                }
                match T::from_row(&row) {
                    Ok(v) => rows.push(v),
                    Err(e) => decode_error = Some(e),
                }
            }
        }
        match decode_error {
            Some(e) => Err(e),
            None => Ok(Out::Rows(rows)),
        }
    }

    /// Streams rows of the first result set into `sink`, stopping early if the
    /// receiver is gone (the connection is then left unfinished and discarded).
    pub(crate) async fn stream<T: FromRow>(
        &mut self,
        sql: &str,
        args: &[&dyn ToSql],
        sink: &tokio::sync::mpsc::Sender<Result<T>>,
    ) -> Result<()> {
        self.begin_statement(sql)?;
        let r = async {
            let mut stream = self
                .tds()?
                .query(sql, args)
                .await
                .map_err(Error::from_request)?;
            while let Some(item) = stream.try_next().await.map_err(Error::from_request)? {
                if let QueryItem::Row(row) = item {
                    if row.result_index() == 0 && sink.send(T::from_row(&row)).await.is_err() {
                        // Consumer gone: leave the request unfinished.
                        return Ok(false);
                    }
                }
            }
            Ok(true)
        }
        .await;
        match r {
            Ok(true) => self.finish(Ok(())),
            Ok(false) => Ok(()),
            Err(e) => self.finish(Err(e)),
        }
    }

    /// Runs a batch without parameters (transaction control, session settings).
    pub(crate) async fn batch(&mut self, sql: &str) -> Result<()> {
        self.begin_request()?;
        let r = async {
            let stream = self
                .tds()?
                .simple_query(sql)
                .await
                .map_err(Error::from_request)?;
            stream.into_results().await.map_err(Error::from_request)?;
            Ok(())
        }
        .await;
        self.finish(r)
    }

    /// Rolls back any open transaction and restores `READ COMMITTED`
    /// ([`RESET_SQL`](crate::session::RESET_SQL)); on success the connection is
    /// clean again, otherwise it stays marked for reset.
    pub(crate) async fn reset(&mut self) -> Result<()> {
        self.needs_reset = true;
        self.batch(crate::session::RESET_SQL).await?;
        self.needs_reset = false;
        self.session_touched = false;
        Ok(())
    }

    /// Runs a batch returning one integer (e.g. `SELECT XACT_STATE()`).
    pub(crate) async fn scalar_i32(&mut self, sql: &str) -> Result<Option<i32>> {
        self.begin_request()?;
        let r = async {
            let stream = self
                .tds()?
                .simple_query(sql)
                .await
                .map_err(Error::from_request)?;
            let row = stream.into_row().await.map_err(Error::from_request)?;
            Ok(match row {
                Some(row) => match row.try_get::<i16, usize>(0) {
                    Ok(v) => v.map(i32::from),
                    Err(_) => row.try_get::<i32, usize>(0).ok().flatten(),
                },
                None => None,
            })
        }
        .await;
        self.finish(r)
    }

    /// Runs `run` under a command timeout; on expiry the request is cancelled
    /// (TDS attention) and the connection marked broken.
    pub(crate) async fn run_timed<T: FromRow>(
        &mut self,
        sql: &str,
        args: &[&dyn ToSql],
        op: Op,
        timeout: Option<Duration>,
    ) -> Result<Out<T>> {
        match within(timeout, self.run(sql, args, op)).await {
            Ok(r) => r,
            Err(limit) => Err(self.cancel_after_timeout(limit).await),
        }
    }

    /// Runs `batch` under a command timeout, like [`run_timed`](Self::run_timed).
    pub(crate) async fn batch_timed(&mut self, sql: &str, timeout: Option<Duration>) -> Result<()> {
        match within(timeout, self.batch(sql)).await {
            Ok(r) => r,
            Err(limit) => Err(self.cancel_after_timeout(limit).await),
        }
    }

    /// Cancels the request that ran past `limit`, marks the connection broken
    /// and returns the [`Error::CommandTimeout`] to report.
    async fn cancel_after_timeout(&mut self, limit: Duration) -> Error {
        self.broken = true;
        if let Some(client) = self.client.as_mut() {
            let _ = tokio::time::timeout(CANCEL_GRACE, client.cancel_query()).await;
        }
        tracing::warn!(
            target: "mssqlx::pool",
            connection = self.id,
            "command timeout: request cancelled, connection will be discarded"
        );
        Error::CommandTimeout { timeout: limit }
    }
}

/// `request` under `timeout`; `Err(limit)` if it expired (the request is then
/// dropped mid-way).
async fn within<R>(
    timeout: Option<Duration>,
    request: impl std::future::Future<Output = Result<R>>,
) -> std::result::Result<Result<R>, Duration> {
    match timeout {
        None => Ok(request.await),
        Some(limit) => tokio::time::timeout(limit, request)
            .await
            .map_err(|_| limit),
    }
}
