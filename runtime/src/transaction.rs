//! Transactions, savepoints and retried transaction closures.
//!
//! * [`Pool::begin`] / [`Pool::begin_with`] start a [`Transaction`] on a
//!   connection of its own, at an [`IsolationLevel`].
//! * [`Transaction::savepoint`] gives a nested transaction ([`Savepoint`]):
//!   `SAVE TRANSACTION name`; its rollback is `ROLLBACK TRANSACTION name`; its
//!   commit is a no-op on the server (the work commits with the outer one).
//! * A transaction or savepoint dropped without commit is rolled back before
//!   its connection is used again (the rollback is sent at once in the
//!   background, and the pool resets the connection before reuse anyway).
//! * After a server error inside a transaction, `XACT_STATE()` is read: a
//!   doomed transaction (−1) turns the error into
//!   [`Error::TransactionDoomed`], which says only a full rollback is possible.
//! * [`Pool::transaction`] runs a closure as the unit of retry: on a transient
//!   error (including 1205 deadlock, 1222 lock timeout, 3960 snapshot
//!   conflict) the whole closure runs again from `BEGIN`, on a fresh
//!   connection. A connection lost during `COMMIT` is
//!   [`Error::CommitOutcomeUnknown`] and is never retried.
//!
//! ```no_run
//! use mssqlx_runtime::{Error, Executor, IsolationLevel, Pool, Query};
//!
//! # async fn demo(pool: Pool) -> Result<(), Error> {
//! let order_id: i32 = pool
//!     .transaction(|tx| {
//!         Box::pin(async move {
//!             let (id,): (i32,) = tx
//!                 .fetch_one(Query::new("INSERT INTO dbo.Orders (CustomerId) OUTPUT INSERTED.Id VALUES (@P1)", &[&7i32]))
//!                 .await?;
//!             let mut sp = tx.savepoint().await?;
//!             if (&mut sp).execute(Query::new("EXEC dbo.Reserve @P1", &[&id])).await.is_err() {
//!                 sp.rollback().await?; // the order stays, the reservation does not
//!             } else {
//!                 sp.commit().await?;
//!             }
//!             Ok(id)
//!         })
//!     })
//!     .await?;
//!
//! let mut tx = pool.begin_with(IsolationLevel::Snapshot).await?;
//! let n = (&mut tx).execute(Query::sql("UPDATE dbo.Stock SET Qty = Qty - 1")).await?;
//! tx.commit().await?;
//! # let _ = (order_id, n); Ok(()) }
//! ```

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use tracing::Instrument;

use crate::error::{Error, Result};
use crate::executor::{
    channel_stream, error_type, impl_executor, sealed, Query, TransactionalExecutor,
};
use crate::from_row::FromRow;
use crate::isolation::IsolationLevel;
use crate::pool::connection::{Op, Out};
use crate::pool::{Pool, PoolConnection};
use crate::retry::{Retrier, RetryPolicy, RetryUnit};
use crate::session::RESET_SQL;
use crate::trace::statement_span;

/// How long a dropped transaction's background rollback may take.
const DROP_ROLLBACK_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug)]
enum TxState {
    Active,
    Doomed(Error),
    Finished,
}

/// The state shared by a transaction and its savepoints.
pub(crate) struct TxCore {
    conn: Option<PoolConnection>,
    isolation: IsolationLevel,
    state: TxState,
    savepoints: u32,
    pending_rollback_to: Option<String>,
}

/// A transaction on a pooled connection. Commit or roll back explicitly;
/// dropping it rolls it back.
pub struct Transaction {
    core: TxCore,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("isolation", &self.core.isolation)
            .field("state", &self.core.state)
            .finish()
    }
}

