//! A running node: openraft over the store, the peer server, cluster formation, joining and
//! removal, and the API the SQL layer uses ([`RaftNode::propose`], [`RaftNode::read_barrier`],
//! [`RaftNode::leader`]).
//!
//! ## Forming a cluster
//!
//! Nodes started with the same `--initial-cluster` form the cluster by themselves. Exactly one
//! node, the one with the lowest id, initializes it, and only when its own store is new and every
//! other initial member answers that it is new too; if any of them already belongs to a
//! cluster, this node's data was wiped and it refuses to found a second cluster. It initializes a
//! cluster of one (itself), so that it never needs a vote from a node that has no durable state.
//! As leader it then adds the other initial members as learners and, once all are present,
//! makes them voters and records formation as complete. Other new nodes wait to be added; they
//! do not vote until they hold a log (see [`PeerService`] below), so a node that lost its disk
//! can never vote twice in a term.
//!
//! ## Identity checks
//!
//! Each data directory has a random store id, recorded in the membership when the node joins.
//! A peer that answers with another store id (its volume was wiped) or another cluster id is
//! refused, and so is a node that was removed: ids are never reused.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use openraft::error::{ClientWriteError, RaftError};
use openraft::{ChangeMembers, ServerState};
use parking_lot::Mutex;
use tandem_storage::{Store, WriteSet};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::batcher::Batcher;
use crate::config::NodeConfig;
use crate::log_store::LogStore;
use crate::metrics::Metrics;
use crate::network::client::LocalIdentity;
use crate::network::protocol::{Hello, JoinRequest, PeerIdentity, PreVoteRequest, Request, Response};
use crate::network::server::{serve, PeerService, Reply};
use crate::network::{PeerError, Peers};
use crate::reads::{ReadRounds, Staleness};
use crate::state_machine::{read_cluster_state, ApplyObserver, ObserverSlot, StateMachine};
use crate::status::{MemberReport, Reports, SelfReport};
use crate::types::{ClusterOp, Command, Commit, GuardedCommit, Member, NodeId, Raft};

/// Why a proposal did not commit, or may not have.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProposeError {
    /// This node is not the leader; nothing was committed.
    #[error("this node is not the leader (leader: {leader:?})")]
    NotLeader {
        /// The leader, if known.
        leader: Option<NodeId>,
    },
    /// The write set is invalid; nothing was proposed.
    #[error("invalid write set: {0}")]
    Invalid(String),
    /// The proposal was submitted, but whether it committed cannot be known (the node lost
    /// leadership, was cut off, or is stopping before the outcome was learned).
    #[error("the outcome of the commit is unknown: {0}")]
    Unknown(String),
}

/// Why a linearizable read barrier failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    /// No leader confirmed its leadership in time (no quorum reachable, or an election).
    #[error("no leader confirmed a read index within {0:?}")]
    Timeout(Duration),
    /// The node is stopping.
    #[error("the node is stopping")]
    Stopped,
}

/// Why an administrative change (join, remove) failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct AdminError(pub String);

/// A submitted proposal; [`Proposal::wait`] learns its outcome.
pub struct Proposal {
    rx: tokio::sync::oneshot::Receiver<Result<u64, ProposeError>>,
    started: Instant,
    metrics: Arc<Metrics>,
}

impl Proposal {
    /// Waits until the proposal is committed and applied on this node, returning its log index.
    pub async fn wait(self) -> Result<u64, ProposeError> {
        let result = match self.rx.await {
            Ok(outcome) => outcome,
            Err(_) => Err(ProposeError::Unknown("the node stopped before the entry was applied".into())),
        };
        match &result {
            Ok(_) => self.metrics.commit_latency.observe(self.started.elapsed().as_secs_f64()),
            Err(_) => self.metrics.proposal_errors.inc(),
        }
        result
    }
}

/// Write sets larger than this are staged in chunks rather than written in one entry.
const INLINE_LIMIT: usize = crate::MAX_ENTRY_BYTES;
/// Size of one staged chunk.
const STAGE_CHUNK: usize = crate::MAX_ENTRY_BYTES;
/// Staged chunks in flight at once. Submitting all the chunks of a large write set together
/// kept the Raft core appending them for a second or more, during which it sent no
/// heartbeats and the followers elected another leader.
const STAGE_WINDOW: usize = 4;

/// Waits until a staged chunk is committed.
async fn staged<R, E>(
    rx: impl std::future::Future<Output = Result<Result<R, ClientWriteError<NodeId, Member>>, E>>,
) -> Result<(), ProposeError> {
    match rx.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(ClientWriteError::ForwardToLeader(f))) => Err(ProposeError::NotLeader { leader: f.leader_id }),
        Ok(Err(e)) => Err(ProposeError::Unknown(e.to_string())),
        Err(_) => Err(ProposeError::Unknown("the node stopped while staging".into())),
    }
}

