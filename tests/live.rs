//! The live suite: what only a real SQL Server can show.
//!
//! Runs only when `MSSQLX_TEST_DATABASE_URL` points at a SQL Server (an ADO.NET string or
//! an `mssql://` URL, on a scratch database the suite may create tables in); otherwise
//! each test says it was skipped and passes. mssqlx-mock proves the runtime's protocol
//! behaviour; these tests prove the *server* semantics the runtime and the analyzer
//! assume: the session settings, savepoint rollback, snapshot isolation, doomed
//! transactions.

use mssqlx::{Error, Executor, IsolationLevel, Pool, Query};

async fn live_pool(test: &str) -> Option<Pool> {
    let Ok(url) = std::env::var("MSSQLX_TEST_DATABASE_URL") else {
        eprintln!("SKIPPED {test}: set MSSQLX_TEST_DATABASE_URL to run the live suite");
        return None;
    };
    Some(
        Pool::connect(&url)
            .await
            .expect("connect to MSSQLX_TEST_DATABASE_URL"),
    )
}

#[tokio::test]
async fn new_connections_carry_the_session_settings_the_analyzer_assumes() {
    let Some(pool) = live_pool("session settings").await else {
        return;
    };
    // @@OPTIONS bits: ANSI_WARNINGS 8, ANSI_PADDING 16, ANSI_NULLS 32, ARITHABORT 64,
    // QUOTED_IDENTIFIER 256, CONCAT_NULL_YIELDS_NULL 4096.
    let (options,): (i32,) = pool
        .fetch_one(Query::sql("SELECT @@OPTIONS"))
        .await
        .unwrap();
    for (bit, name) in [
        (8, "ANSI_WARNINGS"),
        (16, "ANSI_PADDING"),
        (32, "ANSI_NULLS"),
        (64, "ARITHABORT"),
        (256, "QUOTED_IDENTIFIER"),
        (4096, "CONCAT_NULL_YIELDS_NULL"),
    ] {
        assert_ne!(options & bit, 0, "{name} is not ON on a pooled connection");
    }
}

#[tokio::test]
async fn rolling_back_a_savepoint_keeps_the_outer_transaction_work() {
    let Some(pool) = live_pool("savepoints").await else {
        return;
    };
    pool.execute(Query::sql(
        "IF OBJECT_ID('dbo.mssqlx_live_sp') IS NOT NULL DROP TABLE dbo.mssqlx_live_sp; \
         CREATE TABLE dbo.mssqlx_live_sp (id int NOT NULL PRIMARY KEY)",
    ))
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    tx.execute(Query::sql("INSERT dbo.mssqlx_live_sp VALUES (1)"))
        .await
        .unwrap();
    {
        let mut sp = tx.savepoint().await.unwrap();
        sp.execute(Query::sql("INSERT dbo.mssqlx_live_sp VALUES (2)"))
            .await
            .unwrap();
        sp.rollback().await.unwrap();
    }
    tx.commit().await.unwrap();
    let ids: Vec<(i32,)> = pool
        .fetch_all(Query::sql("SELECT id FROM dbo.mssqlx_live_sp ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(ids, vec![(1,)]);
    pool.execute(Query::sql("DROP TABLE dbo.mssqlx_live_sp"))
        .await
        .unwrap();
}

#[tokio::test]
async fn snapshot_isolation_works_or_names_the_alter_database_fix() {
    let Some(pool) = live_pool("snapshot isolation").await else {
        return;
    };
    match pool.begin_with(IsolationLevel::Snapshot).await {
        Ok(mut tx) => {
            let r: std::result::Result<Vec<(i32,)>, _> = tx.fetch_all(Query::sql("SELECT 1")).await;
            match r {
                Ok(_) => tx.commit().await.unwrap(),
                Err(e) => assert!(
                    matches!(e, Error::SnapshotIsolationNotAllowed { .. }),
                    "unexpected error {e}"
                ),
            }
        }
        Err(e) => {
            assert!(
                matches!(e, Error::SnapshotIsolationNotAllowed { .. }),
                "{e}"
            );
            assert!(e.to_string().contains("ALLOW_SNAPSHOT_ISOLATION ON"));
        }
    }
}

#[tokio::test]
async fn a_doomed_transaction_is_reported_as_such() {
    let Some(pool) = live_pool("doomed transaction").await else {
        return;
    };
    let mut tx = pool.begin().await.unwrap();
    // With XACT_ABORT ON a conversion error dooms the transaction.
    let err = tx
        .execute(Query::sql(
            "SET XACT_ABORT ON; SELECT CAST('x' AS int); SET XACT_ABORT OFF",
        ))
        .await
        .unwrap_err();
    let next = tx.execute(Query::sql("SELECT 1")).await;
    assert!(
        tx.is_doomed() || matches!(next, Err(Error::TransactionDoomed { .. })),
        "after {err}, the transaction should be reported doomed"
    );
    tx.rollback().await.unwrap();
}
