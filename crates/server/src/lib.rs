//! Tandem's PostgreSQL wire protocol (v3) server.
//!
//! [`serve`] accepts TCP connections and runs one task per client. Each task speaks the
//! protocol itself (startup, authentication, simple and extended queries, COPY, cancel) on top
//! of a [`Backend`]: the SQL engine's [`tandem_sql::Session`] in production, a fake in the
//! protocol tests. pgwire is used only for its message types and their encoding; the
//! connection loop is ours (docs/adr/0005-own-protocol-loop.md says why).
//!
//! Module map:
//! - [`server`]: the accept loop and the per-connection task.
//! - `wire`: framing (lengths are untrusted), message decoding, buffered output.
//! - `startup`, `auth`: SSL/GSS refusal, startup packet, SCRAM-SHA-256, cancel requests.
//! - `connection`: the message loop and the simple query protocol.
//! - `extended`: Parse/Bind/Describe/Execute/Close/Sync with our own statement and portal
//!   stores.
//! - `copy_protocol` and [`copy`]: COPY FROM STDIN / TO STDOUT, and the text/CSV codecs.
//! - `values`, `errors`: RowDescription/DataRow/parameters, and SqlError → ErrorResponse.

mod auth;
pub mod backend;
mod cancel;
pub mod config;
mod connection;
pub mod copy;
mod copy_protocol;
mod errors;
mod extended;
pub mod server;
mod startup;
mod values;
mod wire;

pub use backend::{Backend, BackendFactory, CopySink, Outcome, RowSource, Statement};
pub use config::ServerConfig;
pub use server::{serve, serve_with};
