//! Fuzzes the snapshot loader: any bytes must load or give an error — never a panic —
//! and what loads must save and load again to the same bytes.
//!
//! ```text
//! cargo +nightly fuzz run snapshot_load -- -max_len=65536
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use mssqlx_offline::Snapshot;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Snapshot::from_json(text) {
        Ok(snap) => {
            let json = snap.to_json();
            let again = Snapshot::from_json(&json).expect("a saved snapshot loads");
            assert_eq!(again.to_json(), json);
        }
        // Every error renders (with its position).
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
