//! The snapshot's data model: databases → schemas → tables, views, procedures, ...
//!
//! Everything the analyzer needs to type a query offline, and nothing it does not.
//! Objects are kept in `BTreeMap`s keyed by their name as written in the schema, so the
//! JSON is sorted and a schema change shows as a small, readable diff. Columns keep
//! their ordinal order, as `SELECT *` returns them.
//!
//! Names are compared the way the database's collation compares identifiers
//! (case-insensitively under a `_CI_` collation, the default); use the lookup methods
//! ([`Database::table`], [`Schema::table`], [`Table::column`]) rather than indexing the
//! maps by hand.
//!
//! ```
//! use mssqlx_offline::{Database, Table, Column, SqlType};
//! let mut db = Database::default();
//! let mut t = Table::default();
//! t.columns.push(Column::new("Email", 1, SqlType::NVarChar(mssqlx_offline::Length::Bounded(256)), false));
//! db.schema_mut("dbo").tables.insert("Users".into(), t);
//! let (schema, name, table) = db.table(None, "USERS").unwrap();
//! assert_eq!((schema, name), ("dbo", "Users"));
//! assert!(table.column("email").is_some());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ident::{names_equal, IdentCase};
use crate::types::SqlType;

/// The collation SQL Server installs by default; case-insensitive.
pub const DEFAULT_COLLATION: &str = "SQL_Latin1_General_CP1_CI_AS";

/// The schema unqualified names resolve to.
pub const DEFAULT_SCHEMA: &str = "dbo";

/// A schema-qualified object name, such as `Sales.Orders`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectName {
    /// The schema (`dbo` when the source left it out).
    pub schema: String,
    /// The object's own name.
    pub name: String,
}

impl ObjectName {
    /// A name in `schema`.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        ObjectName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for ObjectName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// One database of the snapshot (a file may describe several, by alias).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `@@VERSION`-style server version, when known (a live snapshot records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// The database's default collation; decides identifier case sensitivity.
    #[serde(default = "default_collation")]
    pub collation: String,
    /// The schema unqualified names resolve to (the user's default schema).
    #[serde(default = "default_schema")]
    pub default_schema: String,
    /// Schemas by name.
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
}

fn default_collation() -> String {
    DEFAULT_COLLATION.to_string()
}

fn default_schema() -> String {
    DEFAULT_SCHEMA.to_string()
}

impl Default for Database {
    fn default() -> Self {
        Database {
            server_version: None,
            collation: default_collation(),
            default_schema: default_schema(),
            schemas: BTreeMap::new(),
        }
    }
}

/// One schema's objects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Base tables by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, Table>,
    /// Views by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<String, View>,
    /// Stored procedures by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub procedures: BTreeMap<String, Procedure>,
    /// User-defined functions by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub functions: BTreeMap<String, Function>,
    /// Alias types (`CREATE TYPE x FROM nvarchar(50)`) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alias_types: BTreeMap<String, AliasType>,
    /// Table types (`CREATE TYPE x AS TABLE (...)`) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub table_types: BTreeMap<String, TableType>,
    /// Sequences by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, Sequence>,
}

impl Schema {
    /// The table called `name` (compared case-insensitively), with its name as stored.
    pub fn table(&self, name: &str) -> Option<(&str, &Table)> {
        self.tables
            .iter()
            .find(|(k, _)| names_equal(k, name, IdentCase::Insensitive))
            .map(|(k, t)| (k.as_str(), t))
    }
}

/// A base table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
    /// UNIQUE constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<KeyConstraint>,
    /// FOREIGN KEY constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_constraints: Vec<CheckConstraint>,
    /// System-versioning facts of a temporal table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporal: Option<Temporal>,
}

impl Table {
    /// The column called `name`, compared case-insensitively (use
    /// [`Table::column_in`] to follow a case-sensitive collation).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.column_in(name, IdentCase::Insensitive)
    }

    /// The column called `name` under the given identifier comparison.
    pub fn column_in(&self, name: &str, case: IdentCase) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| names_equal(&c.name, name, case))
    }

    /// Mutable access to the column called `name` (case-insensitive).
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns
            .iter_mut()
            .find(|c| names_equal(&c.name, name, IdentCase::Insensitive))
    }
}

