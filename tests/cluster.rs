//! SQL on a three-node cluster of real `tandem` processes on 127.0.0.1: every node serves
//! reads and writes (read-write work is relayed to the leader), reads are linearizable from
//! any node, a relayed transaction behaves exactly as on the leader, and a leader's death
//! loses no acknowledged commit.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

async fn connect(port: u16) -> Result<Client, tokio_postgres::Error> {
    let (client, conn) = tokio_postgres::connect(
        &format!("host=127.0.0.1 port={port} user=tester dbname=tandem connect_timeout=5"),
        NoTls,
    )
    .await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

async fn must_connect(port: u16) -> Client {
    connect(port).await.unwrap_or_else(|e| panic!("connecting to port {port}: {e}"))
}

/// The single value of a one-row, one-column simple query.
async fn scalar(c: &Client, sql: &str) -> String {
    for m in c.simple_query(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}")) {
        if let SimpleQueryMessage::Row(r) = m {
            return r.get(0).unwrap_or("NULL").to_string();
        }
    }
    panic!("{sql}: no row")
}

fn code(e: &tokio_postgres::Error) -> String {
    e.code().map(|c| c.code().to_string()).unwrap_or_else(|| format!("no SQLSTATE: {e}"))
}

fn started_cluster() -> TestCluster {
    let mut c = TestCluster::new(3, &[]);
    c.start_all();
    c
}

fn pg_ports(c: &TestCluster) -> Vec<(u64, u16)> {
    c.nodes.iter().map(|n| (n.id, n.pg_port)).collect()
}

#[test]
fn every_node_serves_reads_and_writes_like_the_leader() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    let (fport, lport) = (c.node(follower).pg_port, c.node(leader).pg_port);
    let ports = pg_ports(&c);
    runtime().block_on(async move {
        let f = must_connect(fport).await;
        let l = must_connect(lport).await;
        // DDL and writes through a follower.
        f.batch_execute("create table t (id int primary key, note text, at timestamptz default now())").await.unwrap();
        f.execute("insert into t (id, note) values ($1, $2)", &[&1i32, &"from a follower"]).await.unwrap();
        // Every node reads it at once: reads are linearizable wherever they run.
        for (id, port) in &ports {
            let c = must_connect(*port).await;
            assert_eq!(scalar(&c, "select count(*) from t").await, "1", "node {id}");
        }
        // Errors keep their SQLSTATE, message, constraint and position through the relay.
        let dup = f.execute("insert into t (id) values (1)", &[]).await.unwrap_err();
        let db = dup.as_db_error().unwrap();
        assert_eq!(db.code(), &SqlState::UNIQUE_VIOLATION);
        assert_eq!(db.constraint(), Some("t_pkey"));
        let bad = f.batch_execute("insert into t (id) values (1 +)").await.unwrap_err();
        assert_eq!(bad.code(), Some(&SqlState::SYNTAX_ERROR));
        let missing = f.batch_execute("update nope set x = 1").await.unwrap_err();
        assert_eq!(missing.code(), Some(&SqlState::UNDEFINED_TABLE));
        // Prepared statements with parameters, reused, and RETURNING rows.
        let ins = f.prepare("insert into t (id, note) values ($1, $2) returning id * 10").await.unwrap();
        for i in 2..12i32 {
            let rows = f.query(&ins, &[&i, &format!("n{i}")]).await.unwrap();
            assert_eq!(rows[0].get::<_, i32>(0), i * 10);
        }
        // Session settings travel with relayed work: the default is computed in the client's
        // time zone on the leader.
        f.batch_execute("set timezone = 'Asia/Tokyo'").await.unwrap();
        f.batch_execute("insert into t (id, note) values (100, to_char(now(), 'TZ'))").await.unwrap();
        assert_eq!(scalar(&l, "select note from t where id = 100").await, "JST");
        // COPY FROM STDIN through a follower.
        let sink = f.copy_in("copy t (id, note) from stdin").await.unwrap();
        futures::pin_mut!(sink);
        use futures::SinkExt;
        let data: String = (200..1200).map(|i| format!("{i}\tcopied\n")).collect();
        sink.send(bytes::Bytes::from(data)).await.unwrap();
        assert_eq!(sink.finish().await.unwrap(), 1000);
        assert_eq!(scalar(&l, "select count(*) from t where note = 'copied'").await, "1000");
        // Sequences are drawn on the leader, whatever node the client uses.
        f.batch_execute("create sequence s").await.unwrap();
        assert_eq!(scalar(&f, "select nextval('s')").await, "1");
        assert_eq!(scalar(&l, "select nextval('s')").await, "2");
        assert_eq!(scalar(&f, "select currval('s')").await, "1");
        // Every node reports itself a primary, and the cluster view lists every member.
        for (id, port) in &ports {
            let c = must_connect(*port).await;
            assert_eq!(scalar(&c, "select pg_is_in_recovery()").await, "f", "node {id}");
            let members =
                c.simple_query("select node_id, role, is_leader from tandem_cluster order by 1").await.unwrap();
            let rows: Vec<(String, String, String)> = members
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::Row(r) => {
                        Some((r.get(0).unwrap().into(), r.get(1).unwrap().into(), r.get(2).unwrap().into()))
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(rows.len(), 3, "node {id}: {rows:?}");
            assert_eq!(rows.iter().filter(|r| r.2 == "t").count(), 1, "node {id}: one leader in {rows:?}");
        }
    });
}

