//! The list-append checker, after Elle (Kingsbury and Alvaro, "Elle: Inferring Isolation
//! Anomalies from Experimental Observations", VLDB 2020).
//!
//! Every append writes a value unique to its key, so a read of a list names the transaction
//! behind each element, and the longest read of a key gives the key's version order (every
//! other read must be a prefix of it). From that:
//!
//! * element checks: a read of a value nobody appended (garbage), a value twice (duplicate),
//!   a value from a failed transaction (G1a), a value that its writer later overwrote within
//!   the same transaction (G1b), reads of one key that are not prefixes of each other
//!   (incompatible order), a transaction that does not see its own appends or (above READ
//!   COMMITTED) sees a key change under it (internal);
//! * durability checks: an acknowledged append that no read invoked after its acknowledgement
//!   contains (lost), or that such a read misses while another has it (stale read);
//! * the dependency graph: `ww` between consecutive writers of a key, `wr` from the writer of
//!   the last element a transaction saw to it, `rw` from it to the writer of the next element,
//!   and `rt` for real-time order; its cycles are G0 (ww only), G1c (ww and wr), G-single (one
//!   rw), G2-item (two or more rw), and, with real-time edges, their `-realtime` forms.
//!
//! Transactions whose outcome is unknown count as committed once any of their appends is
//! read, and are left out otherwise. Which anomalies make a history invalid depends on the
//! isolation level ([`prohibited`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::graph::{counts, Counts, Cycle, CycleSpec, Graph, Rel};
use super::{Anomaly, CheckResult, CycleStep, Isolation};
use crate::history::{pair, Completed, Entry, Kind, Mop, Op};

/// Examples reported per anomaly kind (the rest are counted).
const EXAMPLES: usize = 8;
/// Start edges tried per cycle search.
const MAX_STARTS: usize = 5_000;

/// Whether `level` prohibits the anomaly `kind`.
pub fn prohibited(level: Isolation, kind: &str) -> bool {
    match kind {
        "G-single" => level != Isolation::ReadCommitted,
        "G2-item" => level == Isolation::Serializable,
        k if k.ends_with("-realtime") => level == Isolation::Serializable,
        // G0, G1a, G1b, G1c and the element and durability checks: every level.
        _ => true,
    }
}

struct Txn<'a> {
    op: Completed<'a>,
    mops: &'a [Mop],
}

impl Txn<'_> {
    fn kind(&self) -> Kind {
        self.op.kind()
    }

    /// The history index that stands for the transaction.
    fn index(&self) -> usize {
        self.op.complete.unwrap_or(self.op.invoke).index
    }

    fn describe(&self) -> String {
        let mops: Vec<String> = self
            .mops
            .iter()
            .map(|m| match m {
                Mop::Append(k, v) => format!("append({k}, {v})"),
                Mop::R(k, Some(l)) => format!("r({k}) = {l:?}"),
                Mop::R(k, None) => format!("r({k}) = ?"),
            })
            .collect();
        let node = self.op.invoke.node.map_or("-".into(), |n| n.to_string());
        format!("{:?} p{} n{}: {}", self.kind(), self.op.invoke.process, node, mops.join(", "))
    }
}

/// A transaction's view of a key from outside: what it read, less its own appends.
struct Observation<'a> {
    txn: usize,
    key: u64,
    /// The whole list read.
    list: &'a [u64],
    /// The list without the transaction's own trailing appends.
    prefix: &'a [u64],
}

/// Collects anomalies by kind, keeping a few examples of each and counting the rest.
#[derive(Default)]
struct Found {
    by_kind: BTreeMap<String, (Vec<Anomaly>, usize)>,
}

impl Found {
    fn add(&mut self, a: Anomaly) {
        let slot = self.by_kind.entry(a.kind.clone()).or_default();
        slot.1 += 1;
        if slot.0.len() < EXAMPLES {
            slot.0.push(a);
        }
    }
}

