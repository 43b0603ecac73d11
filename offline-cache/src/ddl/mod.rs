//! Building a snapshot from T-SQL DDL scripts.
//!
//! `mssqlx snapshot --from-ddl schema.sql` reads the scripts a team already keeps (or
//! that SSMS, SSDT or `sqlpackage` generate) and builds the same [`Database`] a live
//! server would describe: tables and their columns with resolved types, keys,
//! constraints, alias and table types, views (their definition, typed later by the
//! analyzer), procedure and function signatures, sequences.
//!
//! It reads what real scripts contain, in the order a client tool does:
//!
//! 1. `batch`: `GO` separators, byte order mark, CRLF, sqlcmd `:setvar` / `$(Var)`;
//! 2. `tokens`: sqlparser's tokenizer (`MsSqlDialect`), with byte positions;
//! 3. `statement`: statement boundaries (T-SQL needs no `;`), `IF` / `BEGIN ... END`,
//!    and what each statement is;
//! 4. one module per statement family: `create_table` (also table types and ALTER
//!    TABLE's column and constraint definitions), `alter_table`, `routine` (views,
//!    procedures, functions), `objects` (schemas, alias types, sequences, DROP),
//!    `data_type` and `computed` (typing a computed column's expression).
//!
//! sqlparser's *statement* parser is not used for DDL: it rejects most CREATE TABLE
//! scripts SQL Server writes (`ON [PRIMARY]`, `CLUSTERED`, `WITH CHECK ADD`,
//! unparenthesised computed columns, `NOT FOR REPLICATION`, `DEFAULT ... FOR`,
//! sequences with `START WITH` first), and one rejected statement must not lose a table.
//!
//! What the importer does not understand is skipped *and reported* ([`ImportReport`]);
//! what it reports as understood is never silently wrong.
//!
//! Decisions a reader of the snapshot should know:
//!
//! - **Control flow is read, not run.** Every branch of an `IF` and the body of a
//!   `WHILE` are imported (`IF NOT EXISTS (...) CREATE TABLE` guards, and the
//!   StackOverflow loader's `IF 0 = 1 BEGIN ... END` optional sections alike).
//! - **Nullability as SQL Server's catalog says it.** A column with neither `NULL` nor
//!   `NOT NULL` is nullable, except PRIMARY KEY, `IDENTITY`, `rowversion` and
//!   `GENERATED ALWAYS` columns (NOT NULL), and columns of an alias type (its
//!   nullability). A computed column is nullable unless `ISNULL(expr, literal)`.
//! - **Computed columns are typed only when certain** (`CAST`, `ISNULL`, string
//!   concatenation, ...); otherwise `computed.untyped` is set, the type is the
//!   placeholder `sql_variant`, and the analyzer types `computed.expression`.
//! - **Dynamic SQL is not run.** `EXEC ('CREATE ...')` is reported as not understood.
//! - **Placeholders** (`DUMMY.`) can be read as a real schema with
//!   [`Importer::rename_schema`]; sqlcmd `$(Var)` is an identifier named `$(Var)`.
//! - **Names compare by the database's collation** (`CREATE DATABASE ... COLLATE`
//!   sets it; the default is case-insensitive): re-creating `dbo.T` replaces `dbo.t`.
//!
//! ```
//! use mssqlx_offline::{ddl, SqlType};
//! let import = ddl::import_str("app.sql", "
//! CREATE TYPE dbo.Name FROM nvarchar(50) NOT NULL
//! GO
//! CREATE TABLE [dbo].[Users] (
//!     [Id] int IDENTITY(1,1) NOT FOR REPLICATION,
//!     [Name] dbo.Name,
//!     [Email] nvarchar(256) NULL,
//!     CONSTRAINT PK_Users PRIMARY KEY CLUSTERED ([Id]) ON [PRIMARY]
//! ) ON [PRIMARY]
//! GO
//! ");
//! assert!(import.report.skipped.is_empty());
//! let (_, _, users) = import.database.table(None, "users").unwrap();
//! let name = users.column("Name").unwrap();
//! assert_eq!((name.ty.to_string(), name.nullable), ("nvarchar(50)".to_string(), false));
//! assert!(users.column("Id").unwrap().identity.is_some());
//! ```

