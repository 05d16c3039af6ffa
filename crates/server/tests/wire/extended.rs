//! Statements, portals and what the server says about them: Describe, partial fetch, command
//! tags, ReadyForQuery status, notices, errors with their SQLSTATE and position.

use tokio_postgres::error::ErrorPosition;
use tokio_postgres::types::Type;

use crate::raw::{bind, describe, execute, parse, status, sync, tags, Msg, Raw};
use crate::{code, fresh_table, with_server};

/// Named statements stay usable across transactions; a portal fetched with a row limit
/// returns its rows in parts (PortalSuspended between them) until it completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_statements_and_partial_fetch() {
    with_server(async |server| {
        // An unshared client: portals belong to a `Transaction`, which needs `&mut Client`.
        let (mut c, connection) = server.config().connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        fresh_table(&c, "pf", "id int PRIMARY KEY, v text").await;
        c.batch_execute("INSERT INTO pf SELECT g, 'v' || g FROM generate_series(1, 5) g").await.unwrap();
        let stmt = c.prepare("SELECT id, v FROM pf WHERE id >= $1 ORDER BY id").await.unwrap();
        let tx = c.transaction().await.unwrap();
        let portal = tx.bind(&stmt, &[&1i32]).await.unwrap();
        let mut parts = Vec::new();
        loop {
            let rows = tx.query_portal(&portal, 2).await.unwrap();
            parts.push(rows.iter().map(|r| r.get::<_, i32>(0)).collect::<Vec<_>>());
            if rows.len() < 2 {
                break;
            }
        }
        assert_eq!(parts, [vec![1, 2], vec![3, 4], vec![5]]);
        tx.commit().await.unwrap();
        // The statement outlives the transaction.
        assert_eq!(c.query(&stmt, &[&4i32]).await.unwrap().len(), 2);

        // Byte level: Execute with max_rows ends in PortalSuspended ('s'), then completes.
        let (mut raw, _) = Raw::connect(server.port()).await;
        raw.simple("BEGIN").await;
        raw.send(
            &[
                parse("byid", "SELECT id FROM pf ORDER BY id", &[]),
                bind("cur", "byid", &[], &[], &[]),
                execute("cur", 3),
                sync(),
            ]
            .concat(),
        )
        .await;
        let msgs = raw.until_ready().await;
        assert_eq!(tags(&msgs), "12DDDsZ");
        assert_eq!(status(&msgs), 'T');
        raw.send(&[execute("cur", 3), sync()].concat()).await;
        let msgs = raw.until_ready().await;
        assert_eq!(tags(&msgs), "DDCZ");
        assert_eq!(msgs[2].tag(), "SELECT 2");
        raw.simple("COMMIT").await;
    })
    .await;
}

/// Describe of a statement: parameter types and result columns (names, types, table and
/// column numbers), or NoData for a statement without rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_statements_and_portals() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "ds", "id int8 PRIMARY KEY, name varchar(10), price numeric(8,2)").await;
        let stmt = c.prepare("SELECT id, name AS label, price * 2 FROM ds WHERE id = $1").await.unwrap();
        assert_eq!(stmt.params(), [Type::INT8]);
        let columns: Vec<(&str, &Type)> = stmt.columns().iter().map(|c| (c.name(), c.type_())).collect();
        assert_eq!(columns, [("id", &Type::INT8), ("label", &Type::VARCHAR), ("?column?", &Type::NUMERIC)]);
        assert!(stmt.columns()[0].table_oid().is_some_and(|oid| oid > 0));
        assert_eq!(stmt.columns()[0].column_id(), Some(1));
        assert_eq!(stmt.columns()[2].table_oid(), None);
        let insert = c.prepare("INSERT INTO ds VALUES ($1, $2, $3)").await.unwrap();
        assert!(insert.columns().is_empty());
        let returning = c.prepare("INSERT INTO ds VALUES ($1, $2, $3) RETURNING id, price").await.unwrap();
        assert_eq!(returning.columns().iter().map(|c| c.name()).collect::<Vec<_>>(), ["id", "price"]);

        // Byte level: Describe S gives ParameterDescription and RowDescription or NoData;
        // Describe P gives the row description in the portal's formats.
        let (mut raw, _) = Raw::connect(server.port()).await;
        raw.send(
            &[
                parse("q", "SELECT id, name FROM ds WHERE id = $1", &[]),
                describe(b'S', "q"),
                parse("w", "DELETE FROM ds", &[]),
                describe(b'S', "w"),
                sync(),
            ]
            .concat(),
        )
        .await;
        let msgs = raw.until_ready().await;
        assert_eq!(tags(&msgs), "1tT1tnZ");
        assert_eq!(msgs[1].param_oids(), [20]);
        let fields = msgs[2].row_fields();
        assert_eq!((fields[1].0.as_str(), fields[1].1, fields[1].2, fields[1].3), ("name", 1043, -1, 14));
        raw.send(&[bind("p", "q", &[], &[Some(b"1")], &[1]), describe(b'P', "p"), sync()].concat()).await;
        let msgs = raw.until_ready().await;
        assert_eq!(tags(&msgs), "2TZ");
        assert!(msgs[1].row_fields().iter().all(|f| f.4 == 1), "binary as bound");
    })
    .await;
}

