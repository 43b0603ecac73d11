//! Serving 100 000 rows of 6 mixed columns to tiberius.
//!
//! Three figures, so the server's share is visible on its own:
//!
//! - `server_encode`: the server's work per request — the reply's token
//!   stream and its packets (`Reply::to_packets`), rows already encoded.
//! - `build_result_set`: encoding the 100 000 rows of values into row data,
//!   done once when a test scripts the result.
//! - `client_decode`: tiberius reading every value of every row, fed the
//!   pre-encoded bytes by a replay peer over an in-memory pipe (no server work).
//! - `end_to_end`: tiberius against a real `MockServer` over loopback TCP.
//!
//! Run: `cargo bench -p mssqlx-mock --bench serve_rows`

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use mssqlx_mock::protocol::packet::{write_message, PacketReader, PacketType};
use mssqlx_mock::protocol::{prelogin, token};
use mssqlx_mock::{Column, MockServer, Reply, ResultSet, Script, SqlType, Value};
use rust_decimal::Decimal;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio_util::compat::TokioAsyncReadCompatExt;

const ROWS: usize = 100_000;
const SQL: &str = "SELECT id, n, name, amount, at, flag FROM t";

fn result_set() -> ResultSet {
    let base = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut rs = ResultSet::new([
        Column::not_null("id", SqlType::Int),
        Column::new("n", SqlType::BigInt),
        Column::new("name", SqlType::nvarchar(50)),
        Column::new("amount", SqlType::decimal(18, 2)),
        Column::new("at", SqlType::datetime2()),
        Column::not_null("flag", SqlType::Bit),
    ]);
    for i in 0..ROWS {
        rs.push_row(vec![
            Value::I32(i as i32),
            if i % 10 == 0 {
                Value::Null
            } else {
                Value::I64(i as i64 * 1_000)
            },
            Value::String(format!("customer {i}")),
            Value::Decimal(Decimal::new(i as i64 * 137, 2)),
            Value::DateTime(base + chrono::Duration::seconds(i as i64)),
            Value::Bool(i % 2 == 0),
        ]);
    }
    rs
}

fn login_reply() -> bytes::BytesMut {
    let mut tokens = bytes::BytesMut::new();
    token::put_login_ack(&mut tokens, 0x7400_0004);
    token::put_done(&mut tokens, token::DONE, 0, 0, 0);
    frame(&tokens)
}

fn frame(tokens: &[u8]) -> bytes::BytesMut {
    let mut out = bytes::BytesMut::new();
    write_message(
        &mut out,
        PacketType::TabularResult,
        tokens,
        4096,
        0,
        &mut 1,
        true,
    );
    out
}

/// A peer that answers PRELOGIN, LOGIN7 and every batch with fixed bytes.
async fn replay_peer(mut io: tokio::io::DuplexStream, reply: bytes::Bytes) {
    let mut reader = PacketReader::new();
    let prelogin = frame(&prelogin::encode_reply(prelogin::ENCRYPT_NOT_SUP, false));
    let login = login_reply();
    while let Ok(Some(msg)) = reader.next(&mut io).await {
        let bytes: &[u8] = match msg.ty {
            PacketType::PreLogin => &prelogin,
            PacketType::Login7 => &login,
            _ => &reply,
        };
        if io.write_all(bytes).await.is_err() {
            return;
        }
    }
}

async fn read_all(
    client: &mut tiberius::Client<
        impl futures_util::AsyncRead + futures_util::AsyncWrite + Unpin + Send,
    >,
) -> usize {
    use futures_util::TryStreamExt;
    let mut stream = client.simple_query(SQL).await.unwrap().into_row_stream();
    let mut n = 0;
    while let Some(row) = stream.try_next().await.unwrap() {
        let _: Option<i32> = row.get(0);
        let _: Option<i64> = row.get(1);
        let _: Option<&str> = row.get(2);
        let _: Option<Decimal> = row.get(3);
        let _: Option<chrono::NaiveDateTime> = row.get(4);
        let _: Option<bool> = row.get(5);
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let rs = result_set();
    let reply = Reply::rows(rs.clone());
    let wire = reply.to_packets(false, 4096).freeze();

    let mut group = c.benchmark_group("serve_100k_rows_6_columns");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));

    group.bench_function("server_encode", |b| {
        b.iter(|| reply.to_packets(false, 4096))
    });
    group.bench_function("build_result_set", |b| b.iter(result_set));

    let mut replay_client = rt.block_on(async {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(replay_peer(server_io, wire.clone()));
        let mut config = tiberius::Config::new();
        config.authentication(tiberius::AuthMethod::sql_server("sa", "x"));
        config.encryption(tiberius::EncryptionLevel::NotSupported);
        tiberius::Client::connect(config, client_io.compat())
            .await
            .unwrap()
    });
    group.bench_function("client_decode", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    assert_eq!(read_all(&mut replay_client).await, ROWS);
                }
                start.elapsed()
            })
        })
    });

    let (server, mut tcp_client) = rt.block_on(async {
        let server = MockServer::builder()
            .handler(Script::new().on_exact(SQL, Reply::rows(rs.clone())))
            .start()
            .await
            .unwrap();
        let config = tiberius::Config::from_ado_string(&server.url()).unwrap();
        let tcp = tokio::net::TcpStream::connect(config.get_addr())
            .await
            .unwrap();
        tcp.set_nodelay(true).unwrap();
        use tokio_util::compat::TokioAsyncWriteCompatExt;
        let client = tiberius::Client::connect(config, tcp.compat_write())
            .await
            .unwrap();
        (server, client)
    });
    group.bench_function("end_to_end", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    assert_eq!(read_all(&mut tcp_client).await, ROWS);
                }
                start.elapsed()
            })
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
