//! `mssqlx describe`: what the query macros will see for one statement.
//!
//! ```text
//! $ mssqlx describe "SELECT Id, Email FROM dbo.Users WHERE Id = @p1"
//! column  type           nullable
//! Id      int            no
//! Email   nvarchar(256)  yes
//!
//! param  type
//! @p1    int
//! ```
//!
//! With `--json`, exactly one JSON object on stdout:
//! `{"columns":[{"name":"Id","type":"int","nullable":false}],"params":[{"name":"@p1","type":"int"}]}`,
//! or `{"errors":[{"message":"...","offset":17}]}` with exit status 1 (errors may also
//! carry `help` and `suggestion`). A column with an alias override adds
//! `override_nullable` / `override_type`; an `EXEC`, whose result set cannot be known
//! offline, adds `"result_unknown":true`. Errors without
//! `--json` are drawn as rustc draws them, with a caret under the culprit.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use mssqlx_macros_core::render::{render_errors, render_errors_styled};
use mssqlx_macros_core::{describe, AnalyzeError, Description};
use serde::Serialize;

/// Arguments of `mssqlx describe`.
#[derive(clap::Args)]
pub struct DescribeArgs {
    /// The snapshot file (default: the one the macros would use for the crate in the
    /// current directory: `$MSSQLX_SNAPSHOT`, `[package.metadata.mssqlx]`, `mssqlx.json`).
    #[arg(long)]
    snapshot: Option<PathBuf>,
    /// The snapshot's database alias the statement runs against.
    #[arg(long, default_value = mssqlx_offline::DEFAULT_DATABASE)]
    database: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// The T-SQL statement.
    sql: String,
}

/// Runs `mssqlx describe`.
pub fn run(args: DescribeArgs) -> ExitCode {
    let path = match args.snapshot.clone() {
        Some(p) => p,
        None => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match mssqlx_offline::locate_snapshot(&here) {
                Ok(p) => p,
                Err(e) => return fail(&args, &e.to_string()),
            }
        }
    };
    let snap = match mssqlx_offline::load_cached(&path) {
        Ok(s) => s,
        Err(e) => return fail(&args, &e.to_string()),
    };
    match describe(&snap, &args.database, &args.sql) {
        Ok(d) => {
            if args.json {
                println!("{}", description_json(&d));
            } else {
                print!("{}", description_table(&d));
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            if args.json {
                println!("{}", errors_json(&errors));
            } else if std::io::stderr().is_terminal() {
                eprint!("{}", render_errors_styled(&args.sql, &errors));
            } else {
                eprint!("{}", render_errors(&args.sql, &errors));
            }
            ExitCode::FAILURE
        }
    }
}

/// An error that is not about the SQL (no snapshot, bad file).
fn fail(args: &DescribeArgs, message: &str) -> ExitCode {
    if args.json {
        let e = AnalyzeError::new(message, 0, 0);
        println!("{}", errors_json(&[e]));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::FAILURE
}

#[derive(Serialize)]
struct JsonColumn<'d> {
    name: &'d str,
    #[serde(rename = "type")]
    ty: String,
    nullable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    override_nullable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    override_type: Option<&'d str>,
}

#[derive(Serialize)]
struct JsonParam<'d> {
    name: &'d str,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Serialize)]
struct JsonDescription<'d> {
    columns: Vec<JsonColumn<'d>>,
    params: Vec<JsonParam<'d>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    result_unknown: bool,
}

#[derive(Serialize)]
struct JsonError<'d> {
    message: &'d str,
    offset: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'d str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'d str>,
}

#[derive(Serialize)]
struct JsonErrors<'d> {
    errors: Vec<JsonError<'d>>,
}

/// The `--json` form of a description, keys in the documented order.
pub fn description_json(d: &Description) -> String {
    let out = JsonDescription {
        columns: d
            .columns
            .iter()
            .map(|c| JsonColumn {
                name: &c.name,
                ty: c.ty.to_string(),
                nullable: c.nullable,
                override_nullable: c.column_override.as_ref().and_then(|o| o.nullable),
                override_type: c
                    .column_override
                    .as_ref()
                    .and_then(|o| o.rust_type.as_deref()),
            })
            .collect(),
        params: d
            .params
            .iter()
            .map(|p| JsonParam {
                name: &p.name,
                ty: p.ty.to_string(),
            })
            .collect(),
        result_unknown: !d.result_known,
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// The `--json` form of errors.
pub fn errors_json(errors: &[AnalyzeError]) -> String {
    let out = JsonErrors {
        errors: errors
            .iter()
            .map(|e| JsonError {
                message: &e.message,
                offset: e.offset,
                help: e.help.as_deref(),
                suggestion: e.suggestion.as_deref(),
            })
            .collect(),
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// The readable form: two aligned tables.
fn description_table(d: &Description) -> String {
    let mut out = String::new();
    let kind = format!("{:?}", d.kind).to_uppercase();
    if !d.result_known {
        out.push_str(&format!(
            "{kind}: the procedure's result set cannot be known offline; name the row type in the macro (query_as!)\n"
        ));
    } else if d.columns.is_empty() {
        out.push_str(&format!("{kind}: no result set\n"));
    } else {
        let rows: Vec<[String; 3]> = d
            .columns
            .iter()
            .map(|c| {
                let mut nullable = if c.nullable { "yes" } else { "no" }.to_string();
                if let Some(o) = &c.column_override {
                    if let Some(n) = o.nullable {
                        nullable =
                            format!("{} (override: {})", nullable, if n { "yes" } else { "no" });
                    }
                    if let Some(t) = &o.rust_type {
                        nullable = format!("{nullable} (as {t})");
                    }
                }
                let name = if c.name.is_empty() {
                    "(no name)".to_string()
                } else {
                    c.name.clone()
                };
                [name, c.ty.to_string(), nullable]
            })
            .collect();
        out.push_str(&table(["column", "type", "nullable"], &rows));
    }
    if !d.params.is_empty() {
        out.push('\n');
        let rows: Vec<[String; 3]> = d
            .params
            .iter()
            .map(|p| {
                [
                    p.name.clone(),
                    p.ty.to_string(),
                    if p.nullable { "yes" } else { "no" }.into(),
                ]
            })
            .collect();
        out.push_str(&table(["param", "type", "accepts NULL"], &rows));
    }
    out
}

fn table(head: [&str; 3], rows: &[[String; 3]]) -> String {
    let mut w = head.map(|h| h.chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: [&str; 3]| {
        format!(
            "{:<w0$}  {:<w1$}  {}\n",
            cells[0],
            cells[1],
            cells[2],
            w0 = w[0],
            w1 = w[1]
        )
    };
    let mut out = line(head);
    for r in rows {
        out.push_str(&line([&r[0], &r[1], &r[2]]));
    }
    out
}
