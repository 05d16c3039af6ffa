//! A client's session on any node: [`ClusterSession`] runs read-only work on this node and
//! relays read-write work to the leader (decision D4).
//!
//! Outside a transaction, each statement is routed by [`Session::route`]: reads, settings and
//! `BEGIN READ ONLY` run here (reads wait for a read index first, so they are linearizable);
//! writes, DDL, locking reads, sequences and read-write `BEGIN` go to the leader, where this
//! client gets a session of its own ([`crate::leader`]). Once a relayed transaction is open,
//! every statement goes to the leader until it ends, so it keeps one snapshot and its locks
//! exactly as it would on the leader. A simple Query of several statements runs wholly on the
//! leader if any of them must. On the leader itself everything runs locally.
//!
//! Settings live in the local session and are copied to the leader's whenever they change
//! (and back, when a relayed `SET` changes them). SQL-level `PREPARE` runs here and is replayed
//! on the leader's session before anything else runs there.
//!
//! When the leader is lost (its connection breaks, or this node learns of a new leader) while
//! a call is outstanding, the client is told the truth: a commit whose answer was lost ends
//! with 40003 (statement completion unknown), anything else with 40001 (the transaction was
//! rolled back: a deposed leader can commit nothing, and a leader that lost the relay
//! connection ends the session). A block that lost its leader stays failed until ROLLBACK.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tandem_raft::network::protocol::{Request, Response};
use tandem_raft::network::PeerClient;
use tandem_raft::{NodeId, RaftNode};
use tandem_server::{Backend, CopySink, Outcome, RowSource, Statement};
use tandem_sql::session::{
    CancelToken, Column, CopyFormat, CopyIn, Prepared, Row, RowStream, StartupInfo, TransactionStatus,
};
use tandem_sql::types::rowenc::{decode_row, encode_row};
use tandem_sql::types::{binary, text, DataType, Value};
use tandem_sql::{sqlstate, Session, SqlError};

use crate::protocol::{decode, encode, Answer, Call, Chunk, OutcomeHead, RelayRequest, Reply, Stmt};
use crate::Cluster;

/// How long a new relayed session waits for the leader's answer.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the client waits, after a relayed schema change, for this node to apply it.
const APPLY_WAIT: Duration = Duration::from_secs(5);

/// A statement as the server holds it: the local parse, with the key the leader caches it by.
pub struct ClusterStatement {
    local: Prepared,
    key: u64,
    /// The declared parameter types of an extended-protocol statement.
    declared: Option<Vec<Option<DataType>>>,
}

impl Statement for ClusterStatement {
    fn param_types(&self) -> &[DataType] {
        &self.local.param_types
    }

    fn columns(&self) -> Option<&Arc<Vec<Column>>> {
        self.local.columns.as_ref()
    }
}

impl ClusterStatement {
    fn wire(&self) -> Stmt {
        Stmt {
            key: self.key,
            sql: self.local.sql.clone(),
            offset: self.local.offset as u32,
            declared: self.declared.clone(),
        }
    }
}

/// A COPY FROM STDIN, here or on the leader.
pub enum ClusterCopy {
    /// Into this node's session.
    Local(CopyIn),
    /// Into the leader's session.
    Remote {
        /// The target table.
        table: String,
        /// The target columns, one per field.
        columns: Vec<String>,
        /// The data's format.
        format: CopyFormat,
    },
}

impl CopySink for ClusterCopy {
    fn table(&self) -> &str {
        match self {
            ClusterCopy::Local(c) => &c.table,
            ClusterCopy::Remote { table, .. } => table,
        }
    }

    fn columns(&self) -> &[String] {
        match self {
            ClusterCopy::Local(c) => &c.columns,
            ClusterCopy::Remote { columns, .. } => columns,
        }
    }

    fn format(&self) -> &CopyFormat {
        match self {
            ClusterCopy::Local(c) => &c.format,
            ClusterCopy::Remote { format, .. } => format,
        }
    }
}

/// Result rows, from here or from the leader.
pub enum ClusterRows {
    /// Read here.
    Local(RowStream),
    /// Fetched from the leader in chunks.
    Remote(RemoteRows),
}