#[test]
fn a_relayed_transaction_keeps_its_snapshot_and_locks() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    let (fport, lport) = (c.node(follower).pg_port, c.node(leader).pg_port);
    runtime().block_on(async move {
        let f = must_connect(fport).await;
        let l = must_connect(lport).await;
        l.batch_execute(
            "create table acct (id int primary key, balance int); insert into acct values (1, 100), (2, 100)",
        )
        .await
        .unwrap();
        // Own writes are visible inside the block, others' only after COMMIT.
        f.batch_execute("begin; update acct set balance = 50 where id = 1").await.unwrap();
        assert_eq!(scalar(&f, "select balance from acct where id = 1").await, "50");
        assert_eq!(scalar(&l, "select balance from acct where id = 1").await, "100");
        // The row stays locked by the relayed transaction.
        l.batch_execute("set lock_timeout = '300ms'").await.unwrap();
        let blocked = l.batch_execute("update acct set balance = 0 where id = 1").await.unwrap_err();
        assert_eq!(blocked.code(), Some(&SqlState::LOCK_NOT_AVAILABLE));
        f.batch_execute("commit").await.unwrap();
        assert_eq!(scalar(&l, "select balance from acct where id = 1").await, "50");

        // REPEATABLE READ through a follower: one snapshot, and 40001 on a concurrent update.
        f.batch_execute("begin isolation level repeatable read").await.unwrap();
        assert_eq!(scalar(&f, "select balance from acct where id = 2").await, "100");
        l.batch_execute("update acct set balance = 70 where id = 2").await.unwrap();
        assert_eq!(scalar(&f, "select balance from acct where id = 2").await, "100");
        let conflict = f.batch_execute("update acct set balance = balance - 1 where id = 2").await.unwrap_err();
        assert_eq!(conflict.code(), Some(&SqlState::T_R_SERIALIZATION_FAILURE));
        // The block is failed until ROLLBACK, as in PostgreSQL.
        let ignored = f.batch_execute("select 1").await.unwrap_err();
        assert_eq!(ignored.code(), Some(&SqlState::IN_FAILED_SQL_TRANSACTION));
        f.batch_execute("rollback").await.unwrap();

        // A client that disconnects mid-transaction leaves no lock and no write behind.
        let gone = must_connect(fport).await;
        gone.batch_execute("begin; update acct set balance = -1 where id = 2").await.unwrap();
        drop(gone);
        l.batch_execute("set lock_timeout = '5s'").await.unwrap();
        l.batch_execute("update acct set balance = balance + 1 where id = 2").await.unwrap();
        assert_eq!(scalar(&l, "select balance from acct where id = 2").await, "71");

        // READ ONLY transactions run on the follower itself and refuse writes.
        f.batch_execute("begin read only").await.unwrap();
        assert_eq!(scalar(&f, "select sum(balance) from acct").await, "121");
        let ro = f.batch_execute("insert into acct values (3, 1)").await.unwrap_err();
        assert_eq!(ro.code(), Some(&SqlState::READ_ONLY_SQL_TRANSACTION));
        f.batch_execute("rollback").await.unwrap();
    });
}

