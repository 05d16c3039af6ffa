//! Streaming benchmark: `SELECT * FROM t` over a large table through the PostgreSQL wire
//! protocol, reading every row, while the server's memory is watched. The claim it checks is
//! that a result streams in bounded memory: the server's peak RSS during the SELECT grows far
//! less than the size of the result.
//!
//! A one-node `tandem` process on 127.0.0.1 (a separate process, so its RSS is its own); the
//! table `t(id bigint primary key, k int, v text)` with `v` 64 characters is loaded with
//! `INSERT ... SELECT ... FROM generate_series` in autocommit batches (`--batch` rows each:
//! a transaction's writes are buffered on the leader until it commits, so one statement of
//! ten million rows would need gigabytes; docs/benchmarks.md has the figures). Then the
//! node is restarted (so the server starts the SELECT without the load's freed memory), and the
//! SELECT runs through tokio-postgres (extended protocol, binary rows, read as they arrive)
//! while a thread samples `VmRSS` in `/proc/PID/status` every 10 ms; the kernel's own peak
//! (`VmHWM`) is reset just before the SELECT (`/proc/PID/clear_refs`) and read after it.
//!
//! Run: `cargo bench -p tandem --bench stream` (10 million rows; `-- --rows 200000` for a
//! short run, `--batch N` for the load batch size).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestCluster;
use futures::{pin_mut, TryStreamExt};
use tokio_postgres::NoTls;

struct Args {
    rows: u64,
    batch: u64,
}

fn parse_args() -> Args {
    let mut args = Args { rows: 10_000_000, batch: 1_000_000 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rows" => args.rows = it.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--batch" => args.batch = it.next().and_then(|v| v.parse().ok()).expect("--batch N"),
            _ => {} // cargo bench passes --bench
        }
    }
    assert!(args.rows > 0 && args.batch > 0, "--rows and --batch must be positive");
    args
}

/// A `kB` field of `/proc/PID/status`, in bytes.
fn status_bytes(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line[field.len()..].trim_start_matches(':').split_whitespace().next()?.parse().ok()?;
    Some(kb * 1024)
}

/// Samples the process's RSS until stopped; keeps the highest value seen.
struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    handle: std::thread::JoinHandle<()>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (stop2, peak2) = (stop.clone(), peak.clone());
        let handle = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                if let Some(rss) = status_bytes(pid, "VmRSS") {
                    peak2.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        Self { stop, peak, handle }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap();
        self.peak.load(Ordering::Relaxed)
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let mut cluster = TestCluster::new(1, &[]);
    cluster.start_all();
    let node = &cluster.nodes[0];
    let pid = node.pid().expect("the node runs");
    let conn = format!("host=127.0.0.1 port={} user=postgres dbname=postgres", node.pg_port);
    let (client, connection) = tokio_postgres::connect(&conn, NoTls).await.expect("connecting");
    tokio::spawn(connection);

    client.batch_execute("create table t (id bigint primary key, k int, v text)").await.expect("create table");
    let started = Instant::now();
    let mut loaded = 0;
    while loaded < args.rows {
        let (from, to) = (loaded + 1, (loaded + args.batch).min(args.rows));
        let sql = format!(
            "insert into t select g, (g % 1000)::int, md5(g::text) || md5((g + 1)::text) \
             from generate_series({from}, {to}) g"
        );
        client.batch_execute(&sql).await.unwrap_or_else(|e| panic!("loading rows {from}..{to}: {e}"));
        loaded = to;
    }
    let load_secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {} rows in {:.1} s ({:.0} rows/s, batches of {}); server peak RSS while loading {:.0} MiB",
        args.rows,
        load_secs,
        args.rows as f64 / load_secs,
        args.batch,
        mib(status_bytes(pid, "VmHWM").unwrap_or(0)),
    );

    // Restart the node so that the SELECT starts from a server that holds none of the load's
    // freed memory (the allocator keeps it, and a SELECT that reused it would show no
    // growth), then let the memtable flushes and compactions settle, then measure.
    drop(client);
    cluster.nodes[0].kill();
    cluster.nodes[0].start();
    cluster.wait_ready(0);
    let node = &cluster.nodes[0];
    let pid = node.pid().expect("the node runs");
    let (client, connection) = tokio_postgres::connect(&conn, NoTls).await.expect("connecting again");
    tokio::spawn(connection);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let hwm_reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let before = status_bytes(pid, "VmRSS").expect("reading the server's RSS");
    let sampler = RssSampler::start(pid);
    let started = Instant::now();
    let (mut rows, mut bytes, mut id_sum) = (0u64, 0u64, 0i64);
    {
        let stream = client.query_raw("select * from t", Vec::<i64>::new()).await.expect("select");
        pin_mut!(stream);
        while let Some(row) = stream.try_next().await.expect("reading rows") {
            let id: i64 = row.get(0);
            let _k: i32 = row.get(1);
            let v: &str = row.get(2);
            rows += 1;
            id_sum += id;
            bytes += 8 + 4 + v.len() as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let sampled = sampler.finish();
    let peak = match status_bytes(pid, "VmHWM") {
        Some(hwm) if hwm_reset => hwm.max(sampled),
        _ => sampled,
    };
    assert_eq!(rows, args.rows, "rows received");
    let n = args.rows as i64;
    assert_eq!(id_sum, n * (n + 1) / 2, "the ids received are not 1..=rows");

    let growth = peak.saturating_sub(before);
    println!(
        "select * from t: {rows} rows, {:.0} MiB of values, in {secs:.1} s: {:.0} rows/s, {:.1} MiB/s",
        mib(bytes),
        rows as f64 / secs,
        mib(bytes) / secs
    );
    println!(
        "server RSS: {:.0} MiB before, peak {:.0} MiB during ({}): growth {:.1} MiB = {:.2}% of the result",
        mib(before),
        mib(peak),
        if hwm_reset { "VmHWM, reset before the SELECT" } else { "sampled every 10 ms" },
        mib(growth),
        100.0 * growth as f64 / bytes as f64
    );
}
