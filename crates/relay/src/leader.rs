//! The leader's side of the relay: sessions hosted for clients of other nodes.
//!
//! Each relayed client has a real [`Session`] here, opened with the client's startup message
//! and settings, so a relayed statement runs exactly as it would for a client connected to the
//! leader: same binding, locks, snapshots, errors and notices. A hosted session ends when its
//! follower closes it, or when the follower's relay connection closes (the follower died or
//! was cut off): its transaction then rolls back and its locks are released.
//!
//! Result streams stay here between fetches; each fetch sends the next chunk (bounded in rows
//! and bytes), so a slow client holds back the leader's reading, not its memory.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use parking_lot::Mutex;
use tandem_raft::network::protocol::Response;
use tandem_raft::network::server::Reply as PeerReply;
use tandem_raft::{AppHandler, NodeId, RaftNode};
use tandem_sql::session::{CancelToken, CopyIn, Outcome, Prepared, RowStream};
use tandem_sql::types::rowenc::{decode_row, encode_row};
use tandem_sql::types::DataType;
use tandem_sql::{sqlstate, Engine, Session, SqlError};

use crate::protocol::{decode, encode, Answer, Call, Chunk, OutcomeHead, RelayRequest, Reply, SessionState, Stmt};

/// Rows per chunk at most.
const CHUNK_ROWS: usize = 1000;
/// Encoded bytes per chunk at most (a single larger row still travels alone).
const CHUNK_BYTES: usize = 256 << 10;
/// Parsed statements kept per session before the cache is emptied.
const MAX_CACHED_STATEMENTS: usize = 1000;

/// Hosts relayed sessions on this node (installed as the node's [`AppHandler`]).
pub(crate) struct Host {
    engine: Arc<Engine>,
    node: Arc<RaftNode>,
    sessions: Mutex<HashMap<(NodeId, u64), Arc<Hosted>>>,
}

/// One relayed session.
struct Hosted {
    state: tokio::sync::Mutex<HostedState>,
    /// Cancels the statement running now.
    running: Mutex<CancelToken>,
    /// Signalled when the follower closes the session.
    closed: tokio::sync::Notify,
}

struct HostedState {
    session: Session,
    statements: HashMap<u64, Prepared>,
    streams: HashMap<u64, Stream>,
    next_stream: u64,
    copy: Option<CopyIn>,
    /// The settings generation last reported to (or received from) the follower.
    settings_seen: u64,
}

/// A result being fetched.
struct Stream {
    rows: RowStream,
    types: Vec<DataType>,
}

impl Host {
    pub(crate) fn new(engine: Arc<Engine>, node: Arc<RaftNode>) -> Arc<Self> {
        Arc::new(Self { engine, node, sessions: Mutex::new(HashMap::new()) })
    }

    /// The number of sessions hosted for other nodes (tests, metrics).
    pub(crate) fn hosted(&self) -> usize {
        self.sessions.lock().len()
    }

    async fn serve(self: Arc<Self>, from: NodeId, bytes: Vec<u8>, reply: PeerReply) {
        let request: RelayRequest = match decode(&bytes) {
            Ok(r) => r,
            Err(e) => return reply.finish(Response::Refused(e.message)),
        };
        match request {
            RelayRequest::Open { id, startup, settings } => self.open(from, id, startup, settings, reply).await,
            RelayRequest::Cancel { id } => {
                if let Some(h) = self.sessions.lock().get(&(from, id)) {
                    h.running.lock().cancel();
                }
                reply.finish(Response::App(Vec::new()));
            }
            RelayRequest::Call { id, settings, call } => {
                let hosted = self.sessions.lock().get(&(from, id)).cloned();
                let answer = match hosted {
                    Some(h) => self.call(&h, settings, call).await,
                    None => Answer {
                        result: Err(SqlError::new(
                            sqlstate::CONNECTION_FAILURE,
                            "the relayed session no longer exists on the leader",
                        )),
                        state: SessionState {
                            status: tandem_sql::session::TransactionStatus::Idle,
                            notices: vec![],
                            settings: None,
                            schema_changed_at: None,
                        },
                    },
                };
                reply.finish(Response::App(encode(&answer)));
            }
        }
    }

