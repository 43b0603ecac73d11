//! The transient-error catalog: every SQL Server / Azure SQL error number that
//! is worth retrying, what it means, and the *unit* that may safely be re-run.
//!
//! The table is EF Core's `SqlServerTransientExceptionDetector` list (176
//! numbers), which contains SqlClient's default retry list and mssql-django's
//! connection-retry list; see `shared/reference/transient-errors.md` for the
//! sources. Each row carries a [`Scope`]:
//!
//! * [`Scope::Connect`]: the failure happened while opening a connection or a
//!   database; nothing ran, reopen and retry.
//! * [`Scope::Statement`]: only the failing statement was cancelled.
//! * [`Scope::Transaction`]: the transaction was (or must be treated as) rolled
//!   back: replay the whole unit of work from `BEGIN`.
//! * [`Scope::Operation`]: management / HA / control-plane errors; a failed
//!   request did not commit.
//! * [`Scope::Lost`]: the connection broke while a command was in flight: the
//!   outcome is unknown, only idempotent work may be replayed.
//!
//! and flags: [`THROTTLING`] (the server asks to back off: the policy adds its
//! throttle delay, as EF Core adds 5 s), [`IN_MEMORY`] (In-Memory OLTP
//! conflicts, which clear in milliseconds) and [`WHOLE_TRANSACTION`] (1205
//! deadlock victim, 1222 lock timeout and 3960 snapshot update conflict: only
//! ever retried by re-running a whole transaction closure).
//!
//! ```
//! use mssqlx_runtime::retry::catalog::{lookup, Scope};
//!
//! let deadlock = lookup(1205).unwrap();
//! assert_eq!(deadlock.scope, Scope::Transaction);
//! assert!(deadlock.whole_transaction_only());
//! assert!(lookup(18456).is_none()); // login failed is never transient
//! ```

/// Where an error leaves the work that was running, and so what may be re-run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Failure while opening a connection or database: nothing ran.
    Connect,
    /// Only the failing statement was cancelled; an open transaction survives.
    Statement,
    /// The transaction was rolled back or doomed: replay it from `BEGIN`.
    Transaction,
    /// Management / HA / control-plane error; the request did not commit.
    Operation,
    /// The connection broke mid-command: outcome unknown.
    Lost,
}

/// Flags of a catalog row (bit set).
pub type Flags = u8;
/// No flag.
pub const PLAIN: Flags = 0;
/// The server asks clients to back off (EF Core's throttling set, +5 s).
pub const THROTTLING: Flags = 1;
/// In-Memory OLTP conflict: retry after milliseconds, not seconds.
pub const IN_MEMORY: Flags = 2;
/// Retried only by re-running a whole transaction closure (1205, 1222, 3960).
pub const WHOLE_TRANSACTION: Flags = 4;

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransientError {
    /// The SQL Server error number (`ERROR_NUMBER()`).
    pub number: u32,
    /// What is left to re-run after this error.
    pub scope: Scope,
    /// [`THROTTLING`], [`IN_MEMORY`], [`WHOLE_TRANSACTION`] or [`PLAIN`].
    pub flags: Flags,
    /// The server's message, condensed.
    pub meaning: &'static str,
}

impl TransientError {
    /// The server asks for a longer pause before the retry.
    pub const fn throttling(&self) -> bool {
        self.flags & THROTTLING != 0
    }
    /// An In-Memory OLTP conflict (millisecond back-off is enough).
    pub const fn in_memory(&self) -> bool {
        self.flags & IN_MEMORY != 0
    }
    /// Only a whole transaction closure may be re-run (1205, 1222, 3960).
    pub const fn whole_transaction_only(&self) -> bool {
        self.flags & WHOLE_TRANSACTION != 0
    }
}

use Scope::{Connect, Lost, Operation, Statement, Transaction};

