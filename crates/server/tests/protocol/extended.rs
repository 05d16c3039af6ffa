//! The extended query protocol.

use tandem_sql::types::Value;
use tokio_postgres::types::Type;

use crate::raw::{bind, close, describe, execute, parse, status, sync, tags, Raw};
use crate::{code, TestServer};

#[tokio::test]
async fn binary_parameters_and_results_through_tokio_postgres() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let stmt = client.prepare_typed("select params", &[Type::INT4, Type::TEXT, Type::INT8]).await.unwrap();
    assert_eq!(stmt.params(), &[Type::INT4, Type::TEXT, Type::INT8]);
    assert_eq!(
        stmt.columns().iter().map(|c| c.type_().clone()).collect::<Vec<_>>(),
        vec![Type::INT4, Type::TEXT, Type::INT8]
    );
    let row = client.query_one(&stmt, &[&42i32, &"hello", &None::<i64>]).await.unwrap();
    assert_eq!(row.get::<_, i32>(0), 42);
    assert_eq!(row.get::<_, &str>(1), "hello");
    assert_eq!(row.get::<_, Option<i64>>(2), None);
    let executed = server.log.lock().executed.last().cloned().unwrap();
    assert!(matches!(&executed.1[..], [Value::Int4(42), Value::Text(t), Value::Null] if t == "hello"));
    assert_eq!(client.execute("insert", &[&7i32]).await.unwrap(), 1);
}

#[tokio::test]
async fn text_parameters_and_results() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "select params", &[23, 25, 0])).await;
    raw.send(&bind("", "", &[0], &[Some(b"42"), Some(b"it''s"), None], &[0])).await;
    raw.send(&describe(b'P', "")).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "12TDCZ");
    let fields = msgs[2].row_fields();
    assert_eq!(fields.iter().map(|f| (f.1, f.4)).collect::<Vec<_>>(), vec![(23, 0), (25, 0), (23, 0)]);
    assert_eq!(msgs[3].text_values(), vec![Some("42".into()), Some("it''s".into()), None]);
    assert_eq!(msgs[4].tag(), "SELECT 1");
}

#[tokio::test]
async fn mixed_parameter_and_result_formats() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("s", "select params", &[23, 23])).await;
    let seven = 7i32.to_be_bytes();
    raw.send(&bind("", "s", &[1, 0], &[Some(&seven), Some(b"8")], &[0, 1])).await;
    raw.send(&describe(b'P', "")).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "12TDCZ");
    assert_eq!(msgs[2].row_fields().iter().map(|f| f.4).collect::<Vec<_>>(), vec![0, 1]);
    assert_eq!(msgs[3].values(), vec![Some(b"7".to_vec()), Some(8i32.to_be_bytes().to_vec())]);
}

#[tokio::test]
async fn describe_statement_gives_nodata_or_row_description() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("ins", "insert", &[23])).await;
    raw.send(&describe(b'S', "ins")).await;
    raw.send(&parse("sel", "select ints", &[])).await;
    raw.send(&describe(b'S', "sel")).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "1tn1tTZ");
    assert_eq!(msgs[1].param_oids(), vec![23]);
    assert_eq!(msgs[4].param_oids(), Vec::<u32>::new());
    assert_eq!(msgs[5].row_fields().iter().map(|f| f.1).collect::<Vec<_>>(), vec![23, 25]);
    // A portal of a statement without rows describes as NoData.
    raw.send(&bind("p", "ins", &[], &[Some(b"1")], &[])).await;
    raw.send(&describe(b'P', "p")).await;
    raw.send(&execute("p", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "2nCZ");
    assert_eq!(msgs[2].tag(), "INSERT 0 1");
}

#[tokio::test]
async fn errors_skip_to_sync() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "select params", &[23])).await;
    raw.send(&bind("", "", &[], &[Some(b"1"), Some(b"2")], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&parse("x", "insert", &[])).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "1EZ");
    assert_eq!(msgs[1].field(b'C').as_deref(), Some("08P01"));
    assert_eq!(
        msgs[1].field(b'M').as_deref(),
        Some("bind message supplies 2 parameters, but prepared statement \"\" requires 1")
    );
    // The Parse after the error was skipped: "x" does not exist.
    raw.send(&describe(b'S', "x")).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "EZ");
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("26000"));
}

#[tokio::test]
async fn bad_parameters_are_reported_with_context() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "select params", &[23])).await;
    raw.send(&bind("", "", &[], &[Some(b"abc")], &[])).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "1EZ");
    assert_eq!(msgs[1].field(b'C').as_deref(), Some("22P02"));
    assert_eq!(msgs[1].field(b'W').as_deref(), Some("parameter $1"));
    raw.send(&bind("", "", &[2], &[Some(b"1")], &[])).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("22023"));
    raw.send(&bind("", "", &[], &[Some(b"\xff")], &[])).await;
    raw.send(&sync()).await;
    assert_eq!(raw.until_ready().await[0].field(b'C').as_deref(), Some("22021"));
}

