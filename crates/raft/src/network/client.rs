//! The calling side of the peer network.
//!
//! A [`PeerClient`] reaches one peer. It connects lazily on the first call, multiplexes calls
//! over one connection, gives every call a deadline, and after a failure to connect backs off
//! exponentially (answering [`PeerError::Unreachable`] at once meanwhile), so a dead peer costs
//! its callers nothing but a quick error. A lost connection fails the calls in flight and is
//! re-established by the next call.
//!
//! [`Peers`] keeps one client per node and is openraft's network factory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use openraft::error::{InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse, VoteRequest,
    VoteResponse,
};
use parking_lot::Mutex;
use tandem_storage::Store;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};
use uuid::Uuid;

use super::protocol::{Frame, Hello, HelloReply, PeerIdentity, Request, Response, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use crate::types::{decode, encode, Member, NodeId, TypeConfig};

/// Why a call to a peer failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PeerError {
    /// The peer could not be reached (connection refused, or backing off after that).
    #[error("peer {0} is unreachable: {1}")]
    Unreachable(String, String),
    /// No answer before the deadline.
    #[error("peer {0} did not answer within {1:?}")]
    Timeout(String, Duration),
    /// The connection broke while the call was in flight; the call may or may not have run.
    #[error("connection to peer {0} was lost: {1}")]
    ConnectionLost(String, String),
    /// The peer refused the connection or the request.
    #[error("peer {0} refused: {1}")]
    Refused(String, String),
}

/// Writes frames from `rx` to `writer`, flushing once per burst, until either side closes.
pub(crate) async fn pump<W>(mut writer: FramedWrite<W, LengthDelimitedCodec>, mut rx: mpsc::UnboundedReceiver<Frame>)
where
    W: tokio::io::AsyncWrite + Unpin,
{
    while let Some(frame) = rx.recv().await {
        let mut burst = vec![frame];
        while let Ok(frame) = rx.try_recv() {
            burst.push(frame);
        }
        for frame in burst {
            if writer.feed(bytes::Bytes::from(encode(&frame))).await.is_err() {
                return;
            }
        }
        if SinkExt::<bytes::Bytes>::flush(&mut writer).await.is_err() {
            return;
        }
    }
}

pub(crate) fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder().max_frame_length(MAX_FRAME_BYTES).new_codec()
}

type Pending = HashMap<u64, mpsc::UnboundedSender<(Response, bool)>>;

struct Connection {
    tx: mpsc::UnboundedSender<Frame>,
    pending: Arc<Mutex<Option<Pending>>>,
    next_id: AtomicU64,
}

impl Connection {
    fn is_open(&self) -> bool {
        self.pending.lock().is_some() && !self.tx.is_closed()
    }
}

struct Backoff {
    failures: u32,
    until: Option<Instant>,
    last_error: String,
}

/// How this node introduces itself to peers.
#[derive(Clone)]
pub struct LocalIdentity {
    /// This node's id.
    pub node_id: NodeId,
    /// The store, for the current cluster id.
    pub store: Arc<Store>,
}

/// A client for one peer, identified by address (and by node id and store id once known).
pub struct PeerClient {
    addr: String,
    target: Option<NodeId>,
    target_store: Option<Uuid>,
    local: LocalIdentity,
    conn: tokio::sync::Mutex<Option<Arc<Connection>>>,
    backoff: Mutex<Backoff>,
    peer: Mutex<Option<PeerIdentity>>,
}

const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

impl PeerClient {
    /// A client for the node at `addr`, expected to be `target` with store `target_store`.
    pub fn new(local: LocalIdentity, addr: String, target: Option<NodeId>, target_store: Option<Uuid>) -> Self {
        Self {
            addr,
            target,
            target_store,
            local,
            conn: tokio::sync::Mutex::new(None),
            backoff: Mutex::new(Backoff { failures: 0, until: None, last_error: String::new() }),
            peer: Mutex::new(None),
        }
    }

    /// The peer's address.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Who the peer said it was at the last handshake.
    pub fn peer_identity(&self) -> Option<PeerIdentity> {
        self.peer.lock().clone()
    }

    fn label(&self) -> String {
        match self.target {
            Some(id) => format!("{id} at {}", self.addr),
            None => self.addr.clone(),
        }
    }

