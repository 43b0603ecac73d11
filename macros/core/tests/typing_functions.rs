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

#[test]
fn aggregate_table() {
    run(&[
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
        (
            "STRING_AGG",
            "nvarchar(50); varchar(1)",
            "g",
            "nvarchar(4000)",
        ), // STRING_AGG types
        (
            "STRING_AGG",
            "varchar(50); varchar(1)",
            "g",
            "varchar(8000)",
        ),
        (
            "STRING_AGG",
            "nvarchar(max); varchar(1)",
            "g",
            "nvarchar(max)",
        ),
        (
            "STRING_AGG",
            "varchar(max); varchar(1)",
            "g",
            "varchar(max)",
        ),
        ("STRING_AGG", "int; varchar(1)", "g", "nvarchar(4000)"),
        (
            "STRING_AGG",
            "nvarchar(50) NULL; varchar(1)",
            "g",
            "nvarchar(4000) NULL",
        ), // DESIGN §3
        (
            "STRING_AGG",
            "nvarchar(50); varchar(1)",
            "",
            "nvarchar(4000) NULL",
        ), // DESIGN §3
        ("CHECKSUM_AGG", "int", "g", "int"),
        ("GROUPING", "int NULL", "g", "tinyint"),
        ("GROUPING_ID", "int; int", "g", "int"),
        ("APPROX_COUNT_DISTINCT", "int NULL", "", "bigint"),
        ("COUNT", "int; int", "", "ERR:1 argument"), // arity
        ("COUNT", "", "", "ERR:1 argument"),         // arity
    ]);
}

