//! Framing of the client's byte stream. Lengths are untrusted input: a frame's length is
//! checked against the limit for its message type before its body is read, and the body is
//! read incrementally, so a lying length cannot make us allocate. Bodies are then decoded with
//! pgwire's message types, behind `catch_unwind` (its decoders panic on truncated bodies) and
//! with a check that the whole body was consumed. Output goes to a buffer that is flushed
//! when the protocol needs it (ReadyForQuery, PortalSuspended, CopyInResponse, Flush) or when
//! it passes [`FLUSH_THRESHOLD`], so large results stream with bounded memory.

use std::panic::{catch_unwind, AssertUnwindSafe};

use bytes::{Buf, BytesMut};
use pgwire::error::PgWireResult;
use pgwire::messages::{
    copy, extendedquery, simplequery, startup, terminate, DecodeContext, Message, PgWireBackendMessage,
    PgWireFrontendMessage, ProtocolVersion,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::errors::{protocol_violation, Failure};

/// Output is flushed once this much is buffered.
pub(crate) const FLUSH_THRESHOLD: usize = 64 * 1024;

/// PostgreSQL's limit for messages that are small by nature (Describe, Execute, startup, ...).
pub(crate) const SMALL_MESSAGE_LIMIT: usize = 10_000;

/// Longest read into the buffer at a time while a large body arrives.
const READ_CHUNK: usize = 64 * 1024;

/// A client connection's byte stream with its read and write buffers.
pub(crate) struct Wire<S> {
    stream: S,
    rbuf: BytesMut,
    wbuf: BytesMut,
    max_message_size: usize,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Wire<S> {
    /// Wraps `stream`; bodies of Query, Parse, Bind and CopyData may be up to
    /// `max_message_size` bytes.
    pub(crate) fn new(stream: S, max_message_size: usize) -> Self {
        Self {
            stream,
            rbuf: BytesMut::with_capacity(8 * 1024),
            wbuf: BytesMut::with_capacity(8 * 1024),
            max_message_size,
        }
    }

    /// Reads until at least `n` bytes are buffered. EOF is [`Failure::Closed`].
    async fn fill(&mut self, n: usize) -> Result<(), Failure> {
        while self.rbuf.len() < n {
            self.rbuf.reserve((n - self.rbuf.len()).min(READ_CHUNK));
            if self.stream.read_buf(&mut self.rbuf).await? == 0 {
                return Err(Failure::Closed);
            }
        }
        Ok(())
    }

    /// Reads one startup-phase packet (length, then body; no type byte) and returns the body.
    pub(crate) async fn read_startup_packet(&mut self) -> Result<BytesMut, Failure> {
        self.fill(4).await?;
        let len = i32::from_be_bytes([self.rbuf[0], self.rbuf[1], self.rbuf[2], self.rbuf[3]]);
        let len = usize::try_from(len).unwrap_or(0);
        if !(8..=SMALL_MESSAGE_LIMIT).contains(&len) {
            return Err(Failure::Fatal(protocol_violation("invalid length of startup packet")));
        }
        self.fill(len).await?;
        self.rbuf.advance(4);
        Ok(self.rbuf.split_to(len - 4))
    }

    /// Reads one typed message and returns its type byte and body.
    pub(crate) async fn read_frame(&mut self) -> Result<(u8, BytesMut), Failure> {
        self.fill(1).await?;
        let tag = self.rbuf[0];
        let limit = match tag {
            b'Q' | b'P' | b'B' | b'd' | b'F' => self.max_message_size,
            b'D' | b'E' | b'C' | b'S' | b'H' | b'X' | b'c' | b'f' | b'p' => SMALL_MESSAGE_LIMIT,
            other => return Err(Failure::Fatal(protocol_violation(format!("invalid frontend message type {other}")))),
        };
        self.fill(5).await?;
        let len = i32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]]);
        let body_len = match usize::try_from(len) {
            Ok(len) if len >= 4 && len - 4 <= limit => len - 4,
            _ => return Err(Failure::Fatal(protocol_violation("invalid message length"))),
        };
        self.fill(5 + body_len).await?;
        self.rbuf.advance(5);
        Ok((tag, self.rbuf.split_to(body_len)))
    }

    /// Reads and decodes one message of the query phase. A function call ('F') is an error
    /// the loop reports; anything malformed is fatal.
    pub(crate) async fn read_message(&mut self) -> Result<PgWireFrontendMessage, Failure> {
        let (tag, body) = self.read_frame().await?;
        decode_message(tag, body)
    }

    /// Buffers `msg` for sending. A message pgwire refuses to encode (over its size limits) is
    /// logged and dropped.
    pub(crate) fn push(&mut self, msg: PgWireBackendMessage) {
        let start = self.wbuf.len();
        if let Err(e) = msg.encode(&mut self.wbuf) {
            self.wbuf.truncate(start);
            tracing::warn!(error = %e, "could not encode a backend message");
        }
    }

    /// Buffers raw bytes (the one-byte SSL/GSS refusal).
    pub(crate) fn push_raw(&mut self, bytes: &[u8]) {
        self.wbuf.extend_from_slice(bytes);
    }

    /// Sends everything buffered.
    pub(crate) async fn flush(&mut self) -> Result<(), Failure> {
        if !self.wbuf.is_empty() {
            self.stream.write_all(&self.wbuf).await?;
            self.wbuf.clear();
        }
        self.stream.flush().await?;
        Ok(())
    }

    /// Sends the buffer if it has grown past [`FLUSH_THRESHOLD`].
    pub(crate) async fn flush_if_full(&mut self) -> Result<(), Failure> {
        if self.wbuf.len() >= FLUSH_THRESHOLD {
            self.flush().await?;
        }
        Ok(())
    }
}

