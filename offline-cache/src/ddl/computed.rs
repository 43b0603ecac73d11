//! Typing a computed column from its expression, where DDL alone says enough.
//!
//! SQL Server types a computed column from its expression; a script states only the
//! expression. The importer types the forms whose type is certain, using sqlparser's
//! expression parser and SQL Server's documented rules:
//!
//! - `CAST(x AS t)`, `CONVERT(t, x)`, `TRY_CAST` / `TRY_CONVERT`: `t` (`varchar` without a
//!   length is `varchar(30)` there);
//! - `ISNULL(a, b)`: the type of `a`;
//! - a column of the same table; an integer literal, an `N'...'` literal, an ASCII `'...'`
//!   literal (other characters' byte length depends on the code page);
//! - `JSON_QUERY(...)`: `nvarchar(max)`; `JSON_VALUE(...)`: `nvarchar(4000)`;
//! - string `+` and `CONCAT(...)` over `varchar` / `nvarchar` operands: the summed
//!   length, when it stays within 8000 bytes (or either side is `max`);
//! - `+`, `-`, `*` over integer types (the higher of the two), `money` with `money` or
//!   an integer (`money`);
//! - `CASE` whose every branch has the same type;
//! - `hierarchyid`'s `col.GetLevel()`: `smallint`; a scalar function created earlier
//!   in the scripts: its declared return type.
//!
//! Anything else (decimal arithmetic, most built-in functions) is left to the analyzer:
//! the column's `computed.untyped` is set, its `type` is the placeholder `sql_variant`,
//! and the analyzer types `computed.expression` against the table. The importer never
//! guesses.
//!
//! Nullability follows SQL Server's catalog: a computed column is nullable, except
//! `ISNULL(expr, literal)` with a non-NULL literal (and an explicit `PERSISTED NOT NULL`).

use sqlparser::ast::{
    BinaryOperator, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    ObjectNamePart, Value,
};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::model::{Column, Database, FunctionReturns};
use crate::types::{Length, SqlType};

/// What the importer could tell about an expression.
pub(crate) struct Typed {
    /// Its type, when certain.
    pub ty: Option<SqlType>,
    /// True when it can never be NULL as SQL Server's catalog sees it.
    pub not_null: bool,
}

/// Types `text` (a computed column's expression) against the table's `columns`.
pub(crate) fn type_expression(text: &str, columns: &[Column], db: &Database) -> Typed {
    let dialect = MsSqlDialect {};
    let expr = Parser::new(&dialect).try_with_sql(text).and_then(|mut p| {
        let e = p.parse_expr()?;
        // The whole text must be one expression.
        if p.peek_token().token != Token::EOF {
            return Err(sqlparser::parser::ParserError::ParserError(
                "trailing tokens".into(),
            ));
        }
        Ok(e)
    });
    let Ok(expr) = expr else {
        return Typed {
            ty: None,
            not_null: false,
        };
    };
    let env = Env { columns, db };
    Typed {
        ty: env.ty(&expr, 0),
        not_null: env.isnull_with_literal(&expr),
    }
}

/// The columns a `CHECK` condition tests with `ISJSON(col)`.
pub(crate) fn isjson_columns(check: &str) -> Vec<String> {
    let Ok(toks) = super::tokens::tokenize(check, 1) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for w in toks.windows(4) {
        if super::tokens::is_kw(&w[0].token, "ISJSON")
            && w[1].token == Token::LParen
            && w[3].token == Token::RParen
        {
            if let Token::Word(col) = &w[2].token {
                out.push(col.value.clone());
            }
        }
    }
    out
}

struct Env<'a> {
    columns: &'a [Column],
    db: &'a Database,
}

/// Deep enough for any real expression; guards hostile input.
const MAX_DEPTH: usize = 64;

