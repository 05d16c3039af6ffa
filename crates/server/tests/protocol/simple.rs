//! The simple query protocol.

use tokio_postgres::SimpleQueryMessage;

use crate::raw::{status, tags, Raw};
use crate::{code, TestServer};

#[tokio::test]
async fn startup_sends_parameters_key_data_and_ready() {
    let server = TestServer::start().await;
    let (_raw, msgs) = Raw::connect(server.port).await;
    assert_eq!(tags(&msgs), "RSSSSKZ");
    assert_eq!(msgs[0].body, 0i32.to_be_bytes());
    assert!(msgs[1].body.starts_with(b"server_version\x0016.0\x00"));
    assert_eq!(msgs[5].body.len(), 8);
    assert_eq!(&msgs[5].body[..4], 4242i32.to_be_bytes(), "the session's pid");
    assert_eq!(status(&msgs), 'I');
    let log = server.log.lock();
    let startup = &log.startups[0];
    assert_eq!((startup.user.as_str(), startup.database.as_str()), ("tester", "tester"));
    assert_eq!(startup.params, vec![("application_name".to_string(), "raw".to_string())]);
}

#[tokio::test]
async fn rows_and_command_tags() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("select ints; insert").await;
    assert_eq!(tags(&msgs), "TDDDCCZ");
    let fields = msgs[0].row_fields();
    assert_eq!(fields[0], ("a".to_string(), 23, 4, -1, 0));
    assert_eq!(fields[1], ("b".to_string(), 25, -1, -1, 0));
    assert_eq!(msgs[1].text_values(), vec![Some("1".into()), Some("one".into())]);
    assert_eq!(msgs[3].text_values(), vec![Some("3".into()), None]);
    assert_eq!(msgs[4].tag(), "SELECT 3");
    assert_eq!(msgs[5].tag(), "INSERT 0 1");
    assert_eq!(server.log.lock().batches, vec![(2, false)]);
}

#[tokio::test]
async fn an_error_stops_the_batch() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("select ints; fail; insert").await;
    assert_eq!(tags(&msgs), "TDDDCEZ");
    let error = &msgs[5];
    assert_eq!(error.field(b'S').as_deref(), Some("ERROR"));
    assert_eq!(error.field(b'V').as_deref(), Some("ERROR"));
    assert_eq!(error.field(b'C').as_deref(), Some("22012"));
    assert_eq!(error.field(b'M').as_deref(), Some("division by zero"));
    assert_eq!(error.field(b'D').as_deref(), Some("some detail"));
    assert_eq!(error.field(b'H').as_deref(), Some("some hint"));
    // Position 1 of "fail", which starts at offset 13 of the query string.
    assert_eq!(error.field(b'P').as_deref(), Some("14"));
    assert_eq!(server.log.lock().batches, vec![(3, true)]);
    let executed: Vec<String> = server.log.lock().executed.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(executed, vec!["select ints", "fail"]);

    let client = server.client().await;
    let e = client.simple_query("select ints; fail; insert").await.unwrap_err();
    assert_eq!(code(&e), "22012");
}

#[tokio::test]
async fn constraint_fields_are_sent() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("unique").await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b't').as_deref(), Some("t"));
    assert_eq!(msgs[0].field(b'n').as_deref(), Some("t_pkey"));
    assert_eq!(msgs[0].field(b'c').as_deref(), Some("id"));
}

#[tokio::test]
async fn syntax_errors_run_nothing() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("insert; syntax error").await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("42601"));
    assert_eq!(msgs[0].field(b'P').as_deref(), Some("9"));
    assert!(server.log.lock().executed.is_empty());
}

#[tokio::test]
async fn error_in_the_middle_of_rows() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("fail mid stream").await;
    assert_eq!(tags(&msgs), "TDEZ");
    assert_eq!(msgs[2].field(b'C').as_deref(), Some("22012"));
    // The session returned rows, not an error; the server still fails the block.
    assert_eq!(status(&raw.simple("begin").await), 'T');
    assert_eq!(status(&raw.simple("fail mid stream").await), 'E');
}

#[tokio::test]
async fn empty_queries() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    assert_eq!(tags(&raw.simple("").await), "IZ");
    assert_eq!(tags(&raw.simple(" ; ;").await), "IZ");
    assert_eq!(tags(&raw.simple("empty").await), "IZ");
}

#[tokio::test]
async fn ready_for_query_reports_the_session_status() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    assert_eq!(status(&raw.simple("begin").await), 'T');
    let msgs = raw.simple("fail").await;
    assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("EZ", 'E'));
    let msgs = raw.simple("insert").await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("25P02"));
    assert_eq!(status(&msgs), 'E');
    // Failed back to in-transaction, which pgwire's own loop cannot do.
    assert_eq!(status(&raw.simple("rollback to savepoint").await), 'T');
    let msgs = raw.simple("commit").await;
    assert_eq!((msgs[0].tag(), status(&msgs)), ("COMMIT".to_string(), 'I'));
    assert_eq!(status(&raw.simple("begin; fail").await), 'E');
    let msgs = raw.simple("commit").await;
    assert_eq!((msgs[0].tag(), status(&msgs)), ("ROLLBACK".to_string(), 'I'));
}

#[tokio::test]
async fn notices_precede_completion_and_parameter_changes_follow() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    let msgs = raw.simple("notice").await;
    assert_eq!(tags(&msgs), "NCZ");
    assert_eq!(msgs[0].field(b'S').as_deref(), Some("NOTICE"));
    assert_eq!(msgs[0].field(b'M').as_deref(), Some("hello from the engine"));
    let msgs = raw.simple("set timezone").await;
    assert_eq!(tags(&msgs), "CSZ");
    assert_eq!(msgs[1].body, b"TimeZone\0Europe/Paris\0");
}

#[tokio::test]
async fn tokio_postgres_simple_queries() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let msgs = client.simple_query("select ints").await.unwrap();
    let rows: Vec<_> = msgs
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some((row.get(0).map(str::to_string), row.get(1).map(str::to_string))),
            _ => None,
        })
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1], (Some("2".into()), Some("two, \"2\"".into())));
    assert_eq!(rows[2].1, None);
    assert!(matches!(msgs.last(), Some(SimpleQueryMessage::CommandComplete(3))));
}

#[tokio::test]
async fn startup_failure_is_fatal() {
    let server = TestServer::start().await;
    let mut raw = Raw::connect_only(server.port).await;
    raw.send(&crate::raw::startup_packet(196608, &[("user", "tester"), ("database", "nodb")])).await;
    let msgs = raw.until_closed().await;
    assert_eq!(tags(&msgs), "RE");
    assert_eq!(msgs[1].field(b'S').as_deref(), Some("FATAL"));
    assert_eq!(msgs[1].field(b'C').as_deref(), Some("3D000"));
}
