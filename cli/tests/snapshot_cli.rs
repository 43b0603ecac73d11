//! `mssqlx snapshot --from-ddl`, through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mssqlx_offline::Snapshot;

fn mssqlx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mssqlx"))
        .args(args)
        .output()
        .expect("run mssqlx")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mssqlx-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const FIXTURES: &[(&str, &str, usize)] = &[
    ("adventureworks", "AdventureWorks_instawdb.sql", 71),
    ("adventureworks_dw", "AdventureWorksDW_instawdbdw.sql", 31),
    ("wideworldimporters", "WideWorldImporters_ssdt.sql", 54),
    ("northwind", "Northwind_instnwnd.sql", 13),
    ("pubs", "pubs_instpubs.sql", 11),
    ("chinook", "Chinook_SqlServer.sql", 11),
    ("sakila", "Sakila_sql-server-sakila-schema.sql", 16),
    ("stackoverflow", "StackOverflow_soddi_mssql.sql", 13),
];

#[test]
fn all_eight_fixtures_make_one_snapshot_with_one_database_each() {
    let Some(dir) = mssqlx_offline::fixtures::schemas_dir() else {
        // Say so (and fail under CI) the usual way.
        let _ = mssqlx_offline::fixtures::fixture(FIXTURES[0].1);
        return;
    };
    let out = scratch("all");
    let snap = out.join("mssqlx.json");
    for (alias, file, _) in FIXTURES {
        let script = dir.join(file);
        let o = mssqlx(&[
            "snapshot",
            "--from-ddl",
            script.to_str().unwrap(),
            "--database",
            alias,
            "-o",
            snap.to_str().unwrap(),
            "--strict",
            "--rename-schema",
            "DUMMY=dbo",
        ]);
        let err = stderr(&o);
        assert!(o.status.success(), "{file}: {err}");
        assert!(
            err.contains(&format!("{file}: ")),
            "progress per file: {err}"
        );
        assert!(
            err.contains("tables,") && err.contains("skipped"),
            "summary: {err}"
        );
    }
    let loaded = Snapshot::load(&snap).unwrap();
    assert_eq!(loaded.databases.len(), 8);
    for (alias, _, tables) in FIXTURES {
        assert_eq!(
            loaded.database(alias).unwrap().tables().count(),
            *tables,
            "{alias}"
        );
    }
    // Written deterministically: saving what was loaded gives the same bytes.
    assert_eq!(loaded.to_json(), std::fs::read_to_string(&snap).unwrap());
}

#[test]
fn a_second_run_replaces_its_database_and_keeps_the_others() {
    let dir = scratch("merge");
    let a = write(&dir, "a.sql", "CREATE TABLE a (x int)\nGO\n");
    let b = write(&dir, "b.sql", "CREATE TABLE b (y int)\nGO\n");
    let b2 = write(&dir, "b2.sql", "CREATE TABLE b2 (z int)\n");
    let snap = dir.join("s.json");
    let s = snap.to_str().unwrap();
    assert!(mssqlx(&["snapshot", "--from-ddl", &a, "-o", s])
        .status
        .success());
    assert!(mssqlx(&[
        "snapshot",
        "--from-ddl",
        &b,
        "--database",
        "reporting",
        "-o",
        s
    ])
    .status
    .success());
    let o = mssqlx(&[
        "snapshot",
        "--from-ddl",
        &b2,
        "--database",
        "reporting",
        "-o",
        s,
    ]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("replaced database `reporting`"),
        "{}",
        stderr(&o)
    );
    let loaded = Snapshot::load(&snap).unwrap();
    assert!(loaded
        .database("default")
        .unwrap()
        .table(None, "a")
        .is_some());
    let reporting = loaded.database("reporting").unwrap();
    assert!(reporting.table(None, "b2").is_some());
    assert!(
        reporting.table(None, "b").is_none(),
        "the alias was replaced, not merged table by table"
    );
}