#[tokio::test]
async fn duplicate_and_missing_names() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("s", "insert", &[])).await;
    raw.send(&parse("s", "insert", &[])).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "1EZ");
    assert_eq!(msgs[1].field(b'C').as_deref(), Some("42P05"));
    assert_eq!(msgs[1].field(b'M').as_deref(), Some("prepared statement \"s\" already exists"));
    // The unnamed statement may be replaced; closing what does not exist is fine.
    raw.send(&parse("", "insert", &[])).await;
    raw.send(&parse("", "select ints", &[])).await;
    raw.send(&close(b'S', "nope")).await;
    raw.send(&close(b'P', "nope")).await;
    raw.send(&close(b'S', "s")).await;
    raw.send(&parse("s", "insert", &[])).await;
    raw.send(&execute("nope", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "113331EZ");
    assert_eq!(msgs[6].field(b'C').as_deref(), Some("34000"));
    assert_eq!(msgs[6].field(b'M').as_deref(), Some("portal \"nope\" does not exist"));
}

#[tokio::test]
async fn partial_fetch_keeps_the_portal_between_executes() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "select gen 5", &[])).await;
    raw.send(&bind("", "", &[], &[], &[])).await;
    raw.send(&execute("", 2)).await;
    raw.send(&execute("", 2)).await;
    raw.send(&execute("", 2)).await;
    raw.send(&execute("", 2)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "12DDsDDsDCCZ");
    let values: Vec<String> =
        msgs.iter().filter(|m| m.tag == b'D').map(|m| m.text_values()[0].clone().unwrap()).collect();
    assert_eq!(values, vec!["1", "2", "3", "4", "5"]);
    assert_eq!(msgs[9].tag(), "SELECT 1");
    assert_eq!(msgs[10].tag(), "SELECT 0");
    // Outside a transaction block the portal ended with the Sync.
    raw.send(&execute("", 1)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(msgs[0].field(b'C').as_deref(), Some("34000"));
    // The statement outlives its portals; once executed, a command portal cannot rerun.
    raw.send(&parse("i", "insert", &[])).await;
    raw.send(&bind("", "i", &[], &[Some(b"1")], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "12CEZ");
    assert_eq!(msgs[3].field(b'C').as_deref(), Some("55000"));
}

#[tokio::test]
async fn portals_survive_syncs_inside_a_transaction() {
    let server = TestServer::start().await;
    let client = server.client().await;
    let mut client = client;
    let tx = client.transaction().await.unwrap();
    let stmt = tx.prepare("select gen 5").await.unwrap();
    let portal = tx.bind(&stmt, &[]).await.unwrap();
    let mut sizes = Vec::new();
    let mut values = Vec::new();
    loop {
        let rows = tx.query_portal(&portal, 2).await.unwrap();
        sizes.push(rows.len());
        values.extend(rows.iter().map(|r| r.get::<_, i32>(0)));
        if rows.is_empty() {
            break;
        }
    }
    assert_eq!(sizes, vec![2, 2, 1, 0]);
    assert_eq!(values, vec![1, 2, 3, 4, 5]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn extended_protocol_transaction_status() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    raw.send(&parse("", "begin", &[])).await;
    raw.send(&bind("", "", &[], &[], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    assert_eq!(status(&raw.until_ready().await), 'T');
    raw.send(&parse("", "fail", &[])).await;
    raw.send(&bind("", "", &[], &[], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("12EZ", 'E'));
    raw.send(&parse("", "rollback", &[])).await;
    raw.send(&bind("", "", &[], &[], &[])).await;
    raw.send(&execute("", 0)).await;
    raw.send(&sync()).await;
    assert_eq!(status(&raw.until_ready().await), 'I');

    let client = server.client().await;
    let e = client.query("fail", &[]).await.unwrap_err();
    assert_eq!(code(&e), "22012");
    assert_eq!(client.query("select ints", &[]).await.unwrap().len(), 3);
}

#[tokio::test]
async fn protocol_errors_fail_an_open_transaction_block() {
    let server = TestServer::start().await;
    let (mut raw, _) = Raw::connect(server.port).await;
    assert_eq!(status(&raw.simple("begin").await), 'T');
    raw.send(&execute("missing", 0)).await;
    raw.send(&sync()).await;
    let msgs = raw.until_ready().await;
    assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("EZ", 'E'));
    assert_eq!(status(&raw.simple("rollback").await), 'I');
    // Outside a block there is nothing to fail.
    raw.send(&execute("missing", 0)).await;
    raw.send(&sync()).await;
    assert_eq!(status(&raw.until_ready().await), 'I');
    // A Query that does not parse runs nothing, but fails an open block.
    assert_eq!(status(&raw.simple("begin; syntax error").await), 'I');
    assert_eq!(status(&raw.simple("begin").await), 'T');
    assert_eq!(status(&raw.simple("syntax error").await), 'E');
}
