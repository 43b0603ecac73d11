//! The analyzer's fidelity table: (rule, query, expected columns / params / error)
//! against the small schema of `common/mod.rs`. Each row is one promise of
//! DESIGN §3 or of the analyzer issue; the groups follow the issue's list.

mod common;

use mssqlx_macros_core::describe;

/// What a row expects.
enum Exp {
    /// Columns as (name, type, nullable), and params as (name, type).
    Ok(
        &'static [(&'static str, &'static str, bool)],
        &'static [(&'static str, &'static str)],
    ),
    /// An error whose message contains this text.
    Err(&'static str),
}
use Exp::{Err as E, Ok as O};

const NONE: &[(&str, &str)] = &[];

#[rustfmt::skip]
const ROWS: &[(&str, &str, Exp)] = &[
    // ---- SELECT: columns, names, schema-qualified and three-part names
    ("select", "SELECT Id, Email FROM dbo.Users", O(&[("Id", "int", false), ("Email", "nvarchar(256)", false)], NONE)),
    ("select", "SELECT Name, Age FROM Users", O(&[("Name", "nvarchar(100)", true), ("Age", "tinyint", true)], NONE)),
    ("select", "SELECT u.Balance FROM dbo.Users AS u", O(&[("Balance", "decimal(12,2)", false)], NONE)),
    ("select", "SELECT dbo.Users.Email FROM dbo.Users", O(&[("Email", "nvarchar(256)", false)], NONE)),
    ("select", "SELECT [Email] AS [Mail Address] FROM [dbo].[Users]", O(&[("Mail Address", "nvarchar(256)", false)], NONE)),
    ("select", "SELECT users.email FROM DBO.USERS", O(&[("email", "nvarchar(256)", false)], NONE)),
    ("select", "SELECT Name FROM Sales.Customers", O(&[("Name", "nvarchar(50)", false)], NONE)),
    ("select", "SELECT Day, Revenue FROM reporting.dbo.Daily", O(&[("Day", "date", false), ("Revenue", "money", true)], NONE)),
    ("select", "SELECT d.Day FROM reporting..Daily d", O(&[("Day", "date", false)], NONE)),
    ("select", "SELECT * FROM dbo.Events", O(&[("Id", "bigint", false), ("At", "datetimeoffset(3)", false), ("Took", "time(0)", true), ("Payload", "varbinary(32)", true)], NONE)),
    ("select", "SELECT ValidFrom FROM dbo.Events", O(&[("ValidFrom", "datetime2(7)", false)], NONE)),
    ("select", "SELECT o.*, 1 AS One FROM dbo.Orders o WHERE 1 = 0", O(&[("Id", "int", false), ("UserId", "int", false), ("Total", "decimal(12,2)", false), ("Status", "varchar(20)", false), ("PlacedAt", "datetime", false), ("ShippedAt", "date", true), ("Note", "nvarchar(max)", true), ("TotalWithTax", "decimal(15,4)", true), ("One", "int", false)], NONE)),
    ("select", "SELECT Id + 1 FROM dbo.Users", O(&[("", "int", false)], NONE)),
    ("select", "SELECT total = Total FROM dbo.Orders", O(&[("total", "decimal(12,2)", false)], NONE)),
    ("select", "SELECT Photo, Weight, Guid FROM dbo.Items", O(&[("Photo", "varbinary(max)", true), ("Weight", "float", true), ("Guid", "uniqueidentifier", false)], NONE)),
    ("select", "SELECT 1 AS a, 'abc' AS b, N'xy' AS c, 0x0A0B AS d, 2.50 AS e", O(&[("a", "int", false), ("b", "varchar(3)", false), ("c", "nvarchar(2)", false), ("d", "varbinary(2)", false), ("e", "numeric(3,2)", false)], NONE)),
    ("select", "SELECT NULL AS n", O(&[("n", "int", true)], NONE)),
    ("select: errors", "SELECT Emial FROM dbo.Users", E("unknown column `Emial`")),
    ("select: errors", "SELECT Id FROM dbo.Userz", E("unknown table or view `dbo.Userz`")),
    ("select: errors", "SELECT Id FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Id", E("column `Id` is ambiguous")),
    ("select: errors", "SELECT x.Id FROM dbo.Users u", E("unknown table or alias `x`")),
    ("select: errors", "SELECT u.Nope FROM dbo.Users u", E("`u` has no column `Nope`")),
    ("select: errors", "SELECT Id FROM nowhere.dbo.Users", E("unknown database `nowhere`")),
    ("select: errors", "SELECT Id FROM srv.db.dbo.Users", E("linked-server")),
    ("select: errors", "SELECT * FROM #tmp", E("temporary table")),
    ("select: errors", "SELECT Id FROM dbo.Users u, dbo.Orders u", E("used twice")),
    ("select: errors", "SELECT Id FROM dbo.Users; SELECT 1", E("only one statement")),
    ("select: errors", "SELECT Id = 1 = 2 FROM dbo.Users", E("")),
    ("select: errors", "SELECT Id FROM dbo.Users WHERE Email", E("condition was expected")),
    ("select: errors", "SELECT Id = Id FROM dbo.Users WHERE Id = NULL", E("never true")),
    ("select: errors", "SELECT Id > 1 AS big FROM dbo.Users", E("condition is not a value")),
    ("select: errors", "CREATE TABLE x (a int)", E("cannot be checked")),
    ("select: errors", "SELECT Id FROM dbo.Users LIMIT 5", E("")),

    // ---- joins and APPLY: outer joins make the other side nullable
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", false)], NONE)),
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u INNER JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", false)], NONE)),
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u LEFT JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", true)], NONE)),
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u LEFT OUTER JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", true)], NONE)),
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u RIGHT JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", true), ("Total", "decimal(12,2)", false)], NONE)),
    ("join", "SELECT u.Email, o.Total FROM dbo.Users u FULL OUTER JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("Email", "nvarchar(256)", true), ("Total", "decimal(12,2)", true)], NONE)),
    ("join", "SELECT u.Email, c.Name FROM dbo.Users u CROSS JOIN Sales.Customers c", O(&[("Email", "nvarchar(256)", false), ("Name", "nvarchar(50)", false)], NONE)),
    ("join", "SELECT u.Email, i.Sku FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Id LEFT JOIN dbo.Items i ON i.OrderId = o.Id", O(&[("Email", "nvarchar(256)", false), ("Sku", "char(10)", true)], NONE)),
    ("join", "SELECT o.Status, i.Sku FROM dbo.Users u LEFT JOIN (dbo.Orders o JOIN dbo.Items i ON i.OrderId = o.Id) ON o.UserId = u.Id", O(&[("Status", "varchar(20)", true), ("Sku", "char(10)", true)], NONE)),
    ("join", "SELECT u.Email, x.Total FROM dbo.Users u CROSS APPLY (SELECT TOP 1 o.Total FROM dbo.Orders o WHERE o.UserId = u.Id ORDER BY o.PlacedAt DESC) x", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", false)], NONE)),
    ("join", "SELECT u.Email, x.Total FROM dbo.Users u OUTER APPLY (SELECT TOP 1 o.Total FROM dbo.Orders o WHERE o.UserId = u.Id) AS x", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", true)], NONE)),
    ("join", "SELECT u.Email FROM dbo.Users u, dbo.Orders o WHERE o.UserId = u.Id", O(&[("Email", "nvarchar(256)", false)], NONE)),
    ("join", "SELECT u.Id FROM dbo.Users u JOIN dbo.Orders o ON o.Nope = u.Id", E("`o` has no column `Nope`")),
    ("join", "SELECT u.Id FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Email + 1", O(&[("Id", "int", false)], NONE)),
    ("join", "SELECT u.Id FROM dbo.Users u JOIN dbo.Items i ON i.Guid = u.Id", E("")),

    // ---- derived tables, CTEs
    ("derived", "SELECT t.n FROM (SELECT COUNT(*) AS n FROM dbo.Users) AS t", O(&[("n", "int", false)], NONE)),
    ("derived", "SELECT t.a, t.b FROM (SELECT Id, Email FROM dbo.Users) t (a, b)", O(&[("a", "int", false), ("b", "nvarchar(256)", false)], NONE)),
    ("derived", "SELECT x FROM (SELECT Id + 1 FROM dbo.Users) t", E("has no name")),
    ("derived", "SELECT * FROM (SELECT Id FROM dbo.Users)", E("needs an alias")),
    ("derived", "SELECT v.a, v.b FROM (VALUES (1, 'x'), (2, NULL)) AS v (a, b)", O(&[("a", "int", false), ("b", "varchar(1)", true)], NONE)),
    ("cte", "WITH c AS (SELECT Id, Email FROM dbo.Users) SELECT Email FROM c", O(&[("Email", "nvarchar(256)", false)], NONE)),
    ("cte", "WITH a AS (SELECT Id FROM dbo.Users), b AS (SELECT Id FROM a) SELECT b.Id FROM b JOIN a ON a.Id = b.Id", O(&[("Id", "int", false)], NONE)),
    ("cte", "WITH c (k, m) AS (SELECT Id, Email FROM dbo.Users) SELECT k, m FROM c", O(&[("k", "int", false), ("m", "nvarchar(256)", false)], NONE)),
    ("cte", "WITH n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n", O(&[("i", "int", false)], NONE)),
    ("cte", "WITH t AS (SELECT Id, CAST(NULL AS int) AS Parent FROM dbo.Users UNION ALL SELECT u.Id, t.Id FROM dbo.Users u JOIN t ON t.Id = u.Id) SELECT Parent FROM t", O(&[("Parent", "int", true)], NONE)),
    ("cte", "WITH t AS (SELECT Id, Id AS Root, Id AS Copy FROM dbo.Users UNION ALL SELECT o.Id, t.Copy, (SELECT MAX(OrderId) FROM dbo.Items) FROM dbo.Orders o JOIN t ON t.Id = o.UserId) SELECT Root, Copy FROM t", O(&[("Root", "int", true), ("Copy", "int", true)], NONE)),
    ("cte", "WITH c AS (SELECT Id FROM dbo.Users) SELECT Email FROM c", E("unknown column `Email`")),
    ("cte", "WITH c (a, b) AS (SELECT Id FROM dbo.Users) SELECT a FROM c", E("names 2 columns")),

    // ---- set operations
    ("union", "SELECT Id FROM dbo.Users UNION SELECT UserId FROM dbo.Orders", O(&[("Id", "int", false)], NONE)),
    ("union", "SELECT Name FROM dbo.Users UNION ALL SELECT Name FROM Sales.Customers", O(&[("Name", "nvarchar(100)", true)], NONE)),
    ("union", "SELECT Id FROM dbo.Users UNION ALL SELECT Id FROM dbo.Items", O(&[("Id", "bigint", false)], NONE)),
    ("union", "SELECT Status FROM dbo.Orders UNION SELECT Email FROM dbo.Users", O(&[("Status", "nvarchar(256)", false)], NONE)),
    ("union", "SELECT Total FROM dbo.Orders UNION SELECT Price FROM dbo.Items", O(&[("Total", "decimal(12,2)", false)], NONE)),
    ("union", "SELECT Id FROM dbo.Users UNION SELECT NULL", O(&[("Id", "int", true)], NONE)),
    ("union", "SELECT Name FROM dbo.Users EXCEPT SELECT Name FROM Sales.Customers", O(&[("Name", "nvarchar(100)", true)], NONE)),
    ("union", "SELECT Email FROM dbo.Users INTERSECT SELECT Name FROM Sales.Customers", O(&[("Email", "nvarchar(256)", false)], NONE)),
    ("union", "SELECT Id, Email FROM dbo.Users UNION SELECT Id FROM dbo.Orders", E("same number of columns")),
    ("union", "SELECT Guid FROM dbo.Items UNION SELECT PlacedAt FROM dbo.Orders", E("")),
    ("union", "SELECT Id FROM dbo.Users UNION SELECT UserId FROM dbo.Orders ORDER BY Id", O(&[("Id", "int", false)], NONE)),

    // ---- GROUP BY / HAVING / aggregates
    ("group", "SELECT UserId, COUNT(*) AS n FROM dbo.Orders GROUP BY UserId", O(&[("UserId", "int", false), ("n", "int", false)], NONE)),
    ("group", "SELECT UserId, SUM(Total) AS s FROM dbo.Orders GROUP BY UserId", O(&[("UserId", "int", false), ("s", "decimal(38,2)", false)], NONE)),
    ("group", "SELECT SUM(Total) AS total FROM dbo.Orders", O(&[("total", "decimal(38,2)", true)], NONE)),
    ("group", "SELECT COUNT(*) AS n FROM dbo.Orders", O(&[("n", "int", false)], NONE)),
    ("group", "SELECT COUNT_BIG(*) AS n FROM dbo.Orders", O(&[("n", "bigint", false)], NONE)),
    ("group", "SELECT COUNT(ShippedAt) AS n FROM dbo.Orders", O(&[("n", "int", false)], NONE)),
    ("group", "SELECT MAX(PlacedAt) AS m FROM dbo.Orders", O(&[("m", "datetime", true)], NONE)),
    ("group", "SELECT UserId, MAX(PlacedAt) AS m FROM dbo.Orders GROUP BY UserId", O(&[("UserId", "int", false), ("m", "datetime", false)], NONE)),
    ("group", "SELECT UserId, MIN(ShippedAt) AS m FROM dbo.Orders GROUP BY UserId", O(&[("UserId", "int", false), ("m", "date", true)], NONE)),
    ("group", "SELECT AVG(Qty) AS a FROM dbo.Items", O(&[("a", "int", true)], NONE)),
    ("group", "SELECT SUM(Qty) AS s FROM dbo.Items", O(&[("s", "int", true)], NONE)),
    ("group", "SELECT SUM(Discount) AS s FROM dbo.Items", O(&[("s", "money", true)], NONE)),
    ("group", "SELECT SUM(Weight) AS s FROM dbo.Items", O(&[("s", "float", true)], NONE)),
    ("group", "SELECT UserId, COUNT(*) AS n FROM dbo.Orders GROUP BY UserId HAVING COUNT(*) > 2", O(&[("UserId", "int", false), ("n", "int", false)], NONE)),
    ("group", "SELECT YEAR(PlacedAt) AS y, COUNT(*) AS n FROM dbo.Orders GROUP BY YEAR(PlacedAt)", O(&[("y", "int", false), ("n", "int", false)], NONE)),
    ("group", "SELECT LEFT([Status], 1) + 'x' AS s, COUNT(*) AS n FROM dbo.Orders GROUP BY Left(Status,1) + 'x'", O(&[("s", "varchar(21)", false), ("n", "int", false)], NONE)),
    ("group", "SELECT o.UserId, u.Email FROM dbo.Orders o JOIN dbo.Users u ON u.Id = o.UserId GROUP BY o.UserId, u.Email", O(&[("UserId", "int", false), ("Email", "nvarchar(256)", false)], NONE)),
    ("group", "SELECT YEAR(PlacedAt) AS y, MAX(Total) AS m FROM dbo.Orders GROUP BY ROLLUP (YEAR(PlacedAt))", O(&[("y", "int", true), ("m", "decimal(12,2)", true)], NONE)),
    ("group", "SELECT Status, COUNT(*) AS n FROM dbo.Orders GROUP BY ROLLUP (Status)", O(&[("Status", "varchar(20)", true), ("n", "int", false)], NONE)),
    ("group", "SELECT UserId, Status FROM dbo.Orders GROUP BY UserId", E("`Orders.Status` is neither grouped nor aggregated")),
    ("group", "SELECT Status, COUNT(*) FROM dbo.Orders", E("neither grouped nor aggregated")),
    ("group", "SELECT UserId FROM dbo.Orders GROUP BY UserId HAVING Total > 1", E("neither grouped nor aggregated")),
    ("group", "SELECT * FROM dbo.Orders GROUP BY UserId", E("neither grouped nor aggregated")),
    ("group", "SELECT UserId, COUNT(*) FROM dbo.Orders GROUP BY UserId ORDER BY PlacedAt", E("neither grouped nor aggregated")),
    ("group", "SELECT MAX(COUNT(*)) FROM dbo.Orders", E("aggregate")),
    ("group", "SELECT DISTINCT Status FROM dbo.Orders", O(&[("Status", "varchar(20)", false)], NONE)),
    ("group", "SELECT COUNT(DISTINCT Status) AS n FROM dbo.Orders", O(&[("n", "int", false)], NONE)),
    ("group", "SELECT STRING_AGG(Status, ',') AS s FROM dbo.Orders", O(&[("s", "varchar(8000)", true)], NONE)),

    // ---- window functions
    ("window", "SELECT Id, ROW_NUMBER() OVER (ORDER BY PlacedAt) AS rn FROM dbo.Orders", O(&[("Id", "int", false), ("rn", "bigint", false)], NONE)),
    ("window", "SELECT RANK() OVER (PARTITION BY UserId ORDER BY Total DESC) AS r FROM dbo.Orders", O(&[("r", "bigint", false)], NONE)),
    ("window", "SELECT DENSE_RANK() OVER (ORDER BY Total) AS r, NTILE(4) OVER (ORDER BY Total) AS q FROM dbo.Orders", O(&[("r", "bigint", false), ("q", "bigint", false)], NONE)),
    ("window", "SELECT SUM(Total) OVER (PARTITION BY UserId) AS s FROM dbo.Orders", O(&[("s", "decimal(38,2)", false)], NONE)),
    ("window", "SELECT COUNT(*) OVER () AS n, Id FROM dbo.Orders", O(&[("n", "int", false), ("Id", "int", false)], NONE)),
    ("window", "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY Total) OVER (PARTITION BY UserId) AS med FROM dbo.Orders", O(&[("med", "decimal(12,2)", false)], NONE)),
    ("window", "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY Total) OVER () AS med FROM dbo.Orders", O(&[("med", "float", false)], NONE)),
    ("window", "SELECT SUM(Total) OVER (ORDER BY PlacedAt ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS ahead FROM dbo.Orders", O(&[("ahead", "decimal(38,2)", true)], NONE)),
    ("window", "SELECT MAX(ShippedAt) OVER (PARTITION BY UserId) AS m FROM dbo.Orders", O(&[("m", "date", true)], NONE)),
    ("window", "SELECT LAG(Total) OVER (ORDER BY PlacedAt) AS prev FROM dbo.Orders", O(&[("prev", "decimal(12,2)", true)], NONE)),
    ("window", "SELECT Id, SUM(Total) OVER (ORDER BY PlacedAt ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM dbo.Orders", O(&[("Id", "int", false), ("running", "decimal(38,2)", false)], NONE)),

    // ---- TOP / OFFSET FETCH / ORDER BY
    ("top", "SELECT TOP 10 Id FROM dbo.Users ORDER BY Id", O(&[("Id", "int", false)], NONE)),
    ("top", "SELECT TOP (@n) Id FROM dbo.Users ORDER BY Id", O(&[("Id", "int", false)], &[("@n", "bigint")])),
    ("top", "SELECT TOP (@p1) PERCENT Id FROM dbo.Users ORDER BY Id", O(&[("Id", "int", false)], &[("@p1", "float")])),
    ("top", "SELECT TOP (5) WITH TIES Id FROM dbo.Users ORDER BY Age", O(&[("Id", "int", false)], NONE)),
    ("top", "SELECT TOP (5) WITH TIES Id FROM dbo.Users", E("WITH TIES needs an ORDER BY")),
    ("offset", "SELECT Id FROM dbo.Users ORDER BY Id OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY", O(&[("Id", "int", false)], &[("@p1", "bigint"), ("@p2", "bigint")])),
    ("offset", "SELECT Id FROM dbo.Users ORDER BY Id OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY", O(&[("Id", "int", false)], NONE)),
    ("offset", "SELECT Id FROM dbo.Users ORDER BY Id OFFSET (@skip) ROWS", O(&[("Id", "int", false)], &[("@skip", "bigint")])),
    ("order", "SELECT Email AS e FROM dbo.Users ORDER BY e", O(&[("e", "nvarchar(256)", false)], NONE)),
    ("order", "SELECT Email FROM dbo.Users ORDER BY 1", O(&[("Email", "nvarchar(256)", false)], NONE)),
    ("order", "SELECT Email FROM dbo.Users ORDER BY 3", E("out of range")),
    ("order", "SELECT Email FROM dbo.Users ORDER BY Nope", E("unknown column `Nope`")),

    // ---- PIVOT
    ("pivot", "SELECT p.UserId, p.[new], p.[done] FROM (SELECT UserId, Status, Total FROM dbo.Orders) AS s PIVOT (SUM(Total) FOR Status IN ([new], [done])) AS p", O(&[("UserId", "int", false), ("new", "decimal(38,2)", true), ("done", "decimal(38,2)", true)], NONE)),
    ("pivot", "SELECT p.Status FROM (SELECT UserId, Status, Total FROM dbo.Orders) AS s PIVOT (SUM(Total) FOR Status IN ([new])) AS p", E("`p` has no column `Status`")),

    // ---- table hints
    ("hints", "SELECT Id FROM dbo.Users WITH (NOLOCK)", O(&[("Id", "int", false)], NONE)),
    ("hints", "SELECT Id FROM dbo.Users u WITH (UPDLOCK, ROWLOCK) WHERE Id = @p1", O(&[("Id", "int", false)], &[("@p1", "int")])),
    ("hints", "SELECT Id FROM dbo.Users WITH (READPAST, NOWAIT)", O(&[("Id", "int", false)], NONE)),
    ("hints", "SELECT Id FROM dbo.Users WITH (HOLDLOCK)", O(&[("Id", "int", false)], NONE)),
    ("hints", "SELECT Id FROM dbo.Users WITH (NOLOK)", E("unknown table hint `NOLOK`")),
    ("hints", "SELECT Id FROM dbo.Users WHERE Id = @p1 OPTION (RECOMPILE)", O(&[("Id", "int", false)], &[("@p1", "int")])),
    ("hints", "SELECT u.Id FROM dbo.Users u INNER LOOP JOIN dbo.Orders o ON o.UserId = u.Id OPTION (MAXDOP 1, RECOMPILE);", O(&[("Id", "int", false)], NONE)),

    // ---- OPENJSON and FOR JSON
    ("json", "SELECT j.id, j.name FROM OPENJSON(@doc) WITH (id int '$.id', name nvarchar(50) '$.name') AS j", O(&[("id", "int", true), ("name", "nvarchar(50)", true)], &[("@doc", "nvarchar(max)")])),
    ("json", "SELECT [key], value, type FROM OPENJSON(N'{}')", O(&[("key", "nvarchar(4000)", false), ("value", "nvarchar(max)", true), ("type", "int", false)], NONE)),
    ("json", "SELECT u.Id, s.theme FROM dbo.Users u CROSS APPLY OPENJSON(u.Settings) WITH (theme varchar(20) '$.theme') s", O(&[("Id", "int", false), ("theme", "varchar(20)", true)], NONE)),
    ("json", "SELECT Id, Email FROM dbo.Users FOR JSON PATH", O(&[("JSON_F52E2B61-18A1-11d1-B105-00805F49916B", "nvarchar(max)", true)], NONE)),
    ("tvf", "SELECT u.Id FROM dbo.Users u JOIN STRING_SPLIT(@ids, ',') s ON s.value = u.Email", O(&[("Id", "int", false)], &[("@ids", "nvarchar(max)")])),
    ("tvf", "SELECT s.value, s.ordinal FROM STRING_SPLIT(N'a,b', ',', 1) AS s", O(&[("value", "nvarchar(3)", false), ("ordinal", "bigint", false)], NONE)),
    ("tvf", "SELECT value FROM GENERATE_SERIES(1, @n)", O(&[("value", "int", false)], &[("@n", "int")])),
    ("json", "SELECT JSON_VALUE(Settings, '$.theme') AS theme FROM dbo.Users", O(&[("theme", "nvarchar(4000)", true)], NONE)),
    ("json", "SELECT JSON_QUERY(Settings, '$.tags') AS tags FROM dbo.Users", O(&[("tags", "nvarchar(max)", true)], NONE)),
    ("json", "SELECT ISJSON(Settings) AS ok FROM dbo.Users", O(&[("ok", "int", true)], NONE)),

    // ---- views, inline functions
    ("views", "SELECT Id, Email, Name FROM dbo.ActiveUsers", O(&[("Id", "int", false), ("Email", "nvarchar(256)", false), ("Name", "nvarchar(100)", true)], NONE)),
    ("views", "SELECT UserId, Total, N FROM dbo.OrderTotals", O(&[("UserId", "int", false), ("Total", "decimal(38,2)", false), ("N", "int", false)], NONE)),
    ("views", "SELECT UserKey, Mail FROM dbo.Renamed", O(&[("UserKey", "int", false), ("Mail", "nvarchar(256)", false)], NONE)),
    ("views", "SELECT * FROM dbo.OnView", O(&[("UserId", "int", false), ("N", "int", false), ("Email", "nvarchar(256)", false)], NONE)),
    ("views", "SELECT a.Email, t.N FROM dbo.ActiveUsers a LEFT JOIN dbo.OrderTotals t ON t.UserId = a.Id", O(&[("Email", "nvarchar(256)", false), ("N", "int", true)], NONE)),
    ("views", "SELECT * FROM dbo.Loop1", E("refers to itself")),
    ("views", "SELECT * FROM dbo.Broken", E("`dbo.Broken` cannot be typed: unknown column `Nope`")),
    ("views", "SELECT Id, Total FROM dbo.OrdersOf(@p1)", O(&[("Id", "int", false), ("Total", "decimal(12,2)", false)], &[("@p1", "int")])),
    ("views", "SELECT u.Email, o.Total FROM dbo.Users u CROSS APPLY dbo.OrdersOf(u.Id) AS o", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", false)], NONE)),
    ("views", "SELECT u.Email, o.Total FROM dbo.Users u OUTER APPLY dbo.OrdersOf(u.Id) AS o", O(&[("Email", "nvarchar(256)", false), ("Total", "decimal(12,2)", true)], NONE)),
    ("views", "SELECT dbo.FullName(Id) AS n FROM dbo.Users", O(&[("n", "nvarchar(200)", true)], NONE)),
    ("views", "SELECT dbo.FullNam(Id) AS n FROM dbo.Users", E("unknown function")),
    ("views", "SELECT * FROM dbo.OrdersOf(1, 2)", E("takes 1 arguments")),

    // ---- expressions: typing rules in context
    ("expr", "SELECT Price * Qty AS line FROM dbo.Items", O(&[("line", "decimal(18,2)", false)], NONE)),
    ("expr", "SELECT Price * Discount AS x FROM dbo.Items", O(&[("x", "decimal(32,6)", true)], NONE)),
    ("expr", "SELECT Email + N'!' AS e FROM dbo.Users", O(&[("e", "nvarchar(257)", false)], NONE)),
    ("expr", "SELECT Name + Email AS e FROM dbo.Users", O(&[("e", "nvarchar(356)", true)], NONE)),
    ("expr", "SELECT -Age AS a FROM dbo.Users", O(&[("a", "smallint", true)], NONE)),
    ("expr", "SELECT Id % 2 AS m FROM dbo.Users", O(&[("m", "int", false)], NONE)),
    ("expr", "SELECT Id / 2.0 AS m FROM dbo.Users", O(&[("m", "numeric(17,6)", false)], NONE)),
    ("expr", "SELECT Weight * 2 AS w FROM dbo.Items", O(&[("w", "float", true)], NONE)),
    ("expr", "SELECT CAST(Total AS int) AS t FROM dbo.Orders", O(&[("t", "int", false)], NONE)),
    ("expr", "SELECT CAST(Id AS varchar) AS t FROM dbo.Users", O(&[("t", "varchar(30)", false)], NONE)),
    ("expr", "SELECT CONVERT(varchar(10), PlacedAt, 120) AS d FROM dbo.Orders", O(&[("d", "varchar(10)", false)], NONE)),
    ("expr", "SELECT TRY_CAST(Status AS int) AS s FROM dbo.Orders", O(&[("s", "int", true)], NONE)),
    ("expr", "SELECT TRY_CONVERT(date, Status) AS s FROM dbo.Orders", O(&[("s", "date", true)], NONE)),
    ("expr", "SELECT CAST(Guid AS int) AS g FROM dbo.Items", E("")),
    ("expr", "SELECT CASE WHEN Age > 18 THEN 'adult' ELSE 'minor' END AS k FROM dbo.Users", O(&[("k", "varchar(5)", false)], NONE)),
    ("expr", "SELECT CASE WHEN Age > 18 THEN 'adult' END AS k FROM dbo.Users", O(&[("k", "varchar(5)", true)], NONE)),
    ("expr", "SELECT CASE Status WHEN 'new' THEN 1 WHEN 'done' THEN 2.5 ELSE 0 END AS k FROM dbo.Orders", O(&[("k", "numeric(11,1)", false)], NONE)),
    ("expr", "SELECT IIF(Age > 18, Id, 0) AS k FROM dbo.Users", O(&[("k", "int", false)], NONE)),
    ("expr", "SELECT COALESCE(Name, Email) AS n FROM dbo.Users", O(&[("n", "nvarchar(256)", false)], NONE)),
    ("expr", "SELECT COALESCE(Name, NULL) AS n FROM dbo.Users", O(&[("n", "nvarchar(100)", true)], NONE)),
    ("expr", "SELECT ISNULL(Name, N'') AS n FROM dbo.Users", O(&[("n", "nvarchar(100)", false)], NONE)),
    ("expr", "SELECT NULLIF(Status, 'x') AS n FROM dbo.Orders", O(&[("n", "varchar(20)", true)], NONE)),
    ("expr", "SELECT LEN(Email) AS l, UPPER(Status) AS u FROM dbo.Users, dbo.Orders", O(&[("l", "int", false), ("u", "varchar(20)", false)], NONE)),
    ("expr", "SELECT SUBSTRING(Email, 1, 3) AS s FROM dbo.Users", O(&[("s", "nvarchar(256)", false)], NONE)),
    ("expr", "SELECT DATEADD(day, 1, PlacedAt) AS d, DATEDIFF(day, PlacedAt, ShippedAt) AS n FROM dbo.Orders", O(&[("d", "datetime", false), ("n", "int", true)], NONE)),
    ("expr", "SELECT GETDATE() AS a, SYSDATETIME() AS b, SYSDATETIMEOFFSET() AS c, NEWID() AS d", O(&[("a", "datetime", false), ("b", "datetime2(7)", false), ("c", "datetimeoffset(7)", false), ("d", "uniqueidentifier", false)], NONE)),
    ("expr", "SELECT CONCAT(Name, '-', Id) AS c FROM dbo.Users", O(&[("c", "nvarchar(112)", false)], NONE)),
    ("expr", "SELECT (SELECT MAX(Total) FROM dbo.Orders o WHERE o.UserId = u.Id) AS m FROM dbo.Users u", O(&[("m", "decimal(12,2)", true)], NONE)),
    ("expr", "SELECT (SELECT COUNT(*) FROM dbo.Orders o WHERE o.UserId = u.Id) AS m FROM dbo.Users u", O(&[("m", "int", true)], NONE)),
    ("expr", "SELECT Id FROM dbo.Users u WHERE EXISTS (SELECT 1 FROM dbo.Orders o WHERE o.UserId = u.Id)", O(&[("Id", "int", false)], NONE)),
    ("expr", "SELECT Id FROM dbo.Users WHERE Id = ANY (SELECT UserId FROM dbo.Orders)", O(&[("Id", "int", false)], NONE)),
    ("expr", "SELECT Id FROM dbo.Users WHERE @p1 > ALL (SELECT Total FROM dbo.Orders)", O(&[("Id", "int", false)], &[("@p1", "decimal(12,2)")])),
    ("expr", "SELECT Id FROM dbo.Users WHERE CONTAINS(Name, @p1)", O(&[("Id", "int", false)], &[("@p1", "nvarchar(4000)")])),
    ("expr", "SELECT Id FROM dbo.Users WHERE Id IN (SELECT UserId FROM dbo.Orders)", O(&[("Id", "int", false)], NONE)),
    ("expr", "SELECT (SELECT Id, Email FROM dbo.Users) AS x", E("one column")),
    ("expr", "SELECT Email - 1 FROM dbo.Users", O(&[("", "int", false)], NONE)),
    ("expr", "SELECT FROBNICATE(Id) FROM dbo.Users", E("")),
    ("expr", "SELECT Id FROM dbo.Users WHERE Guid = 1", E("unknown column `Guid`")),
    ("expr", "SELECT At AT TIME ZONE 'UTC' AS t FROM dbo.Events", O(&[("t", "datetimeoffset(3)", false)], NONE)),
    ("expr", "SELECT Email COLLATE Latin1_General_CS_AS AS e FROM dbo.Users", O(&[("e", "nvarchar(256)", false)], NONE)),
    ("expr", "SELECT @@ROWCOUNT AS n", O(&[("n", "int", false)], NONE)),
    ("expr", "SELECT NEXT VALUE FOR dbo.OrderNumbers AS n", O(&[("n", "bigint", false)], NONE)),
    ("expr", "SELECT NEXT VALUE FOR dbo.OrderNumber AS n", E("unknown sequence `dbo.OrderNumber`")),
    ("expr", "SELECT Id FROM dbo.Users WHERE Name IS DISTINCT FROM @p1", O(&[("Id", "int", false)], &[("@p1", "nvarchar(100)")])),
    ("insert", "INSERT INTO Sales.Customers (CustomerId, Name) VALUES (NEXT VALUE FOR OrderNumbers, @p1)", O(&[], &[("@p1", "nvarchar(50)")])),

    // ---- computed columns the DDL importer left untyped: typed from their expression
    ("computed", "SELECT LineTotal FROM dbo.Items", O(&[("LineTotal", "decimal(18,2)", false)], NONE)),
    ("computed", "SELECT i.LineTotal * 2 AS x FROM dbo.Orders o LEFT JOIN dbo.Items i ON i.OrderId = o.Id", O(&[("x", "decimal(29,2)", true)], NONE)),
    ("computed", "SELECT Bad FROM dbo.Items", E("the type of computed column `Bad` is unknown")),
    ("computed", "SELECT i.* FROM dbo.Items i", E("the type of computed column `Bad` is unknown")),
    ("computed", "DELETE FROM dbo.Items OUTPUT DELETED.LineTotal WHERE Id = @p1", O(&[("LineTotal", "decimal(18,2)", false)], &[("@p1", "bigint")])),
    ("computed", "SELECT Id, Sku FROM dbo.Items", O(&[("Id", "bigint", false), ("Sku", "char(10)", false)], NONE)),
    ("computed", "INSERT INTO dbo.Items (Id, OrderId, Sku, Price, Qty, LineTotal) VALUES (1, 1, 'a', 1, 1, 1)", E("computed column")),

    // ---- nullability policy (DESIGN §3)
    ("nullability", "SELECT Id + Age AS x FROM dbo.Users", O(&[("x", "int", true)], NONE)),
    ("nullability", "SELECT Id * 2 + 1 AS x FROM dbo.Users", O(&[("x", "int", false)], NONE)),
    ("nullability", "SELECT u.Id + o.Id AS x FROM dbo.Users u LEFT JOIN dbo.Orders o ON o.UserId = u.Id", O(&[("x", "int", true)], NONE)),
    ("nullability", "SELECT Id FROM dbo.Users WHERE Name IS NOT NULL", O(&[("Id", "int", false)], NONE)),
    ("nullability", "SELECT Name FROM dbo.Users WHERE Name IS NOT NULL", O(&[("Name", "nvarchar(100)", true)], NONE)),
    ("nullability", "SELECT MAX(Id) AS m FROM dbo.Users", O(&[("m", "int", true)], NONE)),

    // ---- overrides
    ("override", "SELECT MAX(Id) AS [m!] FROM dbo.Users", O(&[("m", "int", true)], NONE)),
    ("override", "SELECT Id AS [id?] FROM dbo.Users", O(&[("id", "int", false)], NONE)),
    ("override", "SELECT Email AS [email: String] FROM dbo.Users", O(&[("email", "nvarchar(256)", false)], NONE)),
    ("override", "SELECT Name AS [name!: String] FROM dbo.Users", O(&[("name", "nvarchar(100)", true)], NONE)),

    // ---- parameters
    ("params", "SELECT Id FROM dbo.Users WHERE Email = @p1", O(&[("Id", "int", false)], &[("@p1", "nvarchar(256)")])),
    ("params", "SELECT Id FROM dbo.Users WHERE @p1 = Email", O(&[("Id", "int", false)], &[("@p1", "nvarchar(256)")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Age > @p1 AND Age < @p2", O(&[("Id", "int", false)], &[("@p1", "tinyint"), ("@p2", "tinyint")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Id IN (@p1, @p2, @p3)", O(&[("Id", "int", false)], &[("@p1", "int"), ("@p2", "int"), ("@p3", "int")])),
    ("params", "SELECT Id FROM dbo.Orders WHERE PlacedAt BETWEEN @from AND @to", O(&[("Id", "int", false)], &[("@from", "datetime"), ("@to", "datetime")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Email LIKE @p1", O(&[("Id", "int", false)], &[("@p1", "nvarchar(4000)")])),
    ("params", "SELECT Id FROM dbo.Orders WHERE Status LIKE @p1 + '%'", O(&[("Id", "int", false)], &[("@p1", "varchar(8000)")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @p2 OR Id = @p1", O(&[("Id", "int", false)], &[("@p1", "int"), ("@p2", "int")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Email = @email AND Id > @minId", O(&[("Id", "int", false)], &[("@email", "nvarchar(256)"), ("@minId", "int")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @p1 OR Age = @p1", O(&[("Id", "int", false)], &[("@p1", "int")])),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @P1 OR Id = @p1", O(&[("Id", "int", false)], &[("@P1", "int")])),
    ("params", "SELECT @p1 AS x FROM dbo.Users WHERE Id = @p1", O(&[("x", "int", true)], &[("@p1", "int")])),
    ("params", "SELECT CAST(@p1 AS date) AS d", O(&[("d", "date", true)], &[("@p1", "date")])),
    ("params", "SELECT Id FROM dbo.Orders WHERE PlacedAt > DATEADD(day, @p1, GETDATE())", O(&[("Id", "int", false)], &[("@p1", "int")])),
    ("params", "SELECT LEFT(Email, @p1) AS l FROM dbo.Users", O(&[("l", "nvarchar(256)", true)], &[("@p1", "bigint")])),
    ("params", "SELECT COALESCE(Name, @p1) AS n FROM dbo.Users", O(&[("n", "nvarchar(100)", true)], &[("@p1", "nvarchar(100)")])),
    ("params", "SELECT Total + @p1 AS t FROM dbo.Orders", O(&[("t", "decimal(13,2)", true)], &[("@p1", "decimal(12,2)")])),
    ("params", "SELECT CASE WHEN Age > 18 THEN Name ELSE @p1 END AS n FROM dbo.Users", O(&[("n", "nvarchar(100)", true)], &[("@p1", "nvarchar(100)")])),
    ("params", "SELECT TOP (@n) Id FROM dbo.Users WHERE Email = @email AND Age > @age ORDER BY Id", O(&[("Id", "int", false)], &[("@n", "bigint"), ("@email", "nvarchar(256)"), ("@age", "tinyint")])),
    ("params", "SELECT @p1 AS x", E("cannot be inferred")),
    ("params", "SELECT Id FROM dbo.Users WHERE @a = @b", E("cannot be inferred")),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @p1 AND Email = @p1", E("parameter `@p1` is used as int and here as nvarchar(256)")),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @p2", E("`@p1` is not")),
    ("params", "SELECT Id FROM dbo.Users WHERE Id = @p1 AND Age = @p1", O(&[("Id", "int", false)], &[("@p1", "int")])),

    // ---- INSERT
    ("insert", "INSERT INTO dbo.Users (Email, Name) VALUES (@p1, @p2)", O(&[], &[("@p1", "nvarchar(256)"), ("@p2", "nvarchar(100)")])),
    ("insert", "INSERT INTO dbo.Users (Email) VALUES (@p1), (@p2), (N'c@d')", O(&[], &[("@p1", "nvarchar(256)"), ("@p2", "nvarchar(256)")])),
    ("insert", "INSERT INTO dbo.Users (Email) OUTPUT INSERTED.Id, INSERTED.CreatedAt VALUES (@p1)", O(&[("Id", "int", false), ("CreatedAt", "datetime2(7)", false)], &[("@p1", "nvarchar(256)")])),
    ("insert", "INSERT INTO dbo.Orders (UserId, Total, Status, PlacedAt) OUTPUT INSERTED.* VALUES (@p1, @p2, 'new', GETDATE())", O(&[("Id", "int", false), ("UserId", "int", false), ("Total", "decimal(12,2)", false), ("Status", "varchar(20)", false), ("PlacedAt", "datetime", false), ("ShippedAt", "date", true), ("Note", "nvarchar(max)", true), ("TotalWithTax", "decimal(15,4)", true)], &[("@p1", "int"), ("@p2", "decimal(12,2)")])),
    ("insert", "INSERT INTO Sales.Customers (CustomerId, Name) SELECT Id, Email FROM dbo.Users", O(&[], NONE)),
    ("insert", "INSERT INTO Sales.Customers VALUES (@p1, @p2, NULL)", O(&[], &[("@p1", "int"), ("@p2", "nvarchar(50)")])),
    ("insert", "INSERT INTO dbo.Events DEFAULT VALUES", E("`Id` is NOT NULL and has no default")),
    ("insert", "INSERT INTO Sales.Customers (CustomerId, Name) VALUES (DEFAULT, N'x')", E("has no default")),
    ("insert", "INSERT INTO dbo.Users (Id, Email) VALUES (1, N'a')", E("identity column")),
    ("insert", "INSERT INTO dbo.Orders (UserId, Total, Status, PlacedAt, TotalWithTax) VALUES (1, 1, 'a', GETDATE(), 1)", E("computed column")),
    ("insert", "INSERT INTO dbo.Users (Email, Version) VALUES (N'a', 0x00)", E("rowversion column")),
    ("insert", "INSERT INTO dbo.Users (Name) VALUES (N'x')", E("`Email` is NOT NULL and has no default")),
    ("insert", "INSERT INTO dbo.Users (Email) VALUES (NULL)", E("NULL cannot be written")),
    ("insert", "INSERT INTO dbo.Users (Email, Name) VALUES (N'a')", E("this row has 1 values")),
    ("insert", "INSERT INTO dbo.Users (Emial) VALUES (N'a')", E("has no column `Emial`")),
    ("insert", "INSERT INTO dbo.Items (Id, OrderId, Sku, Price, Qty, Guid) VALUES (1, 1, 'a', 1, 1, 5)", E("")),
    ("insert", "INSERT INTO dbo.Users (Email) OUTPUT DELETED.Id VALUES (N'a')", E("DELETED is not available")),

    ("insert", "INSERT INTO Sales.Customers (CustomerId, Name, Region) SELECT @p1, @p2, NULL", O(&[], &[("@p1", "int"), ("@p2", "nvarchar(50)")])),
    ("insert", "WITH src AS (SELECT Id, Email FROM dbo.Users WHERE IsActive = 1) INSERT INTO Sales.Customers (CustomerId, Name) SELECT Id, Email FROM src", O(&[], NONE)),

    // ---- UPDATE
    ("update", "UPDATE dbo.Users SET Name = @p1 WHERE Id = @p2", O(&[], &[("@p1", "nvarchar(100)"), ("@p2", "int")])),
    ("update", "UPDATE dbo.Users SET Balance = Balance + @p1 OUTPUT DELETED.Balance AS old, INSERTED.Balance AS new WHERE Id = @p2", O(&[("old", "decimal(12,2)", false), ("new", "decimal(12,2)", false)], &[("@p1", "decimal(12,2)"), ("@p2", "int")])),
    ("update", "UPDATE o SET Status = 'shipped' FROM dbo.Orders o JOIN dbo.Users u ON u.Id = o.UserId WHERE u.Email = @p1", O(&[], &[("@p1", "nvarchar(256)")])),
    ("update", "UPDATE dbo.Users SET Id = 5", E("identity column")),
    ("update", "UPDATE dbo.Users SET Emial = N'x'", E("has no column `Emial`")),
    ("update", "UPDATE dbo.Users SET Email = NULL", E("NULL cannot be written")),
    ("update", "UPDATE dbo.Users WITH (NOLOCK) SET Name = N'x'", E("NOLOCK cannot be used")),
    ("update", "UPDATE dbo.Users SET Name = Nope", E("unknown column `Nope`")),

    ("update", "WITH late AS (SELECT Id FROM dbo.Orders WHERE ShippedAt IS NULL) UPDATE dbo.Orders SET Status = @p1 WHERE Id IN (SELECT Id FROM late)", O(&[], &[("@p1", "varchar(20)")])),

    ("update", "UPDATE TOP (@n) dbo.Users SET Name = @p1 WHERE Age > 10", O(&[], &[("@p1", "nvarchar(100)"), ("@n", "bigint")])),

    // ---- DELETE
    ("delete", "DELETE TOP (10) FROM dbo.Orders WHERE ShippedAt IS NULL", O(&[], NONE)),
    ("delete", "WITH old AS (SELECT Id FROM dbo.Orders WHERE PlacedAt < @p1) DELETE FROM dbo.Orders OUTPUT DELETED.Id WHERE Id IN (SELECT Id FROM old)", O(&[("Id", "int", false)], &[("@p1", "datetime")])),
    ("delete", "DELETE FROM dbo.Orders WHERE Id = @p1", O(&[], &[("@p1", "int")])),
    ("delete", "DELETE FROM dbo.Orders OUTPUT DELETED.Id, DELETED.Total WHERE UserId = @p1", O(&[("Id", "int", false), ("Total", "decimal(12,2)", false)], &[("@p1", "int")])),
    ("delete", "DELETE o FROM dbo.Orders o JOIN dbo.Users u ON u.Id = o.UserId WHERE u.IsActive = 0", O(&[], NONE)),
    ("delete", "DELETE FROM dbo.Orders OUTPUT INSERTED.Id", E("INSERTED is not available")),
    ("delete", "DELETE FROM dbo.Nope", E("unknown table or view")),

    // ---- MERGE
    ("merge", "MERGE dbo.Users AS t USING (SELECT @p1 AS Email) AS s ON t.Email = s.Email WHEN MATCHED THEN UPDATE SET t.Name = @p2 WHEN NOT MATCHED THEN INSERT (Email, Name) VALUES (s.Email, @p2) OUTPUT $action AS act, INSERTED.Id;", O(&[("act", "nvarchar(10)", false), ("Id", "int", false)], &[("@p1", "nvarchar(256)"), ("@p2", "nvarchar(100)")])),
    ("merge", "MERGE dbo.Users AS t USING (SELECT CAST(@p1 AS nvarchar(256)) AS Email) AS s ON t.Email = s.Email WHEN MATCHED THEN UPDATE SET t.Name = @p2 WHEN NOT MATCHED THEN INSERT (Email, Name) VALUES (s.Email, @p2) OUTPUT $action AS act, INSERTED.Id;", O(&[("act", "nvarchar(10)", false), ("Id", "int", false)], &[("@p1", "nvarchar(256)"), ("@p2", "nvarchar(100)")])),
    ("merge", "MERGE dbo.Users AS t USING Sales.Customers AS s ON t.Email = s.Name WHEN MATCHED THEN DELETE OUTPUT DELETED.Email, INSERTED.Email AS e2;", O(&[("Email", "nvarchar(256)", false), ("e2", "nvarchar(256)", true)], NONE)),
    ("merge", "MERGE dbo.Users AS t USING Sales.Customers AS s ON t.Email = s.Name WHEN NOT MATCHED THEN INSERT (Name) VALUES (s.Name);", E("`Email` is NOT NULL")),
    ("merge", "SELECT $action", E("`$action` exists only")),

    // ---- EXEC
    ("exec", "EXEC dbo.GetUser @Id = @p1", O(&[], &[("@p1", "int")])),
    ("exec", "EXEC dbo.GetUser @p1, 1", O(&[], &[("@p1", "int")])),
    ("exec", "EXECUTE dbo.GetUser @Id = 5, @IncludeOrders = @p1", O(&[], &[("@p1", "bit")])),
    ("exec", "EXEC dbo.GetUser", E("needs parameter `@Id`")),
    ("exec", "EXEC dbo.GetUser @Idd = 1", E("has no parameter `@Idd`")),
    ("exec", "EXEC dbo.GetUsr 1", E("unknown procedure")),
    ("exec", "EXEC dbo.GetUser 1, 2, 3", E("takes 2 arguments")),

    // ---- bad input
    ("bad input", "", E("empty")),
    ("bad input", "   -- just a comment", E("empty")),
    ("bad input", "SELECT 'unterminated", E("")),
    ("bad input", "SELECT * FROM", E("syntax error")),
    ("bad input", "\u{0}\u{1}\u{2}", E("")),
    ("bad input", "SELECT ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", E("nests too deeply")),
];

#[test]
fn every_fidelity_row_holds() {
    let snap = common::snapshot();
    let mut failures = Vec::new();
    for (rule, sql, exp) in ROWS {
        let got = describe(&snap, "default", sql);
        match (exp, &got) {
            (O(cols, params), Ok(d)) => {
                let got_cols: Vec<(String, String, bool)> = d
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty.to_string(), c.nullable))
                    .collect();
                let want_cols: Vec<(String, String, bool)> = cols
                    .iter()
                    .map(|(n, t, b)| (n.to_string(), t.to_string(), *b))
                    .collect();
                let got_params: Vec<(String, String)> = d
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.ty.to_string()))
                    .collect();
                let want_params: Vec<(String, String)> = params
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.to_string()))
                    .collect();
                if got_cols != want_cols || got_params != want_params {
                    failures.push(format!("[{rule}] {sql}\n   want {want_cols:?} {want_params:?}\n   got  {got_cols:?} {got_params:?}"));
                }
            }
            (O(..), Err(e)) => failures.push(format!(
                "[{rule}] {sql}\n   want Ok, got errors {:?}",
                e.iter().map(|e| &e.message).collect::<Vec<_>>()
            )),
            (E(msg), Err(e)) => {
                if !e.iter().any(|e| e.message.contains(msg)) {
                    failures.push(format!(
                        "[{rule}] {sql}\n   want error containing {msg:?}, got {:?}",
                        e.iter().map(|e| &e.message).collect::<Vec<_>>()
                    ));
                }
                for err in e.iter() {
                    if err.offset > sql.len() || err.offset + err.len > sql.len() {
                        failures.push(format!(
                            "[{rule}] {sql}\n   error range {}+{} outside the text",
                            err.offset, err.len
                        ));
                    }
                }
            }
            (E(msg), Ok(d)) => failures.push(format!(
                "[{rule}] {sql}\n   want error {msg:?}, got {:?}",
                d.columns
                    .iter()
                    .map(|c| format!("{} {} {}", c.name, c.ty, c.nullable))
                    .collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows fail:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_has_at_least_150_rows() {
    assert!(ROWS.len() >= 150, "{} rows", ROWS.len());
}

#[test]
fn overrides_are_stripped_from_the_name_and_handed_to_the_macros() {
    use mssqlx_macros_core::analyze::ColumnOverride;
    let snap = common::snapshot();
    let d = describe(
        &snap,
        "default",
        "SELECT MAX(Id) AS [m!], Id AS [id?], Email AS [mail: String], Name AS [n!: MyName], Age FROM dbo.Users GROUP BY Id, Email, Name, Age",
    )
    .unwrap();
    let got: Vec<(&str, Option<&ColumnOverride>)> = d
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.column_override.as_ref()))
        .collect();
    let ov = |nullable: Option<bool>, ty: Option<&str>| ColumnOverride {
        nullable,
        rust_type: ty.map(str::to_string),
    };
    assert_eq!(got[0], ("m", Some(&ov(Some(false), None))));
    assert_eq!(got[1], ("id", Some(&ov(Some(true), None))));
    assert_eq!(got[2], ("mail", Some(&ov(None, Some("String")))));
    assert_eq!(got[3], ("n", Some(&ov(Some(false), Some("MyName")))));
    assert_eq!(got[4], ("Age", None));
    // The inferred nullability is reported as inferred; the macros apply the override.
    assert!(!d.columns[0].nullable && !d.columns[1].nullable);
}

#[test]
fn descriptions_name_the_statement_kind_and_the_tables_touched() {
    use mssqlx_macros_core::StatementKind;
    let snap = common::snapshot();
    let d = describe(
        &snap,
        "default",
        "SELECT * FROM dbo.OnView v JOIN Sales.Customers c ON c.CustomerId = v.UserId",
    )
    .unwrap();
    assert_eq!(d.kind, StatementKind::Select);
    let tables: Vec<String> = d.tables.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        tables,
        [
            "Sales.Customers",
            "dbo.ActiveUsers",
            "dbo.OnView",
            "dbo.OrderTotals",
            "dbo.Orders",
            "dbo.Users"
        ]
    );
    let d = describe(&snap, "default", "EXEC dbo.GetUser @Id = 1").unwrap();
    assert_eq!(d.kind, StatementKind::Exec);
    assert!(!d.result_known && d.columns.is_empty());
    let d = describe(
        &snap,
        "default",
        "UPDATE dbo.Users SET Name = NULL WHERE Id = 1",
    )
    .unwrap();
    assert_eq!(d.kind, StatementKind::Update);
    assert!(d.result_known && d.columns.is_empty());
    // A write into another database of the snapshot names that database, as reads do.
    let d = describe(
        &snap,
        "default",
        "UPDATE reporting.dbo.Daily SET Revenue = @r WHERE Day = @d",
    )
    .unwrap();
    let read = describe(&snap, "default", "SELECT Day FROM reporting.dbo.Daily").unwrap();
    assert_eq!(d.tables, read.tables);
    assert!(
        d.tables[0].to_string().starts_with("reporting."),
        "{:?}",
        d.tables
    );
}

#[test]
fn plain_columns_carry_their_origin() {
    let snap = common::snapshot();
    let d = describe(&snap, "default", "SELECT u.Email, o.Total + 1 AS t, a.Name FROM dbo.Users u JOIN dbo.Orders o ON o.UserId = u.Id JOIN dbo.ActiveUsers a ON a.Id = u.Id").unwrap();
    let origin = |i: usize| {
        d.columns[i]
            .origin
            .as_ref()
            .map(|o| format!("{}.{}", o.object, o.column))
    };
    assert_eq!(origin(0).as_deref(), Some("dbo.Users.Email"));
    assert_eq!(origin(1), None);
    assert_eq!(origin(2).as_deref(), Some("dbo.ActiveUsers.Name"));
}
