//! One run (cluster, clients, nemesis, final reads, checks, reports) and the schedules of runs:
//! the short one CI runs and the long one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use rand::rngs::StdRng;
use rand::SeedableRng as _;

use crate::checker::{Isolation, Validity};
use crate::client::{self, Conn, OpError, Route};
use crate::cluster::{self, Cluster, ClusterConfig, RunLock};
use crate::history::{Kind, Recorder};
use crate::nemesis::{heal_all, Nemesis, NemesisKind};
use crate::net::Net;
use crate::report::{self, Summary};
use crate::workload::{Workload, WorkloadKind};

/// The fault switch of the canary run (debug builds of `tandem` only).
pub const ACK_EARLY_SWITCH: &str = "TANDEM_FAULT_ACK_BEFORE_COMMIT";
/// Process ids of the final reads start here.
const FINAL_PROCESS: u64 = 1_000_000;
/// Time allowed for the cluster to recover after the faults end.
const RECOVERY: Duration = Duration::from_secs(60);

/// Everything a run needs.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// The workload.
    pub workload: WorkloadKind,
    /// Isolation level of its transactions.
    pub isolation: Isolation,
    /// The faults.
    pub nemesis: NemesisKind,
    /// How long the clients run.
    pub time: Duration,
    /// Cluster size.
    pub nodes: usize,
    /// Concurrent clients.
    pub concurrency: usize,
    /// Which nodes clients talk to.
    pub route: Route,
    /// The `tandem` binary.
    pub bin: PathBuf,
    /// Directory under which the run's directory is made.
    pub out: PathBuf,
    /// Seed of the generators and the nemesis.
    pub seed: u64,
    /// Extra environment of every node.
    pub node_env: Vec<(String, String)>,
    /// Quiet time between faults (randomized ±50%).
    pub interval: Duration,
    /// How long each fault lasts.
    pub fault_duration: Duration,
    /// Keep the nodes' data directories.
    pub keep_data: bool,
    /// Appended to the run's name.
    pub label: String,
}

impl RunConfig {
    /// Defaults for a run of `workload` at `isolation` under `nemesis` for `seconds`.
    pub fn new(
        workload: WorkloadKind,
        isolation: Isolation,
        nemesis: NemesisKind,
        seconds: u64,
        bin: &Path,
        out: &Path,
    ) -> Self {
        Self {
            workload,
            isolation,
            nemesis,
            time: Duration::from_secs(seconds),
            nodes: 3,
            concurrency: 6,
            route: Route::Any,
            bin: bin.to_path_buf(),
            out: out.to_path_buf(),
            seed: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            node_env: Vec::new(),
            interval: Duration::from_secs(3),
            fault_duration: Duration::from_secs(4),
            keep_data: false,
            label: String::new(),
        }
    }

    /// The run's name, e.g. `append-ser-partition-leader`.
    pub fn name(&self) -> String {
        format!("{}-{}{}", Workload::new(self.workload, self.isolation).name(), self.nemesis.name(), self.label)
    }
}

/// A finished run.
#[derive(Debug)]
pub struct RunOutcome {
    /// Its summary.
    pub summary: Summary,
    /// Where its files are.
    pub dir: PathBuf,
}

struct Ctx {
    workload: Workload,
    rec: Recorder,
    cluster: Arc<Mutex<Cluster>>,
    route: Route,
}

impl Ctx {
    fn addrs(&self) -> Vec<cluster::NodeAddr> {
        self.cluster.lock().unwrap_or_else(|e| e.into_inner()).addrs()
    }
}

/// Runs one operation on `conn` and records it; returns how it ended, and whether the
/// connection may be used again.
async fn run_op(ctx: &Ctx, conn: &mut Conn, process: u64, op: crate::history::Op) -> (Kind, bool) {
    ctx.rec.record(Kind::Invoke, process, Some(conn.node), op.clone(), None);
    let result = match tokio::time::timeout(client::STATEMENT_TIMEOUT * 4, ctx.workload.execute(conn, &op)).await {
        Ok(r) => r,
        Err(_) => Err(OpError::Info("the operation timed out".into())),
    };
    let read = Workload::is_read(&op);
    let (kind, value, error) = match result {
        Ok(done) => (Kind::Ok, done, None),
        Err(OpError::Fail(e)) => (Kind::Fail, op, Some(e)),
        // An unknown outcome of a read changes nothing: it failed.
        Err(OpError::Info(e)) if read => (Kind::Fail, op, Some(e)),
        Err(OpError::Info(e)) => (Kind::Info, op, Some(e)),
    };
    ctx.rec.record(kind, process, Some(conn.node), value, error.clone());
    let not_leader = error.as_deref().is_some_and(|e| e.starts_with("57P03"));
    (kind, !conn.is_broken() && !not_leader)
}

