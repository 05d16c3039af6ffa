//! The bank checker: transfers move money between accounts and never create or destroy it, so
//! every successful read of all balances sees the same total, the same accounts, and no
//! negative balance.

use super::{Anomaly, CheckResult};
use crate::history::{pair, Entry, Kind, Op};

/// Checks every successful read against the expected number of accounts and total.
pub fn check(entries: &[Entry], accounts: u32, total: i64) -> CheckResult {
    let mut anomalies = Vec::new();
    let mut reads = 0;
    let mut transfers = [0usize; 3];
    for c in pair(entries) {
        match (c.kind(), c.op()) {
            (Kind::Ok, Op::Balances { balances: Some(b) }) => {
                reads += 1;
                let index = c.complete.map_or(c.invoke.index, |e| e.index);
                let sum: i64 = b.values().sum();
                if b.len() != accounts as usize {
                    anomalies.push(Anomaly::new(
                        "wrong-accounts",
                        format!("op {index} read {} accounts, expected {accounts}: {b:?}", b.len()),
                        vec![index],
                    ));
                }
                if sum != total {
                    anomalies.push(Anomaly::new(
                        "wrong-total",
                        format!("op {index} read a total of {sum}, expected {total}: {b:?}"),
                        vec![index],
                    ));
                }
                if let Some((acct, bal)) = b.iter().find(|(_, v)| **v < 0) {
                    anomalies.push(Anomaly::new(
                        "negative-balance",
                        format!("op {index} read account {acct} = {bal}: {b:?}"),
                        vec![index],
                    ));
                }
            }
            (kind, Op::Transfer { .. }) => {
                transfers[match kind {
                    Kind::Ok => 0,
                    Kind::Fail => 1,
                    _ => 2,
                }] += 1
            }
            _ => {}
        }
    }
    let mut result = CheckResult::from_anomalies("bank", anomalies, Vec::new(), false);
    result.notes.push(format!(
        "{reads} reads checked; transfers: {} ok, {} failed, {} unknown",
        transfers[0], transfers[1], transfers[2]
    ));
    if reads == 0 {
        result.valid = super::Validity::Unknown;
        result.notes.push("no successful read: nothing was checked".into());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::Validity;
    use crate::history::build::HistoryBuilder;

    fn read(b: &mut HistoryBuilder, t: u64, balances: &[i64]) {
        let map = balances.iter().enumerate().map(|(i, v)| (i as u32, *v)).collect();
        b.op(t, t + 5, 0, Kind::Ok, Op::Balances { balances: None }, Op::Balances { balances: Some(map) });
    }

    #[test]
    fn consistent_reads_pass() {
        let mut b = HistoryBuilder::default();
        let t = Op::Transfer { from: 0, to: 1, amount: 5 };
        b.op(0, 5, 1, Kind::Ok, t.clone(), t);
        read(&mut b, 10, &[5, 15]);
        read(&mut b, 20, &[0, 20]);
        assert_eq!(check(&b.build(), 2, 20).valid, Validity::Valid);
    }

    #[test]
    fn wrong_totals_and_negative_balances_fail() {
        let mut b = HistoryBuilder::default();
        read(&mut b, 10, &[5, 10]);
        read(&mut b, 20, &[-5, 25]);
        read(&mut b, 30, &[20]);
        let res = check(&b.build(), 2, 20);
        assert_eq!(res.valid, Validity::Invalid);
        assert_eq!(res.kinds(), ["negative-balance", "wrong-accounts", "wrong-total"]);
    }
}