/// CommandComplete tags, as PostgreSQL writes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_tags() {
    with_server(async |server| {
        let (mut raw, _) = Raw::connect(server.port()).await;
        raw.simple("DROP TABLE IF EXISTS ct; DROP TABLE IF EXISTS ct2").await;
        let script = [
            ("CREATE TABLE ct (id int PRIMARY KEY, v int)", "CREATE TABLE"),
            ("INSERT INTO ct VALUES (1, 1), (2, 2), (3, 3)", "INSERT 0 3"),
            ("UPDATE ct SET v = v + 1 WHERE id < 3", "UPDATE 2"),
            ("DELETE FROM ct WHERE id = 3", "DELETE 1"),
            ("SELECT * FROM ct", "SELECT 2"),
            ("CREATE INDEX ct_v ON ct (v)", "CREATE INDEX"),
            ("BEGIN", "BEGIN"),
            ("SAVEPOINT s", "SAVEPOINT"),
            ("INSERT INTO ct VALUES (4, 4) RETURNING id", "INSERT 0 1"),
            ("RELEASE SAVEPOINT s", "RELEASE"),
            ("ROLLBACK", "ROLLBACK"),
            ("SET TimeZone = 'UTC'", "SET"),
            ("SHOW TimeZone", "SHOW"),
            ("CREATE TABLE ct2 AS SELECT * FROM ct", "SELECT 2"),
            ("PREPARE ins (int) AS INSERT INTO ct VALUES ($1, 0)", "PREPARE"),
            ("EXECUTE ins (7)", "INSERT 0 1"),
            ("DEALLOCATE ins", "DEALLOCATE"),
            ("TRUNCATE ct2", "TRUNCATE TABLE"),
            ("DROP TABLE ct2", "DROP TABLE"),
            ("BEGIN", "BEGIN"),
            ("SELECT 1 / 0", ""),
            ("COMMIT", "ROLLBACK"),
        ];
        for (sql, tag) in script {
            let msgs = raw.simple(sql).await;
            let complete: Vec<String> = msgs.iter().filter(|m| m.tag == b'C').map(Msg::tag).collect();
            let expected: Vec<String> = if tag.is_empty() { vec![] } else { vec![tag.to_string()] };
            assert_eq!(complete, expected, "{sql}: {msgs:?}");
        }
        raw.simple("DROP TABLE ct").await;
    })
    .await;
}

