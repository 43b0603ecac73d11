//! The built-in function catalog: one row per function, read by `super`.
//!
//! A row says the function's name, kind (scalar, aggregate, window), arity, what each
//! argument must be ([`P`]), how the result type follows from the arguments ([`Ret`])
//! and when the result can be NULL ([`Null`]). Adding a function is adding a row.

use mssqlx_offline::{Length, SqlType};

use crate::typing::Unify;

/// Scalar, aggregate, or window-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An ordinary function; it cannot take `OVER`.
    Scalar,
    /// An aggregate: over a group, or over a window with `OVER`.
    Aggregate,
    /// A ranking / offset / distribution function: only with `OVER` (or `WITHIN GROUP`).
    Window,
}

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum P {
    /// Any value.
    Any,
    /// A value or `*` (COUNT, CHECKSUM).
    AnyOrStar,
    /// A datepart keyword; which ones the function takes.
    Part(Parts),
    /// A character string, or a value that converts to one implicitly; not the
    /// deprecated text / ntext / image (most string functions refuse them).
    Text,
    /// Like `Text`, text and ntext included (CHARINDEX, PATINDEX).
    LongText,
    /// JSON text: a character string or the `json` type.
    JsonText,
    /// A character or binary string (SUBSTRING, STUFF).
    StrOrBin,
    /// A number or a string holding one.
    Number,
    /// A number other than bit (SUM, AVG: R3, R4).
    Summable,
    /// A value that converts implicitly to float.
    Float,
    /// A value that converts implicitly to int.
    Int,
    /// A date / time, or a value that converts implicitly to datetime.
    Temporal,
    /// A value MIN / MAX can order: not bit (R7), text, ntext, image, xml, json, spatial.
    Orderable,
}

/// Which datepart keywords a function accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parts {
    /// DATEADD, DATEDIFF, DATEDIFF_BIG: no tzoffset, no iso_week.
    Add,
    /// DATEPART, DATENAME: every datepart.
    All,
    /// DATETRUNC: no weekday, nanosecond, tzoffset.
    Trunc,
    /// DATE_BUCKET: year .. millisecond without dayofyear, weekday, iso_week.
    Bucket,
}

/// How the result type follows from the arguments (indexes count every argument,
/// the datepart included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ret {
    /// Always this type.
    Fixed(SqlType),
    /// The type of argument `i`.
    Arg(usize),
    /// LAG / LEAD: the value's type; the default must convert to it implicitly.
    LagLead,
    /// SUM (R3).
    Sum,
    /// AVG (R4).
    Avg,
    /// ROUND, SIGN (R18): tinyint / smallint → int, real → float, others kept.
    Round,
    /// CEILING, FLOOR: the input type, decimal scale 0.
    Ceiling,
    /// POWER: like ROUND but decimal(p,s) → decimal(38,s), strings → float.
    Power,
    /// ABS, DEGREES, RADIANS (R19): the input type, strings → float.
    Same,
    /// SQRT, LOG, SIN, ...: float.
    Float,
    /// Argument `i` as varchar / nvarchar of the same length (R23; LEFT, UPPER, ...).
    VarcharOf(usize),
    /// The last argument as varchar / nvarchar of the same length (TRIM).
    VarcharOfLast,
    /// SUBSTRING (R22).
    Substring,
    /// LEN / DATALENGTH (R21): bigint for (max) arguments, else int.
    Len(usize),
    /// STR: varchar(10) with one argument, else up to varchar(8000).
    Str,
    /// REPLICATE, STUFF: argument `i`'s kind, 8000 bytes / 4000 characters or (max).
    Grow(usize),
    /// REPLACE: nvarchar if any argument is Unicode; 8000 / 4000 or (max).
    Replace,
    /// CONCAT (R24).
    Concat,
    /// CONCAT_WS.
    ConcatWs,
    /// STRING_AGG.
    StringAgg,
    /// DATEADD, DATE_BUCKET (R26): argument `i`'s type, datetime for strings.
    DateAdd(usize),
    /// DATETRUNC: argument `i`'s type, datetime2(7) for strings.
    DateTrunc(usize),
    /// SWITCHOFFSET / TODATETIMEOFFSET: datetimeoffset with argument `i`'s precision.
    Offset(usize),
    /// The types of arguments `i..` merged as in `ctx` (COALESCE, IIF, CHOOSE, GREATEST).
    Unify(Unify, usize),
    /// ISNULL (R8): the first argument's type.
    IsNull,
    /// NULLIF (R12): the first argument's type.
    NullIf,
}

