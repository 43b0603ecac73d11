//! Finding the third-party schema fixtures that tests read.
//!
//! Real schema scripts nobody on this project wrote (AdventureWorks, WideWorldImporters,
//! Northwind, ...) live outside the repository, in `../shared/fixtures/schemas/` beside
//! the checkout, or wherever `$MSSQLX_FIXTURES` points. A test that needs one calls
//! [`fixture`]: where the fixtures are absent the test is skipped with a message on
//! stderr — except when `CI` is set, where a missing fixture fails the test so CI can
//! never skip them silently.
//!
//! ```no_run
//! let Some(sql) = mssqlx_offline::fixtures::fixture("Northwind_instnwnd.sql") else {
//!     return; // skipped, and said so
//! };
//! assert!(sql.contains("CREATE TABLE"));
//! ```

use std::path::PathBuf;

/// The fixtures folder, if it exists: `$MSSQLX_FIXTURES`, else
/// `<workspace>/../shared/fixtures/schemas`.
pub fn schemas_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MSSQLX_FIXTURES") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    // This crate sits one level below the workspace root.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/schemas");
    dir.is_dir().then_some(dir)
}

/// The text of fixture `file_name`, or `None` (after saying so on stderr) when the
/// fixtures are not on this machine.
///
/// # Panics
///
/// When `CI` is set and the fixture cannot be read: CI must never skip these tests.
pub fn fixture(file_name: &str) -> Option<String> {
    let found = schemas_dir().and_then(|d| std::fs::read(d.join(file_name)).ok());
    match found {
        Some(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        None if std::env::var_os("CI").is_some() => panic!(
            "fixture {file_name} not found (looked in $MSSQLX_FIXTURES and ../shared/fixtures/schemas); \
             CI must not skip fixture tests"
        ),
        None => {
            eprintln!(
                "SKIPPED: fixture {file_name} not found (set MSSQLX_FIXTURES or place the \
                 fixtures in ../shared/fixtures/schemas)"
            );
            None
        }
    }
}
