//! Transactions on a one-node cluster: visibility, isolation, locks, savepoints, commit.

use std::ops::Bound;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_raft::{NodeConfig, RaftNode};
use tandem_storage::Store;
use tandem_txn::{Isolation, LockMode, TxnError, TxnManager, OWN_WRITE};
use tokio::net::TcpListener;

async fn manager() -> (tempfile::TempDir, Arc<TxnManager>) {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let store = Arc::new(Store::open(&dir.path().join("n1"), 1).unwrap());
    let node = RaftNode::start(NodeConfig::single(1, &addr), store, listener).await.unwrap();
    let mgr = TxnManager::new(node);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !mgr.is_ready_leader() {
        assert!(Instant::now() < deadline, "no leader");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (dir, mgr)
}

fn k(s: &str) -> Vec<u8> {
    [&[0x10u8][..], s.as_bytes()].concat()
}

async fn commit_put(mgr: &Arc<TxnManager>, key: &str, value: &str) -> u64 {
    let mut t = mgr.begin(Isolation::ReadCommitted, false);
    t.begin_statement().await.unwrap();
    t.lock(&k(key), LockMode::Exclusive, None).await.unwrap();
    t.put(k(key), value.as_bytes().to_vec()).unwrap();
    t.commit().await.unwrap().unwrap()
}

fn scan_keys(view: &tandem_txn::TxnView) -> Vec<String> {
    view.scan((Bound::Included(vec![0x10]), Bound::Excluded(vec![0x11])), false)
        .map(|r| String::from_utf8(r.unwrap().0[1..].to_vec()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_writes_overlay_the_snapshot() {
    let (_dir, mgr) = manager().await;
    for key in ["a", "c", "e"] {
        commit_put(&mgr, key, "old").await;
    }
    let mut t = mgr.begin(Isolation::RepeatableRead, false);
    t.begin_statement().await.unwrap();
    t.put(k("b"), b"new".to_vec()).unwrap();
    t.put(k("c"), b"changed".to_vec()).unwrap();
    t.delete(k("e")).unwrap();
    let view = t.view().unwrap();
    assert_eq!(scan_keys(&view), ["a", "b", "c"]);
    let c = view.get(&k("c")).unwrap().unwrap();
    assert_eq!((c.index, c.value.as_slice()), (OWN_WRITE, &b"changed"[..]));
    assert!(view.get(&k("e")).unwrap().is_none());
    let rev: Vec<String> = view
        .scan((Bound::Included(vec![0x10]), Bound::Excluded(vec![0x11])), true)
        .map(|r| String::from_utf8(r.unwrap().0[1..].to_vec()).unwrap())
        .collect();
    assert_eq!(rev, ["c", "b", "a"]);

    t.delete_range(k(""), k("z")).unwrap();
    t.put(k("x"), b"after truncate".to_vec()).unwrap();
    assert_eq!(scan_keys(&t.view().unwrap()), ["x"]);
    t.commit().await.unwrap();
    let mut check = mgr.begin(Isolation::ReadCommitted, true);
    check.begin_statement().await.unwrap();
    assert_eq!(scan_keys(&check.view().unwrap()), ["x"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_committed_sees_new_commits_repeatable_read_does_not() {
    let (_dir, mgr) = manager().await;
    commit_put(&mgr, "x", "1").await;
    let mut rc = mgr.begin(Isolation::ReadCommitted, false);
    let mut rr = mgr.begin(Isolation::RepeatableRead, false);
    rc.begin_statement().await.unwrap();
    rr.begin_statement().await.unwrap();
    commit_put(&mgr, "x", "2").await;
    rc.begin_statement().await.unwrap();
    rr.begin_statement().await.unwrap();
    assert_eq!(rc.view().unwrap().get(&k("x")).unwrap().unwrap().value, b"2");
    assert_eq!(rr.view().unwrap().get(&k("x")).unwrap().unwrap().value, b"1");

    // Locking the row tells each that it changed since its snapshot.
    let locked = rr.lock_row(&k("x"), LockMode::Exclusive, None).await.unwrap();
    assert!(locked.changed);
    assert_eq!(locked.latest.unwrap().value, b"2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locks_serialize_writers_and_are_released_at_commit_or_drop() {
    let (_dir, mgr) = manager().await;
    let mut t1 = mgr.begin(Isolation::ReadCommitted, false);
    t1.lock(&k("r"), LockMode::Exclusive, None).await.unwrap();
    let mut t2 = mgr.begin(Isolation::ReadCommitted, false);
    let err = t2.lock(&k("r"), LockMode::Exclusive, Some(Duration::from_millis(50))).await.unwrap_err();
    assert_eq!(err, TxnError::LockTimeout);
    drop(t1); // a disconnect: rolled back, locks released
    t2.lock(&k("r"), LockMode::Exclusive, Some(Duration::from_millis(50))).await.unwrap();
    t2.rollback();
    assert_eq!(mgr.locked_keys(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn savepoints_undo_and_keep_writes() {
    let (_dir, mgr) = manager().await;
    let mut t = mgr.begin(Isolation::ReadCommitted, false);
    t.begin_statement().await.unwrap();
    t.put(k("a"), b"1".to_vec()).unwrap();
    t.savepoint("s1");
    t.put(k("a"), b"2".to_vec()).unwrap();
    t.put(k("b"), b"2".to_vec()).unwrap();
    t.savepoint("s2");
    t.delete_range(k(""), k("z")).unwrap();
    assert!(scan_keys(&t.view().unwrap()).is_empty());
    assert!(t.rollback_to("s2"));
    assert_eq!(scan_keys(&t.view().unwrap()), ["a", "b"]);
    assert!(t.rollback_to("s1"));
    assert_eq!(scan_keys(&t.view().unwrap()), ["a"]);
    assert_eq!(t.view().unwrap().get(&k("a")).unwrap().unwrap().value, b"1");
    assert!(!t.rollback_to("s2"), "s2 was defined after s1 and is gone");
    assert!(t.release("s1"));
    assert!(!t.rollback_to("s1"));
    t.commit().await.unwrap();
    let mut check = mgr.begin(Isolation::ReadCommitted, true);
    check.begin_statement().await.unwrap();
    assert_eq!(scan_keys(&check.view().unwrap()), ["a"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serializable_prevents_write_skew_repeatable_read_allows_it() {
    let (_dir, mgr) = manager().await;
    commit_put(&mgr, "x", "on").await;
    commit_put(&mgr, "y", "on").await;
    for (level, skew_allowed) in [(Isolation::RepeatableRead, true), (Isolation::Serializable, false)] {
        let mut t1 = mgr.begin(level, false);
        let mut t2 = mgr.begin(level, false);
        // Each reads both and turns off a different one.
        for t in [&mut t1, &mut t2] {
            t.begin_statement().await.unwrap();
            let v = t.view().unwrap();
            assert!(v.get(&k("x")).unwrap().is_some() && v.get(&k("y")).unwrap().is_some());
        }
        t1.lock(&k("x"), LockMode::Exclusive, None).await.unwrap();
        t1.put(k("x"), b"off".to_vec()).unwrap();
        t2.lock(&k("y"), LockMode::Exclusive, None).await.unwrap();
        t2.put(k("y"), b"off".to_vec()).unwrap();
        t1.commit().await.unwrap();
        let second = t2.commit().await;
        if skew_allowed {
            assert!(second.is_ok());
        } else {
            assert!(matches!(second, Err(TxnError::Serialization(_))), "{second:?}");
        }
        commit_put(&mgr, "x", "on").await;
        commit_put(&mgr, "y", "on").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_transactions_refuse_writes() {
    let (_dir, mgr) = manager().await;
    let mut t = mgr.begin(Isolation::ReadCommitted, true);
    t.begin_statement().await.unwrap();
    assert!(matches!(t.put(k("a"), vec![]), Err(TxnError::ReadOnly(_))));
    assert!(matches!(t.lock(&k("a"), LockMode::Exclusive, None).await, Err(TxnError::ReadOnly(_))));
}
