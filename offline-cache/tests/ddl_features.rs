//! What the DDL importer reads, feature by feature, on small hand-written scripts
//! (for what the real fixtures lack: SPARSE, rowversion, CREATE OR ALTER, json, ...).

use mssqlx_offline::ddl::{import_str, DdlSource, Import, Importer, SkipReason};
use mssqlx_offline::{Column, Database, SqlType, Table};

fn import(sql: &str) -> Import {
    import_str("test.sql", sql)
}

fn clean(sql: &str) -> Database {
    let i = import(sql);
    let bad: Vec<String> = i.report.not_understood().map(|s| s.to_string()).collect();
    assert!(bad.is_empty(), "not understood:\n{}", bad.join("\n"));
    i.database
}

fn table<'a>(db: &'a Database, name: &str) -> &'a Table {
    let (schema, name) = name.split_once('.').unwrap_or(("dbo", name));
    db.table(Some(schema), name)
        .unwrap_or_else(|| panic!("no table {name}"))
        .2
}

fn col<'a>(db: &'a Database, t: &str, c: &str) -> &'a Column {
    table(db, t)
        .column(c)
        .unwrap_or_else(|| panic!("no column {c}"))
}

/// `type NULL|NOT NULL` of a column.
fn shape(db: &Database, t: &str, c: &str) -> String {
    let c = col(db, t, c);
    format!("{} {}", c.ty, if c.nullable { "NULL" } else { "NOT NULL" })
}

#[test]
fn every_system_type_is_read_with_its_length_precision_and_scale() {
    let db = clean(
        "CREATE TABLE t (
            a bit, b tinyint, c smallint, d int, e bigint, f real, g float, h float(24),
            i decimal(12, 3), j numeric, k money, l smallmoney, m char(10), n varchar(max),
            o nchar, p nvarchar(4000), q text, r ntext, s binary(16), u varbinary(max),
            v image, w uniqueidentifier, x date, y time(3), z datetime, aa smalldatetime,
            ab datetime2, ac datetimeoffset(0), ad xml, ae json, af rowversion,
            ag hierarchyid, ah geography, ai geometry, aj sql_variant, ak sysname,
            al [nvarchar](50), am \"int\", an NVARCHAR (MAX), ao double precision,
            ap xml(CONTENT dbo.Coll), aq dec(5,2)
        )",
    );
    let got: Vec<String> = table(&db, "t")
        .columns
        .iter()
        .map(|c| c.ty.to_string())
        .collect();
    assert_eq!(
        got,
        [
            "bit",
            "tinyint",
            "smallint",
            "int",
            "bigint",
            "real",
            "float",
            "real",
            "decimal(12,3)",
            "numeric(18,0)",
            "money",
            "smallmoney",
            "char(10)",
            "varchar(max)",
            "nchar(1)",
            "nvarchar(4000)",
            "text",
            "ntext",
            "binary(16)",
            "varbinary(max)",
            "image",
            "uniqueidentifier",
            "date",
            "time(3)",
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
            "nvarchar(128)",
            "nvarchar(50)",
            "int",
            "nvarchar(max)",
            "float",
            "xml",
            "decimal(5,2)"
        ]
    );
    assert_eq!(
        col(&db, "t", "ap")
            .xml_schema_collection
            .as_ref()
            .unwrap()
            .to_string(),
        "dbo.Coll"
    );
    assert!(
        col(&db, "t", "ae").json,
        "the native json type is a JSON column"
    );
}

