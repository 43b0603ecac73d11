//! The scripted handler: rules that match a request and say what to reply.
//!
//! Rules are tried in the order they were added; the first that matches
//! answers. A rule matches the SQL text (a batch's text or an
//! `sp_executesql` statement) exactly, by prefix or by regex, or is a closure
//! that sees the whole request and the session; [`Script::on_nth_statement`]
//! matches the `k`-th statement the script sees. When nothing matches, the
//! script answers session queries (`SELECT @@TRANCOUNT`, ...), lets
//! transaction and `SET` statements succeed, and otherwise returns the
//! [`Script::otherwise`] reply — by default error 50000 naming the SQL, so
//! a test sees at once which statement it forgot to script.
//!
//! ```
//! use mssqlx_mock::{row, Column, Fault, Reply, ResultSet, Script, ServerMessage, SqlType};
//!
//! let script = Script::new()
//!     .on_exact("SELECT 1", Reply::rows(ResultSet::new([Column::not_null("", SqlType::Int)]).row(row![1])))
//!     .on_prefix("UPDATE accounts", Reply::count(1))
//!     .on_regex(r"(?i)^DELETE\b", Reply::error(ServerMessage::new(547, "conflicted with a FOREIGN KEY")))
//!     .on_fn(|req, _session| {
//!         (req.params().len() == 2).then(|| Reply::count(2))
//!     })
//!     .on_exact("SELECT * FROM big", Reply::fault(Fault::DropAfterRows(10)));
//! ```

use crate::handler::Handler;
use crate::reply::{Reply, ServerMessage};
use crate::request::Request;
use crate::session::Session;
use regex::Regex;
use std::sync::atomic::{AtomicU64, Ordering};

type RuleFn = Box<dyn Fn(&Request, &mut Session) -> Option<Reply> + Send + Sync>;

enum Rule {
    Exact(String, Reply),
    Prefix(String, Reply),
    Regex(Regex, Reply),
    Nth(u64, Reply),
    Fn(RuleFn),
}

/// A handler made of rules. See the [module docs](self).
pub struct Script {
    rules: Vec<Rule>,
    otherwise: Option<Reply>,
    statements: AtomicU64,
}

impl Default for Script {
    fn default() -> Self {
        Script::new()
    }
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl Script {
    /// A script with no rules.
    pub fn new() -> Self {
        Script {
            rules: Vec::new(),
            otherwise: None,
            statements: AtomicU64::new(0),
        }
    }

    /// Replies to SQL equal to `sql` (surrounding whitespace ignored).
    pub fn on_exact(mut self, sql: impl Into<String>, reply: Reply) -> Self {
        self.rules
            .push(Rule::Exact(sql.into().trim().to_string(), reply));
        self
    }

    /// Replies to SQL starting with `prefix` (leading whitespace ignored).
    pub fn on_prefix(mut self, prefix: impl Into<String>, reply: Reply) -> Self {
        self.rules.push(Rule::Prefix(prefix.into(), reply));
        self
    }

    /// Replies to SQL the regex matches.
    ///
    /// # Panics
    /// If `pattern` is not a valid regex (a mistake in the test).
    pub fn on_regex(mut self, pattern: &str, reply: Reply) -> Self {
        let re = Regex::new(pattern).unwrap_or_else(|e| panic!("on_regex({pattern:?}): {e}"));
        self.rules.push(Rule::Regex(re, reply));
        self
    }

    /// Replies to the `k`-th statement (SQL batch or RPC) this script sees, counting from 1.
    pub fn on_nth_statement(mut self, k: u64, reply: Reply) -> Self {
        self.rules.push(Rule::Nth(k, reply));
        self
    }

    /// A closure rule: it sees every request (Transaction Manager requests
    /// included) and the session, and answers `Some(reply)` or passes with `None`.
    pub fn on_fn<F>(mut self, f: F) -> Self
    where
        F: Fn(&Request, &mut Session) -> Option<Reply> + Send + Sync + 'static,
    {
        self.rules.push(Rule::Fn(Box::new(f)));
        self
    }

    /// The reply when no rule matches (default: error 50000 naming the SQL).
    pub fn otherwise(mut self, reply: Reply) -> Self {
        self.otherwise = Some(reply);
        self
    }

    fn fallback(&self, request: &Request, session: &Session) -> Reply {
        let Some(sql) = request.sql() else {
            return Reply::done();
        };
        if let Some(reply) = session.builtin_reply(sql) {
            return reply;
        }
        if is_session_statement(sql) {
            return Reply::done();
        }
        match &self.otherwise {
            Some(reply) => reply.clone(),
            None => Reply::error(ServerMessage::new(
                50000,
                format!(
                    "mssqlx-mock: no rule matches this statement: {}",
                    sql.trim()
                ),
            )),
        }
    }
}

/// Statements every script accepts without a rule: transaction control,
/// `SET` options, `USE`, and transaction guards.
fn is_session_statement(sql: &str) -> bool {
    let sql = sql.trim_start().to_ascii_uppercase();
    [
        "BEGIN TRAN",
        "BEGIN DISTRIBUTED",
        "COMMIT",
        "ROLLBACK",
        "SAVE TRAN",
        "SET ",
        "USE ",
        "IF @@TRANCOUNT",
        "IF XACT_STATE",
    ]
    .iter()
    .any(|p| sql.starts_with(p))
        || sql.is_empty()
}

impl Handler for Script {
    fn handle(&self, request: &Request, session: &mut Session) -> Reply {
        let nth = if request.is_statement() {
            self.statements.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            0
        };
        let sql = request.sql().map(str::trim);
        for rule in &self.rules {
            let hit = match (rule, sql) {
                (Rule::Exact(s, r), Some(sql)) if sql == s => Some(r.clone()),
                (Rule::Prefix(p, r), Some(sql)) if sql.starts_with(p.as_str()) => Some(r.clone()),
                (Rule::Regex(re, r), Some(sql)) if re.is_match(sql) => Some(r.clone()),
                (Rule::Nth(k, r), _) if *k == nth => Some(r.clone()),
                (Rule::Fn(f), _) => f(request, session),
                _ => None,
            };
            if let Some(reply) = hit {
                return reply;
            }
        }
        self.fallback(request, session)
    }
}
