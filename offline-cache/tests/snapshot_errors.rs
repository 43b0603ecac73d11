//! Broken snapshots: every one is a clear error, none a panic.

use mssqlx_offline::{Snapshot, SnapshotError};

/// A realistic snapshot: the example schema, imported.
fn sample() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/schema");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let sources: Vec<_> = texts
        .iter()
        .map(|(n, t)| mssqlx_offline::ddl::DdlSource { name: n, text: t })
        .collect();
    let mut snap = Snapshot::new();
    snap.databases.insert(
        "default".into(),
        mssqlx_offline::ddl::import(&sources).database,
    );
    snap.to_json()
}

#[test]
fn every_truncation_is_an_error_with_a_position() {
    let text = sample();
    assert!(Snapshot::from_json(&text).is_ok());
    for cut in (0..text.len() - 2).step_by(3) {
        if !text.is_char_boundary(cut) {
            continue;
        }
        match Snapshot::from_json(&text[..cut]) {
            Err(SnapshotError::Json { line, column, .. }) => {
                assert!(line >= 1 && column <= text.len())
            }
            Err(SnapshotError::UnknownVersion { .. }) => {}
            other => panic!("cut at {cut}: expected a JSON error, got {other:?}"),
        }
    }
}

#[test]
fn hand_broken_files_name_what_is_wrong_and_where() {
    let text = sample();
    let cases: &[(&str, &str, &str)] = &[
        (
            "\"nvarchar(256)\"",
            "\"nvarchar(99999)\"",
            "invalid arguments for `nvarchar`: length must be between 1 and 4000",
        ),
        (
            "\"datetime2(3)\"",
            "\"datetime3\"",
            "unknown SQL Server type `datetime3`",
        ),
        (
            "\"nullable\": false",
            "\"nullabel\": false",
            "unknown field `nullabel`",
        ),
        ("\"ordinal\": 1,", "\"ordinal\": \"one\",", "invalid type"),
        ("\"nullable\": true,", "", "missing field `nullable`"),
    ];
    for (from, to, says) in cases {
        let broken = text.replacen(from, to, 1);
        assert_ne!(broken, text, "{from} not in the sample");
        let err = Snapshot::from_json(&broken).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(says), "{from} -> {to}: {msg}");
        assert!(
            matches!(err, SnapshotError::Json { line, .. } if line > 1),
            "{msg}"
        );
    }
}

#[test]
fn a_wrong_format_version_says_which_versions_are_read() {
    let text = sample().replacen("\"format_version\": 1", "\"format_version\": 2", 1);
    let err = Snapshot::from_json(&text).unwrap_err();
    assert!(matches!(
        err,
        SnapshotError::UnknownVersion { found: 2, .. }
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("format_version 2") && msg.contains("version 1"),
        "{msg}"
    );
}

#[test]
fn garbage_and_empty_files_are_errors() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "\u{feff}",
        "{\"format_version\": -1}",
        "\u{0}\u{1}",
        "{\"format_version\": 1, \"databases\": []}",
    ] {
        assert!(Snapshot::from_json(text).is_err(), "{text:?}");
    }
}

#[test]
fn a_missing_file_says_where_it_looked() {
    let p = std::env::temp_dir().join("mssqlx-no-such-snapshot.json");
    let err = Snapshot::load(&p).unwrap_err();
    assert!(matches!(err, SnapshotError::NotFound { .. }));
    assert!(err.to_string().contains("mssqlx-no-such-snapshot.json"));
}