#[test]
fn nullability_follows_the_catalog_when_the_script_says_nothing() {
    let db = clean(
        "CREATE TABLE t (
            plain int,
            pk int PRIMARY KEY,
            id int IDENTITY,
            rv rowversion,
            ts timestamp NULL,
            nn int NOT NULL,
            n int NULL,
            comp AS plain + 1,
            isn AS ISNULL(plain, 0),
            vf datetime2 GENERATED ALWAYS AS ROW START,
            vt datetime2 GENERATED ALWAYS AS ROW END,
            PERIOD FOR SYSTEM_TIME (vf, vt)
        )
        GO
        CREATE TABLE u (a int, b int, CONSTRAINT pk PRIMARY KEY (a, b), timestamp)",
    );
    assert_eq!(
        shape(&db, "u", "timestamp"),
        "timestamp NOT NULL",
        "a bare `timestamp` column"
    );
    let got: Vec<(String, bool)> = table(&db, "t")
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.nullable))
        .collect();
    let expect = [
        ("plain", true),
        ("pk", false),
        ("id", false),
        ("rv", false),
        ("ts", true),
        ("nn", false),
        ("n", true),
        ("comp", true),
        ("isn", false),
        ("vf", false),
        ("vt", false),
    ];
    assert_eq!(got, expect.map(|(n, b)| (n.to_string(), b)));
    assert!(
        !col(&db, "u", "a").nullable && !col(&db, "u", "b").nullable,
        "table-level PK columns"
    );
}

#[test]
fn alias_types_resolve_to_base_type_and_nullability() {
    let db = clean(
        "CREATE TYPE dbo.Name FROM nvarchar(50) NULL
        GO
        CREATE TYPE [dbo].[Flag] FROM [bit] NOT NULL
        GO
        EXEC sp_addtype id, 'varchar(11)', 'NOT NULL'
        GO
        EXECUTE sp_addtype @typename = tid, @phystype = 'varchar(6)'
        GO
        CREATE TABLE t (a Name, b dbo.Flag, c Flag NULL, d Name NOT NULL, e id, f tid)",
    );
    assert_eq!(shape(&db, "t", "a"), "nvarchar(50) NULL");
    assert_eq!(shape(&db, "t", "b"), "bit NOT NULL");
    assert_eq!(shape(&db, "t", "c"), "bit NULL");
    assert_eq!(shape(&db, "t", "d"), "nvarchar(50) NOT NULL");
    assert_eq!(shape(&db, "t", "e"), "varchar(11) NOT NULL");
    assert_eq!(shape(&db, "t", "f"), "varchar(6) NULL");
    assert_eq!(
        col(&db, "t", "b").alias_type.as_ref().unwrap().to_string(),
        "dbo.Flag"
    );
}

#[test]
fn column_options_are_kept() {
    let db = clean(
        "CREATE TABLE t (
            id bigint IDENTITY(-5, 2) NOT FOR REPLICATION NOT NULL,
            g uniqueidentifier ROWGUIDCOL NOT NULL CONSTRAINT df DEFAULT (newid()),
            s varchar(10) SPARSE NULL,
            c nvarchar(20) COLLATE Latin1_General_CS_AS NOT NULL,
            m nvarchar(20) MASKED WITH (FUNCTION = 'default()') NULL,
            d int DEFAULT 0 NOT NULL,
            doc nvarchar(max) CHECK (ISJSON(doc) > 0),
            x int INDEX ix_x NONCLUSTERED
        )",
    );
    let id = col(&db, "t", "id").identity.clone().unwrap();
    assert_eq!(
        (id.seed, id.increment, id.not_for_replication),
        (-5, 2, true)
    );
    assert!(col(&db, "t", "g").rowguidcol);
    assert_eq!(col(&db, "t", "g").default.as_deref(), Some("(newid())"));
    assert!(col(&db, "t", "s").sparse);
    assert_eq!(
        col(&db, "t", "c").collation.as_deref(),
        Some("Latin1_General_CS_AS")
    );
    assert_eq!(shape(&db, "t", "m"), "nvarchar(20) NULL");
    assert_eq!(col(&db, "t", "d").default.as_deref(), Some("0"));
    assert_eq!(shape(&db, "t", "d"), "int NOT NULL");
    assert!(
        col(&db, "t", "doc").json,
        "CHECK (ISJSON(col) ...) marks a JSON column"
    );
    assert!(!col(&db, "t", "s").json);
}

