//! Pool settings and the builder that opens a [`Pool`].
//!
//! Every setting has the name a Django or ADO.NET user knows:
//!
//! | builder method | Django / ADO.NET | default |
//! |---|---|---|
//! | `max_size` | `Max Pool Size` | 10 |
//! | `min_idle` | `Min Pool Size` | none |
//! | `max_lifetime` | `CONN_MAX_AGE` / `Connection Lifetime` | 30 min |
//! | `idle_timeout` | — | 10 min |
//! | `health_check` | `CONN_HEALTH_CHECKS` | on, skipped for a connection used in the last second |
//! | `connect_timeout` | `Connect Timeout` | 15 s |
//! | `checkout_timeout` | — (wait for a free connection) | 30 s |
//! | `connect_retries`, `connect_retry_backoff` | mssql-django `connection_retries`, `connection_retry_backoff_time`; ADO.NET `ConnectRetryCount`, `ConnectRetryInterval` | 5, 1 s |
//! | `command_timeout` | `Command Timeout` / `CommandTimeout` | 30 s |
//! | `retry_policy` | EF Core `EnableRetryOnFailure` | [`RetryPolicy::default`] |
//!
//! Values in the connection string (`Max Pool Size=...`, `?max_pool_size=...`)
//! override the defaults; builder calls override both.
//!
//! ```no_run
//! use std::time::Duration;
//! use mssqlx_runtime::Pool;
//!
//! # async fn demo() -> Result<(), mssqlx_runtime::Error> {
//! let pool = Pool::builder()
//!     .max_size(32)
//!     .min_idle(2)
//!     .max_lifetime(Duration::from_secs(600))
//!     .command_timeout(Duration::from_secs(10))
//!     .connect("mssql://app:secret@db.example.com/Shop")
//!     .await?;
//! # let _ = pool; Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::connect_string::ConnectOptions;
use crate::error::Result;
use crate::pool::Pool;
use crate::retry::RetryPolicy;

/// Supplies an Entra ID (Azure AD) access token; called for each new connection.
pub trait AccessTokenProvider: Send + Sync + 'static {
    /// A fresh (or cached, still valid) access token for `https://database.windows.net/`.
    fn access_token(&self) -> BoxFuture<'_, Result<String>>;
}

impl<F, Fut> AccessTokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String>> + Send + 'static,
{
    fn access_token(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(self())
    }
}

/// Settings of a [`Pool`]; see the module docs for each one.
#[derive(Clone)]
pub struct PoolOptions {
    pub(crate) max_size: Option<u32>,
    pub(crate) min_idle: Option<u32>,
    pub(crate) max_lifetime: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) health_check: bool,
    pub(crate) health_check_after: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) checkout_timeout: Duration,
    pub(crate) connect_retries: Option<u32>,
    pub(crate) connect_retry_backoff: Option<Duration>,
    pub(crate) connect_retry_max_delay: Duration,
    pub(crate) command_timeout: Option<Option<Duration>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_redirects: u8,
    pub(crate) token_provider: Option<Arc<dyn AccessTokenProvider>>,
    pub(crate) xact_abort: bool,
    pub(crate) readonly: Option<bool>,
}

impl fmt::Debug for PoolOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolOptions")
            .field("max_size", &self.max_size)
            .field("min_idle", &self.min_idle)
            .field("max_lifetime", &self.max_lifetime)
            .field("idle_timeout", &self.idle_timeout)
            .field("health_check", &self.health_check)
            .field("connect_timeout", &self.connect_timeout)
            .field("checkout_timeout", &self.checkout_timeout)
            .field("connect_retries", &self.connect_retries)
            .field("command_timeout", &self.command_timeout)
            .field("retry", &self.retry)
            .field("max_redirects", &self.max_redirects)
            .field(
                "token_provider",
                &self.token_provider.as_ref().map(|_| "<provider>"),
            )
            .field("xact_abort", &self.xact_abort)
            .finish()
    }
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: None,
            min_idle: None,
            max_lifetime: Some(Duration::from_secs(30 * 60)),
            idle_timeout: Some(Duration::from_secs(10 * 60)),
            health_check: true,
            health_check_after: Duration::from_secs(1),
            connect_timeout: None,
            checkout_timeout: Duration::from_secs(30),
            connect_retries: None,
            connect_retry_backoff: None,
            connect_retry_max_delay: Duration::from_secs(30),
            command_timeout: None,
            retry: RetryPolicy::default(),
            max_redirects: 3,
            token_provider: None,
            xact_abort: false,
            readonly: None,
        }
    }
}

