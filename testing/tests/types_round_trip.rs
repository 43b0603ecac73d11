//! Every column type of DESIGN §3 sent by the mock and read back through
//! tiberius's `FromSql`, NULLs of each, and every parameter type decoded.

mod common;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use common::connect;
use mssqlx_mock::{Column, Length, MockServer, Reply, ResultSet, Script, SqlType, Value};
use rust_decimal::Decimal;
use std::str::FromStr;
use uuid::Uuid;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
}
fn time() -> NaiveTime {
    NaiveTime::from_hms_nano_opt(13, 45, 12, 123_456_700).unwrap()
}
fn datetime() -> NaiveDateTime {
    date().and_time(time())
}
fn dto() -> chrono::DateTime<FixedOffset> {
    FixedOffset::east_opt(2 * 3600 + 30 * 60)
        .unwrap()
        .from_local_datetime(&datetime())
        .unwrap()
}
fn uuid() -> Uuid {
    Uuid::parse_str("6f9619ff-8b86-d011-b42d-00c04fc964ff").unwrap()
}
fn big_text() -> String {
    "héllo wörld ".repeat(2000) // 24 000 chars: several packets
}

/// (column type, a value of it)
fn samples() -> Vec<(SqlType, Value)> {
    vec![
        (SqlType::Bit, Value::Bool(true)),
        (SqlType::TinyInt, Value::U8(200)),
        (SqlType::SmallInt, Value::I16(-12345)),
        (SqlType::Int, Value::I32(-2_000_000_000)),
        (SqlType::BigInt, Value::I64(9_000_000_000_000)),
        (SqlType::Real, Value::F32(1.5)),
        (SqlType::Float, Value::F64(-2.25e100)),
        (
            SqlType::decimal(18, 4),
            Value::Decimal(Decimal::from_str("-12345678901234.5678").unwrap()),
        ),
        (
            SqlType::Numeric {
                precision: 38,
                scale: 10,
            },
            Value::Decimal(Decimal::from_str("1234567890123456.0123456789").unwrap()),
        ),
        (
            SqlType::Money,
            Value::Decimal(Decimal::from_str("-123456789.1234").unwrap()),
        ),
        (
            SqlType::SmallMoney,
            Value::Decimal(Decimal::from_str("-214748.3648").unwrap()),
        ),
        (SqlType::Char(5), Value::String("ab".into())),
        (SqlType::varchar(20), Value::String("Grüße €".into())),
        (
            SqlType::VarChar(Length::Max),
            Value::String("x".repeat(10_000)),
        ),
        (SqlType::NChar(3), Value::String("ß".into())),
        (SqlType::nvarchar(40), Value::String("日本語 text".into())),
        (SqlType::NVarChar(Length::Max), Value::String(big_text())),
        (SqlType::Binary(4), Value::Binary(vec![1, 2])),
        (SqlType::varbinary(10), Value::Binary(vec![9, 8, 7])),
        (
            SqlType::VarBinary(Length::Max),
            Value::Binary((0..50_000u32).map(|i| i as u8).collect()),
        ),
        (SqlType::UniqueIdentifier, Value::Uuid(uuid())),
        (SqlType::Date, Value::Date(date())),
        (SqlType::Time { scale: 7 }, Value::Time(time())),
        (
            SqlType::DateTime,
            Value::DateTime(date().and_hms_milli_opt(23, 59, 59, 500).unwrap()),
        ),
        (
            SqlType::SmallDateTime,
            Value::DateTime(date().and_hms_opt(8, 30, 0).unwrap()),
        ),
        (SqlType::datetime2(), Value::DateTime(datetime())),
        (
            SqlType::DateTimeOffset { scale: 7 },
            Value::DateTimeOffset(dto()),
        ),
        (SqlType::Xml, Value::Xml("<a b=\"1\">ü</a>".into())),
    ]
}

