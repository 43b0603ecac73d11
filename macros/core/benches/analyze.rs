//! How long describing one query takes, against sqlparser's parse of the same text.
//!
//! The query is a typical three-table join with two parameters, described against the
//! AdventureWorks snapshot imported from the fixture DDL (the small test schema is used
//! when the fixtures are not on this machine, and the bench says so).
//!
//! ```text
//! cargo bench -p mssqlx-macros-core --bench analyze
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
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
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
