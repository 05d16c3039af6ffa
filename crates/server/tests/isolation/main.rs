//! Transaction isolation over the wire: several concurrent tokio-postgres sessions against an
//! in-process one-node Tandem, showing each anomaly allowed or prevented exactly as
//! PostgreSQL documents (<https://www.postgresql.org/docs/16/transaction-iso.html>), and how
//! conflicting writers wait, fail and recover.
//!
//! | anomaly                        | READ UNCOMMITTED | READ COMMITTED | REPEATABLE READ | SERIALIZABLE |
//! |--------------------------------|------------------|----------------|-----------------|--------------|
//! | dirty write (G0)               | waits            | waits          | waits, 40001    | waits, 40001 |
//! | dirty read (G1a)               | prevented        | prevented      | prevented       | prevented    |
//! | non-repeatable read            | allowed          | allowed        | prevented       | prevented    |
//! | phantom read                   | allowed          | allowed        | prevented       | prevented    |
//! | read skew (G-single)           | allowed          | allowed        | prevented       | prevented    |
//! | lost update (read, then write) | allowed          | allowed        | 40001           | 40001        |
//! | write skew (G2-item)           | allowed          | allowed        | allowed         | 40001        |
//! | phantom write skew (G2)        | allowed          | allowed        | allowed         | 40001        |
//! | read-only anomaly              | allowed          | allowed        | allowed         | 40001        |
//!
//! PostgreSQL's READ UNCOMMITTED is READ COMMITTED. "waits, 40001": the second writer of a row
//! waits for the first; if the first commits, READ COMMITTED re-reads the row and goes on
//! (never a 40001), the other levels fail with 40001; if the first rolls back, every level goes
//! on.
//!
//! Every expectation was checked against PostgreSQL 15.18 by running this same suite on it:
//! `TANDEM_TEST_POSTGRES='host=127.0.0.1 port=PORT user=postgres dbname=postgres' cargo test
//! -p tandem-server --test isolation -- --test-threads=1` (one test at a time, because the
//! lock-wait probe counts every ungranted lock in `pg_locks`). Where Tandem's serializable
//! validation (backward OCC, crates/txn/src/ssi.rs) aborts a transaction that PostgreSQL's SSI
//! commits, the test says so and asserts each server's own outcome.

mod anomalies;
mod conflicts;
mod locking;
mod serializable;

use std::time::Duration;

use tandem_testkit::{Conn, TestServer};
use tokio::task::JoinHandle;
use tokio_postgres::error::SqlState;
use tokio_postgres::SimpleQueryMessage;

/// Longest a scenario may run before the test fails.
const SCENARIO_DEADLINE: Duration = Duration::from_secs(60);

/// Longest a blocked statement may take to finish once what it waits for is gone.
const UNBLOCK_DEADLINE: Duration = Duration::from_secs(20);

/// A transaction isolation level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl Level {
    /// The statement that starts a transaction at this level.
    pub fn begin(self) -> &'static str {
        match self {
            Level::ReadUncommitted => "BEGIN ISOLATION LEVEL READ UNCOMMITTED",
            Level::ReadCommitted => "BEGIN ISOLATION LEVEL READ COMMITTED",
            Level::RepeatableRead => "BEGIN ISOLATION LEVEL REPEATABLE READ",
            Level::Serializable => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        }
    }

    /// READ COMMITTED (and READ UNCOMMITTED, which is the same): a snapshot per statement.
    pub fn read_committed(self) -> bool {
        matches!(self, Level::ReadUncommitted | Level::ReadCommitted)
    }

    fn short(self) -> &'static str {
        match self {
            Level::ReadUncommitted => "ru",
            Level::ReadCommitted => "rc",
            Level::RepeatableRead => "rr",
            Level::Serializable => "ser",
        }
    }
}

/// One scenario's database and isolation level. Against PostgreSQL each scenario works in a
/// schema of its own; against Tandem it has a fresh database.
pub struct Cx {
    pub server: TestServer,
    pub level: Level,
    schema: Option<String>,
}

