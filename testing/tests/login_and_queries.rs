//! Login, SQL batches, RPC calls and the recorder, with plain tiberius as the client.

mod common;

use common::{connect, single_row};
use mssqlx_mock::{row, Column, MockServer, Reply, Request, ResultSet, Script, SqlType, Value};

fn users() -> ResultSet {
    ResultSet::new([
        Column::not_null("id", SqlType::Int),
        Column::new("name", SqlType::nvarchar(50)),
    ])
    .row(row![1, "Ada"])
    .row(row![2, None::<&str>])
}

#[tokio::test]
async fn tiberius_logs_in_with_accepted_credentials_and_lands_in_the_default_database() {
    let server = MockServer::builder()
        .login("app", "Secret#1")
        .database("shop")
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let row = single_row(&mut client, "SELECT DB_NAME()").await;
    assert_eq!(row.get::<&str, _>(0), Some("shop"));
    let logins = server.recorder().logins();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].1.username, "app");
    assert_eq!(logins[0].1.password, "Secret#1");
    assert_eq!(server.counters().logins, 1);
}

#[tokio::test]
async fn wrong_password_is_refused_with_error_18456() {
    let server = MockServer::builder()
        .login("app", "Secret#1")
        .start()
        .await
        .unwrap();
    let err = connect(&server.url_for("app", "nope")).await.unwrap_err();
    match err {
        tiberius::error::Error::Server(e) => {
            assert_eq!(e.code(), 18456);
            assert_eq!(e.class(), 14);
            assert!(e.message().contains("Login failed for user 'app'"));
        }
        other => panic!("expected a server error, got {other:?}"),
    }
    assert_eq!(server.counters().failed_logins, 1);
    assert_eq!(server.counters().logins, 0);
}

#[tokio::test]
async fn sql_batch_gets_the_scripted_rows_and_is_recorded() {
    let script = Script::new().on_exact("SELECT id, name FROM users", Reply::rows(users()));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let rows = client
        .simple_query("SELECT id, name FROM users")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get::<i32, _>("id"), Some(1));
    assert_eq!(rows[0].get::<&str, _>("name"), Some("Ada"));
    assert_eq!(rows[1].get::<&str, _>("name"), None);
    assert_eq!(server.recorder().sql(), ["SELECT id, name FROM users"]);
    let recorded = server.recorder().requests();
    assert!(matches!(recorded[0].request, Request::Batch(_)));
    assert_eq!(recorded[0].connection, 1);
}

#[tokio::test]
async fn rpc_query_gets_rows_and_its_parameters_are_recorded_typed() {
    let script = Script::new().on_prefix("SELECT id, name FROM users WHERE", Reply::rows(users()));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let rows = client
        .query(
            "SELECT id, name FROM users WHERE id > @P1 AND name <> @P2",
            &[&0i32, &"Bob"],
        )
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let requests = server.recorder().connection(1);
    let Request::Rpc(call) = &requests[0] else {
        panic!("{requests:?}")
    };
    assert_eq!(call.procedure, mssqlx_mock::Procedure::ExecuteSql);
    assert_eq!(call.declaration(), Some("@P1 int,@P2 nvarchar(4000)"));
    let args = call.arguments();
    assert_eq!(args[0].name, "@P1");
    assert_eq!(args[0].ty, SqlType::Int);
    assert_eq!(args[0].value, Value::I32(0));
    assert_eq!(args[1].ty, SqlType::nvarchar(4000));
    assert_eq!(args[1].value, Value::String("Bob".into()));
}

#[tokio::test]
async fn execute_reports_the_scripted_row_count() {
    let script = Script::new().on_prefix("UPDATE", Reply::count(3));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let result = client
        .execute("UPDATE t SET a = @P1", &[&1i32])
        .await
        .unwrap();
    assert_eq!(result.rows_affected(), &[3]);
    let batch = client.execute("UPDATE t SET a = 1", &[]).await.unwrap();
    assert_eq!(batch.total(), 3);
}

#[tokio::test]
async fn unscripted_statement_fails_with_error_50000_naming_the_sql() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let err = client.simple_query("SELECT nothing").await.unwrap_err();
    assert!(
        err.to_string()
            .contains("no rule matches this statement: SELECT nothing"),
        "{err}"
    );
    // The connection stays usable.
    let row = single_row(&mut client, "SELECT @@TRANCOUNT").await;
    assert_eq!(row.get::<i32, _>(0), Some(0));
}

