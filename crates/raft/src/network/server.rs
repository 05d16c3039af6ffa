//! The serving side of the peer network.
//!
//! [`serve`] accepts connections, runs the handshake through [`PeerService::welcome`], and
//! hands every request to [`PeerService::handle`] on its own task, so a slow request (a
//! snapshot chunk, a read index waiting for a quorum) does not hold up heartbeats on the same
//! connection. A peer that sends garbage, a frame over the size limit, or nothing at all during
//! the handshake loses its connection and nothing else.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite};

use super::client::{codec, pump};
use super::protocol::{Frame, Hello, HelloReply, PeerIdentity, Request, Response, PROTOCOL_VERSION};
use crate::types::{decode, encode};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a node does with the connections and requests it receives.
pub trait PeerService: Send + Sync + 'static {
    /// Accepts a caller (returning this node's identity) or refuses it with a reason.
    fn welcome(&self, hello: &Hello) -> Result<PeerIdentity, String>;

    /// Handles one request, answering through `reply`.
    fn handle(self: Arc<Self>, hello: Arc<Hello>, request: Request, reply: Reply) -> impl Future<Output = ()> + Send;
}

/// Where the answer to one request goes.
pub struct Reply {
    id: u64,
    tx: mpsc::UnboundedSender<Frame>,
}

impl Reply {
    /// Sends one part of a streamed answer.
    pub fn part(&self, body: Response) -> bool {
        self.tx.send(Frame::Response { id: self.id, body, last: false }).is_ok()
    }

    /// Sends the (last) answer.
    pub fn finish(self, body: Response) {
        let _ = self.tx.send(Frame::Response { id: self.id, body, last: true });
    }

    /// Resolves once the connection the request came on has closed (the caller is gone).
    pub async fn closed(&self) {
        self.tx.closed().await
    }
}

/// Serves peer connections on `listener` until the task is dropped.
pub async fn serve<S: PeerService>(listener: TcpListener, service: Arc<S>) {
    loop {
        match listener.accept().await {
            Ok((stream, remote)) => {
                let service = service.clone();
                tokio::spawn(async move {
                    if let Err(reason) = connection(stream, service).await {
                        tracing::debug!(%remote, %reason, "peer connection closed");
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "accepting a peer connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection<S: PeerService>(stream: TcpStream, service: Arc<S>) -> Result<(), String> {
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, codec());
    let mut writer = FramedWrite::new(write, codec());

    let first = tokio::time::timeout(HANDSHAKE_TIMEOUT, reader.next())
        .await
        .map_err(|_| "no handshake".to_string())?
        .ok_or("closed before the handshake")?
        .map_err(|e| e.to_string())?;
    let hello: Hello = decode(&first).map_err(|e| format!("invalid handshake: {e}"))?;
    let verdict = if hello.version != PROTOCOL_VERSION {
        Err(format!("protocol version {} is not supported (this node speaks {PROTOCOL_VERSION})", hello.version))
    } else {
        service.welcome(&hello)
    };
    let refused = verdict.is_err();
    let reply = match verdict {
        Ok(identity) => HelloReply::Welcome(identity),
        Err(reason) => {
            tracing::warn!(from = hello.from, %reason, "refusing a peer");
            HelloReply::Refused(reason)
        }
    };
    writer.send(bytes::Bytes::from(encode(&reply))).await.map_err(|e| e.to_string())?;
    if refused {
        return Ok(());
    }

    let hello = Arc::new(hello);
    let (tx, rx) = mpsc::unbounded_channel::<Frame>();
    let writer_task = tokio::spawn(pump(writer, rx));
    let result = loop {
        let bytes = match reader.next().await {
            None => break Ok(()),
            Some(Err(e)) => break Err(e.to_string()),
            Some(Ok(bytes)) => bytes,
        };
        match decode::<Frame>(&bytes) {
            Ok(Frame::Request { id, body }) => {
                let reply = Reply { id, tx: tx.clone() };
                tokio::spawn(service.clone().handle(hello.clone(), body, reply));
            }
            Ok(Frame::Response { .. }) => break Err("unexpected response frame".into()),
            Err(e) => break Err(format!("undecodable frame from node {}: {e}", hello.from)),
        }
    };
    if let Err(reason) = &result {
        tracing::warn!(from = hello.from, %reason, "closing a peer connection");
    }
    drop(tx);
    let _ = writer_task.await;
    result
}