impl TxCore {
    fn conn(&mut self) -> Result<&mut PoolConnection> {
        match &self.state {
            TxState::Finished => return Err(Error::TransactionFinished),
            TxState::Doomed(cause) => {
                return Err(Error::TransactionDoomed {
                    cause: Box::new(cause.clone()),
                })
            }
            TxState::Active => {}
        }
        let conn = self.conn.as_mut().ok_or(Error::TransactionFinished)?;
        if conn.is_broken() {
            self.state = TxState::Finished;
            return Err(Error::ConnectionLost {
                kind: std::io::ErrorKind::BrokenPipe,
                message: "the transaction's connection was lost (a request was cancelled or failed); the server rolled the transaction back".into(),
            });
        }
        Ok(conn)
    }

    /// Applies a savepoint rollback left pending by a dropped savepoint.
    async fn prepare(&mut self) -> Result<&mut PoolConnection> {
        if let Some(name) = self.pending_rollback_to.take() {
            let sql = savepoint_sql("ROLLBACK", &name);
            let r = self.conn()?.conn.batch(&sql).await;
            if let Err(e) = r {
                return Err(self.after_error(e).await);
            }
        }
        self.conn()
    }

    /// Classifies an error seen inside the transaction.
    async fn after_error(&mut self, e: Error) -> Error {
        let Some(conn) = self.conn.as_mut() else {
            return e;
        };
        if conn.is_broken() || e.breaks_connection() {
            // The server rolls the transaction back when the session ends.
            self.state = TxState::Finished;
            return e;
        }
        if !matches!(
            e,
            Error::Server { .. } | Error::SnapshotIsolationNotAllowed { .. }
        ) {
            return e;
        }
        match conn.conn.scalar_i32("SELECT XACT_STATE()").await {
            Ok(Some(-1)) => {
                self.state = TxState::Doomed(e.clone());
                Error::TransactionDoomed { cause: Box::new(e) }
            }
            Ok(Some(0)) => {
                // The server already rolled the transaction back (e.g. 1205).
                self.state = TxState::Finished;
                conn.conn.needs_reset = true;
                e
            }
            _ => e,
        }
    }

    async fn run_statement<T: FromRow>(&mut self, q: Query<'_>, op: Op) -> Result<Out<T>> {
        let (r, span) = self.prepare().await?.conn.run_spanned(q, op).await;
        match r {
            Ok(v) => Ok(v),
            Err(e) => {
                let e = self.after_error(e).await;
                span.record("error.type", error_type(&e));
                Err(e)
            }
        }
    }

    fn stream_statement<'e, T: FromRow + Send + 'e>(
        &'e mut self,
        q: Query<'e>,
    ) -> BoxStream<'e, Result<T>> {
        channel_stream(move |tx| {
            Box::pin(async move {
                let conn = match self.prepare().await {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(e)).await;
                        return;
                    }
                };
                let span = statement_span(&conn.defaults.target, q.sql);
                let r = conn.conn.stream(q.sql, q.args, &tx).instrument(span).await;
                if let Err(e) = r {
                    let e = self.after_error(e).await;
                    let _ = tx.send(Err(e)).await;
                }
            })
        })
    }

    async fn savepoint(&mut self) -> Result<String> {
        self.prepare().await?;
        self.savepoints += 1;
        // The name comes from a counter, never from a value.
        let name = format!("mssqlx_sp{}", self.savepoints);
        let sql = savepoint_sql("SAVE", &name);
        let r = self.conn()?.conn.batch(&sql).await;
        match r {
            Ok(()) => Ok(name),
            Err(e) => Err(self.after_error(e).await),
        }
    }
}

/// `SAVE TRANSACTION name` or `ROLLBACK TRANSACTION name`. Savepoint names
/// are made by the runtime (`mssqlx_sp{n}`), never taken from input; they are
/// checked to be plain identifiers (at most 32 characters, SQL Server's limit)
/// all the same, so nothing but a name can reach the SQL text.
fn savepoint_sql(verb: &str, name: &str) -> String {
    debug_assert!(is_savepoint_name(name), "invalid savepoint name {name:?}");
    format!("{verb} TRANSACTION {name}")
}

fn is_savepoint_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 32
}

impl Pool {
    /// Starts a transaction at the server's default level (`READ COMMITTED`).
    pub async fn begin(&self) -> Result<Transaction> {
        self.begin_with(IsolationLevel::ReadCommitted).await
    }