/// Inserts unique ids through one node until stopped, recording the acknowledged ones and
/// those whose outcome is unknown.
struct Writer {
    acked: Vec<i64>,
    unknown: Vec<i64>,
    attempted: Vec<i64>,
}

async fn write_until(port: u16, base: i64, stop: Arc<AtomicBool>) -> Writer {
    let mut w = Writer { acked: vec![], unknown: vec![], attempted: vec![] };
    let mut client: Option<Client> = None;
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let c = match &client {
            Some(c) if !c.is_closed() => c,
            _ => {
                client = tokio::time::timeout(Duration::from_secs(3), connect(port)).await.ok().and_then(Result::ok);
                if client.is_none() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let id = base + n;
        n += 1;
        w.attempted.push(id);
        match tokio::time::timeout(Duration::from_secs(10), c.execute("insert into w values ($1)", &[&id])).await {
            Ok(Ok(_)) => w.acked.push(id),
            Ok(Err(e)) if e.code() == Some(&SqlState::T_R_SERIALIZATION_FAILURE) => {}
            Ok(Err(e)) if e.code() == Some(&SqlState::CANNOT_CONNECT_NOW) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // 40003, a lost connection, or a timeout: the insert may or may not have happened.
            Ok(Err(_)) | Err(_) => {
                w.unknown.push(id);
                client = None;
            }
        }
    }
    w
}

async fn ids_on(port: u16) -> BTreeSet<i64> {
    let c = must_connect(port).await;
    c.query("select id from w", &[]).await.unwrap().iter().map(|r| r.get::<_, i64>(0)).collect()
}

#[test]
fn leader_killed_while_every_node_writes_loses_nothing_acknowledged() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let ports = pg_ports(&c);
    let rt = runtime();
    rt.block_on(async { must_connect(ports[0].1).await.batch_execute("create table w (id int8 primary key)").await })
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> =
        ports.iter().map(|(id, port)| rt.spawn(write_until(*port, *id as i64 * 1_000_000_000, stop.clone()))).collect();
    std::thread::sleep(Duration::from_millis(2000));
    c.node(leader).kill();
    let killed = Instant::now();
    let new_leader = c.wait_leader(Some(leader));
    std::thread::sleep(Duration::from_millis(3000));
    stop.store(true, Ordering::Relaxed);
    let results: Vec<Writer> =
        rt.block_on(async { futures::future::join_all(writers).await }).into_iter().map(Result::unwrap).collect();
    let acked: BTreeSet<i64> = results.iter().flat_map(|w| w.acked.iter().copied()).collect();
    let attempted: BTreeSet<i64> = results.iter().flat_map(|w| w.attempted.iter().copied()).collect();
    assert!(acked.len() > 50, "too few writes acknowledged: {}", acked.len());
    eprintln!(
        "acknowledged {} of {} inserts; {} unknown; new leader {new_leader} after {:?}",
        acked.len(),
        attempted.len(),
        results.iter().map(|w| w.unknown.len()).sum::<usize>(),
        killed.elapsed()
    );

    let survivors: Vec<(u64, u16)> = ports.iter().copied().filter(|(id, _)| *id != leader).collect();
    let mut counts = BTreeMap::new();
    for (id, port) in &survivors {
        let present = rt.block_on(ids_on(*port));
        let missing: Vec<_> = acked.difference(&present).collect();
        assert!(missing.is_empty(), "node {id} lost acknowledged inserts: {missing:?}");
        assert!(present.is_subset(&attempted), "node {id} has inserts nobody attempted");
        counts.insert(*id, present.len());
    }
    // The cluster accepts writes again, through every survivor.
    for (id, port) in &survivors {
        rt.block_on(async {
            let c = must_connect(*port).await;
            c.execute("insert into w values ($1)", &[&(-(*id as i64))]).await
        })
        .unwrap_or_else(|e| panic!("node {id} refused a write after failover: {e}"));
    }
    // The killed node restarts, catches up, and serves reads with everything.
    c.node(leader).start();
    let idx = c.nodes.iter().position(|n| n.id == leader).unwrap();
    c.wait_ready(idx);
    let present = rt.block_on(ids_on(c.node(leader).pg_port));
    assert!(acked.is_subset(&present), "the restarted node misses acknowledged inserts");
}

