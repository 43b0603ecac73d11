//! The fault matrix (issue point 8): nine faults × four operations. Each cell
//! asserts its outcome (recovered after k attempts, or an error naming the
//! cause), that no connection leaked (pool state) and that no write was
//! applied twice (the mock's recording).
//!
//! Operations: **checkout** (`pool.acquire()`), **fetch** (a read on the pool
//! executor), **execute** (a lone autocommit INSERT on the pool executor) and
//! **transaction** (a closure doing INSERT then SELECT, re-run whole on
//! transient errors). The matrix pool health-checks every checkout, so a
//! checkout meets statement faults through its `SELECT 1`.
//!
//! Faults that hit a statement target the operation's own statement: the
//! health check for checkout, the SELECT for fetch, the INSERT for execute,
//! the SELECT inside the closure for transaction (the COMMIT for "dropped after
//! a COMMIT was applied").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mssqlx_mock::{Fault, MockServer, Reply, Request, ServerMessage, Session};
use mssqlx_runtime::{Error, Executor, Pool, Query};

use crate::common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    Login40613Twice,
    Login18456,
    DropBeforeLogin,
    DropMidResult,
    DropAfterCommit,
    Deadlock1205,
    Busy40501,
    DelayBeyondTimeout,
    ServerDown2s,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Checkout,
    Fetch,
    Execute,
    Transaction,
}

const TIMEOUT: Duration = Duration::from_millis(500);
const HEALTH_BOUND: Duration = Duration::from_millis(700);
const DELAY: Duration = Duration::from_millis(1500);

/// A statement fault that fires `armed` times on statements starting with `prefix`.
#[derive(Clone)]
struct Armed {
    left: Arc<AtomicUsize>,
    fired: Arc<AtomicUsize>,
}

impl Armed {
    fn rule(
        &self,
        prefix: &'static str,
        reply: Reply,
    ) -> impl Fn(&Request, &mut Session) -> Option<Reply> + Send + Sync + 'static {
        let (left, fired) = (self.left.clone(), self.fired.clone());
        move |req, _| {
            let sql = req.sql()?;
            if !sql.trim_start().starts_with(prefix) {
                return None;
            }
            left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .ok()
                .map(|_| {
                    fired.fetch_add(1, Ordering::SeqCst);
                    reply.clone()
                })
        }
    }
    fn arm(&self, n: usize) {
        self.left.store(n, Ordering::SeqCst);
    }
}

fn target(f: F, op: Op) -> &'static str {
    match (f, op) {
        (_, Op::Checkout) => "SELECT 1",
        (_, Op::Fetch) => "SELECT Id",
        (_, Op::Execute) => "INSERT",
        (F::DropAfterCommit, Op::Transaction) => "COMMIT",
        (_, Op::Transaction) => "SELECT Id",
    }
}

fn statement_fault(f: F, op: Op) -> Option<Reply> {
    let rows_then = |fault| match op {
        Op::Execute => Reply::rows(one()).and_count(1).with_fault(fault),
        Op::Checkout => Reply::rows(one()).with_fault(fault),
        _ => Reply::rows(users()).with_fault(fault),
    };
    Some(match f {
        F::DropMidResult => rows_then(Fault::DropAfterRows(if op == Op::Execute { 0 } else { 1 })),
        F::DropAfterCommit => Reply::fault(Fault::DropBeforeReply),
        F::Deadlock1205 => Reply::error(ServerMessage::deadlock_victim()),
        F::Busy40501 => Reply::error(ServerMessage::new(
            40501,
            "The service is currently busy. Retry the request after 10 seconds.",
        )),
        F::DelayBeyondTimeout => match op {
            Op::Execute => Reply::count(1).delayed(DELAY),
            Op::Checkout => Reply::rows(one()).delayed(DELAY),
            _ => Reply::rows(users()).delayed(DELAY),
        },
        _ => return None,
    })
}

struct Cell {
    server: MockServer,
    pool: Pool,
    armed: Armed,
}

async fn setup(f: F, op: Op) -> Cell {
    let armed = Armed {
        left: Arc::new(AtomicUsize::new(0)),
        fired: Arc::new(AtomicUsize::new(0)),
    };
    let script = match statement_fault(f, op) {
        Some(reply) => with_rule(armed.rule(target(f, op), reply)),
        None => base_script(),
    };
    let server = server_with(script).await;
    let pool = options()
        .health_check_after(Duration::ZERO)
        .connect_timeout(HEALTH_BOUND)
        .command_timeout(TIMEOUT)
        .connect_retries(60)
        .connect_retry_backoff(ms(100))
        .connect_retry_max_delay(ms(300))
        .connect_lazy(&server.url())
        .unwrap();
    let login_fault = matches!(f, F::Login40613Twice | F::Login18456 | F::DropBeforeLogin);
    if !login_fault {
        // A warm, idle connection the fault can meet.
        drop(pool.acquire().await.unwrap());
    }
    match f {
        F::Login40613Twice => server.faults().fail_next_logins(
            2,
            ServerMessage::new(
                40613,
                "Database 'shop' on server 'mock' is not currently available.",
            ),
        ),
        F::Login18456 => server
            .faults()
            .fail_next_logins(1, ServerMessage::login_failed(mssqlx_mock::DEFAULT_USER)),
        F::DropBeforeLogin => server.faults().drop_next_before_login(1),
        F::ServerDown2s => server.restart(Duration::from_secs(2)),
        _ => armed.arm(1),
    }
    Cell {
        server,
        pool,
        armed,
    }
}

