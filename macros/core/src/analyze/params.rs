//! Parameters: what each `@name` must be, learnt from where it is used.
//!
//! T-SQL parameters carry no type in the query text; SQL Server's
//! `sp_describe_undeclared_parameters` deduces one from the context (R38), and so do we:
//!
//! | usage | type |
//! |---|---|
//! | `col = @p`, `<`, `>`, `IN`, `BETWEEN`, `col + @p` | `col`'s type |
//! | `col LIKE @p` | `nvarchar(4000)` (`varchar(8000)` for a varchar column): a pattern is longer than the value |
//! | `INSERT ... VALUES (@p)`, `SET col = @p` | the column's type; NOT NULL if the column is |
//! | `TOP (@n)`, `OFFSET @n`, `FETCH NEXT @n` | `bigint` (`float` for `TOP ... PERCENT`) |
//! | `CAST(@p AS t)` | `t` |
//! | function arguments | the function's signature (this file's table), else the other arguments' type |
//!
//! A parameter used with two types is widened when they are of one kind (`int` and
//! `bigint` → `bigint`, `nvarchar(10)` and `nvarchar(50)` → `nvarchar(50)`) and is an
//! error otherwise. A parameter no usage types is an error that suggests a `CAST`.
//!
//! Nullability: every parameter accepts NULL (`col = @p` with NULL is legal and matches
//! nothing) except one written to a NOT NULL column by INSERT or UPDATE SET.
//!
//! Order: `@p1 .. @pN` by their number (a gap is an error), then named parameters in
//! the order they first appear in the text.

use mssqlx_offline::{Length, SqlType};

use super::{AnalyzeError, LineIndex, Param};
use crate::typing::{precedence, TypeFamily};

#[derive(Debug)]
struct Info {
    name: String,
    ty: Option<SqlType>,
    not_null: bool,
    /// First use (offset, len).
    first: (usize, usize),
    /// A use where the type was needed but nothing told it.
    unknown_at: Option<(usize, usize)>,
}

/// The parameters of one statement.
#[derive(Debug, Default)]
pub(crate) struct Params {
    list: Vec<Info>,
}

/// How a function argument that is a bare parameter gets its type.
pub(crate) enum ArgRule {
    /// The type of the call's other (typed) arguments.
    Same,
    /// A fixed type.
    Type(SqlType),
}

