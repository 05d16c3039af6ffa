//! Row locks: `SELECT ... FOR UPDATE / FOR SHARE` (with NOWAIT and SKIP LOCKED), deadlock
//! detection, `lock_timeout`, `statement_timeout`, and locks released by an error or by a
//! client that goes away.

use tokio_postgres::error::SqlState;

use crate::{assert_fails, at, at_every_level, code, int, Cx, Level};

at_every_level!(for_update_lock_only, for_update_waits_for_writer);

async fn table(cx: &Cx) -> tandem_testkit::Conn {
    cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)").await
}

/// A row locked FOR UPDATE but not changed: a writer waits for the lock, then goes on at every
/// level (only a committed change makes REPEATABLE READ and SERIALIZABLE fail).
async fn for_update_lock_only(cx: &Cx) {
    let check = table(cx).await;
    let a = cx.begin().await;
    assert_eq!(int(&a, "SELECT v FROM t WHERE id = 1 FOR UPDATE").await, 10);
    let b = cx.begin().await;
    b.batch_execute("SELECT 1").await.unwrap();
    let b_write = cx.blocked(&b, "UPDATE t SET v = v + 1 WHERE id = 1").await;
    a.batch_execute("COMMIT").await.unwrap();
    assert_eq!(b_write.outcome().await.expect("the row did not change").count, 1);
    b.batch_execute("COMMIT").await.unwrap();
    assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 11);
}

/// `SELECT ... FOR UPDATE` waits for a writer of the row; then READ COMMITTED returns the
/// committed new version, the other levels fail with 40001.
async fn for_update_waits_for_writer(cx: &Cx) {
    table(cx).await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    b.batch_execute("SELECT 1").await.unwrap();
    a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
    let b_lock = cx.blocked(&b, "SELECT v FROM t WHERE id = 1 FOR UPDATE").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_lock.outcome().await.expect("READ COMMITTED re-reads").ints(), [11]);
        b.batch_execute("COMMIT").await.unwrap();
    } else {
        assert_fails(b_lock.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// FOR SHARE locks coexist; a writer waits until every sharer has ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn for_share() {
    at(Level::ReadCommitted, "for_share", async |cx| {
        let check = table(cx).await;
        let a = cx.begin().await;
        let b = cx.begin().await;
        assert_eq!(int(&a, "SELECT v FROM t WHERE id = 1 FOR SHARE").await, 10);
        assert_eq!(int(&b, "SELECT v FROM t WHERE id = 1 FOR SHARE").await, 10, "shared locks coexist");
        let c = cx.connect().await;
        let c_write = cx.blocked(&c, "UPDATE t SET v = 12 WHERE id = 1").await;
        a.batch_execute("COMMIT").await.unwrap();
        cx.server.wait_for_lock_waiters(1).await;
        assert!(c_write.waiting(), "the second sharer still holds its lock");
        b.batch_execute("COMMIT").await.unwrap();
        assert_eq!(c_write.outcome().await.unwrap().count, 1);
        assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 12);
    })
    .await;
}

/// NOWAIT fails at once with 55P03 instead of waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nowait() {
    at(Level::ReadCommitted, "nowait", async |cx| {
        table(cx).await;
        let a = cx.begin().await;
        a.batch_execute("SELECT v FROM t WHERE id = 1 FOR UPDATE").await.unwrap();
        let b = cx.begin().await;
        let err = b.batch_execute("SELECT v FROM t WHERE id = 1 FOR UPDATE NOWAIT").await.unwrap_err();
        assert_eq!(code(&err), "55P03");
        assert_eq!(err.as_db_error().unwrap().message(), "could not obtain lock on row in relation \"t\"");
        b.batch_execute("ROLLBACK").await.unwrap();
        // A free row is locked at once.
        b.batch_execute("BEGIN; SELECT v FROM t WHERE id = 2 FOR UPDATE NOWAIT; COMMIT").await.unwrap();
        a.batch_execute("COMMIT").await.unwrap();
    })
    .await;
}