/// Checks a list-append history against what `level` promises.
pub fn check(entries: &[Entry], level: Isolation) -> CheckResult {
    let ops = pair(entries);
    let txns: Vec<Txn<'_>> = ops
        .into_iter()
        .filter_map(|c| match c.op() {
            Op::Txn { mops } => Some(Txn { op: c, mops }),
            _ => None,
        })
        .collect();
    let mut found = Found::default();

    // Who appended what.
    let mut writer: HashMap<(u64, u64), usize> = HashMap::new();
    let mut appends: Vec<HashMap<u64, Vec<u64>>> = vec![HashMap::new(); txns.len()];
    for (i, t) in txns.iter().enumerate() {
        for m in t.mops {
            if let Mop::Append(k, v) = m {
                writer.insert((*k, *v), i);
                appends[i].entry(*k).or_default().push(*v);
            }
        }
    }

    let observations = internal_and_observations(&txns, level, &mut found);
    let observed_info = element_checks(&txns, &observations, &writer, &appends, &mut found);
    let order = version_order(&txns, &observations, &mut found);
    durability_checks(&txns, &observations, &mut found);

    // The graph: committed transactions, and unknown ones whose writes were seen.
    let node = |i: usize| txns[i].kind() == Kind::Ok || observed_info.contains(&i);
    let mut g = Graph::new(txns.len());
    for (&key, vo) in &order {
        for pair in vo.windows(2) {
            if let (Some(&a), Some(&b)) = (writer.get(&(key, pair[0])), writer.get(&(key, pair[1]))) {
                if node(a) && node(b) {
                    g.add(a, b, Rel::Ww, Some(key));
                }
            }
        }
    }
    for o in &observations {
        let vo = &order[&o.key];
        if !vo.starts_with(o.prefix) {
            continue;
        }
        if let Some(&w) = o.prefix.last().and_then(|last| writer.get(&(o.key, *last))) {
            if node(w) {
                g.add(w, o.txn, Rel::Wr, Some(o.key));
            }
        }
        if let Some(&w) = vo.get(o.prefix.len()).and_then(|next| writer.get(&(o.key, *next))) {
            if node(w) {
                g.add(o.txn, w, Rel::Rw, Some(o.key));
            }
        }
    }
    add_realtime(&txns, &node, &mut g);

    for (name, spec) in SPECS {
        for cycle in g.cycles(spec, EXAMPLES, MAX_STARTS) {
            let kind = if *name == "realtime" { realtime_name(counts(&cycle)) } else { name.to_string() };
            found.add(cycle_anomaly(&kind, &cycle, &txns));
        }
    }

    let mut anomalies = Vec::new();
    let mut allowed = Vec::new();
    let mut notes = vec![format!(
        "{} transactions ({} ok, {} unknown of which {} seen committed), {} dependency edges",
        txns.len(),
        txns.iter().filter(|t| t.kind() == Kind::Ok).count(),
        txns.iter().filter(|t| t.kind() == Kind::Info).count(),
        observed_info.len(),
        g.edge_count()
    )];
    for (kind, (examples, count)) in found.by_kind {
        if count > examples.len() {
            notes.push(format!("{kind}: {count} found, {} shown", examples.len()));
        }
        if prohibited(level, &kind) {
            anomalies.extend(examples);
        } else {
            allowed.extend(examples);
        }
    }
    let mut result = CheckResult::from_anomalies(&format!("list-append ({})", level.sql()), anomalies, allowed, false);
    result.notes = notes;
    result
}

const SPECS: &[(&str, CycleSpec)] = &[
    ("G0", CycleSpec { start: Rel::Ww, allowed: &[Rel::Ww], accept: |_| true }),
    ("G1c", CycleSpec { start: Rel::Wr, allowed: &[Rel::Ww, Rel::Wr], accept: |_| true }),
    ("G-single", CycleSpec { start: Rel::Rw, allowed: &[Rel::Ww, Rel::Wr], accept: |_| true }),
    ("G2-item", CycleSpec { start: Rel::Rw, allowed: &[Rel::Ww, Rel::Wr, Rel::Rw], accept: |c| c.rw >= 2 }),
    ("realtime", CycleSpec { start: Rel::Rt, allowed: &[Rel::Ww, Rel::Wr, Rel::Rw, Rel::Rt], accept: |_| true }),
];

fn realtime_name(c: Counts) -> String {
    let base = match (c.rw, c.wr) {
        (0, 0) => "G0",
        (0, _) => "G1c",
        (1, _) => "G-single",
        _ => "G2-item",
    };
    format!("{base}-realtime")
}

