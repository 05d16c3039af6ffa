//! The linearizable-register checker: a Wing-Gong-Lowe search, per key.
//!
//! The operations of one key become a list of call and return events in time order. The search
//! walks the list, linearizing a call whose operation the register allows in its current state
//! and lifting it (and its return) out of the list; meeting the return of an operation not yet
//! linearized means the choices so far were wrong, so it backtracks. Configurations already
//! explored (the set of linearized operations and the register's value) are remembered and
//! never explored twice (Lowe's memoization). An operation of unknown outcome has no return: it
//! may take effect at any point after its call, or never, so the search succeeds once every
//! acknowledged operation is linearized. Failed operations had no effect and are left out.
//!
//! The search is bounded per key; a key that exceeds the bound is reported as unknown, not as
//! a violation.

use std::collections::{BTreeMap, HashSet};

use super::{Anomaly, CheckResult};
use crate::history::{pair, Completed, Entry, Kind, Op};

/// Search steps allowed per key before giving up.
pub const MAX_STEPS: usize = 2_000_000;

/// A register operation as the model sees it.
#[derive(Clone, Copy, Debug)]
enum RegOp {
    Read(Option<i64>),
    Write(i64),
    Cas(i64, i64),
}

impl RegOp {
    /// The register's value after the operation, or `None` if it cannot happen from `state`.
    fn step(self, state: Option<i64>) -> Option<Option<i64>> {
        match self {
            RegOp::Read(v) => (v == state).then_some(state),
            RegOp::Write(v) => Some(Some(v)),
            RegOp::Cas(from, to) => (state == Some(from)).then_some(Some(to)),
        }
    }
}

struct KeyOp<'a> {
    op: RegOp,
    call_ns: u64,
    /// `None` for an operation of unknown outcome.
    return_ns: Option<u64>,
    entry: &'a Completed<'a>,
}

/// The outcome of one key's search.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Linearizable,
    /// No linearization; the most operations any attempt linearized.
    Violation(usize),
    GaveUp,
}

/// Checks every key of a register history.
pub fn check(entries: &[Entry]) -> CheckResult {
    let ops = pair(entries);
    let mut by_key: BTreeMap<u64, Vec<KeyOp<'_>>> = BTreeMap::new();
    for c in &ops {
        let (key, op) = match (c.kind(), c.op()) {
            (Kind::Fail, _) => continue,
            // A read of unknown outcome tells nothing and changes nothing.
            (Kind::Info, Op::Read { .. }) => continue,
            (_, Op::Read { key, value }) => (*key, RegOp::Read(*value)),
            (_, Op::Write { key, value }) => (*key, RegOp::Write(*value)),
            (_, Op::Cas { key, from, to }) => (*key, RegOp::Cas(*from, *to)),
            _ => continue,
        };
        by_key.entry(key).or_default().push(KeyOp {
            op,
            call_ns: c.invoke.time_ns,
            return_ns: c.complete_ns(),
            entry: c,
        });
    }
    let mut anomalies = Vec::new();
    let mut gave_up = Vec::new();
    for (key, kops) in &by_key {
        match search(kops, MAX_STEPS) {
            Outcome::Linearizable => {}
            Outcome::GaveUp => gave_up.push(*key),
            Outcome::Violation(best) => anomalies.push(violation(*key, kops, best)),
        }
    }
    let mut result = CheckResult::from_anomalies("linearizable register", anomalies, Vec::new(), !gave_up.is_empty());
    result.notes.push(format!(
        "{} keys, {} operations checked",
        by_key.len(),
        by_key.values().map(Vec::len).sum::<usize>()
    ));
    if !gave_up.is_empty() {
        result.notes.push(format!("search bound ({MAX_STEPS} steps) exceeded for keys {gave_up:?}"));
    }
    result
}

