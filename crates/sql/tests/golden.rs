//! Golden SQL tests: each `tests/golden/NAME.sql` runs on a fresh one-node database and what
//! it prints (psql's aligned format; errors with their SQLSTATE) must equal `NAME.out`.
//!
//! A statement ends with a line ending in `;`. Comment lines are copied to the output. A line
//! `-- @session N` switches to client session N (opened on first use), so a file can interleave
//! transactions. `UPDATE_GOLDEN=1 cargo test -p tandem-sql --test golden` rewrites the `.out`
//! files; review the diff before committing it.

mod harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

async fn run_file(path: &Path) -> String {
    let db = harness::Db::start().await;
    let mut sessions = BTreeMap::new();
    let mut current = 1u32;
    let mut out = String::new();
    let mut stmt = String::new();
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines() {
        if stmt.is_empty() {
            if let Some(n) = line.strip_prefix("-- @session ") {
                current = n.trim().parse().expect("-- @session takes a number");
                out.push_str(line);
                out.push('\n');
                continue;
            }
            if line.starts_with("--") || line.trim().is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
        }
        stmt.push_str(line);
        stmt.push('\n');
        if line.trim_end().ends_with(';') {
            out.push_str(&stmt);
            let conn = sessions.entry(current).or_insert_with(|| db.session());
            out.push_str(&conn.run(&stmt).await);
            stmt.clear();
        }
    }
    assert!(stmt.trim().is_empty(), "{}: the last statement has no `;`", path.display());
    drop(sessions);
    db.stop().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let only = std::env::var("GOLDEN").ok();
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        let actual = run_file(&file).await;
        let expected_path = file.with_extension("out");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!("{name}:\n{}", diff(&expected, &actual)));
        }
    }
    assert!(failures.is_empty(), "golden files differ (UPDATE_GOLDEN=1 rewrites them):\n{}", failures.join("\n"));
}

/// The lines that differ, with line numbers (enough to find them; `git diff` after
/// `UPDATE_GOLDEN=1` shows the full picture).
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    expected: {}\n    actual:   {}\n",
                i + 1,
                x.unwrap_or("<none>"),
                y.unwrap_or("<none>")
            ));
            shown += 1;
            if shown == 10 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    out
}
