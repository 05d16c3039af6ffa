//! An in-process one-node database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_raft::{NodeConfig, RaftNode};
use tandem_sql::session::StartupInfo;
use tandem_sql::{Engine, Session};
use tandem_storage::Store;
use tandem_txn::TxnManager;

/// How long a fresh one-node cluster may take to elect itself.
const LEADER_DEADLINE: Duration = Duration::from_secs(20);

/// A one-node database on a temporary directory.
pub struct Db {
    engine: Arc<Engine>,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dir", &self._dir.path()).finish_non_exhaustive()
    }
}

impl Db {
    /// Starts the node and waits until it leads and accepts writes.
    pub async fn start() -> Db {
        let dir = tempfile::tempdir().expect("temporary directory");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("peer port");
        let addr = listener.local_addr().expect("bound address").to_string();
        let store = Arc::new(Store::open(&dir.path().join("n1"), 1).expect("store"));
        let node = RaftNode::start(NodeConfig::single(1, &addr), store.clone(), listener).await.expect("raft node");
        let txns = TxnManager::new(node);
        let deadline = Instant::now() + LEADER_DEADLINE;
        while !txns.is_ready_leader() {
            assert!(Instant::now() < deadline, "the one-node cluster elected no leader");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Db { engine: Engine::new(txns), store, _dir: dir }
    }

    /// The SQL engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// A session for `user` on database `tandem`, as a client connecting would get.
    pub fn session(&self, user: &str) -> Session {
        self.engine
            .new_session(StartupInfo { user: user.into(), database: "tandem".into(), params: vec![] })
            .expect("new session")
    }

    /// Stops the node and waits until RocksDB is closed (a database still open when the
    /// process exits can abort it).
    pub async fn stop(self) {
        let Db { engine, store, _dir } = self;
        engine.txns().node().shutdown().await;
        drop(engine);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&store) > 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
