//! What the server answers: result sets, row counts, errors and messages.
//!
//! A [`Reply`] is a list of [`Output`]s, in the order SQL Server would
//! produce them for the statements of one request, plus an optional
//! [`Fault`]. Rows are encoded once, when they are added to a [`ResultSet`],
//! so serving a large result is a copy, not a conversion.
//!
//! ```
//! use mssqlx_mock::{row, Column, Reply, ResultSet, ServerMessage, SqlType};
//!
//! let users = ResultSet::new([
//!     Column::not_null("id", SqlType::Int),
//!     Column::new("name", SqlType::nvarchar(50)),
//! ])
//! .row(row![1, "Ada"])
//! .row(row![2, None::<&str>]);
//! let reply = Reply::rows(users).and_count(1);
//! assert_eq!(reply.outputs().len(), 2);
//!
//! let failed = Reply::error(ServerMessage::new(2627, "Violation of PRIMARY KEY constraint"));
//! assert!(failed.is_error());
//! ```

use crate::fault::Fault;
use crate::protocol::token::{self, DONE_COUNT, DONE_ERROR, DONE_MORE};
use crate::types::encode::{self, EncodeError};
use crate::types::{Column, Value};
use bytes::{BufMut, BytesMut};
use std::sync::Arc;
use std::time::Duration;

/// Builds a row for [`ResultSet::row`]: `row![1, "a", None::<i32>]`.
#[macro_export]
macro_rules! row {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::Value::from($value)),*]
    };
}

/// An ERROR or INFO message, as SQL Server sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMessage {
    /// Message number (`2627`, `1205`, `18456`, ...).
    pub number: u32,
    /// State.
    pub state: u8,
    /// Class (severity): 0-10 informational, 11-16 user errors, 17+ severe.
    pub class: u8,
    /// The text.
    pub message: String,
    /// The procedure that raised it (may be empty).
    pub procedure: String,
    /// Line number.
    pub line: u32,
}

impl ServerMessage {
    /// An error of class 16, state 1.
    pub fn new(number: u32, message: impl Into<String>) -> Self {
        ServerMessage {
            number,
            state: 1,
            class: 16,
            message: message.into(),
            procedure: String::new(),
            line: 1,
        }
    }

    /// Sets the class (severity).
    pub fn class(mut self, class: u8) -> Self {
        self.class = class;
        self
    }

    /// Sets the state.
    pub fn state(mut self, state: u8) -> Self {
        self.state = state;
        self
    }

    /// Sets the procedure name.
    pub fn procedure(mut self, procedure: impl Into<String>) -> Self {
        self.procedure = procedure.into();
        self
    }

    /// Error 18456: `Login failed for user '<user>'.` (class 14, state 1).
    pub fn login_failed(user: &str) -> Self {
        ServerMessage::new(18456, format!("Login failed for user '{user}'.")).class(14)
    }

    /// Error 1205: the session was chosen as a deadlock victim (class 13, state 51).
    pub fn deadlock_victim() -> Self {
        ServerMessage::new(
            1205,
            "Transaction (Process ID 52) was deadlocked on lock resources with another process \
             and has been chosen as the deadlock victim. Rerun the transaction.",
        )
        .class(13)
        .state(51)
    }
}

/// A result set: columns and rows, the rows encoded as they are added.
#[derive(Debug, Clone)]
pub struct ResultSet {
    columns: Vec<Column>,
    meta: BytesMut,
    rows: BytesMut,
    row_ends: Vec<usize>,
}

impl ResultSet {
    /// A result set with these columns and no rows.
    ///
    /// # Panics
    /// If a column is malformed (`decimal(0,0)`, `nvarchar(5000)`, ...): a
    /// mistake in the test, reported where it is made.
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Self {
        Self::try_new(columns).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`ResultSet::new`], returning the error instead of panicking.
    pub fn try_new(columns: impl IntoIterator<Item = Column>) -> Result<Self, EncodeError> {
        let columns: Vec<Column> = columns.into_iter().collect();
        for c in &columns {
            encode::check_column(c)?;
        }
        let mut meta = BytesMut::new();
        token::put_colmetadata(&mut meta, &columns);
        Ok(ResultSet {
            columns,
            meta,
            rows: BytesMut::new(),
            row_ends: Vec::new(),
        })
    }

    /// Adds a row (see [`row!`](crate::row)).
    ///
    /// # Panics
    /// If the row has the wrong number of values or a value does not fit its
    /// column (a NULL in a `NOT NULL` column, a string in an `int`, ...).
    pub fn row(mut self, values: Vec<Value>) -> Self {
        self.push_row(values);
        self
    }

