//! Histories with each anomaly, and the levels that must (and must not) reject them.

use super::*;
use crate::history::build::HistoryBuilder;

fn a(k: u64, v: u64) -> Mop {
    Mop::Append(k, v)
}

fn r(k: u64, l: &[u64]) -> Mop {
    Mop::R(k, Some(l.to_vec()))
}

/// Adds a transaction invoked at `t0` and completed at `t1`; reads in the invocation are
/// blanked as a client would record them.
fn txn(b: &mut HistoryBuilder, t0: u64, t1: u64, p: u64, kind: Kind, mops: Vec<Mop>) {
    let invoked: Vec<Mop> =
        mops.iter().map(|m| if let Mop::R(k, _) = m { Mop::R(*k, None) } else { m.clone() }).collect();
    let completed = if kind == Kind::Ok { mops } else { invoked.clone() };
    b.op(t0, t1, p, kind, Op::Txn { mops: invoked }, Op::Txn { mops: completed });
}

fn kinds(b: &HistoryBuilder, level: Isolation) -> Vec<String> {
    check(&b.build(), level).kinds()
}

fn allowed(b: &HistoryBuilder, level: Isolation) -> Vec<String> {
    let mut k: Vec<String> = check(&b.build(), level).allowed.iter().map(|a| a.kind.clone()).collect();
    k.dedup();
    k
}

use Isolation::*;

#[test]
fn a_serial_history_is_valid_at_every_level() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1), r(2, &[])]);
    txn(&mut b, 20, 30, 1, Kind::Ok, vec![r(1, &[1]), a(2, 1), a(1, 2)]);
    txn(&mut b, 40, 50, 0, Kind::Ok, vec![r(1, &[1, 2]), r(2, &[1])]);
    txn(&mut b, 60, 70, 1, Kind::Fail, vec![a(1, 3)]);
    for level in [ReadCommitted, RepeatableRead, Serializable] {
        let res = check(&b.build(), level);
        assert_eq!(res.valid, super::super::Validity::Valid, "{level:?}: {:?}", res.anomalies);
        assert!(res.allowed.is_empty());
    }
}

#[test]
fn g0_write_cycle() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1), a(2, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![a(1, 2), a(2, 2)]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1, 2]), r(2, &[2, 1])]);
    assert!(kinds(&b, ReadCommitted).contains(&"G0".to_string()));
    let res = check(&b.build(), ReadCommitted);
    let cycle = res.anomalies.iter().find(|a| a.kind == "G0").unwrap().cycle.clone().unwrap();
    assert_eq!(cycle.len(), 2);
    assert!(cycle.iter().all(|s| s.edge == "ww" && s.txn.contains("append")), "{cycle:?}");
}

#[test]
fn g1a_aborted_read() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Fail, vec![a(1, 1)]);
    txn(&mut b, 20, 30, 1, Kind::Ok, vec![r(1, &[1])]);
    assert_eq!(kinds(&b, ReadCommitted), ["G1a"]);
}

#[test]
fn g1b_intermediate_read() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1), a(1, 2)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![r(1, &[1])]);
    assert!(kinds(&b, ReadCommitted).contains(&"G1b".to_string()));
}

#[test]
fn g1c_circular_information_flow() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1), r(2, &[1])]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![a(2, 1), r(1, &[1])]);
    assert_eq!(kinds(&b, ReadCommitted), ["G1c"]);
}

#[test]
fn g_single_read_skew_is_allowed_only_at_read_committed() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1), a(2, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![r(1, &[]), r(2, &[1])]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1]), r(2, &[1])]);
    assert!(kinds(&b, ReadCommitted).is_empty());
    assert_eq!(allowed(&b, ReadCommitted), ["G-single"]);
    assert_eq!(kinds(&b, RepeatableRead), ["G-single"]);
    assert_eq!(kinds(&b, Serializable), ["G-single"]);
}

