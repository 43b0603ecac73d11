//! Issue point 6: several databases, a router, read replicas with ApplicationIntent=ReadOnly.

use mssqlx_runtime::{
    Databases, Error, Executor, HashShardRouter, Intent, Model, ModelMeta, PrimaryReplicaRouter,
    Query,
};

use crate::common::*;

struct Invoice;
impl Model for Invoice {
    const META: ModelMeta = ModelMeta {
        name: "Invoice",
        schema: "dbo",
        table: "Invoices",
        database: Some("legacy"),
    };
}

struct User;
impl Model for User {
    const META: ModelMeta = ModelMeta {
        name: "User",
        schema: "dbo",
        table: "Users",
        database: None,
    };
}

#[tokio::test]
async fn reads_go_to_the_replica_opened_read_only_and_writes_to_the_primary() {
    let primary = server().await;
    let replica = server().await;
    let legacy = server().await;
    let dbs = Databases::builder()
        .add("default", pool_for(&primary))
        .add(
            "replica",
            options()
                .read_only(true)
                .connect_lazy(&replica.url())
                .unwrap(),
        )
        .add("legacy", pool_for(&legacy))
        .router(PrimaryReplicaRouter::new("default", ["replica"]))
        .build()
        .unwrap();

    let _: Vec<(i32, Option<String>)> = dbs
        .reader()
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    dbs.writer()
        .execute(Query::new(INSERT_SQL, &[&1i32]))
        .await
        .unwrap();
    let _: Vec<(i32, Option<String>)> = dbs
        .for_model::<User>(Intent::Read)
        .unwrap()
        .fetch_all(Query::new(USERS_SQL, &[&true]))
        .await
        .unwrap();
    dbs.for_model::<Invoice>(Intent::Write)
        .unwrap()
        .execute(Query::new(INSERT_SQL, &[&2i32]))
        .await
        .unwrap();

    assert_eq!(recorded(&replica, "SELECT Id").len(), 2);
    assert_eq!(recorded(&replica, "INSERT").len(), 0);
    assert_eq!(recorded(&primary, "INSERT").len(), 1);
    assert_eq!(recorded(&primary, "SELECT Id").len(), 0);
    assert_eq!(recorded(&legacy, "INSERT").len(), 1);
    assert!(replica
        .recorder()
        .logins()
        .iter()
        .all(|(_, l)| l.read_only_intent));
    assert!(primary
        .recorder()
        .logins()
        .iter()
        .all(|(_, l)| !l.read_only_intent));
}

#[tokio::test]
async fn application_intent_read_only_in_the_connection_string_reaches_the_login() {
    let replica = server().await;
    let url = format!("{};ApplicationIntent=ReadOnly", replica.url());
    let pool = options().connect(&url).await.unwrap();
    assert!(pool.connect_options().is_readonly());
    assert!(replica.recorder().logins()[0].1.read_only_intent);
}

#[tokio::test]
async fn shard_keys_route_to_a_stable_database() {
    let a = server().await;
    let b = server().await;
    let dbs = Databases::builder()
        .add("default", pool_for(&a))
        .add("shard_b", pool_for(&b))
        .router(HashShardRouter::new(["default", "shard_b"]))
        .build()
        .unwrap();
    for key in ["customer-1", "customer-2", "customer-3", "customer-4"] {
        let pool = dbs.for_shard(key).unwrap();
        pool.execute(Query::new(INSERT_SQL, &[&1i32]))
            .await
            .unwrap();
        let again = dbs.for_shard(key).unwrap();
        assert!(std::ptr::eq(pool, again));
    }
    assert_eq!(
        recorded(&a, "INSERT").len() + recorded(&b, "INSERT").len(),
        4
    );
}

#[tokio::test]
async fn unknown_alias_and_missing_default_are_clear_errors() {
    let a = server().await;
    let err = Databases::builder()
        .add("primary", pool_for(&a))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::UnknownDatabase(ref n) if n == "default"));
    let dbs = Databases::builder()
        .add("default", pool_for(&a))
        .build()
        .unwrap();
    let err = dbs.for_model::<Invoice>(Intent::Read).unwrap_err();
    assert!(err.to_string().contains("legacy"));
}
