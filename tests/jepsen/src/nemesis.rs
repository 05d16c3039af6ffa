//! Nemeses: faults injected while the clients run, each healed before the next and bounded
//! in time.
//!
//! A schedule alternates quiet intervals and faults until the run's fault deadline. Every
//! fault records a window (start, end, what was done) for the report; whatever a fault left
//! behind is healed at the end of the run in any case ([`heal_all`]), so a run that stops in
//! the middle of a fault still ends with every node running and the network whole.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::Rng;
use serde::Serialize;

use crate::cluster::{find_leader, wait_ready, Cluster};
use crate::history::Recorder;
use crate::net::{Endpoint, Net};

/// The faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NemesisKind {
    /// No faults.
    None,
    /// kill -9 of a random node, restarted after the fault's duration.
    Kill,
    /// kill -9 of the leader, restarted after the fault's duration.
    KillLeader,
    /// SIGSTOP of a random node, SIGCONT after the fault's duration.
    Pause,
    /// SIGSTOP of the leader, SIGCONT after the fault's duration.
    PauseLeader,
    /// The leader cut off from every other node.
    PartitionLeader,
    /// A random minority cut off from the majority.
    PartitionHalves,
    /// Two halves that only one bridge node connects.
    PartitionBridge,
    /// A random node removed from the cluster and replaced by a fresh member with a new id.
    Membership,
    /// A random choice among all of the above, fault by fault.
    Mix,
}

impl NemesisKind {
    /// Its name.
    pub fn name(self) -> String {
        use clap::ValueEnum as _;
        self.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
    }

    /// True when it cuts the network (and so needs iptables).
    pub fn needs_net(self) -> bool {
        matches!(
            self,
            NemesisKind::PartitionLeader
                | NemesisKind::PartitionHalves
                | NemesisKind::PartitionBridge
                | NemesisKind::Mix
        )
    }

    const SINGLE: [NemesisKind; 8] = [
        NemesisKind::Kill,
        NemesisKind::KillLeader,
        NemesisKind::Pause,
        NemesisKind::PauseLeader,
        NemesisKind::PartitionLeader,
        NemesisKind::PartitionHalves,
        NemesisKind::PartitionBridge,
        NemesisKind::Membership,
    ];
}

/// A fault as it happened.
#[derive(Clone, Debug, Serialize)]
pub struct FaultWindow {
    /// Which fault.
    pub name: String,
    /// What exactly was done.
    pub detail: String,
    /// Nanoseconds since the run started.
    pub start_ns: u64,
    /// When it was healed.
    pub end_ns: u64,
}

/// What the nemesis works on.
pub struct Nemesis<'a> {
    /// The cluster.
    pub cluster: Arc<Mutex<Cluster>>,
    /// Partition rules, when available.
    pub net: Option<&'a Net>,
    /// The run's clock.
    pub clock: &'a Recorder,
    /// Quiet time between faults.
    pub interval: Duration,
    /// How long a fault lasts.
    pub duration: Duration,
}

fn lock(c: &Mutex<Cluster>) -> std::sync::MutexGuard<'_, Cluster> {
    c.lock().unwrap_or_else(|e| e.into_inner())
}

