//! Issue points 1 and 2: the pool, its connect path, and connection hygiene.

use std::time::{Duration, Instant};

use mssqlx_mock::{Fault, MockServer, Reply, Request, Script, ServerMessage};
use mssqlx_runtime::session::{RESET_SQL, SESSION_SETTINGS};
use mssqlx_runtime::{Error, Executor, Pool, PoolOptions, Query};

use crate::common::*;

fn sql_of(server: &MockServer, connection: u64) -> Vec<String> {
    server
        .recorder()
        .connection(connection)
        .iter()
        .filter_map(|r| r.sql().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn every_new_connection_gets_the_session_settings_first() {
    let server = server().await;
    let pool = pool_for(&server);
    let _rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    let conn = server.recorder().requests()[0].connection;
    let sql = sql_of(&server, conn);
    assert_eq!(sql[0], SESSION_SETTINGS);
    for s in [
        "ANSI_NULLS ON",
        "ANSI_PADDING ON",
        "ANSI_WARNINGS ON",
        "ARITHABORT ON",
        "CONCAT_NULL_YIELDS_NULL ON",
        "QUOTED_IDENTIFIER ON",
    ] {
        assert!(sql[0].contains(s), "{s}");
    }
    assert_eq!(sql[1], USERS_SQL);
}

#[tokio::test]
async fn pool_connect_accepts_the_url_form() {
    let server = server().await;
    let url = format!(
        "mssql://{}:{}@127.0.0.1:{}/shop?encrypt=DANGER_PLAINTEXT&max_pool_size=3",
        mssqlx_mock::DEFAULT_USER,
        mssqlx_mock::DEFAULT_PASSWORD,
        server.addr().port()
    );
    let pool = options().connect(&url).await.unwrap();
    let login = &server.recorder().logins()[0].1;
    assert_eq!(login.database, "shop");
    assert_eq!(login.username, mssqlx_mock::DEFAULT_USER);
    assert_eq!(pool.max_size(), 4); // the builder wins over the URL
}

#[tokio::test]
async fn login_failed_reaches_the_caller_as_login_failed_not_a_pool_timeout() {
    let server = MockServer::builder()
        .login("app", "right")
        .handler(base_script())
        .start()
        .await
        .unwrap();
    let started = Instant::now();
    let err = options()
        .checkout_timeout(Duration::from_secs(10))
        .connect(&server.url_for("app", "wrong"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::LoginFailed { ref user, .. } if user == "app"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // 18456 is never retried.
    assert_eq!(server.counters().failed_logins, 1);
}

#[tokio::test]
async fn unreachable_server_is_reported_as_unreachable_after_the_connect_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("server=tcp:127.0.0.1,{port};user=a;password=b;encrypt=DANGER_PLAINTEXT");
    let started = Instant::now();
    let err = options()
        .checkout_timeout(Duration::from_secs(10))
        .connect(&url)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unreachable {
                kind: std::io::ErrorKind::ConnectionRefused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&port.to_string()));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn untrusted_tls_certificate_is_reported_as_a_tls_error() {
    let server = MockServer::builder()
        .tls(true)
        .handler(base_script())
        .start()
        .await
        .unwrap();
    let url = server.url().replace(";TrustServerCertificate=true", "");
    let err = options().connect(&url).await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    // With the certificate trusted, TLS works.
    let pool = options().connect(&server.url()).await.unwrap();
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(server.sessions().iter().any(|s| s.tls()));
}

#[tokio::test]
async fn transient_login_errors_are_retried_with_backoff() {
    let server = server().await;
    server.faults().fail_next_logins(
        2,
        ServerMessage::new(
            40613,
            "Database 'shop' on server 'x' is not currently available.",
        ),
    );
    let pool = options().connect(&server.url()).await.unwrap();
    assert_eq!(server.counters().failed_logins, 2);
    assert_eq!(pool.state().stats.opened, 1);
}

#[tokio::test]
async fn connect_retries_are_bounded_and_the_last_error_names_the_cause() {
    let server = server().await;
    server.faults().fail_next_logins(
        10,
        ServerMessage::new(40613, "Database is not currently available."),
    );
    let err = options()
        .connect_retries(2)
        .connect(&server.url())
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(40613), "{err:?}");
    assert_eq!(server.counters().failed_logins, 3);
}

#[tokio::test]
async fn health_check_is_skipped_for_a_connection_used_within_the_threshold() {
    let server = server().await;
    let pool = options()
        .health_check_after(Duration::from_millis(400))
        .connect_lazy(&server.url())
        .unwrap();
    let q = Query::new(USERS_SQL, &[&true]);
    let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    assert_eq!(recorded(&server, "SELECT 1").len(), 0);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    assert_eq!(recorded(&server, "SELECT 1").len(), 1);
}

#[tokio::test]
async fn connection_failing_its_health_check_is_discarded_and_replaced() {
    let server = server().await;
    let pool = options()
        .health_check_after(Duration::from_millis(20))
        .connect_lazy(&server.url())
        .unwrap();
    let q = Query::new(USERS_SQL, &[&true]);
    let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    server.kill_connections();
    tokio::time::sleep(Duration::from_millis(40)).await;
    let rows: Vec<(i32, Option<String>)> = pool.fetch_all(q.write()).await.unwrap();
    assert_eq!(rows.len(), 2);
    let state = settled(&pool).await;
    assert_eq!(state.stats.opened, 2);
    assert_eq!(state.stats.discarded, 1);
}

#[tokio::test]
async fn health_checks_can_be_turned_off() {
    let server = server().await;
    let pool = options()
        .health_check(false)
        .health_check_after(Duration::ZERO)
        .connect_lazy(&server.url())
        .unwrap();
    let q = Query::new(USERS_SQL, &[&true]);
    for _ in 0..3 {
        let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    }
    assert_eq!(recorded(&server, "SELECT 1").len(), 0);
}

#[tokio::test]
async fn connections_older_than_max_lifetime_are_closed() {
    let server = server().await;
    let pool = options()
        .max_lifetime(Duration::from_millis(50))
        .connect_lazy(&server.url())
        .unwrap();
    let q = Query::new(USERS_SQL, &[&true]);
    let conn = pool.acquire().await.unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    drop(conn);
    let _: Vec<(i32, Option<String>)> = pool.fetch_all(q).await.unwrap();
    assert_eq!(pool.state().stats.opened, 2);
    assert_eq!(server.counters().connections_opened, 2);
}

#[tokio::test]
async fn min_idle_connections_are_opened_in_the_background() {
    let server = server().await;
    let pool = options().min_idle(2).connect_lazy(&server.url()).unwrap();
    let start = Instant::now();
    while pool.state().idle < 2 && start.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(ms(5)).await;
    }
    assert_eq!(pool.state().idle, 2);
}

#[tokio::test]
async fn checkout_waits_for_a_free_connection_then_times_out_plainly() {
    let server = server().await;
    let pool = options()
        .max_size(1)
        .checkout_timeout(Duration::from_millis(100))
        .connect_lazy(&server.url())
        .unwrap();
    let held = pool.acquire().await.unwrap();
    let err = pool.acquire().await.unwrap_err();
    assert!(
        matches!(err, Error::PoolTimedOut { max_size: 1, .. }),
        "{err:?}"
    );
    drop(held);
    pool.acquire().await.unwrap();
}

#[tokio::test]
async fn command_timeout_cancels_the_request_and_discards_the_connection() {
    let script = base_script().on_prefix(
        "SELECT Slow",
        Reply::rows(one()).delayed(Duration::from_secs(3)),
    );
    let server = server_with(script).await;
    let pool = pool_for(&server);
    let started = Instant::now();
    let err = pool
        .fetch_all::<(i32,)>(
            Query::sql("SELECT Slow")
                .timeout(ms(100))
                .retry(mssqlx_runtime::RetryPolicy::none()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CommandTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // The server saw the cancellation (TDS attention).
    assert!(server
        .recorder()
        .requests()
        .iter()
        .any(|r| matches!(r.request, Request::Attention)));
    let state = settled(&pool).await;
    assert_eq!(state.stats.discarded, 1);
    // The pool is healthy afterwards.
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn pool_default_command_timeout_applies_and_per_call_overrides_it() {
    let script = base_script().on_prefix(
        "SELECT Slow",
        Reply::rows(one()).delayed(Duration::from_millis(300)),
    );
    let server = server_with(script).await;
    let pool = options()
        .command_timeout(ms(50))
        .retry_policy(mssqlx_runtime::RetryPolicy::none())
        .connect_lazy(&server.url())
        .unwrap();
    let err = pool
        .fetch_all::<(i32,)>(Query::sql("SELECT Slow"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CommandTimeout { timeout } if timeout == ms(50)));
    let rows: Vec<(i32,)> = pool
        .fetch_all(Query::sql("SELECT Slow").timeout(Duration::from_secs(2)))
        .await
        .unwrap();
    assert_eq!(rows, vec![(1,)]);
}

#[tokio::test]
async fn connection_whose_future_was_dropped_mid_request_is_discarded() {
    let script = base_script().on_prefix(
        "SELECT Slow",
        Reply::rows(one()).delayed(Duration::from_millis(500)),
    );
    let server = server_with(script).await;
    let pool = pool_for(&server);
    let r = tokio::time::timeout(ms(50), pool.fetch_all::<(i32,)>(Query::sql("SELECT Slow"))).await;
    assert!(r.is_err());
    let state = settled(&pool).await;
    assert_eq!(state.stats.discarded, 1);
    assert_eq!(state.connections, 0);
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn connection_that_saw_an_io_error_is_discarded() {
    let script = base_script().on_prefix(
        "SELECT Big",
        Reply::rows(users()).with_fault(Fault::DropAfterRows(1)),
    );
    let server = server_with(script).await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_all::<(i32, Option<String>)>(Query::sql("SELECT Big").write())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConnectionLost { .. }), "{err:?}");
    let state = settled(&pool).await;
    assert_eq!(state.stats.discarded, 1);
    assert_eq!(state.connections, 0);
}

#[tokio::test]
async fn connection_returned_inside_a_transaction_is_reset_before_reuse() {
    let server = server().await;
    let pool = options().max_size(1).connect_lazy(&server.url()).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    (&mut conn)
        .execute(Query::sql("BEGIN TRANSACTION"))
        .await
        .unwrap();
    (&mut conn)
        .execute(Query::sql("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"))
        .await
        .unwrap();
    let id = server.recorder().requests().last().unwrap().connection;
    assert_eq!(server.session(id).unwrap().tran_count(), 1);
    drop(conn);
    let _conn = pool.acquire().await.unwrap();
    let session = server.session(id).unwrap();
    assert_eq!(session.tran_count(), 0);
    assert_eq!(
        session.isolation_level(),
        mssqlx_mock::IsolationLevel::ReadCommitted
    );
    assert_eq!(sql_of(&server, id).last().unwrap(), RESET_SQL);
    assert_eq!(pool.state().stats.resets, 1);
}

#[tokio::test]
async fn connection_whose_reset_fails_is_discarded() {
    let script = Script::new()
        .on_prefix(
            "IF @@TRANCOUNT",
            Reply::error(ServerMessage::new(50000, "reset refused")),
        )
        .on_exact("SELECT 1", Reply::rows(one()));
    let server = server_with(script).await;
    let pool = options().max_size(1).connect_lazy(&server.url()).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    (&mut conn)
        .execute(Query::sql("BEGIN TRANSACTION"))
        .await
        .unwrap();
    let first = conn.id();
    drop(conn);
    let conn = pool.acquire().await.unwrap();
    assert_ne!(conn.id(), first);
    drop(conn);
    let state = settled(&pool).await;
    assert_eq!(state.stats.discarded, 1);
    assert_eq!(state.stats.opened, 2);
}

#[tokio::test]
async fn passwords_never_show_in_debug_or_logs() {
    let secret = "Sup3rSecret-Hunter2";
    let server = MockServer::builder()
        .login("app", "right")
        .handler(base_script())
        .start()
        .await
        .unwrap();
    let (capture, _guard) = Capture::install();
    let url = server.url_for("app", secret);
    let err = options().connect(&url).await.unwrap_err();
    let pool = options().connect_lazy(&url).unwrap();
    let text = format!(
        "{err:?} {err} {pool:?} {:?} {}",
        pool.connect_options(),
        capture.text()
    );
    assert!(!text.contains(secret), "{text}");
    assert!(text.contains("<redacted>"));
}

#[tokio::test]
async fn access_token_provider_is_called_for_each_new_connection() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let server = MockServer::builder()
        .access_token("entra-token-0")
        .access_token("entra-token-1")
        .handler(base_script())
        .start()
        .await
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    // The connection string carries no password: the token is the credential.
    let url = format!(
        "server=tcp:127.0.0.1,{};encrypt=DANGER_PLAINTEXT",
        server.addr().port()
    );
    let pool = options()
        .max_size(2)
        .connect_retries(0)
        .access_token_provider(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move { Ok(format!("entra-token-{n}")) }
        })
        .connect_lazy(&url)
        .unwrap();
    let a = pool.acquire().await.unwrap();
    let b = pool.acquire().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let mut tokens: Vec<String> = server
        .recorder()
        .logins()
        .into_iter()
        .filter_map(|(_, l)| l.access_token)
        .collect();
    tokens.sort();
    assert_eq!(tokens, ["entra-token-0", "entra-token-1"]);
    drop((a, b));
    // Reused connections do not ask again.
    drop(pool.acquire().await.unwrap());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // A token the server refuses is a login failure.
    let err = options()
        .connect_retries(0)
        .access_token_provider(|| async { Ok("expired".to_string()) })
        .connect(&url)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LoginFailed { .. }), "{err:?}");
}

