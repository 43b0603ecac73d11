//! The built-in function catalog as a table: one row per rule instance, each citing its
//! rule id (R1..R46, `shared/reference/tsql-typing-rules.md`) or DESIGN §3 for the
//! nullability policy.
//!
//! Arguments are `;`-separated: a type (` NULL` suffix = nullable), `#kw` a datepart
//! keyword, `*` a star, `NULL` the bare NULL literal. The context is `""` (no GROUP BY),
//! `"g"` (GROUP BY), `"w"` (OVER). Expected: a type, ` NULL` if nullable, or `ERR[:words]`.

use mssqlx_macros_core::typing::{
    function, function_in_frame, function_names, is_aggregate, openjson_default_columns, FnArg,
    FnContext, Frame, Typed, TypingError,
};
use mssqlx_offline::SqlType;
use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

fn typed(s: &str) -> Typed {
    let s = s.trim();
    let (t, nullable) = match s.strip_suffix(" NULL") {
        Some(t) => (t, true),
        None => (s, false),
    };
    let ty: SqlType = t
        .parse()
        .unwrap_or_else(|e| panic!("bad type `{t}` in a row: {e}"));
    Typed { ty, nullable }
}

fn args(list: &str) -> Vec<FnArg> {
    list.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "*" => FnArg::Star,
            "NULL" => FnArg::Null,
            k if k.starts_with('#') => FnArg::Keyword(k[1..].to_string()),
            t => FnArg::Expr(typed(t)),
        })
        .collect()
}

fn ctx(c: &str) -> FnContext {
    FnContext {
        grouped: c.contains('g'),
        windowed: c.contains('w'),
    }
}

fn show(r: &Result<Typed, TypingError>) -> String {
    match r {
        Ok(t) if t.nullable => format!("{} NULL", t.ty),
        Ok(t) => t.ty.to_string(),
        Err(e) => format!("ERR:{}", e.message),
    }
}

