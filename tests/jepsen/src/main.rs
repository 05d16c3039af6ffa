//! `jepsen`: runs Tandem's Jepsen-style verification (see docs/jepsen.md).
//!
//! ```text
//! jepsen run --workload append --isolation serializable --nemesis partition-leader --time 60
//! jepsen ci                      # the short schedule CI runs, plus the canary
//! jepsen long --minutes 10       # every workload under every nemesis
//! jepsen check DIR               # re-check the history of an earlier run
//! jepsen clean                   # remove what a killed run left behind
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use tandem_jepsen::checker::{Isolation, Validity};
use tandem_jepsen::client::Route;
use tandem_jepsen::cluster::{cleanup_stale, RunLock};
use tandem_jepsen::nemesis::NemesisKind;
use tandem_jepsen::run::{self, Planned, RunConfig, RunOutcome};
use tandem_jepsen::workload::{Workload, WorkloadKind};

/// Jepsen-style verification of a Tandem cluster.
#[derive(Debug, Parser)]
#[command(name = "jepsen", about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One run: a workload under a nemesis.
    Run {
        /// The workload.
        #[arg(long, value_enum, default_value = "append")]
        workload: WorkloadKind,
        /// Isolation level of the workload's transactions (bank and append).
        #[arg(long, value_enum, default_value = "serializable")]
        isolation: Isolation,
        /// The faults.
        #[arg(long, value_enum, default_value = "mix")]
        nemesis: NemesisKind,
        /// Seconds of load.
        #[arg(long, default_value_t = 60)]
        time: u64,
        /// Cluster size.
        #[arg(long, default_value_t = 3)]
        nodes: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 6)]
        concurrency: usize,
        /// Seed of the generators and the nemesis (default: the time).
        #[arg(long)]
        seed: Option<u64>,
        /// Seconds between faults (randomized ±50%).
        #[arg(long, default_value_t = 3.0)]
        interval: f64,
        /// Seconds each fault lasts.
        #[arg(long, default_value_t = 4.0)]
        fault_duration: f64,
        /// Extra environment of every node, as NAME=VALUE (repeatable).
        #[arg(long = "node-env")]
        node_env: Vec<String>,
        /// Keep the nodes' data directories.
        #[arg(long)]
        keep_data: bool,
        #[command(flatten)]
        common: Common,
    },
    /// The short schedule (every workload and fault kind, a few minutes), then the canary.
    Ci {
        #[command(flatten)]
        common: Common,
    },
    /// Every workload under every nemesis, for a while each.
    Long {
        /// Minutes per workload and nemesis.
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// Only these workloads (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        workloads: Vec<WorkloadKind>,
        /// Only these nemeses (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        nemeses: Vec<NemesisKind>,
        #[command(flatten)]
        common: Common,
    },
    /// Checks the history of an earlier run again.
    Check {
        /// The run's directory (or its history.jsonl).
        path: PathBuf,
        /// The workload that made it.
        #[arg(long, value_enum)]
        workload: WorkloadKind,
        /// Its isolation level.
        #[arg(long, value_enum, default_value = "serializable")]
        isolation: Isolation,
    },
    /// Kills node processes and removes partition rules left by a run that was killed.
    Clean,
}

#[derive(Debug, Args)]
struct Common {
    /// The `tandem` binary (default: the one beside this program).
    #[arg(long)]
    bin: Option<PathBuf>,
    /// Where runs write their directories (default: jepsen/ in the Cargo target directory).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Which nodes clients talk to: every node (client `p` to node `p mod n`), or the leader.
    #[arg(long, value_enum, env = "TANDEM_JEPSEN_ROUTE", default_value = "any")]
    route: Route,
}

impl Common {
    fn bin(&self) -> anyhow::Result<PathBuf> {
        let bin = match &self.bin {
            Some(b) => b.clone(),
            None => std::env::current_exe()?.with_file_name("tandem"),
        };
        if !bin.is_file() {
            bail!("no tandem binary at {} (build it with `cargo build -p tandem`, or pass --bin)", bin.display());
        }
        Ok(bin)
    }

    fn out(&self) -> anyhow::Result<PathBuf> {
        match &self.out {
            Some(o) => Ok(o.clone()),
            None => {
                let exe = std::env::current_exe()?;
                let target = exe.parent().and_then(Path::parent).context("no target directory")?;
                Ok(target.join("jepsen"))
            }
        }
    }

    fn config(&self, p: &Planned) -> anyhow::Result<RunConfig> {
        let mut cfg = RunConfig::new(p.workload, p.isolation, p.nemesis, p.seconds, &self.bin()?, &self.out()?);
        cfg.route = self.route;
        Ok(cfg)
    }
}