/// SKIP LOCKED leaves out locked rows, also under LIMIT (the job-queue pattern: each worker
/// takes the first row nobody holds).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn skip_locked() {
    at(Level::ReadCommitted, "skip_locked", async |cx| {
        table(cx).await;
        let a = cx.begin().await;
        let first = a.query("SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", &[]).await.unwrap();
        assert_eq!(first.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [1]);
        let b = cx.begin().await;
        let next = b.query("SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", &[]).await.unwrap();
        assert_eq!(next.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [2]);
        let c = cx.begin().await;
        let rest = c.query("SELECT id FROM t ORDER BY id FOR UPDATE SKIP LOCKED", &[]).await.unwrap();
        assert_eq!(rest.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [3]);
        for s in [a, b, c] {
            s.batch_execute("COMMIT").await.unwrap();
        }
    })
    .await;
}

/// Two transactions lock two rows in opposite orders: one of them fails with 40P01, and the
/// other gets its lock as soon as the failed one's locks are gone (an error ends a
/// transaction's locks at once, before its ROLLBACK). PostgreSQL chooses the transaction
/// whose deadlock_timeout expires first (the first to wait); Tandem fails the one whose wait
/// would close the cycle, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deadlock() {
    at(Level::ReadCommitted, "deadlock", async |cx| {
        let check = table(cx).await;
        let a = cx.begin().await;
        let b = cx.begin().await;
        a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
        b.batch_execute("UPDATE t SET v = 22 WHERE id = 2").await.unwrap();
        let a_write = cx.blocked(&a, "UPDATE t SET v = 12 WHERE id = 2").await;
        let b_write = cx.start(&b, "UPDATE t SET v = 21 WHERE id = 1");
        let (a_result, b_result) = (a_write.outcome().await, b_write.outcome().await);
        let (winner, loser, loser_error) = match (a_result, b_result) {
            (Ok(_), Err(e)) => (a, b, e),
            (Err(e), Ok(_)) => (b, a, e),
            other => panic!("expected exactly one deadlock victim: {other:?}"),
        };
        assert_eq!(code(&loser_error), "40P01", "{loser_error:?}");
        assert_eq!(loser_error.as_db_error().unwrap().message(), "deadlock detected");
        winner.batch_execute("COMMIT").await.unwrap();
        loser.batch_execute("ROLLBACK").await.unwrap();
        let rows = check.query("SELECT v FROM t WHERE id IN (1, 2) ORDER BY id", &[]).await.unwrap();
        let values: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
        assert!(values == [11, 12] || values == [21, 22], "the winner's writes only: {values:?}");
    })
    .await;
}

/// `lock_timeout` ends a wait with 55P03 and fails the transaction; the waiter leaves the
/// queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lock_timeout() {
    at(Level::ReadCommitted, "lock_timeout", async |cx| {
        table(cx).await;
        let a = cx.begin().await;
        a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
        let b = cx.connect().await;
        b.batch_execute("SET lock_timeout = '50ms'").await.unwrap();
        b.batch_execute("BEGIN").await.unwrap();
        let err = b.batch_execute("UPDATE t SET v = 12 WHERE id = 1").await.unwrap_err();
        assert_eq!(code(&err), "55P03");
        assert_eq!(err.as_db_error().unwrap().message(), "canceling statement due to lock timeout");
        assert_fails(b.batch_execute("SELECT 1").await, SqlState::IN_FAILED_SQL_TRANSACTION);
        b.batch_execute("ROLLBACK").await.unwrap();
        cx.server.wait_for_lock_waiters(0).await;
        // Outside a block too.
        assert_fails(b.execute("UPDATE t SET v = 12 WHERE id = 1", &[]).await, SqlState::LOCK_NOT_AVAILABLE);
        a.batch_execute("COMMIT").await.unwrap();
    })
    .await;
}

/// `statement_timeout` ends a statement waiting for a lock with 57014.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn statement_timeout() {
    at(Level::ReadCommitted, "statement_timeout", async |cx| {
        table(cx).await;
        let a = cx.begin().await;
        a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
        let b = cx.connect().await;
        b.batch_execute("SET statement_timeout = '50ms'").await.unwrap();
        let err = b.batch_execute("UPDATE t SET v = 12 WHERE id = 1").await.unwrap_err();
        assert_eq!(code(&err), "57014");
        assert_eq!(err.as_db_error().unwrap().message(), "canceling statement due to statement timeout");
        cx.server.wait_for_lock_waiters(0).await;
        a.batch_execute("COMMIT").await.unwrap();
        // The session goes on; an unblocked statement is not affected.
        b.batch_execute("UPDATE t SET v = 12 WHERE id = 1").await.unwrap();
        assert_eq!(int(&b, "SELECT v FROM t WHERE id = 1").await, 12);
    })
    .await;
}

