//! Expressions, typed in context.
//!
//! Each expression evaluates to a [`V`]: a typed value, the bare `NULL` literal, a
//! parameter (whose type the context may decide), or a *condition* (`a = b`,
//! `x IS NULL`, `EXISTS (...)`), which T-SQL does not allow as a value. The rules
//! themselves (precedence, decimal arithmetic, function results) are
//! [`crate::typing`]'s; this file applies them where they stand:
//!
//! - `col = @p`, `col IN (@a, @b)`, `col BETWEEN @lo AND @hi`, `col + @p`: the
//!   parameter takes the column's type;
//! - `CASE`, `IIF`, `COALESCE`: results are unified, a `CASE` without `ELSE` is nullable;
//! - aggregates count for GROUP BY checking and are nullable unless provably not
//!   (`COUNT`; `MAX(x)` of a NOT NULL `x` when grouped);
//! - `col = NULL` is refused: under ANSI_NULLS it is never true.
//!
//! The walk is bounded: past a nesting depth it reports an error instead of recursing.
//! Function calls (`IIF` included) are typed in the sibling `calls` module.

use mssqlx_offline::{Length, SqlType};
use sqlparser::ast::{BinaryOperator, CastKind, Expr, Spanned, UnaryOperator, Value};
use sqlparser::tokenizer::Span;

use super::scope::Col;
use super::Analyzer;
use crate::typing::{self, ArithOp, FnArg, Typed, TypingError, Unify};

/// What an expression evaluated to.
#[derive(Clone, Debug)]
pub(crate) enum V {
    /// A typed value.
    T(Typed),
    /// The `NULL` literal.
    Null,
    /// A parameter (index into the statement's parameters).
    Param(usize),
    /// A condition (boolean), not a value in T-SQL.
    Pred,
    /// An error was already reported.
    Err,
}

/// System functions written as `@@NAME`.
const SYSTEM_VARIABLES: &[(&str, &str, bool)] = &[
    ("@@ROWCOUNT", "int", false),
    ("@@IDENTITY", "numeric(38,0)", true),
    ("@@TRANCOUNT", "int", false),
    ("@@ERROR", "int", false),
    ("@@SPID", "smallint", false),
    ("@@VERSION", "nvarchar(300)", false),
    ("@@SERVERNAME", "nvarchar(128)", true),
    ("@@SERVICENAME", "nvarchar(128)", false),
    ("@@DATEFIRST", "tinyint", false),
    ("@@LANGUAGE", "nvarchar(128)", false),
    ("@@FETCH_STATUS", "int", false),
    ("@@DBTS", "varbinary(8)", false),
    ("@@NESTLEVEL", "int", false),
    ("@@PROCID", "int", false),
];

fn arith_op(op: &BinaryOperator) -> Option<ArithOp> {
    Some(match op {
        BinaryOperator::Plus | BinaryOperator::StringConcat => ArithOp::Add,
        BinaryOperator::Minus => ArithOp::Sub,
        BinaryOperator::Multiply => ArithOp::Mul,
        BinaryOperator::Divide => ArithOp::Div,
        BinaryOperator::Modulo => ArithOp::Mod,
        BinaryOperator::BitwiseAnd => ArithOp::BitAnd,
        BinaryOperator::BitwiseOr => ArithOp::BitOr,
        BinaryOperator::BitwiseXor => ArithOp::BitXor,
        _ => return None,
    })
}

fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::Gt
            | BinaryOperator::LtEq
            | BinaryOperator::GtEq
    )
}

impl<'a> Analyzer<'a> {
    /// Reports a typing rule's error at `span`.
    pub(crate) fn typing_error(&mut self, span: Span, e: TypingError) {
        let err = self.error_at(span, e.message);
        err.help = e.help;
    }

    /// Evaluates an expression (depth-bounded).
    pub(crate) fn expr(&mut self, e: &Expr) -> V {
        if self.depth >= super::MAX_DEPTH * 4 {
            if !self
                .errors
                .iter()
                .any(|e| e.message.contains("nests too deeply"))
            {
                self.error_at(e.span(), "the expression nests too deeply to check");
            }
            return V::Err;
        }
        self.depth += 1;
        let grouped_expr = self.matches_group_expr(e);
        if grouped_expr {
            self.frame().grouped_expr_depth += 1;
        }
        let mut v = self.expr_inner(e);
        if grouped_expr {
            self.frame().grouped_expr_depth -= 1;
            // ROLLUP / CUBE / GROUPING SETS: subtotal rows hold NULL for it.
            let rollup = self
                .frames
                .last()
                .is_some_and(|f| f.grouping.as_ref().is_some_and(|g| g.rollup));
            if let (true, V::T(t)) = (rollup, &mut v) {
                t.nullable = true;
            }
        }
        self.depth -= 1;
        v
    }