    async fn open(
        self: Arc<Self>,
        from: NodeId,
        id: u64,
        startup: tandem_sql::session::StartupInfo,
        settings: Vec<(String, String)>,
        reply: PeerReply,
    ) {
        let mut session = match self.engine.new_session(startup) {
            Ok(s) => s,
            Err(e) => {
                let answer = Answer { result: Err(e), state: idle_state() };
                return reply.finish(Response::App(encode(&answer)));
            }
        };
        session.load_settings(&settings);
        let _ = session.take_parameter_changes();
        let settings_seen = session.settings_generation();
        let hosted = Arc::new(Hosted {
            state: tokio::sync::Mutex::new(HostedState {
                session,
                statements: HashMap::new(),
                streams: HashMap::new(),
                next_stream: 1,
                copy: None,
                settings_seen,
            }),
            running: Mutex::new(CancelToken::new()),
            closed: tokio::sync::Notify::new(),
        });
        if let Some(old) = self.sessions.lock().insert((from, id), hosted.clone()) {
            old.closed.notify_one();
        }
        tracing::debug!(from, id, "relayed session opened");
        let answer = Answer { result: Ok(Reply::Opened), state: idle_state() };
        if !reply.part(Response::App(encode(&answer))) {
            self.sessions.lock().remove(&(from, id));
            return;
        }
        // The session lives until the follower closes it or its connection goes away.
        tokio::select! {
            _ = reply.closed() => {}
            _ = hosted.closed.notified() => {}
        }
        let removed = {
            let mut sessions = self.sessions.lock();
            match sessions.get(&(from, id)) {
                Some(h) if Arc::ptr_eq(h, &hosted) => sessions.remove(&(from, id)),
                _ => None,
            }
        };
        if removed.is_some() {
            // A statement still running stops; the session, dropped with the last reference,
            // rolls back its open transaction and releases its locks.
            hosted.running.lock().cancel();
            tracing::debug!(from, id, "relayed session ended");
        }
        reply.finish(Response::App(Vec::new()));
    }

    fn applied(&self) -> u64 {
        self.node.status().applied_index
    }

    async fn call(&self, hosted: &Arc<Hosted>, settings: Option<Vec<(String, String)>>, call: Call) -> Answer {
        let mut guard = hosted.state.lock().await;
        let st = &mut *guard;
        let catalog_before = self.engine.catalog_generation();
        if let Some(values) = settings {
            st.session.load_settings(&values);
            // The client was told of these already (it set them).
            let _ = st.session.take_parameter_changes();
            st.settings_seen = st.session.settings_generation();
        }
        let result = match call {
            Call::BatchBegin { statements } => {
                st.session.batch_begin(statements as usize);
                Ok(Reply::Done)
            }
            Call::BatchEnd { failed } => st.session.batch_end(failed).await.map(|_| Reply::Done),
            Call::FailBlock => {
                st.session.fail_block();
                Ok(Reply::Done)
            }
            Call::Execute { stmt, param_types, params } => {
                let cancel = CancelToken::new();
                *hosted.running.lock() = cancel.clone();
                st.execute(stmt, &param_types, &params, &cancel).await
            }
            Call::Fetch { stream } => st.fetch(stream).map(Reply::Chunk),
            Call::CloseStream { stream } => {
                st.streams.remove(&stream);
                Ok(Reply::Done)
            }
            Call::CopyRows { rows } => match st.copy.as_mut() {
                Some(copy) => st.session.copy_rows(copy, rows).await.map(|_| Reply::Done),
                None => Err(no_copy()),
            },
            Call::CopyFinish => match st.copy.take() {
                Some(copy) => st.session.copy_finish(copy).await.map(Reply::Copied),
                None => Err(no_copy()),
            },
            Call::CopyAbort { message } => match st.copy.take() {
                Some(copy) => Ok(Reply::CopyAborted(st.session.copy_abort(copy, &message))),
                None => Err(no_copy()),
            },
            Call::Close => {
                hosted.closed.notify_one();
                Ok(Reply::Done)
            }
        };
        let settings = (st.session.settings_generation() != st.settings_seen).then(|| {
            st.settings_seen = st.session.settings_generation();
            st.session.session_settings()
        });
        let _ = st.session.take_parameter_changes();
        let state = SessionState {
            status: st.session.transaction_status(),
            notices: st.session.take_notices(),
            settings,
            schema_changed_at: (self.engine.catalog_generation() != catalog_before).then(|| self.applied()),
        };
        Answer { result, state }
    }
}

fn idle_state() -> SessionState {
    SessionState {
        status: tandem_sql::session::TransactionStatus::Idle,
        notices: vec![],
        settings: None,
        schema_changed_at: None,
    }
}

