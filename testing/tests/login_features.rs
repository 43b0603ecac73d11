//! Login features a runtime relies on: gateway redirects, Entra ID access
//! tokens, and the pool's `SELECT 1` health check.

mod common;

use common::{connect, connect_with, single_row};
use mssqlx_mock::MockServer;
use tiberius::{AuthMethod, Config};

#[tokio::test]
async fn redirected_login_reports_the_routing_target_and_closes() {
    let gateway = MockServer::start().await.unwrap();
    let target = MockServer::start().await.unwrap();
    gateway
        .faults()
        .redirect_next_logins(1, "127.0.0.1", target.addr().port());
    match connect(&gateway.url()).await.unwrap_err() {
        tiberius::error::Error::Routing { host, port } => {
            assert_eq!((host.as_str(), port), ("127.0.0.1", target.addr().port()));
        }
        other => panic!("expected a routing error, got {other:?}"),
    }
    assert_eq!(
        (gateway.counters().redirects, gateway.counters().logins),
        (1, 0)
    );
    connect(&gateway.url()).await.unwrap();
    assert_eq!(
        gateway.counters().logins,
        1,
        "only the next login was redirected"
    );
}

fn token_config(server: &MockServer, token: &str) -> Config {
    let mut config = Config::from_ado_string(&server.url()).unwrap();
    config.authentication(AuthMethod::aad_token(token));
    config
}

#[tokio::test]
async fn access_token_login_is_accepted_and_its_token_recorded() {
    let server = MockServer::builder()
        .access_token("eyJ0eXAi.good")
        .start()
        .await
        .unwrap();
    let mut client = connect_with(token_config(&server, "eyJ0eXAi.good"))
        .await
        .unwrap();
    client
        .simple_query("SELECT 1")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let login = &server.recorder().logins()[0].1;
    assert_eq!(login.access_token.as_deref(), Some("eyJ0eXAi.good"));
    assert!(login.password.is_empty());
}

#[tokio::test]
async fn unknown_access_token_is_refused_with_error_18456() {
    let server = MockServer::builder()
        .access_token("expected")
        .start()
        .await
        .unwrap();
    match connect_with(token_config(&server, "other"))
        .await
        .unwrap_err()
    {
        tiberius::error::Error::Server(e) => assert_eq!(e.code(), 18456),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn select_1_health_check_is_answered_without_a_rule() {
    let server = MockServer::start().await.unwrap();
    let mut client = connect(&server.url()).await.unwrap();
    let row = single_row(&mut client, "SELECT 1").await;
    assert_eq!(row.get::<i32, _>(0), Some(1));
}
