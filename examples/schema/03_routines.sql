-- mssqlx example application schema, part 3: views, functions, procedures.
CREATE OR ALTER VIEW shop.OrderSummaries
WITH SCHEMABINDING
AS
SELECT o.Id, o.CustomerId, c.Email, o.PlacedAt, o.Status
FROM shop.Orders AS o
JOIN dbo.Customers AS c ON c.Id = o.CustomerId;
GO
CREATE OR ALTER FUNCTION dbo.CustomerLabel (@CustomerId int)
RETURNS nvarchar(400)
AS
BEGIN
    RETURN (SELECT DisplayName + N' <' + Email + N'>' FROM dbo.Customers WHERE Id = @CustomerId);
END
GO
CREATE FUNCTION shop.OrdersOf (@CustomerId int, @Since datetimeoffset(0) = NULL)
RETURNS TABLE
AS
RETURN (SELECT Id, PlacedAt, Status FROM shop.Orders WHERE CustomerId = @CustomerId AND (@Since IS NULL OR PlacedAt >= @Since))
GO
CREATE OR ALTER PROCEDURE shop.PlaceOrder
    @CustomerId int,
    @Lines shop.OrderLineList READONLY,
    @Note nvarchar(max) = NULL,
    @OrderId bigint OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET @OrderId = NEXT VALUE FOR shop.OrderNumber;
    INSERT shop.Orders (Id, CustomerId, PlacedAt, Status, Notes)
    VALUES (@OrderId, @CustomerId, SYSDATETIMEOFFSET(), 0, @Note);
END
GO
CREATE TRIGGER shop.Orders_Audit ON shop.Orders AFTER INSERT AS
    INSERT [audit].[Events] (Kind, Payload) SELECT 'order', (SELECT * FROM inserted FOR JSON PATH);
GO
GRANT EXECUTE ON shop.PlaceOrder TO public
GO
