//! Per-connection session state: database, transaction depth, isolation
//! level, savepoints.
//!
//! The server keeps it from Transaction Manager requests and from the
//! transaction statements it recognises in SQL text — `BEGIN TRAN[SACTION]
//! [name]`, `COMMIT [TRAN]`, `ROLLBACK [TRAN] [name]`, `SAVE TRAN name`,
//! `SET TRANSACTION ISOLATION LEVEL ...`, and `IF @@TRANCOUNT > 0 ...` /
//! `IF XACT_STATE() <> 0 ...` guards — before the handler sees the request,
//! with SQL Server's errors (3902, 3903, 628, 6401) for impossible ones.
//! A test can then assert the state a pooled connection is handed out in:
//!
//! ```no_run
//! # async fn demo(server: mssqlx_mock::MockServer) {
//! for s in server.sessions() {
//!     assert_eq!(s.tran_count(), 0, "connection {} left a transaction open", s.id());
//! }
//! # }
//! ```
//!
//! [`Session::builtin_reply`] answers `SELECT @@TRANCOUNT`, `SELECT
//! XACT_STATE()`, `SELECT @@SPID` and `SELECT DB_NAME()` from this state.

use crate::reply::{Reply, ResultSet, ServerMessage};
use crate::request::{IsolationLevel, TransactionRequest};
use crate::types::{Column, SqlType, Value};
use regex::Regex;
use std::sync::OnceLock;

/// The state of one connection's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    id: u64,
    spid: u16,
    user: String,
    app_name: String,
    database: String,
    packet_size: u32,
    tls: bool,
    tran_count: u32,
    transaction_name: String,
    isolation: IsolationLevel,
    savepoints: Vec<String>,
    doomed: bool,
    descriptor: u64,
    next_descriptor: u64,
    statements: u64,
    resets: u64,
    open: bool,
}

/// A session change to announce with an ENVCHANGE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TxEvent {
    Begin(u64),
    Commit(u64),
    Rollback(u64),
    Database { old: String, new: String },
}

impl Session {
    pub(crate) fn new(
        id: u64,
        user: String,
        app_name: String,
        database: String,
        packet_size: u32,
        tls: bool,
    ) -> Self {
        Session {
            id,
            spid: (50 + id % 30_000) as u16,
            user,
            app_name,
            database,
            packet_size,
            tls,
            tran_count: 0,
            transaction_name: String::new(),
            isolation: IsolationLevel::ReadCommitted,
            savepoints: Vec::new(),
            doomed: false,
            descriptor: 0,
            next_descriptor: id << 32,
            statements: 0,
            resets: 0,
            open: true,
        }
    }

    /// The connection id (1 for the server's first connection, then 2, ...).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The server process id reported to the client (`@@SPID`).
    pub fn spid(&self) -> u16 {
        self.spid
    }

    /// The login name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The client's application name.
    pub fn app_name(&self) -> &str {
        &self.app_name
    }

    /// The current database.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The negotiated packet size.
    pub fn packet_size(&self) -> u32 {
        self.packet_size
    }

    /// Whether the connection is TLS-encrypted.
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// `@@TRANCOUNT`: the transaction nesting depth.
    pub fn tran_count(&self) -> u32 {
        self.tran_count
    }