#[test]
fn computed_columns_keep_their_expression_and_are_typed_only_when_certain() {
    let db = clean(
        "CREATE TABLE t (
            q smallint NOT NULL, p money NOT NULL, d decimal(9,2) NULL, n nvarchar(10) NOT NULL,
            total AS ISNULL(q * p, 0) PERSISTED NOT NULL,
            label AS (N'#' + n),
            cast_ AS CAST(d AS decimal(12, 2)),
            unknown AS d * 2
        )",
    );
    let total = col(&db, "t", "total");
    assert_eq!(shape(&db, "t", "total"), "money NOT NULL");
    assert_eq!(
        total.computed.as_ref().unwrap().expression,
        "ISNULL(q * p, 0)"
    );
    assert!(total.computed.as_ref().unwrap().persisted);
    assert_eq!(shape(&db, "t", "label"), "nvarchar(11) NULL");
    assert_eq!(shape(&db, "t", "cast_"), "decimal(12,2) NULL");
    let unknown = col(&db, "t", "unknown");
    assert!(
        unknown.computed.as_ref().unwrap().untyped,
        "decimal arithmetic is the analyzer's"
    );
    assert_eq!(
        unknown.ty,
        SqlType::SqlVariant,
        "the documented placeholder"
    );
    assert!(unknown.is_server_generated());
}

#[test]
fn constraints_in_create_and_alter_table() {
    let db = clean(
        "CREATE TABLE p (id int NOT NULL, CONSTRAINT pk_p PRIMARY KEY CLUSTERED (id ASC) WITH (PAD_INDEX = OFF) ON [PRIMARY])
        GO
        CREATE TABLE c (
            id int NOT NULL PRIMARY KEY NONCLUSTERED,
            pid int NULL REFERENCES p,
            code char(3) NOT NULL UNIQUE,
            qty int NOT NULL,
        ) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
        GO
        ALTER TABLE [dbo].[c] WITH CHECK ADD CONSTRAINT [fk_c_p] FOREIGN KEY([pid])
            REFERENCES [dbo].[p] ([id]) ON DELETE CASCADE ON UPDATE NO ACTION NOT FOR REPLICATION,
            CONSTRAINT ck_qty CHECK (qty > 0)
        GO
        ALTER TABLE [dbo].[c] CHECK CONSTRAINT [fk_c_p]
        ALTER TABLE c NOCHECK CONSTRAINT ALL
        ALTER TABLE c ADD CONSTRAINT df_qty DEFAULT ((1)) FOR qty
        ALTER TABLE c ADD note nvarchar(100), flag bit NOT NULL CONSTRAINT df_flag DEFAULT 0
        ALTER TABLE c ALTER COLUMN note nvarchar(200) NOT NULL
        ALTER TABLE c DROP CONSTRAINT ck_qty",
    );
    let c = table(&db, "c");
    assert_eq!(c.primary_key.as_ref().unwrap().clustered, Some(false));
    assert_eq!(c.foreign_keys.len(), 2);
    assert_eq!(
        c.foreign_keys[0].referenced_columns,
        ["id"],
        "a bare REFERENCES uses the referenced PK"
    );
    assert_eq!(c.foreign_keys[1].on_delete.as_deref(), Some("CASCADE"));
    assert_eq!(c.unique_constraints.len(), 1);
    assert!(c.check_constraints.is_empty(), "dropped");
    assert_eq!(c.column("qty").unwrap().default.as_deref(), Some("((1))"));
    assert_eq!(shape(&db, "c", "note"), "nvarchar(200) NOT NULL");
    assert_eq!(col(&db, "c", "flag").ordinal, 6);
    assert_eq!(
        table(&db, "p")
            .primary_key
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("pk_p")
    );
}

#[test]
fn script_plumbing_is_understood() {
    let db = clean(
        "\u{feff}:setvar DatabaseName \"Shop\"\r\n:on error exit\r\nUSE $(DatabaseName);\r\ngo\r\n\
        SET ANSI_NULLS ON\r\nSET QUOTED_IDENTIFIER ON\r\nGO 2\r\n\
        PRINT 'creating';\r\n/* a block comment\r\nGO\r\nstill a comment */\r\n\
        IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = 'T')\r\nBEGIN\r\n\
        -- a line comment\r\n  CREATE TABLE \"Sales\".\"Order Lines\" ([Line No] int NOT NULL)\r\nEND\r\nGO\r\n\
        CREATE SCHEMA Sales AUTHORIZATION dbo\r\nGO\r\n\
        IF OBJECT_ID('dbo.x') IS NOT NULL DROP TABLE dbo.x;\r\n\
        CREATE TABLE [$(DatabaseName)].[dbo].[x] (a int)\r\n",
    );
    assert_eq!(shape(&db, "Sales.Order Lines", "Line No"), "int NOT NULL");
    assert!(
        db.table(Some("dbo"), "x").is_some(),
        "a three-part name with a sqlcmd variable"
    );
}

