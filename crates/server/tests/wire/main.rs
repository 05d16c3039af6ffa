//! The PostgreSQL protocol against the real engine: tokio-postgres and a byte-level client
//! over TCP to an in-process one-node Tandem. (tests/protocol covers the protocol loop on a
//! fake backend; this suite covers what the engine and the loop do together.)
//!
//! Every expectation that is not Tandem's own (its version, its SCRAM password map) was checked
//! against PostgreSQL 15.18 by running this suite on it, with a role and a database named
//! `tester` for the byte-level client:
//! `TANDEM_TEST_POSTGRES='host=127.0.0.1 port=PORT user=tester dbname=tester' cargo test -p
//! tandem-server --test wire -- --test-threads=1`. Text outputs and binary encodings in the
//! tables come from PostgreSQL (`numeric_send`, `interval_send`). Where Tandem differs on
//! purpose (numeric NaN, the COPY context line) the test says so and docs/ has the gap.

#[allow(dead_code)]
#[path = "../protocol/raw.rs"]
mod raw;

mod copy;
mod extended;
mod params;
mod session;
mod types;

use std::time::Duration;

use bytes::{BufMut, BytesMut};
use tandem_testkit::TestServer;
use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

/// Longest a test may run.
const TEST_DEADLINE: Duration = Duration::from_secs(120);

/// Runs `body` against a fresh server (Tandem in-process, or the PostgreSQL named by
/// `TANDEM_TEST_POSTGRES`) with a deadline, then stops the server.
pub async fn with_server(body: impl AsyncFnOnce(&TestServer)) {
    on(TestServer::start_or_postgres().await, body).await;
}

/// Runs `body` against `server` with a deadline, then stops the server (the body's clients
/// are gone by then, so it stops at once).
pub async fn on(server: TestServer, body: impl AsyncFnOnce(&TestServer)) {
    tokio::time::timeout(TEST_DEADLINE, body(&server)).await.expect("the test took too long");
    server.stop().await;
}

/// The SQLSTATE of a server error (panics for other errors).
pub fn code(e: &tokio_postgres::Error) -> &str {
    e.as_db_error().unwrap_or_else(|| panic!("not a server error: {e:?}")).code().code()
}

/// Creates `name` afresh from `columns` (a PostgreSQL server keeps tables between runs).
pub async fn fresh_table(c: &tokio_postgres::Client, name: &str, columns: &str) {
    c.batch_execute(&format!("DROP TABLE IF EXISTS {name}; CREATE TABLE {name} ({columns})")).await.unwrap();
}

/// Any value as its binary encoding, whatever its type (as a result or a parameter).
#[derive(Clone, Debug, PartialEq)]
pub struct Binary(pub Vec<u8>);

impl FromSql<'_> for Binary {
    fn from_sql(_: &Type, raw: &[u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Binary(raw.to_vec()))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl ToSql for Binary {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.put_slice(&self.0);
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A parameter sent in the text format.
#[derive(Debug)]
pub struct Text<'a>(pub &'a str);

impl ToSql for Text<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> tokio_postgres::types::Format {
        tokio_postgres::types::Format::Text
    }

    to_sql_checked!();
}
