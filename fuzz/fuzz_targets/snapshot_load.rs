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
    if let Ok(snap) = Snapshot::from_json(text) {
        let json = snap.to_json();
        let again = Snapshot::from_json(&json).expect("a saved snapshot loads");
        assert_eq!(again.to_json(), json);
    } else if let Err(e) = Snapshot::from_json(text) {
        let _ = e.to_string();
    }
});
