//! The cluster under test: `tandem` node processes on 127.0.0.1, started, killed, paused,
//! restarted and replaced by the harness.
//!
//! Each node runs with its own group id (see [`crate::net`]) and in its own process group, so
//! a Ctrl-C at the terminal reaches only the harness, which then stops the nodes itself. The
//! pid of every node is written to a state file; a run that was killed before it could clean
//! up leaves that file behind, and the next run kills what it names ([`cleanup_stale`]) after
//! checking that each pid still runs a `tandem` of ours. One run at a time holds the state
//! directory's lock.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use tokio::task::JoinSet;

use crate::http;
use crate::net::{Endpoint, GID_BASE};

/// Where the lock and the pid file live: one place per machine, since the partition rules
/// they guard are machine-wide too.
pub fn state_dir() -> PathBuf {
    PathBuf::from("/tmp/tandem-jepsen")
}

/// Holds the lock that makes runs take turns; released when dropped (or the process dies).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock, waiting for another run to finish.
    pub fn acquire() -> anyhow::Result<Self> {
        let dir = state_dir();
        std::fs::create_dir_all(&dir)?;
        let file = File::create(dir.join("lock"))?;
        if file.try_lock().is_err() {
            eprintln!("jepsen: another run holds {}; waiting for it", dir.join("lock").display());
            file.lock()?;
        }
        Ok(Self { _file: file })
    }
}

/// Kills node processes left by a run that died, and removes its partition rules. Call with
/// the [`RunLock`] held.
pub fn cleanup_stale() {
    let pids = state_dir().join("pids");
    if let Ok(text) = std::fs::read_to_string(&pids) {
        for line in text.lines() {
            let Some((pid, data_dir)) = line.split_once(' ') else { continue };
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline);
            if cmdline.contains("tandem") && cmdline.contains(data_dir) {
                eprintln!("jepsen: killing node process {pid} left by an earlier run");
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
        let _ = std::fs::remove_file(&pids);
    }
    crate::net::cleanup();
}

#[path = "../../common/port.rs"]
mod port;

/// A free port for a node (nodes restart on their ports, and a membership change brings new
/// ones), from a range apart from the other tests'.
fn free_port() -> anyhow::Result<u16> {
    port::free_port_in(12_000..20_000).ok_or_else(|| anyhow::anyhow!("no free TCP port in 12000..20000"))
}

/// How to reach a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeAddr {
    /// Node id.
    pub id: u64,
    /// PostgreSQL address.
    pub pg: String,
    /// HTTP address.
    pub http: String,
    /// Peer address.
    pub peer: String,
}

/// One node process.
#[derive(Debug)]
pub struct Node {
    /// Node id (never reused: a replaced node gets a new one).
    pub id: u64,
    pg_port: u16,
    peer_port: u16,
    http_port: u16,
    data_dir: PathBuf,
    log_path: PathBuf,
    args: Vec<String>,
    child: Option<Child>,
    paused: bool,
}

impl Node {
    /// Its addresses.
    pub fn addr(&self) -> NodeAddr {
        NodeAddr {
            id: self.id,
            pg: format!("127.0.0.1:{}", self.pg_port),
            http: format!("127.0.0.1:{}", self.http_port),
            peer: format!("127.0.0.1:{}", self.peer_port),
        }
    }

    /// Its address in partition rules.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint { gid: GID_BASE + self.id as u32, peer_port: self.peer_port }
    }

    /// True while its process runs (paused or not).
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// True while paused with SIGSTOP.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    fn signal(&self, sig: &str) -> anyhow::Result<()> {
        let Some(child) = &self.child else { bail!("node {} is not running", self.id) };
        let status = Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status()?;
        if !status.success() {
            bail!("kill -{sig} node {} failed", self.id);
        }
        Ok(())
    }
}

/// How to build a cluster.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The `tandem` binary.
    pub bin: PathBuf,
    /// Directory for data directories and logs.
    pub dir: PathBuf,
    /// Number of nodes.
    pub nodes: usize,
    /// Extra environment of every node (fault switches).
    pub env: Vec<(String, String)>,
    /// Extra arguments of `tandem start`.
    pub args: Vec<String>,
}

/// The running cluster. Dropping it kills every node.
#[derive(Debug)]
pub struct Cluster {
    cfg: ClusterConfig,
    /// Nodes by slot; a replaced node takes its predecessor's slot.
    slots: Vec<Node>,
    next_id: u64,
}