#[tokio::test]
async fn several_result_sets_and_counts_in_one_reply_arrive_in_order() {
    let reply = Reply::rows(users())
        .and_count(5)
        .and_rows(ResultSet::new([Column::not_null("n", SqlType::BigInt)]).row(row![7i64]));
    let server = MockServer::builder()
        .handler(Script::new().on_exact("multi", reply))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let sets = client
        .simple_query("multi")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].len(), 2);
    assert_eq!(sets[1][0].get::<i64, _>(0), Some(7));
}

#[tokio::test]
async fn rules_are_tried_in_order_and_closures_see_the_parameters() {
    let script = Script::new()
        .on_fn(|req, _| {
            let v = req.params().first()?.value.as_i64()?;
            Some(Reply::rows(
                ResultSet::new([Column::not_null("twice", SqlType::BigInt)]).row(row![v * 2]),
            ))
        })
        .on_regex(r"^SELECT \d+$", Reply::count(0));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let row = client
        .query("SELECT @P1 * 2", &[&21i64])
        .await
        .unwrap()
        .into_row()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.get::<i64, _>(0), Some(42));
}

#[tokio::test]
async fn each_connection_is_recorded_separately() {
    let server = MockServer::builder()
        .handler(Script::new().otherwise(Reply::done()))
        .start()
        .await
        .unwrap();
    let mut a = connect(&server.url()).await.unwrap();
    let mut b = connect(&server.url()).await.unwrap();
    a.simple_query("one")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    b.simple_query("two")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    a.simple_query("three")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let sql = |id| -> Vec<String> {
        server
            .recorder()
            .connection(id)
            .iter()
            .filter_map(|r| r.sql().map(String::from))
            .collect()
    };
    assert_eq!(sql(1), ["one", "three"]);
    assert_eq!(sql(2), ["two"]);
    assert_eq!(server.counters().connections_live, 2);
    assert_eq!(server.counters().statements, 3);
}

#[tokio::test]
async fn return_status_return_value_and_info_tokens_are_accepted_by_tiberius() {
    let reply = Reply::count(1)
        .and_info(mssqlx_mock::ServerMessage::new(50001, "progress").class(0))
        .with_return_status(5)
        .with_return_value(1, "@out", Column::new("", SqlType::Int), 42);
    let server = MockServer::builder()
        .handler(Script::new().on_prefix("EXEC", reply))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let result = client.execute("EXEC dbo.p @P1", &[&1i32]).await.unwrap();
    assert_eq!(result.rows_affected(), &[1]);
    let mut tokens = bytes::BytesMut::new();
    mssqlx_mock::protocol::token::put_return_status(&mut tokens, 5);
    assert_eq!(&tokens[..], &[0x79, 5, 0, 0, 0]);
}

#[tokio::test]
async fn negotiated_packet_size_is_announced_and_used_for_large_replies() {
    let mut rs = ResultSet::new([Column::not_null("s", SqlType::nvarchar(100))]);
    for i in 0..5_000 {
        rs.push_row(row![format!("row {i:>60}")]);
    }
    let server = MockServer::builder()
        .handler(Script::new().on_exact("rows", Reply::rows(rs)))
        .start()
        .await
        .unwrap();
    let mut config = tiberius::Config::from_ado_string(&server.url()).unwrap();
    config.packet_size(16_384);
    let mut client = common::connect_with(config).await.unwrap();
    let rows = client
        .simple_query("rows")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 5_000);
    assert_eq!(server.session(1).unwrap().packet_size(), 16_384);
}

#[tokio::test]
async fn use_database_changes_the_session_database_and_tiberius_sees_the_envchange() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    client
        .simple_query("USE [reporting]")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(server.session(1).unwrap().database(), "reporting");
    let row = single_row(&mut client, "SELECT DB_NAME()").await;
    assert_eq!(row.get::<&str, _>(0), Some("reporting"));
}

#[tokio::test]
async fn dropping_the_server_closes_its_connections_and_its_port() {
    let server = MockServer::start().await.unwrap();
    let url = server.url();
    let mut client = connect(&url).await.unwrap();
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(
        client.simple_query("SELECT 1").await.is_err(),
        "live connection closed"
    );
    assert!(connect(&url).await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn on_nth_statement_answers_only_the_kth_statement_the_script_sees() {
    let script = Script::new()
        .on_nth_statement(2, Reply::count(99))
        .otherwise(Reply::count(1));
    let server = MockServer::builder().handler(script).start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let mut counts = Vec::new();
    for _ in 0..3 {
        counts.push(
            client
                .execute("UPDATE t SET a = 1", &[])
                .await
                .unwrap()
                .total(),
        );
    }
    assert_eq!(counts, [1, 99, 1]);
}
