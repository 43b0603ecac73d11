//! The small schema the analyzer tests run against.
#![allow(dead_code)]

use mssqlx_offline::Snapshot;

/// Users, Orders, Items (dbo), Customers (Sales), two views, a view cycle, a
/// procedure, a scalar and an inline table-valued function, and a second database.
pub const SCHEMA: &str = r#"{
  "format_version": 1,
  "databases": {
    "default": {
      "schemas": {
        "dbo": {
          "tables": {
            "Users": { "columns": [
              { "name": "Id", "ordinal": 1, "type": "int", "nullable": false, "identity": { "seed": 1, "increment": 1 } },
              { "name": "Email", "ordinal": 2, "type": "nvarchar(256)", "nullable": false },
              { "name": "Name", "ordinal": 3, "type": "nvarchar(100)", "nullable": true },
              { "name": "CreatedAt", "ordinal": 4, "type": "datetime2(7)", "nullable": false, "default": "(sysutcdatetime())" },
              { "name": "Age", "ordinal": 5, "type": "tinyint", "nullable": true },
              { "name": "Balance", "ordinal": 6, "type": "decimal(12,2)", "nullable": false, "default": "((0))" },
              { "name": "Version", "ordinal": 7, "type": "timestamp", "nullable": false },
              { "name": "Settings", "ordinal": 8, "type": "nvarchar(max)", "nullable": true, "json": true },
              { "name": "IsActive", "ordinal": 9, "type": "bit", "nullable": false, "default": "((1))" }
            ] },
            "Orders": { "columns": [
              { "name": "Id", "ordinal": 1, "type": "int", "nullable": false, "identity": { "seed": 1, "increment": 1 } },
              { "name": "UserId", "ordinal": 2, "type": "int", "nullable": false },
              { "name": "Total", "ordinal": 3, "type": "decimal(12,2)", "nullable": false },
              { "name": "Status", "ordinal": 4, "type": "varchar(20)", "nullable": false },
              { "name": "PlacedAt", "ordinal": 5, "type": "datetime", "nullable": false },
              { "name": "ShippedAt", "ordinal": 6, "type": "date", "nullable": true },
              { "name": "Note", "ordinal": 7, "type": "nvarchar(max)", "nullable": true },
              { "name": "TotalWithTax", "ordinal": 8, "type": "decimal(15,4)", "nullable": true, "computed": { "expression": "[Total]*(1.2)" } }
            ] },
            "Items": { "columns": [
              { "name": "Id", "ordinal": 1, "type": "bigint", "nullable": false },
              { "name": "OrderId", "ordinal": 2, "type": "int", "nullable": false },
              { "name": "Sku", "ordinal": 3, "type": "char(10)", "nullable": false },
              { "name": "Price", "ordinal": 4, "type": "decimal(12,2)", "nullable": false },
              { "name": "Qty", "ordinal": 5, "type": "smallint", "nullable": false },
              { "name": "Discount", "ordinal": 6, "type": "money", "nullable": true },
              { "name": "Guid", "ordinal": 7, "type": "uniqueidentifier", "nullable": false, "default": "(newid())" },
              { "name": "Weight", "ordinal": 8, "type": "float", "nullable": true },
              { "name": "Photo", "ordinal": 9, "type": "varbinary(max)", "nullable": true },
              { "name": "LineTotal", "ordinal": 10, "type": "sql_variant", "nullable": true, "computed": { "expression": "[Price]*[Qty]", "untyped": true } },
              { "name": "Bad", "ordinal": 11, "type": "sql_variant", "nullable": true, "computed": { "expression": "[Nope]+(1)", "untyped": true } }
            ] },
            "Events": { "columns": [
              { "name": "Id", "ordinal": 1, "type": "bigint", "nullable": false },
              { "name": "At", "ordinal": 2, "type": "datetimeoffset(3)", "nullable": false },
              { "name": "Took", "ordinal": 3, "type": "time(0)", "nullable": true },
              { "name": "Payload", "ordinal": 4, "type": "varbinary(32)", "nullable": true },
              { "name": "ValidFrom", "ordinal": 5, "type": "datetime2(7)", "nullable": false, "generated_always": "row_start", "hidden": true },
              { "name": "ValidTo", "ordinal": 6, "type": "datetime2(7)", "nullable": false, "generated_always": "row_end", "hidden": true }
            ] }
          },
          "views": {
            "ActiveUsers": { "definition": "SELECT Id, Email, Name FROM dbo.Users WHERE IsActive = 1" },
            "OrderTotals": { "definition": "SELECT UserId, SUM(Total) AS Total, COUNT(*) AS N FROM dbo.Orders GROUP BY UserId" },
            "Renamed": { "definition": "SELECT Id, Email FROM dbo.Users", "column_names": ["UserKey", "Mail"] },
            "OnView": { "definition": "SELECT o.UserId, o.N, u.Email FROM dbo.OrderTotals o JOIN dbo.ActiveUsers u ON u.Id = o.UserId" },
            "Loop1": { "definition": "SELECT * FROM dbo.Loop2" },
            "Loop2": { "definition": "SELECT * FROM dbo.Loop1" },
            "Broken": { "definition": "SELECT Nope FROM dbo.Users" }
          },
          "sequences": { "OrderNumbers": { "type": "bigint" } },
          "procedures": {
            "GetUser": { "parameters": [
              { "name": "@Id", "type": "int" },
              { "name": "@IncludeOrders", "type": "bit", "default": "0" }
            ] }
          },
          "functions": {
            "FullName": { "parameters": [ { "name": "@Id", "type": "int" } ], "returns": { "scalar": { "type": "nvarchar(200)" } } },
            "OrdersOf": { "parameters": [ { "name": "@UserId", "type": "int" } ],
              "returns": { "inline_table": { "definition": "SELECT Id, Total FROM dbo.Orders WHERE UserId = @UserId" } } }
          }
        },
        "Sales": {
          "tables": {
            "Customers": { "columns": [
              { "name": "CustomerId", "ordinal": 1, "type": "int", "nullable": false },
              { "name": "Name", "ordinal": 2, "type": "nvarchar(50)", "nullable": false },
              { "name": "Region", "ordinal": 3, "type": "nchar(2)", "nullable": true }
            ] }
          }
        }
      }
    },
    "reporting": {
      "schemas": { "dbo": { "tables": { "Daily": { "columns": [
        { "name": "Day", "ordinal": 1, "type": "date", "nullable": false },
        { "name": "Revenue", "ordinal": 2, "type": "money", "nullable": true }
      ] } } } }
    }
  }
}"#;

/// The test snapshot.
pub fn snapshot() -> Snapshot {
    Snapshot::from_json(SCHEMA).expect("test schema parses")
}
