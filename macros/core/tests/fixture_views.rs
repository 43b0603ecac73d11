//! Every view of the AdventureWorks and WideWorldImporters fixtures, typed by the
//! analyzer: real queries nobody on this project wrote.
//!
//! The schemas are imported from their DDL scripts (`../shared/fixtures/schemas/`);
//! each view is described as `SELECT * FROM schema.view`, which types its definition.
//! A view the analyzer cannot type yet is listed in [`NOT_YET`] with the construct it
//! lacks; the test fails if a listed view starts working (so the list stays honest) or
//! an unlisted one fails.

use mssqlx_macros_core::describe;
use mssqlx_offline::{ddl, fixtures, Snapshot};

/// Views the analyzer cannot type yet: (fixture, schema.view, the construct it lacks).
const NOT_YET: &[(&str, &str, &str)] = &[];

fn check(file: &str) -> Option<(usize, Vec<String>)> {
    let text = fixtures::fixture(file)?;
    let import = ddl::import_str(file, &text);
    let mut snap = Snapshot::new();
    snap.databases.insert("default".into(), import.database);
    let db = snap.database("default").expect("just inserted");
    let views: Vec<(String, String)> = db
        .views()
        .map(|(s, n, _)| (s.to_string(), n.to_string()))
        .collect();
    let mut problems = Vec::new();
    for (schema, name) in &views {
        let key = format!("{schema}.{name}");
        let sql = format!("SELECT * FROM [{schema}].[{name}]");
        let listed = NOT_YET.iter().find(|(f, v, _)| *f == file && *v == key);
        match (describe(&snap, "default", &sql), listed) {
            (Ok(d), None) => assert!(!d.columns.is_empty(), "{key} has no columns"),
            (Ok(_), Some(_)) => problems.push(format!("{key}: now typed; remove it from NOT_YET")),
            (Err(_), Some(_)) => {}
            (Err(e), None) => problems.push(format!(
                "{key}: {}",
                e.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            )),
        }
    }
    Some((views.len(), problems))
}

#[test]
fn every_adventureworks_view_is_typed() {
    let Some((n, problems)) = check("AdventureWorks_instawdb.sql") else {
        return;
    };
    assert!(n >= 20, "only {n} views imported");
    assert!(
        problems.is_empty(),
        "{} of {n} views:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_wideworldimporters_view_is_typed() {
    let Some((n, problems)) = check("WideWorldImporters_ssdt.sql") else {
        return;
    };
    assert!(n >= 3, "only {n} views imported");
    assert!(
        problems.is_empty(),
        "{} of {n} views:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_view_of_the_other_fixtures_is_typed_too() {
    for (file, min) in [
        ("Northwind_instnwnd.sql", 16),
        ("Sakila_sql-server-sakila-schema.sql", 5),
        ("AdventureWorksDW_instawdbdw.sql", 5),
        ("pubs_instpubs.sql", 1),
    ] {
        let Some((n, problems)) = check(file) else {
            return;
        };
        assert!(n >= min, "{file}: only {n} views imported");
        assert!(
            problems.is_empty(),
            "{file}: {} of {n} views:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}
