//! Reading a data type as a declaration writes it, and resolving it.
//!
//! `int`, `[nvarchar](50)`, `"int"`, `NVARCHAR (MAX)`, `decimal(19, 4)`,
//! `double precision`, `xml(CONTENT Production.ManuInstructionsSchemaCollection)`:
//! system types go through [`SqlType::from_parts`], which applies SQL Server's defaults
//! for omitted lengths. Any other name is looked up among the alias types
//! (`CREATE TYPE dbo.Name FROM nvarchar(50)`, or pubs' `sp_addtype`) imported so far,
//! and resolved to its base type and nullability; then among table types (for
//! `READONLY` parameters). A name that is none of these is an error: the statement is
//! reported, never imported with a guessed type.

use sqlparser::tokenizer::Token;

use super::tokens::{Cursor, PResult};
use super::Ctx;
use crate::model::ObjectName;
use crate::types::{SqlType, TypeArg, TypeError};

/// A resolved data type.
#[derive(Clone, Debug)]
pub(crate) struct ParsedType {
    /// The system type (for a table type: unused, `sql_variant`).
    pub ty: SqlType,
    /// The alias type and the nullability it gives by default.
    pub alias: Option<(ObjectName, bool)>,
    /// `xml(collection)`.
    pub xml_collection: Option<ObjectName>,
    /// A table type (only where `allow_table_type`).
    pub table_type: Option<ObjectName>,
}

/// Multi-word spellings of system types, longest first.
const MULTI_WORD: &[&[&str]] = &[
    &["NATIONAL", "CHARACTER", "VARYING"],
    &["NATIONAL", "CHAR", "VARYING"],
    &["NATIONAL", "CHARACTER"],
    &["NATIONAL", "CHAR"],
    &["NATIONAL", "TEXT"],
    &["CHARACTER", "VARYING"],
    &["CHAR", "VARYING"],
    &["BINARY", "VARYING"],
    &["DOUBLE", "PRECISION"],
];

/// Reads a data type at the cursor.
pub(crate) fn parse_type(
    cur: &mut Cursor<'_>,
    ctx: &Ctx<'_>,
    allow_table_type: bool,
) -> PResult<ParsedType> {
    let line = cur.line();
    let first = cur.pos;
    let mut parts = None;
    for words in MULTI_WORD {
        if words.iter().enumerate().all(|(i, w)| cur.is_kw_at(i, w)) {
            cur.pos += words.len();
            parts = Some(vec![words.join(" ")]);
            break;
        }
    }
    let parts = match parts {
        Some(p) => p,
        None => cur.dotted_name()?,
    };
    let written = parts.join(".");
    let name = parts.last().cloned().unwrap_or_default();
    let is_xml = parts.len() == 1 && name.eq_ignore_ascii_case("xml");
    let mut args = Vec::new();
    let mut xml_collection = None;
    if cur.is(&Token::LParen) {
        cur.pos += 1;
        if is_xml {
            let _ = cur.eat_kw("CONTENT") || cur.eat_kw("DOCUMENT");
            let coll = cur.dotted_name()?;
            xml_collection = Some(ctx.object_name(&coll));
        } else {
            loop {
                match cur.peek() {
                    Some(Token::Number(n, _)) => {
                        let v = n.parse::<u64>().map_err(|_| {
                            super::tokens::ParseError::new(
                                line,
                                format!("`{n}` is not a valid length or precision in `{written}`"),
                            )
                        })?;
                        args.push(TypeArg::Number(v));
                    }
                    Some(t) if super::tokens::is_kw(t, "MAX") => args.push(TypeArg::Max),
                    _ => {
                        return cur
                            .expected(&format!("a length, precision or `max` in `{written}`"))
                    }
                }
                cur.pos += 1;
                if !cur.eat(&Token::Comma) {
                    break;
                }
            }
        }
        cur.expect(&Token::RParen, "`)`")?;
    }
    let system = parts.len() == 1 || parts[parts.len() - 2].eq_ignore_ascii_case("sys");
    if system {
        match SqlType::from_parts(&name, &args) {
            Ok(ty) => {
                return Ok(ParsedType {
                    ty,
                    alias: None,
                    xml_collection,
                    table_type: None,
                })
            }
            Err(TypeError::Unknown(_)) => {}
            Err(e) => return cur.err_from(first, e.to_string()),
        }
    }
    let object = ctx.object_name(&parts);
    if let Some((schema, stored, alias)) = ctx.db.alias_type(Some(&object.schema), &object.name) {
        if !args.is_empty() {
            return cur.err_from(
                first,
                format!("alias type `{written}` takes no length or precision"),
            );
        }
        return Ok(ParsedType {
            ty: alias.ty.clone(),
            alias: Some((ObjectName::new(schema, stored), alias.nullable)),
            xml_collection: None,
            table_type: None,
        });
    }
    if allow_table_type {
        if let Some((schema, stored, _)) = ctx.db.table_type(Some(&object.schema), &object.name) {
            return Ok(ParsedType {
                ty: SqlType::SqlVariant,
                alias: None,
                xml_collection: None,
                table_type: Some(ObjectName::new(schema, stored)),
            });
        }
    }
    cur.err_from(first, format!(
            "unknown type `{written}`: not a SQL Server system type, nor an alias or table type created earlier in the scripts"
        ))
}
