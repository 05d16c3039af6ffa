//! pgbench against a real one-node `tandem` process: both ways of `pgbench -i` (client-side
//! generation with COPY, and server-side `generate_series`), then short TPC-B runs in the
//! simple, extended and prepared protocols, a select-only run (`-S`) and a run without the
//! teller and branch updates (`-N`). Every run must finish with no failed transaction, and the
//! money must add up afterwards (see [`Sums::check_run`]).
//!
//! pgbench and psql come from PostgreSQL's client programs (`scripts/setup.sh` installs them);
//! without them the test fails and says so. The full-size version, with PostgreSQL as a
//! baseline, is `scripts/pgbench.sh`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Runs `program args` with its output in a file, killing it after `timeout`. Returns the
/// output (stdout then stderr); panics if it failed or timed out.
fn run(program: &str, args: &[&str], dir: &Path, timeout: Duration) -> String {
    let out_path = dir.join(format!("{program}.out"));
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new(program)
        .args(args)
        .env("PGCONNECT_TIMEOUT", "10")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): install PostgreSQL's client programs (scripts/setup.sh)")
        });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let output = std::fs::read_to_string(&out_path).unwrap_or_default();
            panic!("{program} {args:?} did not finish within {timeout:?}; output so far:\n{output}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    assert!(status.success(), "{program} {args:?} failed ({status}):\n{output}");
    output
}

/// Fails clearly when pgbench or psql is missing (Debian's pg_wrapper exists even when the
/// programs behind it are not installed, so this runs them rather than looking for them).
fn require_client_programs() {
    for program in ["pgbench", "psql"] {
        let ok = Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "`{program} --version` failed: this test needs PostgreSQL's {program} (scripts/setup.sh installs it)"
        );
    }
}

/// Connection arguments shared by pgbench and psql.
fn conn_args(node: &TestNode) -> Vec<String> {
    ["-h", "127.0.0.1", "-p", &node.pg_port.to_string(), "-U", "postgres", "postgres"].map(str::to_string).to_vec()
}

/// Runs `sql` with psql and returns its unaligned output (fields separated by spaces).
fn psql(node: &TestNode, dir: &Path, sql: &str) -> String {
    let mut args = conn_args(node);
    args.extend(["-X", "-A", "-t", "-F", " ", "-v", "ON_ERROR_STOP=1", "-c", sql].map(str::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run("psql", &args, dir, Duration::from_secs(60))
}

/// The balance totals of the four pgbench tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sums {
    accounts: i64,
    tellers: i64,
    branches: i64,
    history: i64,
    history_rows: i64,
}

impl Sums {
    fn read(node: &TestNode, dir: &Path) -> Sums {
        let sql = "select coalesce(sum(abalance), 0) from pgbench_accounts; \
                   select coalesce(sum(tbalance), 0) from pgbench_tellers; \
                   select coalesce(sum(bbalance), 0) from pgbench_branches; \
                   select coalesce(sum(delta), 0), count(*) from pgbench_history";
        let out = psql(node, dir, sql);
        let n: Vec<i64> =
            out.split_whitespace().map(|w| w.parse().unwrap_or_else(|_| panic!("psql printed {out:?}"))).collect();
        assert_eq!(n.len(), 5, "psql printed {out:?}");
        Sums { accounts: n[0], tellers: n[1], branches: n[2], history: n[3], history_rows: n[4] }
    }

    /// pgbench truncates pgbench_history before each run, so after a run the history holds
    /// exactly that run's deltas: the accounts moved by their sum, and so did the tellers and
    /// branches, unless the run skipped them (`-N`) or wrote nothing (`-S`).
    fn check_run(before: Sums, after: Sums, what: &str, updates_tellers: bool) {
        let moved = after.history;
        assert_eq!(after.accounts - before.accounts, moved, "{what}: accounts do not match the history");
        let expected = if updates_tellers { moved } else { 0 };
        assert_eq!(after.tellers - before.tellers, expected, "{what}: tellers do not match the history");
        assert_eq!(after.branches - before.branches, expected, "{what}: branches do not match the history");
    }
}

/// The number of transactions pgbench reports, after checking that none failed.
fn transactions(output: &str, what: &str) -> u64 {
    let field = |label: &str| {
        output
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{what}: no \"{label}\" in pgbench's output:\n{output}"))
    };
    assert_eq!(field("number of failed transactions: "), 0, "{what}: failed transactions:\n{output}");
    field("number of transactions actually processed: ")
}

