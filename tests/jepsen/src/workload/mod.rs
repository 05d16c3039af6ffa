//! Workloads: what the clients do, and which checker reads the history.
//!
//! * [`bank`]: transfers and balance reads, at SERIALIZABLE or REPEATABLE READ;
//! * [`append`]: Elle's list-append transactions, at any level;
//! * [`register`]: linearizable single-row registers (read, write, compare-and-set);
//! * [`set`]: unique inserts, read back on every node at the end, before and after every node
//!   is restarted.

pub mod append;
pub mod bank;
pub mod register;
pub mod set;

use std::sync::Mutex;

use rand::Rng;

use crate::checker::{self, CheckResult, Isolation};
use crate::client::{Conn, OpError};
use crate::history::{Entry, Op};

/// The workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkloadKind {
    /// Bank transfers.
    Bank,
    /// Elle list-append.
    Append,
    /// Linearizable registers.
    Register,
    /// Set of unique inserts.
    Set,
}

impl WorkloadKind {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Bank => "bank",
            WorkloadKind::Append => "append",
            WorkloadKind::Register => "register",
            WorkloadKind::Set => "set",
        }
    }

    /// True when the isolation level matters (transactions of several statements).
    pub fn has_isolation(self) -> bool {
        matches!(self, WorkloadKind::Bank | WorkloadKind::Append)
    }
}

#[derive(Debug)]
enum Gen {
    Bank,
    Append(append::Gen),
    Register(register::Gen),
    Set(i64),
}

/// A workload with its generator state.
#[derive(Debug)]
pub struct Workload {
    /// Which workload.
    pub kind: WorkloadKind,
    /// Isolation level of its transactions.
    pub isolation: Isolation,
    gen: Mutex<Gen>,
}

impl Workload {
    /// A fresh workload.
    pub fn new(kind: WorkloadKind, isolation: Isolation) -> Self {
        let gen = match kind {
            WorkloadKind::Bank => Gen::Bank,
            WorkloadKind::Append => Gen::Append(append::Gen::default()),
            WorkloadKind::Register => Gen::Register(register::Gen::default()),
            WorkloadKind::Set => Gen::Set(0),
        };
        Self { kind, isolation, gen: Mutex::new(gen) }
    }

    /// A name for reports and file names, e.g. `append-ser`.
    pub fn name(&self) -> String {
        if self.kind.has_isolation() {
            format!("{}-{}", self.kind.name(), self.isolation.short())
        } else {
            self.kind.name().to_string()
        }
    }

    /// Statements that create the workload's tables.
    pub fn setup(&self) -> Vec<String> {
        match self.kind {
            WorkloadKind::Bank => bank::setup(),
            WorkloadKind::Append => append::setup(),
            WorkloadKind::Register => register::setup(),
            WorkloadKind::Set => set::setup(),
        }
    }

    /// The next operation for a client.
    pub fn generate(&self, rng: &mut impl Rng) -> Op {
        let mut gen = self.gen.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *gen {
            Gen::Bank => bank::generate(rng),
            Gen::Append(g) => g.generate(rng),
            Gen::Register(g) => g.generate(rng),
            Gen::Set(next) => {
                *next += 1;
                Op::Add { element: *next }
            }
        }
    }

    /// The read each node serves at the end, if the workload has one.
    pub fn final_read(&self) -> Option<Op> {
        let gen = self.gen.lock().unwrap_or_else(|e| e.into_inner());
        match &*gen {
            Gen::Bank => Some(Op::Balances { balances: None }),
            Gen::Append(g) => Some(g.read_all()),
            Gen::Register(_) => None,
            Gen::Set(_) => Some(Op::ReadSet { elements: None }),
        }
    }

    /// True when the final reads are taken again after every node was restarted.
    pub fn reads_after_restart(&self) -> bool {
        self.kind == WorkloadKind::Set
    }

    /// Runs an operation on a connection.
    pub async fn execute(&self, conn: &mut Conn, op: &Op) -> Result<Op, OpError> {
        match self.kind {
            WorkloadKind::Bank => bank::execute(conn, self.isolation, op).await,
            WorkloadKind::Append => append::execute(conn, self.isolation, op).await,
            WorkloadKind::Register => register::execute(conn, op).await,
            WorkloadKind::Set => set::execute(conn, op).await,
        }
    }

    /// True for operations that change nothing (their unknown outcome is a failure).
    pub fn is_read(op: &Op) -> bool {
        match op {
            Op::Txn { mops } => mops.iter().all(|m| matches!(m, crate::history::Mop::R(..))),
            Op::Read { .. } | Op::Balances { .. } | Op::ReadSet { .. } => true,
            _ => false,
        }
    }

    /// Checks a history of this workload.
    pub fn check(&self, entries: &[Entry]) -> CheckResult {
        match self.kind {
            WorkloadKind::Bank => checker::bank::check(entries, bank::ACCOUNTS, bank::TOTAL),
            WorkloadKind::Append => checker::elle::check(entries, self.isolation),
            WorkloadKind::Register => checker::wgl::check(entries),
            WorkloadKind::Set => checker::set::check(entries),
        }
    }
}
