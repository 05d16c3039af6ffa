//! A fake backend: canned rows, errors, COPYs and transaction states keyed by the SQL text,
//! with a shared log the tests inspect.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tandem_server::{Backend, BackendFactory, CopySink, Outcome, Statement};
use tandem_sql::session::{CancelToken, Column, CopyFormat, StartupInfo, TransactionStatus};
use tandem_sql::types::{DataType, Value};
use tandem_sql::{sqlstate, SqlError};

/// What the fake sessions saw.
#[derive(Debug, Default)]
pub struct Log {
    pub startups: Vec<StartupInfo>,
    pub batches: Vec<(usize, bool)>,
    pub executed: Vec<(String, Vec<Value>)>,
    pub copied: Vec<Vec<Option<String>>>,
    pub copy_batches: Vec<usize>,
    pub copy_aborts: Vec<String>,
    pub closed: usize,
}

#[derive(Clone, Default)]
pub struct FakeFactory {
    pub log: Arc<Mutex<Log>>,
}

impl BackendFactory for FakeFactory {
    type Backend = Fake;

    fn open(&self, startup: StartupInfo) -> Result<Fake, SqlError> {
        if startup.database == "nodb" {
            return Err(SqlError::new(sqlstate::INVALID_CATALOG_NAME, "database \"nodb\" does not exist"));
        }
        self.log.lock().startups.push(startup);
        Ok(Fake { log: self.log.clone(), status: TransactionStatus::Idle, notices: Vec::new(), changes: Vec::new() })
    }
}

pub struct Fake {
    log: Arc<Mutex<Log>>,
    status: TransactionStatus,
    notices: Vec<SqlError>,
    changes: Vec<(String, String)>,
}

/// A canned statement.
pub struct FakeStmt {
    sql: String,
    param_types: Vec<DataType>,
    columns: Option<Arc<Vec<Column>>>,
    offset: usize,
}

impl Statement for FakeStmt {
    fn param_types(&self) -> &[DataType] {
        &self.param_types
    }

    fn columns(&self) -> Option<&Arc<Vec<Column>>> {
        self.columns.as_ref()
    }
}

pub struct FakeCopy {
    columns: Vec<String>,
    format: CopyFormat,
    rows: u64,
}

/// The columns of the fake COPY target.
fn two_columns() -> Vec<String> {
    vec!["a".into(), "b".into()]
}

impl CopySink for FakeCopy {
    fn table(&self) -> &str {
        "fake"
    }

    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn format(&self) -> &CopyFormat {
        &self.format
    }
}

fn col(name: &str, ty: DataType) -> Column {
    Column { name: name.into(), ty, table_oid: 0, attnum: 0 }
}

fn text_format() -> CopyFormat {
    CopyFormat::Text { delimiter: '\t', null: "\\N".into() }
}

fn csv_format(header: bool) -> CopyFormat {
    CopyFormat::Csv { delimiter: ',', quote: '"', escape: '"', null: String::new(), header }
}

/// The result columns of a canned statement.
fn columns_for(sql: &str, params: &[DataType]) -> Option<Arc<Vec<Column>>> {
    let cols = if sql == "select ints" || sql == "fail mid stream" || sql.starts_with("copy out") {
        vec![col("a", DataType::Int4), col("b", DataType::Text)]
    } else if sql.starts_with("select gen") {
        vec![col("n", DataType::Int4)]
    } else if sql == "select params" {
        params.iter().enumerate().map(|(i, t)| col(&format!("p{}", i + 1), t.clone())).collect()
    } else {
        return None;
    };
    Some(Arc::new(cols))
}

fn ints() -> Vec<Vec<Value>> {
    vec![
        vec![Value::Int4(1), Value::Text("one".into())],
        vec![Value::Int4(2), Value::Text("two, \"2\"".into())],
        vec![Value::Int4(3), Value::Null],
    ]
}

fn failed(status: &mut TransactionStatus, e: SqlError) -> Result<Outcome<FakeCopy>, SqlError> {
    if *status == TransactionStatus::InBlock {
        *status = TransactionStatus::Failed;
    }
    Err(e)
}

impl Backend for Fake {
    type Statement = FakeStmt;
    type Copy = FakeCopy;
    type Rows = tandem_sql::session::RowStream;

    fn pid(&self) -> Option<i32> {
        Some(4242)
    }