impl RowSource for ClusterRows {
    async fn next_row(&mut self) -> Option<Result<Row, SqlError>> {
        match self {
            ClusterRows::Local(rows) => rows.next(),
            ClusterRows::Remote(rows) => rows.next_row().await,
        }
    }
}

/// A result streamed from the leader.
pub struct RemoteRows {
    link: Link,
    stream: u64,
    types: Vec<DataType>,
    buffer: VecDeque<Vec<u8>>,
    end: Option<Result<(), SqlError>>,
    /// The statement committed as it ran (autocommit): losing the leader now leaves its
    /// outcome unknown to the client.
    autocommit: bool,
}

impl RemoteRows {
    fn new(link: Link, first: Chunk, types: Vec<DataType>, autocommit: bool) -> Self {
        Self { link, stream: first.stream, types, buffer: first.rows.into(), end: first.end, autocommit }
    }

    async fn next_row(&mut self) -> Option<Result<Row, SqlError>> {
        loop {
            if let Some(bytes) = self.buffer.pop_front() {
                return Some(decode_row(&bytes, &self.types));
            }
            match &self.end {
                Some(Ok(())) => return None,
                Some(Err(e)) => {
                    let e = e.clone();
                    self.end = Some(Ok(()));
                    return Some(Err(e));
                }
                None => {}
            }
            let call =
                RelayRequest::Call { id: self.link.session, settings: None, call: Call::Fetch { stream: self.stream } };
            match self.link.request(&call).await {
                Ok(Answer { result: Ok(Reply::Chunk(chunk)), .. }) => {
                    self.buffer = chunk.rows.into();
                    self.end = chunk.end;
                }
                Ok(Answer { result: Err(e), .. }) => self.end = Some(Err(e)),
                Ok(_) => self.end = Some(Err(SqlError::internal("unexpected answer to a fetch"))),
                Err(reason) => self.end = Some(Err(lost_error(&reason, self.autocommit))),
            }
        }
    }
}

impl Drop for RemoteRows {
    fn drop(&mut self) {
        if self.end.is_none() {
            // The client stopped reading: let the leader drop the result.
            let link = self.link.clone();
            let call = RelayRequest::Call {
                id: link.session,
                settings: None,
                call: Call::CloseStream { stream: self.stream },
            };
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = link.request(&call).await;
                });
            }
        }
    }
}

/// How one relayed session reaches the leader.
#[derive(Clone)]
struct Link {
    node: Arc<RaftNode>,
    client: Arc<PeerClient>,
    leader: NodeId,
    session: u64,
}

impl Link {
    /// Sends a request and waits for its answer, giving up as soon as this node learns that
    /// `leader` no longer leads, or has heard nothing from it for longer than an election takes
    /// (it died or was cut off, and this node may be the one cut off): a client never waits
    /// much longer than an election.
    async fn request(&self, request: &RelayRequest) -> Result<Answer, String> {
        let mut rx =
            self.client.call_stream(Request::App(encode(request)), OPEN_TIMEOUT).await.map_err(|e| e.to_string())?;
        let mut metrics = self.node.raft().metrics();
        let mut silence = self.node.leader_silence();
        loop {
            tokio::select! {
                msg = rx.recv() => return match msg {
                    Some((Response::App(bytes), _)) => decode::<Answer>(&bytes).map_err(|e| e.message),
                    Some((Response::Refused(reason), _)) => Err(reason),
                    Some(_) => Err("unexpected answer from the leader".into()),
                    None => Err("the connection to the leader was lost".into()),
                },
                changed = metrics.changed() => {
                    if changed.is_err() {
                        return Err("this node is stopping".into());
                    }
                    if metrics.borrow().current_leader != Some(self.leader) {
                        return Err(format!("node {} is no longer the leader", self.leader));
                    }
                }
                _ = silence.wait_for(|silent| *silent) => {
                    return Err(format!("node {} has not been heard from for longer than an election takes", self.leader));
                }
            }
        }
    }
}

/// The error for a call whose answer was lost with the leader.
fn lost_error(reason: &str, commit: bool) -> SqlError {
    if commit {
        SqlError::new(sqlstate::STATEMENT_COMPLETION_UNKNOWN, "the outcome of the transaction is unknown")
            .detail(format!("The leader was lost before it answered: {reason}."))
            .hint("The transaction may or may not have committed; check before retrying.")
    } else {
        SqlError::serialization_failure("the transaction was rolled back because the leader was lost")
            .detail(format!("{reason}."))
            .hint("Retry the transaction.")
    }
}

