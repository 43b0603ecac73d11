//! TLS with the generated self-signed certificate, negotiated inside PRELOGIN.

mod common;

use common::{connect, single_row};
use mssqlx_mock::MockServer;

#[tokio::test]
async fn tls_connection_with_trust_server_certificate_logs_in_and_queries() {
    let server = MockServer::builder()
        .tls(true)
        .login("sa", "pw")
        .start()
        .await
        .unwrap();
    assert!(server.url().contains("encrypt=true"));
    let mut client = connect(&server.url()).await.unwrap();
    let row = single_row(&mut client, "SELECT @@TRANCOUNT").await;
    assert_eq!(row.get::<i32, _>(0), Some(0));
    assert!(server.session(1).unwrap().tls());
    assert!(server
        .certificate_pem()
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn tls_server_verified_against_its_own_certificate_by_the_client() {
    let server = MockServer::builder().tls(true).start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("mssqlx-mock-ca-{}", server.addr().port()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, server.certificate_pem().unwrap()).unwrap();
    let url = format!(
        "server=tcp:localhost,{};user=sa;password=x;encrypt=true;TrustServerCertificateCA={}",
        server.addr().port(),
        pem.display()
    );
    let mut client = connect(&url).await.unwrap();
    client
        .simple_query("SELECT @@SPID")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn login_only_encryption_switches_back_to_plaintext_after_login() {
    let server = MockServer::builder().tls(true).start().await.unwrap();
    let url = server.url().replace("encrypt=true", "encrypt=false");
    let mut client = connect(&url).await.unwrap();
    let row = single_row(&mut client, "SELECT @@TRANCOUNT").await;
    assert_eq!(row.get::<i32, _>(0), Some(0));
    assert!(!server.session(1).unwrap().tls());
    assert_eq!(
        server.recorder().logins()[0].1.password,
        mssqlx_mock::DEFAULT_PASSWORD
    );
}

#[tokio::test]
async fn plaintext_client_still_connects_to_a_tls_capable_server() {
    let server = MockServer::builder().tls(true).start().await.unwrap();
    let url = server
        .url()
        .replace("encrypt=true", "encrypt=DANGER_PLAINTEXT");
    let mut client = connect(&url).await.unwrap();
    client
        .simple_query("SELECT @@TRANCOUNT")
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
    assert!(!server.session(1).unwrap().tls());
}
