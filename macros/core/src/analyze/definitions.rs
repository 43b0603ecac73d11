//! Views, inline table-valued functions and computed columns, typed from their SQL.
//!
//! A snapshot may hold a view's or an inline function's definition without its
//! columns, and a computed column's expression without its type (when the DDL importer
//! could not type it). Each is typed here by describing its SQL with a child analyzer
//! over the same snapshot: a view or function once per description (a cycle is
//! reported), a computed column once per process, memoized on everything its type
//! depends on.
//!
//! ```text
//! -- the snapshot holds this view's definition, not its columns:
//! CREATE VIEW dbo.ActiveUsers AS SELECT Id, Email FROM dbo.Users WHERE Active = 1
//! -- so in `SELECT Email FROM dbo.ActiveUsers`, Email is typed as dbo.Users.Email is
//! ```

use mssqlx_offline::{Column, Database, ObjectName, SqlType};
use sqlparser::ast::Spanned;
use sqlparser::tokenizer::Span;

use super::scope::{Col, Pending};
use super::{Analyzer, ColumnOrigin, LineIndex};

impl<'a> Analyzer<'a> {
    /// The columns of a view: stored ones (live snapshot) or its typed definition.
    pub(super) fn view_columns(
        &mut self,
        db: &'a Database,
        db_alias: Option<&str>,
        obj: &ObjectName,
        v: &mssqlx_offline::View,
        span: Span,
    ) -> Option<Vec<Col>> {
        if !v.columns.is_empty() {
            return Some(v.columns.iter().map(|c| Col::of_column(c, obj)).collect());
        }
        let key = format!("{}:{obj}", db_alias.unwrap_or(""));
        let mut cols = self.typed_definition(
            db,
            key,
            obj,
            &v.definition,
            &v.column_names,
            Vec::new(),
            span,
        )?;
        for c in &mut cols {
            c.origin = Some(ColumnOrigin {
                object: obj.clone(),
                column: c.name.clone(),
            });
        }
        Some(cols)
    }

    /// Types the column at (frame, source, column) if it is a pending computed column.
    pub(crate) fn resolve_pending(&mut self, fi: usize, si: usize, ci: usize, span: Span) {
        let Some(p) = self.frames[fi].sources[si].cols[ci].pending.take() else {
            return;
        };
        let db = match &p.db_alias {
            None => self.db,
            Some(a) => match self.snap.databases.get(a) {
                Some(db) => db,
                None => return,
            },
        };
        let mut col = self.frames[fi].sources[si].cols[ci].clone();
        self.type_computed(
            db,
            p.db_alias.as_deref(),
            &p.table,
            &mut col,
            &p.expression,
            span,
        );
        self.frames[fi].sources[si].cols[ci] = col;
    }

    /// Types every pending computed column of a source (for `*`).
    pub(crate) fn resolve_source(&mut self, fi: usize, si: usize, span: Span) {
        for ci in 0..self.frames[fi].sources[si].cols.len() {
            self.resolve_pending(fi, si, ci, span);
        }
    }

    /// Types a computed column the DDL importer left untyped: its expression, against
    /// its table. SQL Server forbids a computed column from using another one, so while
    /// typing it the table's other untyped computed columns are left alone. Nullable only
    /// if both the catalog and the expression say so.
    fn type_computed(
        &mut self,
        db: &'a Database,
        db_alias: Option<&str>,
        obj: &ObjectName,
        col: &mut Col,
        expression: &str,
        span: Span,
    ) {
        if self.in_computed {
            col.unknown = Some("a computed column cannot use another computed column".into());
            return;
        }
        let table = db.table(Some(&obj.schema), &obj.name).map(|(_, _, t)| t);
        let memo_key = table.and_then(|t| computed_memo_key(obj, t, expression, db.ident_case()));
        if let Some(k) = memo_key {
            if let Some((ty, nullable)) = computed_memo(|m| m.get(&k).cloned()).flatten() {
                self.touch(db_alias, obj);
                col.ty = ty;
                col.nullable = col.outer || (col.nullable && nullable);
                return;
            }
        }
        let key = format!("{}:{obj}.{}#computed", db_alias.unwrap_or(""), col.name);
        let sql = format!(
            "SELECT {expression} FROM [{}].[{}]",
            obj.schema.replace(']', "]]"),
            obj.name.replace(']', "]]")
        );
        let before = self.errors.len();
        self.in_computed = true;
        let typed = self.typed_definition(db, key, obj, &sql, &[], Vec::new(), span);
        self.in_computed = false;
        match typed {
            Some(cols) if cols.len() == 1 => {
                if let Some(k) = memo_key {
                    computed_memo(|m| m.insert(k, (cols[0].ty.clone(), cols[0].nullable)));
                }
                col.ty = cols[0].ty.clone();
                col.nullable = col.outer || (col.nullable && cols[0].nullable);
            }
            _ => {
                let why = self
                    .errors
                    .get(before)
                    .map(|e| e.message.clone())
                    .unwrap_or_else(|| "its expression could not be typed".into());
                self.errors.truncate(before);
                col.unknown = Some(why);
            }
        }
    }

