//! `mssqlx`: the command-line tool of mssqlx.
//!
//! - `mssqlx snapshot --from-ddl FILE...` builds the schema snapshot from T-SQL scripts;
//! - `mssqlx describe "SQL"` prints what the query macros will see for a statement.

mod describe;
mod snapshot;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Compile-time checked queries for SQL Server: snapshot and inspection tools.
#[derive(Parser)]
#[command(name = "mssqlx", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a schema snapshot (from DDL scripts).
    Snapshot(snapshot::SnapshotArgs),
    /// Describe one T-SQL statement against the snapshot: result columns and parameters.
    Describe(describe::DescribeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Snapshot(args) => snapshot::run(args),
        Command::Describe(args) => describe::run(args),
    }
}
