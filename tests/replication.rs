//! The replicated core with real node processes on 127.0.0.1: failover, catch-up from the log
//! and through snapshots, membership changes under load, and refusal of bad data directories
//! and bad peers. Writes go through the raw key-value API (`--enable-kv-api`), which proposes
//! one write set per request.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;

/// Writes keys `{prefix}{n}` to whichever node leads, remembering those acknowledged.
struct Writer {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<(String, Instant)>>>,
    handle: Option<JoinHandle<()>>,
}

impl Writer {
    fn start(http_addrs: Vec<String>, prefix: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let (stop2, acked2, prefix) = (stop.clone(), acked.clone(), prefix.to_string());
        let handle = std::thread::spawn(move || {
            let mut leader: Option<String> = None;
            let mut n = 0u64;
            while !stop2.load(Ordering::Relaxed) {
                let target = match &leader {
                    Some(l) => l.clone(),
                    None => match find_leader_http(&http_addrs) {
                        Some(l) => {
                            leader = Some(l.clone());
                            l
                        }
                        None => {
                            std::thread::sleep(Duration::from_millis(20));
                            continue;
                        }
                    },
                };
                let key = format!("{prefix}{n}");
                match http(&target, "PUT", &format!("/kv/{key}"), key.as_bytes(), Duration::from_secs(2)) {
                    Some(r) if r.status == 200 => {
                        acked2.lock().unwrap().push((key, Instant::now()));
                        n += 1;
                    }
                    // Not the leader, unreachable, or outcome unknown: find the leader again and
                    // write a new key (an unknown outcome is never counted as acknowledged).
                    _ => {
                        leader = None;
                        n += 1;
                    }
                }
            }
        });
        Self { stop, acked, handle: Some(handle) }
    }

    fn finish(mut self) -> Vec<(String, Instant)> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take().unwrap().join().unwrap();
        self.acked.lock().unwrap().clone()
    }
}

fn find_leader_http(addrs: &[String]) -> Option<String> {
    for addr in addrs {
        let Some(r) = http(addr, "GET", "/cluster", b"", Duration::from_secs(1)) else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.body) else { continue };
        let Some(leader) = v["leader"].as_u64() else { continue };
        let members = v["members"].as_array()?;
        if let Some(m) = members.iter().find(|m| m["id"].as_u64() == Some(leader)) {
            return m["http_addr"].as_str().map(str::to_string);
        }
    }
    None
}

fn http_addrs(c: &TestCluster) -> Vec<String> {
    c.nodes.iter().map(|n| n.http_addr()).collect()
}

/// Every key is readable (linearizably) through `node`.
fn assert_all_present(node: &TestNode, keys: &[(String, Instant)]) {
    for (key, _) in keys {
        let r = node.get(&format!("/kv/{key}")).unwrap_or_else(|| panic!("node {} unreachable", node.id));
        assert_eq!(r.status, 200, "acknowledged key {key} missing on node {}: {}", node.id, r.body);
        assert_eq!(r.body, *key);
    }
}

#[test]
fn leader_killed_during_writes_loses_no_acknowledged_write() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let leader = c.wait_leader(None);

    let writer = Writer::start(http_addrs(&c), "a");
    std::thread::sleep(Duration::from_millis(1500));
    c.node(leader).kill();
    let killed_at = Instant::now();
    let new_leader = c.wait_leader(Some(leader));
    std::thread::sleep(Duration::from_millis(1500));
    let acked = writer.finish();

    let after_kill = acked.iter().filter(|(_, t)| *t > killed_at).count();
    assert!(acked.len() > 20, "too few writes acknowledged: {}", acked.len());
    assert!(after_kill > 0, "no write succeeded after the leader was killed (new leader {new_leader})");

    let survivors: Vec<u64> = (1..=3).filter(|id| *id != leader).collect();
    for id in &survivors {
        assert_all_present(c.node(*id), &acked);
    }
    c.wait_converged(&survivors);

    // The killed node restarts from its disk, catches up and holds the same data.
    c.node(leader).start();
    c.wait_converged(&[1, 2, 3]);
    assert_all_present(c.node(leader), &acked);
}

