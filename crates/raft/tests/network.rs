//! The replication layer in one process: identity checks in the handshake, quick failure
//! when a peer is down, and the term guard on commits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_raft::network::client::LocalIdentity;
use tandem_raft::network::protocol::{Request, Response};
use tandem_raft::network::{PeerClient, PeerError};
use tandem_raft::{NodeConfig, ProposeError, RaftNode};
use tandem_storage::{Store, WriteSet};
use tokio::net::TcpListener;

async fn single_node(dir: &std::path::Path, id: u64) -> (Arc<RaftNode>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let store = Arc::new(Store::open(&dir.join(format!("n{id}")), id).unwrap());
    let node = RaftNode::start(NodeConfig::single(id, &addr), store, listener).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !node.is_ready() {
        assert!(Instant::now() < deadline, "node {id} did not become ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (node, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_of_another_cluster_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = single_node(dir.path(), 1).await;
    let (b, b_addr) = single_node(dir.path(), 2).await;
    assert_ne!(a.store().cluster_id(), b.store().cluster_id());

    let from_a = PeerClient::new(LocalIdentity { node_id: 1, store: a.store().clone() }, b_addr.clone(), Some(2), None);
    match from_a.call(Request::Whois, Duration::from_secs(2)).await {
        Err(PeerError::Refused(_, reason)) => assert!(reason.contains("belongs to cluster"), "{reason}"),
        other => panic!("a node of another cluster must be refused, got {other:?}"),
    }

    // Dialling the right address with the wrong node id is refused too.
    let wrong = PeerClient::new(LocalIdentity { node_id: 2, store: b.store().clone() }, b_addr, Some(7), None);
    match wrong.call(Request::Whois, Duration::from_secs(2)).await {
        Err(PeerError::Refused(_, reason)) => assert!(reason.contains("not node 7"), "{reason}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_peer_fails_fast_and_is_reached_again_once_back() {
    let dir = tempfile::tempdir().unwrap();
    // A caller that belongs to no cluster yet (as a joining node or a tool), and a port with
    // nothing listening.
    let tool = Arc::new(Store::open(&dir.path().join("tool"), 100).unwrap());
    let addr = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().to_string();
    let client = PeerClient::new(LocalIdentity { node_id: 100, store: tool }, addr.clone(), None, None);
    let t = Instant::now();
    assert!(matches!(client.call(Request::Whois, Duration::from_secs(5)).await, Err(PeerError::Unreachable(..))));
    // While backing off, calls fail at once without dialling.
    assert!(matches!(client.call(Request::Whois, Duration::from_secs(5)).await, Err(PeerError::Unreachable(..))));
    assert!(t.elapsed() < Duration::from_secs(2), "a dead peer must fail fast, took {:?}", t.elapsed());

    // The peer comes up at that address: after the backoff the client reconnects by itself.
    let listener = TcpListener::bind(&addr).await.unwrap();
    let store = Arc::new(Store::open(&dir.path().join("late"), 9).unwrap());
    let late = RaftNode::start(NodeConfig::single(9, &addr), store, listener).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match client.call(Request::Whois, Duration::from_secs(2)).await {
            Ok(Response::Whois(id)) => {
                assert_eq!(id.node_id, 9);
                break;
            }
            other => assert!(Instant::now() < deadline, "never reconnected: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    late.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_checked_in_another_term_is_skipped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _) = single_node(dir.path(), 1).await;
    let term = node.status().term;
    let write = |key: &str| {
        let mut ws = WriteSet::new();
        ws.put(format!("\x10{key}").into_bytes(), b"v".to_vec());
        ws
    };
    let stale = node.prepare(write("stale")).await.unwrap();
    match node.submit(stale, Some(term + 1)).unwrap().wait().await {
        Err(ProposeError::NotLeader { .. }) => {}
        other => panic!("a write guarded by another term must not commit, got {other:?}"),
    }
    let current = node.prepare(write("current")).await.unwrap();
    node.submit(current, Some(term)).unwrap().wait().await.unwrap();
    let snap = node.store().snapshot().unwrap();
    assert!(snap.get(b"\x10stale").unwrap().is_none(), "the skipped write was applied");
    assert!(snap.get(b"\x10current").unwrap().is_some());
    node.shutdown().await;
}