#[test]
fn several_files_form_one_database_in_order() {
    let dir = scratch("order");
    let types = write(
        &dir,
        "1.sql",
        "CREATE TYPE dbo.Name FROM nvarchar(40) NOT NULL\nGO\n",
    );
    let tables = write(&dir, "2.sql", "CREATE TABLE t (n Name)\n");
    let snap = dir.join("s.json");
    let o = mssqlx(&[
        "snapshot",
        "--from-ddl",
        &types,
        &tables,
        "-o",
        snap.to_str().unwrap(),
        "--strict",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let loaded = Snapshot::load(&snap).unwrap();
    let (_, _, t) = loaded
        .database("default")
        .unwrap()
        .table(None, "t")
        .unwrap();
    assert_eq!(t.columns[0].ty.to_string(), "nvarchar(40)");
}

#[test]
fn not_understood_statements_are_reported_and_strict_makes_them_an_error() {
    let dir = scratch("strict");
    let sql = write(
        &dir,
        "bad.sql",
        "CREATE TABLE ok (a int)\nGO\nCREATE TABLE bad (a frobnicate)\nGO\n",
    );
    let snap = dir.join("s.json");
    let s = snap.to_str().unwrap();

    let o = mssqlx(&["snapshot", "--from-ddl", &sql, "-o", s]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("not understood, skipped"), "{err}");
    assert!(
        err.contains("bad.sql:3:21"),
        "rendered at the culprit: {err}"
    );
    assert!(
        err.contains("^^^^^^^^^^"),
        "a caret under `frobnicate`: {err}"
    );
    assert!(err.contains("CREATE TABLE bad (a frobnicate)"), "{err}");
    assert!(err.contains("unknown type `frobnicate`"), "{err}");
    assert!(Snapshot::load(&snap)
        .unwrap()
        .database("default")
        .unwrap()
        .table(None, "ok")
        .is_some());

    std::fs::remove_file(&snap).unwrap();
    let o = mssqlx(&["snapshot", "--from-ddl", &sql, "-o", s, "--strict"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--strict"), "{}", stderr(&o));
    assert!(!snap.exists(), "no snapshot written under --strict");
}

#[test]
fn a_broken_existing_snapshot_is_a_clear_error() {
    let dir = scratch("broken");
    let sql = write(&dir, "a.sql", "CREATE TABLE a (x int)");
    let snap = write(&dir, "s.json", "{\"format_version\": 1, \"databases\": {");
    let o = mssqlx(&["snapshot", "--from-ddl", &sql, "-o", &snap]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("invalid snapshot") && err.contains("s.json:1:"),
        "{err}"
    );
    let snap = write(&dir, "v.json", "{\"format_version\": 7, \"databases\": {}}");
    let o = mssqlx(&["snapshot", "--from-ddl", &sql, "-o", &snap]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("format_version 7"), "{}", stderr(&o));
}

#[test]
fn missing_or_non_utf8_scripts_are_clear_errors() {
    let dir = scratch("missing");
    let o = mssqlx(&[
        "snapshot",
        "--from-ddl",
        dir.join("nope.sql").to_str().unwrap(),
        "-o",
        "-",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    let p = dir.join("latin1.sql");
    std::fs::write(&p, b"CREATE TABLE t (caf\xe9 int)").unwrap();
    let o = mssqlx(&["snapshot", "--from-ddl", p.to_str().unwrap(), "-o", "-"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));
}

#[test]
fn utf16_scripts_from_ssms_are_read() {
    let dir = scratch("utf16");
    let p = dir.join("u16.sql");
    let mut bytes = vec![0xFF, 0xFE];
    for u in "CREATE TABLE t (a int)\r\nGO\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, bytes).unwrap();
    let o = mssqlx(&[
        "snapshot",
        "--from-ddl",
        p.to_str().unwrap(),
        "-o",
        "-",
        "--strict",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let snap = Snapshot::from_json(&String::from_utf8(o.stdout).unwrap()).unwrap();
    assert!(snap.database("default").unwrap().table(None, "t").is_some());
}

#[test]
fn the_example_schema_of_the_readme_imports_strictly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/schema");
    let mut files: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".sql"))
        .collect();
    files.sort();
    let mut args = vec!["snapshot", "--strict", "-o", "-", "--from-ddl"];
    args.extend(files.iter().map(String::as_str));
    let o = mssqlx(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let snap = Snapshot::from_json(&String::from_utf8(o.stdout).unwrap()).unwrap();
    assert_eq!(snap.database("default").unwrap().tables().count(), 5);
}
