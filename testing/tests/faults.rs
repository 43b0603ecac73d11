//! Each fault, and what a plain tiberius client observes.

mod common;

use common::connect;
use futures_util::TryStreamExt;
use mssqlx_mock::{
    row, Column, Fault, MockServer, Reply, ResultSet, Script, ServerMessage, SqlType,
};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

fn numbers(n: i32) -> ResultSet {
    let mut rs = ResultSet::new([Column::not_null("n", SqlType::Int)]);
    for i in 0..n {
        rs.push_row(row![i]);
    }
    rs
}

fn server_error(err: tiberius::error::Error) -> (u32, u8) {
    match err {
        tiberius::error::Error::Server(e) => (e.code(), e.class()),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[tokio::test]
async fn injected_login_error_fails_that_login_only() {
    let server = MockServer::start().await.unwrap();
    server.faults().fail_next_logins(
        1,
        ServerMessage::new(4060, "Cannot open database \"shop\"").class(11),
    );
    let err = connect(&server.url()).await.unwrap_err();
    assert_eq!(server_error(err), (4060, 11));
    connect(&server.url()).await.unwrap();
    assert_eq!(
        (server.counters().failed_logins, server.counters().logins),
        (1, 1)
    );
}

#[tokio::test]
async fn error_on_the_kth_statement_fails_exactly_that_statement() {
    let server = MockServer::builder()
        .handler(Script::new().otherwise(Reply::done()))
        .start()
        .await
        .unwrap();
    server
        .faults()
        .error_on_statement(2, ServerMessage::deadlock_victim());
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("one")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let err = client.simple_query("two").await.unwrap_err();
    assert_eq!(server_error(err), (1205, 13));
    client
        .simple_query("three")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
}

#[tokio::test]
async fn statements_matching_a_rule_fail_with_the_scripted_error() {
    let script = Script::new().on_regex(
        r"(?i)^insert into orders",
        Reply::error(
            ServerMessage::new(2627, "Violation of PRIMARY KEY constraint 'PK_orders'.").state(2),
        ),
    );
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let err = client
        .execute("INSERT INTO orders VALUES (@P1)", &[&1i32])
        .await
        .unwrap_err();
    assert_eq!(server_error(err), (2627, 16));
}

#[tokio::test]
async fn first_connections_fail_then_connections_succeed() {
    let server = MockServer::builder()
        .fail_first_connections(2)
        .start()
        .await
        .unwrap();
    assert!(connect(&server.url()).await.is_err());
    assert!(connect(&server.url()).await.is_err());
    connect(&server.url()).await.unwrap();
    assert_eq!(server.counters().connections_opened, 3);
    assert_eq!(server.counters().logins, 1);
}

#[tokio::test]
async fn socket_dropped_before_login_fails_the_connect_with_no_login_counted() {
    let server = MockServer::start().await.unwrap();
    server.faults().drop_next_before_login(1);
    let err = connect(&server.url()).await.unwrap_err();
    assert!(!matches!(err, tiberius::error::Error::Server(_)), "{err:?}");
    assert_eq!(server.counters().logins, 0);
    connect(&server.url()).await.unwrap();
}

#[tokio::test]
async fn drop_after_rows_delivers_exactly_k_rows_then_the_connection_breaks() {
    let script = Script::new().on_exact(
        "SELECT n",
        Reply::rows(numbers(5_000)).with_fault(Fault::DropAfterRows(1_234)),
    );
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let mut stream = client
        .simple_query("SELECT n")
        .await
        .unwrap()
        .into_row_stream();
    let mut received = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(row)) => {
                assert_eq!(row.get::<i32, _>(0), Some(received));
                received += 1;
            }
            Ok(None) => panic!("stream ended cleanly after {received} rows"),
            Err(e) => break e,
        }
    };
    assert_eq!(received, 1_234, "{err}");
}

#[tokio::test]
async fn drop_before_reply_on_commit_applies_the_commit_but_sends_no_reply() {
    let script = Script::new().on_exact("COMMIT", Reply::fault(Fault::DropBeforeReply));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(server.session(1).unwrap().tran_count(), 1);
    assert!(client.simple_query("COMMIT").await.is_err());
    common::eventually("the session is closed", || {
        !server.session(1).unwrap().is_open()
    })
    .await;
    let session = server.session(1).unwrap();
    assert_eq!(session.tran_count(), 0, "the commit was applied");
    assert!(!session.is_open(), "the socket was dropped");
    assert_eq!(
        server.recorder().sql().last().map(String::as_str),
        Some("COMMIT")
    );
}

