//! # mssqlx-mock
//!
//! An in-process SQL Server for tests: it speaks TDS 7.4 (as tiberius 0.13
//! does) over loopback, answers from a script, records every request, keeps
//! each connection's session state, and injects faults on demand.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use mssqlx_mock::{row, Column, MockServer, Reply, ResultSet, Script, SqlType};
//!
//! let script = Script::new().on_exact(
//!     "SELECT id, name FROM users",
//!     Reply::rows(
//!         ResultSet::new([
//!             Column::not_null("id", SqlType::Int),
//!             Column::new("name", SqlType::nvarchar(100)),
//!         ])
//!         .row(row![1, "Ada"]),
//!     ),
//! );
//! let server = MockServer::builder().login("sa", "pw").handler(script).start().await?;
//! // connect tiberius with tiberius::Config::from_ado_string(&server.url())
//! assert_eq!(server.counters().connections_opened, 0);
//! # Ok(()) }
//! ```
//!
//! The pieces, each in its own module:
//!
//! - [`protocol`]: the wire (packets, PRELOGIN, LOGIN7, tokens, RPC, Transaction
//!   Manager). It knows nothing of scripts.
//! - [`types`]: [`SqlType`], [`Value`], and their encoding and decoding.
//! - [`Request`] in, [`Reply`] out, through a [`Handler`]; [`Script`] is the
//!   rule-based handler.
//! - [`Session`]: per-connection transaction depth, isolation level, savepoints.
//! - [`Recorder`]: every request in order, per connection.
//! - [`Fault`] (per reply) and [`Faults`] (server-wide).
//! - [`MockServer`]: start, URL, counters, sessions, restart; stops on drop.

#![deny(missing_docs)]

mod connection;
pub mod fault;
pub mod handler;
pub mod protocol;
pub mod recorder;
pub mod reply;
pub mod request;
pub mod script;
pub mod server;
pub mod session;
mod tls;
pub mod types;

pub use fault::{Fault, Faults};
pub use handler::Handler;
pub use protocol::login::LoginRequest;
pub use recorder::{Recorded, Recorder};
pub use reply::{Output, Reply, ResultSet, ReturnValue, ServerMessage};
pub use request::{
    IsolationLevel, Procedure, Request, RpcCall, RpcParam, SqlBatch, TransactionRequest,
};
pub use script::Script;
pub use server::{Counters, MockServer, MockServerBuilder, DEFAULT_PASSWORD, DEFAULT_USER};
pub use session::Session;
pub use types::{Column, Length, SqlType, Value};

/// Locks `m`, going on with the data when a panicking thread poisoned it: a test's
/// panic must not turn every later call on the mock into a second one.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