/// When the result can be NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Null {
    /// When any argument can be (NULL in, NULL out).
    Inherit,
    /// When argument `i` can be.
    From(usize),
    /// Never, whatever the arguments (CONCAT, COUNT, GETDATE, ...).
    Never,
    /// Always possible, even for non-null arguments (TRY_*, JSON_VALUE, NULLIF, ...).
    Always,
    /// An aggregate other than COUNT (and FIRST_VALUE / LAST_VALUE): NULL over an empty
    /// input (no GROUP BY) or a frame that may be empty, or when the argument can be NULL.
    Aggregate,
    /// LAG / LEAD: NULL past the partition's edge unless a NOT NULL default is given.
    Offset,
    /// ISNULL: only when both arguments can be.
    Both,
    /// As the merge decides (COALESCE: all; IIF: either).
    Unified,
}

/// One row of the catalog.
#[derive(Clone, Debug)]
pub(crate) struct Signature {
    /// The name, upper case, as written (`@@ROWCOUNT` with its `@@`).
    pub name: &'static str,
    pub kind: Kind,
    /// Argument kinds; past the end, the last one repeats (for variadic functions).
    pub params: &'static [P],
    pub min: u8,
    pub max: u8,
    pub ret: Ret,
    pub null: Null,
}

/// As many arguments as SQL Server takes in a call (CONCAT's 254).
const MANY: u8 = 254;

const fn f(name: &'static str, params: &'static [P], ret: Ret, null: Null) -> Signature {
    let n = params.len() as u8;
    Signature {
        name,
        kind: Kind::Scalar,
        params,
        min: n,
        max: n,
        ret,
        null,
    }
}

impl Signature {
    /// Takes between `min` and `max` arguments.
    const fn arity(mut self, min: u8, max: u8) -> Signature {
        self.min = min;
        self.max = max;
        self
    }
    const fn aggregate(mut self) -> Signature {
        self.kind = Kind::Aggregate;
        self
    }
    const fn window(mut self) -> Signature {
        self.kind = Kind::Window;
        self
    }
}

const INT: Ret = Ret::Fixed(SqlType::Int);
const BIGINT: Ret = Ret::Fixed(SqlType::BigInt);
const SMALLINT: Ret = Ret::Fixed(SqlType::SmallInt);
const TINYINT: Ret = Ret::Fixed(SqlType::TinyInt);
const FLOAT: Ret = Ret::Fixed(SqlType::Float);
const DATETIME: Ret = Ret::Fixed(SqlType::DateTime);
const DATETIME2_7: Ret = Ret::Fixed(SqlType::DateTime2(7));
const DTO_7: Ret = Ret::Fixed(SqlType::DateTimeOffset(7));
const DATE: Ret = Ret::Fixed(SqlType::Date);
const UNIQUEIDENTIFIER: Ret = Ret::Fixed(SqlType::UniqueIdentifier);
const NUMERIC_38_0: Ret = Ret::Fixed(SqlType::Numeric {
    precision: 38,
    scale: 0,
});
const SYSNAME: Ret = Ret::Fixed(SqlType::NVarChar(Length::Bounded(128)));
const NVARCHAR_4000: Ret = Ret::Fixed(SqlType::NVarChar(Length::Bounded(4000)));
const NVARCHAR_MAX: Ret = Ret::Fixed(SqlType::NVarChar(Length::Max));
const VARBINARY_MAX: Ret = Ret::Fixed(SqlType::VarBinary(Length::Max));
const SQL_VARIANT: Ret = Ret::Fixed(SqlType::SqlVariant);

use self::Null::{Aggregate, Always, Inherit, Never};
use self::P::{Any, Float as Flt, Int, Number, Temporal, Text};

