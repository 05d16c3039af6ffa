//! Group commit benchmark: proposals per second through a three-node cluster on loopback, with
//! 1, 16 and 64 concurrent proposers, and WAL syncs per committed proposal.
//!
//! The three nodes run in this process (one tokio runtime) with real RocksDB stores in a
//! temporary directory and real TCP between them on 127.0.0.1. Every proposal is one write set
//! of one 100-byte put, acknowledged once committed (durable on a majority) and applied on the
//! leader.
//!
//! Run: `cargo bench --bench propose` (or `-- --seconds 10 --proposers 1,16,64`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_raft::{Member, NodeConfig, RaftNode};
use tandem_storage::{Store, WriteSet};
use tokio::net::TcpListener;

struct Args {
    seconds: f64,
    proposers: Vec<usize>,
}

fn parse_args() -> Args {
    let mut args = Args { seconds: 5.0, proposers: vec![1, 16, 64] };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().and_then(|v| v.parse().ok()).expect("--seconds N"),
            "--proposers" => {
                args.proposers = it
                    .next()
                    .expect("--proposers LIST")
                    .split(',')
                    .map(|p| p.parse().expect("a number of proposers"))
                    .collect()
            }
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

async fn start_cluster(dir: &std::path::Path) -> Vec<Arc<RaftNode>> {
    let mut listeners = Vec::new();
    let mut initial = BTreeMap::new();
    for id in 1..=3u64 {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        initial.insert(id, l.local_addr().unwrap().to_string());
        listeners.push(l);
    }
    let mut nodes = Vec::new();
    for (i, listener) in listeners.into_iter().enumerate() {
        let id = i as u64 + 1;
        let store = Arc::new(Store::open(&dir.join(format!("n{id}")), id).unwrap());
        let config = NodeConfig {
            member: Member { peer_addr: initial[&id].clone(), ..Member::default() },
            initial_cluster: initial.clone(),
            // Few snapshots: the benchmark measures the commit path.
            snapshot_every: 1_000_000,
            ..NodeConfig::single(id, &initial[&id])
        };
        nodes.push(RaftNode::start(config, store, listener).await.unwrap());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !nodes.iter().all(|n| n.is_ready()) {
        assert!(Instant::now() < deadline, "cluster did not form");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    nodes
}

fn syncs(nodes: &[Arc<RaftNode>]) -> u64 {
    nodes.iter().map(|n| n.metrics().wal_syncs.get()).sum()
}

struct Run {
    proposers: usize,
    per_sec: f64,
    syncs_per_proposal: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn run(nodes: &[Arc<RaftNode>], proposers: usize, seconds: f64) -> Run {
    let leader = nodes.iter().find(|n| n.is_leader()).expect("a leader").clone();
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let syncs_before = syncs(nodes);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..proposers {
        let (leader, stop, done) = (leader.clone(), stop.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let mut ws = WriteSet::new();
                ws.put(format!("\x10bench/{p}/{n}").into_bytes(), vec![7u8; 100]);
                let t = Instant::now();
                leader.propose(ws).await.expect("proposal commits");
                latencies.push(t.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let committed = done.load(Ordering::Relaxed);
    latencies.sort();
    let pct = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)].as_secs_f64() * 1e3;
    Run {
        proposers,
        per_sec: committed as f64 / elapsed,
        syncs_per_proposal: (syncs(nodes) - syncs_before) as f64 / committed as f64,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
    }
}

fn main() {
    let args = parse_args();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let nodes = start_cluster(dir.path()).await;
        // Warm up connections and caches.
        run(&nodes, 4, 0.5).await;
        let mut runs = Vec::new();
        for &p in &args.proposers {
            runs.push(run(&nodes, p, args.seconds).await);
        }
        let base = runs.first().map(|r| r.per_sec).unwrap_or(1.0);
        println!("three-node cluster on loopback, {} s per level", args.seconds);
        println!("| proposers | proposals/s | × 1 proposer | WAL syncs per proposal (3 nodes) | p50 ms | p99 ms |");
        println!("|---:|---:|---:|---:|---:|---:|");
        for r in &runs {
            println!(
                "| {} | {:.0} | {:.1} | {:.3} | {:.2} | {:.2} |",
                r.proposers,
                r.per_sec,
                r.per_sec / base,
                r.syncs_per_proposal,
                r.p50_ms,
                r.p99_ms
            );
        }
        for n in nodes {
            n.shutdown().await;
        }
    });
}
