//! The typing rules as tables: one row per rule instance, each citing its rule id in
//! `shared/reference/tsql-typing-rules.md`. These are the analyzer's table tests for the
//! type-level rules; `typing_functions.rs` holds the function catalog's rows.
//!
//! Types are written as `sp_describe_first_result_set` spells them; a trailing ` NULL`
//! marks a nullable operand or result, and `ERR` an expected error (`ERR:words` also
//! checks the message contains `words`).

use mssqlx_macros_core::typing::{
    binary_arith, cast, cast_target, comparable, implicit_conversion, literal_binary,
    literal_number, literal_string, precedence, unary_minus, unify, unify_args, ArithOp,
    Conversion, FnArg, Typed, TypingError, Unify,
};
use mssqlx_offline::SqlType;
use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

fn ty(s: &str) -> SqlType {
    s.parse()
        .unwrap_or_else(|e| panic!("bad type `{s}` in a test row: {e}"))
}

fn typed(s: &str) -> Typed {
    match s.trim().strip_suffix(" NULL") {
        Some(t) => Typed::nullable(ty(t)),
        None => Typed::not_null(ty(s.trim())),
    }
}

fn show(r: &Result<Typed, TypingError>) -> String {
    match r {
        Ok(t) if t.nullable => format!("{} NULL", t.ty),
        Ok(t) => t.ty.to_string(),
        Err(e) => format!("ERR:{}", e.message),
    }
}