/// A column of a table, view, table type or function result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column name as declared.
    pub name: String,
    /// 1-based position, as `sys.columns.column_id` orders them.
    pub ordinal: u32,
    /// The system type (alias types resolved).
    #[serde(rename = "type")]
    pub ty: SqlType,
    /// Whether the catalog allows NULL in this column.
    pub nullable: bool,
    /// The alias type it was declared with (`dbo.Name`), when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_type: Option<ObjectName>,
    /// `IDENTITY(seed, increment)`; such a column gets its values from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// `AS expr [PERSISTED]`: the value is computed, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Computed>,
    /// The DEFAULT expression's text, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// An explicit COLLATE, when it differs from the database default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `ROWGUIDCOL`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rowguidcol: bool,
    /// `SPARSE`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sparse: bool,
    /// `GENERATED ALWAYS AS ROW START | END` of a temporal table: never written by users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_always: Option<GeneratedAlways>,
    /// `HIDDEN` period columns are left out of `SELECT *`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// A JSON document: a `CHECK (ISJSON(col) ...)` constraint or the native `json` type.
    #[serde(default, skip_serializing_if = "is_false")]
    pub json: bool,
    /// The XML schema collection of a typed `xml(...)` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml_schema_collection: Option<ObjectName>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Column {
    /// A plain column with no identity, default or other attribute.
    pub fn new(name: impl Into<String>, ordinal: u32, ty: SqlType, nullable: bool) -> Self {
        Column {
            name: name.into(),
            ordinal,
            ty,
            nullable,
            alias_type: None,
            identity: None,
            computed: None,
            default: None,
            collation: None,
            rowguidcol: false,
            sparse: false,
            generated_always: None,
            hidden: false,
            json: false,
            xml_schema_collection: None,
        }
    }

    /// True when an INSERT may not (and need not) give this column a value:
    /// identity, computed, rowversion and `GENERATED ALWAYS` columns.
    pub fn is_server_generated(&self) -> bool {
        self.identity.is_some()
            || self.computed.is_some()
            || self.generated_always.is_some()
            || self.ty == SqlType::RowVersion
    }

    /// True when an INSERT that leaves this column out still succeeds.
    pub fn may_be_omitted_on_insert(&self) -> bool {
        self.nullable || self.default.is_some() || self.is_server_generated()
    }
}

/// `IDENTITY(seed, increment) [NOT FOR REPLICATION]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// First value.
    pub seed: i64,
    /// Step between values.
    pub increment: i64,
    /// `NOT FOR REPLICATION`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_for_replication: bool,
}

/// A computed column's definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    /// The expression's source text.
    pub expression: String,
    /// `PERSISTED`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub persisted: bool,
    /// True when the column's type is not known yet: a DDL import could not type the
    /// expression with certainty. The column's `type` is then the placeholder
    /// `sql_variant`, and the analyzer types `expression` against the table.
    #[serde(default, skip_serializing_if = "is_false")]
    pub untyped: bool,
}

/// Which end of a temporal table's period a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedAlways {
    /// `GENERATED ALWAYS AS ROW START`.
    RowStart,
    /// `GENERATED ALWAYS AS ROW END`.
    RowEnd,
}

/// A PRIMARY KEY or UNIQUE constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConstraint {
    /// The constraint name, when the source gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Key columns in key order.
    pub columns: Vec<String>,
    /// `CLUSTERED` (true) / `NONCLUSTERED` (false) when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clustered: Option<bool>,
}

/// A FOREIGN KEY constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The constraint name, when the source gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: ObjectName,
    /// Referenced columns (the referenced table's key when the source left them out).
    pub referenced_columns: Vec<String>,
    /// `ON DELETE` action (`CASCADE`, `SET NULL`, ...), when not NO ACTION.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<String>,
    /// `ON UPDATE` action, when not NO ACTION.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
}

/// A CHECK constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConstraint {
    /// The constraint name, when the source gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The condition's source text.
    pub expression: String,
}

/// System-versioning of a temporal table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Temporal {
    /// The `ROW START` column.
    pub period_start: String,
    /// The `ROW END` column.
    pub period_end: String,
    /// `HISTORY_TABLE = ...`, when system versioning is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_table: Option<ObjectName>,
}

/// A view. From DDL only its definition is known; the analyzer types its columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// The SELECT statement after `AS`, as written.
    pub definition: String,
    /// An explicit column list (`CREATE VIEW v (a, b) AS ...`), if given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_names: Vec<String>,
    /// Typed columns, when the snapshot was read from a live server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    /// `WITH SCHEMABINDING`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub schemabinding: bool,
}

/// A parameter of a procedure or function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The name with its `@`.
    pub name: String,
    /// The system type; `None` when the parameter is a table-valued one.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<SqlType>,
    /// The table type of a `READONLY` table-valued parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_type: Option<ObjectName>,
    /// The alias type it was declared with, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_type: Option<ObjectName>,
    /// The default's source text: a caller may leave the parameter out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `OUTPUT` / `OUT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub output: bool,
}