fn no_copy() -> SqlError {
    SqlError::new(sqlstate::PROTOCOL_VIOLATION, "no COPY FROM STDIN is in progress")
}

impl HostedState {
    /// The leader's parse of a relayed statement, reused across executions.
    fn statement(&mut self, stmt: Stmt) -> Result<Prepared, SqlError> {
        if let Some(p) = self.statements.get(&stmt.key) {
            return Ok(p.clone());
        }
        let prepared = match &stmt.declared {
            Some(declared) => self.session.prepare(&stmt.sql, declared)?,
            None => self.session.parse_statement(&stmt.sql, stmt.offset as usize)?,
        };
        if self.statements.len() >= MAX_CACHED_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(stmt.key, prepared.clone());
        Ok(prepared)
    }

    async fn execute(
        &mut self,
        stmt: Stmt,
        param_types: &[DataType],
        params: &[u8],
        cancel: &CancelToken,
    ) -> Result<Reply, SqlError> {
        let prepared = self.statement(stmt)?;
        let params = decode_row(params, param_types)?;
        let outcome = self.session.execute(&prepared, params, cancel).await?;
        Ok(Reply::Outcome(match outcome {
            Outcome::Rows { columns, rows, tag } => {
                let first = self.start_stream(rows, columns.iter().map(|c| c.ty.clone()).collect())?;
                OutcomeHead::Rows { columns: columns.to_vec(), tag, first }
            }
            Outcome::CopyOut { columns, rows, format } => {
                let first = self.start_stream(rows, columns.iter().map(|c| c.ty.clone()).collect())?;
                OutcomeHead::CopyOut { columns: columns.to_vec(), format, first }
            }
            Outcome::Command { tag } => OutcomeHead::Command { tag },
            Outcome::CopyIn(copy) => {
                let head = OutcomeHead::CopyIn {
                    table: copy.table.clone(),
                    columns: copy.columns.clone(),
                    format: copy.format.clone(),
                };
                self.copy = Some(copy);
                head
            }
            Outcome::Empty => OutcomeHead::Empty,
        }))
    }

    fn start_stream(&mut self, rows: RowStream, types: Vec<DataType>) -> Result<Chunk, SqlError> {
        let id = self.next_stream;
        self.next_stream += 1;
        self.streams.insert(id, Stream { rows, types });
        self.fetch(id)
    }

    /// The next chunk of stream `id`; a finished stream is dropped.
    fn fetch(&mut self, id: u64) -> Result<Chunk, SqlError> {
        let stream = self
            .streams
            .get_mut(&id)
            .ok_or_else(|| SqlError::new(sqlstate::PROTOCOL_VIOLATION, "the relayed result no longer exists"))?;
        let mut chunk = Chunk { stream: id, rows: Vec::new(), end: None };
        let mut bytes = 0;
        while chunk.rows.len() < CHUNK_ROWS && bytes < CHUNK_BYTES {
            match stream.rows.next() {
                Some(Ok(row)) => {
                    let encoded = encode_row(&row, &stream.types);
                    bytes += encoded.len();
                    chunk.rows.push(encoded);
                }
                Some(Err(e)) => {
                    chunk.end = Some(Err(e));
                    break;
                }
                None => {
                    chunk.end = Some(Ok(()));
                    break;
                }
            }
        }
        if chunk.end.is_some() {
            self.streams.remove(&id);
        }
        Ok(chunk)
    }
}

/// The node's [`AppHandler`]: hands relay requests to the [`Host`], on the SQL runtime.
///
/// The peer server that receives them runs on Raft's runtime. A relayed statement may compute
/// for seconds (an `ALTER TABLE ... ADD PRIMARY KEY` over many rows); run there, it would hold
/// up the leader's heartbeats and the followers would depose it in the middle of the statement.
pub(crate) struct HostHandler {
    host: Arc<Host>,
    sql_runtime: tokio::runtime::Handle,
}

impl HostHandler {
    /// Must be called on the SQL runtime, where relayed statements will run.
    pub(crate) fn new(host: Arc<Host>) -> Self {
        Self { host, sql_runtime: tokio::runtime::Handle::current() }
    }
}

impl AppHandler for HostHandler {
    fn handle(&self, from: NodeId, request: Vec<u8>, reply: PeerReply) -> BoxFuture<'static, ()> {
        let served = self.sql_runtime.spawn(self.host.clone().serve(from, request, reply));
        Box::pin(async move {
            if let Err(e) = served.await {
                tracing::error!(from, error = %e, "a relayed request failed");
            }
        })
    }
}
