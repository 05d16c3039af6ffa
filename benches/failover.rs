//! Failover benchmark: how long the cluster stops accepting writes when its leader dies, and
//! whether any acknowledged write is lost.
//!
//! Three `tandem` processes on 127.0.0.1; one writer per node inserts unique ids through that
//! node (followers relay to the leader) without pause. Each trial kills the leader with
//! SIGKILL and measures the time from the kill to the first write acknowledged afterwards by a
//! surviving node; the killed node is then restarted and allowed to catch up. At the end every
//! node must hold every acknowledged id.
//!
//! Run: `cargo bench -p tandem --bench failover -- --trials 20` (figures in
//! docs/benchmarks.md; targets: p50 ≤ 1 s, p99 ≤ 2 s, 0 missing).

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{wait_for, TestCluster};
use parking_lot::Mutex;
use tokio_postgres::{Client, NoTls};

/// One acknowledged insert: its id, the node that took it, when it was sent, and when it was
/// acknowledged.
type Ack = (i64, u64, Instant, Instant);

async fn connect(port: u16) -> Option<Client> {
    let conn = format!("host=127.0.0.1 port={port} user=bench dbname=tandem connect_timeout=2");
    let (client, connection) =
        tokio::time::timeout(Duration::from_secs(3), tokio_postgres::connect(&conn, NoTls)).await.ok()?.ok()?;
    tokio::spawn(connection);
    Some(client)
}

async fn writer(
    node: u64,
    port: u16,
    stop: Arc<AtomicBool>,
    acks: Arc<Mutex<Vec<Ack>>>,
    attempted: Arc<Mutex<BTreeSet<i64>>>,
) {
    let mut client = None;
    let mut n = 0i64;
    while !stop.load(Ordering::Relaxed) {
        let Some(c) = client.as_ref().filter(|c: &&Client| !c.is_closed()) else {
            client = connect(port).await;
            if client.is_none() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            continue;
        };
        let id = node as i64 * 1_000_000_000 + n;
        n += 1;
        attempted.lock().insert(id);
        let sent = Instant::now();
        match tokio::time::timeout(Duration::from_secs(5), c.execute("insert into f values ($1)", &[&id])).await {
            Ok(Ok(_)) => acks.lock().push((id, node, sent, Instant::now())),
            Ok(Err(e)) if e.as_db_error().is_some() => tokio::time::sleep(Duration::from_millis(5)).await,
            _ => client = None,
        }
    }
}

/// Prints what the survivors logged about the election after a slow trial, so that its cause
/// (a rejected candidate, a split vote, a slow client) can be read off the run.
fn print_election(cluster: &TestCluster, killed: u64, log_offsets: &[usize]) {
    const ELECTION: [&str; 5] = [
        "pre-vote won; campaigning",
        "reject vote-request",
        "is rejected by local vote",
        "handle vote request result",
        "a quorum granted my vote",
    ];
    for (node, offset) in cluster.nodes.iter().zip(log_offsets) {
        if node.id == killed {
            continue;
        }
        let log = node.log();
        for line in log.get(*offset..).unwrap_or_default().lines() {
            if ELECTION.iter().any(|pattern| line.contains(pattern)) {
                println!("    node {}: {}", node.id, line.chars().take(240).collect::<String>());
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let mut trials = 20;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--trials" {
            trials = args.next().and_then(|v| v.parse().ok()).expect("--trials N");
        }
    }
    // openraft logs its elections at info: a slow trial prints them (see `print_election`).
    let mut cluster = TestCluster::new(3, &["--log", "info"]);
    cluster.start_all();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let ports: Vec<(u64, u16)> = cluster.nodes.iter().map(|n| (n.id, n.pg_port)).collect();
    rt.block_on(async {
        let c = connect(ports[0].1).await.expect("connect");
        c.batch_execute("create table f (id int8 primary key)").await.expect("create table");
    });
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(Mutex::new(Vec::new()));
    let attempted = Arc::new(Mutex::new(BTreeSet::new()));
    let writers: Vec<_> = ports
        .iter()
        .map(|(id, port)| rt.spawn(writer(*id, *port, stop.clone(), acks.clone(), attempted.clone())))
        .collect();

    let mut gaps = Vec::new();
    for trial in 1..=trials {
        std::thread::sleep(Duration::from_millis(1500));
        let leader = cluster.wait_leader(None);
        let log_offsets: Vec<usize> = cluster.nodes.iter().map(|n| n.log().len()).collect();
        let killed_at = Instant::now();
        cluster.node(leader).kill();
        let new_leader = cluster.wait_leader(Some(leader));
        let elected = killed_at.elapsed();
        // The first write sent after the kill and acknowledged by a survivor.
        let gap = wait_for(Duration::from_secs(30), "a write after the kill", || {
            acks.lock()
                .iter()
                .filter(|(_, node, sent, _)| *node != leader && *sent > killed_at)
                .map(|(_, _, _, at)| *at - killed_at)
                .min()
        });
        println!(
            "trial {trial:>2}: killed leader {leader}; node {new_leader} leads after {:>4} ms; first write after {:>4} ms",
            elected.as_millis(),
            gap.as_millis()
        );
        if gap > Duration::from_secs(1) {
            print_election(&cluster, leader, &log_offsets);
        }
        gaps.push(gap);
        cluster.node(leader).start();
        let i = cluster.nodes.iter().position(|n| n.id == leader).unwrap();
        cluster.wait_ready(i);
    }
    stop.store(true, Ordering::Relaxed);
    rt.block_on(async {
        for w in writers {
            let _ = w.await;
        }
    });

    let acked: BTreeSet<i64> = acks.lock().iter().map(|(id, ..)| *id).collect();
    let attempted = attempted.lock().clone();
    let mut missing = 0;
    let mut phantom = 0;
    for (id, port) in &ports {
        let present: BTreeSet<i64> = rt.block_on(async {
            let c = connect(*port).await.expect("connect");
            c.query("select id from f", &[]).await.expect("select").iter().map(|r| r.get(0)).collect()
        });
        let lost = acked.difference(&present).count();
        let extra = present.difference(&attempted).count();
        println!("node {id}: {} rows, {lost} acknowledged writes missing, {extra} never attempted", present.len());
        missing += lost;
        phantom += extra;
    }
    gaps.sort();
    println!(
        "\nfailover over {trials} trials: p50 {} ms, p99 {} ms, max {} ms; {} writes acknowledged; missing {missing}; unexpected {phantom}",
        percentile(&gaps, 0.5).as_millis(),
        percentile(&gaps, 0.99).as_millis(),
        gaps.last().unwrap().as_millis(),
        acked.len(),
    );
    if missing > 0 || phantom > 0 {
        cluster.dump_logs();
        std::process::exit(1);
    }
}