/// The open session on the leader.
struct Remote {
    link: Link,
    /// The local settings generation the leader has.
    settings_seen: u64,
    /// How many SQL-level PREPARE/DEALLOCATE statements the leader's session has replayed.
    replayed: usize,
    /// The answer stream of `Open`, kept while the session lives.
    _open: tokio::sync::mpsc::UnboundedReceiver<(Response, bool)>,
}

impl Drop for Remote {
    /// Ends the leader's session, fire and forget: the leader also ends it when this node's
    /// relay connection goes away.
    fn drop(&mut self) {
        let link = self.link.clone();
        let call = RelayRequest::Call { id: link.session, settings: None, call: Call::Close };
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = link.request(&call).await;
            });
        }
    }
}

/// A client's session on a node of the cluster (see the module docs).
pub struct ClusterSession {
    local: Session,
    cluster: Arc<Cluster>,
    startup: StartupInfo,
    remote: Option<Remote>,
    /// A relayed transaction block is open on the leader.
    in_remote: bool,
    /// The current simple Query runs on the leader.
    remote_batch: bool,
    /// `parse_batch` found a statement for the leader in a multi-statement Query.
    next_batch_remote: bool,
    /// A BatchBegin not yet sent to the leader.
    pending_batch: Option<u32>,
    remote_status: TransactionStatus,
    /// The leader was lost inside a relayed block: failed until ROLLBACK.
    orphaned: bool,
    notices: Vec<SqlError>,
    /// SQL-level PREPARE and DEALLOCATE statements, in order, to replay on the leader.
    sql_prepares: Vec<Stmt>,
}

impl ClusterSession {
    pub(crate) fn new(local: Session, cluster: Arc<Cluster>, startup: StartupInfo) -> Self {
        Self {
            local,
            cluster,
            startup,
            remote: None,
            in_remote: false,
            remote_batch: false,
            next_batch_remote: false,
            pending_batch: None,
            remote_status: TransactionStatus::Idle,
            orphaned: false,
            notices: Vec::new(),
            sql_prepares: Vec::new(),
        }
    }

    /// True while statements go to the leader whatever they are.
    fn relaying(&self) -> bool {
        self.in_remote || self.remote_batch
    }

    /// Whether `stmt` runs on the leader (from another node).
    fn goes_to_leader(&self, stmt: &ClusterStatement) -> bool {
        if self.relaying() {
            return true;
        }
        !self.local.in_block()
            && !self.cluster.node.is_leader()
            && self.local.route(&stmt.local) == tandem_sql::session::Route::Leader
    }

    /// Opens a session on the current leader, or reuses the open one.
    async fn ensure_remote(&mut self) -> Result<(), SqlError> {
        let leader = self.cluster.wait_for_leader().await?;
        if self.remote.as_ref().is_some_and(|r| r.link.leader == leader) {
            return Ok(());
        }
        self.close_remote();
        let client = self.cluster.client(leader)?;
        let id = self.cluster.next_session_id();
        let link = Link { node: self.cluster.node.clone(), client, leader, session: id };
        let open = RelayRequest::Open { id, startup: self.startup.clone(), settings: self.local.session_settings() };
        let unavailable = |reason: String| {
            SqlError::new(sqlstate::CANNOT_CONNECT_NOW, format!("cannot reach the leader (node {leader}): {reason}"))
                .hint("Retry; the cluster may be electing a new leader.")
        };
        let mut rx = link
            .client
            .call_stream(Request::App(encode(&open)), OPEN_TIMEOUT)
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        let first = tokio::time::timeout(OPEN_TIMEOUT, rx.recv()).await.map_err(|_| unavailable("no answer".into()))?;
        match first {
            Some((Response::App(bytes), false)) => match decode::<Answer>(&bytes)?.result {
                Ok(Reply::Opened) => {}
                Ok(_) => return Err(unavailable("unexpected answer".into())),
                Err(e) => return Err(e),
            },
            Some((Response::App(bytes), true)) => {
                return Err(decode::<Answer>(&bytes)?.result.err().unwrap_or_else(|| unavailable("closed".into())))
            }
            Some((Response::Refused(reason), _)) => return Err(unavailable(reason)),
            _ => return Err(unavailable("the connection closed".into())),
        }
        self.remote = Some(Remote { link, settings_seen: self.local.settings_generation(), replayed: 0, _open: rx });
        Ok(())
    }

