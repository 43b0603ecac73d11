//! The [`Executor`] trait: what generated code calls to run a statement.
//!
//! A statement is a [`Query`]: SQL text supplied by the caller (a
//! `&'static str` built at compile time by the macros) and its arguments as
//! `&[&dyn ToSql]`. Values travel only as RPC parameters (`sp_executesql`
//! with `@P1..@PN`); no SQL is ever built from values at run time.
//!
//! Three executors:
//!
//! | executor | connection | retries |
//! |---|---|---|
//! | `&Pool` | one per statement (autocommit) | reads, on transient errors; writes only when marked [`Query::idempotent`] |
//! | `&mut PoolConnection` | the checked-out one | none |
//! | `&mut Transaction`, `&mut Savepoint` | the transaction's | none (retry the whole closure: [`Pool::transaction`](crate::Pool::transaction)) |
//!
//! Each statement runs under a command timeout (the pool's, or
//! [`Query::timeout`]); its expiry cancels the request and discards the
//! connection. Each statement is a `tracing` span (see [`crate::trace`]).
//!
//! ```no_run
//! use mssqlx_runtime::{Executor, Pool, Query, Result};
//!
//! async fn emails(db: impl Executor<'_>, active: bool) -> Result<Vec<(i32, String)>> {
//!     db.fetch_all(Query::new("SELECT Id, Email FROM dbo.Users WHERE Active = @P1", &[&active]))
//!         .await
//! }
//! # async fn demo(pool: Pool) -> Result<()> {
//! let rows = emails(&pool, true).await?;
//! let mut tx = pool.begin().await?;
//! let same = emails(&mut tx, true).await?;
//! tx.commit().await?;
//! # let _ = (rows, same); Ok(()) }
//! ```

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, StreamExt};
use tiberius::ToSql;
use tracing::Instrument;

use crate::error::{Error, Result};
use crate::from_row::FromRow;
use crate::pool::connection::{Op, Out};
use crate::pool::{Connection, Pool, PoolConnection};
use crate::retry::{self, RetryPolicy, RetryUnit};
use crate::trace::{looks_read_only, statement_span};

/// Whether a statement reads or writes, which decides if the pool may retry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// Decide from the text: a `SELECT` that writes nothing is a read.
    Auto,
    /// A read: retried on transient errors.
    Read,
    /// A write: never retried by the pool executor (its commit may have happened).
    Write,
    /// A write the caller declares safe to repeat: retried, except on timeouts.
    IdempotentWrite,
}

/// A statement: SQL, arguments and per-call settings.
#[derive(Clone, Copy)]
pub struct Query<'q> {
    pub(crate) sql: &'q str,
    pub(crate) args: &'q [&'q dyn ToSql],
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) kind: StatementKind,
}

impl std::fmt::Debug for Query<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Argument values are never shown.
        f.debug_struct("Query")
            .field("sql", &self.sql)
            .field("args", &self.args.len())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("kind", &self.kind)
            .finish()
    }
}

impl<'q> Query<'q> {
    /// `sql` with parameters `@P1..@PN` bound to `args`.
    pub fn new(sql: &'q str, args: &'q [&'q dyn ToSql]) -> Self {
        Query {
            sql,
            args,
            timeout: None,
            retry: None,
            kind: StatementKind::Auto,
        }
    }

    /// `sql` without parameters.
    pub fn sql(sql: &'q str) -> Self {
        Query::new(sql, &[])
    }

    /// Overrides the pool's command timeout for this statement.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No command timeout for this statement.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// Overrides the pool's retry policy for this statement.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Declares the statement a read (retried on transient errors).
    pub fn read(mut self) -> Self {
        self.kind = StatementKind::Read;
        self
    }

    /// Declares the statement a write (never retried by the pool executor).
    pub fn write(mut self) -> Self {
        self.kind = StatementKind::Write;
        self
    }

    /// Declares the write safe to repeat: the pool executor retries it on
    /// transient errors, but never after a command timeout.
    pub fn idempotent(mut self) -> Self {
        self.kind = StatementKind::IdempotentWrite;
        self
    }

    /// The SQL text.
    pub fn sql_text(&self) -> &'q str {
        self.sql
    }

