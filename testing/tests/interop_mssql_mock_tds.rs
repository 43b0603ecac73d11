//! Interop with a TDS server we did not write: Microsoft's `mssql-mock-tds`.
//!
//! 1. Requests: tiberius's real bytes (captured by a proxy in front of our
//!    server) are decoded by our protocol layer and by `mssql-mock-tds`'s
//!    parsers; both must agree (SQL text, transaction descriptors,
//!    Transaction Manager request types, LOGIN7 fields and access token).
//! 2. Responses: the same result set served by both servers must read the
//!    same through tiberius.

mod common;

use common::{connect, connect_with};
use mssql_mock_tds::{ColumnDefinition, ColumnValue, MockTdsServer, QueryResponse, SqlDataType};
use mssqlx_mock::protocol::packet::{PacketReader, PacketType};
use mssqlx_mock::protocol::{batch, login, transaction};
use mssqlx_mock::{row, Column, MockServer, Reply, ResultSet, Script, SqlType, TransactionRequest};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A proxy in front of `target` that keeps every byte the client sends.
async fn capturing_proxy(target: std::net::SocketAddr) -> (u16, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let sink = captured.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(target).await.unwrap();
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                while let Ok(n) = cr.read(&mut buf).await {
                    if n == 0 || sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut sr, &mut cw).await;
            });
        }
    });
    (port, captured)
}

async fn client_messages(
    captured: &Arc<Mutex<Vec<u8>>>,
) -> Vec<mssqlx_mock::protocol::packet::Message> {
    let bytes = captured.lock().unwrap().clone();
    let mut reader = PacketReader::new();
    let mut src = &bytes[..];
    let mut out = Vec::new();
    while let Some(m) = reader.next(&mut src).await.unwrap() {
        out.push(m);
    }
    out
}

#[tokio::test]
async fn our_request_decoding_agrees_with_mssql_mock_tds_on_tiberius_traffic() {
    let server = MockServer::start().await.unwrap();
    let (port, captured) = capturing_proxy(server.addr()).await;
    let url = server
        .url()
        .replace(&server.addr().port().to_string(), &port.to_string());
    let mut config = tiberius::Config::from_ado_string(&url).unwrap();
    config.database("shop");
    let mut client = connect_with(config).await.unwrap();
    client
        .simple_query("SELECT 1")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    client.begin_transaction().await.unwrap();
    client
        .simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    client.save_transaction("sp").await.unwrap();
    client.commit_transaction().await.unwrap();
    drop(client);

    let mut token_config = tiberius::Config::from_ado_string(&url).unwrap();
    token_config.authentication(tiberius::AuthMethod::aad_token("token-ü-123"));
    connect_with(token_config).await.unwrap();

    let messages = client_messages(&captured).await;
    let (mut logins, mut batches, mut tm) = (0, 0, 0);
    for m in &messages {
        let payload = &m.payload[..];
        match m.ty {
            PacketType::Login7 => {
                logins += 1;
                let ours = login::decode(payload).unwrap();
                let theirs = mssql_mock_tds::protocol::parse_login7_auth(payload);
                assert_eq!(
                    Some(ours.server_name.clone()).filter(|s| !s.is_empty()),
                    theirs.server_name
                );
                assert_eq!(
                    Some(ours.database.clone()).filter(|s| !s.is_empty()),
                    theirs.database
                );
                let their_token = theirs.access_token_bytes.map(|b| {
                    let units: Vec<u16> = b
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16(&units).unwrap()
                });
                assert_eq!(ours.access_token, their_token);
            }
            PacketType::SqlBatch => {
                batches += 1;
                let (descriptor, sql) = batch::decode(payload).unwrap();
                assert_eq!(
                    sql.trim(),
                    mssql_mock_tds::protocol::parse_sql_batch(payload).unwrap()
                );
                let theirs = mssql_mock_tds::protocol::parse_transaction_descriptor_header(payload);
                assert_eq!(Some(descriptor), theirs.map(|(d, _)| d));
            }
            PacketType::TransactionManager => {
                tm += 1;
                let (descriptor, request) = transaction::decode(payload).unwrap();
                let code = match request {
                    TransactionRequest::Begin { .. } => 5,
                    TransactionRequest::Commit { .. } => 7,
                    TransactionRequest::Rollback { .. } => 8,
                    TransactionRequest::Save { .. } => 9,
                    TransactionRequest::Other(n) => n,
                };
                assert_eq!(
                    Some(code),
                    mssql_mock_tds::protocol::parse_transaction_manager_request(payload)
                );
                let theirs = mssql_mock_tds::protocol::parse_transaction_descriptor_header(payload);
                assert_eq!(Some(descriptor), theirs.map(|(d, _)| d));
            }
            _ => {}
        }
    }
    assert_eq!((logins, batches, tm), (2, 2, 3), "the exchanges compared");
}

type Cells = Vec<(Option<i32>, Option<i64>, Option<String>, Option<String>)>;

async fn read_rows(url: &str, sql: &str) -> Cells {
    let mut client = connect(url).await.unwrap();
    let rows = client
        .simple_query(sql)
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.get::<i32, _>(0),
                r.get::<i64, _>(1),
                r.get::<&str, _>(2).map(String::from),
                r.get::<&str, _>(3).map(String::from),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_same_result_set_from_both_servers_reads_the_same_through_tiberius() {
    const SQL: &str = "SELECT ID, N, NAME, NOTE FROM T";
    let long = "é".repeat(5000);

    let theirs = MockTdsServer::new("127.0.0.1:0").await.unwrap();
    let their_url = format!(
        "server=tcp:127.0.0.1,{};user=sa;password=x;encrypt=DANGER_PLAINTEXT",
        theirs.local_addr().port()
    );
    theirs.query_registry().lock().await.register(
        SQL,
        QueryResponse::new(
            vec![
                ColumnDefinition::new("id", SqlDataType::Int),
                ColumnDefinition::new("n", SqlDataType::BigInt),
                ColumnDefinition::new("name", SqlDataType::NVarChar),
                ColumnDefinition::new("note", SqlDataType::NVarCharMax),
            ],
            vec![
                mssql_mock_tds::Row::new(vec![
                    ColumnValue::Int(1),
                    ColumnValue::BigInt(-5),
                    ColumnValue::NVarChar("Ada".into()),
                    ColumnValue::NVarCharMax(vec![long.encode_utf16().collect()]),
                ]),
                mssql_mock_tds::Row::new(vec![
                    ColumnValue::Null,
                    ColumnValue::BigInt(7),
                    ColumnValue::NVarChar("Grace".into()),
                    ColumnValue::NVarCharMaxNull,
                ]),
            ],
        ),
    );
    tokio::spawn(theirs.run());

    let ours = MockServer::builder()
        .handler(
            Script::new().on_exact(
                SQL,
                Reply::rows(
                    ResultSet::new([
                        Column::new("id", SqlType::Int),
                        Column::new("n", SqlType::BigInt),
                        Column::new("name", SqlType::nvarchar(100)),
                        Column::new("note", SqlType::NVarChar(mssqlx_mock::Length::Max)),
                    ])
                    .row(row![1, -5i64, "Ada", long.as_str()])
                    .row(row![None::<i32>, 7i64, "Grace", None::<&str>]),
                ),
            ),
        )
        .start()
        .await
        .unwrap();

    let from_theirs = read_rows(&their_url, SQL).await;
    let from_ours = read_rows(&ours.url(), SQL).await;
    assert_eq!(from_ours.len(), 2);
    assert_eq!(from_ours, from_theirs);
}