pub(crate) mod alter_table;
pub(crate) mod batch;
pub(crate) mod computed;
pub(crate) mod create_table;
pub(crate) mod data_type;
pub(crate) mod objects;
pub mod report;
pub(crate) mod routine;
pub(crate) mod statement;
pub(crate) mod tokens;

pub use report::{Culprit, ImportReport, SkipReason, Skipped};

use crate::model::{Database, ObjectName};

/// One script to import: a name for messages (usually its path) and its text.
#[derive(Clone, Copy, Debug)]
pub struct DdlSource<'a> {
    /// Shown in messages as `name:line`.
    pub name: &'a str,
    /// The script's text (a BOM and CRLF line endings are fine).
    pub text: &'a str,
}

/// The result of an import: the database, and what was read and skipped.
#[derive(Clone, Debug)]
pub struct Import {
    /// The schema the scripts describe.
    pub database: Database,
    /// Counts and skipped statements.
    pub report: ImportReport,
}

/// Imports one script.
pub fn import_str(file_name: &str, text: &str) -> Import {
    import(&[DdlSource {
        name: file_name,
        text,
    }])
}

/// Imports several scripts, in order, into one database (a later script may use the
/// types and alter the tables of an earlier one).
pub fn import(sources: &[DdlSource<'_>]) -> Import {
    let mut importer = Importer::new();
    for s in sources {
        importer.add(*s);
    }
    importer.finish()
}

/// An import in progress, for callers that want to report per file (the CLI does).
///
/// ```
/// use mssqlx_offline::ddl::{DdlSource, Importer};
/// let mut im = Importer::new();
/// let first = im.add(DdlSource { name: "types.sql", text: "CREATE TYPE Flag FROM bit NOT NULL" });
/// assert_eq!(first.statements, 1);
/// im.add(DdlSource { name: "t.sql", text: "CREATE TABLE t (f Flag)" });
/// let import = im.finish();
/// assert!(!import.database.table(None, "t").unwrap().2.columns[0].nullable);
/// ```
#[derive(Debug, Default)]
pub struct Importer {
    db: Database,
    report: ImportReport,
    renames: Vec<(String, String)>,
}

/// What one [`Importer::add`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSummary {
    /// Batches (`GO`-separated parts) read.
    pub batches: usize,
    /// Statements understood and applied.
    pub statements: usize,
    /// Statements skipped on purpose.
    pub ignored: usize,
    /// Statements not understood.
    pub not_understood: usize,
}

impl Importer {
    /// An import into an empty database.
    pub fn new() -> Self {
        Importer::default()
    }

    /// Reads schema `from` as `to` wherever a script names it: for placeholder schemas
    /// a deployment tool replaces, such as the StackOverflow loader's `DUMMY` (usually
    /// `dbo`). Applies to the scripts added after the call.
    ///
    /// ```
    /// let mut im = mssqlx_offline::ddl::Importer::new();
    /// im.rename_schema("DUMMY", "dbo");
    /// im.add(mssqlx_offline::ddl::DdlSource { name: "so.sql", text: "CREATE TABLE DUMMY.Posts (Id int)" });
    /// assert!(im.finish().database.table(Some("dbo"), "Posts").is_some());
    /// ```
    pub fn rename_schema(&mut self, from: &str, to: &str) {
        self.renames.push((from.to_string(), to.to_string()));
    }