    fn retry_unit(&self) -> Option<RetryUnit> {
        match self.kind {
            StatementKind::Read => Some(RetryUnit::Read),
            StatementKind::IdempotentWrite => Some(RetryUnit::Write),
            StatementKind::Write => None,
            StatementKind::Auto if looks_read_only(self.sql) => Some(RetryUnit::Read),
            StatementKind::Auto => None,
        }
    }
}

impl<'q> From<&'q str> for Query<'q> {
    fn from(sql: &'q str) -> Self {
        Query::sql(sql)
    }
}

/// Runs statements: implemented by `&Pool`, `&mut PoolConnection`,
/// `&mut Transaction` and `&mut Savepoint`.
pub trait Executor<'c>: Send + Sized {
    /// All rows of the first result set.
    fn fetch_all<'e, 'q: 'e, T>(self, query: Query<'q>) -> BoxFuture<'e, Result<Vec<T>>>
    where
        'c: 'e,
        T: FromRow + Send + 'e;

    /// The first row; [`Error::RowNotFound`] if there is none.
    fn fetch_one<'e, 'q: 'e, T>(self, query: Query<'q>) -> BoxFuture<'e, Result<T>>
    where
        'c: 'e,
        T: FromRow + Send + 'e,
    {
        let f = self.fetch_optional(query);
        Box::pin(async move { f.await?.ok_or(Error::RowNotFound) })
    }

    /// The first row, if any.
    fn fetch_optional<'e, 'q: 'e, T>(self, query: Query<'q>) -> BoxFuture<'e, Result<Option<T>>>
    where
        'c: 'e,
        T: FromRow + Send + 'e;

    /// The rows of the first result set as a stream. Dropping the stream
    /// early discards the connection (its response is unfinished).
    fn fetch<'e, 'q: 'e, T>(self, query: Query<'q>) -> BoxStream<'e, Result<T>>
    where
        'c: 'e,
        T: FromRow + Send + 'e;

    /// Runs the statement; returns the number of rows affected.
    fn execute<'e, 'q: 'e>(self, query: Query<'q>) -> BoxFuture<'e, Result<u64>>
    where
        'c: 'e;
}

/// Executors that run inside a transaction (`&mut Transaction`, `&mut Savepoint`).
///
/// Generated code that must only run in a transaction (`SELECT ... WITH
/// (UPDLOCK)`, DESIGN §4's `select_for_update`) takes `impl
/// TransactionalExecutor<'_>`, so calling it with `&Pool` does not compile.
///
/// ```
/// use mssqlx_runtime::{Pool, TransactionalExecutor};
/// fn locked<'c>(_: impl TransactionalExecutor<'c>) {}
/// # async fn demo(pool: Pool) -> mssqlx_runtime::Result<()> {
/// let mut tx = pool.begin().await?;
/// locked(&mut tx);
/// # Ok(()) }
/// ```
///
/// ```compile_fail
/// use mssqlx_runtime::{Pool, TransactionalExecutor};
/// fn locked<'c>(_: impl TransactionalExecutor<'c>) {}
/// fn demo(pool: &Pool) {
///     locked(pool); // a pool is not a transaction
/// }
/// ```
pub trait TransactionalExecutor<'c>: Executor<'c> + sealed::Sealed {}

pub(crate) mod sealed {
    /// Only the runtime's transaction types are transactional executors.
    pub trait Sealed {}
}