    /// True when `e` (not a plain column) is one of the frame's GROUP BY expressions.
    fn matches_group_expr(&mut self, e: &Expr) -> bool {
        if matches!(
            e,
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_)
        ) {
            return false;
        }
        let Some(f) = self.frames.last() else {
            return false;
        };
        match &f.grouping {
            Some(g) if f.checking && f.agg_depth == 0 && !g.exprs.is_empty() => {
                let text = group_text(e);
                g.exprs.contains(&text)
            }
            _ => false,
        }
    }

    /// Evaluates `e` where a condition is expected (WHERE, ON, HAVING, WHEN).
    pub(crate) fn condition(&mut self, e: &Expr) {
        match self.expr(e) {
            V::Pred | V::Err => {}
            _ => {
                self.error_at(e.span(), "a condition was expected here, not a value")
                    .help = Some("compare it, e.g. `x = 1` or `x IS NOT NULL`".into());
            }
        }
    }

    /// The one column of a subquery used as a value; `None` when the query failed or
    /// returns another number of columns (reported, naming the subquery `what`).
    fn single_column(&mut self, q: &sqlparser::ast::Query, what: &str) -> Option<Col> {
        let cols = self.query(q)?;
        if cols.len() != 1 {
            self.error_at(
                q.span(),
                format!("{what} must return one column, not {}", cols.len()),
            );
            return None;
        }
        cols.into_iter().next()
    }

    /// The typed value of `v`: NULL is `int NULL`; an unbound parameter is `None`.
    pub(crate) fn typed(&mut self, v: &V, span: Span) -> Option<Typed> {
        match v {
            V::T(t) => Some(t.clone()),
            V::Null => Some(Typed::nullable(SqlType::Int)),
            V::Param(i) => self.params.ty(*i).map(Typed::nullable),
            V::Pred => {
                self.error_at(span, "a condition is not a value in T-SQL")
                    .help = Some(
                    "write `CASE WHEN <condition> THEN 1 ELSE 0 END` or `IIF(<condition>, 1, 0)`"
                        .into(),
                );
                None
            }
            V::Err => None,
        }
    }

    /// Evaluates `e` as a value.
    pub(crate) fn value(&mut self, e: &Expr) -> Option<Typed> {
        let v = self.expr(e);
        self.typed(&v, e.span())
    }

    /// If `v` is a parameter without a type yet, gives it `ty`; if it has one, checks
    /// the two agree.
    pub(crate) fn want(&mut self, v: &V, ty: &SqlType, span: Span) {
        if let V::Param(i) = v {
            let (off, len) = self.lines.span(span);
            if let Err(e) = self.params.bind(*i, ty, false, off, len) {
                self.errors.push(e);
            }
        }
    }

    /// Checks a value written to `target_name` of type `ty` (INSERT, SET, EXEC arguments):
    /// a parameter takes the type (and is NOT NULL when the target is); NULL into a NOT
    /// NULL target is an error; the value must convert implicitly.
    pub(crate) fn assignable(
        &mut self,
        v: &V,
        ty: &SqlType,
        not_null: bool,
        span: Span,
        target_name: &str,
    ) {
        match v {
            V::Param(i) => {
                let (off, len) = self.lines.span(span);
                if let Err(e) = self.params.bind(*i, ty, not_null, off, len) {
                    self.errors.push(e);
                }
            }
            V::Null if not_null => {
                self.error_at(
                    span,
                    format!("`{target_name}` is NOT NULL; NULL cannot be written to it"),
                );
            }
            V::T(t) => {
                use typing::Conversion::*;
                match typing::implicit_conversion(&t.ty, ty) {
                    Same | Implicit => {}
                    ExplicitOnly => {
                        self.error_at(span, format!("a {} value cannot be written to `{target_name}` ({ty}) without a conversion", t.ty))
                            .help = Some(format!("write CAST(... AS {ty})"));
                    }
                    NotAllowed => {
                        self.error_at(
                            span,
                            format!(
                                "a {} value cannot be written to `{target_name}` ({ty})",
                                t.ty
                            ),
                        );
                    }
                }
            }
            V::Pred => {
                let _ = self.typed(v, span);
            }
            _ => {}
        }
    }

    /// Two operands compared: a parameter takes the other side's type.
    fn compare(&mut self, a: &V, sa: Span, b: &V, sb: Span, whole: Span) {
        match (a, b) {
            (V::Null, _) | (_, V::Null) => {
                self.error_at(whole, "comparing with NULL is never true under ANSI_NULLS")
                    .help = Some("write `x IS NULL` or `x IS NOT NULL`".into());
            }
            (V::Param(_), V::T(t)) => self.want(a, &t.ty, sa),
            (V::T(t), V::Param(_)) => self.want(b, &t.ty, sb),
            (V::Param(i), V::Param(j)) => {
                if let Some(t) = self.params.ty(*i) {
                    self.want(b, &t, sb);
                } else if let Some(t) = self.params.ty(*j) {
                    self.want(a, &t, sa);
                }
            }
            _ => {
                let (Some(x), Some(y)) = (self.typed(a, sa), self.typed(b, sb)) else {
                    return;
                };
                if let Err(e) = typing::comparable(&x.ty, &y.ty) {
                    self.typing_error(whole, e);
                }
            }
        }
    }

    fn expr_inner(&mut self, e: &Expr) -> V {
        match e {
            Expr::Identifier(id) if id.value.starts_with("@@") => {
                let upper = id.value.to_ascii_uppercase();
                match SYSTEM_VARIABLES.iter().find(|(n, _, _)| *n == upper) {
                    Some((_, ty, nullable)) => V::T(Typed {
                        ty: ty.parse().unwrap_or(SqlType::Int),
                        nullable: *nullable,
                    }),
                    None => {
                        self.error_at(id.span, format!("unknown system function `{}`", id.value));
                        V::Err
                    }
                }
            }
            Expr::Identifier(id) if id.value.starts_with('@') && id.quote_style.is_none() => {
                self.parameter(&id.value, id.span)
            }
            Expr::Identifier(id) => self.column_ref(std::slice::from_ref(id)),
            Expr::CompoundIdentifier(ids) => self.column_ref(ids),
            Expr::Value(v) => self.literal(&v.value, e.span()),
            Expr::Nested(inner) => self.expr(inner),
            Expr::UnaryOp { op, expr } => {
                let v = self.expr(expr);
                match op {
                    UnaryOperator::Not => {
                        if !matches!(v, V::Pred | V::Err) {
                            self.error_at(expr.span(), "NOT applies to a condition, not a value");
                        }
                        V::Pred
                    }
                    UnaryOperator::Minus | UnaryOperator::Plus | UnaryOperator::BitwiseNot => {
                        let Some(t) = self.typed(&v, expr.span()) else {
                            return if matches!(v, V::Param(_)) { v } else { V::Err };
                        };
                        if matches!(op, UnaryOperator::Minus) {
                            match typing::unary_minus(&t) {
                                Ok(t) => V::T(t),
                                Err(err) => {
                                    self.typing_error(e.span(), err);
                                    V::Err
                                }
                            }
                        } else {
                            if !t.ty.is_numeric() {
                                self.error_at(
                                    e.span(),
                                    format!("`{op}` needs a number, not {}", t.ty),
                                );
                            }
                            V::T(t)
                        }
                    }
                    _ => {
                        self.error_at(e.span(), format!("the operator `{op}` is not T-SQL"));
                        V::Err
                    }
                }
            }
            Expr::BinaryOp { left, op, right } => self.binary(e, left, op, right),
            // `x = ANY (SELECT ...)`, `x > ALL (SELECT ...)`, `SOME`.
            Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
                let a = self.expr(left);
                let inner = match right.as_ref() {
                    Expr::Subquery(q) => Some(q),
                    Expr::Nested(n) => match n.as_ref() {
                        Expr::Subquery(q) => Some(q),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(q) = inner else {
                    self.error_at(right.span(), "ANY / ALL / SOME take a subquery");
                    return V::Pred;
                };
                if let Some(col) = self.single_column(q, "the subquery") {
                    self.compare(&a, left.span(), &col.value(), right.span(), e.span());
                }
                V::Pred
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                // NULL-safe comparison (SQL Server 2022): NULL is a fine operand here.
                let x = self.expr(a);
                let y = self.expr(b);
                if !matches!(x, V::Null) && !matches!(y, V::Null) {
                    self.compare(&x, a.span(), &y, b.span(), e.span());
                }
                V::Pred
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                let v = self.expr(x);
                if let V::Pred = v {
                    let _ = self.typed(&v, x.span());
                }
                V::Pred
            }
            Expr::InList { expr, list, .. } => {
                let a = self.expr(expr);
                for item in list {
                    let b = self.expr(item);
                    self.compare(&a, expr.span(), &b, item.span(), item.span());
                }
                V::Pred
            }
            Expr::InSubquery { expr, subquery, .. } => {
                let a = self.expr(expr);
                if let Some(col) = self.single_column(subquery, "the subquery of IN") {
                    self.compare(&a, expr.span(), &col.value(), subquery.span(), e.span());
                }
                V::Pred
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let a = self.expr(expr);
                let l = self.expr(low);
                let h = self.expr(high);
                self.compare(&a, expr.span(), &l, low.span(), low.span());
                self.compare(&a, expr.span(), &h, high.span(), high.span());
                V::Pred
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                any,
                ..
            } => {
                if *any {
                    self.error_at(e.span(), "LIKE ANY is not T-SQL");
                }
                let a = self.expr(expr);
                let p = self.expr(pattern);
                let text_of = |v: &V, me: &mut Self| match v {
                    V::T(t) => Some(t.ty.clone()),
                    V::Param(i) => me.params.ty(*i),
                    _ => None,
                };
                let at = text_of(&a, self);
                let pt = text_of(&p, self);
                // A LIKE pattern is wider than the column (it holds wildcards): a parameter
                // takes the widest string of the other side's kind.
                let wide = |t: Option<SqlType>| match t {
                    Some(t) if t.is_unicode() => SqlType::NVarChar(Length::Bounded(4000)),
                    Some(t) if t.is_string() => SqlType::VarChar(Length::Bounded(8000)),
                    _ => SqlType::NVarChar(Length::Bounded(4000)),
                };
                self.want(&p, &wide(at.clone()), pattern.span());
                self.want(&a, &wide(pt), expr.span());
                for (v, s) in [(&a, expr.span()), (&p, pattern.span())] {
                    if let V::T(t) = v {
                        if !(t.ty.is_string()
                            || t.ty.is_numeric()
                            || t.ty.is_temporal()
                            || t.ty == SqlType::UniqueIdentifier)
                        {
                            self.error_at(
                                s,
                                format!("LIKE needs a character string, not {}", t.ty),
                            );
                        }
                    }
                }
                if let Some(esc) = escape_char {
                    let v = self.expr(esc);
                    self.want(&v, &SqlType::NVarChar(Length::Bounded(1)), esc.span());
                }
                V::Pred
            }
            Expr::Exists { subquery, .. } => {
                let _ = self.query(subquery);
                V::Pred
            }
            Expr::Subquery(q) => {
                let Some(col) = self.single_column(q, "a scalar subquery") else {
                    return V::Err;
                };
                // A scalar subquery can return no row: always nullable.
                match col.from_param {
                    Some(p) => V::Param(p),
                    None => V::T(col.typed().with_nullable(true)),
                }
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                ..
            } => {
                let try_ = match kind {
                    CastKind::Cast => false,
                    CastKind::TryCast => true,
                    _ => {
                        self.error_at(e.span(), "this cast syntax is not T-SQL");
                        return V::Err;
                    }
                };
                self.cast_to(e, expr, data_type, try_)
            }
            Expr::Convert {
                is_try,
                expr,
                data_type: Some(dt),
                styles,
                ..
            } => {
                for s in styles {
                    let v = self.expr(s);
                    self.want(&v, &SqlType::Int, s.span());
                }
                self.cast_to(e, expr, dt, *is_try)
            }
            Expr::Function(f) => self.function(f),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let op = operand.as_ref().map(|o| (self.expr(o), o.span()));
                for w in conditions {
                    match &op {
                        Some((ov, os)) => {
                            let wv = self.expr(&w.condition);
                            self.compare(ov, *os, &wv, w.condition.span(), w.condition.span());
                        }
                        None => self.condition(&w.condition),
                    }
                }
                let mut results: Vec<(&Expr, V)> = Vec::new();
                for w in conditions {
                    let v = self.expr(&w.result);
                    results.push((&w.result, v));
                }
                if let Some(el) = else_result {
                    let v = self.expr(el);
                    results.push((el, v));
                }
                self.unify_values(Unify::Case, &results, else_result.is_none(), e.span())
            }
            Expr::Collate { expr, .. } => {
                let v = self.expr(expr);
                if let V::T(t) = &v {
                    if !t.ty.is_string() {
                        self.error_at(
                            e.span(),
                            format!("COLLATE applies to character strings, not {}", t.ty),
                        );
                    }
                }
                v
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let t = self.value(timestamp);
                let z = self.expr(time_zone);
                self.want(
                    &z,
                    &SqlType::NVarChar(Length::Bounded(128)),
                    time_zone.span(),
                );
                let Some(t) = t else { return V::Err };
                let p = match t.ty {
                    SqlType::DateTime2(p) | SqlType::DateTimeOffset(p) => p,
                    SqlType::DateTime => 3,
                    SqlType::SmallDateTime => 0,
                    _ => {
                        self.error_at(
                            timestamp.span(),
                            format!("AT TIME ZONE needs a date and time, not {}", t.ty),
                        );
                        return V::Err;
                    }
                };
                V::T(Typed {
                    ty: SqlType::DateTimeOffset(p),
                    nullable: t.nullable,
                })
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args: Vec<&Expr> = vec![expr];
                args.extend(substring_from.as_deref());
                args.extend(substring_for.as_deref());
                self.call_builtin("SUBSTRING", &args, None, e.span())
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                let mut args: Vec<&Expr> = Vec::new();
                args.extend(trim_what.as_deref());
                args.push(expr);
                if let Some(cs) = trim_characters {
                    args.extend(cs.iter());
                }
                self.call_builtin("TRIM", &args, None, e.span())
            }
            Expr::Ceil { expr, .. } => self.call_builtin("CEILING", &[expr], None, e.span()),
            Expr::Floor { expr, .. } => self.call_builtin("FLOOR", &[expr], None, e.span()),
            Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => {
                self.error_at(e.span(), "`*` is not a value here");
                V::Err
            }
            other => {
                self.error_at(
                    other.span(),
                    "this expression is not supported by the analyzer",
                )
                .help = Some("rewrite it, or use query_unchecked! for this statement".into());
                V::Err
            }
        }
    }

    fn parameter(&mut self, name: &str, span: Span) -> V {
        if let Some((_, ty)) = self
            .variables
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            return V::T(Typed::nullable(ty.clone()));
        }
        if !self.allow_params {
            self.error_at(span, format!("`{name}` is not declared here"));
            return V::Err;
        }
        let (off, len) = self.lines.span(span);
        V::Param(self.params.get_or_add(name, off, len))
    }

    fn literal(&mut self, v: &Value, span: Span) -> V {
        match v {
            Value::Number(n, _) => match typing::literal_number(n) {
                Ok(t) => V::T(Typed::not_null(t)),
                Err(e) => {
                    self.typing_error(span, e);
                    V::Err
                }
            },
            Value::SingleQuotedString(s) => V::T(Typed::not_null(typing::literal_string(
                s.chars().count(),
                false,
            ))),
            Value::NationalStringLiteral(s) => V::T(Typed::not_null(typing::literal_string(
                s.chars().count(),
                true,
            ))),
            Value::HexStringLiteral(h) => {
                V::T(Typed::not_null(typing::literal_binary(h.len().div_ceil(2))))
            }
            Value::Null => V::Null,
            Value::Placeholder(p) if p.eq_ignore_ascii_case("$action") => {
                if self.merge_action {
                    V::T(Typed::not_null(SqlType::NVarChar(Length::Bounded(10))))
                } else {
                    self.error_at(span, "`$action` exists only in the OUTPUT clause of MERGE");
                    V::Err
                }
            }
            Value::Placeholder(p) if p.starts_with('@') => self.parameter(p, span),
            Value::Placeholder(p) if p.starts_with('$') => {
                // `$12.50` is a money constant (R17).
                if p[1..].parse::<f64>().is_ok() {
                    V::T(Typed::not_null(SqlType::Money))
                } else {
                    self.error_at(span, format!("`{p}` is not T-SQL"));
                    V::Err
                }
            }
            Value::Boolean(_) => {
                self.error_at(span, "TRUE and FALSE are not T-SQL values")
                    .help = Some("use 1 and 0 (bit)".into());
                V::Err
            }
            other => {
                self.error_at(span, format!("the literal `{other}` is not T-SQL"));
                V::Err
            }
        }
    }

    fn binary(&mut self, whole: &Expr, left: &Expr, op: &BinaryOperator, right: &Expr) -> V {
        if matches!(op, BinaryOperator::And | BinaryOperator::Or) {
            self.condition(left);
            self.condition(right);
            return V::Pred;
        }
        let a = self.expr(left);
        let b = self.expr(right);
        if is_comparison(op) {
            self.compare(&a, left.span(), &b, right.span(), whole.span());
            return V::Pred;
        }
        let Some(aop) = arith_op(op) else {
            self.error_at(whole.span(), format!("the operator `{op}` is not T-SQL"));
            return V::Err;
        };
        // A parameter takes the other operand's type (sp_describe_undeclared_parameters'
        // simple deduction).
        // A string operand is concatenated: the parameter may be longer than it, so
        // it takes the widest string of that kind.
        let wide = |t: &SqlType| {
            if t.is_unicode() {
                SqlType::NVarChar(Length::Bounded(4000))
            } else if t.is_string() {
                SqlType::VarChar(Length::Bounded(8000))
            } else {
                t.clone()
            }
        };
        match (&a, &b) {
            (V::Param(_), V::T(t)) => self.want(&a, &wide(&t.ty), left.span()),
            (V::T(t), V::Param(_)) => self.want(&b, &wide(&t.ty), right.span()),
            _ => {}
        }
        if matches!((&a, &b), (V::Err, _) | (_, V::Err)) {
            return V::Err;
        }
        if matches!(a, V::Null) || matches!(b, V::Null) {
            // Arithmetic with NULL is NULL; type it as the other side.
            let other = if matches!(a, V::Null) { &b } else { &a };
            let t = self.typed(other, whole.span());
            return match t {
                Some(t) => V::T(t.with_nullable(true)),
                None => V::Err,
            };
        }
        let (Some(x), Some(y)) = (self.typed(&a, left.span()), self.typed(&b, right.span())) else {
            return V::Err;
        };
        match typing::binary_arith(aop, &x, &y) {
            Ok(t) => V::T(t),
            Err(err) => {
                self.typing_error(whole.span(), err);
                V::Err
            }
        }
    }

    fn cast_to(
        &mut self,
        whole: &Expr,
        inner: &Expr,
        dt: &sqlparser::ast::DataType,
        try_: bool,
    ) -> V {
        let target = match typing::cast_target(dt) {
            Ok(t) => t,
            Err(err) => {
                let _ = self.expr(inner);
                self.typing_error(whole.span(), err);
                return V::Err;
            }
        };
        let v = self.expr(inner);
        match &v {
            V::Param(_) => {
                self.want(&v, &target, inner.span());
                V::T(Typed {
                    ty: target,
                    nullable: true,
                })
            }
            V::Null => V::T(Typed::nullable(target)),
            V::Err => V::Err,
            _ => {
                let Some(t) = self.typed(&v, inner.span()) else {
                    return V::Err;
                };
                match typing::cast(&t, target, try_) {
                    Ok(t) => V::T(t),
                    Err(err) => {
                        self.typing_error(whole.span(), err);
                        V::Err
                    }
                }
            }
        }
    }

    /// Unifies CASE / IIF results; unbound parameters take the unified type.
    pub(super) fn unify_values(
        &mut self,
        ctx: Unify,
        items: &[(&Expr, V)],
        implicit_null: bool,
        span: Span,
    ) -> V {
        let mut args = Vec::new();
        for (_, v) in items {
            match v {
                V::Err => return V::Err,
                V::Null => args.push(FnArg::Null),
                V::Param(i) => {
                    if let Some(t) = self.params.ty(*i) {
                        args.push(FnArg::Expr(Typed::nullable(t)));
                    }
                }
                V::Pred => {
                    let _ = self.typed(v, span);
                    return V::Err;
                }
                V::T(t) => args.push(FnArg::Expr(t.clone())),
            }
        }
        if implicit_null {
            args.push(FnArg::Null);
        }
        if !args.iter().any(|a| matches!(a, FnArg::Expr(_))) {
            // Only parameters (and NULLs): nothing decides the type.
            return items
                .iter()
                .find(|(_, v)| matches!(v, V::Param(_)))
                .map(|(_, v)| v.clone())
                .unwrap_or(V::T(Typed::nullable(SqlType::Int)));
        }
        match typing::unify_args(ctx, &args) {
            Ok(t) => {
                for (e, v) in items {
                    self.want(v, &t.ty, e.span());
                }
                V::T(t)
            }
            Err(err) => {
                self.typing_error(span, err);
                V::Err
            }
        }
    }
}

/// An expression's text for matching against GROUP BY expressions: SQL Server compares
/// them as expressions, so `Left([Model], 1)` and `LEFT(Model,1)` are one.
pub(crate) fn group_text(e: &Expr) -> String {
    e.to_string()
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}
