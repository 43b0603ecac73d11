//! Issue point 5: what is retried, as what unit, and how it is logged.

use std::time::Duration;

use mssqlx_mock::{Reply, ServerMessage};
use mssqlx_runtime::{with_retry, Error, Executor, Query, RetryPolicy};

use crate::common::*;

fn busy() -> Reply {
    Reply::error(ServerMessage::new(
        40501,
        "The service is currently busy. Retry the request after 10 seconds.",
    ))
}

#[tokio::test]
async fn read_is_retried_on_a_fresh_connection_and_each_retry_is_a_warn_event() {
    let server = server_with(with_rule(first_n("SELECT Id", 2, busy()))).await;
    let (capture, _guard) = Capture::install();
    let pool = pool_for(&server);
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(recorded(&server, "SELECT Id").len(), 3);
    let retries = capture.events("mssqlx::retry");
    assert_eq!(retries.len(), 2);
    assert_eq!(retries[0].level, tracing::Level::WARN);
    assert_eq!(retries[0].field("attempt"), Some("1"));
    assert_eq!(retries[1].field("attempt"), Some("2"));
    assert_eq!(retries[0].field("error.number"), Some("40501"));
    assert!(retries[0].field("delay_ms").is_some());
    assert_eq!(retries[0].field("unit"), Some("read"));
}

#[tokio::test]
async fn read_retries_stop_at_max_retries_with_the_servers_error() {
    let server = server_with(with_rule(first_n("SELECT Id", 100, busy()))).await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(40501));
    assert_eq!(recorded(&server, "SELECT Id").len(), 4); // 1 + 3 retries
}

#[tokio::test]
async fn per_call_retry_policy_overrides_the_pools() {
    let server = server_with(with_rule(first_n("SELECT Id", 100, busy()))).await;
    let pool = pool_for(&server);
    let policy = RetryPolicy {
        max_retries: 1,
        ..fast_policy()
    };
    let _ = pool
        .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]).retry(policy))
        .await
        .unwrap_err();
    assert_eq!(recorded(&server, "SELECT Id").len(), 2);
}

#[tokio::test]
async fn lone_write_is_not_retried_unless_the_caller_opts_in() {
    let server = server_with(with_rule(first_n("INSERT", 1, busy()))).await;
    let pool = pool_for(&server);
    let err = pool
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(40501));
    assert_eq!(recorded(&server, "INSERT").len(), 1);

    let server = server_with(with_rule(first_n("INSERT", 1, busy()))).await;
    let pool = pool_for(&server);
    let n = pool
        .execute(Query::new(INSERT_SQL, &[&1i32]).idempotent())
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(recorded(&server, "INSERT").len(), 2);
}

#[tokio::test]
async fn timeouts_are_not_retried_for_writes_even_when_idempotent() {
    let slow = Reply::count(1).delayed(Duration::from_millis(300));
    let server = server_with(with_rule(first_n("INSERT", 1, slow))).await;
    let pool = pool_for(&server);
    let err = pool
        .execute(
            Query::new(INSERT_SQL, &[&1i32])
                .idempotent()
                .timeout(ms(50)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CommandTimeout { .. }));
    assert_eq!(recorded(&server, "INSERT").len(), 1);
}

#[tokio::test]
async fn timed_out_read_is_retried() {
    let slow = Reply::rows(users()).delayed(Duration::from_millis(1500));
    let server = server_with(with_rule(first_n("SELECT Id", 1, slow))).await;
    let pool = pool_for(&server);
    let rows: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(USERS_SQL, &[&true]).timeout(ms(300)))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(recorded(&server, "SELECT Id").len(), 2);
}

#[tokio::test]
async fn deadlock_on_a_lone_read_is_not_retried_because_1205_is_whole_transaction_only() {
    let deadlock = Reply::error(ServerMessage::deadlock_victim());
    let server = server_with(with_rule(first_n("SELECT Id", 1, deadlock))).await;
    let pool = pool_for(&server);
    let err = pool
        .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(1205));
    assert_eq!(recorded(&server, "SELECT Id").len(), 1);
}

#[tokio::test]
async fn deadlock_in_transaction_closure_is_retried_whole() {
    let deadlock = Reply::error(ServerMessage::deadlock_victim());
    let server = server_with(with_rule(first_n("UPDATE", 1, deadlock))).await;
    let (capture, _guard) = Capture::install();
    let pool = pool_for(&server);
    let n = pool
        .transaction(|tx| {
            Box::pin(async move {
                tx.execute(Query::new(INSERT_SQL, &[&1i32])).await?;
                tx.execute(Query::new(
                    "UPDATE dbo.Stock SET Qty = Qty - 1 WHERE Id = @P1",
                    &[&1i32],
                ))
                .await
            })
        })
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Re-run from BEGIN: two BEGINs, two INSERTs sent, one committed.
    assert_eq!(recorded(&server, "BEGIN TRANSACTION").len(), 2);
    assert_eq!(recorded(&server, "INSERT").len(), 2);
    assert_eq!(recorded(&server, "COMMIT").len(), 1);
    assert_eq!(applied_writes(&server, "INSERT"), 1);
    let retries = capture.events("mssqlx::retry");
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].field("unit"), Some("transaction"));
    assert_eq!(retries[0].field("error.number"), Some("1205"));
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn lock_timeout_and_snapshot_conflict_are_retried_only_as_whole_transactions() {
    for number in [1222u32, 3960] {
        let err = Reply::error(ServerMessage::new(number, "transient"));
        let server = server_with(with_rule(first_n("UPDATE", 1, err))).await;
        let pool = pool_for(&server);
        let lone = pool
            .execute(Query::new("UPDATE dbo.T SET a = 1", &[]).idempotent())
            .await
            .unwrap_err();
        assert_eq!(lone.number(), Some(number));
        let n = pool
            .transaction(|tx| {
                Box::pin(async move { tx.execute(Query::sql("UPDATE dbo.T SET a = 1")).await })
            })
            .await
            .unwrap();
        assert_eq!(n, 2);
    }
}

#[tokio::test]
async fn with_retry_reruns_a_unit_of_work_from_begin() {
    let deadlock = Reply::error(ServerMessage::deadlock_victim());
    let server = server_with(with_rule(first_n("UPDATE", 2, deadlock))).await;
    let pool = pool_for(&server);
    let pool_ref = &pool;
    let n = with_retry(fast_policy(), || async move {
        let mut tx = pool_ref.begin().await?;
        (&mut tx).execute(Query::new(INSERT_SQL, &[&1i32])).await?;
        let n = (&mut tx)
            .execute(Query::sql("UPDATE dbo.T SET a = 1"))
            .await?;
        tx.commit().await?;
        Ok::<_, Error>(n)
    })
    .await
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(recorded(&server, "BEGIN TRANSACTION").len(), 3);
    assert_eq!(applied_writes(&server, "INSERT"), 1);
    assert_no_leak(&pool).await;
}

#[tokio::test]
async fn non_transient_errors_in_a_closure_are_not_retried() {
    let fk = Reply::error(ServerMessage::new(547, "FK conflict"));
    let server = server_with(with_rule(first_n("INSERT", 1, fk))).await;
    let pool = pool_for(&server);
    let err = pool
        .transaction(|tx| {
            Box::pin(async move { tx.execute(Query::new(INSERT_SQL, &[&1i32])).await })
        })
        .await
        .unwrap_err();
    assert_eq!(err.number(), Some(547));
    assert_eq!(recorded(&server, "BEGIN TRANSACTION").len(), 1);
}