#[tokio::test]
async fn gateway_redirect_is_followed_by_redialling_the_given_address() {
    let gateway = server().await;
    let database = server().await;
    gateway
        .faults()
        .redirect_next_logins(1, "127.0.0.1", database.addr().port());
    let pool = options().connect_lazy(&gateway.url()).unwrap();
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(gateway.counters().redirects, 1);
    assert_eq!(recorded(&gateway, "SELECT Id").len(), 0);
    assert_eq!(recorded(&database, "SELECT Id").len(), 1);
}

#[tokio::test]
async fn gateway_redirects_are_followed_a_bounded_number_of_times() {
    let gateway = server().await;
    let port = gateway.addr().port();
    gateway.faults().redirect_next_logins(10, "127.0.0.1", port);
    let err = options()
        .max_redirects(3)
        .connect_retries(0)
        .connect(&gateway.url())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooManyRedirects { limit: 3, ref last } if last == &format!("127.0.0.1:{port}")),
        "{err:?}"
    );
    assert_eq!(gateway.counters().redirects, 4);
}

#[tokio::test]
async fn failing_access_token_provider_is_reported_as_such() {
    let server = server().await;
    let err = options()
        .connect_retries(0)
        .access_token_provider(|| async {
            Err::<String, _>(Error::TokenProvider("no managed identity".into()))
        })
        .connect(&server.url())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TokenProvider(ref m) if m.contains("no managed identity")),
        "{err:?}"
    );
    assert_eq!(server.counters().logins, 0);
}

