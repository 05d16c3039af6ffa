//! The set checker: every acknowledged insert is in every final read, and no read holds an
//! element that was never attempted or whose insert failed. Inserts of unknown outcome may be present or not (they
//! are counted as recovered when present).

use std::collections::{BTreeSet, HashSet};

use super::{Anomaly, CheckResult};
use crate::history::{pair, Entry, Kind, Op};

/// Checks the final reads (every successful read of the whole set) against the inserts.
pub fn check(entries: &[Entry]) -> CheckResult {
    let ops = pair(entries);
    let mut attempted = HashSet::new();
    let mut acked = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    let mut failed = HashSet::new();
    for c in &ops {
        if let Op::Add { element } = c.invoke.op {
            attempted.insert(element);
            match c.kind() {
                Kind::Ok => {
                    acked.insert(element);
                }
                Kind::Info => {
                    unknown.insert(element);
                }
                Kind::Fail => {
                    failed.insert(element);
                }
                Kind::Invoke => {}
            }
        }
    }
    let mut anomalies = Vec::new();
    let mut notes = Vec::new();
    let mut reads = 0;
    for c in &ops {
        let (Kind::Ok, Op::ReadSet { elements: Some(read) }) = (c.kind(), c.op()) else { continue };
        reads += 1;
        let index = c.complete.map_or(c.invoke.index, |e| e.index);
        let node = c.invoke.node.map_or("-".into(), |n| n.to_string());
        let present: HashSet<i64> = read.iter().copied().collect();
        let lost: Vec<i64> = acked.iter().copied().filter(|e| !present.contains(e)).collect();
        let unexpected: Vec<i64> = read.iter().copied().filter(|e| !attempted.contains(e)).collect();
        let failed_present: Vec<i64> = read.iter().copied().filter(|e| failed.contains(e)).collect();
        let recovered = unknown.iter().filter(|e| present.contains(e)).count();
        if !lost.is_empty() {
            anomalies.push(Anomaly::new(
                "lost",
                format!("op {index} (node {node}) misses {} acknowledged inserts: {}", lost.len(), abbreviate(&lost)),
                vec![index],
            ));
        }
        if !unexpected.is_empty() {
            anomalies.push(Anomaly::new(
                "unexpected",
                format!("op {index} (node {node}) holds elements never inserted: {}", abbreviate(&unexpected)),
                vec![index],
            ));
        }
        if !failed_present.is_empty() {
            anomalies.push(Anomaly::new(
                "failed-insert-present",
                format!(
                    "op {index} (node {node}) holds elements whose inserts failed: {}",
                    abbreviate(&failed_present)
                ),
                vec![index],
            ));
        }
        if read.len() != present.len() {
            anomalies.push(Anomaly::new(
                "duplicate",
                format!("op {index} (node {node}) read {} rows for {} distinct elements", read.len(), present.len()),
                vec![index],
            ));
        }
        notes.push(format!(
            "final read op {index} on node {node}: {} elements, {} of {} unknown inserts recovered",
            read.len(),
            recovered,
            unknown.len()
        ));
    }
    notes.insert(
        0,
        format!("{} inserts attempted, {} acknowledged, {} unknown", attempted.len(), acked.len(), unknown.len()),
    );
    let mut result = CheckResult::from_anomalies("set", anomalies, Vec::new(), reads == 0);
    if reads == 0 {
        notes.push("no final read succeeded: nothing was checked".into());
    }
    result.notes = notes;
    result
}

fn abbreviate(v: &[i64]) -> String {
    let shown: Vec<String> = v.iter().take(20).map(i64::to_string).collect();
    if v.len() > 20 {
        format!("{} ... ({} in all)", shown.join(", "), v.len())
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::Validity;
    use crate::history::build::HistoryBuilder;

    fn history(read: &[i64]) -> Vec<Entry> {
        let mut b = HistoryBuilder::default();
        for (p, (e, kind)) in [(1, Kind::Ok), (2, Kind::Info), (3, Kind::Fail), (4, Kind::Ok)].into_iter().enumerate() {
            b.op(p as u64, 10 + p as u64, p as u64, kind, Op::Add { element: e }, Op::Add { element: e });
        }
        let r = Op::ReadSet { elements: Some(read.to_vec()) };
        b.op(20, 30, 9, Kind::Ok, Op::ReadSet { elements: None }, r);
        b.build()
    }

    #[test]
    fn every_acknowledged_insert_present_passes() {
        assert_eq!(check(&history(&[1, 4])).valid, Validity::Valid);
        assert_eq!(check(&history(&[1, 2, 4])).valid, Validity::Valid, "unknown inserts may be present");
    }

    #[test]
    fn lost_and_unexpected_elements_fail() {
        let res = check(&history(&[1, 3, 5]));
        assert_eq!(res.valid, Validity::Invalid);
        assert_eq!(res.kinds(), ["failed-insert-present", "lost", "unexpected"]);
        assert!(res.anomalies[0].description.contains("misses 1 acknowledged inserts: 4"), "{:?}", res.anomalies);
    }
}
