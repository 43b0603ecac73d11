//! `EXEC` of a stored procedure of the snapshot.
//!
//! The procedure must exist; its arguments are checked against its parameters —
//! positional ones first, then `@name = value` ones, each known, none twice, every
//! parameter without a default given — and a query parameter passed as an argument
//! takes the procedure parameter's type.
//!
//! A procedure's result set cannot be known offline (its body may return anything,
//! or several sets), so the description says `result_known: false` and the macros
//! require the caller to name the row type.

use mssqlx_offline::ObjectName;
use sqlparser::ast::{BinaryOperator, Expr, Spanned, Statement};

use super::error::{did_you_mean, qualified_names};
use super::{Analyzer, Output, StatementKind};

impl<'a> Analyzer<'a> {
    pub(crate) fn exec(
        &mut self,
        stmt: &Statement,
        name: Option<&sqlparser::ast::ObjectName>,
        args: &[Expr],
    ) -> Option<Output> {
        let Some(name) = name else {
            self.error_at(
                stmt.span(),
                "EXEC of a string (dynamic SQL) cannot be checked",
            )
            .help = Some("call a procedure by name, or use query_unchecked!".into());
            return None;
        };
        let parts = self.split_name(name)?;
        let (db, _) = self.database_of(parts.database, name.span())?;
        let Some((s, n, proc_)) = db.procedure(parts.schema, parts.name) else {
            let all = qualified_names(db, |s| s.procedures.keys());
            let written = name.to_string();
            let suggestion = did_you_mean(&written, all.iter().map(String::as_str)).or_else(|| {
                did_you_mean(
                    parts.name,
                    db.schemas
                        .values()
                        .flat_map(|sc| sc.procedures.keys().map(String::as_str)),
                )
            });
            self.error_at(name.span(), format!("unknown procedure `{written}`"))
                .suggestion = suggestion;
            return None;
        };
        let obj = ObjectName::new(s, n);
        self.touch(None, &obj);
        let params = &proc_.parameters;
        let mut given = vec![false; params.len()];
        let mut named_seen = false;
        for (i, a) in args.iter().enumerate() {
            let (pi, value) = match a {
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::Eq,
                    right,
                } if matches!(left.as_ref(), Expr::Identifier(id) if id.value.starts_with('@')) => {
                    named_seen = true;
                    let Expr::Identifier(id) = left.as_ref() else {
                        continue;
                    };
                    match params
                        .iter()
                        .position(|p| p.name.eq_ignore_ascii_case(&id.value))
                    {
                        Some(pi) => (pi, right.as_ref()),
                        None => {
                            let s = did_you_mean(&id.value, params.iter().map(|p| p.name.as_str()));
                            self.error_at(
                                id.span,
                                format!("`{obj}` has no parameter `{}`", id.value),
                            )
                            .suggestion = s;
                            continue;
                        }
                    }
                }
                other => {
                    if named_seen {
                        self.error_at(
                            other.span(),
                            "a positional argument cannot follow named ones",
                        );
                        continue;
                    }
                    if i >= params.len() {
                        self.error_at(
                            other.span(),
                            format!("`{obj}` takes {} arguments", params.len()),
                        );
                        continue;
                    }
                    (i, other)
                }
            };
            if given[pi] {
                self.error_at(
                    value.span(),
                    format!("parameter `{}` is given twice", params[pi].name),
                );
            }
            given[pi] = true;
            let p = &params[pi];
            let is_default = matches!(value, Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT"));
            if is_default {
                if p.default.is_none() {
                    self.error_at(
                        value.span(),
                        format!("parameter `{}` has no default", p.name),
                    );
                }
                continue;
            }
            let v = self.expr(value);
            match &p.ty {
                Some(ty) => self.assignable(&v, ty, false, value.span(), &p.name),
                None => {
                    self.error_at(
                        value.span(),
                        format!(
                            "`{}` is a table-valued parameter; it cannot be passed from a query",
                            p.name
                        ),
                    );
                }
            }
        }
        for (p, g) in params.iter().zip(&given) {
            if !g && p.default.is_none() && !p.output {
                self.error_at(name.span(), format!("`{obj}` needs parameter `{}`", p.name))
                    .help = p.ty.as_ref().map(|t| format!("pass `{} = <{t}>`", p.name));
            }
        }
        Some(Output {
            kind: StatementKind::Exec,
            columns: Vec::new(),
            result_known: false,
        })
    }
}