#[test]
fn routines_keep_signatures_and_views_their_definition() {
    let db = clean(
        "CREATE TYPE dbo.Ids AS TABLE (Id int NOT NULL PRIMARY KEY)
        GO
        CREATE OR ALTER VIEW dbo.v (a, b) WITH SCHEMABINDING AS SELECT 1 AS a, 2 AS b WITH CHECK OPTION;
        GO
        CREATE PROCEDURE dbo.p @a int = 5, @b nvarchar(max) = N'x' OUTPUT, @ids dbo.Ids READONLY,
            @c varchar(10) = NULL OUT WITH EXECUTE AS OWNER AS BEGIN SELECT 1 END
        GO
        CREATE FUNCTION dbo.f (@x int) RETURNS decimal(10, 2) WITH SCHEMABINDING AS BEGIN RETURN 1 END
        GO
        CREATE FUNCTION dbo.tvf (@x int) RETURNS TABLE AS RETURN (SELECT @x AS x)
        GO
        CREATE FUNCTION dbo.mtvf () RETURNS @r TABLE (id int NOT NULL, name nvarchar(10)) AS BEGIN RETURN END
        GO
        CREATE SEQUENCE dbo.s START WITH 10 INCREMENT BY 5 AS int
        GO
        ALTER PROCEDURE dbo.p @only int AS SELECT @only",
    );
    let v = db.view(None, "v").unwrap().2;
    assert_eq!(v.definition, "SELECT 1 AS a, 2 AS b");
    assert_eq!(v.column_names, ["a", "b"]);
    assert!(v.schemabinding);
    let p = db.procedure(None, "p").unwrap().2;
    assert_eq!(p.parameters.len(), 1, "ALTER PROCEDURE replaced it");
    let f = db.function(None, "f").unwrap().2;
    assert_eq!(
        format!("{:?}", f.returns),
        "Scalar { ty: Decimal { precision: 10, scale: 2 } }"
    );
    match &db.function(None, "tvf").unwrap().2.returns {
        mssqlx_offline::FunctionReturns::InlineTable { definition } => {
            assert_eq!(definition, "SELECT @x AS x")
        }
        other => panic!("{other:?}"),
    }
    match &db.function(None, "mtvf").unwrap().2.returns {
        mssqlx_offline::FunctionReturns::Table { columns } => assert_eq!(columns.len(), 2),
        other => panic!("{other:?}"),
    }
    let s = db.sequence(None, "s").unwrap().2;
    assert_eq!(
        (s.ty.to_string(), s.start.as_deref(), s.increment.as_deref()),
        ("int".into(), Some("10"), Some("5"))
    );
}

#[test]
fn procedure_parameters_carry_types_defaults_and_output() {
    let db = clean(
        "CREATE TYPE dbo.Ids AS TABLE (Id int)
        GO
        CREATE PROC dbo.p (@a int = -1, @b nvarchar(max) = N'x, y' OUTPUT, @ids dbo.Ids READONLY) AS SELECT 1",
    );
    let p = &db.procedure(None, "p").unwrap().2.parameters;
    assert_eq!(
        (p[0].name.as_str(), p[0].default.as_deref(), p[0].output),
        ("@a", Some("-1"), false)
    );
    assert_eq!(
        (
            p[1].ty.as_ref().unwrap().to_string(),
            p[1].default.as_deref(),
            p[1].output
        ),
        ("nvarchar(max)".into(), Some("N'x, y'"), true)
    );
    assert!(p[2].ty.is_none() && p[2].table_type.as_ref().unwrap().name == "Ids");
}