/// The context pgwire's decoders get: protocol 3.0, past startup.
pub(crate) fn decode_context() -> DecodeContext {
    let mut ctx = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
    ctx.awaiting_frontend_ssl = false;
    ctx.awaiting_frontend_startup = false;
    ctx
}

/// Runs a pgwire decoder on a complete body. A panic (truncated body), a decode error, or
/// bytes left over are all "invalid message format".
pub(crate) fn decode_body<T>(
    body: &mut BytesMut,
    decode: impl FnOnce(&mut BytesMut) -> PgWireResult<T>,
) -> Result<T, Failure> {
    let invalid = || Failure::Fatal(protocol_violation("invalid message format"));
    match catch_unwind(AssertUnwindSafe(|| decode(body))) {
        Ok(Ok(msg)) if body.is_empty() => Ok(msg),
        _ => Err(invalid()),
    }
}

fn decode_as<T: Message>(mut body: BytesMut) -> Result<T, Failure> {
    let full_len = body.len() + 4;
    let ctx = decode_context();
    decode_body(&mut body, |b| T::decode_body(b, full_len, &ctx))
}

/// Decodes the body of a message of type `tag`.
pub(crate) fn decode_message(tag: u8, body: BytesMut) -> Result<PgWireFrontendMessage, Failure> {
    use PgWireFrontendMessage as F;
    Ok(match tag {
        b'Q' => F::Query(decode_as::<simplequery::Query>(body)?),
        b'P' => F::Parse(decode_as::<extendedquery::Parse>(body)?),
        b'B' => F::Bind(decode_as::<extendedquery::Bind>(body)?),
        b'D' => F::Describe(decode_as::<extendedquery::Describe>(body)?),
        b'E' => F::Execute(decode_as::<extendedquery::Execute>(body)?),
        b'C' => F::Close(decode_as::<extendedquery::Close>(body)?),
        b'S' => F::Sync(decode_as::<extendedquery::Sync>(body)?),
        b'H' => F::Flush(decode_as::<extendedquery::Flush>(body)?),
        b'X' => F::Terminate(decode_as::<terminate::Terminate>(body)?),
        b'd' => F::CopyData(decode_as::<copy::CopyData>(body)?),
        b'c' => F::CopyDone(decode_as::<copy::CopyDone>(body)?),
        b'f' => F::CopyFail(decode_as::<copy::CopyFail>(body)?),
        b'p' => F::PasswordMessageFamily(decode_as::<startup::PasswordMessageFamily>(body)?),
        b'F' => {
            return Err(tandem_sql::SqlError::new(
                tandem_sql::sqlstate::FEATURE_NOT_SUPPORTED,
                "the function call protocol is not supported",
            )
            .into())
        }
        other => return Err(Failure::Fatal(protocol_violation(format!("invalid frontend message type {other}")))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatal_message(r: Result<PgWireFrontendMessage, Failure>) -> String {
        match r {
            Err(Failure::Fatal(e)) => {
                assert_eq!(e.code, "08P01");
                e.message
            }
            other => panic!("expected a fatal error, got {other:?}"),
        }
    }

    #[test]
    fn decodes_a_query() {
        match decode_message(b'Q', BytesMut::from(&b"select 1\0"[..])) {
            Ok(PgWireFrontendMessage::Query(q)) => assert_eq!(q.query, "select 1"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_bind_is_invalid_not_a_panic() {
        // Portal and statement names, then a parameter-format count with no codes after it.
        let body = BytesMut::from(&b"\0\0\x00\x05"[..]);
        assert_eq!(fatal_message(decode_message(b'B', body)), "invalid message format");
        // A parameter whose length runs past the body.
        let body = BytesMut::from(&b"\0\0\x00\x00\x00\x01\x00\x00\x10\x00ab"[..]);
        assert_eq!(fatal_message(decode_message(b'B', body)), "invalid message format");
    }

    #[test]
    fn leftover_bytes_are_invalid() {
        assert_eq!(fatal_message(decode_message(b'S', BytesMut::from(&b"x"[..]))), "invalid message format");
        assert_eq!(
            fatal_message(decode_message(b'Q', BytesMut::from(&b"no terminator"[..]))),
            "invalid message format"
        );
    }

    #[test]
    fn unknown_type_is_fatal() {
        assert_eq!(fatal_message(decode_message(b'z', BytesMut::new())), "invalid frontend message type 122");
    }
}
