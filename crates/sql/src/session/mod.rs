//! Sessions: one per client connection. A session holds the connection's settings and its
//! transaction state (idle, in a block, failed), and runs statements.
//!
//! The wire layer (crates/server) speaks the PostgreSQL protocol and calls this API:
//! [`Engine::new_session`] at startup, [`Session::parse_batch`] for a simple Query,
//! [`Session::prepare`] for Parse, [`Session::execute`] for each statement or Execute, the COPY
//! calls for CopyData, and [`Session::transaction_status`] for ReadyForQuery.
//!
//! Outside a transaction block every statement runs in its own transaction (autocommit);
//! several statements in one simple Query run in one implicit transaction, as in PostgreSQL.
//! In a block, an error fails the block: everything but ROLLBACK (or ROLLBACK TO SAVEPOINT)
//! is refused with 25P02 until then.

mod api;
pub(crate) mod copy;
mod engine;
mod locking;
mod route;
mod settings;
mod shared;

pub use api::{CancelToken, Column, CopyFormat, CopyIn, Outcome, Row, RowStream, StartupInfo, TransactionStatus};
pub use engine::Engine;
pub use route::Route;
pub use settings::Settings;

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tandem_txn::{Isolation, LockMode, Txn};

use crate::catalog::keys::catalog_range;
use crate::catalog::Catalog;
use crate::error::{sqlstate, Result, Severity, SqlError};
use crate::exec::ddl::DdlRunner;
use crate::exec::{self, dml, ExecEnv};
use crate::plan::bind::Plan;
use crate::plan::utility::{CopyPlan, Utility};
use crate::plan::Binder;
use crate::sql_parse::{self, Parsed};
use crate::types::text::{DateOrder, TextContext};
use crate::types::{DataType, Value};
use shared::Shared;

/// A parsed statement, planned on first use: one statement of a simple Query, or a prepared
/// statement of the extended protocol.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The statement's text.
    pub sql: String,
    /// Parameter types, as declared by the client or inferred (ParameterDescription).
    pub param_types: Vec<DataType>,
    /// Result columns (RowDescription), or `None` when the statement returns no rows (NoData).
    pub columns: Option<Arc<Vec<Column>>>,
    /// Character offset of this statement in the query string it came from.
    pub offset: usize,
    parsed: Option<Arc<Parsed>>,
    declared: Vec<Option<DataType>>,
    cache: Arc<Mutex<Option<CachedPlan>>>,
}

/// A statement's plan, valid while its key matches.
type CachedPlan = (PlanKey, Arc<Plan>);

#[derive(Clone, Debug, PartialEq)]
struct PlanKey {
    generation: u64,
    search_path: String,
}

struct Block {
    txn: Txn,
    failed: bool,
    implicit: bool,
    catalog_dirty: bool,
    started: i64,
}

impl Block {
    /// A statement failed: the block refuses everything but ROLLBACK (TO SAVEPOINT) from now
    /// on, and what the failed (sub)transaction wrote and locked is released at once, as in
    /// PostgreSQL, so that nobody waits for this client's ROLLBACK.
    fn fail(&mut self) {
        if !self.failed {
            self.failed = true;
            self.txn.abort_to_last_savepoint();
        }
    }
}

/// A client's session.
pub struct Session {
    engine: Arc<Engine>,
    shared: Arc<Shared>,
    block: Option<Block>,
    text: TextContext,
    notices: Vec<SqlError>,
    prepared: HashMap<String, Prepared>,
    batch_len: usize,
    /// The catalog generation the running statement was planned at (see [`REPLAN`]).
    planned_at: u64,
}

/// Internal, never sent to a client: a read found, once past its read fence, that the catalog
/// changed after it was planned. The fence waits until the log is applied as far as the leader
/// had committed, DDL included, so a follower can learn of a table only then; the statement is
/// planned again rather than report the table missing or read it with an old shape.
const REPLAN: &str = "XXRPL";

/// An error that a catalog behind the cluster's could cause: a table, column, function,
/// type or schema not found.
fn names_a_missing_object(e: &SqlError) -> bool {
    matches!(
        e.code,
        sqlstate::UNDEFINED_TABLE
            | sqlstate::UNDEFINED_COLUMN
            | sqlstate::UNDEFINED_FUNCTION
            | sqlstate::UNDEFINED_OBJECT
            | sqlstate::INVALID_SCHEMA_NAME
    )
}

fn replan() -> SqlError {
    SqlError::new(REPLAN, "the catalog changed while the statement waited for its read fence")
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("user", &self.shared.user).finish_non_exhaustive()
    }
}

/// The current time as microseconds since 2000-01-01 UTC.
pub fn now_micros() -> i64 {
    const PG_EPOCH_UNIX_SECONDS: i64 = 946_684_800;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    now.as_micros() as i64 - PG_EPOCH_UNIX_SECONDS * 1_000_000
}

fn text_context(settings: &Settings) -> TextContext {
    let tz = settings.get("timezone").and_then(|z| z.parse::<chrono_tz::Tz>().ok()).unwrap_or(chrono_tz::UTC);
    let date_order = match settings.get("datestyle").as_deref() {
        Some(s) if s.ends_with("DMY") => DateOrder::Dmy,
        Some(s) if s.ends_with("YMD") => DateOrder::Ymd,
        _ => DateOrder::Mdy,
    };
    let extra_float_digits = settings.get("extra_float_digits").and_then(|v| v.parse().ok()).unwrap_or(1);
    TextContext { tz, date_order, extra_float_digits }
}

