//! Cluster sessions: any node serves any client (decision D4).
//!
//! A client may connect to any node. Its [`ClusterSession`] runs read-only work on that node,
//! after a read index makes the read linearizable (or at once, from local state no older than
//! `tandem.stale_read_max_ms`), and relays read-write work to the leader, where the client gets
//! a session of its own. The relay keeps PostgreSQL's behaviour exactly: statements, prepared
//! statements, parameters, settings, COPY, errors and notices are those of the leader's
//! session, and a relayed transaction keeps its snapshot and locks there until it ends.
//!
//! - `protocol`: the messages, carried as application requests of the peer protocol on a
//!   connection of their own;
//! - `leader`: the sessions the leader hosts for other nodes' clients;
//! - `follower`: [`ClusterSession`], the routing, and what the client is told when the leader
//!   is lost (40003 for a commit whose answer was lost, 40001 otherwise).
//!
//! On the leader itself a [`ClusterSession`] is simply the local session.

mod follower;
mod leader;
mod protocol;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tandem_raft::network::PeerClient;
use tandem_raft::{NodeId, RaftNode};
use tandem_server::BackendFactory;
use tandem_sql::session::StartupInfo;
use tandem_sql::{sqlstate, Engine, SqlError};

pub use follower::{ClusterCopy, ClusterRows, ClusterSession, ClusterStatement, RemoteRows};

/// How long a relayed statement waits for the cluster to have a leader.
const LEADER_WAIT: Duration = Duration::from_secs(3);

/// One node's part in serving clients: its engine, and its relay connections to the leader.
pub struct Cluster {
    me: Weak<Cluster>,
    engine: Arc<Engine>,
    node: Arc<RaftNode>,
    host: Arc<leader::Host>,
    clients: Mutex<HashMap<NodeId, Arc<PeerClient>>>,
    next_session: AtomicU64,
    next_statement: AtomicU64,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("node", &self.node.id()).finish_non_exhaustive()
    }
}

impl Cluster {
    /// Serves clients of this node with `engine`, and hosts relayed sessions for the other
    /// nodes' clients. Call it on the SQL runtime: relayed statements run there.
    pub fn start(engine: Arc<Engine>) -> Arc<Self> {
        let node = engine.txns().node().clone();
        let host = leader::Host::new(engine.clone(), node.clone());
        node.set_app_handler(Arc::new(leader::HostHandler::new(host.clone())));
        Arc::new_cyclic(|me| Self {
            me: me.clone(),
            engine,
            node,
            host,
            clients: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(1),
            next_statement: AtomicU64::new(1),
        })
    }

    /// Sessions this node hosts for clients of other nodes.
    pub fn hosted_sessions(&self) -> usize {
        self.host.hosted()
    }

    fn next_session_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    fn next_statement_key(&self) -> u64 {
        self.next_statement.fetch_add(1, Ordering::Relaxed)
    }

    /// The leader, waiting briefly for an election to finish; 57P03 when there is none.
    async fn wait_for_leader(&self) -> Result<NodeId, SqlError> {
        let deadline = Instant::now() + LEADER_WAIT;
        loop {
            if let Some((id, _)) = self.node.leader() {
                return Ok(id);
            }
            if Instant::now() >= deadline {
                return Err(SqlError::new(
                    sqlstate::CANNOT_CONNECT_NOW,
                    "no leader is available: the cluster is electing one, or this node is cut off from its majority",
                )
                .hint("Retry, or connect to another node."));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The relay connection to `leader` (one per leader, shared by this node's sessions).
    fn client(&self, leader: NodeId) -> Result<Arc<PeerClient>, SqlError> {
        let mut clients = self.clients.lock();
        if let Some(c) = clients.get(&leader) {
            return Ok(c.clone());
        }
        let client = Arc::new(self.node.dedicated_client(leader).ok_or_else(|| {
            SqlError::new(sqlstate::CANNOT_CONNECT_NOW, format!("the leader (node {leader}) is not a known member"))
        })?);
        clients.insert(leader, client.clone());
        Ok(client)
    }
}

impl BackendFactory for Cluster {
    type Backend = ClusterSession;

    fn open(&self, startup: StartupInfo) -> Result<ClusterSession, SqlError> {
        let me =
            self.me.upgrade().ok_or_else(|| SqlError::new(sqlstate::ADMIN_SHUTDOWN, "the node is shutting down"))?;
        let local = self.engine.new_session(startup.clone())?;
        Ok(ClusterSession::new(local, me, startup))
    }
}
