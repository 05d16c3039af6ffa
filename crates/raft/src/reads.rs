//! Read support: linearizable read indexes shared by concurrent readers, and the staleness
//! bound of a follower's local state.
//!
//! A linearizable read needs a read index: the leader's commit index, confirmed by a quorum
//! of heartbeats after the read arrived (so no newer leader can exist at that moment). One
//! round of heartbeats can serve every read that arrived before the round started, so the
//! leader runs at most one round at a time and callers that arrived during a round share the
//! next one ([`ReadRounds`]). This keeps the cost of linearizable reads to about one round of
//! heartbeats per round trip, however many clients read.
//!
//! A follower may instead serve a read from its own state when the client accepts some
//! staleness (`tandem.stale_read_max_ms`). [`Staleness`] bounds how old that state can be: the
//! time since this node received an AppendEntries whose commit index it has applied. Every
//! write acknowledged before the leader sent that message was committed by then, so the local
//! state is at most that old (plus the message's time in flight, negligible next to the
//! heartbeat interval).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Serializes leader read-index rounds and shares each round's result with every caller that
/// arrived before it started.
#[derive(Default)]
pub(crate) struct ReadRounds {
    /// Tickets handed to callers, in arrival order.
    arrivals: AtomicU64,
    /// Held while a round runs; holds the last round's first uncovered ticket and its result.
    last: tokio::sync::Mutex<(u64, Option<u64>)>,
}

impl ReadRounds {
    /// The read index for a caller arriving now: the result of a round that started after it
    /// arrived, running `round` when no such round has completed.
    pub(crate) async fn read_index<F, Fut>(&self, round: F) -> Option<u64>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Option<u64>>,
    {
        let ticket = self.arrivals.fetch_add(1, Ordering::AcqRel);
        let mut last = self.last.lock().await;
        let (covered_below, result) = *last;
        if ticket < covered_below && result.is_some() {
            // A round started after this caller arrived and succeeded while it waited.
            return result;
        }
        let start = self.arrivals.load(Ordering::Acquire);
        let result = round().await;
        *last = (start, result);
        result
    }
}

/// How many recent AppendEntries receipts [`Staleness`] remembers.
const RECEIPTS: usize = 64;

/// Tracks when this node last heard from the leader, and with what commit index.
#[derive(Default)]
pub(crate) struct Staleness {
    receipts: Mutex<VecDeque<(Instant, u64)>>,
}

impl Staleness {
    /// Records an AppendEntries (or heartbeat) from the leader carrying `leader_commit`.
    pub(crate) fn heard(&self, leader_commit: u64) {
        let mut r = self.receipts.lock();
        if r.len() == RECEIPTS {
            r.pop_front();
        }
        r.push_back((Instant::now(), leader_commit));
    }

    /// How old this node's state may be, having applied up to `applied`: the time since the
    /// newest receipt whose commit index is applied here. `None` when no such receipt is
    /// remembered (the node is far behind, or has not heard from a leader).
    pub(crate) fn bound(&self, applied: u64) -> Option<Duration> {
        let r = self.receipts.lock();
        r.iter().rev().find(|(_, commit)| *commit <= applied).map(|(at, _)| at.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn callers_arriving_during_a_round_share_the_next_one() {
        let rounds = Arc::new(ReadRounds::default());
        let runs = Arc::new(AtomicU64::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        // The first caller starts a round that waits on the gate.
        let first = {
            let (rounds, runs, gate) = (rounds.clone(), runs.clone(), gate.clone());
            tokio::spawn(async move {
                rounds
                    .read_index(|| async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        gate.notified().await;
                        Some(10)
                    })
                    .await
            })
        };
        while runs.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // Callers arriving now cannot use the running round (it may predate them).
        let mut later = Vec::new();
        for _ in 0..5 {
            let (rounds, runs) = (rounds.clone(), runs.clone());
            later.push(tokio::spawn(async move {
                rounds
                    .read_index(|| async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        Some(20)
                    })
                    .await
            }));
        }
        tokio::task::yield_now().await;
        gate.notify_one();
        assert_eq!(first.await.unwrap(), Some(10));
        for l in later {
            assert_eq!(l.await.unwrap(), Some(20), "a later caller must get a round that started after it");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2, "the five later callers shared one round");
    }

    #[tokio::test]
    async fn a_failed_round_is_not_reused() {
        let rounds = ReadRounds::default();
        assert_eq!(rounds.read_index(|| async { None }).await, None);
        assert_eq!(rounds.read_index(|| async { Some(3) }).await, Some(3));
    }

    #[test]
    fn staleness_is_measured_from_the_newest_applied_receipt() {
        let s = Staleness::default();
        assert_eq!(s.bound(100), None);
        s.heard(5);
        std::thread::sleep(Duration::from_millis(20));
        s.heard(9);
        let applied_9 = s.bound(9).unwrap();
        let applied_5 = s.bound(5).unwrap();
        assert!(applied_5 >= Duration::from_millis(20), "{applied_5:?}");
        assert!(applied_9 < applied_5);
        assert_eq!(s.bound(4), None);
    }
}
