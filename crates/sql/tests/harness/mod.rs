//! An in-process one-node database for SQL tests (tandem-testkit's, shared with the server's
//! wire tests), and sessions that print results the way psql does.

#![allow(dead_code)]

use tandem_sql::session::{CancelToken, Outcome};
use tandem_sql::types::text::format_text;
use tandem_sql::types::DataType;
use tandem_sql::{Session, SqlError};

/// A one-node database.
pub struct Db(tandem_testkit::Db);

impl Db {
    pub async fn start() -> Db {
        Db(tandem_testkit::Db::start().await)
    }

    /// Stops the node and waits until RocksDB is closed.
    pub async fn stop(self) {
        self.0.stop().await;
    }

    pub fn session(&self) -> Conn {
        Conn { session: self.0.session("tester") }
    }
}

/// A session that prints like psql.
pub struct Conn {
    pub session: Session,
}

fn is_numeric(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Float4
            | DataType::Float8
            | DataType::Numeric(_)
            | DataType::Oid
    )
}

/// Formats rows as psql's aligned format does (a value spanning lines continues on the
/// next display line, marked with `+` at the end of the line before).
pub fn format_table(names: &[String], types: &[DataType], rows: &[Vec<Option<String>>]) -> String {
    let lines: Vec<Vec<Vec<&str>>> =
        rows.iter().map(|r| r.iter().map(|v| v.as_deref().unwrap_or("").split('\n').collect()).collect()).collect();
    let mut widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    for r in &lines {
        for (i, cell) in r.iter().enumerate() {
            for l in cell {
                widths[i] = widths[i].max(l.chars().count());
            }
        }
    }
    let mut out = String::new();
    let header: Vec<String> = names
        .iter()
        .zip(&widths)
        .map(|(n, w)| {
            let len = n.chars().count();
            let left = (w - len) / 2;
            format!("{}{}{}", " ".repeat(left), n, " ".repeat(w - len - left))
        })
        .collect();
    out.push_str(format!(" {} ", header.join(" | ")).trim_end());
    out.push('\n');
    out.push_str(&widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    out.push('\n');
    for r in &lines {
        let height = r.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = String::new();
            for (i, ((cell, w), t)) in r.iter().zip(&widths).zip(types).enumerate() {
                let text = cell.get(k).copied().unwrap_or("");
                line.push_str(if i == 0 { " " } else { "|" });
                if i > 0 {
                    line.push(' ');
                }
                if is_numeric(t) {
                    line.push_str(&format!("{text:>w$}"));
                } else {
                    line.push_str(&format!("{text:<w$}"));
                }
                line.push(if k + 1 < cell.len() { '+' } else { ' ' });
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push_str(&format!("({} row{})\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
    out
}

/// An error as psql prints it: the message with its SQLSTATE, then, when the error has a
/// position, the line of the query holding it and a caret under the character (long lines
/// are cut around the position as libpq does).
pub fn error_text(e: &SqlError, sql: &str) -> String {
    let mut out = format!("ERROR:  {} ({})\n", e.message, e.code);
    let Some(pos) = e.position else { return out };
    const DISPLAY_SIZE: usize = 60;
    const MIN_RIGHT_CUT: usize = 10;
    let chars: Vec<char> = sql.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    let loc = (pos as usize).saturating_sub(1).min(chars.len());
    let mut line_no = 1;
    let mut ibeg = 0;
    for (i, c) in chars[..loc].iter().enumerate() {
        if *c == '\n' {
            line_no += 1;
            ibeg = i + 1;
        }
    }
    let mut iend = chars[loc..].iter().position(|c| *c == '\n' || *c == '\r').map_or(chars.len(), |p| loc + p);
    let (mut beg_trunc, mut end_trunc) = (false, false);
    if iend - ibeg > DISPLAY_SIZE {
        // libpq compares the position from the start of the query here, not of the line.
        if loc + MIN_RIGHT_CUT <= DISPLAY_SIZE {
            while iend - ibeg > DISPLAY_SIZE {
                iend -= 1;
                end_trunc = true;
            }
        } else {
            while loc + MIN_RIGHT_CUT < iend {
                iend -= 1;
                end_trunc = true;
            }
            while iend - ibeg > DISPLAY_SIZE {
                ibeg += 1;
                beg_trunc = true;
            }
        }
    }
    let prefix = format!("LINE {line_no}: {}", if beg_trunc { "..." } else { "" });
    let text: String = chars[ibeg..iend].iter().collect();
    out.push_str(&format!("{prefix}{text}{}\n", if end_trunc { "..." } else { "" }));
    out.push_str(&format!("{}^\n", " ".repeat(prefix.chars().count() + loc - ibeg)));
    out
}

impl Conn {
    /// Runs a query string and returns what psql would print.
    pub async fn run(&mut self, sql: &str) -> String {
        let mut out = String::new();
        let stmts = match self.session.parse_batch(sql) {
            Ok(s) => s,
            Err(e) => return error_text(&e, sql),
        };
        self.session.batch_begin(stmts.len());
        let mut failed = false;
        for stmt in stmts {
            let cancel = CancelToken::new();
            let result = self.session.execute(&stmt, vec![], &cancel).await;
            for n in self.session.take_notices() {
                out.push_str(&format!("{}:  {}\n", n.severity.as_str(), n.message));
            }
            match result {
                Ok(Outcome::Rows { columns, rows, .. }) => {
                    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
                    let types: Vec<DataType> = columns.iter().map(|c| c.ty.clone()).collect();
                    let mut table = Vec::new();
                    let mut error = None;
                    for r in rows {
                        match r {
                            Ok(r) => table.push(
                                r.iter()
                                    .zip(&types)
                                    .map(|(v, t)| {
                                        (!v.is_null()).then(|| format_text(v, t, self.session.text_context()))
                                    })
                                    .collect(),
                            ),
                            Err(e) => {
                                error = Some(e);
                                break;
                            }
                        }
                    }
                    match error {
                        Some(e) => {
                            // As the server does for an error raised while rows stream.
                            self.session.fail_block();
                            out.push_str(&error_text(&e, sql));
                            failed = true;
                            break;
                        }
                        None => out.push_str(&format_table(&names, &types, &table)),
                    }
                }
                Ok(Outcome::Command { tag }) => out.push_str(&format!("{tag}\n")),
                Ok(Outcome::Empty) => {}
                Ok(other) => out.push_str(&format!("{other:?}\n")),
                Err(e) => {
                    out.push_str(&error_text(&e, sql));
                    failed = true;
                    break;
                }
            }
        }
        if let Err(e) = self.session.batch_end(failed).await {
            out.push_str(&error_text(&e, sql));
        }
        out
    }

    /// Runs and expects no error.
    pub async fn ok(&mut self, sql: &str) -> String {
        let out = self.run(sql).await;
        assert!(!out.contains("ERROR:"), "{sql}\n{out}");
        out
    }
}