fn violation(key: u64, kops: &[KeyOp<'_>], best: usize) -> Anomaly {
    let mut lines: Vec<String> = kops
        .iter()
        .map(|k| {
            let ret = k.return_ns.map_or("unknown".to_string(), |r| format!("{:.3}s", r as f64 / 1e9));
            format!(
                "op {} p{} {:?} [{:.3}s, {ret}]",
                k.entry.invoke.index,
                k.entry.invoke.process,
                k.op,
                k.call_ns as f64 / 1e9
            )
        })
        .collect();
    lines.truncate(40);
    Anomaly::new(
        "nonlinearizable",
        format!(
            "key {key}: no order of its {} operations is consistent with real time and a register (at most {best} \
             could be linearized); operations: {}",
            kops.len(),
            lines.join("; ")
        ),
        kops.iter().map(|k| k.entry.invoke.index).collect(),
    )
}

/// Lowe's algorithm over a doubly linked list of events.
fn search(kops: &[KeyOp<'_>], max_steps: usize) -> Outcome {
    // Events: (time, is_return, op). Calls sort before returns at equal times (concurrent).
    let mut events: Vec<(u64, bool, usize)> = Vec::new();
    for (i, k) in kops.iter().enumerate() {
        events.push((k.call_ns, false, i));
        if let Some(r) = k.return_ns {
            events.push((r, true, i));
        }
    }
    events.sort_unstable();
    let n = events.len();
    // Linked list over event slots 1..=n with sentinels 0 (head) and n + 1 (tail).
    let mut next: Vec<usize> = (1..=n + 2).collect();
    let mut prev: Vec<usize> = (0..n + 2).map(|i| i.saturating_sub(1)).collect();
    let mut return_slot = vec![usize::MAX; kops.len()];
    for (slot, &(_, is_return, op)) in events.iter().enumerate() {
        if is_return {
            return_slot[op] = slot + 1;
        }
    }
    let lift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, slot: usize| {
        let (p, q) = (prev[slot], next[slot]);
        next[p] = q;
        prev[q] = p;
    };
    let unlift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, slot: usize| {
        let (p, q) = (prev[slot], next[slot]);
        next[p] = slot;
        prev[q] = slot;
    };

    let words = kops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut to_do = kops.iter().filter(|k| k.return_ns.is_some()).count();
    let mut state: Option<i64> = None;
    let mut cache: HashSet<(Vec<u64>, Option<i64>)> = HashSet::new();
    let mut stack: Vec<(usize, Option<i64>)> = Vec::new();
    let mut best = 0;
    let mut slot = next[0];
    let mut steps = 0;
    loop {
        if to_do == 0 {
            return Outcome::Linearizable;
        }
        steps += 1;
        if steps > max_steps {
            return Outcome::GaveUp;
        }
        let is_call = slot <= n && !events[slot - 1].1;
        if is_call {
            let op = events[slot - 1].2;
            if let Some(new_state) = kops[op].op.step(state) {
                linearized[op / 64] |= 1 << (op % 64);
                if cache.insert((linearized.clone(), new_state)) {
                    stack.push((slot, state));
                    state = new_state;
                    lift(&mut next, &mut prev, slot);
                    if return_slot[op] != usize::MAX {
                        lift(&mut next, &mut prev, return_slot[op]);
                        to_do -= 1;
                    }
                    best = best.max(stack.len());
                    slot = next[0];
                    continue;
                }
                linearized[op / 64] &= !(1 << (op % 64));
            }
            slot = next[slot];
        } else {
            // A return (or the end of the list) before its operation was linearized.
            let Some((call_slot, old_state)) = stack.pop() else {
                return Outcome::Violation(best);
            };
            let op = events[call_slot - 1].2;
            state = old_state;
            linearized[op / 64] &= !(1 << (op % 64));
            if return_slot[op] != usize::MAX {
                unlift(&mut next, &mut prev, return_slot[op]);
                to_do += 1;
            }
            unlift(&mut next, &mut prev, call_slot);
            slot = next[call_slot];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::Validity;
    use crate::history::build::HistoryBuilder;

    fn read(key: u64, value: Option<i64>) -> Op {
        Op::Read { key, value }
    }

    #[test]
    fn sequential_and_concurrent_histories_that_linearize() {
        let mut b = HistoryBuilder::default();
        b.op(0, 10, 0, Kind::Ok, read(1, None), read(1, None))
            .op(20, 30, 0, Kind::Ok, Op::Write { key: 1, value: 3 }, Op::Write { key: 1, value: 3 })
            // Concurrent with the cas: may see either value.
            .op(35, 60, 1, Kind::Ok, read(1, None), read(1, Some(4)))
            .op(40, 50, 0, Kind::Ok, Op::Cas { key: 1, from: 3, to: 4 }, Op::Cas { key: 1, from: 3, to: 4 })
            .op(70, 80, 0, Kind::Fail, Op::Cas { key: 1, from: 3, to: 5 }, Op::Cas { key: 1, from: 3, to: 5 })
            .op(90, 100, 1, Kind::Ok, read(1, None), read(1, Some(4)));
        assert_eq!(check(&b.build()).valid, Validity::Valid);
    }

    #[test]
    fn a_stale_read_is_not_linearizable() {
        let mut b = HistoryBuilder::default();
        b.op(0, 10, 0, Kind::Ok, Op::Write { key: 7, value: 1 }, Op::Write { key: 7, value: 1 })
            .op(20, 30, 0, Kind::Ok, Op::Write { key: 7, value: 2 }, Op::Write { key: 7, value: 2 })
            .op(40, 50, 1, Kind::Ok, read(7, None), read(7, Some(1)));
        let res = check(&b.build());
        assert_eq!(res.valid, Validity::Invalid);
        assert_eq!(res.anomalies[0].kind, "nonlinearizable");
        assert!(res.anomalies[0].description.starts_with("key 7"), "{}", res.anomalies[0].description);
    }

    #[test]
    fn unknown_writes_may_or_may_not_happen() {
        let mut b = HistoryBuilder::default();
        b.op(0, 10, 0, Kind::Ok, Op::Write { key: 1, value: 1 }, Op::Write { key: 1, value: 1 })
            .op(20, 30, 1, Kind::Info, Op::Write { key: 1, value: 2 }, Op::Write { key: 1, value: 2 })
            .op(40, 50, 2, Kind::Ok, read(1, None), read(1, Some(1)))
            .op(60, 70, 2, Kind::Ok, read(1, None), read(1, Some(2)));
        assert_eq!(check(&b.build()).valid, Validity::Valid, "the unknown write took effect late");
        let mut b = HistoryBuilder::default();
        b.op(0, 10, 0, Kind::Ok, Op::Write { key: 1, value: 1 }, Op::Write { key: 1, value: 1 })
            .op(20, 30, 1, Kind::Info, Op::Write { key: 1, value: 2 }, Op::Write { key: 1, value: 2 })
            .op(40, 50, 2, Kind::Ok, read(1, None), read(1, Some(2)))
            .op(60, 70, 2, Kind::Ok, read(1, None), read(1, Some(1)));
        assert_eq!(check(&b.build()).valid, Validity::Invalid, "a write cannot be undone");
    }

    #[test]
    fn a_lost_cas_is_caught() {
        let mut b = HistoryBuilder::default();
        b.op(0, 10, 0, Kind::Ok, Op::Write { key: 1, value: 0 }, Op::Write { key: 1, value: 0 })
            .op(20, 30, 0, Kind::Ok, Op::Cas { key: 1, from: 0, to: 1 }, Op::Cas { key: 1, from: 0, to: 1 })
            .op(40, 50, 1, Kind::Ok, Op::Cas { key: 1, from: 0, to: 2 }, Op::Cas { key: 1, from: 0, to: 2 });
        assert_eq!(check(&b.build()).valid, Validity::Invalid);
    }

    #[test]
    fn the_search_is_bounded() {
        let mut b = HistoryBuilder::default();
        for p in 0..12 {
            b.invoke(p, p, Op::Write { key: 1, value: p as i64 });
        }
        for p in 0..12 {
            b.complete(100 + p, p, Kind::Ok, Op::Write { key: 1, value: p as i64 });
        }
        b.op(200, 210, 20, Kind::Ok, read(1, None), read(1, Some(99)));
        let kops_history = b.build();
        let res = check(&kops_history);
        assert_eq!(res.valid, Validity::Invalid, "memoization keeps twelve concurrent writes cheap");
        let ops = pair(&kops_history);
        let kops: Vec<KeyOp<'_>> = ops
            .iter()
            .map(|c| {
                let op = match c.op() {
                    Op::Write { value, .. } => RegOp::Write(*value),
                    Op::Read { value, .. } => RegOp::Read(*value),
                    _ => unreachable!(),
                };
                KeyOp { op, call_ns: c.invoke.time_ns, return_ns: c.complete_ns(), entry: c }
            })
            .collect();
        assert_eq!(search(&kops, 50), Outcome::GaveUp);
    }
}
