//! Issue point 4: transactions, isolation levels, savepoints, drop, doom, snapshot.

use mssqlx_mock::{IsolationLevel as MockLevel, Reply, ServerMessage};
use mssqlx_runtime::{Error, Executor, IsolationLevel, Query};

use crate::common::*;

fn tx_connection(server: &mssqlx_mock::MockServer) -> u64 {
    recorded(server, "BEGIN TRANSACTION")
        .last()
        .map(|(c, _, _)| *c)
        .or_else(|| {
            recorded(server, "SET TRANSACTION ISOLATION")
                .last()
                .map(|(c, _, _)| *c)
        })
        .expect("a transaction began")
}

#[tokio::test]
async fn commit_runs_begin_statements_and_commit_on_one_connection() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let rows: Vec<(i32, Option<String>)> = (&mut tx)
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let id = tx_connection(&server);
    assert_eq!(server.session(id).unwrap().tran_count(), 1);
    tx.commit().await.unwrap();
    assert_eq!(server.session(id).unwrap().tran_count(), 0);
    assert_eq!(applied_writes(&server, "INSERT"), 1);
    let inserts = recorded(&server, "INSERT");
    assert_eq!(inserts[0].0, id);
    assert_ne!(inserts[0].1, 0, "the INSERT ran inside the transaction");
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn rollback_discards_the_work() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let id = tx_connection(&server);
    tx.rollback().await.unwrap();
    assert_eq!(server.session(id).unwrap().tran_count(), 0);
    assert_eq!(applied_writes(&server, "INSERT"), 0);
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn every_isolation_level_is_set_and_reset_before_reuse() {
    let cases = [
        (IsolationLevel::ReadUncommitted, MockLevel::ReadUncommitted),
        (IsolationLevel::ReadCommitted, MockLevel::ReadCommitted),
        (IsolationLevel::RepeatableRead, MockLevel::RepeatableRead),
        (IsolationLevel::Snapshot, MockLevel::Snapshot),
        (IsolationLevel::Serializable, MockLevel::Serializable),
    ];
    let server = server().await;
    let pool = options().max_size(1).connect_lazy(&server.url()).unwrap();
    for (level, mock_level) in cases {
        let mut tx = pool.begin_with(level).await.unwrap();
        assert_eq!(tx.isolation_level(), level);
        (&mut tx)
            .execute(Query::new(INSERT_SQL, &[&1i32]))
            .await
            .unwrap();
        let id = tx_connection(&server);
        assert_eq!(server.session(id).unwrap().isolation_level(), mock_level);
        tx.commit().await.unwrap();
        let s = server.session(id).unwrap();
        assert_eq!(s.isolation_level(), MockLevel::ReadCommitted, "{level:?}");
        assert_eq!(s.tran_count(), 0);
    }
    // Also after a rollback and after a drop.
    let tx = pool.begin_with(IsolationLevel::Serializable).await.unwrap();
    tx.rollback().await.unwrap();
    let tx = pool.begin_with(IsolationLevel::Serializable).await.unwrap();
    drop(tx);
    let _conn = pool.acquire().await.unwrap();
    let id = tx_connection(&server);
    assert_eq!(
        server.session(id).unwrap().isolation_level(),
        MockLevel::ReadCommitted
    );
}

#[tokio::test]
async fn transaction_dropped_without_commit_is_rolled_back_before_reuse() {
    let server = server().await;
    let pool = options().max_size(1).connect_lazy(&server.url()).unwrap();
    {
        let mut tx = pool.begin().await.unwrap();
        (&mut tx)
            .execute(Query::new(INSERT_SQL, &[&1i32]))
            .await
            .unwrap();
    }
    let id = tx_connection(&server);
    // The next user of the connection finds no transaction.
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(conn.id(), 1);
    assert_eq!(server.session(id).unwrap().tran_count(), 0);
    (&mut conn)
        .execute(Query::new(INSERT_SQL, &[&2i32]))
        .await
        .unwrap();
    assert_eq!(recorded(&server, "INSERT").last().unwrap().1, 0);
    assert_eq!(applied_writes(&server, "INSERT"), 1);
}

#[tokio::test]
async fn savepoint_rollback_undoes_only_the_nested_work() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let id = tx_connection(&server);
    {
        let mut sp = tx.savepoint().await.unwrap();
        assert_eq!(sp.name(), "mssqlx_sp1");
        assert_eq!(server.session(id).unwrap().savepoints(), ["mssqlx_sp1"]);
        (&mut sp)
            .execute(Query::new(INSERT_SQL, &[&2i32]))
            .await
            .unwrap();
        sp.rollback().await.unwrap();
    }
    assert!(server
        .recorder()
        .sql()
        .contains(&"ROLLBACK TRANSACTION mssqlx_sp1".to_string()));
    assert_eq!(server.session(id).unwrap().tran_count(), 1);
    tx.commit().await.unwrap();
    assert_eq!(server.session(id).unwrap().tran_count(), 0);
}

