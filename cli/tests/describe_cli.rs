//! `mssqlx describe`: what it prints, with and without `--json`, and its exit status.

use std::path::PathBuf;
use std::process::{Command, Output};

const SNAPSHOT: &str = r#"{ "format_version": 1, "databases": {
  "default": { "schemas": { "dbo": { "tables": {
    "Items": { "columns": [
      { "name": "Id", "ordinal": 1, "type": "int", "nullable": false },
      { "name": "Price", "ordinal": 2, "type": "decimal(12,2)", "nullable": false },
      { "name": "Name", "ordinal": 3, "type": "nvarchar(50)", "nullable": true },
      { "name": "Added", "ordinal": 4, "type": "datetime2(7)", "nullable": false },
      { "name": "Took", "ordinal": 5, "type": "time(0)", "nullable": true },
      { "name": "Hash", "ordinal": 6, "type": "varbinary(32)", "nullable": true },
      { "name": "Body", "ordinal": 7, "type": "nvarchar(max)", "nullable": true } ] } },
    "procedures": { "Touch": { "parameters": [ { "name": "@Id", "type": "int" } ] } } } } },
  "reporting": { "schemas": { "dbo": { "tables": {
    "Daily": { "columns": [ { "name": "Day", "ordinal": 1, "type": "date", "nullable": false } ] } } } } }
} }"#;

fn snapshot_file(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mssqlx-describe-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mssqlx.json");
    std::fs::write(&path, SNAPSHOT).unwrap();
    path
}

fn run(tag: &str, args: &[&str]) -> Output {
    let snap = snapshot_file(tag);
    Command::new(env!("CARGO_BIN_EXE_mssqlx"))
        .arg("describe")
        .arg("--snapshot")
        .arg(&snap)
        .args(args)
        .output()
        .expect("mssqlx runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn json_output_is_exactly_one_object_with_the_documented_shape() {
    let o = run(
        "json",
        &[
            "--json",
            "SELECT SUM(Price) AS total FROM dbo.Items WHERE Id = @p1",
        ],
    );
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim_end(),
        r#"{"columns":[{"name":"total","type":"decimal(38,2)","nullable":true}],"params":[{"name":"@p1","type":"int"}]}"#
    );
}

#[test]
fn json_types_are_spelled_as_sp_describe_first_result_set_spells_them() {
    let o = run(
        "types",
        &[
            "--json",
            "SELECT Id, Name, Added, Took, Hash, Body, Price + 1 FROM dbo.Items",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let types: Vec<&str> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "int",
            "nvarchar(50)",
            "datetime2(7)",
            "time(0)",
            "varbinary(32)",
            "nvarchar(max)",
            "decimal(13,2)"
        ]
    );
    assert_eq!(
        v["columns"][6]["name"], "",
        "an unaliased expression has no name"
    );
}

#[test]
fn json_errors_carry_byte_offsets_and_exit_1() {
    let o = run("err", &["--json", "SELECT Id, Pirce FROM dbo.Items"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["errors"][0]["offset"], 11);
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Pirce"));
    assert_eq!(v.as_object().unwrap().len(), 1);
}

#[test]
fn readable_output_is_a_table() {
    let o = run("table", &["SELECT Id, Name FROM dbo.Items WHERE Id = @p1"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("column"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("Name") && l.contains("nvarchar(50)") && l.contains("yes")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("@p1") && l.contains("int")),
        "{out}"
    );
}

#[test]
fn readable_errors_put_a_caret_under_the_culprit_and_suggest_a_name() {
    let o = run("caret", &["SELECT Pirce FROM dbo.Items"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("SELECT Pirce FROM dbo.Items"), "{err}");
    assert!(err.contains("^^^^^"), "{err}");
    assert!(err.contains("did you mean `Price`?"), "{err}");
}

#[test]
fn the_database_option_picks_a_snapshot_database() {
    let o = run(
        "db",
        &[
            "--database",
            "reporting",
            "--json",
            "SELECT Day FROM dbo.Daily",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(stdout(&o).contains(r#""type":"date""#));
    let o = run("nodb", &["--database", "nope", "--json", "SELECT 1"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn exec_says_its_result_set_is_unknown() {
    let o = run("exec", &["EXEC dbo.Touch @Id = @p1"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("cannot be known offline"));
}

#[test]
fn a_missing_snapshot_is_a_json_error_too() {
    let o = Command::new(env!("CARGO_BIN_EXE_mssqlx"))
        .args([
            "describe",
            "--snapshot",
            "/nonexistent/mssqlx.json",
            "--json",
            "SELECT 1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["errors"][0]["message"].is_string());
}
