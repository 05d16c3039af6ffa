//! The COPY sub-protocols. FROM STDIN: CopyInResponse, then CopyData chunks are decoded
//! (see [`crate::copy`]) and fed to the session in batches until CopyDone (CommandComplete
//! `COPY n`) or CopyFail (the session's abort error); a malformed row aborts with 22P04. TO
//! STDOUT: CopyOutResponse, one CopyData per row, CopyDone, `COPY n`.

use bytes::Bytes;
use pgwire::messages::copy::{CopyData, CopyDone, CopyInResponse, CopyOutResponse};
use pgwire::messages::{PgWireBackendMessage as B, PgWireFrontendMessage as F};
use tandem_sql::session::{Column, CopyFormat};
use tandem_sql::SqlError;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::backend::{Backend, CopySink, RowSource};
use crate::connection::Connection;
use crate::copy::{CopyDecoder, CopyEncoder, CopyRow};
use crate::errors::{protocol_violation, Failure};

/// Rows handed to the session at a time.
const COPY_BATCH: usize = 1000;

/// The type byte of a frontend message, for error messages.
fn message_type(message: &F) -> u8 {
    match message {
        F::Query(_) => b'Q',
        F::Parse(_) => b'P',
        F::Bind(_) => b'B',
        F::Describe(_) => b'D',
        F::Execute(_) => b'E',
        F::Close(_) => b'C',
        F::PasswordMessageFamily(_) => b'p',
        _ => 0,
    }
}

fn column_count(n: usize) -> Result<i16, SqlError> {
    i16::try_from(n).map_err(|_| SqlError::new(tandem_sql::sqlstate::TOO_MANY_COLUMNS, "too many columns"))
}

impl<S, Bk> Connection<S, Bk>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    Bk: Backend,
{
    /// Runs a COPY FROM STDIN to its end; returns the number of rows copied.
    pub(crate) async fn copy_in(&mut self, mut copy: Bk::Copy) -> Result<u64, Failure> {
        let columns = copy.columns().len();
        let prepared =
            CopyDecoder::new(copy.format(), copy.columns().to_vec()).and_then(|d| Ok((d, column_count(columns)?)));
        let (mut decoder, count) = match prepared {
            Ok(ready) => ready,
            Err(e) => {
                self.backend.copy_abort(copy, &e.message).await;
                return Err(e.into());
            }
        };
        self.wire.push(B::CopyInResponse(CopyInResponse::new(0, count, vec![0; columns])));
        self.wire.flush().await?;
        let mut rows: Vec<CopyRow> = Vec::new();
        loop {
            let message = match self.wire.read_message().await {
                Ok(message) => message,
                Err(Failure::Error { .. }) => {
                    let e = protocol_violation("unexpected message type 0x46 during COPY from stdin");
                    return Err(self.abort_copy(copy, e, None).await);
                }
                Err(other) => {
                    self.backend.copy_abort(copy, "client connection lost").await;
                    return Err(other);
                }
            };
            match message {
                F::CopyData(data) => {
                    if let Err(e) = decoder.feed(&data.data, &mut rows) {
                        return Err(self.abort_copy(copy, e, Some(decoder.line())).await);
                    }
                    if rows.len() >= COPY_BATCH {
                        if let Err(e) = self.copy_batch(&mut copy, &mut rows).await {
                            return Err(self.abort_copy(copy, e, None).await);
                        }
                    }
                }
                F::CopyDone(_) => {
                    if let Err(e) = decoder.finish(&mut rows) {
                        return Err(self.abort_copy(copy, e, Some(decoder.line())).await);
                    }
                    if let Err(e) = self.copy_batch(&mut copy, &mut rows).await {
                        return Err(self.abort_copy(copy, e, None).await);
                    }
                    return Ok(self.backend.copy_finish(copy).await?);
                }
                F::CopyFail(fail) => return Err(self.backend.copy_abort(copy, &fail.message).await.into()),
                F::Flush(_) | F::Sync(_) => {}
                F::Terminate(_) => {
                    self.backend.copy_abort(copy, "client terminated the connection").await;
                    return Err(Failure::Closed);
                }
                other => {
                    let e = protocol_violation(format!(
                        "unexpected message type 0x{:02X} during COPY from stdin",
                        message_type(&other)
                    ));
                    return Err(self.abort_copy(copy, e, None).await);
                }
            }
        }
    }

    /// Hands the decoded rows to the session.
    async fn copy_batch(&mut self, copy: &mut Bk::Copy, rows: &mut Vec<CopyRow>) -> Result<(), SqlError> {
        self.check_cancel()?;
        if rows.is_empty() {
            return Ok(());
        }
        self.backend.copy_rows(copy, std::mem::take(rows)).await
    }

    /// Aborts the COPY in the session and returns `error` to report, with the line it
    /// happened on.
    async fn abort_copy(&mut self, copy: Bk::Copy, error: SqlError, line: Option<u64>) -> Failure {
        let table = copy.table().to_string();
        self.backend.copy_abort(copy, &error.message).await;
        match line {
            Some(line) => Failure::with_context(error, format!("COPY {table}, line {line}")),
            None => error.into(),
        }
    }

    /// Runs a COPY TO STDOUT: one CopyData per row.
    pub(crate) async fn copy_out(
        &mut self,
        columns: &[Column],
        rows: &mut Bk::Rows,
        format: &CopyFormat,
    ) -> Result<(), Failure> {
        let encoder = CopyEncoder::new(format)?;
        let count = column_count(columns.len())?;
        self.wire.push(B::CopyOutResponse(CopyOutResponse::new(0, count, vec![0; columns.len()])));
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        if let Some(header) = encoder.header(&names) {
            self.wire.push(B::CopyData(CopyData::new(Bytes::from(header))));
        }
        let mut copied = 0u64;
        let mut line = Vec::new();
        while let Some(row) = rows.next_row().await {
            self.check_cancel()?;
            let row = row?;
            if row.len() != columns.len() {
                return Err(
                    SqlError::internal(format!("row has {} values for {} columns", row.len(), columns.len())).into()
                );
            }
            let fields: Vec<Option<String>> = row
                .iter()
                .zip(columns)
                .map(|(v, c)| (!v.is_null()).then(|| self.backend.encode_text(v, &c.ty)))
                .collect();
            line.clear();
            encoder.encode_row(&fields, &mut line);
            self.wire.push(B::CopyData(CopyData::new(Bytes::copy_from_slice(&line))));
            copied += 1;
            self.wire.flush_if_full().await?;
        }
        self.wire.push(B::CopyDone(CopyDone::new()));
        self.complete(format!("COPY {copied}"));
        Ok(())
    }
}
