//! Cancellation: 1 000 operations cancelled at random points by
//! `tokio::time::timeout` leave the pool healthy and every later query correct.

use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use mssqlx_mock::{row, Column, Reply, ResultSet, Script, SqlType, Value};
use mssqlx_runtime::{Executor, Pool, Query};
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::common::*;

const ECHO_SQL: &str = "SELECT @P1 AS Echo";

/// Echoes `@P1` back after a random delay of up to 3 ms.
fn echo_script() -> Script {
    Script::new()
        .on_exact("SELECT 1", Reply::rows(one()))
        .on_fn(|req, _| {
            if req.sql()? != ECHO_SQL {
                return None;
            }
            let v = match req.params().first().map(|p| &p.value) {
                Some(Value::I32(v)) => *v,
                _ => -1,
            };
            let rs = ResultSet::new([Column::not_null("Echo", SqlType::Int)]).row(row![v]);
            let delay = Duration::from_micros(u64::from(v.unsigned_abs() % 3000));
            Some(Reply::rows(rs).delayed(delay))
        })
        .on_prefix(
            "INSERT",
            Reply::count(1).delayed(Duration::from_micros(700)),
        )
}

async fn operation(pool: &Pool, kind: u32, n: i32) {
    match kind {
        0 => {
            let _ = pool.fetch_one::<(i32,)>(Query::new(ECHO_SQL, &[&n])).await;
        }
        1 => {
            let _ = pool.execute(Query::new(INSERT_SQL, &[&n])).await;
        }
        2 => {
            let _ = pool
                .transaction(|tx| {
                    Box::pin(async move {
                        tx.execute(Query::new(INSERT_SQL, &[&n])).await?;
                        tx.fetch_one::<(i32,)>(Query::new(ECHO_SQL, &[&n])).await
                    })
                })
                .await;
        }
        3 => {
            if let Ok(mut tx) = pool.begin().await {
                let _ = (&mut tx).execute(Query::new(INSERT_SQL, &[&n])).await;
                // dropped without commit half of the time
                if n % 2 == 0 {
                    let _ = tx.commit().await;
                }
            }
        }
        _ => {
            if let Ok(mut c) = pool.acquire().await {
                let _ = (&mut c)
                    .fetch_one::<(i32,)>(Query::new(ECHO_SQL, &[&n]))
                    .await;
            }
        }
    }
}

#[tokio::test]
async fn thousand_randomly_cancelled_operations_leave_the_pool_healthy() {
    let server = server_with(echo_script()).await;
    let pool = options()
        .max_size(4)
        .command_timeout(Duration::from_secs(2))
        .connect_lazy(&server.url())
        .unwrap();
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut running = FuturesUnordered::new();
    let mut cancelled = 0usize;
    for i in 0..1000 {
        let kind = rng.random_range(0..5u32);
        let n = rng.random_range(1..100_000);
        let limit = Duration::from_micros(rng.random_range(0..4000));
        let pool = &pool;
        running.push(async move {
            tokio::time::timeout(limit, operation(pool, kind, n))
                .await
                .is_err()
        });
        if running.len() >= 8 || i == 999 {
            while running.len() > 4 || (i == 999 && !running.is_empty()) {
                if running.next().await == Some(true) {
                    cancelled += 1;
                }
            }
        }
    }
    drop(running);
    assert!(
        cancelled > 200,
        "only {cancelled} operations were cancelled"
    );

    let state = settled(&pool).await;
    assert_eq!(state.in_use, 0, "{state:?}");
    assert!(state.connections <= 4);

    // Every later query gets its own answer (no connection is out of sync).
    for n in 0..200 {
        let (echo,): (i32,) = pool.fetch_one(Query::new(ECHO_SQL, &[&n])).await.unwrap();
        assert_eq!(echo, n);
    }
    // Holding every connection at once forces each one through its checkout
    // reset: none still carries a transaction.
    let mut held: Vec<_> = futures_util::future::join_all((0..4).map(|_| pool.acquire()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for c in &mut held {
        let (trancount,): (i32,) = c.fetch_one(Query::sql("SELECT @@TRANCOUNT")).await.unwrap();
        assert_eq!(trancount, 0, "connection {} still in a transaction", c.id());
    }
    drop(held);
    assert_eq!(settled(&pool).await.in_use, 0);
}
