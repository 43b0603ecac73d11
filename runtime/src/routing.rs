//! Several databases: named pools and a router that picks one.
//!
//! [`Databases`] holds pools under aliases (`default`, `replica`, `legacy`,
//! ...). A [`Router`] says which alias serves a read, a write, a given model
//! (generated models name their table and database in [`ModelMeta`]), or a
//! shard key. [`PrimaryReplicaRouter`] sends writes to the primary and spreads
//! reads over read replicas, which are opened with `ApplicationIntent=ReadOnly`
//! ([`PoolOptions::read_only`](crate::PoolOptions::read_only)).
//!
//! Resolution order for a model: the router's answer, else the model's own
//! database, else `default`.
//!
//! ```no_run
//! use mssqlx_runtime::{Databases, Intent, Model, ModelMeta, Pool, PoolOptions, PrimaryReplicaRouter};
//!
//! struct Invoice;
//! impl Model for Invoice {
//!     const META: ModelMeta = ModelMeta { name: "Invoice", schema: "dbo", table: "Invoices", database: Some("legacy") };
//! }
//!
//! # async fn demo() -> Result<(), mssqlx_runtime::Error> {
//! let dbs = Databases::builder()
//!     .add("default", Pool::connect("mssql://app:pw@primary/Shop").await?)
//!     .add("replica", PoolOptions::new().read_only(true).connect("mssql://app:pw@replica/Shop").await?)
//!     .add("legacy", Pool::connect("mssql://app:pw@old/Billing").await?)
//!     .router(PrimaryReplicaRouter::new("default", ["replica"]))
//!     .build()?;
//! let reads = dbs.reader();                               // replica
//! let invoices = dbs.for_model::<Invoice>(Intent::Write)?; // legacy
//! # let _ = (reads, invoices); Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::pool::Pool;

/// What a generated model says about where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelMeta {
    /// The Rust type's name.
    pub name: &'static str,
    /// The table's schema (`dbo`).
    pub schema: &'static str,
    /// The table's name.
    pub table: &'static str,
    /// The database alias the model belongs to, if not `default`.
    pub database: Option<&'static str>,
}

/// Implemented by `derive(Model)` types.
pub trait Model {
    /// Where the model lives.
    const META: ModelMeta;
}

/// Read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// A read.
    Read,
    /// A write.
    Write,
}

/// Picks the database alias for a statement; `None` means "no opinion".
pub trait Router: Send + Sync + 'static {
    /// The database for a read of `model` (or of no particular model).
    fn db_for_read(&self, model: Option<&ModelMeta>) -> Option<&str> {
        let _ = model;
        None
    }
    /// The database for a write of `model` (or of no particular model).
    fn db_for_write(&self, model: Option<&ModelMeta>) -> Option<&str> {
        let _ = model;
        None
    }
    /// The database holding `key`'s shard.
    fn db_for_shard(&self, key: &[u8]) -> Option<&str> {
        let _ = key;
        None
    }
}

/// The router that has no opinion: everything goes to `default` (or the
/// model's own database).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRouter;
impl Router for DefaultRouter {}

/// Writes to the primary, reads round-robin over the replicas (primary if
/// none); models whose database is another alias stay there; models can be
/// pinned to an alias by name.
#[derive(Debug)]
pub struct PrimaryReplicaRouter {
    primary: String,
    replicas: Vec<String>,
    pinned: HashMap<String, String>,
    next: AtomicUsize,
}

impl PrimaryReplicaRouter {
    /// A router with a primary alias and replica aliases.
    pub fn new<I, S>(primary: &str, replicas: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PrimaryReplicaRouter {
            primary: primary.to_string(),
            replicas: replicas.into_iter().map(Into::into).collect(),
            pinned: HashMap::new(),
            next: AtomicUsize::new(0),
        }
    }

    /// Sends every read and write of the model named `model` to `alias`.
    pub fn pin(mut self, model: &str, alias: &str) -> Self {
        self.pinned.insert(model.to_string(), alias.to_string());
        self
    }

    fn model_db<'a>(&'a self, model: Option<&ModelMeta>) -> Option<&'a str> {
        let m = model?;
        if let Some(a) = self.pinned.get(m.name) {
            return Some(a);
        }
        m.database.filter(|d| *d != self.primary)
    }
}

impl Router for PrimaryReplicaRouter {
    fn db_for_read(&self, model: Option<&ModelMeta>) -> Option<&str> {
        if let Some(db) = self.model_db(model) {
            return Some(db);
        }
        if self.replicas.is_empty() {
            return Some(&self.primary);
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.replicas.len();
        Some(&self.replicas[i])
    }

    fn db_for_write(&self, model: Option<&ModelMeta>) -> Option<&str> {
        self.model_db(model).or(Some(&self.primary))
    }
}

/// Spreads shard keys over aliases by a stable hash (FNV-1a).
#[derive(Debug, Clone)]
pub struct HashShardRouter {
    shards: Vec<String>,
}

impl HashShardRouter {
    /// A router over `shards` (aliases), in a fixed order.
    pub fn new<I, S>(shards: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        HashShardRouter {
            shards: shards.into_iter().map(Into::into).collect(),
        }
    }
}

impl Router for HashShardRouter {
    fn db_for_shard(&self, key: &[u8]) -> Option<&str> {
        if self.shards.is_empty() {
            return None;
        }
        let mut h: u64 = 0xcbf29ce484222325;
        for b in key {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        Some(&self.shards[(h % self.shards.len() as u64) as usize])
    }
}

/// Named pools and a router.
#[derive(Clone)]
pub struct Databases {
    pools: Arc<HashMap<String, Pool>>,
    router: Arc<dyn Router>,
}

impl std::fmt::Debug for Databases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<_> = self.pools.keys().collect();
        names.sort();
        f.debug_struct("Databases")
            .field("aliases", &names)
            .finish()
    }
}