/// ReadyForQuery reports idle, in a transaction, or failed — including after an error raised
/// while rows were already streaming, in the simple and the extended protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_for_query_status() {
    with_server(async |server| {
        let (mut raw, _) = Raw::connect(server.port()).await;
        assert_eq!(status(&raw.simple("SELECT 1").await), 'I');
        assert_eq!(status(&raw.simple("BEGIN").await), 'T');
        assert_eq!(status(&raw.simple("SELECT 1").await), 'T');
        let msgs = raw.simple("SELECT 10 / (3 - x) FROM generate_series(1, 5) x").await;
        assert_eq!(tags(&msgs), "TDDEZ", "two rows, then division by zero");
        assert_eq!(msgs[1].text_values(), [Some("5".to_string())]);
        assert_eq!(msgs[3].field(b'C').as_deref(), Some("22012"));
        assert_eq!(status(&msgs), 'E');
        let msgs = raw.simple("SELECT 1").await;
        assert_eq!(msgs[0].field(b'C').as_deref(), Some("25P02"));
        assert_eq!(status(&msgs), 'E');
        assert_eq!(status(&raw.simple("ROLLBACK").await), 'I');
        // Outside a block the failed statement's transaction just ends.
        let msgs = raw.simple("SELECT 10 / (3 - x) FROM generate_series(1, 5) x").await;
        assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("TDDEZ", 'I'));
        // Extended: the error comes with the Execute that reaches the bad row.
        raw.simple("BEGIN").await;
        raw.send(
            &[
                parse("", "SELECT 10 / (3 - x) FROM generate_series(1, 5) x", &[]),
                bind("", "", &[], &[], &[]),
                execute("", 1),
                sync(),
            ]
            .concat(),
        )
        .await;
        let msgs = raw.until_ready().await;
        assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("12DsZ", 'T'));
        raw.send(&[execute("", 0), sync()].concat()).await;
        let msgs = raw.until_ready().await;
        assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("DEZ", 'E'));
        assert_eq!(status(&raw.simple("ROLLBACK").await), 'I');
    })
    .await;
}

/// Notices and warnings arrive as NoticeResponse with severity and SQLSTATE, before the
/// statement's completion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices() {
    with_server(async |server| {
        let (mut raw, _) = Raw::connect(server.port()).await;
        let notice = |msgs: &[Msg]| {
            let n = msgs.iter().find(|m| m.tag == b'N').expect("a notice");
            (n.field(b'S').unwrap(), n.field(b'C').unwrap(), n.field(b'M').unwrap())
        };
        let msgs = raw.simple("DROP TABLE IF EXISTS no_such_table").await;
        assert_eq!(tags(&msgs), "NCZ");
        assert_eq!(
            notice(&msgs),
            ("NOTICE".into(), "00000".into(), "table \"no_such_table\" does not exist, skipping".into())
        );
        let msgs = raw.simple("COMMIT").await;
        assert_eq!(tags(&msgs), "NCZ");
        assert_eq!(notice(&msgs), ("WARNING".into(), "25P01".into(), "there is no transaction in progress".into()));
        let msgs = raw.simple("BEGIN; BEGIN").await;
        assert_eq!(tags(&msgs), "CNCZ");
        assert_eq!(
            notice(&msgs),
            ("WARNING".into(), "25001".into(), "there is already a transaction in progress".into())
        );
        raw.simple("ROLLBACK").await;
    })
    .await;
}

/// Errors carry their SQLSTATE and the 1-based character position in the query string.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_with_sqlstate_and_position() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "ep", "id int PRIMARY KEY").await;
        let cases: &[(&str, &str, Option<u32>)] = &[
            ("SELECT nope FROM ep", "42703", Some(8)),
            ("SELEC 1", "42601", Some(1)),
            ("SELECT 1 FROM", "42601", Some(14)),
            ("SELECT 1 +", "42601", Some(11)),
            ("SELECT * FROM no_such_table", "42P01", Some(15)),
            ("SELECT 'abc'::int4", "22P02", Some(8)),
            ("INSERT INTO ep VALUES (1), (1)", "23505", None),
            ("SELECT 1; SELECT nope FROM ep", "42703", Some(18)),
        ];
        for (sql, state, position) in cases {
            let err = c.batch_execute(sql).await.unwrap_err();
            let db = err.as_db_error().unwrap_or_else(|| panic!("{sql}: {err:?}"));
            assert_eq!(db.code().code(), *state, "{sql}: {db:?}");
            let at = match db.position() {
                Some(ErrorPosition::Original(p)) => Some(*p),
                _ => None,
            };
            assert_eq!(at, *position, "{sql}: {db:?}");
        }
        // In the extended protocol the position refers to the statement's own text.
        let err = c.prepare("SELECT id, nope FROM ep").await.unwrap_err();
        assert_eq!(code(&err), "42703");
        assert!(matches!(err.as_db_error().unwrap().position(), Some(ErrorPosition::Original(12))));
    })
    .await;
}
