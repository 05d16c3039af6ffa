//! Network partitions between node processes on 127.0.0.1, with iptables.
//!
//! Every node runs with its own group id (`GID_BASE + node id`), so iptables' `owner` match
//! can tell which node sent a packet on the loopback interface. Cutting node A off from node B
//! drops A's packets to B's peer port and B's packets to A's peer port: Raft traffic between
//! them stops in both directions (open connections go silent, new ones never complete), while
//! clients, which run in this process with its own group, still reach every node, as in Jepsen.
//! All rules live in one chain, `TANDEM-JEPSEN`, jumped to from `OUTPUT`; healing flushes the
//! chain, and [`cleanup`] removes it (at the end of a run, and at the start of the next one in
//! case a run was killed). docs/jepsen.md explains why this and not namespaces or containers.

use std::process::{Command, Stdio};

use anyhow::{bail, Context as _};

/// The chain holding the suite's rules.
pub const CHAIN: &str = "TANDEM-JEPSEN";
/// Node `n` runs with group id `GID_BASE + n`.
pub const GID_BASE: u32 = 46_000;

fn iptables(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("iptables")
        .arg("-w")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("running iptables (partitions need iptables and root)")?;
    if !out.status.success() {
        bail!("iptables {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Removes the suite's chain and its jump, whatever state a previous run left them in.
pub fn cleanup() {
    while iptables(&["-D", "OUTPUT", "-o", "lo", "-j", CHAIN]).is_ok() {}
    let _ = iptables(&["-F", CHAIN]);
    let _ = iptables(&["-X", CHAIN]);
}

/// A node's address in the partition rules: its group and its peer port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The node's group id.
    pub gid: u32,
    /// The node's peer port.
    pub peer_port: u16,
}

/// The partition rules of a run; removed when dropped.
#[derive(Debug)]
pub struct Net {
    _private: (),
}

impl Net {
    /// Sets up an empty chain (removing any stale one first).
    pub fn setup() -> anyhow::Result<Self> {
        cleanup();
        iptables(&["-N", CHAIN])?;
        let net = Self { _private: () };
        iptables(&["-I", "OUTPUT", "-o", "lo", "-j", CHAIN])?;
        Ok(net)
    }

    /// Cuts every pair `(a, b)` in both directions.
    pub fn cut(&self, pairs: &[(Endpoint, Endpoint)]) -> anyhow::Result<()> {
        for (a, b) in pairs {
            for (from, to) in [(a, b), (b, a)] {
                let gid = from.gid.to_string();
                let port = to.peer_port.to_string();
                let rule =
                    ["-A", CHAIN, "-p", "tcp", "-m", "owner", "--gid-owner", &gid, "--dport", &port, "-j", "DROP"];
                iptables(&rule)?;
            }
        }
        Ok(())
    }

    /// Removes every cut.
    pub fn heal(&self) -> anyhow::Result<()> {
        iptables(&["-F", CHAIN])
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        cleanup();
    }
}
