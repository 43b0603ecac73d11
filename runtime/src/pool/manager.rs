//! The bb8 connection manager: how a connection is opened, checked and judged.
//!
//! Opening a connection ([`ConnectionManager::open`], bb8's `connect`):
//!
//! 1. ask the [`AccessTokenProvider`], if any, for a token;
//! 2. dial TCP (bounded by the connect timeout), TLS unless the string says
//!    `encrypt=DANGER_PLAINTEXT`, log in;
//! 3. follow Azure SQL's gateway redirect (`Error::Routing { host, port }`) by
//!    re-dialling the given address, at most `max_redirects` times;
//! 4. run the [session settings](crate::session) batch;
//! 5. on a transient failure (see [`crate::retry`], unit *connect*) retry with
//!    exponential backoff and full jitter; a login failure (18456) or a TLS
//!    error is returned at once.
//!
//! A failure that exhausts the retries becomes a *failed connection* carrying
//! the error; bb8 hands it to a waiting checkout, which returns the error, so
//! callers see "login failed" or "connection refused" instead of a pool
//! timeout (bb8 alone would only report the timeout).
//!
//! Before reuse (bb8's `is_valid`) a connection that may carry a
//! transaction or a changed isolation level is reset, and one idle for more
//! than a second is pinged with `SELECT 1` if health checks are on. A
//! connection that is broken (I/O error, dropped mid-request, command timeout)
//! is discarded (bb8's `has_broken`).
//!
//! The manager can be used with bb8 directly:
//!
//! ```no_run
//! use mssqlx_runtime::{ConnectOptions, ConnectionManager, PoolOptions};
//!
//! # async fn demo() -> Result<(), mssqlx_runtime::Error> {
//! let opts: ConnectOptions = "mssql://sa:pw@localhost/db".parse()?;
//! let manager = ConnectionManager::new(opts, &PoolOptions::default());
//! let pool = bb8::Pool::builder().build_unchecked(manager);
//! # let _ = pool; Ok(()) }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tiberius::{AuthMethod, Client};
use tokio::net::TcpStream;
use tokio_util::compat::TokioAsyncWriteCompatExt;

use crate::connect_string::ConnectOptions;
use crate::error::{Error, Result};
use crate::pool::connection::{Connection, StatementDefaults};
use crate::pool::options::{
    AccessTokenProvider, PoolOptions, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_BACKOFF,
    DEFAULT_CONNECT_RETRIES, DEFAULT_CONNECT_TIMEOUT,
};
use crate::retry::{self, RetryPolicy, RetryUnit};
use crate::session::{PING_SQL, SESSION_SETTINGS, SESSION_SETTINGS_XACT_ABORT};
use crate::trace::Target;

/// Opens, checks and judges connections for bb8.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    shared: Arc<Shared>,
}

struct Shared {
    options: ConnectOptions,
    defaults: Arc<StatementDefaults>,
    connect_timeout: Duration,
    connect_retry: RetryPolicy,
    max_redirects: u8,
    token_provider: Option<Arc<dyn AccessTokenProvider>>,
    session_sql: &'static str,
    health_check: bool,
    health_check_after: Duration,
    /// Counts failed connects; a failed connection carries its number, so a
    /// checkout can tell a failure that happened while it waited from an old one.
    failure_generation: AtomicU64,
    last_failure: std::sync::Mutex<Option<(Error, std::time::Instant)>>,
    next_id: AtomicU64,
    opened: AtomicU64,
    failed: AtomicU64,
    discarded: AtomicU64,
    resets: AtomicU64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionManager")
            .field("options", &self.options)
            .field("connect_timeout", &self.connect_timeout)
            .field("connect_retry", &self.connect_retry)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Broken,
    Reset,
    Ping,
    Fine,
}

/// Counters of what the manager did (for tests and metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ManagerStats {
    /// Connections opened.
    pub opened: u64,
    /// Connect attempts that failed after their retries.
    pub failed: u64,
    /// Connections discarded (broken, failed reset or health check).
    pub discarded: u64,
    /// Connections reset before reuse.
    pub resets: u64,
}

