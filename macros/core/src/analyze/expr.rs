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

use mssqlx_offline::{Length, SqlType};
use sqlparser::ast::{
    BinaryOperator, CastKind, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    Spanned, UnaryOperator, Value, WindowType,
};
use sqlparser::tokenizer::Span;

use super::params::{arg_rule, ArgRule};
use super::scope::{ident_span, Col};
use super::Analyzer;
use crate::typing::{self, ArithOp, FnArg, FnContext, Typed, TypingError, Unify};

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

/// Functions whose first argument is a datepart keyword.
const DATEPART_FUNCTIONS: &[&str] = &[
    "DATEADD",
    "DATEDIFF",
    "DATEDIFF_BIG",
    "DATEPART",
    "DATENAME",
    "DATETRUNC",
    "DATE_BUCKET",
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

fn bare_word(e: &Expr) -> Option<&str> {
    match e {
        Expr::Identifier(i) if i.quote_style.is_none() && !i.value.starts_with('@') => {
            Some(&i.value)
        }
        _ => None,
    }
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
    fn unify_values(
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

    fn function(&mut self, f: &Function) -> V {
        let parts = super::scope::name_parts(&f.name);
        let span = f.span();
        let args: &[FunctionArg] = match &f.args {
            FunctionArguments::None => &[],
            FunctionArguments::List(l) => &l.args,
            FunctionArguments::Subquery(q) => {
                self.error_at(
                    q.span(),
                    "a function argument cannot be a bare subquery here",
                );
                return V::Err;
            }
        };
        if parts.len() >= 2 {
            return self.user_function(f, &parts, args, span);
        }
        let Some(name) = parts.first().map(|i| i.value.to_ascii_uppercase()) else {
            return V::Err;
        };
        let mut exprs: Vec<&Expr> = Vec::new();
        let mut star = false;
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(e),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                _ => {
                    self.error_at(span, format!("this argument form is not T-SQL for {name}"));
                    return V::Err;
                }
            }
        }
        if name == "CONTAINS" || name == "FREETEXT" {
            // Full-text predicates: a column (list) and a search condition.
            for (i, a) in args.iter().enumerate() {
                if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                    let v = self.expr(e);
                    if i > 0 {
                        self.want(&v, &SqlType::NVarChar(Length::Bounded(4000)), e.span());
                    }
                }
            }
            return V::Pred;
        }
        if name == super::NEXT_VALUE_FOR {
            return self.next_value_for(&exprs, span);
        }
        if name == "IIF" {
            if exprs.len() != 3 {
                self.error_at(
                    span,
                    "IIF takes three arguments: a condition and two values",
                );
                return V::Err;
            }
            self.condition(exprs[0]);
            let a = self.expr(exprs[1]);
            let b = self.expr(exprs[2]);
            return self.unify_values(Unify::Iif, &[(exprs[1], a), (exprs[2], b)], false, span);
        }
        self.call(&name, &exprs, star, Some(f), span)
    }

    /// A built-in called through special syntax (`SUBSTRING(x FROM ...)`, `TRIM`, ...).
    fn call_builtin(&mut self, name: &str, args: &[&Expr], f: Option<&Function>, span: Span) -> V {
        self.call(name, args, false, f, span)
    }

    fn call(
        &mut self,
        name: &str,
        args: &[&Expr],
        star: bool,
        f: Option<&Function>,
        span: Span,
    ) -> V {
        let over = f.and_then(|f| f.over.as_ref());
        let aggregate = typing::is_aggregate(name) && over.is_none();
        if aggregate {
            let fr = self.frame();
            if fr.agg_depth > 0 {
                self.error_at(span, "an aggregate cannot contain another aggregate or a subquery-free nested aggregate");
                return V::Err;
            }
            fr.agg_depth += 1;
            fr.agg_seen = true;
        }
        let mut vals: Vec<(V, Span)> = Vec::with_capacity(args.len());
        let mut fn_args: Vec<FnArg> = Vec::with_capacity(args.len() + 1);
        if star {
            fn_args.push(FnArg::Star);
        }
        for (i, a) in args.iter().enumerate() {
            if i == 0 && DATEPART_FUNCTIONS.contains(&name) {
                if let Some(w) = bare_word(a) {
                    vals.push((V::Err, a.span()));
                    fn_args.push(FnArg::Keyword(w.to_string()));
                    continue;
                }
            }
            let v = self.expr(a);
            vals.push((v, a.span()));
            fn_args.push(FnArg::Null);
        }
        // `PERCENTILE_DISC(f) WITHIN GROUP (ORDER BY expr)` returns expr's type: the
        // ordering expression is the function's last argument for typing.
        let mut within: Option<(V, Span)> = None;
        if let Some(f) = f {
            for (k, o) in f.within_group.iter().enumerate() {
                let v = self.expr(&o.expr);
                if k == 0 {
                    within = Some((v, o.expr.span()));
                }
            }
        }
        if aggregate {
            self.frame().agg_depth -= 1;
        }
        if let Some(WindowType::WindowSpec(spec)) = over {
            for p in &spec.partition_by {
                let _ = self.expr(p);
            }
            for o in &spec.order_by {
                let _ = self.expr(&o.expr);
            }
        }
        // Parameters: typed by the function's signature or by the other arguments.
        let same = vals.iter().find_map(|(v, _)| match v {
            V::T(t) => Some(t.ty.clone()),
            V::Param(i) => self.params.ty(*i),
            _ => None,
        });
        for (i, (v, s)) in vals.iter().enumerate() {
            if let V::Param(p) = v {
                if self.params.ty(*p).is_some() {
                    continue;
                }
                let ty = match arg_rule(name, i) {
                    ArgRule::Type(t) => Some(t),
                    ArgRule::Same => same.clone(),
                };
                match ty {
                    Some(t) => self.want(v, &t, *s),
                    None => {
                        let (off, len) = self.lines.span(*s);
                        self.params.note_unknown(*p, off, len);
                    }
                }
            }
        }
        let mut broken = false;
        let offset = usize::from(star);
        for (i, (v, s)) in vals.iter().enumerate() {
            if matches!(fn_args[i + offset], FnArg::Keyword(_)) {
                continue;
            }
            fn_args[i + offset] = match v {
                V::Null => FnArg::Null,
                V::Err => {
                    broken = true;
                    FnArg::Null
                }
                other => match self.typed(other, *s) {
                    Some(t) => FnArg::Expr(t),
                    None => {
                        broken = true;
                        FnArg::Null
                    }
                },
            };
        }
        if let Some((v, s)) = within {
            match v {
                V::Null => fn_args.push(FnArg::Null),
                V::Err => broken = true,
                other => match self.typed(&other, s) {
                    Some(t) => fn_args.push(FnArg::Expr(t)),
                    None => broken = true,
                },
            }
        }
        if broken {
            return V::Err;
        }
        // An aggregate runs over a non-empty group only under a plain GROUP BY: the
        // grand-total grouping set of ROLLUP / CUBE also exists over no rows.
        let grouped = self.frames.last().is_some_and(|f| {
            f.grouping
                .as_ref()
                .is_some_and(|g| !g.rollup && (!g.keys.is_empty() || !g.exprs.is_empty()))
        });
        let ctx = FnContext {
            grouped,
            windowed: over.is_some(),
        };
        let result = match over {
            Some(w) => typing::function_in_frame(name, &fn_args, &ctx, typing::Frame::of(w)),
            None => typing::function(name, &fn_args, &ctx),
        };
        match result {
            Ok(t) => V::T(t),
            Err(err) => {
                let known: Vec<&str> = typing::function_names().collect();
                let suggestion = if known.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                    None
                } else {
                    super::error::did_you_mean(name, known.iter().copied())
                };
                let (off, len) = self.lines.span(span);
                let mut e =
                    super::AnalyzeError::new(err.message, off, len).with_suggestion(suggestion);
                e.help = err.help;
                self.errors.push(e);
                V::Err
            }
        }
    }

    /// `schema.fn(args)`: a scalar user-defined function of the snapshot, or a method
    /// call on a column (`OrganizationNode.GetLevel()`); `parts` are the name's
    /// identifiers (two or more).
    fn user_function(
        &mut self,
        f: &Function,
        parts: &[&sqlparser::ast::Ident],
        args: &[FunctionArg],
        span: Span,
    ) -> V {
        // A method on a CLR-typed or xml column: `col.GetLevel()`, `t.Doc.value(...)`.
        if let Some((method, col)) = parts.split_last() {
            let col_parts: Vec<sqlparser::ast::Ident> = col.iter().map(|i| (*i).clone()).collect();
            if let Some(t) = self.clr_column(&col_parts) {
                return self.method_call(&t, &method.value, args, span);
            }
        }
        let (db, db_span, schema, name) = match parts {
            [s, n] => (
                None,
                Span::empty(),
                Some(s.value.as_str()),
                n.value.as_str(),
            ),
            [d, s, n] => (
                Some(d.value.as_str()),
                d.span,
                Some(s.value.as_str()),
                n.value.as_str(),
            ),
            _ => {
                self.error_at(span, "this function name has too many parts");
                return V::Err;
            }
        };
        let Some((database, _)) = self.database_of(db, db_span) else {
            return V::Err;
        };
        if let Some((s, n, func)) = database.function(schema, name) {
            let obj = mssqlx_offline::ObjectName::new(s, n);
            let returns = func.returns.clone();
            let params = func.parameters.clone();
            self.call_arguments(&obj, &params, args, span);
            return match returns {
                mssqlx_offline::FunctionReturns::Scalar { ty } => V::T(Typed::nullable(ty)),
                _ => {
                    self.error_at(
                        span,
                        format!("`{obj}` is a table-valued function; use it in FROM"),
                    );
                    V::Err
                }
            };
        }
        let names: Vec<String> = database
            .schemas
            .iter()
            .flat_map(|(s, sc)| sc.functions.keys().map(move |k| format!("{s}.{k}")))
            .collect();
        let written = f.name.to_string();
        let suggestion = super::error::did_you_mean(&written, names.iter().map(String::as_str));
        self.error_at(
            ident_span(parts.iter().copied()),
            format!("unknown function `{written}`"),
        )
        .suggestion = suggestion;
        V::Err
    }

    /// `NEXT VALUE FOR seq`: the sequence's type, never NULL.
    fn next_value_for(&mut self, args: &[&Expr], span: Span) -> V {
        let idents: Vec<&sqlparser::ast::Ident> = match args {
            [Expr::Identifier(i)] => vec![i],
            [Expr::CompoundIdentifier(ids)] => ids.iter().collect(),
            _ => {
                self.error_at(span, "NEXT VALUE FOR needs a sequence name");
                return V::Err;
            }
        };
        let (schema, name) = match idents.as_slice() {
            [n] => (None, n.value.as_str()),
            [s, n] => (Some(s.value.as_str()), n.value.as_str()),
            _ => {
                self.error_at(span, "NEXT VALUE FOR takes a sequence of this database");
                return V::Err;
            }
        };
        match self.db.sequence(schema, name) {
            Some((_, _, seq)) => V::T(Typed::not_null(seq.ty.clone())),
            None => {
                let all: Vec<String> = self
                    .db
                    .schemas
                    .iter()
                    .flat_map(|(s, sc)| sc.sequences.keys().map(move |k| format!("{s}.{k}")))
                    .collect();
                let written = idents
                    .iter()
                    .map(|i| i.value.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                let suggestion =
                    super::error::did_you_mean(&written, all.iter().map(String::as_str));
                let span = ident_span(idents.iter().copied());
                self.error_at(span, format!("unknown sequence `{written}`"))
                    .suggestion = suggestion;
                V::Err
            }
        }
    }

    /// A method call on a CLR-typed or xml value.
    fn method_call(&mut self, t: &Typed, name: &str, args: &[FunctionArg], span: Span) -> V {
        let mut exprs = Vec::new();
        for a in args {
            if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                exprs.push(e);
                let _ = self.expr(e);
            }
        }
        let m = name.to_ascii_uppercase();
        let geo = matches!(t.ty, SqlType::Geography | SqlType::Geometry);
        let ty = match (&t.ty, m.as_str()) {
            (SqlType::HierarchyId, "GETLEVEL") => SqlType::SmallInt,
            (SqlType::HierarchyId, "TOSTRING") => SqlType::NVarChar(Length::Bounded(4000)),
            (SqlType::HierarchyId, "ISDESCENDANTOF") => SqlType::Bit,
            (SqlType::HierarchyId, "GETANCESTOR" | "GETDESCENDANT" | "GETREPARENTEDVALUE") => {
                SqlType::HierarchyId
            }
            (_, "STASTEXT" | "TOSTRING") if geo => SqlType::NVarChar(Length::Max),
            (_, "STASBINARY") if geo => SqlType::VarBinary(Length::Max),
            (_, "STGEOMETRYTYPE") if geo => SqlType::NVarChar(Length::Bounded(4000)),
            (_, "STDISTANCE" | "STAREA" | "STLENGTH") if geo => SqlType::Float,
            (_, "STNUMPOINTS" | "STDIMENSION") if geo => SqlType::Int,
            (_, "STINTERSECTS" | "STCONTAINS" | "STEQUALS" | "STWITHIN") if geo => SqlType::Bit,
            (SqlType::Xml, "VALUE") => {
                // `x.value('xpath', 'nvarchar(50)')`: the type is the second argument.
                let text = match exprs.get(1) {
                    Some(Expr::Value(v)) => match &v.value {
                        Value::SingleQuotedString(s) | Value::NationalStringLiteral(s) => {
                            Some(s.clone())
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let Some(text) = text else {
                    self.error_at(span, "xml value() takes an XQuery and a type name literal");
                    return V::Err;
                };
                match text.parse::<SqlType>() {
                    Ok(t) => t,
                    Err(e) => {
                        self.error_at(exprs[1].span(), format!("xml value(): {e}"));
                        return V::Err;
                    }
                }
            }
            (SqlType::Xml, "EXIST") => SqlType::Bit,
            (SqlType::Xml, "QUERY") => SqlType::Xml,
            _ => {
                self.error_at(span, format!("unknown method `{name}` of a {} value", t.ty));
                return V::Err;
            }
        };
        V::T(Typed::nullable(ty))
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
