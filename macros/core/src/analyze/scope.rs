//! FROM sources and name resolution.
//!
//! A *frame* is one `SELECT` level: the sources its FROM clause brought in (tables,
//! views, derived tables, CTEs, `OPENJSON`, table-valued functions), each under the
//! name a column reference qualifies it with (its alias, or the object's own name).
//! Frames stack: a subquery's frame is pushed above its parent's, so a correlated
//! reference finds the outer column. An unqualified column must be unique among the
//! sources of the nearest frame that has it; otherwise it is ambiguous, as in SQL Server.
//!
//! Outer joins make the null-supplying side's columns nullable here, when the source
//! is added: `a LEFT JOIN b` marks `b`'s columns, `RIGHT JOIN` everything before it,
//! `FULL JOIN` both, `OUTER APPLY` the applied side.
//!
//! A frame also records what its GROUP BY groups, so that a column used outside an
//! aggregate and not grouped is reported (SQL Server's error 8120).
//!
//! ```text
//! SELECT o.Id, c.Name FROM dbo.Orders o LEFT JOIN dbo.Customers c ON c.Id = o.CustomerId
//!        ^^^^ frame 0: [o -> dbo.Orders, c -> dbo.Customers (nullable)]
//! ```

use mssqlx_offline::ident::names_equal;
use mssqlx_offline::{Column, Database, ObjectName, SqlType};
use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, Ident, JoinConstraint, JoinOperator, ObjectNamePart,
    Spanned, TableAlias, TableFactor, TableWithJoins,
};
use sqlparser::tokenizer::Span;

use super::definitions::pending_of;
use super::error::did_you_mean;
use super::expr::V;
use super::{Analyzer, ColumnOrigin};
use crate::typing::{self, Typed};

/// A column as the analyzer carries it between stages.
#[derive(Clone, Debug)]
pub(crate) struct Col {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    pub origin: Option<ColumnOrigin>,
    /// Left out of `SELECT *` (temporal `HIDDEN` period columns).
    pub hidden: bool,
    /// The column is a bare parameter whose type may be learnt later in the statement.
    pub from_param: Option<usize>,
    /// Why the type is not known (an untyped computed column that could not be typed);
    /// reported where the column is used.
    pub unknown: Option<String>,
    /// An untyped computed column, typed from its expression when first used.
    pub pending: Option<Box<Pending>>,
    /// On the null-supplying side of an outer join (or a MERGE action without that row).
    pub outer: bool,
}

/// A computed column the DDL importer could not type, waiting to be typed.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    /// The snapshot database alias of a three-part name (None: the current one).
    pub db_alias: Option<String>,
    pub table: ObjectName,
    pub expression: String,
}

impl Col {
    pub fn new(name: impl Into<String>, t: Typed) -> Self {
        Col {
            name: name.into(),
            ty: t.ty,
            nullable: t.nullable,
            origin: None,
            hidden: false,
            from_param: None,
            unknown: None,
            pending: None,
            outer: false,
        }
    }

    pub fn typed(&self) -> Typed {
        Typed {
            ty: self.ty.clone(),
            nullable: self.nullable,
        }
    }

    /// The column as a value: its parameter when it is a bare one, else its type.
    pub fn value(&self) -> V {
        match self.from_param {
            Some(p) => V::Param(p),
            None => V::T(self.typed()),
        }
    }

    /// Marks the column as on the null-supplying side of an outer join.
    pub fn null_supplied(&mut self) {
        self.nullable = true;
        self.outer = true;
    }

    /// A base table's column; its origin is the source's table, filled in when used.
    fn bare(c: &Column) -> Self {
        Col {
            hidden: c.hidden,
            ..Col::new(
                c.name.clone(),
                Typed {
                    ty: c.ty.clone(),
                    nullable: c.nullable,
                },
            )
        }
    }

