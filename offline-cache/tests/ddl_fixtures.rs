//! Real schema scripts nobody here wrote, imported whole.
//!
//! Each script of `../shared/fixtures/schemas/` (see its README) must import every
//! table it creates, with every column's type, length / precision / scale,
//! nullability, identity and computed flag right, and skip only statements that carry
//! no schema fact. The fixtures are read in place (never copied into the repository);
//! the tests are skipped, saying so, where they are absent, and fail under CI.

use mssqlx_offline::ddl::{DdlSource, Import, Importer};
use mssqlx_offline::{Column, Database, Table};

fn import_fixture(file: &str, renames: &[(&str, &str)]) -> Option<Import> {
    let text = mssqlx_offline::fixtures::fixture(file)?;
    let mut im = Importer::new();
    for (from, to) in renames {
        im.rename_schema(from, to);
    }
    im.add(DdlSource {
        name: file,
        text: &text,
    });
    Some(im.finish())
}

/// A column as one line: `name type NULL|NOT NULL [IDENTITY] [COMPUTED]`, `?` for a
/// computed column's type the import left to the analyzer.
fn spec(c: &Column) -> String {
    let untyped = c.computed.as_ref().is_some_and(|cc| cc.untyped);
    let mut s = format!(
        "{} {} {}",
        c.name,
        if untyped {
            "?".to_string()
        } else {
            c.ty.to_string()
        },
        if c.nullable { "NULL" } else { "NOT NULL" }
    );
    if c.identity.is_some() {
        s.push_str(" IDENTITY");
    }
    if c.computed.is_some() {
        s.push_str(" COMPUTED");
    }
    s
}

fn table<'a>(db: &'a Database, schema: &str, name: &str) -> &'a Table {
    db.table(Some(schema), name)
        .unwrap_or_else(|| panic!("table {schema}.{name} not imported"))
        .2
}

fn assert_columns(db: &Database, schema: &str, name: &str, expected: &[&str]) {
    let got: Vec<String> = table(db, schema, name).columns.iter().map(spec).collect();
    assert_eq!(got, expected, "columns of {schema}.{name}");
    for (i, c) in table(db, schema, name).columns.iter().enumerate() {
        assert_eq!(c.ordinal as usize, i + 1);
    }
}

/// Nothing not understood, and nothing skipped that could carry a schema fact.
fn assert_clean(import: &Import) {
    let bad: Vec<String> = import
        .report
        .not_understood()
        .map(|s| s.to_string())
        .collect();
    assert!(bad.is_empty(), "not understood:\n{}", bad.join("\n"));
    for s in &import.report.skipped {
        let factual = [
            "CREATE TABLE",
            "CREATE VIEW",
            "CREATE PROCEDURE",
            "CREATE PROC",
            "CREATE FUNCTION",
            "CREATE TYPE",
            "CREATE SEQUENCE",
            "CREATE SCHEMA",
            "EXEC sp_addtype",
        ];
        assert!(
            !factual.contains(&s.kind.as_str()),
            "skipped a factual statement: {s}"
        );
        if s.kind == "ALTER TABLE" {
            assert!(s.to_string().contains("nothing to remove"), "skipped {s}");
        }
    }
}

fn counts(import: &Import) -> (usize, usize, usize, usize, usize, usize, usize) {
    let r = &import.report;
    (
        r.tables,
        r.columns,
        r.views,
        r.procedures,
        r.functions,
        r.types,
        r.sequences,
    )
}