#[test]
fn window_table() {
    run(&[
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
        ("FIRST_VALUE", "int", "w", "int NULL"),        // DESIGN §3: frame may be empty
        ("LAST_VALUE", "date", "w", "date NULL"),       // DESIGN §3
        ("PERCENT_RANK", "", "w", "float"),
        ("CUME_DIST", "", "w", "float"),
        ("PERCENTILE_CONT", "float; int", "w", "float"),
        ("PERCENTILE_CONT", "float; int NULL", "w", "float NULL"),
        ("PERCENTILE_DISC", "float; date", "w", "date"),
        ("PERCENTILE_CONT", "float", "w", "float NULL"), // ordering expression not given
        ("SUM", "NULL", "g", "ERR:NULL"),                // R42 (8117)
        ("UPPER", "varchar(10)", "w", "ERR:OVER"),       // scalar functions take no OVER
    ]);
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
    ("()", Frame::ContainsCurrentRow),
    ("(PARTITION BY a)", Frame::ContainsCurrentRow),
    ("(ORDER BY a)", Frame::ContainsCurrentRow),
    (
        "(PARTITION BY a ORDER BY b ROWS UNBOUNDED PRECEDING)",
        Frame::ContainsCurrentRow,
    ),
    ("(ORDER BY a ROWS 3 PRECEDING)", Frame::ContainsCurrentRow),
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

#[test]
fn string_table() {
    run(&[
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
        ("LEFT", "varchar(50); int", "", "varchar(50)"),
        ("LEFT", "char(10); int", "", "varchar(10)"),
        ("LEFT", "nchar(10); int", "", "nvarchar(10)"),
        ("RIGHT", "nvarchar(max); int", "", "nvarchar(max)"),
        ("LEFT", "int; int", "", "varchar(11)"),
        ("LEFT", "text; int", "", "ERR"),
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
        ("UPPER", "*", "", "ERR:*"),
        ("LTRIM", "varchar(20)", "", "varchar(20)"),
        ("RTRIM", "char(10)", "", "varchar(10)"),
        ("TRIM", "nvarchar(30) NULL", "", "nvarchar(30) NULL"),
        ("TRIM", "varchar(1); nvarchar(30)", "", "nvarchar(30)"), // TRIM('x' FROM s): written order
        (
            "REPLACE",
            "varchar(50); varchar(1); varchar(2)",
            "",
            "varchar(8000)",
        ),
        (
            "REPLACE",
            "varchar(50); nvarchar(1); varchar(2)",
            "",
            "nvarchar(4000)",
        ),
        (
            "REPLACE",
            "nvarchar(max); nvarchar(1); nvarchar(1)",
            "",
            "nvarchar(max)",
        ),
        ("REPLICATE", "varchar(1); int", "", "varchar(8000) NULL"), // negative count → NULL
        ("REPLICATE", "nvarchar(max); int", "", "nvarchar(max) NULL"),
        ("REVERSE", "char(5)", "", "varchar(5)"),
        ("CHARINDEX", "varchar(1); varchar(50)", "", "int"), // DESIGN §3: 0, not NULL
        ("CHARINDEX", "varchar(1); varchar(max); int", "", "bigint"),
        ("CHARINDEX", "varchar(1) NULL; varchar(50)", "", "int NULL"),
        ("PATINDEX", "varchar(5); nvarchar(max)", "", "bigint"),
        ("PATINDEX", "varchar(5); text", "", "int"),
        (
            "STUFF",
            "varchar(50); int; int; varchar(5)",
            "",
            "varchar(8000) NULL",
        ), // start past end → NULL
        (
            "STUFF",
            "nvarchar(50); int; int; nvarchar(5)",
            "",
            "nvarchar(4000) NULL",
        ),
        (
            "STUFF",
            "varbinary(10); int; int; varbinary(2)",
            "",
            "varbinary(8000) NULL",
        ),
        ("CONCAT", "varchar(10); varchar(20)", "", "varchar(30)"), // R24
        ("CONCAT", "varchar(10) NULL; int NULL", "", "varchar(21)"), // R24: never NULL
        ("CONCAT", "varchar(10); nvarchar(10)", "", "nvarchar(20)"), // R24
        ("CONCAT", "NULL; NULL", "", "varchar(1)"),                // R24: all NULL → varchar(1)
        ("CONCAT", "varchar(max); nvarchar(10)", "", "nvarchar(max)"), // R24
        (
            "CONCAT",
            "varchar(5000); varchar(5000)",
            "",
            "varchar(8000)",
        ), // R24
        (
            "CONCAT",
            "nvarchar(3000); nvarchar(3000)",
            "",
            "nvarchar(4000)",
        ), // R24
        ("CONCAT", "uniqueidentifier; date", "", "varchar(46)"),   // R24
        ("CONCAT", "hierarchyid; varchar(10)", "", "nvarchar(max)"), // R24: CLR type
        ("CONCAT", "varbinary(max); varchar(10)", "", "varchar(max)"), // R24: row 2
        ("CONCAT", "varchar(max); nchar(1)", "", "nvarchar(max)"), // R24: row 2, nvarchar
        ("CONCAT", "varchar(10)", "", "ERR:at least 2"),           // R24: 2..254 arguments
        (
            "CONCAT_WS",
            "varchar(1); varchar(10); varchar(10)",
            "",
            "varchar(21)",
        ),
        (
            "CONCAT_WS",
            "varchar(2); varchar(10) NULL; int NULL; date",
            "",
            "varchar(35)",
        ),
        (
            "CONCAT_WS",
            "nvarchar(1); varchar(10); varchar(10)",
            "",
            "nvarchar(21)",
        ),
        ("CONCAT_WS", "varchar(1); varchar(10)", "", "ERR:at least 3"),
        (
            "FORMAT",
            "datetime; nvarchar(10)",
            "",
            "nvarchar(4000) NULL",
        ),
        ("QUOTENAME", "nvarchar(128)", "", "nvarchar(258) NULL"),
        ("SPACE", "int", "", "varchar(8000) NULL"),
        ("STR", "float", "", "varchar(10) NULL"),
        ("CHAR", "int", "", "char(1) NULL"),
        ("NCHAR", "int", "", "nchar(1) NULL"),
        ("ASCII", "varchar(1)", "", "int NULL"),
        ("UNICODE", "nvarchar(1)", "", "int NULL"),
        ("SOUNDEX", "varchar(50)", "", "varchar(4)"),
        ("DIFFERENCE", "varchar(5); varchar(5)", "", "int"),
        (
            "STRING_ESCAPE",
            "nvarchar(50); varchar(4)",
            "",
            "nvarchar(max)",
        ),
        (
            "TRANSLATE",
            "varchar(20); varchar(3); varchar(3)",
            "",
            "varchar(20)",
        ),
    ]);
}

#[test]
fn math_table() {
    run(&[
        ("ABS", "int", "", "int"),                               // R19
        ("ABS", "tinyint", "", "tinyint"),                       // R19
        ("ABS", "decimal(10,2) NULL", "", "decimal(10,2) NULL"), // R19
        ("ABS", "float", "", "float"),                           // R19
        ("ABS", "money", "", "money"),                           // R19
        ("ABS", "varchar(10)", "", "float"),                     // R19: converted to float
        ("ABS", "datetime", "", "ERR"),                          // R19
        ("ABS", "uniqueidentifier", "", "ERR"),                  // R19
        ("CEILING", "decimal(10,2)", "", "decimal(10,0)"),
        ("FLOOR", "numeric(5,2)", "", "numeric(5,0)"),
        ("CEILING", "int", "", "int"),
        ("FLOOR", "float", "", "float"),
        ("CEILING", "money", "", "money"),
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
        ("SIGN", "int", "", "int"),
        ("SIGN", "smallint", "", "int"),
        ("SIGN", "decimal(5,2)", "", "decimal(5,2)"),
        ("SIGN", "real", "", "float"),
        ("POWER", "int; int", "", "int"),
        ("POWER", "decimal(5,2); int", "", "decimal(38,2)"),
        ("POWER", "float; int", "", "float"),
        ("POWER", "bigint; int", "", "bigint"),
        ("POWER", "varchar(5); int", "", "float"),
        ("POWER", "smallint; int", "", "int"),
        ("POWER", "money; int", "", "money"),
        ("SQRT", "int", "", "float"),
        ("SQUARE", "decimal(5,2)", "", "float"),
        ("LOG", "float", "", "float"),
        ("LOG", "float; int", "", "float"),
        ("LOG10", "int NULL", "", "float NULL"),
        ("EXP", "int", "", "float"),
        ("SIN", "float", "", "float"),
        ("ATN2", "float; float", "", "float"),
        ("PI", "", "", "float"),
        ("RAND", "", "", "float"),
        ("RAND", "int", "", "float"),
        ("SQRT", "date", "", "ERR"),
        ("DEGREES", "int", "", "int"),
        ("RADIANS", "float", "", "float"),
        ("GREATEST", "int; int NULL", "", "int"),
        ("GREATEST", "int NULL; int NULL", "", "int NULL"),
        ("LEAST", "int; decimal(5,2)", "", "decimal(12,2)"),
    ]);
}

#[test]
fn date_table() {
    run(&[
        ("GETDATE", "", "", "datetime"),                    // R28
        ("GETUTCDATE", "", "", "datetime"),                 // R28
        ("CURRENT_TIMESTAMP", "", "", "datetime"),          // R28
        ("SYSDATETIME", "", "", "datetime2(7)"),            // R28
        ("SYSUTCDATETIME", "", "", "datetime2(7)"),         // R28
        ("SYSDATETIMEOFFSET", "", "", "datetimeoffset(7)"), // R28
        ("CURRENT_DATE", "", "", "date"),
        ("GETDATE", "int", "", "ERR:no arguments"), // arity
        ("DATEADD", "#day; int; datetime", "", "datetime"), // R26: keeps its input type
        ("DATEADD", "#dd; int; date", "", "date"),  // R26
        ("DATEADD", "#month; int; datetime2(3)", "", "datetime2(3)"), // R26
        ("DATEADD", "#hour; int; time(0)", "", "time(0)"), // R26
        (
            "DATEADD",
            "#minute; int; smalldatetime",
            "",
            "smalldatetime",
        ), // R26
        (
            "DATEADD",
            "#DAY; int; datetimeoffset(3)",
            "",
            "datetimeoffset(3)",
        ), // R26
        ("DATEADD", "#day; int; varchar(10)", "", "datetime"), // R26: string literal → datetime
        ("DATEADD", "#day; int NULL; date", "", "date NULL"), // DESIGN §3
        ("DATEADD", "#day; int; date NULL", "", "date NULL"), // DESIGN §3
        ("DATEADD", "#ns; int; datetime2(7)", "", "datetime2(7)"), // R26
        (
            "DATEADD",
            "#mcs; int; datetimeoffset(7)",
            "",
            "datetimeoffset(7)",
        ), // R26
        ("DATEADD", "#hour; int; date", "", "ERR:hour"), // R26
        ("DATEADD", "#year; int; time(7)", "", "ERR:year"), // R26
        (
            "DATEADD",
            "#microsecond; int; datetime",
            "",
            "ERR:microsecond",
        ), // R26
        (
            "DATEADD",
            "#nanosecond; int; smalldatetime",
            "",
            "ERR:nanosecond",
        ), // R26
        ("DATEADD", "#fortnight; int; date", "", "ERR:fortnight"), // R26: unknown datepart
        (
            "DATEADD",
            "#tzoffset; int; datetimeoffset(7)",
            "",
            "ERR:tzoffset",
        ), // R26
        ("DATEADD", "int; int; date", "", "ERR:datepart"), // R26: datepart is a keyword
        ("DATEADD", "#day; int; uniqueidentifier", "", "ERR"), // R26
        ("DATEDIFF", "#day; date; date", "", "int"), // R27
        (
            "DATEDIFF",
            "#second; datetime2(7) NULL; datetime2(7)",
            "",
            "int NULL",
        ), // R27
        ("DATEDIFF_BIG", "#ms; datetime; datetime", "", "bigint"), // R27
        ("DATEDIFF", "#day; date", "", "ERR:3 arguments"), // R27: arity
        ("DATEPART", "#year; date", "", "int"),
        ("DATEPART", "#tz; datetimeoffset(7)", "", "int"),
        ("DATEPART", "#iso_week; date", "", "int"),
        ("DATENAME", "#month; date", "", "nvarchar(30)"),
        (
            "DATENAME",
            "#weekday; datetime NULL",
            "",
            "nvarchar(30) NULL",
        ),
        ("DAY", "date", "", "int"),
        ("MONTH", "datetime2(7)", "", "int"),
        ("YEAR", "varchar(10)", "", "int"),
        ("YEAR", "int", "", "int"),
        ("YEAR", "uniqueidentifier", "", "ERR"),
        ("EOMONTH", "date", "", "date"),
        ("EOMONTH", "datetime; int", "", "date"),
        ("EOMONTH", "date NULL", "", "date NULL"),
        ("DATEFROMPARTS", "int; int; int", "", "date"),
        ("DATEFROMPARTS", "int NULL; int; int", "", "date NULL"),
        ("DATEFROMPARTS", "int; int", "", "ERR:3 arguments"),
        (
            "DATETIME2FROMPARTS",
            "int; int; int; int; int; int; int; int",
            "",
            "datetime2(7)",
        ),
        (
            "DATETIMEFROMPARTS",
            "int; int; int; int; int; int; int",
            "",
            "datetime",
        ),
        (
            "SMALLDATETIMEFROMPARTS",
            "int; int; int; int; int",
            "",
            "smalldatetime",
        ),
        ("TIMEFROMPARTS", "int; int; int; int; int", "", "time(7)"),
        (
            "DATETIMEOFFSETFROMPARTS",
            "int; int; int; int; int; int; int; int; int; int",
            "",
            "datetimeoffset(7)",
        ),
        (
            "SWITCHOFFSET",
            "datetimeoffset(3); varchar(6)",
            "",
            "datetimeoffset(3)",
        ),
        (
            "TODATETIMEOFFSET",
            "datetime2(2); varchar(6)",
            "",
            "datetimeoffset(2)",
        ),
        (
            "TODATETIMEOFFSET",
            "datetime; varchar(6)",
            "",
            "datetimeoffset(3)",
        ),
        ("ISDATE", "varchar(20) NULL", "", "int"),
        ("DATETRUNC", "#month; datetime2(3)", "", "datetime2(3)"),
        ("DATETRUNC", "#day; date", "", "date"),
        ("DATETRUNC", "#hour; date", "", "ERR:hour"),
        ("DATETRUNC", "#weekday; date", "", "ERR:weekday"),
        ("DATETRUNC", "#day; varchar(10)", "", "datetime2(7)"),
        ("DATE_BUCKET", "#week; int; date", "", "date"),
    ]);
}

#[test]
fn logic_table() {
    run(&[
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
        (
            "COALESCE",
            "int NULL; decimal(5,2) NULL",
            "",
            "decimal(12,2) NULL",
        ), // R9
        (
            "COALESCE",
            "varchar(5) NULL; varchar(50)",
            "",
            "varchar(50)",
        ), // R9: promotes
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
        (
            "CHOOSE",
            "int; varchar(1); varchar(5)",
            "",
            "varchar(5) NULL",
        ), // index out of range → NULL
        ("ISNUMERIC", "varchar(10) NULL", "", "int"),
    ]);
}

#[test]
fn system_table() {
    run(&[
        ("NEWID", "", "", "uniqueidentifier"),            // R28
        ("NEWSEQUENTIALID", "", "", "uniqueidentifier"),  // R28
        ("NEWID", "int", "", "ERR:no arguments"),         // arity
        ("SCOPE_IDENTITY", "", "", "numeric(38,0) NULL"), // DESIGN §3 / issue 4
        ("@@IDENTITY", "", "", "numeric(38,0) NULL"),
        ("IDENT_CURRENT", "varchar(20)", "", "numeric(38,0) NULL"),
        ("@@ROWCOUNT", "", "", "int"),
        ("@@rowcount", "", "", "int"),
        ("ROWCOUNT_BIG", "", "", "bigint"),
        ("@@TRANCOUNT", "", "", "int"),
        ("@@SPID", "", "", "smallint"),
        ("XACT_STATE", "", "", "smallint"),
        ("DB_NAME", "", "", "nvarchar(128) NULL"),
        ("OBJECT_ID", "nvarchar(100)", "", "int NULL"),
        ("SUSER_SNAME", "", "", "nvarchar(128) NULL"),
        ("USER_NAME", "", "", "nvarchar(128) NULL"),
        ("HOST_NAME", "", "", "nvarchar(128) NULL"),
        ("APP_NAME", "", "", "nvarchar(128) NULL"),
        ("CURRENT_USER", "", "", "nvarchar(128)"),
        ("SESSION_CONTEXT", "nvarchar(10)", "", "sql_variant NULL"),
        ("CHECKSUM", "*", "", "int"),
        ("CHECKSUM", "int NULL; varchar(10)", "", "int"),
        ("BINARY_CHECKSUM", "*", "", "int"),
        (
            "HASHBYTES",
            "varchar(7); nvarchar(max)",
            "",
            "varbinary(8000) NULL",
        ),
        ("COMPRESS", "nvarchar(max)", "", "varbinary(max)"),
        ("DECOMPRESS", "varbinary(max)", "", "varbinary(max) NULL"),
        ("ERROR_NUMBER", "", "", "int NULL"),
        ("ERROR_MESSAGE", "", "", "nvarchar(4000) NULL"),
        ("ERROR_LINE", "", "", "int NULL"),
        ("ERROR_SEVERITY", "", "", "int NULL"),
        ("ERROR_STATE", "", "", "int NULL"),
        ("ERROR_PROCEDURE", "", "", "nvarchar(128) NULL"),
        (
            "FORMATMESSAGE",
            "varchar(50); int",
            "",
            "nvarchar(2047) NULL",
        ),
        (
            "COL_LENGTH",
            "varchar(20); varchar(20)",
            "",
            "smallint NULL",
        ),
        ("TYPE_NAME", "int", "", "nvarchar(128) NULL"),
        ("CURRENT_TRANSACTION_ID", "", "", "bigint"),
        ("@@OPTIONS", "", "", "int"),
        ("CRYPT_GEN_RANDOM", "int", "", "varbinary(8000) NULL"),
    ]);
}

#[test]
fn json_table() {
    run(&[
        (
            "JSON_VALUE",
            "nvarchar(max); varchar(10)",
            "",
            "nvarchar(4000) NULL",
        ), // R29
        ("JSON_VALUE", "json; varchar(10)", "", "nvarchar(4000) NULL"), // R29
        ("JSON_VALUE", "int; varchar(10)", "", "ERR"),                  // R29
        (
            "JSON_QUERY",
            "nvarchar(max); varchar(10)",
            "",
            "nvarchar(max) NULL",
        ), // R30
        ("JSON_QUERY", "nvarchar(max)", "", "nvarchar(max) NULL"),      // R30
        (
            "JSON_MODIFY",
            "nvarchar(max); varchar(10); int",
            "",
            "nvarchar(max)",
        ),
        (
            "JSON_MODIFY",
            "nvarchar(max) NULL; varchar(10); int",
            "",
            "nvarchar(max) NULL",
        ),
        ("ISJSON", "nvarchar(max)", "", "int"), // R31
        ("ISJSON", "nvarchar(max) NULL", "", "int NULL"), // R31: NULL for NULL
        ("JSON_OBJECT", "", "", "nvarchar(max)"),
        ("JSON_ARRAY", "int; varchar(1) NULL", "", "nvarchar(max)"),
    ]);
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
