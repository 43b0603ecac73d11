//! Helpers shared by the runtime's integration tests.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mssqlx_mock::{row, Column, MockServer, Reply, Request, ResultSet, Script, Session, SqlType};
use mssqlx_runtime::{Pool, PoolOptions, PoolState, RetryPolicy};

pub const USERS_SQL: &str = "SELECT Id, Email FROM dbo.Users WHERE Active = @P1";
pub const INSERT_SQL: &str = "INSERT INTO dbo.Orders (CustomerId) VALUES (@P1)";

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Fast retries so tests stay short.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: ms(2),
        max_delay: ms(10),
        throttle_delay: Duration::ZERO,
    }
}

pub fn options() -> PoolOptions {
    PoolOptions::new()
        .max_size(4)
        .connect_retries(3)
        .connect_retry_backoff(ms(5))
        .connect_timeout(Duration::from_secs(2))
        .checkout_timeout(Duration::from_secs(3))
        .retry_policy(fast_policy())
        .command_timeout(Duration::from_secs(5))
}

pub fn pool_for(server: &MockServer) -> Pool {
    options().connect_lazy(&server.url()).unwrap()
}

pub fn users() -> ResultSet {
    ResultSet::new([
        Column::not_null("Id", SqlType::Int),
        Column::new("Email", SqlType::nvarchar(100)),
    ])
    .row(row![1, "ada@example.com"])
    .row(row![2, "bob@example.com"])
}

pub fn one() -> ResultSet {
    ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1])
}

/// The script most tests start from.
pub fn base_script() -> Script {
    base_rules(Script::new())
}

/// `rule` first (it wins over the base rules), then the base rules.
pub fn with_rule<F>(rule: F) -> Script
where
    F: Fn(&Request, &mut Session) -> Option<Reply> + Send + Sync + 'static,
{
    base_rules(Script::new().on_fn(rule))
}

fn base_rules(script: Script) -> Script {
    script
        .on_exact("SELECT 1", Reply::rows(one()))
        .on_prefix("SELECT Id, Email FROM dbo.Users", Reply::rows(users()))
        .on_prefix("INSERT", Reply::count(1))
        .on_prefix("UPDATE", Reply::count(2))
}

pub async fn server_with(script: Script) -> MockServer {
    MockServer::builder().handler(script).start().await.unwrap()
}

pub async fn server() -> MockServer {
    server_with(base_script()).await
}

/// A rule that answers `reply` to the first `times` statements starting with
/// `prefix` (then passes to the next rules).
pub fn first_n(
    prefix: &'static str,
    times: usize,
    reply: Reply,
) -> impl Fn(&Request, &mut Session) -> Option<Reply> + Send + Sync + 'static {
    let seen = Arc::new(AtomicUsize::new(0));
    move |req: &Request, _s: &mut Session| {
        let sql = req.sql()?;
        if !sql.trim_start().starts_with(prefix) {
            return None;
        }
        (seen.fetch_add(1, Ordering::SeqCst) < times).then(|| reply.clone())
    }
}

/// Waits until every connection is back in the pool (background rollbacks
/// and returns are asynchronous), then returns the state.
pub async fn settled(pool: &Pool) -> PoolState {
    let start = Instant::now();
    loop {
        let s = pool.state();
        if s.in_use == 0 || start.elapsed() > Duration::from_secs(3) {
            return s;
        }
        tokio::time::sleep(ms(2)).await;
    }
}

/// Asserts that no connection leaked: none in use, none above max.
pub async fn assert_no_leak(pool: &Pool) {
    let s = settled(pool).await;
    assert_eq!(s.in_use, 0, "connection leaked: {s:?}");
    assert!(s.connections <= pool.max_size(), "{s:?}");
}

/// Statements (batch or RPC) whose SQL starts with `prefix`, in order, with
/// their connection and transaction descriptor.
pub fn recorded(server: &MockServer, prefix: &str) -> Vec<(u64, u64, String)> {
    server
        .recorder()
        .requests()
        .into_iter()
        .filter_map(|r| {
            let sql = r.request.sql()?.to_string();
            sql.trim_start()
                .to_ascii_uppercase()
                .starts_with(&prefix.to_ascii_uppercase())
                .then_some((r.connection, r.transaction_descriptor, sql))
        })
        .collect()
}

/// Writes (statements starting with `prefix`) that the server applied: those
/// outside a transaction, plus those inside a transaction that a COMMIT
/// reached on the same connection.
pub fn applied_writes(server: &MockServer, prefix: &str) -> usize {
    let commits: Vec<(u64, u64)> = recorded(server, "COMMIT")
        .into_iter()
        .map(|(c, d, _)| (c, d))
        .collect();
    recorded(server, prefix)
        .into_iter()
        .filter(|(c, d, _)| *d == 0 || commits.contains(&(*c, *d)))
        .count()
}

// ------------------------------------------------------------ tracing capture

use std::collections::BTreeMap;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// An event or a span seen by [`Capture`].
#[derive(Debug, Clone)]
pub struct Seen {
    pub kind: &'static str,
    pub name: String,
    pub target: String,
    pub level: tracing::Level,
    pub fields: BTreeMap<String, String>,
}

impl Seen {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Collects every event and span created while installed.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<Seen>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let m = event.metadata();
        self.0.lock().unwrap().push(Seen {
            kind: "event",
            name: m.name().to_string(),
            target: m.target().to_string(),
            level: *m.level(),
            fields,
        });
    }
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let m = attrs.metadata();
        self.0.lock().unwrap().push(Seen {
            kind: "span",
            name: m.name().to_string(),
            target: m.target().to_string(),
            level: *m.level(),
            fields,
        });
    }
}

impl Capture {
    /// Installs a capture for the current thread (use current-thread runtimes).
    pub fn install() -> (Capture, tracing::subscriber::DefaultGuard) {
        let c = Capture::default();
        let subscriber = tracing_subscriber::registry().with(c.clone());
        let guard = tracing::subscriber::set_default(subscriber);
        (c, guard)
    }

    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }

    pub fn events(&self, target: &str) -> Vec<Seen> {
        self.all()
            .into_iter()
            .filter(|s| s.kind == "event" && s.target == target)
            .collect()
    }

    pub fn spans(&self, name: &str) -> Vec<Seen> {
        self.all()
            .into_iter()
            .filter(|s| s.kind == "span" && s.name == name)
            .collect()
    }

    /// Everything captured, as text.
    pub fn text(&self) -> String {
        format!("{:?}", self.all())
    }
}
