//! Transient-error retries: what is retried, how often, and what unit is re-run.
//!
//! Only work that can safely run again is retried. The *unit of retry* is:
//!
//! * [`RetryUnit::Connect`]: opening a connection (the pool does this itself);
//! * [`RetryUnit::Read`]: a read on the pool executor, re-run on a fresh connection;
//! * [`RetryUnit::Write`]: a lone write on the pool executor, **only** when the
//!   caller opts in (`Query::idempotent()`), because its commit may already
//!   have happened; timeouts are never retried for writes;
//! * [`RetryUnit::Transaction`]: a whole closure
//!   ([`Pool::transaction`](crate::Pool::transaction), [`with_retry`]) re-run from
//!   `BEGIN`. Only here are 1205 (deadlock victim), 1222 (lock timeout) and 3960
//!   (snapshot conflict) retried. A connection lost while `COMMIT` was in flight
//!   is never retried ([`Error::CommitOutcomeUnknown`]).
//!
//! Every retry emits a `tracing` warn event with the attempt, the delay and the
//! error number. The [`catalog`] says which numbers are transient, the
//! [`backoff`] module how long to wait.
//!
//! ```no_run
//! use mssqlx_runtime::{with_retry, Error, Executor, Pool, Query, RetryPolicy};
//!
//! # async fn demo(pool: Pool) -> Result<(), Error> {
//! // Re-run a whole unit of work on transient errors:
//! let moved: u64 = with_retry(RetryPolicy::default(), || async {
//!     let mut tx = pool.begin().await?;
//!     let n = (&mut tx)
//!         .execute(Query::new("UPDATE dbo.Stock SET Qty = Qty - 1 WHERE Id = @P1", &[&7i32]))
//!         .await?;
//!     tx.commit().await?;
//!     Ok::<_, Error>(n)
//! })
//! .await?;
//! # let _ = moved; Ok(()) }
//! ```

pub mod backoff;
pub mod catalog;

use std::future::Future;
use std::time::Duration;

pub use backoff::RetryPolicy;

use crate::error::Error;

/// The unit of work that a retry re-runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryUnit {
    /// Opening a connection.
    Connect,
    /// A read statement on the pool executor (autocommit).
    Read,
    /// A write statement on the pool executor that the caller marked idempotent.
    Write,
    /// A whole transaction closure, re-run from `BEGIN`.
    Transaction,
}

impl RetryUnit {
    fn name(self) -> &'static str {
        match self {
            RetryUnit::Connect => "connect",
            RetryUnit::Read => "read",
            RetryUnit::Write => "write",
            RetryUnit::Transaction => "transaction",
        }
    }
}

/// Errors a retried closure may return: they expose the database error inside, if any.
pub trait RetryableError {
    /// The runtime error carried by this error, if any.
    fn db_error(&self) -> Option<&Error>;
}

impl RetryableError for Error {
    fn db_error(&self) -> Option<&Error> {
        Some(self)
    }
}

/// Why an error may be retried: its number (if any) and backoff hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transient {
    /// The server error number, `None` for connection-level errors.
    pub number: Option<u32>,
    /// The server asked clients to back off.
    pub throttling: bool,
    /// In-Memory OLTP conflict.
    pub in_memory: bool,
}

impl Transient {
    const IO: Transient = Transient {
        number: None,
        throttling: false,
        in_memory: false,
    };
}

/// Whether `error` may be retried when the unit of retry is `unit`.
pub fn classify(error: &Error, unit: RetryUnit) -> Option<Transient> {
    match error {
        Error::Server { number, .. } => {
            let row = catalog::lookup(*number)?;
            if row.whole_transaction_only() && unit != RetryUnit::Transaction {
                return None;
            }
            Some(Transient {
                number: Some(*number),
                throttling: row.throttling(),
                in_memory: row.in_memory(),
            })
        }
        Error::TransactionDoomed { cause } if unit == RetryUnit::Transaction => {
            classify(cause, unit)
        }
        // Nothing ran: the server was not reached or did not finish the login.
        Error::Unreachable { .. } | Error::ConnectTimeout { .. } => Some(Transient::IO),
        // The connection broke: for a connect, nothing ran; for a read, re-reading
        // is harmless; for a transaction, the server rolled it back; for an
        // opted-in write, the caller declared it idempotent.
        Error::ConnectionLost { .. } => Some(Transient::IO),
        // The request was cancelled: re-running a read or a whole transaction is
        // safe; a write may have committed already.
        Error::CommandTimeout { .. } => match unit {
            RetryUnit::Write => None,
            _ => Some(Transient::IO),
        },
        _ => None,
    }
}

/// The bookkeeping of one retry loop: counts the attempts and decides, after
/// each failure, whether and when to run again, logging every retry.
pub(crate) struct Retrier {
    policy: RetryPolicy,
    unit: RetryUnit,
    attempt: u32,
}

impl Retrier {
    pub(crate) fn new(policy: RetryPolicy, unit: RetryUnit) -> Self {
        Retrier {
            policy,
            unit,
            attempt: 0,
        }
    }

