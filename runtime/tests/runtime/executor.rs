//! Issue point 3: the Executor, on the pool, a pooled connection and a transaction.

use futures_util::TryStreamExt;
use mssqlx_mock::{row, Column, Reply, ResultSet, SqlType, Value};
use mssqlx_runtime::{row::decode, Error, Executor, FromRow, Json, Query, Result, Row};
use serde::{Deserialize, Serialize};

use crate::common::*;

#[derive(Debug, PartialEq)]
struct User {
    id: i32,
    email: Option<String>,
}

impl FromRow for User {
    fn from_row(row: &Row) -> Result<Self> {
        Ok(User {
            id: decode(row, 0)?,
            email: decode(row, 1)?,
        })
    }
}

async fn all_operations(db_name: &str, run: impl AsyncFnOnce() -> Result<()>) {
    run().await.unwrap_or_else(|e| panic!("{db_name}: {e}"));
}

#[tokio::test]
async fn pool_executor_fetches_typed_rows_and_executes() {
    let server = server().await;
    let pool = pool_for(&server);
    all_operations("pool", async || {
        let users: Vec<User> = pool.fetch_all(Query::new(USERS_SQL, &[&true])).await?;
        assert_eq!(
            users[0],
            User {
                id: 1,
                email: Some("ada@example.com".into())
            }
        );
        let first: User = pool.fetch_one(Query::new(USERS_SQL, &[&true])).await?;
        assert_eq!(first.id, 1);
        let maybe: Option<User> = pool.fetch_optional(Query::new(USERS_SQL, &[&true])).await?;
        assert_eq!(maybe.unwrap().id, 1);
        let streamed: Vec<User> = pool
            .fetch(Query::new(USERS_SQL, &[&true]))
            .try_collect()
            .await?;
        assert_eq!(streamed.len(), 2);
        let n = pool.execute(Query::new(INSERT_SQL, &[&7i32])).await?;
        assert_eq!(n, 1);
        Ok(())
    })
    .await;
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn fetch_one_on_no_rows_is_row_not_found_and_fetch_optional_is_none() {
    let empty = ResultSet::new([Column::not_null("Id", SqlType::Int)]);
    let server = server_with(base_script().on_prefix("SELECT Nothing", Reply::rows(empty))).await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_one::<(i32,)>(Query::sql("SELECT Nothing"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RowNotFound));
    let none: Option<(i32,)> = pool
        .fetch_optional(Query::sql("SELECT Nothing"))
        .await
        .unwrap();
    assert!(none.is_none());
}

#[tokio::test]
async fn values_travel_only_as_rpc_parameters() {
    let server = server().await;
    let pool = pool_for(&server);
    let email = "eve'); DROP TABLE dbo.Users; --";
    let sql = "SELECT Id, Email FROM dbo.Users WHERE Email = @P1 AND Id > @P2";
    let _: Vec<User> = pool
        .fetch_all(Query::new(sql, &[&email, &41i32]))
        .await
        .unwrap();
    let rpc = server
        .recorder()
        .requests()
        .into_iter()
        .find(|r| r.request.sql() == Some(sql))
        .expect("statement recorded");
    assert!(matches!(rpc.request, mssqlx_mock::Request::Rpc(_)));
    let params = rpc.request.params();
    assert_eq!(params.len(), 2);
    assert_eq!(params[0].value, Value::String(email.into()));
    assert_eq!(params[1].value, Value::I32(41));
    // No statement text ever carried the value.
    assert!(server
        .recorder()
        .sql()
        .iter()
        .all(|s| !s.contains("DROP TABLE")));
}

#[tokio::test]
async fn pool_connection_executor_runs_every_statement_on_one_session() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut conn = pool.acquire().await.unwrap();
    for _ in 0..3 {
        let _: Vec<User> = (&mut conn)
            .fetch_all(Query::new(USERS_SQL, &[&true]))
            .await
            .unwrap();
    }
    (&mut conn)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let streamed: Vec<User> = (&mut conn)
        .fetch(Query::new(USERS_SQL, &[&true]))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 2);
    let conns: std::collections::HashSet<u64> = recorded(&server, "SELECT Id")
        .into_iter()
        .chain(recorded(&server, "INSERT"))
        .map(|(c, _, _)| c)
        .collect();
    assert_eq!(conns.len(), 1);
    drop(conn);
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn pool_executor_takes_a_connection_per_statement_and_returns_it() {
    let server = server().await;
    let pool = pool_for(&server);
    let q = Query::new(USERS_SQL, &[&true]);
    let (a, b, c) = tokio::join!(
        pool.fetch_all::<User>(q),
        pool.fetch_all::<User>(q),
        pool.fetch_all::<User>(q)
    );
    assert_eq!(a.unwrap().len() + b.unwrap().len() + c.unwrap().len(), 6);
    let state = settled(&pool).await;
    assert_eq!(state.in_use, 0);
    assert!(state.connections >= 1 && state.connections <= 3);
}

