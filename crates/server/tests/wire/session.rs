//! A connection's life: startup parameters, version, SCRAM authentication, cancelling a long
//! query, statement_timeout, and a malformed message closing only its own connection.

use std::collections::HashMap;

use tandem_server::ServerConfig;
use tandem_testkit::{Conn, TestServer};

use crate::raw::{frame, status, tags, Raw};
use crate::{code, fresh_table, on, with_server};

/// After authentication the server reports its settings as ParameterStatus messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_parameter_statuses() {
    with_server(async |server| {
        let (_raw, msgs) = Raw::connect(server.port()).await;
        let params: HashMap<String, String> = msgs
            .iter()
            .filter(|m| m.tag == b'S')
            .map(|m| {
                let mut parts = m.body.split(|b| *b == 0).map(|p| String::from_utf8(p.to_vec()).unwrap());
                (parts.next().unwrap(), parts.next().unwrap())
            })
            .collect();
        for (name, value) in [
            ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
            ("integer_datetimes", "on"),
            ("standard_conforming_strings", "on"),
            ("IntervalStyle", "postgres"),
            ("application_name", "raw"),
            ("session_authorization", "tester"),
        ] {
            assert_eq!(params.get(name).map(String::as_str), Some(value), "{name} in {params:?}");
        }
        assert!(params.contains_key("TimeZone"), "{params:?}");
        let version = &params["server_version"];
        if !server.is_postgres() {
            assert_eq!(version, "16.0");
        }
        // version() agrees with server_version.
        let c = server.connect().await;
        let full: String = c.query_one("SELECT version()", &[]).await.unwrap().get(0);
        assert!(full.starts_with(&format!("PostgreSQL {version} ")), "{full}");
        let num: String = c.query_one("SHOW server_version_num", &[]).await.unwrap().get(0);
        let numbers: Vec<u32> =
            version.split(|c: char| !c.is_ascii_digit()).take(2).map(|n| n.parse().unwrap()).collect();
        assert_eq!(num, (numbers[0] * 10_000 + numbers[1]).to_string());
    })
    .await;
}

/// With a password map, clients authenticate with SCRAM-SHA-256: the right password gets in;
/// a wrong one, or a user the map does not know, gets FATAL 28P01.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_authentication() {
    let passwords = HashMap::from([("alice".to_string(), "correct horse".to_string())]);
    let server = TestServer::start_with(ServerConfig { passwords: Some(passwords), ..ServerConfig::default() }).await;
    on(server, async |server| {
        let connect = |user: &str, password: &str| {
            let mut config = server.config();
            config.user(user).password(password);
            async move { Conn::open(&config).await }
        };
        let alice = connect("alice", "correct horse").await.expect("the right password");
        let user: String = alice.query_one("SELECT current_user::text", &[]).await.unwrap().get(0);
        assert_eq!(user, "alice");
        for (user, password) in [("alice", "wrong"), ("mallory", "correct horse")] {
            let err = connect(user, password).await.expect_err("refused");
            assert_eq!(code(&err), "28P01");
            let db = err.as_db_error().unwrap();
            assert_eq!(db.severity(), "FATAL");
            assert_eq!(db.message(), format!("password authentication failed for user \"{user}\""));
        }
    })
    .await;
}

/// A CancelRequest ends the running statement with 57014 — a long one, or one waiting for a
/// lock — and the connection goes on; in a transaction block the block is failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_a_running_query() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "cq", "id int PRIMARY KEY, v int").await;
        c.batch_execute("INSERT INTO cq VALUES (1, 1)").await.unwrap();
        let cancel_after_start = |conn: &Conn, sql: &'static str| {
            let client = conn.handle();
            let token = conn.cancel_token();
            async move {
                let running = tokio::spawn(async move { client.batch_execute(sql).await });
                // Cancel until the statement ends: a request that arrives before the statement
                // starts cancels nothing, as in PostgreSQL.
                while !running.is_finished() {
                    token.cancel_query(tokio_postgres::NoTls).await.unwrap();
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                running.await.unwrap()
            }
        };
        let err = cancel_after_start(&c, "SELECT pg_sleep(600)").await.unwrap_err();
        assert_eq!(code(&err), "57014");
        assert_eq!(err.as_db_error().unwrap().message(), "canceling statement due to user request");
        assert_eq!(c.query_one("SELECT 1", &[]).await.unwrap().get::<_, i32>(0), 1);

        let holder = server.connect().await;
        holder.batch_execute("BEGIN; UPDATE cq SET v = 2 WHERE id = 1").await.unwrap();
        c.batch_execute("BEGIN").await.unwrap();
        let err = cancel_after_start(&c, "UPDATE cq SET v = 3 WHERE id = 1").await.unwrap_err();
        assert_eq!(code(&err), "57014");
        assert_eq!(code(&c.batch_execute("SELECT 1").await.unwrap_err()), "25P02");
        c.batch_execute("ROLLBACK").await.unwrap();
        holder.batch_execute("COMMIT").await.unwrap();
        assert_eq!(c.query_one("SELECT v FROM cq WHERE id = 1", &[]).await.unwrap().get::<_, i32>(0), 2);
    })
    .await;
}

/// statement_timeout cancels a long query with 57014; the session goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_cancels_a_long_query() {
    with_server(async |server| {
        let c = server.connect().await;
        c.batch_execute("SET statement_timeout = '100ms'").await.unwrap();
        let err = c.batch_execute("SELECT pg_sleep(600)").await.unwrap_err();
        assert_eq!(code(&err), "57014");
        assert_eq!(err.as_db_error().unwrap().message(), "canceling statement due to statement timeout");
        let err = c.query("SELECT count(*) FROM generate_series(1, 1000000000)", &[]).await.unwrap_err();
        assert_eq!(code(&err), "57014");
        c.batch_execute("SET statement_timeout = 0").await.unwrap();
        assert_eq!(c.query_one("SELECT 1", &[]).await.unwrap().get::<_, i32>(0), 1);
    })
    .await;
}

/// A malformed message ends its own connection with FATAL 08P01 and rolls back its
/// transaction (its locks go); other connections, in a transaction or not, carry on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_message_closes_only_its_connection() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "mm", "id int PRIMARY KEY, v int").await;
        c.batch_execute("INSERT INTO mm VALUES (1, 1)").await.unwrap();
        let (mut bystander, _) = Raw::connect(server.port()).await;
        assert_eq!(status(&bystander.simple("BEGIN; UPDATE mm SET v = 10 WHERE id = 1").await), 'T');
        let (mut bad, _) = Raw::connect(server.port()).await;
        assert_eq!(status(&bad.simple("BEGIN; INSERT INTO mm VALUES (2, 2)").await), 'T');
        // A message type that does not exist.
        bad.send(&frame(b'z', b"")).await;
        let msgs = bad.until_closed().await;
        assert_eq!(tags(&msgs), "E", "{msgs:?}");
        assert_eq!(msgs[0].field(b'S').as_deref(), Some("FATAL"));
        assert_eq!(msgs[0].field(b'C').as_deref(), Some("08P01"));
        assert_eq!(msgs[0].field(b'M').as_deref(), Some("invalid frontend message type 122"));
        c.batch_execute("SET lock_timeout = '10s'; INSERT INTO mm VALUES (2, 20)").await.expect("key 2 is free");
        assert_eq!(status(&bystander.simple("COMMIT").await), 'I');
        let rows = c.query("SELECT id, v FROM mm ORDER BY id", &[]).await.unwrap();
        let rows: Vec<(i32, i32)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        assert_eq!(rows, [(1, 10), (2, 20)]);
    })
    .await;
}
