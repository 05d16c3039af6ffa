//! What the protocol needs from the SQL engine, as a trait: [`Backend`] is implemented for
//! [`tandem_sql::Session`] and, in the tests, for a fake that returns canned rows, errors and
//! COPYs, so the protocol loop can be tested without the engine.

use std::future::Future;
use std::sync::Arc;

use tandem_sql::session::{
    CancelToken, Column, CopyFormat, CopyIn, Prepared, Row, RowStream, StartupInfo, TransactionStatus,
};
use tandem_sql::types::{binary, text, DataType, Value};
use tandem_sql::{Engine, Session, SqlError};

/// Where a statement's result rows come from: pulled one at a time while they are sent, so a
/// large result never sits in memory. A local result is a [`RowStream`]; a result relayed from
/// another node arrives over the network.
pub trait RowSource: Send + 'static {
    /// The next row, an error that ends the result, or `None` at its end.
    fn next_row(&mut self) -> impl Future<Output = Option<Result<Row, SqlError>>> + Send;
}

impl RowSource for RowStream {
    async fn next_row(&mut self) -> Option<Result<Row, SqlError>> {
        self.next()
    }
}

/// What executing a statement produced; [`tandem_sql::session::Outcome`] with the COPY FROM
/// STDIN state (`C`) and the rows (`R`) left to the backend.
pub enum Outcome<C, R = RowStream> {
    /// Rows: RowDescription (simple protocol), DataRows, then CommandComplete `"{tag} {n}"`.
    Rows {
        /// The columns.
        columns: Arc<Vec<Column>>,
        /// The rows, pulled while they are sent.
        rows: R,
        /// The command tag before the count (`SELECT`, `INSERT 0`, `FETCH`).
        tag: String,
    },
    /// A command without rows; `tag` is the whole CommandComplete text.
    Command {
        /// The command tag.
        tag: String,
    },
    /// `COPY ... FROM STDIN`: the connection reads CopyData into this.
    CopyIn(C),
    /// `COPY ... TO STDOUT`: the connection writes these rows in `format`.
    CopyOut {
        /// The columns (names for a CSV header, types for formatting).
        columns: Arc<Vec<Column>>,
        /// The rows.
        rows: R,
        /// Text or CSV.
        format: CopyFormat,
    },
    /// An empty query.
    Empty,
}

impl<C, R> std::fmt::Debug for Outcome<C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Rows { tag, .. } => write!(f, "Rows({tag})"),
            Outcome::Command { tag } => write!(f, "Command({tag})"),
            Outcome::CopyIn(_) => f.write_str("CopyIn"),
            Outcome::CopyOut { format, .. } => write!(f, "CopyOut({format:?})"),
            Outcome::Empty => f.write_str("Empty"),
        }
    }
}

/// A `COPY ... FROM STDIN` in progress, as the connection sees it.
pub trait CopySink: Send {
    /// The target table's name (for error contexts).
    fn table(&self) -> &str;
    /// The target columns' names, one per field of each row (for error messages).
    fn columns(&self) -> &[String];
    /// How the client's data is formatted.
    fn format(&self) -> &CopyFormat;
}

impl CopySink for CopyIn {
    fn table(&self) -> &str {
        &self.table
    }

    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn format(&self) -> &CopyFormat {
        &self.format
    }
}

/// A parsed statement, as the protocol sees it: what Describe reports.
pub trait Statement: Send + Sync + 'static {
    /// Parameter types (ParameterDescription; Bind decodes parameters with them).
    fn param_types(&self) -> &[DataType];
    /// Result columns (RowDescription), or `None` for NoData.
    fn columns(&self) -> Option<&Arc<Vec<Column>>>;
}

impl Statement for Prepared {
    fn param_types(&self) -> &[DataType] {
        &self.param_types
    }

    fn columns(&self) -> Option<&Arc<Vec<Column>>> {
        self.columns.as_ref()
    }
}

