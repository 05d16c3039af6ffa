//! Checkers: pure functions from a history to a verdict.
//!
//! * [`bank`]: every read of the accounts sees the same total and no negative balance;
//! * [`elle`]: list-append transactions, checked as Elle does (version orders inferred from
//!   reads, a dependency graph searched for G0, G1a, G1b, G1c, G-single and G2-item cycles,
//!   with real-time edges for strict serializability);
//! * [`wgl`]: linearizable registers, by a Wing-Gong-Lowe search with memoization;
//! * [`set`]: every acknowledged insert is present at the end, nothing else appears.
//!
//! Each checker reports every anomaly it finds with the operations that show it; whether an
//! anomaly makes the run invalid depends on what the isolation level must prevent.

pub mod bank;
pub mod elle;
pub mod graph;
pub mod set;
pub mod wgl;

use serde::Serialize;

/// An isolation level, as PostgreSQL defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Isolation {
    /// READ COMMITTED.
    ReadCommitted,
    /// REPEATABLE READ (snapshot isolation).
    RepeatableRead,
    /// SERIALIZABLE (strict serializable in Tandem: commits are ordered by the Raft log).
    Serializable,
}

impl Isolation {
    /// The SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            Isolation::ReadCommitted => "READ COMMITTED",
            Isolation::RepeatableRead => "REPEATABLE READ",
            Isolation::Serializable => "SERIALIZABLE",
        }
    }

    /// A short name for file names and reports.
    pub fn short(self) -> &'static str {
        match self {
            Isolation::ReadCommitted => "rc",
            Isolation::RepeatableRead => "rr",
            Isolation::Serializable => "ser",
        }
    }
}

/// The verdict of a checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Validity {
    /// Nothing prohibited was found.
    Valid,
    /// A prohibited anomaly was found.
    Invalid,
    /// The search gave up (bounded) without finding an anomaly.
    Unknown,
}

/// One step of a dependency cycle: a transaction and the edge to the next one.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CycleStep {
    /// History index of the transaction's completion (or invocation, if it never completed).
    pub op: usize,
    /// The transaction, written out (process, node and micro-operations).
    pub txn: String,
    /// The edge to the next step: `ww`, `wr`, `rw` or `rt` (real time).
    pub edge: String,
    /// Why the edge exists.
    pub why: String,
}

/// Something a checker found.
#[derive(Clone, Debug, Serialize)]
pub struct Anomaly {
    /// The anomaly's name (`G1c`, `lost`, `nonlinearizable`, ...).
    pub kind: String,
    /// What happened, in words.
    pub description: String,
    /// History indices of the operations involved.
    pub ops: Vec<usize>,
    /// For a dependency cycle: its transactions and edges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<CycleStep>>,
}

impl Anomaly {
    /// An anomaly shown by some operations.
    pub fn new(kind: &str, description: String, ops: Vec<usize>) -> Self {
        Self { kind: kind.to_string(), description, ops, cycle: None }
    }
}

/// A checker's answer.
#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    /// The checker's name.
    pub checker: String,
    /// The verdict.
    pub valid: Validity,
    /// Anomalies that the checked level prohibits.
    pub anomalies: Vec<Anomaly>,
    /// Anomalies found that the level allows (reported, not failures).
    pub allowed: Vec<Anomaly>,
    /// Counts and remarks.
    pub notes: Vec<String>,
}

impl CheckResult {
    /// A result whose verdict follows from the prohibited anomalies (and `unknown` if the
    /// search was cut short without finding any).
    pub fn from_anomalies(checker: &str, anomalies: Vec<Anomaly>, allowed: Vec<Anomaly>, unknown: bool) -> Self {
        let valid = if !anomalies.is_empty() {
            Validity::Invalid
        } else if unknown {
            Validity::Unknown
        } else {
            Validity::Valid
        };
        Self { checker: checker.to_string(), valid, anomalies, allowed, notes: Vec::new() }
    }

    /// The names of the prohibited anomalies found, each once.
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self.anomalies.iter().map(|a| a.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}