impl Env<'_> {
    fn isnull_with_literal(&self, e: &Expr) -> bool {
        match e {
            Expr::Nested(inner) => self.isnull_with_literal(inner),
            Expr::Function(f) => {
                let args = args(f);
                last_name(&f.name).eq_ignore_ascii_case("isnull")
                    && args.len() == 2
                    && matches!(strip_nested(args[1]), Expr::Value(v) if !matches!(v.value, Value::Null))
            }
            _ => false,
        }
    }

    fn column(&self, name: &str) -> Option<SqlType> {
        let c = self
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))?;
        match &c.computed {
            Some(cc) if cc.untyped => None,
            _ => Some(c.ty.clone()),
        }
    }

    fn ty(&self, e: &Expr, depth: usize) -> Option<SqlType> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match e {
            Expr::Nested(inner) => self.ty(inner, d),
            Expr::Identifier(id) => self.column(&id.value),
            Expr::Value(v) => literal_type(&v.value),
            Expr::Cast { data_type, .. } => sql_type(data_type),
            Expr::Convert {
                data_type: Some(dt),
                ..
            } => sql_type(dt),
            Expr::Function(f) => self.function(f, d),
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (self.ty(left, d)?, self.ty(right, d)?);
                match op {
                    BinaryOperator::Plus if l.is_string() || r.is_string() => concat(&[l, r]),
                    BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply => {
                        arithmetic(&l, &r)
                    }
                    _ => None,
                }
            }
            Expr::Case {
                conditions,
                else_result,
                ..
            } => {
                let mut types = conditions.iter().map(|c| self.ty(&c.result, d));
                let first = types.next()??;
                for t in types {
                    if t? != first {
                        return None;
                    }
                }
                if let Some(e) = else_result {
                    if self.ty(e, d)? != first {
                        return None;
                    }
                }
                Some(first)
            }
            _ => None,
        }
    }

    fn function(&self, f: &sqlparser::ast::Function, d: usize) -> Option<SqlType> {
        let args = args(f);
        let parts: Vec<String> = f
            .name
            .0
            .iter()
            .map(|p| match p {
                ObjectNamePart::Identifier(i) => i.value.clone(),
                ObjectNamePart::Function(fun) => fun.name.value.clone(),
            })
            .collect();
        let name = parts.last()?.to_ascii_lowercase();
        if parts.len() == 1 {
            return match name.as_str() {
                "isnull" if args.len() == 2 => self.ty(args[0], d),
                "json_query" => Some(SqlType::NVarChar(Length::Max)),
                "json_value" => Some(SqlType::NVarChar(Length::Bounded(4000))),
                "concat" if args.len() >= 2 => {
                    let types: Option<Vec<SqlType>> = args.iter().map(|a| self.ty(a, d)).collect();
                    concat(&types?)
                }
                _ => None,
            };
        }
        // `col.GetLevel()` on a hierarchyid column.
        if parts.len() == 2
            && name == "getlevel"
            && args.is_empty()
            && self.column(&parts[0]) == Some(SqlType::HierarchyId)
        {
            return Some(SqlType::SmallInt);
        }
        // A scalar user function imported earlier.
        let schema = &parts[parts.len() - 2];
        match self.db.function(Some(schema), &parts[parts.len() - 1]) {
            Some((_, _, func)) => match &func.returns {
                FunctionReturns::Scalar { ty } => Some(ty.clone()),
                _ => None,
            },
            None => None,
        }
    }
}

fn strip_nested(e: &Expr) -> &Expr {
    match e {
        Expr::Nested(inner) => strip_nested(inner),
        other => other,
    }
}

fn last_name(n: &sqlparser::ast::ObjectName) -> String {
    match n.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
        Some(ObjectNamePart::Function(f)) => f.name.value.clone(),
        None => String::new(),
    }
}

fn args(f: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The target type of `CAST` / `CONVERT`, as a SqlType. Without a length, the string
/// and binary types are 30 long there (not 1 as in a declaration).
fn sql_type(dt: &DataType) -> Option<SqlType> {
    let text: String = dt
        .to_string()
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '"'))
        .collect();
    let text = text.trim();
    let lengthless = !text.contains('(')
        && matches!(
            text.to_ascii_lowercase().as_str(),
            "char" | "varchar" | "nchar" | "nvarchar" | "binary" | "varbinary"
        );
    if lengthless {
        return format!("{text}(30)").parse().ok();
    }
    text.parse().ok()
}

fn literal_type(v: &Value) -> Option<SqlType> {
    match v {
        Value::NationalStringLiteral(s) => {
            let n = s.chars().count().max(1);
            (n <= 4000).then_some(SqlType::NVarChar(Length::Bounded(n as u16)))
        }
        // Bytes per character depend on the collation's code page: only ASCII is certain.
        Value::SingleQuotedString(s) if s.is_ascii() => {
            let n = s.len().max(1);
            (n <= 8000).then_some(SqlType::VarChar(Length::Bounded(n as u16)))
        }
        Value::Number(n, _) => n.parse::<i32>().ok().map(|_| SqlType::Int),
        _ => None,
    }
}

