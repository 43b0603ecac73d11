//! The recorder: every request the server received, in order, per connection.
//!
//! Each entry carries the connection id, so a test can check what one pooled
//! connection was sent (`recorder().connection(2)`) or the global order
//! (`recorder().requests()`). RPC parameters are recorded decoded, with
//! their wire types.
//!
//! ```no_run
//! # async fn demo(server: mssqlx_mock::MockServer) {
//! let sql: Vec<String> = server.recorder().sql();
//! assert_eq!(sql.last().map(String::as_str), Some("COMMIT"));
//! # }
//! ```

use crate::protocol::login::LoginRequest;
use crate::request::Request;
use std::sync::Mutex;
use std::time::Instant;

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The connection it arrived on (see [`Session::id`](crate::Session::id)).
    pub connection: u64,
    /// Its position among all requests the server received, from 0.
    pub seq: u64,
    /// The request.
    pub request: Request,
    /// Whether the client asked for a session reset with it.
    pub reset_connection: bool,
    /// The transaction descriptor the client sent in ALL_HEADERS.
    pub transaction_descriptor: u64,
    /// When it arrived.
    pub at: Instant,
}

/// Records requests and logins. Shared by all connections of a server.
#[derive(Debug, Default)]
pub struct Recorder {
    requests: Mutex<Vec<Recorded>>,
    logins: Mutex<Vec<(u64, LoginRequest)>>,
}

impl Recorder {
    pub(crate) fn record(
        &self,
        connection: u64,
        request: Request,
        reset_connection: bool,
        transaction_descriptor: u64,
    ) {
        let mut all = crate::lock(&self.requests);
        let seq = all.len() as u64;
        all.push(Recorded {
            connection,
            seq,
            request,
            reset_connection,
            transaction_descriptor,
            at: Instant::now(),
        });
    }

    pub(crate) fn record_login(&self, connection: u64, login: LoginRequest) {
        crate::lock(&self.logins).push((connection, login));
    }

    /// Every request, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        crate::lock(&self.requests).clone()
    }

    /// The requests of one connection, in order.
    pub fn connection(&self, id: u64) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.connection == id)
            .map(|r| r.request)
            .collect()
    }

    /// The SQL text of every batch and `sp_executesql` call, in order.
    pub fn sql(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter_map(|r| r.request.sql().map(str::to_string))
            .collect()
    }

    /// Every LOGIN7 received (passwords included), with its connection id.
    pub fn logins(&self) -> Vec<(u64, LoginRequest)> {
        crate::lock(&self.logins).clone()
    }

    /// Forgets everything recorded so far.
    pub fn clear(&self) {
        crate::lock(&self.requests).clear();
        crate::lock(&self.logins).clear();
    }
}