/// Builds [`Databases`].
#[derive(Default)]
pub struct DatabasesBuilder {
    pools: HashMap<String, Pool>,
    router: Option<Arc<dyn Router>>,
}

impl DatabasesBuilder {
    /// Registers `pool` under `alias`.
    pub fn add(mut self, alias: &str, pool: Pool) -> Self {
        self.pools.insert(alias.to_string(), pool);
        self
    }
    /// Sets the router (default: [`DefaultRouter`]).
    pub fn router(mut self, router: impl Router) -> Self {
        self.router = Some(Arc::new(router));
        self
    }
    /// Checks that `default` exists.
    pub fn build(self) -> Result<Databases> {
        if !self.pools.contains_key(Databases::DEFAULT) {
            return Err(Error::UnknownDatabase(Databases::DEFAULT.into()));
        }
        Ok(Databases {
            pools: Arc::new(self.pools),
            router: self.router.unwrap_or_else(|| Arc::new(DefaultRouter)),
        })
    }
}

impl Databases {
    /// The alias every registry must have.
    pub const DEFAULT: &'static str = "default";

    /// A builder.
    pub fn builder() -> DatabasesBuilder {
        DatabasesBuilder::default()
    }

    /// The pool registered under `alias`.
    pub fn get(&self, alias: &str) -> Result<&Pool> {
        self.pools
            .get(alias)
            .ok_or_else(|| Error::UnknownDatabase(alias.to_string()))
    }

    /// The `default` pool.
    pub fn default_pool(&self) -> &Pool {
        &self.pools[Self::DEFAULT]
    }

    fn resolve(&self, routed: Option<&str>, model: Option<&ModelMeta>) -> Result<&Pool> {
        let alias = routed
            .or(model.and_then(|m| m.database))
            .unwrap_or(Self::DEFAULT);
        self.get(alias)
    }

    /// The pool for reads of no particular model.
    pub fn reader(&self) -> &Pool {
        self.resolve(self.router.db_for_read(None), None)
            .unwrap_or_else(|_| self.default_pool())
    }

    /// The pool for writes of no particular model.
    pub fn writer(&self) -> &Pool {
        self.resolve(self.router.db_for_write(None), None)
            .unwrap_or_else(|_| self.default_pool())
    }

    /// The pool for `intent` on the model described by `meta`.
    pub fn for_meta(&self, meta: &ModelMeta, intent: Intent) -> Result<&Pool> {
        let routed = match intent {
            Intent::Read => self.router.db_for_read(Some(meta)),
            Intent::Write => self.router.db_for_write(Some(meta)),
        };
        self.resolve(routed, Some(meta))
    }

    /// The pool for `intent` on model `M`.
    pub fn for_model<M: Model>(&self, intent: Intent) -> Result<&Pool> {
        self.for_meta(&M::META, intent)
    }

    /// The pool holding the shard of `key`.
    pub fn for_shard(&self, key: impl AsRef<[u8]>) -> Result<&Pool> {
        self.resolve(self.router.db_for_shard(key.as_ref()), None)
    }

    /// The registered aliases.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.pools.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: ModelMeta = ModelMeta {
        name: "User",
        schema: "dbo",
        table: "Users",
        database: None,
    };
    const INVOICE: ModelMeta = ModelMeta {
        name: "Invoice",
        schema: "dbo",
        table: "Invoices",
        database: Some("legacy"),
    };

    #[test]
    fn primary_replica_router_sends_writes_to_primary_and_spreads_reads() {
        let r = PrimaryReplicaRouter::new("default", ["r1", "r2"]);
        assert_eq!(r.db_for_write(None), Some("default"));
        let reads: Vec<_> = (0..4)
            .map(|_| r.db_for_read(Some(&USER)).unwrap().to_string())
            .collect();
        assert_eq!(reads, ["r1", "r2", "r1", "r2"]);
    }

    #[test]
    fn models_of_another_database_stay_there() {
        let r = PrimaryReplicaRouter::new("default", ["r1"]);
        assert_eq!(r.db_for_read(Some(&INVOICE)), Some("legacy"));
        assert_eq!(r.db_for_write(Some(&INVOICE)), Some("legacy"));
    }

    #[test]
    fn models_can_be_pinned_by_name() {
        let r = PrimaryReplicaRouter::new("default", ["r1"]).pin("User", "archive");
        assert_eq!(r.db_for_read(Some(&USER)), Some("archive"));
        assert_eq!(r.db_for_write(Some(&USER)), Some("archive"));
    }

    #[test]
    fn without_replicas_reads_go_to_the_primary() {
        let r = PrimaryReplicaRouter::new("default", Vec::<String>::new());
        assert_eq!(r.db_for_read(None), Some("default"));
    }

    #[test]
    fn shard_router_is_stable_and_uses_every_shard() {
        let r = HashShardRouter::new(["s0", "s1", "s2"]);
        assert_eq!(
            r.db_for_shard(b"customer-42"),
            r.db_for_shard(b"customer-42")
        );
        let used: std::collections::HashSet<_> = (0..100)
            .map(|i| {
                r.db_for_shard(format!("k{i}").as_bytes())
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(used.len(), 3);
    }
}
