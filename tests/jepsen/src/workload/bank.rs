//! The bank workload: transfers between accounts, and reads of every balance, each in a
//! transaction at the run's isolation level. A transfer reads both balances, refuses to go
//! negative, and writes both new balances as absolute values, so only isolation keeps the total
//! constant (a lost update would create or destroy money).

use std::collections::BTreeMap;

use rand::Rng;

use crate::checker::Isolation;
use crate::client::{Conn, OpError};
use crate::history::Op;

/// Number of accounts.
pub const ACCOUNTS: u32 = 8;
/// Each account's opening balance.
pub const OPENING: i64 = 100;
/// The total every read must see.
pub const TOTAL: i64 = ACCOUNTS as i64 * OPENING;

/// Statements that create the accounts.
pub fn setup() -> Vec<String> {
    let rows: Vec<String> = (0..ACCOUNTS).map(|i| format!("({i}, {OPENING})")).collect();
    vec![
        "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)".into(),
        format!("INSERT INTO accounts VALUES {}", rows.join(", ")),
    ]
}

/// A transfer (mostly) or a read.
pub fn generate(rng: &mut impl Rng) -> Op {
    if rng.gen_bool(0.2) {
        return Op::Balances { balances: None };
    }
    let from = rng.gen_range(0..ACCOUNTS);
    let to = (from + rng.gen_range(1..ACCOUNTS)) % ACCOUNTS;
    Op::Transfer { from, to, amount: rng.gen_range(1..=10) }
}

fn parse_balances(rows: &[Vec<Option<String>>]) -> Result<BTreeMap<u32, i64>, OpError> {
    let bad = || OpError::Fail("unexpected answer to the balance query".into());
    rows.iter()
        .map(|r| {
            let id = r.first().cloned().flatten().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
            let bal = r.get(1).cloned().flatten().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
            Ok((id, bal))
        })
        .collect()
}

/// Runs a transfer or a read.
pub async fn execute(conn: &mut Conn, level: Isolation, op: &Op) -> Result<Op, OpError> {
    conn.step(&format!("BEGIN ISOLATION LEVEL {}", level.sql())).await?;
    match op {
        Op::Transfer { from, to, amount } => {
            let rows = conn.step(&format!("SELECT id, balance FROM accounts WHERE id IN ({from}, {to})")).await?.rows;
            let balances = parse_balances(&rows)?;
            let (Some(a), Some(b)) = (balances.get(from), balances.get(to)) else {
                conn.step("ROLLBACK").await?;
                return Err(OpError::Fail(format!("accounts {from} or {to} missing: {balances:?}")));
            };
            if a - amount < 0 {
                conn.step("ROLLBACK").await?;
                return Err(OpError::Fail("insufficient funds".into()));
            }
            conn.step(&format!("UPDATE accounts SET balance = {} WHERE id = {from}", a - amount)).await?;
            conn.step(&format!("UPDATE accounts SET balance = {} WHERE id = {to}", b + amount)).await?;
            conn.commit("COMMIT").await?;
            Ok(op.clone())
        }
        Op::Balances { .. } => {
            let rows = conn.step("SELECT id, balance FROM accounts").await?.rows;
            let balances = parse_balances(&rows)?;
            conn.step("COMMIT").await?;
            Ok(Op::Balances { balances: Some(balances) })
        }
        other => Err(OpError::Fail(format!("not a bank operation: {other:?}"))),
    }
}
