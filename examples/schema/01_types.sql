-- mssqlx example application schema, part 1: schemas, alias types, sequences.
-- Import it with:  mssqlx snapshot --from-ddl examples/schema/*.sql -o mssqlx.json
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE SCHEMA [audit] AUTHORIZATION [dbo]
GO
CREATE SCHEMA shop
GO
CREATE TYPE dbo.Email FROM nvarchar(256) NOT NULL
GO
CREATE TYPE [dbo].[Money4] FROM decimal(19, 4) NULL
GO
CREATE TYPE shop.OrderLineList AS TABLE (
    ProductId int NOT NULL,
    Quantity  int NOT NULL,
    PRIMARY KEY NONCLUSTERED (ProductId)
)
GO
CREATE SEQUENCE shop.OrderNumber START WITH 1000 INCREMENT BY 1 AS bigint NO CYCLE CACHE 50;
GO