#[test]
fn the_example_schema_imports_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/schema");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let sources: Vec<DdlSource> = texts
        .iter()
        .map(|(n, t)| DdlSource { name: n, text: t })
        .collect();
    let i = mssqlx_offline::ddl::import(&sources);
    assert_eq!(
        i.report.not_understood().count(),
        0,
        "{}",
        i.report.summary()
    );
    let db = &i.database;
    assert_eq!(
        shape(db, "dbo.Customers", "Email"),
        "nvarchar(256) NOT NULL"
    );
    assert!(col(db, "dbo.Customers", "Fax").sparse);
    assert_eq!(shape(db, "dbo.Customers", "RowVer"), "timestamp NOT NULL");
    assert!(col(db, "dbo.Customers", "Preferences").json);
    assert!(col(db, "dbo.Customers", "Profile").json);
    assert!(col(db, "shop.Orders", "Metadata").json);
    assert_eq!(
        shape(db, "shop.OrderLines", "UnitPrice"),
        "decimal(19,4) NULL"
    );
    assert!(table(db, "shop.Products").temporal.is_some());
    assert!(
        db.view(Some("shop"), "OrderSummaries").is_some(),
        "CREATE OR ALTER VIEW"
    );
    assert!(
        db.function(None, "CustomerLabel").is_some(),
        "CREATE OR ALTER FUNCTION"
    );
}

#[test]
fn skipped_statements_say_where_what_and_why() {
    let i = import(
        "CREATE TABLE t (a int)\nGO\nCREATE INDEX ix ON t (a)\nGO\nGRANT SELECT ON t TO public\nGO\n\
         CREATE TABLE bad (a frobnicate)\nGO\nCREATE TABLE good (a int)\nGO\nMAKE ME A SANDWICH\n",
    );
    assert_eq!(
        i.report.tables, 2,
        "the import goes on after a bad statement"
    );
    let ignored: Vec<_> = i
        .report
        .ignored()
        .map(|s| (s.line, s.kind.as_str()))
        .collect();
    assert_eq!(ignored, [(3, "CREATE INDEX"), (5, "GRANT")]);
    let bad: Vec<_> = i.report.not_understood().collect();
    assert_eq!(bad.len(), 2);
    assert_eq!(
        (bad[0].line, bad[0].first_line.as_str()),
        (7, "CREATE TABLE bad (a frobnicate)")
    );
    assert!(
        matches!(&bad[0].reason, SkipReason::NotUnderstood(r) if r.contains("unknown type `frobnicate`")),
        "{:?}",
        bad[0].reason
    );
    assert_eq!(bad[1].line, 11);
    assert!(i.report.summary().contains("NOT UNDERSTOOD"));
}

#[test]
fn malformed_ddl_is_reported_never_imported_half() {
    for sql in [
        "CREATE TABLE t (a int",
        "CREATE TABLE t (a int,, b int)",
        "CREATE TABLE t (a varchar(9000))",
        "CREATE TABLE t (a int NULL PRIMARY KEY)",
        "CREATE TABLE t (a int IDENTITY NULL)",
        "CREATE TABLE t (a int, a int)",
        "CREATE TABLE t (a int, PRIMARY KEY (b))",
        "CREATE TABLE t (a int) ON",
        "CREATE TABLE t (a nvarchar(max) DEFAULT)",
        "CREATE TABLE t ()",
        "CREATE TABLE t (a int, PERIOD FOR SYSTEM_TIME (a, b))",
        "CREATE TABLE t (a int) WITH (",
        "CREATE TABLE 'x' (a int)",
        "CREATE TYPE x FROM nosuchtype",
        "CREATE SEQUENCE s AS nvarchar(10)",
        "EXEC sp_addtype x, 'varchar(0)'",
        "CREATE TABLE t (a int, b AS )",
        "CREATE TABLE t (a int) SELECT 'unterminated",
    ] {
        let i = import(sql);
        assert_eq!(i.report.tables, 0, "{sql}");
        assert!(
            i.report.not_understood().count() >= 1,
            "{sql} should be reported"
        );
        assert_eq!(i.report.types, 0, "{sql}");
        assert_eq!(i.report.sequences, 0, "{sql}");
    }
}