/// Arguments with a fixed type, by function and position: `(function, position, type)`.
/// Positions not listed take the other arguments' type.
const ARG_TYPES: &[(&str, usize, &str)] = &[
    ("DATEADD", 1, "int"),
    ("DATEADD", 2, "datetime2(7)"),
    ("DATEDIFF", 1, "datetime2(7)"),
    ("DATEDIFF", 2, "datetime2(7)"),
    ("DATEDIFF_BIG", 1, "datetime2(7)"),
    ("DATEDIFF_BIG", 2, "datetime2(7)"),
    ("DATEPART", 1, "datetime2(7)"),
    ("DATENAME", 1, "datetime2(7)"),
    ("DATETRUNC", 1, "datetime2(7)"),
    ("EOMONTH", 0, "date"),
    ("EOMONTH", 1, "int"),
    ("YEAR", 0, "datetime2(7)"),
    ("MONTH", 0, "datetime2(7)"),
    ("DAY", 0, "datetime2(7)"),
    ("DATEFROMPARTS", 0, "int"),
    ("DATEFROMPARTS", 1, "int"),
    ("DATEFROMPARTS", 2, "int"),
    ("LEFT", 0, "nvarchar(4000)"),
    ("LEFT", 1, "bigint"),
    ("RIGHT", 0, "nvarchar(4000)"),
    ("RIGHT", 1, "bigint"),
    ("SUBSTRING", 0, "nvarchar(4000)"),
    ("SUBSTRING", 1, "bigint"),
    ("SUBSTRING", 2, "bigint"),
    ("REPLICATE", 1, "bigint"),
    ("SPACE", 0, "int"),
    ("STUFF", 1, "int"),
    ("STUFF", 2, "int"),
    ("CHARINDEX", 2, "bigint"),
    ("ROUND", 1, "int"),
    ("ROUND", 2, "int"),
    ("LEN", 0, "nvarchar(4000)"),
    ("DATALENGTH", 0, "nvarchar(4000)"),
    ("UPPER", 0, "nvarchar(4000)"),
    ("LOWER", 0, "nvarchar(4000)"),
    ("LTRIM", 0, "nvarchar(4000)"),
    ("RTRIM", 0, "nvarchar(4000)"),
    ("TRIM", 0, "nvarchar(4000)"),
    ("REVERSE", 0, "nvarchar(4000)"),
    ("CONCAT", 0, "nvarchar(4000)"),
    ("CONCAT_WS", 0, "nvarchar(4000)"),
    ("JSON_VALUE", 0, "nvarchar(max)"),
    ("JSON_VALUE", 1, "nvarchar(4000)"),
    ("JSON_QUERY", 0, "nvarchar(max)"),
    ("JSON_QUERY", 1, "nvarchar(4000)"),
    ("JSON_MODIFY", 0, "nvarchar(max)"),
    ("JSON_MODIFY", 1, "nvarchar(4000)"),
    ("ISJSON", 0, "nvarchar(max)"),
    ("STRING_SPLIT", 0, "nvarchar(max)"),
    ("NEWID", 0, "uniqueidentifier"),
    ("ABS", 0, "float"),
    ("POWER", 1, "float"),
    ("SQRT", 0, "float"),
    ("FORMAT", 1, "nvarchar(4000)"),
    ("FORMAT", 2, "nvarchar(128)"),
];

/// How argument `pos` of `function` is typed when it is a bare parameter.
pub(crate) fn arg_rule(function: &str, pos: usize) -> ArgRule {
    ARG_TYPES
        .iter()
        .find(|(f, p, _)| *p == pos && f.eq_ignore_ascii_case(function))
        .and_then(|(_, _, t)| t.parse().ok())
        .map(ArgRule::Type)
        .unwrap_or(ArgRule::Same)
}

/// Kinds within which a parameter's two types may be widened to one.
fn kind(t: &SqlType) -> u8 {
    let f = TypeFamily::of(t);
    if f.is_number() {
        1
    } else if t.is_string() {
        2
    } else if t.is_binary() {
        3
    } else if t.is_temporal() {
        4
    } else {
        10 + precedence(t)
    }
}

fn widen(a: &SqlType, b: &SqlType) -> Option<SqlType> {
    if a == b {
        return Some(a.clone());
    }
    if kind(a) != kind(b) {
        return None;
    }
    use SqlType::*;
    let len = |t: &SqlType| match t {
        Char(n) | NChar(n) | Binary(n) => Length::Bounded(*n),
        VarChar(l) | NVarChar(l) | VarBinary(l) => *l,
        _ => Length::Max,
    };
    if a.is_string() {
        let l = len(a).max(len(b));
        return Some(if a.is_unicode() || b.is_unicode() {
            match l {
                Length::Bounded(n) if n > 4000 => NVarChar(Length::Max),
                l => NVarChar(l),
            }
        } else {
            VarChar(l)
        });
    }
    if a.is_binary() {
        return Some(VarBinary(len(a).max(len(b))));
    }
    Some(if precedence(a) >= precedence(b) {
        a.clone()
    } else {
        b.clone()
    })
}

