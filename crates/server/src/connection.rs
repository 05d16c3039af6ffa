//! One client connection after startup: the message loop and the simple query protocol.
//!
//! A Query is split and parsed by the session, then its statements run one by one inside
//! `batch_begin`/`batch_end`; each result is streamed as it is produced, and the first error
//! ends the batch, as in PostgreSQL. Extended-protocol messages are handled in
//! `extended`; an error there makes the loop skip messages until Sync. ReadyForQuery always
//! reports the session's own transaction status, so a ROLLBACK TO SAVEPOINT can take a
//! failed transaction back to `T`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::BytesMut;
use pgwire::messages::response::{CommandComplete, EmptyQueryResponse, ReadyForQuery};
use pgwire::messages::startup::ParameterStatus;
use pgwire::messages::{PgWireBackendMessage as B, PgWireFrontendMessage as F};
use tandem_sql::session::{CancelToken, Column, TransactionStatus};
use tandem_sql::SqlError;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::backend::{Backend, Outcome, RowSource};
use crate::errors::{error_response, fatal_response, notice_response, protocol_violation, Failure};
use crate::extended::Portal;
use crate::values::{data_row, ready_status, row_description};
use crate::wire::Wire;

/// A connection in the query phase.
pub(crate) struct Connection<S, Bk: Backend> {
    pub(crate) wire: Wire<S>,
    pub(crate) backend: Bk,
    pub(crate) cancel: CancelToken,
    /// Prepared statements by name; `""` is the unnamed one.
    pub(crate) statements: HashMap<String, Arc<Bk::Statement>>,
    /// Portals by name; `""` is the unnamed one.
    pub(crate) portals: HashMap<String, Portal<Bk::Statement, Bk::Rows>>,
    /// An extended-protocol message failed: skip messages until Sync.
    pub(crate) skip_until_sync: bool,
    /// Reused buffer for encoding DataRows.
    scratch: BytesMut,
}

impl<S, Bk> Connection<S, Bk>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    Bk: Backend,
{
    /// A connection that completed startup.
    pub(crate) fn new(wire: Wire<S>, backend: Bk, cancel: CancelToken) -> Self {
        Self {
            wire,
            backend,
            cancel,
            statements: HashMap::new(),
            portals: HashMap::new(),
            skip_until_sync: false,
            scratch: BytesMut::new(),
        }
    }

    /// Serves the client until it terminates or disconnects, then closes the session (an
    /// open transaction rolls back).
    pub(crate) async fn run(mut self) {
        match self.message_loop().await {
            Ok(()) | Err(Failure::Closed) => {}
            Err(Failure::Fatal(e)) => {
                tracing::debug!(code = e.code, message = %e.message, "closing connection");
                self.wire.push(B::ErrorResponse(fatal_response(&e)));
                let _ = self.wire.flush().await;
            }
            Err(Failure::Error { error, context }) => {
                self.wire.push(B::ErrorResponse(error_response(&error, context.as_deref())));
                let _ = self.wire.flush().await;
            }
        }
        self.portals.clear();
        self.backend.close().await;
    }

    async fn message_loop(&mut self) -> Result<(), Failure> {
        loop {
            let message = match self.wire.read_message().await {
                Ok(message) => message,
                Err(Failure::Error { error, context }) => {
                    // A message we understand but do not serve (function call).
                    if !self.skip_until_sync {
                        self.report(&error, context.as_deref());
                        self.ready_for_query().await?;
                    }
                    continue;
                }
                Err(other) => return Err(other),
            };
            if self.skip_until_sync && !matches!(message, F::Sync(_) | F::Terminate(_)) {
                continue;
            }
            match message {
                F::Query(query) => self.simple_query(&query.query).await?,
                F::Parse(m) => {
                    let result = self.parse(m).await;
                    self.extended(result).await?;
                }
                F::Bind(m) => {
                    let result = self.bind(m);
                    self.extended(result).await?;
                }
                F::Describe(m) => {
                    let result = self.describe(m);
                    self.extended(result).await?;
                }
                F::Execute(m) => {
                    let result = self.execute(m).await;
                    self.extended(result).await?;
                }
                F::Close(m) => {
                    let result = self.close(m);
                    self.extended(result).await?;
                }
                F::Flush(_) => self.wire.flush().await?,
                F::Sync(_) => self.sync().await?,
                F::Terminate(_) => return Ok(()),
                // Left over from a COPY that failed while the client was still sending.
                F::CopyData(_) | F::CopyDone(_) | F::CopyFail(_) => {}
                F::PasswordMessageFamily(_)
                | F::SslNegotiation(_)
                | F::Startup(_)
                | F::CancelRequest(_)
                | F::PortalSuspended(_) => {
                    return Err(Failure::Fatal(protocol_violation("unexpected message type during query phase")));
                }
            }
        }
    }

    /// Buffers an ErrorResponse (after any pending notices).
    pub(crate) fn report(&mut self, error: &SqlError, context: Option<&str>) {
        self.send_notices();
        self.wire.push(B::ErrorResponse(error_response(error, context)));
    }

    /// Buffers the session's pending notices.
    pub(crate) fn send_notices(&mut self) {
        for notice in self.backend.take_notices() {
            self.wire.push(B::NoticeResponse(notice_response(&notice)));
        }
    }