impl ConnectionManager {
    /// A manager for `options`, with the connect settings of `pool`.
    pub fn new(options: ConnectOptions, pool: &PoolOptions) -> Self {
        let s = options.settings.clone();
        let connect_timeout = pool
            .connect_timeout
            .or(s.connect_timeout)
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let connect_retry = RetryPolicy {
            max_retries: pool
                .connect_retries
                .or(s.connect_retries)
                .unwrap_or(DEFAULT_CONNECT_RETRIES),
            base_delay: pool
                .connect_retry_backoff
                .or(s.connect_retry_backoff)
                .unwrap_or(DEFAULT_CONNECT_BACKOFF),
            max_delay: pool.connect_retry_max_delay,
            throttle_delay: pool.retry.throttle_delay,
        };
        let options = match pool.readonly {
            Some(ro) => options.readonly(ro),
            None => options,
        };
        let defaults = Arc::new(StatementDefaults {
            command_timeout: pool
                .command_timeout
                .unwrap_or(s.command_timeout.or(Some(DEFAULT_COMMAND_TIMEOUT))),
            target: Target {
                database: options.database().unwrap_or("master").to_string(),
                host: options.host().to_string(),
                port: options.port(),
            },
        });
        ConnectionManager {
            shared: Arc::new(Shared {
                options,
                defaults,
                connect_timeout,
                connect_retry,
                max_redirects: pool.max_redirects,
                token_provider: pool.token_provider.clone(),
                session_sql: if pool.xact_abort {
                    SESSION_SETTINGS_XACT_ABORT
                } else {
                    SESSION_SETTINGS
                },
                health_check: pool.health_check,
                health_check_after: pool.health_check_after,
                failure_generation: AtomicU64::new(0),
                last_failure: std::sync::Mutex::new(None),
                next_id: AtomicU64::new(1),
                opened: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                discarded: AtomicU64::new(0),
                resets: AtomicU64::new(0),
            }),
        }
    }

    /// The options connections are opened with.
    pub fn options(&self) -> &ConnectOptions {
        &self.shared.options
    }

    pub(crate) fn defaults(&self) -> &StatementDefaults {
        &self.shared.defaults
    }

    /// What the manager did so far.
    pub fn stats(&self) -> ManagerStats {
        let s = &self.shared;
        ManagerStats {
            opened: s.opened.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            discarded: s.discarded.load(Ordering::Relaxed),
            resets: s.resets.load(Ordering::Relaxed),
        }
    }

    /// The number of connects that failed so far.
    pub(crate) fn failure_generation(&self) -> u64 {
        self.shared.failure_generation.load(Ordering::Acquire)
    }

    /// The error of the last failed connect, if it failed within `within`.
    pub(crate) fn recent_failure(&self, within: Duration) -> Option<Error> {
        let last = self
            .shared
            .last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|(_, at)| at.elapsed() <= within)
            .map(|(e, _)| e.clone())
    }

    /// Opens one connection, with retries on transient errors.
    pub async fn open(&self) -> Result<Connection> {
        let r = retry::run(self.shared.connect_retry, RetryUnit::Connect, |_| {
            self.connect_once()
        })
        .await;
        match r {
            Ok(c) => {
                self.shared.opened.fetch_add(1, Ordering::Relaxed);
                tracing::info!(
                    target: "mssqlx::pool",
                    connection = c.id(),
                    server = %self.shared.options.host(),
                    "opened connection"
                );
                Ok(c)
            }
            Err(e) => {
                self.shared.failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    target: "mssqlx::pool",
                    server = %self.shared.options.host(),
                    error = %e,
                    "connect failed"
                );
                *self
                    .shared
                    .last_failure
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) =
                    Some((e.clone(), std::time::Instant::now()));
                Err(e)
            }
        }
    }

    async fn connect_once(&self) -> Result<Connection> {
        let s = &self.shared;
        let timeout = s.connect_timeout;
        let addr = s.options.addr();
        match tokio::time::timeout(timeout, self.dial_and_login()).await {
            Ok(r) => r,
            Err(_) => Err(Error::ConnectTimeout { addr, timeout }),
        }
    }

    async fn dial_and_login(&self) -> Result<Connection> {
        let s = &self.shared;
        let mut config = self.login_config(s.options.config.clone()).await?;
        let mut redirects = 0u8;
        let client = loop {
            let addr = config.get_addr();
            let tcp = TcpStream::connect(&addr)
                .await
                .map_err(|e| Error::Unreachable {
                    addr: addr.clone(),
                    kind: e.kind(),
                    message: e.to_string(),
                })?;
            let _ = tcp.set_nodelay(true);
            match Client::connect(config.clone(), tcp.compat_write()).await {
                Ok(client) => break client,
                Err(tiberius::error::Error::Routing { host, port }) => {
                    redirects += 1;
                    let target = format!("{host}:{port}");
                    if redirects > s.max_redirects {
                        return Err(Error::TooManyRedirects {
                            limit: s.max_redirects,
                            last: target,
                        });
                    }
                    tracing::info!(
                        target: "mssqlx::pool",
                        redirect = %target,
                        "login redirected by the gateway"
                    );
                    config = self.login_config(s.options.redirected(&host, port)).await?;
                }
                Err(e) => return Err(self.login_error(e, &addr)),
            }
        };
        let id = s.next_id.fetch_add(1, Ordering::Relaxed);
        let mut conn = Connection::new(client, id, self.shared.defaults.clone());
        conn.batch(s.session_sql).await?;
        Ok(conn)
    }

    /// `config` with the runtime's timeouts and, if there is a token
    /// provider, a fresh access token (asked for at every dial and redirect).
    async fn login_config(&self, mut config: tiberius::Config) -> Result<tiberius::Config> {
        let s = &self.shared;
        // The runtime enforces its own per-statement command timeout.
        config.command_timeout(None);
        config.handshake_timeout(Some(s.connect_timeout));
        if let Some(provider) = &s.token_provider {
            let token = provider.access_token().await.map_err(|e| match e {
                Error::TokenProvider(m) => Error::TokenProvider(m),
                other => Error::TokenProvider(other.to_string()),
            })?;
            config.authentication(AuthMethod::aad_token(token));
        }
        Ok(config)
    }

    fn login_error(&self, e: tiberius::error::Error, addr: &str) -> Error {
        use tiberius::error::Error as T;
        match e {
            T::Server(token) if token.code() == 18456 => Error::LoginFailed {
                user: self.shared.options.user().unwrap_or("").to_string(),
                message: token.message().to_string(),
            },
            T::Server(token) => Error::from_token(token),
            T::Io {
                kind: std::io::ErrorKind::TimedOut,
                ..
            } => Error::ConnectTimeout {
                addr: addr.to_string(),
                timeout: self.shared.connect_timeout,
            },
            T::Io { kind, message } => Error::Unreachable {
                addr: addr.to_string(),
                kind,
                message,
            },
            T::Tls(message) => Error::Tls {
                addr: addr.to_string(),
                message,
            },
            other => Error::Driver(other.to_string()),
        }
    }

    /// Resets or pings a connection before reuse; a failure marks it broken.
    async fn check_slowly(&self, conn: &mut Connection, check: Check) -> Result<()> {
        let limit = self.shared.connect_timeout;
        let what = match check {
            Check::Reset => "reset before reuse failed",
            _ => "health check failed",
        };
        let request = async {
            match check {
                Check::Reset => conn.reset().await,
                _ => conn.batch(PING_SQL).await,
            }
        };
        let r = match tokio::time::timeout(limit, request).await {
            Ok(r) => r,
            Err(_) => Err(Error::CommandTimeout { timeout: limit }),
        };
        match r {
            Ok(()) => {
                if check == Check::Reset {
                    self.shared.resets.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            }
            Err(e) => {
                tracing::warn!(target: "mssqlx::pool", connection = conn.id(), error = %e, "{what}");
                conn.mark_broken();
                Err(e)
            }
        }
    }

    fn discard(&self, conn: &Connection, reason: &str) {
        self.shared.discarded.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            target: "mssqlx::pool",
            connection = conn.id(),
            reason,
            "discarding connection"
        );
    }
}