    fn parameter_statuses(&self) -> Vec<(String, String)> {
        [
            ("server_version", "16.0"),
            ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn parse_batch(&mut self, sql: &str) -> Result<Vec<FakeStmt>, SqlError> {
        if let Some(at) = sql.find("syntax error") {
            return Err(
                SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error at or near \"syntax\"").at(Some(at as u32 + 1))
            );
        }
        let mut offset = 0;
        let mut out = Vec::new();
        for part in sql.split(';') {
            let trimmed = part.trim();
            let start = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            if !trimmed.is_empty() {
                let columns = columns_for(trimmed, &[]);
                out.push(FakeStmt { sql: trimmed.to_string(), param_types: Vec::new(), columns, offset: start });
            }
        }
        Ok(out)
    }

    async fn prepare(&mut self, sql: &str, param_types: &[Option<DataType>]) -> Result<FakeStmt, SqlError> {
        if sql.contains("syntax error") {
            return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error").at(Some(1)));
        }
        let declared = param_types.len();
        let count = if sql == "select params" || sql == "insert" { declared.max(1) } else { declared };
        let types: Vec<DataType> =
            (0..count).map(|i| param_types.get(i).cloned().flatten().unwrap_or(DataType::Int4)).collect();
        let columns = columns_for(sql, &types);
        Ok(FakeStmt { sql: sql.to_string(), param_types: types, columns, offset: 0 })
    }

    async fn execute(
        &mut self,
        stmt: &FakeStmt,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome<FakeCopy>, SqlError> {
        self.log.lock().executed.push((stmt.sql.clone(), params.clone()));
        let lowered = stmt.sql.to_ascii_lowercase();
        let sql = lowered.as_str();
        let columns = || stmt.columns.clone().expect("canned columns");
        if self.status == TransactionStatus::Failed && !sql.starts_with("rollback") && sql != "commit" {
            return Err(SqlError::new(
                sqlstate::IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            ));
        }
        let outcome: Outcome<FakeCopy> = match sql {
            "select ints" => {
                Outcome::Rows { columns: columns(), rows: Box::new(ints().into_iter().map(Ok)), tag: "SELECT".into() }
            }
            "select params" => {
                Outcome::Rows { columns: columns(), rows: Box::new(std::iter::once(Ok(params))), tag: "SELECT".into() }
            }
            "fail mid stream" => {
                let rows = vec![Ok(ints()[0].clone()), Err(SqlError::division_by_zero())];
                Outcome::Rows { columns: columns(), rows: Box::new(rows.into_iter()), tag: "SELECT".into() }
            }
            "insert" => Outcome::Command { tag: "INSERT 0 1".into() },
            "begin" | "start transaction" => {
                if self.status == TransactionStatus::Idle {
                    self.status = TransactionStatus::InBlock;
                }
                Outcome::Command { tag: "BEGIN".into() }
            }
            "commit" | "end" => {
                let tag = if self.status == TransactionStatus::Failed { "ROLLBACK" } else { "COMMIT" };
                self.status = TransactionStatus::Idle;
                Outcome::Command { tag: tag.into() }
            }
            "rollback" => {
                self.status = TransactionStatus::Idle;
                Outcome::Command { tag: "ROLLBACK".into() }
            }
            "rollback to savepoint" => {
                self.status = TransactionStatus::InBlock;
                Outcome::Command { tag: "ROLLBACK".into() }
            }
            "fail" => {
                // Positions are in the whole query string.
                let at = Some(stmt.offset as u32 + 1);
                let e = SqlError::division_by_zero().detail("some detail").hint("some hint").at(at);
                return failed(&mut self.status, e);
            }
            "unique" => {
                let mut e = SqlError::new(
                    sqlstate::UNIQUE_VIOLATION,
                    "duplicate key value violates unique constraint \"t_pkey\"",
                )
                .constraint("t", "t_pkey");
                e.column = Some("id".into());
                return failed(&mut self.status, e);
            }
            "notice" => {
                self.notices.push(SqlError::notice("hello from the engine"));
                Outcome::Command { tag: "DO".into() }
            }
            "set timezone" => {
                self.changes.push(("TimeZone".into(), "Europe/Paris".into()));
                Outcome::Command { tag: "SET".into() }
            }
            "copy in text" => Outcome::CopyIn(FakeCopy { columns: two_columns(), format: text_format(), rows: 0 }),
            "copy in csv" => Outcome::CopyIn(FakeCopy { columns: two_columns(), format: csv_format(true), rows: 0 }),
            "copy out text" | "copy out csv" => {
                let format = if sql.ends_with("csv") { csv_format(true) } else { text_format() };
                Outcome::CopyOut { columns: columns(), rows: Box::new(ints().into_iter().map(Ok)), format }
            }
            "sleep" => {
                return match tokio::time::timeout(Duration::from_secs(10), cancel.cancelled()).await {
                    Ok(e) => Err(e),
                    Err(_) => Ok(Outcome::Command { tag: "SLEPT".into() }),
                };
            }
            "panic" => panic!("the fake engine panicked"),
            "" | "empty" => Outcome::Empty,
            gen if gen.starts_with("select gen ") => {
                let n: i32 = gen["select gen ".len()..].parse().expect("row count");
                Outcome::Rows {
                    columns: columns(),
                    rows: Box::new((1..=n).map(|i| Ok(vec![Value::Int4(i)]))),
                    tag: "SELECT".into(),
                }
            }
            other => return Err(SqlError::new(sqlstate::UNDEFINED_TABLE, format!("unknown fake statement {other:?}"))),
        };
        Ok(outcome)
    }

    fn batch_begin(&mut self, statements: usize) {
        self.log.lock().batches.push((statements, false));
    }

    async fn batch_end(&mut self, failed: bool) -> Result<(), SqlError> {
        if let Some(last) = self.log.lock().batches.last_mut() {
            last.1 = failed;
        }
        Ok(())
    }

    async fn statement_failed(&mut self) {
        if self.status == TransactionStatus::InBlock {
            self.status = TransactionStatus::Failed;
        }
    }

    fn transaction_status(&self) -> TransactionStatus {
        self.status
    }

    fn take_notices(&mut self) -> Vec<SqlError> {
        std::mem::take(&mut self.notices)
    }

    fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.changes)
    }