    async fn connection(&self) -> Result<Arc<Connection>, PeerError> {
        let mut slot = self.conn.lock().await;
        if let Some(conn) = slot.as_ref().filter(|c| c.is_open()) {
            return Ok(conn.clone());
        }
        {
            let backoff = self.backoff.lock();
            if backoff.until.is_some_and(|until| Instant::now() < until) {
                return Err(PeerError::Unreachable(self.label(), backoff.last_error.clone()));
            }
        }
        match self.connect().await {
            Ok(conn) => {
                *self.backoff.lock() = Backoff { failures: 0, until: None, last_error: String::new() };
                let conn = Arc::new(conn);
                *slot = Some(conn.clone());
                Ok(conn)
            }
            Err(e) => {
                let mut backoff = self.backoff.lock();
                backoff.failures = backoff.failures.saturating_add(1);
                let delay = Duration::from_millis(25 << backoff.failures.min(6)).min(MAX_BACKOFF);
                backoff.until = Some(Instant::now() + delay);
                backoff.last_error = e.to_string();
                Err(e)
            }
        }
    }

    async fn connect(&self) -> Result<Connection, PeerError> {
        let unreachable = |e: String| PeerError::Unreachable(self.label(), e);
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&self.addr))
            .await
            .map_err(|_| unreachable("connect timed out".into()))?
            .map_err(|e| unreachable(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        let (read, write) = stream.into_split();
        let mut reader = FramedRead::new(read, codec());
        let mut writer = FramedWrite::new(write, codec());

        let hello = Hello {
            version: PROTOCOL_VERSION,
            cluster_id: self.local.store.cluster_id(),
            from: self.local.node_id,
            to: self.target,
            to_store: self.target_store,
        };
        writer.send(bytes::Bytes::from(encode(&hello))).await.map_err(|e| unreachable(e.to_string()))?;
        let reply = tokio::time::timeout(CONNECT_TIMEOUT, reader.next())
            .await
            .map_err(|_| unreachable("handshake timed out".into()))?
            .ok_or_else(|| unreachable("closed during handshake".into()))?
            .map_err(|e| unreachable(e.to_string()))?;
        match decode::<HelloReply>(&reply).map_err(|e| unreachable(format!("bad handshake reply: {e}")))? {
            HelloReply::Welcome(identity) => *self.peer.lock() = Some(identity),
            HelloReply::Refused(reason) => {
                tracing::warn!(peer = %self.label(), %reason, "peer refused the connection");
                return Err(PeerError::Refused(self.label(), reason));
            }
        }

        let pending: Arc<Mutex<Option<Pending>>> = Arc::new(Mutex::new(Some(HashMap::new())));
        let (tx, rx) = mpsc::unbounded_channel::<Frame>();
        tokio::spawn(pump(writer, rx));
        let dispatch = pending.clone();
        let label = self.label();
        tokio::spawn(async move {
            while let Some(Ok(bytes)) = reader.next().await {
                match decode::<Frame>(&bytes) {
                    Ok(Frame::Response { id, body, last }) => {
                        let mut guard = dispatch.lock();
                        let Some(map) = guard.as_mut() else { break };
                        let sender = if last { map.remove(&id) } else { map.get(&id).cloned() };
                        if let Some(sender) = sender {
                            let _ = sender.send((body, last));
                        }
                    }
                    Ok(Frame::Request { .. }) | Err(_) => {
                        tracing::warn!(peer = %label, "peer sent an invalid frame; closing the connection");
                        break;
                    }
                }
            }
            // Dropping the senders fails every call still waiting.
            dispatch.lock().take();
        });
        Ok(Connection { tx, pending, next_id: AtomicU64::new(1) })
    }

    /// Sends `request` and returns its stream of responses. The first response must arrive
    /// within `timeout`; the caller bounds the rest.
    pub async fn call_stream(
        &self,
        request: Request,
        timeout: Duration,
    ) -> Result<mpsc::UnboundedReceiver<(Response, bool)>, PeerError> {
        let conn = tokio::time::timeout(timeout, self.connection())
            .await
            .map_err(|_| PeerError::Timeout(self.label(), timeout))??;
        let id = conn.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        match conn.pending.lock().as_mut() {
            Some(map) => map.insert(id, tx),
            None => return Err(PeerError::ConnectionLost(self.label(), "closed".into())),
        };
        if conn.tx.send(Frame::Request { id, body: request }).is_err() {
            return Err(PeerError::ConnectionLost(self.label(), "writer stopped".into()));
        }
        Ok(rx)
    }

    /// Sends `request` and waits up to `timeout` for its single response.
    pub async fn call(&self, request: Request, timeout: Duration) -> Result<Response, PeerError> {
        let started = Instant::now();
        let mut rx = self.call_stream(request, timeout).await?;
        let left = timeout.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, rx.recv()).await {
            Err(_) => Err(PeerError::Timeout(self.label(), timeout)),
            Ok(None) => Err(PeerError::ConnectionLost(self.label(), "connection closed".into())),
            Ok(Some((Response::Refused(reason), _))) => Err(PeerError::Refused(self.label(), reason)),
            Ok(Some((response, _))) => Ok(response),
        }
    }
}

