//! When to campaign: a pre-vote, decided here instead of by openraft's election timer.
//!
//! openraft 0.9 starts an election once a follower has heard from no leader for the leader
//! lease (the election timeout's maximum) plus its own random timeout. The failover benchmark
//! showed two habits of that timer that made some failovers take 1.5-2.4 s (ADR 0008):
//!
//! * a follower whose log is shorter campaigns as readily as one with the longest log. Its vote
//!   requests are refused, yet they raise its term; a candidate with the longest log but a
//!   lower id then loses to it at that term, and one more round goes by;
//! * a node that lost an election to a longer log waits `2 × election_timeout_max` longer before
//!   its next campaign, and forgets that only when it next campaigns: usually in the next
//!   failover, where the delay has no reason any more.
//!
//! So openraft's timer is off (`enable_elect = false`, see [`NodeConfig`]) and [`run`] decides.
//! Every tick it reads openraft's state. Once a voter has heard from no leader for the lease
//! plus a random timeout (the random timeout alone while an election is under way), it asks the
//! other voters whether they would vote for it ([`Request::PreVote`]). A voter says yes when the
//! candidate's log is at least as up to date as its own and it has itself heard from no leader
//! within the lease ([`answer`]). With a majority, itself included, the node asks openraft to
//! campaign; otherwise it draws a new timeout and waits. A node with a shorter log thus never
//! campaigns, and a node that was cut off or paused does not raise its term and depose a
//! healthy leader when it comes back (the pre-vote of Raft's thesis, section 9.6).
//!
//! Safety does not depend on any of this: openraft's vote rules still decide who leads. This
//! module only chooses when to ask.

use std::sync::Weak;
use std::time::{Duration, Instant};

use futures::future::join_all;
use openraft::ServerState;
use rand::Rng;

use crate::config::NodeConfig;
use crate::network::protocol::{PreVoteRequest, Request, Response};
use crate::node::RaftNode;
use crate::types::{LogId, NodeId};

/// How often the loop looks at openraft's state.
const TICK: Duration = Duration::from_millis(20);

/// What this node knows of its own election state, read from openraft.
#[derive(Debug)]
pub(crate) struct Standing {
    /// The node leads.
    pub leader: bool,
    /// The node is a voter in the effective membership.
    pub voter: bool,
    /// The other voters.
    pub others: Vec<NodeId>,
    /// The vote is committed: the node follows a leader that a quorum granted.
    pub following: bool,
    /// Time since the vote was last granted or renewed (by the leader's heartbeats), if ever.
    pub quiet_for: Option<Duration>,
}

impl Standing {
    /// This node leads, or follows a leader whose heartbeat renewed its vote within `within`.
    fn leader_heard(&self, within: Duration) -> bool {
        self.leader || (self.following && self.quiet_for.is_some_and(|quiet| quiet < within))
    }
}

/// When this node should ask for votes, given its standing and its random timeout.
pub(crate) fn due(standing: &Standing, lease: Duration, timeout: Duration) -> bool {
    if standing.leader || !standing.voter {
        return false;
    }
    let wait = if standing.following { lease + timeout } else { timeout };
    standing.quiet_for.is_none_or(|quiet| quiet >= wait)
}

/// Whether the leader this node follows has been silent for longer than `limit`.
pub(crate) fn silent(standing: &Standing, limit: Duration) -> bool {
    standing.following && !standing.leader_heard(limit)
}

/// A voter's answer to a pre-vote: yes when it has heard from no leader within the lease and
/// the candidate's log is at least as up to date as its own (Raft's voting rule, without
/// changing any state).
pub(crate) fn answer(
    standing: &Standing,
    lease: Duration,
    candidate_log: Option<LogId>,
    own_log: Option<LogId>,
) -> bool {
    !standing.leader_heard(lease) && candidate_log >= own_log
}

/// Reads this node's standing from openraft; `None` once openraft has stopped.
pub(crate) async fn standing(node: &RaftNode) -> Option<Standing> {
    let me = node.id();
    node.raft()
        .with_raft_state(move |state| {
            let voters: Vec<NodeId> = state.membership_state.effective().voter_ids().collect();
            Standing {
                leader: state.server_state == ServerState::Leader,
                voter: voters.contains(&me),
                others: voters.into_iter().filter(|id| *id != me).collect(),
                following: state.vote_ref().is_committed(),
                quiet_for: state.vote_last_modified().map(|at| at.elapsed()),
            }
        })
        .await
        .ok()
}

