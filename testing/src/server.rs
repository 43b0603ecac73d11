//! The server: a listener on `127.0.0.1:0`, its shared state, and the
//! handle a test holds.
//!
//! [`MockServer::start`] is the one-liner (any credentials accepted, every
//! statement answered by an empty [`Script`]); [`MockServer::builder`] sets
//! accepted logins, the handler, TLS and the initial fault plan. The server
//! stops when the handle is dropped: the listener closes and every live
//! connection is dropped.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mssqlx_mock::{MockServer, Script};
//!
//! let server = MockServer::builder()
//!     .login("sa", "Secret#1")
//!     .tls(true)
//!     .handler(Script::new())
//!     .start()
//!     .await?;
//! let ado = server.url(); // for tiberius::Config::from_ado_string
//! # Ok(()) }
//! ```

use crate::fault::Faults;
use crate::handler::Handler;
use crate::recorder::Recorder;
use crate::script::Script;
use crate::session::Session;
use crate::tls::TlsIdentity;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Counts of what the server has seen, taken at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// TCP connections accepted and served (including those a fault dropped).
    pub connections_opened: u64,
    /// Connections open now.
    pub connections_live: u64,
    /// Connections accepted and closed at once while refusing ([`Faults::refuse_connections_for`]).
    pub connections_refused: u64,
    /// Successful logins.
    pub logins: u64,
    /// Failed logins (bad credentials or an injected login error).
    pub failed_logins: u64,
    /// Logins answered with a redirect ([`Faults::redirect_next_logins`]).
    pub redirects: u64,
    /// Requests of every kind after login (batches, RPCs, Transaction Manager requests).
    pub requests: u64,
    /// Statements: SQL batches and RPC calls.
    pub statements: u64,
}

#[derive(Debug, Default)]
pub(crate) struct CounterCells {
    pub(crate) opened: AtomicU64,
    pub(crate) live: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) logins: AtomicU64,
    pub(crate) failed_logins: AtomicU64,
    pub(crate) redirects: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) statements: AtomicU64,
}

/// State shared by the listener and every connection.
pub(crate) struct Shared {
    pub(crate) handler: Box<dyn Handler>,
    pub(crate) logins: Vec<(String, String)>,
    pub(crate) access_tokens: Vec<String>,
    pub(crate) database: String,
    pub(crate) server_name: String,
    pub(crate) tls: Option<TlsIdentity>,
    pub(crate) recorder: Recorder,
    pub(crate) faults: Faults,
    pub(crate) counters: CounterCells,
    pub(crate) sessions: Mutex<BTreeMap<u64, Arc<Mutex<Session>>>>,
    pub(crate) kill: watch::Sender<u64>,
    next_id: AtomicU64,
}

impl Shared {
    /// Whether `user` / `password` may log in (anyone, when no login was configured).
    pub(crate) fn accepts(&self, user: &str, password: &str) -> bool {
        self.logins.is_empty() || self.logins.iter().any(|(u, p)| u == user && p == password)
    }

    /// Whether an Entra ID access token may log in (any, when none was configured).
    pub(crate) fn accepts_token(&self, token: &str) -> bool {
        self.access_tokens.is_empty() || self.access_tokens.iter().any(|t| t == token)
    }
}

/// Configures a [`MockServer`].
pub struct MockServerBuilder {
    logins: Vec<(String, String)>,
    access_tokens: Vec<String>,
    handler: Option<Box<dyn Handler>>,
    tls: bool,
    database: String,
    fail_first_connections: u64,
}

impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field(
                "logins",
                &self.logins.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            )
            .field("tls", &self.tls)
            .field("database", &self.database)
            .finish()
    }
}

impl MockServerBuilder {
    /// Accepts this SQL login. Once any login is configured, all others fail
    /// with error 18456; with none, any credentials are accepted.
    pub fn login(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.logins.push((user.into(), password.into()));
        self
    }

