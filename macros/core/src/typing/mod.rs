//! The typing rules of T-SQL: pure functions from operand types to result types.
//!
//! The analyzer resolves names and walks the statement; whenever it meets an operator,
//! a literal, a `CAST`, a `CASE` or a function call it asks this module what type the
//! value has and whether it can be NULL. Nothing here knows about tables or scopes: the
//! inputs are [`SqlType`]s with their nullability ([`Typed`]), the output is the same.
//!
//! The rules are SQL Server's own, each cited by its id in
//! `shared/reference/tsql-typing-rules.md` (R1..R46) and listed in `docs/typing-rules.md`:
//!
//! - [`precedence`]: the data type precedence list (R1), which decides the result type
//!   of every binary operator and of `CASE` / `COALESCE` / `IIF` / `UNION`;
//! - [`implicit_conversion`] / [`comparable`]: the conversion chart (R40);
//! - [`binary_arith`] / [`unary_minus`]: arithmetic, decimal precision and scale (R2),
//!   string concatenation (R25);
//! - [`unify`]: the contexts that merge several types into one (R9, R10, R11, R33);
//! - [`literal_number`], [`literal_string`], [`literal_binary`]: constants (R17);
//! - [`cast_target`]: the target type of `CAST` / `CONVERT` (R13, R15, R16, R43);
//! - [`function`]: one catalog of built-in scalar, aggregate and window functions;
//!   [`Frame`] tells whether an `OVER` frame can be empty.
//!
//! Nullability means "can this be NULL at run time" under the session settings the
//! runtime sets (ANSI_NULLS, ANSI_PADDING, ANSI_WARNINGS, ARITHABORT,
//! CONCAT_NULL_YIELDS_NULL, QUOTED_IDENTIFIER ON). Where that is provable we are more
//! precise than `sp_describe_first_result_set` (`COUNT(*)` and `a + b` over NOT NULL
//! operands are NOT NULL); we never report NOT NULL for a value that can be NULL.
//!
//! ```
//! use mssqlx_macros_core::typing::{binary_arith, ArithOp, Typed};
//! use mssqlx_offline::SqlType;
//!
//! let price = Typed::not_null(SqlType::Decimal { precision: 10, scale: 2 });
//! let qty = Typed::not_null(SqlType::Int);
//! let total = binary_arith(ArithOp::Mul, &price, &qty).unwrap();
//! assert_eq!(total.ty.to_string(), "decimal(21,2)");
//! assert!(!total.nullable);
//! ```

mod arith;
mod cast;
mod convert;
mod frame;
mod functions;
mod literal;
mod precedence;
mod shape;
mod unify;

use std::fmt;

pub use mssqlx_offline::{Length, SqlType};

pub use arith::{binary_arith, string_concat, unary_minus};
pub use cast::{cast, cast_target};
pub use convert::{comparable, implicit_conversion, Conversion};
pub use frame::Frame;
pub use functions::{
    function, function_in_frame, function_names, is_aggregate, openjson_default_columns,
};
pub use literal::{literal_binary, literal_number, literal_string};
pub use precedence::{precedence, TypeFamily};
pub use unify::{unify, unify_args};

/// A value's SQL type and whether it can be NULL at run time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Typed {
    /// The SQL Server type, as `sp_describe_first_result_set` would spell it.
    pub ty: SqlType,
    /// True when the value can be NULL at run time under the runtime's session settings.
    pub nullable: bool,
}

impl Typed {
    /// A value of type `ty` that can be NULL.
    pub fn nullable(ty: SqlType) -> Typed {
        Typed { ty, nullable: true }
    }

    /// A value of type `ty` that is never NULL.
    pub fn not_null(ty: SqlType) -> Typed {
        Typed {
            ty,
            nullable: false,
        }
    }

    /// The same type with the given nullability.
    pub fn with_nullable(mut self, nullable: bool) -> Typed {
        self.nullable = nullable;
        self
    }
}

impl fmt::Display for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nullable {
            write!(f, "{} NULL", self.ty)
        } else {
            write!(f, "{} NOT NULL", self.ty)
        }
    }
}

/// A typing mistake in plain words: what is wrong, what was expected, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypingError {
    /// What is wrong, e.g. "the types uniqueidentifier and int cannot be compared".
    pub message: String,
    /// How to fix it, when there is an obvious way (usually an explicit `CAST`).
    pub help: Option<String>,
}

impl TypingError {
    /// An error with a message and no help.
    pub fn new(message: impl Into<String>) -> TypingError {
        TypingError {
            message: message.into(),
            help: None,
        }
    }

    /// Adds the "how to fix it" part.
    pub fn with_help(mut self, help: impl Into<String>) -> TypingError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for TypingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TypingError {}

/// A binary arithmetic or bitwise operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`: addition, or string / binary concatenation.
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`: integer division stays integer.
    Div,
    /// `%`: modulo; not defined for float and real.
    Mod,
    /// `&`: bitwise AND.
    BitAnd,
    /// `|`: bitwise OR.
    BitOr,
    /// `^`: bitwise exclusive OR.
    BitXor,
}

impl ArithOp {
    /// The operator as written in T-SQL.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
            ArithOp::BitAnd => "&",
            ArithOp::BitOr => "|",
            ArithOp::BitXor => "^",
        }
    }

    /// The operator's name as SQL Server's messages use it ("add", "modulo", ...).
    pub fn name(self) -> &'static str {
        match self {
            ArithOp::Add => "add",
            ArithOp::Sub => "subtract",
            ArithOp::Mul => "multiply",
            ArithOp::Div => "divide",
            ArithOp::Mod => "modulo",
            ArithOp::BitAnd => "bitwise AND (&)",
            ArithOp::BitOr => "bitwise OR (|)",
            ArithOp::BitXor => "bitwise XOR (^)",
        }
    }

    fn is_bitwise(self) -> bool {
        matches!(self, ArithOp::BitAnd | ArithOp::BitOr | ArithOp::BitXor)
    }
}

/// A context that merges several values into one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unify {
    /// The THEN / ELSE results of a `CASE` (R10): nullable if any result is.
    Case,
    /// The arguments of `COALESCE` (R9): nullable only if all are.
    Coalesce,
    /// A column of `UNION` / `EXCEPT` / `INTERSECT` (R33): nullable if any branch is.
    Union,
    /// The true / false values of `IIF` (R11): nullable if either is.
    Iif,
    /// A column of a `VALUES` table constructor: nullable if any row is.
    Values,
}

impl Unify {
    /// How the context is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Unify::Case => "the results of CASE",
            Unify::Coalesce => "the arguments of COALESCE",
            Unify::Union => "the columns of UNION",
            Unify::Iif => "the values of IIF",
            Unify::Values => "the rows of VALUES",
        }
    }
}

/// One argument of a function call, as the analyzer sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnArg {
    /// An expression with its inferred type.
    Expr(Typed),
    /// A bare keyword such as the datepart of `DATEADD(day, ...)` (`day`, `dd`, `d`, ...).
    Keyword(String),
    /// The `*` of `COUNT(*)` and `CHECKSUM(*)`.
    Star,
    /// The bare `NULL` literal, whose type is decided by its neighbours.
    Null,
}

/// Where a function call stands: what a function's nullability depends on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FnContext {
    /// The query has a GROUP BY: an aggregate runs over a non-empty group.
    pub grouped: bool,
    /// The call has an `OVER (...)` clause.
    pub windowed: bool,
}
