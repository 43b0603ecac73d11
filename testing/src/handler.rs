//! The [`Handler`] trait: how the server decides what to answer.
//!
//! The server decodes each request, updates the session's transaction
//! state, then hands the request and the session to the handler and sends
//! back the [`Reply`] it returns. [`Script`](crate::Script) is the ready
//! handler; a closure is one too; a later handler may execute T-SQL for real.
//!
//! ```
//! use mssqlx_mock::{Reply, Request, Session};
//!
//! let echo_count = |req: &Request, _s: &mut Session| Reply::count(req.params().len() as u64);
//! # fn takes(_: impl mssqlx_mock::Handler) {}
//! takes(echo_count);
//! ```

use crate::reply::Reply;
use crate::request::Request;
use crate::session::Session;

/// Answers requests. Called on the connection's task; keep it quick (a
/// delay belongs in the reply, see [`Reply::delayed`]).
pub trait Handler: Send + Sync + 'static {
    /// The reply to `request`, given (and possibly changing) the session.
    ///
    /// For a Transaction Manager request the session has already applied it;
    /// [`Reply::done`] is the usual answer. Attention never reaches the handler.
    fn handle(&self, request: &Request, session: &mut Session) -> Reply;
}

impl<F> Handler for F
where
    F: Fn(&Request, &mut Session) -> Reply + Send + Sync + 'static,
{
    fn handle(&self, request: &Request, session: &mut Session) -> Reply {
        self(request, session)
    }
}