const fn e(number: u32, scope: Scope, flags: Flags, meaning: &'static str) -> TransientError {
    TransientError {
        number,
        scope,
        flags,
        meaning,
    }
}

/// The catalog, sorted by number (EF Core's list, scopes from the reference).
pub const CATALOG: &[TransientError] = &[
    e(20, Connect, PLAIN, "The instance of SQL Server you attempted to connect to does not support encryption."),
    e(64, Connect, PLAIN, "A connection was successfully established with the server, but then an error occurred during the login process."),
    e(121, Connect, PLAIN, "The semaphore timeout period has expired"),
    e(203, Connect, PLAIN, "A connection was successfully established with the server, but then an error occurred during the pre-login handshake."),
    e(233, Connect, THROTTLING, "The client was unable to establish a connection because of an error during connection initialization process before login."),
    e(539, Statement, PLAIN, "Schema changed after the target table was created. Rerun the Select Into query."),
    e(601, Statement, PLAIN, "Could not continue scan with NOLOCK due to data movement."),
    e(615, Connect, PLAIN, "Could not find database ID %d, name '%.*ls'. The database may be offline."),
    e(617, Statement, PLAIN, "Descriptor for object ID %ld in database ID %d not found in the hash table during attempt to un-hash it."),
    e(669, Statement, PLAIN, "The row object is inconsistent. Please rerun the query."),
    e(921, Connect, PLAIN, "Database '%.*ls' has not been recovered yet. Wait and try again."),
    e(926, Connect, PLAIN, "Database '%.*ls' cannot be opened. It has been marked SUSPECT by recovery."),
    e(927, Connect, PLAIN, "Database '%.*ls' cannot be opened. It is in the middle of a restore."),
    e(941, Connect, PLAIN, "Database '%.*ls' cannot be opened because it is not started."),
    e(952, Connect, PLAIN, "Database '%.*ls' is in transition. Try the statement later."),
    e(982, Connect, PLAIN, "Unable to access the '%.*ls' database because no online secondary replicas are enabled for read-only access."),
    e(988, Connect, PLAIN, "Unable to access database '%.*ls' because it lacks a quorum of nodes for high availability."),
    e(997, Connect, PLAIN, "A connection was successfully established with the server, but then an error occurred during the login process."),
    e(1203, Transaction, PLAIN, "Process ID %d attempted to unlock a resource it does not own: %.*ls."),
    e(1204, Transaction, THROTTLING, "The instance of the SQL Server Database Engine cannot obtain a LOCK resource at this time."),
    e(1205, Transaction, WHOLE_TRANSACTION, "Transaction was deadlocked on resources with another process and has been chosen as the deadlock victim. Rerun the transaction."),
    e(1215, Operation, PLAIN, "A conflicting ABORT_AFTER_WAIT = BLOCKERS request is waiting for existing transactions to rollback."),
    e(1216, Operation, PLAIN, "The DDL statement with ABORT_AFTER_WAIT = BLOCKERS option cannot be completed due to a conflicting system task."),
    e(1221, Transaction, PLAIN, "The Database Engine is attempting to release a group of locks that are not currently held by the transaction."),
    e(1222, Statement, WHOLE_TRANSACTION, "Lock request time out period exceeded."),
    e(1232, Operation, PLAIN, "Failed to acquire lock with lock manager service, it could be due to many reasons including transient service failure."),
    e(1404, Operation, THROTTLING, "The command failed because the database mirror is busy. Reissue the command later."),
    e(1413, Operation, PLAIN, "Communications to the remote server instance '%.*ls' failed before database mirroring was fully started."),
    e(1421, Operation, PLAIN, "Communications to the remote server instance '%.*ls' failed to complete before its timeout."),
    e(1438, Operation, PLAIN, "The server instance %ls rejected configure request; read its error log file for more information."),
    e(1532, Transaction, PLAIN, "New sort run starting on page %S_PGID found an extent not marked as shared."),
    e(1533, Transaction, PLAIN, "Cannot share extent %S_PGID. The correct extents could not be identified."),
    e(1534, Transaction, PLAIN, "Extent %S_PGID not found in shared extent directory. Retry the transaction."),
    e(1535, Transaction, PLAIN, "Cannot share extent %S_PGID. Shared extent directory is full."),
    e(1807, Operation, PLAIN, "Could not obtain exclusive lock on database 'model'. Retry the operation later."),
    e(2021, Operation, PLAIN, "The referenced entity '%.*ls' was modified during DDL execution."),
    e(2816, Statement, PLAIN, "The metadata for object with id %d has changed. Retry the statement."),
    e(3429, Operation, PLAIN, "Recovery could not determine the outcome of a cross-database transaction %S_XID, named '%.*ls', in database '%.*ls' (database ID %d:%d)."),
    e(3635, Operation, PLAIN, "An error occurred while processing '%ls' metadata for database id %d, file id %d, and transaction='%.*ls'."),
    e(3935, Operation, THROTTLING, "A FILESTREAM transaction context could not be initialized. This might be caused by a resource shortage."),
    e(3941, Transaction, PLAIN, "The transaction cannot modify an object that is published for replication or has Change Data Capture enabled because the transaction started before replication or Chan..."),
    e(3947, Transaction, PLAIN, "The transaction was aborted because the secondary compute failed to catch up redo."),
    e(3948, Transaction, PLAIN, "The transaction was terminated because of the availability replica config/state change or because ghost records are being deleted on the primary and the secondary avai..."),
    e(3950, Statement, THROTTLING, "Version store scan timed out when attempting to read the next row."),
    e(3953, Transaction, PLAIN, "Snapshot isolation transaction failed in database '%.*ls' because the database was not recovered when the current transaction was started."),
    e(3957, Transaction, PLAIN, "Snapshot isolation transaction failed in database '%.*ls' because the database did not allow snapshot isolation when the current transaction started."),
    e(3960, Transaction, WHOLE_TRANSACTION, "Snapshot isolation transaction aborted due to update conflict."),
    e(3966, Transaction, PLAIN, "Transaction is rolled back when accessing version store. It was earlier marked as victim when the version store was shrunk due to insufficient space in tempdb."),
    e(3980, Statement, PLAIN, "The request failed to run because the batch is aborted, this can be caused by abort signal sent from client, or another request is running in the same session, which m..."),
    e(4060, Connect, PLAIN, "Cannot open database \"%.*ls\" requested by the login. The login failed."),
    e(4117, Statement, PLAIN, "Cannot retrieve table data for the query operation because the table \"%.*ls\" schema is being altered too frequently."),
    e(4184, Statement, PLAIN, "Cannot retrieve table data for the query operation because the table \"%.*ls\" schema is being altered too frequently."),
    e(4221, Connect, PLAIN, "Login to read-secondary failed due to long wait on 'HADR_DATABASE_WAIT_FOR_TRANSITION_TO_VERSIONING'."),
    e(5280, Operation, PLAIN, "An unexpected protocol element was recevied during the execution of a consistency check command."),
    e(5529, Operation, PLAIN, "Failed to remove a FILESTREAM file. The database is a primary database in an availability group."),
    e(6292, Transaction, PLAIN, "The transaction that is associated with this operation has been committed or rolled back."),
    e(7951, Operation, PLAIN, "Warning: Could not complete filestream consistency checks due to an operating system error."),
    e(8628, Statement, PLAIN, "A time out occurred while waiting to optimize the query. Rerun the query."),
    e(8645, Statement, PLAIN, "A timeout occurred while waiting for memory resources to execute the query in resource pool '%ls' (%ld)."),
    e(8651, Statement, PLAIN, "Could not perform the operation because the requested memory grant was not available in resource pool '%ls' (%ld)."),
    e(9020, Operation, PLAIN, "The log for database '%ls' failed to grow while shrink in progress."),
    e(9515, Statement, PLAIN, "An XML schema has been altered or dropped, and the query plan is no longer valid."),
    e(9985, Operation, THROTTLING, "There is not enough memory to generate a search property list cache."),
    e(10053, Lost, PLAIN, "A transport-level error has occurred when receiving results from the server."),
    e(10054, Lost, PLAIN, "A transport-level error has occurred when sending the request to the server."),
    e(10060, Connect, PLAIN, "A network-related or instance-specific error occurred while establishing a connection to SQL Server."),
    e(10922, Statement, PLAIN, "%ls failed. Rerun the statement."),
    e(10928, Operation, PLAIN, "Resource ID: %d. The %s limit for the database is %d and has been reached."),
    e(10929, Operation, THROTTLING, "Resource ID: %d. The %s minimum guarantee is %d, maximum limit is %d and the current usage for the database is %d."),
    e(10930, Operation, THROTTLING, "The service is currently too busy. Please try again later."),
    e(10936, Operation, PLAIN, "Resource ID : %d. The request limit for the elastic pool is %d and has been reached."),
    e(11001, Connect, PLAIN, "An error has occurred while establishing a connection to the server."),
    e(11539, Statement, PLAIN, "One of the types specified in WITH RESULT SETS clause has been modified after the EXECUTE statement started running."),
    e(14355, Operation, THROTTLING, "The MSSQLServerADHelper service is busy. Retry this operation later."),
    e(14817, Connect, PLAIN, "The server '%s' is not accessible. Ensure that the remote server exists and the Azure SQL DB Firewall Rules permit access to the server."),
    e(14868, Operation, PLAIN, "Inbound migration is in progress or paused. Migration direction outbound cannot be set at this time."),
    e(14906, Connect, PLAIN, "The database '%s' is not accessible. Ensure that the remote database exists."),
    e(16528, Operation, PLAIN, "Operation '%ls %ls' failed. Retry the operation later."),
    e(16554, Operation, PLAIN, "Operation failed due to an error in a background task. Please retry the operation again."),
    e(16555, Operation, PLAIN, "Operation failed due to an error while processing rejected rows."),
    e(17065, Operation, PLAIN, "SQL Server Assertion: File: <%s>, line = %d Failed Assertion = '%s' %s."),
    e(17066, Operation, PLAIN, "SQL Server Assertion: File: <%s>, line=%d Failed Assertion = '%s'."),
    e(17067, Operation, PLAIN, "SQL Server Assertion: File: <%s>, line = %d %s. This error may be timing-related."),
    e(17197, Connect, PLAIN, "Login failed due to timeout; the connection has been closed."),
    e(17889, Connect, THROTTLING, "A new connection was rejected because the maximum number of connections on session ID %d has been reached."),
    e(18401, Connect, PLAIN, "Login failed for user '%s'. Reason: Server is in script upgrade mode."),
    e(18858, Operation, PLAIN, "Could not read data from replication table '%s'. If retrying does not fix the issue, drop and reconfigure replication."),
    e(19413, Operation, PLAIN, "An attempt to switch Always On Availability Groups to the local Windows Server Failover Clustering (WSFC) cluster context failed."),
    e(19416, Operation, PLAIN, "One or more databases in availability group '%.*ls' are not synchronized."),
    e(19494, Operation, PLAIN, "Automatic seeding of availability database '%ls' in availability group '%.*ls' failed with a transient error."),
    e(20041, Transaction, PLAIN, "Transaction rolled back. Could not execute trigger."),
    e(21503, Operation, PLAIN, "Cleanup of merge meta data cannot be performed while merge processes are running."),
    e(22225, Operation, PLAIN, "An internal error (%d, %d) occurred. Please retry the operation again."),
    e(22226, Operation, PLAIN, "An internal error (%d, %d) occurred. Please retry the operation again."),
    e(22335, Statement, THROTTLING, "Cannot obtain a LOCK resource at this time due to internal error."),
    e(22353, Operation, PLAIN, "The SQL instances has not been correctly setup to allow this operation."),
    e(22355, Operation, PLAIN, "Lock manager does not exist. Please retry the operation again."),
    e(22358, Operation, PLAIN, "The Database Controller required for this operation was not found."),
    e(22427, Operation, PLAIN, "Operation failed due to an error in a background task. Please retry the operation again."),
    e(22430, Operation, PLAIN, "Operation failed as the Database '%.*ls' is shutting down. Please retry the operation again."),
    e(22491, Operation, PLAIN, "The DDL statement failed due to an internal error. Please retry the operation again."),
    e(22493, Operation, PLAIN, "The database '%.*ls' failed to sync. Please retry the operation again."),
    e(22498, Operation, THROTTLING, "There is not enough resources to perform the operation. Please retry your operation later."),
    e(22754, Operation, PLAIN, "Aborting Synapse Link Capture task for this database timed out."),
    e(22758, Operation, PLAIN, "Aborting Synapse Link Commit task for table group '%s' timed out."),
    e(22759, Operation, PLAIN, "Aborting Synapse Link Snapshot task for table %ld timed out."),
    e(22760, Operation, PLAIN, "Aborting Synapse Link Publish task for partition %ld timed out."),
    e(22984, Operation, PLAIN, "An error occurred while waiting on the log reader history cache event."),
    e(25003, Operation, PLAIN, "Upgrade of the distribution database MSmerge_subscriptions table failed."),
    e(25738, Operation, THROTTLING, "Event session '%.*ls' could not be started because system is currently busy."),
    e(25740, Operation, THROTTLING, "Unable to start event session '%.*ls' because system is busy."),
    e(30080, Operation, PLAIN, "The full-text population on table '%ls' cannot be started because the full-text catalog is importing data from existing catalogs."),
    e(30085, Statement, THROTTLING, "A stoplist cache cannot be generated while processing a full-text query or performing full-text indexing."),
    e(33123, Operation, PLAIN, "Cannot drop or alter the database encryption key since it is currently in use on a mirror or secondary availability replica."),
    e(35216, Operation, PLAIN, "An error occurred while adding or removing a log truncation holdup to build secondary replica from primary availability database '%.*ls'."),
    e(35218, Operation, PLAIN, "An error occurred while trying to set the initial Backup LSN of database '%.*ls'."),
    e(35256, Operation, PLAIN, "The session timeout value was exceeded while waiting for a response from the other availability replica in the session."),
    e(35293, Operation, PLAIN, "Error in retrieving extended recovery forks from the primary replica."),
    e(37202, Operation, PLAIN, "An instance pool with name '%.*ls' is busy with another ongoing operation."),
    e(37327, Operation, THROTTLING, "Maximum number of concurrent DBCC commands running in the enclave has been reached."),
    e(39025, Operation, PLAIN, "External script execution failed as extensibility environment is not ready yet."),
    e(39108, Operation, THROTTLING, "Maximum number of concurrent external script users has been reached."),
    e(39110, Operation, THROTTLING, "Maximum number of concurrent external script queries for this user has been reached."),
    e(39151, Operation, PLAIN, "Transient error communicating with the streaming runtime. Please retry the operation."),
    e(39152, Operation, PLAIN, "Transient error communicating with the streaming runtime due to unfinished stop streaming job operation."),
    e(40106, Operation, PLAIN, "The schema scope set in the session is not the current schema scope for the current partition."),
    e(40143, Transaction, PLAIN, "The service has encountered an error processing your request."),
    e(40189, Operation, THROTTLING, "The resource quota for the current database has been exceeded and this request has been aborted."),
    e(40197, Transaction, PLAIN, "The service has encountered an error processing your request."),
    e(40501, Operation, THROTTLING, "The service is currently busy. Retry the request after 10 seconds."),
    e(40540, Transaction, PLAIN, "The service has encountered an error processing your request."),
    e(40613, Connect, THROTTLING, "Database XXXX on server YYYY is not currently available. Please retry the connection later."),
    e(40623, Connect, PLAIN, "Reauthentication failed for login %.*ls. Within the past reauthentification interval, the login has become invalid due to a password change, a dropped login, or other..."),
    e(40642, Operation, THROTTLING, "The server is currently too busy. Please try again later."),
    e(40648, Operation, THROTTLING, "Too many requests have been performed. Please retry later."),
    e(40671, Operation, PLAIN, "Unable to '%.*ls' '%.*ls' on server '%.*ls'. Please retry the connection later."),
    e(40675, Operation, THROTTLING, "The service is currently too busy. Please try again later."),
    e(40890, Operation, THROTTLING, "The elastic pool is busy with another operation."),
    e(40903, Operation, THROTTLING, "The server '%.*ls' is currently busy. Please wait a few minutes before trying again."),
    e(40918, Operation, PLAIN, "The Failover Group '%.*ls' is busy with another operation and cannot perform the '%.*ls' operation."),
    e(40938, Operation, PLAIN, "The Server DNS Alias '%.*ls' is busy with another operation and cannot perform the '%.*ls' operation."),
    e(41301, Transaction, IN_MEMORY, "Dependency failure: a dependency was taken on another transaction that later failed to commit."),
    e(41302, Transaction, IN_MEMORY, "The current transaction attempted to update a record that has been updated since the transaction started."),
    e(41305, Transaction, IN_MEMORY, "The current transaction failed to commit due to a repeatable read validation failure."),
    e(41325, Transaction, IN_MEMORY, "The current transaction failed to commit due to a serializable validation failure."),
    e(41339, Transaction, PLAIN, "The table '%.*ls' has been created or altered after the start of the current transaction."),
    e(41383, Statement, PLAIN, "An internal error occurred while running the DMV query. This was likely caused by concurrent DDL operations."),
    e(41614, Operation, PLAIN, "Fabric Service '%ls' encountered a transient error while performing Windows Fabric operation on '%ls' database (ID %d)."),
    e(41619, Operation, PLAIN, "Windows Fabric '%ls' (partition ID '%ls')encountered transient error %d while waiting for build replica operation on database '%ls' (ID %d)."),
    e(41640, Operation, PLAIN, "Database '%ls' encountered a transient error (error code: 0x%08X) while performing task '%ls'."),
    e(41700, Operation, PLAIN, "System views related to Windows Fabric partitions and replicas are not available at this time, because replica manager has not yet started."),
    e(41701, Operation, PLAIN, "The Activation Context is unavailable at this time. The Windows Fabric Runtime is unavailable at this time, retry later."),
    e(41823, Operation, THROTTLING, "Could not perform the operation because the database has reached its quota for in-memory tables."),
    e(41839, Statement, IN_MEMORY, "Transaction exceeded the maximum number of commit dependencies."),
    e(41840, Operation, THROTTLING, "Could not perform the operation because the elastic pool or managed instance has reached its quota for in-memory tables."),
    e(42029, Operation, PLAIN, "An internal error happened while generating a new DBTS for database %.*ls."),
    e(42108, Connect, PLAIN, "Can not connect to the SQL pool since it is paused. Please resume the SQL pool and try again."),
    e(42109, Connect, PLAIN, "The SQL pool is warming up. Please try again."),
    e(45153, Operation, PLAIN, "Management Service is not currently available. Please retry the operation later."),
    e(45156, Operation, THROTTLING, "Subscription '%.*ls' is busy with another operation. Please try your operation later."),
    e(45157, Operation, THROTTLING, "Server '%.*ls' is busy with another operation. Please try your operation later."),
    e(45161, Operation, THROTTLING, "Managed instance '%.*ls' is busy with another operation. Please try your operation later."),
    e(45179, Operation, PLAIN, "The operation timed out and automatically rolled back. Please retry the operation."),
    e(45182, Operation, THROTTLING, "Database '%ls' is busy with another operation. Please try your operation later."),
    e(45319, Operation, THROTTLING, "The service objective assignment for database '%.*ls' on server '%.*ls' could not be completed as the database is too busy."),
    e(45547, Operation, PLAIN, "The create operation has timed out in one of the backend workflows."),
    e(47132, Operation, PLAIN, "Joining availability group '%.*ls' with rebuilding contained system DB has failed because rebuilding contained MSDB has failed."),
    e(47137, Operation, PLAIN, "Cannot create contained system databases in contained availability group '%.*ls' It might be caused by temporary condition."),
    e(47139, Operation, PLAIN, "Join contained availability group '%.*ls' failed to create group master '%.*ls' Database ID."),
    e(49510, Operation, PLAIN, "Managed instance is busy with another operation. Please try your operation later."),
    e(49802, Connect, PLAIN, "Database is unavailable at the moment, please retry connection at later time."),
    e(49918, Operation, THROTTLING, "Cannot process request. Not enough resources to process request."),
    e(49919, Operation, THROTTLING, "Cannot process create or update request. Too many create or update operations in progress for subscription \"%ld\"."),
    e(49920, Operation, THROTTLING, "Cannot process request. Too many operations in progress for subscription \"%ld\"."),
    e(49977, Operation, THROTTLING, "The elastic pool '%ls' is busy with another operation. Please wait until the ongoing operation finishes and try again."),
    e(49983, Operation, PLAIN, "The '%ls' operation failed to complete. Retry the operation."),
];