fn report(outcome: &RunOutcome) {
    let s = &outcome.summary;
    let kinds: Vec<String> = s.results.iter().flat_map(|r| r.kinds()).collect();
    println!(
        "{:<40} {:<8} {:>6} ok {:>5} fail {:>5} info  {:>7.1} ok/s  faults {:>2}  {}",
        s.name,
        format!("{:?}", s.valid),
        s.stats.total.ok,
        s.stats.total.fail,
        s.stats.total.info,
        s.stats.ok_per_second,
        s.faults.len(),
        if kinds.is_empty() && s.problems.is_empty() {
            String::new()
        } else {
            format!("anomalies {kinds:?} problems {:?}", s.problems)
        }
    );
    println!("    {}", outcome.dir.join("summary.txt").display());
}

async fn schedule(runs: Vec<RunConfig>) -> anyhow::Result<(usize, usize)> {
    let (mut passed, mut failed) = (0, 0);
    for cfg in runs {
        match run::run(&cfg).await {
            Ok(outcome) => {
                report(&outcome);
                if outcome.summary.valid == Validity::Valid {
                    passed += 1;
                } else {
                    failed += 1;
                    eprintln!("{}", outcome.summary.text());
                }
            }
            Err(e) => {
                failed += 1;
                println!("{:<40} ERROR {e:#}", cfg.name());
            }
        }
    }
    Ok((passed, failed))
}

async fn canary(common: &Common) -> anyhow::Result<bool> {
    let mut cfg = common.config(&run::CANARY)?;
    cfg.node_env = vec![(run::ACK_EARLY_SWITCH.into(), "1".into())];
    cfg.label = "-canary".into();
    cfg.interval = Duration::from_secs(2);
    let outcome = run::run(&cfg).await?;
    report(&outcome);
    let kinds: Vec<String> = outcome.summary.results.iter().flat_map(|r| r.kinds()).collect();
    let caught = kinds.iter().any(|k| k == "lost");
    println!(
        "canary (commits acknowledged before a majority has them): {}",
        if caught { "lost writes reported, as they must be" } else { "NOT CAUGHT: the suite missed lost writes" }
    );
    Ok(caught)
}

async fn main_async(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Run {
            workload,
            isolation,
            nemesis,
            time,
            nodes,
            concurrency,
            seed,
            interval,
            fault_duration,
            node_env,
            keep_data,
            common,
        } => {
            let mut cfg = common.config(&Planned { workload, isolation, nemesis, seconds: time })?;
            cfg.nodes = nodes;
            cfg.concurrency = concurrency;
            if let Some(s) = seed {
                cfg.seed = s;
            }
            cfg.interval = Duration::from_secs_f64(interval);
            cfg.fault_duration = Duration::from_secs_f64(fault_duration);
            cfg.keep_data = keep_data;
            for kv in node_env {
                let (k, v) = kv.split_once('=').context("--node-env takes NAME=VALUE")?;
                cfg.node_env.push((k.into(), v.into()));
            }
            let outcome = run::run(&cfg).await?;
            println!("{}", outcome.summary.text());
            report(&outcome);
            Ok(outcome.summary.valid == Validity::Valid)
        }
        Command::Ci { common } => {
            let mut runs = Vec::new();
            for p in run::CI_SCHEDULE {
                let mut cfg = common.config(p)?;
                cfg.interval = Duration::from_secs(2);
                cfg.fault_duration = Duration::from_secs(3);
                runs.push(cfg);
            }
            let (passed, failed) = schedule(runs).await?;
            let caught = canary(&common).await?;
            println!("jepsen: {} passed, {} failed", passed + usize::from(caught), failed + usize::from(!caught));
            Ok(failed == 0 && caught)
        }
        Command::Long { minutes, workloads, nemeses, common } => {
            let mut runs = Vec::new();
            for &(w, i) in run::LONG_WORKLOADS.iter().filter(|(w, _)| workloads.is_empty() || workloads.contains(w)) {
                for &n in run::LONG_NEMESES.iter().filter(|n| nemeses.is_empty() || nemeses.contains(n)) {
                    let seconds = (minutes * 60.0).round() as u64;
                    runs.push(common.config(&Planned { workload: w, isolation: i, nemesis: n, seconds })?);
                }
            }
            let (passed, failed) = schedule(runs).await?;
            println!("jepsen: {passed} passed, {failed} failed");
            Ok(failed == 0)
        }
        Command::Check { path, workload, isolation } => {
            let file = if path.is_dir() { path.join("history.jsonl") } else { path };
            let entries = tandem_jepsen::history::load(&file)?;
            let result = Workload::new(workload, isolation).check(&entries);
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(result.valid == Validity::Valid)
        }
        Command::Clean => {
            let _lock = RunLock::acquire()?;
            cleanup_stale();
            Ok(true)
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    let ok = runtime.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = main_async(cli) => r,
            _ = tokio::signal::ctrl_c() => { eprintln!("jepsen: interrupted; stopping the cluster"); Ok(false) }
            _ = term.recv() => { eprintln!("jepsen: terminated; stopping the cluster"); Ok(false) }
        }
    });
    // Dropping the runtime drops the run and its clients, which stops the nodes and removes
    // the partition rules.
    drop(runtime);
    match ok {
        Ok(true) => Ok(()),
        Ok(false) => std::process::exit(1),
        Err(e) => Err(e),
    }
}
