//! INSERT, UPDATE, DELETE and MERGE: targets, written columns, OUTPUT.
//!
//! Writes are checked against the target table's columns:
//! - INSERT's column list may not name identity, computed, rowversion or
//!   `GENERATED ALWAYS` columns; a NOT NULL column without default must be given;
//!   each value (a VALUES row or the SELECT's column) must convert to its column;
//! - UPDATE's SET may not write server-generated columns; a parameter written to a
//!   column takes its type and, for a NOT NULL column, is NOT NULL;
//! - `OUTPUT` sees `INSERTED` (not in DELETE) and `DELETED` (not in INSERT), R35; a
//!   MERGE's `$action` is `nvarchar(10)`, and its INSERTED / DELETED columns are
//!   nullable when some action leaves them empty;
//! - NOLOCK / READUNCOMMITTED on the table being modified is refused (R36).
//!
//! A statement without OUTPUT returns no result set (`columns` is empty).

use mssqlx_offline::{ObjectName, Table};
use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Insert, Merge, MergeAction,
    MergeClauseKind, MergeInsertKind, MergeUpdateKind, OutputClause, SelectItem, SetExpr, Spanned,
    TableFactor, TableObject, UpdateTableFromKind,
};
use sqlparser::tokenizer::Span;

use super::scope::{Col, Frame, Source, DIRTY_READ_HINTS};
use super::{Analyzer, Output, StatementKind};

/// The table a DML statement writes.
struct Target<'t> {
    obj: ObjectName,
    table: &'t Table,
}

impl Target<'_> {
    /// The columns an INSERT without a column list writes, in order: all but the
    /// server-generated and hidden ones.
    fn implicit_columns(&self) -> Vec<Option<mssqlx_offline::Column>> {
        self.table
            .columns
            .iter()
            .filter(|c| !c.is_server_generated() && !c.hidden)
            .cloned()
            .map(Some)
            .collect()
    }
}