    /// `true` when a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.tran_count > 0
    }

    /// The isolation level in force.
    pub fn isolation_level(&self) -> IsolationLevel {
        self.isolation
    }

    /// Savepoints of the open transaction, oldest first.
    pub fn savepoints(&self) -> &[String] {
        &self.savepoints
    }

    /// `XACT_STATE()`: 0 without a transaction, 1 in a committable one, -1 in
    /// a doomed one (see [`Session::doom`]).
    pub fn xact_state(&self) -> i16 {
        match (self.tran_count, self.doomed) {
            (0, _) => 0,
            (_, true) => -1,
            (_, false) => 1,
        }
    }

    /// Marks the open transaction uncommittable (`XACT_STATE() = -1`), as an
    /// error under `XACT_ABORT` would. A handler calls this to simulate it.
    pub fn doom(&mut self) {
        if self.tran_count > 0 {
            self.doomed = true;
        }
    }

    /// Statements (SQL batches and RPCs) received on this connection.
    pub fn statements(&self) -> u64 {
        self.statements
    }

    /// How many times the client reset the session (the RESETCONNECTION bit).
    pub fn resets(&self) -> u64 {
        self.resets
    }

    /// `false` once the connection has closed.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The transaction descriptor the client must send (0 outside a transaction).
    pub fn transaction_descriptor(&self) -> u64 {
        self.descriptor
    }

    pub(crate) fn count_statement(&mut self) {
        self.statements += 1;
    }

    pub(crate) fn close(&mut self) {
        self.open = false;
    }

    /// The session reset a pooled client asks for: open transaction rolled
    /// back, isolation back to READ COMMITTED (unless `keep_transaction`).
    pub(crate) fn reset(&mut self, keep_transaction: bool) -> Vec<TxEvent> {
        self.resets += 1;
        if keep_transaction {
            return Vec::new();
        }
        self.isolation = IsolationLevel::ReadCommitted;
        if self.tran_count > 0 {
            self.rollback_all()
        } else {
            Vec::new()
        }
    }

    fn begin(&mut self, name: &str) -> Vec<TxEvent> {
        self.tran_count += 1;
        if self.tran_count == 1 {
            self.next_descriptor += 1;
            self.descriptor = self.next_descriptor;
            self.transaction_name = name.to_string();
            self.savepoints.clear();
            self.doomed = false;
            vec![TxEvent::Begin(self.descriptor)]
        } else {
            Vec::new()
        }
    }

    fn commit(&mut self) -> Result<Vec<TxEvent>, ServerMessage> {
        match self.tran_count {
            0 => Err(ServerMessage::new(
                3902,
                "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.",
            )),
            _ if self.doomed => Err(ServerMessage::new(
                3930,
                "The current transaction cannot be committed and cannot support operations that \
                 write to the log file. Roll back the transaction.",
            )),
            1 => {
                let old = self.descriptor;
                self.end_transaction();
                Ok(vec![TxEvent::Commit(old)])
            }
            _ => {
                self.tran_count -= 1;
                Ok(Vec::new())
            }
        }
    }

    fn rollback(&mut self, name: &str) -> Result<Vec<TxEvent>, ServerMessage> {
        if self.tran_count == 0 {
            return Err(ServerMessage::new(
                3903,
                "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.",
            ));
        }
        if name.is_empty() || name.eq_ignore_ascii_case(&self.transaction_name) {
            return Ok(self.rollback_all());
        }
        match self
            .savepoints
            .iter()
            .rposition(|s| s.eq_ignore_ascii_case(name))
        {
            Some(i) => {
                self.savepoints.truncate(i + 1);
                Ok(Vec::new())
            }
            None => Err(ServerMessage::new(
                6401,
                format!(
                    "Cannot roll back {name}. No transaction or savepoint of that name was found."
                ),
            )),
        }
    }

    fn rollback_all(&mut self) -> Vec<TxEvent> {
        let old = self.descriptor;
        self.end_transaction();
        vec![TxEvent::Rollback(old)]
    }

    fn end_transaction(&mut self) {
        self.tran_count = 0;
        self.descriptor = 0;
        self.transaction_name.clear();
        self.savepoints.clear();
        self.doomed = false;
    }

    fn save(&mut self, name: &str) -> Result<Vec<TxEvent>, ServerMessage> {
        if self.tran_count == 0 {
            return Err(ServerMessage::new(
                628,
                "Cannot issue SAVE TRANSACTION when there is no active transaction.",
            ));
        }
        self.savepoints.push(name.to_string());
        Ok(Vec::new())
    }

    /// Applies a Transaction Manager request.
    pub(crate) fn apply_transaction_request(
        &mut self,
        req: &TransactionRequest,
    ) -> Result<Vec<TxEvent>, ServerMessage> {
        match req {
            TransactionRequest::Begin { isolation, name } => {
                if let Some(level) = isolation {
                    self.isolation = *level;
                }
                Ok(self.begin(name))
            }
            TransactionRequest::Commit { .. } => self.commit(),
            TransactionRequest::Rollback { name } => self.rollback(name),
            TransactionRequest::Save { name } => self.save(name),
            TransactionRequest::Other(_) => Ok(Vec::new()),
        }
    }

    /// Applies the transaction statements found in SQL text, in order. The
    /// first impossible one stops the batch with SQL Server's error.
    pub(crate) fn apply_sql(&mut self, sql: &str) -> Result<Vec<TxEvent>, ServerMessage> {
        let mut events = Vec::new();
        for statement in statements(sql) {
            events.extend(self.apply_statement(&statement)?);
        }
        Ok(events)
    }

    fn apply_statement(&mut self, stmt: &str) -> Result<Vec<TxEvent>, ServerMessage> {
        let p = patterns();
        // Unwrap `IF @@TRANCOUNT > 0 ...` / `IF XACT_STATE() <> 0 ...` guards
        // iteratively (nested guards must not grow the stack).
        let mut stmt = stmt;
        loop {
            if let Some(m) = p.if_trancount.find(stmt) {
                if self.tran_count == 0 {
                    return Ok(Vec::new());
                }
                stmt = &stmt[m.end()..];
            } else if let Some(m) = p.if_xact_state.find(stmt) {
                if self.xact_state() == 0 {
                    return Ok(Vec::new());
                }
                stmt = &stmt[m.end()..];
            } else {
                break;
            }
        }
        if let Some(c) = p.begin.captures(stmt) {
            return Ok(self.begin(name_of(c.get(1))));
        }
        if p.commit.is_match(stmt) {
            return self.commit();
        }
        if let Some(c) = p.rollback.captures(stmt) {
            return self.rollback(name_of(c.get(1)));
        }
        if let Some(c) = p.save.captures(stmt) {
            return self.save(&c[1]);
        }
        if let Some(c) = p.isolation.captures(stmt) {
            if let Some(level) = IsolationLevel::parse(&c[1]) {
                self.isolation = level;
            }
        }
        if let Some(c) = p.use_db.captures(stmt) {
            let new = c[1].trim_matches(|ch| ch == '[' || ch == ']').to_string();
            let old = std::mem::replace(&mut self.database, new.clone());
            return Ok(vec![TxEvent::Database { old, new }]);
        }
        Ok(Vec::new())
    }

    /// Answers the session queries SQL Server answers from session state:
    /// `SELECT` of any of `@@TRANCOUNT`, `XACT_STATE()`, `@@SPID`, `DB_NAME()`
    /// and integer literals such as a pool's `SELECT 1` health check
    /// (each optionally aliased), and `SELECT transaction_isolation_level FROM
    /// sys.dm_exec_sessions WHERE session_id = @@SPID`.
    pub fn builtin_reply(&self, sql: &str) -> Option<Reply> {
        let p = patterns();
        let sql = sql.trim().trim_end_matches(';').trim();
        if p.isolation_query.is_match(sql) {
            let level = match self.isolation {
                IsolationLevel::ReadUncommitted => 1,
                IsolationLevel::ReadCommitted => 2,
                IsolationLevel::RepeatableRead => 3,
                IsolationLevel::Serializable => 4,
                IsolationLevel::Snapshot => 5,
            };
            let col = Column::not_null("transaction_isolation_level", SqlType::SmallInt);
            return Some(Reply::rows(
                ResultSet::new([col]).row(vec![Value::I16(level)]),
            ));
        }
        let list = p.select.captures(sql)?.get(1)?.as_str();
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for item in list.split(',') {
            let c = p.select_item.captures(item.trim())?;
            let alias = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
            let (ty, value) = match c[1].to_ascii_uppercase().replace(' ', "").as_str() {
                "@@TRANCOUNT" => (SqlType::Int, Value::I32(self.tran_count as i32)),
                "XACT_STATE()" => (SqlType::SmallInt, Value::I16(self.xact_state())),
                "@@SPID" => (SqlType::SmallInt, Value::I16(self.spid as i16)),
                "DB_NAME()" => (SqlType::nvarchar(128), Value::String(self.database.clone())),
                n => (SqlType::Int, Value::I32(n.parse().ok()?)),
            };
            columns.push(Column::not_null(alias, ty));
            values.push(value);
        }
        Some(Reply::rows(ResultSet::new(columns).row(values)))
    }
}