/// Reads column `i` of `row` through tiberius's `FromSql` for the type's Rust
/// type (DESIGN §3) and converts it back to a mock `Value` for comparison.
fn read(row: &tiberius::Row, i: usize, ty: SqlType) -> Value {
    macro_rules! get {
        ($t:ty) => {
            row.try_get::<$t, _>(i)
                .unwrap_or_else(|e| panic!("column {i} ({ty}): {e}"))
        };
    }
    match ty {
        SqlType::Bit => get!(bool).into(),
        SqlType::TinyInt => get!(u8).into(),
        SqlType::SmallInt => get!(i16).into(),
        SqlType::Int => get!(i32).into(),
        SqlType::BigInt => get!(i64).into(),
        SqlType::Real => get!(f32).into(),
        SqlType::Float => get!(f64).into(),
        SqlType::Decimal { .. } | SqlType::Numeric { .. } => get!(Decimal).into(),
        // tiberius decodes money as f64
        SqlType::Money | SqlType::SmallMoney => get!(f64)
            .map(|f| Value::Decimal(Decimal::from_str(&format!("{f:.4}")).unwrap()))
            .unwrap_or(Value::Null),
        SqlType::Char(_) | SqlType::VarChar(_) | SqlType::NChar(_) | SqlType::NVarChar(_) => {
            get!(&str).into()
        }
        SqlType::Binary(_) | SqlType::VarBinary(_) => get!(&[u8]).into(),
        SqlType::UniqueIdentifier => get!(Uuid).into(),
        SqlType::Date => get!(NaiveDate).into(),
        SqlType::Time { .. } => get!(NaiveTime).into(),
        SqlType::DateTime | SqlType::SmallDateTime | SqlType::DateTime2 { .. } => {
            get!(NaiveDateTime).into()
        }
        SqlType::DateTimeOffset { .. } => get!(chrono::DateTime<FixedOffset>).into(),
        SqlType::Xml => get!(&tiberius::xml::XmlData)
            .map(|x| Value::Xml(x.to_string()))
            .unwrap_or(Value::Null),
        SqlType::Null => unreachable!(),
    }
}

/// What tiberius must read for `value` sent in a column of type `ty`.
fn expected(ty: SqlType, value: &Value) -> Value {
    match (ty, value) {
        (SqlType::Char(n) | SqlType::NChar(n), Value::String(s)) => {
            Value::String(format!("{s:<width$}", width = n as usize))
        }
        (SqlType::Binary(n), Value::Binary(b)) => {
            let mut b = b.clone();
            b.resize(n as usize, 0);
            Value::Binary(b)
        }
        (_, v) => v.clone(),
    }
}

async fn round_trip(nullable: bool) {
    let samples = samples();
    let make = |i: usize, ty: SqlType| {
        let name = format!("c{i}");
        if nullable {
            Column::new(name, ty)
        } else {
            Column::not_null(name, ty)
        }
    };
    let mut rs = ResultSet::new(samples.iter().enumerate().map(|(i, (ty, _))| make(i, *ty)));
    rs.push_row(samples.iter().map(|(_, v)| v.clone()).collect());
    if nullable {
        rs.push_row(vec![Value::Null; samples.len()]);
    }
    let server = MockServer::builder()
        .handler(Script::new().on_exact("all types", Reply::rows(rs)))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let rows = client
        .simple_query("all types")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    for (i, (ty, value)) in samples.iter().enumerate() {
        assert_eq!(
            read(&rows[0], i, *ty),
            expected(*ty, value),
            "column {i}: {ty}"
        );
        if nullable {
            assert_eq!(
                read(&rows[1], i, *ty),
                Value::Null,
                "NULL in column {i}: {ty}"
            );
        }
    }
}

#[tokio::test]
async fn every_type_round_trips_through_tiberius_from_sql_in_not_null_columns() {
    round_trip(false).await;
}

#[tokio::test]
async fn every_type_round_trips_and_null_of_each_type_reads_as_none_in_nullable_columns() {
    round_trip(true).await;
}

#[tokio::test]
async fn a_value_that_does_not_fit_its_column_is_refused_when_the_row_is_added() {
    let mut rs = ResultSet::new([
        Column::not_null("n", SqlType::TinyInt),
        Column::new("s", SqlType::nvarchar(2)),
    ]);
    assert!(rs
        .try_push_row(&[Value::I32(256), Value::Null])
        .unwrap_err()
        .reason
        .contains("out of range"));
    assert!(rs
        .try_push_row(&[Value::Null, Value::Null])
        .unwrap_err()
        .reason
        .contains("NOT NULL"));
    assert!(rs.try_push_row(&[Value::U8(1), "abc".into()]).is_err());
    assert!(rs.try_push_row(&[Value::U8(1)]).is_err());
    assert_eq!(rs.len(), 0);
}

