//! The connection pool: bb8 with our own [`ConnectionManager`].
//!
//! A [`Pool`] is cheap to clone (an `Arc`). `&Pool` is an
//! [`Executor`](crate::Executor) that takes a connection per statement
//! (autocommit) and retries reads on transient errors;
//! [`Pool::acquire`] hands out a [`PoolConnection`] for several statements on
//! one session; [`Pool::begin`] starts a [`Transaction`](crate::Transaction).
//!
//! Hygiene: every new connection gets the [session settings](crate::session);
//! a connection whose request was dropped mid-way, that saw an I/O error or a
//! command timeout is discarded; one that may carry an open transaction or a
//! changed isolation level is reset before reuse (or discarded if the reset
//! fails).
//!
//! ```no_run
//! use mssqlx_runtime::{Executor, Pool, Query};
//!
//! # async fn demo() -> Result<(), mssqlx_runtime::Error> {
//! let pool = Pool::connect("Server=tcp:db,1433;Database=Shop;User Id=app;Password=pw").await?;
//! let (n,): (i32,) = pool.fetch_one(Query::new("SELECT COUNT(*) FROM dbo.Orders WHERE CustomerId = @P1", &[&7i32])).await?;
//! # let _ = n; Ok(()) }
//! ```

pub mod connection;
pub mod manager;
pub mod options;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use bb8::{ErrorSink, QueueStrategy, RunError};

use crate::connect_string::ConnectOptions;
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

pub use connection::Connection;
use connection::StatementDefaults;
pub use manager::{ConnectionManager, ManagerStats};
pub use options::{AccessTokenProvider, PoolOptions};

use options::DEFAULT_MAX_SIZE;

/// A pool of SQL Server connections.
#[derive(Clone)]
pub struct Pool {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) bb8: bb8::Pool<ConnectionManager>,
    pub(crate) manager: ConnectionManager,
    pub(crate) retry: RetryPolicy,
    pub(crate) checkout_timeout: Duration,
    pub(crate) max_size: u32,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("options", self.shared.manager.options())
            .field("state", &self.state())
            .finish()
    }
}

/// A snapshot of the pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Open connections (idle + in use).
    pub connections: u32,
    /// Idle connections.
    pub idle: u32,
    /// Connections checked out.
    pub in_use: u32,
    /// What the manager did: opened, failed, discarded, reset.
    pub stats: ManagerStats,
}

#[derive(Debug, Clone, Copy)]
struct LogSink;

impl ErrorSink<Error> for LogSink {
    fn sink(&self, error: Error) {
        tracing::debug!(target: "mssqlx::pool", error = %error, "pool background error");
    }
    fn boxed_clone(&self) -> Box<dyn ErrorSink<Error>> {
        Box::new(*self)
    }
}

impl Pool {
    /// Opens a pool with default settings and checks one connection.
    /// See [`crate::connect_string`] for the accepted forms.
    pub async fn connect(conn_str: &str) -> Result<Pool> {
        PoolOptions::new().connect(conn_str).await
    }

    /// Settings for a new pool.
    pub fn builder() -> PoolOptions {
        PoolOptions::new()
    }

    pub(crate) fn from_options(opts: PoolOptions, options: ConnectOptions) -> Pool {
        let s = options.settings.clone();
        let manager = ConnectionManager::new(options, &opts);
        let max_size = opts
            .max_size
            .or(s.max_size)
            .unwrap_or(DEFAULT_MAX_SIZE)
            .max(1);
        let min_idle = opts.min_idle.or(s.min_idle).map(|m| m.min(max_size));
        let bb8 = bb8::Pool::builder()
            .max_size(max_size)
            .min_idle(min_idle)
            .max_lifetime(opts.max_lifetime)
            .idle_timeout(opts.idle_timeout)
            .connection_timeout(opts.checkout_timeout)
            .test_on_check_out(true)
            .retry_connection(false)
            .queue_strategy(QueueStrategy::Lifo)
            .error_sink(Box::new(LogSink))
            .build_unchecked(manager.clone());
        Pool {
            shared: Arc::new(Shared {
                bb8,
                manager,
                retry: opts.retry,
                checkout_timeout: opts.checkout_timeout,
                max_size,
            }),
        }
    }