/// Implements [`Executor`] for `$ty` in terms of two methods of `$target`
/// (an expression over `$this`, the executor value):
/// `run_statement(query, op) -> Result<Out<T>>` and
/// `stream_statement(query) -> BoxStream<Result<T>>`.
macro_rules! impl_executor {
    ([$($gen:lifetime),*] $ty:ty, $this:ident => $target:expr) => {
        impl<'c $(, $gen)*> $crate::executor::Executor<'c> for $ty {
            fn fetch_all<'e, 'q: 'e, T>(
                self,
                query: $crate::executor::Query<'q>,
            ) -> ::futures_util::future::BoxFuture<'e, $crate::error::Result<Vec<T>>>
            where
                'c: 'e,
                T: $crate::from_row::FromRow + Send + 'e,
            {
                let $this = self;
                Box::pin(async move {
                    $target
                        .run_statement(query, $crate::pool::connection::Op::All)
                        .await
                        .map($crate::pool::connection::Out::into_rows)
                })
            }

            fn fetch_optional<'e, 'q: 'e, T>(
                self,
                query: $crate::executor::Query<'q>,
            ) -> ::futures_util::future::BoxFuture<'e, $crate::error::Result<Option<T>>>
            where
                'c: 'e,
                T: $crate::from_row::FromRow + Send + 'e,
            {
                let $this = self;
                Box::pin(async move {
                    $target
                        .run_statement(query, $crate::pool::connection::Op::First)
                        .await
                        .map($crate::pool::connection::Out::into_first)
                })
            }

            fn fetch<'e, 'q: 'e, T>(
                self,
                query: $crate::executor::Query<'q>,
            ) -> ::futures_util::stream::BoxStream<'e, $crate::error::Result<T>>
            where
                'c: 'e,
                T: $crate::from_row::FromRow + Send + 'e,
            {
                let $this = self;
                $target.stream_statement(query)
            }

            fn execute<'e, 'q: 'e>(
                self,
                query: $crate::executor::Query<'q>,
            ) -> ::futures_util::future::BoxFuture<'e, $crate::error::Result<u64>>
            where
                'c: 'e,
            {
                let $this = self;
                Box::pin(async move {
                    $target
                        .run_statement::<()>(query, $crate::pool::connection::Op::Execute)
                        .await
                        .map($crate::pool::connection::Out::rows_affected)
                })
            }
        }
    };
}
pub(crate) use impl_executor;

/// A stream fed by a producer future running in the consumer's task: rows
/// pass through a one-slot channel, no task is spawned.
pub(crate) fn channel_stream<'e, T: Send + 'e>(
    producer: impl FnOnce(tokio::sync::mpsc::Sender<Result<T>>) -> BoxFuture<'e, ()>,
) -> BoxStream<'e, Result<T>> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let producer = futures_util::stream::once(producer(tx)).filter_map(|_| async { None });
    let receiver = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Box::pin(futures_util::stream::select(producer, receiver))
}

impl Pool {
    /// One statement on a fresh connection, retried per the statement's unit.
    pub(crate) async fn run_statement<T: FromRow>(&self, q: Query<'_>, op: Op) -> Result<Out<T>> {
        // Without a unit of retry the statement runs once (the unit is then moot).
        let (unit, policy) = match q.retry_unit() {
            Some(unit) => (unit, q.retry.unwrap_or(self.shared.retry)),
            None => (RetryUnit::Write, RetryPolicy::none()),
        };
        let timeout = q.timeout.unwrap_or(self.defaults().command_timeout);
        let span = statement_span(&self.defaults().target, q.sql);
        let r = retry::run(policy, unit, move |_| async move {
            let mut conn = self.checkout().await?;
            conn.run_timed::<T>(q.sql, q.args, op, timeout).await
        })
        .instrument(span.clone())
        .await;
        if let Err(e) = &r {
            span.record("error.type", error_type(e));
        }
        r
    }
}

pub(crate) fn error_type(e: &Error) -> String {
    match e.number() {
        Some(n) => n.to_string(),
        None => match e {
            Error::CommandTimeout { .. } => "timeout".into(),
            Error::ConnectionLost { .. } => "connection_lost".into(),
            _ => "error".into(),
        },
    }
}

impl Pool {
    /// Rows of one statement on a fresh connection, as a stream (not retried).
    fn stream_statement<'e, T: FromRow + Send + 'e>(
        &'e self,
        query: Query<'e>,
    ) -> BoxStream<'e, Result<T>> {
        channel_stream(move |tx| {
            Box::pin(async move {
                let span = statement_span(&self.defaults().target, query.sql);
                async {
                    match self.checkout().await {
                        Ok(mut conn) => {
                            if let Err(e) = conn.stream(query.sql, query.args, &tx).await {
                                let _ = tx.send(Err(e)).await;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e)).await;
                        }
                    }
                }
                .instrument(span)
                .await
            })
        })
    }
}