/// Every built-in function mssqlx types, by family.
#[rustfmt::skip]
pub(crate) const CATALOG: &[Signature] = &[
    // ---- string functions (R21-R25)
    f("LEN", &[Text], Ret::Len(0), Inherit),
    f("DATALENGTH", &[Any], Ret::Len(0), Inherit),
    f("LEFT", &[Text, Int], Ret::VarcharOf(0), Inherit),
    f("RIGHT", &[Text, Int], Ret::VarcharOf(0), Inherit),
    // SQL Server 2025 makes the length optional.
    f("SUBSTRING", &[P::StrOrBin, Int, Int], Ret::Substring, Inherit).arity(2, 3),
    f("UPPER", &[Text], Ret::VarcharOf(0), Inherit),
    f("LOWER", &[Text], Ret::VarcharOf(0), Inherit),
    f("LTRIM", &[Text, Text], Ret::VarcharOf(0), Inherit).arity(1, 2),
    f("RTRIM", &[Text, Text], Ret::VarcharOf(0), Inherit).arity(1, 2),
    // TRIM([chars FROM] string): in written order, so the string is the last argument.
    f("TRIM", &[Text, Text], Ret::VarcharOfLast, Inherit).arity(1, 2),
    f("REPLACE", &[Text, Text, Text], Ret::Replace, Inherit),
    // REPLICATE with a negative count returns NULL.
    f("REPLICATE", &[Text, Int], Ret::Grow(0), Always),
    f("REVERSE", &[Text], Ret::VarcharOf(0), Inherit),
    f("CHARINDEX", &[Text, P::LongText, Int], Ret::Len(1), Inherit).arity(2, 3),
    f("PATINDEX", &[Text, P::LongText], Ret::Len(1), Inherit),
    // STUFF returns NULL when the start is past the end or negative.
    f("STUFF", &[P::StrOrBin, Int, Int, Text], Ret::Grow(0), Always),
    f("CONCAT", &[Any], Ret::Concat, Never).arity(2, MANY),
    // CONCAT_WS skips NULL values; a NULL separator is undocumented, so it counts.
    f("CONCAT_WS", &[Text, Any], Ret::ConcatWs, Null::From(0)).arity(3, MANY),
    // FORMAT returns NULL for an invalid culture or format.
    f("FORMAT", &[Any, Text, Text], NVARCHAR_4000, Always).arity(2, 3),
    // QUOTENAME returns NULL for input longer than 128 characters.
    f("QUOTENAME", &[Text, Text], Ret::Fixed(SqlType::NVarChar(Length::Bounded(258))), Always).arity(1, 2),
    // SPACE with a negative count returns NULL.
    f("SPACE", &[Int], Ret::Fixed(SqlType::VarChar(Length::Bounded(8000))), Always),
    // STR with a negative length returns NULL.
    f("STR", &[Flt, Int, Int], Ret::Str, Always).arity(1, 3),
    // CHAR / NCHAR return NULL outside their code range; ASCII / UNICODE for ''.
    f("CHAR", &[Int], Ret::Fixed(SqlType::Char(1)), Always),
    f("NCHAR", &[Int], Ret::Fixed(SqlType::NChar(1)), Always),
    f("ASCII", &[Text], INT, Always),
    f("UNICODE", &[Text], INT, Always),
    f("SOUNDEX", &[Text], Ret::Fixed(SqlType::VarChar(Length::Bounded(4))), Inherit),
    f("DIFFERENCE", &[Text, Text], INT, Inherit),
    f("STRING_ESCAPE", &[Text, Text], NVARCHAR_MAX, Inherit),
    f("TRANSLATE", &[Text, Text, Text], Ret::VarcharOf(0), Inherit),

    // ---- mathematical functions (R18, R19)
    f("ABS", &[Number], Ret::Same, Inherit),
    // CEILING / FLOOR: bit is invalid; decimal(p,s) gives decimal(p,0) (FLOOR(123.45) is 123).
    f("CEILING", &[P::Summable], Ret::Ceiling, Inherit),
    f("FLOOR", &[P::Summable], Ret::Ceiling, Inherit),
    f("ROUND", &[Number, Int, Int], Ret::Round, Inherit).arity(2, 3),
    f("SIGN", &[Number], Ret::Round, Inherit),
    f("POWER", &[Number, Flt], Ret::Power, Inherit),
    f("SQRT", &[Flt], Ret::Float, Inherit),
    f("SQUARE", &[Flt], Ret::Float, Inherit),
    f("LOG", &[Flt, Flt], Ret::Float, Inherit).arity(1, 2),
    f("LOG10", &[Flt], Ret::Float, Inherit),
    f("EXP", &[Flt], Ret::Float, Inherit),
    f("SIN", &[Flt], Ret::Float, Inherit),
    f("COS", &[Flt], Ret::Float, Inherit),
    f("TAN", &[Flt], Ret::Float, Inherit),
    f("COT", &[Flt], Ret::Float, Inherit),
    f("ASIN", &[Flt], Ret::Float, Inherit),
    f("ACOS", &[Flt], Ret::Float, Inherit),
    f("ATAN", &[Flt], Ret::Float, Inherit),
    f("ATN2", &[Flt, Flt], Ret::Float, Inherit),
    f("DEGREES", &[Number], Ret::Same, Inherit),
    f("RADIANS", &[Number], Ret::Same, Inherit),
    f("PI", &[], FLOAT, Never),
    f("RAND", &[Int], FLOAT, Never).arity(0, 1),
    // GREATEST / LEAST ignore NULLs: NULL only when every argument is.
    f("GREATEST", &[Any], Ret::Unify(Unify::Coalesce, 0), Null::Unified).arity(1, MANY),
    f("LEAST", &[Any], Ret::Unify(Unify::Coalesce, 0), Null::Unified).arity(1, MANY),

    // ---- date and time functions (R26-R28, R43)
    f("GETDATE", &[], DATETIME, Never),
    f("GETUTCDATE", &[], DATETIME, Never),
    f("CURRENT_TIMESTAMP", &[], DATETIME, Never),
    f("SYSDATETIME", &[], DATETIME2_7, Never),
    f("SYSUTCDATETIME", &[], DATETIME2_7, Never),
    f("SYSDATETIMEOFFSET", &[], DTO_7, Never),
    // SQL Server 2025 / Azure SQL: today's date.
    f("CURRENT_DATE", &[], DATE, Never),
    f("DATEADD", &[P::Part(Parts::Add), Int, Temporal], Ret::DateAdd(2), Inherit),
    f("DATEDIFF", &[P::Part(Parts::Add), Temporal, Temporal], INT, Inherit),
    f("DATEDIFF_BIG", &[P::Part(Parts::Add), Temporal, Temporal], BIGINT, Inherit),
    f("DATEPART", &[P::Part(Parts::All), Temporal], INT, Inherit),
    f("DATENAME", &[P::Part(Parts::All), Temporal], Ret::Fixed(SqlType::NVarChar(Length::Bounded(30))), Inherit),
    f("DAY", &[Temporal], INT, Inherit),
    f("MONTH", &[Temporal], INT, Inherit),
    f("YEAR", &[Temporal], INT, Inherit),
    f("EOMONTH", &[Temporal, Int], DATE, Inherit).arity(1, 2),
    f("DATEFROMPARTS", &[Int, Int, Int], DATE, Inherit),
    // The precision argument must be a constant the analyzer does not pass: (7) assumed.
    f("DATETIME2FROMPARTS", &[Int, Int, Int, Int, Int, Int, Int, Int], DATETIME2_7, Inherit),
    f("DATETIMEFROMPARTS", &[Int, Int, Int, Int, Int, Int, Int], DATETIME, Inherit),
    f("SMALLDATETIMEFROMPARTS", &[Int, Int, Int, Int, Int], Ret::Fixed(SqlType::SmallDateTime), Inherit),
    f("TIMEFROMPARTS", &[Int, Int, Int, Int, Int], Ret::Fixed(SqlType::Time(7)), Inherit),
    f("DATETIMEOFFSETFROMPARTS", &[Int, Int, Int, Int, Int, Int, Int, Int, Int, Int], DTO_7, Inherit),
    f("SWITCHOFFSET", &[Temporal, Text], Ret::Offset(0), Inherit),
    f("TODATETIMEOFFSET", &[Temporal, Text], Ret::Offset(0), Inherit),
    f("ISDATE", &[Text], INT, Never),
    f("DATETRUNC", &[P::Part(Parts::Trunc), Temporal], Ret::DateTrunc(1), Inherit),
    f("DATE_BUCKET", &[P::Part(Parts::Bucket), Int, Temporal, Temporal], Ret::DateAdd(2), Inherit).arity(3, 4),

    // ---- conversion and logic (R8, R9, R11, R12)
    f("ISNULL", &[Any, Any], Ret::IsNull, Null::Both),
    f("COALESCE", &[Any], Ret::Unify(Unify::Coalesce, 0), Null::Unified).arity(2, MANY),
    f("NULLIF", &[Any, Any], Ret::NullIf, Always),
    // IIF(condition, a, b): the condition's own type is not looked at.
    f("IIF", &[Any, Any, Any], Ret::Unify(Unify::Iif, 1), Null::Unified),
    // CHOOSE returns NULL for an index out of range.
    f("CHOOSE", &[Int, Any], Ret::Unify(Unify::Case, 1), Always).arity(2, MANY),
    f("ISNUMERIC", &[Any], INT, Never),

    // ---- system functions
    f("NEWID", &[], UNIQUEIDENTIFIER, Never),
    f("NEWSEQUENTIALID", &[], UNIQUEIDENTIFIER, Never),
    f("SCOPE_IDENTITY", &[], NUMERIC_38_0, Always),
    f("@@IDENTITY", &[], NUMERIC_38_0, Always),
    f("IDENT_CURRENT", &[Text], NUMERIC_38_0, Always),
    f("@@ROWCOUNT", &[], INT, Never),
    f("ROWCOUNT_BIG", &[], BIGINT, Never),
    f("@@TRANCOUNT", &[], INT, Never),
    f("@@ERROR", &[], INT, Never),
    f("@@SPID", &[], SMALLINT, Never),
    f("@@FETCH_STATUS", &[], INT, Never),
    f("@@NESTLEVEL", &[], INT, Never),
    f("@@PROCID", &[], INT, Never),
    f("@@DATEFIRST", &[], TINYINT, Never),
    f("@@VERSION", &[], Ret::Fixed(SqlType::NVarChar(Length::Bounded(300))), Never),
    f("@@SERVERNAME", &[], SYSNAME, Always),
    f("@@LANGUAGE", &[], SYSNAME, Never),
    f("XACT_STATE", &[], SMALLINT, Never),
    f("DB_NAME", &[Int], SYSNAME, Always).arity(0, 1),
    f("DB_ID", &[Text], INT, Always).arity(0, 1),
    f("OBJECT_ID", &[Text, Text], INT, Always).arity(1, 2),
    f("OBJECT_NAME", &[Int, Int], SYSNAME, Always).arity(1, 2),
    f("OBJECT_SCHEMA_NAME", &[Int, Int], SYSNAME, Always).arity(1, 2),
    f("SCHEMA_NAME", &[Int], SYSNAME, Always).arity(0, 1),
    f("SCHEMA_ID", &[Text], INT, Always).arity(0, 1),
    f("SUSER_SNAME", &[Any], SYSNAME, Always).arity(0, 1),
    f("SUSER_NAME", &[Int], SYSNAME, Always).arity(0, 1),
    f("SUSER_ID", &[Text], INT, Always).arity(0, 1),
    f("USER_NAME", &[Int], SYSNAME, Always).arity(0, 1),
    f("USER_ID", &[Text], INT, Always).arity(0, 1),
    f("ORIGINAL_LOGIN", &[], SYSNAME, Always),
    f("HOST_NAME", &[], SYSNAME, Always),
    f("APP_NAME", &[], SYSNAME, Always),
    f("CURRENT_USER", &[], SYSNAME, Never),
    f("SESSION_USER", &[], SYSNAME, Never),
    f("SYSTEM_USER", &[], SYSNAME, Never),
    f("SESSION_CONTEXT", &[Text], SQL_VARIANT, Always),
    f("SERVERPROPERTY", &[Text], SQL_VARIANT, Always),
    f("DATABASEPROPERTYEX", &[Text, Text], SQL_VARIANT, Always),
    f("CHECKSUM", &[P::AnyOrStar], INT, Never).arity(1, MANY),
    f("BINARY_CHECKSUM", &[P::AnyOrStar], INT, Never).arity(1, MANY),
    // HASHBYTES returns NULL for an unknown algorithm.
    f("HASHBYTES", &[Text, Any], Ret::Fixed(SqlType::VarBinary(Length::Bounded(8000))), Always),
    f("COMPRESS", &[Any], VARBINARY_MAX, Inherit),
    // DECOMPRESS returns NULL for input that is not GZip data.
    f("DECOMPRESS", &[Any], VARBINARY_MAX, Always),
    f("FORMATMESSAGE", &[Any], Ret::Fixed(SqlType::NVarChar(Length::Bounded(2047))), Always).arity(1, MANY),
    f("COL_LENGTH", &[Text, Text], SMALLINT, Always),
    f("COL_NAME", &[Int, Int], SYSNAME, Always),
    f("TYPE_NAME", &[Int], SYSNAME, Always),
    f("TYPE_ID", &[Text], INT, Always),
    f("SUSER_SID", &[Text, Int], Ret::Fixed(SqlType::VarBinary(Length::Bounded(85))), Always).arity(0, 2),
    f("CRYPT_GEN_RANDOM", &[Int, Any], Ret::Fixed(SqlType::VarBinary(Length::Bounded(8000))), Always).arity(1, 2),
    f("CURRENT_TRANSACTION_ID", &[], BIGINT, Never),
    f("@@OPTIONS", &[], INT, Never),
    f("@@MAX_PRECISION", &[], TINYINT, Never),
    f("@@DBTS", &[], Ret::Fixed(SqlType::VarBinary(Length::Bounded(8))), Never),
    f("@@SERVICENAME", &[], SYSNAME, Never),
    f("ERROR_NUMBER", &[], INT, Always),
    f("ERROR_SEVERITY", &[], INT, Always),
    f("ERROR_STATE", &[], INT, Always),
    f("ERROR_LINE", &[], INT, Always),
    f("ERROR_MESSAGE", &[], NVARCHAR_4000, Always),
    f("ERROR_PROCEDURE", &[], SYSNAME, Always),

    // ---- JSON functions (R29-R31)
    f("JSON_VALUE", &[P::JsonText, Text], NVARCHAR_4000, Always),
    f("JSON_QUERY", &[P::JsonText, Text], NVARCHAR_MAX, Always).arity(1, 2),
    f("JSON_MODIFY", &[P::JsonText, Text, Any], NVARCHAR_MAX, Inherit),
    f("ISJSON", &[P::JsonText, Any], INT, Inherit).arity(1, 2),
    f("JSON_PATH_EXISTS", &[P::JsonText, Text], INT, Inherit),
    // JSON_OBJECT('k': v, ...) and JSON_ARRAY(v, ...): the analyzer passes the values.
    f("JSON_OBJECT", &[Any], NVARCHAR_MAX, Never).arity(0, MANY),
    f("JSON_ARRAY", &[Any], NVARCHAR_MAX, Never).arity(0, MANY),

    // ---- aggregate functions (R3-R7)
    f("COUNT", &[P::AnyOrStar], INT, Never).aggregate(),
    f("COUNT_BIG", &[P::AnyOrStar], BIGINT, Never).aggregate(),
    f("SUM", &[P::Summable], Ret::Sum, Aggregate).aggregate(),
    f("AVG", &[P::Summable], Ret::Avg, Aggregate).aggregate(),
    f("MIN", &[P::Orderable], Ret::Arg(0), Aggregate).aggregate(),
    f("MAX", &[P::Orderable], Ret::Arg(0), Aggregate).aggregate(),
    // STDEV / VAR of a single value are NULL: nullable even over a non-empty group.
    f("STDEV", &[P::Summable], FLOAT, Always).aggregate(),
    f("VAR", &[P::Summable], FLOAT, Always).aggregate(),
    f("STDEVP", &[P::Summable], FLOAT, Aggregate).aggregate(),
    f("VARP", &[P::Summable], FLOAT, Aggregate).aggregate(),
    f("STRING_AGG", &[Any, Text], Ret::StringAgg, Aggregate).aggregate(),
    f("CHECKSUM_AGG", &[Int], INT, Aggregate).aggregate(),
    f("GROUPING", &[Any], TINYINT, Never).aggregate(),
    f("GROUPING_ID", &[Any], INT, Never).aggregate().arity(1, MANY),
    f("APPROX_COUNT_DISTINCT", &[Any], BIGINT, Never).aggregate(),

    // ---- ranking, offset and distribution functions (R34)
    f("ROW_NUMBER", &[], BIGINT, Never).window(),
    f("RANK", &[], BIGINT, Never).window(),
    f("DENSE_RANK", &[], BIGINT, Never).window(),
    f("NTILE", &[Int], BIGINT, Never).window(),
    f("LAG", &[Any, Int, Any], Ret::LagLead, Null::Offset).window().arity(1, 3),
    f("LEAD", &[Any, Int, Any], Ret::LagLead, Null::Offset).window().arity(1, 3),
    // An explicit frame can be empty: NULL even over NOT NULL values unless the frame
    // is known to hold the current row.
    f("FIRST_VALUE", &[Any], Ret::Arg(0), Aggregate).window(),
    f("LAST_VALUE", &[Any], Ret::Arg(0), Aggregate).window(),
    f("PERCENT_RANK", &[], FLOAT, Never).window(),
    f("CUME_DIST", &[], FLOAT, Never).window(),
    // PERCENTILE_*(fraction) WITHIN GROUP (ORDER BY expr): pass [fraction, expr]; without
    // the ordering expression PERCENTILE_CONT is float NULL, PERCENTILE_DISC unknown.
    f("PERCENTILE_CONT", &[Flt, Number], FLOAT, Null::From(1)).window().arity(1, 2),
    f("PERCENTILE_DISC", &[Flt, P::Orderable], Ret::Arg(1), Null::From(1)).window(),
];