async fn client_loop(ctx: Arc<Ctx>, worker: usize, concurrency: usize, until: Instant, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(worker as u64));
    let mut process = worker as u64;
    let mut conn: Option<Conn> = None;
    while Instant::now() < until {
        if conn.is_none() {
            match client::connect(ctx.route, &ctx.addrs(), process).await {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            }
        }
        let c = conn.as_mut().expect("connected above");
        let op = ctx.workload.generate(&mut rng);
        let (kind, keep) = run_op(&ctx, c, process, op).await;
        // A process whose operation may still be in flight never runs another one.
        if kind == Kind::Info {
            process += concurrency as u64;
        }
        if !keep {
            conn = None;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The workload's final read on every node, retried for a while on each.
async fn final_reads(ctx: &Ctx, round: u64) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(op) = ctx.workload.final_read() else { return problems };
    for (slot, addr) in ctx.addrs().into_iter().enumerate() {
        let process = FINAL_PROCESS + round * 100 + slot as u64;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut conn) = Conn::connect(addr.id, &addr.pg).await {
                if run_op(ctx, &mut conn, process, op.clone()).await.0 == Kind::Ok {
                    break;
                }
            }
            if Instant::now() > deadline {
                problems.push(format!("node {} served no final read (round {round}) within 20s", addr.id));
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    problems
}

async fn setup(ctx: &Ctx) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut pending = ctx.workload.setup();
    loop {
        let result = async {
            let mut conn = client::connect(Route::Leader, &ctx.addrs(), 0).await.map_err(anyhow::Error::msg)?;
            while let Some(sql) = pending.first() {
                match conn.run(sql).await {
                    // A retried CREATE whose first attempt did commit.
                    Err(client::StmtError::Db { code, .. }) if code == "42P07" => {}
                    Err(e) => anyhow::bail!("{sql}: {e}"),
                    Ok(_) => {}
                }
                pending.remove(0);
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => return Ok(()),
            Err(e) if Instant::now() > deadline => return Err(e.context("setting up the workload's tables")),
            Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
}

/// Runs one schedule entry end to end and writes its reports.
pub async fn run(cfg: &RunConfig) -> anyhow::Result<RunOutcome> {
    let _lock = RunLock::acquire()?;
    cluster::cleanup_stale();
    let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let dir = cfg.out.join(format!("{stamp}-{}", cfg.name()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let net = if cfg.nemesis.needs_net() { Some(Net::setup().context("setting up partitions")?) } else { None };
    let cluster = Cluster::start(ClusterConfig {
        bin: cfg.bin.clone(),
        dir: dir.clone(),
        nodes: cfg.nodes,
        env: cfg.node_env.clone(),
        // Frequent snapshots, so restarted and lagging nodes also catch up from snapshots.
        args: vec!["--snapshot-every".into(), "2000".into(), "--keep-logs".into(), "500".into()],
    })?;
    let cluster = Arc::new(Mutex::new(cluster));
    let start = Instant::now();
    let ctx = Arc::new(Ctx {
        workload: Workload::new(cfg.workload, cfg.isolation),
        rec: Recorder::create(&dir.join("history.jsonl"), start)?,
        cluster: cluster.clone(),
        route: cfg.route,
    });
    cluster::wait_ready(&ctx.addrs(), Duration::from_secs(60)).await?;
    setup(&ctx).await?;

    let until = Instant::now() + cfg.time;
    let clients: Vec<_> = (0..cfg.concurrency)
        .map(|w| tokio::spawn(client_loop(ctx.clone(), w, cfg.concurrency, until, cfg.seed)))
        .collect();
    let nemesis = Nemesis {
        cluster: cluster.clone(),
        net: net.as_ref(),
        clock: &ctx.rec,
        interval: cfg.interval,
        duration: cfg.fault_duration,
    };
    let mut rng = StdRng::seed_from_u64(cfg.seed ^ 0x6e656d65);
    let (faults, mut problems) = nemesis.run(cfg.nemesis, until, &mut rng).await;
    for c in clients {
        c.await?;
    }

    if let Err(e) = heal_all(&cluster, net.as_ref(), RECOVERY).await {
        problems.push(format!("the cluster did not recover after the faults: {e:#}"));
    }
    if let Err(e) = cluster::wait_converged(&ctx.addrs(), RECOVERY).await {
        problems.push(format!("{e:#}"));
    }
    problems.extend(final_reads(&ctx, 0).await);
    if ctx.workload.reads_after_restart() {
        {
            let mut c = cluster.lock().unwrap_or_else(|e| e.into_inner());
            problems.extend(c.crashed());
            c.stop();
            c.heal_processes()?;
        }
        match cluster::wait_ready(&ctx.addrs(), RECOVERY).await {
            Ok(()) => problems.extend(final_reads(&ctx, 1).await),
            Err(e) => problems.push(format!("after restarting every node: {e:#}")),
        }
    }
    let entries = ctx.rec.finish()?;
    {
        let mut c = cluster.lock().unwrap_or_else(|e| e.into_inner());
        problems.extend(c.crashed());
        c.stop();
        if !cfg.keep_data {
            c.remove_data();
        }
    }
    drop(net);

    let result = ctx.workload.check(&entries);
    let valid =
        if !problems.is_empty() || result.valid == Validity::Invalid { Validity::Invalid } else { result.valid };
    let summary = Summary {
        name: cfg.name(),
        settings: vec![
            ("workload".into(), ctx.workload.name()),
            ("nemesis".into(), cfg.nemesis.name()),
            ("duration".into(), format!("{:?}", cfg.time)),
            ("nodes".into(), cfg.nodes.to_string()),
            ("clients".into(), cfg.concurrency.to_string()),
            ("route".into(), format!("{:?}", cfg.route).to_lowercase()),
            ("seed".into(), cfg.seed.to_string()),
            ("binary".into(), cfg.bin.display().to_string()),
            ("node environment".into(), format!("{:?}", cfg.node_env)),
            ("directory".into(), dir.display().to_string()),
        ],
        valid,
        stats: report::stats(&entries),
        faults,
        results: vec![result],
        problems,
    };
    std::fs::write(dir.join("summary.txt"), summary.text())?;
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(&summary)?)?;
    std::fs::write(dir.join("timeline.svg"), report::timeline_svg(&entries, &summary.faults, &summary.name))?;
    Ok(RunOutcome { summary, dir })
}

/// One entry of a schedule.
#[derive(Clone, Copy, Debug)]
pub struct Planned {
    /// Workload.
    pub workload: WorkloadKind,
    /// Isolation level.
    pub isolation: Isolation,
    /// Faults.
    pub nemesis: NemesisKind,
    /// Seconds of load.
    pub seconds: u64,
}

const fn planned(workload: WorkloadKind, isolation: Isolation, nemesis: NemesisKind, seconds: u64) -> Planned {
    Planned { workload, isolation, nemesis, seconds }
}

/// The short schedule CI runs: every workload and every kind of fault at least once.
pub const CI_SCHEDULE: &[Planned] = &[
    planned(WorkloadKind::Bank, Isolation::Serializable, NemesisKind::KillLeader, 15),
    planned(WorkloadKind::Bank, Isolation::RepeatableRead, NemesisKind::PartitionHalves, 15),
    planned(WorkloadKind::Append, Isolation::Serializable, NemesisKind::PartitionLeader, 20),
    planned(WorkloadKind::Append, Isolation::RepeatableRead, NemesisKind::PauseLeader, 15),
    planned(WorkloadKind::Append, Isolation::ReadCommitted, NemesisKind::Kill, 15),
    planned(WorkloadKind::Register, Isolation::ReadCommitted, NemesisKind::Mix, 20),
    planned(WorkloadKind::Set, Isolation::ReadCommitted, NemesisKind::Membership, 15),
    planned(WorkloadKind::Append, Isolation::Serializable, NemesisKind::PartitionBridge, 15),
];

/// The canary: the set workload with commits acknowledged before they are durable on a
/// majority, and the leader cut off; the checker must report lost writes.
pub const CANARY: Planned = planned(WorkloadKind::Set, Isolation::ReadCommitted, NemesisKind::PartitionLeader, 15);

/// Every workload configuration of the long schedule.
pub const LONG_WORKLOADS: &[(WorkloadKind, Isolation)] = &[
    (WorkloadKind::Bank, Isolation::Serializable),
    (WorkloadKind::Bank, Isolation::RepeatableRead),
    (WorkloadKind::Append, Isolation::Serializable),
    (WorkloadKind::Append, Isolation::RepeatableRead),
    (WorkloadKind::Append, Isolation::ReadCommitted),
    (WorkloadKind::Register, Isolation::ReadCommitted),
    (WorkloadKind::Set, Isolation::ReadCommitted),
];

/// Every nemesis of the long schedule.
pub const LONG_NEMESES: &[NemesisKind] = &[
    NemesisKind::Kill,
    NemesisKind::KillLeader,
    NemesisKind::Pause,
    NemesisKind::PauseLeader,
    NemesisKind::PartitionLeader,
    NemesisKind::PartitionHalves,
    NemesisKind::PartitionBridge,
    NemesisKind::Membership,
    NemesisKind::Mix,
];
