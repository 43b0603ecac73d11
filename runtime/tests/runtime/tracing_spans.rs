//! Issue point 7: a span per statement following OpenTelemetry's database
//! conventions, events for retries and for pool connect / discard.

use mssqlx_mock::{Fault, Reply};
use mssqlx_runtime::{Executor, Query};

use crate::common::*;

#[tokio::test]
async fn each_statement_is_a_span_with_opentelemetry_fields_and_no_values() {
    let server = server().await;
    let (capture, _guard) = Capture::install();
    let url = format!("{};database=Shop", server.url());
    let pool = options().connect_lazy(&url).unwrap();
    let secret_value = "value-that-must-not-be-traced";
    let _: Vec<(i32, Option<String>)> = pool
        .fetch_all(Query::new(
            "SELECT Id, Email FROM dbo.Users WHERE Email = @P1",
            &[&secret_value],
        ))
        .await
        .unwrap();
    let spans = capture.spans("mssqlx.query");
    assert_eq!(spans.len(), 1, "{spans:?}");
    let s = &spans[0];
    assert_eq!(s.field("db.system.name"), Some("microsoft.sql_server"));
    assert_eq!(s.field("db.namespace"), Some("Shop"));
    assert_eq!(s.field("db.operation.name"), Some("SELECT"));
    assert_eq!(
        s.field("db.query.text"),
        Some("SELECT Id, Email FROM dbo.Users WHERE Email = @P1")
    );
    assert_eq!(s.field("server.address"), Some("127.0.0.1"));
    assert_eq!(
        s.field("server.port"),
        Some(server.addr().port().to_string().as_str())
    );
    assert_eq!(s.field("otel.name"), Some("SELECT Shop"));
    assert!(!capture.text().contains(secret_value));
}

#[tokio::test]
async fn transaction_statements_have_spans_too() {
    let server = server().await;
    let (capture, _guard) = Capture::install();
    let pool = pool_for(&server);
    let mut tx = pool.begin().await.unwrap();
    (&mut tx)
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let ops: Vec<String> = capture
        .spans("mssqlx.query")
        .iter()
        .map(|s| s.field("db.operation.name").unwrap_or("").to_string())
        .collect();
    assert_eq!(ops, ["BEGIN", "INSERT", "COMMIT"]);
}

#[tokio::test]
async fn pool_connect_and_discard_are_events() {
    let script = base_script().on_prefix(
        "SELECT Big",
        Reply::rows(users()).with_fault(Fault::DropAfterRows(1)),
    );
    let server = server_with(script).await;
    let (capture, _guard) = Capture::install();
    let pool = pool_for(&server);
    let _ = pool
        .fetch_all::<(i32, Option<String>)>(Query::sql("SELECT Big").write())
        .await;
    settled(&pool).await;
    let events = capture.events("mssqlx::pool");
    let messages: Vec<&str> = events.iter().filter_map(|e| e.field("message")).collect();
    assert!(messages.contains(&"opened connection"), "{messages:?}");
    assert!(messages.contains(&"discarding connection"), "{messages:?}");
    let discard = events
        .iter()
        .find(|e| e.field("message") == Some("discarding connection"))
        .unwrap();
    assert_eq!(discard.level, tracing::Level::WARN);
}