impl_executor!([] &'c Pool, pool => pool);

impl FromRow for () {
    fn from_row(_: &crate::row::Row) -> Result<Self> {
        Ok(())
    }
}

impl Connection {
    /// One statement under its command timeout (the query's, else the
    /// pool's), inside its span, which is returned for the caller to mark an
    /// error on.
    pub(crate) async fn run_spanned<T: FromRow>(
        &mut self,
        q: Query<'_>,
        op: Op,
    ) -> (Result<Out<T>>, tracing::Span) {
        let timeout = q.timeout.unwrap_or(self.defaults.command_timeout);
        let span = statement_span(&self.defaults.target, q.sql);
        let r = self
            .run_timed::<T>(q.sql, q.args, op, timeout)
            .instrument(span.clone())
            .await;
        (r, span)
    }
}

impl PoolConnection {
    /// One statement on this session, under the pool's command timeout.
    async fn run_statement<T: FromRow>(&mut self, q: Query<'_>, op: Op) -> Result<Out<T>> {
        self.dirty = true;
        let (r, span) = self.conn.run_spanned(q, op).await;
        if let Err(e) = &r {
            span.record("error.type", error_type(e));
        }
        r
    }

    /// Rows of one statement on this session, as a stream.
    fn stream_statement<'e, T: FromRow + Send + 'e>(
        &'e mut self,
        query: Query<'e>,
    ) -> BoxStream<'e, Result<T>> {
        channel_stream(move |tx| {
            Box::pin(async move {
                self.dirty = true;
                let span = statement_span(&self.defaults.target, query.sql);
                let r = self
                    .conn
                    .stream(query.sql, query.args, &tx)
                    .instrument(span)
                    .await;
                if let Err(e) = r {
                    let _ = tx.send(Err(e)).await;
                }
            })
        })
    }
}

impl_executor!([] &'c mut PoolConnection, conn => conn);

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mssqlx_mock::{row, Column, MockServer, Reply, ResultSet, Script, SqlType};

    use super::*;
    use crate::PoolOptions;

    #[tokio::test]
    async fn a_connection_whose_statement_timed_out_refuses_the_next_statement() {
        let one = ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1]);
        let script = Script::new()
            .on_exact("SELECT 1", Reply::rows(one.clone()))
            .on_prefix(
                "SELECT 2",
                Reply::rows(one).delayed(Duration::from_millis(400)),
            );
        let server = MockServer::builder().handler(script).start().await.unwrap();
        let pool = PoolOptions::new()
            .max_size(1)
            .connect_lazy(&server.url())
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let slow = Query::sql("SELECT 2").timeout(Duration::from_millis(20));
        let e = (&mut conn).fetch_all::<(i32,)>(slow).await.unwrap_err();
        assert!(matches!(e, Error::CommandTimeout { .. }), "{e:?}");
        assert!(conn.is_broken());
        let e = (&mut conn)
            .fetch_all::<(i32,)>(Query::sql("SELECT 1"))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::ConnectionLost { .. }), "{e:?}");
    }

    #[tokio::test]
    async fn a_streamed_statement_that_opens_a_transaction_gets_its_connection_reset() {
        let one = ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1]);
        let script = Script::new()
            .on_exact("SELECT 1", Reply::rows(one.clone()))
            .on_prefix("BEGIN TRAN", Reply::rows(one));
        let server = MockServer::builder().handler(script).start().await.unwrap();
        let pool = PoolOptions::new()
            .max_size(1)
            .connect_lazy(&server.url())
            .unwrap();
        let rows: Vec<Result<(i32,)>> = pool
            .fetch(Query::sql("BEGIN TRAN; SELECT 1"))
            .collect()
            .await;
        assert_eq!(rows.len(), 1);
        pool.fetch_all::<(i32,)>(Query::sql("SELECT 1"))
            .await
            .unwrap();
        assert_eq!(pool.state().stats.resets, 1);
    }

    #[tokio::test]
    async fn a_connection_whose_session_options_were_changed_is_not_reused() {
        let one = ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1]);
        let script = Script::new()
            .on_exact("SELECT 1", Reply::rows(one))
            .on_prefix("SET ANSI_NULLS OFF", Reply::done());
        let server = MockServer::builder().handler(script).start().await.unwrap();
        let pool = PoolOptions::new()
            .max_size(1)
            .connect_lazy(&server.url())
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        (&mut conn)
            .execute(Query::sql("SET ANSI_NULLS OFF"))
            .await
            .unwrap();
        drop(conn);
        pool.fetch_all::<(i32,)>(Query::sql("SELECT 1"))
            .await
            .unwrap();
        let stats = pool.state().stats;
        assert_eq!((stats.opened, stats.discarded), (2, 1));
    }
}