fn name_of(m: Option<regex::Match<'_>>) -> &str {
    let name = m.map(|m| m.as_str()).unwrap_or("");
    const KEYWORDS: [&str; 12] = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "SET", "SAVE", "COMMIT", "ROLLBACK", "IF", "EXEC",
        "WITH", "BEGIN",
    ];
    if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        ""
    } else {
        name
    }
}

struct Patterns {
    if_trancount: Regex,
    if_xact_state: Regex,
    begin: Regex,
    commit: Regex,
    rollback: Regex,
    save: Regex,
    isolation: Regex,
    use_db: Regex,
    select: Regex,
    select_item: Regex,
    isolation_query: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).unwrap_or_else(|e| panic!("built-in pattern {s}: {e}"));
        const NAME: &str = r"([A-Za-z_#@][\w#@$]*)";
        Patterns {
            if_trancount: re(r"(?i)^IF\s+@@TRANCOUNT\s*>\s*0\s+"),
            if_xact_state: re(r"(?i)^IF\s+XACT_STATE\s*\(\s*\)\s*(?:<>|!=)\s*0\s+"),
            begin: re(&format!(r"(?i)^BEGIN\s+(?:DISTRIBUTED\s+)?TRAN(?:SACTION)?\b(?:\s+{NAME})?")),
            commit: re(r"(?i)^COMMIT(?:\s+(?:TRAN|TRANSACTION|WORK))?\b"),
            rollback: re(&format!(
                r"(?i)^ROLLBACK(?:\s+(?:TRAN|TRANSACTION|WORK))?\b(?:\s+{NAME})?"
            )),
            save: re(&format!(r"(?i)^SAVE\s+TRAN(?:SACTION)?\s+{NAME}")),
            isolation: re(
                r"(?i)^SET\s+TRANSACTION\s+ISOLATION\s+LEVEL\s+(READ\s+UNCOMMITTED|READ\s+COMMITTED|REPEATABLE\s+READ|SNAPSHOT|SERIALIZABLE)\b",
            ),
            use_db: re(r"(?i)^USE\s+(\[[^\]]+\]|\w+)"),
            select: re(r"(?is)^SELECT\s+(.+)$"),
            select_item: re(
                r"(?i)^(@@TRANCOUNT|XACT_STATE\s*\(\s*\)|@@SPID|DB_NAME\s*\(\s*\)|-?\d{1,9})(?:\s+(?:AS\s+)?\[?([\w!?: ]+?)\]?)?$",
            ),
            isolation_query: re(
                r"(?is)^SELECT\s+transaction_isolation_level\s+FROM\s+sys\.dm_exec_sessions\s+WHERE\s+session_id\s*=\s*@@SPID$",
            ),
        }
    })
}

