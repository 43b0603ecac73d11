//! Runtime speed, as ratios measured in one run (BENCHMARKS.md, "Runtime"):
//!
//! * `checkout/{mssqlx,bb8_bare}/{1,16,256}`: pool checkout + return with 1, 16
//!   and 256 concurrent tasks, our `Pool::acquire` against bb8 used bare with
//!   the same `ConnectionManager` (target: ours ≥ 0.9× bb8's throughput);
//! * `fetch_100k/{mssqlx,tiberius}`: 100 000 rows of 6 columns into structs
//!   through the executor against hand-written tiberius code, both on the same
//!   mock server (target: ours ≤ 1.05× the time);
//! * `RATIO tight`: a single-thread checkout loop without task spawns, which
//!   isolates the per-checkout overhead.
//!
//! The `RATIO` lines compare the two sides interleaved round by round (robust
//! to the load drifting on a shared machine); criterion's groups follow.
//!
//! Run: `cargo bench -p mssqlx-runtime --bench runtime`

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use futures_util::TryStreamExt;
use mssqlx_mock::{row, Column, MockServer, Reply, ResultSet, Script, SqlType};
use mssqlx_runtime::row::decode;
use mssqlx_runtime::{
    ConnectOptions, ConnectionManager, Executor, FromRow, Pool, PoolOptions, Query, Result, Row,
};
use tokio::net::TcpStream;
use tokio_util::compat::TokioAsyncWriteCompatExt;

const CHECKOUTS_PER_TASK: usize = 8;
const ROWS: usize = 100_000;
const ROWS_SQL: &str = "SELECT Id, Amount, Name, Score, Active, Note FROM dbo.Facts";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn start_mock(script: Script) -> MockServer {
    MockServer::builder().handler(script).start().await.unwrap()
}

fn pool_options() -> PoolOptions {
    PoolOptions::new()
        .max_size(16)
        .checkout_timeout(Duration::from_secs(30))
}

/// `MSSQLX_BENCH_ONLY=checkout` (or `fetch`) runs one half only.
fn wanted(name: &str) -> bool {
    std::env::var("MSSQLX_BENCH_ONLY").map_or(true, |v| v == name)
}

