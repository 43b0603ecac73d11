//! Session state from Transaction Manager requests (tiberius's own API) and
//! from T-SQL text, as a pool would observe it.

mod common;

use common::connect;
use mssqlx_mock::{IsolationLevel, MockServer, Request, TransactionRequest};

async fn trancount(client: &mut common::TestClient) -> (i32, i16) {
    let row = client
        .simple_query("SELECT @@TRANCOUNT, XACT_STATE()")
        .await
        .unwrap()
        .into_row()
        .await
        .unwrap()
        .unwrap();
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
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(server.open_sessions().len(), 1);
    assert!(!server.session(2).unwrap().is_open());
}