/// One client per peer node; openraft's network factory.
#[derive(Clone)]
pub struct Peers {
    local: LocalIdentity,
    clients: Arc<Mutex<HashMap<NodeId, Arc<PeerClient>>>>,
}

impl Peers {
    /// An empty pool.
    pub fn new(local: LocalIdentity) -> Self {
        Self { local, clients: Arc::new(Mutex::new(HashMap::new())) }
    }

    /// The client for node `id` described by `member`, reusing a live one with the same address
    /// and store id.
    pub fn client(&self, id: NodeId, member: &Member) -> Arc<PeerClient> {
        let expected_store = (!member.store_id.is_nil()).then_some(member.store_id);
        let mut clients = self.clients.lock();
        if let Some(c) = clients.get(&id) {
            if c.addr == member.peer_addr && c.target_store == expected_store {
                return c.clone();
            }
        }
        let client = Arc::new(PeerClient::new(self.local.clone(), member.peer_addr.clone(), Some(id), expected_store));
        clients.insert(id, client.clone());
        client
    }

    /// A client with its own connection to node `id`, apart from the shared one Raft uses (for
    /// streams that must not delay heartbeats, such as relayed SQL).
    pub fn dedicated_client(&self, id: NodeId, member: &Member) -> PeerClient {
        let expected_store = (!member.store_id.is_nil()).then_some(member.store_id);
        PeerClient::new(self.local.clone(), member.peer_addr.clone(), Some(id), expected_store)
    }

    /// A one-off client for an address whose node is not known yet (joining, forming).
    pub fn client_for_addr(&self, addr: &str, id: Option<NodeId>) -> PeerClient {
        PeerClient::new(self.local.clone(), addr.to_string(), id, None)
    }
}

impl RaftNetworkFactory<TypeConfig> for Peers {
    type Network = RaftPeer;

    async fn new_client(&mut self, target: NodeId, node: &Member) -> RaftPeer {
        RaftPeer { target, client: self.client(target, node) }
    }
}

/// openraft's handle for one replication or vote stream to a peer.
pub struct RaftPeer {
    target: NodeId,
    client: Arc<PeerClient>,
}

fn rpc_error<E: std::error::Error>(target: NodeId, e: PeerError) -> RPCError<NodeId, Member, E> {
    match e {
        PeerError::Unreachable(..) | PeerError::Refused(..) => RPCError::Unreachable(Unreachable::new(&e)),
        PeerError::Timeout(_, timeout) => RPCError::Timeout(openraft::error::Timeout {
            action: openraft::network::RPCTypes::AppendEntries,
            id: 0,
            target,
            timeout,
        }),
        PeerError::ConnectionLost(..) => RPCError::Network(NetworkError::new(&e)),
    }
}

fn unexpected<E: std::error::Error>(target: NodeId) -> RPCError<NodeId, Member, E> {
    let e = PeerError::Refused(target.to_string(), "unexpected response type".into());
    RPCError::Network(NetworkError::new(&e))
}

impl RaftNetwork<TypeConfig> for RaftPeer {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        match self.client.call(Request::AppendEntries(rpc), option.hard_ttl()).await {
            Ok(Response::AppendEntries(Ok(resp))) => Ok(resp),
            Ok(Response::AppendEntries(Err(e))) => Err(RPCError::RemoteError(RemoteError::new(self.target, e))),
            Ok(_) => Err(unexpected(self.target)),
            Err(e) => Err(rpc_error(self.target, e)),
        }
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId, InstallSnapshotError>>>
    {
        match self.client.call(Request::InstallSnapshot(rpc), option.hard_ttl()).await {
            Ok(Response::InstallSnapshot(Ok(resp))) => Ok(resp),
            Ok(Response::InstallSnapshot(Err(e))) => Err(RPCError::RemoteError(RemoteError::new(self.target, e))),
            Ok(_) => Err(unexpected(self.target)),
            Err(e) => Err(rpc_error(self.target, e)),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RPCError<NodeId, Member, RaftError<NodeId>>> {
        match self.client.call(Request::Vote(rpc), option.hard_ttl()).await {
            Ok(Response::Vote(Ok(resp))) => Ok(resp),
            Ok(Response::Vote(Err(e))) => Err(RPCError::RemoteError(RemoteError::new(self.target, e))),
            Ok(_) => Err(unexpected(self.target)),
            Err(e) => Err(rpc_error(self.target, e)),
        }
    }

    fn backoff(&self) -> openraft::network::Backoff {
        // A dead peer is retried often enough that it rejoins promptly when it comes back.
        openraft::network::Backoff::new(std::iter::repeat(Duration::from_millis(200)))
    }
}
