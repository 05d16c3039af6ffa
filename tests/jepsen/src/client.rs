//! PostgreSQL clients of the cluster: which node a client talks to, connections with short
//! timeouts, and what an error means for the operation's outcome.
//!
//! Every statement is bounded twice: by the server's `statement_timeout` and `lock_timeout`,
//! and by a client-side timeout, because a paused or partitioned node answers nothing at all.
//! An error before the statement that commits means the transaction did not happen (`fail`:
//! the server rolls it back, also when the connection is gone). An error at that statement
//! (`COMMIT`, or an autocommit write) means `fail` only for SQLSTATEs that promise nothing was
//! written, and an unknown outcome (`info`) otherwise: SQLSTATE 40003, a timeout, a lost
//! connection, anything unexpected.

use std::time::Duration;

use tokio_postgres::{NoTls, SimpleQueryMessage};

use crate::cluster::{find_leader, NodeAddr};

/// Connecting gives up after this long.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The client gives up on one statement after this long.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(3);
/// The server cancels a statement after this long (`statement_timeout`).
pub const SERVER_STATEMENT_TIMEOUT_MS: u64 = 2_000;
/// The server gives up waiting for a row lock after this long (`lock_timeout`).
pub const SERVER_LOCK_TIMEOUT_MS: u64 = 1_000;

/// SQLSTATEs that, even at commit, guarantee that nothing was written.
const DEFINITE: &[&str] = &[
    "40001", // serialization failure, including "the node lost leadership; nothing was committed"
    "40P01", // deadlock
    "55P03", // lock timeout
    "57P03", // not the leader (refused before anything was proposed)
    "25P02", // in a failed transaction
    "25006", // read-only transaction
    "0A000", // unsupported
];
/// SQLSTATE classes that are definite too (data, syntax and constraint errors).
const DEFINITE_CLASSES: &[&str] = &["22", "23", "42"];

/// Which node a client talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Route {
    /// The current leader, found through any node's /cluster; after a broken connection or
    /// a 57P03 the client looks for the leader again.
    Leader,
    /// Client `p` talks to node slot `p mod n`: every node serves clients, followers relay
    /// read-write work to the leader (the default).
    Any,
}

/// How an operation ended when it did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpError {
    /// It certainly did not happen.
    Fail(String),
    /// It may have happened.
    Info(String),
}

/// Why a statement failed.
#[derive(Debug)]
pub enum StmtError {
    /// The server answered with an error.
    Db {
        /// SQLSTATE.
        code: String,
        /// Message.
        message: String,
    },
    /// The connection broke.
    Closed(String),
    /// No answer in time.
    Timeout,
}

impl StmtError {
    /// The operation's outcome, given whether this was the statement that commits.
    pub fn outcome(&self, at_commit: bool) -> OpError {
        let text = self.to_string();
        match self {
            _ if !at_commit => OpError::Fail(text),
            StmtError::Db { code, .. }
                if DEFINITE.contains(&code.as_str()) || DEFINITE_CLASSES.iter().any(|c| code.starts_with(c)) =>
            {
                OpError::Fail(text)
            }
            _ => OpError::Info(text),
        }
    }

    /// True when the connection should be dropped (it broke, or may be in any state).
    pub fn breaks_connection(&self) -> bool {
        !matches!(self, StmtError::Db { .. })
    }
}

impl std::fmt::Display for StmtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StmtError::Db { code, message } => write!(f, "{code}: {message}"),
            StmtError::Closed(m) => write!(f, "connection lost: {m}"),
            StmtError::Timeout => write!(f, "timed out after {STATEMENT_TIMEOUT:?}"),
        }
    }
}

impl From<tokio_postgres::Error> for StmtError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => StmtError::Db { code: db.code().code().to_string(), message: db.message().to_string() },
            None => StmtError::Closed(e.to_string()),
        }
    }
}

/// The rows and row count of one statement, as text.
#[derive(Debug, Default)]
pub struct Answer {
    /// Rows, each column as text (`None` for NULL).
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows affected, from the command tag.
    pub affected: u64,
}