/// String concatenation of `varchar` / `nvarchar` operands.
fn concat(types: &[SqlType]) -> Option<SqlType> {
    let unicode = types.iter().any(|t| t.is_unicode());
    let mut total = 0u32;
    let mut max = false;
    for t in types {
        match t {
            SqlType::VarChar(Length::Bounded(n)) | SqlType::NVarChar(Length::Bounded(n)) => {
                total += u32::from(*n)
            }
            SqlType::VarChar(Length::Max) | SqlType::NVarChar(Length::Max) => max = true,
            _ => return None,
        }
    }
    let limit = if unicode { 4000 } else { 8000 };
    let len = if max {
        Length::Max
    } else if total <= limit {
        Length::Bounded(total as u16)
    } else {
        return None;
    };
    Some(if unicode {
        SqlType::NVarChar(len)
    } else {
        SqlType::VarChar(len)
    })
}

/// `+ - *` over integers and money.
fn arithmetic(l: &SqlType, r: &SqlType) -> Option<SqlType> {
    fn rank(t: &SqlType) -> Option<u8> {
        Some(match t {
            SqlType::TinyInt => 1,
            SqlType::SmallInt => 2,
            SqlType::Int => 3,
            SqlType::BigInt => 4,
            SqlType::Money => 5,
            _ => return None,
        })
    }
    let (a, b) = (rank(l)?, rank(r)?);
    Some(if a >= b { l.clone() } else { r.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<Column> {
        vec![
            Column::new("Id", 1, SqlType::Int, false),
            Column::new("Qty", 2, SqlType::SmallInt, false),
            Column::new("Price", 3, SqlType::Money, false),
            Column::new("A", 4, SqlType::NVarChar(Length::Bounded(50)), false),
            Column::new("Node", 5, SqlType::HierarchyId, true),
            Column::new(
                "D",
                6,
                SqlType::Decimal {
                    precision: 9,
                    scale: 2,
                },
                true,
            ),
        ]
    }

    fn t(expr: &str) -> (Option<String>, bool) {
        let db = Database::default();
        let typed = type_expression(expr, &cols(), &db);
        (typed.ty.map(|t| t.to_string()), typed.not_null)
    }

    #[test]
    fn certain_forms_are_typed() {
        assert_eq!(
            t("ISNULL(N'SO' + CONVERT(nvarchar(23), [Id]), N'*** ERROR ***')"),
            (Some("nvarchar(25)".into()), true)
        );
        assert_eq!(
            t("(concat([A],N' ',[A]))"),
            (Some("nvarchar(101)".into()), false)
        );
        assert_eq!(t("Node.GetLevel()"), (Some("smallint".into()), false));
        assert_eq!(t("[Node].[GetLevel]()"), (Some("smallint".into()), false));
        assert_eq!(
            t("ISNULL([Qty] * [Price], 0.00)"),
            (Some("money".into()), true)
        );
        assert_eq!(
            t("(json_query([A],N'$.x'))"),
            (Some("nvarchar(max)".into()), false)
        );
        assert_eq!(
            t("(case when [Id] IS NULL then CONVERT([bit],(0)) else CONVERT([bit],(1)) end)"),
            (Some("bit".into()), false)
        );
        assert_eq!(
            t("CAST([Id] AS decimal(10, 2))"),
            (Some("decimal(10,2)".into()), false)
        );
        assert_eq!(
            t("CAST([Id] AS varchar)"),
            (Some("varchar(30)".into()), false)
        );
        assert_eq!(
            t("CONVERT([nvarchar], [Id])"),
            (Some("nvarchar(30)".into()), false)
        );
        assert_eq!(
            t("'é' + 'x'").0,
            None,
            "a non-ASCII literal's byte length is uncertain"
        );
    }

    #[test]
    fn uncertain_forms_are_left_untyped() {
        assert_eq!(t("ISNULL([Price] * (1.0 - [D]), 0.0)").0, None);
        assert_eq!(t("[D] * 2").0, None);
        assert_eq!(t("dbo.unknown_fn([Id])").0, None);
        assert_eq!(t("not an expression )").0, None);
        assert!(!t("ISNULL([Id], NULL)").1);
    }

    #[test]
    fn isjson_checks_name_their_column() {
        assert_eq!(
            isjson_columns("ISJSON([Doc]) > 0 AND ISJSON(Other)=1"),
            ["Doc", "Other"]
        );
        assert!(isjson_columns("[Doc] IS NULL").is_empty());
    }
}
