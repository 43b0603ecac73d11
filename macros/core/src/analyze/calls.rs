//! Function calls, typed: built-ins through [`crate::typing`]'s function catalog,
//! `IIF`, user-defined scalar functions of the snapshot (three-part names included),
//! `NEXT VALUE FOR` a sequence, and methods of CLR-typed and xml values.
//!
//! ```text
//! DATEADD(day, 1, o.OrderDate)        -- datepart keyword, then typed arguments
//! dbo.Discount(o.Total)               -- the snapshot's function: its parameters, its type
//! e.OrganizationNode.GetLevel()       -- hierarchyid method: smallint
//! ```

use mssqlx_offline::{Length, SqlType};
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned, Value, WindowType,
};
use sqlparser::tokenizer::Span;

use super::error::qualified_names;
use super::expr::V;
use super::params::{arg_rule, ArgRule};
use super::scope::ident_span;
use super::Analyzer;
use crate::typing::{self, FnArg, FnContext, Typed, Unify};

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

/// An unquoted word that is not a variable: a datepart keyword such as `day`.
fn bare_word(e: &Expr) -> Option<&str> {
    match e {
        Expr::Identifier(i) if i.quote_style.is_none() && !i.value.starts_with('@') => {
            Some(&i.value)
        }
        _ => None,
    }
}

impl<'a> Analyzer<'a> {
    /// A function call: a built-in by name, else a schema-qualified user function or a
    /// method on a column.
    pub(super) fn function(&mut self, f: &Function) -> V {
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
    pub(super) fn call_builtin(
        &mut self,
        name: &str,
        args: &[&Expr],
        f: Option<&Function>,
        span: Span,
    ) -> V {
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
        let names = qualified_names(database, |s| s.functions.keys());
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
                let all = qualified_names(self.db, |s| s.sequences.keys());
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
