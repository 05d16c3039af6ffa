//! Test support shared by Tandem's integration tests.
//!
//! - [`Db`]: an in-process one-node database — a Raft group of one on a temporary RocksDB
//!   store, its transaction manager and its SQL engine — for tests that drive sessions
//!   directly (crates/sql's golden tests).
//! - [`TestServer`]: the same database served over the PostgreSQL wire protocol on a loopback
//!   port, with [`TestServer::connect`] for tokio-postgres clients (crates/server's wire and
//!   isolation tests). Set `TANDEM_TEST_POSTGRES` to a libpq-style connection string and
//!   [`TestServer::start_or_postgres`] connects to that server instead, so that the very same
//!   assertions can be checked against a real PostgreSQL.
//!
//! Everything is bounded and cleans up after itself: the store lives in a temporary directory
//! removed on drop, and the server task ends with the test's runtime.
//!
//! This crate sits above every other crate and only tests depend on it.

mod db;
mod server;

pub use db::Db;
pub use server::{Conn, TestServer, POSTGRES_ENV};
