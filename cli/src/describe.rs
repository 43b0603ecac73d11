//! `mssqlx describe`: describe a statement.

use std::process::ExitCode;

/// Arguments of `mssqlx describe`.
#[derive(clap::Args)]
pub struct DescribeArgs {}

/// Runs `mssqlx describe`.
pub fn run(_args: DescribeArgs) -> ExitCode {
    eprintln!("mssqlx describe: not built yet");
    ExitCode::FAILURE
}