    pub(crate) fn of_column(c: &Column, object: &ObjectName) -> Self {
        Col {
            origin: Some(ColumnOrigin {
                object: object.clone(),
                column: c.name.clone(),
            }),
            ..Col::bare(c)
        }
    }
}

/// One FROM source under its qualifier.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    /// The name columns are qualified with: the alias, else the object's name.
    pub name: String,
    /// The object's schema, when not aliased (so `dbo.T.col` resolves).
    pub schema: Option<String>,
    /// The base table behind it, when it is one (a DML target must be).
    pub table: Option<ObjectName>,
    pub cols: Vec<Col>,
    pub id: usize,
}

/// What GROUP BY groups on one level.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grouping {
    /// Grouped columns as (source id, column index).
    pub keys: Vec<(usize, usize)>,
    /// Grouped expressions that are not plain columns, as normalized text.
    pub exprs: Vec<String>,
    /// ROLLUP / CUBE / GROUPING SETS: grouped columns are NULL in subtotal rows.
    pub rollup: bool,
}

/// One SELECT level.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    pub sources: Vec<Source>,
    pub grouping: Option<Grouping>,
    /// Checking grouped-ness of column references (select list, HAVING, ORDER BY).
    pub checking: bool,
    pub agg_depth: usize,
    /// Inside an expression that matches a GROUP BY expression.
    pub grouped_expr_depth: usize,
    pub agg_seen: bool,
    /// Column references neither grouped nor aggregated: (offset, len, name).
    pub ungrouped: Vec<(usize, usize, String)>,
    /// Select-list outputs ORDER BY may name.
    pub aliases: Vec<Col>,
    pub in_order_by: bool,
    /// A FROM source failed to resolve (already reported): unresolved columns are not
    /// reported again.
    pub broken: bool,
}

/// A CTE in scope.
#[derive(Clone, Debug)]
pub(crate) struct Cte {
    pub name: String,
    pub cols: Vec<Col>,
}

/// The known table hints; anything else is reported.
const TABLE_HINTS: &[&str] = &[
    "NOLOCK",
    "READUNCOMMITTED",
    "UPDLOCK",
    "REPEATABLEREAD",
    "SERIALIZABLE",
    "HOLDLOCK",
    "READCOMMITTED",
    "READCOMMITTEDLOCK",
    "FASTFIRSTROW",
    "TABLOCK",
    "TABLOCKX",
    "PAGLOCK",
    "ROWLOCK",
    "NOWAIT",
    "READPAST",
    "XLOCK",
    "SNAPSHOT",
    "NOEXPAND",
    "FORCESEEK",
    "FORCESCAN",
    "KEEPIDENTITY",
    "KEEPDEFAULTS",
    "IGNORE_CONSTRAINTS",
    "IGNORE_TRIGGERS",
    "INDEX",
];

/// Hints that read uncommitted data, refused on a table being modified (R36).
pub(crate) const DIRTY_READ_HINTS: &[&str] = &["NOLOCK", "READUNCOMMITTED"];

pub(crate) fn ident_span<'i>(idents: impl IntoIterator<Item = &'i Ident>) -> Span {
    Span::union_iter(idents.into_iter().map(|i| i.span))
}

/// The identifiers of an object name (functions in names are not T-SQL).
pub(crate) fn name_parts(name: &sqlparser::ast::ObjectName) -> Vec<&Ident> {
    name.0
        .iter()
        .filter_map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(i),
            _ => None,
        })
        .collect()
}

/// A name split into (database, schema, object).
pub(crate) struct Parts<'n> {
    pub database: Option<&'n str>,
    /// Where the database part is written (empty when there is none).
    pub database_span: Span,
    pub schema: Option<&'n str>,
    pub name: &'n str,
}

impl<'a> Analyzer<'a> {
    pub(crate) fn frame(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame::default());
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    pub(crate) fn next_id(&mut self) -> usize {
        self.next_source_id += 1;
        self.next_source_id
    }

