//! Write-write conflicts at every isolation level: the second writer of a row waits for the
//! first, then READ COMMITTED re-reads the row and goes on (never 40001) while REPEATABLE READ
//! and SERIALIZABLE fail with 40001 if the first committed a change.

use crate::{assert_fails, at_every_level, code, int, int8, Cx, Level};
use tokio_postgres::error::SqlState;

at_every_level!(
    dirty_write,
    dirty_write_rolled_back,
    concurrent_increment,
    concurrent_delete,
    update_recheck,
    duplicate_insert,
    insert_after_reading_absent,
    upsert_race,
    upsert_do_nothing_race,
);

async fn accounts(cx: &Cx) -> tandem_testkit::Conn {
    cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)").await
}

/// Starts a transaction at the scenario's level and takes its snapshot.
async fn begin_with_snapshot(cx: &Cx) -> tandem_testkit::Conn {
    let c = cx.begin().await;
    int8(&c, "SELECT count(*) FROM t").await;
    c
}

/// Dirty write (G0): two transactions write the same two rows, each in its own order of
/// statements. The second waits for the first at its first row, so the rows always end up
/// written by one transaction: READ COMMITTED goes on after the first commits (its writes win),
/// the other levels fail with 40001 (the first's win).
async fn dirty_write(cx: &Cx) {
    let check = accounts(cx).await;
    let a = cx.begin().await;
    let b = begin_with_snapshot(cx).await;
    a.batch_execute("UPDATE t SET v = 1 WHERE id = 1").await.unwrap();
    let b_first = cx.blocked(&b, "UPDATE t SET v = 2 WHERE id = 1").await;
    a.batch_execute("UPDATE t SET v = 1 WHERE id = 2").await.unwrap();
    assert!(b_first.waiting(), "still waiting while the first writer is open");
    a.batch_execute("COMMIT").await.unwrap();
    let expected = match b_first.outcome().await {
        Ok(done) => {
            assert!(cx.level.read_committed(), "{:?} overwrote a concurrent update", cx.level);
            assert_eq!(done.count, 1);
            b.batch_execute("UPDATE t SET v = 2 WHERE id = 2; COMMIT").await.unwrap();
            2
        }
        Err(e) => {
            assert!(!cx.level.read_committed(), "READ COMMITTED never fails with 40001: {e:?}");
            assert_eq!(code(&e), "40001", "{e:?}");
            // The transaction is failed until it ends.
            assert_fails(b.batch_execute("SELECT 1").await, SqlState::IN_FAILED_SQL_TRANSACTION);
            b.batch_execute("ROLLBACK").await.unwrap();
            1
        }
    };
    let rows = check.query("SELECT v FROM t ORDER BY id", &[]).await.unwrap();
    let values: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [expected, expected], "both rows come from one transaction");
}

/// When the first writer rolls back, the waiting writer goes on at every level.
async fn dirty_write_rolled_back(cx: &Cx) {
    let check = accounts(cx).await;
    let a = cx.begin().await;
    let b = begin_with_snapshot(cx).await;
    a.batch_execute("UPDATE t SET v = 1 WHERE id = 1").await.unwrap();
    let b_write = cx.blocked(&b, "UPDATE t SET v = v + 2 WHERE id = 1").await;
    a.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(b_write.outcome().await.expect("nothing changed the row").count, 1);
    b.batch_execute("COMMIT").await.unwrap();
    assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 2);
}

/// `UPDATE ... SET v = v + 1` in two transactions: READ COMMITTED applies the second increment
/// to the first's result (12, no update lost); the other levels fail the second with 40001,
/// and its retry succeeds.
async fn concurrent_increment(cx: &Cx) {
    let check = cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10)").await;
    let a = cx.begin().await;
    let b = begin_with_snapshot(cx).await;
    a.batch_execute("UPDATE t SET v = v + 1 WHERE id = 1").await.unwrap();
    let b_write = cx.blocked(&b, "UPDATE t SET v = v + 1 WHERE id = 1").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_write.outcome().await.expect("READ COMMITTED re-reads").count, 1);
        b.batch_execute("COMMIT").await.unwrap();
    } else {
        assert_fails(b_write.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
        assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 11);
        let retry = cx.begin().await;
        retry.batch_execute("UPDATE t SET v = v + 1 WHERE id = 1; COMMIT").await.unwrap();
    }
    assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 12);
}

/// An update waiting for a transaction that deletes the row: READ COMMITTED updates nothing,
/// without an error; the other levels fail with 40001.
async fn concurrent_delete(cx: &Cx) {
    let check = accounts(cx).await;
    let a = cx.begin().await;
    let b = begin_with_snapshot(cx).await;
    a.batch_execute("DELETE FROM t WHERE id = 1").await.unwrap();
    let b_write = cx.blocked(&b, "UPDATE t SET v = v + 1 WHERE id = 1").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_write.outcome().await.expect("no error in READ COMMITTED").count, 0);
        b.batch_execute("COMMIT").await.unwrap();
    } else {
        assert_fails(b_write.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
    }
    assert_eq!(int8(&check, "SELECT count(*) FROM t").await, 1);
}