    /// Starts a transaction at `level`.
    pub async fn begin_with(&self, level: IsolationLevel) -> Result<Transaction> {
        let mut conn = self.acquire().await?;
        let sql = if level == IsolationLevel::ReadCommitted {
            "BEGIN TRANSACTION"
        } else {
            level.begin_sql()
        };
        let span = statement_span(&self.defaults().target, sql);
        let r = conn
            .conn
            .batch_timed(sql, self.defaults().command_timeout)
            .instrument(span)
            .await;
        if level != IsolationLevel::ReadCommitted {
            conn.conn.needs_reset = true;
        }
        r?;
        Ok(Transaction {
            core: TxCore {
                conn: Some(conn),
                isolation: level,
                state: TxState::Active,
                savepoints: 0,
                pending_rollback_to: None,
            },
        })
    }

    /// Runs `f` in a transaction, committed if `f` succeeds and rolled back if
    /// it fails; on a transient error the whole closure runs again from
    /// `BEGIN` on a fresh connection, under the pool's retry policy.
    pub async fn transaction<T, F>(&self, f: F) -> Result<T>
    where
        F: for<'t> FnMut(&'t mut Transaction) -> BoxFuture<'t, Result<T>>,
    {
        self.transaction_with(self.shared.retry, IsolationLevel::ReadCommitted, f)
            .await
    }

    /// [`transaction`](Self::transaction) with its own retry policy and isolation level.
    pub async fn transaction_with<T, F>(
        &self,
        policy: RetryPolicy,
        level: IsolationLevel,
        mut f: F,
    ) -> Result<T>
    where
        F: for<'t> FnMut(&'t mut Transaction) -> BoxFuture<'t, Result<T>>,
    {
        let mut retrier = Retrier::new(policy, RetryUnit::Transaction);
        loop {
            let r = async {
                let mut tx = self.begin_with(level).await?;
                match f(&mut tx).await {
                    Ok(v) => {
                        tx.commit().await?;
                        Ok(v)
                    }
                    Err(e) => {
                        let _ = tx.rollback().await;
                        Err(e)
                    }
                }
            }
            .await;
            match r {
                Ok(v) => return Ok(v),
                Err(e) => match retrier
                    .next_delay(&e, "retrying the whole transaction after a transient error")
                {
                    Some(delay) => tokio::time::sleep(delay).await,
                    None => return Err(e),
                },
            }
        }
    }
}

impl Transaction {
    /// The isolation level.
    pub fn isolation_level(&self) -> IsolationLevel {
        self.core.isolation
    }

    /// True once the server reported the transaction doomed (`XACT_STATE() = -1`).
    pub fn is_doomed(&self) -> bool {
        matches!(self.core.state, TxState::Doomed(_))
    }

