//! The list-append workload (Elle's): transactions of appends and reads over a few keys at a
//! time, at the run's isolation level. A list is a row `(k, v)` whose text `v` holds the
//! elements separated by commas; an append is one upsert, `v = v || ',' || x`. Every element
//! is unique to its key, and a key takes a bounded number of appends before a fresh key
//! replaces it, so reads stay short.

use std::collections::BTreeSet;

use rand::Rng;

use crate::checker::Isolation;
use crate::client::{Conn, OpError};
use crate::history::{Mop, Op};

/// Keys in use at once.
const ACTIVE: usize = 10;
/// Appends per key before it is retired.
const APPENDS_PER_KEY: u64 = 32;
/// Micro-operations per transaction, at most.
const MAX_MOPS: usize = 4;

/// Statements that create the lists.
pub fn setup() -> Vec<String> {
    vec!["CREATE TABLE lists (k int PRIMARY KEY, v text NOT NULL)".into()]
}

/// Keys in use, their next element, and every key ever used.
#[derive(Debug, Default)]
pub struct Gen {
    active: Vec<(u64, u64)>,
    next_key: u64,
    used: BTreeSet<u64>,
}

impl Gen {
    /// The next transaction.
    pub fn generate(&mut self, rng: &mut impl Rng) -> Op {
        let n = rng.gen_range(1..=MAX_MOPS);
        let mut mops = Vec::with_capacity(n);
        for _ in 0..n {
            while self.active.len() < ACTIVE {
                self.active.push((self.next_key, 1));
                self.used.insert(self.next_key);
                self.next_key += 1;
            }
            let i = rng.gen_range(0..self.active.len());
            let key = self.active[i].0;
            if rng.gen_bool(0.5) {
                mops.push(Mop::R(key, None));
            } else {
                mops.push(Mop::Append(key, self.active[i].1));
                self.active[i].1 += 1;
                if self.active[i].1 > APPENDS_PER_KEY {
                    self.active.swap_remove(i);
                }
            }
        }
        Op::Txn { mops }
    }

    /// A read of every key used so far (the final read).
    pub fn read_all(&self) -> Op {
        Op::Txn { mops: self.used.iter().map(|k| Mop::R(*k, None)).collect() }
    }
}

fn parse_list(text: Option<&String>) -> Result<Vec<u64>, OpError> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => t
            .split(',')
            .map(|e| e.trim().parse().map_err(|_| OpError::Fail(format!("unexpected list text {t:?}"))))
            .collect(),
    }
}

/// Runs a transaction of appends and reads.
pub async fn execute(conn: &mut Conn, level: Isolation, op: &Op) -> Result<Op, OpError> {
    let Op::Txn { mops } = op else { return Err(OpError::Fail(format!("not a list-append operation: {op:?}"))) };
    conn.step(&format!("BEGIN ISOLATION LEVEL {}", level.sql())).await?;
    let mut done = Vec::with_capacity(mops.len());
    // Reading every key at once (the final read) takes one query.
    if mops.len() > MAX_MOPS && mops.iter().all(|m| matches!(m, Mop::R(..))) {
        let rows = conn.step("SELECT k, v FROM lists").await?.rows;
        let mut table = std::collections::BTreeMap::new();
        for r in &rows {
            let k: u64 = r[0].as_deref().and_then(|s| s.parse().ok()).ok_or_else(|| OpError::Fail("bad key".into()))?;
            table.insert(k, parse_list(r[1].as_ref())?);
        }
        for m in mops {
            done.push(Mop::R(m.key(), Some(table.remove(&m.key()).unwrap_or_default())));
        }
        done.extend(table.into_iter().map(|(k, l)| Mop::R(k, Some(l))));
    } else {
        for m in mops {
            match m {
                Mop::Append(k, v) => {
                    conn.step(&format!(
                        "INSERT INTO lists (k, v) VALUES ({k}, '{v}') \
                         ON CONFLICT (k) DO UPDATE SET v = lists.v || ',' || excluded.v"
                    ))
                    .await?;
                    done.push(m.clone());
                }
                Mop::R(k, _) => {
                    let rows = conn.step(&format!("SELECT v FROM lists WHERE k = {k}")).await?.rows;
                    let list = parse_list(rows.first().and_then(|r| r.first()).and_then(Option::as_ref))?;
                    done.push(Mop::R(*k, Some(list)));
                }
            }
        }
    }
    if mops.iter().any(|m| matches!(m, Mop::Append(..))) {
        conn.commit("COMMIT").await?;
    } else {
        conn.step("COMMIT").await?;
    }
    Ok(Op::Txn { mops: done })
}