fn checkout(c: &mut Criterion) {
    if !wanted("checkout") {
        return;
    }
    let rt = runtime();
    let server = rt.block_on(start_mock(Script::new().on_exact(
        "SELECT 1",
        Reply::rows(ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1])),
    )));
    let opts: ConnectOptions = server.url().parse().unwrap();
    let _guard = rt.enter();
    let ours: Pool = pool_options().connect_lazy_with(opts.clone());
    let bare = rt.block_on(async {
        bb8::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(30))
            .build(ConnectionManager::new(opts.clone(), &pool_options()))
            .await
            .unwrap()
    });
    // Open all 16 connections in both pools first.
    rt.block_on(async {
        let a: Vec<_> = futures_util::future::join_all((0..16).map(|_| ours.acquire())).await;
        let b: Vec<_> = futures_util::future::join_all((0..16).map(|_| bare.get())).await;
        assert!(a.iter().all(Result::is_ok) && b.iter().all(|r| r.is_ok()));
    });

    let mut group = c.benchmark_group("checkout");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for tasks in [1usize, 16, 256] {
        group.throughput(Throughput::Elements((tasks * CHECKOUTS_PER_TASK) as u64));
        group.bench_with_input(BenchmarkId::new("mssqlx", tasks), &tasks, |b, &tasks| {
            b.to_async(&rt).iter(|| async {
                let handles: Vec<_> = (0..tasks)
                    .map(|_| {
                        let pool = ours.clone();
                        tokio::spawn(async move {
                            for _ in 0..CHECKOUTS_PER_TASK {
                                let c = pool.acquire().await.unwrap();
                                tokio::task::yield_now().await;
                                drop(c);
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("bb8_bare", tasks), &tasks, |b, &tasks| {
            b.to_async(&rt).iter(|| async {
                let handles: Vec<_> = (0..tasks)
                    .map(|_| {
                        let pool = bare.clone();
                        tokio::spawn(async move {
                            for _ in 0..CHECKOUTS_PER_TASK {
                                let c = pool.get().await.unwrap();
                                tokio::task::yield_now().await;
                                drop(c);
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        });
    }
    group.finish();

    for tasks in [1usize, 16, 256] {
        let rounds = 41;
        let reps = (2048 / tasks).max(4);
        let (a, b) = interleaved(
            &rt,
            rounds,
            || {
                let ours = ours.clone();
                async move {
                    for _ in 0..reps {
                        let handles: Vec<_> = (0..tasks)
                            .map(|_| {
                                let pool = ours.clone();
                                tokio::spawn(async move {
                                    for _ in 0..CHECKOUTS_PER_TASK {
                                        let c = pool.acquire().await.unwrap();
                                        tokio::task::yield_now().await;
                                        drop(c);
                                    }
                                })
                            })
                            .collect();
                        for h in handles {
                            h.await.unwrap();
                        }
                    }
                }
            },
            || {
                let bare = bare.clone();
                async move {
                    for _ in 0..reps {
                        let handles: Vec<_> = (0..tasks)
                            .map(|_| {
                                let pool = bare.clone();
                                tokio::spawn(async move {
                                    for _ in 0..CHECKOUTS_PER_TASK {
                                        let c = pool.get().await.unwrap();
                                        tokio::task::yield_now().await;
                                        drop(c);
                                    }
                                })
                            })
                            .collect();
                        for h in handles {
                            h.await.unwrap();
                        }
                    }
                }
            },
        );
        println!(
            "RATIO checkout tasks={tasks}: mssqlx {:?} vs bb8 bare {:?} per round -> throughput mssqlx/bb8 = {:.2}x",
            a, b, b.as_secs_f64() / a.as_secs_f64()
        );
    }
}

/// Runs `a` and `b` alternately `rounds` times; returns each one's median.
fn interleaved<A, FA, B, FB>(
    rt: &tokio::runtime::Runtime,
    rounds: usize,
    mut a: A,
    mut b: B,
) -> (Duration, Duration)
where
    A: FnMut() -> FA,
    FA: std::future::Future<Output = ()>,
    B: FnMut() -> FB,
    FB: std::future::Future<Output = ()>,
{
    let mut ta = Vec::new();
    let mut tb = Vec::new();
    for i in 0..rounds {
        // Alternate which one goes first, so drift hits both alike.
        let mut run_a = || {
            let t = std::time::Instant::now();
            rt.block_on(a());
            ta.push(t.elapsed());
        };
        let mut run_b = || {
            let t = std::time::Instant::now();
            rt.block_on(b());
            tb.push(t.elapsed());
        };
        if i % 2 == 0 {
            run_a();
            run_b();
        } else {
            run_b();
            run_a();
        }
    }
    ta.sort();
    tb.sort();
    (ta[ta.len() / 2], tb[tb.len() / 2])
}

/// Six columns, as generated `FromRow` code would read them.
#[allow(dead_code)]
struct Fact {
    id: i32,
    amount: i64,
    name: String,
    score: f64,
    active: bool,
    note: Option<String>,
}

impl FromRow for Fact {
    #[inline]
    fn from_row(row: &Row) -> Result<Self> {
        Ok(Fact {
            id: decode(row, 0)?,
            amount: decode(row, 1)?,
            name: decode(row, 2)?,
            score: decode(row, 3)?,
            active: decode(row, 4)?,
            note: decode(row, 5)?,
        })
    }
}

fn facts() -> ResultSet {
    let mut rs = ResultSet::new([
        Column::not_null("Id", SqlType::Int),
        Column::not_null("Amount", SqlType::BigInt),
        Column::not_null("Name", SqlType::nvarchar(50)),
        Column::not_null("Score", SqlType::Float),
        Column::not_null("Active", SqlType::Bit),
        Column::new("Note", SqlType::nvarchar(50)),
    ]);
    for i in 0..ROWS {
        let note = (i % 3 == 0).then(|| format!("note {i}"));
        rs.push_row(row![
            i as i32,
            i as i64 * 100,
            format!("name-{i:06}"),
            i as f64 / 7.0,
            i % 2 == 0,
            note
        ]);
    }
    rs
}

/// The baseline: what one writes by hand with tiberius.
async fn hand_written(
    client: &mut tiberius::Client<tokio_util::compat::Compat<TcpStream>>,
) -> Vec<Fact> {
    let mut stream = client.query(ROWS_SQL, &[]).await.unwrap().into_row_stream();
    let mut out = Vec::new();
    while let Some(row) = stream.try_next().await.unwrap() {
        out.push(Fact {
            id: row.get::<i32, _>(0).unwrap(),
            amount: row.get::<i64, _>(1).unwrap(),
            name: row.get::<&str, _>(2).unwrap().to_owned(),
            score: row.get::<f64, _>(3).unwrap(),
            active: row.get::<bool, _>(4).unwrap(),
            note: row.get::<&str, _>(5).map(str::to_owned),
        });
    }
    out
}

fn fetch_100k(c: &mut Criterion) {
    if !wanted("fetch") {
        return;
    }
    let rt = runtime();
    let server = rt.block_on(start_mock(
        Script::new().on_exact(ROWS_SQL, Reply::rows(facts())),
    ));
    let opts: ConnectOptions = server.url().parse().unwrap();
    let _guard = rt.enter();
    let pool: Pool = pool_options()
        .max_size(1)
        .command_timeout(None)
        .connect_lazy_with(opts);
    let mut client = rt.block_on(async {
        let config = tiberius::Config::from_ado_string(&server.url()).unwrap();
        let tcp = TcpStream::connect(config.get_addr()).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        tiberius::Client::connect(config, tcp.compat_write())
            .await
            .unwrap()
    });
    // Same answer both ways.
    rt.block_on(async {
        let a: Vec<Fact> = pool
            .fetch_all(Query::sql(ROWS_SQL).no_timeout())
            .await
            .unwrap();
        let b = hand_written(&mut client).await;
        assert_eq!(a.len(), ROWS);
        assert_eq!(b.len(), ROWS);
        assert_eq!(a[ROWS - 1].name, b[ROWS - 1].name);
    });

    let client = std::sync::Arc::new(tokio::sync::Mutex::new(client));
    let (a, b) = interleaved(
        &rt,
        21,
        || async {
            let rows: Vec<Fact> = pool.fetch_all(Query::sql(ROWS_SQL)).await.unwrap();
            assert_eq!(rows.len(), ROWS);
        },
        || {
            let client = client.clone();
            async move {
                let rows = hand_written(&mut *client.lock().await).await;
                assert_eq!(rows.len(), ROWS);
            }
        },
    );
    println!(
        "RATIO fetch_100k: mssqlx {:?} vs hand-written tiberius {:?} (medians) -> time mssqlx/tiberius = {:.3}x",
        a,
        b,
        a.as_secs_f64() / b.as_secs_f64()
    );
    let mut group = c.benchmark_group("fetch_100k");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("mssqlx", |b| {
        b.to_async(&rt).iter(|| async {
            let rows: Vec<Fact> = pool.fetch_all(Query::sql(ROWS_SQL)).await.unwrap();
            assert_eq!(rows.len(), ROWS);
        })
    });
    group.bench_function("tiberius", |b| {
        b.to_async(&rt).iter(|| {
            let client = client.clone();
            async move {
                let mut c = client.lock().await;
                let rows = hand_written(&mut c).await;
                assert_eq!(rows.len(), ROWS);
            }
        })
    });
    group.finish();
}

/// Single-thread, no-spawn checkout loop: the per-checkout cost alone.
fn checkout_tight(_c: &mut Criterion) {
    if !wanted("tight") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(start_mock(Script::new()));
    let opts: ConnectOptions = server.url().parse().unwrap();
    let _guard = rt.enter();
    let ours: Pool = pool_options().connect_lazy_with(opts.clone());
    let bare = rt
        .block_on(
            bb8::Pool::builder()
                .max_size(16)
                .build(ConnectionManager::new(opts, &pool_options())),
        )
        .unwrap();
    rt.block_on(async {
        drop(ours.acquire().await.unwrap());
    });
    let n = 50_000;
    let (a, b) = interleaved(
        &rt,
        9,
        || async {
            for _ in 0..n {
                drop(ours.acquire().await.unwrap());
            }
        },
        || async {
            for _ in 0..n {
                drop(bare.get().await.unwrap());
            }
        },
    );
    println!(
        "RATIO tight: mssqlx {:?} vs bb8 {:?} per {n} -> {:.2}x",
        a,
        b,
        b.as_secs_f64() / a.as_secs_f64()
    );
    let same = rt
        .block_on(
            bb8::Pool::builder()
                .max_size(16)
                .max_lifetime(Duration::from_secs(1800))
                .idle_timeout(Duration::from_secs(600))
                .queue_strategy(bb8::QueueStrategy::Lifo)
                .retry_connection(false)
                .build(ConnectionManager::new(
                    server.url().parse().unwrap(),
                    &pool_options(),
                )),
        )
        .unwrap();
    let (c, d) = interleaved(
        &rt,
        9,
        || async {
            for _ in 0..n {
                drop(same.get().await.unwrap());
            }
        },
        || async {
            for _ in 0..n {
                drop(bare.get_owned().await.unwrap());
            }
        },
    );
    println!("RATIO tight: bb8 configured like ours {c:?}, bare get_owned {d:?} (bare get {b:?})");
}

criterion_group!(benches, checkout, fetch_100k, checkout_tight);
criterion_main!(benches);