/// A write set ready to be submitted: inline, or staged already.
#[derive(Debug)]
pub struct PreparedWrite(Commit);

/// Handles the application's own peer requests (the SQL layer's relay).
pub trait AppHandler: Send + Sync + 'static {
    /// Handles `request` from node `from`, answering through `reply`.
    fn handle(&self, from: NodeId, request: Vec<u8>, reply: Reply) -> BoxFuture<'static, ()>;
}

/// One member as the cluster view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberStatus {
    /// Node id.
    pub id: NodeId,
    /// Addresses and store id.
    pub member: Member,
    /// Voter (true) or learner.
    pub voter: bool,
    /// Last log index known to be replicated to it (known on the leader only).
    pub matched: Option<u64>,
}

/// A node's view of the cluster.
#[derive(Debug, Clone)]
pub struct Status {
    /// This node.
    pub id: NodeId,
    /// Raft role.
    pub state: ServerState,
    /// Current term.
    pub term: u64,
    /// Known leader.
    pub leader: Option<NodeId>,
    /// Highest committed index known here.
    pub commit_index: u64,
    /// Last applied index.
    pub applied_index: u64,
    /// Last index in the local log.
    pub last_log_index: u64,
    /// Index up to which the log is purged.
    pub purged_index: u64,
    /// Members of the current config.
    pub members: Vec<MemberStatus>,
    /// False once the node stopped (fatal error or shutdown).
    pub running: bool,
}

