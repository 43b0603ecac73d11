//! Queries: CTEs, set operations, SELECT, ORDER BY, TOP / OFFSET / FETCH, FOR JSON.
//!
//! A SELECT is analyzed in SQL Server's logical order — FROM (with its joins and
//! APPLYs), WHERE, GROUP BY, HAVING, the select list, ORDER BY — so that a parameter
//! typed in WHERE (`WHERE Id = @p`) is known when the select list returns it.
//!
//! GROUP BY: while the select list, HAVING and ORDER BY are walked, every column
//! reference outside an aggregate that is not grouped is noted; if the query groups or
//! aggregates, each is an error (SQL Server's 8120). `ROLLUP`, `CUBE` and `GROUPING SETS`
//! make grouped columns nullable (subtotal rows hold NULL there).
//!
//! Set operations unify column by column (`UNION` rules, R33); the names are the first
//! query's. A recursive CTE is typed from its anchor first, then as a whole.

use mssqlx_offline::{Length, SqlType};
use sqlparser::ast::{
    Distinct, Expr, ForClause, GroupByExpr, LimitClause, OrderBy, OrderByKind, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator, Spanned, TopQuantity,
    Values,
};

use super::expr::V;
use super::scope::{Col, Cte, Frame, Grouping};
use super::Analyzer;
use crate::typing::{self, FnArg, Typed, Unify};

impl<'a> Analyzer<'a> {
    /// Types a query; `None` when it could not be (errors were recorded).
    pub(crate) fn query(&mut self, q: &Query) -> Option<Vec<Col>> {
        if self.depth >= super::MAX_DEPTH * 4 {
            self.error_at(q.span(), "the query nests too deeply to check");
            return None;
        }
        self.depth += 1;
        let pushed = q.with.is_some();
        if let Some(with) = &q.with {
            self.ctes.push(Vec::new());
            for cte in &with.cte_tables {
                self.cte(cte);
            }
        }
        let cols = self.query_body(q);
        if pushed {
            self.ctes.pop();
        }
        self.depth -= 1;
        cols
    }