/// An error ends the transaction's locks at once: others need not wait for its ROLLBACK.
/// Inside a savepoint only the locks taken since the savepoint go (ROLLBACK TO SAVEPOINT
/// keeps the transaction going with its earlier locks), as they do at ROLLBACK TO SAVEPOINT
/// without an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn error_releases_locks() {
    at(Level::ReadCommitted, "error_releases_locks", async |cx| {
        let check = table(cx).await;
        let other = cx.connect().await;
        other.batch_execute("SET lock_timeout = '10s'").await.unwrap();
        let a = cx.begin().await;
        a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
        a.batch_execute("SELECT 1 / 0").await.unwrap_err();
        other.batch_execute("UPDATE t SET v = 12 WHERE id = 1").await.expect("the failed transaction holds no lock");
        a.batch_execute("ROLLBACK").await.unwrap();

        a.batch_execute("BEGIN; UPDATE t SET v = 21 WHERE id = 2; SAVEPOINT s; UPDATE t SET v = 31 WHERE id = 3")
            .await
            .unwrap();
        a.batch_execute("SELECT 1 / 0").await.unwrap_err();
        other.batch_execute("UPDATE t SET v = 32 WHERE id = 3").await.expect("the savepoint's lock is gone");
        let blocked = cx.blocked(&other, "UPDATE t SET v = 22 WHERE id = 2").await;
        a.batch_execute("ROLLBACK TO SAVEPOINT s; COMMIT").await.unwrap();
        assert_eq!(blocked.outcome().await.unwrap().count, 1);

        // ROLLBACK TO SAVEPOINT gives up the locks taken since the savepoint.
        a.batch_execute("BEGIN; SAVEPOINT s; UPDATE t SET v = 13 WHERE id = 1; ROLLBACK TO SAVEPOINT s").await.unwrap();
        other.batch_execute("UPDATE t SET v = 14 WHERE id = 1").await.expect("the lock went with the savepoint");
        a.batch_execute("COMMIT").await.unwrap();
        let rows = check.query("SELECT v FROM t ORDER BY id", &[]).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [14, 22, 32]);
    })
    .await;
}

/// A client that goes away mid-transaction, with or without saying goodbye, leaves no lock
/// and no write behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn disconnect_mid_transaction() {
    at(Level::ReadCommitted, "disconnect_mid_transaction", async |cx| {
        let check = table(cx).await;
        check.batch_execute("SET lock_timeout = '10s'").await.unwrap();
        for kill in [false, true] {
            let a = cx.begin().await;
            a.batch_execute(
                "UPDATE t SET v = 99 WHERE id = 1; DELETE FROM t WHERE id = 2; INSERT INTO t VALUES (4, 40)",
            )
            .await
            .unwrap();
            if kill {
                a.kill().await;
            } else {
                drop(a);
            }
            check.batch_execute("UPDATE t SET v = v + 1 WHERE id = 1").await.expect("no lock is left behind");
            let rows = check.query("SELECT id, v FROM t ORDER BY id", &[]).await.unwrap();
            let rows: Vec<(i32, i32)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            let first = if kill { 12 } else { 11 };
            assert_eq!(rows, [(1, first), (2, 20), (3, 30)], "no partial write");
        }
        if let Some(engine) = cx.server.engine() {
            // Nothing is held or awaited once the sessions are gone.
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
            while engine.txns().locked_keys() > 0 {
                assert!(tokio::time::Instant::now() < deadline, "locks left behind");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    })
    .await;
}

/// A client that goes away while its statement waits for a lock: once the lock is granted
/// the server finds the client gone and rolls back, so its write never appears and the row is
/// free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn disconnect_while_waiting() {
    at(Level::ReadCommitted, "disconnect_while_waiting", async |cx| {
        let check = table(cx).await;
        check.batch_execute("SET lock_timeout = '10s'").await.unwrap();
        let a = cx.begin().await;
        a.batch_execute("UPDATE t SET v = 11 WHERE id = 1").await.unwrap();
        let b = cx.begin().await;
        let b_write = cx.blocked(&b, "UPDATE t SET v = 100 WHERE id = 1").await;
        b.kill().await;
        assert!(b_write.outcome().await.is_err(), "the client is gone");
        a.batch_execute("COMMIT").await.unwrap();
        check.batch_execute("UPDATE t SET v = v + 1 WHERE id = 1").await.expect("no lock is left behind");
        assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 12);
    })
    .await;
}