/// One connection to one node. Dropping it closes the connection (the server then rolls back
/// any open transaction).
#[derive(Debug)]
pub struct Conn {
    /// The node it is connected to.
    pub node: u64,
    client: tokio_postgres::Client,
    task: tokio::task::JoinHandle<()>,
    broken: bool,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Conn {
    /// Connects to `addr` (node `node`) and sets the session's timeouts.
    pub async fn connect(node: u64, addr: &str) -> Result<Self, String> {
        let (host, port) = addr.rsplit_once(':').ok_or_else(|| format!("bad address {addr}"))?;
        let port: u16 = port.parse().map_err(|_| format!("bad port in {addr}"))?;
        let mut cfg = tokio_postgres::Config::new();
        cfg.host(host).port(port).user("postgres").dbname("postgres").connect_timeout(CONNECT_TIMEOUT);
        let (client, connection) = tokio::time::timeout(CONNECT_TIMEOUT, cfg.connect(NoTls))
            .await
            .map_err(|_| format!("connecting to node {node} timed out"))?
            .map_err(|e| format!("connecting to node {node}: {e}"))?;
        let task = tokio::spawn(async move {
            let _ = connection.await;
        });
        let mut conn = Self { node, client, task, broken: false };
        for set in [
            format!("SET statement_timeout = {SERVER_STATEMENT_TIMEOUT_MS}"),
            format!("SET lock_timeout = {SERVER_LOCK_TIMEOUT_MS}"),
        ] {
            conn.run(&set).await.map_err(|e| format!("setting up the session on node {node}: {e}"))?;
        }
        Ok(conn)
    }

    /// True once the connection must not be used again.
    pub fn is_broken(&self) -> bool {
        self.broken || self.client.is_closed()
    }

    /// Runs one statement with the simple query protocol.
    pub async fn run(&mut self, sql: &str) -> Result<Answer, StmtError> {
        let result = match tokio::time::timeout(STATEMENT_TIMEOUT, self.client.simple_query(sql)).await {
            Err(_) => Err(StmtError::Timeout),
            Ok(Err(e)) => Err(StmtError::from(e)),
            Ok(Ok(messages)) => {
                let mut answer = Answer::default();
                for m in messages {
                    match m {
                        SimpleQueryMessage::Row(row) => {
                            answer.rows.push((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect())
                        }
                        SimpleQueryMessage::CommandComplete(n) => answer.affected = n,
                        _ => {}
                    }
                }
                Ok(answer)
            }
        };
        if let Err(e) = &result {
            self.broken |= e.breaks_connection();
        }
        result
    }

    /// Runs a statement that does not commit: any error means the operation failed, and an
    /// open transaction is rolled back so the connection can be reused.
    pub async fn step(&mut self, sql: &str) -> Result<Answer, OpError> {
        match self.run(sql).await {
            Ok(a) => Ok(a),
            Err(e) => {
                if !self.is_broken() {
                    let _ = self.run("ROLLBACK").await;
                }
                Err(e.outcome(false))
            }
        }
    }

    /// Runs the statement that commits: its errors may leave the outcome unknown.
    pub async fn commit(&mut self, sql: &str) -> Result<Answer, OpError> {
        match self.run(sql).await {
            Ok(a) => Ok(a),
            Err(e) => {
                if !self.is_broken() {
                    let _ = self.run("ROLLBACK").await;
                }
                Err(e.outcome(true))
            }
        }
    }
}

/// Picks the node for a client and connects to it.
pub async fn connect(route: Route, addrs: &[NodeAddr], process: u64) -> Result<Conn, String> {
    match route {
        Route::Leader => {
            let (id, pg) = find_leader(addrs).await.ok_or("no leader known")?;
            Conn::connect(id, &pg).await
        }
        Route::Any => {
            let a = addrs.get(process as usize % addrs.len().max(1)).ok_or("no nodes")?;
            Conn::connect(a.id, &a.pg).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(code: &str) -> StmtError {
        StmtError::Db { code: code.into(), message: "m".into() }
    }

    #[test]
    fn errors_before_commit_are_failures() {
        assert!(matches!(db("40003").outcome(false), OpError::Fail(_)));
        assert!(matches!(StmtError::Timeout.outcome(false), OpError::Fail(_)));
    }

    #[test]
    fn errors_at_commit_are_unknown_unless_they_promise_nothing_was_written() {
        assert!(matches!(db("40003").outcome(true), OpError::Info(_)));
        assert!(matches!(db("57014").outcome(true), OpError::Info(_)));
        assert!(matches!(db("XX000").outcome(true), OpError::Info(_)));
        assert!(matches!(StmtError::Timeout.outcome(true), OpError::Info(_)));
        assert!(matches!(StmtError::Closed("eof".into()).outcome(true), OpError::Info(_)));
        assert!(matches!(db("40001").outcome(true), OpError::Fail(_)));
        assert!(matches!(db("57P03").outcome(true), OpError::Fail(_)));
        assert!(matches!(db("23505").outcome(true), OpError::Fail(_)));
    }
}