    /// Adds a row in place; panics like [`ResultSet::row`].
    pub fn push_row(&mut self, values: Vec<Value>) {
        self.try_push_row(&values).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Adds a row, or says why it does not fit.
    pub fn try_push_row(&mut self, values: &[Value]) -> Result<(), EncodeError> {
        if values.len() != self.columns.len() {
            return Err(EncodeError {
                column: String::new(),
                ty: crate::SqlType::Null,
                reason: format!(
                    "row has {} values for {} columns",
                    values.len(),
                    self.columns.len()
                ),
            });
        }
        for (c, v) in self.columns.iter().zip(values) {
            encode::check_value(c, v)?;
        }
        self.rows.put_u8(token::ROW);
        for (c, v) in self.columns.iter().zip(values) {
            encode::put_value(&mut self.rows, c, v);
        }
        self.row_ends.push(self.rows.len());
        Ok(())
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.row_ends.len()
    }

    /// `true` when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.row_ends.is_empty()
    }

    /// Bytes of encoded row data (ROW tokens).
    pub fn encoded_len(&self) -> usize {
        self.rows.len()
    }
}

/// An output parameter value returned by an RPC (a RETURNVALUE token).
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnValue {
    /// Parameter ordinal.
    pub ordinal: u16,
    /// Parameter name, with `@`.
    pub name: String,
    /// Its type (the column's name is ignored).
    pub column: Column,
    /// Its value.
    pub value: Value,
}

/// One item of a reply.
#[derive(Debug, Clone)]
pub enum Output {
    /// A result set, closed by a DONE with its row count.
    Rows(Arc<ResultSet>),
    /// A statement that affected `n` rows (INSERT, UPDATE, ...).
    Count(u64),
    /// A statement with no row count (SET, BEGIN TRAN, ...).
    Done,
    /// A failed statement: ERROR then DONE with the error bit.
    Error(ServerMessage),
    /// An informational message (PRINT, RAISERROR with class ≤ 10).
    Info(ServerMessage),
    /// A procedure's return status (RETURNSTATUS).
    ReturnStatus(i32),
    /// An output parameter (RETURNVALUE).
    ReturnValue(ReturnValue),
}

impl Output {
    fn closes_statement(&self) -> bool {
        matches!(
            self,
            Output::Rows(_) | Output::Count(_) | Output::Done | Output::Error(_)
        )
    }
}

/// The answer to one request.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    outputs: Vec<Output>,
    fault: Option<Fault>,
    delay: Option<Duration>,
}

impl Reply {
    /// A reply with one statement and no rows (a bare DONE).
    pub fn done() -> Self {
        Reply::default().and(Output::Done)
    }

    /// A result set.
    pub fn rows(rows: ResultSet) -> Self {
        Reply::default().and_rows(rows)
    }

    /// A statement that affected `n` rows.
    pub fn count(n: u64) -> Self {
        Reply::default().and_count(n)
    }

    /// A failed statement.
    pub fn error(msg: ServerMessage) -> Self {
        Reply::default().and_error(msg)
    }

    /// A reply that is only a fault (see [`Fault`]).
    pub fn fault(fault: Fault) -> Self {
        Reply::done().with_fault(fault)
    }

    /// Appends an output.
    pub fn and(mut self, output: Output) -> Self {
        self.outputs.push(output);
        self
    }

    /// Appends a result set.
    pub fn and_rows(self, rows: ResultSet) -> Self {
        self.and(Output::Rows(Arc::new(rows)))
    }

    /// Appends a row count.
    pub fn and_count(self, n: u64) -> Self {
        self.and(Output::Count(n))
    }

    /// Appends a failed statement.
    pub fn and_error(self, msg: ServerMessage) -> Self {
        self.and(Output::Error(msg))
    }

    /// Appends an informational message.
    pub fn and_info(self, msg: ServerMessage) -> Self {
        self.and(Output::Info(msg))
    }

    /// Sets the return status (RPC replies send 0 unless told otherwise).
    pub fn with_return_status(self, status: i32) -> Self {
        self.and(Output::ReturnStatus(status))
    }

    /// Appends an output parameter value.
    ///
    /// # Panics
    /// If `value` does not fit `column`.
    pub fn with_return_value(
        self,
        ordinal: u16,
        name: impl Into<String>,
        column: Column,
        value: impl Into<Value>,
    ) -> Self {
        let value = value.into();
        encode::check_value(&column, &value).unwrap_or_else(|e| panic!("{e}"));
        self.and(Output::ReturnValue(ReturnValue {
            ordinal,
            name: name.into(),
            column,
            value,
        }))
    }

