//! Members' own reports of their state, for the cluster view.
//!
//! Raft tells a follower little about its peers (and the leader only how far it replicated to
//! each), so every node asks every other member, twice a second, for a [`SelfReport`]: its
//! role, term, commit and applied index, and how stale its state may be. The SQL view
//! `tandem_cluster` and HTTP `/cluster` show these reports, each member as it sees itself, and
//! mark a member that did not answer as unreachable.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::network::protocol::{Request, Response};
use crate::node::RaftNode;
use crate::types::NodeId;

/// How often members are asked.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// How long an answer may take.
const POLL_TIMEOUT: Duration = Duration::from_millis(400);

/// What a node says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReport {
    /// Its id.
    pub id: NodeId,
    /// `leader`, `follower`, `candidate`, `learner` or `shutdown`.
    pub role: String,
    /// Its current term.
    pub term: u64,
    /// The leader it knows of.
    pub leader: Option<NodeId>,
    /// The highest index it knows to be committed.
    pub commit_index: u64,
    /// The last index it applied.
    pub applied_index: u64,
    /// The last index in its log.
    pub last_log_index: u64,
    /// An upper bound on the age of its applied state, in milliseconds, if known.
    pub staleness_ms: Option<u64>,
}

/// The last report of one member.
#[derive(Clone, Debug)]
pub struct MemberReport {
    /// The report, or `None` if the member has not answered recently.
    pub report: Option<SelfReport>,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
}

/// When a member was last asked, and its answer (or why there was none).
type Polled = (Instant, Result<SelfReport, String>);

/// Reports collected from the other members.
#[derive(Default)]
pub(crate) struct Reports {
    last: Mutex<HashMap<NodeId, Polled>>,
}

impl Reports {
    /// The newest report of `id`; one older than a few polls counts as missing.
    pub(crate) fn get(&self, id: NodeId) -> MemberReport {
        match self.last.lock().get(&id) {
            Some((at, Ok(r))) if at.elapsed() < POLL_EVERY * 4 => MemberReport { report: Some(r.clone()), error: None },
            Some((_, Ok(_))) => MemberReport { report: None, error: Some("no recent answer".into()) },
            Some((_, Err(e))) => MemberReport { report: None, error: Some(e.clone()) },
            None => MemberReport { report: None, error: Some("not asked yet".into()) },
        }
    }

    fn record(&self, id: NodeId, result: Result<SelfReport, String>) {
        let mut last = self.last.lock();
        // A failure does not erase a recent success: the member is shown unreachable only once
        // the success grows old.
        if result.is_err() && last.get(&id).is_some_and(|(at, r)| r.is_ok() && at.elapsed() < POLL_EVERY * 4) {
            return;
        }
        last.insert(id, (Instant::now(), result));
    }
}

/// Polls the other members until the node goes away.
pub(crate) async fn poll(node: Weak<RaftNode>) {
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(node) = node.upgrade() else { return };
        let me = node.id();
        for member in node.status().members.into_iter().filter(|m| m.id != me) {
            let node = Arc::clone(&node);
            tokio::spawn(async move {
                let client = node.peers().client(member.id, &member.member);
                let result = match client.call(Request::Report, POLL_TIMEOUT).await {
                    Ok(Response::Report(report)) => Ok(report),
                    Ok(other) => Err(format!("unexpected answer {other:?}")),
                    Err(e) => Err(e.to_string()),
                };
                node.reports().record(member.id, result);
            });
        }
    }
}
