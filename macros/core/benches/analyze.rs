//! How long describing one query takes, against sqlparser's parse of the same text.
//!
//! The query is a typical three-table join with two parameters, described against the
//! AdventureWorks snapshot imported from the fixture DDL, which this bench needs
//! (`../shared/fixtures/schemas/` or `$MSSQLX_FIXTURES`).
//!
//! Two measurements of each: wall-clock time (criterion's default), and the bench
//! thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), which a busy shared machine
//! inflates far less.
//!
//! ```text
//! cargo bench -p mssqlx-macros-core --bench analyze
//! ```

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mssqlx_macros_core::describe;
use mssqlx_offline::{ddl, fixtures, Snapshot};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

const JOIN: &str = "SELECT soh.SalesOrderID, soh.OrderDate, soh.Status, p.Name, p.ProductNumber, \
    sod.OrderQty, sod.UnitPrice, sod.LineTotal \
    FROM Sales.SalesOrderHeader AS soh \
    JOIN Sales.SalesOrderDetail AS sod ON sod.SalesOrderID = soh.SalesOrderID \
    LEFT JOIN Production.Product AS p ON p.ProductID = sod.ProductID \
    WHERE soh.CustomerID = @p1 AND soh.OrderDate >= @p2 \
    ORDER BY soh.OrderDate DESC";

fn adventure_works() -> Snapshot {
    let text = fixtures::fixture("AdventureWorks_instawdb.sql")
        .expect("the AdventureWorks fixture (../shared/fixtures/schemas) is needed for this bench");
    let mut snap = Snapshot::new();
    snap.databases.insert(
        "default".into(),
        ddl::import_str("AdventureWorks_instawdb.sql", &text).database,
    );
    snap
}

/// CPU time of the current thread, in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`).
#[cfg(unix)]
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Elsewhere: wall-clock time since the first call.
#[cfg(not(unix))]
fn thread_cpu_ns() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

/// Criterion measurement: the bench thread's CPU time.
struct ThreadCpu;

struct Nanos;

impl ValueFormatter for Nanos {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e3, "µs")
        } else {
            (1e6, "ms")
        };
        values.iter_mut().for_each(|v| *v /= div);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        _t: &Throughput,
        _values: &mut [f64],
    ) -> &'static str {
        "elem/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }

    fn end(&self, i: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(i))
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanos
    }
}

fn bench_cpu(c: &mut Criterion<ThreadCpu>) {
    let snap = adventure_works();
    let mut g = c.benchmark_group("analyzer_cpu_time");
    g.bench_function("describe_3_table_join_adventureworks", |b| {
        b.iter(|| describe(&snap, "default", std::hint::black_box(JOIN)))
    });
    g.bench_function("sqlparser_parse_same_text", |b| {
        b.iter(|| Parser::parse_sql(&MsSqlDialect {}, std::hint::black_box(JOIN)))
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let snap = adventure_works();
    let d = describe(&snap, "default", JOIN).expect("the bench query describes");
    assert_eq!(d.columns.len(), 8);
    let mut g = c.benchmark_group("analyzer");
    g.bench_function("describe_3_table_join_adventureworks", |b| {
        b.iter(|| describe(&snap, "default", std::hint::black_box(JOIN)))
    });
    g.bench_function("sqlparser_parse_same_text", |b| {
        b.iter(|| Parser::parse_sql(&MsSqlDialect {}, std::hint::black_box(JOIN)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_group! {
    name = benches_cpu;
    config = Criterion::default()
        .with_measurement(ThreadCpu)
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_cpu
}
criterion_main!(benches, benches_cpu);