    /// Types a view's or inline function's SELECT once per description, guarding cycles.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn typed_definition(
        &mut self,
        db: &'a Database,
        key: String,
        obj: &ObjectName,
        definition: &str,
        column_names: &[String],
        variables: Vec<(String, SqlType)>,
        span: Span,
    ) -> Option<Vec<Col>> {
        if let Some(done) = self.views.get(&key) {
            return match done {
                Some(c) => Some(c.clone()),
                None => {
                    self.error_at(
                        span,
                        format!("`{obj}` cannot be typed (see the error above)"),
                    );
                    None
                }
            };
        }
        if self.typing_views.contains(&key) {
            self.error_at(span, format!("`{obj}` refers to itself"));
            return None;
        }
        if self.typing_views.len() >= super::MAX_DEPTH {
            self.error_at(span, format!("`{obj}`: views nest too deeply to check"));
            return None;
        }
        let lines = LineIndex::new(definition);
        let result = match super::parse_one(definition, &lines) {
            Err(errs) => Err(errs),
            Ok((stmt, _)) => {
                let mut child = Analyzer::new(self.snap, db, &lines);
                child.allow_params = false;
                child.variables = variables;
                child.views = std::mem::take(&mut self.views);
                child.typing_views = std::mem::take(&mut self.typing_views);
                child.typing_views.push(key.clone());
                child.next_source_id = self.next_source_id;
                child.in_computed = self.in_computed;
                let cols = match &stmt {
                    sqlparser::ast::Statement::Query(q) => child.query(q),
                    other => {
                        child.error_at(other.span(), "a view's definition must be a SELECT");
                        None
                    }
                };
                let _ = child.params.finish(&mut child.errors, &lines);
                self.views = std::mem::take(&mut child.views);
                child.typing_views.pop();
                self.typing_views = std::mem::take(&mut child.typing_views);
                self.next_source_id = child.next_source_id;
                self.tables.append(&mut child.tables);
                match cols {
                    Some(c) if child.errors.is_empty() => Ok(c),
                    _ => Err(child.errors),
                }
            }
        };
        match result {
            Ok(mut cols) => {
                if !column_names.is_empty() {
                    if column_names.len() == cols.len() {
                        for (c, n) in cols.iter_mut().zip(column_names) {
                            c.name = n.clone();
                        }
                    } else {
                        self.error_at(
                            span,
                            format!(
                                "`{obj}` names {} columns but its SELECT returns {}",
                                column_names.len(),
                                cols.len()
                            ),
                        );
                    }
                }
                self.views.insert(key, Some(cols.clone()));
                Some(cols)
            }
            Err(errs) => {
                self.views.insert(key, None);
                let first = errs
                    .first()
                    .map(|e| {
                        let at: String = definition
                            .get(e.offset..)
                            .unwrap_or("")
                            .chars()
                            .take(40)
                            .collect();
                        format!("{} (in its definition at `{}`)", e.message, at.trim_end())
                    })
                    .unwrap_or_default();
                self.error_at(span, format!("`{obj}` cannot be typed: {first}"));
                None
            }
        }
    }
}

/// The pending typing of `c`, when the DDL importer left it untyped.
pub(crate) fn pending_of(
    c: &Column,
    db_alias: Option<&str>,
    table: &ObjectName,
) -> Option<Box<Pending>> {
    let comp = c.computed.as_ref().filter(|comp| comp.untyped)?;
    Some(Box::new(Pending {
        db_alias: db_alias.map(str::to_string),
        table: table.clone(),
        expression: comp.expression.clone(),
    }))
}

/// Typed computed-column expressions, shared by every description in the process
/// (a compiler process describes hundreds of queries over the same tables).
static COMPUTED_MEMO: std::sync::OnceLock<
    std::sync::Mutex<std::collections::HashMap<u64, (SqlType, bool)>>,
> = std::sync::OnceLock::new();

fn computed_memo<R>(
    f: impl FnOnce(&mut std::collections::HashMap<u64, (SqlType, bool)>) -> R,
) -> Option<R> {
    let m = COMPUTED_MEMO.get_or_init(Default::default);
    let mut guard = m.lock().ok()?;
    if guard.len() > 10_000 {
        guard.clear();
    }
    Some(f(&mut guard))
}

/// The memo key of a computed column's typing: everything its result depends on — the
/// table, the expression and every column's name, type and nullability. An expression
/// that may call a user function or a method (a name followed by `.`) also depends on
/// the rest of the schema, so it is not memoized.
fn computed_memo_key(
    obj: &ObjectName,
    table: &mssqlx_offline::Table,
    expression: &str,
    case: mssqlx_offline::ident::IdentCase,
) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let b = expression.as_bytes();
    let qualified = b.iter().enumerate().any(|(i, &c)| {
        c == b'.'
            && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(|c| *c == b')'))
    });
    if qualified {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    obj.hash(&mut h);
    expression.hash(&mut h);
    (case == mssqlx_offline::ident::IdentCase::Sensitive).hash(&mut h);
    for c in &table.columns {
        c.name.hash(&mut h);
        c.ty.hash(&mut h);
        c.nullable.hash(&mut h);
        c.computed.is_some().hash(&mut h);
    }
    Some(h.finish())
}