/// The catalog row for an error number, if the number is transient.
pub fn lookup(number: u32) -> Option<&'static TransientError> {
    CATALOG
        .binary_search_by_key(&number, |row| row.number)
        .ok()
        .map(|i| &CATALOG[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sorted_without_duplicates_so_lookup_can_bisect() {
        assert!(CATALOG.windows(2).all(|w| w[0].number < w[1].number));
    }

    #[test]
    fn catalog_holds_every_number_of_ef_cores_list() {
        assert_eq!(CATALOG.len(), 176);
    }

    #[test]
    fn sqlclient_and_mssql_django_lists_are_contained() {
        let sqlclient = [
            233, 997, 1204, 1205, 1222, 4060, 4221, 10060, 10928, 10929, 40143, 40197, 40501,
            40540, 40613, 42108, 42109, 49918, 49919, 49920,
        ];
        let django = [4060, 10928, 10929, 40197, 40501, 40613, 49918, 49919, 49920];
        for n in sqlclient.iter().chain(&django) {
            assert!(lookup(*n).is_some(), "{n} missing");
        }
    }

    #[test]
    fn deadlock_lock_timeout_and_snapshot_conflict_are_whole_transaction_only() {
        for n in [1205, 1222, 3960] {
            assert!(lookup(n).unwrap().whole_transaction_only(), "{n}");
        }
        assert_eq!(
            CATALOG
                .iter()
                .filter(|r| r.whole_transaction_only())
                .count(),
            3
        );
    }

    #[test]
    fn login_failed_and_timeouts_are_not_in_the_catalog() {
        assert!(lookup(18456).is_none());
        assert!(lookup(3961).is_none());
    }

    #[test]
    fn scopes_follow_the_reference() {
        assert_eq!(lookup(40613).unwrap().scope, Scope::Connect);
        assert_eq!(lookup(4060).unwrap().scope, Scope::Connect);
        assert_eq!(lookup(40501).unwrap().scope, Scope::Operation);
        assert!(lookup(40501).unwrap().throttling());
        assert_eq!(lookup(10054).unwrap().scope, Scope::Lost);
        assert!(lookup(41302).unwrap().in_memory());
        assert_eq!(lookup(41839).unwrap().scope, Scope::Statement);
    }
}
