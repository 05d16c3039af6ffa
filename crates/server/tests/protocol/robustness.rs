//! Malformed input, disconnects, cancellation, isolation between connections.

use std::time::Duration;

use tandem_server::ServerConfig;
use tokio::io::AsyncReadExt;

use crate::raw::{frame, query, startup_packet, status, tags, Raw};
use crate::{code, TestServer};

/// Sends `bytes` after startup and expects a FATAL 08P01 with `message`, then EOF.
async fn expect_fatal(server: &TestServer, bytes: &[u8], message: &str) {
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(bytes).await;
    let msgs = raw.until_closed().await;
    assert_eq!(tags(&msgs), "E", "{msgs:?}");
    assert_eq!(msgs[0].field(b'S').as_deref(), Some("FATAL"));
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("08P01"));
    assert_eq!(msgs[0].field(b'M').as_deref(), Some(message));
}

#[tokio::test]
async fn malformed_messages_close_only_their_connection() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let (mut bystander, _) = Raw::connect(server.port).await;
    assert_eq!(status(&bystander.simple("begin").await), 'T');

    // A Bind whose parameter length runs past the body (pgwire's decoder panics on it).
    expect_fatal(&server, &frame(b'B', b"\0\0\x00\x00\x00\x01\x7f\xff\xff\xff"), "invalid message format").await;
    // A truncated Bind.
    expect_fatal(&server, &frame(b'B', b"\0\0\x00\x05"), "invalid message format").await;
    // A Query without its terminator; a Sync with a body.
    expect_fatal(&server, &frame(b'Q', b"select 1"), "invalid message format").await;
    expect_fatal(&server, &frame(b'S', b"junk"), "invalid message format").await;
    // Lengths are checked before anything is read or allocated.
    expect_fatal(&server, b"Q\x7f\xff\xff\xff", "invalid message length").await;
    expect_fatal(&server, b"Q\x00\x00\x00\x02", "invalid message length").await;
    expect_fatal(&server, b"E\x00\x01\x00\x00", "invalid message length").await;
    expect_fatal(&server, &frame(b'z', b""), "invalid frontend message type 122").await;

    assert_eq!(client.query("select ints", &[]).await.unwrap().len(), 3);
    assert_eq!(status(&bystander.simple("commit").await), 'I');
}

#[tokio::test]
async fn max_message_size_is_enforced() {
    let config = ServerConfig { max_message_size: 64, ..ServerConfig::default() };
    let server = TestServer::with_config(config).await;
    let (mut raw, _) = Raw::connect(server.port).await;
    assert_eq!(tags(&raw.simple("insert").await), "CZ");
    expect_fatal(&server, &query(&"x".repeat(100)), "invalid message length").await;
}

#[tokio::test]
async fn function_calls_are_refused_but_not_fatal() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&frame(b'F', b"\0\0\0\x01\0\0\0\0\0\0")).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("0A000"));
    assert_eq!(tags(&raw.simple("insert").await), "CZ");
}

#[tokio::test]
async fn a_disconnect_closes_the_session() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    assert_eq!(status(&raw.simple("begin").await), 'T');
    drop(raw);
    server.eventually(|log| log.closed == 1).await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&frame(b'X', b"")).await;
    assert!(raw.until_closed().await.is_empty());
    server.eventually(|log| log.closed == 2).await;
}

#[tokio::test]
async fn a_panicking_session_does_not_affect_others() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&query("panic")).await;
    assert!(raw.until_closed().await.is_empty());
    assert_eq!(client.query("select ints", &[]).await.unwrap().len(), 3);
}

#[tokio::test]
async fn cancel_requests_reach_the_running_statement() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let token = client.cancel_token();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        token.cancel_query(tokio_postgres::NoTls).await.unwrap();
    });
    let e = client.simple_query("sleep").await.unwrap_err();
    assert_eq!(code(&e), "57014");
    canceller.await.unwrap();
    // A wrong secret cancels nothing.
    let (mut raw, startup) = Raw::connect(server.port).await;
    let key = &startup.iter().find(|m| m.tag == b'K').unwrap().body;
    let mut request = 16i32.to_be_bytes().to_vec();
    request.extend_from_slice(&80_877_102i32.to_be_bytes());
    request.extend_from_slice(&key[..4]);
    request.extend_from_slice(&(i32::from_be_bytes(key[4..8].try_into().unwrap()) ^ 1).to_be_bytes());
    raw.send(&query("sleep")).await;
    let mut canceller = Raw::connect_only(server.port).await;
    canceller.send(&request).await;
    let mut rest = Vec::new();
    canceller.stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The statement is still running: the right key cancels it.
    let len = request.len();
    request[len - 4..].copy_from_slice(&key[4..8]);
    let mut canceller = Raw::connect_only(server.port).await;
    canceller.send(&request).await;
    let msgs = raw.until_ready().await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("57014"));
}

#[tokio::test]
async fn ssl_and_gss_are_refused_then_startup_proceeds() {
    let server = TestServer::start().await;
    let mut raw = Raw::connect_only(server.port).await;
    let mut request = 8i32.to_be_bytes().to_vec();
    request.extend_from_slice(&80_877_104i32.to_be_bytes());
    raw.send(&request).await;
    assert_eq!(raw.stream.read_u8().await.unwrap(), b'N');
    request[4..].copy_from_slice(&80_877_103i32.to_be_bytes());
    raw.send(&request).await;
    assert_eq!(raw.stream.read_u8().await.unwrap(), b'N');
    raw.send(&startup_packet(196608, &[("user", "tester")])).await;
    assert_eq!(status(&raw.until_ready().await), 'I');
}

#[tokio::test]
async fn newer_minor_versions_are_negotiated_down() {
    let server = TestServer::start().await;
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&startup_packet(196610, &[("user", "tester"), ("_pq_.something", "on")])).await;
    let msgs = raw.until_ready().await;
    assert_eq!(msgs[0].tag, b'v');
    assert_eq!(&msgs[0].body[..8], &[0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(&msgs[0].body[8..], b"_pq_.something\0");
    assert_eq!(msgs[1].tag, b'R');
}

#[tokio::test]
async fn bad_startups_are_fatal() {
    let server = TestServer::start().await;
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&startup_packet(196608, &[("database", "db")])).await;
    let msgs = raw.until_closed().await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("28000"));
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&startup_packet(2 << 16, &[("user", "tester")])).await;
    let msgs = raw.until_closed().await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("0A000"));
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&[0x7f, 0, 0, 0, 0, 3, 0, 0]).await;
    let msgs = raw.until_closed().await;
    assert_eq!(msgs[0].field(b'M').as_deref(), Some("invalid length of startup packet"));
}

#[tokio::test]
async fn startup_has_a_deadline() {
    let config = ServerConfig { startup_timeout: Duration::from_millis(200), ..ServerConfig::default() };
    let server = TestServer::with_config(config).await;
    let mut raw = Raw::connect_only(server.port).await;
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), raw.stream.read_to_end(&mut rest)).await.unwrap().unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn a_client_that_does_not_read_blocks_only_itself() {
    let server = TestServer::start().await;
    let (mut hog, _) = Raw::connect(server.port).await;
    hog.send(&query("select gen 2000000")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = server.client().await;
    for _ in 0..5 {
        assert_eq!(client.query("select ints", &[]).await.unwrap().len(), 3);
    }
    drop(hog);
    server.eventually(|log| log.closed >= 1).await;
}
