//! psql against a real node: each `tests/psql/NAME.sql` runs through `psql -X -a -v
//! ON_ERROR_STOP=0` (echoing every line, going on after errors) and its output must equal
//! `tests/psql/NAME.out`. `UPDATE_GOLDEN=1 cargo test -p tandem --test psql` rewrites the
//! `.out` files from Tandem's output; `GOLDEN=NAME` runs one script.
//!
//! The scripts cover psql's describe commands (`\d`, `\d TABLE`, `\d+`, `\dt`, `\dt+`, `\di`,
//! `\ds`, `\dv`, `\dn`, `\du`, `\l`, `\df`, `\dx`) on a schema with composite keys, unique and
//! plain indexes, checks, defaults, serial and identity columns, a foreign key, a view, a
//! second schema and sequences (`describe.sql`); PostgreSQL's printing of defaults and checks
//! (`expressions.sql`); and the catalog queries that pgjdbc, psycopg, SQLAlchemy, Django and
//! pgbench send (`client_queries.sql`, taken from shared/reference/client-traffic).
//!
//! How the expected files were checked: each script was also run, with the same psql 15 and
//! the same command line, against a PostgreSQL 15.18 server (Debian's, initdb with
//! `--locale=C.UTF-8 -E UTF8`, user `postgres`, a fresh database named `tandem`), and the two
//! outputs were compared line by line with `diff`. `expressions.out` and
//! `client_queries.out` are identical to PostgreSQL's. `describe.out` differs only where
//! docs/pg-catalog.md says it must: the sizes of `\dt+` and `\ds+` (PostgreSQL counts 8 kB
//! pages, Tandem the bytes of its keys and values: `0 bytes` when empty), `\l` (Tandem has one
//! database, no `template0`/`template1`), and `\dx` (PostgreSQL lists `plpgsql`, which Tandem
//! does not have).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The scripts' directory.
fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/psql")
}

/// Runs `script` (a file name in `dir`) with psql against `port`; returns what psql printed,
/// errors interleaved with the output as a terminal shows them.
fn run_psql(dir: &Path, script: &str, port: u16) -> String {
    let port = port.to_string();
    let mut child = Command::new("sh")
        .args(["-c", "exec psql \"$@\" 2>&1", "psql", "-X", "-a", "-v", "ON_ERROR_STOP=0", "-h", "127.0.0.1"])
        .args(["-p", &port, "-U", "postgres", "-d", "tandem", "-f", script])
        .current_dir(dir)
        .env("PGTZ", "UTC")
        .env("PGDATESTYLE", "ISO")
        .env("PGCLIENTENCODING", "UTF8")
        .env("PSQLRC", "/dev/null")
        .env("PAGER", "")
        .env_remove("PGOPTIONS")
        .env_remove("PGSERVICE")
        .env_remove("PGPASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running psql through sh");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    // Bounded: a hung psql fails the test instead of blocking it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("psql did not finish {script} within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.join().unwrap().expect("reading psql's output")
}

/// The first line where `expected` and `actual` differ, with a little context.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let i = (0..e.len().max(a.len())).find(|i| e.get(*i) != a.get(*i)).unwrap_or(0);
    format!(
        "line {}:\n  expected: {:?}\n  actual:   {:?}",
        i + 1,
        e.get(i).copied().unwrap_or("<end>"),
        a.get(i).copied().unwrap_or("<end>")
    )
}

#[test]
fn psql_scripts_print_what_postgres_prints() {
    let _serial = serial();
    let version = Command::new("psql").arg("--version").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "psql is not installed: the psql tests need it (scripts/setup.sh installs postgresql-client)"
    );
    let dir = scripts_dir();
    let only = std::env::var("GOLDEN").ok();
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut scripts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sql"))
        .filter(|n| only.as_ref().is_none_or(|o| n.trim_end_matches(".sql") == o))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());

    let mut cluster = TestCluster::new(1, &[]);
    cluster.start_all();
    let port = cluster.nodes[0].pg_port;
    let mut failures = Vec::new();
    for script in &scripts {
        let actual = run_psql(&dir, script, port);
        let expected_path = dir.join(script.replace(".sql", ".out"));
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{script}: {}", first_difference(&expected, &actual)));
        }
    }
    assert!(
        failures.is_empty(),
        "psql output differs (UPDATE_GOLDEN=1 rewrites the .out files):\n{}",
        failures.join("\n")
    );
}