    /// Injects a fault. [`Fault::Delay`] delays the reply; the others cut it.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        match fault {
            Fault::Delay(d) => self.delay = Some(d),
            f => self.fault = Some(f),
        }
        self
    }

    /// Delays the reply by `d` (to trigger client timeouts).
    pub fn delayed(self, d: Duration) -> Self {
        self.with_fault(Fault::Delay(d))
    }

    /// The outputs, in order.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The fault that cuts this reply, if any.
    pub fn cut(&self) -> Option<&Fault> {
        self.fault.as_ref()
    }

    /// The delay before this reply is sent, if any.
    pub fn delay(&self) -> Option<Duration> {
        self.delay
    }

    /// `true` if any output is an error.
    pub fn is_error(&self) -> bool {
        self.outputs.iter().any(|o| matches!(o, Output::Error(_)))
    }

    /// The bytes the server writes for this reply, faults aside: its token
    /// stream (answering a SQL batch, or an RPC when `rpc` is true) split into
    /// TabularResult packets of `packet_size`. The connection uses the same
    /// path; it is public for benchmarks and for replaying a reply without a
    /// socket.
    pub fn to_packets(&self, rpc: bool, packet_size: usize) -> BytesMut {
        let mut tokens = BytesMut::new();
        self.encode(&mut tokens, rpc, "MSSQLX-MOCK", None);
        let mut out = BytesMut::new();
        let mut id = 1;
        crate::protocol::packet::write_message(
            &mut out,
            crate::protocol::packet::PacketType::TabularResult,
            &tokens,
            packet_size,
            0,
            &mut id,
            true,
        );
        out
    }

    /// Encodes the outputs as the token stream of a SQL batch (`in_rpc =
    /// false`: DONE per statement) or of an RPC (`in_rpc = true`: DONEINPROC per
    /// statement, RETURNSTATUS, DONEPROC). Returns the byte offset after the
    /// `k`-th row of the first result set when `cut_after_rows` is `Some(k)`.
    pub(crate) fn encode(
        &self,
        buf: &mut BytesMut,
        in_rpc: bool,
        server: &str,
        cut_after_rows: Option<usize>,
    ) -> Option<usize> {
        let mut cut = None;
        let last_closing = self.outputs.iter().rposition(Output::closes_statement);
        let done_token = if in_rpc {
            token::DONEINPROC
        } else {
            token::DONE
        };
        let mut any_error = false;
        let mut status_sent = false;
        for (i, output) in self.outputs.iter().enumerate() {
            let more = if in_rpc || Some(i) != last_closing {
                DONE_MORE
            } else {
                0
            };
            match output {
                Output::Rows(rs) => {
                    buf.put_slice(&rs.meta);
                    let start = buf.len();
                    buf.put_slice(&rs.rows);
                    if cut.is_none() {
                        if let Some(k) = cut_after_rows {
                            let end = match k {
                                0 => 0,
                                k => rs.row_ends.get(k - 1).copied().unwrap_or(rs.rows.len()),
                            };
                            cut = Some(start + end);
                        }
                    }
                    token::put_done(buf, done_token, DONE_COUNT | more, 0xC1, rs.len() as u64);
                }
                Output::Count(n) => token::put_done(buf, done_token, DONE_COUNT | more, 0xC3, *n),
                Output::Done => token::put_done(buf, done_token, more, 0, 0),
                Output::Error(m) => {
                    any_error = true;
                    token::put_message(buf, token::ERROR, m, server);
                    token::put_done(buf, done_token, DONE_ERROR | more, 0, 0);
                }
                Output::Info(m) => token::put_message(buf, token::INFO, m, server),
                Output::ReturnStatus(s) => {
                    status_sent = true;
                    token::put_return_status(buf, *s);
                }
                Output::ReturnValue(v) => {
                    token::put_return_value(buf, v.ordinal, &v.name, &v.column, &v.value)
                }
            }
        }
        if in_rpc {
            if !status_sent {
                token::put_return_status(buf, 0);
            }
            let status = if any_error { DONE_ERROR } else { 0 };
            token::put_done(buf, token::DONEPROC, status, 0xE0, 0);
        } else if last_closing.is_none() {
            token::put_done(buf, token::DONE, 0, 0, 0);
        }
        cut
    }
}