    pub(crate) fn eq(&self, a: &str, b: &str) -> bool {
        names_equal(a, b, self.case)
    }

    /// Splits an object name, reporting four-part (linked server) names.
    pub(crate) fn split_name<'n>(
        &mut self,
        name: &'n sqlparser::ast::ObjectName,
    ) -> Option<Parts<'n>> {
        let parts = name_parts(name);
        let s = |i: &'n Ident| Some(i.value.as_str()).filter(|v| !v.is_empty());
        match parts.as_slice() {
            [n] => Some(Parts {
                database: None,
                database_span: Span::empty(),
                schema: None,
                name: &n.value,
            }),
            [s1, n] => Some(Parts {
                database: None,
                database_span: Span::empty(),
                schema: s(s1),
                name: &n.value,
            }),
            [d, s1, n] => Some(Parts {
                database: s(d),
                database_span: d.span,
                schema: s(s1),
                name: &n.value,
            }),
            _ => {
                self.error_at(
                    name.span(),
                    "linked-server (four-part) names cannot be checked offline",
                )
                .help = Some(
                    "query the linked server's database through its own snapshot alias".into(),
                );
                None
            }
        }
    }

    /// The snapshot database a three-part name points into.
    pub(crate) fn database_named(
        &mut self,
        name: &str,
        span: Span,
    ) -> Option<(&'a Database, String)> {
        let snap = self.snap;
        if let Some((k, db)) = snap
            .databases
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            return Some((db, k.clone()));
        }
        let suggestion = did_you_mean(name, snap.databases.keys().map(String::as_str));
        let known: Vec<&str> = snap.databases.keys().map(String::as_str).collect();
        let e = self.error_at(span, format!("unknown database `{name}`"));
        e.suggestion = suggestion;
        e.help = Some(format!(
            "the snapshot's databases are: {}",
            known.join(", ")
        ));
        None
    }

    /// The database a name's database part picks (an unknown one is reported at
    /// `span`), with its snapshot alias; the current database, without one, when the
    /// name has no database part.
    pub(crate) fn database_of(
        &mut self,
        database: Option<&str>,
        span: Span,
    ) -> Option<(&'a Database, Option<String>)> {
        match database {
            Some(d) => self.database_named(d, span).map(|(db, k)| (db, Some(k))),
            None => Some((self.db, None)),
        }
    }

    /// Adds every source of a FROM clause to the current frame.
    pub(crate) fn add_from_clause(&mut self, from: &[TableWithJoins]) {
        for twj in from {
            self.table_with_joins(twj);
        }
    }

    pub(crate) fn table_with_joins(&mut self, twj: &TableWithJoins) {
        let start = self.frame().sources.len();
        self.factor_into_frame(&twj.relation);
        for join in &twj.joins {
            let before = self.frame().sources.len();
            let (constraint, left_null, right_null) = match &join.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => (Some(c), false, false),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (Some(c), false, true),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (Some(c), true, false),
                JoinOperator::FullOuter(c) => (Some(c), true, true),
                JoinOperator::CrossJoin(c) => (Some(c), false, false),
                JoinOperator::CrossApply => (None, false, false),
                JoinOperator::OuterApply => (None, false, true),
                _ => {
                    self.error_at(join.relation.span(), "this join kind is not T-SQL");
                    (None, false, false)
                }
            };
            self.factor_into_frame(&join.relation);
            let after = self.frame().sources.len();
            if left_null {
                for s in &mut self.frame().sources[start..before] {
                    s.cols.iter_mut().for_each(Col::null_supplied);
                }
            }
            if right_null {
                for s in &mut self.frame().sources[before..after] {
                    s.cols.iter_mut().for_each(Col::null_supplied);
                }
            }
            match constraint {
                Some(JoinConstraint::On(e)) => self.condition(e),
                Some(JoinConstraint::Using(_)) | Some(JoinConstraint::Natural) => {
                    self.error_at(
                        join.relation.span(),
                        "USING and NATURAL joins are not T-SQL",
                    );
                }
                _ => {}
            }
        }
    }

    /// Resolves one table factor and pushes its source(s) onto the current frame.
    fn factor_into_frame(&mut self, tf: &TableFactor) {
        if let TableFactor::NestedJoin {
            table_with_joins,
            alias,
        } = tf
        {
            if let Some(a) = alias {
                self.error_at(a.name.span, "an alias on a parenthesized join is not T-SQL");
            }
            self.table_with_joins(table_with_joins);
            return;
        }
        let src = self.table_factor(tf);
        if src.is_none() {
            self.frame().broken = true;
        }
        if let Some(src) = src {
            let dup = self.frame().sources.iter().any(|s| {
                names_equal(
                    &s.name,
                    &src.name,
                    mssqlx_offline::ident::IdentCase::Insensitive,
                ) && s.schema == src.schema
            });
            if dup {
                let name = src.name.clone();
                self.error_at(
                    tf.span(),
                    format!("the name `{name}` is used twice in this FROM clause"),
                )
                .help = Some("give one of them a different alias".into());
            }
            self.frame().sources.push(src);
        }
    }

    /// Resolves one table factor into a source (not added to the frame).
    pub(crate) fn table_factor(&mut self, tf: &TableFactor) -> Option<Source> {
        match tf {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                ..
            } => {
                self.check_hints(with_hints);
                let mut src = match args {
                    Some(a) => self.table_function(name, &a.args)?,
                    None => self.named_source(name)?,
                };
                self.apply_alias(&mut src, alias.as_ref());
                Some(src)
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let cols = self.query(subquery)?;
                let Some(alias) = alias else {
                    self.error_at(subquery.span(), "a derived table needs an alias")
                        .help = Some("write `(SELECT ...) AS t`".into());
                    return None;
                };
                for (i, c) in cols.iter().enumerate() {
                    if c.name.is_empty() && alias.columns.get(i).is_none() {
                        self.error_at(
                            subquery.span(),
                            format!(
                                "column {} of derived table `{}` has no name",
                                i + 1,
                                alias.name.value
                            ),
                        )
                        .help = Some("give the expression an alias: `expr AS name`".into());
                    }
                }
                let id = self.next_id();
                let mut src = Source {
                    name: alias.name.value.clone(),
                    schema: None,
                    table: None,
                    cols,
                    id,
                };
                self.apply_alias(&mut src, Some(alias));
                Some(src)
            }
            TableFactor::OpenJsonTable {
                json_expr,
                columns,
                alias,
                json_path: _,
            } => {
                let v = self.expr(json_expr);
                self.want(
                    &v,
                    &SqlType::NVarChar(mssqlx_offline::Length::Max),
                    json_expr.span(),
                );
                let cols = if columns.is_empty() {
                    typing::openjson_default_columns()
                        .into_iter()
                        .map(|(n, t)| Col::new(n, t))
                        .collect()
                } else {
                    let mut out = Vec::new();
                    for c in columns {
                        let ty = match typing::cast_target(&c.r#type) {
                            Ok(t) => t,
                            Err(e) => {
                                self.typing_error(c.name.span, e);
                                continue;
                            }
                        };
                        if c.as_json && ty != SqlType::NVarChar(mssqlx_offline::Length::Max) {
                            self.error_at(
                                c.name.span,
                                "an OPENJSON column `AS JSON` must be nvarchar(max)",
                            );
                        }
                        out.push(Col::new(c.name.value.clone(), Typed { ty, nullable: true }));
                    }
                    out
                };
                let id = self.next_id();
                let mut src = Source {
                    name: "OPENJSON".into(),
                    schema: None,
                    table: None,
                    cols,
                    id,
                };
                self.apply_alias(&mut src, alias.as_ref());
                Some(src)
            }
            TableFactor::Pivot {
                table,
                aggregate_functions,
                value_column,
                value_source,
                alias,
                ..
            } => {
                let mut src = self.pivot(table, aggregate_functions, value_column, value_source)?;
                self.apply_alias(&mut src, alias.as_ref());
                Some(src)
            }
            other => {
                self.error_at(
                    other.span(),
                    "this kind of FROM source is not supported in T-SQL checking",
                );
                None
            }
        }
    }

    /// `src PIVOT (AGG(v) FOR k IN ([a], [b])) AS p`: the source's other columns, then
    /// one nullable column per listed value, typed as the aggregate.
    fn pivot(
        &mut self,
        table: &TableFactor,
        aggregates: &[sqlparser::ast::ExprWithAlias],
        value_column: &[Expr],
        value_source: &sqlparser::ast::PivotValueSource,
    ) -> Option<Source> {
        let inner = self.table_factor(table)?;
        let mut used: Vec<String> = Vec::new();
        let last_ident = |e: &Expr| match e {
            Expr::Identifier(i) => Some(i.value.clone()),
            Expr::CompoundIdentifier(ids) => ids.last().map(|i| i.value.clone()),
            _ => None,
        };
        for v in value_column {
            used.extend(last_ident(v));
        }
        self.frames.push(Frame {
            sources: vec![inner.clone()],
            grouping: Some(Grouping::default()),
            ..Frame::default()
        });
        let mut agg_ty = None;
        for a in aggregates {
            if let Expr::Function(f) = &a.expr {
                if let sqlparser::ast::FunctionArguments::List(l) = &f.args {
                    for arg in &l.args {
                        if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg {
                            used.extend(last_ident(e));
                        }
                    }
                }
            }
            agg_ty = self.value(&a.expr);
        }
        for v in value_column {
            let _ = self.expr(v);
        }
        self.frames.pop();
        let agg_ty = agg_ty?;
        let mut cols: Vec<Col> = inner
            .cols
            .iter()
            .filter(|c| !used.iter().any(|u| self.eq(u, &c.name)))
            .cloned()
            .collect();
        match value_source {
            sqlparser::ast::PivotValueSource::List(values) => {
                for v in values {
                    let name = match (&v.alias, &v.expr) {
                        (Some(a), _) => a.value.clone(),
                        (None, Expr::Identifier(i)) => i.value.clone(),
                        (None, e) => e.to_string().trim_matches('\'').to_string(),
                    };
                    cols.push(Col::new(name, agg_ty.clone().with_nullable(true)));
                }
            }
            other => {
                self.error_at(other.span(), "PIVOT needs an explicit IN list");
                return None;
            }
        }
        let id = self.next_id();
        Some(Source {
            name: inner.name,
            schema: None,
            table: None,
            cols,
            id,
        })
    }

    fn apply_alias(&mut self, src: &mut Source, alias: Option<&TableAlias>) {
        let Some(alias) = alias else { return };
        src.name = alias.name.value.clone();
        src.schema = None;
        if !alias.columns.is_empty() {
            if alias.columns.len() != src.cols.len() {
                self.error_at(
                    alias.name.span,
                    format!(
                        "`{}` has {} columns but the alias names {}",
                        alias.name.value,
                        src.cols.len(),
                        alias.columns.len()
                    ),
                );
                return;
            }
            for (c, a) in src.cols.iter_mut().zip(&alias.columns) {
                c.name = a.name.value.clone();
            }
        }
    }

    fn check_hints(&mut self, hints: &[Expr]) {
        for h in hints {
            let (name, span) = match h {
                Expr::Identifier(i) => (i.value.to_ascii_uppercase(), i.span),
                Expr::Function(f) => (f.name.to_string().to_ascii_uppercase(), f.span()),
                other => (other.to_string().to_ascii_uppercase(), other.span()),
            };
            if !TABLE_HINTS.contains(&name.as_str()) {
                let s = did_you_mean(&name, TABLE_HINTS.iter().copied());
                self.error_at(span, format!("unknown table hint `{name}`"))
                    .suggestion = s;
            }
        }
    }

    /// A table, view or CTE named in FROM.
    pub(crate) fn named_source(&mut self, name: &sqlparser::ast::ObjectName) -> Option<Source> {
        let span = name.span();
        let parts = self.split_name(name)?;
        if parts.database.is_none() && parts.schema.is_none() {
            if let Some(cte) = self.find_cte(parts.name) {
                let id = self.next_id();
                return Some(Source {
                    name: cte.name.clone(),
                    schema: None,
                    table: None,
                    cols: cte.cols,
                    id,
                });
            }
        }
        let (db, db_alias) = self.database_of(parts.database, parts.database_span)?;
        let id = self.next_id();
        if let Some((s, n, t)) = db.table(parts.schema, parts.name) {
            let obj = ObjectName::new(s, n);
            self.touch(db_alias.as_deref(), &obj);
            let mut cols: Vec<Col> = t.columns.iter().map(Col::bare).collect();
            for (col, c) in cols.iter_mut().zip(&t.columns) {
                col.pending = pending_of(c, db_alias.as_deref(), &obj);
            }
            return Some(Source {
                name: n.to_string(),
                schema: Some(s.to_string()),
                table: Some(obj.clone()),
                cols,
                id,
            });
        }
        if let Some((s, n, v)) = db.view(parts.schema, parts.name) {
            let obj = ObjectName::new(s, n);
            self.touch(db_alias.as_deref(), &obj);
            let cols = self.view_columns(db, db_alias.as_deref(), &obj, v, span)?;
            return Some(Source {
                name: n.to_string(),
                schema: Some(s.to_string()),
                table: None,
                cols,
                id,
            });
        }
        if parts.schema.is_none() && parts.database.is_none() && parts.name.starts_with('#') {
            self.error_at(span, format!("temporary table `{}` is not in the snapshot", parts.name))
                .help = Some("temporary tables cannot be checked offline; use a table variable-free query or query_unchecked!".into());
            return None;
        }
        let mut candidates: Vec<String> = Vec::new();
        for (s, schema) in &db.schemas {
            for k in schema.tables.keys().chain(schema.views.keys()) {
                candidates.push(k.clone());
                candidates.push(format!("{s}.{k}"));
            }
        }
        for c in self.ctes.iter().flatten() {
            candidates.push(c.name.clone());
        }
        let written = match parts.schema {
            Some(s) => format!("{s}.{}", parts.name),
            None => parts.name.to_string(),
        };
        let suggestion = did_you_mean(&written, candidates.iter().map(String::as_str));
        let e = self.error_at(span, format!("unknown table or view `{written}`"));
        e.suggestion = suggestion;
        if parts.schema.is_none() {
            e.help = Some(format!(
                "unqualified names resolve in the default schema `{}`",
                db.default_schema
            ));
        }
        None
    }

    pub(crate) fn touch(&mut self, db_alias: Option<&str>, obj: &ObjectName) {
        let mut o = obj.clone();
        if let Some(d) = db_alias {
            o.schema = format!("{d}.{}", o.schema);
        }
        self.tables.push(o);
    }

    fn find_cte(&self, name: &str) -> Option<Cte> {
        self.ctes
            .iter()
            .rev()
            .flat_map(|level| level.iter().rev())
            .find(|c| self.eq(&c.name, name))
            .cloned()
    }

    /// Resolves a column reference (`col`, `t.col`, `dbo.T.col`) through the frames.
    pub(crate) fn column_ref(&mut self, idents: &[Ident]) -> V {
        let span = ident_span(idents);
        let Some((last, qual)) = idents.split_last() else {
            return V::Err;
        };
        let name = last.value.as_str();
        let nframes = self.frames.len();
        if qual.is_empty() {
            // ORDER BY may name a select-list alias first.
            if let Some(f) = self.frames.last() {
                if f.in_order_by {
                    if let Some(c) = f.aliases.iter().find(|c| self.eq(&c.name, name)).cloned() {
                        self.last_origin = c.origin.clone();
                        return V::T(c.typed());
                    }
                }
            }
            for fi in (0..nframes).rev() {
                let mut hits = Vec::new();
                for (si, s) in self.frames[fi].sources.iter().enumerate() {
                    for (ci, c) in s.cols.iter().enumerate() {
                        if self.eq(&c.name, name) {
                            hits.push((si, ci));
                        }
                    }
                }
                match hits.len() {
                    0 => continue,
                    1 => return self.hit(fi, hits[0].0, hits[0].1, span),
                    _ => {
                        let owners: Vec<String> = hits
                            .iter()
                            .map(|(si, _)| self.frames[fi].sources[*si].name.clone())
                            .collect();
                        self.error_at(span, format!("column `{name}` is ambiguous"))
                            .help = Some(format!(
                            "it is in {}; qualify it, e.g. `{}.{name}`",
                            owners.join(" and "),
                            owners[0]
                        ));
                        return V::Err;
                    }
                }
            }
            if self.frames.last().is_some_and(|f| f.broken) {
                return V::Err;
            }
            let mut all: Vec<String> = Vec::new();
            for f in &self.frames {
                for s in &f.sources {
                    all.extend(s.cols.iter().map(|c| c.name.clone()));
                }
            }
            let suggestion = did_you_mean(name, all.iter().map(String::as_str));
            let no_from = self.frames.iter().all(|f| f.sources.is_empty());
            let e = self.error_at(span, format!("unknown column `{name}`"));
            e.suggestion = suggestion;
            if no_from {
                e.help = Some(
                    "this SELECT has no FROM clause; a string literal needs single quotes".into(),
                );
            }
            return V::Err;
        }
        // Qualified: find the source the qualifier names.
        let Some((q_last, q_rest)) = qual.split_last() else {
            return V::Err;
        };
        let q_name = &q_last.value;
        let q_schema = q_rest.last().map(|i| i.value.as_str());
        for fi in (0..nframes).rev() {
            let found = self.frames[fi].sources.iter().position(|s| {
                self.eq(&s.name, q_name)
                    && match q_schema {
                        None => true,
                        Some(sc) => s.schema.as_deref().is_some_and(|x| self.eq(x, sc)),
                    }
            });
            if let Some(si) = found {
                let src = &self.frames[fi].sources[si];
                if let Some(ci) = src.cols.iter().position(|c| self.eq(&c.name, name)) {
                    return self.hit(fi, si, ci, span);
                }
                let suggestion = did_you_mean(name, src.cols.iter().map(|c| c.name.as_str()));
                let src_name = src.name.clone();
                self.error_at(last.span, format!("`{src_name}` has no column `{name}`"))
                    .suggestion = suggestion;
                return V::Err;
            }
        }
        // `t.Location.Lat`: a property of a CLR-typed column.
        if let Some(v) = self.property(idents) {
            return v;
        }
        if self.frames.last().is_some_and(|f| f.broken) {
            return V::Err;
        }
        let names: Vec<String> = self
            .frames
            .iter()
            .flat_map(|f| f.sources.iter().map(|s| s.name.clone()))
            .collect();
        let suggestion = did_you_mean(q_name, names.iter().map(String::as_str));
        let e = self.error_at(
            ident_span(qual),
            format!("unknown table or alias `{q_name}`"),
        );
        e.suggestion = suggestion;
        if !names.is_empty() {
            e.help = Some(format!("the FROM clause names: {}", names.join(", ")));
        }
        V::Err
    }

    /// `col.Prop` on a geography / geometry / hierarchyid column, if `idents` is one.
    fn property(&mut self, idents: &[Ident]) -> Option<V> {
        let (prop, col) = idents.split_last()?;
        let target = self.clr_column(col)?;
        let p = prop.value.to_ascii_uppercase();
        let ty = match (&target.ty, p.as_str()) {
            (
                SqlType::Geography | SqlType::Geometry,
                "LAT" | "LONG" | "Z" | "M" | "STX" | "STY",
            ) => SqlType::Float,
            (SqlType::Geography | SqlType::Geometry, "STSRID") => SqlType::Int,
            _ => {
                self.error_at(
                    prop.span,
                    format!("unknown property `{}` of a {} value", prop.value, target.ty),
                );
                return Some(V::Err);
            }
        };
        Some(V::T(Typed::nullable(ty)))
    }

    /// The typed CLR or xml column `idents` names, resolved without reporting errors.
    pub(crate) fn clr_column(&mut self, idents: &[Ident]) -> Option<Typed> {
        if idents.is_empty() {
            return None;
        }
        let before = self.errors.len();
        let v = self.column_ref(idents);
        if self.errors.len() > before {
            self.errors.truncate(before);
            return None;
        }
        match v {
            V::T(t)
                if matches!(
                    t.ty,
                    SqlType::HierarchyId | SqlType::Geography | SqlType::Geometry | SqlType::Xml
                ) =>
            {
                Some(t)
            }
            _ => None,
        }
    }

    /// A resolved column: record grouping facts and return its type.
    fn hit(&mut self, fi: usize, si: usize, ci: usize, span: Span) -> V {
        self.resolve_pending(fi, si, ci, span);
        let innermost = fi + 1 == self.frames.len();
        let lines = self.lines;
        let f = &mut self.frames[fi];
        let src = &f.sources[si];
        let col = &src.cols[ci];
        let mut t = col.typed();
        self.last_origin = col.origin.clone().or_else(|| {
            src.table.as_ref().map(|object| ColumnOrigin {
                object: object.clone(),
                column: col.name.clone(),
            })
        });
        if let Some(why) = col.unknown.clone() {
            let (off, len) = lines.span(span);
            let name = col.name.clone();
            self.errors.push(
                super::AnalyzeError::new(
                    format!("the type of computed column `{name}` is unknown: {why}"),
                    off,
                    len,
                )
                .with_help(format!(
                    "CAST it to the type you expect, e.g. CAST({name} AS int) AS [{name}]"
                )),
            );
            return V::Err;
        }
        if innermost && f.checking && f.agg_depth == 0 && f.grouped_expr_depth == 0 {
            let key = (src.id, ci);
            match &f.grouping {
                Some(g) if g.keys.contains(&key) => {
                    if g.rollup {
                        t.nullable = true;
                    }
                }
                _ => {
                    let (off, len) = lines.span(span);
                    let qualified = format!("{}.{}", src.name, col.name);
                    f.ungrouped.push((off, len, qualified));
                }
            }
        }
        if let Some(p) = col.from_param {
            return V::Param(p);
        }
        V::T(t)
    }

    /// The sources of a frame matched by a `name.*` qualifier.
    pub(crate) fn wildcard_source(&mut self, qual: &sqlparser::ast::ObjectName) -> Option<usize> {
        let parts = name_parts(qual);
        let (last, rest) = parts.split_last()?;
        let schema = rest.last().map(|i| i.value.as_str());
        let f = self.frames.last()?;
        let pos = f.sources.iter().position(|s| {
            self.eq(&s.name, &last.value)
                && schema.is_none_or(|sc| s.schema.as_deref().is_some_and(|x| self.eq(x, sc)))
        });
        if pos.is_none() {
            let names: Vec<String> = f.sources.iter().map(|s| s.name.clone()).collect();
            let suggestion = did_you_mean(&last.value, names.iter().map(String::as_str));
            self.error_at(
                qual.span(),
                format!("unknown table or alias `{}`", last.value),
            )
            .suggestion = suggestion;
        }
        pos
    }
}