fn isolation_name(i: Isolation) -> &'static str {
    match i {
        Isolation::ReadCommitted => "read committed",
        Isolation::RepeatableRead => "repeatable read",
        Isolation::Serializable => "serializable",
    }
}

fn parse_isolation(s: &str) -> Isolation {
    match s {
        "repeatable read" => Isolation::RepeatableRead,
        "serializable" => Isolation::Serializable,
        _ => Isolation::ReadCommitted,
    }
}

fn warning(code: &'static str, message: &str) -> SqlError {
    SqlError { severity: Severity::Warning, ..SqlError::new(code, message) }
}

/// Names of the databases a client may connect to (one database, several names).
fn database_allowed(name: &str, user: &str) -> bool {
    matches!(name, "tandem" | "postgres" | "template1") || name == user
}

impl Engine {
    /// Opens a session for a client that connected with `startup`. Fails (FATAL 3D000) for a
    /// database that does not exist, or for an invalid startup setting.
    pub fn new_session(self: &Arc<Self>, startup: StartupInfo) -> Result<Session> {
        let user = if startup.user.is_empty() { "postgres".to_string() } else { startup.user.clone() };
        let database = if startup.database.is_empty() { user.clone() } else { startup.database.clone() };
        if !database_allowed(&database, &user) {
            return Err(SqlError {
                severity: Severity::Fatal,
                ..SqlError::new(sqlstate::INVALID_CATALOG_NAME, format!("database \"{database}\" does not exist"))
            });
        }
        let catalog = self.catalog()?;
        let shared = Arc::new(Shared::new(self.clone(), user, database, self.new_pid(), catalog));
        {
            let mut settings = shared.settings.lock();
            for (name, value) in &startup.params {
                let n = name.to_lowercase();
                match n.as_str() {
                    "user" | "database" | "replication" => {}
                    "options" => {
                        // `-c name=value` pairs, as libpq's PGOPTIONS sends them.
                        let mut words = value.split_whitespace();
                        while let Some(w) = words.next() {
                            let setting = match w {
                                "-c" => words.next(),
                                other => other.strip_prefix("--").or_else(|| other.strip_prefix("-c")),
                            };
                            if let Some((k, v)) = setting.and_then(|s| s.split_once('=')) {
                                settings
                                    .set(&k.replace('-', "_"), Some(v), false)
                                    .map_err(|e| SqlError { severity: Severity::Fatal, ..e })?;
                            }
                        }
                    }
                    _ => {
                        settings
                            .set(&n, Some(value), false)
                            .map_err(|e| SqlError { severity: Severity::Fatal, ..e })?;
                    }
                }
            }
            settings.drain_changes();
        }
        let text = text_context(&shared.settings.lock());
        Ok(Session {
            engine: self.clone(),
            shared,
            block: None,
            text,
            notices: Vec::new(),
            prepared: HashMap::new(),
            batch_len: 0,
            planned_at: 0,
        })
    }
}

/// What running a statement needs of the current transaction.
enum TxnRef<'a> {
    /// The block's transaction.
    Block(&'a mut Block),
    /// A transaction for this statement alone.
    Auto(Txn),
}

impl Session {
    /// The backend's process id (for BackendKeyData and `pg_backend_pid()`).
    pub fn pid(&self) -> i32 {
        self.shared.pid
    }

    /// The ParameterStatus messages to send after authentication.
    pub fn parameter_statuses(&self) -> Vec<(String, String)> {
        self.shared.settings.lock().reported()
    }

    /// Splits and parses a simple Query string into its statements (empty for a string of
    /// only comments or semicolons). Syntax errors carry the position in `sql`. Statements are
    /// bound when they run, so that later ones see tables earlier ones created.
    pub fn parse_batch(&mut self, sql: &str) -> Result<Vec<Prepared>> {
        sql_parse::split(sql).into_iter().map(|piece| self.parse_statement(&piece.sql, piece.offset)).collect()
    }

    /// Parses one statement for the extended protocol (Parse). `param_types[i]` is the type the
    /// client declared for `$i+1`, or `None` to infer it. More than one statement is an error
    /// (42601).
    pub fn prepare(&mut self, sql: &str, param_types: &[Option<DataType>]) -> Result<Prepared> {
        let pieces = sql_parse::split(sql);
        if pieces.len() > 1 {
            return Err(SqlError::new(
                sqlstate::SYNTAX_ERROR,
                "cannot insert multiple commands into a prepared statement",
            ));
        }
        let Some(piece) = pieces.into_iter().next() else {
            return Ok(Prepared {
                sql: sql.to_string(),
                param_types: param_types.iter().map(|t| t.clone().unwrap_or(DataType::Text)).collect(),
                columns: None,
                offset: 0,
                parsed: None,
                declared: param_types.to_vec(),
                cache: Arc::new(Mutex::new(None)),
            });
        };
        let parsed = Arc::new(sql_parse::parse_piece(&piece.sql, piece.offset)?);
        let mut prepared = Prepared {
            sql: piece.sql,
            param_types: vec![],
            columns: None,
            offset: piece.offset,
            parsed: Some(parsed),
            declared: param_types.to_vec(),
            cache: Arc::new(Mutex::new(None)),
        };
        let (plan, params) = self.plan(&prepared)?;
        prepared.param_types = params;
        prepared.columns = describe(&plan);
        Ok(prepared)
    }