    /// After a failed attempt: the delay before the next one (the retry is
    /// logged with `message`), or `None` if `error` is final.
    pub(crate) fn next_delay<E>(&mut self, error: &E, message: &'static str) -> Option<Duration>
    where
        E: RetryableError + std::fmt::Display,
    {
        let t = error.db_error().and_then(|d| classify(d, self.unit))?;
        if self.attempt >= self.policy.max_retries {
            return None;
        }
        let delay = self
            .policy
            .delay_for(self.attempt, t.throttling, t.in_memory);
        self.attempt += 1;
        tracing::warn!(
            target: "mssqlx::retry",
            unit = self.unit.name(),
            attempt = self.attempt,
            max_retries = self.policy.max_retries,
            delay_ms = delay.as_millis() as u64,
            error.number = t.number.map(i64::from).unwrap_or(-1),
            error = %error,
            "{message}"
        );
        Some(delay)
    }
}

/// Runs `op` under `policy`, retrying errors that [`classify`] allows for `unit`.
pub(crate) async fn run<T, E, F, Fut>(
    policy: RetryPolicy,
    unit: RetryUnit,
    mut op: F,
) -> Result<T, E>
where
    E: RetryableError + std::fmt::Display,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut retrier = Retrier::new(policy, unit);
    loop {
        match op(retrier.attempt).await {
            Ok(v) => return Ok(v),
            Err(e) => match retrier.next_delay(&e, "retrying after a transient error") {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return Err(e),
            },
        }
    }
}

/// Re-runs the whole closure `f` on transient errors, under `policy`.
///
/// This is the unit-of-work retry: create the transaction *inside* the
/// closure, so that each attempt starts again from `BEGIN` on a fresh
/// connection. The closure's error type only needs to expose the runtime error
/// it may carry ([`RetryableError`]).
pub async fn with_retry<T, E, F, Fut>(policy: RetryPolicy, mut f: F) -> Result<T, E>
where
    E: RetryableError + std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    run(policy, RetryUnit::Transaction, |_| f()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(number: u32) -> Error {
        Error::Server {
            number,
            class: 16,
            state: 1,
            message: String::new(),
        }
    }

    #[test]
    fn deadlock_is_retried_only_as_a_whole_transaction() {
        assert!(classify(&server(1205), RetryUnit::Read).is_none());
        assert!(classify(&server(1205), RetryUnit::Write).is_none());
        assert!(classify(&server(1205), RetryUnit::Transaction).is_some());
        assert!(classify(&server(3960), RetryUnit::Read).is_none());
        assert!(classify(&server(1222), RetryUnit::Transaction).is_some());
    }

    #[test]
    fn timeouts_are_retried_for_reads_and_never_for_writes() {
        let t = Error::CommandTimeout {
            timeout: Duration::from_secs(1),
        };
        assert!(classify(&t, RetryUnit::Read).is_some());
        assert!(classify(&t, RetryUnit::Write).is_none());
    }

    #[test]
    fn login_failed_tls_and_commit_unknown_are_never_retried() {
        let login = Error::LoginFailed {
            user: "u".into(),
            message: String::new(),
        };
        let tls = Error::Tls {
            addr: "h:1".into(),
            message: "bad cert".into(),
        };
        let commit = Error::CommitOutcomeUnknown {
            message: String::new(),
        };
        for unit in [
            RetryUnit::Connect,
            RetryUnit::Read,
            RetryUnit::Write,
            RetryUnit::Transaction,
        ] {
            assert!(classify(&login, unit).is_none());
            assert!(classify(&tls, unit).is_none());
            assert!(classify(&commit, unit).is_none());
        }
    }

    #[test]
    fn throttling_numbers_carry_the_hint() {
        let t = classify(&server(40501), RetryUnit::Read).unwrap();
        assert!(t.throttling);
        assert_eq!(t.number, Some(40501));
    }

    #[tokio::test]
    async fn with_retry_reruns_the_closure_until_it_succeeds() {
        let policy = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            throttle_delay: Duration::ZERO,
        };
        let mut calls = 0;
        let v = with_retry(policy, || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(server(1205))
                } else {
                    Ok(n)
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(v, 3);
    }

    #[tokio::test]
    async fn with_retry_gives_up_after_max_retries_with_the_last_error() {
        let policy = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            throttle_delay: Duration::ZERO,
        };
        let mut calls = 0;
        let e = with_retry(policy, || {
            calls += 1;
            async { Err::<(), _>(server(40613)) }
        })
        .await
        .unwrap_err();
        assert_eq!(calls, 3);
        assert_eq!(e.number(), Some(40613));
    }

    #[tokio::test]
    async fn non_transient_errors_are_returned_at_once() {
        let mut calls = 0;
        let e = with_retry(RetryPolicy::default(), || {
            calls += 1;
            async { Err::<(), _>(server(547)) }
        })
        .await
        .unwrap_err();
        assert_eq!(calls, 1);
        assert_eq!(e.number(), Some(547));
    }
}