/// A running Tandem node's replication layer.
pub struct RaftNode {
    config: NodeConfig,
    member: Member,
    raft: Raft,
    store: Arc<Store>,
    log_store: LogStore,
    batcher: Batcher,
    staging: std::sync::atomic::AtomicU64,
    peers: Peers,
    metrics: Arc<Metrics>,
    observer: Arc<ObserverSlot>,
    app: OnceLock<Arc<dyn AppHandler>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    read_rounds: ReadRounds,
    staleness: Staleness,
    reports: Reports,
    /// True while this node has heard nothing from the leader it knows for longer than an
    /// election takes (set by `crate::election`).
    leader_silent: tokio::sync::watch::Sender<bool>,
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Invalid Raft settings.
    #[error("invalid Raft configuration: {0}")]
    Config(#[from] openraft::ConfigError),
    /// openraft failed to start (its storage could not be read).
    #[error("Raft failed to start: {0}")]
    Raft(String),
    /// The snapshot directory could not be prepared.
    #[error("preparing the snapshot directory: {0}")]
    Io(#[from] std::io::Error),
}

impl RaftNode {
    /// Starts the node on `store`, serving peers on `listener`.
    pub async fn start(config: NodeConfig, store: Arc<Store>, listener: TcpListener) -> Result<Arc<Self>, StartError> {
        let metrics = Arc::new(Metrics::new());
        let observer = Arc::new(ObserverSlot::default());
        let log_store = LogStore::new(store.clone(), metrics.clone());
        let state_machine = StateMachine::new(store.clone(), observer.clone(), metrics.clone())?;
        let peers = Peers::new(LocalIdentity { node_id: config.node_id, store: store.clone() });
        let raft = Raft::new(
            config.node_id,
            Arc::new(config.openraft_config()?),
            peers.clone(),
            log_store.clone(),
            state_machine,
        )
        .await
        .map_err(|e| StartError::Raft(e.to_string()))?;
        let member = Member { store_id: store.identity().store_id, ..config.member.clone() };

        let batcher = Batcher::start(raft.clone(), metrics.clone());
        let node = Arc::new(Self {
            config,
            member,
            batcher,
            staging: std::sync::atomic::AtomicU64::new(0),
            raft,
            store,
            log_store,
            peers,
            metrics,
            observer,
            app: OnceLock::new(),
            tasks: Mutex::new(Vec::new()),
            read_rounds: ReadRounds::default(),
            staleness: Staleness::default(),
            reports: Reports::default(),
            leader_silent: tokio::sync::watch::Sender::new(false),
        });
        let server = tokio::spawn(serve(listener, node.clone()));
        let bootstrap = tokio::spawn(node.clone().bootstrap());
        let janitor = tokio::spawn(node.clone().discard_stale_staging());
        let poller = tokio::spawn(crate::status::poll(Arc::downgrade(&node)));
        let elections = tokio::spawn(crate::election::run(Arc::downgrade(&node), node.config.clone()));
        node.tasks.lock().extend([server, bootstrap, janitor, poller, elections]);
        Ok(node)
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.config.node_id
    }

    /// This node's advertised addresses and store id.
    pub fn member(&self) -> &Member {
        &self.member
    }

    /// The node's store, for local reads.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The node's metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// The openraft handle (tests and tools).
    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    /// Installs the observer told about every applied command.
    pub fn set_observer(&self, observer: Arc<dyn ApplyObserver>) {
        self.observer.set(observer);
    }

    /// Installs the handler of application peer requests; only the first call has an effect.
    pub fn set_app_handler(&self, handler: Arc<dyn AppHandler>) {
        let _ = self.app.set(handler);
    }

    /// Readies `ws` for [`RaftNode::submit`]: validates it and, when it is too large for one log
    /// entry, stages it in chunks (replicated but invisible until the commit entry applies them
    /// all at once). Staging waits for the chunks to commit; nothing is visible meanwhile.
    pub async fn prepare(&self, ws: WriteSet) -> Result<PreparedWrite, ProposeError> {
        ws.validate().map_err(|e| ProposeError::Invalid(e.to_string()))?;
        if ws.size() <= INLINE_LIMIT {
            return Ok(PreparedWrite(Commit::Inline(ws)));
        }
        self.check_leader()?;
        let term = self.raft.metrics().borrow().current_term;
        let id = (term << 32) | (self.staging.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xffff_ffff);
        let mut in_flight = std::collections::VecDeque::new();
        let mut chunk = WriteSet::new();
        let mut chunk_bytes = 0;
        let mut seq = 0u32;
        let mut ops = ws.ops.into_iter().peekable();
        while let Some(op) = ops.next() {
            chunk_bytes += op.size();
            chunk.ops.push(op);
            if chunk_bytes >= STAGE_CHUNK || ops.peek().is_none() {
                if in_flight.len() == STAGE_WINDOW {
                    staged(in_flight.pop_front().expect("a full window")).await?;
                }
                let command = Command::Stage { id, seq, ops: std::mem::take(&mut chunk) };
                chunk_bytes = 0;
                seq += 1;
                let rx = self.raft.client_write_ff(command).await.map_err(|e| ProposeError::Unknown(e.to_string()))?;
                in_flight.push_back(rx);
            }
        }
        for rx in in_flight {
            staged(rx).await?;
        }
        Ok(PreparedWrite(Commit::Staged(id)))
    }

    /// Submits a prepared write for replication without waiting for the outcome. Writes
    /// submitted one after another enter the log in that order; concurrent ones share log
    /// entries and syncs (group commit).
    ///
    /// `term` is the leadership term in which the write was checked: the write applies only if
    /// it enters the log in that term, and otherwise fails with [`ProposeError::NotLeader`]
    /// (see [`GuardedCommit`]). `None` applies it in any term.
    pub fn submit(&self, write: PreparedWrite, term: Option<u64>) -> Result<Proposal, ProposeError> {
        self.check_leader()?;
        self.metrics.proposals.inc();
        let started = Instant::now();
        let rx = self.batcher.submit(GuardedCommit { term, commit: write.0 })?;
        Ok(Proposal { rx, started, metrics: self.metrics.clone() })
    }

    fn check_leader(&self) -> Result<(), ProposeError> {
        let leader = self.raft.metrics().borrow().current_leader;
        if leader != Some(self.id()) {
            self.metrics.proposal_errors.inc();
            return Err(ProposeError::NotLeader { leader });
        }
        Ok(())
    }

    /// Replicates a cluster bookkeeping command (not batched: these are rare).
    async fn propose_cluster_op(&self, op: ClusterOp) -> Result<u64, ProposeError> {
        self.check_leader()?;
        match self.raft.client_write(Command::Cluster(op)).await {
            Ok(resp) => Ok(resp.log_id.index),
            Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => {
                Err(ProposeError::NotLeader { leader: f.leader_id })
            }
            Err(e) => Err(ProposeError::Unknown(e.to_string())),
        }
    }

    /// Replicates `ws` and waits until it is committed and applied on this node; returns its
    /// log index.
    pub async fn propose(&self, ws: WriteSet) -> Result<u64, ProposeError> {
        let prepared = self.prepare(ws).await?;
        self.submit(prepared, None)?.wait().await
    }

    /// Waits until this node has applied everything committed before the call, as confirmed by
    /// the leader with a quorum (a read index); returns that index. Reads from the local store
    /// afterwards are linearizable. Works on the leader and on followers.
    pub async fn read_barrier(&self, timeout: Duration) -> Result<u64, ReadError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ReadError::Timeout(timeout));
            }
            if !self.is_running() {
                return Err(ReadError::Stopped);
            }
            let leader = self.raft.metrics().borrow().current_leader;
            let index = match leader {
                Some(leader) if leader == self.id() => self.leader_read_index(left).await,
                Some(leader) => self.remote_read_index(leader, left).await,
                None => None,
            };
            if let Some(index) = index {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.raft.wait(Some(left)).applied_index_at_least(Some(index), "read barrier").await {
                    Ok(_) => return Ok(index),
                    Err(openraft::metrics::WaitError::ShuttingDown) => return Err(ReadError::Stopped),
                    Err(openraft::metrics::WaitError::Timeout(..)) => return Err(ReadError::Timeout(timeout)),
                }
            }
            tokio::time::sleep(Duration::from_millis(10).min(left)).await;
        }
    }

    /// Waits up to `timeout` until this node has applied log index `index`; false on timeout or
    /// shutdown.
    pub async fn wait_applied(&self, index: u64, timeout: Duration) -> bool {
        self.raft.wait(Some(timeout)).applied_index_at_least(Some(index), "wait_applied").await.is_ok()
    }

    /// On the leader: confirms leadership with a quorum and returns the read index. Concurrent
    /// callers share rounds of heartbeats (see [`ReadRounds`]).
    async fn leader_read_index(&self, timeout: Duration) -> Option<u64> {
        let round = || async {
            match tokio::time::timeout(timeout, self.raft.get_read_log_id()).await {
                Ok(Ok((read, _applied))) => Some(read.map(|l| l.index).unwrap_or(0)),
                _ => None,
            }
        };
        tokio::time::timeout(timeout, self.read_rounds.read_index(round)).await.ok().flatten()
    }

    /// An upper bound on how old this node's applied state is, for reads that accept some
    /// staleness: zero-ish on a leader that heard from a quorum recently, the time since the
    /// last useful AppendEntries on a follower. `None` when unknown (no leader heard from).
    pub fn staleness(&self) -> Option<Duration> {
        let m = self.raft.metrics().borrow().clone();
        if m.current_leader == Some(self.id()) {
            return m.millis_since_quorum_ack.map(Duration::from_millis);
        }
        self.staleness.bound(m.last_applied.map(|l| l.index).unwrap_or(0))
    }

    async fn remote_read_index(&self, leader: NodeId, timeout: Duration) -> Option<u64> {
        let member = self.member_of(leader)?;
        let client = self.peers.client(leader, &member);
        match client.call(Request::ReadIndex, timeout).await {
            Ok(Response::ReadIndex(Ok(index))) => Some(index),
            _ => None,
        }
    }

    /// Sends `request` to member `peer`; `None` if it is unknown, unreachable or too slow.
    pub(crate) async fn ask(&self, peer: NodeId, request: Request, timeout: Duration) -> Option<Response> {
        let member = self.member_of(peer)?;
        self.peers.client(peer, &member).call(request, timeout).await.ok()
    }

    /// The id of the last entry in this node's log (or of the last purged one).
    pub(crate) fn last_log_id(&self) -> Result<Option<crate::types::LogId>, crate::types::StorageError> {
        self.log_store.last_log_id()
    }

    /// This node's answer to a pre-vote (see [`crate::election`]).
    async fn answer_pre_vote(&self, request: &PreVoteRequest) -> bool {
        let (Some(standing), Ok(own_log)) = (crate::election::standing(self).await, self.last_log_id()) else {
            return false;
        };
        let yes = crate::election::answer(&standing, self.config.election_timeout.1, request.last_log_id, own_log);
        tracing::debug!(candidate = request.candidate, yes, "pre-vote");
        yes
    }

    fn member_of(&self, id: NodeId) -> Option<Member> {
        self.raft.metrics().borrow().membership_config.membership().get_node(&id).cloned()
    }

    /// This node's report of itself (see [`crate::status`]).
    pub fn self_report(&self) -> SelfReport {
        let st = self.status();
        SelfReport {
            id: st.id,
            role: match st.state {
                ServerState::Leader => "leader",
                ServerState::Follower => "follower",
                ServerState::Candidate => "candidate",
                ServerState::Learner => "learner",
                ServerState::Shutdown => "shutdown",
            }
            .into(),
            term: st.term,
            leader: st.leader,
            commit_index: st.commit_index,
            applied_index: st.applied_index,
            last_log_index: st.last_log_index,
            staleness_ms: self.staleness().map(|d| d.as_millis() as u64),
        }
    }

    /// The latest report of member `id`: its own, fresh, for this node.
    pub fn member_report(&self, id: NodeId) -> MemberReport {
        if id == self.id() {
            return MemberReport { report: Some(self.self_report()), error: None };
        }
        self.reports.get(id)
    }

    pub(crate) fn reports(&self) -> &Reports {
        &self.reports
    }

    pub(crate) fn peers(&self) -> &Peers {
        &self.peers
    }

    /// A peer client with its own connection to member `id` (see [`Peers::dedicated_client`]).
    pub fn dedicated_client(&self, id: NodeId) -> Option<crate::network::PeerClient> {
        Some(self.peers.dedicated_client(id, &self.member_of(id)?))
    }

    /// The leader this node knows of, with its addresses.
    pub fn leader(&self) -> Option<(NodeId, Member)> {
        let metrics = self.raft.metrics().borrow().clone();
        let id = metrics.current_leader?;
        let member = metrics.membership_config.membership().get_node(&id).cloned()?;
        Some((id, member))
    }

    /// True while this node is the leader (as far as it knows).
    pub fn is_leader(&self) -> bool {
        self.raft.metrics().borrow().current_leader == Some(self.id())
    }

    /// Watches whether the leader this node knows has been silent for longer than an election
    /// takes (no heartbeat for the lease plus the longest election timeout). It is then dead,
    /// paused or cut off from this node, and no new leader has reached this node either: a
    /// request waiting on the leader should give up rather than wait for an election that
    /// this node may not see.
    pub fn leader_silence(&self) -> tokio::sync::watch::Receiver<bool> {
        self.leader_silent.subscribe()
    }

    pub(crate) fn set_leader_silent(&self, silent: bool) {
        self.leader_silent.send_if_modified(|now| std::mem::replace(now, silent) != silent);
    }

    pub(crate) fn is_running(&self) -> bool {
        self.raft.metrics().borrow().running_state.is_ok()
    }

    /// True once the cluster has formed, and this node is a member with a known leader and has
    /// applied every entry it knows to be committed.
    pub fn is_ready(&self) -> bool {
        if !read_cluster_state(&self.store).is_ok_and(|s| s.formed) {
            return false;
        }
        let m = self.raft.metrics().borrow().clone();
        let member = m.membership_config.membership().get_node(&self.id()).is_some();
        let committed = self.log_store.committed().map(|l| l.index);
        let applied = m.last_applied.map(|l| l.index);
        m.running_state.is_ok() && member && m.current_leader.is_some() && applied >= committed && committed.is_some()
    }

    /// The node's view of the cluster, and refreshes the metrics gauges from it.
    pub fn status(&self) -> Status {
        let m = self.raft.metrics().borrow().clone();
        let membership = m.membership_config.membership();
        let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
        let members = membership
            .nodes()
            .map(|(id, member)| MemberStatus {
                id: *id,
                member: member.clone(),
                voter: voters.contains(id),
                matched: match (&m.replication, *id == self.id()) {
                    (_, true) if m.current_leader == Some(self.id()) => m.last_log_index,
                    (Some(repl), _) => repl.get(id).and_then(|l| l.map(|l| l.index)),
                    _ => None,
                },
            })
            .collect();
        let status = Status {
            id: self.id(),
            state: m.state,
            term: m.current_term,
            leader: m.current_leader,
            commit_index: self.log_store.committed().map(|l| l.index).unwrap_or(0),
            applied_index: m.last_applied.map(|l| l.index).unwrap_or(0),
            last_log_index: m.last_log_index.unwrap_or(0),
            purged_index: m.purged.map(|l| l.index).unwrap_or(0),
            members,
            running: m.running_state.is_ok(),
        };
        let mx = &self.metrics;
        mx.is_leader.set((status.leader == Some(status.id)) as i64);
        mx.state.set(match status.state {
            ServerState::Learner => 0,
            ServerState::Follower => 1,
            ServerState::Candidate => 2,
            ServerState::Leader => 3,
            ServerState::Shutdown => 4,
        });
        mx.term.set(status.term as i64);
        mx.leader_id.set(status.leader.map(|l| l as i64).unwrap_or(-1));
        mx.commit_index.set(status.commit_index as i64);
        mx.applied_index.set(status.applied_index as i64);
        mx.last_log_index.set(status.last_log_index as i64);
        mx.log_size.set(status.last_log_index.saturating_sub(status.purged_index) as i64);
        status
    }

    /// Resolves with the reason once Raft has stopped on a fatal error (for example an I/O error
    /// in apply). The binary exits then: a replica never carries on after a failed write.
    pub async fn fatal(&self) -> String {
        let mut rx = self.raft.metrics();
        loop {
            if let Err(e) = &rx.borrow().running_state {
                return e.to_string();
            }
            if rx.changed().await.is_err() {
                return "Raft stopped".into();
            }
        }
    }

    /// Stops Raft and the node's tasks.
    pub async fn shutdown(&self) {
        for task in self.tasks.lock().drain(..) {
            task.abort();
        }
        let _ = self.raft.shutdown().await;
    }

    /// Adds node `req.node_id` to the cluster: as a learner, caught up, then as a voter. Any
    /// member forwards the request to the leader.
    pub async fn join(&self, req: JoinRequest) -> Result<(), AdminError> {
        self.refuse_if_removed()?;
        if !self.is_leader() {
            return self.forward(Request::Join(req)).await;
        }
        let id = req.node_id;
        let state = read_cluster_state(&self.store).map_err(|e| AdminError(e.to_string()))?;
        if state.removed.contains(&id) {
            return Err(AdminError(format!(
                "node id {id} was removed from this cluster and cannot be reused; start the new node with another --node-id"
            )));
        }
        if let Some(existing) = self.member_of(id) {
            if existing.store_id != req.member.store_id {
                return Err(AdminError(format!(
                    "node {id} is already a member with another data directory (store {}); if its data was lost, remove node {id} and join the node under a new id",
                    existing.store_id
                )));
            }
        } else {
            tracing::info!(node = id, member = %req.member, "adding a learner");
            self.raft.add_learner(id, req.member.clone(), true).await.map_err(admin)?;
        }
        let voters: BTreeSet<NodeId> =
            self.raft.metrics().borrow().membership_config.membership().voter_ids().collect();
        if !voters.contains(&id) {
            tracing::info!(node = id, "promoting to voter");
            self.raft
                .change_membership(ChangeMembers::AddVoterIds(BTreeSet::from([id])), false)
                .await
                .map_err(admin)?;
        }
        Ok(())
    }

    /// Removes node `id` from the cluster for good. Any member forwards the request to the
    /// leader.
    pub async fn remove(&self, id: NodeId) -> Result<(), AdminError> {
        self.refuse_if_removed()?;
        if !self.is_leader() {
            return self.forward(Request::Remove(id)).await;
        }
        let membership = self.raft.metrics().borrow().membership_config.membership().clone();
        if membership.get_node(&id).is_none() {
            return Err(AdminError(format!("node {id} is not a member")));
        }
        let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
        if voters.len() == 1 && voters.contains(&id) {
            return Err(AdminError(format!("node {id} is the last voter; it cannot be removed")));
        }
        self.propose_cluster_op(ClusterOp::NodeRemoved(id)).await.map_err(|e| AdminError(e.to_string()))?;
        if voters.contains(&id) {
            tracing::info!(node = id, "removing voter");
            self.raft
                .change_membership(ChangeMembers::RemoveVoters(BTreeSet::from([id])), false)
                .await
                .map_err(admin)?;
        } else {
            tracing::info!(node = id, "removing learner");
            self.raft
                .change_membership(ChangeMembers::RemoveNodes(BTreeSet::from([id])), false)
                .await
                .map_err(admin)?;
        }
        Ok(())
    }

    /// A node that was removed from the cluster (it applied `ClusterOp::NodeRemoved` for
    /// itself, which precedes the membership change) refuses admin requests at once: it may
    /// still believe it leads for a moment, and it will never learn of another leader, so
    /// acting or waiting would only fail or make the caller wait.
    fn refuse_if_removed(&self) -> Result<(), AdminError> {
        if read_cluster_state(&self.store).is_ok_and(|s| s.removed.contains(&self.id())) {
            return Err(AdminError(format!(
                "node {} is no longer a member of the cluster; send the request to a member",
                self.id()
            )));
        }
        Ok(())
    }

    /// Sends an admin request to the leader, waiting up to 15 s for one to be known (an
    /// election takes about a second; a joiner retries after that). If this node is elected
    /// meanwhile, it serves the request itself.
    async fn forward(&self, request: Request) -> Result<(), AdminError> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if self.is_leader() {
                return match request {
                    Request::Join(j) => Box::pin(self.join(j)).await,
                    Request::Remove(id) => Box::pin(self.remove(id)).await,
                    _ => unreachable!("only admin requests are forwarded"),
                };
            }
            if let Some((leader, member)) = self.leader().filter(|(id, _)| *id != self.id()) {
                let client = self.peers.client(leader, &member);
                let left = deadline.saturating_duration_since(Instant::now());
                let request = match &request {
                    Request::Join(j) => Request::Join(j.clone()),
                    Request::Remove(id) => Request::Remove(*id),
                    _ => unreachable!("only admin requests are forwarded"),
                };
                match client.call(request, left).await {
                    Ok(Response::Admin(result)) => return result.map_err(AdminError),
                    Ok(_) => return Err(AdminError("unexpected answer from the leader".into())),
                    Err(e) => tracing::debug!(error = %e, "forwarding to the leader failed; retrying"),
                }
            }
            if Instant::now() >= deadline {
                return Err(AdminError("no leader reachable".into()));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Brings the node into a cluster: resumes, initializes, joins or waits, then keeps forming
    /// the initial cluster while this node leads and formation is not complete.
    async fn bootstrap(self: Arc<Self>) {
        let initialized = self.raft.is_initialized().await.unwrap_or(false);
        if !initialized {
            if let Some(addr) = self.config.join.clone() {
                self.join_through(&addr).await;
            } else if self.config.initializer() == self.id() {
                self.initialize().await;
            } else {
                tracing::info!(initializer = self.config.initializer(), "waiting to be added to the cluster");
            }
        }
        if self.config.join.is_none() {
            self.form().await;
        }
    }

    async fn initialize(&self) {
        let others: Vec<(NodeId, String)> = self
            .config
            .initial_cluster
            .iter()
            .filter(|(id, _)| **id != self.id())
            .map(|(id, addr)| (*id, addr.clone()))
            .collect();
        // Every other initial member must answer, and be new, before a cluster is founded.
        let mut checked = BTreeSet::new();
        while checked.len() < others.len() {
            for (id, addr) in &others {
                if checked.contains(id) {
                    continue;
                }
                match self.whois(addr, *id).await {
                    Ok(peer) if peer.pristine => {
                        checked.insert(*id);
                    }
                    Ok(peer) => {
                        tracing::error!(
                            node = id,
                            cluster = ?peer.cluster_id,
                            "initial member {id} already belongs to a cluster but this node's data directory is new \
                             (was it wiped?); refusing to found a second cluster. Remove node {} from the running \
                             cluster and add this node with --join and a new --node-id",
                            self.id()
                        );
                        return;
                    }
                    Err(e) => tracing::info!(node = id, error = %e, "waiting for initial member"),
                }
            }
            if checked.len() < others.len() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        if self.store.cluster_id().is_none() {
            if let Err(e) = self.store.set_cluster_id(Uuid::new_v4()) {
                tracing::error!(error = %e, "recording the cluster id failed");
                return;
            }
        }
        let members = BTreeMap::from([(self.id(), self.member.clone())]);
        match self.raft.initialize(members).await {
            Ok(()) => tracing::info!(cluster = ?self.store.cluster_id(), "initialized a new cluster"),
            Err(e) => tracing::info!(error = %e, "not initializing"),
        }
    }

    async fn whois(&self, addr: &str, id: NodeId) -> Result<PeerIdentity, PeerError> {
        let client = self.peers.client_for_addr(addr, Some(id));
        match client.call(Request::Whois, Duration::from_secs(2)).await? {
            Response::Whois(identity) => Ok(identity),
            _ => Err(PeerError::Refused(addr.into(), "unexpected answer to whois".into())),
        }
    }

    /// Asks the cluster to add this node, through each of `addrs` (comma-separated) in turn,
    /// until this node is a voter.
    async fn join_through(&self, addrs: &str) {
        let request = JoinRequest { node_id: self.id(), member: self.member.clone() };
        let addrs: Vec<&str> = addrs.split(',').map(str::trim).filter(|a| !a.is_empty()).collect();
        let mut delay = Duration::from_millis(100);
        for addr in addrs.iter().cycle() {
            if self.raft.metrics().borrow().membership_config.membership().voter_ids().any(|v| v == self.id()) {
                return;
            }
            let client = self.peers.client_for_addr(addr, None);
            match client.call(Request::Join(request.clone()), Duration::from_secs(120)).await {
                Ok(Response::Admin(Ok(()))) => {
                    tracing::info!(through = addr, "joined the cluster");
                    return;
                }
                Ok(Response::Admin(Err(reason))) => tracing::error!(through = addr, %reason, "join refused"),
                Ok(_) => tracing::warn!(through = addr, "unexpected answer to join"),
                Err(e) => tracing::info!(through = addr, error = %e, "join attempt failed; retrying"),
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// While this node leads and formation is incomplete, adds the missing initial members.
    async fn form(&self) {
        loop {
            match read_cluster_state(&self.store) {
                Ok(state) if state.formed => return,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "reading the cluster state failed"),
            }
            if self.is_leader() {
                if let Err(e) = self.form_step().await {
                    tracing::info!(error = %e, "cluster formation continues");
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn form_step(&self) -> Result<(), String> {
        let membership = self.raft.metrics().borrow().membership_config.membership().clone();
        let removed = read_cluster_state(&self.store).map_err(|e| e.to_string())?.removed;
        let initial: BTreeMap<NodeId, String> = self
            .config
            .initial_cluster
            .iter()
            .filter(|(id, _)| !removed.contains(id))
            .map(|(id, a)| (*id, a.clone()))
            .collect();
        let mut missing = false;
        for (id, addr) in &initial {
            if membership.get_node(id).is_some() {
                continue;
            }
            missing = true;
            let peer = self.whois(addr, *id).await.map_err(|e| e.to_string())?;
            if peer.cluster_id.is_some_and(|c| Some(c) != self.store.cluster_id()) {
                return Err(format!("initial member {id} belongs to another cluster"));
            }
            tracing::info!(node = id, "adding initial member as learner");
            self.raft.add_learner(*id, peer.member, false).await.map_err(|e| e.to_string())?;
        }
        if missing {
            return Ok(());
        }
        let wanted: BTreeSet<NodeId> = initial.keys().copied().collect();
        let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
        if !wanted.is_subset(&voters) {
            tracing::info!(voters = ?wanted, "making the initial members voters");
            self.raft
                .change_membership(ChangeMembers::AddVoterIds(wanted.difference(&voters).copied().collect()), false)
                .await
                .map_err(|e| e.to_string())?;
        }
        self.propose_cluster_op(ClusterOp::FormationComplete).await.map_err(|e| e.to_string())?;
        tracing::info!("cluster formation complete");
        Ok(())
    }

    /// When this node becomes leader in a new term, drops chunks staged by earlier leaders:
    /// they never commit (their transactions ended with their leadership).
    async fn discard_stale_staging(self: Arc<Self>) {
        let mut metrics = self.raft.metrics();
        let mut done_term = 0;
        loop {
            let (leading, term) = {
                let m = metrics.borrow_and_update();
                (m.current_leader == Some(self.id()), m.current_term)
            };
            if leading && term > done_term {
                match self.raft.client_write(Command::DiscardStaged { term }).await {
                    Ok(_) => done_term = term,
                    Err(e) => tracing::debug!(error = %e, "discarding stale staged writes failed; will retry"),
                }
                continue;
            }
            if metrics.changed().await.is_err() {
                return;
            }
        }
    }

    fn identity(&self) -> PeerIdentity {
        PeerIdentity {
            node_id: self.id(),
            cluster_id: self.store.cluster_id(),
            member: self.member.clone(),
            pristine: self.store.cluster_id().is_none(),
        }
    }
}

fn admin<E: std::error::Error>(e: RaftError<NodeId, E>) -> AdminError {
    AdminError(e.to_string())
}

impl PeerService for RaftNode {
    fn welcome(&self, hello: &Hello) -> Result<PeerIdentity, String> {
        let me = self.id();
        if let Some(to) = hello.to.filter(|to| *to != me) {
            return Err(format!("this is node {me}, not node {to}: check the peer addresses"));
        }
        if let Some(expected) = hello.to_store.filter(|s| *s != self.member.store_id) {
            return Err(format!(
                "node {me} has data directory {} but the cluster knows it as {expected}: its data was replaced; \
                 remove node {me} and add the node again under a new id",
                self.member.store_id
            ));
        }
        if let (Some(theirs), Some(ours)) = (hello.cluster_id, self.store.cluster_id()) {
            if theirs != ours {
                return Err(format!("node {me} belongs to cluster {ours}, not {theirs}"));
            }
        }
        if read_cluster_state(&self.store).is_ok_and(|s| s.removed.contains(&hello.from)) {
            return Err(format!("node {} was removed from this cluster", hello.from));
        }
        Ok(self.identity())
    }

    async fn handle(self: Arc<Self>, hello: Arc<Hello>, request: Request, reply: Reply) {
        let response = match request {
            Request::AppendEntries(req) => {
                if let Err(reason) = self.adopt_cluster(&hello) {
                    reply.finish(Response::Refused(reason));
                    return;
                }
                let leader_commit = req.leader_commit.map(|l| l.index);
                let response = self.raft.append_entries(req).await;
                if let (Ok(openraft::raft::AppendEntriesResponse::Success), Some(commit)) = (&response, leader_commit) {
                    self.staleness.heard(commit);
                }
                Response::AppendEntries(response)
            }
            Request::InstallSnapshot(req) => {
                if let Err(reason) = self.adopt_cluster(&hello) {
                    reply.finish(Response::Refused(reason));
                    return;
                }
                Response::InstallSnapshot(self.raft.install_snapshot(req).await)
            }
            Request::Vote(req) => {
                if self.store.cluster_id().is_none() {
                    // A node with no durable state must not vote: it may have voted before.
                    Response::Refused(format!("node {} has not joined a cluster yet and does not vote", self.id()))
                } else {
                    Response::Vote(self.raft.vote(req).await)
                }
            }
            Request::PreVote(req) => {
                if self.store.cluster_id().is_none() {
                    Response::Refused(format!("node {} has not joined a cluster yet and does not vote", self.id()))
                } else {
                    Response::PreVote(self.answer_pre_vote(&req).await)
                }
            }
            Request::Whois => Response::Whois(self.identity()),
            Request::Report => Response::Report(self.self_report()),
            Request::Join(req) => Response::Admin(self.join(req).await.map_err(|e| e.0)),
            Request::Remove(id) => Response::Admin(self.remove(id).await.map_err(|e| e.0)),
            Request::ReadIndex => Response::ReadIndex(if self.is_leader() {
                self.leader_read_index(Duration::from_secs(5)).await.ok_or_else(|| "leadership not confirmed".into())
            } else {
                Err(format!("node {} is not the leader", self.id()))
            }),
            Request::App(bytes) => match self.app.get() {
                Some(app) => return app.handle(hello.from, bytes, reply).await,
                None => Response::Refused("this node serves no application requests yet".into()),
            },
        };
        reply.finish(response);
    }
}

impl RaftNode {
    /// Records the caller's cluster as ours when this node has none yet: the first leader to
    /// replicate to a new node brings it into its cluster.
    fn adopt_cluster(&self, hello: &Hello) -> Result<(), String> {
        match (self.store.cluster_id(), hello.cluster_id) {
            (Some(_), _) => Ok(()),
            (None, Some(id)) => {
                tracing::info!(cluster = %id, leader = hello.from, "joining cluster");
                self.store.set_cluster_id(id).map_err(|e| e.to_string())
            }
            (None, None) => Err("neither node belongs to a cluster".into()),
        }
    }
}