    pub(crate) fn cte(&mut self, cte: &sqlparser::ast::Cte) {
        let name = cte.alias.name.value.clone();
        let recursive = {
            let text = cte.query.to_string().to_lowercase();
            let lname = name.to_lowercase();
            text.match_indices(&lname).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + lname.len()..].chars().next();
                let boundary =
                    |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                boundary(before) && boundary(after)
            })
        };
        if recursive {
            if let SetExpr::SetOperation { left, .. } = cte.query.body.as_ref() {
                let anchor = self.set_expr(left, None);
                if let Some(mut cols) = anchor {
                    self.rename_cte(&mut cols, cte);
                    if let Some(level) = self.ctes.last_mut() {
                        level.push(Cte {
                            name: name.clone(),
                            cols,
                        });
                    }
                }
            }
        }
        let Some(mut cols) = self.query(&cte.query) else {
            return;
        };
        self.rename_cte(&mut cols, cte);
        // A recursive member reads the rows of earlier rounds: a column that became
        // nullable there is nullable where the member reads it. Iterate until the
        // nullability is stable (it only grows, so at most once per column).
        let mut rounds = 0;
        while recursive && rounds <= cols.len() {
            let registered = self
                .ctes
                .last()
                .and_then(|l| l.iter().find(|c| c.name == name))
                .map(|c| c.cols.iter().map(|c| c.nullable).collect::<Vec<_>>());
            let Some(registered) = registered else { break };
            let now: Vec<bool> = cols.iter().map(|c| c.nullable).collect();
            if registered.len() != now.len() || now.iter().zip(&registered).all(|(n, r)| !*n || *r)
            {
                break;
            }
            if let Some(level) = self.ctes.last_mut() {
                level.retain(|c| c.name != name);
                let mut widened = cols.clone();
                for (c, r) in widened.iter_mut().zip(&registered) {
                    c.nullable |= *r;
                }
                level.push(Cte {
                    name: name.clone(),
                    cols: widened,
                });
            }
            let Some(mut again) = self.query(&cte.query) else {
                return;
            };
            self.rename_cte(&mut again, cte);
            cols = again;
            rounds += 1;
        }
        for (i, c) in cols.iter().enumerate() {
            if c.name.is_empty() {
                self.error_at(
                    cte.alias.name.span,
                    format!("column {} of CTE `{name}` has no name", i + 1),
                )
                .help = Some(
                    "alias the expression, or list the names: `WITH x (a, b) AS (...)`".into(),
                );
            }
        }
        if let Some(level) = self.ctes.last_mut() {
            level.retain(|c| c.name != name);
            level.push(Cte { name, cols });
        }
    }

    fn rename_cte(&mut self, cols: &mut [Col], cte: &sqlparser::ast::Cte) {
        let names = &cte.alias.columns;
        if names.is_empty() {
            return;
        }
        if names.len() != cols.len() {
            self.error_at(
                cte.alias.name.span,
                format!(
                    "CTE `{}` names {} columns but its query returns {}",
                    cte.alias.name.value,
                    names.len(),
                    cols.len()
                ),
            );
            return;
        }
        for (c, n) in cols.iter_mut().zip(names) {
            c.name = n.name.value.clone();
            c.origin = None;
        }
    }

    fn query_body(&mut self, q: &Query) -> Option<Vec<Col>> {
        let cols = match q.body.as_ref() {
            SetExpr::Select(s) => self.select(s, q.order_by.as_ref()),
            other => {
                let cols = self.set_expr(other, None)?;
                if let Some(ob) = &q.order_by {
                    // ORDER BY of a set operation names the result's columns.
                    let id = self.next_id();
                    self.frames.push(Frame::default());
                    self.frame().sources.push(super::scope::Source {
                        name: String::new(),
                        schema: None,
                        table: None,
                        cols: cols.clone(),
                        id,
                    });
                    self.order_by(ob);
                    self.frames.pop();
                }
                Some(cols)
            }
        };
        self.limits(q);
        let cols = cols?;
        if let Some(fc) = &q.for_clause {
            return self.for_clause(fc, cols.len(), q);
        }
        Some(cols)
    }

    fn limits(&mut self, q: &Query) {
        if let Some(lc) = &q.limit_clause {
            match lc {
                LimitClause::LimitOffset { limit, offset, .. } => {
                    if let Some(l) = limit {
                        self.error_at(l.span(), "LIMIT is not T-SQL").help =
                            Some("write TOP (n), or OFFSET ... ROWS FETCH NEXT n ROWS ONLY".into());
                    }
                    if let Some(o) = offset {
                        if q.order_by.is_none() {
                            self.error_at(o.value.span(), "OFFSET needs an ORDER BY");
                        }
                        self.count_expr(&o.value, SqlType::BigInt);
                    }
                }
                LimitClause::OffsetCommaLimit { offset, .. } => {
                    self.error_at(offset.span(), "LIMIT is not T-SQL");
                }
            }
        }
        if let Some(f) = &q.fetch {
            if let Some(e) = &f.quantity {
                self.count_expr(e, SqlType::BigInt);
            }
        }
    }

    /// A row count (`TOP`, `OFFSET`, `FETCH`): a parameter is `bigint`, a value must be a number.
    fn count_expr(&mut self, e: &Expr, ty: SqlType) {
        let v = self.expr(e);
        match &v {
            V::Param(_) => self.want(&v, &ty, e.span()),
            V::T(t) if !t.ty.is_numeric() => {
                self.error_at(
                    e.span(),
                    format!("a row count must be a number, not {}", t.ty),
                );
            }
            V::Null | V::Pred => {
                self.error_at(e.span(), "a row count must be a number");
            }
            _ => {}
        }
    }

    fn for_clause(&mut self, fc: &ForClause, _n: usize, q: &Query) -> Option<Vec<Col>> {
        // The client sees one nvarchar(max) column (SQL Server splits long JSON over
        // rows of the column `JSON_F52E2B61-18A1-11d1-B105-00805F49916B`; the runtime
        // joins them). NULL when the query returns no row.
        match fc {
            ForClause::Json { .. } => Some(vec![Col::new(
                "JSON_F52E2B61-18A1-11d1-B105-00805F49916B",
                Typed::nullable(SqlType::NVarChar(Length::Max)),
            )]),
            ForClause::Xml { r#type, .. } => Some(vec![Col::new(
                "XML_F52E2B61-18A1-11d1-B105-00805F49916B",
                Typed::nullable(if *r#type {
                    SqlType::Xml
                } else {
                    SqlType::NVarChar(Length::Max)
                }),
            )]),
            ForClause::Browse => {
                self.error_at(q.span(), "FOR BROWSE is not supported");
                None
            }
        }
    }

    /// A set expression: a SELECT, a parenthesized query, VALUES, or UNION / EXCEPT / INTERSECT.
    pub(crate) fn set_expr(&mut self, s: &SetExpr, order_by: Option<&OrderBy>) -> Option<Vec<Col>> {
        match s {
            SetExpr::Select(sel) => self.select(sel, order_by),
            SetExpr::Query(q) => self.query(q),
            SetExpr::Values(v) => self.values(v),
            SetExpr::SetOperation {
                left, op, right, ..
            } => {
                let l = self.set_expr(left, None);
                let r = self.set_expr(right, None);
                let (l, r) = (l?, r?);
                if l.len() != r.len() {
                    let opname = match op {
                        SetOperator::Union => "UNION",
                        SetOperator::Except => "EXCEPT",
                        SetOperator::Intersect => "INTERSECT",
                        SetOperator::Minus => "MINUS",
                    };
                    self.error_at(
                        right.span(),
                        format!("all queries of a {opname} must have the same number of columns ({} and {})", l.len(), r.len()),
                    );
                    return None;
                }
                let mut out = Vec::with_capacity(l.len());
                for (a, b) in l.into_iter().zip(r) {
                    let mut items = Vec::new();
                    for c in [&a, &b] {
                        // A parameter counts once its type is known.
                        match c.from_param {
                            Some(p) => items
                                .extend(self.params.ty(p).map(|t| FnArg::Expr(Typed::nullable(t)))),
                            None => items.push(FnArg::Expr(c.typed())),
                        }
                    }
                    let t = if items.is_empty() {
                        Typed::nullable(SqlType::Int)
                    } else {
                        match typing::unify_args(Unify::Union, &items) {
                            Ok(t) => t,
                            Err(e) => {
                                self.typing_error(right.span(), e);
                                return None;
                            }
                        }
                    };
                    for c in [&a, &b] {
                        if let Some(p) = c.from_param {
                            self.want(&V::Param(p), &t.ty, right.span());
                        }
                    }
                    // EXCEPT / INTERSECT return rows of the left query only.
                    let nullable = match op {
                        SetOperator::Union => t.nullable,
                        _ => a.nullable || a.from_param.is_some(),
                    };
                    let mut c = Col::new(a.name.clone(), Typed { ty: t.ty, nullable });
                    if a.origin == b.origin {
                        c.origin = a.origin.clone();
                    }
                    out.push(c);
                }
                Some(out)
            }
            other => {
                self.error_at(
                    other.span(),
                    "this statement cannot be used as a query here",
                );
                None
            }
        }
    }

    fn values(&mut self, v: &Values) -> Option<Vec<Col>> {
        let width = v.rows.first().map_or(0, |r| r.content.len());
        let mut columns: Vec<Vec<(V, sqlparser::tokenizer::Span)>> = vec![Vec::new(); width];
        for row in &v.rows {
            if row.content.len() != width {
                self.error_at(
                    row.span(),
                    format!("every row of VALUES must have {width} values"),
                );
                return None;
            }
            for (i, e) in row.content.iter().enumerate() {
                let val = self.expr(e);
                columns[i].push((val, e.span()));
            }
        }
        let mut out = Vec::new();
        for (i, vals) in columns.into_iter().enumerate() {
            let mut items = Vec::new();
            for (val, s) in &vals {
                match val {
                    V::Null => items.push(FnArg::Null),
                    V::Err => return None,
                    V::Param(p) if self.params.ty(*p).is_none() => {}
                    other => items.push(FnArg::Expr(self.typed(other, *s)?)),
                }
            }
            let t = if items.iter().any(|a| matches!(a, FnArg::Expr(_))) {
                match typing::unify_args(Unify::Values, &items) {
                    Ok(t) => t,
                    Err(e) => {
                        self.typing_error(v.rows[0].content[i].span(), e);
                        return None;
                    }
                }
            } else {
                Typed::nullable(SqlType::Int)
            };
            for (val, s) in &vals {
                self.want(val, &t.ty, *s);
            }
            let nullable = t.nullable || vals.iter().any(|(v, _)| matches!(v, V::Param(_)));
            out.push(Col::new(String::new(), Typed { ty: t.ty, nullable }));
        }
        Some(out)
    }

    /// One SELECT, with the ORDER BY of its query (which sees its FROM and aliases).
    pub(crate) fn select(&mut self, s: &Select, order_by: Option<&OrderBy>) -> Option<Vec<Col>> {
        if s.into.is_some() {
            self.error_at(
                s.select_token.0.span,
                "SELECT ... INTO creates a table; it cannot be checked",
            )
            .help = Some("create the table in the schema, then INSERT ... SELECT".into());
            return None;
        }
        if let Some(Distinct::On(_)) = &s.distinct {
            self.error_at(s.select_token.0.span, "DISTINCT ON is not T-SQL");
        }
        self.frames.push(Frame::default());
        let cols = self.select_in_frame(s, order_by);
        self.frames.pop();
        cols
    }

    fn select_in_frame(&mut self, s: &Select, order_by: Option<&OrderBy>) -> Option<Vec<Col>> {
        self.add_from_clause(&s.from);
        if let Some(w) = &s.selection {
            self.condition(w);
        }
        self.group_by(&s.group_by);
        self.frame().checking = true;
        if let Some(h) = &s.having {
            let f = self.frame();
            f.agg_seen |= f.grouping.is_none();
            self.condition(h);
        }
        let mut cols: Vec<Col> = Vec::new();
        for item in &s.projection {
            self.select_item(item, &mut cols);
        }
        if let Some(top) = &s.top {
            if let Some(TopQuantity::Expr(e)) = &top.quantity {
                let ty = if top.percent {
                    SqlType::Float
                } else {
                    SqlType::BigInt
                };
                self.count_expr(e, ty);
            }
            if top.with_ties && order_by.is_none() {
                self.error_at(s.select_token.0.span, "TOP ... WITH TIES needs an ORDER BY");
            }
        }
        if let Some(ob) = order_by {
            self.frame().aliases = cols.clone();
            self.order_by(ob);
        }
        // Grouping errors.
        let f = self.frame();
        if f.grouping.is_some() || f.agg_seen {
            let mut seen = Vec::new();
            let list = std::mem::take(&mut f.ungrouped);
            for (off, len, name) in list {
                if seen.contains(&(off, len)) {
                    continue;
                }
                seen.push((off, len));
                self.errors.push(
                    super::AnalyzeError::new(
                        format!("column `{name}` is neither grouped nor aggregated"),
                        off,
                        len,
                    )
                    .with_help("add it to GROUP BY, or wrap it in an aggregate such as MAX(...)"),
                );
            }
        }
        Some(cols)
    }

    fn group_by(&mut self, g: &GroupByExpr) {
        let exprs = match g {
            GroupByExpr::Expressions(e, _) => e,
            GroupByExpr::All(_) => {
                self.error_at(
                    sqlparser::tokenizer::Span::empty(),
                    "GROUP BY ALL is not supported",
                );
                return;
            }
        };
        if exprs.is_empty() {
            return;
        }
        let mut grouping = Grouping::default();
        let mut flat: Vec<&Expr> = Vec::new();
        for e in exprs {
            match e {
                Expr::Rollup(sets) | Expr::Cube(sets) | Expr::GroupingSets(sets) => {
                    grouping.rollup = true;
                    flat.extend(sets.iter().flatten());
                }
                Expr::Function(f)
                    if ["ROLLUP", "CUBE"]
                        .iter()
                        .any(|n| f.name.to_string().eq_ignore_ascii_case(n)) =>
                {
                    grouping.rollup = true;
                    if let sqlparser::ast::FunctionArguments::List(l) = &f.args {
                        for a in &l.args {
                            if let sqlparser::ast::FunctionArg::Unnamed(
                                sqlparser::ast::FunctionArgExpr::Expr(e),
                            ) = a
                            {
                                flat.push(e);
                            }
                        }
                    }
                }
                other => flat.push(other),
            }
        }
        for e in flat {
            let inner = match e {
                Expr::Nested(i) => i.as_ref(),
                o => o,
            };
            match inner {
                Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                    if let Some(key) = self.group_key(inner) {
                        grouping.keys.push(key);
                    }
                }
                Expr::Tuple(items) => {
                    for i in items {
                        if let Some(key) = self.group_key(i) {
                            grouping.keys.push(key);
                        }
                    }
                }
                other => {
                    let _ = self.expr(other);
                    grouping.exprs.push(super::expr::group_text(other));
                }
            }
        }
        self.frame().grouping = Some(grouping);
    }

    /// The (source id, column) a GROUP BY column names.
    fn group_key(&mut self, e: &Expr) -> Option<(usize, usize)> {
        let before = self.errors.len();
        let _ = self.expr(e);
        if self.errors.len() > before {
            return None;
        }
        let idents: Vec<&sqlparser::ast::Ident> = match e {
            Expr::Identifier(i) => vec![i],
            Expr::CompoundIdentifier(ids) => ids.iter().collect(),
            _ => return None,
        };
        let (last, qual) = idents.split_last()?;
        let f = self.frames.last()?;
        for s in &f.sources {
            if let Some(q) = qual.last() {
                if !self.eq(&s.name, &q.value) {
                    continue;
                }
            }
            if let Some(ci) = s.cols.iter().position(|c| self.eq(&c.name, &last.value)) {
                return Some((s.id, ci));
            }
        }
        None
    }

    fn order_by(&mut self, ob: &OrderBy) {
        let OrderByKind::Expressions(items) = &ob.kind else {
            self.error_at(
                sqlparser::tokenizer::Span::empty(),
                "ORDER BY ALL is not T-SQL",
            );
            return;
        };
        self.frame().in_order_by = true;
        for o in items {
            if let Expr::Value(v) = &o.expr {
                if let sqlparser::ast::Value::Number(n, _) = &v.value {
                    let n: usize = n.parse().unwrap_or(0);
                    let count = self.frames.last().map_or(0, |f| {
                        if f.aliases.is_empty() {
                            f.sources.first().map_or(0, |s| s.cols.len())
                        } else {
                            f.aliases.len()
                        }
                    });
                    if n == 0 || n > count {
                        self.error_at(o.expr.span(), format!("ORDER BY position {n} is out of range (the select list has {count} columns)"));
                    }
                    continue;
                }
            }
            let v = self.expr(&o.expr);
            if matches!(v, V::Pred) {
                let _ = self.typed(&v, o.expr.span());
            }
        }
        self.frame().in_order_by = false;
    }

    fn select_item(&mut self, item: &SelectItem, cols: &mut Vec<Col>) {
        match item {
            SelectItem::UnnamedExpr(e) => {
                let name = match e {
                    Expr::Identifier(i) if !i.value.starts_with('@') => i.value.clone(),
                    Expr::CompoundIdentifier(ids) => {
                        ids.last().map(|i| i.value.clone()).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                self.select_expr(e, name, cols);
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                if alias.value.starts_with('@') && alias.quote_style.is_none() {
                    self.error_at(
                        alias.span,
                        "assigning to a variable in SELECT cannot be checked",
                    )
                    .help = Some("return the value as a column instead".into());
                    return;
                }
                self.select_expr(expr, alias.value.clone(), cols);
            }
            SelectItem::Wildcard(w) => {
                let span = w.wildcard_token.0.span;
                let n = self.frames.last().map_or(0, |f| f.sources.len());
                if n == 0 && self.frames.last().is_some_and(|f| f.broken) {
                    return;
                }
                if n == 0 {
                    self.error_at(span, "`SELECT *` needs a FROM clause");
                    return;
                }
                for si in 0..n {
                    self.star(si, span, cols);
                }
            }
            SelectItem::QualifiedWildcard(kind, w) => {
                let span = w.wildcard_token.0.span;
                match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(name) => {
                        if let Some(si) = self.wildcard_source(name) {
                            self.star(si, span.union(&name.span()), cols);
                        }
                    }
                    SelectItemQualifiedWildcardKind::Expr(e) => {
                        self.error_at(e.span(), "this wildcard form is not T-SQL");
                    }
                }
            }
            SelectItem::ExprWithAliases { expr, .. } => {
                self.error_at(
                    expr.span(),
                    "several aliases for one expression are not T-SQL",
                );
            }
        }
    }

    fn star(&mut self, si: usize, span: sqlparser::tokenizer::Span, cols: &mut Vec<Col>) {
        let (off, len) = self.lines.span(span);
        let fi = self.frames.len().saturating_sub(1);
        if self.frames.is_empty() {
            return;
        }
        self.resolve_source(fi, si, span);
        let mut unknown = Vec::new();
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        let src = &f.sources[si];
        for (ci, c) in src.cols.iter().enumerate() {
            if c.hidden {
                continue;
            }
            let mut c = c.clone();
            if c.origin.is_none() {
                c.origin = src.table.as_ref().map(|object| super::ColumnOrigin {
                    object: object.clone(),
                    column: c.name.clone(),
                });
            }
            if let Some(why) = &c.unknown {
                unknown.push(super::AnalyzeError::new(
                    format!("the type of computed column `{}` is unknown: {why}", c.name),
                    off,
                    len,
                ));
            }
            if f.checking && f.agg_depth == 0 {
                match &f.grouping {
                    Some(g) if g.keys.contains(&(src.id, ci)) => {
                        if g.rollup {
                            c.nullable = true;
                        }
                    }
                    _ => f
                        .ungrouped
                        .push((off, len, format!("{}.{}", src.name, c.name))),
                }
            }
            cols.push(c);
        }
        self.errors.extend(unknown);
    }

    fn select_expr(&mut self, e: &Expr, name: String, cols: &mut Vec<Col>) {
        self.last_origin = None;
        let v = self.expr(e);
        let plain = matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
        let origin = if plain { self.last_origin.take() } else { None };
        let mut col = match &v {
            V::Param(p) => match self.params.ty(*p) {
                Some(t) => Col::new(name, Typed::nullable(t)),
                None => {
                    let mut c = Col::new(name, Typed::nullable(SqlType::SqlVariant));
                    c.from_param = Some(*p);
                    c
                }
            },
            other => match self.typed(other, e.span()) {
                Some(t) => Col::new(name, t),
                None => Col::new(name, Typed::nullable(SqlType::SqlVariant)),
            },
        };
        col.origin = origin;
        cols.push(col);
    }
}
