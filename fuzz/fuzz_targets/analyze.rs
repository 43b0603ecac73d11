//! Fuzzes the statement analyzer: any bytes, as SQL, against a small schema, must give
//! a description or errors — never a panic, a hang or a stack overflow — and every
//! error must point inside the text, on a character boundary, and render.
//!
//! ```text
//! cargo +nightly fuzz run analyze -- -max_len=4096
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use mssqlx_macros_core::{describe, render::render_errors};
use mssqlx_offline::Snapshot;
use once_cell::sync::Lazy;

static SNAPSHOT: Lazy<Snapshot> = Lazy::new(|| {
    Snapshot::from_json(
        r#"{ "format_version": 1, "databases": { "default": { "schemas": {
          "dbo": {
            "tables": {
              "Users": { "columns": [
                { "name": "Id", "ordinal": 1, "type": "int", "nullable": false, "identity": { "seed": 1, "increment": 1 } },
                { "name": "Email", "ordinal": 2, "type": "nvarchar(256)", "nullable": false },
                { "name": "Name", "ordinal": 3, "type": "nvarchar(100)", "nullable": true },
                { "name": "Settings", "ordinal": 4, "type": "nvarchar(max)", "nullable": true } ] },
              "Orders": { "columns": [
                { "name": "Id", "ordinal": 1, "type": "int", "nullable": false },
                { "name": "UserId", "ordinal": 2, "type": "int", "nullable": false },
                { "name": "Total", "ordinal": 3, "type": "decimal(12,2)", "nullable": false },
                { "name": "PlacedAt", "ordinal": 4, "type": "datetime2(7)", "nullable": false } ] }
            },
            "views": {
              "Totals": { "definition": "SELECT UserId, SUM(Total) AS Total FROM dbo.Orders GROUP BY UserId" },
              "Loop": { "definition": "SELECT * FROM dbo.Loop" }
            },
            "procedures": { "GetUser": { "parameters": [ { "name": "@Id", "type": "int" } ] } }
          } } } } }"#,
    )
    .expect("fuzz schema parses")
});

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    if let Err(errors) = describe(&SNAPSHOT, "default", &sql) {
        assert!(!errors.is_empty());
        for e in &errors {
            assert!(e.offset <= sql.len() && e.offset + e.len <= sql.len());
            assert!(sql.is_char_boundary(e.offset));
        }
        let _ = render_errors(&sql, &errors);
    }
});
