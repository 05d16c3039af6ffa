//! `SELECT ... FOR UPDATE / FOR SHARE` (with NOWAIT or SKIP LOCKED) over one table.
//!
//! The query runs with each row's key as an extra last column; rows are locked one at a time as
//! they come, in the query's order, as PostgreSQL's LockRows node does. LIMIT and OFFSET apply
//! to the locked rows (LockRows sits under Limit), so a row that SKIP LOCKED leaves out does
//! not count: `ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED` returns the first row nobody holds,
//! the job-queue idiom. Only the rows pulled are locked: a LIMIT stops the scan.
//!
//! A locked row that changed since the statement's snapshot fails REPEATABLE READ and
//! SERIALIZABLE with 40001; READ COMMITTED runs the query again with a new snapshot, keeping
//! the locks it holds, until every returned row is current.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tandem_txn::{Isolation, LockMode, TxnError};

use super::{now_micros, CancelToken, Outcome, Session, TxnRef};
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::{self, ExecEnv};
use crate::plan::{Expr, Node, QueryPlan};
use crate::types::Value;

/// How many times READ COMMITTED re-reads before it returns what it has.
const MAX_REREADS: usize = 8;

/// A locking query as it runs.
struct LockingQuery {
    /// The query without its top LIMIT, each row ending with its key.
    root: Node,
    /// What was taken out of the query.
    parts: Parts,
}

/// The parts of a locking query that run outside its plan.
#[derive(Default)]
struct Parts {
    /// The table whose rows are locked (for error messages).
    table: String,
    /// The top LIMIT and OFFSET, applied to the locked rows.
    limit: Option<Expr>,
    offset: Option<Expr>,
}

/// Rewrites `root` so that its scan of the single table outputs the row key, carried to the
/// end of the output rows, and takes off a LIMIT above every sort and filter. `None` when the
/// query reads other than one table.
fn locking_query(root: &Node) -> Option<LockingQuery> {
    fn scans(n: &Node) -> usize {
        match n {
            Node::Scan(_) => 1,
            Node::Filter { input, .. }
            | Node::Project { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. } => scans(input),
            _ => 100,
        }
    }
    if scans(root) != 1 {
        return None;
    }
    /// Returns the rewritten node and the index of the key column in its output.
    fn rewrite(n: &Node, top: bool, q: &mut Parts) -> (Node, usize) {
        match n {
            Node::Scan(s) => {
                let mut s = s.clone();
                s.with_key = true;
                q.table = s.table.name.clone();
                let key = s.table.columns.len();
                (Node::Scan(s), key)
            }
            Node::Filter { input, predicate } => {
                let (i, k) = rewrite(input, false, q);
                (Node::Filter { input: Box::new(i), predicate: predicate.clone() }, k)
            }
            Node::Project { input, exprs } => {
                let (i, k) = rewrite(input, top, q);
                let mut exprs = exprs.clone();
                exprs.push(Expr::Column(k));
                let key = exprs.len() - 1;
                (Node::Project { input: Box::new(i), exprs }, key)
            }
            Node::Sort { input, keys } => {
                let (i, k) = rewrite(input, false, q);
                (Node::Sort { input: Box::new(i), keys: keys.clone() }, k)
            }
            Node::Limit { input, limit, offset } if top => {
                q.limit = limit.clone();
                q.offset = offset.clone();
                rewrite(input, false, q)
            }
            Node::Limit { input, limit, offset } => {
                let (i, k) = rewrite(input, false, q);
                (Node::Limit { input: Box::new(i), limit: limit.clone(), offset: offset.clone() }, k)
            }
            other => (other.clone(), 0),
        }
    }
    let mut parts = Parts::default();
    let root = rewrite(root, true, &mut parts).0;
    Some(LockingQuery { root, parts })
}

fn count(env: &Arc<ExecEnv>, e: &Option<Expr>, what: &str) -> Result<Option<u64>> {
    match e {
        Some(e) => exec::count_of(&exec::eval_const(env, e)?, what),
        None => Ok(None),
    }
}

impl Session {
    /// Runs a `SELECT ... FOR UPDATE/SHARE` of one table (see the module comment).
    pub(super) async fn select_for_update(
        &mut self,
        q: &QueryPlan,
        params: Vec<Value>,
        cancel: &CancelToken,
    ) -> Result<Outcome> {
        let locking = q.locking.clone().expect("checked by the caller");
        let LockingQuery { root, parts } = locking_query(&q.root)
            .ok_or_else(|| SqlError::unsupported("FOR UPDATE/FOR SHARE on a query that is not over one table"))?;
        let mode = if locking.exclusive { LockMode::Exclusive } else { LockMode::Shared };
        let lock_timeout =
            if locking.nowait || locking.skip_locked { Some(Duration::ZERO) } else { self.lock_timeout() };
        let started = self.block.as_ref().map(|b| b.started).unwrap_or_else(now_micros);
        let catalog = self.shared.catalog.lock().clone();
        let text = self.text.clone();
        let shared = self.shared.clone();
        let mut txn_ref = self.txn();
        let txn = match &mut txn_ref {
            TxnRef::Block(b) => &mut b.txn,
            TxnRef::Auto(t) => t,
        };
        txn.begin_statement().await?;
        let mut locked: HashSet<Vec<u8>> = HashSet::new();
        let mut rows = Vec::new();
        for _ in 0..MAX_REREADS {
            let view = txn.view()?;
            let env = ExecEnv::new(
                view,
                catalog.clone(),
                params.clone(),
                text.clone(),
                started,
                now_micros(),
                shared.clone(),
                cancel.clone(),
                q.ctes,
            );
            let limit = count(&env, &parts.limit, "LIMIT")?;
            let mut skip = count(&env, &parts.offset, "OFFSET")?.unwrap_or(0);
            let mut stale = false;
            rows.clear();
            let outer = Arc::new(Vec::new());
            let mut found = exec::open(&root, &env, &outer)?;
            while limit.is_none_or(|l| (rows.len() as u64) < l) {
                let Some(mut row) = found.next()? else { break };
                env.check_cancel()?;
                let Some(Value::Bytea(key)) = row.pop() else {
                    return Err(SqlError::internal("locking query without row keys"));
                };
                if !locked.contains(&key) {
                    match txn.lock_row(&key, mode, lock_timeout).await {
                        Ok(l) => {
                            locked.insert(key.clone());
                            if l.changed {
                                if txn.isolation() != Isolation::ReadCommitted {
                                    return Err(SqlError::serialization_failure(
                                        "could not serialize access due to concurrent update",
                                    ));
                                }
                                stale = true;
                            }
                        }
                        Err(TxnError::LockTimeout) if locking.skip_locked => continue,
                        Err(TxnError::LockTimeout) if locking.nowait => {
                            return Err(SqlError::new(
                                sqlstate::LOCK_NOT_AVAILABLE,
                                format!("could not obtain lock on row in relation \"{}\"", parts.table),
                            ));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                rows.push(Ok(row));
            }
            if !stale {
                break;
            }
            // READ COMMITTED: read again with a new snapshot, now that the rows are locked.
            txn.begin_statement().await?;
        }
        if let TxnRef::Auto(t) = txn_ref {
            t.commit().await?;
        }
        Ok(Outcome::Rows {
            columns: Arc::new(q.columns.clone()),
            rows: Box::new(rows.into_iter()),
            tag: "SELECT".into(),
        })
    }
}