#[test]
fn pgbench_initializes_and_runs_every_protocol_without_failures() {
    require_client_programs();
    let _serial = serial();
    let mut cluster = TestCluster::new(1, &[]);
    cluster.start_all();
    let node = &cluster.nodes[0];
    let dir = cluster.dir.path().to_path_buf();
    let conn = conn_args(node);
    let pgbench = |extra: &[&str], timeout: Duration| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(conn.iter().map(String::as_str));
        run("pgbench", &args, &dir, timeout)
    };

    // Server-side generation (generate_series), then the default steps (COPY) over it.
    pgbench(&["-i", "-I", "dtGvp", "-s", "1"], Duration::from_secs(300));
    let sums = Sums::read(node, &dir);
    assert_eq!(sums.history_rows, 0);
    pgbench(&["-i", "-s", "1"], Duration::from_secs(300));
    let accounts = psql(node, &dir, "select count(*), count(distinct aid), min(aid), max(aid) from pgbench_accounts");
    assert_eq!(accounts.trim(), "100000 100000 1 100000", "pgbench_accounts after pgbench -i -s 1");

    let runs: [(&str, &[&str], bool); 5] = [
        ("TPC-B, simple protocol", &["-M", "simple"], true),
        ("TPC-B, extended protocol", &["-M", "extended"], true),
        ("TPC-B, prepared statements", &["-M", "prepared"], true),
        ("select only", &["-M", "prepared", "-S"], false),
        ("TPC-B without tellers and branches", &["-M", "extended", "-N"], false),
    ];
    for (what, mode, updates_tellers) in runs {
        let before = Sums::read(node, &dir);
        let mut args = vec!["-c", "4", "-j", "2", "-T", "5"];
        args.extend(mode);
        let output = pgbench(&args, Duration::from_secs(120));
        let done = transactions(&output, what);
        assert!(done > 0, "{what}: no transaction completed:\n{output}");
        let after = Sums::read(node, &dir);
        Sums::check_run(before, after, what, updates_tellers);
        let expected_history = if mode.contains(&"-S") { 0 } else { done as i64 };
        assert_eq!(after.history_rows, expected_history, "{what}: one history row per transaction");
    }
}

/// pgbench on a three-node cluster, through a follower (its read-write transactions are
/// relayed to the leader statement by statement) and through the leader: no failed
/// transaction, the money adds up, and every node reads the same totals afterwards.
#[test]
fn pgbench_runs_through_a_follower_and_through_the_leader() {
    require_client_programs();
    let _serial = serial();
    let mut cluster = TestCluster::new(3, &[]);
    cluster.start_all();
    let leader = cluster.wait_leader(None);
    let follower = (1..=3).find(|id| *id != leader).unwrap();
    let dir = cluster.dir.path().to_path_buf();
    let node = |id: u64| cluster.nodes.iter().find(|n| n.id == id).unwrap();
    let pgbench = |id: u64, extra: &[&str], timeout: Duration| {
        let conn = conn_args(node(id));
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(conn.iter().map(String::as_str));
        run("pgbench", &args, &dir, timeout)
    };

    pgbench(follower, &["-i", "-s", "1"], Duration::from_secs(300));
    for (what, id) in [("TPC-B through a follower", follower), ("TPC-B through the leader", leader)] {
        let before = Sums::read(node(id), &dir);
        let output = pgbench(id, &["-c", "4", "-j", "2", "-T", "5", "-M", "extended"], Duration::from_secs(120));
        let done = transactions(&output, what);
        assert!(done > 0, "{what}: no transaction completed:\n{output}");
        let after = Sums::read(node(id), &dir);
        Sums::check_run(before, after, what, true);
        assert_eq!(after.history_rows, done as i64, "{what}: one history row per transaction");
        for other in 1..=3 {
            assert_eq!(Sums::read(node(other), &dir), after, "{what}: node {other} reads other totals");
        }
    }
}