#[test]
fn adventureworks_imports_every_table_with_alias_types_and_computed_columns() {
    let Some(import) = import_fixture("AdventureWorks_instawdb.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (71, 486, 20, 10, 11, 6, 0));
    let db = &import.database;
    assert_columns(
        db,
        "Person",
        "Person",
        &[
            "BusinessEntityID int NOT NULL",
            "PersonType nchar(2) NOT NULL",
            "NameStyle bit NOT NULL",
            "Title nvarchar(8) NULL",
            "FirstName nvarchar(50) NOT NULL",
            "MiddleName nvarchar(50) NULL",
            "LastName nvarchar(50) NOT NULL",
            "Suffix nvarchar(10) NULL",
            "EmailPromotion int NOT NULL",
            "AdditionalContactInfo xml NULL",
            "Demographics xml NULL",
            "rowguid uniqueidentifier NOT NULL",
            "ModifiedDate datetime NOT NULL",
        ],
    );
    assert_columns(
        db,
        "Sales",
        "SalesOrderHeader",
        &[
            "SalesOrderID int NOT NULL IDENTITY",
            "RevisionNumber tinyint NOT NULL",
            "OrderDate datetime NOT NULL",
            "DueDate datetime NOT NULL",
            "ShipDate datetime NULL",
            "Status tinyint NOT NULL",
            "OnlineOrderFlag bit NOT NULL",
            "SalesOrderNumber nvarchar(25) NOT NULL COMPUTED",
            "PurchaseOrderNumber nvarchar(25) NULL",
            "AccountNumber nvarchar(15) NULL",
            "CustomerID int NOT NULL",
            "SalesPersonID int NULL",
            "TerritoryID int NULL",
            "BillToAddressID int NOT NULL",
            "ShipToAddressID int NOT NULL",
            "ShipMethodID int NOT NULL",
            "CreditCardID int NULL",
            "CreditCardApprovalCode varchar(15) NULL",
            "CurrencyRateID int NULL",
            "SubTotal money NOT NULL",
            "TaxAmt money NOT NULL",
            "Freight money NOT NULL",
            "TotalDue money NOT NULL COMPUTED",
            "Comment nvarchar(128) NULL",
            "rowguid uniqueidentifier NOT NULL",
            "ModifiedDate datetime NOT NULL",
        ],
    );
    assert_columns(
        db,
        "Sales",
        "SalesOrderDetail",
        &[
            "SalesOrderID int NOT NULL",
            "SalesOrderDetailID int NOT NULL IDENTITY",
            "CarrierTrackingNumber nvarchar(25) NULL",
            "OrderQty smallint NOT NULL",
            "ProductID int NOT NULL",
            "SpecialOfferID int NOT NULL",
            "UnitPrice money NOT NULL",
            "UnitPriceDiscount money NOT NULL",
            "LineTotal ? NOT NULL COMPUTED",
            "rowguid uniqueidentifier NOT NULL",
            "ModifiedDate datetime NOT NULL",
        ],
    );
    assert_columns(
        db,
        "HumanResources",
        "Employee",
        &[
            "BusinessEntityID int NOT NULL",
            "NationalIDNumber nvarchar(15) NOT NULL",
            "LoginID nvarchar(256) NOT NULL",
            "OrganizationNode hierarchyid NULL",
            "OrganizationLevel smallint NULL COMPUTED",
            "JobTitle nvarchar(50) NOT NULL",
            "BirthDate date NOT NULL",
            "MaritalStatus nchar(1) NOT NULL",
            "Gender nchar(1) NOT NULL",
            "HireDate date NOT NULL",
            "SalariedFlag bit NOT NULL",
            "VacationHours smallint NOT NULL",
            "SickLeaveHours smallint NOT NULL",
            "CurrentFlag bit NOT NULL",
            "rowguid uniqueidentifier NOT NULL",
            "ModifiedDate datetime NOT NULL",
        ],
    );

    let person = table(db, "Person", "Person");
    let first = person.column("FirstName").unwrap();
    assert_eq!(first.alias_type.as_ref().unwrap().to_string(), "dbo.Name");
    assert!(person.column("rowguid").unwrap().rowguidcol);
    let demo = person.column("Demographics").unwrap();
    assert_eq!(
        demo.xml_schema_collection.as_ref().unwrap().to_string(),
        "Person.IndividualSurveySchemaCollection"
    );
    let soh = table(db, "Sales", "SalesOrderHeader");
    assert!(
        soh.column("SalesOrderID")
            .unwrap()
            .identity
            .as_ref()
            .unwrap()
            .not_for_replication
    );
    assert!(
        !soh.column("TotalDue")
            .unwrap()
            .computed
            .as_ref()
            .unwrap()
            .persisted
    );
    let poh = table(db, "Purchasing", "PurchaseOrderHeader");
    assert_eq!(
        spec(poh.column("TotalDue").unwrap()),
        "TotalDue money NOT NULL COMPUTED"
    );
    assert!(
        poh.column("TotalDue")
            .unwrap()
            .computed
            .as_ref()
            .unwrap()
            .persisted
    );
    assert_eq!(
        soh.foreign_keys.len(),
        8,
        "ALTER TABLE ... WITH CHECK ADD CONSTRAINT ... FOREIGN KEY"
    );
    assert!(!soh.check_constraints.is_empty());
    // A computed column that calls a scalar function created earlier in the script.
    assert_eq!(
        spec(
            table(db, "Sales", "Customer")
                .column("AccountNumber")
                .unwrap()
        ),
        "AccountNumber varchar(10) NOT NULL COMPUTED"
    );
    assert_eq!(db.alias_type(None, "Flag").unwrap().2.ty.to_string(), "bit");
    assert!(db.view(Some("Sales"), "vIndividualCustomer").is_some());
}

#[test]
fn adventureworks_dw_imports_its_star_schema() {
    let Some(import) = import_fixture("AdventureWorksDW_instawdbdw.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (31, 359, 5, 0, 3, 0, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "DimCustomer",
        &[
            "CustomerKey int NOT NULL IDENTITY",
            "GeographyKey int NULL",
            "CustomerAlternateKey nvarchar(15) NOT NULL",
            "Title nvarchar(8) NULL",
            "FirstName nvarchar(50) NULL",
            "MiddleName nvarchar(50) NULL",
            "LastName nvarchar(50) NULL",
            "NameStyle bit NULL",
            "BirthDate date NULL",
            "MaritalStatus nchar(1) NULL",
            "Suffix nvarchar(10) NULL",
            "Gender nvarchar(1) NULL",
            "EmailAddress nvarchar(50) NULL",
            "YearlyIncome money NULL",
            "TotalChildren tinyint NULL",
            "NumberChildrenAtHome tinyint NULL",
            "EnglishEducation nvarchar(40) NULL",
            "SpanishEducation nvarchar(40) NULL",
            "FrenchEducation nvarchar(40) NULL",
            "EnglishOccupation nvarchar(100) NULL",
            "SpanishOccupation nvarchar(100) NULL",
            "FrenchOccupation nvarchar(100) NULL",
            "HouseOwnerFlag nchar(1) NULL",
            "NumberCarsOwned tinyint NULL",
            "AddressLine1 nvarchar(120) NULL",
            "AddressLine2 nvarchar(120) NULL",
            "Phone nvarchar(20) NULL",
            "DateFirstPurchase date NULL",
            "CommuteDistance nvarchar(15) NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "FactInternetSales",
        &[
            "ProductKey int NOT NULL",
            "OrderDateKey int NOT NULL",
            "DueDateKey int NOT NULL",
            "ShipDateKey int NOT NULL",
            "CustomerKey int NOT NULL",
            "PromotionKey int NOT NULL",
            "CurrencyKey int NOT NULL",
            "SalesTerritoryKey int NOT NULL",
            "SalesOrderNumber nvarchar(20) NOT NULL",
            "SalesOrderLineNumber tinyint NOT NULL",
            "RevisionNumber tinyint NOT NULL",
            "OrderQuantity smallint NOT NULL",
            "UnitPrice money NOT NULL",
            "ExtendedAmount money NOT NULL",
            "UnitPriceDiscountPct float NOT NULL",
            "DiscountAmount float NOT NULL",
            "ProductStandardCost money NOT NULL",
            "TotalProductCost money NOT NULL",
            "SalesAmount money NOT NULL",
            "TaxAmt money NOT NULL",
            "Freight money NOT NULL",
            "CarrierTrackingNumber nvarchar(25) NULL",
            "CustomerPONumber nvarchar(25) NULL",
            "OrderDate datetime NULL",
            "DueDate datetime NULL",
            "ShipDate datetime NULL",
        ],
    );
    assert!(
        table(db, "dbo", "FactInternetSales").primary_key.is_some(),
        "PK added by ALTER TABLE"
    );
}

#[test]
fn wideworldimporters_imports_temporal_memory_optimized_and_sequences() {
    let Some(import) = import_fixture("WideWorldImporters_ssdt.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    // 54 top-level CREATE TABLE (13 more sit inside procedure bodies and dynamic SQL).
    assert_eq!(counts(&import), (54, 581, 26, 129, 11, 4, 26));
    let db = &import.database;
    assert_columns(
        db,
        "Sales",
        "Orders",
        &[
            "OrderID int NOT NULL",
            "CustomerID int NOT NULL",
            "SalespersonPersonID int NOT NULL",
            "PickedByPersonID int NULL",
            "ContactPersonID int NOT NULL",
            "BackorderOrderID int NULL",
            "OrderDate date NOT NULL",
            "ExpectedDeliveryDate date NOT NULL",
            "CustomerPurchaseOrderNumber nvarchar(20) NULL",
            "IsUndersupplyBackordered bit NOT NULL",
            "Comments nvarchar(max) NULL",
            "DeliveryInstructions nvarchar(max) NULL",
            "InternalComments nvarchar(max) NULL",
            "PickingCompletedWhen datetime2(7) NULL",
            "LastEditedBy int NOT NULL",
            "LastEditedWhen datetime2(7) NOT NULL",
        ],
    );
    assert_columns(
        db,
        "Application",
        "People",
        &[
            "PersonID int NOT NULL",
            "FullName nvarchar(50) NOT NULL",
            "PreferredName nvarchar(50) NOT NULL",
            "SearchName nvarchar(101) NOT NULL COMPUTED",
            "IsPermittedToLogon bit NOT NULL",
            "LogonName nvarchar(256) NULL",
            "IsExternalLogonProvider bit NOT NULL",
            "HashedPassword varbinary(max) NULL",
            "IsSystemUser bit NOT NULL",
            "IsEmployee bit NOT NULL",
            "IsSalesperson bit NOT NULL",
            "UserPreferences nvarchar(max) NULL",
            "PhoneNumber nvarchar(20) NULL",
            "FaxNumber nvarchar(20) NULL",
            "EmailAddress nvarchar(256) NULL",
            "Photo varbinary(max) NULL",
            "CustomFields nvarchar(max) NULL",
            "OtherLanguages nvarchar(max) NULL COMPUTED",
            "LastEditedBy int NOT NULL",
            "ValidFrom datetime2(7) NOT NULL",
            "ValidTo datetime2(7) NOT NULL",
        ],
    );
    // Memory-optimized and temporal at once, with an inline INDEX.
    assert_columns(
        db,
        "Warehouse",
        "ColdRoomTemperatures",
        &[
            "ColdRoomTemperatureID bigint NOT NULL IDENTITY",
            "ColdRoomSensorNumber int NOT NULL",
            "RecordedWhen datetime2(7) NOT NULL",
            "Temperature decimal(10,2) NOT NULL",
            "ValidFrom datetime2(7) NOT NULL",
            "ValidTo datetime2(7) NOT NULL",
        ],
    );
    let people = table(db, "Application", "People");
    let temporal = people.temporal.as_ref().expect("temporal table");
    assert_eq!(
        (temporal.period_start.as_str(), temporal.period_end.as_str()),
        ("ValidFrom", "ValidTo")
    );
    assert_eq!(
        temporal.history_table.as_ref().unwrap().to_string(),
        "Application.People_Archive"
    );
    assert!(people
        .column("ValidFrom")
        .unwrap()
        .generated_always
        .is_some());
    assert_eq!(
        people.column("PersonID").unwrap().default.as_deref(),
        Some("(NEXT VALUE FOR [Sequences].[PersonID])")
    );
    assert_eq!(
        db.sequence(Some("Sequences"), "OrderID")
            .unwrap()
            .2
            .ty
            .to_string(),
        "int"
    );
    let tt = db.table_type(Some("Website"), "OrderIDList").unwrap().2;
    assert_eq!(tt.columns[0].name, "OrderID");
    // Masked columns keep their type.
    let suppliers = table(db, "Purchasing", "Suppliers");
    assert_eq!(
        spec(suppliers.column("BankAccountName").unwrap()),
        "BankAccountName nvarchar(50) NULL"
    );
    // A table-valued parameter is recorded by its table type.
    let proc_ = db
        .procedure(Some("Website"), "InsertCustomerOrders")
        .unwrap()
        .2;
    assert!(proc_
        .parameters
        .iter()
        .any(|p| p.table_type.as_ref().is_some_and(|t| t.name == "OrderList")));
}

#[test]
fn northwind_imports_double_quoted_names_and_types() {
    let Some(import) = import_fixture("Northwind_instnwnd.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (13, 88, 16, 7, 0, 0, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "Orders",
        &[
            "OrderID int NOT NULL IDENTITY",
            "CustomerID nchar(5) NULL",
            "EmployeeID int NULL",
            "OrderDate datetime NULL",
            "RequiredDate datetime NULL",
            "ShippedDate datetime NULL",
            "ShipVia int NULL",
            "Freight money NULL",
            "ShipName nvarchar(40) NULL",
            "ShipAddress nvarchar(60) NULL",
            "ShipCity nvarchar(15) NULL",
            "ShipRegion nvarchar(15) NULL",
            "ShipPostalCode nvarchar(10) NULL",
            "ShipCountry nvarchar(15) NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "Order Details",
        &[
            "OrderID int NOT NULL",
            "ProductID int NOT NULL",
            "UnitPrice money NOT NULL",
            "Quantity smallint NOT NULL",
            "Discount real NOT NULL",
        ],
    );
    assert!(db.view(None, "Order Details Extended").is_some());
    let p = db.procedure(None, "Sales by Year").unwrap().2;
    let names: Vec<_> = p
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.ty.as_ref().unwrap().to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("@Beginning_Date", "datetime".to_string()),
            ("@Ending_Date", "datetime".to_string())
        ]
    );
}

#[test]
fn pubs_resolves_sp_addtype_alias_types() {
    let Some(import) = import_fixture("pubs_instpubs.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (11, 64, 1, 4, 0, 3, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "titles",
        &[
            "title_id varchar(6) NOT NULL",
            "title varchar(80) NOT NULL",
            "type char(12) NOT NULL",
            "pub_id char(4) NULL",
            "price money NULL",
            "advance money NULL",
            "royalty int NULL",
            "ytd_sales int NULL",
            "notes varchar(200) NULL",
            "pubdate datetime NOT NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "authors",
        &[
            "au_id varchar(11) NOT NULL",
            "au_lname varchar(40) NOT NULL",
            "au_fname varchar(20) NOT NULL",
            "phone char(12) NOT NULL",
            "address varchar(40) NULL",
            "city varchar(20) NULL",
            "state char(2) NULL",
            "zip char(5) NULL",
            "contract bit NOT NULL",
        ],
    );
    // The 7 columns declared with the three legacy alias types.
    let aliased: usize = db
        .tables()
        .map(|(_, _, t)| t.columns.iter().filter(|c| c.alias_type.is_some()).count())
        .sum();
    assert_eq!(aliased, 7);
    assert_eq!(
        db.alias_type(None, "id").unwrap().2.ty.to_string(),
        "varchar(11)"
    );
}

#[test]
fn chinook_imports_tables_and_foreign_keys() {
    let Some(import) = import_fixture("Chinook_SqlServer.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (11, 64, 0, 0, 0, 0, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "Track",
        &[
            "TrackId int NOT NULL",
            "Name nvarchar(200) NOT NULL",
            "AlbumId int NULL",
            "MediaTypeId int NOT NULL",
            "GenreId int NULL",
            "Composer nvarchar(220) NULL",
            "Milliseconds int NOT NULL",
            "Bytes int NULL",
            "UnitPrice numeric(10,2) NOT NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "Invoice",
        &[
            "InvoiceId int NOT NULL",
            "CustomerId int NOT NULL",
            "InvoiceDate datetime NOT NULL",
            "BillingAddress nvarchar(70) NULL",
            "BillingCity nvarchar(40) NULL",
            "BillingState nvarchar(40) NULL",
            "BillingCountry nvarchar(40) NULL",
            "BillingPostalCode nvarchar(10) NULL",
            "Total numeric(10,2) NOT NULL",
        ],
    );
    let fks: usize = db.tables().map(|(_, _, t)| t.foreign_keys.len()).sum();
    assert_eq!(fks, 11);
}

#[test]
fn sakila_imports_defaults_added_by_alter_table() {
    let Some(import) = import_fixture("Sakila_sql-server-sakila-schema.sql", &[]) else {
        return;
    };
    assert_clean(&import);
    assert_eq!(counts(&import), (16, 89, 5, 0, 0, 0, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "film",
        &[
            "film_id int NOT NULL IDENTITY",
            "title varchar(255) NOT NULL",
            "description text NULL",
            "release_year varchar(4) NULL",
            "language_id int NOT NULL",
            "original_language_id int NULL",
            "rental_duration tinyint NOT NULL",
            "rental_rate decimal(4,2) NOT NULL",
            "length smallint NULL",
            "replacement_cost decimal(5,2) NOT NULL",
            "rating varchar(10) NULL",
            "special_features varchar(255) NULL",
            "last_update datetime NOT NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "payment",
        &[
            "payment_id int NOT NULL IDENTITY",
            "customer_id int NOT NULL",
            "staff_id int NOT NULL",
            "rental_id int NULL",
            "amount decimal(5,2) NOT NULL",
            "payment_date datetime NOT NULL",
            "last_update datetime NOT NULL",
        ],
    );
    assert_eq!(
        table(db, "dbo", "film")
            .column("last_update")
            .unwrap()
            .default
            .as_deref(),
        Some("(getdate())")
    );
}

#[test]
fn stackoverflow_imports_without_go_and_with_its_placeholder_schema_renamed() {
    let Some(import) = import_fixture("StackOverflow_soddi_mssql.sql", &[("DUMMY", "dbo")]) else {
        return;
    };
    assert_clean(&import);
    // 13 tables, PostTags included: it sits inside `IF 0 = 1 BEGIN ... END`, an
    // optional section the loader switches on (both IF branches are imported).
    assert_eq!(counts(&import), (13, 79, 0, 0, 0, 0, 0));
    let db = &import.database;
    assert_columns(
        db,
        "dbo",
        "Posts",
        &[
            "Id int NOT NULL",
            "AcceptedAnswerId int NULL",
            "AnswerCount int NULL",
            "Body nvarchar(max) NOT NULL",
            "ClosedDate datetime NULL",
            "CommentCount int NULL",
            "CommunityOwnedDate datetime NULL",
            "CreationDate datetime NOT NULL",
            "FavoriteCount int NULL",
            "LastActivityDate datetime NOT NULL",
            "LastEditDate datetime NULL",
            "LastEditorDisplayName nvarchar(40) NULL",
            "LastEditorUserId int NULL",
            "OwnerUserId int NULL",
            "ParentId int NULL",
            "PostTypeId int NOT NULL",
            "Score int NOT NULL",
            "Tags nvarchar(150) NULL",
            "Title nvarchar(250) NULL",
            "ViewCount int NOT NULL",
        ],
    );
    assert_columns(
        db,
        "dbo",
        "PostTags",
        &["PostId int NOT NULL", "Tag nvarchar(50) NOT NULL"],
    );
    // The FK block (inside `IF 0 = 1`) names tables unqualified: with DUMMY read as dbo they resolve.
    assert_eq!(table(db, "dbo", "Posts").foreign_keys.len(), 4);
}

#[test]
fn stackoverflow_without_rename_keeps_dummy_and_reports_the_unqualified_alters() {
    let Some(import) = import_fixture("StackOverflow_soddi_mssql.sql", &[]) else {
        return;
    };
    assert_eq!(import.report.tables, 13);
    assert!(import.database.table(Some("DUMMY"), "Posts").is_some());
    let bad: Vec<_> = import.report.not_understood().collect();
    assert_eq!(
        bad.len(),
        16,
        "the FK ALTERs name dbo tables the script did not create"
    );
    assert!(bad
        .iter()
        .all(|s| s.kind == "ALTER TABLE" && s.first_line.starts_with("ALTER TABLE")));
}

#[test]
fn a_script_imported_twice_replaces_its_tables() {
    let Some(text) = mssqlx_offline::fixtures::fixture("Northwind_instnwnd.sql") else {
        return;
    };
    let doubled = format!("{text}\nGO\n{text}");
    let one = mssqlx_offline::ddl::import_str("nw", &text);
    let two = mssqlx_offline::ddl::import_str("nw2", &doubled);
    assert_eq!(
        one.report.tables, two.report.tables,
        "re-creating a table replaces it"
    );
}