    /// Checks out a connection. Connect failures are returned as what they
    /// are (login failed, unreachable, TLS), not as a pool timeout.
    pub async fn acquire(&self) -> Result<PoolConnection> {
        let conn = self.wait_for(|| self.shared.bb8.get_owned()).await?;
        Ok(PoolConnection { conn, dirty: false })
    }

    /// A connection borrowed for one statement (the pool executor's path:
    /// no owned handle needed).
    pub(crate) async fn checkout(&self) -> Result<bb8::PooledConnection<'_, ConnectionManager>> {
        self.wait_for(|| self.shared.bb8.get()).await
    }

    /// Checks out a connection; a failed connect made while waiting is
    /// returned as its error. A failed connection left over from before this
    /// checkout (e.g. a background `min_idle` connect) is discarded instead.
    async fn wait_for<T, F, Fut>(&self, mut get: F) -> Result<T>
    where
        T: Deref<Target = Box<Connection>>,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, RunError<Error>>>,
    {
        let since = self.shared.manager.failure_generation();
        loop {
            let conn = self.checked_out(get().await)?;
            let failed = conn
                .failure()
                .map(|(e, generation)| (generation > since).then(|| e.clone()));
            match failed {
                None => return Ok(conn),
                Some(Some(e)) => return Err(e),
                Some(None) => drop(conn),
            }
        }
    }

    fn checked_out<T>(&self, r: std::result::Result<T, RunError<Error>>) -> Result<T> {
        match r {
            Ok(conn) => Ok(conn),
            Err(RunError::User(e)) => Err(e),
            // A connect failure that raced with the wait is still reported as what it is.
            Err(RunError::TimedOut) => Err(self
                .shared
                .manager
                .recent_failure(self.shared.checkout_timeout)
                .unwrap_or(Error::PoolTimedOut {
                    timeout: self.shared.checkout_timeout,
                    max_size: self.shared.max_size,
                })),
        }
    }

    /// The pool's connections right now.
    pub fn state(&self) -> PoolState {
        let s = self.shared.bb8.state();
        PoolState {
            connections: s.connections,
            idle: s.idle_connections,
            in_use: s.connections.saturating_sub(s.idle_connections),
            stats: self.shared.manager.stats(),
        }
    }

    /// The retry policy of reads and transaction closures.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.shared.retry
    }

    /// The default command timeout.
    pub fn command_timeout(&self) -> Option<Duration> {
        self.defaults().command_timeout
    }

    /// What every statement inherits: the command timeout and its span's target.
    pub(crate) fn defaults(&self) -> &StatementDefaults {
        self.shared.manager.defaults()
    }

    /// The options connections are opened with (password redacted in `Debug`).
    pub fn connect_options(&self) -> &ConnectOptions {
        self.shared.manager.options()
    }

    /// The maximum number of connections.
    pub fn max_size(&self) -> u32 {
        self.shared.max_size
    }

    /// The manager, e.g. to build a bare bb8 pool over it.
    pub fn manager(&self) -> &ConnectionManager {
        &self.shared.manager
    }
}

/// A connection checked out of a [`Pool`]; returned when dropped.
///
/// `&mut PoolConnection` is an [`Executor`](crate::Executor): all statements
/// run on one session. Because such a session may be left in any state, a
/// connection that ran statements is reset before its next reuse.
pub struct PoolConnection {
    pub(crate) conn: bb8::PooledConnection<'static, ConnectionManager>,
    pub(crate) dirty: bool,
}

impl std::fmt::Debug for PoolConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.conn.deref().fmt(f)
    }
}

impl Deref for PoolConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl DerefMut for PoolConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for PoolConnection {
    fn drop(&mut self) {
        if self.dirty {
            self.conn.needs_reset = true;
        }
    }
}