#[tokio::test]
async fn a_delayed_reply_trips_the_client_timeout_and_attention_cancels_it() {
    let script = Script::new()
        .on_exact(
            "slow",
            Reply::rows(numbers(1)).delayed(Duration::from_secs(30)),
        )
        .on_exact("fast", Reply::rows(numbers(3)));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let started = std::time::Instant::now();
    let timed_out = tokio::time::timeout(Duration::from_millis(200), async {
        client.simple_query("slow").await?.into_results().await
    })
    .await;
    assert!(timed_out.is_err(), "the client must time out");
    client.cancel_query().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let rows = client
        .simple_query("fast")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "the connection is clean after the cancel");
    let attention = server
        .recorder()
        .requests()
        .iter()
        .filter(|r| matches!(r.request, mssqlx_mock::Request::Attention))
        .count();
    assert_eq!(attention, 1);
}

#[tokio::test]
async fn a_short_delay_is_just_waited_for() {
    let script = Script::new().on_exact(
        "slow",
        Reply::rows(numbers(2)).delayed(Duration::from_millis(150)),
    );
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let started = std::time::Instant::now();
    let rows = client
        .simple_query("slow")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn restart_drops_live_connections_and_refuses_new_ones_for_a_while() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    server.restart(Duration::from_secs(2));
    assert!(
        client.simple_query("SELECT @@TRANCOUNT").await.is_err(),
        "old connection is gone"
    );
    assert!(connect(&server.url()).await.is_err(), "refused while down");
    assert!(server.counters().connections_refused >= 1);
    common::eventually("the server is back", || !server.faults().refusing()).await;
    connect(&server.url()).await.unwrap();
    assert_eq!(server.counters().connections_live, 1);
}

#[tokio::test]
async fn counters_track_connections_opened_live_and_requests() {
    let server = MockServer::start().await.unwrap();
    let mut a = connect(&server.url()).await.unwrap();
    let b = connect(&server.url()).await.unwrap();
    a.simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    a.begin_transaction().await.unwrap();
    drop(b);
    common::eventually("b is closed", || server.counters().connections_live == 1).await;
    let c = server.counters();
    assert_eq!((c.connections_opened, c.connections_live), (2, 1));
    assert_eq!((c.requests, c.statements), (2, 1));
}

#[tokio::test]
async fn malformed_packets_close_only_that_connection() {
    let server = MockServer::start().await.unwrap();
    let mut raw = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    // A PRELOGIN packet claiming a 4-byte length (shorter than its header).
    raw.write_all(&[0x12, 0x01, 0x00, 0x04, 0, 0, 1, 0, 0xFF])
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::io::AsyncReadExt::read(&mut raw, &mut buf)
        .await
        .unwrap_or(0);
    assert_eq!(n, 0, "the server closes the connection");
    // A valid PRELOGIN followed by a garbage LOGIN7 is closed the same way.
    let mut raw = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let prelogin = mssqlx_mock::protocol::prelogin::encode_reply(
        mssqlx_mock::protocol::prelogin::ENCRYPT_NOT_SUP,
        false,
    );
    let mut packet = vec![0x12, 0x01, 0, (8 + prelogin.len()) as u8, 0, 0, 1, 0];
    packet.extend_from_slice(&prelogin);
    raw.write_all(&packet).await.unwrap();
    let mut reply = vec![0u8; 8 + prelogin.len()];
    tokio::io::AsyncReadExt::read_exact(&mut raw, &mut reply)
        .await
        .unwrap();
    raw.write_all(&[
        0x10, 0x01, 0x00, 0x12, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6,
    ])
    .await
    .unwrap();
    let n = tokio::io::AsyncReadExt::read(&mut raw, &mut buf)
        .await
        .unwrap_or(0);
    assert_eq!(n, 0, "the server closes the connection");
    // Other clients are unaffected.
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(server.counters().logins, 1);
}