impl Nemesis<'_> {
    /// Injects faults of `kind` until `until`; returns the windows, and the nodes that
    /// crashed meanwhile (noticed between faults; a crashed node is restarted).
    pub async fn run(&self, kind: NemesisKind, until: Instant, rng: &mut StdRng) -> (Vec<FaultWindow>, Vec<String>) {
        let mut windows = Vec::new();
        let mut crashes = Vec::new();
        loop {
            let quiet = self.interval.mul_f64(rng.gen_range(0.5..1.5));
            if kind == NemesisKind::None || Instant::now() + quiet + self.duration >= until {
                if kind == NemesisKind::None {
                    tokio::time::sleep_until(until.into()).await;
                }
                break;
            }
            tokio::time::sleep(quiet).await;
            {
                let mut c = lock(&self.cluster);
                let crashed = c.crashed();
                if !crashed.is_empty() {
                    crashes.extend(crashed);
                    if let Err(e) = c.heal_processes() {
                        crashes.push(format!("restarting crashed nodes: {e:#}"));
                    }
                }
            }
            let fault =
                if kind == NemesisKind::Mix { *NemesisKind::SINGLE.choose(rng).expect("not empty") } else { kind };
            let start_ns = self.clock.now_ns();
            let detail = match self.inject(fault, rng).await {
                Ok(d) => d,
                Err(e) => format!("failed: {e:#}"),
            };
            windows.push(FaultWindow { name: fault.name(), detail, start_ns, end_ns: self.clock.now_ns() });
        }
        crashes.extend(lock(&self.cluster).crashed());
        (windows, crashes)
    }

    async fn leader_slot(&self, rng: &mut StdRng) -> (usize, String) {
        let addrs = lock(&self.cluster).addrs();
        match find_leader(&addrs).await.and_then(|(id, _)| lock(&self.cluster).slot_of(id)) {
            Some(slot) => (slot, "the leader".into()),
            None => (rng.gen_range(0..addrs.len()), "a random node (no leader known)".into()),
        }
    }

    /// Injects one fault, waits, heals it; returns what was done.
    async fn inject(&self, fault: NemesisKind, rng: &mut StdRng) -> anyhow::Result<String> {
        let n = lock(&self.cluster).len();
        let (slot, who) = match fault {
            NemesisKind::KillLeader | NemesisKind::PauseLeader | NemesisKind::PartitionLeader => {
                self.leader_slot(rng).await
            }
            _ => (rng.gen_range(0..n), "a random node".into()),
        };
        let id = lock(&self.cluster).node(slot).id;
        match fault {
            NemesisKind::Kill | NemesisKind::KillLeader => {
                lock(&self.cluster).kill_node(slot);
                tokio::time::sleep(self.duration).await;
                lock(&self.cluster).start_node(slot)?;
                Ok(format!("killed node {id} ({who}) with SIGKILL, restarted it"))
            }
            NemesisKind::Pause | NemesisKind::PauseLeader => {
                lock(&self.cluster).pause_node(slot)?;
                tokio::time::sleep(self.duration).await;
                lock(&self.cluster).resume_node(slot)?;
                Ok(format!("paused node {id} ({who}) with SIGSTOP, resumed it"))
            }
            NemesisKind::PartitionLeader | NemesisKind::PartitionHalves | NemesisKind::PartitionBridge => {
                let net = self.net.context("partitions need iptables (run as root)")?;
                let (pairs, what) = self.partition(fault, slot, rng);
                net.cut(&pairs)?;
                tokio::time::sleep(self.duration).await;
                net.heal()?;
                Ok(what)
            }
            NemesisKind::Membership => self.replace(slot).await,
            NemesisKind::None | NemesisKind::Mix => Ok(String::new()),
        }
    }

    /// The pairs to cut, and a description.
    fn partition(
        &self,
        fault: NemesisKind,
        leader_slot: usize,
        rng: &mut StdRng,
    ) -> (Vec<(Endpoint, Endpoint)>, String) {
        let cluster = lock(&self.cluster);
        let mut slots: Vec<usize> = (0..cluster.len()).collect();
        slots.shuffle(rng);
        let ids = |s: &[usize]| s.iter().map(|&i| cluster.node(i).id).collect::<Vec<_>>();
        let (a, b, what): (Vec<usize>, Vec<usize>, String) = match fault {
            NemesisKind::PartitionLeader => {
                let rest: Vec<usize> = slots.iter().copied().filter(|&s| s != leader_slot).collect();
                let what = format!("isolated node {} from {:?}", cluster.node(leader_slot).id, ids(&rest));
                (vec![leader_slot], rest, what)
            }
            NemesisKind::PartitionHalves => {
                let (minority, majority) = slots.split_at(slots.len() / 2);
                let what = format!("cut minority {:?} from majority {:?}", ids(minority), ids(majority));
                (minority.to_vec(), majority.to_vec(), what)
            }
            _ => {
                let bridge = slots[0];
                let (left, right) = slots[1..].split_at((slots.len() - 1) / 2);
                let what =
                    format!("cut {:?} from {:?}; node {} bridges them", ids(left), ids(right), cluster.node(bridge).id);
                (left.to_vec(), right.to_vec(), what)
            }
        };
        let mut pairs = Vec::new();
        for &x in &a {
            for &y in &b {
                pairs.push((cluster.node(x).endpoint(), cluster.node(y).endpoint()));
            }
        }
        (pairs, what)
    }

    /// Removes the node in `slot` from the cluster and starts a fresh member in its place.
    async fn replace(&self, slot: usize) -> anyhow::Result<String> {
        let (bin, old, addrs) = {
            let c = lock(&self.cluster);
            (c.bin().to_path_buf(), c.node(slot).id, c.addrs())
        };
        // Ask (and later join through) a live member other than the one leaving.
        let (leader, _) = find_leader(&addrs).await.context("no leader to ask")?;
        let via = addrs
            .iter()
            .find(|a| a.id == leader && a.id != old)
            .or_else(|| addrs.iter().find(|a| a.id != old))
            .context("no other member")?
            .peer
            .clone();
        let out = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::process::Command::new(&bin)
                .args(["remove-node", &old.to_string(), "--peer", &via])
                .kill_on_drop(true)
                .output(),
        )
        .await
        .context("tandem remove-node timed out")??;
        if !out.status.success() {
            bail!("tandem remove-node {old}: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        // Join through the leader of the remaining members, as an operator would once the
        // removal settled (a removed leader leaves an election behind it).
        let rest: Vec<_> = addrs.iter().filter(|a| a.id != old).cloned().collect();
        let deadline = Instant::now() + Duration::from_secs(15);
        let via = loop {
            match find_leader(&rest).await {
                Some((leader, _)) if leader != old => {
                    break rest.iter().find(|a| a.id == leader).map_or(via.clone(), |a| a.peer.clone())
                }
                _ if Instant::now() > deadline => break via,
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let new = lock(&self.cluster).replace_node(slot, &via)?;
        let addr = lock(&self.cluster).node(slot).addr();
        wait_ready(&[addr], Duration::from_secs(60)).await.context("the new member did not become ready")?;
        Ok(format!("removed node {old} (through {via}), node {new} joined with an empty data directory"))
    }
}

/// Heals everything: the network, paused and stopped nodes; then waits for every node to be
/// ready.
pub async fn heal_all(cluster: &Mutex<Cluster>, net: Option<&Net>, timeout: Duration) -> anyhow::Result<()> {
    if let Some(net) = net {
        net.heal()?;
    }
    let addrs = {
        let mut c = lock(cluster);
        c.heal_processes()?;
        c.addrs()
    };
    wait_ready(&addrs, timeout).await
}
