//! Table-valued functions in FROM: the snapshot's own (`dbo.Fn(args)`, typed from
//! their declared columns or, for an inline function, from its SELECT), the built-in
//! ones (`STRING_SPLIT`, `GENERATE_SERIES`), `OPENJSON` without `WITH`, and an xml
//! column's `nodes()`.
//!
//! ```text
//! SELECT s.value FROM STRING_SPLIT(@list, ',') AS s   -- @list: nvarchar(max)
//! CROSS APPLY d.Doc.nodes('/order/line') AS x(node)  -- one xml column, node
//! ```

use mssqlx_offline::{FunctionReturns, ObjectName, SqlType};
use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, Ident, Spanned};
use sqlparser::tokenizer::Span;

use super::error::{did_you_mean, qualified_names};
use super::expr::V;
use super::scope::{name_parts, Col, Source};
use super::Analyzer;
use crate::typing::{self, Typed};

impl<'a> Analyzer<'a> {
    /// A table-valued function in FROM: `dbo.Fn(args)` or `OPENJSON(...)` without WITH.
    pub(super) fn table_function(
        &mut self,
        name: &sqlparser::ast::ObjectName,
        args: &[FunctionArg],
    ) -> Option<Source> {
        let span = name.span();
        // `CROSS APPLY t.XmlCol.nodes('...') AS x(node)`: one xml column per node.
        let parts = name_parts(name);
        let nodes = parts
            .split_last()
            .filter(|(last, _)| last.value.eq_ignore_ascii_case("nodes"));
        if let Some((_, column)) = nodes {
            let column: Vec<Ident> = column.iter().map(|i| (*i).clone()).collect();
            if self
                .clr_column(&column)
                .is_some_and(|t| t.ty == SqlType::Xml)
            {
                for a in args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                        let _ = self.expr(e);
                    }
                }
                let id = self.next_id();
                return Some(Source {
                    name: "nodes".into(),
                    schema: None,
                    table: None,
                    cols: vec![Col::new("node", Typed::not_null(SqlType::Xml))],
                    id,
                });
            }
        }
        let parts = self.split_name(name)?;
        if parts.schema.is_none() && parts.database.is_none() {
            if let Some(src) = self.builtin_table_function(parts.name, args, span) {
                return src;
            }
        }
        if parts.schema.is_none() && parts.name.eq_ignore_ascii_case("OPENJSON") {
            for a in args {
                if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                    let v = self.expr(e);
                    self.want(
                        &v,
                        &SqlType::NVarChar(mssqlx_offline::Length::Max),
                        e.span(),
                    );
                }
            }
            let id = self.next_id();
            return Some(Source {
                name: "OPENJSON".into(),
                schema: None,
                table: None,
                cols: typing::openjson_default_columns()
                    .into_iter()
                    .map(|(n, t)| Col::new(n, t))
                    .collect(),
                id,
            });
        }
        let (db, db_alias) = self.database_of(parts.database, parts.database_span)?;
        let Some((s, n, f)) = db.function(parts.schema, parts.name) else {
            let names = qualified_names(db, |s| s.functions.keys());
            let suggestion = did_you_mean(&name.to_string(), names.iter().map(String::as_str));
            self.error_at(span, format!("unknown table-valued function `{name}`"))
                .suggestion = suggestion;
            return None;
        };
        let obj = ObjectName::new(s, n);
        self.touch(db_alias.as_deref(), &obj);
        self.call_arguments(&obj, &f.parameters, args, span);
        let cols = match &f.returns {
            FunctionReturns::Scalar { .. } => {
                self.error_at(span, format!("`{obj}` is a scalar function, not a table"));
                return None;
            }
            FunctionReturns::Table { columns } => {
                columns.iter().map(|c| Col::of_column(c, &obj)).collect()
            }
            FunctionReturns::InlineTable { definition } => {
                let vars: Vec<(String, SqlType)> = f
                    .parameters
                    .iter()
                    .filter_map(|p| Some((p.name.clone(), p.ty.clone()?)))
                    .collect();
                let key = format!("{}:{obj}()", db_alias.as_deref().unwrap_or(""));
                self.typed_definition(db, key, &obj, definition, &[], vars, span)?
            }
        };
        let id = self.next_id();
        Some(Source {
            name: n.to_string(),
            schema: Some(s.to_string()),
            table: None,
            cols,
            id,
        })
    }

    /// `STRING_SPLIT(s, sep [, 1])` and `GENERATE_SERIES(start, stop [, step])`;
    /// `None` for other names. The outer `Option` is `Some` when the name is one of them.
    fn builtin_table_function(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        span: Span,
    ) -> Option<Option<Source>> {
        let upper = name.to_ascii_uppercase();
        if upper != "STRING_SPLIT" && upper != "GENERATE_SERIES" {
            return None;
        }
        let mut vals = Vec::new();
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    vals.push((self.expr(e), e.span()))
                }
                _ => {
                    self.error_at(span, format!("{upper} takes plain arguments"));
                    return Some(None);
                }
            }
        }
        let cols = if upper == "STRING_SPLIT" {
            if !(2..=3).contains(&vals.len()) {
                self.error_at(
                    span,
                    "STRING_SPLIT takes a string, a separator and an optional enable_ordinal",
                );
                return Some(None);
            }
            let list = SqlType::NVarChar(mssqlx_offline::Length::Max);
            self.want(&vals[0].0, &list, vals[0].1);
            self.want(
                &vals[1].0,
                &SqlType::NVarChar(mssqlx_offline::Length::Bounded(1)),
                vals[1].1,
            );
            let value_ty = match &vals[0].0 {
                V::T(t) if t.ty.is_string() => match &t.ty {
                    SqlType::Char(n) | SqlType::VarChar(mssqlx_offline::Length::Bounded(n)) => {
                        SqlType::VarChar(mssqlx_offline::Length::Bounded(*n))
                    }
                    SqlType::NChar(n) | SqlType::NVarChar(mssqlx_offline::Length::Bounded(n)) => {
                        SqlType::NVarChar(mssqlx_offline::Length::Bounded(*n))
                    }
                    t if t.is_unicode() => SqlType::NVarChar(mssqlx_offline::Length::Max),
                    _ => SqlType::VarChar(mssqlx_offline::Length::Max),
                },
                _ => list,
            };
            let mut cols = vec![Col::new("value", Typed::not_null(value_ty))];
            if let Some((v, s)) = vals.get(2) {
                self.want(v, &SqlType::Int, *s);
                cols.push(Col::new("ordinal", Typed::not_null(SqlType::BigInt)));
            }
            cols
        } else {
            if !(2..=3).contains(&vals.len()) {
                self.error_at(
                    span,
                    "GENERATE_SERIES takes a start, a stop and an optional step",
                );
                return Some(None);
            }
            let ty = vals
                .iter()
                .find_map(|(v, _)| match v {
                    V::T(t) => Some(t.ty.clone()),
                    _ => None,
                })
                .unwrap_or(SqlType::Int);
            for (v, s) in &vals {
                self.want(v, &ty, *s);
            }
            vec![Col::new("value", Typed::not_null(ty))]
        };
        let id = self.next_id();
        Some(Some(Source {
            name: upper,
            schema: None,
            table: None,
            cols,
            id,
        }))
    }

    /// Checks a call's arguments against a signature and binds parameters.
    pub(crate) fn call_arguments(
        &mut self,
        obj: &ObjectName,
        params: &[mssqlx_offline::Parameter],
        args: &[FunctionArg],
        span: Span,
    ) {
        if args.len() > params.len() {
            self.error_at(
                span,
                format!(
                    "`{obj}` takes {} arguments but {} were given",
                    params.len(),
                    args.len()
                ),
            );
        }
        for (i, a) in args.iter().enumerate() {
            let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a else {
                self.error_at(span, "named arguments are not T-SQL for functions");
                continue;
            };
            let is_default = matches!(e, Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT"));
            if is_default {
                if params.get(i).is_some_and(|p| p.default.is_none()) {
                    self.error_at(
                        e.span(),
                        format!("parameter {} of `{obj}` has no default", params[i].name),
                    );
                }
                continue;
            }
            let v = self.expr(e);
            if let Some(ty) = params.get(i).and_then(|p| p.ty.clone()) {
                self.assignable(&v, &ty, false, e.span(), &params[i].name);
            }
        }
        if args.len() < params.len() {
            self.error_at(
                span,
                format!(
                    "`{obj}` takes {} arguments but {} were given (write DEFAULT for a parameter with a default)",
                    params.len(),
                    args.len()
                ),
            );
        }
    }
}