/// Splits SQL text into statement fragments: comments removed, split at
/// semicolons and line breaks outside string literals.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = sql.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            cur.push(c);
            if c == '\'' {
                in_string = false;
            }
            continue;
        }
        match c {
            '\'' => {
                in_string = true;
                cur.push(c);
            }
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                out.push(std::mem::take(&mut cur));
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                cur.push(' ');
            }
            ';' | '\n' | '\r' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(1, "sa".into(), "test".into(), "master".into(), 4096, false)
    }

    #[test]
    fn nested_begin_tran_counts_up_and_commit_counts_down() {
        let mut s = session();
        s.apply_sql("BEGIN TRAN; BEGIN TRANSACTION").unwrap();
        assert_eq!(s.tran_count(), 2);
        s.apply_sql("COMMIT").unwrap();
        assert_eq!(s.tran_count(), 1);
        s.apply_sql("COMMIT TRAN").unwrap();
        assert_eq!(s.tran_count(), 0);
    }

    #[test]
    fn rollback_to_a_savepoint_keeps_the_transaction_and_drops_later_savepoints() {
        let mut s = session();
        s.apply_sql("BEGIN TRAN\nSAVE TRAN a\nSAVE TRANSACTION b\nSAVE TRAN c")
            .unwrap();
        s.apply_sql("ROLLBACK TRAN b").unwrap();
        assert_eq!(s.tran_count(), 1);
        assert_eq!(s.savepoints(), ["a", "b"]);
        s.apply_sql("ROLLBACK").unwrap();
        assert_eq!(s.tran_count(), 0);
        assert!(s.savepoints().is_empty());
    }

    #[test]
    fn commit_without_a_transaction_is_error_3902() {
        assert_eq!(session().apply_sql("COMMIT").unwrap_err().number, 3902);
    }

    #[test]
    fn rollback_to_an_unknown_savepoint_is_error_6401() {
        let mut s = session();
        s.apply_sql("BEGIN TRAN").unwrap();
        assert_eq!(s.apply_sql("ROLLBACK TRAN nope").unwrap_err().number, 6401);
    }

    #[test]
    fn guarded_rollback_applies_only_inside_a_transaction() {
        let mut s = session();
        s.apply_sql("IF @@TRANCOUNT > 0 ROLLBACK TRAN").unwrap();
        s.apply_sql("BEGIN TRAN").unwrap();
        s.apply_sql("IF XACT_STATE() <> 0 ROLLBACK").unwrap();
        assert_eq!(s.tran_count(), 0);
    }

    #[test]
    fn deeply_nested_guards_do_not_overflow_the_stack() {
        let mut s = session();
        s.apply_sql("BEGIN TRAN").unwrap();
        let sql = "IF @@TRANCOUNT > 0 ".repeat(100_000) + "COMMIT";
        s.apply_sql(&sql).unwrap();
        assert_eq!(s.tran_count(), 0);
    }

    #[test]
    fn set_transaction_isolation_level_text_sets_the_level() {
        let mut s = session();
        s.apply_sql("SET TRANSACTION ISOLATION LEVEL repeatable   read;")
            .unwrap();
        assert_eq!(s.isolation_level(), IsolationLevel::RepeatableRead);
    }

    #[test]
    fn transaction_words_inside_strings_and_comments_are_ignored() {
        let mut s = session();
        s.apply_sql("SELECT 'x;\nBEGIN TRAN' -- ;BEGIN TRAN\n/* BEGIN TRAN */")
            .unwrap();
        assert_eq!(s.tran_count(), 0);
    }

    #[test]
    fn select_trancount_and_xact_state_are_answered_from_the_session() {
        let mut s = session();
        s.apply_sql("BEGIN TRAN").unwrap();
        s.doom();
        let reply = s
            .builtin_reply("SELECT @@TRANCOUNT AS depth, XACT_STATE()")
            .unwrap();
        match &reply.outputs()[0] {
            crate::Output::Rows(rs) => {
                assert_eq!(rs.columns()[0].name, "depth");
                assert_eq!(rs.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.xact_state(), -1);
        assert!(
            s.builtin_reply("SELECT 1").is_some(),
            "a pool's health check"
        );
        assert!(s.builtin_reply("SELECT name FROM users").is_none());
    }
}
