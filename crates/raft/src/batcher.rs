//! Group commit of proposals (decision D6).
//!
//! openraft 0.9's core appends each client write to the log and waits for that append to be
//! flushed before it handles the next one, so one log entry per transaction would mean one fsync
//! per transaction on every node, in series. The batcher therefore gathers the write sets that
//! arrive while earlier batches are in flight into one log entry: one append and one fsync on
//! each node for all of them. With nothing in flight a lone proposal goes out at once, so
//! batching adds no latency; under load a batch holds whatever arrived during the previous
//! round trip.
//!
//! Order is preserved: write sets enter the log in the order they were submitted, which the
//! transaction layer relies on (its commit order is the log order).

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::metrics::Metrics;
use crate::node::ProposeError;
use crate::types::{Command, Commit, GuardedCommit, Raft};

/// Batches in flight at once. Two let the leader append the next batch while the previous one
/// is replicated.
const MAX_IN_FLIGHT: usize = 2;
/// Upper bound on the payload of one batch (one log entry).
const MAX_BATCH_BYTES: usize = crate::MAX_ENTRY_BYTES;

type Outcome = Result<u64, ProposeError>;

struct Pending {
    commit: GuardedCommit,
    tx: oneshot::Sender<Outcome>,
}

fn size(c: &Commit) -> usize {
    match c {
        Commit::Inline(ws) => ws.size(),
        Commit::Staged(_) => 8,
    }
}

/// Submits write sets in batches.
pub(crate) struct Batcher {
    tx: mpsc::UnboundedSender<Pending>,
}

impl Batcher {
    /// Starts the batching task for `raft`.
    pub(crate) fn start(raft: Raft, metrics: Arc<Metrics>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(raft, rx, metrics));
        Self { tx }
    }

    /// Queues `commit`; the receiver yields its log index once committed and applied locally.
    pub(crate) fn submit(&self, commit: GuardedCommit) -> Result<oneshot::Receiver<Outcome>, ProposeError> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Pending { commit, tx }).map_err(|_| ProposeError::Unknown("the node is stopping".into()))?;
        Ok(rx)
    }
}

async fn run(raft: Raft, mut rx: mpsc::UnboundedReceiver<Pending>, metrics: Arc<Metrics>) {
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        let Some(first) = rx.recv().await else { return };
        let mut bytes = size(&first.commit.commit);
        let mut batch = vec![first];
        while bytes < MAX_BATCH_BYTES {
            match rx.try_recv() {
                Ok(p) => {
                    bytes += size(&p.commit.commit);
                    batch.push(p);
                }
                Err(_) => break,
            }
        }
        metrics.batch_size.observe(batch.len() as f64);
        let (sets, waiters): (Vec<GuardedCommit>, Vec<oneshot::Sender<Outcome>>) =
            batch.into_iter().map(|p| (p.commit, p.tx)).unzip();
        let submitted = Instant::now();
        match raft.client_write_ff(Command::Writes(sets)).await {
            Ok(response) => {
                tokio::spawn(async move {
                    let outcome = match response.await {
                        Ok(Ok(resp)) => Ok(resp.data),
                        Ok(Err(openraft::error::ClientWriteError::ForwardToLeader(f))) => {
                            Err(ProposeError::NotLeader { leader: f.leader_id })
                        }
                        Ok(Err(e)) => Err(ProposeError::Unknown(e.to_string())),
                        Err(_) => Err(ProposeError::Unknown("the node stopped before the entry was applied".into())),
                    };
                    tracing::trace!(elapsed = ?submitted.elapsed(), n = waiters.len(), "batch done");
                    for (position, waiter) in waiters.into_iter().enumerate() {
                        let _ = waiter.send(match &outcome {
                            Ok(applied) if applied.skipped.contains(&(position as u32)) => {
                                Err(ProposeError::NotLeader { leader: None })
                            }
                            Ok(applied) => Ok(applied.index),
                            Err(e) => Err(e.clone()),
                        });
                    }
                    drop(permit);
                });
            }
            Err(e) => {
                for waiter in waiters {
                    let _ = waiter.send(Err(ProposeError::Unknown(format!("Raft stopped: {e}"))));
                }
            }
        }
    }
}
