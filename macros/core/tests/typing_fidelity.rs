//! The typing rules end to end: (rule, query, expected columns or error) through the
//! analyzer's public [`describe`], against the small schema of `common/mod.rs`. Each row
//! cites its rule id in `shared/reference/tsql-typing-rules.md` (R1..R46) or DESIGN §3;
//! the type-level tables are in `typing_rules.rs` and `typing_functions.rs`.

mod common;

use mssqlx_macros_core::describe;

/// What a row expects.
enum Exp {
    /// The result columns as (name, type, nullable).
    Cols(&'static [(&'static str, &'static str, bool)]),
    /// An error whose message contains this text.
    Err(&'static str),
}
use Exp::{Cols as C, Err as E};

#[rustfmt::skip]
const ROWS: &[(&str, &str, Exp)] = &[
    // ---- arithmetic: decimal precision and scale, integer division (R2, R20, R25, R40)
    ("R2", "SELECT Price * Qty AS x FROM dbo.Items", C(&[("x", "decimal(18,2)", false)])),
    ("R2", "SELECT Price / Qty AS x FROM dbo.Items", C(&[("x", "decimal(18,8)", false)])),
    ("R2", "SELECT Balance + Balance AS x FROM dbo.Users", C(&[("x", "decimal(13,2)", false)])),
    ("R2", "SELECT Price * 1.1 AS x FROM dbo.Items", C(&[("x", "decimal(15,3)", false)])),
    ("R2", "SELECT Balance / 3 AS x FROM dbo.Users", C(&[("x", "decimal(23,13)", false)])),
    ("R2", "SELECT Id / 2 AS x FROM dbo.Users", C(&[("x", "int", false)])),
    ("R2", "SELECT Id % 3 AS x FROM dbo.Users", C(&[("x", "int", false)])),
    ("R1", "SELECT Age + 1 AS x FROM dbo.Users", C(&[("x", "int", true)])),
    ("R1", "SELECT Weight * 2 AS x FROM dbo.Items", C(&[("x", "float", true)])),
    ("R1", "SELECT Qty & 1 AS x FROM dbo.Items", C(&[("x", "int", false)])),
    ("R20", "SELECT -Age AS x FROM dbo.Users", C(&[("x", "smallint", true)])),
    ("R25", "SELECT Email + Name AS x FROM dbo.Users", C(&[("x", "nvarchar(356)", true)])),
    ("R25", "SELECT Sku + Sku AS x FROM dbo.Items", C(&[("x", "char(20)", false)])),
    ("R25", "SELECT Payload + Payload AS x FROM dbo.Events", C(&[("x", "varbinary(64)", true)])),
    ("R40", "SELECT PlacedAt + 1 AS x FROM dbo.Orders", C(&[("x", "datetime", false)])),
    ("R40", "SELECT ShippedAt + 1 AS x FROM dbo.Orders", E("date")),
    ("R40", "SELECT Id FROM dbo.Items WHERE Guid = 1", E("uniqueidentifier")),
    ("R40", "SELECT Id FROM dbo.Orders WHERE ShippedAt = 1", E("date")),
    ("R40", "SELECT Id FROM dbo.Orders WHERE PlacedAt = 1", C(&[("Id", "int", false)])),

    // ---- aggregates (R3-R7); DESIGN §3: COUNT is never NULL, a group is never empty
    ("R5", "SELECT COUNT(*) AS n FROM dbo.Users", C(&[("n", "int", false)])),
    ("R6", "SELECT COUNT_BIG(*) AS n FROM dbo.Users", C(&[("n", "bigint", false)])),
    ("R3", "SELECT SUM(Balance) AS s FROM dbo.Users", C(&[("s", "decimal(38,2)", true)])),
    ("R3", "SELECT UserId, SUM(Total) AS s FROM dbo.Orders GROUP BY UserId", C(&[("UserId", "int", false), ("s", "decimal(38,2)", false)])),
    ("R3", "SELECT SUM(Qty) AS s FROM dbo.Items GROUP BY OrderId", C(&[("s", "int", false)])),
    ("R3", "SELECT SUM(Weight) AS s FROM dbo.Items GROUP BY OrderId", C(&[("s", "float", true)])),
    ("R3", "SELECT SUM(Discount) AS s FROM dbo.Items GROUP BY OrderId", C(&[("s", "money", true)])),
    ("R3", "SELECT SUM(IsActive) AS s FROM dbo.Users", E("bit")),
    ("R4", "SELECT AVG(Total) AS a FROM dbo.Orders GROUP BY UserId", C(&[("a", "decimal(38,6)", false)])),
    ("R4", "SELECT AVG(Id) AS a FROM dbo.Users", C(&[("a", "int", true)])),
    ("R7", "SELECT MAX(PlacedAt) AS m FROM dbo.Orders GROUP BY UserId", C(&[("m", "datetime", false)])),
    ("R7", "SELECT MIN(ShippedAt) AS m FROM dbo.Orders GROUP BY UserId", C(&[("m", "date", true)])),
    ("R7", "SELECT MAX(IsActive) AS m FROM dbo.Users", E("bit")),
    ("R24", "SELECT STRING_AGG(Email, ',') AS e FROM dbo.Users GROUP BY IsActive", C(&[("e", "nvarchar(4000)", false)])),
    ("R24", "SELECT STRING_AGG(Email, ',') AS e FROM dbo.Users", C(&[("e", "nvarchar(4000)", true)])),

    // ---- ISNULL, COALESCE, NULLIF, CASE, IIF (R8-R12)
    ("R8", "SELECT ISNULL(Name, Email) AS n FROM dbo.Users", C(&[("n", "nvarchar(100)", false)])),
    ("R8", "SELECT ISNULL(Age, 0) AS n FROM dbo.Users", C(&[("n", "tinyint", false)])),
    ("R9", "SELECT COALESCE(Name, Email) AS n FROM dbo.Users", C(&[("n", "nvarchar(256)", false)])),
    ("R9", "SELECT COALESCE(Name, NULL) AS n FROM dbo.Users", C(&[("n", "nvarchar(100)", true)])),
    ("R12", "SELECT NULLIF(Id, 0) AS n FROM dbo.Users", C(&[("n", "int", true)])),
    ("R10", "SELECT CASE WHEN IsActive = 1 THEN Balance ELSE 0 END AS b FROM dbo.Users", C(&[("b", "decimal(12,2)", false)])),
    ("R10", "SELECT CASE WHEN IsActive = 1 THEN 'yes' END AS b FROM dbo.Users", C(&[("b", "varchar(3)", true)])),
    ("R10", "SELECT CASE WHEN IsActive = 1 THEN 'yes' ELSE 'no' END AS b FROM dbo.Users", C(&[("b", "varchar(3)", false)])),
    ("R11", "SELECT IIF(IsActive = 1, 1, 2.5) AS x FROM dbo.Users", C(&[("x", "numeric(11,1)", false)])),

    // ---- CAST / CONVERT defaults (R13-R16, R43)
    ("R13", "SELECT CAST(Id AS varchar) AS s FROM dbo.Users", C(&[("s", "varchar(30)", false)])),
    ("R13", "SELECT CONVERT(nvarchar, Id) AS s FROM dbo.Users", C(&[("s", "nvarchar(30)", false)])),
    ("R15", "SELECT CAST(Balance AS decimal) AS d FROM dbo.Users", C(&[("d", "decimal(18,0)", false)])),
    ("R16", "SELECT CAST(Weight AS float(24)) AS r FROM dbo.Items", C(&[("r", "real", true)])),
    ("R43", "SELECT CAST(PlacedAt AS datetime2) AS d FROM dbo.Orders", C(&[("d", "datetime2(7)", false)])),
    ("R14", "SELECT TRY_CAST(Status AS int) AS n FROM dbo.Orders", C(&[("n", "int", true)])),
    ("R14", "SELECT TRY_CONVERT(int, Status) AS n FROM dbo.Orders", C(&[("n", "int", true)])),
    ("R40", "SELECT CAST(Guid AS int) AS n FROM dbo.Items", E("")),

    // ---- constants (R17)
    ("R17", "SELECT 2147483648 AS n", C(&[("n", "numeric(10,0)", false)])),
    ("R17", "SELECT 1e0 AS f", C(&[("f", "float", false)])),
    ("R17", "SELECT '' AS s", C(&[("s", "varchar(1)", false)])),
    ("R17", "SELECT .5 AS h", C(&[("h", "numeric(1,1)", false)])),

    // ---- string functions (R21-R24)
    ("R21", "SELECT LEN(Email) AS n FROM dbo.Users", C(&[("n", "int", false)])),
    ("R21", "SELECT LEN(Note) AS n FROM dbo.Orders", C(&[("n", "bigint", true)])),
    ("R21", "SELECT DATALENGTH(Photo) AS n FROM dbo.Items", C(&[("n", "bigint", true)])),
    ("R22", "SELECT SUBSTRING(Sku, 1, 3) AS s FROM dbo.Items", C(&[("s", "varchar(10)", false)])),
    ("R23", "SELECT UPPER(Sku) AS s FROM dbo.Items", C(&[("s", "varchar(10)", false)])),
    ("R23", "SELECT TRIM(Email) AS t FROM dbo.Users", C(&[("t", "nvarchar(256)", false)])),
    ("R23", "SELECT TRIM('x' FROM Email) AS t FROM dbo.Users", C(&[("t", "nvarchar(256)", false)])),
    ("R23", "SELECT LTRIM(Name) AS t FROM dbo.Users", C(&[("t", "nvarchar(100)", true)])),
    ("R24", "SELECT CONCAT(Name, Age) AS c FROM dbo.Users", C(&[("c", "nvarchar(103)", false)])),
    ("R24", "SELECT CONCAT(Status, Id) AS c FROM dbo.Orders", C(&[("c", "varchar(31)", false)])),

    // ---- date functions (R26-R28)
    ("R28", "SELECT GETDATE() AS d", C(&[("d", "datetime", false)])),
    ("R28", "SELECT SYSDATETIME() AS d", C(&[("d", "datetime2(7)", false)])),
    ("R28", "SELECT SYSDATETIMEOFFSET() AS d", C(&[("d", "datetimeoffset(7)", false)])),
    ("R26", "SELECT DATEADD(day, 1, ShippedAt) AS d FROM dbo.Orders", C(&[("d", "date", true)])),
    ("R26", "SELECT DATEADD(hour, 1, CreatedAt) AS d FROM dbo.Users", C(&[("d", "datetime2(7)", false)])),
    ("R26", "SELECT DATEADD(minute, 5, Took) AS d FROM dbo.Events", C(&[("d", "time(0)", true)])),
    ("R26", "SELECT DATEADD(hour, 1, ShippedAt) AS d FROM dbo.Orders", E("hour")),
    ("R27", "SELECT DATEDIFF(day, PlacedAt, ShippedAt) AS n FROM dbo.Orders", C(&[("n", "int", true)])),
    ("R27", "SELECT DATEDIFF_BIG(ms, PlacedAt, PlacedAt) AS n FROM dbo.Orders", C(&[("n", "bigint", false)])),
    ("R26", "SELECT EOMONTH(PlacedAt) AS d FROM dbo.Orders", C(&[("d", "date", false)])),
    ("R26", "SELECT DATENAME(month, PlacedAt) AS d FROM dbo.Orders", C(&[("d", "nvarchar(30)", false)])),

    // ---- system and JSON functions (R28-R32)
    ("R28", "SELECT NEWID() AS g", C(&[("g", "uniqueidentifier", false)])),
    ("DESIGN §3", "SELECT SCOPE_IDENTITY() AS id", C(&[("id", "numeric(38,0)", true)])),
    ("R29", "SELECT JSON_VALUE(Settings, '$.theme') AS t FROM dbo.Users", C(&[("t", "nvarchar(4000)", true)])),
    ("R29", "SELECT JSON_VALUE(Email, '$.theme') AS t FROM dbo.Users", C(&[("t", "nvarchar(4000)", true)])),
    ("R30", "SELECT JSON_QUERY(Settings, '$.a') AS q FROM dbo.Users", C(&[("q", "nvarchar(max)", true)])),
    ("R31", "SELECT ISJSON(Settings) AS j FROM dbo.Users", C(&[("j", "int", true)])),
    ("R31", "SELECT ISJSON(Email) AS j FROM dbo.Users", C(&[("j", "int", false)])),
    ("R32", "SELECT [key], [value], [type] FROM OPENJSON(N'{}')", C(&[("key", "nvarchar(4000)", false), ("value", "nvarchar(max)", true), ("type", "int", false)])),

    // ---- UNION (R33)
    ("R33", "SELECT Id AS x FROM dbo.Users UNION SELECT Qty FROM dbo.Items", C(&[("x", "int", false)])),
    ("R33", "SELECT Balance AS x FROM dbo.Users UNION ALL SELECT Price FROM dbo.Items", C(&[("x", "decimal(12,2)", false)])),
    ("R33", "SELECT Balance AS x FROM dbo.Users UNION ALL SELECT Discount FROM dbo.Items", C(&[("x", "decimal(19,4)", true)])),
    ("R33", "SELECT Status AS x FROM dbo.Orders UNION SELECT Sku FROM dbo.Items", C(&[("x", "varchar(20)", false)])),
    ("R33", "SELECT Email AS x FROM dbo.Users UNION SELECT Status FROM dbo.Orders", C(&[("x", "nvarchar(256)", false)])),
    ("R33", "SELECT Guid AS x FROM dbo.Items UNION SELECT Id FROM dbo.Users", E("")),

    // ---- window functions (R34); DESIGN §3 for LAG and windowed aggregates
    ("R34", "SELECT ROW_NUMBER() OVER (ORDER BY Id) AS rn FROM dbo.Users", C(&[("rn", "bigint", false)])),
    ("R34", "SELECT RANK() OVER (ORDER BY Id) AS r FROM dbo.Users", C(&[("r", "bigint", false)])),
    ("DESIGN §3", "SELECT LAG(Email) OVER (ORDER BY Id) AS p FROM dbo.Users", C(&[("p", "nvarchar(256)", true)])),
    ("DESIGN §3", "SELECT LAG(Email, 1, N'') OVER (ORDER BY Id) AS p FROM dbo.Users", C(&[("p", "nvarchar(256)", false)])),
    ("DESIGN §3", "SELECT SUM(Balance) OVER (PARTITION BY IsActive) AS s FROM dbo.Users", C(&[("s", "decimal(38,2)", false)])),
    ("DESIGN §3", "SELECT SUM(Balance) OVER (ORDER BY Id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS s FROM dbo.Users", C(&[("s", "decimal(38,2)", true)])),
    ("DESIGN §3", "SELECT MAX(Age) OVER (ORDER BY Id) AS m FROM dbo.Users", C(&[("m", "tinyint", true)])),
    ("DESIGN §3", "SELECT FIRST_VALUE(Email) OVER (ORDER BY Id) AS f FROM dbo.Users", C(&[("f", "nvarchar(256)", false)])),
    ("R5", "SELECT COUNT(*) OVER () AS n FROM dbo.Users", C(&[("n", "int", false)])),

    // ---- bare NULL literals take their neighbours' type (R8-R11, R24)
    ("R26", "SELECT DATEADD(day, 1, '2024-01-01') AS d", C(&[("d", "datetime", false)])),
    ("R24", "SELECT CONCAT(NULL, NULL) AS c", C(&[("c", "varchar(1)", false)])),
    ("R8", "SELECT ISNULL(NULL, 1) AS n", C(&[("n", "int", false)])),
    ("R9", "SELECT COALESCE(NULL, NULL) AS n", E("COALESCE")),
    ("R11", "SELECT IIF(1 = 1, NULL, 'x') AS v", C(&[("v", "varchar(1)", true)])),
    ("R10", "SELECT CASE WHEN 1 = 1 THEN NULL ELSE Balance END AS v FROM dbo.Users", C(&[("v", "decimal(12,2)", true)])),

    // ---- math (R18, R19)
    ("R18", "SELECT ROUND(Balance, 0) AS r FROM dbo.Users", C(&[("r", "decimal(12,2)", false)])),
    ("R19", "SELECT ABS(Age) AS a FROM dbo.Users", C(&[("a", "tinyint", true)])),
];

#[test]
fn every_typing_row_holds_end_to_end() {
    let snap = common::snapshot();
    let mut failures = Vec::new();
    for (rule, sql, exp) in ROWS {
        match (exp, describe(&snap, "default", sql)) {
            (C(cols), Ok(d)) => {
                let got: Vec<(String, String, bool)> = d
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty.to_string(), c.nullable))
                    .collect();
                let want: Vec<(String, String, bool)> = cols
                    .iter()
                    .map(|(n, t, b)| (n.to_string(), t.to_string(), *b))
                    .collect();
                if got != want {
                    failures.push(format!("[{rule}] {sql}\n   want {want:?}\n   got  {got:?}"));
                }
            }
            (C(_), Err(e)) => failures.push(format!(
                "[{rule}] {sql}\n   want columns, got errors {:?}",
                e.iter().map(|e| &e.message).collect::<Vec<_>>()
            )),
            (E(msg), Err(e)) => {
                if !e.iter().any(|e| e.message.contains(msg)) {
                    failures.push(format!(
                        "[{rule}] {sql}\n   want an error containing {msg:?}, got {:?}",
                        e.iter().map(|e| &e.message).collect::<Vec<_>>()
                    ));
                }
            }
            (E(msg), Ok(d)) => failures.push(format!(
                "[{rule}] {sql}\n   want an error {msg:?}, got {:?}",
                d.columns
                    .iter()
                    .map(|c| format!("{} {} {}", c.name, c.ty, c.nullable))
                    .collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}