#[tokio::test]
async fn pool_is_cheap_to_clone_and_shares_connections() {
    let server = server().await;
    let pool = pool_for(&server);
    let other: Pool = pool.clone();
    let _: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    let _: Vec<(i32, Option<String>)> = other
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(server.counters().connections_opened, 1);
    let _ = PoolOptions::new();
}

#[tokio::test]
async fn every_waiting_checkout_gets_the_connect_error_not_a_timeout() {
    let server = MockServer::builder()
        .login("app", "right")
        .handler(base_script())
        .start()
        .await
        .unwrap();
    let pool = options()
        .max_size(1)
        .checkout_timeout(Duration::from_secs(10))
        .connect_lazy(&server.url_for("app", "wrong"))
        .unwrap();
    let started = Instant::now();
    let (a, b, c) = tokio::join!(pool.acquire(), pool.acquire(), pool.acquire());
    for r in [a, b, c] {
        let e = r.unwrap_err();
        assert!(matches!(e, Error::LoginFailed { .. }), "{e:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn a_connect_failure_from_before_the_checkout_is_not_reported_later() {
    let server = server().await;
    server
        .faults()
        .fail_next_logins(1, ServerMessage::login_failed(mssqlx_mock::DEFAULT_USER));
    // The background min_idle connect fails while nobody waits...
    let pool = options()
        .min_idle(1)
        .max_size(1)
        .connect_lazy(&server.url())
        .unwrap();
    let start = Instant::now();
    while pool.state().stats.failed == 0 && start.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(ms(5)).await;
    }
    assert_eq!(pool.state().stats.failed, 1);
    // ...and a later checkout gets a working connection, not that old error.
    let mut conn = pool.acquire().await.unwrap();
    let rows: Vec<(i32, Option<String>)> = (&mut conn)
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

#[tokio::test]
async fn begin_tran_sent_through_the_pool_executor_is_rolled_back_before_reuse() {
    let server = server().await;
    let pool = options().max_size(1).connect_lazy(&server.url()).unwrap();
    pool.execute(Query::sql(
        "BEGIN TRANSACTION; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
    ))
    .await
    .unwrap();
    let id = server.recorder().requests().last().unwrap().connection;
    assert_eq!(server.session(id).unwrap().tran_count(), 1);
    pool.execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let session = server.session(id).unwrap();
    assert_eq!(session.tran_count(), 0, "reset before the INSERT ran");
    assert_eq!(
        session.isolation_level(),
        mssqlx_mock::IsolationLevel::ReadCommitted
    );
    assert_eq!(
        recorded(&server, "INSERT")[0].1,
        0,
        "the INSERT ran in autocommit"
    );
    // A table named Transactions does not trigger resets.
    let resets = pool.state().stats.resets;
    let _: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    let _ = pool
        .execute(Query::sql("UPDATE dbo.Transactions SET Seen = 1"))
        .await
        .unwrap();
    let _: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(pool.state().stats.resets, resets);
}