    /// Ends the leader's session (see [`Remote`]'s drop).
    fn close_remote(&mut self) {
        self.remote = None;
    }

    /// Makes a call on the leader's session. `commit` says whether losing the answer leaves a
    /// commit's outcome unknown.
    async fn call(&mut self, call: Call, commit: bool, cancel: Option<&CancelToken>) -> Result<Reply, SqlError> {
        let Some(remote) = self.remote.as_mut() else {
            return Err(self.lost("the session on the leader is gone", commit));
        };
        let generation = self.local.settings_generation();
        let settings = (generation != remote.settings_seen).then(|| self.local.session_settings());
        remote.settings_seen = generation;
        let link = remote.link.clone();
        let request = RelayRequest::Call { id: link.session, settings, call };
        let answer = {
            let pending = link.request(&request);
            tokio::pin!(pending);
            match cancel {
                Some(cancel) => loop {
                    tokio::select! {
                        answer = &mut pending => break answer,
                        _ = cancel.cancelled() => {
                            cancel.reset();
                            let link = link.clone();
                            tokio::spawn(async move { let _ = link.request(&RelayRequest::Cancel { id: link.session }).await; });
                        }
                    }
                },
                None => pending.await,
            }
        };
        match answer {
            Err(reason) => Err(self.lost(&reason, commit)),
            Ok(answer) => {
                self.absorb(answer.state).await;
                answer.result
            }
        }
    }

    /// Takes in the leader session's state after a call.
    async fn absorb(&mut self, state: crate::protocol::SessionState) {
        self.notices.extend(state.notices);
        if let Some(values) = state.settings {
            self.local.load_settings(&values);
            if let Some(remote) = self.remote.as_mut() {
                remote.settings_seen = self.local.settings_generation();
            }
        }
        self.remote_status = state.status;
        if !self.remote_batch {
            self.in_remote = state.status != TransactionStatus::Idle;
        }
        if let Some(index) = state.schema_changed_at {
            // The client's next Parse binds here: let it see the schema it just changed.
            self.cluster.node.wait_applied(index, APPLY_WAIT).await;
        }
    }

    /// Forgets the leader's session after its answer was lost; the error for the client.
    fn lost(&mut self, reason: &str, commit: bool) -> SqlError {
        let in_block = self.in_remote && self.remote_status != TransactionStatus::Idle;
        self.remote = None;
        self.in_remote = false;
        self.remote_batch = false;
        self.pending_batch = None;
        if in_block && !commit {
            self.orphaned = true;
        }
        tracing::info!(%reason, commit, "relayed call lost its leader");
        lost_error(reason, commit)
    }

    /// Replays SQL-level PREPARE/DEALLOCATE on the leader's session, then a pending
    /// BatchBegin.
    async fn prepare_remote(&mut self) -> Result<(), SqlError> {
        while let Some(stmt) = self.remote.as_ref().and_then(|r| self.sql_prepares.get(r.replayed)).cloned() {
            let call = Call::Execute { stmt, param_types: vec![], params: encode_row(&[], &[]) };
            // A replay failing on the leader (a name prepared twice) failed here first.
            let _ = self.call(call, false, None).await;
            if let Some(r) = self.remote.as_mut() {
                r.replayed += 1;
            }
        }
        if let Some(statements) = self.pending_batch.take() {
            self.call(Call::BatchBegin { statements }, false, None).await?;
        }
        Ok(())
    }