#[tokio::test]
async fn decode_error_names_the_column_and_keeps_the_connection() {
    let server = server().await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_all::<(String, String)>(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Decode { ref column, .. } if column == "Id"),
        "{err}"
    );
    let state = settled(&pool).await;
    assert_eq!(state.stats.discarded, 0);
    let ok: Vec<User> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(ok.len(), 2);
}

#[tokio::test]
async fn null_into_a_non_option_field_names_the_column() {
    let rs = ResultSet::new([Column::new("Nick", SqlType::nvarchar(20))]).row(row![None::<&str>]);
    let server = server_with(base_script().on_prefix("SELECT Nick", Reply::rows(rs))).await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_one::<(String,)>(Query::sql("SELECT Nick FROM dbo.Users"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedNull { ref column } if column == "Nick"));
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Prefs {
    theme: String,
    tags: Vec<String>,
}

#[tokio::test]
async fn json_columns_and_parameters_go_through_serde() {
    let rs = ResultSet::new([Column::new(
        "Prefs",
        SqlType::NVarChar(mssqlx_mock::Length::Max),
    )])
    .row(row![r#"{"theme":"dark","tags":["a"]}"#]);
    let server = server_with(
        base_script()
            .on_prefix("SELECT Prefs", Reply::rows(rs))
            .on_prefix("UPDATE dbo.Users SET Prefs", Reply::count(1)),
    )
    .await;
    let pool = pool_for(&server);
    let (prefs,): (Json<Prefs>,) = pool
        .fetch_one(Query::sql("SELECT Prefs FROM dbo.Users"))
        .await
        .unwrap();
    assert_eq!(prefs.theme, "dark");
    let new = Json(Prefs {
        theme: "light".into(),
        tags: vec![],
    });
    pool.execute(Query::new(
        "UPDATE dbo.Users SET Prefs = @P1 WHERE Id = @P2",
        &[&new, &1i32],
    ))
    .await
    .unwrap();
    let sent = recorded(&server, "UPDATE dbo.Users SET Prefs");
    assert_eq!(sent.len(), 1);
    let rpc = server
        .recorder()
        .requests()
        .into_iter()
        .find(|r| {
            r.request
                .sql()
                .is_some_and(|s| s.starts_with("UPDATE dbo.Users SET Prefs"))
        })
        .unwrap();
    assert_eq!(
        rpc.request.params()[0].value,
        Value::String(r#"{"theme":"light","tags":[]}"#.into())
    );
}

#[tokio::test]
async fn server_errors_keep_their_number_and_message() {
    let server = server_with(base_script().on_prefix(
        "DELETE",
        Reply::error(mssqlx_mock::ServerMessage::new(
            547,
            "The DELETE statement conflicted with the REFERENCE constraint.",
        )),
    ))
    .await;
    let pool = pool_for(&server);
    let err = pool
        .execute(Query::new("DELETE FROM dbo.Users WHERE Id = @P1", &[&1i32]))
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(547));
    assert!(err.to_string().contains("REFERENCE constraint"));
    assert_eq!(recorded(&server, "DELETE").len(), 1);
    assert_eq!(settled(&pool).await.stats.discarded, 0);
}

#[tokio::test]
async fn money_and_smallmoney_columns_decode_into_exact_decimals() {
    use rust_decimal::Decimal;
    let price: Decimal = "123456789.1234".parse().unwrap();
    let small: Decimal = "-214748.3648".parse().unwrap();
    let rs = ResultSet::new([
        Column::not_null("Price", SqlType::Money),
        Column::not_null("Fee", SqlType::SmallMoney),
        Column::new("Refund", SqlType::Money),
    ])
    .row(row![price, small, None::<Decimal>]);
    let server = server_with(base_script().on_prefix("SELECT Price", Reply::rows(rs))).await;
    let pool = pool_for(&server);
    let got: (Decimal, Decimal, Option<Decimal>) = pool
        .fetch_one(Query::sql("SELECT Price, Fee, Refund FROM dbo.Items"))
        .await
        .unwrap();
    assert_eq!(got, (price, small, None));
    let err = pool
        .fetch_one::<(Decimal, Decimal, Decimal)>(Query::sql(
            "SELECT Price, Fee, Refund FROM dbo.Items",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedNull { ref column } if column == "Refund"),
        "{err}"
    );
}
