//! The executor: runs plan nodes as pull-based iterators over rows (the Volcano model).
//!
//! Every iterator owns what it reads — an `Arc` of the statement's environment (its
//! transaction view, catalog, parameters and session) and clones of its expressions — so a
//! query's rows can stream to the client for as long as it reads, in bounded memory: scans read
//! RocksDB in chunks, and only Sort, hash join builds, aggregation, DISTINCT and set operations
//! hold rows. Writes (INSERT, UPDATE, DELETE, DDL) are in [`dml`] and [`ddl`]; they are async,
//! because taking a row lock may wait.

pub mod ddl;
mod deparse;
pub mod dml;
mod eval;
pub mod explain;
pub mod keys;
mod ops;
mod scan;
mod window;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use tandem_txn::TxnView;

use crate::catalog::Catalog;
use crate::error::Result;
use crate::functions::FunctionEnv;
use crate::plan::{Node, SubqueryExpr};
use crate::session::CancelToken;
use crate::types::compare::HashKey;
use crate::types::{TextContext, Value};

pub use eval::{count_of, eval_const};

/// A row.
pub type Row = Vec<Value>;

/// The rows of the enclosing queries, innermost last.
pub type Outer = Arc<Vec<Row>>;

/// What expression evaluation needs from the session (settings, sequences, identity).
pub trait SessionContext: Send + Sync {
    /// Current user.
    fn user(&self) -> String;
    /// Current database.
    fn database(&self) -> String;
    /// Schemas of the search path, in order.
    fn search_path(&self) -> Vec<String>;
    /// A setting's current value.
    fn setting(&self, name: &str) -> Option<String>;
    /// Every setting with its value and description (`pg_settings`, `SHOW ALL`).
    fn all_settings(&self) -> Vec<(String, String, String)>;
    /// `set_config()`: sets a setting, returns the new value.
    fn set_config(&self, name: &str, value: Option<&str>, local: bool) -> Result<String>;
    /// `nextval()`.
    fn nextval(&self, seq: u32) -> Result<i64>;
    /// `currval()`.
    fn currval(&self, seq: u32) -> Result<i64>;
    /// `setval()`.
    fn setval(&self, seq: u32, value: i64, is_called: bool) -> Result<i64>;
    /// `lastval()`.
    fn lastval(&self) -> Result<i64>;
    /// `pg_backend_pid()`.
    fn backend_pid(&self) -> i32;
    /// The cluster's state, for the `tandem_cluster` view.
    fn cluster_rows(&self) -> Vec<Row>;
    /// A new, cluster-unique hidden row id (tables without a primary key).
    fn next_rowid(&self) -> i64;
}

/// A cached uncorrelated subquery result.
pub struct SubqueryResult {
    /// Its rows.
    pub rows: Vec<Row>,
    /// For `IN`: the non-NULL values.
    pub set: Option<HashSet<HashKey>>,
    /// For `IN`: whether a NULL was among them.
    pub has_null: bool,
}

/// Everything a statement's execution reads.
pub struct ExecEnv {
    /// The transaction's view (snapshot plus own writes).
    pub view: TxnView,
    /// The catalog.
    pub catalog: Arc<Catalog>,
    /// Parameter values.
    pub params: Vec<Value>,
    /// Text I/O settings.
    pub text: TextContext,
    /// Transaction start (µs since 2000-01-01 UTC).
    pub txn_ts: i64,
    /// Statement start.
    pub stmt_ts: i64,
    /// The session.
    pub session: Arc<dyn SessionContext>,
    /// Cancellation.
    pub cancel: CancelToken,
    ctes: Vec<OnceLock<Arc<Vec<Row>>>>,
    /// The current round's rows of each running recursive CTE, by work table slot.
    worktables: Mutex<HashMap<usize, Arc<Vec<Row>>>>,
    subqueries: Mutex<HashMap<usize, Arc<SubqueryResult>>>,
}

impl std::fmt::Debug for ExecEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecEnv").finish_non_exhaustive()
    }
}

impl ExecEnv {
    /// An environment for one statement with `ctes` common table expression slots.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        view: TxnView,
        catalog: Arc<Catalog>,
        params: Vec<Value>,
        text: TextContext,
        txn_ts: i64,
        stmt_ts: i64,
        session: Arc<dyn SessionContext>,
        cancel: CancelToken,
        ctes: usize,
    ) -> Arc<Self> {
        Arc::new(Self {
            view,
            catalog,
            params,
            text,
            txn_ts,
            stmt_ts,
            session,
            cancel,
            ctes: (0..ctes).map(|_| OnceLock::new()).collect(),
            worktables: Mutex::new(HashMap::new()),
            subqueries: Mutex::new(HashMap::new()),
        })
    }

    /// Fails with 57014 once the statement was cancelled.
    pub fn check_cancel(&self) -> Result<()> {
        self.cancel.check()
    }

    fn cached_subquery(
        &self,
        sq: &SubqueryExpr,
        run: impl FnOnce() -> Result<SubqueryResult>,
    ) -> Result<Arc<SubqueryResult>> {
        let key = Arc::as_ptr(&sq.plan) as usize;
        if let Some(r) = self.subqueries.lock().get(&key) {
            return Ok(r.clone());
        }
        let result = Arc::new(run()?);
        self.subqueries.lock().insert(key, result.clone());
        Ok(result)
    }
}

impl FunctionEnv for ExecEnv {
    fn current_user(&self) -> String {
        self.session.user()
    }
    fn current_database(&self) -> String {
        self.session.database()
    }
    fn current_schema(&self) -> Option<String> {
        self.session.search_path().into_iter().find(|s| self.catalog.schema_oid(s).is_some())
    }
    fn setting(&self, name: &str) -> Option<String> {
        self.session.setting(name)
    }
    fn check_cancel(&self) -> Result<()> {
        ExecEnv::check_cancel(self)
    }
}

/// Evaluation context: the environment and the enclosing rows.
pub struct Cx<'a> {
    /// The statement's environment.
    pub env: &'a Arc<ExecEnv>,
    /// Rows of enclosing queries.
    pub outer: &'a Outer,
}

/// An operator producing rows.
pub trait RowIter: Send {
    /// The next row, or `None` at the end.
    fn next(&mut self) -> Result<Option<Row>>;
}

/// Opens `node` for execution.
pub fn open(node: &Node, env: &Arc<ExecEnv>, outer: &Outer) -> Result<Box<dyn RowIter>> {
    ops::open(node, env, outer)
}

/// Runs `node` to completion, collecting its rows.
pub fn collect(node: &Node, env: &Arc<ExecEnv>) -> Result<Vec<Row>> {
    let outer = Arc::new(Vec::new());
    let mut it = open(node, env, &outer)?;
    let mut rows = Vec::new();
    while let Some(r) = it.next()? {
        env.check_cancel()?;
        rows.push(r);
    }
    Ok(rows)
}

/// Streams a node's rows as an iterator (for the client).
pub fn stream(node: &Node, env: &Arc<ExecEnv>) -> Result<impl Iterator<Item = Result<Row>> + Send + 'static> {
    let outer = Arc::new(Vec::new());
    let it = open(node, env, &outer)?;
    let env = env.clone();
    Ok(RowStreamAdapter { it, env, done: false })
}

struct RowStreamAdapter {
    it: Box<dyn RowIter>,
    env: Arc<ExecEnv>,
    done: bool,
}

impl Iterator for RowStreamAdapter {
    type Item = Result<Row>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.env.check_cancel().and_then(|_| self.it.next());
        match r {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
