//! The peer protocol: length-delimited frames of postcard-encoded messages over TCP.
//!
//! A connection starts with a [`Hello`] from the caller and a [`HelloReply`] from the callee.
//! The hello names the cluster, the caller and the node the caller expects to reach (and that
//! node's store id, when known); the callee refuses a caller from another cluster, a caller
//! that dialled the wrong node, or one that expects another incarnation of this node's data.
//! After the handshake, frames carry requests and responses tagged with a request id, so one
//! connection multiplexes many concurrent calls; a request may be answered by several
//! responses (a stream), the last one marked `last`.
//!
//! Frames are limited to [`MAX_FRAME_BYTES`]; anything larger, or anything that does not
//! decode, closes the connection. See docs/adr/0003 for why this protocol rather than gRPC.

use openraft::error::{InstallSnapshotError, RaftError};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse, VoteRequest,
    VoteResponse,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::types::{Member, NodeId, TypeConfig};

/// Version of this protocol; a peer speaking another version is refused.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest frame accepted (snapshot chunks are far smaller).
pub const MAX_FRAME_BYTES: usize = 64 << 20;

/// The first message on a connection, from the caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hello {
    /// Protocol version of the caller.
    pub version: u32,
    /// The caller's cluster, if it belongs to one yet.
    pub cluster_id: Option<Uuid>,
    /// The caller's node id.
    pub from: NodeId,
    /// The node the caller wants, when it knows (a joining node knows only an address).
    pub to: Option<NodeId>,
    /// The store id the caller expects the callee to have, when it knows.
    pub to_store: Option<Uuid>,
}

/// Who a node is, as it tells a caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerIdentity {
    /// The node id.
    pub node_id: NodeId,
    /// The cluster it belongs to, if any yet.
    pub cluster_id: Option<Uuid>,
    /// Its addresses and store id.
    pub member: Member,
    /// True while it has never been part of a cluster (no log, no cluster id).
    pub pristine: bool,
}

/// The callee's answer to a [`Hello`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum HelloReply {
    /// The connection is accepted.
    Welcome(PeerIdentity),
    /// The connection is refused, with the reason.
    Refused(String),
}

/// A request to join the cluster, sent by a new node to any member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The new node's id.
    pub node_id: NodeId,
    /// Its addresses and store id.
    pub member: Member,
}

/// A request from one node to another.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Raft log replication and heartbeats.
    AppendEntries(AppendEntriesRequest<TypeConfig>),
    /// A Raft vote request.
    Vote(VoteRequest<NodeId>),
    /// A chunk of a Raft snapshot.
    InstallSnapshot(InstallSnapshotRequest<TypeConfig>),
    /// Asks the callee who it is.
    Whois,
    /// Adds a node to the cluster (forwarded to the leader).
    Join(JoinRequest),
    /// Removes a node from the cluster (forwarded to the leader).
    Remove(NodeId),
    /// Asks the leader for a linearizable read index.
    ReadIndex,
    /// An opaque request for the application (the SQL layer's relay).
    App(Vec<u8>),
    /// Asks the callee to report its own state (the cluster view).
    Report,
    /// Asks whether the callee would vote for the caller (see `crate::election`).
    PreVote(PreVoteRequest),
}

/// A pre-vote: would the callee vote for `candidate`, whose log ends at `last_log_id`?
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreVoteRequest {
    /// The node that would campaign.
    pub candidate: NodeId,
    /// The last entry of its log.
    pub last_log_id: Option<crate::types::LogId>,
}

/// A response from the callee.
#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    /// Answer to [`Request::AppendEntries`].
    AppendEntries(Result<AppendEntriesResponse<NodeId>, RaftError<NodeId>>),
    /// Answer to [`Request::Vote`].
    Vote(Result<VoteResponse<NodeId>, RaftError<NodeId>>),
    /// Answer to [`Request::InstallSnapshot`].
    InstallSnapshot(Result<InstallSnapshotResponse<NodeId>, RaftError<NodeId, InstallSnapshotError>>),
    /// Answer to [`Request::Whois`].
    Whois(PeerIdentity),
    /// Answer to [`Request::Join`] and [`Request::Remove`].
    Admin(Result<(), String>),
    /// Answer to [`Request::ReadIndex`]: the index to wait for.
    ReadIndex(Result<u64, String>),
    /// One part of the answer to [`Request::App`].
    App(Vec<u8>),
    /// The callee would not handle the request.
    Refused(String),
    /// Answer to [`Request::Report`].
    Report(crate::status::SelfReport),
    /// Answer to [`Request::PreVote`]: whether the callee would vote for the caller.
    PreVote(bool),
}

/// What travels on a connection after the handshake.
#[derive(Debug, Serialize, Deserialize)]
pub enum Frame {
    /// A request, with an id the caller chose.
    Request {
        /// Request id, unique per connection.
        id: u64,
        /// The request.
        body: Request,
    },
    /// A response to request `id`.
    Response {
        /// The id of the request.
        id: u64,
        /// The response.
        body: Response,
        /// False when more responses to the same request follow.
        last: bool,
    },
}