/// A follower that fell behind reads a table created while it was paused: its read waits for
/// the read fence, which applies the leader's log (the CREATE TABLE included), and is planned
/// against the schema of that moment, so the table is found rather than reported missing.
#[test]
fn a_follower_that_fell_behind_finds_a_table_created_meanwhile() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let behind = (1..=3).find(|id| *id != leader).unwrap();
    let (bport, lport) = (c.node(behind).pg_port, c.node(leader).pg_port);
    let rt = runtime();
    let (b, l) = rt.block_on(async { (Arc::new(must_connect(bport).await), must_connect(lport).await) });
    for round in 0..4 {
        c.node(behind).signal("STOP");
        let table = format!("late{round}");
        rt.block_on(l.batch_execute(&format!(
            "create table {table} (id int primary key, v text); insert into {table} values (1, 'x{round}')"
        )))
        .unwrap();
        // The query waits in the paused node's socket and is read as it resumes, together
        // with the leader's appends.
        let b2 = b.clone();
        // Even rounds use the extended protocol (the table is looked up at Parse), odd rounds
        // the simple one.
        let read = rt.spawn(async move {
            let sql = format!("select v from {table} where id = 1");
            if round % 2 == 0 {
                b2.query_one(&sql, &[]).await.map(|row| row.get::<_, String>(0))
            } else {
                let rows = b2.simple_query(&sql).await?;
                Ok(rows
                    .iter()
                    .find_map(|m| match m {
                        SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                        _ => None,
                    })
                    .unwrap_or_default())
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        c.node(behind).signal("CONT");
        let value = rt.block_on(read).unwrap().unwrap_or_else(|e| {
            panic!(
                "round {round}: {}",
                e.as_db_error().map_or(e.to_string(), |d| format!("{} {}", d.code().code(), d.message()))
            )
        });
        assert_eq!(value, format!("x{round}"));
    }
}

#[test]
fn a_paused_leader_is_replaced_and_cannot_commit_after_it_resumes() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let lport = c.node(leader).pg_port;
    let others: Vec<u16> = c.nodes.iter().filter(|n| n.id != leader).map(|n| n.pg_port).collect();
    let rt = runtime();
    let old = rt.block_on(async {
        let l = must_connect(lport).await;
        l.batch_execute("create table p (id int primary key)").await.unwrap();
        l.batch_execute("begin; insert into p values (1)").await.unwrap();
        l
    });
    c.node(leader).signal("STOP");
    let new_leader = c.wait_leader(Some(leader));
    rt.block_on(async {
        let s = must_connect(others[0]).await;
        s.execute("insert into p values (2)", &[]).await.unwrap();
    });
    c.node(leader).signal("CONT");
    // The old leader's open transaction cannot commit: it ends with a retryable error, and
    // its write exists nowhere.
    let commit =
        rt.block_on(async { tokio::time::timeout(Duration::from_secs(20), old.batch_execute("commit")).await });
    let err = commit.expect("COMMIT on the resumed leader did not answer").unwrap_err();
    assert!(matches!(code(&err).as_str(), "40001" | "40003"), "unexpected error: {err}");
    let idx = c.nodes.iter().position(|n| n.id == leader).unwrap();
    c.wait_ready(idx);
    for port in c.nodes.iter().map(|n| n.pg_port).collect::<Vec<_>>() {
        let ids = rt.block_on(async {
            let cl = must_connect(port).await;
            cl.query("select id from p order by id", &[])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<_, i32>(0))
                .collect::<Vec<_>>()
        });
        assert_eq!(ids, vec![2], "port {port} (new leader {new_leader})");
    }
}

