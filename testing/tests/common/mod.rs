//! Shared helpers: connecting plain tiberius to the mock.
#![allow(dead_code)]

use tiberius::{Client, Config};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

pub type TestClient = Client<Compat<TcpStream>>;

pub async fn connect(url: &str) -> tiberius::Result<TestClient> {
    let config = Config::from_ado_string(url)?;
    connect_with(config).await
}

pub async fn connect_with(config: Config) -> tiberius::Result<TestClient> {
    let tcp = TcpStream::connect(config.get_addr()).await?;
    tcp.set_nodelay(true)?;
    Client::connect(config, tcp.compat_write()).await
}

/// Waits (up to 5 s) until `cond` holds; the server notices closed sockets
/// asynchronously, so state checks after a disconnect poll instead of sleeping.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Runs `sql` as a batch and returns its one row (panics, as a test should, otherwise).
pub async fn single_row(client: &mut TestClient, sql: &str) -> tiberius::Row {
    client
        .simple_query(sql)
        .await
        .unwrap()
        .into_row()
        .await
        .unwrap()
        .expect("the query returned no row")
}
