//! Session state from Transaction Manager requests (tiberius's own API) and
//! from T-SQL text, as a pool would observe it.

mod common;

use common::{connect, single_row};
use mssqlx_mock::{IsolationLevel, MockServer, Request, TransactionRequest};

async fn trancount(client: &mut common::TestClient) -> (i32, i16) {
    let row = single_row(client, "SELECT @@TRANCOUNT, XACT_STATE()").await;
    (row.get::<i32, _>(0).unwrap(), row.get::<i16, _>(1).unwrap())
}

#[tokio::test]
async fn tiberius_transaction_manager_begin_save_rollback_commit_drive_the_session() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();

    client
        .begin_transaction_with_isolation(tiberius::IsolationLevel::Serializable)
        .await
        .unwrap();
    let s = server.session(1).unwrap();
    assert_eq!(s.tran_count(), 1);
    assert_eq!(s.isolation_level(), IsolationLevel::Serializable);
    assert_ne!(s.transaction_descriptor(), 0);
    assert_eq!(trancount(&mut client).await, (1, 1));

    client.save_transaction("sp1").await.unwrap();
    assert_eq!(server.session(1).unwrap().savepoints(), ["sp1"]);
    client.commit_transaction().await.unwrap();
    assert_eq!(server.session(1).unwrap().tran_count(), 0);

    client.begin_transaction().await.unwrap();
    client.rollback_transaction().await.unwrap();
    assert_eq!(trancount(&mut client).await, (0, 0));

    let tm: Vec<TransactionRequest> = server
        .recorder()
        .connection(1)
        .into_iter()
        .filter_map(|r| match r {
            Request::Transaction(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(
        tm,
        vec![
            TransactionRequest::Begin {
                isolation: Some(IsolationLevel::Serializable),
                name: String::new()
            },
            TransactionRequest::Save { name: "sp1".into() },
            TransactionRequest::Commit {
                name: String::new()
            },
            TransactionRequest::Begin {
                isolation: None,
                name: String::new()
            },
            TransactionRequest::Rollback {
                name: String::new()
            },
        ]
    );
}

#[tokio::test]
async fn requests_inside_a_transaction_carry_the_descriptor_the_server_announced() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let descriptor = server.session(1).unwrap().transaction_descriptor();
    client
        .simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    client
        .simple_query("COMMIT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    client
        .simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let sent: Vec<u64> = server
        .recorder()
        .requests()
        .iter()
        .map(|r| r.transaction_descriptor)
        .collect();
    assert_eq!(sent, vec![0, descriptor, descriptor, 0]);
}

#[tokio::test]
async fn transaction_statements_in_sql_text_keep_trancount_savepoints_and_isolation() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRAN outer_tx; BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(trancount(&mut client).await, (2, 1));
    client
        .simple_query("SAVE TRAN a; SAVE TRANSACTION b")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    client
        .simple_query("ROLLBACK TRAN a")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let s = server.session(1).unwrap();
    assert_eq!(
        (s.tran_count(), s.savepoints().to_vec()),
        (2, vec!["a".to_string()])
    );
    assert_eq!(s.isolation_level(), IsolationLevel::Snapshot);
    client
        .simple_query("COMMIT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(trancount(&mut client).await, (1, 1));
    client
        .simple_query("ROLLBACK")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(trancount(&mut client).await, (0, 0));
}

#[tokio::test]
async fn commit_without_begin_fails_with_error_3902_like_sql_server() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let err = client.simple_query("COMMIT TRAN").await.unwrap_err();
    match err {
        tiberius::error::Error::Server(e) => assert_eq!(e.code(), 3902),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_doomed_transaction_reports_xact_state_minus_one_and_refuses_commit() {
    let script = mssqlx_mock::Script::new().on_fn(|req, session| {
        (req.sql() == Some("fail under xact_abort")).then(|| {
            session.doom();
            mssqlx_mock::Reply::error(mssqlx_mock::ServerMessage::new(547, "constraint"))
        })
    });
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert!(client.simple_query("fail under xact_abort").await.is_err());
    assert_eq!(trancount(&mut client).await, (1, -1));
    let err = client.simple_query("COMMIT").await.unwrap_err();
    assert!(err.to_string().contains("cannot be committed"), "{err}");
    client
        .simple_query("IF XACT_STATE() <> 0 ROLLBACK")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(trancount(&mut client).await, (0, 0));
}

#[tokio::test]
async fn sessions_show_which_pooled_connection_was_left_inside_a_transaction() {
    let server = MockServer::start().await.unwrap();
    let mut clean = connect(&server.url()).await.unwrap();
    let mut leaky = connect(&server.url()).await.unwrap();
    clean
        .simple_query("BEGIN TRAN; COMMIT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    leaky
        .simple_query("BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let open: Vec<(u64, u32)> = server
        .open_sessions()
        .iter()
        .map(|s| (s.id(), s.tran_count()))
        .collect();
    assert_eq!(open, vec![(1, 0), (2, 1)]);
    drop(leaky);
    common::eventually("the leaky session is closed", || {
        server.open_sessions().len() == 1
    })
    .await;
    assert!(!server.session(2).unwrap().is_open());
}

/// A proxy that sets RESETCONNECTION (status bit 0x08) on the next SQL batch
/// tiberius sends once `reset` is raised, as a pooled driver would.
async fn resetting_proxy(
    target: std::net::SocketAddr,
    reset: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> u16 {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let server = tokio::net::TcpStream::connect(target).await.unwrap();
        let (mut cr, mut cw) = client.into_split();
        let (mut sr, mut sw) = server.into_split();
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut sr, &mut cw).await;
        });
        loop {
            let mut header = [0u8; 8];
            if cr.read_exact(&mut header).await.is_err() {
                return;
            }
            let len = u16::from_be_bytes([header[2], header[3]]) as usize;
            let mut body = vec![0u8; len - 8];
            cr.read_exact(&mut body).await.unwrap();
            if header[0] == 0x01 && reset.swap(false, Ordering::SeqCst) {
                header[1] |= 0x08;
            }
            sw.write_all(&header).await.unwrap();
            sw.write_all(&body).await.unwrap();
        }
    });
    port
}

#[tokio::test]
async fn reset_connection_flag_rolls_back_the_open_transaction_and_is_recorded() {
    let server = MockServer::start().await.unwrap();
    let reset = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let port = resetting_proxy(server.addr(), reset.clone()).await;
    let url = server
        .url()
        .replace(&server.addr().port().to_string(), &port.to_string());
    let mut client = connect(&url).await.unwrap();
    client
        .simple_query("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; BEGIN TRAN")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(server.session(1).unwrap().tran_count(), 1);
    reset.store(true, std::sync::atomic::Ordering::SeqCst);
    // tiberius still believes it is in the transaction: the server resets first.
    assert_eq!(trancount(&mut client).await, (0, 0));
    let s = server.session(1).unwrap();
    assert_eq!(
        (s.resets(), s.isolation_level()),
        (1, IsolationLevel::ReadCommitted)
    );
    let flags: Vec<bool> = server
        .recorder()
        .requests()
        .iter()
        .map(|r| r.reset_connection)
        .collect();
    assert_eq!(flags, vec![false, true]);
}