#[test]
fn stopped_node_catches_up_through_a_snapshot_after_the_log_is_purged() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &["--snapshot-every", "100", "--keep-logs", "10"]);
    c.start_all();
    let leader = c.wait_leader(None);
    let lagging = (1..=3).find(|id| *id != leader).unwrap();
    let (stopped_at, _) = c.node(lagging).checksum().unwrap();
    c.node(lagging).kill();

    let writer = Writer::start(http_addrs(&c), "s");
    wait_for(Duration::from_secs(60), "400 writes", || (writer.acked.lock().unwrap().len() >= 400).then_some(()));
    let acked = writer.finish();

    let purged = wait_for(Duration::from_secs(10), "the leader to purge its log", || {
        let v = c.node(leader).cluster()?;
        let purged = v["purged_index"].as_u64()?;
        (purged > stopped_at + 10).then_some(purged)
    });
    assert!(purged > stopped_at, "the log the stopped node needs must be gone");

    c.node(lagging).start();
    let survivors: Vec<u64> = (1..=3).collect();
    c.wait_converged(&survivors);
    let installed = c.node(lagging).metric("tandem_raft_snapshots_installed_total").unwrap();
    assert!(installed >= 1.0, "node {lagging} caught up without a snapshot");
    assert_all_present(c.node(lagging), &acked);
}

#[test]
fn restarted_follower_catches_up_from_the_log() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let leader = c.wait_leader(None);
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    c.node(follower).kill();

    let writer = Writer::start(http_addrs(&c), "r");
    wait_for(Duration::from_secs(30), "50 writes", || (writer.acked.lock().unwrap().len() >= 50).then_some(()));
    let acked = writer.finish();

    c.node(follower).start();
    c.wait_converged(&[1, 2, 3]);
    assert_eq!(c.node(follower).metric("tandem_raft_snapshots_installed_total"), Some(0.0));
    assert_all_present(c.node(follower), &acked);
}

fn member_ids(node: &TestNode) -> Vec<(u64, bool)> {
    let v = node.cluster().unwrap_or_default();
    v["members"]
        .as_array()
        .map(|ms| ms.iter().map(|m| (m["id"].as_u64().unwrap(), m["voter"].as_bool().unwrap())).collect())
        .unwrap_or_default()
}

#[test]
fn node_joins_and_another_is_removed_while_writes_continue() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let writer = Writer::start(http_addrs(&c), "m");

    let through = c.node(1).peer_addr();
    let i = c.add_joiner(4, &through, &[]);
    c.nodes[i].start();
    wait_for(Duration::from_secs(30), "node 4 to become a voter", || {
        member_ids(&c.nodes[0]).contains(&(4, true)).then_some(())
    });
    c.wait_ready(i);

    let r = c.node(1).post("/admin/remove-node/2").expect("remove request");
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for(Duration::from_secs(20), "node 2 to leave the membership", || {
        (!member_ids(c.node(3)).iter().any(|(id, _)| *id == 2)).then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    let acked = writer.finish();
    assert!(acked.len() > 20, "writes stalled during membership changes: {}", acked.len());
    for id in [1, 3, 4] {
        assert_all_present(c.node(id), &acked);
    }
    c.wait_converged(&[1, 3, 4]);

    // A removed id is never reused: a fresh node 2 asking to join is refused.
    c.node(2).kill();
    std::fs::remove_dir_all(&c.node(2).data_dir).unwrap();
    let j = c.add_joiner(2, &through, &[]);
    c.nodes[j].start();
    wait_for(Duration::from_secs(20), "the join of a removed id to be refused", || {
        c.nodes[j].log().contains("was removed from this cluster").then_some(())
    });
    assert!(!c.nodes[j].is_ready());
    let members = member_ids(c.node(1));
    if members.iter().any(|(id, _)| *id == 2) {
        c.dump_logs();
        panic!("node 2 is a member again: {members:?}");
    }
}

/// The leader removes itself; a new node told to join through it and another member is
/// refused by the removed node at once (it will never learn of another leader) and joins
/// through the other member in about the time of an election, not after a long wait.
#[test]
fn a_join_through_a_removed_leader_goes_on_to_a_member() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let old = c.wait_leader(None);
    let r = c.node(old).post(&format!("/admin/remove-node/{old}")).expect("remove request");
    assert_eq!(r.status, 200, "{}", r.body);
    let survivor = if old == 1 { 2 } else { 1 };
    wait_for(Duration::from_secs(20), "the old leader to leave the membership", || {
        (!member_ids(c.node(survivor)).iter().any(|(id, _)| *id == old)).then_some(())
    });

    let through = format!("{},{}", c.node(old).peer_addr(), c.node(survivor).peer_addr());
    let i = c.add_joiner(4, &through, &[]);
    c.nodes[i].start();
    wait_for(Duration::from_secs(20), "node 4 to become a voter", || {
        member_ids(c.node(survivor)).contains(&(4, true)).then_some(())
    });
    c.wait_ready(i);
    if !c.nodes[i].log().contains("no longer a member") {
        c.dump_logs();
        panic!("the removed leader should have refused the join");
    }
}