/// Compares a result with a row's expectation; returns a failure line or None.
fn check(row: &str, got: Result<Typed, TypingError>, expected: &str) -> Option<String> {
    let shown = show(&got);
    let ok = match expected.strip_prefix("ERR") {
        Some(words) => match &got {
            Err(e) => {
                assert!(!e.message.is_empty(), "{row}: empty error message");
                e.message.contains(words.trim_start_matches(':'))
            }
            Ok(_) => false,
        },
        None => shown == expected,
    };
    (!ok).then(|| format!("{row}: expected `{expected}`, got `{shown}`"))
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- precedence (R1)

/// (higher, lower): the first outranks the second.
#[rustfmt::skip]
const PRECEDENCE_ORDER: &[(&str, &str)] = &[
    ("geography", "json"),                 // R1: user-defined types first
    ("json", "sql_variant"),               // R1: json above sql_variant (current revision)
    ("sql_variant", "xml"),                // R1
    ("xml", "datetimeoffset(7)"),          // R1
    ("datetimeoffset(7)", "datetime2(7)"), // R1
    ("datetime2(7)", "datetime"),          // R1
    ("datetime", "smalldatetime"),         // R1
    ("smalldatetime", "date"),             // R1
    ("date", "time(7)"),                   // R1
    ("time(7)", "float"),                  // R1
    ("float", "real"),                     // R1
    ("real", "decimal(10,2)"),             // R1
    ("decimal(10,2)", "money"),            // R1
    ("money", "smallmoney"),               // R1
    ("smallmoney", "bigint"),              // R1
    ("bigint", "int"),                     // R1
    ("int", "smallint"),                   // R1
    ("smallint", "tinyint"),               // R1
    ("tinyint", "bit"),                    // R1
    ("bit", "ntext"),                      // R1
    ("ntext", "text"),                     // R1
    ("text", "image"),                     // R1
    ("image", "timestamp"),                // R1
    ("timestamp", "uniqueidentifier"),     // R1
    ("uniqueidentifier", "nvarchar(10)"),  // R1
    ("nvarchar(10)", "nchar(10)"),         // R1
    ("nchar(10)", "varchar(10)"),          // R1
    ("varchar(10)", "char(10)"),           // R1
    ("char(10)", "varbinary(10)"),         // R1
    ("varbinary(10)", "binary(10)"),       // R1: binary is the lowest
];

/// Types that share a rank.
#[rustfmt::skip]
const PRECEDENCE_EQUAL: &[(&str, &str)] = &[
    ("decimal(10,2)", "numeric(5,1)"), // R1: decimal and numeric are one type
    ("nvarchar(max)", "nvarchar(10)"), // R1: "nvarchar (including nvarchar(max))"
    ("varchar(max)", "varchar(1)"),    // R1
    ("varbinary(max)", "varbinary(16)"), // R1
    ("geometry", "geography"),         // R1: both CLR types
];

#[test]
fn precedence_table() {
    let mut failures = Vec::new();
    for (hi, lo) in PRECEDENCE_ORDER {
        if precedence(&ty(hi)) <= precedence(&ty(lo)) {
            failures.push(format!("{hi} should outrank {lo}"));
        }
    }
    for (a, b) in PRECEDENCE_EQUAL {
        if precedence(&ty(a)) != precedence(&ty(b)) {
            failures.push(format!("{a} and {b} should share a rank"));
        }
    }
    report(failures);
}

// ---------------------------------------------------------------- conversion chart (R40)

#[rustfmt::skip]
const CONVERSIONS: &[(&str, &str, Conversion)] = &[
    ("int", "int", Conversion::Same),                            // R40
    ("int", "bigint", Conversion::Implicit),                     // R40
    ("int", "datetime", Conversion::Implicit),                   // R40: datetime + 1 is legal
    ("int", "date", Conversion::NotAllowed),                     // R40: date = int is an error
    ("int", "uniqueidentifier", Conversion::NotAllowed),         // R40
    ("uniqueidentifier", "int", Conversion::NotAllowed),         // R40
    ("datetime", "int", Conversion::ExplicitOnly),               // R40
    ("varchar(10)", "int", Conversion::Implicit),                // R40
    ("varchar(10)", "varchar(20)", Conversion::Implicit),        // R40: same family
    ("nvarchar(10)", "binary(10)", Conversion::ExplicitOnly),    // R40
    ("nchar(10)", "image", Conversion::NotAllowed),              // R40: the page's own example
    ("varbinary(10)", "float", Conversion::NotAllowed),          // R40
    ("xml", "nvarchar(max)", Conversion::ExplicitOnly),          // R40
    ("nvarchar(max)", "xml", Conversion::Implicit),              // R40
    ("sql_variant", "int", Conversion::ExplicitOnly), // R40: no implicit from sql_variant
    ("int", "sql_variant", Conversion::Implicit),     // R40: implicit to sql_variant
    ("timestamp", "sql_variant", Conversion::NotAllowed), // R40
    ("date", "datetime2(7)", Conversion::Implicit),   // R40
    ("time(7)", "date", Conversion::NotAllowed),      // R40
    ("date", "time(7)", Conversion::NotAllowed),      // R40
    ("datetime", "uniqueidentifier", Conversion::NotAllowed), // R40
    ("text", "nvarchar(max)", Conversion::Implicit),  // R40
    ("text", "int", Conversion::NotAllowed),          // R40
    ("image", "varchar(10)", Conversion::NotAllowed), // R40
    ("float", "timestamp", Conversion::NotAllowed),   // R40
    ("decimal(10,2)", "numeric(10,2)", Conversion::Implicit), // R40
    ("decimal(10,2)", "decimal(10,2)", Conversion::Same), // R40
    ("hierarchyid", "varchar(10)", Conversion::ExplicitOnly), // R40
    ("geography", "varbinary(max)", Conversion::ExplicitOnly), // R40
    ("nvarchar(max)", "json", Conversion::Implicit),  // R40 (json, SQL Server 2025)
    ("json", "nvarchar(max)", Conversion::ExplicitOnly), // R40 (json, SQL Server 2025)
    ("bit", "money", Conversion::Implicit),           // R40
    ("money", "datetime", Conversion::Implicit),      // R40
    ("datetimeoffset(7)", "datetime2(7)", Conversion::Implicit), // R40
    ("uniqueidentifier", "nvarchar(36)", Conversion::Implicit), // R40
    ("binary(16)", "uniqueidentifier", Conversion::Implicit), // R40
    ("date", "int", Conversion::NotAllowed),          // R40
    ("decimal(10,2)", "date", Conversion::NotAllowed), // R40
];

#[test]
fn conversion_chart_table() {
    let mut failures = Vec::new();
    for (from, to, expected) in CONVERSIONS {
        let got = implicit_conversion(&ty(from), &ty(to));
        if got != *expected {
            failures.push(format!(
                "{from} -> {to}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    report(failures);
}

/// (a, b, comparable with `=`)
#[rustfmt::skip]
const COMPARISONS: &[(&str, &str, bool)] = &[
    ("uniqueidentifier", "int", false), // R40: uniqueidentifier = int is an error
    ("date", "int", false),             // R40: date = int is an error
    ("datetime", "int", true),          // R40: int converts to datetime
    ("smalldatetime", "int", true),     // R40
    ("datetime2(7)", "int", false),     // R40
    ("varchar(10)", "int", true),       // R40: the string converts
    ("nvarchar(10)", "date", true),     // R40
    ("varchar(10)", "uniqueidentifier", true), // R40
    ("nvarchar(50)", "datetimeoffset(7)", true), // R40
    ("int", "decimal(10,2)", true),     // R40
    ("bit", "varchar(5)", true),        // R40
    ("money", "float", true),           // R40
    ("uniqueidentifier", "uniqueidentifier", true), // R40
    ("uniqueidentifier", "binary(16)", true), // R40
    ("text", "varchar(10)", false),     // R40: text compares with nothing
    ("ntext", "ntext", false),          // R40
    ("image", "varbinary(10)", false),  // R40
    ("xml", "xml", false),              // R40
    ("xml", "nvarchar(10)", false),     // R40
    ("geography", "geography", false),  // R40
    ("json", "nvarchar(max)", false),   // R40
    ("date", "datetime", true),         // R40
    ("time(7)", "datetime", true),      // R40
    ("time(7)", "date", false),         // R40
    ("date", "datetimeoffset(7)", true), // R40
    ("int", "varbinary(10)", true),     // R40
    ("sql_variant", "int", true),       // R40
    ("hierarchyid", "hierarchyid", true), // R40
    ("hierarchyid", "int", false),      // R40
    ("datetime", "decimal(10,2)", true), // R40
    ("date", "decimal(10,2)", false),   // R40
    ("uniqueidentifier", "date", false), // R40
    ("bit", "datetime", true),          // R40
    ("float", "datetime", true),        // R40
];

#[test]
fn comparison_table() {
    let mut failures = Vec::new();
    for (a, b, ok) in COMPARISONS {
        for (x, y) in [(a, b), (b, a)] {
            let got = comparable(&ty(x), &ty(y));
            if got.is_ok() != *ok {
                failures.push(format!("{x} = {y}: expected ok={ok}, got {got:?}"));
            }
            if let Err(e) = got {
                if e.help.is_none() {
                    failures.push(format!("{x} = {y}: the error should say how to fix it"));
                }
            }
        }
    }
    report(failures);
}

// ---------------------------------------------------------------- arithmetic (R2, R25, R40)

use ArithOp::{Add, BitAnd, BitOr, BitXor, Div, Mod, Mul, Sub};

#[rustfmt::skip]
const ARITHMETIC: &[(&str, ArithOp, &str, &str)] = &[
    ("int", Add, "int", "int"),                                  // R1
    ("tinyint", Add, "tinyint", "tinyint"),                      // R1: no widening
    ("smallint", Add, "int", "int"),                             // R1
    ("int", Add, "bigint", "bigint"),                            // R1
    ("int", Div, "int", "int"),       // R2: integer division stays integer
    ("bigint", Div, "int", "bigint"), // R2
    ("int", Mod, "int", "int"),       // R2
    ("int", Add, "real", "real"),     // R1
    ("int", Mul, "float", "float"),   // R1
    ("real", Add, "float", "float"),  // R1
    ("decimal(10,2)", Add, "decimal(5,3)", "decimal(12,3)"), // R2: +
    ("decimal(10,2)", Sub, "decimal(10,2)", "decimal(11,2)"), // R2: -
    ("decimal(10,2)", Mul, "decimal(5,3)", "decimal(16,5)"), // R2: *
    ("decimal(10,2)", Div, "decimal(5,3)", "decimal(19,8)"), // R2: /
    ("decimal(10,2)", Mod, "decimal(5,3)", "decimal(5,3)"), // R2: %
    ("decimal(10,2)", Add, "int", "decimal(13,2)"), // R2: int as decimal(10,0)
    ("decimal(10,2)", Mul, "int", "decimal(21,2)"), // R2
    ("decimal(5,2)", Mul, "tinyint", "decimal(9,2)"), // R2: tinyint as decimal(3,0)
    ("decimal(5,2)", Add, "smallint", "decimal(8,2)"), // R2: smallint as decimal(5,0)
    ("decimal(5,2)", Add, "bigint", "decimal(22,2)"), // R2: bigint as decimal(19,0)
    ("int", Div, "decimal(5,2)", "decimal(18,6)"), // R2: scale at least 6
    ("decimal(38,2)", Add, "decimal(38,2)", "decimal(38,2)"), // R2: 38 cap, integral kept
    ("decimal(38,10)", Add, "decimal(38,0)", "decimal(38,0)"), // R2: + reduces the scale
    ("decimal(38,10)", Div, "decimal(38,10)", "decimal(38,6)"), // R2, R44
    ("decimal(38,38)", Mul, "decimal(38,38)", "decimal(38,37)"), // R2: integral < 32
    ("decimal(38,38)", Div, "decimal(38,38)", "decimal(38,6)"), // R2: integral > 32, scale 6
    ("decimal(38,38)", Add, "decimal(38,38)", "decimal(38,38)"), // R2
    ("decimal(38,0)", Mul, "decimal(38,0)", "decimal(38,0)"), // R2: scale below 6 kept
    ("decimal(18,4)", Mul, "decimal(18,4)", "decimal(37,8)"), // R2: under the cap
    ("decimal(19,4)", Mul, "decimal(19,4)", "decimal(38,7)"), // R2: integral 31 < 32
    ("decimal(20,4)", Mul, "decimal(20,4)", "decimal(38,6)"), // R2: integral 33 > 32
    ("decimal(30,2)", Mul, "decimal(30,2)", "decimal(38,4)"), // R2: scale < 6 unchanged
    ("decimal(18,2)", Div, "decimal(18,2)", "decimal(38,20)"),     // R2
    ("decimal(30,20)", Mul, "decimal(30,20)", "decimal(38,17)"), // R2: the page's first example
    ("decimal(30,10)", Mul, "decimal(30,10)", "decimal(38,6)"), // R2: the page's second example // R2
    ("money", Add, "money", "money"),                           // R1
    ("money", Mul, "int", "money"),                             // R1
    ("money", Div, "money", "money"),                           // R1
    ("smallmoney", Add, "smallmoney", "smallmoney"),            // R1
    ("smallmoney", Add, "int", "smallmoney"),                   // R1
    ("money", Add, "decimal(10,2)", "decimal(20,4)"),           // R2: money as decimal(19,4)
    ("money", Add, "float", "float"),                           // R1
    ("numeric(3,2)", Add, "int", "numeric(13,2)"),              // R2: numeric stays numeric
    ("numeric(3,2)", Add, "decimal(5,1)", "decimal(7,2)"),      // R2
    ("bit", Add, "int", "int"),                                 // R1: bit converts
    ("bit", Add, "bit", "ERR:bit is invalid"),                  // R42 (8117)
    ("float", Mod, "int", "ERR:modulo"),                        // R2: % takes exact types
    ("real", Mod, "real", "ERR:modulo"),                        // R2
    ("decimal(10,2)", Mod, "int", "decimal(10,2)"),             // R2
    ("varchar(10)", Add, "varchar(20)", "varchar(30)"),         // R25
    ("varchar(5000)", Add, "varchar(5000)", "varchar(8000)"),   // R25: truncated at 8000
    ("varchar(max)", Add, "varchar(10)", "varchar(max)"),       // R25: a large value: no cap
    ("nvarchar(3000)", Add, "nvarchar(3000)", "nvarchar(4000)"), // R25: 4000 characters
    ("varchar(10)", Add, "nvarchar(10)", "nvarchar(20)"),       // R25, R1
    ("char(10)", Add, "char(5)", "char(15)"),                   // R25
    ("char(10)", Add, "varchar(5)", "varchar(15)"),             // R25, R1
    ("nchar(10)", Add, "varchar(max)", "nvarchar(max)"),        // R25
    ("char(5000)", Add, "char(5000)", "char(8000)"),            // R25
    ("varchar(10)", Add, "text", "ERR:text"),                   // R25: text does not concatenate
    ("ntext", Add, "nvarchar(10)", "ERR:ntext"),                // R25
    ("varbinary(10)", Add, "varbinary(20)", "varbinary(30)"),   // R25 (binary strings)
    ("binary(4)", Add, "binary(4)", "binary(8)"),               // R25
    ("varbinary(max)", Add, "binary(4)", "varbinary(max)"),     // R25
    ("varbinary(6000)", Add, "varbinary(6000)", "varbinary(8000)"), // R25
    ("varchar(10)", Add, "int", "int"),                         // R1: the string converts
    ("int", Add, "varchar(10)", "int"),                         // R1
    ("decimal(5,2)", Mul, "varchar(10)", "decimal(11,4)"),      // R1, R2
    ("varchar(10)", Mul, "varchar(10)", "ERR:invalid"),         // R42 (8117)
    ("varchar(10)", Sub, "varchar(10)", "ERR:invalid"),         // R42 (8117)
    ("datetime", Add, "int", "datetime"),                       // R40: datetime + 1 is legal
    ("datetime", Sub, "int", "datetime"),                       // R40
    ("int", Add, "datetime", "datetime"),                       // R40
    ("smalldatetime", Add, "int", "smalldatetime"),             // R40
    ("datetime", Add, "float", "datetime"),                     // R40
    ("datetime", Add, "decimal(5,2)", "datetime"),              // R40
    ("datetime", Sub, "datetime", "datetime"),                  // R40
    ("smalldatetime", Add, "datetime", "datetime"),             // R1
    ("datetime", Add, "varchar(10)", "datetime"),               // R1, R40
    ("date", Add, "int", "ERR:date"),                           // R40: date + int is an error (206)
    ("datetime2(7)", Add, "int", "ERR:datetime2"),              // R40
    ("time(7)", Add, "int", "ERR:time"),                        // R40
    ("datetimeoffset(7)", Sub, "int", "ERR:datetimeoffset"),    // R40
    ("date", Sub, "date", "ERR:date"),                          // R42 (8117)
    ("datetime", Mul, "int", "ERR:multiply"),                   // R42 (8117)
    ("datetime", Div, "int", "ERR:divide"),                     // R42 (8117)
    ("uniqueidentifier", Add, "int", "ERR:uniqueidentifier"),   // R42 (8117)
    ("uniqueidentifier", Add, "varchar(10)", "ERR:uniqueidentifier"), // R42
    ("xml", Add, "nvarchar(10)", "ERR:xml"),                    // R42
    ("sql_variant", Add, "int", "ERR:sql_variant"),             // R42
    ("image", Add, "varbinary(10)", "ERR:image"),               // R42
    ("int", BitAnd, "int", "int"),                              // bitwise: integers
    ("tinyint", BitOr, "smallint", "smallint"),                 // R1
    ("bit", BitXor, "bit", "bit"),                              // bit with bit
    ("bigint", BitAnd, "int", "bigint"),                        // R1
    ("varbinary(4)", BitAnd, "int", "int"),                     // one side may be binary
    ("int", BitOr, "binary(2)", "int"),                         // one side may be binary
    ("varbinary(4)", BitAnd, "varbinary(4)", "ERR:bitwise"),    // not both binary
    ("decimal(10,0)", BitAnd, "int", "ERR:bitwise"),            // integers only
    ("float", BitOr, "int", "ERR:bitwise"),                     // integers only
    ("varchar(1)", BitAnd, "int", "ERR:bitwise"),               // integers only
    ("money", BitXor, "int", "ERR:bitwise"),                    // integers only
    ("int NULL", Add, "int", "int NULL"),                       // DESIGN §3: NULL in, NULL out
    ("int", Add, "int NULL", "int NULL"),                       // DESIGN §3
    ("int", Div, "int", "int"), // DESIGN §3: /0 is an error, not NULL
    ("decimal(10,2) NULL", Mul, "decimal(10,2) NULL", "decimal(21,4) NULL"), // R2, DESIGN §3
    ("varchar(10) NULL", Add, "varchar(10)", "varchar(20) NULL"), // CONCAT_NULL_YIELDS_NULL ON
    ("datetime NULL", Add, "int", "datetime NULL"), // DESIGN §3
];

#[test]
fn arithmetic_table() {
    let mut failures = Vec::new();
    for (a, op, b, expected) in ARITHMETIC {
        let row = format!("{a} {} {b}", op.symbol());
        let got = binary_arith(*op, &typed(a), &typed(b));
        failures.extend(check(&row, got, expected));
    }
    report(failures);
}

#[rustfmt::skip]
const UNARY_MINUS: &[(&str, &str)] = &[
    ("tinyint", "smallint"),            // R20
    ("smallint", "smallint"),           // R20
    ("int", "int"),                     // R20
    ("bigint", "bigint"),               // R20
    ("decimal(5,2)", "decimal(5,2)"),   // R20
    ("numeric(38,0)", "numeric(38,0)"), // R20
    ("float", "float"),                 // R20
    ("real", "real"),                   // R20
    ("money", "money"),                 // R20
    ("smallmoney", "smallmoney"),       // R20
    ("int NULL", "int NULL"),           // DESIGN §3
    ("tinyint NULL", "smallint NULL"),  // R20, DESIGN §3
    ("bit", "ERR"),                     // R20: numeric category only
    ("varchar(10)", "ERR"),             // R20
    ("datetime", "ERR"),                // R20
    ("uniqueidentifier", "ERR"),        // R20
];

#[test]
fn unary_minus_table() {
    let mut failures = Vec::new();
    for (a, expected) in UNARY_MINUS {
        failures.extend(check(&format!("-{a}"), unary_minus(&typed(a)), expected));
    }
    report(failures);
}

// ---------------------------------------------------------------- unify (R9, R10, R11, R33)

#[rustfmt::skip]
const UNIFY: &[(Unify, &str, &str)] = &[
    (Unify::Case, "int; int", "int"),                              // R10
    (Unify::Case, "int; varchar(10)", "int"),                      // R10, R1
    (Unify::Case, "varchar(10); int", "int"),                      // R10, R1
    (Unify::Case, "int; decimal(5,2)", "decimal(12,2)"),           // R10, R2 (UNION formula)
    (Unify::Case, "decimal(5,2); decimal(10,4)", "decimal(10,4)"), // R2
    (Unify::Case, "int; bigint", "bigint"),                        // R10
    (Unify::Case, "tinyint; smallint", "smallint"),                // R10
    (Unify::Case, "int; float", "float"),                          // R10
    (Unify::Case, "real; decimal(10,2)", "real"),                  // R10
    (Unify::Case, "money; int", "money"),                          // R10
    (Unify::Case, "money; decimal(10,2)", "decimal(19,4)"),        // R10, R2
    (Unify::Case, "numeric(3,2); int", "numeric(12,2)"),           // R10, R2
    (Unify::Case, "varchar(10); varchar(20)", "varchar(20)"),      // R10, R2: max length
    (Unify::Case, "char(10); varchar(5)", "varchar(10)"),          // R33: char vs varchar
    (Unify::Case, "char(5); char(10)", "char(10)"),                // R33
    (Unify::Case, "nchar(5); nchar(10)", "nchar(10)"),             // R33
    (Unify::Case, "varchar(10); nvarchar(5)", "nvarchar(10)"),     // R10, R1
    (Unify::Case, "varchar(max); varchar(10)", "varchar(max)"),    // R2
    (Unify::Case, "nvarchar(10); varchar(8000)", "nvarchar(max)"), // R2: 8000 chars > 4000
    (Unify::Case, "varbinary(10); binary(20)", "varbinary(20)"),   // R2
    (Unify::Case, "datetime; date", "datetime"),                   // R10, R1
    (Unify::Case, "datetime2(3); datetime2(7)", "datetime2(7)"),   // R10
    (Unify::Case, "datetime2(0); date", "datetime2(0)"),           // R10
    (Unify::Case, "datetime2(3); datetime", "datetime2(3)"),       // R10
    (Unify::Case, "time(3); time(0)", "time(3)"),                  // R10
    (Unify::Case, "datetimeoffset(2); datetime2(7)", "datetimeoffset(2)"), // R10
    (Unify::Case, "uniqueidentifier; varchar(36)", "uniqueidentifier"), // R10, R1
    (Unify::Case, "uniqueidentifier; int", "ERR"),                 // R10, R40
    (Unify::Case, "date; int", "ERR"),                             // R10, R40
    (Unify::Case, "datetime; int", "datetime"),                    // R10, R40
    (Unify::Case, "xml; nvarchar(max)", "xml"),                    // R10
    (Unify::Case, "sql_variant; int", "sql_variant"),              // R10
    (Unify::Case, "varbinary(10); int", "int"),                    // R10
    (Unify::Case, "bit; int", "int"),                              // R10
    (Unify::Case, "bit; bit", "bit"),                              // R10
    (Unify::Case, "int NULL; int", "int NULL"),                    // R10: any branch NULL
    (Unify::Coalesce, "int NULL; int", "int"),                     // R9: NULL only if all are
    (Unify::Coalesce, "int NULL; int NULL", "int NULL"),           // R9
    (Unify::Coalesce, "varchar(10) NULL; nvarchar(20)", "nvarchar(20)"), // R9, R1
    (Unify::Coalesce, "int NULL; decimal(5,2)", "decimal(12,2)"),  // R9, R2
    (Unify::Coalesce, "date NULL; datetime2(7) NULL; varchar(30)", "datetime2(7)"), // R9
    (Unify::Iif, "int; int NULL", "int NULL"),                     // R11
    (Unify::Iif, "varchar(1); varchar(3)", "varchar(3)"),          // R11
    (Unify::Iif, "int; date", "ERR"),                              // R11, R40
    (Unify::Union, "decimal(5,2); decimal(7,4)", "decimal(7,4)"),  // R2: UNION formula
    (Unify::Union, "decimal(38,0); decimal(38,38)", "decimal(38,0)"), // R2: 38 cap keeps integral
    (Unify::Union, "int; numeric(10,0)", "numeric(10,0)"),         // R33, R2
    (Unify::Union, "varchar(10) NULL; varchar(20)", "varchar(20) NULL"), // R33
    (Unify::Union, "char(3); char(3)", "char(3)"),                 // R33
    (Unify::Union, "text; varchar(10)", "text"),                   // R33, R1
    (Unify::Union, "image; varbinary(10)", "image"),               // R33, R1
    (Unify::Union, "int; uniqueidentifier", "ERR"),                // R33: incompatible
    (Unify::Union, "nvarchar(max); nvarchar(10); varchar(20)", "nvarchar(max)"), // R33
    (Unify::Values, "int; int NULL; int", "int NULL"),             // VALUES like UNION ALL
    (Unify::Values, "int; bigint; smallint", "bigint"),            // R1
    (Unify::Case, "", "ERR"),                                      // no value at all
];

fn items(list: &str) -> Vec<Typed> {
    list.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(typed)
        .collect()
}

#[test]
fn unify_table() {
    let mut failures = Vec::new();
    for (ctx, list, expected) in UNIFY {
        let row = format!("{ctx:?}({list})");
        failures.extend(check(&row, unify(*ctx, &items(list)), expected));
    }
    report(failures);
}

/// Bare NULL literals in a merge (`FnArg::Null`): they take the others' type.
#[rustfmt::skip]
const UNIFY_WITH_NULL: &[(Unify, &str, &str)] = &[
    (Unify::Case, "varchar(1); NULL", "varchar(1) NULL"), // R10: CASE .. THEN 'a' END
    (Unify::Case, "NULL; NULL", "int NULL"),              // R10: a lone NULL is int
    (Unify::Coalesce, "NULL; NULL", "ERR:COALESCE"),      // R9: error in SQL Server
    (Unify::Coalesce, "NULL; int", "int"),                // R9
    (Unify::Iif, "NULL; date", "date NULL"),              // R11
    (Unify::Union, "NULL; decimal(5,2)", "decimal(5,2) NULL"), // R33
];

#[test]
fn unify_with_null_literals_table() {
    let mut failures = Vec::new();
    for (ctx, list, expected) in UNIFY_WITH_NULL {
        let args: Vec<FnArg> = list
            .split(';')
            .map(str::trim)
            .map(|s| {
                if s == "NULL" {
                    FnArg::Null
                } else {
                    FnArg::Expr(typed(s))
                }
            })
            .collect();
        let row = format!("{ctx:?}({list})");
        failures.extend(check(&row, unify_args(*ctx, &args), expected));
    }
    report(failures);
}

// ---------------------------------------------------------------- literals (R17)

#[rustfmt::skip]
const NUMBER_LITERALS: &[(&str, &str)] = &[
    ("1", "int"),                                                // R17
    ("0", "int"),                                                // R17
    ("007", "int"),                                              // R17: leading zeros do not count
    ("2147483647", "int"),                                       // R17: int's largest
    ("2147483648", "numeric(10,0)"),                             // R17: too big for int
    ("9999999999", "numeric(10,0)"),                             // R17
    ("12345678901234567890", "numeric(20,0)"),                   // R17
    ("99999999999999999999999999999999999999", "numeric(38,0)"), // R17: 38 digits
    ("999999999999999999999999999999999999999", "ERR:38"),       // R17: 39 digits
    ("1.50", "numeric(3,2)"),                                    // R17: every written digit counts
    (".5", "numeric(1,1)"),                                      // R17
    ("0.5", "numeric(1,1)"),                                     // R17
    ("748.58", "numeric(5,2)"),   // R18: "748.58 defaults to decimal(5,2)"
    ("5.", "numeric(1,0)"),       // R17
    ("0.000", "numeric(3,3)"),    // R17
    ("123.4567", "numeric(7,4)"), // R17
    ("1e0", "float"),             // R17: E notation is float
    ("1E10", "float"),            // R17
    ("2.5e-3", "float"),          // R17
    (".5e+2", "float"),           // R17
    ("$12", "money"),             // R17: money constant
    ("$1.50", "money"),           // R17
    ("$-3", "money"),             // R17
    ("\u{20ac}12.5", "money"),    // R17: any currency symbol
    ("\u{a3}7", "money"),         // R17
    ("-1", "int"),                // R17: the sign is an operator
    ("+7", "int"),                // R17
    ("0x0102", "varbinary(2)"),   // R17: binary constant
    ("0x", "varbinary(1)"),       // R17
    ("", "ERR"),                  // not a number
    ("abc", "ERR"),               // not a number
    ("1.2.3", "ERR"),             // not a number
    ("$", "ERR"),                 // not a number
    ("0x0g", "ERR"),              // not hex
    ("1e5x", "ERR"),              // not a number
    ("-", "ERR"),                 // not a number
];

#[test]
fn number_literal_table() {
    let mut failures = Vec::new();
    for (text, expected) in NUMBER_LITERALS {
        let got = literal_number(text).map(Typed::not_null);
        failures.extend(check(&format!("literal `{text}`"), got, expected));
    }
    report(failures);
}

#[rustfmt::skip]
const STRING_LITERALS: &[(usize, bool, &str)] = &[
    (1, false, "varchar(1)"),            // R17: 'x'
    (0, false, "varchar(1)"),            // R17: '' (no type has length 0)
    (3, true, "nvarchar(3)"),            // R17: N'abc'
    (0, true, "nvarchar(1)"),            // R17: N''
    (8000, false, "varchar(8000)"),      // R17
    (8001, false, "varchar(max)"),       // R17: longer than 8000 bytes
    (4000, true, "nvarchar(4000)"),      // R17
    (4001, true, "nvarchar(max)"),       // R17
    (usize::MAX, false, "varchar(max)"), // huge input: no panic
    (usize::MAX, true, "nvarchar(max)"), // huge input: no panic
];

#[rustfmt::skip]
const BINARY_LITERALS: &[(usize, &str)] = &[
    (2, "varbinary(2)"),            // R17: 0x0102
    (0, "varbinary(1)"),            // R17: 0x
    (8000, "varbinary(8000)"),      // R17
    (8001, "varbinary(max)"),       // R17
    (usize::MAX, "varbinary(max)"), // huge input: no panic
];

#[test]
fn string_and_binary_literal_tables() {
    let mut failures = Vec::new();
    for (len, unicode, expected) in STRING_LITERALS {
        let got = literal_string(*len, *unicode).to_string();
        if got != *expected {
            failures.push(format!(
                "string({len}, unicode={unicode}): expected {expected}, got {got}"
            ));
        }
    }
    for (len, expected) in BINARY_LITERALS {
        let got = literal_binary(*len).to_string();
        if got != *expected {
            failures.push(format!("binary({len}): expected {expected}, got {got}"));
        }
    }
    report(failures);
}

// ---------------------------------------------------------------- CAST targets (R13, R15, R16, R43)

#[rustfmt::skip]
const CAST_TARGETS: &[(&str, &str)] = &[
    ("varchar", "varchar(30)"),                 // R13: omitted length = 30
    ("nvarchar", "nvarchar(30)"),               // R13
    ("char", "char(30)"),                       // R13
    ("nchar", "nchar(30)"),                     // R13
    ("binary", "binary(30)"),                   // R13
    ("varbinary", "varbinary(30)"),             // R13
    ("varchar(10)", "varchar(10)"),             // R13
    ("VARCHAR(MAX)", "varchar(max)"),           // R13
    ("nvarchar(max)", "nvarchar(max)"),         // R13
    ("varbinary(max)", "varbinary(max)"),       // R13
    ("nvarchar(4000)", "nvarchar(4000)"),       // R13
    ("decimal", "decimal(18,0)"),               // R15
    ("decimal(10)", "decimal(10,0)"),           // R15
    ("decimal(10,2)", "decimal(10,2)"),         // R15
    ("numeric", "numeric(18,0)"),               // R15
    ("numeric(5,2)", "numeric(5,2)"),           // R15
    ("float", "float"),                         // R16
    ("float(24)", "real"),                      // R16: n <= 24 is real
    ("float(1)", "real"),                       // R16
    ("float(25)", "float"),                     // R16
    ("float(53)", "float"),                     // R16
    ("real", "real"),                           // R16
    ("int", "int"),                             // R40
    ("integer", "int"),                         // R40
    ("bigint", "bigint"),                       // R40
    ("smallint", "smallint"),                   // R40
    ("tinyint", "tinyint"),                     // R40
    ("bit", "bit"),                             // R40
    ("money", "money"),                         // R40
    ("smallmoney", "smallmoney"),               // R40
    ("date", "date"),                           // R40
    ("time", "time(7)"),                        // R43: precision 7
    ("time(3)", "time(3)"),                     // R43
    ("datetime", "datetime"),                   // R40
    ("smalldatetime", "smalldatetime"),         // R40
    ("datetime2", "datetime2(7)"),              // R43
    ("datetime2(3)", "datetime2(3)"),           // R43
    ("datetime2(0)", "datetime2(0)"),           // R43
    ("datetimeoffset", "datetimeoffset(7)"),    // R43
    ("datetimeoffset(0)", "datetimeoffset(0)"), // R43
    ("uniqueidentifier", "uniqueidentifier"),   // R40
    ("xml", "xml"),                             // R40
    ("sysname", "nvarchar(128)"),               // system alias
    ("text", "text"),                           // R40
    ("ntext", "ntext"),                         // R40
    ("image", "image"),                         // R40
    ("sql_variant", "sql_variant"),             // R40
    ("hierarchyid", "hierarchyid"),             // R40
    ("rowversion", "timestamp"),                // R40
    ("[int]", "int"),                           // bracketed name
    ("varchar(0)", "ERR"),                      // R13: length 1..8000
    ("varchar(9000)", "ERR"),                   // R13
    ("nvarchar(4001)", "ERR"),                  // R13
    ("decimal(39,2)", "ERR"),                   // R15: precision 1..38
    ("decimal(5,6)", "ERR"),                    // R15: scale <= precision
    ("float(54)", "ERR"),                       // R16
    ("time(8)", "ERR"),                         // R43
    ("datetime2(8)", "ERR"),                    // R43
    ("int(4)", "ERR"),                          // int takes no length
    ("frobnicate", "ERR:not a SQL Server"),     // unknown type
    ("dbo.MyType", "ERR:user-defined"),         // alias types are not resolved in CAST
];

fn parse_cast_target(target: &str) -> sqlparser::ast::DataType {
    let sql = format!("SELECT CAST(x AS {target})");
    let stmts = Parser::parse_sql(&MsSqlDialect {}, &sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let Some(Statement::Query(q)) = stmts.into_iter().next() else {
        panic!("{sql}: not a query")
    };
    let SetExpr::Select(select) = *q.body else {
        panic!("{sql}: not a select")
    };
    match &select.projection[0] {
        SelectItem::UnnamedExpr(Expr::Cast { data_type, .. }) => data_type.clone(),
        other => panic!("{sql}: unexpected {other:?}"),
    }
}

#[test]
fn cast_target_table() {
    let mut failures = Vec::new();
    for (target, expected) in CAST_TARGETS {
        let dt = parse_cast_target(target);
        let got = cast_target(&dt).map(Typed::not_null);
        failures.extend(check(
            &format!("CAST(x AS {target}) [{dt:?}]"),
            got,
            expected,
        ));
    }
    report(failures);
}

/// (expression, target, TRY_?, expected)
#[rustfmt::skip]
const CASTS: &[(&str, &str, bool, &str)] = &[
    ("int", "varchar(10)", false, "varchar(10)"), // R13: CAST keeps nullability
    ("int NULL", "bigint", false, "bigint NULL"), // R13
    ("varchar(10)", "int", true, "int NULL"),     // R14: TRY_CAST can fail to NULL
    ("int", "date", true, "ERR:does not allow"),  // R14: disallowed even for TRY_CAST
    ("datetime", "int", false, "int"),            // R40: explicit conversion
    ("uniqueidentifier", "int", false, "ERR"),    // R40
    ("xml", "nvarchar(max)", false, "nvarchar(max)"), // R40
    ("xml", "int", true, "ERR"),                  // R14, R40
    ("nvarchar(50)", "datetime2(7)", true, "datetime2(7) NULL"), // R14
    ("date", "datetime2(7)", false, "datetime2(7)"), // R40
];

#[test]
fn cast_table() {
    let mut failures = Vec::new();
    for (expr, target, try_, expected) in CASTS {
        let row = format!(
            "{}CAST({expr} AS {target})",
            if *try_ { "TRY_" } else { "" }
        );
        failures.extend(check(&row, cast(&typed(expr), ty(target), *try_), expected));
    }
    report(failures);
}

/// Every operator, merge, comparison and cast over every pair of sample types, the
/// extremes included: an answer (type or error), never a panic.
#[test]
fn no_panics_on_any_pair_of_types() {
    let samples: Vec<SqlType> = [
        "bit",
        "tinyint",
        "smallint",
        "int",
        "bigint",
        "real",
        "float",
        "decimal(38,38)",
        "decimal(38,0)",
        "numeric(1,0)",
        "decimal(1,1)",
        "money",
        "smallmoney",
        "char(8000)",
        "varchar(8000)",
        "varchar(max)",
        "nchar(4000)",
        "nvarchar(4000)",
        "nvarchar(max)",
        "text",
        "ntext",
        "binary(8000)",
        "varbinary(max)",
        "image",
        "uniqueidentifier",
        "date",
        "time(0)",
        "datetime",
        "smalldatetime",
        "datetime2(7)",
        "datetimeoffset(0)",
        "xml",
        "json",
        "timestamp",
        "hierarchyid",
        "geography",
        "geometry",
        "sql_variant",
    ]
    .iter()
    .map(|s| ty(s))
    .chain([
        // Out-of-range values a caller could build by hand.
        SqlType::Decimal {
            precision: 255,
            scale: 255,
        },
        SqlType::Numeric {
            precision: 0,
            scale: 0,
        },
        SqlType::VarChar(mssqlx_offline::Length::Bounded(u16::MAX)),
        SqlType::NChar(0),
        SqlType::DateTime2(255),
    ])
    .collect();
    let ops = [Add, Sub, Mul, Div, Mod, BitAnd, BitOr, BitXor];
    let mut answers = 0usize;
    for a in &samples {
        let _ = unary_minus(&Typed::not_null(a.clone()));
        for b in &samples {
            let (ta, tb) = (Typed::not_null(a.clone()), Typed::nullable(b.clone()));
            for op in ops {
                let r = binary_arith(op, &ta, &tb);
                if let Err(e) = &r {
                    assert!(!e.message.is_empty());
                }
                answers += 1;
            }
            for ctx in [
                Unify::Case,
                Unify::Coalesce,
                Unify::Union,
                Unify::Iif,
                Unify::Values,
            ] {
                let _ = unify(ctx, &[ta.clone(), tb.clone(), ta.clone()]);
            }
            let _ = comparable(a, b);
            let _ = cast(&ta, b.clone(), true);
            let _ = implicit_conversion(a, b);
        }
    }
    assert!(answers > 10_000);
}
