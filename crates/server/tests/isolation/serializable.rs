//! SERIALIZABLE beyond the anomaly table: what Tandem's backward validation aborts that
//! PostgreSQL's SSI commits, and what neither aborts.
//!
//! Tandem validates a SERIALIZABLE transaction that writes at COMMIT: if a transaction that
//! committed after its snapshot wrote anything it read, it fails with 40001. The serial order
//! is the commit order. PostgreSQL aborts only on a "dangerous structure" (two consecutive
//! read-write antidependencies among concurrent transactions), so a single stale read is
//! enough to abort in Tandem but not in PostgreSQL: see [`stale_read_then_write`].

use crate::{at, int, int8, Cx, Level, Tx};

async fn table(cx: &Cx) -> tandem_testkit::Conn {
    cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10), (2, 20)").await
}

/// T1 reads x and writes y; T2 writes x and commits first. The history is serializable (T1
/// before T2), and PostgreSQL commits both. Tandem aborts T1 at COMMIT with 40001, because
/// x changed after T1's snapshot. A case where Tandem aborts and PostgreSQL does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_read_then_write() {
    at(Level::Serializable, "stale_read_then_write", async |cx| {
        let check = table(cx).await;
        let mut t1 = Tx::begin(cx).await;
        let mut t2 = Tx::begin(cx).await;
        let x = t1.int8("SELECT v::int8 FROM t WHERE id = 1").await.unwrap();
        t2.exec("UPDATE t SET v = 11 WHERE id = 1").await;
        assert!(t2.commit().await, "{:?}", t2.error);
        t1.exec(&format!("UPDATE t SET v = {} WHERE id = 2", x + 1)).await;
        t1.commit().await;
        if cx.postgres() {
            assert!(t1.error.is_none(), "PostgreSQL commits T1: {:?}", t1.error);
            assert_eq!(int(&check, "SELECT v FROM t WHERE id = 2").await, 11);
        } else {
            assert_eq!(t1.failed_with(), Some("40001"), "{:?}", t1.error);
            assert_eq!(int(&check, "SELECT v FROM t WHERE id = 2").await, 20);
        }
    })
    .await;
}

/// Reads that no committed write touched never fail, whatever the other transactions wrote
/// elsewhere, and a read-only transaction never fails in Tandem.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn disjoint_transactions_commit() {
    at(Level::Serializable, "disjoint_transactions_commit", async |cx| {
        let check = table(cx).await;
        let mut t1 = Tx::begin(cx).await;
        let mut t2 = Tx::begin(cx).await;
        let mut reader = Tx::begin(cx).await;
        assert_eq!(t1.int8("SELECT v::int8 FROM t WHERE id = 1").await, Some(10));
        assert_eq!(t2.int8("SELECT v::int8 FROM t WHERE id = 2").await, Some(20));
        assert_eq!(reader.int8("SELECT sum(v)::int8 FROM t").await, Some(30));
        t1.exec("UPDATE t SET v = v + 1 WHERE id = 1").await;
        t2.exec("UPDATE t SET v = v + 1 WHERE id = 2").await;
        assert!(t1.commit().await, "{:?}", t1.error);
        assert!(t2.commit().await, "{:?}", t2.error);
        assert_eq!(reader.int8("SELECT sum(v)::int8 FROM t").await, Some(30), "the snapshot holds");
        assert!(reader.commit().await, "{:?}", reader.error);
        assert_eq!(int8(&check, "SELECT sum(v)::int8 FROM t").await, 32);
    })
    .await;
}

/// After a 40001 the transaction is failed until ROLLBACK, and running it again succeeds:
/// the retry loop clients are told to write.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_after_serialization_failure() {
    at(Level::Serializable, "retry_after_serialization_failure", async |cx| {
        let check = table(cx).await;
        let transfer = async |c: &tandem_testkit::Conn| -> Result<(), tokio_postgres::Error> {
            c.batch_execute(Level::Serializable.begin()).await?;
            let total: i64 = c.query_one("SELECT sum(v)::int8 FROM t", &[]).await?.get(0);
            c.batch_execute(&format!("UPDATE t SET v = {total} WHERE id = 1; UPDATE t SET v = 0 WHERE id = 2")).await?;
            c.batch_execute("COMMIT").await
        };
        let a = cx.connect().await;
        let b = cx.connect().await;
        b.batch_execute(Level::Serializable.begin()).await.unwrap();
        assert_eq!(int8(&b, "SELECT sum(v)::int8 FROM t").await, 30);
        transfer(&a).await.expect("the first transfer commits");
        // b read the sum that a's transfer changed.
        let err = match b.batch_execute("UPDATE t SET v = v + 5 WHERE id = 2").await {
            Ok(()) => b.batch_execute("COMMIT").await.unwrap_err(),
            Err(e) => e,
        };
        assert_eq!(crate::code(&err), "40001", "{err:?}");
        b.batch_execute("ROLLBACK").await.unwrap();
        b.batch_execute(Level::Serializable.begin()).await.unwrap();
        b.batch_execute("UPDATE t SET v = v + 5 WHERE id = 2; COMMIT").await.expect("the retry commits");
        let rows = check.query("SELECT v FROM t ORDER BY id", &[]).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [30, 5]);
    })
    .await;
}