#[test]
fn g2_item_write_skew_is_prohibited_only_at_serializable() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![r(1, &[]), a(2, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![r(2, &[]), a(1, 1)]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1]), r(2, &[1])]);
    assert!(kinds(&b, RepeatableRead).is_empty());
    assert_eq!(allowed(&b, RepeatableRead), ["G2-item"]);
    assert_eq!(kinds(&b, Serializable), ["G2-item"]);
}

#[test]
fn lost_append() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 0, 15, 1, Kind::Ok, vec![a(1, 2)]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[2])]);
    let res = check(&b.build(), ReadCommitted);
    assert_eq!(res.kinds(), ["lost"]);
    assert!(res.anomalies[0].description.contains("appended 1 to key 1"), "{:?}", res.anomalies);
}

#[test]
fn stale_read_and_strict_serializability() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 20, 30, 1, Kind::Ok, vec![r(1, &[])]);
    txn(&mut b, 40, 50, 2, Kind::Ok, vec![r(1, &[1])]);
    let ser = kinds(&b, Serializable);
    assert!(ser.contains(&"stale-read".to_string()) && ser.contains(&"G-single-realtime".to_string()), "{ser:?}");
    assert!(!kinds(&b, RepeatableRead).contains(&"G-single-realtime".to_string()));
}

#[test]
fn concurrent_reads_may_miss_an_append() {
    // The read began before the append was acknowledged: it may order before it.
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 5, 30, 1, Kind::Ok, vec![r(1, &[])]);
    txn(&mut b, 40, 50, 2, Kind::Ok, vec![r(1, &[1])]);
    assert!(kinds(&b, Serializable).is_empty());
}

#[test]
fn element_and_internal_anomalies() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 20, 30, 1, Kind::Ok, vec![r(1, &[1, 1])]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(2, &[7])]);
    txn(&mut b, 20, 30, 3, Kind::Ok, vec![a(3, 5), r(3, &[])]);
    let k = kinds(&b, ReadCommitted);
    for want in ["duplicate", "garbage", "internal"] {
        assert!(k.contains(&want.to_string()), "{want} missing from {k:?}");
    }
}

#[test]
fn non_repeatable_read_is_internal_above_read_committed() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 0, 30, 1, Kind::Ok, vec![r(1, &[]), r(1, &[1])]);
    assert!(!kinds(&b, ReadCommitted).contains(&"internal".to_string()));
    assert!(kinds(&b, RepeatableRead).contains(&"internal".to_string()));
}

#[test]
fn incompatible_orders() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Ok, vec![a(1, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![a(1, 2)]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1, 2])]);
    txn(&mut b, 20, 30, 3, Kind::Ok, vec![r(1, &[2, 1])]);
    assert!(kinds(&b, ReadCommitted).contains(&"incompatible-order".to_string()));
}

#[test]
fn unknown_transactions_count_once_seen() {
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Info, vec![a(1, 1), a(2, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Info, vec![a(1, 2)]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1]), r(2, &[1])]);
    let res = check(&b.build(), Serializable);
    assert!(res.anomalies.is_empty(), "{:?}", res.anomalies);
    // Seen committed, an unknown transaction takes part in cycles.
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Info, vec![a(1, 1), r(2, &[])]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![a(2, 1), r(1, &[])]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(1, &[1]), r(2, &[1])]);
    assert!(kinds(&b, Serializable).is_empty(), "the unknown transaction's reads are unknown");
    let mut b = HistoryBuilder::default();
    txn(&mut b, 0, 10, 0, Kind::Info, vec![a(1, 1), a(2, 1)]);
    txn(&mut b, 0, 10, 1, Kind::Ok, vec![r(1, &[1]), r(2, &[])]);
    txn(&mut b, 20, 30, 2, Kind::Ok, vec![r(2, &[1])]);
    assert_eq!(kinds(&b, RepeatableRead), ["G-single"]);
}