    /// [`Session::prepare`], for a node whose catalog may be behind the cluster's (a follower):
    /// a statement that names something not found is prepared again after a read fence has
    /// brought the node up to date, if that changed the catalog. A table created through
    /// another node is then found.
    pub async fn prepare_fenced(&mut self, sql: &str, param_types: &[Option<DataType>]) -> Result<Prepared> {
        let planned_at = self.engine.catalog.generation();
        match self.prepare(sql, param_types) {
            Err(e) if self.caught_up(&e, planned_at).await? => self.prepare(sql, param_types),
            result => result,
        }
    }

    /// After binding failed with `e`: true when `e` names a table, column, function or schema
    /// not found, this node may be behind (it is not the ready leader, whose catalog holds every
    /// committed change), and passing the read fence, which applies the log as far as the
    /// leader had committed, changed the catalog since `planned_at`. Binding again may then
    /// succeed; otherwise `e` stands.
    async fn caught_up(&mut self, e: &SqlError, planned_at: u64) -> Result<bool> {
        if !names_a_missing_object(e) || self.engine.txns.is_ready_leader() {
            return Ok(false);
        }
        self.engine.txns.read_fence(self.stale_read_bound()).await?;
        Ok(self.engine.catalog.generation() != planned_at)
    }

    /// The catalog statements are bound against: the transaction's own when it changed the
    /// schema, else the node's newest.
    fn catalog(&mut self) -> Result<Arc<Catalog>> {
        if let Some(block) = &mut self.block {
            if block.catalog_dirty {
                let view = block.txn.view()?;
                let (start, end) = catalog_range();
                let items = view
                    .scan((Bound::Included(start), Bound::Excluded(end)), false)
                    .map(|r| r.map(|(k, v)| (k, v.value)))
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(Arc::new(Catalog::load(items)?));
            }
        }
        self.engine.catalog()
    }

    /// Binds a statement (or reuses its cached plan); returns the plan and the parameter types.
    fn plan(&mut self, stmt: &Prepared) -> Result<(Arc<Plan>, Vec<DataType>)> {
        let Some(parsed) = &stmt.parsed else { return Err(SqlError::internal("planning an empty statement")) };
        let Parsed::Statement(ast) = parsed.as_ref() else {
            return Err(SqlError::internal("planning a statement handled without a plan"));
        };
        let dirty = self.block.as_ref().is_some_and(|b| b.catalog_dirty);
        let search_path = self.shared.settings.lock().search_path();
        let key = PlanKey { generation: self.engine.catalog.generation(), search_path: search_path.join(",") };
        if !dirty {
            if let Some((k, plan)) = stmt.cache.lock().as_ref() {
                if *k == key {
                    return Ok((plan.clone(), stmt.param_types.clone()));
                }
            }
        }
        let catalog = self.catalog()?;
        *self.shared.catalog.lock() = catalog.clone();
        let mut binder =
            Binder::new(&catalog, &search_path, &stmt.sql, &stmt.declared).with_text_context(self.text.clone());
        let plan = binder.bind_statement(ast).map_err(|e| shift_position(e, stmt.offset))?;
        binder.check_param_types()?;
        let params = binder.param_types();
        let plan = Arc::new(plan);
        if !dirty && matches!(plan.as_ref(), Plan::Query(_) | Plan::Insert(_) | Plan::Update(_) | Plan::Delete(_)) {
            *stmt.cache.lock() = Some((key, plan.clone()));
        }
        Ok((plan, params))
    }

    /// Runs `stmt` with `params` (already decoded with [`Prepared::param_types`]). A cancel
    /// through `cancel`, or `statement_timeout`, ends it with 57014.
    pub async fn execute(&mut self, stmt: &Prepared, params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        let Some(parsed) = stmt.parsed.clone() else { return Ok(Outcome::Empty) };
        if let Parsed::Noop(tag) = parsed.as_ref() {
            if self.block.as_ref().is_some_and(|b| b.failed) {
                return Err(aborted());
            }
            if *tag == "VACUUM" && self.block.as_ref().is_some_and(|b| !b.implicit) {
                return Err(SqlError::new(
                    sqlstate::ACTIVE_SQL_TRANSACTION,
                    "VACUUM cannot run inside a transaction block",
                ));
            }
            return Ok(Outcome::Command { tag: tag.to_string() });
        }
        let exits_failed_block = match parsed.as_ref() {
            Parsed::Statement(s) => matches!(
                s.as_ref(),
                sqlparser::ast::Statement::Rollback { .. } | sqlparser::ast::Statement::Commit { .. }
            ),
            Parsed::Noop(_) => false,
        };
        if self.block.as_ref().is_some_and(|b| b.failed) && !exits_failed_block {
            return Err(aborted());
        }
        let timeout_ms = self.shared.settings.lock().millis("statement_timeout");
        // The timeout covers the statement's whole life, including the rows sent after this
        // returns: the token carries it.
        cancel.set_timeout((timeout_ms > 0).then(|| Duration::from_millis(timeout_ms)));
        let result = tokio::select! {
            r = self.execute_inner(stmt, params, cancel) => r,
            e = cancel.cancelled() => Err(e),
        };
        if result.is_err() {
            if let Some(block) = &mut self.block {
                block.fail();
            }
        }
        self.text = text_context(&self.shared.settings.lock());
        result
    }