impl Cx {
    /// Starts a database for scenario `name` at `level`.
    pub async fn new(name: &str, level: Level) -> Cx {
        let server = TestServer::start_or_postgres().await;
        let schema = server.is_postgres().then(|| format!("iso_{name}_{}", level.short()));
        if let Some(schema) = &schema {
            let c = server.connect().await;
            c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
        }
        Cx { server, level, schema }
    }

    /// Runs `scenario` with a deadline, then stops the database.
    pub async fn run(self, scenario: impl AsyncFnOnce(&Cx)) {
        tokio::time::timeout(SCENARIO_DEADLINE, scenario(&self)).await.expect("the scenario took too long");
        if let Some(schema) = &self.schema {
            let c = self.server.connect().await;
            c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
        }
        self.server.stop().await;
    }

    /// True against a real PostgreSQL.
    pub fn postgres(&self) -> bool {
        self.server.is_postgres()
    }

    /// A new session.
    pub async fn connect(&self) -> Conn {
        let mut config = self.server.config();
        if let Some(schema) = &self.schema {
            config.options(format!("-c search_path={schema}"));
        }
        Conn::open(&config).await.expect("connect")
    }

    /// A new session that runs `setup` (autocommit).
    pub async fn setup(&self, setup: &str) -> Conn {
        let c = self.connect().await;
        c.batch_execute(setup).await.unwrap_or_else(|e| panic!("{setup}: {e:?}"));
        c
    }

    /// A new session in a transaction at the scenario's level.
    pub async fn begin(&self) -> Conn {
        let c = self.connect().await;
        c.batch_execute(self.level.begin()).await.unwrap();
        c
    }