    /// Imports one more script.
    pub fn add(&mut self, source: DdlSource<'_>) -> FileSummary {
        let skipped_before = self.report.skipped.len();
        let statements_before = self.report.statements;
        let (batches, directives) = batch::split(source.text);
        let mut ctx = Ctx {
            file: source.name,
            db: &mut self.db,
            report: &mut self.report,
            renames: &self.renames,
        };
        for d in directives {
            let lower = d.text.to_ascii_lowercase();
            let reason = if lower.starts_with(":setvar") || lower.starts_with(":on error") {
                SkipReason::Ignored("sqlcmd directive".into())
            } else {
                SkipReason::NotUnderstood(
                    "sqlcmd directive not supported (includes are not followed)".into(),
                )
            };
            ctx.skip_line(d.line, &d.text, "sqlcmd directive", reason);
        }
        for b in &batches {
            statement::import_batch(&mut ctx, b);
        }
        self.report.skipped[skipped_before..].sort_by_key(|s| s.line);
        let new = &self.report.skipped[skipped_before..];
        FileSummary {
            batches: batches.len(),
            statements: self.report.statements - statements_before,
            ignored: new.iter().filter(|s| !s.is_not_understood()).count(),
            not_understood: new.iter().filter(|s| s.is_not_understood()).count(),
        }
    }

    /// The database and report so far.
    pub fn finish(mut self) -> Import {
        let r = &mut self.report;
        r.tables = 0;
        r.columns = 0;
        r.views = 0;
        r.procedures = 0;
        r.functions = 0;
        r.types = 0;
        r.sequences = 0;
        for s in self.db.schemas.values() {
            r.tables += s.tables.len();
            r.columns += s.tables.values().map(|t| t.columns.len()).sum::<usize>();
            r.views += s.views.len();
            r.procedures += s.procedures.len();
            r.functions += s.functions.len();
            r.types += s.alias_types.len() + s.table_types.len();
            r.sequences += s.sequences.len();
        }
        Import {
            database: self.db,
            report: self.report,
        }
    }
}

/// Inserts `value` as `name` in a schema's objects, replacing an object of the same
/// name as the database's collation compares names (under the default, case-insensitive
/// one, `dbo.T` replaces `dbo.t`).
pub(crate) fn insert_object<T>(
    db: &mut Database,
    schema: &str,
    pick: impl FnOnce(&mut crate::model::Schema) -> &mut std::collections::BTreeMap<String, T>,
    name: String,
    value: T,
) {
    let case = db.ident_case();
    let map = pick(db.schema_mut(schema));
    if let Some(old) = map
        .keys()
        .find(|k| **k != name && crate::ident::names_equal(k, &name, case))
        .cloned()
    {
        map.remove(&old);
    }
    map.insert(name, value);
}

/// What statement handlers share: the file, the database being built, the report.
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub db: &'a mut Database,
    pub report: &'a mut ImportReport,
    pub renames: &'a [(String, String)],
}

impl Ctx<'_> {
    /// Records a skipped statement.
    pub fn skip_line(&mut self, line: u32, text: &str, kind: &str, reason: SkipReason) {
        self.report.skipped.push(Skipped {
            file: self.file.to_string(),
            line,
            first_line: tokens::shorten(text),
            kind: kind.to_string(),
            reason,
            culprit: None,
        });
    }

    /// A schema name as written, after [`Importer::rename_schema`].
    pub fn schema_name(&self, written: &str) -> String {
        self.renames
            .iter()
            .rev()
            .find(|(from, _)| from.eq_ignore_ascii_case(written))
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| written.to_string())
    }

    /// Resolves a written name (`a`, `s.a`, `db.s.a`) to schema and name; an omitted
    /// schema is the database's default schema.
    pub fn object_name(&self, parts: &[String]) -> ObjectName {
        let name = parts.last().cloned().unwrap_or_default();
        let schema = match parts.len() {
            0 | 1 => self.db.default_schema.clone(),
            n => {
                let s = &parts[n - 2];
                if s.is_empty() {
                    self.db.default_schema.clone()
                } else {
                    self.schema_name(s)
                }
            }
        };
        ObjectName::new(schema, name)
    }
}