    /// Starts a nested transaction (`SAVE TRANSACTION`).
    pub async fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        let name = self.core.savepoint().await?;
        Ok(Savepoint {
            core: &mut self.core,
            name,
            done: false,
        })
    }

    /// Commits. A doomed transaction is rolled back and reported as
    /// [`Error::TransactionDoomed`]; a connection lost during `COMMIT` is
    /// [`Error::CommitOutcomeUnknown`].
    pub async fn commit(mut self) -> Result<()> {
        if let TxState::Doomed(cause) = &self.core.state {
            let cause = cause.clone();
            let _ = self.rollback_inner().await;
            return Err(Error::TransactionDoomed {
                cause: Box::new(cause),
            });
        }
        let sql = if self.core.isolation == IsolationLevel::ReadCommitted {
            "COMMIT TRANSACTION"
        } else {
            "COMMIT TRANSACTION; SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
        };
        let conn = self.core.prepare().await?;
        let span = statement_span(&conn.defaults.target, sql);
        let r = conn.conn.batch(sql).instrument(span).await;
        match r {
            Ok(()) => {
                // Clean, unless a statement of the transaction changed session state.
                conn.conn.needs_reset = conn.conn.session_touched;
                self.core.state = TxState::Finished;
                Ok(())
            }
            Err(e @ Error::ConnectionLost { .. }) | Err(e @ Error::Driver(_)) => {
                self.core.state = TxState::Finished;
                Err(Error::CommitOutcomeUnknown {
                    message: e.to_string(),
                })
            }
            Err(e) => {
                let e = self.core.after_error(e).await;
                if let Some(c) = self.core.conn.as_mut() {
                    c.conn.needs_reset = true;
                }
                Err(e)
            }
        }
    }

    /// Rolls back.
    pub async fn rollback(mut self) -> Result<()> {
        self.rollback_inner().await
    }

    async fn rollback_inner(&mut self) -> Result<()> {
        if matches!(self.core.state, TxState::Finished) {
            return Ok(());
        }
        let Some(conn) = self.core.conn.as_mut() else {
            return Ok(());
        };
        self.core.state = TxState::Finished;
        if conn.is_broken() {
            return Ok(());
        }
        let span = statement_span(&conn.defaults.target, RESET_SQL);
        conn.conn.reset().instrument(span).await
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        let Some(mut conn) = self.core.conn.take() else {
            return;
        };
        if matches!(self.core.state, TxState::Finished) || conn.is_broken() {
            return;
        }
        // Not committed nor rolled back: the pool resets it before reuse, and
        // the rollback is sent right away so locks are released now.
        conn.conn.needs_reset = true;
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let r = tokio::time::timeout(DROP_ROLLBACK_LIMIT, conn.conn.reset()).await;
                if r.is_err() {
                    conn.conn.mark_broken();
                }
                tracing::debug!(target: "mssqlx::pool", connection = conn.id(), "rolled back a dropped transaction");
            });
        }
    }
}

/// A nested transaction: `SAVE TRANSACTION`; rolled back to its start if
/// dropped without [`commit`](Self::commit).
pub struct Savepoint<'t> {
    core: &'t mut TxCore,
    name: String,
    done: bool,
}

impl std::fmt::Debug for Savepoint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Savepoint")
            .field("name", &self.name)
            .finish()
    }
}

impl Savepoint<'_> {
    /// The savepoint's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Keeps the work (a no-op on the server: it commits with the outer transaction).
    pub async fn commit(mut self) -> Result<()> {
        self.core.conn()?;
        self.done = true;
        Ok(())
    }

    /// Undoes the work done since the savepoint (`ROLLBACK TRANSACTION name`).
    pub async fn rollback(mut self) -> Result<()> {
        self.done = true;
        // Inner savepoints rolled back implicitly.
        self.core.pending_rollback_to = None;
        let sql = savepoint_sql("ROLLBACK", &self.name);
        let r = self.core.conn()?.conn.batch(&sql).await;
        match r {
            Ok(()) => Ok(()),
            Err(e) => Err(self.core.after_error(e).await),
        }
    }

    /// A savepoint inside this one.
    pub async fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        let name = self.core.savepoint().await?;
        Ok(Savepoint {
            core: &mut *self.core,
            name,
            done: false,
        })
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Sent before the transaction's next statement.
            self.core.pending_rollback_to = Some(std::mem::take(&mut self.name));
        }
    }
}

impl_executor!([] &'c mut Transaction, tx => (&mut tx.core));
impl_executor!(['t] &'c mut Savepoint<'t>, sp => (&mut *sp.core));

impl sealed::Sealed for &mut Transaction {}
impl<'c> TransactionalExecutor<'c> for &'c mut Transaction {}
impl sealed::Sealed for &mut Savepoint<'_> {}
impl<'c, 't> TransactionalExecutor<'c> for &'c mut Savepoint<'t> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn savepoint_statements_name_only_plain_identifiers() {
        assert_eq!(
            savepoint_sql("SAVE", "mssqlx_sp1"),
            "SAVE TRANSACTION mssqlx_sp1"
        );
        assert!(is_savepoint_name("mssqlx_sp4294967295"));
        for bad in ["", "1sp", "sp; DROP TABLE t", "sp]", &"x".repeat(33)] {
            assert!(!is_savepoint_name(bad), "{bad:?}");
        }
    }
}
