//! COPY FROM STDIN and COPY TO STDOUT.

use bytes::Bytes;
use futures::{SinkExt, StreamExt};

use crate::raw::{bind, copy_data, copy_done, copy_fail, execute, parse, query, status, sync, tags, Raw};
use crate::{code, TestServer};

fn row(a: &str, b: Option<&str>) -> Vec<Option<String>> {
    vec![Some(a.to_string()), b.map(str::to_string)]
}

#[tokio::test]
async fn copy_in_text_with_rows_split_across_chunks() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&query("copy in text")).await;
    let response = raw.recv().await.unwrap();
    assert_eq!(response.tag, b'G');
    assert_eq!(response.body, [0, 0, 2, 0, 0, 0, 0]);
    for chunk in [&b"1\tone\n2\tt"[..], b"wo\\tx\n3", b"\t\\N\n", b"\\.\n"] {
        raw.send(&copy_data(chunk)).await;
    }
    raw.send(&copy_done()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "CZ");
    assert_eq!(msgs[0].tag(), "COPY 3");
    assert_eq!(server.log.lock().copied, vec![row("1", Some("one")), row("2", Some("two\tx")), row("3", None)]);
}

#[tokio::test]
async fn copy_in_csv_through_the_extended_protocol() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let sink = client.copy_in("copy in csv").await.unwrap();
    futures::pin_mut!(sink);
    for chunk in ["a,b\n1,\"multi\n", "line\"\n2,\n3,\"\"\n"] {
        sink.send(Bytes::from(chunk)).await.unwrap();
    }
    assert_eq!(sink.finish().await.unwrap(), 3);
    assert_eq!(server.log.lock().copied, vec![row("1", Some("multi\nline")), row("2", None), row("3", Some(""))]);
}

#[tokio::test]
async fn copy_in_feeds_rows_in_batches() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&query("copy in text")).await;
    assert_eq!(raw.recv().await.unwrap().tag, b'G');
    let data: String = (0..2500).map(|i| format!("{i}\tv{i}\n")).collect();
    for chunk in data.as_bytes().chunks(777) {
        raw.send(&copy_data(chunk)).await;
    }
    raw.send(&copy_done()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(msgs[0].tag(), "COPY 2500");
    let log = server.log.lock();
    assert_eq!(log.copied.len(), 2500);
    assert!(log.copy_batches.len() >= 3 && log.copy_batches.iter().all(|n| *n <= 1100), "{:?}", log.copy_batches);
    assert_eq!(log.copied[2499], row("2499", Some("v2499")));
}

#[tokio::test]
async fn copy_fail_aborts() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&query("copy in text")).await;
    assert_eq!(raw.recv().await.unwrap().tag, b'G');
    raw.send(&copy_data(b"1\tone\n")).await;
    raw.send(&copy_fail("client changed its mind")).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("57014"));
    assert_eq!(msgs[0].field(b'M').as_deref(), Some("COPY from stdin failed: client changed its mind"));
    assert_eq!(server.log.lock().copy_aborts, vec!["client changed its mind".to_string()]);
    assert_eq!(tags(&raw.simple("insert").await), "CZ");
}

#[tokio::test]
async fn malformed_rows_abort_with_bad_copy_format() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&query("copy in text")).await;
    assert_eq!(raw.recv().await.unwrap().tag, b'G');
    raw.send(&copy_data(b"1\tone\n2\ttwo\textra\n")).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("22P04"));
    assert_eq!(msgs[0].field(b'M').as_deref(), Some("extra data after last expected column"));
    assert_eq!(msgs[0].field(b'W').as_deref(), Some("COPY fake, line 2"));
    assert_eq!(server.log.lock().copy_aborts.len(), 1);
    // What the client still sends for the failed COPY is ignored.
    raw.send(&copy_data(b"3\tthree\n")).await;
    raw.send(&copy_done()).await;
    assert_eq!(tags(&raw.simple("insert").await), "CZ");
}

#[tokio::test]
async fn engine_errors_during_copy_abort_it() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let sink = client.copy_in("copy in csv").await.unwrap();
    futures::pin_mut!(sink);
    sink.send(Bytes::from_static(b"a,b\n1,bad\n")).await.unwrap();
    let e = sink.finish().await.unwrap_err();
    assert_eq!(code(&e), "22P02");
    assert_eq!(server.log.lock().copy_aborts.len(), 1);
}

#[tokio::test]
async fn copy_in_in_the_extended_protocol_ignores_sync_until_done() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "copy in text", &[])).await;
    raw.send(&bind("", "", &[], &[], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    let mut msgs = Vec::new();
    for _ in 0..3 {
        msgs.push(raw.recv().await.unwrap());
    }
    assert_eq!(tags(&msgs), "12G");
    raw.send(&copy_data(b"7\tseven\n")).await;
    raw.send(&copy_done()).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "CZ");
    assert_eq!(msgs[0].tag(), "COPY 1");
}

#[tokio::test]
async fn copy_out_text_and_csv() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("copy out text").await;
    assert_eq!(tags(&msgs), "HdddcCZ");
    assert_eq!(msgs[0].body, [0, 0, 2, 0, 0, 0, 0]);
    let data: Vec<u8> = msgs[1..4].iter().flat_map(|m| m.body.clone()).collect();
    assert_eq!(String::from_utf8(data).unwrap(), "1\tone\n2\ttwo, \"2\"\n3\t\\N\n");
    assert_eq!(msgs[5].tag(), "COPY 3");
    assert_eq!(status(&msgs), 'I');

    let client = server.client().await;
    let stream = client.copy_out("copy out csv").await.unwrap();
    let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
    let text: Vec<u8> = chunks.concat();
    assert_eq!(String::from_utf8(text).unwrap(), "a,b\n1,one\n2,\"two, \"\"2\"\"\"\n3,\n");
}
