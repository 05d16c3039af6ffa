//! SCRAM-SHA-256 authentication.

use std::collections::HashMap;

use tandem_server::ServerConfig;

use crate::raw::{startup_packet, Raw};
use crate::{code, TestServer};

async fn server() -> TestServer {
    let passwords = HashMap::from([("tester".to_string(), "correct horse".to_string())]);
    TestServer::with_config(ServerConfig { passwords: Some(passwords), ..ServerConfig::default() }).await
}

#[tokio::test]
async fn scram_accepts_the_right_password() {
    let server = server().await;
    let client = server.client_as("tester", Some("correct horse")).await.unwrap();
    assert_eq!(client.query("select ints", &[]).await.unwrap().len(), 3);
}

#[tokio::test]
async fn scram_rejects_a_wrong_password_or_unknown_user() {
    let server = server().await;
    let e = server.client_as("tester", Some("battery staple")).await.unwrap_err();
    assert_eq!(code(&e), "28P01");
    assert_eq!(e.as_db_error().unwrap().message(), "password authentication failed for user \"tester\"");
    assert_eq!(e.as_db_error().unwrap().severity(), "FATAL");
    let e = server.client_as("mallory", Some("correct horse")).await.unwrap_err();
    assert_eq!(e.as_db_error().unwrap().message(), "password authentication failed for user \"mallory\"");
    assert!(server.log.lock().startups.is_empty());
}

#[tokio::test]
async fn scram_is_requested_and_garbage_is_refused() {
    let server = server().await;
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&startup_packet(196608, &[("user", "tester")])).await;
    let request = raw.recv().await.unwrap();
    assert_eq!(request.tag, b'R');
    assert_eq!(request.body, b"\x00\x00\x00\x0aSCRAM-SHA-256\0\0");
    raw.send(&crate::raw::frame(b'p', b"SCRAM-SHA-256\0\xff\xff\xff\x7f")).await;
    let msgs = raw.until_closed().await;
    assert_eq!(msgs[0].field(b'S').as_deref(), Some("FATAL"));
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("08P01"));
}