async fn run(pool: &Pool, op: Op) -> Result<u64, Error> {
    match op {
        Op::Checkout => pool.acquire().await.map(|_| 0),
        Op::Fetch => pool
            .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]))
            .await
            .map(|r| r.len() as u64),
        Op::Execute => pool.execute(Query::new(INSERT_SQL, &[&1i32])).await,
        Op::Transaction => {
            pool.transaction(|tx| {
                Box::pin(async move {
                    let n = tx.execute(Query::new(INSERT_SQL, &[&1i32])).await?;
                    let rows: Vec<(i32, Option<String>)> =
                        tx.fetch_all(Query::new(USERS_SQL, &[&true])).await?;
                    Ok(n + rows.len() as u64)
                })
            })
            .await
        }
    }
}

/// What a cell expects.
enum Expect {
    /// Success; the operation's statement was sent `sends` times in all.
    Recovered { sends: usize },
    /// This error.
    Fails(fn(&Error) -> bool, &'static str),
}

fn expected(f: F, op: Op) -> Expect {
    use Expect::*;
    let lost = |e: &Error| matches!(e, Error::ConnectionLost { .. });
    match (f, op) {
        (F::Login18456, _) => Fails(|e| matches!(e, Error::LoginFailed { .. }), "login failed"),
        (F::Login40613Twice | F::DropBeforeLogin | F::ServerDown2s, _) => Recovered { sends: 1 },
        // A failed health check discards the connection; a fresh one is opened.
        (_, Op::Checkout) => Recovered { sends: 2 },
        // Reads are retried on a fresh connection.
        (
            F::DropMidResult | F::DropAfterCommit | F::Busy40501 | F::DelayBeyondTimeout,
            Op::Fetch,
        ) => Recovered { sends: 2 },
        (F::Deadlock1205, Op::Fetch) => {
            Fails(|e| e.number() == Some(1205), "1205 outside a transaction")
        }
        // Lone writes are never retried.
        (F::DropMidResult | F::DropAfterCommit, Op::Execute) => Fails(lost, "connection lost"),
        (F::Deadlock1205, Op::Execute) => Fails(|e| e.number() == Some(1205), "1205"),
        (F::Busy40501, Op::Execute) => Fails(|e| e.number() == Some(40501), "40501"),
        (F::DelayBeyondTimeout, Op::Execute) => Fails(
            |e| matches!(e, Error::CommandTimeout { .. }),
            "command timeout",
        ),
        // A lost COMMIT is never replayed.
        (F::DropAfterCommit, Op::Transaction) => Fails(
            |e| matches!(e, Error::CommitOutcomeUnknown { .. }),
            "commit outcome unknown",
        ),
        // Everything else in a closure: re-run whole.
        (_, Op::Transaction) => Recovered { sends: 2 },
    }
}

async fn cell(f: F, op: Op) {
    let c = setup(f, op).await;
    let started = Instant::now();
    let result = run(&c.pool, op).await;
    let sent = recorded(&c.server, target(f, op)).len();
    match expected(f, op) {
        Expect::Recovered { sends } => {
            let v = result.unwrap_or_else(|e| panic!("{f:?} × {op:?}: expected recovery, got {e}"));
            if op == Op::Fetch {
                assert_eq!(v, 2);
            }
            if op != Op::Checkout
                || !matches!(
                    f,
                    F::Login40613Twice | F::Login18456 | F::DropBeforeLogin | F::ServerDown2s
                )
            {
                // Statement sends of the target, after the warm-up's.
                let warmup = usize::from(op == Op::Checkout && sent > sends);
                assert_eq!(sent - warmup, sends, "{f:?} × {op:?}: sends");
            }
        }
        Expect::Fails(is, what) => {
            let e = result.expect_err("expected an error");
            assert!(is(&e), "{f:?} × {op:?}: expected {what}, got {e:?}");
        }
    }
    // The fault really happened.
    if statement_fault(f, op).is_some() {
        assert_eq!(
            c.armed.fired.load(Ordering::SeqCst),
            1,
            "{f:?} x {op:?}: fault not hit"
        );
    }
    // Attempts at the connection level.
    let counters = c.server.counters();
    match f {
        F::Login40613Twice => assert_eq!(counters.failed_logins, 2),
        F::Login18456 => assert_eq!(counters.failed_logins, 1, "18456 is not retried"),
        F::DropBeforeLogin => assert_eq!(counters.connections_opened, 2),
        F::ServerDown2s => {
            assert!(counters.connections_refused > 0);
            assert!(started.elapsed() >= Duration::from_millis(1500));
        }
        _ => {}
    }
    // No write applied twice; exactly once where the operation succeeded or the
    // write reached the server before the fault.
    let mut applied = applied_writes(&c.server, "INSERT");
    if op == Op::Execute && matches!(f, F::Deadlock1205 | F::Busy40501) {
        applied -= c.armed.fired.load(Ordering::SeqCst); // error replies applied nothing
    }
    let expected_writes = match (f, op) {
        (F::Login18456, _) => 0,
        (F::Deadlock1205 | F::Busy40501, Op::Execute) => 0,
        (_, Op::Execute | Op::Transaction) => 1,
        _ => 0,
    };
    if (f, op) == (F::DelayBeyondTimeout, Op::Execute) {
        // Cancelled by attention: applied at most once.
        assert!(applied <= 1, "{f:?} × {op:?}: applied {applied}");
    } else {
        assert_eq!(applied, expected_writes, "{f:?} × {op:?}: writes applied");
    }
    // No connection leaked, and the pool still works.
    assert_no_leak(&c.pool).await;
    let after = c
        .pool
        .fetch_all::<(i32, Option<String>)>(Query::new(USERS_SQL, &[&true]))
        .await;
    if f != F::Login18456 {
        assert_eq!(
            after.unwrap().len(),
            2,
            "{f:?} x {op:?}: pool healthy afterwards"
        );
    }
    assert_no_leak(&c.pool).await;
}

macro_rules! matrix {
    ($($name:ident: $f:ident x $op:ident;)*) => {$(
        #[tokio::test]
        async fn $name() {
            cell(F::$f, Op::$op).await;
        }
    )*};
}

matrix! {
    login_40613_twice_then_checkout_recovers: Login40613Twice x Checkout;
    login_40613_twice_then_fetch_recovers: Login40613Twice x Fetch;
    login_40613_twice_then_execute_recovers: Login40613Twice x Execute;
    login_40613_twice_then_transaction_recovers: Login40613Twice x Transaction;
    login_18456_fails_checkout_as_login_failed: Login18456 x Checkout;
    login_18456_fails_fetch_as_login_failed: Login18456 x Fetch;
    login_18456_fails_execute_as_login_failed: Login18456 x Execute;
    login_18456_fails_transaction_as_login_failed: Login18456 x Transaction;
    socket_dropped_before_login_checkout_recovers: DropBeforeLogin x Checkout;
    socket_dropped_before_login_fetch_recovers: DropBeforeLogin x Fetch;
    socket_dropped_before_login_execute_recovers: DropBeforeLogin x Execute;
    socket_dropped_before_login_transaction_recovers: DropBeforeLogin x Transaction;
    dropped_mid_result_checkout_gets_a_fresh_connection: DropMidResult x Checkout;
    dropped_mid_result_fetch_is_retried: DropMidResult x Fetch;
    dropped_mid_result_execute_is_not_replayed: DropMidResult x Execute;
    dropped_mid_result_transaction_is_rerun_whole: DropMidResult x Transaction;
    dropped_after_apply_checkout_gets_a_fresh_connection: DropAfterCommit x Checkout;
    dropped_after_apply_fetch_is_retried: DropAfterCommit x Fetch;
    dropped_after_apply_execute_is_not_replayed: DropAfterCommit x Execute;
    dropped_after_commit_transaction_is_commit_outcome_unknown: DropAfterCommit x Transaction;
    deadlock_1205_checkout_gets_a_fresh_connection: Deadlock1205 x Checkout;
    deadlock_1205_fetch_is_not_retried_outside_a_transaction: Deadlock1205 x Fetch;
    deadlock_1205_execute_is_not_retried: Deadlock1205 x Execute;
    deadlock_1205_inside_transaction_closure_is_rerun_whole: Deadlock1205 x Transaction;
    busy_40501_checkout_gets_a_fresh_connection: Busy40501 x Checkout;
    busy_40501_on_a_read_is_retried: Busy40501 x Fetch;
    busy_40501_on_a_lone_write_is_not_retried: Busy40501 x Execute;
    busy_40501_inside_transaction_closure_is_rerun_whole: Busy40501 x Transaction;
    delay_beyond_timeout_checkout_gets_a_fresh_connection: DelayBeyondTimeout x Checkout;
    delay_beyond_timeout_read_is_retried: DelayBeyondTimeout x Fetch;
    delay_beyond_timeout_write_is_not_retried: DelayBeyondTimeout x Execute;
    delay_beyond_timeout_transaction_is_rerun_whole: DelayBeyondTimeout x Transaction;
    server_down_2s_checkout_waits_and_recovers: ServerDown2s x Checkout;
    server_down_2s_fetch_recovers: ServerDown2s x Fetch;
    server_down_2s_execute_recovers: ServerDown2s x Execute;
    server_down_2s_transaction_recovers: ServerDown2s x Transaction;
}