    async fn copy_rows(&mut self, copy: &mut FakeCopy, rows: Vec<Vec<Option<String>>>) -> Result<(), SqlError> {
        if rows.iter().flatten().any(|f| f.as_deref() == Some("bad")) {
            return Err(SqlError::invalid_input("integer", "bad"));
        }
        copy.rows += rows.len() as u64;
        let mut log = self.log.lock();
        log.copy_batches.push(rows.len());
        log.copied.extend(rows);
        Ok(())
    }

    async fn copy_finish(&mut self, copy: FakeCopy) -> Result<u64, SqlError> {
        Ok(copy.rows)
    }

    async fn copy_abort(&mut self, _copy: FakeCopy, message: &str) -> SqlError {
        self.log.lock().copy_aborts.push(message.to_string());
        SqlError::new(sqlstate::QUERY_CANCELED, format!("COPY from stdin failed: {message}"))
    }

    async fn close(self) {
        self.log.lock().closed += 1;
    }

    fn encode_text(&self, value: &Value, _ty: &DataType) -> String {
        match value {
            Value::Int4(i) => i.to_string(),
            Value::Int8(i) => i.to_string(),
            Value::Bool(b) => if *b { "t" } else { "f" }.to_string(),
            Value::Text(s) => s.clone(),
            other => format!("{other:?}"),
        }
    }

    fn encode_binary(&self, value: &Value, _ty: &DataType) -> Result<Vec<u8>, SqlError> {
        Ok(match value {
            Value::Int4(i) => i.to_be_bytes().to_vec(),
            Value::Int8(i) => i.to_be_bytes().to_vec(),
            Value::Bool(b) => vec![u8::from(*b)],
            Value::Text(s) => s.as_bytes().to_vec(),
            other => return Err(SqlError::unsupported(format!("binary output of {other:?}"))),
        })
    }

    fn decode_text(&self, input: &str, ty: &DataType) -> Result<Value, SqlError> {
        match ty {
            DataType::Int4 => {
                input.trim().parse().map(Value::Int4).map_err(|_| SqlError::invalid_input("integer", input))
            }
            DataType::Int8 => {
                input.trim().parse().map(Value::Int8).map_err(|_| SqlError::invalid_input("bigint", input))
            }
            DataType::Bool => Ok(Value::Bool(input == "t" || input == "true")),
            _ => Ok(Value::Text(input.to_string())),
        }
    }

    fn decode_binary(&self, input: &[u8], ty: &DataType) -> Result<Value, SqlError> {
        let bad = || SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
        match ty {
            DataType::Int4 => Ok(Value::Int4(i32::from_be_bytes(input.try_into().map_err(|_| bad())?))),
            DataType::Int8 => Ok(Value::Int8(i64::from_be_bytes(input.try_into().map_err(|_| bad())?))),
            DataType::Bool => Ok(Value::Bool(input == [1])),
            _ => String::from_utf8(input.to_vec()).map(Value::Text).map_err(|_| bad()),
        }
    }
}
