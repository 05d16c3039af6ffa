//! What expression evaluation may touch of a session while a statement runs: its settings,
//! its sequence state (`currval`, `lastval`) and its identity. Shared behind an `Arc` between
//! the session and its statements' executors.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::catalog::Catalog;
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::{Row, SessionContext};
use crate::session::engine::Engine;
use crate::session::settings::Settings;
use crate::types::Value;

/// The session state expression evaluation reads and writes.
pub(crate) struct Shared {
    pub engine: Arc<Engine>,
    pub settings: Mutex<Settings>,
    pub user: String,
    pub database: String,
    pub pid: i32,
    currvals: Mutex<HashMap<u32, i64>>,
    lastval: Mutex<Option<i64>>,
    /// The catalog the running statement was bound with (sequence definitions).
    pub catalog: Mutex<Arc<Catalog>>,
}

impl Shared {
    pub fn new(engine: Arc<Engine>, user: String, database: String, pid: i32, catalog: Arc<Catalog>) -> Self {
        let settings = Settings::new(&user);
        Self {
            engine,
            settings: Mutex::new(settings),
            user,
            database,
            pid,
            currvals: Mutex::new(HashMap::new()),
            lastval: Mutex::new(None),
            catalog: Mutex::new(catalog),
        }
    }

    fn sequence(&self, oid: u32) -> Result<Arc<crate::catalog::objects::Sequence>> {
        let catalog = self.catalog.lock().clone();
        match catalog.sequences.get(&oid) {
            Some(s) => Ok(s.clone()),
            None => match catalog.relation_by_oid(oid) {
                Some(_) => Err(SqlError::new(
                    sqlstate::WRONG_OBJECT_TYPE,
                    format!("relation with OID {oid} is not a sequence"),
                )),
                None => {
                    Err(SqlError::new(sqlstate::UNDEFINED_TABLE, format!("could not open relation with OID {oid}")))
                }
            },
        }
    }

    /// Runs an async engine operation from the (synchronous) executor.
    fn block_on<T>(&self, f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f))
    }

    /// Forgets `currval`/`lastval` (DISCARD ALL).
    pub fn discard(&self) {
        self.currvals.lock().clear();
        *self.lastval.lock() = None;
    }
}

impl SessionContext for Shared {
    fn user(&self) -> String {
        self.user.clone()
    }

    fn database(&self) -> String {
        self.database.clone()
    }

    fn search_path(&self) -> Vec<String> {
        self.settings.lock().search_path()
    }

    fn setting(&self, name: &str) -> Option<String> {
        self.settings.lock().get(name)
    }

    fn all_settings(&self) -> Vec<(String, String, String)> {
        self.settings.lock().all()
    }

    fn set_config(&self, name: &str, value: Option<&str>, local: bool) -> Result<String> {
        self.settings.lock().set(name, value, local)
    }

    fn nextval(&self, seq: u32) -> Result<i64> {
        let def = self.sequence(seq)?;
        let engine = self.engine.clone();
        let v = self.block_on(async move { engine.sequences.nextval(&engine, &def).await })?;
        self.currvals.lock().insert(seq, v);
        *self.lastval.lock() = Some(v);
        Ok(v)
    }

    fn currval(&self, seq: u32) -> Result<i64> {
        let def = self.sequence(seq)?;
        self.currvals.lock().get(&seq).copied().ok_or_else(|| {
            SqlError::new(
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("currval of sequence \"{}\" is not yet defined in this session", def.name),
            )
        })
    }

    fn setval(&self, seq: u32, value: i64, is_called: bool) -> Result<i64> {
        let def = self.sequence(seq)?;
        let engine = self.engine.clone();
        let v = self.block_on(async move { engine.sequences.setval(&engine, &def, value, is_called).await })?;
        if is_called {
            self.currvals.lock().insert(seq, v);
        }
        Ok(v)
    }

    fn lastval(&self) -> Result<i64> {
        self.lastval.lock().ok_or_else(|| {
            SqlError::new(sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE, "lastval is not yet defined in this session")
        })
    }

    fn backend_pid(&self) -> i32 {
        self.pid
    }

    fn cluster_rows(&self) -> Vec<Row> {
        // Each member as it reports itself (crates/raft/src/status.rs); lag is measured against
        // the highest commit index any member reports (the leader's).
        let node = self.engine.node();
        let st = node.status();
        let reports: Vec<_> = st.members.iter().map(|m| (m, node.member_report(m.id).report)).collect();
        let commit = reports.iter().filter_map(|(_, r)| r.as_ref().map(|r| r.commit_index)).max().unwrap_or(0);
        let int = |v: Option<u64>| v.map_or(Value::Null, |v| Value::Int8(v as i64));
        reports
            .into_iter()
            .map(|(m, report)| {
                let r = report.as_ref();
                vec![
                    Value::Int8(m.id as i64),
                    Value::Text(m.member.peer_addr.clone()),
                    Value::Text(m.member.pg_addr.clone()),
                    Value::Text(m.member.http_addr.clone()),
                    Value::Text(r.map_or("unreachable", |r| r.role.as_str()).to_string()),
                    Value::Bool(m.voter),
                    Value::Bool(r.is_some_and(|r| r.role == "leader")),
                    Value::Bool(r.is_some()),
                    int(r.map(|r| r.term)),
                    int(r.map(|r| r.commit_index)),
                    int(r.map(|r| r.applied_index)),
                    int(r.map(|r| commit.saturating_sub(r.applied_index))),
                    int(r.and_then(|r| r.staleness_ms)),
                ]
            })
            .collect()
    }

    fn next_rowid(&self) -> i64 {
        self.engine.next_rowid()
    }
}