fn cycle_anomaly(kind: &str, cycle: &Cycle, txns: &[Txn<'_>]) -> Anomaly {
    let steps: Vec<CycleStep> = cycle
        .iter()
        .map(|(n, e)| CycleStep {
            op: txns[*n].index(),
            txn: txns[*n].describe(),
            edge: e.rel.name().to_string(),
            why: match (e.rel, e.key) {
                (Rel::Ww, Some(k)) => format!("appended to key {k} before the next"),
                (Rel::Wr, Some(k)) => format!("its append to key {k} was read by the next"),
                (Rel::Rw, Some(k)) => format!("read key {k} before the next appended to it"),
                _ => "completed before the next was invoked".to_string(),
            },
        })
        .collect();
    let path: Vec<String> = steps.iter().map(|s| format!("op {} -{}->", s.op, s.edge)).collect();
    let mut a = Anomaly::new(
        kind,
        format!("dependency cycle: {} op {}", path.join(" "), steps[0].op),
        steps.iter().map(|s| s.op).collect(),
    );
    a.cycle = Some(steps);
    a
}

/// Checks each committed transaction against itself and collects what it saw of others.
fn internal_and_observations<'a>(txns: &'a [Txn<'a>], level: Isolation, found: &mut Found) -> Vec<Observation<'a>> {
    let mut observations = Vec::new();
    for (i, t) in txns.iter().enumerate() {
        if t.kind() != Kind::Ok {
            continue;
        }
        let mut own: HashMap<u64, Vec<u64>> = HashMap::new();
        let mut seen: HashMap<u64, &[u64]> = HashMap::new();
        for m in t.mops {
            match m {
                Mop::Append(k, v) => own.entry(*k).or_default().push(*v),
                Mop::R(k, Some(list)) => {
                    let mine = own.get(k).map_or(&[][..], Vec::as_slice);
                    if !list.ends_with(mine) {
                        found.add(Anomaly::new(
                            "internal",
                            format!("op {} read key {k} = {list:?}, missing its own appends {mine:?}", t.index()),
                            vec![t.index()],
                        ));
                        continue;
                    }
                    let prefix = &list[..list.len() - mine.len()];
                    if level != Isolation::ReadCommitted {
                        if let Some(before) = seen.get(k).filter(|b| **b != prefix) {
                            found.add(Anomaly::new(
                                "internal",
                                format!(
                                    "op {} read key {k} as {before:?} and later as {prefix:?} (besides its own appends) \
                                     within one snapshot",
                                    t.index()
                                ),
                                vec![t.index()],
                            ));
                        }
                    }
                    seen.insert(*k, prefix);
                    observations.push(Observation { txn: i, key: *k, list, prefix });
                }
                Mop::R(_, None) => {}
            }
        }
    }
    observations
}

/// Garbage, duplicate, G1a and G1b reads; returns the unknown transactions seen committed.
fn element_checks(
    txns: &[Txn<'_>],
    observations: &[Observation<'_>],
    writer: &HashMap<(u64, u64), usize>,
    appends: &[HashMap<u64, Vec<u64>>],
    found: &mut Found,
) -> HashSet<usize> {
    let mut observed_info = HashSet::new();
    for o in observations {
        let reader = txns[o.txn].index();
        let mut distinct = HashSet::new();
        for v in o.list {
            if !distinct.insert(*v) {
                found.add(Anomaly::new(
                    "duplicate",
                    format!("op {reader} read key {} = {:?}, with {v} twice", o.key, o.list),
                    vec![reader],
                ));
            }
            match writer.get(&(o.key, *v)) {
                None => found.add(Anomaly::new(
                    "garbage",
                    format!("op {reader} read {v} in key {}, which no transaction appended", o.key),
                    vec![reader],
                )),
                Some(&w) => match txns[w].kind() {
                    Kind::Fail => found.add(Anomaly::new(
                        "G1a",
                        format!("op {reader} read {v} in key {}, appended by failed op {}", o.key, txns[w].index()),
                        vec![reader, txns[w].index()],
                    )),
                    Kind::Info => {
                        observed_info.insert(w);
                    }
                    _ => {}
                },
            }
        }
        if let Some(&last) = o.prefix.last() {
            if let Some(&w) = writer.get(&(o.key, last)) {
                let final_append = appends[w].get(&o.key).and_then(|a| a.last());
                if w != o.txn && final_append != Some(&last) {
                    found.add(Anomaly::new(
                        "G1b",
                        format!(
                            "op {reader} read key {} ending in {last}, an intermediate append of op {} (which went on \
                             to append {final_append:?})",
                            o.key,
                            txns[w].index()
                        ),
                        vec![reader, txns[w].index()],
                    ));
                }
            }
        }
    }
    observed_info
}

/// The longest read of each key; every other read must be a prefix of it.
fn version_order<'a>(txns: &[Txn<'_>], observations: &[Observation<'a>], found: &mut Found) -> HashMap<u64, &'a [u64]> {
    let mut order: HashMap<u64, (&'a [u64], usize)> = HashMap::new();
    for o in observations {
        let slot = order.entry(o.key).or_insert((o.list, o.txn));
        if o.list.len() > slot.0.len() {
            *slot = (o.list, o.txn);
        }
    }
    let mut reported = HashSet::new();
    for o in observations {
        let (longest, by) = order[&o.key];
        if !longest.starts_with(o.list) && reported.insert(o.key) {
            found.add(Anomaly::new(
                "incompatible-order",
                format!(
                    "key {}: op {} read {:?} but op {} read {:?}; neither extends the other",
                    o.key,
                    txns[o.txn].index(),
                    o.list,
                    txns[by].index(),
                    longest
                ),
                vec![txns[o.txn].index(), txns[by].index()],
            ));
        }
    }
    order.into_iter().map(|(k, (l, _))| (k, l)).collect()
}

/// Acknowledged appends missing from reads that began after the acknowledgement.
fn durability_checks(txns: &[Txn<'_>], observations: &[Observation<'_>], found: &mut Found) {
    let mut reads_by_key: HashMap<u64, Vec<&Observation<'_>>> = HashMap::new();
    for o in observations {
        reads_by_key.entry(o.key).or_default().push(o);
    }
    for t in txns.iter().filter(|t| t.kind() == Kind::Ok) {
        let acked = t.op.complete_ns().expect("ok operations completed");
        for m in t.mops {
            let Mop::Append(k, v) = m else { continue };
            let later: Vec<&&Observation<'_>> = reads_by_key
                .get(k)
                .map(|rs| rs.iter().filter(|o| txns[o.txn].op.invoke.time_ns > acked).collect())
                .unwrap_or_default();
            let missing: Vec<&&Observation<'_>> = later.iter().copied().filter(|o| !o.list.contains(v)).collect();
            let Some(first_missing) = missing.first() else { continue };
            let kind = if missing.len() == later.len() { "lost" } else { "stale-read" };
            found.add(Anomaly::new(
                kind,
                format!(
                    "op {} appended {v} to key {k} (acknowledged), but {} of {} later reads miss it, e.g. op {} read {:?}",
                    t.index(),
                    missing.len(),
                    later.len(),
                    txns[first_missing.txn].index(),
                    first_missing.list
                ),
                vec![t.index(), txns[first_missing.txn].index()],
            ));
        }
    }
}

/// Real-time edges, transitively reduced as Elle does: each transaction gets edges from the
/// committed transactions that had completed, and were not yet followed by another completed
/// one, when it was invoked.
fn add_realtime(txns: &[Txn<'_>], node: &dyn Fn(usize) -> bool, g: &mut Graph) {
    // (time, 0 = invoke / 1 = complete, txn): invocations first at equal times (concurrent).
    let mut events: Vec<(u64, u8, usize)> = Vec::new();
    for (i, t) in txns.iter().enumerate() {
        if !node(i) {
            continue;
        }
        events.push((t.op.invoke.time_ns, 0, i));
        if t.kind() == Kind::Ok {
            events.push((t.op.complete_ns().expect("ok operations completed"), 1, i));
        }
    }
    events.sort_unstable();
    let mut frontier: Vec<usize> = Vec::new();
    let mut preds: HashMap<usize, Vec<usize>> = HashMap::new();
    for (_, what, i) in events {
        if what == 0 {
            for &p in &frontier {
                g.add(p, i, Rel::Rt, None);
            }
            preds.insert(i, frontier.clone());
        } else {
            let before = preds.remove(&i).unwrap_or_default();
            frontier.retain(|f| !before.contains(f));
            frontier.push(i);
        }
    }
}

#[cfg(test)]
#[path = "elle_tests.rs"]
mod tests;
