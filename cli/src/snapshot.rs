//! `mssqlx snapshot`: build a snapshot.

use std::process::ExitCode;

/// Arguments of `mssqlx snapshot`.
#[derive(clap::Args)]
pub struct SnapshotArgs {}

/// Runs `mssqlx snapshot`.
pub fn run(_args: SnapshotArgs) -> ExitCode {
    eprintln!("mssqlx snapshot: not built yet");
    ExitCode::FAILURE
}
