//! The types a client connection exchanges with its [`Session`](super::Session): what a
//! statement returns, result columns, COPY descriptions, cancellation.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{sqlstate, Result, SqlError};
use crate::types::{DataType, Value};

/// A result row.
pub type Row = Vec<Value>;

/// A stream of result rows, produced lazily while the client reads (bounded memory).
pub type RowStream = Box<dyn Iterator<Item = Result<Row>> + Send>;

/// One result column, as RowDescription describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name (or `?column?`).
    pub name: String,
    /// Its type (OID, length and modifier come from it).
    pub ty: DataType,
    /// The table it comes from, or 0.
    pub table_oid: u32,
    /// Its attribute number in that table, or 0.
    pub attnum: i16,
}

/// The format of COPY data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyFormat {
    /// PostgreSQL's text format: tab-separated (or `delimiter`), `\N` for NULL (or `null`),
    /// backslash escapes.
    Text {
        /// Field delimiter (one character).
        delimiter: char,
        /// The string that stands for NULL.
        null: String,
    },
    /// CSV.
    Csv {
        /// Field delimiter.
        delimiter: char,
        /// Quote character.
        quote: char,
        /// Escape character (defaults to the quote).
        escape: char,
        /// The string that stands for NULL (unquoted).
        null: String,
        /// The first line is a header (skipped on input, written on output).
        header: bool,
    },
}

/// A `COPY ... FROM STDIN` in progress: the connection feeds it rows (fields as text, `None`
/// for NULL) and then finishes or aborts it.
#[derive(Debug)]
pub struct CopyIn {
    /// The target table's name (for error contexts).
    pub table: String,
    /// The target columns' names, in the order each row's fields arrive.
    pub columns: Vec<String>,
    /// How the client's data is formatted.
    pub format: CopyFormat,
    pub(crate) state: super::copy::CopyInState,
}

/// What executing a statement produced.
pub enum Outcome {
    /// Rows to send: RowDescription (in the simple protocol), DataRows, then CommandComplete
    /// with `tag` followed by the row count (`SELECT 3`, `INSERT 0 3` for RETURNING).
    Rows {
        /// The columns.
        columns: Arc<Vec<Column>>,
        /// The rows.
        rows: RowStream,
        /// The command tag before the count: `SELECT`, `INSERT 0`, `UPDATE`, `DELETE`, `FETCH`.
        tag: String,
    },
    /// A command without rows; `tag` is the complete CommandComplete text (`CREATE TABLE`,
    /// `INSERT 0 1`, `UPDATE 5`, `BEGIN`).
    Command {
        /// The command tag.
        tag: String,
    },
    /// `COPY ... FROM STDIN`: the connection now reads CopyData.
    CopyIn(CopyIn),
    /// `COPY ... TO STDOUT`: the connection writes these rows in `format`.
    CopyOut {
        /// The columns (for CopyOutResponse and formatting).
        columns: Arc<Vec<Column>>,
        /// The rows.
        rows: RowStream,
        /// The format to write them in.
        format: CopyFormat,
    },
    /// An empty query (only comments or nothing).
    Empty,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Rows { columns, tag, .. } => {
                f.debug_struct("Rows").field("columns", columns).field("tag", tag).finish()
            }
            Outcome::Command { tag } => f.debug_struct("Command").field("tag", tag).finish(),
            Outcome::CopyIn(c) => f.debug_tuple("CopyIn").field(c).finish(),
            Outcome::CopyOut { columns, format, .. } => {
                f.debug_struct("CopyOut").field("columns", columns).field("format", format).finish()
            }
            Outcome::Empty => f.write_str("Empty"),
        }
    }
}

/// The transaction status ReadyForQuery reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransactionStatus {
    /// `I`: not in a transaction block.
    Idle,
    /// `T`: in a transaction block.
    InBlock,
    /// `E`: in a failed transaction block (until ROLLBACK).
    Failed,
}

/// Cancellation of a running statement, by a CancelRequest or `statement_timeout`. The
/// statement checks it while it runs and while its rows are sent, so a timeout or a cancel
/// also ends a query whose work happens as the client reads.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
    notify: Arc<tokio::sync::Notify>,
    /// When `statement_timeout` ends the running statement.
    deadline: Arc<parking_lot::Mutex<Option<Instant>>>,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation of the statement running now.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    /// Ends the running statement once `timeout` has passed from now (`None`: no limit).
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        *self.deadline.lock() = timeout.map(|t| Instant::now() + t);
    }

    fn timed_out(&self) -> bool {
        self.deadline.lock().is_some_and(|d| Instant::now() >= d)
    }

    /// True once cancelled or timed out.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Acquire) || self.timed_out()
    }

    /// 57014 once cancelled or timed out, with PostgreSQL's message for the reason.
    pub fn check(&self) -> Result<()> {
        if self.flag.load(Ordering::Acquire) {
            return Err(SqlError::new(sqlstate::QUERY_CANCELED, "canceling statement due to user request"));
        }
        if self.timed_out() {
            return Err(SqlError::new(sqlstate::QUERY_CANCELED, "canceling statement due to statement timeout"));
        }
        Ok(())
    }

    /// Clears a cancellation and the timeout (before the next statement).
    pub fn reset(&self) {
        self.flag.store(false, Ordering::Release);
        *self.deadline.lock() = None;
    }

    /// Resolves when cancelled or timed out, with the error to report.
    pub async fn cancelled(&self) -> SqlError {
        loop {
            let notified = self.notify.notified();
            if let Err(e) = self.check() {
                return e;
            }
            let deadline = *self.deadline.lock();
            match deadline {
                Some(d) => {
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep_until(tokio::time::Instant::from_std(d)) => {}
                    }
                }
                None => notified.await,
            }
        }
    }
}

/// Who connected, from the startup message.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StartupInfo {
    /// `user`.
    pub user: String,
    /// `database` (defaults to the user name, as in PostgreSQL).
    pub database: String,
    /// Every other startup parameter (`application_name`, `client_encoding`, `DateStyle`,
    /// `TimeZone`, `options`, ...), applied as session settings.
    pub params: Vec<(String, String)>,
}