#[test]
fn a_node_cut_off_from_the_majority_refuses_then_serves_again() {
    let _serial = serial();
    let mut c = started_cluster();
    let leader = c.wait_leader(None);
    let lone = (1..=3).find(|id| *id != leader).unwrap();
    let port = c.node(lone).pg_port;
    let rt = runtime();
    let client = rt.block_on(async {
        let cl = must_connect(port).await;
        cl.batch_execute("create table m (id int primary key); insert into m values (1)").await.unwrap();
        cl
    });
    // A session that accepts reads up to 10 s stale, for comparison.
    let stale = rt.block_on(async {
        let cl = must_connect(port).await;
        cl.batch_execute("set tandem.stale_read_max_ms = 10000").await.unwrap();
        cl
    });
    let others: Vec<u64> = (1..=3).filter(|id| *id != lone).collect();
    for id in &others {
        c.node(*id).signal("STOP");
    }
    // Within the bound, the stale session reads the local state at once...
    assert_eq!(rt.block_on(scalar(&stale, "select count(*) from m")), "1");
    // ...and the cluster view shows how stale that state may be.
    let bound =
        rt.block_on(scalar(&stale, &format!("select read_staleness_ms from tandem_cluster where node_id = {lone}")));
    assert!(bound.parse::<u64>().is_ok_and(|ms| ms < 10_000), "staleness bound {bound}");
    // Reads and writes fail with a clear error after a bounded wait; never a stale answer.
    for sql in ["select count(*) from m", "insert into m values (2)"] {
        let r = rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), client.simple_query(sql)).await });
        let err = r.unwrap_or_else(|_| panic!("{sql} hung on a node cut off from the majority")).unwrap_err();
        assert!(matches!(code(&err).as_str(), "57P03" | "40003" | "40001"), "{sql}: {err}");
    }
    for id in &others {
        c.node(*id).signal("CONT");
    }
    c.wait_leader(None);
    let n = wait_for(Duration::from_secs(30), "the node to serve again", || {
        rt.block_on(async {
            let cl = connect(port).await.ok()?;
            let rows = cl.simple_query("select count(*) from m").await.ok()?;
            rows.into_iter().find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
        })
    });
    assert!(n == "1" || n == "2", "unexpected count {n}");
}

#[test]
fn multi_host_connection_strings_find_a_read_write_node() {
    let _serial = serial();
    let mut c = started_cluster();
    let ports: Vec<u16> = c.nodes.iter().map(|n| n.pg_port).collect();
    // The first listed node is down; libpq-style clients move on to the next.
    c.nodes[0].kill();
    c.wait_leader(Some(1));
    let rt = runtime();
    rt.block_on(async {
        let conn = format!(
            "host=127.0.0.1,127.0.0.1,127.0.0.1 port={},{},{} user=tester dbname=tandem target_session_attrs=read-write connect_timeout=2",
            ports[0], ports[1], ports[2]
        );
        let (client, connection) = tokio_postgres::connect(&conn, NoTls).await.unwrap();
        tokio::spawn(connection);
        client.batch_execute("create table mh (id int); insert into mh values (1)").await.unwrap();
        assert_eq!(scalar(&client, "show transaction_read_only").await, "off");
    });
}
