//! DDL import and snapshot loading speed.
//!
//! `cargo bench -p mssqlx-offline --bench ddl_import` (figures in BENCHMARKS.md).
//! Reads AdventureWorks from the shared fixtures (`../shared/fixtures/schemas` or
//! `$MSSQLX_FIXTURES`) and skips, saying so, when they are absent.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mssqlx_offline::{ddl, Snapshot};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::tokenizer::Tokenizer;

fn benches(c: &mut Criterion) {
    let Some(aw) = mssqlx_offline::fixtures::fixture("AdventureWorks_instawdb.sql") else {
        return;
    };
    let mut group = c.benchmark_group("adventureworks");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(aw.len() as u64));

    // The floor: sqlparser's tokenizer alone over the same text (BOM stripped).
    let text = aw.trim_start_matches('\u{feff}');
    group.bench_function("sqlparser_tokenize_only", |b| {
        b.iter(|| {
            let dialect = MsSqlDialect {};
            let toks = Tokenizer::new(&dialect, black_box(text))
                .tokenize_with_location()
                .map(|t| t.len())
                .unwrap_or(0);
            black_box(toks)
        })
    });
    group.bench_function("ddl_import", |b| {
        b.iter(|| {
            black_box(ddl::import_str(
                "AdventureWorks_instawdb.sql",
                black_box(&aw),
            ))
        })
    });

    let mut snap = Snapshot::new();
    snap.databases.insert(
        "default".into(),
        ddl::import_str("AdventureWorks_instawdb.sql", &aw).database,
    );
    let json = snap.to_json();
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("snapshot_load", |b| {
        b.iter(|| black_box(Snapshot::from_json(black_box(&json)).expect("valid snapshot")))
    });
    group.bench_function("snapshot_to_json", |b| b.iter(|| black_box(snap.to_json())));
    group.finish();
}

criterion_group!(ddl_benches, benches);
criterion_main!(ddl_benches);
