//! Test harness: real `tandem` processes on 127.0.0.1, a tiny HTTP client, and waits with
//! deadlines. Every process is killed when its `TestCluster` is dropped, also when a test
//! fails.

#![allow(dead_code)]

mod port;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cluster tests run one at a time: three nodes per test already fill two cores.
pub static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the serial lock even if an earlier test panicked while holding it.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A free TCP port on 127.0.0.1 for a node to bind (see [`port::free_port_in`]).
pub fn free_port() -> u16 {
    port::free_port_in(20_000..32_000).expect("a free TCP port in 20000..32000")
}

/// Polls `f` until it returns `Some`, or panics with `what` after `timeout`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An HTTP response: status and body.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// A minimal HTTP/1.1 request (no keep-alive); `None` when the connection fails.
pub fn http(addr: &str, method: &str, path: &str, body: &[u8], timeout: Duration) -> Option<HttpResponse> {
    let mut stream = TcpStream::connect_timeout(&addr.parse().ok()?, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    Some(HttpResponse { status, body })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(len.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// One node process of a test cluster.
pub struct TestNode {
    pub id: u64,
    pub pg_port: u16,
    pub peer_port: u16,
    pub http_port: u16,
    pub data_dir: PathBuf,
    pub log_path: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    child: Option<Child>,
}

impl TestNode {
    pub fn http_addr(&self) -> String {
        format!("127.0.0.1:{}", self.http_port)
    }

    pub fn peer_addr(&self) -> String {
        format!("127.0.0.1:{}", self.peer_port)
    }

    pub fn pg_addr(&self) -> String {
        format!("127.0.0.1:{}", self.pg_port)
    }

    /// Starts (or restarts) the process with its arguments.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "node {} is already running", self.id);
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log_path).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(&self.args)
            .env("TANDEM_LOG", "info,openraft=warn")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawning tandem");
        self.child = Some(child);
    }

    /// kill -9.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends a signal (SIGSTOP, SIGCONT, ...) to the process.
    pub fn signal(&self, sig: &str) {
        if let Some(child) = &self.child {
            let status = Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status().unwrap();
            assert!(status.success());
        }
    }

    /// The process id, while the process runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => child.try_wait().unwrap().is_none(),
            None => false,
        }
    }

    /// Waits for the process to exit by itself; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status.code();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> Option<HttpResponse> {
        http(&self.http_addr(), "GET", path, b"", Duration::from_secs(5))
    }

    pub fn put(&self, path: &str, body: &[u8]) -> Option<HttpResponse> {
        http(&self.http_addr(), "PUT", path, body, Duration::from_secs(5))
    }

    pub fn post(&self, path: &str) -> Option<HttpResponse> {
        http(&self.http_addr(), "POST", path, b"", Duration::from_secs(60))
    }

    /// The node's /cluster view.
    pub fn cluster(&self) -> Option<serde_json::Value> {
        let r = self.get("/cluster")?;
        serde_json::from_str(&r.body).ok()
    }

    pub fn is_ready(&self) -> bool {
        self.get("/ready").is_some_and(|r| r.status == 200)
    }

    /// (applied index, checksum) of the node's data.
    pub fn checksum(&self) -> Option<(u64, String)> {
        let v: serde_json::Value = serde_json::from_str(&self.get("/debug/checksum")?.body).ok()?;
        Some((v["applied_index"].as_u64()?, v["checksum"].as_str()?.to_string()))
    }

    /// A counter or gauge from /metrics.
    pub fn metric(&self, name: &str) -> Option<f64> {
        let body = self.get("/metrics")?.body;
        body.lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A set of node processes sharing a temporary directory.
pub struct TestCluster {
    pub nodes: Vec<TestNode>,
    pub dir: tempfile::TempDir,
}

impl TestCluster {
    /// Prepares `n` nodes forming one cluster (not started), each with `extra` arguments.
    pub fn new(n: u64, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ports: Vec<(u16, u16, u16)> = (0..n).map(|_| (free_port(), free_port(), free_port())).collect();
        let initial: Vec<String> =
            ports.iter().enumerate().map(|(i, p)| format!("{}=127.0.0.1:{}", i + 1, p.1)).collect();
        let initial = initial.join(",");
        let nodes = ports
            .iter()
            .enumerate()
            .map(|(i, &(pg, peer, http))| {
                let id = i as u64 + 1;
                let mut args: Vec<String> = vec!["start".into()];
                args.extend(Self::node_args(dir.path(), id, pg, peer, http));
                args.extend(["--initial-cluster".into(), initial.clone()]);
                args.extend(extra.iter().map(|s| s.to_string()));
                Self::make_node(dir.path(), id, pg, peer, http, args)
            })
            .collect();
        Self { nodes, dir }
    }

    fn node_args(dir: &Path, id: u64, pg: u16, peer: u16, http: u16) -> Vec<String> {
        vec![
            "--node-id".into(),
            id.to_string(),
            "--data-dir".into(),
            dir.join(format!("n{id}")).display().to_string(),
            "--pg-listen".into(),
            format!("127.0.0.1:{pg}"),
            "--peer-listen".into(),
            format!("127.0.0.1:{peer}"),
            "--http-listen".into(),
            format!("127.0.0.1:{http}"),
            "--enable-kv-api".into(),
        ]
    }

    fn make_node(dir: &Path, id: u64, pg: u16, peer: u16, http: u16, args: Vec<String>) -> TestNode {
        TestNode {
            id,
            pg_port: pg,
            peer_port: peer,
            http_port: http,
            data_dir: dir.join(format!("n{id}")),
            log_path: dir.join(format!("n{id}.log")),
            args,
            env: Vec::new(),
            child: None,
        }
    }

    /// Prepares node `id` to join the cluster through `through` (not started).
    pub fn add_joiner(&mut self, id: u64, through: &str, extra: &[&str]) -> usize {
        let (pg, peer, http) = (free_port(), free_port(), free_port());
        let mut args: Vec<String> = vec!["start".into()];
        args.extend(Self::node_args(self.dir.path(), id, pg, peer, http));
        args.extend(["--join".into(), through.to_string()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        self.nodes.push(Self::make_node(self.dir.path(), id, pg, peer, http, args));
        self.nodes.len() - 1
    }

    /// Starts every node and waits until all are ready.
    pub fn start_all(&mut self) {
        for node in &mut self.nodes {
            node.start();
        }
        for i in 0..self.nodes.len() {
            self.wait_ready(i);
        }
    }

    /// Waits until node `i` is ready; prints every node's log if it is not within 30 s.
    pub fn wait_ready(&self, i: usize) {
        let node = &self.nodes[i];
        let deadline = Instant::now() + Duration::from_secs(30);
        while !node.is_ready() {
            if Instant::now() > deadline {
                self.dump_logs();
                panic!("timed out after 30s waiting for node {} to be ready", node.id);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn node(&mut self, id: u64) -> &mut TestNode {
        self.nodes.iter_mut().find(|n| n.id == id).expect("node exists")
    }

    /// The leader as seen by any running node.
    pub fn leader(&mut self) -> Option<u64> {
        for node in &mut self.nodes {
            if !node.is_running() {
                continue;
            }
            if let Some(c) = node.cluster() {
                if let Some(l) = c["leader"].as_u64() {
                    return Some(l);
                }
            }
        }
        None
    }

    pub fn wait_leader(&mut self, not: Option<u64>) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.leader().filter(|l| Some(*l) != not) {
                return l;
            }
            assert!(Instant::now() < deadline, "no leader elected");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until every running node reports the same applied index and data checksum.
    pub fn wait_converged(&mut self, ids: &[u64]) -> (u64, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sums: Vec<Option<(u64, String)>> = ids.iter().map(|id| self.node(*id).checksum()).collect();
            if let Some(Some(first)) = sums.first() {
                if sums.iter().all(|s| s.as_ref() == Some(first)) {
                    return first.clone();
                }
            }
            assert!(Instant::now() < deadline, "replicas did not converge: {sums:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Dumps every node's log (call before panicking in a test that failed).
    pub fn dump_logs(&self) {
        for node in &self.nodes {
            eprintln!("===== node {} log =====\n{}", node.id, node.log());
        }
    }
}

impl Drop for TestCluster {
    /// A test that failed shows the end of every node's log, which usually says why.
    fn drop(&mut self) {
        const TAIL_LINES: usize = 60;
        if !std::thread::panicking() {
            return;
        }
        for node in &self.nodes {
            let log = node.log();
            let lines: Vec<&str> = log.lines().collect();
            let tail = &lines[lines.len().saturating_sub(TAIL_LINES)..];
            eprintln!("===== node {}: last {} lines of its log =====\n{}", node.id, tail.len(), tail.join("\n"));
        }
    }
}