#[tokio::test]
async fn parameters_of_every_type_are_decoded_to_typed_values() {
    let server = MockServer::builder()
        .handler(Script::new().otherwise(Reply::count(0)))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let dec = Decimal::from_str("-1234.5678").unwrap();
    let bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7) as u8).collect();
    let long = big_text();
    let xml = tiberius::xml::XmlData::new("<r>ü</r>");
    client
        .execute(
            "params",
            &[
                &true,
                &7u8,
                &-3i16,
                &42i32,
                &-9_000_000_000i64,
                &1.5f32,
                &2.5e-300f64,
                &dec,
                &"short",
                &long.as_str(),
                &bytes.as_slice(),
                &uuid(),
                &date(),
                &time(),
                &datetime(),
                &dto(),
                &xml,
            ],
        )
        .await
        .unwrap();
    let none_i32: Option<i32> = None;
    let none_str: Option<&str> = None;
    let none_bool: Option<bool> = None;
    let none_dec: Option<Decimal> = None;
    let none_date: Option<NaiveDate> = None;
    let none_bytes: Option<&[u8]> = None;
    client
        .execute(
            "nulls",
            &[
                &none_i32,
                &none_str,
                &none_bool,
                &none_dec,
                &none_date,
                &none_bytes,
            ],
        )
        .await
        .unwrap();

    let requests = server.recorder().connection(1);
    let args: Vec<(SqlType, Value)> = requests[0]
        .params()
        .iter()
        .map(|p| (p.ty, p.value.clone()))
        .collect();
    let expected = vec![
        (SqlType::Bit, Value::Bool(true)),
        (SqlType::TinyInt, Value::U8(7)),
        (SqlType::SmallInt, Value::I16(-3)),
        (SqlType::Int, Value::I32(42)),
        (SqlType::BigInt, Value::I64(-9_000_000_000)),
        (SqlType::Real, Value::F32(1.5)),
        (SqlType::Float, Value::F64(2.5e-300)),
        (
            SqlType::Numeric {
                precision: 8,
                scale: 4,
            },
            Value::Decimal(dec),
        ),
        (SqlType::nvarchar(4000), Value::String("short".into())),
        (SqlType::NVarChar(Length::Max), Value::String(long.clone())),
        (
            SqlType::VarBinary(Length::Max),
            Value::Binary(bytes.clone()),
        ),
        (SqlType::UniqueIdentifier, Value::Uuid(uuid())),
        (SqlType::Date, Value::Date(date())),
        (SqlType::Time { scale: 7 }, Value::Time(time())),
        (SqlType::datetime2(), Value::DateTime(datetime())),
        (
            SqlType::DateTimeOffset { scale: 7 },
            Value::DateTimeOffset(dto()),
        ),
        (SqlType::Xml, Value::Xml("<r>ü</r>".into())),
    ];
    assert_eq!(args.len(), expected.len());
    for (i, (got, want)) in args.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "parameter @P{}", i + 1);
    }
    let nulls: Vec<&Value> = requests[1].params().iter().map(|p| &p.value).collect();
    assert!(nulls.iter().all(|v| v.is_null()), "{nulls:?}");
    assert_eq!(
        requests[1].params()[0].ty,
        SqlType::Int,
        "a NULL int keeps its type"
    );
}

#[tokio::test]
async fn one_hundred_thousand_rows_arrive_over_many_packets() {
    let mut rs = ResultSet::new([
        Column::not_null("id", SqlType::Int),
        Column::new("name", SqlType::nvarchar(50)),
        Column::new("amount", SqlType::decimal(18, 2)),
    ]);
    for i in 0..100_000i32 {
        rs.push_row(vec![
            i.into(),
            format!("name {i}").into(),
            Value::Decimal(Decimal::new(i as i64 * 100 + 1, 2)),
        ]);
    }
    let bytes = rs.encoded_len();
    assert!(
        bytes > 100 * 4096,
        "{bytes} bytes should span hundreds of packets"
    );
    let server = MockServer::builder()
        .handler(Script::new().on_exact("big", Reply::rows(rs)))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let rows = client
        .simple_query("big")
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    assert_eq!(rows.len(), 100_000);
    assert_eq!(rows[99_999].get::<i32, _>(0), Some(99_999));
    assert_eq!(rows[99_999].get::<&str, _>(1), Some("name 99999"));
    assert_eq!(
        rows[12_345].get::<Decimal, _>(2),
        Some(Decimal::new(1_234_501, 2))
    );
}

#[tokio::test]
async fn a_request_larger_than_one_packet_is_joined_before_decoding() {
    let server = MockServer::builder()
        .handler(Script::new().otherwise(Reply::done()))
        .start()
        .await
        .unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let sql = format!("SELECT '{}'", "q".repeat(50_000));
    client
        .simple_query(sql.as_str())
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert_eq!(server.recorder().sql(), [sql]);
}
