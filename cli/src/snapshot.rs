//! `mssqlx snapshot`: build the schema snapshot from T-SQL DDL scripts.
//!
//! ```text
//! mssqlx snapshot --from-ddl schema/*.sql [--database NAME] [-o PATH] [--strict]
//!                 [--rename-schema FROM=TO]...
//! ```
//!
//! All the files of one run are imported, in the order given, into **one** database of
//! the snapshot, the alias `--database` names (`default` unless given). When the output
//! file already exists, its other databases are kept and only that alias is replaced,
//! so a multi-database snapshot is built with one run per database:
//!
//! ```text
//! mssqlx snapshot --from-ddl app/*.sql                          -o mssqlx.json
//! mssqlx snapshot --from-ddl reporting.sql --database reporting -o mssqlx.json
//! ```
//!
//! Progress goes to stderr, one line per file, then every statement that was not
//! understood (`file:line`, its first line and why) and a summary. Statements that
//! are not understood are skipped and the import goes on; with `--strict` they are an
//! error and no snapshot is written. `-o -` writes the snapshot to stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mssqlx_offline::ddl::{DdlSource, Importer};
use mssqlx_offline::{Snapshot, DEFAULT_DATABASE};

/// Arguments of `mssqlx snapshot`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
All FILEs of one run form one database of the snapshot, the alias --database names.
An existing output keeps its other databases; only that alias is replaced. So a
snapshot of several databases takes one run per database:

  mssqlx snapshot --from-ddl app/*.sql -o mssqlx.json
  mssqlx snapshot --from-ddl reporting.sql --database reporting -o mssqlx.json

Statements that carry no schema fact (indexes, grants, data, ...) are skipped; ones
the importer does not understand are reported as file:line and skipped too, or, with
--strict, make the run fail without writing anything.")]
pub struct SnapshotArgs {
    /// T-SQL scripts to import, in order (GO batches, sqlcmd variables, BOM and CRLF are fine).
    #[arg(long = "from-ddl", value_name = "FILE", num_args = 1.., required = true)]
    pub from_ddl: Vec<PathBuf>,
    /// The database alias the scripts describe; other aliases of an existing output are kept.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// Where to write the snapshot (`-` for stdout).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "PATH",
        default_value = "mssqlx.json"
    )]
    pub output: PathBuf,
    /// Fail, writing nothing, when a statement is not understood.
    #[arg(long)]
    pub strict: bool,
    /// Read schema FROM as TO (for placeholder schemas, e.g. `DUMMY=dbo`); repeatable.
    #[arg(long = "rename-schema", value_name = "FROM=TO", value_parser = parse_rename)]
    pub rename_schema: Vec<(String, String)>,
}

fn parse_rename(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(format!("expected FROM=TO, got `{s}`")),
    }
}

/// Runs `mssqlx snapshot`.
pub fn run(args: SnapshotArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &SnapshotArgs) -> Result<ExitCode, String> {
    if args.database.trim().is_empty() {
        return Err("--database needs a name".into());
    }
    let to_stdout = args.output.as_os_str() == "-";
    // Read the existing snapshot first: a broken one is reported before any work.
    let mut snapshot = if !to_stdout && args.output.exists() {
        Snapshot::load(&args.output).map_err(|e| {
            format!("{e}\n(the output exists and is merged into; delete it to start afresh)")
        })?
    } else {
        Snapshot::new()
    };

    let mut importer = Importer::new();
    for (from, to) in &args.rename_schema {
        importer.rename_schema(from, to);
    }
    for path in &args.from_ddl {
        let text = read_script(path)?;
        let name = path.display().to_string();
        let summary = importer.add(DdlSource {
            name: &name,
            text: &text,
        });
        eprintln!(
            "{name}: {} statements read, {} skipped ({} not understood)",
            summary.statements,
            summary.ignored + summary.not_understood,
            summary.not_understood
        );
    }
    let import = importer.finish();
    let report = &import.report;
    let styled = std::io::stderr().is_terminal();
    for s in report.not_understood() {
        eprintln!("{}", s.render(styled));
    }
    eprintln!("database `{}`: {}", args.database, report.summary());
    let bad = report.not_understood().count();
    if args.strict && bad > 0 {
        eprintln!(
            "error: {bad} statement{} not understood (--strict); no snapshot written",
            if bad == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::FAILURE);
    }

    let replaced = snapshot
        .databases
        .insert(args.database.clone(), import.database)
        .is_some();
    if to_stdout {
        print!("{}", snapshot.to_json());
    } else {
        snapshot.save(&args.output).map_err(|e| e.to_string())?;
        eprintln!(
            "{} database `{}` in {}",
            if replaced { "replaced" } else { "wrote" },
            args.database,
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a script as UTF-8 (a UTF-16 file, as SSMS may save, is converted).
fn read_script(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Some(utf16) = utf16_text(&bytes) {
        return Ok(utf16);
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 (invalid byte at offset {}); convert it, e.g. with `iconv -t UTF-8`",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Decodes a UTF-16 file with a byte order mark.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let (le, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    Some(String::from_utf16_lossy(&units))
}