#[test]
fn a_wiped_follower_is_refused_and_the_cluster_carries_on() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let leader = c.wait_leader(None);
    let victim = (1..=3).rev().find(|id| *id != leader).unwrap();
    c.node(victim).kill();
    std::fs::remove_dir_all(&c.node(victim).data_dir).unwrap();
    c.node(victim).start();

    let leader_node = &c.nodes[(leader - 1) as usize];
    wait_for(Duration::from_secs(20), "the leader to refuse the wiped node", || {
        leader_node.log().contains("its data was replaced").then_some(())
    });
    let r = leader_node.put("/kv/after-wipe", b"after-wipe").unwrap();
    assert_eq!(r.status, 200, "the cluster must keep accepting writes: {}", r.body);
    std::thread::sleep(Duration::from_secs(1));
    assert!(!c.node(victim).is_ready(), "a wiped node must not rejoin under its old identity");
    assert_eq!(c.node(victim).get("/kv/after-wipe").map(|r| r.status), Some(503));
}

#[test]
fn a_wiped_initializer_does_not_found_a_second_cluster() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    c.node(1).kill();
    std::fs::remove_dir_all(&c.node(1).data_dir).unwrap();
    c.node(1).start();
    wait_for(Duration::from_secs(20), "node 1 to refuse to found a cluster", || {
        c.node(1).log().contains("refusing to found a second cluster").then_some(())
    });
    let leader = c.wait_leader(Some(1));
    let r = c.node(leader).put("/kv/k", b"v").unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!c.node(1).is_ready());
}

#[test]
fn bad_data_directories_stop_the_node_with_a_clear_message() {
    let _serial = serial();
    let mut c = TestCluster::new(1, &[]);
    c.start_all();
    c.node(1).kill();

    // The directory belongs to node 1; starting it as node 9 is refused.
    let mut args = c.nodes[0].args.clone();
    let pos = args.iter().position(|a| a == "--node-id").unwrap();
    args[pos + 1] = "9".into();
    args.retain(|a| !a.starts_with("--initial-cluster") && !a.contains("=127.0.0.1"));
    c.nodes[0].args = args;
    c.nodes[0].start();
    assert_ne!(c.nodes[0].wait_exit(Duration::from_secs(20)), Some(0));
    assert!(c.nodes[0].log().contains("belongs to node 1"), "{}", c.nodes[0].log());

    // A directory holding something else is not taken over.
    let foreign = c.dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("precious.txt"), "data").unwrap();
    let mut node = TestCluster::new(1, &[]);
    let data_arg = node.nodes[0].args.iter().position(|a| a == "--data-dir").unwrap();
    node.nodes[0].args[data_arg + 1] = foreign.display().to_string();
    node.nodes[0].start();
    assert_ne!(node.nodes[0].wait_exit(Duration::from_secs(20)), Some(0));
    assert!(node.nodes[0].log().contains("not a Tandem store"), "{}", node.nodes[0].log());
    assert!(foreign.join("precious.txt").exists());
}