#[tokio::test]
async fn savepoint_commit_is_a_no_op_on_the_server() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    let sp = tx.savepoint().await.unwrap();
    let before = server.counters().requests;
    sp.commit().await.unwrap();
    assert_eq!(server.counters().requests, before);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn nested_savepoints_and_a_dropped_one_is_rolled_back_before_the_next_statement() {
    let server = server().await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    {
        let mut outer = tx.savepoint().await.unwrap();
        {
            let inner = outer.savepoint().await.unwrap();
            assert_eq!(inner.name(), "mssqlx_sp2");
            // dropped without commit
        }
        (&mut outer)
            .execute(Query::new(INSERT_SQL, &[&1i32]))
            .await
            .unwrap();
        outer.commit().await.unwrap();
    }
    let sql = server.recorder().sql();
    let rb = sql
        .iter()
        .position(|s| s == "ROLLBACK TRANSACTION mssqlx_sp2")
        .expect("dropped savepoint rolled back");
    let ins = sql.iter().position(|s| s == INSERT_SQL).unwrap();
    assert!(rb < ins);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn doomed_transaction_is_an_error_that_says_only_rollback_is_possible() {
    let script = with_rule(|req, s| {
        let sql = req.sql()?;
        sql.starts_with("UPDATE dbo.Accounts").then(|| {
            s.doom();
            Reply::error(ServerMessage::new(
                8134,
                "Divide by zero error encountered.",
            ))
        })
    });
    let server = server_with(script).await;
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    let err = (&mut tx)
        .execute(Query::new(
            "UPDATE dbo.Accounts SET Ratio = 1 / @P1",
            &[&0i32],
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionDoomed { .. }), "{err:?}");
    assert!(err.to_string().contains("only a full rollback is possible"));
    assert_eq!(err.number(), Some(8134));
    assert!(tx.is_doomed());
    // Further work and commit are refused with the same explanation; commit rolls back.
    let again = (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap_err();
    assert!(matches!(again, Error::TransactionDoomed { .. }));
    let id = tx_connection(&server);
    let commit = tx.commit().await.unwrap_err();
    assert!(matches!(commit, Error::TransactionDoomed { .. }));
    assert_eq!(server.session(id).unwrap().tran_count(), 0);
    assert!(recorded(&server, "COMMIT").is_empty());
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn snapshot_without_allow_snapshot_isolation_names_the_alter_database_fix() {
    let script = with_rule(|req, s| {
        let sql = req.sql()?;
        (sql.starts_with("SELECT Id") && s.isolation_level() == MockLevel::Snapshot).then(|| {
            Reply::error(ServerMessage::new(
                3952,
                "Snapshot isolation transaction failed accessing database 'Shop' because snapshot isolation is not allowed in this database. Use ALTER DATABASE to allow snapshot isolation.",
            ))
        })
    });
    let server = server_with(script).await;
    let pool = pool_for(&server);
    let mut tx = pool.begin_with(IsolationLevel::Snapshot).await.unwrap();
    let err = (&mut tx)
        .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::SnapshotIsolationNotAllowed { ref database } if database == "Shop"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("ALTER DATABASE [Shop] SET ALLOW_SNAPSHOT_ISOLATION ON"));
}

#[tokio::test]
async fn transaction_closure_commits_on_success_and_rolls_back_on_error() {
    let server = server().await;
    let pool = pool_for(&server);
    let n = pool
        .transaction(|tx| {
            Box::pin(async move { tx.execute(Query::new(INSERT_SQL, &[&1i32])).await })
        })
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(applied_writes(&server, "INSERT"), 1);
    let err = pool
        .transaction(|tx| {
            Box::pin(async move {
                tx.execute(Query::new(INSERT_SQL, &[&2i32])).await?;
                Err::<(), _>(Error::RowNotFound)
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RowNotFound));
    assert_eq!(applied_writes(&server, "INSERT"), 1);
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn finished_transaction_is_refused() {
    let server = server().await;
    let pool = pool_for(&server);
    let tx = pool.begin().await.unwrap();
    tx.commit().await.unwrap();
    // A new one works; the old handle is consumed by commit (compile-time).
    let mut tx = pool.begin().await.unwrap();
    (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
}