impl bb8::ManageConnection for ConnectionManager {
    /// Boxed: bb8 moves connections in and out of its idle queue on every
    /// checkout, and a TLS-capable client is a few kilobytes.
    type Connection = Box<Connection>;
    type Error = Error;

    /// Never fails: a connect that failed after its retries becomes a failed
    /// connection carrying the error, which bb8 hands to a waiting checkout (bb8
    /// itself would only report a timeout). Used with bb8 directly, such a
    /// connection returns the connect error on first use.
    #[allow(clippy::manual_async_fn)] // the trait requires the future to be Send
    fn connect(&self) -> impl std::future::Future<Output = Result<Box<Connection>>> + Send {
        async move {
            Ok(Box::new(match self.open().await {
                Ok(c) => c,
                Err(e) => {
                    let generation = self
                        .shared
                        .failure_generation
                        .fetch_add(1, Ordering::AcqRel)
                        + 1;
                    Connection::failed(e, generation, self.shared.defaults.clone())
                }
            }))
        }
    }

    fn is_valid(
        &self,
        conn: &mut Box<Connection>,
    ) -> impl std::future::Future<Output = Result<()>> + Send {
        // Decide synchronously; the rare slow paths are boxed so that the
        // checkout future (and every future that holds it) stays small.
        let check = if conn.failure().is_some() {
            // Handed to the checkout, which reports the error.
            Check::Fine
        } else if conn.is_broken() {
            Check::Broken
        } else if conn.needs_reset {
            Check::Reset
        } else if self.shared.health_check && conn.idle_for() >= self.shared.health_check_after {
            Check::Ping
        } else {
            Check::Fine
        };
        let slow = match check {
            Check::Reset | Check::Ping => Some(Box::pin(self.check_slowly(conn, check))),
            _ => None,
        };
        async move {
            match (check, slow) {
                (Check::Broken, _) => Err(Error::Driver("connection is broken".into())),
                (_, Some(fut)) => fut.await,
                _ => Ok(()),
            }
        }
    }

    fn has_broken(&self, conn: &mut Box<Connection>) -> bool {
        if conn.failure().is_some() {
            true
        } else if conn.is_broken() {
            self.discard(conn, "broken or dropped mid-request");
            true
        } else if conn.must_retire() {
            self.discard(conn, "a statement changed the session options");
            true
        } else {
            false
        }
    }
}