impl Cluster {
    /// Prepares and starts `cfg.nodes` nodes forming one cluster.
    pub fn start(cfg: ClusterConfig) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&cfg.dir)?;
        let mut ports = Vec::new();
        for _ in 0..cfg.nodes {
            ports.push((free_port()?, free_port()?, free_port()?));
        }
        let initial: Vec<String> =
            ports.iter().enumerate().map(|(i, p)| format!("{}=127.0.0.1:{}", i + 1, p.1)).collect();
        let mut cluster = Self { cfg, slots: Vec::new(), next_id: ports.len() as u64 + 1 };
        for (i, &(pg, peer, http)) in ports.iter().enumerate() {
            let node = cluster.make_node(i as u64 + 1, (pg, peer, http), &["--initial-cluster", &initial.join(",")]);
            cluster.slots.push(node);
        }
        for slot in 0..cluster.slots.len() {
            cluster.start_node(slot)?;
        }
        Ok(cluster)
    }

    fn make_node(&self, id: u64, (pg, peer, http): (u16, u16, u16), how: &[&str]) -> Node {
        let data_dir = self.cfg.dir.join(format!("n{id}"));
        let mut args: Vec<String> = vec!["start".into(), "--node-id".into(), id.to_string()];
        args.extend(["--data-dir".into(), data_dir.display().to_string()]);
        args.extend(["--pg-listen".into(), format!("127.0.0.1:{pg}")]);
        args.extend(["--peer-listen".into(), format!("127.0.0.1:{peer}")]);
        args.extend(["--http-listen".into(), format!("127.0.0.1:{http}")]);
        args.extend(how.iter().map(|s| s.to_string()));
        args.extend(self.cfg.args.iter().cloned());
        Node {
            id,
            pg_port: pg,
            peer_port: peer,
            http_port: http,
            log_path: self.cfg.dir.join(format!("n{id}.log")),
            data_dir,
            args,
            child: None,
            paused: false,
        }
    }

    /// Number of slots (nodes).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True for a cluster of no nodes.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The node in `slot`.
    pub fn node(&self, slot: usize) -> &Node {
        &self.slots[slot]
    }

    /// The slot of node `id`.
    pub fn slot_of(&self, id: u64) -> Option<usize> {
        self.slots.iter().position(|n| n.id == id)
    }

    /// Every node's addresses, by slot.
    pub fn addrs(&self) -> Vec<NodeAddr> {
        self.slots.iter().map(Node::addr).collect()
    }

    /// The `tandem` binary.
    pub fn bin(&self) -> &Path {
        &self.cfg.bin
    }

    /// Starts the node in `slot` (again).
    pub fn start_node(&mut self, slot: usize) -> anyhow::Result<()> {
        let node = &mut self.slots[slot];
        if node.is_running() {
            return Ok(());
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&node.log_path)?;
        let child = Command::new(&self.cfg.bin)
            .args(&node.args)
            .env("TANDEM_LOG", "info,openraft=warn")
            .envs(self.cfg.env.iter().map(|(k, v)| (k, v)))
            .gid(GID_BASE + node.id as u32)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("starting {}", self.cfg.bin.display()))?;
        node.child = Some(child);
        node.paused = false;
        self.write_pids();
        Ok(())
    }

    /// kill -9 of the node in `slot`.
    pub fn kill_node(&mut self, slot: usize) {
        let node = &mut self.slots[slot];
        if let Some(mut child) = node.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        node.paused = false;
        self.write_pids();
    }

    /// SIGSTOP of the node in `slot`.
    pub fn pause_node(&mut self, slot: usize) -> anyhow::Result<()> {
        self.slots[slot].signal("STOP")?;
        self.slots[slot].paused = true;
        Ok(())
    }

    /// SIGCONT of the node in `slot`.
    pub fn resume_node(&mut self, slot: usize) -> anyhow::Result<()> {
        if self.slots[slot].paused {
            self.slots[slot].signal("CONT")?;
            self.slots[slot].paused = false;
        }
        Ok(())
    }

    /// Nodes whose process ended although the harness did not stop it (a crash), each once.
    pub fn crashed(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for node in &mut self.slots {
            let Some(child) = &mut node.child else { continue };
            if let Ok(Some(status)) = child.try_wait() {
                out.push(format!("node {} exited by itself ({status}); see {}", node.id, node.log_path.display()));
                node.child = None;
                node.paused = false;
            }
        }
        if !out.is_empty() {
            self.write_pids();
        }
        out
    }

    /// Resumes every paused node and starts every stopped one.
    pub fn heal_processes(&mut self) -> anyhow::Result<()> {
        for slot in 0..self.slots.len() {
            self.resume_node(slot)?;
            if !self.slots[slot].is_running() {
                self.start_node(slot)?;
            }
        }
        Ok(())
    }

    /// Replaces the node in `slot` (already removed from the cluster) by a fresh one with a new
    /// id, new ports and an empty data directory that joins through `join` (a peer address).
    /// Returns the new node's id.
    pub fn replace_node(&mut self, slot: usize, join: &str) -> anyhow::Result<u64> {
        self.kill_node(slot);
        let _ = std::fs::remove_dir_all(&self.slots[slot].data_dir);
        let id = self.next_id;
        self.next_id += 1;
        let ports = (free_port()?, free_port()?, free_port()?);
        self.slots[slot] = self.make_node(id, ports, &["--join", join]);
        self.start_node(slot)?;
        Ok(id)
    }

    fn write_pids(&mut self) {
        let mut text = String::new();
        for node in &self.slots {
            if let Some(c) = &node.child {
                text.push_str(&format!("{} {}\n", c.id(), node.data_dir.display()));
            }
        }
        let _ = std::fs::write(state_dir().join("pids"), text);
    }

    /// Kills every node and forgets them.
    pub fn stop(&mut self) {
        for slot in 0..self.slots.len() {
            self.kill_node(slot);
        }
        let _ = std::fs::remove_file(state_dir().join("pids"));
    }

    /// Deletes the data directories (logs stay).
    pub fn remove_data(&self) {
        for node in &self.slots {
            let _ = std::fs::remove_dir_all(&node.data_dir);
        }
        // Data directories of replaced nodes were removed when they were replaced.
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What one node says about the cluster.
#[derive(Clone, Debug)]
pub struct View {
    /// The node asked.
    pub from: u64,
    /// Its term.
    pub term: u64,
    /// The leader it knows of.
    pub leader: Option<u64>,
    /// Member id → PostgreSQL address.
    pub members: BTreeMap<u64, String>,
}

/// Asks every node for its view of the cluster, concurrently, with a short timeout.
pub async fn views(addrs: &[NodeAddr]) -> Vec<View> {
    let mut set = JoinSet::new();
    for a in addrs {
        let a = a.clone();
        set.spawn(async move {
            let v = http::get_json(&a.http, "/cluster", Duration::from_millis(700)).await?;
            let members = v["members"]
                .as_array()?
                .iter()
                .filter_map(|m| Some((m["id"].as_u64()?, m["pg_addr"].as_str()?.to_string())))
                .collect();
            Some(View { from: a.id, term: v["term"].as_u64()?, leader: v["leader"].as_u64(), members })
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(Some(v)) = r {
            out.push(v);
        }
    }
    out
}

/// The leader known to the nodes with the highest term, and its PostgreSQL address.
pub async fn find_leader(addrs: &[NodeAddr]) -> Option<(u64, String)> {
    let views = views(addrs).await;
    let best = views.iter().filter(|v| v.leader.is_some()).max_by_key(|v| v.term)?;
    let leader = best.leader?;
    let pg =
        best.members.get(&leader).cloned().or_else(|| addrs.iter().find(|a| a.id == leader).map(|a| a.pg.clone()))?;
    Some((leader, pg))
}

/// Waits until every node in `addrs` answers /ready with 200.
pub async fn wait_ready(addrs: &[NodeAddr], timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    for a in addrs {
        loop {
            if let Some((200, _)) = http::get(&a.http, "/ready", Duration::from_millis(700)).await {
                break;
            }
            if Instant::now() > deadline {
                bail!("node {} was not ready within {timeout:?}", a.id);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

/// Waits until every node reports the same applied index and data checksum; returns them.
pub async fn wait_converged(addrs: &[NodeAddr], timeout: Duration) -> anyhow::Result<(u64, String)> {
    let deadline = Instant::now() + timeout;
    loop {
        let mut sums = Vec::new();
        for a in addrs {
            let v = http::get_json(&a.http, "/debug/checksum", Duration::from_secs(5)).await;
            sums.push(v.and_then(|v| Some((v["applied_index"].as_u64()?, v["checksum"].as_str()?.to_string()))));
        }
        if let Some(Some(first)) = sums.first() {
            if sums.iter().all(|s| s.as_ref() == Some(first)) {
                return Ok(first.clone());
            }
        }
        if Instant::now() > deadline {
            bail!("replicas did not converge within {timeout:?}: {sums:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