#[test]
fn alter_of_a_table_never_created_is_reported() {
    let i = import("ALTER TABLE nowhere ADD x int");
    assert_eq!(i.report.not_understood().count(), 1);
    let i = import("IF OBJECT_ID('x') IS NOT NULL ALTER TABLE nowhere DROP CONSTRAINT fk");
    assert_eq!(
        i.report.not_understood().count(),
        0,
        "dropping from nothing removes nothing"
    );
}

#[test]
fn dynamic_sql_that_may_create_objects_is_reported() {
    let i = import("EXEC ('CREATE TABLE t (a int)')\nGO\nEXEC dbo.DoThings @x = 1");
    let kinds: Vec<(bool, &str)> = i
        .report
        .skipped
        .iter()
        .map(|s| (s.is_not_understood(), s.kind.as_str()))
        .collect();
    assert_eq!(kinds, [(true, "EXEC"), (false, "EXEC")]);
}

#[test]
fn truncations_of_real_ddl_never_panic() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/schema/02_tables.sql"),
    )
    .unwrap();
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            let _ = import(&text[..cut]);
        }
        cut += 7;
    }
    let Some(aw) = mssqlx_offline::fixtures::fixture("AdventureWorks_instawdb.sql") else {
        return;
    };
    for k in 1..40 {
        let mut at = aw.len() * k / 40;
        while !aw.is_char_boundary(at) {
            at -= 1;
        }
        let i = import(&aw[..at]);
        assert!(i.report.tables <= 71);
        // And a piece cut out of the middle.
        let _ = import(&aw[at / 2..at]);
    }
}

#[test]
fn garbage_never_panics() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    let alphabet: Vec<char> = "CREATE TABLE ALTER ADD ( ) , ; [ ] \" ' N'x' -- /* */ GO\n 0x1F 12 -3 @p $(v) : IF BEGIN END CASE AS NULL NOT PRIMARY KEY é \u{feff}".chars().collect();
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let _ = import(&s);
    }
    for s in [
        "",
        "\u{feff}",
        "GO",
        ";;;",
        "(((((((((",
        "IF",
        "IF 1=1",
        "BEGIN",
        "END",
        "ELSE",
        "CREATE",
        "ALTER TABLE",
        "EXEC",
        "'",
        "[",
        "/*",
        "IF 1=1 IF 1=1 IF 1=1",
    ] {
        let _ = import(s);
    }
    let deep = "IF 1=1 BEGIN ".repeat(10_000);
    let i = import(&deep);
    assert!(i.report.not_understood().count() >= 1);
}

#[test]
fn several_files_share_types_and_tables() {
    let mut im = Importer::new();
    let a = im.add(DdlSource {
        name: "types.sql",
        text: "CREATE TYPE dbo.Name FROM nvarchar(50) NOT NULL\nGO\nCREATE TABLE t (a int)",
    });
    assert_eq!((a.batches, a.statements), (2, 2));
    im.add(DdlSource {
        name: "more.sql",
        text: "ALTER TABLE t ADD n Name",
    });
    let i = im.finish();
    assert_eq!(shape(&i.database, "t", "n"), "nvarchar(50) NOT NULL");
}

#[test]
fn names_compare_without_case_so_a_second_create_replaces_the_first() {
    let db = clean("CREATE TABLE dbo.t (a int)\nGO\nDROP TABLE T\nGO\nCREATE TABLE [T] (b int)\nGO\nCREATE TABLE DBO.t (c int)");
    assert_eq!(db.tables().count(), 1);
    assert_eq!(table(&db, "t").columns[0].name, "c");
}