    async fn execute_inner(&mut self, stmt: &Prepared, params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        let mut params = params;
        let mut replans = 0;
        loop {
            self.planned_at = self.engine.catalog.generation();
            let plan = match self.plan(stmt) {
                Ok((plan, _)) => plan,
                Err(e) if replans == 0 && self.caught_up(&e, self.planned_at).await? => {
                    replans += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            // Only a read is sent back to be planned again (REPLAN); it keeps its parameters.
            let retry = matches!(plan.as_ref(), Plan::Query(_)).then(|| params.clone());
            match self.execute_plan(stmt, &plan, std::mem::take(&mut params), cancel).await {
                Err(e) if e.code == REPLAN => match retry {
                    Some(kept) if replans < 3 => {
                        params = kept;
                        replans += 1;
                    }
                    _ => {
                        return Err(SqlError::new(
                            sqlstate::SERIALIZATION_FAILURE,
                            "the schema kept changing while the statement waited to read",
                        ))
                    }
                },
                result => return result,
            }
        }
    }

    async fn execute_plan(
        &mut self,
        stmt: &Prepared,
        plan: &Plan,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome> {
        if params.len() < stmt.param_types.len() && !matches!(plan, Plan::Utility(_)) {
            return Err(SqlError::new(
                sqlstate::PROTOCOL_VIOLATION,
                format!(
                    "bind message supplies {} parameters, but prepared statement requires {}",
                    params.len(),
                    stmt.param_types.len()
                ),
            ));
        }
        self.run(plan, params, cancel).await
    }

    fn lock_timeout(&self) -> Option<Duration> {
        match self.shared.settings.lock().millis("lock_timeout") {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    /// How stale a local read may be (`tandem.stale_read_max_ms`), or `None` for
    /// linearizable reads.
    fn stale_read_bound(&self) -> Option<Duration> {
        match self.shared.settings.lock().millis("tandem.stale_read_max_ms") {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    fn default_characteristics(&self) -> (Isolation, bool) {
        let s = self.shared.settings.lock();
        let iso = parse_isolation(&s.get("default_transaction_isolation").unwrap_or_default());
        let ro = s.get("default_transaction_read_only").as_deref() == Some("on");
        (iso, ro)
    }

    /// The transaction a statement runs in: the block's, or a new one (autocommit).
    fn txn(&mut self) -> TxnRef<'_> {
        let (iso, ro) = self.default_characteristics();
        match &mut self.block {
            Some(block) => TxnRef::Block(block),
            None => TxnRef::Auto(self.engine.txns.begin(iso, ro)),
        }
    }

    async fn run(&mut self, plan: &Plan, params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        match plan {
            Plan::Utility(u) => self.utility(u, params, cancel).await,
            Plan::Explain(inner) => {
                let lines = exec::explain::explain(inner);
                let columns =
                    Arc::new(vec![Column { name: "QUERY PLAN".into(), ty: DataType::Text, table_oid: 0, attnum: 0 }]);
                let rows: Vec<crate::Result<Row>> = lines.into_iter().map(|l| Ok(vec![Value::Text(l)])).collect();
                Ok(Outcome::Rows { columns, rows: Box::new(rows.into_iter()), tag: "EXPLAIN".into() })
            }
            Plan::Query(q) if q.locking.is_some() => self.select_for_update(q, params, cancel).await,
            Plan::Query(q) => {
                let columns = Arc::new(q.columns.clone());
                let catalog = self.shared.catalog.lock().clone();
                let iso = self.default_characteristics().0;
                let stale = self.stale_read_bound();
                let env = match &mut self.block {
                    Some(block) => {
                        block.txn.begin_statement().await?;
                        if self.engine.catalog.generation() != self.planned_at {
                            return Err(replan());
                        }
                        let view = block.txn.view()?;
                        ExecEnv::new(
                            view,
                            catalog,
                            params,
                            self.text.clone(),
                            block.started,
                            now_micros(),
                            self.shared.clone(),
                            cancel.clone(),
                            q.ctes,
                        )
                    }
                    None => {
                        // A read-only statement: its transaction ends at once, and the stream
                        // keeps the snapshot it reads alive for as long as the client reads.
                        let mut txn = self.engine.txns.begin(iso, true);
                        if let Some(max) = stale {
                            txn.allow_stale_reads(max);
                        }
                        txn.begin_statement().await?;
                        if self.engine.catalog.generation() != self.planned_at {
                            return Err(replan());
                        }
                        let view = txn.view()?;
                        txn.rollback();
                        let now = now_micros();
                        ExecEnv::new(
                            view,
                            catalog,
                            params,
                            self.text.clone(),
                            now,
                            now,
                            self.shared.clone(),
                            cancel.clone(),
                            q.ctes,
                        )
                    }
                };
                let rows = exec::stream(&q.root, &env)?;
                Ok(Outcome::Rows { columns, rows: Box::new(rows), tag: "SELECT".into() })
            }
            Plan::Insert(_) | Plan::Update(_) | Plan::Delete(_) => self.dml(plan, params, cancel).await,
            Plan::Ddl(ddl) => {
                let started = self.block.as_ref().map(|b| b.started).unwrap_or_else(now_micros);
                let lock_timeout = self.lock_timeout();
                let catalog = self.shared.catalog.lock().clone();
                let text = self.text.clone();
                let shared = self.shared.clone();
                let mut txn_ref = self.txn();
                let txn = match &mut txn_ref {
                    TxnRef::Block(b) => &mut b.txn,
                    TxnRef::Auto(t) => t,
                };
                if txn.is_read_only() {
                    return Err(tandem_txn::TxnError::ReadOnly(ddl.command().into()).into());
                }
                txn.begin_statement().await?;
                let view = txn.view()?;
                let env = ExecEnv::new(view, catalog, params, text, started, now_micros(), shared, cancel.clone(), 0);
                let runner = DdlRunner::start(txn, &env, lock_timeout).await?;
                let outcome = runner.run(ddl).await?;
                match txn_ref {
                    TxnRef::Block(b) => b.catalog_dirty = true,
                    TxnRef::Auto(t) => {
                        t.commit().await?;
                    }
                }
                for n in outcome.notices {
                    self.notices.push(SqlError::notice(n));
                }
                Ok(Outcome::Command { tag: outcome.tag })
            }
        }
    }

    async fn dml(&mut self, plan: &Plan, params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        let started = self.block.as_ref().map(|b| b.started).unwrap_or_else(now_micros);
        let lock_timeout = self.lock_timeout();
        let catalog = self.shared.catalog.lock().clone();
        let text = self.text.clone();
        let shared = self.shared.clone();
        let mut txn_ref = self.txn();
        let txn = match &mut txn_ref {
            TxnRef::Block(b) => &mut b.txn,
            TxnRef::Auto(t) => t,
        };
        if txn.is_read_only() {
            let command = match plan {
                Plan::Insert(_) => "INSERT",
                Plan::Update(_) => "UPDATE",
                _ => "DELETE",
            };
            return Err(tandem_txn::TxnError::ReadOnly(command.into()).into());
        }
        txn.begin_statement().await?;
        let view = txn.view()?;
        let ctes = match plan {
            Plan::Insert(i) => match &i.source {
                crate::plan::dml::InsertSource::Query(_) => 64,
                _ => 0,
            },
            _ => 0,
        };
        let env = ExecEnv::new(view, catalog, params, text, started, now_micros(), shared, cancel.clone(), ctes);
        let (result, tag, returning) = match plan {
            Plan::Insert(p) => (dml::insert(p, txn, &env, lock_timeout).await?, "INSERT 0", p.returning.as_ref()),
            Plan::Update(p) => (dml::update(p, txn, &env, lock_timeout).await?, "UPDATE", p.returning.as_ref()),
            Plan::Delete(p) => (dml::delete(p, txn, &env, lock_timeout).await?, "DELETE", p.returning.as_ref()),
            _ => unreachable!("dml plans only"),
        };
        if let TxnRef::Auto(t) = txn_ref {
            t.commit().await?;
        }
        Ok(match returning {
            Some(r) => {
                let rows: Vec<crate::Result<Row>> = result.returning.into_iter().map(Ok).collect();
                Outcome::Rows {
                    columns: Arc::new(r.columns.clone()),
                    rows: Box::new(rows.into_iter()),
                    tag: tag.into(),
                }
            }
            None => Outcome::Command { tag: format!("{tag} {}", result.count) },
        })
    }

    fn begin_block(&mut self, isolation: Option<Isolation>, read_only: Option<bool>, implicit: bool) {
        let (iso, ro) = self.default_characteristics();
        let read_only = read_only.unwrap_or(ro);
        let mut txn = self.engine.txns.begin(isolation.unwrap_or(iso), read_only);
        if let Some(max) = self.stale_read_bound().filter(|_| read_only) {
            txn.allow_stale_reads(max);
        }
        self.shared.settings.lock().begin_transaction();
        self.block = Some(Block { txn, failed: false, implicit, catalog_dirty: false, started: now_micros() });
    }

    async fn end_block(&mut self, commit: bool) -> Result<&'static str> {
        let Some(block) = self.block.take() else { return Ok("COMMIT") };
        self.shared.settings.lock().end_transaction(commit && !block.failed);
        if commit && !block.failed {
            block.txn.commit().await?;
            Ok("COMMIT")
        } else {
            block.txn.rollback();
            Ok("ROLLBACK")
        }
    }

    async fn utility(&mut self, u: &Utility, params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        let cmd = |tag: &str| Ok(Outcome::Command { tag: tag.to_string() });
        match u {
            Utility::Begin { isolation, read_only, tag } => {
                match &mut self.block {
                    Some(b) if b.implicit => {
                        b.implicit = false;
                        if isolation.is_some() || read_only.is_some() {
                            b.txn.set_characteristics(*isolation, *read_only);
                        }
                    }
                    Some(_) => self
                        .notices
                        .push(warning(sqlstate::ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress")),
                    None => self.begin_block(*isolation, *read_only, false),
                }
                cmd(tag)
            }
            Utility::Commit => {
                if self.block.is_none() {
                    self.notices
                        .push(warning(sqlstate::NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"));
                }
                let tag = self.end_block(true).await?;
                cmd(tag)
            }
            Utility::Rollback => {
                if self.block.is_none() {
                    self.notices
                        .push(warning(sqlstate::NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"));
                }
                self.end_block(false).await?;
                cmd("ROLLBACK")
            }
            Utility::Savepoint(name) => {
                let Some(b) = self.block.as_mut().filter(|b| !b.implicit) else {
                    return Err(SqlError::new(
                        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                        "SAVEPOINT can only be used in transaction blocks",
                    ));
                };
                b.txn.savepoint(name);
                cmd("SAVEPOINT")
            }
            Utility::RollbackTo(name) => {
                let Some(b) = self.block.as_mut().filter(|b| !b.implicit) else {
                    return Err(SqlError::new(
                        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                        "ROLLBACK TO SAVEPOINT can only be used in transaction blocks",
                    ));
                };
                if !b.txn.rollback_to(name) {
                    return Err(SqlError::new(
                        sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
                        format!("savepoint \"{name}\" does not exist"),
                    ));
                }
                b.failed = false;
                cmd("ROLLBACK")
            }
            Utility::Release(name) => {
                let Some(b) = self.block.as_mut().filter(|b| !b.implicit) else {
                    return Err(SqlError::new(
                        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                        "RELEASE SAVEPOINT can only be used in transaction blocks",
                    ));
                };
                if !b.txn.release(name) {
                    return Err(SqlError::new(
                        sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
                        format!("savepoint \"{name}\" does not exist"),
                    ));
                }
                cmd("RELEASE")
            }
            Utility::SetTransaction { isolation, read_only, session } => {
                if *session {
                    let mut s = self.shared.settings.lock();
                    if let Some(i) = isolation {
                        s.set("default_transaction_isolation", Some(isolation_name(*i)), false)?;
                    }
                    if let Some(r) = read_only {
                        s.set("default_transaction_read_only", Some(if *r { "on" } else { "off" }), false)?;
                    }
                    return cmd("SET");
                }
                self.set_transaction(*isolation, *read_only)?;
                cmd("SET")
            }
            Utility::Set { name, value, local } => {
                match name.as_str() {
                    "transaction_isolation" => {
                        let v = value.as_deref().map(|v| parse_isolation(&v.to_lowercase().replace('_', " ")));
                        self.set_transaction(v, None)?;
                    }
                    "transaction_read_only" => {
                        let v =
                            value.as_deref().map(|v| matches!(v.to_lowercase().as_str(), "on" | "true" | "1" | "yes"));
                        self.set_transaction(None, v)?;
                    }
                    _ => {
                        if *local && self.block.is_none() {
                            self.notices.push(warning(
                                sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                                "SET LOCAL can only be used in transaction blocks",
                            ));
                            return cmd("SET");
                        }
                        self.shared.settings.lock().set(name, value.as_deref(), *local)?;
                    }
                }
                cmd("SET")
            }
            Utility::Reset(name) => {
                match name {
                    Some(n) => {
                        self.shared.settings.lock().set(n, None, false)?;
                    }
                    None => self.shared.settings.lock().reset_all(),
                }
                cmd("RESET")
            }
            Utility::Show(name) => self.show(name),
            Utility::Copy(copy) => self.copy(copy, params, cancel).await,
            Utility::Prepare { name, sql, types } => {
                if self.prepared.contains_key(name) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_PREPARED_STATEMENT,
                        format!("prepared statement \"{name}\" already exists"),
                    ));
                }
                let declared: Vec<Option<DataType>> = types.iter().cloned().map(Some).collect();
                let p = self.prepare(sql, &declared)?;
                self.prepared.insert(name.clone(), p);
                cmd("PREPARE")
            }
            Utility::Execute { name, params: exprs } => {
                let Some(p) = self.prepared.get(name).cloned() else {
                    return Err(SqlError::new(
                        sqlstate::INVALID_SQL_STATEMENT_NAME,
                        format!("prepared statement \"{name}\" does not exist"),
                    ));
                };
                if exprs.len() != p.param_types.len() {
                    return Err(SqlError::new(
                        sqlstate::SYNTAX_ERROR,
                        format!("wrong number of parameters for prepared statement \"{name}\""),
                    )
                    .detail(format!(
                        "Expected {} parameters but got {}.",
                        p.param_types.len(),
                        exprs.len()
                    )));
                }
                let values = self.constant_params(exprs, &p.param_types)?;
                Box::pin(self.execute_inner(&p, values, cancel)).await
            }
            Utility::Deallocate(name) => match name {
                Some(n) => {
                    if self.prepared.remove(n).is_none() {
                        return Err(SqlError::new(
                            sqlstate::INVALID_SQL_STATEMENT_NAME,
                            format!("prepared statement \"{n}\" does not exist"),
                        ));
                    }
                    cmd("DEALLOCATE")
                }
                None => {
                    self.prepared.clear();
                    cmd("DEALLOCATE ALL")
                }
            },
            Utility::Discard => {
                if self.block.as_ref().is_some_and(|b| !b.implicit) {
                    return Err(SqlError::new(
                        sqlstate::ACTIVE_SQL_TRANSACTION,
                        "DISCARD ALL cannot run inside a transaction block",
                    ));
                }
                self.prepared.clear();
                self.shared.settings.lock().reset_all();
                self.shared.discard();
                cmd("DISCARD ALL")
            }
            Utility::Noop { tag } => cmd(tag),
            Utility::Lock { tables } => {
                let lock_timeout = self.lock_timeout();
                let Some(b) = self.block.as_mut().filter(|b| !b.implicit) else {
                    return Err(SqlError::new(
                        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                        "LOCK TABLE can only be used in transaction blocks",
                    ));
                };
                for t in tables {
                    b.txn.lock(&crate::catalog::keys::table_lock(t.oid), LockMode::Exclusive, lock_timeout).await?;
                }
                cmd("LOCK TABLE")
            }
        }
    }

    fn set_transaction(&mut self, isolation: Option<Isolation>, read_only: Option<bool>) -> Result<()> {
        match self.block.as_mut().filter(|b| !b.implicit) {
            None => {
                self.notices.push(warning(
                    sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                    "SET TRANSACTION can only be used in transaction blocks",
                ));
                Ok(())
            }
            Some(b) => {
                if !b.txn.set_characteristics(isolation, read_only) {
                    return Err(SqlError::new(
                        sqlstate::ACTIVE_SQL_TRANSACTION,
                        "SET TRANSACTION ISOLATION LEVEL must be called before any query",
                    ));
                }
                Ok(())
            }
        }
    }

    fn show(&mut self, name: &str) -> Result<Outcome> {
        let text_col = |n: &str| Column { name: n.to_string(), ty: DataType::Text, table_oid: 0, attnum: 0 };
        if name == "all" {
            let all = self.shared.settings.lock().all();
            let rows: Vec<crate::Result<Row>> =
                all.into_iter().map(|(n, v, d)| Ok(vec![Value::Text(n), Value::Text(v), Value::Text(d)])).collect();
            let columns = Arc::new(vec![text_col("name"), text_col("setting"), text_col("description")]);
            return Ok(Outcome::Rows { columns, rows: Box::new(rows.into_iter()), tag: "SHOW".into() });
        }
        let value = match name {
            "transaction_isolation" => match &self.block {
                Some(b) => isolation_name(b.txn.isolation()).to_string(),
                None => self.shared.settings.lock().get("default_transaction_isolation").unwrap_or_default(),
            },
            "transaction_read_only" => match &self.block {
                Some(b) => if b.txn.is_read_only() { "on" } else { "off" }.to_string(),
                None => self.shared.settings.lock().get("default_transaction_read_only").unwrap_or_default(),
            },
            other => self.shared.settings.lock().get(other).ok_or_else(|| {
                SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("unrecognized configuration parameter \"{other}\""))
            })?,
        };
        let columns = Arc::new(vec![text_col(&settings::display_name(name))]);
        let rows: Vec<crate::Result<Row>> = vec![Ok(vec![Value::Text(value)])];
        Ok(Outcome::Rows { columns, rows: Box::new(rows.into_iter()), tag: "SHOW".into() })
    }

    fn constant_params(&mut self, exprs: &[sqlparser::ast::Expr], types: &[DataType]) -> Result<Vec<Value>> {
        let catalog = self.engine.catalog()?;
        let path = self.shared.settings.lock().search_path();
        let mut binder = Binder::new(&catalog, &path, "", &[]);
        let empty = crate::plan::scope::Scope::empty();
        let mut bound = Vec::new();
        for (e, ty) in exprs.iter().zip(types) {
            bound.push(binder.bind_expr_as(
                e,
                crate::plan::expr::Ctx::new(&empty, "EXECUTE"),
                ty,
                crate::types::cast::CoercionContext::Assignment,
            )?);
        }
        let env = self.scratch_env()?;
        bound.iter().map(|e| exec::eval_const(&env, e)).collect()
    }

    fn scratch_env(&mut self) -> Result<Arc<ExecEnv>> {
        // Constant expressions read no table: the newest local state will do.
        let mut txn = self.engine.txns.begin(Isolation::ReadCommitted, true);
        let view = txn.latest_view()?;
        let catalog = self.shared.catalog.lock().clone();
        Ok(ExecEnv::new(
            view,
            catalog,
            vec![],
            self.text.clone(),
            now_micros(),
            now_micros(),
            self.shared.clone(),
            CancelToken::new(),
            0,
        ))
    }

    async fn copy(&mut self, copy: &CopyPlan, _params: Vec<Value>, cancel: &CancelToken) -> Result<Outcome> {
        match copy {
            CopyPlan::To { query, format } => {
                let outcome = Box::pin(self.run(&Plan::Query((**query).clone()), vec![], cancel)).await?;
                match outcome {
                    Outcome::Rows { columns, rows, .. } => {
                        Ok(Outcome::CopyOut { columns, rows, format: format.clone() })
                    }
                    _ => Err(SqlError::internal("COPY TO of a query without rows")),
                }
            }
            CopyPlan::From { table, columns, format } => {
                let catalog = self.shared.catalog.lock().clone();
                let path = self.shared.settings.lock().search_path();
                let template =
                    Binder::new(&catalog, &path, "", &[]).bind_copy_target(table.clone(), columns.clone())?;
                if self.block.is_none() {
                    // COPY outside a block is one transaction of its own, committed by
                    // copy_finish.
                    self.begin_block(None, None, true);
                }
                if let Some(block) = &mut self.block {
                    // The statement's snapshot, which every batch of rows reads.
                    block.txn.begin_statement().await?;
                }
                Ok(Outcome::CopyIn(CopyIn {
                    table: table.name.clone(),
                    columns: columns.iter().map(|c| table.columns[*c].name.clone()).collect(),
                    format: format.clone(),
                    state: copy::CopyInState::new(template),
                }))
            }
        }
    }

    /// Starts a simple Query of `statements` statements. Several statements outside a
    /// transaction block run in one implicit transaction, as in PostgreSQL.
    pub fn batch_begin(&mut self, statements: usize) {
        self.batch_len = statements;
        if statements > 1 && self.block.is_none() {
            self.begin_block(None, None, true);
        }
    }

    /// Ends a simple Query: commits its implicit transaction, or rolls it back if a statement
    /// `failed`.
    pub async fn batch_end(&mut self, failed: bool) -> Result<()> {
        self.batch_len = 0;
        if self.block.as_ref().is_some_and(|b| b.implicit) {
            self.end_block(!failed).await?;
        }
        Ok(())
    }

    /// True while a transaction block (explicit or implicit) is open.
    pub fn in_block(&self) -> bool {
        self.block.is_some()
    }

    /// A number that changes whenever a setting of this session does.
    pub fn settings_generation(&self) -> u64 {
        self.shared.settings.lock().generation()
    }

    /// The session-level settings, to copy to another session (a relay on the leader).
    pub fn session_settings(&self) -> Vec<(String, String)> {
        self.shared.settings.lock().session_values()
    }

    /// Takes settings copied from another session.
    pub fn load_settings(&mut self, values: &[(String, String)]) {
        self.shared.settings.lock().load_session_values(values);
        self.text = text_context(&self.shared.settings.lock());
    }

    /// Parses one statement of a simple Query that another node split (`offset` is its place
    /// in the original string, for error positions); it is bound when it runs.
    pub fn parse_statement(&mut self, sql: &str, offset: usize) -> Result<Prepared> {
        let parsed = sql_parse::parse_piece(sql, offset)?;
        Ok(Prepared {
            sql: sql.to_string(),
            param_types: vec![],
            columns: None,
            offset,
            parsed: Some(Arc::new(parsed)),
            declared: vec![],
            cache: Arc::new(Mutex::new(None)),
        })
    }

    /// Marks an open transaction block failed (25P02 until ROLLBACK), for an error reported
    /// outside [`Session::execute`]: one raised while rows stream, or in Bind or Describe.
    pub fn fail_block(&mut self) {
        if let Some(block) = &mut self.block {
            block.fail();
        }
    }

    /// The status for ReadyForQuery.
    pub fn transaction_status(&self) -> TransactionStatus {
        match &self.block {
            None => TransactionStatus::Idle,
            Some(b) if b.implicit => TransactionStatus::Idle,
            Some(b) if b.failed => TransactionStatus::Failed,
            Some(_) => TransactionStatus::InBlock,
        }
    }

    /// Notices raised since the last call, to send before the statement's completion.
    pub fn take_notices(&mut self) -> Vec<SqlError> {
        std::mem::take(&mut self.notices)
    }

    /// Reported settings (`TimeZone`, `DateStyle`, `application_name`, ...) changed since the
    /// last call, to send as ParameterStatus.
    pub fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        self.shared.settings.lock().drain_changes()
    }

    /// Settings that shape text input and output (time zone, date order, float digits).
    pub fn text_context(&self) -> &TextContext {
        &self.text
    }

    /// A value in the text output format. `reg*` values print as the names of the objects
    /// they denote, looked up in the catalog the statement was bound with.
    pub fn format_text(&self, value: &Value, ty: &DataType) -> String {
        match (value, ty) {
            (Value::Oid(oid), DataType::RegClass | DataType::RegType | DataType::RegNamespace | DataType::RegProc) => {
                let catalog = self.shared.catalog.lock().clone();
                let path = self.shared.settings.lock().search_path();
                crate::pg_catalog::functions::reg_name(&catalog, &path, ty, *oid)
            }
            _ => crate::types::text::format_text(value, ty, &self.text),
        }
    }

    /// Adds rows (fields as text; `None` is NULL) to a COPY FROM STDIN.
    pub async fn copy_rows(&mut self, copy: &mut CopyIn, rows: Vec<Vec<Option<String>>>) -> Result<()> {
        let lock_timeout = self.lock_timeout();
        let catalog = self.engine.catalog()?;
        *self.shared.catalog.lock() = catalog.clone();
        let Some(block) = self.block.as_mut() else { return Err(SqlError::internal("COPY without a transaction")) };
        let env = {
            let view = block.txn.view()?;
            ExecEnv::new(
                view,
                catalog,
                vec![],
                self.text.clone(),
                block.started,
                now_micros(),
                self.shared.clone(),
                CancelToken::new(),
                0,
            )
        };
        let result = copy.state.insert(rows, &mut block.txn, &env, &self.text, lock_timeout).await;
        if result.is_err() {
            block.fail();
        }
        result
    }

    /// Completes a COPY FROM STDIN; returns the number of rows copied.
    pub async fn copy_finish(&mut self, copy: CopyIn) -> Result<u64> {
        if self.block.as_ref().is_some_and(|b| b.implicit) && self.batch_len <= 1 {
            self.end_block(true).await?;
        }
        Ok(copy.state.rows)
    }

    /// Aborts a COPY FROM STDIN (CopyFail or a malformed row); returns the error to report.
    pub fn copy_abort(&mut self, copy: CopyIn, message: &str) -> SqlError {
        let _ = copy;
        if let Some(b) = &mut self.block {
            b.fail();
        }
        if self.block.as_ref().is_some_and(|b| b.implicit) && self.batch_len <= 1 {
            if let Some(b) = self.block.take() {
                b.txn.rollback();
            }
        }
        SqlError::new(sqlstate::QUERY_CANCELED, format!("COPY from stdin failed: {message}"))
    }

    /// Ends the session (the client disconnected): an open transaction rolls back.
    pub async fn close(mut self) {
        if let Some(b) = self.block.take() {
            b.txn.rollback();
        }
    }
}

fn aborted() -> SqlError {
    SqlError::new(
        sqlstate::IN_FAILED_SQL_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
    )
}

/// Shifts an error's position by the statement's offset in its query string.
fn shift_position(mut e: SqlError, offset: usize) -> SqlError {
    if let Some(p) = e.position {
        e.position = Some(p + offset as u32);
    }
    e
}

/// The result columns a plan describes (RowDescription), or `None` (NoData).
fn describe(plan: &Plan) -> Option<Arc<Vec<Column>>> {
    let text = |n: &str| Column { name: n.into(), ty: DataType::Text, table_oid: 0, attnum: 0 };
    match plan {
        Plan::Query(q) => Some(Arc::new(q.columns.clone())),
        Plan::Insert(p) => p.returning.as_ref().map(|r| Arc::new(r.columns.clone())),
        Plan::Update(p) => p.returning.as_ref().map(|r| Arc::new(r.columns.clone())),
        Plan::Delete(p) => p.returning.as_ref().map(|r| Arc::new(r.columns.clone())),
        Plan::Explain(_) => Some(Arc::new(vec![text("QUERY PLAN")])),
        Plan::Utility(Utility::Show(name)) => Some(Arc::new(if name == "all" {
            vec![text("name"), text("setting"), text("description")]
        } else {
            vec![text(&settings::display_name(name))]
        })),
        _ => None,
    }
}
