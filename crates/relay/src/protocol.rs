//! The relay protocol between a follower and the leader, carried as opaque application
//! requests of the peer protocol (`Request::App`, one or more `Response::App` answers) on a
//! connection of its own, so that large results never delay Raft heartbeats.
//!
//! A follower opens a session on the leader for a client ([`RelayRequest::Open`]); that
//! request's answer stays open for as long as the session lives, and when the follower's
//! connection closes the leader ends the session, rolling back its transaction. Each call on the
//! session is one request and one answer ([`Answer`]). Result rows travel in chunks: the answer
//! to a statement carries the first chunk, and the follower fetches the next one when the
//! client has read it, so a large result never sits whole in memory on either node.
//!
//! Values travel in the row encoding of storage (`types::rowenc`), with their types.

use serde::{Deserialize, Serialize};
use tandem_sql::session::{Column, CopyFormat, StartupInfo, TransactionStatus};
use tandem_sql::types::DataType;
use tandem_sql::SqlError;

/// A request from a follower.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum RelayRequest {
    /// Opens session `id` (unique on the calling node) for a client that connected with
    /// `startup`, with the client's current `settings`.
    Open {
        /// The follower's id for the session.
        id: u64,
        /// The client's startup message.
        startup: StartupInfo,
        /// The session-level settings.
        settings: Vec<(String, String)>,
    },
    /// A call on session `id`. `settings` are the client's settings when they changed since
    /// the last call.
    Call {
        /// The session.
        id: u64,
        /// New session-level settings, if any.
        settings: Option<Vec<(String, String)>>,
        /// What to do.
        call: Call,
    },
    /// Cancels the statement running in session `id` (a CancelRequest reached the follower).
    Cancel {
        /// The session.
        id: u64,
    },
}

/// One operation on a relayed session; each mirrors a [`tandem_sql::Session`] method.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Call {
    /// `Session::batch_begin`.
    BatchBegin {
        /// Statements in the simple Query.
        statements: u32,
    },
    /// `Session::batch_end`.
    BatchEnd {
        /// A statement failed: roll back the implicit transaction.
        failed: bool,
    },
    /// `Session::fail_block`.
    FailBlock,
    /// `Session::execute`.
    Execute {
        /// The statement.
        stmt: Stmt,
        /// Parameter types, and the values in the row encoding.
        param_types: Vec<DataType>,
        /// The encoded parameters.
        params: Vec<u8>,
    },
    /// The next chunk of a result.
    Fetch {
        /// The result's stream.
        stream: u64,
    },
    /// Drops a result the client will not read to its end.
    CloseStream {
        /// The result's stream.
        stream: u64,
    },
    /// `Session::copy_rows`.
    CopyRows {
        /// Fields as text, `None` for NULL.
        rows: Vec<Vec<Option<String>>>,
    },
    /// `Session::copy_finish`.
    CopyFinish,
    /// `Session::copy_abort`.
    CopyAbort {
        /// The client's reason.
        message: String,
    },
    /// Ends the session.
    Close,
}

/// A statement as the follower parsed it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Stmt {
    /// The follower's id for the statement: the leader parses it once per session.
    pub key: u64,
    /// Its text.
    pub sql: String,
    /// Its offset in the simple Query it came from (error positions).
    pub offset: u32,
    /// `Some` for a statement prepared with the extended protocol (its declared parameter
    /// types); `None` for a statement of a simple Query, bound when it runs.
    pub declared: Option<Vec<Option<DataType>>>,
}

/// The answer to a request.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Answer {
    /// What the call returned.
    pub result: Result<Reply, SqlError>,
    /// The session after the call.
    pub state: SessionState,
}

/// A successful call's result.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Reply {
    /// The session is open (first answer to `Open`).
    Opened,
    /// The call had no result.
    Done,
    /// What a statement produced.
    Outcome(OutcomeHead),
    /// The next chunk of a result.
    Chunk(Chunk),
    /// Rows copied by a COPY FROM STDIN.
    Copied(u64),
    /// The error to report for an aborted COPY FROM STDIN.
    CopyAborted(SqlError),
}

/// A statement's outcome, with the first chunk of its rows.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum OutcomeHead {
    /// Rows (a query, or RETURNING).
    Rows {
        /// The columns.
        columns: Vec<Column>,
        /// The command tag before the count.
        tag: String,
        /// The first rows.
        first: Chunk,
    },
    /// A command without rows.
    Command {
        /// The whole command tag.
        tag: String,
    },
    /// A COPY FROM STDIN began.
    CopyIn {
        /// The target table.
        table: String,
        /// The target columns, one per field.
        columns: Vec<String>,
        /// The data's format.
        format: CopyFormat,
    },
    /// A COPY TO STDOUT.
    CopyOut {
        /// The columns.
        columns: Vec<Column>,
        /// The output format.
        format: CopyFormat,
        /// The first rows.
        first: Chunk,
    },
    /// An empty statement.
    Empty,
}

/// Some rows of a result.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Chunk {
    /// The result's stream, to fetch more.
    pub stream: u64,
    /// Rows in the row encoding.
    pub rows: Vec<Vec<u8>>,
    /// `Some` once the result is complete: `Ok` at its end, or the error that ended it.
    pub end: Option<Result<(), SqlError>>,
}

/// The relayed session's state after a call.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SessionState {
    /// For ReadyForQuery.
    pub status: TransactionStatus,
    /// Notices raised by the call.
    pub notices: Vec<SqlError>,
    /// The session-level settings, when the call changed them.
    pub settings: Option<Vec<(String, String)>>,
    /// When the call changed the catalog (DDL): the leader's applied log index after it. The
    /// follower waits until it has applied that far before answering its client, so that
    /// statements it parses next bind against the new schema. (Data needs no such wait: every
    /// local read waits for a read index anyway.)
    pub schema_changed_at: Option<u64>,
}

/// Encodes a message.
pub(crate) fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    postcard::to_allocvec(msg).expect("relay messages always encode")
}

/// Decodes a message from a peer.
pub(crate) fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, SqlError> {
    postcard::from_bytes(bytes)
        .map_err(|e| SqlError::new(tandem_sql::sqlstate::PROTOCOL_VIOLATION, format!("bad relay message: {e}")))
}