/// READ COMMITTED re-checks the WHERE clause on the newest version of a row it waited for: a
/// row moved out of the predicate is skipped, a row moved into it is not picked up (it was not
/// in the statement's snapshot). The other levels fail with 40001.
async fn update_recheck(cx: &Cx) {
    let check =
        cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 10), (2, 20), (3, 100)").await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    int8(&b, "SELECT count(*) FROM t").await;
    a.batch_execute("UPDATE t SET v = 100 WHERE id = 1; UPDATE t SET v = 30 WHERE id = 3").await.unwrap();
    let b_write = cx.blocked(&b, "UPDATE t SET v = -v WHERE v < 50").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_write.outcome().await.expect("READ COMMITTED re-reads").count, 1, "only row 2 still matches");
        b.batch_execute("COMMIT").await.unwrap();
        let rows = check.query("SELECT v FROM t ORDER BY id", &[]).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.get(0)).collect::<Vec<i32>>(), [100, -20, 30]);
    } else {
        assert_fails(b_write.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// Two transactions insert the same key: the second waits for the first, then fails with a
/// unique violation (23505) at every level once the first commits. PostgreSQL reports 23505
/// even at SERIALIZABLE when the transaction never read the key.
async fn duplicate_insert(cx: &Cx) {
    let check = cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int)").await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    b.batch_execute("SELECT 1").await.unwrap();
    a.batch_execute("INSERT INTO t VALUES (1, 1)").await.unwrap();
    let b_insert = cx.blocked(&b, "INSERT INTO t VALUES (1, 2)").await;
    a.batch_execute("COMMIT").await.unwrap();
    assert_fails(b_insert.outcome().await, SqlState::UNIQUE_VIOLATION);
    b.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 1);
}

/// "Insert if absent" racing: both read that key 1 is absent, both insert it. The second
/// waits, then fails: 23505 below SERIALIZABLE; 40001 at SERIALIZABLE, because it had read
/// that the key was absent (a retry then sees the row and does nothing).
async fn insert_after_reading_absent(cx: &Cx) {
    cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int)").await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    assert_eq!(int8(&a, "SELECT count(*) FROM t WHERE id = 1").await, 0);
    assert_eq!(int8(&b, "SELECT count(*) FROM t WHERE id = 1").await, 0);
    a.batch_execute("INSERT INTO t VALUES (1, 1)").await.unwrap();
    let b_insert = cx.blocked(&b, "INSERT INTO t VALUES (1, 2)").await;
    a.batch_execute("COMMIT").await.unwrap();
    let expected =
        if cx.level == Level::Serializable { SqlState::T_R_SERIALIZATION_FAILURE } else { SqlState::UNIQUE_VIOLATION };
    assert_fails(b_insert.outcome().await, expected);
    b.batch_execute("ROLLBACK").await.unwrap();
}

/// `INSERT ... ON CONFLICT DO UPDATE` racing a plain insert of the same key: it waits, then
/// READ COMMITTED updates the committed row; the other levels fail with 40001.
async fn upsert_race(cx: &Cx) {
    let check = cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int)").await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    b.batch_execute("SELECT 1").await.unwrap();
    a.batch_execute("INSERT INTO t VALUES (1, 1)").await.unwrap();
    let b_upsert =
        cx.blocked(&b, "INSERT INTO t VALUES (1, 50) ON CONFLICT (id) DO UPDATE SET v = t.v + excluded.v").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_upsert.outcome().await.expect("READ COMMITTED updates the new row").count, 1);
        b.batch_execute("COMMIT").await.unwrap();
        assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 51);
    } else {
        assert_fails(b_upsert.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
        assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 1);
    }
}

/// `INSERT ... ON CONFLICT DO NOTHING` racing a plain insert of the same key: it waits, then
/// READ COMMITTED does nothing; the other levels fail with 40001, because the row it skips is
/// not in their snapshot.
async fn upsert_do_nothing_race(cx: &Cx) {
    let check = cx.setup("CREATE TABLE t (id int PRIMARY KEY, v int)").await;
    let a = cx.begin().await;
    let b = cx.begin().await;
    b.batch_execute("SELECT 1").await.unwrap();
    a.batch_execute("INSERT INTO t VALUES (1, 1)").await.unwrap();
    let b_insert = cx.blocked(&b, "INSERT INTO t VALUES (1, 50) ON CONFLICT DO NOTHING").await;
    a.batch_execute("COMMIT").await.unwrap();
    if cx.level.read_committed() {
        assert_eq!(b_insert.outcome().await.expect("READ COMMITTED skips the row").count, 0);
        b.batch_execute("COMMIT").await.unwrap();
    } else {
        assert_fails(b_insert.outcome().await, SqlState::T_R_SERIALIZATION_FAILURE);
        b.batch_execute("ROLLBACK").await.unwrap();
    }
    assert_eq!(int(&check, "SELECT v FROM t WHERE id = 1").await, 1);
}