impl<'a> Analyzer<'a> {
    /// Resolves the written table (a base table of the snapshot).
    fn target_table(&mut self, name: &sqlparser::ast::ObjectName) -> Option<Target<'a>> {
        let parts = self.split_name(name)?;
        let (db, db_alias) = self.database_of(parts.database, name.span())?;
        if let Some((s, n, t)) = db.table(parts.schema, parts.name) {
            let obj = ObjectName::new(s, n);
            self.touch(db_alias.as_deref(), &obj);
            return Some(Target { obj, table: t });
        }
        if db.view(parts.schema, parts.name).is_some() {
            self.error_at(
                name.span(),
                format!("`{name}` is a view; writing through views is not checked"),
            )
            .help = Some("write to the base table".into());
            return None;
        }
        let _ = self.named_source(name); // reports unknown with did-you-mean
        None
    }

    fn check_target_hints(&mut self, hints: &[Expr]) {
        for h in hints {
            if let Expr::Identifier(i) = h {
                if DIRTY_READ_HINTS
                    .iter()
                    .any(|d| i.value.eq_ignore_ascii_case(d))
                {
                    self.error_at(
                        i.span,
                        format!(
                            "{} cannot be used on the table being modified",
                            i.value.to_uppercase()
                        ),
                    );
                }
            }
        }
    }

    fn target_source(&mut self, t: &Target<'a>, name: &str) -> Source {
        let id = self.next_id();
        Source {
            name: name.to_string(),
            schema: Some(t.obj.schema.clone()),
            table: Some(t.obj.clone()),
            cols: t
                .table
                .columns
                .iter()
                .map(|c| {
                    let mut col = Col::of_column(c, &t.obj);
                    col.pending = super::definitions::pending_of(c, None, &t.obj);
                    col
                })
                .collect(),
            id,
        }
    }

    /// Evaluates OUTPUT items in a frame holding the `pseudo` sources above the current ones.
    fn output(&mut self, out: Option<&OutputClause>, pseudo: Vec<Source>) -> Vec<Col> {
        let Some(out) = out else { return Vec::new() };
        let (items, into) = match out {
            OutputClause::Output {
                select_items,
                into_table,
                ..
            } => (select_items, into_table),
            OutputClause::Returning { select_items, .. } => {
                if let Some(i) = select_items.first() {
                    self.error_at(i.span(), "RETURNING is not T-SQL; use OUTPUT INSERTED.col");
                }
                return Vec::new();
            }
        };
        let mut sources: Vec<Source> = self
            .frames
            .last()
            .map(|f| f.sources.clone())
            .unwrap_or_default();
        sources.extend(pseudo);
        self.frames.push(Frame {
            sources,
            ..Frame::default()
        });
        let mut cols = Vec::new();
        for item in items {
            // OUTPUT's items are a select list over INSERTED / DELETED.
            self.output_select_item(item, &mut cols);
        }
        self.frames.pop();
        if into.is_some() {
            return Vec::new();
        }
        cols
    }

    fn output_select_item(&mut self, item: &SelectItem, cols: &mut Vec<Col>) {
        match item {
            SelectItem::QualifiedWildcard(
                sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                _,
            ) => {
                if let Some(si) = self.wildcard_source(name) {
                    let fi = self.frames.len().saturating_sub(1);
                    self.resolve_source(fi, si, name.span());
                    if let Some(f) = self.frames.last() {
                        cols.extend(f.sources[si].cols.iter().filter(|c| !c.hidden).cloned());
                    }
                }
            }
            SelectItem::Wildcard(w) => {
                self.error_at(
                    w.wildcard_token.0.span,
                    "OUTPUT * is not T-SQL; write INSERTED.* or DELETED.*",
                );
            }
            SelectItem::UnnamedExpr(e) => {
                let name = match e {
                    Expr::Identifier(i) => i.value.clone(),
                    Expr::CompoundIdentifier(ids) => {
                        ids.last().map(|i| i.value.clone()).unwrap_or_default()
                    }
                    Expr::Value(v) if matches!(&v.value, sqlparser::ast::Value::Placeholder(p) if p.eq_ignore_ascii_case("$action")) => {
                        "$action".into()
                    }
                    _ => String::new(),
                };
                self.push_value_col(e, name, cols);
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                self.push_value_col(expr, alias.value.clone(), cols)
            }
            other => {
                self.error_at(other.span(), "this OUTPUT item is not supported");
            }
        }
    }

    fn push_value_col(&mut self, e: &Expr, name: String, cols: &mut Vec<Col>) {
        self.last_origin = None;
        let v = self.expr(e);
        let origin = if matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            self.last_origin.take()
        } else {
            None
        };
        if let Some(t) = self.typed(&v, e.span()) {
            let mut c = Col::new(name, t);
            c.origin = origin;
            cols.push(c);
        }
    }

    /// A written column of the target: it must exist and not be server-generated.
    fn written_column(
        &mut self,
        t: &Target<'a>,
        ident: &sqlparser::ast::Ident,
    ) -> Option<mssqlx_offline::Column> {
        let case = self.case;
        let Some(c) = t.table.column_in(&ident.value, case) else {
            let s = super::error::did_you_mean(
                &ident.value,
                t.table.columns.iter().map(|c| c.name.as_str()),
            );
            self.error_at(
                ident.span,
                format!("`{}` has no column `{}`", t.obj, ident.value),
            )
            .suggestion = s;
            return None;
        };
        let why = if c.identity.is_some() {
            Some("an identity column")
        } else if c.computed.is_some() {
            Some("a computed column")
        } else if c.ty == mssqlx_offline::SqlType::RowVersion {
            Some("a rowversion column")
        } else if c.generated_always.is_some() {
            Some("a GENERATED ALWAYS period column")
        } else {
            None
        };
        if let Some(why) = why {
            self.error_at(
                ident.span,
                format!("`{}` is {why}; its value is set by the server", c.name),
            )
            .help = Some("leave it out; read it back with OUTPUT INSERTED.".to_string() + &c.name);
            return None;
        }
        Some(c.clone())
    }

    pub(crate) fn insert(&mut self, i: &Insert) -> Option<Output> {
        let TableObject::TableName(name) = &i.table else {
            self.error_at(i.table.span(), "INSERT INTO a function is not T-SQL");
            return None;
        };
        let t = self.target_table(name)?;
        // Columns written, in order.
        let mut targets: Vec<Option<mssqlx_offline::Column>> = Vec::new();
        let explicit = !i.columns.is_empty();
        if explicit {
            for c in &i.columns {
                let parts = super::scope::name_parts(c);
                let Some(ident) = parts.last() else { continue };
                let col = self.written_column(&t, ident);
                if let Some(col) = &col {
                    if targets.iter().flatten().any(|x| x.name == col.name) {
                        self.error_at(ident.span, format!("column `{}` is listed twice", col.name));
                    }
                }
                targets.push(col);
            }
        } else if i.source.is_some() {
            targets = t.implicit_columns();
        }
        // Required columns left out.
        if i.source.is_none() || explicit {
            let span = name.span();
            for c in &t.table.columns {
                if !c.may_be_omitted_on_insert()
                    && !targets.iter().flatten().any(|x| x.name == c.name)
                {
                    self.error_at(
                        span,
                        format!(
                            "`{}` is NOT NULL and has no default; the INSERT must give it a value",
                            c.name
                        ),
                    )
                    .help = Some(format!("add `{}` to the column list", c.name));
                }
            }
        }
        self.frames.push(Frame::default());
        match &i.source {
            None => {}
            Some(q) => match q.body.as_ref() {
                SetExpr::Values(values) if q.with.is_none() => {
                    for row in &values.rows {
                        if row.content.len() != targets.len() {
                            self.error_at(
                                row.span(),
                                format!(
                                    "this row has {} values but the INSERT writes {} columns",
                                    row.content.len(),
                                    targets.len()
                                ),
                            );
                            continue;
                        }
                        for (e, target) in row.content.iter().zip(&targets) {
                            let is_default = matches!(e, Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT"));
                            let Some(col) = target else {
                                if !is_default {
                                    let _ = self.expr(e);
                                }
                                continue;
                            };
                            if is_default {
                                if !col.may_be_omitted_on_insert() {
                                    self.error_at(
                                        e.span(),
                                        format!("`{}` has no default", col.name),
                                    );
                                }
                                continue;
                            }
                            let v = self.expr(e);
                            self.assignable(&v, &col.ty, !col.nullable, e.span(), &col.name);
                        }
                    }
                }
                _ => {
                    if let Some(cols) = self.query(q) {
                        if cols.len() != targets.len() {
                            self.error_at(
                                q.span(),
                                format!(
                                    "the SELECT returns {} columns but the INSERT writes {}",
                                    cols.len(),
                                    targets.len()
                                ),
                            );
                        } else {
                            for (c, target) in cols.iter().zip(&targets) {
                                let Some(col) = target else { continue };
                                self.assignable(
                                    &c.value(),
                                    &col.ty,
                                    !col.nullable,
                                    q.span(),
                                    &col.name,
                                );
                            }
                        }
                    }
                }
            },
        }
        self.frames.pop();
        if !i.assignments.is_empty() {
            self.error_at(name.span(), "INSERT ... SET is not T-SQL");
        }
        self.frames.push(Frame::default());
        let inserted = self.target_source(&t, "inserted");
        let deleted_misuse = self.wrong_pseudo_table_in_output(i.output.as_ref(), "deleted");
        let out = i.output.as_ref().filter(|_| !deleted_misuse);
        self.written_output(StatementKind::Insert, out, vec![inserted])
    }

    /// Ends a written statement: its OUTPUT over the `pseudo` tables (INSERTED /
    /// DELETED), then closes the statement's frame.
    fn written_output(
        &mut self,
        kind: StatementKind,
        out: Option<&OutputClause>,
        pseudo: Vec<Source>,
    ) -> Option<Output> {
        let columns = self.output(out, pseudo);
        self.frames.pop();
        Some(Output {
            kind,
            columns,
            result_known: true,
        })
    }

    /// Reports `DELETED.` in an INSERT's OUTPUT or `INSERTED.` in a DELETE's (R35);
    /// `forbidden` is the pseudo-table the statement lacks, `deleted` or `inserted`.
    fn wrong_pseudo_table_in_output(
        &mut self,
        out: Option<&OutputClause>,
        forbidden: &str,
    ) -> bool {
        let Some(OutputClause::Output { select_items, .. }) = out else {
            return false;
        };
        let (stmt, has) = if forbidden == "deleted" {
            ("INSERT", "INSERTED")
        } else {
            ("DELETE", "DELETED")
        };
        let qualified = format!("{forbidden}.");
        let after_space = format!(" {qualified}");
        let after_paren = format!("({qualified}");
        let mut bad = false;
        for item in select_items {
            let lower = item.to_string().to_lowercase();
            if lower.starts_with(&qualified)
                || lower.contains(&after_space)
                || lower.contains(&after_paren)
            {
                self.error_at(
                    item.span(),
                    format!(
                        "{} is not available in the OUTPUT of {stmt}",
                        forbidden.to_uppercase()
                    ),
                )
                .help = Some(format!("{stmt} has only {has} rows"));
                bad = true;
            }
        }
        bad
    }

    pub(crate) fn update(&mut self, u: &sqlparser::ast::Update) -> Option<Output> {
        self.frames.push(Frame::default());
        let from = match &u.from {
            Some(UpdateTableFromKind::AfterSet(f)) | Some(UpdateTableFromKind::BeforeSet(f)) => {
                Some(f)
            }
            None => None,
        };
        let (target_name, alias, hints) = match &u.table.relation {
            TableFactor::Table {
                name,
                alias,
                with_hints,
                ..
            } => (name, alias, with_hints),
            other => {
                self.error_at(other.span(), "UPDATE needs a table name");
                self.frames.pop();
                return None;
            }
        };
        self.check_target_hints(hints);
        let target = if let Some(from) = from {
            self.add_from_clause(from);
            // `UPDATE o SET ... FROM dbo.Orders o`: the target may be a FROM alias.
            let parts = super::scope::name_parts(target_name);
            let by_alias = if parts.len() == 1 {
                let n = &parts[0].value;
                self.frames.last().and_then(|f| {
                    f.sources
                        .iter()
                        .find(|s| self.eq(&s.name, n))
                        .and_then(|s| s.table.clone())
                })
            } else {
                None
            };
            match by_alias {
                Some(obj) => {
                    let t = self
                        .db
                        .table(Some(&obj.schema), &obj.name)
                        .map(|(_, _, t)| t);
                    t.map(|table| Target { obj, table })
                }
                None => {
                    let t = self.target_table(target_name);
                    if let Some(t) = &t {
                        if !self.frames.last().is_some_and(|f| {
                            f.sources.iter().any(|s| s.table.as_ref() == Some(&t.obj))
                        }) {
                            let src = self.target_source(t, &t.obj.name.clone());
                            self.frame().sources.push(src);
                        }
                    }
                    t
                }
            }
        } else {
            let t = self.target_table(target_name);
            if let Some(t) = &t {
                let mut src = self.target_source(t, &t.obj.name.clone());
                if let Some(a) = alias {
                    src.name = a.name.value.clone();
                    src.schema = None;
                }
                self.frame().sources.push(src);
            }
            t
        };
        for _ in &u.table.joins {
            self.error_at(u.table.span(), "write joins in the FROM clause of UPDATE");
        }
        let Some(target) = target else {
            self.frames.pop();
            return None;
        };
        if let Some(w) = &u.selection {
            self.condition(w);
        }
        for a in &u.assignments {
            self.assignment(&target, a);
        }
        let inserted = self.target_source(&target, "inserted");
        let deleted = self.target_source(&target, "deleted");
        self.written_output(
            StatementKind::Update,
            u.output.as_ref(),
            vec![inserted, deleted],
        )
    }

    fn assignment(&mut self, target: &Target<'a>, a: &Assignment) {
        let AssignmentTarget::ColumnName(name) = &a.target else {
            self.error_at(a.value.span(), "tuple assignment is not T-SQL");
            return;
        };
        let parts = super::scope::name_parts(name);
        let Some(ident) = parts.last() else { return };
        if ident.value.starts_with('@') {
            self.error_at(
                ident.span,
                "assigning a variable in UPDATE cannot be checked",
            );
            return;
        }
        let col = self.written_column(target, ident);
        let v = self.expr(&a.value);
        let is_default = matches!(&a.value, Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT"));
        if let (Some(col), false) = (col, is_default) {
            self.assignable(&v, &col.ty, !col.nullable, a.value.span(), &col.name);
        }
    }

    pub(crate) fn delete(&mut self, d: &Delete) -> Option<Output> {
        self.frames.push(Frame::default());
        let from = match &d.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
        };
        let target = if let Some(t) = d.tables.first() {
            // `DELETE o FROM dbo.Orders o JOIN ...`
            self.add_from_clause(from);
            let parts = super::scope::name_parts(t);
            let n = parts.last().map(|i| i.value.clone()).unwrap_or_default();
            let obj = self.frames.last().and_then(|f| {
                f.sources
                    .iter()
                    .find(|s| self.eq(&s.name, &n))
                    .and_then(|s| s.table.clone())
            });
            match obj {
                Some(obj) => self
                    .db
                    .table(Some(&obj.schema), &obj.name)
                    .map(|(_, _, table)| Target { obj, table }),
                None => {
                    let t = self.target_table(t);
                    if let Some(t) = &t {
                        let src = self.target_source(t, &t.obj.name.clone());
                        self.frame().sources.push(src);
                    }
                    t
                }
            }
        } else {
            let Some(first) = from.first() else {
                self.error_at(Span::empty(), "DELETE needs a table");
                self.frames.pop();
                return None;
            };
            if let TableFactor::Table { with_hints, .. } = &first.relation {
                self.check_target_hints(with_hints);
            }
            self.add_from_clause(from);
            let t = match &first.relation {
                TableFactor::Table { name, .. } => self.target_table(name),
                other => {
                    self.error_at(other.span(), "DELETE needs a table");
                    None
                }
            };
            // target_table touched it already; avoid a duplicate entry (tables are deduped).
            t
        };
        if d.using.is_some() {
            self.error_at(Span::empty(), "DELETE ... USING is not T-SQL");
        }
        if let Some(w) = &d.selection {
            self.condition(w);
        }
        let Some(target) = target else {
            self.frames.pop();
            return None;
        };
        let bad = self.wrong_pseudo_table_in_output(d.output.as_ref(), "inserted");
        let deleted = self.target_source(&target, "deleted");
        let out = d.output.as_ref().filter(|_| !bad);
        self.written_output(StatementKind::Delete, out, vec![deleted])
    }

    pub(crate) fn merge(&mut self, m: &Merge) -> Option<Output> {
        self.frames.push(Frame::default());
        let TableFactor::Table {
            name,
            alias,
            with_hints,
            ..
        } = &m.table
        else {
            self.error_at(m.table.span(), "MERGE needs a target table");
            self.frames.pop();
            return None;
        };
        self.check_target_hints(with_hints);
        let Some(target) = self.target_table(name) else {
            self.frames.pop();
            return None;
        };
        let mut tsrc = self.target_source(&target, &target.obj.name.clone());
        if let Some(a) = alias {
            tsrc.name = a.name.value.clone();
            tsrc.schema = None;
        }
        // Source first (it cannot see the target), then the target.
        if let Some(src) = self.table_factor(&m.source) {
            self.frame().sources.push(src);
        }
        self.frame().sources.push(tsrc);
        self.condition(&m.on);
        let (mut inserts, mut deletes) = (false, false);
        for c in &m.clauses {
            if let Some(p) = &c.predicate {
                self.condition(p);
            }
            match &c.action {
                MergeAction::Insert(ins) => {
                    inserts = true;
                    if !matches!(
                        c.clause_kind,
                        MergeClauseKind::NotMatched | MergeClauseKind::NotMatchedByTarget
                    ) {
                        self.error_at(
                            c.when_token.0.span,
                            "INSERT is allowed only in WHEN NOT MATCHED [BY TARGET]",
                        );
                    }
                    let mut targets = Vec::new();
                    for col in &ins.columns {
                        let parts = super::scope::name_parts(col);
                        if let Some(ident) = parts.last() {
                            targets.push(self.written_column(&target, ident));
                        }
                    }
                    if ins.columns.is_empty() {
                        targets = target.implicit_columns();
                    }
                    for c in &target.table.columns {
                        if !c.may_be_omitted_on_insert()
                            && !targets.iter().flatten().any(|x| x.name == c.name)
                        {
                            self.error_at(ins.insert_token.0.span, format!("`{}` is NOT NULL and has no default; the INSERT must give it a value", c.name));
                        }
                    }
                    match &ins.kind {
                        MergeInsertKind::Values(values) => {
                            for row in &values.rows {
                                if row.content.len() != targets.len() {
                                    self.error_at(row.span(), format!("this row has {} values but the INSERT writes {} columns", row.content.len(), targets.len()));
                                    continue;
                                }
                                for (e, t) in row.content.iter().zip(&targets) {
                                    let v = self.expr(e);
                                    if let Some(col) = t {
                                        self.assignable(
                                            &v,
                                            &col.ty,
                                            !col.nullable,
                                            e.span(),
                                            &col.name,
                                        );
                                    }
                                }
                            }
                        }
                        MergeInsertKind::Row | MergeInsertKind::Wildcard => {
                            self.error_at(
                                ins.insert_token.0.span,
                                "this MERGE INSERT form is not T-SQL",
                            );
                        }
                    }
                }
                MergeAction::Update(upd) => {
                    if matches!(
                        c.clause_kind,
                        MergeClauseKind::NotMatched | MergeClauseKind::NotMatchedByTarget
                    ) {
                        self.error_at(
                            c.when_token.0.span,
                            "UPDATE is not allowed in WHEN NOT MATCHED [BY TARGET]",
                        );
                    }
                    match &upd.kind {
                        MergeUpdateKind::Set(assignments) => {
                            for a in assignments {
                                self.assignment(&target, a);
                            }
                        }
                        MergeUpdateKind::Wildcard => {
                            self.error_at(upd.update_token.0.span, "UPDATE * is not T-SQL");
                        }
                    }
                }
                MergeAction::Delete { .. } => deletes = true,
                MergeAction::DoNothing { do_token, .. } => {
                    self.error_at(do_token.0.span, "DO NOTHING is not T-SQL");
                }
            }
        }
        let has_update = m
            .clauses
            .iter()
            .any(|c| matches!(c.action, MergeAction::Update(_)));
        let mut inserted = self.target_source(&target, "inserted");
        if deletes {
            inserted.cols.iter_mut().for_each(Col::null_supplied);
        }
        let mut deleted = self.target_source(&target, "deleted");
        if inserts || !(has_update || deletes) {
            deleted.cols.iter_mut().for_each(Col::null_supplied);
        }
        self.merge_action = true;
        let out = self.written_output(
            StatementKind::Merge,
            m.output.as_ref(),
            vec![inserted, deleted],
        );
        self.merge_action = false;
        out
    }
}
