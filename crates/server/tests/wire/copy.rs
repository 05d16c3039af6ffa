//! COPY FROM STDIN and COPY TO STDOUT, text and CSV, into and out of real tables.

use bytes::Bytes;
use futures::{SinkExt, TryStreamExt};

use crate::raw::{copy_data, copy_fail, query, status, tags, Raw};
use crate::{code, fresh_table, with_server};

async fn copy_in(c: &tokio_postgres::Client, sql: &str, chunks: &[&[u8]]) -> Result<u64, tokio_postgres::Error> {
    let sink = c.copy_in(sql).await?;
    futures::pin_mut!(sink);
    for chunk in chunks {
        sink.send(Bytes::copy_from_slice(chunk)).await?;
    }
    sink.finish().await
}

async fn copy_out(c: &tokio_postgres::Client, sql: &str) -> String {
    let stream = c.copy_out(sql).await.unwrap();
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    String::from_utf8(chunks.concat()).unwrap()
}

/// 100,000 rows in through COPY FROM STDIN (text), in chunks that split rows, in one
/// transaction; then counted and summed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_in_100k_rows() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "big", "id int8 PRIMARY KEY, name text, score float8").await;
        let rows = 100_000i64;
        let data: String = (1..=rows).map(|i| format!("{i}\tname {i}\t{}.5\n", i % 100)).collect();
        let chunks: Vec<&[u8]> = data.as_bytes().chunks(64 * 1024 + 7).collect();
        assert_eq!(copy_in(&c, "COPY big FROM STDIN", &chunks).await.unwrap(), rows as u64);
        let row =
            c.query_one("SELECT count(*), sum(id)::int8, max(id), sum(score)::float8 FROM big", &[]).await.unwrap();
        let scores: f64 = (1..=rows).map(|i| (i % 100) as f64 + 0.5).sum();
        assert_eq!(row.get::<_, i64>(0), rows);
        assert_eq!(row.get::<_, i64>(1), rows * (rows + 1) / 2);
        assert_eq!(row.get::<_, i64>(2), rows);
        assert_eq!(row.get::<_, f64>(3), scores);
        let name: String = c.query_one("SELECT name FROM big WHERE id = 77777", &[]).await.unwrap().get(0);
        assert_eq!(name, "name 77777");
    })
    .await;
}

/// Text format: NULL, escapes, a column list, and the same rows back out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_text_in_and_out() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "ct_text", "id int PRIMARY KEY, note text, day date").await;
        let data = b"1\tplain\t2024-01-02\n2\ttab\\there\\\\ and newline\\n\t\\N\n3\t\\N\t2024-03-04\n";
        assert_eq!(
            copy_in(&c, "COPY ct_text (id, note, day) FROM STDIN", &[&data[..20], &data[20..]]).await.unwrap(),
            3
        );
        let note: String = c.query_one("SELECT note FROM ct_text WHERE id = 2", &[]).await.unwrap().get(0);
        assert_eq!(note, "tab\there\\ and newline\n");
        let out = copy_out(&c, "COPY (SELECT * FROM ct_text ORDER BY id) TO STDOUT").await;
        assert_eq!(out.as_bytes(), data);
        let out = copy_out(&c, "COPY ct_text (day, id) TO STDOUT WITH (DELIMITER '|', NULL 'null')").await;
        let mut lines: Vec<&str> = out.lines().collect();
        lines.sort();
        assert_eq!(lines, ["2024-01-02|1", "2024-03-04|3", "null|2"]);
    })
    .await;
}

/// CSV: a header, quoted fields with delimiters, quotes and newlines, empty string versus
/// NULL, and the same rows back out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_csv_in_and_out() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "ct_csv", "id int PRIMARY KEY, note text, amount numeric").await;
        let data = "id,note,amount\n1,\"a, b\",1.50\n2,\"say \"\"hi\"\"\nnext line\",\n3,\"\",-2\n";
        let n = copy_in(&c, "COPY ct_csv FROM STDIN WITH (FORMAT csv, HEADER true)", &[data.as_bytes()]).await.unwrap();
        assert_eq!(n, 3);
        let rows = c.query("SELECT note, amount IS NULL FROM ct_csv ORDER BY id", &[]).await.unwrap();
        let got: Vec<(String, bool)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        assert_eq!(got, [("a, b".into(), false), ("say \"hi\"\nnext line".into(), true), (String::new(), false)]);
        let out = copy_out(&c, "COPY (SELECT * FROM ct_csv ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)").await;
        assert_eq!(out, data);
    })
    .await;
}

/// A malformed row fails the COPY with 22P04 and its line in the context, and no row is
/// kept; CopyFail from the client fails it with 57014. The connection goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_errors_keep_nothing() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "ct_err", "id int PRIMARY KEY, v text").await;
        let err = copy_in(&c, "COPY ct_err FROM STDIN", &[b"1\tok\n2\tfine\n3\n"]).await.unwrap_err();
        assert_eq!(code(&err), "22P04", "{err:?}");
        let db = err.as_db_error().unwrap();
        assert_eq!(db.message(), "missing data for column \"v\"");
        // PostgreSQL adds the line's text (`: "3"`); Tandem does not (docs/transactions.md).
        assert!(db.where_().is_some_and(|w| w.starts_with("COPY ct_err, line 3")), "{db:?}");
        let err = copy_in(&c, "COPY ct_err FROM STDIN", &[b"1\tx\n1\ty\n"]).await.unwrap_err();
        assert_eq!(code(&err), "23505");
        let n: i64 = c.query_one("SELECT count(*) FROM ct_err", &[]).await.unwrap().get(0);
        assert_eq!(n, 0);

        let (mut raw, _) = Raw::connect(server.port()).await;
        raw.send(&query("COPY ct_err FROM STDIN")).await;
        assert_eq!(raw.recv().await.unwrap().tag, b'G');
        raw.send(&[copy_data(b"1\tx\n"), copy_fail("client gave up")].concat()).await;
        let msgs = raw.until_ready().await;
        assert_eq!((tags(&msgs).as_str(), status(&msgs)), ("EZ", 'I'));
        assert_eq!(msgs[0].field(b'C').as_deref(), Some("57014"));
        assert_eq!(msgs[0].field(b'M').as_deref(), Some("COPY from stdin failed: client gave up"));
        let n: i64 = c.query_one("SELECT count(*) FROM ct_err", &[]).await.unwrap().get(0);
        assert_eq!(n, 0);
    })
    .await;
}