/// A stored procedure: its signature. Its result sets cannot be known offline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Parameters in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// What a user-defined function returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FunctionReturns {
    /// A scalar function.
    Scalar {
        /// The result type.
        #[serde(rename = "type")]
        ty: SqlType,
    },
    /// An inline table-valued function: its single SELECT, typed by the analyzer.
    InlineTable {
        /// The SELECT after `RETURN`.
        definition: String,
    },
    /// A multi-statement table-valued function with its declared table.
    Table {
        /// The declared result columns.
        columns: Vec<Column>,
    },
}

/// A user-defined function: signature and return shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// Parameters in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// What it returns.
    pub returns: FunctionReturns,
}

/// An alias type: a name for a system type with a nullability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasType {
    /// The system type it stands for.
    #[serde(rename = "type")]
    pub ty: SqlType,
    /// The nullability a column declared with it gets when it states none.
    pub nullable: bool,
}

/// A user-defined table type (for table-valued parameters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableType {
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<KeyConstraint>,
}

/// A sequence object (`NEXT VALUE FOR`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// The value type (bigint unless stated).
    #[serde(rename = "type")]
    pub ty: SqlType,
    /// `START WITH`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// `INCREMENT BY`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<String>,
}

impl Database {
    /// How this database compares identifiers, from its collation.
    pub fn ident_case(&self) -> IdentCase {
        IdentCase::from_collation(&self.collation)
    }

    /// The schema called `name`, and its name as stored.
    pub fn schema(&self, name: &str) -> Option<(&str, &Schema)> {
        let case = self.ident_case();
        self.schemas
            .iter()
            .find(|(k, _)| names_equal(k, name, case))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The schema called `name`, created empty if missing (matching case-insensitively).
    pub fn schema_mut(&mut self, name: &str) -> &mut Schema {
        let case = self.ident_case();
        let key = self
            .schemas
            .keys()
            .find(|k| names_equal(k, name, case))
            .cloned()
            .unwrap_or_else(|| name.to_string());
        self.schemas.entry(key).or_default()
    }

    /// Resolves a table name as SQL Server does: `schema.name` exactly, or an
    /// unqualified name in the default schema. Returns (schema, name, table) as stored.
    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &Table)> {
        self.find(schema, name, |s| &s.tables)
    }

    /// Resolves a view name like [`Database::table`].
    pub fn view(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &View)> {
        self.find(schema, name, |s| &s.views)
    }

    /// Resolves a procedure name like [`Database::table`].
    pub fn procedure(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &Procedure)> {
        self.find(schema, name, |s| &s.procedures)
    }

    /// Resolves a function name like [`Database::table`].
    pub fn function(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &Function)> {
        self.find(schema, name, |s| &s.functions)
    }

    /// Resolves an alias type name like [`Database::table`].
    pub fn alias_type(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &AliasType)> {
        self.find(schema, name, |s| &s.alias_types)
    }

    /// Resolves a table type name like [`Database::table`].
    pub fn table_type(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &TableType)> {
        self.find(schema, name, |s| &s.table_types)
    }

    /// Resolves a sequence name like [`Database::table`].
    pub fn sequence(&self, schema: Option<&str>, name: &str) -> Option<(&str, &str, &Sequence)> {
        self.find(schema, name, |s| &s.sequences)
    }

    fn find<'a, T>(
        &'a self,
        schema: Option<&str>,
        name: &str,
        objects: impl Fn(&'a Schema) -> &'a BTreeMap<String, T>,
    ) -> Option<(&'a str, &'a str, &'a T)> {
        let case = self.ident_case();
        let schema = schema.unwrap_or(&self.default_schema);
        let (schema_name, s) = self.schema(schema)?;
        objects(s)
            .iter()
            .find(|(k, _)| names_equal(k, name, case))
            .map(|(k, v)| (schema_name, k.as_str(), v))
    }

    /// Every table as (schema, name, table), in sorted order.
    pub fn tables(&self) -> impl Iterator<Item = (&str, &str, &Table)> {
        self.schemas.iter().flat_map(|(s, schema)| {
            schema
                .tables
                .iter()
                .map(move |(n, t)| (s.as_str(), n.as_str(), t))
        })
    }

    /// Every view as (schema, name, view), in sorted order.
    pub fn views(&self) -> impl Iterator<Item = (&str, &str, &View)> {
        self.schemas.iter().flat_map(|(s, schema)| {
            schema
                .views
                .iter()
                .map(move |(n, v)| (s.as_str(), n.as_str(), v))
        })
    }
}