    async fn execute_remote(
        &mut self,
        stmt: &ClusterStatement,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome<ClusterCopy, ClusterRows>, SqlError> {
        let autocommit = !self.relaying() && !stmt.local.is_begin();
        let commit = autocommit || stmt.local.is_commit();
        if !self.relaying() || self.remote.is_none() {
            self.ensure_remote().await?;
        }
        self.prepare_remote().await?;
        let types = stmt.local.param_types.clone();
        let call = Call::Execute { stmt: stmt.wire(), params: encode_row(&params, &types), param_types: types };
        let reply = self.call(call, commit, Some(cancel)).await?;
        let link = self
            .remote
            .as_ref()
            .map(|r| r.link.clone())
            .ok_or_else(|| self.lost("the session on the leader is gone", commit))?;
        let types = |columns: &[Column]| columns.iter().map(|c| c.ty.clone()).collect::<Vec<_>>();
        match reply {
            Reply::Outcome(OutcomeHead::Rows { columns, tag, first }) => {
                let rows = RemoteRows::new(link, first, types(&columns), autocommit);
                Ok(Outcome::Rows { columns: Arc::new(columns), rows: ClusterRows::Remote(rows), tag })
            }
            Reply::Outcome(OutcomeHead::CopyOut { columns, format, first }) => {
                let rows = RemoteRows::new(link, first, types(&columns), autocommit);
                Ok(Outcome::CopyOut { columns: Arc::new(columns), rows: ClusterRows::Remote(rows), format })
            }
            Reply::Outcome(OutcomeHead::Command { tag }) => Ok(Outcome::Command { tag }),
            Reply::Outcome(OutcomeHead::CopyIn { table, columns, format }) => {
                // The COPY runs in a transaction on the leader until it finishes.
                self.in_remote = true;
                Ok(Outcome::CopyIn(ClusterCopy::Remote { table, columns, format }))
            }
            Reply::Outcome(OutcomeHead::Empty) => Ok(Outcome::Empty),
            _ => Err(SqlError::internal("unexpected answer to a relayed statement")),
        }
    }

    /// A statement in a block whose leader was lost: only ROLLBACK (or COMMIT, which rolls
    /// back) ends it.
    fn orphan_answer(&mut self, stmt: &ClusterStatement) -> Result<Outcome<ClusterCopy, ClusterRows>, SqlError> {
        if stmt.local.is_rollback() || stmt.local.is_commit() {
            self.orphaned = false;
            return Ok(Outcome::Command { tag: "ROLLBACK".into() });
        }
        Err(SqlError::new(
            sqlstate::IN_FAILED_SQL_TRANSACTION,
            "current transaction is aborted, commands ignored until end of transaction block",
        ))
    }
}

fn local_outcome(outcome: tandem_sql::session::Outcome) -> Outcome<ClusterCopy, ClusterRows> {
    use tandem_sql::session::Outcome as O;
    match outcome {
        O::Rows { columns, rows, tag } => Outcome::Rows { columns, rows: ClusterRows::Local(rows), tag },
        O::Command { tag } => Outcome::Command { tag },
        O::CopyIn(copy) => Outcome::CopyIn(ClusterCopy::Local(copy)),
        O::CopyOut { columns, rows, format } => Outcome::CopyOut { columns, rows: ClusterRows::Local(rows), format },
        O::Empty => Outcome::Empty,
    }
}

impl Backend for ClusterSession {
    type Statement = ClusterStatement;
    type Copy = ClusterCopy;
    type Rows = ClusterRows;

    fn pid(&self) -> Option<i32> {
        Some(self.local.pid())
    }

    fn parameter_statuses(&self) -> Vec<(String, String)> {
        self.local.parameter_statuses()
    }

    fn parse_batch(&mut self, sql: &str) -> Result<Vec<ClusterStatement>, SqlError> {
        let statements: Vec<ClusterStatement> = self
            .local
            .parse_batch(sql)?
            .into_iter()
            .map(|local| ClusterStatement { local, key: self.cluster.next_statement_key(), declared: None })
            .collect();
        self.next_batch_remote = statements.len() > 1 && statements.iter().any(|s| self.goes_to_leader(s));
        Ok(statements)
    }

    async fn prepare(&mut self, sql: &str, param_types: &[Option<DataType>]) -> Result<ClusterStatement, SqlError> {
        let local = self.local.prepare_fenced(sql, param_types).await?;
        Ok(ClusterStatement { local, key: self.cluster.next_statement_key(), declared: Some(param_types.to_vec()) })
    }