    /// Accepts this Entra ID access token (FEDAUTH login, tiberius
    /// `AuthMethod::AADToken`). Once any token is configured, other tokens
    /// fail with error 18456; with none, any token is accepted.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_tokens.push(token.into());
        self
    }

    /// The handler answering requests (default: an empty [`Script`]).
    pub fn handler(mut self, handler: impl Handler) -> Self {
        self.handler = Some(Box::new(handler));
        self
    }

    /// Offers TLS with a freshly generated self-signed certificate. Clients
    /// asking for encryption get it; `encrypt=DANGER_PLAINTEXT` clients still
    /// connect in plaintext.
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// The database a login lands in when it names none (default `master`).
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = name.into();
        self
    }

    /// The first `n` connections are accepted and closed at once.
    pub fn fail_first_connections(mut self, n: u64) -> Self {
        self.fail_first_connections = n;
        self
    }

    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let tls = if self.tls {
            Some(TlsIdentity::generate()?)
        } else {
            None
        };
        let (kill, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            handler: self.handler.unwrap_or_else(|| Box::new(Script::new())),
            logins: self.logins,
            access_tokens: self.access_tokens,
            database: self.database,
            server_name: "MSSQLX-MOCK".into(),
            tls,
            recorder: Recorder::default(),
            faults: Faults::default(),
            counters: CounterCells::default(),
            sessions: Mutex::new(BTreeMap::new()),
            kill,
            next_id: AtomicU64::new(0),
        });
        shared
            .faults
            .fail_next_connections(self.fail_first_connections);
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(MockServer {
            addr,
            shared,
            accept,
        })
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                tracing::warn!(error = %e, "mock server: accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if shared.faults.refusing() {
            shared.counters.refused.fetch_add(1, Ordering::SeqCst);
            drop(tcp);
            continue;
        }
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        shared.counters.opened.fetch_add(1, Ordering::SeqCst);
        if shared.faults.take_connection_failure() {
            tracing::debug!(connection = id, "fault: closing the connection on accept");
            drop(tcp);
            continue;
        }
        tokio::spawn(crate::connection::serve(shared.clone(), tcp, id));
    }
}

/// A running mock SQL Server. Dropping it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish()
    }
}

/// The credentials [`MockServer::url`] uses when no login was configured.
pub const DEFAULT_USER: &str = "sa";
/// See [`DEFAULT_USER`].
pub const DEFAULT_PASSWORD: &str = "mock-Password1";

impl MockServer {
    /// Starts a server that accepts any login and answers with an empty [`Script`].
    pub async fn start() -> std::io::Result<MockServer> {
        MockServer::builder().start().await
    }

    /// A builder for a configured server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            logins: Vec::new(),
            access_tokens: Vec::new(),
            handler: None,
            tls: false,
            database: "master".into(),
            fail_first_connections: 0,
        }
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An ADO.NET connection string tiberius accepts, with the first
    /// configured login (or [`DEFAULT_USER`]): plaintext
    /// (`encrypt=DANGER_PLAINTEXT`), or TLS with `TrustServerCertificate=true`
    /// when the server was built with [`MockServerBuilder::tls`].
    pub fn url(&self) -> String {
        let (user, password) = self
            .shared
            .logins
            .first()
            .map(|(u, p)| (u.as_str(), p.as_str()))
            .unwrap_or((DEFAULT_USER, DEFAULT_PASSWORD));
        self.url_for(user, password)
    }

    /// Like [`MockServer::url`], with the given credentials.
    pub fn url_for(&self, user: &str, password: &str) -> String {
        let encrypt = if self.shared.tls.is_some() {
            "encrypt=true;TrustServerCertificate=true"
        } else {
            "encrypt=DANGER_PLAINTEXT"
        };
        format!(
            "server=tcp:127.0.0.1,{};user={user};password={password};{encrypt}",
            self.addr.port()
        )
    }

    /// The PEM of the server's self-signed certificate, when TLS is on.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(|t| t.certificate_pem.as_str())
    }

    /// Every request received so far.
    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// The fault plan, changeable while the server runs.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The counters, now.
    pub fn counters(&self) -> Counters {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::SeqCst);
        Counters {
            connections_opened: get(&c.opened),
            connections_live: get(&c.live),
            connections_refused: get(&c.refused),
            logins: get(&c.logins),
            failed_logins: get(&c.failed_logins),
            redirects: get(&c.redirects),
            requests: get(&c.requests),
            statements: get(&c.statements),
        }
    }

    /// A snapshot of every session (logged-in connection), open or closed, by id.
    pub fn sessions(&self) -> Vec<Session> {
        let sessions = crate::lock(&self.shared.sessions);
        sessions.values().map(|s| crate::lock(s).clone()).collect()
    }

    /// A snapshot of the session of connection `id`.
    pub fn session(&self, id: u64) -> Option<Session> {
        let sessions = crate::lock(&self.shared.sessions);
        sessions.get(&id).map(|s| crate::lock(s).clone())
    }

    /// Snapshots of the sessions still open.
    pub fn open_sessions(&self) -> Vec<Session> {
        self.sessions()
            .into_iter()
            .filter(Session::is_open)
            .collect()
    }

    /// Simulates a server restart: every live connection is dropped and new
    /// connections are refused for `down_for`.
    pub fn restart(&self, down_for: Duration) {
        self.shared.faults.refuse_connections_for(down_for);
        self.kill_connections();
    }

    /// Drops every live connection (the server keeps listening).
    pub fn kill_connections(&self) {
        self.shared.kill.send_modify(|generation| *generation += 1);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
        self.kill_connections();
    }
}