    /// Buffers ParameterStatus for settings the last statement changed.
    pub(crate) fn send_parameter_changes(&mut self) {
        for (name, value) in self.backend.take_parameter_changes() {
            self.wire.push(B::ParameterStatus(ParameterStatus::new(name, value)));
        }
    }

    /// Buffers CommandComplete.
    pub(crate) fn complete(&mut self, tag: String) {
        self.send_notices();
        self.wire.push(B::CommandComplete(CommandComplete::new(tag)));
    }

    /// Sends ReadyForQuery with the session's status and flushes.
    pub(crate) async fn ready_for_query(&mut self) -> Result<(), Failure> {
        self.send_notices();
        let status = self.backend.transaction_status();
        self.wire.push(B::ReadyForQuery(ReadyForQuery::new(ready_status(status))));
        self.wire.flush().await
    }

    /// Drops every portal once no transaction is open: portals live until their transaction
    /// ends.
    pub(crate) fn drop_portals_if_idle(&mut self) {
        if self.backend.transaction_status() == TransactionStatus::Idle {
            self.portals.clear();
        }
    }

    async fn sync(&mut self) -> Result<(), Failure> {
        self.skip_until_sync = false;
        self.drop_portals_if_idle();
        self.ready_for_query().await
    }

    /// Finishes an extended-protocol message: an error is reported and starts
    /// skip-until-Sync.
    async fn extended(&mut self, result: Result<(), Failure>) -> Result<(), Failure> {
        match result {
            Err(Failure::Error { error, context }) => {
                self.report(&error, context.as_deref());
                self.backend.statement_failed().await;
                self.skip_until_sync = true;
                Ok(())
            }
            other => other,
        }
    }

    /// Handles a simple Query message.
    async fn simple_query(&mut self, sql: &str) -> Result<(), Failure> {
        self.cancel.reset();
        self.statements.remove("");
        self.portals.remove("");
        let statements = match self.backend.parse_batch(sql) {
            Ok(statements) => statements,
            Err(e) => {
                // Nothing ran; a transaction block still fails, as in PostgreSQL.
                self.report(&e, None);
                self.backend.statement_failed().await;
                return self.ready_for_query().await;
            }
        };
        if statements.is_empty() {
            self.wire.push(B::EmptyQueryResponse(EmptyQueryResponse::new()));
            return self.ready_for_query().await;
        }
        self.backend.batch_begin(statements.len());
        let mut failed = false;
        for stmt in &statements {
            match self.simple_statement(stmt).await {
                Ok(()) => {}
                Err(Failure::Error { error, context }) => {
                    self.report(&error, context.as_deref());
                    self.backend.statement_failed().await;
                    self.send_parameter_changes();
                    failed = true;
                    break;
                }
                Err(other) => return Err(other),
            }
        }
        if let Err(e) = self.backend.batch_end(failed).await {
            self.report(&e, None);
        }
        self.send_parameter_changes();
        self.drop_portals_if_idle();
        self.ready_for_query().await
    }

    /// Runs one statement of a simple Query and sends its result.
    async fn simple_statement(&mut self, stmt: &Bk::Statement) -> Result<(), Failure> {
        let outcome = self.backend.execute(stmt, Vec::new(), &self.cancel).await?;
        self.send_notices();
        match outcome {
            Outcome::Rows { columns, mut rows, tag } => {
                self.wire.push(B::RowDescription(row_description(&columns, &[])));
                let (sent, _) = self.send_rows(&columns, &mut rows, &[], None).await?;
                self.complete(rows_tag(&tag, sent));
            }
            Outcome::Command { tag } => self.complete(tag),
            Outcome::Empty => self.wire.push(B::EmptyQueryResponse(EmptyQueryResponse::new())),
            Outcome::CopyIn(copy) => {
                let copied = self.copy_in(copy).await?;
                self.complete(format!("COPY {copied}"));
            }
            Outcome::CopyOut { columns, mut rows, format } => self.copy_out(&columns, &mut rows, &format).await?,
        }
        self.send_parameter_changes();
        self.wire.flush_if_full().await
    }

    /// Streams up to `limit` rows (all when `None`) as DataRows in `formats`. Returns how many
    /// were sent and whether the stream is exhausted.
    pub(crate) async fn send_rows(
        &mut self,
        columns: &[Column],
        rows: &mut Bk::Rows,
        formats: &[i16],
        limit: Option<u64>,
    ) -> Result<(u64, bool), Failure> {
        let mut sent = 0;
        loop {
            if limit.is_some_and(|limit| sent >= limit) {
                return Ok((sent, false));
            }
            self.check_cancel()?;
            let Some(row) = rows.next_row().await else { return Ok((sent, true)) };
            let row = data_row(&self.backend, columns, &row?, formats, &mut self.scratch)?;
            self.wire.push(B::DataRow(row));
            sent += 1;
            self.wire.flush_if_full().await?;
        }
    }

    /// 57014 once a CancelRequest arrived for the running statement, or its
    /// `statement_timeout` passed.
    pub(crate) fn check_cancel(&self) -> Result<(), SqlError> {
        self.cancel.check()
    }
}

/// CommandComplete's text for a statement that returned `rows` rows: the tag and the count
/// (`SELECT 3`, `INSERT 0 1`), except for SHOW and EXPLAIN, which PostgreSQL tags alone.
pub(crate) fn rows_tag(tag: &str, rows: u64) -> String {
    match tag {
        "SHOW" | "EXPLAIN" => tag.to_string(),
        _ => format!("{tag} {rows}"),
    }
}