fn run(rows: &[(&str, &str, &str, &str)]) {
    let mut failures = Vec::new();
    for (name, list, c, expected) in rows {
        let got = function(name, &args(list), &ctx(c));
        let shown = show(&got);
        let ok = match expected.strip_prefix("ERR") {
            Some(words) => got.as_ref().is_err_and(|e| {
                !e.message.is_empty() && e.message.contains(words.trim_start_matches(':'))
            }),
            None => shown == *expected,
        };
        if !ok {
            failures.push(format!(
                "{name}({list}) [{c}]: expected `{expected}`, got `{shown}`"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[rustfmt::skip]
const AGGREGATE: &[(&str, &str, &str, &str)] = &[
    ("COUNT", "*", "", "int"),        // R5; DESIGN §3: never NULL
    ("COUNT", "*", "g", "int"),       // R5
    ("COUNT", "int NULL", "", "int"), // R5: NULLs are not counted
    ("COUNT", "*", "w", "int"),       // R5
    ("count", "*", "", "int"),        // names are case-insensitive
    ("COUNT_BIG", "*", "", "bigint"), // R6
    ("COUNT_BIG", "varchar(10) NULL", "g", "bigint"), // R6
    ("SUM", "int", "g", "int"),       // R3; DESIGN §3: a group is never empty
    ("SUM", "int", "", "int NULL"),   // R3: no GROUP BY, empty table → NULL
    ("SUM", "int NULL", "g", "int NULL"), // R3: a group of NULLs → NULL
    ("SUM", "tinyint", "g", "int"),   // R3
    ("SUM", "smallint", "g", "int"),  // R3
    ("SUM", "bigint", "g", "bigint"), // R3
    ("SUM", "decimal(10,2)", "g", "decimal(38,2)"), // R3
    ("SUM", "numeric(5,1)", "g", "numeric(38,1)"), // R3
    ("SUM", "money", "g", "money"),   // R3
    ("SUM", "smallmoney", "g", "money"), // R3
    ("SUM", "real", "g", "float"),    // R3
    ("SUM", "float", "g", "float"),   // R3
    ("SUM", "int", "w", "int NULL"),  // DESIGN §3: a frame may be empty
    ("SUM", "bit", "g", "ERR"),       // R3: bit not allowed
    ("SUM", "varchar(10)", "g", "ERR"), // R3
    ("SUM", "datetime", "g", "ERR"),  // R3
    ("SUM", "*", "g", "ERR:*"),       // only COUNT takes *
    ("SUM", "", "g", "ERR:1 argument"), // arity
    ("AVG", "int", "g", "int"),       // R4
    ("AVG", "tinyint", "g", "int"),   // R4
    ("AVG", "bigint", "g", "bigint"), // R4
    ("AVG", "decimal(10,2)", "g", "decimal(38,6)"), // R4: scale max(s, 6)
    ("AVG", "decimal(10,8)", "g", "decimal(38,8)"), // R4
    ("AVG", "money", "g", "money"),   // R4
    ("AVG", "real", "g", "float"),    // R4
    ("AVG", "float", "", "float NULL"), // R4; DESIGN §3
    ("AVG", "bit", "g", "ERR"),       // R4
    ("MIN", "int", "g", "int"),       // R7: same type
    ("MAX", "varchar(50)", "g", "varchar(50)"), // R7
    ("MAX", "datetime2(3) NULL", "g", "datetime2(3) NULL"), // R7
    ("MAX", "int", "", "int NULL"),   // R7; DESIGN §3
    ("MIN", "uniqueidentifier", "g", "uniqueidentifier"), // R7
    ("MAX", "bit", "g", "ERR"),       // R7: not for bit
    ("MAX", "text", "g", "ERR"),      // R7
    ("MAX", "xml", "g", "ERR"),       // R7
    ("STDEV", "float", "g", "float NULL"), // one value → NULL
    ("STDEVP", "float", "g", "float"), // DESIGN §3
    ("VAR", "int", "g", "float NULL"), // one value → NULL
    ("VARP", "int", "g", "float"),    // DESIGN §3
    ("STRING_AGG", "nvarchar(50); varchar(1)", "g", "nvarchar(4000)"), // STRING_AGG types
    ("STRING_AGG", "varchar(50); varchar(1)", "g", "varchar(8000)"), // issue 4 catalog: STRING_AGG
    ("STRING_AGG", "nvarchar(max); varchar(1)", "g", "nvarchar(max)"), // issue 4 catalog: STRING_AGG
    ("STRING_AGG", "varchar(max); varchar(1)", "g", "varchar(max)"), // issue 4 catalog: STRING_AGG
    ("STRING_AGG", "int; varchar(1)", "g", "nvarchar(4000)"), // issue 4 catalog: STRING_AGG
    ("STRING_AGG", "nvarchar(50) NULL; varchar(1)", "g", "nvarchar(4000) NULL"), // DESIGN §3
    ("STRING_AGG", "nvarchar(50); varchar(1)", "", "nvarchar(4000) NULL"), // DESIGN §3
    ("CHECKSUM_AGG", "int", "g", "int"), // issue 4 catalog: CHECKSUM_AGG
    ("GROUPING", "int NULL", "g", "tinyint"), // issue 4 catalog: GROUPING
    ("GROUPING_ID", "int; int", "g", "int"), // issue 4 catalog: GROUPING_ID
    ("APPROX_COUNT_DISTINCT", "int NULL", "", "bigint"), // issue 4 catalog: APPROX_COUNT_DISTINCT
    ("COUNT", "int; int", "", "ERR:1 argument"), // arity
    ("COUNT", "", "", "ERR:1 argument"),         // arity
];

#[test]
fn aggregate_table() {
    run(AGGREGATE);
}

#[rustfmt::skip]
const WINDOW: &[(&str, &str, &str, &str)] = &[
    ("ROW_NUMBER", "", "w", "bigint"),              // R34
    ("RANK", "", "w", "bigint"),                    // R34
    ("DENSE_RANK", "", "w", "bigint"),              // R34
    ("NTILE", "int", "w", "bigint"),                // R34
    ("ROW_NUMBER", "", "", "ERR:OVER"),             // R34: needs OVER
    ("ROW_NUMBER", "int", "w", "ERR:no arguments"), // arity
    ("LAG", "int", "w", "int NULL"),                // DESIGN §3: past the edge → NULL
    ("LAG", "int; int; int", "w", "int"),           // DESIGN §3: NOT NULL default
    ("LAG", "int; int; int NULL", "w", "int NULL"), // DESIGN §3
    ("LAG", "int NULL; int; int", "w", "int NULL"), // DESIGN §3
    ("LEAD", "varchar(10); int; varchar(10)", "w", "varchar(10)"), // DESIGN §3
    ("LEAD", "decimal(10,2)", "w", "decimal(10,2) NULL"), // DESIGN §3
    ("LAG", "date; int; int", "w", "ERR:default"), // R40: the default converts to the value's type
    ("LAG", "decimal(10,2); int; int", "w", "decimal(10,2)"), // R40: int converts to decimal
    ("FIRST_VALUE", "int", "w", "int NULL"),        // DESIGN §3: frame may be empty
    ("LAST_VALUE", "date", "w", "date NULL"),       // DESIGN §3
    ("PERCENT_RANK", "", "w", "float"), // issue 4 catalog: PERCENT_RANK
    ("CUME_DIST", "", "w", "float"), // issue 4 catalog: CUME_DIST
    ("PERCENTILE_CONT", "float; int", "w", "float"), // issue 4 catalog: PERCENTILE_CONT
    ("PERCENTILE_CONT", "float; int NULL", "w", "float NULL"), // issue 4 catalog: PERCENTILE_CONT; DESIGN §3 nullability
    ("PERCENTILE_DISC", "float; date", "w", "date"), // issue 4 catalog: PERCENTILE_DISC
    ("PERCENTILE_CONT", "float", "w", "float NULL"), // ordering expression not given
    ("SUM", "NULL", "g", "ERR:NULL"),                // R42 (8117)
    ("UPPER", "varchar(10)", "w", "ERR:OVER"),       // scalar functions take no OVER
];

#[test]
fn window_table() {
    run(WINDOW);
}

#[test]
fn aggregates_over_a_frame_holding_the_current_row_are_not_null() {
    let w = FnContext {
        grouped: false,
        windowed: true,
    };
    let x = [FnArg::Expr(Typed::not_null(SqlType::Int))];
    let sum = function_in_frame("SUM", &x, &w, Frame::ContainsCurrentRow).unwrap();
    assert_eq!(sum, Typed::not_null(SqlType::Int)); // DESIGN §3
    let sum = function_in_frame("SUM", &x, &w, Frame::Unknown).unwrap();
    assert!(sum.nullable); // DESIGN §3
    let n = [FnArg::Expr(Typed::nullable(SqlType::Int))];
    assert!(
        function_in_frame("MAX", &n, &w, Frame::ContainsCurrentRow)
            .unwrap()
            .nullable
    );
}

/// (OVER clause, can the frame be empty?) — DESIGN §3: an empty frame gives NULL.
const FRAMES: &[(&str, Frame)] = &[
    ("()", Frame::ContainsCurrentRow), // DESIGN §3: an empty frame gives NULL
    ("(PARTITION BY a)", Frame::ContainsCurrentRow), // DESIGN §3: an empty frame gives NULL
    ("(ORDER BY a)", Frame::ContainsCurrentRow), // DESIGN §3: an empty frame gives NULL
    (
        "(PARTITION BY a ORDER BY b ROWS UNBOUNDED PRECEDING)",
        Frame::ContainsCurrentRow,
    ),
    ("(ORDER BY a ROWS 3 PRECEDING)", Frame::ContainsCurrentRow), // DESIGN §3: an empty frame gives NULL
    (
        "(ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
        Frame::ContainsCurrentRow,
    ),
    (
        "(ORDER BY a ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
        Frame::ContainsCurrentRow,
    ),
    (
        "(ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        Frame::ContainsCurrentRow,
    ),
    (
        "(ORDER BY a ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING)",
        Frame::Unknown,
    ),
    (
        "(ORDER BY a ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)",
        Frame::Unknown,
    ),
];

#[test]
fn frame_table() {
    let mut failures = Vec::new();
    for (over, expected) in FRAMES {
        let sql = format!("SELECT SUM(x) OVER {over} FROM t");
        let stmts =
            Parser::parse_sql(&MsSqlDialect {}, &sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let Some(Statement::Query(q)) = stmts.into_iter().next() else {
            panic!("{sql}")
        };
        let SetExpr::Select(select) = *q.body else {
            panic!("{sql}")
        };
        let SelectItem::UnnamedExpr(Expr::Function(f)) = &select.projection[0] else {
            panic!("{sql}")
        };
        let Some(w) = &f.over else {
            panic!("{sql}: no OVER")
        };
        let got = Frame::of(w);
        if got != *expected {
            failures.push(format!("OVER {over}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // FIRST_VALUE over a frame holding the current row is as nullable as its argument.
    let w = FnContext {
        grouped: false,
        windowed: true,
    };
    let x = [FnArg::Expr(Typed::not_null(SqlType::Date))];
    let first = function_in_frame("FIRST_VALUE", &x, &w, Frame::ContainsCurrentRow).unwrap();
    assert_eq!(first, Typed::not_null(SqlType::Date));
}

#[rustfmt::skip]
const STRING: &[(&str, &str, &str, &str)] = &[
    ("LEN", "varchar(50)", "", "int"),                       // R21
    ("LEN", "nvarchar(max)", "", "bigint"),                  // R21: (max) → bigint
    ("LEN", "varchar(max) NULL", "", "bigint NULL"),         // R21; DESIGN §3
    ("LEN", "int", "", "int"),                               // R21: converted
    ("LEN", "text", "", "ERR"),                              // R21
    ("LEN", "xml", "", "ERR"),                               // R40: xml → string is explicit
    ("LEN", "", "", "ERR:1 argument"),                       // arity
    ("LEN", "varchar(1); varchar(1)", "", "ERR:1 argument"), // arity
    ("DATALENGTH", "varbinary(max)", "", "bigint"),          // R21
    ("DATALENGTH", "int", "", "int"),                        // R21
    ("DATALENGTH", "text", "", "int"),                       // R21
    ("DATALENGTH", "nvarchar(max) NULL", "", "bigint NULL"), // R21
    ("LEFT", "varchar(50); int", "", "varchar(50)"), // issue 4 catalog: LEFT
    ("LEFT", "char(10); int", "", "varchar(10)"), // issue 4 catalog: LEFT
    ("LEFT", "nchar(10); int", "", "nvarchar(10)"), // issue 4 catalog: LEFT
    ("RIGHT", "nvarchar(max); int", "", "nvarchar(max)"), // issue 4 catalog: RIGHT
    ("LEFT", "int; int", "", "varchar(11)"), // issue 4 catalog: LEFT
    ("LEFT", "text; int", "", "ERR"), // issue 4 catalog: LEFT, error path
    ("LEFT", "varchar(10) NULL; int", "", "varchar(10) NULL"), // DESIGN §3
    ("SUBSTRING", "char(10); int; int", "", "varchar(10)"),    // R22
    ("SUBSTRING", "nchar(10); int; int", "", "nvarchar(10)"),  // R22
    ("SUBSTRING", "text; int; int", "", "varchar(max)"),       // R22
    ("SUBSTRING", "ntext; int; int", "", "nvarchar(max)"),     // R22
    ("SUBSTRING", "binary(16); int; int", "", "varbinary(16)"), // R22
    ("SUBSTRING", "image; int; int", "", "varbinary(max)"),    // R22
    ("SUBSTRING", "varchar(max); int; int", "", "varchar(max)"), // R22
    ("SUBSTRING", "int; int; int", "", "ERR"),                 // R22
    ("SUBSTRING", "varchar(10)", "", "ERR:2 to 3"),            // arity
    ("UPPER", "char(10)", "", "varchar(10)"),                  // R23
    ("UPPER", "nvarchar(50) NULL", "", "nvarchar(50) NULL"),   // R23
    ("LOWER", "varchar(max)", "", "varchar(max)"),             // R23
    ("UPPER", "text", "", "ERR"),                              // R23
    ("UPPER", "*", "", "ERR:*"), // R23, error path
    ("LTRIM", "varchar(20)", "", "varchar(20)"), // issue 4 catalog: LTRIM
    ("RTRIM", "char(10)", "", "varchar(10)"), // issue 4 catalog: RTRIM
    ("TRIM", "nvarchar(30) NULL", "", "nvarchar(30) NULL"), // issue 4 catalog: TRIM; DESIGN §3 nullability
    ("TRIM", "varchar(1); nvarchar(30)", "", "nvarchar(30)"), // TRIM('x' FROM s): written order
    ("REPLACE", "varchar(50); varchar(1); varchar(2)", "", "varchar(8000)"), // issue 4 catalog: REPLACE
    ("REPLACE", "varchar(50); nvarchar(1); varchar(2)", "", "nvarchar(4000)"), // issue 4 catalog: REPLACE
    ("REPLACE", "nvarchar(max); nvarchar(1); nvarchar(1)", "", "nvarchar(max)"), // issue 4 catalog: REPLACE
    ("REPLICATE", "varchar(1); int", "", "varchar(8000) NULL"), // negative count → NULL
    ("REPLICATE", "nvarchar(max); int", "", "nvarchar(max) NULL"), // issue 4 catalog: REPLICATE; DESIGN §3 nullability
    ("REVERSE", "char(5)", "", "varchar(5)"), // issue 4 catalog: REVERSE
    ("CHARINDEX", "varchar(1); varchar(50)", "", "int"), // DESIGN §3: 0, not NULL
    ("CHARINDEX", "varchar(1); varchar(max); int", "", "bigint"), // issue 4 catalog: CHARINDEX
    ("CHARINDEX", "varchar(1) NULL; varchar(50)", "", "int NULL"), // issue 4 catalog: CHARINDEX; DESIGN §3 nullability
    ("PATINDEX", "varchar(5); nvarchar(max)", "", "bigint"), // issue 4 catalog: PATINDEX
    ("PATINDEX", "varchar(5); text", "", "int"), // issue 4 catalog: PATINDEX
    ("STUFF", "varchar(50); int; int; varchar(5)", "", "varchar(8000) NULL"), // start past end → NULL
    ("STUFF", "nvarchar(50); int; int; nvarchar(5)", "", "nvarchar(4000) NULL"), // issue 4 catalog: STUFF; DESIGN §3 nullability
    ("STUFF", "varbinary(10); int; int; varbinary(2)", "", "varbinary(8000) NULL"), // issue 4 catalog: STUFF; DESIGN §3 nullability
    ("CONCAT", "varchar(10); varchar(20)", "", "varchar(30)"), // R24
    ("CONCAT", "varchar(10) NULL; int NULL", "", "varchar(21)"), // R24: never NULL
    ("CONCAT", "varchar(10); nvarchar(10)", "", "nvarchar(20)"), // R24
    ("CONCAT", "NULL; NULL", "", "varchar(1)"),                // R24: all NULL → varchar(1)
    ("CONCAT", "varchar(max); nvarchar(10)", "", "nvarchar(max)"), // R24
    ("CONCAT", "varchar(5000); varchar(5000)", "", "varchar(8000)"), // R24
    ("CONCAT", "nvarchar(3000); nvarchar(3000)", "", "nvarchar(4000)"), // R24
    ("CONCAT", "uniqueidentifier; date", "", "varchar(46)"),   // R24
    ("CONCAT", "hierarchyid; varchar(10)", "", "nvarchar(max)"), // R24: CLR type
    ("CONCAT", "varbinary(max); varchar(10)", "", "varchar(max)"), // R24: row 2
    ("CONCAT", "varchar(max); nchar(1)", "", "nvarchar(max)"), // R24: row 2, nvarchar
    ("CONCAT", "varchar(10)", "", "ERR:at least 2"),           // R24: 2..254 arguments
    ("CONCAT_WS", "varchar(1); varchar(10); varchar(10)", "", "varchar(21)"), // issue 4 catalog: CONCAT_WS
    ("CONCAT_WS", "varchar(2); varchar(10) NULL; int NULL; date", "", "varchar(35)"), // issue 4 catalog: CONCAT_WS
    ("CONCAT_WS", "nvarchar(1); varchar(10); varchar(10)", "", "nvarchar(21)"), // issue 4 catalog: CONCAT_WS
    ("CONCAT_WS", "varchar(1) NULL; varchar(10); varchar(10)", "", "varchar(21) NULL"), // issue 4 catalog: CONCAT_WS; NULL separator undocumented: nullable
    ("CONCAT_WS", "varchar(1); varchar(10)", "", "ERR:at least 3"), // issue 4 catalog: CONCAT_WS, error path
    ("FORMAT", "datetime; nvarchar(10)", "", "nvarchar(4000) NULL"), // issue 4 catalog: FORMAT; DESIGN §3 nullability
    ("QUOTENAME", "nvarchar(128)", "", "nvarchar(258) NULL"), // issue 4 catalog: QUOTENAME; DESIGN §3 nullability
    ("SPACE", "int", "", "varchar(8000) NULL"), // issue 4 catalog: SPACE; DESIGN §3 nullability
    ("STR", "float", "", "varchar(10) NULL"), // issue 4 catalog: STR; DESIGN §3 nullability
    ("CHAR", "int", "", "char(1) NULL"), // issue 4 catalog: CHAR; DESIGN §3 nullability
    ("NCHAR", "int", "", "nchar(1) NULL"), // issue 4 catalog: NCHAR; DESIGN §3 nullability
    ("ASCII", "varchar(1)", "", "int NULL"), // issue 4 catalog: ASCII; DESIGN §3 nullability
    ("UNICODE", "nvarchar(1)", "", "int NULL"), // issue 4 catalog: UNICODE; DESIGN §3 nullability
    ("SOUNDEX", "varchar(50)", "", "varchar(4)"), // issue 4 catalog: SOUNDEX
    ("DIFFERENCE", "varchar(5); varchar(5)", "", "int"), // issue 4 catalog: DIFFERENCE
    ("STRING_ESCAPE", "nvarchar(50); varchar(4)", "", "nvarchar(max)"), // issue 4 catalog: STRING_ESCAPE
    ("TRANSLATE", "varchar(20); varchar(3); varchar(3)", "", "varchar(20)"), // issue 4 catalog: TRANSLATE
];

#[test]
fn string_table() {
    run(STRING);
}

#[rustfmt::skip]
const MATH: &[(&str, &str, &str, &str)] = &[
    ("ABS", "int", "", "int"),                               // R19
    ("ABS", "tinyint", "", "tinyint"),                       // R19
    ("ABS", "decimal(10,2) NULL", "", "decimal(10,2) NULL"), // R19
    ("ABS", "float", "", "float"),                           // R19
    ("ABS", "money", "", "money"),                           // R19
    ("ABS", "varchar(10)", "", "float"),                     // R19: converted to float
    ("ABS", "datetime", "", "ERR"),                          // R19
    ("ABS", "uniqueidentifier", "", "ERR"),                  // R19
    ("CEILING", "decimal(10,2)", "", "decimal(10,0)"), // issue 4 catalog: CEILING
    ("FLOOR", "numeric(5,2)", "", "numeric(5,0)"), // issue 4 catalog: FLOOR
    ("CEILING", "int", "", "int"), // issue 4 catalog: CEILING
    ("FLOOR", "float", "", "float"), // issue 4 catalog: FLOOR
    ("CEILING", "money", "", "money"), // issue 4 catalog: CEILING
    ("CEILING", "bit", "", "ERR"), // bit is invalid for CEILING
    ("ROUND", "decimal(10,2); int", "", "decimal(10,2)"), // R18
    ("ROUND", "numeric(5,2); int", "", "numeric(5,2)"), // R18: ROUND(748.58, ..)
    ("ROUND", "tinyint; int", "", "int"), // R18
    ("ROUND", "smallint; int", "", "int"), // R18
    ("ROUND", "bigint; int", "", "bigint"), // R18
    ("ROUND", "real; int", "", "float"), // R18
    ("ROUND", "money; int", "", "money"), // R18
    ("ROUND", "float; int; int", "", "float"), // R18
    ("ROUND", "int", "", "ERR:2 to 3"), // R18: arity
    ("SIGN", "int", "", "int"), // issue 4 catalog: SIGN
    ("SIGN", "smallint", "", "int"), // issue 4 catalog: SIGN
    ("SIGN", "decimal(5,2)", "", "decimal(5,2)"), // issue 4 catalog: SIGN
    ("SIGN", "real", "", "float"), // issue 4 catalog: SIGN
    ("POWER", "int; int", "", "int"), // issue 4 catalog: POWER
    ("POWER", "decimal(5,2); int", "", "decimal(38,2)"), // issue 4 catalog: POWER
    ("POWER", "float; int", "", "float"), // issue 4 catalog: POWER
    ("POWER", "bigint; int", "", "bigint"), // issue 4 catalog: POWER
    ("POWER", "varchar(5); int", "", "float"), // issue 4 catalog: POWER
    ("POWER", "smallint; int", "", "int"), // issue 4 catalog: POWER
    ("POWER", "money; int", "", "money"), // issue 4 catalog: POWER
    ("SQRT", "int", "", "float"), // issue 4 catalog: SQRT
    ("SQUARE", "decimal(5,2)", "", "float"), // issue 4 catalog: SQUARE
    ("LOG", "float", "", "float"), // issue 4 catalog: LOG
    ("LOG", "float; int", "", "float"), // issue 4 catalog: LOG
    ("LOG10", "int NULL", "", "float NULL"), // issue 4 catalog: LOG10; DESIGN §3 nullability
    ("EXP", "int", "", "float"), // issue 4 catalog: EXP
    ("SIN", "float", "", "float"), // issue 4 catalog: SIN
    ("ATN2", "float; float", "", "float"), // issue 4 catalog: ATN2
    ("PI", "", "", "float"), // issue 4 catalog: PI
    ("RAND", "", "", "float"), // issue 4 catalog: RAND
    ("RAND", "int", "", "float"), // issue 4 catalog: RAND
    ("SQRT", "date", "", "ERR"), // issue 4 catalog: SQRT, error path
    ("DEGREES", "int", "", "int"), // issue 4 catalog: DEGREES
    ("RADIANS", "float", "", "float"), // issue 4 catalog: RADIANS
    ("GREATEST", "int; int NULL", "", "int"), // issue 4 catalog: GREATEST
    ("GREATEST", "int NULL; int NULL", "", "int NULL"), // issue 4 catalog: GREATEST; DESIGN §3 nullability
    ("LEAST", "int; decimal(5,2)", "", "decimal(12,2)"), // issue 4 catalog: LEAST
];

#[test]
fn math_table() {
    run(MATH);
}

#[rustfmt::skip]
const DATE: &[(&str, &str, &str, &str)] = &[
    ("GETDATE", "", "", "datetime"),                    // R28
    ("GETUTCDATE", "", "", "datetime"),                 // R28
    ("CURRENT_TIMESTAMP", "", "", "datetime"),          // R28
    ("SYSDATETIME", "", "", "datetime2(7)"),            // R28
    ("SYSUTCDATETIME", "", "", "datetime2(7)"),         // R28
    ("SYSDATETIMEOFFSET", "", "", "datetimeoffset(7)"), // R28
    ("CURRENT_DATE", "", "", "date"), // issue 4 catalog: CURRENT_DATE
    ("GETDATE", "int", "", "ERR:no arguments"), // arity
    ("DATEADD", "#day; int; datetime", "", "datetime"), // R26: keeps its input type
    ("DATEADD", "#dd; int; date", "", "date"),  // R26
    ("DATEADD", "#month; int; datetime2(3)", "", "datetime2(3)"), // R26
    ("DATEADD", "#hour; int; time(0)", "", "time(0)"), // R26
    ("DATEADD", "#minute; int; smalldatetime", "", "smalldatetime"), // R26
    ("DATEADD", "#DAY; int; datetimeoffset(3)", "", "datetimeoffset(3)"), // R26
    ("DATEADD", "#day; int; varchar(10)", "", "datetime"), // R26: string literal → datetime
    ("DATEADD", "#day; int NULL; date", "", "date NULL"), // DESIGN §3
    ("DATEADD", "#day; int; date NULL", "", "date NULL"), // DESIGN §3
    ("DATEADD", "#ns; int; datetime2(7)", "", "datetime2(7)"), // R26
    ("DATEADD", "#mcs; int; datetimeoffset(7)", "", "datetimeoffset(7)"), // R26
    ("DATEADD", "#hour; int; date", "", "ERR:hour"), // R26
    ("DATEADD", "#year; int; time(7)", "", "ERR:year"), // R26
    ("DATEADD", "#microsecond; int; datetime", "", "ERR:microsecond"), // R26
    ("DATEADD", "#nanosecond; int; smalldatetime", "", "ERR:nanosecond"), // R26
    ("DATEADD", "#fortnight; int; date", "", "ERR:fortnight"), // R26: unknown datepart
    ("DATEADD", "#tzoffset; int; datetimeoffset(7)", "", "ERR:tzoffset"), // R26
    ("DATEADD", "int; int; date", "", "ERR:datepart"), // R26: datepart is a keyword
    ("DATEADD", "#day; int; uniqueidentifier", "", "ERR"), // R26
    ("DATEDIFF", "#day; date; date", "", "int"), // R27
    ("DATEDIFF", "#second; datetime2(7) NULL; datetime2(7)", "", "int NULL"), // R27
    ("DATEDIFF_BIG", "#ms; datetime; datetime", "", "bigint"), // R27
    ("DATEDIFF", "#day; bigint; datetime2(7)", "", "int"), // R27: the page's example G (ROW_NUMBER() as startdate)
    ("DATEDIFF", "#day; varchar(30); datetime", "", "int"), // R27: string constants are converted
    ("DATEDIFF", "#day; date", "", "ERR:3 arguments"), // R27: arity
    ("DATEPART", "#year; date", "", "int"), // issue 4 catalog: DATEPART
    ("DATEPART", "#tz; datetimeoffset(7)", "", "int"), // issue 4 catalog: DATEPART
    ("DATEPART", "#iso_week; date", "", "int"), // issue 4 catalog: DATEPART
    ("DATENAME", "#month; date", "", "nvarchar(30)"), // issue 4 catalog: DATENAME
    ("DATENAME", "#weekday; datetime NULL", "", "nvarchar(30) NULL"), // issue 4 catalog: DATENAME; DESIGN §3 nullability
    ("DAY", "date", "", "int"), // issue 4 catalog: DAY
    ("MONTH", "datetime2(7)", "", "int"), // issue 4 catalog: MONTH
    ("YEAR", "varchar(10)", "", "int"), // issue 4 catalog: YEAR
    ("YEAR", "int", "", "int"), // issue 4 catalog: YEAR
    ("YEAR", "uniqueidentifier", "", "ERR"), // issue 4 catalog: YEAR, error path
    ("EOMONTH", "date", "", "date"), // issue 4 catalog: EOMONTH
    ("EOMONTH", "datetime; int", "", "date"), // issue 4 catalog: EOMONTH
    ("EOMONTH", "date NULL", "", "date NULL"), // issue 4 catalog: EOMONTH; DESIGN §3 nullability
    ("DATEFROMPARTS", "int; int; int", "", "date"), // issue 4 catalog: DATEFROMPARTS
    ("DATEFROMPARTS", "int NULL; int; int", "", "date NULL"), // issue 4 catalog: DATEFROMPARTS; DESIGN §3 nullability
    ("DATEFROMPARTS", "int; int", "", "ERR:3 arguments"), // issue 4 catalog: DATEFROMPARTS, error path
    ("DATETIME2FROMPARTS", "int; int; int; int; int; int; int; int", "", "datetime2(7)"), // issue 4 catalog: DATETIME2FROMPARTS
    ("DATETIMEFROMPARTS", "int; int; int; int; int; int; int", "", "datetime"), // issue 4 catalog: DATETIMEFROMPARTS
    ("SMALLDATETIMEFROMPARTS", "int; int; int; int; int", "", "smalldatetime"), // issue 4 catalog: SMALLDATETIMEFROMPARTS
    ("TIMEFROMPARTS", "int; int; int; int; int", "", "time(7)"), // issue 4 catalog: TIMEFROMPARTS
    ("DATETIMEOFFSETFROMPARTS", "int; int; int; int; int; int; int; int; int; int", "", "datetimeoffset(7)"), // issue 4 catalog: DATETIMEOFFSETFROMPARTS
    ("SWITCHOFFSET", "datetimeoffset(3); varchar(6)", "", "datetimeoffset(3)"), // issue 4 catalog: SWITCHOFFSET
    ("TODATETIMEOFFSET", "datetime2(2); varchar(6)", "", "datetimeoffset(2)"), // issue 4 catalog: TODATETIMEOFFSET
    ("TODATETIMEOFFSET", "datetime; varchar(6)", "", "datetimeoffset(3)"), // issue 4 catalog: TODATETIMEOFFSET
    ("ISDATE", "varchar(20) NULL", "", "int"), // issue 4 catalog: ISDATE
    ("DATETRUNC", "#month; datetime2(3)", "", "datetime2(3)"), // issue 4 catalog: DATETRUNC
    ("DATETRUNC", "#day; date", "", "date"), // issue 4 catalog: DATETRUNC
    ("DATETRUNC", "#hour; date", "", "ERR:hour"), // issue 4 catalog: DATETRUNC, error path
    ("DATETRUNC", "#weekday; date", "", "ERR:weekday"), // issue 4 catalog: DATETRUNC, error path
    ("DATETRUNC", "#day; varchar(10)", "", "datetime2(7)"), // issue 4 catalog: DATETRUNC
    ("DATE_BUCKET", "#week; int; date", "", "date"), // issue 4 catalog: DATE_BUCKET
];

#[test]
fn date_table() {
    run(DATE);
}

#[rustfmt::skip]
const LOGIC: &[(&str, &str, &str, &str)] = &[
    ("ISNULL", "int NULL; int", "", "int"),           // R8
    ("ISNULL", "int NULL; int NULL", "", "int NULL"), // R8; DESIGN §3
    ("ISNULL", "varchar(5) NULL; varchar(50)", "", "varchar(5)"), // R8: replacement truncated
    ("ISNULL", "int NULL; decimal(10,2)", "", "int"), // R8: first argument's type
    ("ISNULL", "NULL; int", "", "int"),               // R8
    ("ISNULL", "NULL; NULL", "", "int NULL"),         // R8
    ("ISNULL", "uniqueidentifier NULL; int", "", "ERR"), // R8, R40
    ("ISNULL", "date NULL; int", "", "ERR"),          // R8, R40
    ("ISNULL", "int", "", "ERR:2 arguments"),         // arity
    ("COALESCE", "int NULL; int", "", "int"),         // R9
    ("COALESCE", "int NULL; decimal(5,2) NULL", "", "decimal(12,2) NULL"), // R9
    ("COALESCE", "varchar(5) NULL; varchar(50)", "", "varchar(50)"), // R9: promotes
    ("COALESCE", "NULL; NULL", "", "ERR:COALESCE"),   // R9
    ("COALESCE", "NULL; int", "", "int"),             // R9
    ("COALESCE", "int", "", "ERR:at least 2"),        // R9: arity
    ("COALESCE", "date NULL; int", "", "ERR"),        // R9, R40
    ("NULLIF", "int; int", "", "int NULL"),           // R12; DESIGN §3
    ("NULLIF", "varchar(10); int", "", "varchar(10) NULL"), // R12
    ("NULLIF", "NULL; int", "", "ERR:NULLIF"),        // R12
    ("NULLIF", "uniqueidentifier; int", "", "ERR"),   // R12, R40
    ("IIF", "bit; int; int", "", "int"),              // R11
    ("IIF", "bit; int; NULL", "", "int NULL"),        // R11
    ("IIF", "bit; varchar(3); nvarchar(1)", "", "nvarchar(3)"), // R11
    ("IIF", "bit; date; int", "", "ERR"),             // R11, R40
    ("CHOOSE", "int; varchar(1); varchar(5)", "", "varchar(5) NULL"), // index out of range → NULL
    ("ISNUMERIC", "varchar(10) NULL", "", "int"), // issue 4 catalog: ISNUMERIC
];

#[test]
fn logic_table() {
    run(LOGIC);
}

#[rustfmt::skip]
const SYSTEM: &[(&str, &str, &str, &str)] = &[
    ("NEWID", "", "", "uniqueidentifier"),            // R28
    ("NEWSEQUENTIALID", "", "", "uniqueidentifier"),  // R28
    ("NEWID", "int", "", "ERR:no arguments"),         // arity
    ("SCOPE_IDENTITY", "", "", "numeric(38,0) NULL"), // DESIGN §3 / issue 4
    ("@@IDENTITY", "", "", "numeric(38,0) NULL"), // issue 4 catalog: @@IDENTITY; DESIGN §3 nullability
    ("IDENT_CURRENT", "varchar(20)", "", "numeric(38,0) NULL"), // issue 4 catalog: IDENT_CURRENT; DESIGN §3 nullability
    ("@@ROWCOUNT", "", "", "int"), // issue 4 catalog: @@ROWCOUNT
    ("@@rowcount", "", "", "int"), // issue 4 catalog: @@ROWCOUNT
    ("ROWCOUNT_BIG", "", "", "bigint"), // issue 4 catalog: ROWCOUNT_BIG
    ("@@TRANCOUNT", "", "", "int"), // issue 4 catalog: @@TRANCOUNT
    ("@@SPID", "", "", "smallint"), // issue 4 catalog: @@SPID
    ("XACT_STATE", "", "", "smallint"), // issue 4 catalog: XACT_STATE
    ("DB_NAME", "", "", "nvarchar(128) NULL"), // issue 4 catalog: DB_NAME; DESIGN §3 nullability
    ("OBJECT_ID", "nvarchar(100)", "", "int NULL"), // issue 4 catalog: OBJECT_ID; DESIGN §3 nullability
    ("SUSER_SNAME", "", "", "nvarchar(128) NULL"), // issue 4 catalog: SUSER_SNAME; DESIGN §3 nullability
    ("USER_NAME", "", "", "nvarchar(128) NULL"), // issue 4 catalog: USER_NAME; DESIGN §3 nullability
    ("HOST_NAME", "", "", "nvarchar(128) NULL"), // issue 4 catalog: HOST_NAME; DESIGN §3 nullability
    ("APP_NAME", "", "", "nvarchar(128) NULL"), // issue 4 catalog: APP_NAME; DESIGN §3 nullability
    ("CURRENT_USER", "", "", "nvarchar(128)"), // issue 4 catalog: CURRENT_USER
    ("SESSION_CONTEXT", "nvarchar(10)", "", "sql_variant NULL"), // issue 4 catalog: SESSION_CONTEXT; DESIGN §3 nullability
    ("CHECKSUM", "*", "", "int"), // issue 4 catalog: CHECKSUM
    ("CHECKSUM", "int NULL; varchar(10)", "", "int"), // issue 4 catalog: CHECKSUM
    ("BINARY_CHECKSUM", "*", "", "int"), // issue 4 catalog: BINARY_CHECKSUM
    ("HASHBYTES", "varchar(7); nvarchar(max)", "", "varbinary(8000) NULL"), // issue 4 catalog: HASHBYTES; DESIGN §3 nullability
    ("COMPRESS", "nvarchar(max)", "", "varbinary(max)"), // issue 4 catalog: COMPRESS
    ("DECOMPRESS", "varbinary(max)", "", "varbinary(max) NULL"), // issue 4 catalog: DECOMPRESS; DESIGN §3 nullability
    ("ERROR_NUMBER", "", "", "int NULL"), // issue 4 catalog: ERROR_NUMBER; DESIGN §3 nullability
    ("ERROR_MESSAGE", "", "", "nvarchar(4000) NULL"), // issue 4 catalog: ERROR_MESSAGE; DESIGN §3 nullability
    ("ERROR_LINE", "", "", "int NULL"), // issue 4 catalog: ERROR_LINE; DESIGN §3 nullability
    ("ERROR_SEVERITY", "", "", "int NULL"), // issue 4 catalog: ERROR_SEVERITY; DESIGN §3 nullability
    ("ERROR_STATE", "", "", "int NULL"), // issue 4 catalog: ERROR_STATE; DESIGN §3 nullability
    ("ERROR_PROCEDURE", "", "", "nvarchar(128) NULL"), // issue 4 catalog: ERROR_PROCEDURE; DESIGN §3 nullability
    ("FORMATMESSAGE", "varchar(50); int", "", "nvarchar(2047) NULL"), // issue 4 catalog: FORMATMESSAGE; DESIGN §3 nullability
    ("COL_LENGTH", "varchar(20); varchar(20)", "", "smallint NULL"), // issue 4 catalog: COL_LENGTH; DESIGN §3 nullability
    ("TYPE_NAME", "int", "", "nvarchar(128) NULL"), // issue 4 catalog: TYPE_NAME; DESIGN §3 nullability
    ("CURRENT_TRANSACTION_ID", "", "", "bigint"), // issue 4 catalog: CURRENT_TRANSACTION_ID
    ("@@OPTIONS", "", "", "int"), // issue 4 catalog: @@OPTIONS
    ("CRYPT_GEN_RANDOM", "int", "", "varbinary(8000) NULL"), // issue 4 catalog: CRYPT_GEN_RANDOM; DESIGN §3 nullability
];

#[test]
fn system_table() {
    run(SYSTEM);
}

#[rustfmt::skip]
const JSON: &[(&str, &str, &str, &str)] = &[
    ("JSON_VALUE", "nvarchar(max); varchar(10)", "", "nvarchar(4000) NULL"), // R29
    ("JSON_VALUE", "json; varchar(10)", "", "nvarchar(4000) NULL"), // R29
    ("JSON_VALUE", "int; varchar(10)", "", "ERR"),                  // R29
    ("JSON_QUERY", "nvarchar(max); varchar(10)", "", "nvarchar(max) NULL"), // R30
    ("JSON_QUERY", "nvarchar(max)", "", "nvarchar(max) NULL"),      // R30
    ("JSON_MODIFY", "nvarchar(max); varchar(10); int", "", "nvarchar(max)"), // issue 4 catalog: JSON_MODIFY
    ("JSON_MODIFY", "nvarchar(max) NULL; varchar(10); int", "", "nvarchar(max) NULL"), // issue 4 catalog: JSON_MODIFY; DESIGN §3 nullability
    ("ISJSON", "nvarchar(max)", "", "int"), // R31
    ("ISJSON", "nvarchar(max) NULL", "", "int NULL"), // R31: NULL for NULL
    ("JSON_OBJECT", "", "", "nvarchar(max)"), // issue 4 catalog: JSON_OBJECT
    ("JSON_ARRAY", "int; varchar(1) NULL", "", "nvarchar(max)"), // issue 4 catalog: JSON_ARRAY
];

#[test]
fn json_table() {
    run(JSON);
}

#[test]
fn unknown_functions_are_errors_with_a_suggestion() {
    let none = FnContext::default();
    let e = function("FROBNICATE", &[], &none).unwrap_err();
    assert!(e.message.contains("not a known"), "{}", e.message);
    let e = function("GETDAET", &[], &none).unwrap_err();
    assert_eq!(e.help.as_deref(), Some("did you mean `GETDATE`?"));
    let e = function("", &[], &none).unwrap_err();
    assert!(e.message.contains("not a known"));
}

#[test]
fn catalog_questions() {
    assert!(is_aggregate("sum") && is_aggregate("COUNT_BIG") && is_aggregate("STRING_AGG"));
    assert!(!is_aggregate("ROW_NUMBER") && !is_aggregate("UPPER") && !is_aggregate("nope"));
    let names: Vec<&str> = function_names().collect();
    assert!(names.len() > 150, "{} functions", names.len());
    for n in &names {
        assert_eq!(
            names.iter().filter(|m| *m == n).count(),
            1,
            "{n} listed twice"
        );
        assert_eq!(*n, n.to_ascii_uppercase(), "{n} should be upper case");
    }
}

#[test]
fn openjson_default_schema() {
    // R32 (R45 disagrees on `type`; we follow Microsoft's page).
    let cols: Vec<String> = openjson_default_columns()
        .iter()
        .map(|(n, t)| format!("{n} {t}"))
        .collect();
    assert_eq!(
        cols,
        [
            "key nvarchar(4000) NOT NULL",
            "value nvarchar(max) NULL",
            "type int NOT NULL"
        ]
    );
}

/// Every function with arguments of every kind: no panic, whatever the input.
#[test]
fn no_panics_on_weird_arguments() {
    let samples = [
        FnArg::Null,
        FnArg::Star,
        FnArg::Keyword("day".into()),
        FnArg::Keyword("".into()),
        FnArg::Expr(Typed::nullable(SqlType::Xml)),
        FnArg::Expr(Typed::not_null(SqlType::Decimal {
            precision: 38,
            scale: 38,
        })),
        FnArg::Expr(Typed::not_null(SqlType::NVarChar(
            mssqlx_offline::Length::Max,
        ))),
        FnArg::Expr(Typed::not_null(SqlType::Geography)),
    ];
    let names: Vec<&str> = function_names().collect();
    for name in names {
        for c in ["", "g", "w", "gw"] {
            for n in 0..5 {
                for s in &samples {
                    let args = vec![s.clone(); n];
                    let _ = function(name, &args, &ctx(c));
                }
            }
            let many = vec![FnArg::Null; 300];
            let _ = function(name, &many, &ctx(c));
        }
    }
}