#[test]
fn sp_rename_renames_tables_and_columns_and_unfollowed_changes_are_reported() {
    let i = import(
        "CREATE TABLE dbo.t (a int PRIMARY KEY, b int)\nGO\n\
         EXEC sp_rename 'dbo.t.a', 'id', 'COLUMN'\nGO\n\
         EXEC sp_rename N'[dbo].[t]', N'things'\nGO\n\
         EXEC sp_rename 'dbo.things.ix', 'ix2', 'INDEX'\nGO\n\
         EXEC sp_bindefault 'zero', 'dbo.things.b'\nGO\n\
         SELECT * INTO dbo.copy FROM dbo.things\nGO\n\
         EXEC sp_executesql N'CREATE TABLE x (a int)'",
    );
    let db = &i.database;
    let things = db.table(None, "things").expect("renamed table").2;
    assert_eq!(things.columns[0].name, "id");
    assert_eq!(things.primary_key.as_ref().unwrap().columns, ["id"]);
    let bad: Vec<&str> = i.report.not_understood().map(|s| s.kind.as_str()).collect();
    assert_eq!(bad, ["EXEC sp_bindefault", "SELECT", "EXEC sp_executesql"]);
    assert_eq!(i.report.ignored().count(), 1, "the index rename");
}

#[test]
fn a_database_collation_in_the_script_is_kept() {
    let db =
        clean("CREATE DATABASE shop COLLATE Latin1_General_100_CS_AS\nGO\nCREATE TABLE t (a int)");
    assert_eq!(db.collation, "Latin1_General_100_CS_AS");
    assert_eq!(db.ident_case(), mssqlx_offline::ident::IdentCase::Sensitive);
    let db = clean("CREATE DATABASE shop\nGO\nCREATE TABLE t (a int)");
    assert_eq!(db.collation, mssqlx_offline::DEFAULT_COLLATION);
}

#[test]
fn under_a_case_sensitive_collation_names_differing_in_case_are_distinct() {
    let db = clean(
        "CREATE DATABASE x COLLATE Latin1_General_BIN2\nGO\n\
         CREATE TABLE t (a int)\nGO\nCREATE TABLE T (b int)\nGO\nDROP TABLE T",
    );
    assert_eq!(db.tables().map(|(_, n, _)| n).collect::<Vec<_>>(), ["t"]);
}

#[test]
fn if_conditions_with_case_and_subqueries_end_where_the_statement_begins() {
    let db = clean(
        "IF CASE WHEN 1 = 1 THEN 1 ELSE 0 END = 1 CREATE TABLE a (x int)\n\
         IF (SELECT COUNT(*) FROM sys.tables) > 0 CREATE TABLE b (x int) ELSE CREATE TABLE c (x int)\n\
         WHILE 1 = 0 BEGIN CREATE TABLE d (x int) END",
    );
    let names: Vec<&str> = db.tables().map(|(_, n, _)| n).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
}

#[test]
fn many_errors_on_one_huge_line_stay_fast() {
    let sql = "CREATE TABLE x (a nosuchtype) ".repeat(20_000);
    let t = std::time::Instant::now();
    let i = import(&sql);
    assert_eq!(i.report.not_understood().count(), 20_000);
    assert!(i
        .report
        .skipped
        .iter()
        .all(|s| s.culprit.as_ref().is_some_and(|c| c.text.len() < 400)));
    assert!(
        t.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn create_schema_elements_belong_to_the_new_schema() {
    let db = clean(
        "CREATE SCHEMA sales AUTHORIZATION dbo\n\
             CREATE TABLE orders (id int NOT NULL PRIMARY KEY)\n\
             CREATE TABLE lines (order_id int REFERENCES orders)\n\
             GRANT SELECT ON orders TO public\n\
         GO\n\
         CREATE TABLE t (a int)",
    );
    assert!(db.table(Some("sales"), "orders").is_some());
    let lines = db.table(Some("sales"), "lines").unwrap().2;
    assert_eq!(
        lines.foreign_keys[0].referenced_table.to_string(),
        "sales.orders"
    );
    assert!(
        db.table(Some("dbo"), "t").is_some(),
        "the default schema is back after it"
    );
}

#[test]
fn nested_create_schema_is_refused_without_recursion() {
    let i = import(&"CREATE SCHEMA a ".repeat(50_000));
    assert_eq!(i.report.not_understood().count(), 1);
}
