//! The register workload: reads, writes and compare-and-sets of single-row registers, each
//! statement on its own (autocommit). Keys are independent: a few are in use at a time, each
//! takes a bounded number of operations (so the linearizability search stays small) and is
//! then retired for a fresh one, as Jepsen's independent keys do.

use rand::Rng;

use crate::client::{Conn, OpError};
use crate::history::Op;

/// Keys in use at once.
const ACTIVE: usize = 2;
/// Operations per key before it is retired.
const OPS_PER_KEY: u32 = 120;
/// Values are drawn from `0..VALUES` so that compare-and-sets often succeed.
const VALUES: i64 = 5;

/// Statements that create the registers.
pub fn setup() -> Vec<String> {
    vec!["CREATE TABLE registers (k int PRIMARY KEY, v int)".into()]
}

/// Which keys are in use.
#[derive(Debug, Default)]
pub struct Gen {
    active: Vec<(u64, u32)>,
    next_key: u64,
}

impl Gen {
    /// The next operation.
    pub fn generate(&mut self, rng: &mut impl Rng) -> Op {
        while self.active.len() < ACTIVE {
            self.active.push((self.next_key, 0));
            self.next_key += 1;
        }
        let i = rng.gen_range(0..self.active.len());
        let key = self.active[i].0;
        self.active[i].1 += 1;
        if self.active[i].1 >= OPS_PER_KEY {
            self.active.swap_remove(i);
        }
        match rng.gen_range(0..4) {
            0 | 1 => Op::Read { key, value: None },
            2 => Op::Write { key, value: rng.gen_range(0..VALUES) },
            _ => Op::Cas { key, from: rng.gen_range(0..VALUES), to: rng.gen_range(0..VALUES) },
        }
    }
}

/// Runs a read, write or compare-and-set.
pub async fn execute(conn: &mut Conn, op: &Op) -> Result<Op, OpError> {
    match op {
        Op::Read { key, .. } => {
            let rows = conn.step(&format!("SELECT v FROM registers WHERE k = {key}")).await?.rows;
            let value = match rows.first() {
                None => None,
                Some(r) => Some(
                    r.first()
                        .cloned()
                        .flatten()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| OpError::Fail("unexpected answer to the register query".into()))?,
                ),
            };
            Ok(Op::Read { key: *key, value })
        }
        Op::Write { key, value } => {
            conn.commit(&format!(
                "INSERT INTO registers VALUES ({key}, {value}) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
            ))
            .await?;
            Ok(op.clone())
        }
        Op::Cas { key, from, to } => {
            let answer = conn.commit(&format!("UPDATE registers SET v = {to} WHERE k = {key} AND v = {from}")).await?;
            match answer.affected {
                1 => Ok(op.clone()),
                0 => Err(OpError::Fail("compare-and-set found another value".into())),
                n => Err(OpError::Info(format!("compare-and-set updated {n} rows"))),
            }
        }
        other => Err(OpError::Fail(format!("not a register operation: {other:?}"))),
    }
}
