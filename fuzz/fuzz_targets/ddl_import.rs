//! Fuzzes the DDL importer: any bytes, as a script, must import or be reported —
//! never a panic, a hang or a stack overflow — and every skipped statement must point
//! at a line of the script.
//!
//! ```text
//! cargo +nightly fuzz run ddl_import -- -max_len=65536
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use mssqlx_offline::ddl::import_str;
use mssqlx_offline::Snapshot;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let import = import_str("fuzz.sql", &text);
    let lines = text.split('\n').count() as u32;
    for s in &import.report.skipped {
        assert!(s.line >= 1 && s.line <= lines, "line {} of {lines}", s.line);
    }
    // What was imported must survive the snapshot round trip.
    let mut snap = Snapshot::new();
    snap.databases.insert("default".into(), import.database);
    let json = snap.to_json();
    let again = Snapshot::from_json(&json).expect("an imported snapshot loads");
    assert_eq!(again.to_json(), json);
});