/// One client's session, as the protocol uses it. The methods mirror
/// [`tandem_sql::Session`]'s, plus the value conversions that depend on session settings.
pub trait Backend: Send + 'static {
    /// A parsed statement.
    type Statement: Statement;
    /// A COPY FROM STDIN in progress.
    type Copy: CopySink;
    /// Result rows.
    type Rows: RowSource;

    /// The process id for BackendKeyData (what `pg_backend_pid()` shows), or `None` to let
    /// the server pick one.
    fn pid(&self) -> Option<i32>;
    /// The ParameterStatus messages to send after authentication.
    fn parameter_statuses(&self) -> Vec<(String, String)>;
    /// Splits and parses a simple Query string (empty for only comments or semicolons).
    /// Syntax errors carry their position in `sql`.
    fn parse_batch(&mut self, sql: &str) -> Result<Vec<Self::Statement>, SqlError>;
    /// Parses and describes one statement for Parse.
    fn prepare(
        &mut self,
        sql: &str,
        param_types: &[Option<DataType>],
    ) -> impl Future<Output = Result<Self::Statement, SqlError>> + Send;
    /// Runs a statement. Error positions are in the query string the statement came from.
    fn execute(
        &mut self,
        stmt: &Self::Statement,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> impl Future<Output = Result<Outcome<Self::Copy, Self::Rows>, SqlError>> + Send;
    /// Starts a simple Query of `statements` statements.
    fn batch_begin(&mut self, statements: usize);
    /// Ends a simple Query (commits or, if `failed`, rolls back its implicit transaction).
    fn batch_end(&mut self, failed: bool) -> impl Future<Output = Result<(), SqlError>> + Send;
    /// An ERROR was reported for the current statement: an open transaction block becomes
    /// failed, as after any ERROR in PostgreSQL. Called for every error the connection
    /// reports, including those the session raised itself (it must be idempotent) and those
    /// it cannot know about: an error while streaming rows, a Bind or Describe error, a
    /// missing portal, a malformed COPY row.
    fn statement_failed(&mut self) -> impl Future<Output = ()> + Send;
    /// The status for ReadyForQuery.
    fn transaction_status(&self) -> TransactionStatus;
    /// Notices raised since the last call.
    fn take_notices(&mut self) -> Vec<SqlError>;
    /// Reported settings changed since the last call.
    fn take_parameter_changes(&mut self) -> Vec<(String, String)>;
    /// Adds rows to a COPY FROM STDIN.
    fn copy_rows(
        &mut self,
        copy: &mut Self::Copy,
        rows: Vec<Vec<Option<String>>>,
    ) -> impl Future<Output = Result<(), SqlError>> + Send;
    /// Completes a COPY FROM STDIN; returns the number of rows copied.
    fn copy_finish(&mut self, copy: Self::Copy) -> impl Future<Output = Result<u64, SqlError>> + Send;
    /// Aborts a COPY FROM STDIN; returns the error to report.
    fn copy_abort(&mut self, copy: Self::Copy, message: &str) -> impl Future<Output = SqlError> + Send;
    /// Ends the session (an open transaction rolls back).
    fn close(self) -> impl Future<Output = ()> + Send;

    /// A non-NULL value in text format, with the session's settings.
    fn encode_text(&self, value: &Value, ty: &DataType) -> String;
    /// A non-NULL value in binary format.
    fn encode_binary(&self, value: &Value, ty: &DataType) -> Result<Vec<u8>, SqlError>;
    /// A text-format parameter of type `ty`.
    fn decode_text(&self, input: &str, ty: &DataType) -> Result<Value, SqlError>;
    /// A binary-format parameter of type `ty`.
    fn decode_binary(&self, input: &[u8], ty: &DataType) -> Result<Value, SqlError>;
}

/// Opens a [`Backend`] for each client that completed startup.
pub trait BackendFactory: Send + Sync + 'static {
    /// The sessions it opens.
    type Backend: Backend;
    /// A session for the client described by `startup`; an error is sent as FATAL.
    fn open(&self, startup: StartupInfo) -> Result<Self::Backend, SqlError>;
}

impl BackendFactory for Arc<Engine> {
    type Backend = Session;

    fn open(&self, startup: StartupInfo) -> Result<Session, SqlError> {
        self.new_session(startup)
    }
}

impl Backend for Session {
    type Statement = Prepared;
    type Copy = CopyIn;
    type Rows = RowStream;

    fn pid(&self) -> Option<i32> {
        Some(Session::pid(self))
    }

    fn parameter_statuses(&self) -> Vec<(String, String)> {
        Session::parameter_statuses(self)
    }

    fn parse_batch(&mut self, sql: &str) -> Result<Vec<Prepared>, SqlError> {
        Session::parse_batch(self, sql)
    }

    async fn prepare(&mut self, sql: &str, param_types: &[Option<DataType>]) -> Result<Prepared, SqlError> {
        Session::prepare_fenced(self, sql, param_types).await
    }

    async fn execute(
        &mut self,
        stmt: &Prepared,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome<CopyIn>, SqlError> {
        use tandem_sql::session::Outcome as O;
        Ok(match Session::execute(self, stmt, params, cancel).await? {
            O::Rows { columns, rows, tag } => Outcome::Rows { columns, rows, tag },
            O::Command { tag } => Outcome::Command { tag },
            O::CopyIn(copy) => Outcome::CopyIn(copy),
            O::CopyOut { columns, rows, format } => Outcome::CopyOut { columns, rows, format },
            O::Empty => Outcome::Empty,
        })
    }

    fn batch_begin(&mut self, statements: usize) {
        Session::batch_begin(self, statements)
    }

    async fn batch_end(&mut self, failed: bool) -> Result<(), SqlError> {
        Session::batch_end(self, failed).await
    }

    async fn statement_failed(&mut self) {
        self.fail_block();
    }

    fn transaction_status(&self) -> TransactionStatus {
        Session::transaction_status(self)
    }

    fn take_notices(&mut self) -> Vec<SqlError> {
        Session::take_notices(self)
    }

    fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        Session::take_parameter_changes(self)
    }

    async fn copy_rows(&mut self, copy: &mut CopyIn, rows: Vec<Vec<Option<String>>>) -> Result<(), SqlError> {
        Session::copy_rows(self, copy, rows).await
    }

    async fn copy_finish(&mut self, copy: CopyIn) -> Result<u64, SqlError> {
        Session::copy_finish(self, copy).await
    }

    async fn copy_abort(&mut self, copy: CopyIn, message: &str) -> SqlError {
        Session::copy_abort(self, copy, message)
    }

    async fn close(self) {
        Session::close(self).await
    }

    fn encode_text(&self, value: &Value, ty: &DataType) -> String {
        Session::format_text(self, value, ty)
    }

    fn encode_binary(&self, value: &Value, ty: &DataType) -> Result<Vec<u8>, SqlError> {
        binary::format_binary(value, ty)
    }

    fn decode_text(&self, input: &str, ty: &DataType) -> Result<Value, SqlError> {
        text::parse_text(input, ty, self.text_context())
    }

    fn decode_binary(&self, input: &[u8], ty: &DataType) -> Result<Value, SqlError> {
        binary::parse_binary(input, ty)
    }
}