    /// Starts `sql` (a simple Query) on `conn` and returns once it waits for a lock. Fails the
    /// test if the statement finishes instead.
    pub async fn blocked(&self, conn: &Conn, sql: &str) -> Blocked {
        let blocked = self.start(conn, sql);
        let deadline = tokio::time::Instant::now() + UNBLOCK_DEADLINE;
        loop {
            if blocked.task.is_finished() {
                panic!("expected {sql:?} to wait for a lock, but it finished: {:?}", blocked.outcome().await);
            }
            if self.server.lock_waiters().await > 0 {
                return blocked;
            }
            assert!(tokio::time::Instant::now() < deadline, "{sql:?} neither waits nor finishes");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Starts `sql` (a simple Query) on `conn` in the background.
    pub fn start(&self, conn: &Conn, sql: &str) -> Blocked {
        let client = conn.handle();
        let sql = sql.to_string();
        Blocked { task: tokio::spawn(async move { Done::of(client.simple_query(&sql).await?) }) }
    }
}

/// What a statement returned: its rows (as text) and the count in its command tag.
#[derive(Debug)]
pub struct Done {
    pub rows: Vec<Vec<Option<String>>>,
    pub count: u64,
}

impl Done {
    fn of(messages: Vec<SimpleQueryMessage>) -> Result<Done, tokio_postgres::Error> {
        let mut done = Done { rows: Vec::new(), count: 0 };
        for m in messages {
            match m {
                SimpleQueryMessage::Row(r) => {
                    done.rows.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                }
                SimpleQueryMessage::CommandComplete(n) => done.count = n,
                _ => {}
            }
        }
        Ok(done)
    }

    /// The first column of each row, as integers.
    pub fn ints(&self) -> Vec<i64> {
        self.rows.iter().map(|r| r[0].as_deref().expect("not null").parse().expect("an integer")).collect()
    }
}

/// A statement started in the background, typically waiting for a lock.
pub struct Blocked {
    task: JoinHandle<Result<Done, tokio_postgres::Error>>,
}

impl Blocked {
    /// True while it has not finished.
    pub fn waiting(&self) -> bool {
        !self.task.is_finished()
    }

    /// Its outcome once it stops waiting.
    pub async fn outcome(self) -> Result<Done, tokio_postgres::Error> {
        tokio::time::timeout(UNBLOCK_DEADLINE, self.task).await.expect("the statement stayed blocked").unwrap()
    }
}

/// A transaction that may fail at any statement with a serialization error (PostgreSQL's SSI
/// raises it at a read, a write or COMMIT; Tandem's validation at COMMIT): once a statement
/// fails, the transaction is rolled back and later statements are skipped.
pub struct Tx {
    pub conn: Conn,
    pub error: Option<tokio_postgres::Error>,
}

impl Tx {
    /// A transaction at `cx`'s level.
    pub async fn begin(cx: &Cx) -> Tx {
        Tx { conn: cx.begin().await, error: None }
    }

    /// Runs `sql` unless the transaction already failed.
    pub async fn exec(&mut self, sql: &str) {
        if self.error.is_none() {
            if let Err(e) = self.conn.batch_execute(sql).await {
                self.fail(e).await;
            }
        }
    }

    /// Reads one int8 value, unless the transaction already failed (or fails now).
    pub async fn int8(&mut self, sql: &str) -> Option<i64> {
        if self.error.is_some() {
            return None;
        }
        match self.conn.query_one(sql, &[]).await {
            Ok(row) => Some(row.get(0)),
            Err(e) => {
                self.fail(e).await;
                None
            }
        }
    }

    async fn fail(&mut self, e: tokio_postgres::Error) {
        self.conn.batch_execute("ROLLBACK").await.unwrap();
        self.error = Some(e);
    }

    /// COMMIT; true when the transaction committed.
    pub async fn commit(&mut self) -> bool {
        self.exec("COMMIT").await;
        self.error.is_none()
    }

    /// The SQLSTATE it failed with, if it failed.
    pub fn failed_with(&self) -> Option<&str> {
        self.error.as_ref().map(code)
    }
}

/// Runs `scenario` (named `name`) at `level`.
pub async fn at(level: Level, name: &str, scenario: impl AsyncFnOnce(&Cx)) {
    Cx::new(name, level).await.run(scenario).await;
}

/// Defines a test of `scenario` at each isolation level, in a module named after it.
macro_rules! at_every_level {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            use $crate::{Cx, Level};

            async fn run(level: Level) {
                Cx::new(stringify!($scenario), level).await.run(super::$scenario).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn read_uncommitted() {
                run(Level::ReadUncommitted).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn read_committed() {
                run(Level::ReadCommitted).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn repeatable_read() {
                run(Level::RepeatableRead).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn serializable() {
                run(Level::Serializable).await;
            }
        }
    )*};
}
pub(crate) use at_every_level;

/// The SQLSTATE of a server error (panics for other errors).
pub fn code(e: &tokio_postgres::Error) -> &str {
    e.as_db_error().unwrap_or_else(|| panic!("not a server error: {e:?}")).code().code()
}

/// Asserts that `result` failed with `state`.
#[track_caller]
pub fn assert_fails<T: std::fmt::Debug>(result: Result<T, tokio_postgres::Error>, state: SqlState) {
    match result {
        Ok(v) => panic!("expected SQLSTATE {}, got success: {v:?}", state.code()),
        Err(e) => assert_eq!(code(&e), state.code(), "{e:?}"),
    }
}

/// Reads one int4 value.
pub async fn int(conn: &Conn, sql: &str) -> i32 {
    conn.query_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e:?}")).get(0)
}

/// Reads one int8 value (`count(*)`, `sum`).
pub async fn int8(conn: &Conn, sql: &str) -> i64 {
    conn.query_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e:?}")).get(0)
}

/// Runs statements, stopping at the first error: `Ok` when all succeeded.
pub async fn try_all(conn: &Conn, statements: &[&str]) -> Result<(), tokio_postgres::Error> {
    for s in statements {
        conn.batch_execute(s).await?;
    }
    Ok(())
}