    async fn execute(
        &mut self,
        stmt: &ClusterStatement,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome<ClusterCopy, ClusterRows>, SqlError> {
        if self.orphaned {
            return self.orphan_answer(stmt);
        }
        if stmt.local.is_prepare_or_deallocate() && !self.relaying() {
            // Runs here, and on the leader's session before anything else runs there.
            let outcome = self.local.execute(&stmt.local, params, cancel).await?;
            self.sql_prepares.push(stmt.wire());
            return Ok(local_outcome(outcome));
        }
        if self.goes_to_leader(stmt) {
            return self.execute_remote(stmt, params, cancel).await;
        }
        Ok(local_outcome(self.local.execute(&stmt.local, params, cancel).await?))
    }

    fn batch_begin(&mut self, statements: usize) {
        self.remote_batch = statements > 1 && (self.in_remote || self.next_batch_remote);
        self.next_batch_remote = false;
        if self.remote_batch {
            self.pending_batch = Some(statements as u32);
        } else {
            self.local.batch_begin(statements);
        }
    }

    async fn batch_end(&mut self, failed: bool) -> Result<(), SqlError> {
        if !self.remote_batch {
            return self.local.batch_end(failed).await;
        }
        if self.pending_batch.take().is_some() {
            // Nothing reached the leader.
            self.remote_batch = false;
            return Ok(());
        }
        // The batch ends with this call: its answer says whether a block stays open.
        self.remote_batch = false;
        self.call(Call::BatchEnd { failed }, !failed, None).await.map(|_| ())
    }

    async fn statement_failed(&mut self) {
        if self.relaying() && self.remote.is_some() {
            if self.pending_batch.is_none() {
                let _ = self.call(Call::FailBlock, false, None).await;
            }
        } else {
            self.local.fail_block();
        }
    }

    fn transaction_status(&self) -> TransactionStatus {
        if self.orphaned {
            TransactionStatus::Failed
        } else if self.in_remote {
            self.remote_status
        } else {
            self.local.transaction_status()
        }
    }

    fn take_notices(&mut self) -> Vec<SqlError> {
        let mut notices = std::mem::take(&mut self.notices);
        notices.extend(self.local.take_notices());
        notices
    }

    fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        self.local.take_parameter_changes()
    }

    async fn copy_rows(&mut self, copy: &mut ClusterCopy, rows: Vec<Vec<Option<String>>>) -> Result<(), SqlError> {
        match copy {
            ClusterCopy::Local(c) => self.local.copy_rows(c, rows).await,
            ClusterCopy::Remote { .. } => self.call(Call::CopyRows { rows }, false, None).await.map(|_| ()),
        }
    }

    async fn copy_finish(&mut self, copy: ClusterCopy) -> Result<u64, SqlError> {
        match copy {
            ClusterCopy::Local(c) => self.local.copy_finish(c).await,
            ClusterCopy::Remote { .. } => {
                let commit = self.remote_status == TransactionStatus::Idle;
                match self.call(Call::CopyFinish, commit, None).await? {
                    Reply::Copied(n) => Ok(n),
                    _ => Err(SqlError::internal("unexpected answer to a relayed COPY")),
                }
            }
        }
    }

    async fn copy_abort(&mut self, copy: ClusterCopy, message: &str) -> SqlError {
        match copy {
            ClusterCopy::Local(c) => self.local.copy_abort(c, message),
            ClusterCopy::Remote { .. } => {
                match self.call(Call::CopyAbort { message: message.into() }, false, None).await {
                    Ok(Reply::CopyAborted(e)) => e,
                    Ok(_) => SqlError::internal("unexpected answer to a relayed COPY abort"),
                    Err(e) => e,
                }
            }
        }
    }

    async fn close(mut self) {
        self.close_remote();
        self.local.close().await;
    }

    fn encode_text(&self, value: &Value, ty: &DataType) -> String {
        self.local.format_text(value, ty)
    }

    fn encode_binary(&self, value: &Value, ty: &DataType) -> Result<Vec<u8>, SqlError> {
        binary::format_binary(value, ty)
    }

    fn decode_text(&self, input: &str, ty: &DataType) -> Result<Value, SqlError> {
        text::parse_text(input, ty, self.local.text_context())
    }

    fn decode_binary(&self, input: &[u8], ty: &DataType) -> Result<Value, SqlError> {
        binary::parse_binary(input, ty)
    }
}