impl Params {
    /// The index of parameter `name` (case-insensitive), added on first use.
    pub fn get_or_add(&mut self, name: &str, off: usize, len: usize) -> usize {
        if let Some(i) = self
            .list
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(name))
        {
            // Keep the textually first use (clauses are not analyzed in text order).
            if off < self.list[i].first.0 {
                self.list[i].first = (off, len);
            }
            return i;
        }
        self.list.push(Info {
            name: name.to_string(),
            ty: None,
            not_null: false,
            first: (off, len),
            unknown_at: None,
        });
        self.list.len() - 1
    }

    /// The type decided so far.
    pub fn ty(&self, i: usize) -> Option<SqlType> {
        self.list.get(i).and_then(|p| p.ty.clone())
    }

    /// Records a use that needed a type and found none.
    pub fn note_unknown(&mut self, i: usize, off: usize, len: usize) {
        if let Some(p) = self.list.get_mut(i) {
            p.unknown_at.get_or_insert((off, len));
        }
    }

    /// Gives parameter `i` the type `ty` from a use at (off, len).
    pub fn bind(
        &mut self,
        i: usize,
        ty: &SqlType,
        not_null: bool,
        off: usize,
        len: usize,
    ) -> Result<(), AnalyzeError> {
        let Some(p) = self.list.get_mut(i) else {
            return Ok(());
        };
        p.not_null |= not_null;
        match &p.ty {
            None => {
                p.ty = Some(ty.clone());
                Ok(())
            }
            Some(old) => match widen(old, ty) {
                Some(t) => {
                    p.ty = Some(t);
                    Ok(())
                }
                None => Err(AnalyzeError::new(
                    format!("parameter `{}` is used as {old} and here as {ty}", p.name),
                    off,
                    len,
                )
                .with_help(format!(
                    "use two parameters, or convert one use explicitly, e.g. CAST({} AS {old})",
                    p.name
                ))),
            },
        }
    }

    /// The final list in binding order; reports untyped parameters and numbering gaps.
    pub fn finish(&self, errors: &mut Vec<AnalyzeError>, _lines: &LineIndex) -> Vec<Param> {
        let number = |n: &str| -> Option<u32> {
            let d = n.strip_prefix('@')?.strip_prefix(['p', 'P'])?;
            if d.is_empty() || d.starts_with('0') {
                return None;
            }
            d.parse().ok()
        };
        let mut positional: Vec<(u32, &Info)> = Vec::new();
        let mut named: Vec<&Info> = Vec::new();
        for p in &self.list {
            match number(&p.name) {
                Some(n) => positional.push((n, p)),
                None => named.push(p),
            }
        }
        positional.sort_by_key(|(n, _)| *n);
        named.sort_by_key(|p| p.first.0);
        for (i, (n, p)) in positional.iter().enumerate() {
            let expected = i as u32 + 1;
            if *n != expected {
                errors.push(
                    AnalyzeError::new(
                        format!("parameter `{}` is used but `@p{expected}` is not", p.name),
                        p.first.0,
                        p.first.1,
                    )
                    .with_help("positional parameters are numbered @p1, @p2, ... without gaps"),
                );
                break;
            }
        }
        let mut out = Vec::new();
        for p in positional.iter().map(|(_, p)| *p).chain(named) {
            match &p.ty {
                Some(t) => out.push(Param {
                    name: p.name.clone(),
                    ty: t.clone(),
                    nullable: !p.not_null,
                }),
                None => {
                    let (off, len) = p.unknown_at.unwrap_or(p.first);
                    errors.push(
                        AnalyzeError::new(
                            format!("the type of parameter `{}` cannot be inferred", p.name),
                            off,
                            len,
                        )
                        .with_help(format!(
                            "state it: CAST({} AS int), CAST({} AS nvarchar(100)), ...",
                            p.name, p.name
                        )),
                    );
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_stays_within_a_kind() {
        let t = |s: &str| s.parse::<SqlType>().unwrap();
        assert_eq!(widen(&t("int"), &t("bigint")), Some(t("bigint")));
        assert_eq!(
            widen(&t("nvarchar(10)"), &t("varchar(50)")),
            Some(t("nvarchar(50)"))
        );
        assert_eq!(widen(&t("int"), &t("nvarchar(10)")), None);
        assert_eq!(widen(&t("date"), &t("uniqueidentifier")), None);
    }
}
