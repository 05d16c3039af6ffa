//! Tandem's SQL layer: the PostgreSQL dialect of SQL over the replicated store.
//!
//! A statement goes through these modules, in order:
//!
//! * [`sql_parse`]: splits the query string and parses each statement (sqlparser);
//! * [`plan`]: binds names and types against the [`catalog`] and builds a plan, choosing
//!   primary-key and index lookups where the predicates allow;
//! * [`exec`]: runs the plan over a transaction's view (its snapshot plus its buffered writes)
//!   from [`tandem_txn`]; writes are buffered and commit through Raft;
//! * [`session`]: the connection's state, settings and transaction control, which the wire
//!   layer drives.
//!
//! Values and types are in [`types`]; built-in functions in [`functions`]; the system catalogs
//! that psql and drivers query in [`pg_catalog`].

pub mod catalog;
pub mod error;
pub mod exec;
pub mod functions;
pub mod pg_catalog;
pub mod plan;
pub mod session;
pub mod sql_parse;
pub mod types;

pub use error::{sqlstate, Result, SqlError};
pub use session::{Engine, Session};

/// The version string `version()` returns: it starts as PostgreSQL's does, so that drivers
/// and ORMs that parse it accept Tandem.
pub fn version_string() -> String {
    format!(
        "PostgreSQL 16.0 (Tandem {}) on {}-unknown-linux-gnu, compiled by rustc, 64-bit",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    )
}
