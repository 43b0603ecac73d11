-- mssqlx example application schema, part 2: tables.
IF OBJECT_ID(N'dbo.Customers', N'U') IS NOT NULL
    DROP TABLE dbo.Customers;
GO
CREATE TABLE dbo.Customers (
    Id          int IDENTITY(1, 1) NOT FOR REPLICATION CONSTRAINT PK_Customers PRIMARY KEY CLUSTERED,
    Email       dbo.Email,
    DisplayName nvarchar(100) COLLATE Latin1_General_100_CI_AS_SC_UTF8 NOT NULL,
    Nickname    nvarchar(50),
    Preferences nvarchar(max) NULL CONSTRAINT CK_Customers_Preferences CHECK (ISJSON(Preferences) = 1),
    Profile     json NULL,
    Fax         varchar(30) SPARSE NULL,
    CreatedAt   datetime2(3) NOT NULL CONSTRAINT DF_Customers_CreatedAt DEFAULT (sysutcdatetime()),
    RowVer      rowversion,
    CONSTRAINT UQ_Customers_Email UNIQUE NONCLUSTERED (Email)
) ON [PRIMARY]
GO
CREATE TABLE shop.Products (
    Id        int NOT NULL,
    Sku       char(12) NOT NULL,
    Name      nvarchar(200) NOT NULL,
    Price     dbo.Money4 NOT NULL,
    ListPrice money NOT NULL,
    Weight    decimal(9, 3),
    Picture   varbinary(max) NULL,
    Tags      nvarchar(400) NULL,
    Label     AS (CONCAT(Sku, N' ', Name)) PERSISTED,
    Ts        timestamp NOT NULL,
    ValidFrom datetime2 GENERATED ALWAYS AS ROW START HIDDEN NOT NULL,
    ValidTo   datetime2 GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
    PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo),
    CONSTRAINT PK_Products PRIMARY KEY (Id)
) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = shop.ProductsHistory));
GO
CREATE TABLE shop.Orders (
    Id         bigint NOT NULL CONSTRAINT DF_Orders_Id DEFAULT (NEXT VALUE FOR shop.OrderNumber),
    CustomerId int NOT NULL,
    PlacedAt   datetimeoffset(0) NOT NULL,
    Status     tinyint NOT NULL,
    Total      AS CAST(0 AS decimal(19, 4)),
    Notes      nvarchar(max) NULL,
    Metadata   nvarchar(4000) NULL,
    CONSTRAINT PK_Orders PRIMARY KEY CLUSTERED (Id ASC) WITH (FILLFACTOR = 90) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
CREATE TABLE shop.OrderLines (
    OrderId   bigint NOT NULL,
    LineNo    smallint NOT NULL,
    ProductId int NOT NULL,
    Quantity  int NOT NULL,
    UnitPrice dbo.Money4,
    PRIMARY KEY (OrderId, LineNo)
)
GO
ALTER TABLE shop.Orders WITH CHECK ADD
    CONSTRAINT FK_Orders_Customers FOREIGN KEY (CustomerId) REFERENCES dbo.Customers (Id),
    CONSTRAINT CK_Orders_Status CHECK (Status BETWEEN 0 AND 9),
    CONSTRAINT CK_Orders_Metadata CHECK (Metadata IS NULL OR ISJSON(Metadata) > 0)
GO
ALTER TABLE shop.Orders CHECK CONSTRAINT FK_Orders_Customers
GO
ALTER TABLE shop.OrderLines ADD CONSTRAINT FK_OrderLines_Orders
    FOREIGN KEY (OrderId) REFERENCES shop.Orders ON DELETE CASCADE
GO
ALTER TABLE shop.OrderLines ADD CONSTRAINT DF_OrderLines_Quantity DEFAULT ((1)) FOR Quantity
GO
ALTER TABLE shop.OrderLines ADD Discount decimal(5, 2) NULL, Note nvarchar(200)
GO
CREATE TABLE [audit].[Events] (
    [EventId]  bigint IDENTITY(1, 1) NOT NULL,
    [At]       datetime2(7) NOT NULL DEFAULT SYSUTCDATETIME(),
    [Kind]     varchar(20) NOT NULL,
    [Payload]  nvarchar(max) NULL,
    [RowGuid]  uniqueidentifier ROWGUIDCOL NOT NULL DEFAULT NEWSEQUENTIALID(),
    CONSTRAINT [PK_Events] PRIMARY KEY CLUSTERED ([EventId])
)
GO
CREATE NONCLUSTERED INDEX IX_Orders_CustomerId ON shop.Orders (CustomerId) INCLUDE (PlacedAt)
GO
EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'People who buy things',
    @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customers'
GO