/// The election loop of one node; ends when the node is dropped or stops.
pub(crate) async fn run(node: Weak<RaftNode>, config: NodeConfig) {
    let lease = config.election_timeout.1;
    let mut timeout = draw(&config);
    let mut not_before = Instant::now();
    loop {
        tokio::time::sleep(TICK).await;
        let Some(node) = node.upgrade() else { return };
        if !node.is_running() {
            return;
        }
        let Some(standing) = standing(&node).await else { return };
        // Longer than an election takes: the lease, then the longest timeout.
        node.set_leader_silent(silent(&standing, lease + config.election_timeout.1));
        if Instant::now() < not_before || !due(&standing, lease, timeout) {
            continue;
        }
        let granted = if standing.others.is_empty() { 0 } else { pre_vote(&node, &standing.others, &config).await };
        // A majority of all voters, this node included; and nothing changed meanwhile: a node
        // that granted another candidate's vote during its pre-vote must not campaign against
        // it (its term would be higher and depose the new leader at once).
        let voters = standing.others.len() + 1;
        let majority = 2 * (granted + 1) > voters;
        if majority && self::standing(&node).await.is_some_and(|now| due(&now, lease, timeout)) {
            tracing::info!(granted, voters, "pre-vote won; campaigning");
            if node.raft().trigger().elect().await.is_err() {
                return;
            }
        } else {
            tracing::debug!(granted, "pre-vote lost; waiting");
        }
        // The next attempt waits a fresh random timeout from now, whether the campaign started
        // (openraft then counts from the new vote too) or the pre-vote was lost.
        timeout = draw(&config);
        not_before = Instant::now() + timeout;
    }
}

/// A random election timeout in the configured range.
fn draw(config: &NodeConfig) -> Duration {
    let (min, max) = config.election_timeout;
    if max <= min {
        return min;
    }
    rand::thread_rng().gen_range(min..max)
}

/// Asks the other voters for a pre-vote; returns how many said yes.
async fn pre_vote(node: &RaftNode, others: &[NodeId], config: &NodeConfig) -> usize {
    let last_log_id = match node.last_log_id() {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the last log id for a pre-vote");
            return 0;
        }
    };
    let request = PreVoteRequest { candidate: node.id(), last_log_id };
    let asks = others.iter().map(|peer| node.ask(*peer, Request::PreVote(request.clone()), config.election_timeout.0));
    join_all(asks).await.into_iter().filter(|r| matches!(r, Some(Response::PreVote(true)))).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_millis(400);
    const TIMEOUT: Duration = Duration::from_millis(300);

    fn log(term: u64, index: u64) -> Option<LogId> {
        Some(LogId::new(openraft::CommittedLeaderId::new(term, 1), index))
    }

    fn follower(quiet_ms: u64) -> Standing {
        Standing {
            leader: false,
            voter: true,
            others: vec![2, 3],
            following: true,
            quiet_for: Some(Duration::from_millis(quiet_ms)),
        }
    }

    #[test]
    fn a_follower_asks_after_the_lease_and_its_timeout() {
        assert!(!due(&follower(650), LEASE, TIMEOUT));
        assert!(due(&follower(700), LEASE, TIMEOUT));
    }

    #[test]
    fn a_candidate_asks_again_after_its_timeout_alone() {
        let candidate = Standing { following: false, ..follower(300) };
        assert!(due(&candidate, LEASE, TIMEOUT));
        assert!(!due(&Standing { quiet_for: Some(Duration::from_millis(299)), ..candidate }, LEASE, TIMEOUT));
    }

    #[test]
    fn leaders_and_learners_never_ask() {
        assert!(!due(&Standing { leader: true, ..follower(10_000) }, LEASE, TIMEOUT));
        assert!(!due(&Standing { voter: false, ..follower(10_000) }, LEASE, TIMEOUT));
    }

    #[test]
    fn a_leader_is_silent_once_unheard_for_longer_than_an_election() {
        let limit = LEASE + LEASE;
        assert!(!silent(&follower(700), limit));
        assert!(silent(&follower(900), limit));
        assert!(!silent(&Standing { leader: true, ..follower(900) }, limit));
        assert!(!silent(&Standing { following: false, ..follower(900) }, limit), "no leader to be silent");
    }

    #[test]
    fn a_voter_that_hears_its_leader_says_no() {
        assert!(!answer(&follower(100), LEASE, log(2, 10), log(2, 5)));
        assert!(!answer(&Standing { leader: true, ..follower(0) }, LEASE, log(3, 10), log(2, 5)));
    }

    #[test]
    fn a_shorter_or_older_log_gets_no() {
        assert!(!answer(&follower(500), LEASE, log(2, 9), log(2, 10)));
        assert!(!answer(&follower(500), LEASE, log(1, 50), log(2, 10)));
        assert!(!answer(&follower(500), LEASE, None, log(1, 1)));
    }

    #[test]
    fn an_up_to_date_candidate_gets_yes_once_the_leader_is_quiet() {
        assert!(answer(&follower(500), LEASE, log(2, 10), log(2, 10)));
        assert!(answer(&follower(500), LEASE, log(3, 1), log(2, 10)));
        let candidate = Standing { following: false, ..follower(0) };
        assert!(answer(&candidate, LEASE, log(2, 10), log(2, 10)));
    }
}