#[test]
fn garbage_from_a_peer_harms_nothing() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    for node in &c.nodes {
        // Random bytes, an absurd frame length, and a silent connection.
        let mut s = TcpStream::connect(node.peer_addr()).unwrap();
        let _ = s.write_all(b"\x00\x00\x00\x10GET / HTTP/1.1\r\n\r\n");
        let mut s = TcpStream::connect(node.peer_addr()).unwrap();
        let _ = s.write_all(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
        let _silent = TcpStream::connect(node.peer_addr()).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let leader = c.wait_leader(None);
    let r = c.node(leader).put("/kv/still", b"still").unwrap();
    assert_eq!(r.status, 200);
    for i in 0..3 {
        c.wait_ready(i);
    }
    c.wait_converged(&[1, 2, 3]);
}

#[test]
fn http_endpoints_report_health_and_metrics() {
    let _serial = serial();
    let mut c = TestCluster::new(1, &[]);
    c.start_all();
    let node = &c.nodes[0];
    assert_eq!(node.get("/health").unwrap().status, 200);
    assert_eq!(node.put("/kv/x", b"1").unwrap().status, 200);
    let metrics = node.get("/metrics").unwrap().body;
    for name in [
        "tandem_raft_is_leader 1",
        "tandem_raft_state 3",
        "tandem_raft_term ",
        "tandem_raft_leader_id 1",
        "tandem_raft_commit_index ",
        "tandem_raft_applied_index ",
        "tandem_raft_log_entries ",
        "tandem_raft_proposals_total ",
        "tandem_raft_commit_latency_seconds_bucket",
        "tandem_storage_wal_syncs_total ",
    ] {
        assert!(metrics.contains(name), "metric {name} missing:\n{metrics}");
    }
    assert!(node.metric("tandem_raft_proposals_total").unwrap() >= 1.0);
}

#[test]
fn an_io_error_in_apply_stops_the_node_instead_of_diverging() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.nodes[2].env.push(("TANDEM_FAULT_APPLY_IO_ERROR_AT".into(), "30".into()));
    c.start_all();
    let writer = Writer::start(http_addrs(&c), "f");
    let code = c.nodes[2].wait_exit(Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(300));
    let acked = writer.finish();
    assert_eq!(code, Some(70), "node 3 must stop with the fatal exit code:\n{}", c.nodes[2].log());
    assert!(c.nodes[2].log().contains("injected I/O error"));
    assert!(acked.len() > 30, "the two healthy nodes keep committing: {}", acked.len());

    // Restarted without the fault, node 3 applies the entries it failed on and converges.
    c.nodes[2].env.clear();
    c.nodes[2].start();
    c.wait_converged(&[1, 2, 3]);
    assert_all_present(c.node(3), &acked);
}

/// A follower that hangs for a while (here SIGSTOP; in life a long GC or VM pause) neither
/// stops the cluster nor, when it wakes up having heard from nobody, deposes the healthy
/// leader: its pre-vote is refused, so it does not raise the term.
#[test]
fn a_paused_follower_does_not_stop_the_cluster_and_catches_up() {
    let _serial = serial();
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    let leader = c.wait_leader(None);
    let term = |c: &mut TestCluster| c.node(leader).cluster().and_then(|v| v["term"].as_u64());
    let term_before = term(&mut c);
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    c.node(follower).signal("STOP");
    let writer = Writer::start(http_addrs(&c), "p");
    wait_for(Duration::from_secs(30), "writes while a follower hangs", || {
        (writer.acked.lock().unwrap().len() >= 50).then_some(())
    });
    c.node(follower).signal("CONT");
    let acked = writer.finish();
    c.wait_converged(&[1, 2, 3]);
    assert_all_present(c.node(follower), &acked);
    assert_eq!(c.leader(), Some(leader), "the woken follower deposed the leader");
    assert_eq!(term(&mut c), term_before, "the woken follower raised the term");
}