pub(crate) const DEFAULT_MAX_SIZE: u32 = 10;
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
pub(crate) const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
pub(crate) const DEFAULT_CONNECT_RETRIES: u32 = 5;
pub(crate) const DEFAULT_CONNECT_BACKOFF: Duration = Duration::from_secs(1);

impl PoolOptions {
    /// Default settings.
    pub fn new() -> Self {
        Self::default()
    }
    /// Maximum number of connections (open or being opened).
    pub fn max_size(mut self, n: u32) -> Self {
        self.max_size = Some(n.max(1));
        self
    }
    /// Connections kept open even when idle.
    pub fn min_idle(mut self, n: u32) -> Self {
        self.min_idle = Some(n);
        self
    }
    /// Close connections older than this (`CONN_MAX_AGE`); `None` keeps them forever.
    pub fn max_lifetime(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.max_lifetime = d.into();
        self
    }
    /// Close connections idle for longer than this.
    pub fn idle_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = d.into();
        self
    }
    /// Check a connection with `SELECT 1` before reuse (`CONN_HEALTH_CHECKS`);
    /// skipped for connections used within [`health_check_after`](Self::health_check_after).
    pub fn health_check(mut self, on: bool) -> Self {
        self.health_check = on;
        self
    }
    /// Connections used more recently than this skip the health check (default 1 s).
    pub fn health_check_after(mut self, d: Duration) -> Self {
        self.health_check_after = d;
        self
    }
    /// Bound of one connect attempt (TCP, TLS, login, session settings).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// How long a checkout waits for a free connection when all are in use.
    pub fn checkout_timeout(mut self, d: Duration) -> Self {
        self.checkout_timeout = d;
        self
    }
    /// Connect retries after the first attempt, for transient connect errors.
    pub fn connect_retries(mut self, n: u32) -> Self {
        self.connect_retries = Some(n);
        self
    }
    /// Base delay of the connect retries' exponential backoff (full jitter).
    pub fn connect_retry_backoff(mut self, d: Duration) -> Self {
        self.connect_retry_backoff = Some(d);
        self
    }
    /// Cap of the connect retries' backoff ceiling (default 30 s).
    pub fn connect_retry_max_delay(mut self, d: Duration) -> Self {
        self.connect_retry_max_delay = d;
        self
    }
    /// Default command timeout of each statement; `None` waits forever.
    /// Its expiry cancels the request and discards the connection.
    pub fn command_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.command_timeout = Some(d.into());
        self
    }
    /// The retry policy of reads and transaction closures (overridable per call).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }
    /// How many gateway redirects (Azure SQL `Redirect` connection policy) a login follows.
    pub fn max_redirects(mut self, n: u8) -> Self {
        self.max_redirects = n;
        self
    }
    /// An Entra ID access-token provider, called for each new connection.
    pub fn access_token_provider(mut self, p: impl AccessTokenProvider) -> Self {
        self.token_provider = Some(Arc::new(p));
        self
    }
    /// Also `SET XACT_ABORT ON` on every connection (see [`crate::session`]).
    pub fn xact_abort(mut self, on: bool) -> Self {
        self.xact_abort = on;
        self
    }
    /// Open connections with `ApplicationIntent=ReadOnly` (read replicas).
    pub fn read_only(mut self, on: bool) -> Self {
        self.readonly = Some(on);
        self
    }

    /// Opens a pool and checks that one connection can be made: a wrong
    /// password or an unreachable server is reported here, as what it is.
    pub async fn connect(self, conn_str: &str) -> Result<Pool> {
        self.connect_with(ConnectOptions::parse(conn_str)?).await
    }

    /// [`connect`](Self::connect) with parsed options.
    pub async fn connect_with(self, options: ConnectOptions) -> Result<Pool> {
        let pool = self.connect_lazy_with(options);
        drop(pool.acquire().await?);
        Ok(pool)
    }

    /// Opens a pool without connecting; the first checkout connects.
    /// Must be called inside a Tokio runtime.
    pub fn connect_lazy(self, conn_str: &str) -> Result<Pool> {
        Ok(self.connect_lazy_with(ConnectOptions::parse(conn_str)?))
    }

    /// [`connect_lazy`](Self::connect_lazy) with parsed options.
    pub fn connect_lazy_with(self, options: ConnectOptions) -> Pool {
        Pool::from_options(self, options)
    }
}
