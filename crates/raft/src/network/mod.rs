//! The internal network between nodes: a framed TCP protocol ([`protocol`]), a client with
//! lazy connections, deadlines and backoff ([`client`]), and the server loop ([`server`]).

pub mod client;
pub mod protocol;
pub mod server;

pub use client::{PeerClient, PeerError, Peers};
pub use protocol::{Hello, HelloReply, JoinRequest, PeerIdentity, Request, Response};
