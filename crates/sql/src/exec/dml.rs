//! INSERT, UPDATE and DELETE: compute the rows, lock them, check constraints, and buffer the
//! writes (rows and index entries) in the transaction.
//!
//! Isolation rules for a row that changed between the statement's snapshot and its lock:
//! READ COMMITTED re-reads the newest version and re-checks the WHERE clause on it (skipping the
//! row if it no longer matches or was deleted), as PostgreSQL does; REPEATABLE READ and
//! SERIALIZABLE fail with 40001.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tandem_txn::{Isolation, LockMode, Txn};

use crate::catalog::keys::table_lock;
use crate::catalog::objects::Table;
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::keys::{decode_table_row, encode_table_row, has_null, index_entry, row_key};
use crate::exec::{collect, Cx, ExecEnv, Row};
use crate::plan::dml::{ConflictAction, DeletePlan, InsertPlan, InsertSource, UpdatePlan};
use crate::plan::{Expr, Node, Scan};
use crate::types::text::format_text;
use crate::types::Value;

/// What a DML statement did.
#[derive(Debug, Default)]
pub struct DmlResult {
    /// Rows inserted, updated or deleted.
    pub count: u64,
    /// `RETURNING` rows.
    pub returning: Vec<Row>,
}

fn cx(env: &Arc<ExecEnv>) -> (Arc<ExecEnv>, crate::exec::Outer) {
    (env.clone(), Arc::new(Vec::new()))
}

fn show_values(table: &Table, cols: &[usize], row: &[Value], env: &ExecEnv) -> (String, String) {
    let names: Vec<&str> = cols.iter().map(|c| table.columns[*c].name.as_str()).collect();
    let values: Vec<String> = cols
        .iter()
        .map(
            |c| if row[*c].is_null() { "null".into() } else { format_text(&row[*c], &table.columns[*c].ty, &env.text) },
        )
        .collect();
    (names.join(", "), values.join(", "))
}

fn failing_row(table: &Table, row: &[Value], env: &ExecEnv) -> String {
    let shown: Vec<String> = table
        .live_columns()
        .map(|(i, c)| if row[i].is_null() { "null".into() } else { format_text(&row[i], &c.ty, &env.text) })
        .collect();
    format!("Failing row contains ({}).", shown.join(", "))
}

/// Checks NOT NULL and CHECK constraints of a new row.
fn check_row(table: &Table, checks: &[(String, Expr)], row: &[Value], env: &Arc<ExecEnv>) -> Result<()> {
    for (i, c) in table.live_columns() {
        if c.not_null && row[i].is_null() {
            let mut e = SqlError::new(
                sqlstate::NOT_NULL_VIOLATION,
                format!(
                    "null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                    c.name, table.name
                ),
            )
            .detail(failing_row(table, row, env));
            e.table = Some(table.name.clone());
            e.column = Some(c.name.clone());
            return Err(e);
        }
    }
    let (env2, outer) = cx(env);
    let cx = Cx { env: &env2, outer: &outer };
    for (name, pred) in checks {
        // A CHECK passes unless it is FALSE (NULL passes).
        if cx.eval(pred, row)?.as_bool() == Some(false) {
            return Err(SqlError::new(
                sqlstate::CHECK_VIOLATION,
                format!("new row for relation \"{}\" violates check constraint \"{name}\"", table.name),
            )
            .detail(failing_row(table, row, env))
            .constraint(&table.name, name));
        }
    }
    Ok(())
}

fn unique_violation(table: &Table, constraint: &str, cols: &[usize], row: &[Value], env: &ExecEnv) -> SqlError {
    let (names, values) = show_values(table, cols, row, env);
    SqlError::new(
        sqlstate::UNIQUE_VIOLATION,
        format!("duplicate key value violates unique constraint \"{constraint}\""),
    )
    .detail(format!("Key ({names})=({values}) already exists."))
    .constraint(&table.name, constraint)
}

/// Takes the shared table lock DML holds (DDL takes it exclusively).
async fn lock_table(txn: &mut Txn, table: &Table, lock_timeout: Option<Duration>) -> Result<()> {
    txn.lock(&table_lock(table.oid), LockMode::Shared, lock_timeout).await?;
    Ok(())
}

/// The outcome of trying to claim a new row's keys.
enum Claim {
    /// Keys are free; the row can be written.
    Free,
    /// A conflicting row exists: its key (for ON CONFLICT DO UPDATE), and the constraint;
    /// whether it changed since the transaction's snapshot, and whether the transaction had
    /// read the key (SERIALIZABLE) before.
    Conflict {
        existing_key: Vec<u8>,
        arbiter: Option<usize>,
        constraint: String,
        cols: Vec<usize>,
        changed: bool,
        read: bool,
    },
}

/// Locks a new row's primary key and unique index entries and reports the first conflict.
async fn claim(
    txn: &mut Txn,
    table: &Table,
    row: &[Value],
    key: &[u8],
    own_key: Option<&[u8]>,
    lock_timeout: Option<Duration>,
) -> Result<Claim> {
    // A table without a primary key keys rows by fresh, cluster-unique row ids: nothing can
    // conflict with a new one, so it needs no lock.
    if own_key != Some(key) && table.primary_key.is_some() {
        let read = txn.has_read(key);
        let locked = txn.lock_row(key, LockMode::Exclusive, lock_timeout).await?;
        if locked.latest.is_some() {
            let pk = table.primary_key.as_ref();
            return Ok(Claim::Conflict {
                existing_key: key.to_vec(),
                arbiter: None,
                constraint: pk.map(|p| p.name.clone()).unwrap_or_default(),
                cols: pk.map(|p| p.columns.clone()).unwrap_or_default(),
                changed: locked.changed,
                read,
            });
        }
    }
    for (i, idx) in table.indexes.iter().enumerate() {
        if !idx.unique || has_null(idx, row) {
            continue;
        }
        let (entry_key, _) = index_entry(table, idx, row, key);
        let read_entry = txn.has_read(&entry_key);
        let locked = txn.lock_row(&entry_key, LockMode::Exclusive, lock_timeout).await?;
        if let Some(existing) = locked.latest {
            let existing_key = crate::exec::keys::row_key_from_suffix(table, &existing.value);
            if own_key == Some(existing_key.as_slice()) {
                continue;
            }
            let read = read_entry || txn.has_read(&existing_key);
            return Ok(Claim::Conflict {
                existing_key,
                arbiter: Some(i),
                constraint: idx.constraint.clone().unwrap_or(idx.name.clone()),
                cols: idx.columns.clone(),
                changed: locked.changed,
                read,
            });
        }
    }
    Ok(Claim::Free)
}

/// Buffers a row and its index entries.
fn write_row(txn: &mut Txn, table: &Table, row: &[Value], key: &[u8]) -> Result<()> {
    txn.put(key.to_vec(), encode_table_row(table, row))?;
    for idx in &table.indexes {
        let (k, v) = index_entry(table, idx, row, key);
        txn.put(k, v)?;
    }
    Ok(())
}

/// Buffers the removal of a row and its index entries.
fn remove_row(txn: &mut Txn, table: &Table, row: &[Value], key: &[u8]) -> Result<()> {
    txn.delete(key.to_vec())?;
    for idx in &table.indexes {
        let (k, _) = index_entry(table, idx, row, key);
        txn.delete(k)?;
    }
    Ok(())
}

/// Replaces `old` (at `old_key`) by `new`, maintaining indexes and checking keys.
async fn replace_row(
    txn: &mut Txn,
    table: &Table,
    old: &[Value],
    old_key: &[u8],
    new: &[Value],
    env: &Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
) -> Result<Vec<u8>> {
    let new_key = if table.primary_key.is_some() { row_key(table, new, None) } else { old_key.to_vec() };
    if new_key != old_key {
        if let Claim::Conflict { constraint, cols, .. } =
            claim(txn, table, new, &new_key, Some(old_key), lock_timeout).await?
        {
            return Err(unique_violation(table, &constraint, &cols, new, env));
        }
        remove_row(txn, table, old, old_key)?;
        write_row(txn, table, new, &new_key)?;
        return Ok(new_key);
    }
    for idx in &table.indexes {
        let (ok, _) = index_entry(table, idx, old, old_key);
        let (nk, nv) = index_entry(table, idx, new, &new_key);
        if ok == nk {
            continue;
        }
        if idx.unique && !has_null(idx, new) {
            let locked = txn.lock_row(&nk, LockMode::Exclusive, lock_timeout).await?;
            if let Some(existing) = locked.latest {
                if existing.value != crate::exec::keys::pk_suffix(&new_key) {
                    let name = idx.constraint.clone().unwrap_or(idx.name.clone());
                    return Err(unique_violation(table, &name, &idx.columns, new, env));
                }
            }
        }
        txn.delete(ok)?;
        txn.put(nk, nv)?;
    }
    txn.put(new_key.clone(), encode_table_row(table, new))?;
    Ok(new_key)
}

fn returning(plan: &Option<crate::plan::dml::Returning>, row: &[Value], env: &Arc<ExecEnv>) -> Result<Option<Row>> {
    let Some(r) = plan else { return Ok(None) };
    let (env2, outer) = cx(env);
    let cx = Cx { env: &env2, outer: &outer };
    Ok(Some(r.exprs.iter().map(|e| cx.eval(e, row)).collect::<Result<Vec<_>>>()?))
}

/// Runs an INSERT.
pub async fn insert(
    plan: &InsertPlan,
    txn: &mut Txn,
    env: &Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
) -> Result<DmlResult> {
    let table = &plan.table;
    lock_table(txn, table, lock_timeout).await?;
    let (env2, outer) = cx(env);
    let cx = Cx { env: &env2, outer: &outer };
    // Source rows, with None for DEFAULT.
    let source: Vec<Vec<Option<Value>>> = match &plan.source {
        InsertSource::Values(rows) => rows
            .iter()
            .map(|r| r.iter().map(|e| e.as_ref().map(|e| cx.eval(e, &[])).transpose()).collect::<Result<Vec<_>>>())
            .collect::<Result<_>>()?,
        InsertSource::Query(node) => {
            collect(node, env)?.into_iter().map(|r| r.into_iter().map(Some).collect()).collect()
        }
        InsertSource::Defaults => vec![vec![]],
    };
    let mut result = DmlResult::default();
    // Keys of the rows this statement wrote: DO UPDATE may not reach one of them again.
    let mut written: HashSet<Vec<u8>> = HashSet::new();
    for values in source {
        env.check_cancel()?;
        let mut row = vec![Value::Null; table.columns.len()];
        let mut given = vec![false; table.columns.len()];
        for (v, col) in values.into_iter().zip(&plan.columns) {
            if let Some(v) = v {
                row[*col] = v;
                given[*col] = true;
            }
        }
        for (i, d) in plan.defaults.iter().enumerate() {
            if !given[i] {
                if let Some(d) = d {
                    row[i] = cx.eval(d, &[])?;
                }
            }
        }
        check_row(table, &plan.checks, &row, env)?;
        let key = row_key(table, &row, table.primary_key.is_none().then(|| env.session_rowid()));
        match claim(txn, table, &row, &key, None, lock_timeout).await? {
            Claim::Free => {
                write_row(txn, table, &row, &key)?;
                if plan.on_conflict.is_some() {
                    written.insert(key);
                }
                result.count += 1;
                if let Some(r) = returning(&plan.returning, &row, env)? {
                    result.returning.push(r);
                }
            }
            Claim::Conflict { existing_key, arbiter, constraint, cols, changed, read } => {
                let handled = plan.on_conflict.as_ref().filter(|oc| oc.any || oc.arbiter == arbiter);
                let Some(oc) = handled else {
                    // As PostgreSQL: a serializable transaction that had looked for the key
                    // and not found it fails with 40001 (a retry sees the row); one that just
                    // inserts gets the unique violation.
                    if changed && read && txn.isolation() == Isolation::Serializable {
                        return Err(SqlError::serialization_failure(
                            "could not serialize access due to concurrent insert",
                        ));
                    }
                    return Err(unique_violation(table, &constraint, &cols, &row, env));
                };
                match &oc.action {
                    // The row is not in a snapshot's view: skipping it silently would act on
                    // a row the transaction cannot see.
                    ConflictAction::Nothing if changed && txn.isolation() != Isolation::ReadCommitted => {
                        return Err(SqlError::serialization_failure(
                            "could not serialize access due to concurrent update",
                        ));
                    }
                    ConflictAction::Nothing => {}
                    ConflictAction::Update { assignments, filter } => {
                        if written.contains(&existing_key) {
                            return Err(SqlError::new(
                                sqlstate::CARDINALITY_VIOLATION,
                                "ON CONFLICT DO UPDATE command cannot affect row a second time",
                            )
                            .hint(
                                "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.",
                            ));
                        }
                        let locked = txn.lock_row(&existing_key, LockMode::Exclusive, lock_timeout).await?;
                        if locked.changed && txn.isolation() != Isolation::ReadCommitted {
                            return Err(SqlError::serialization_failure(
                                "could not serialize access due to concurrent update",
                            ));
                        }
                        let Some(existing) = locked.latest else { continue };
                        let old = decode_table_row(table, &existing.value)?;
                        let mut both = old.clone();
                        both.extend(row.iter().cloned());
                        if let Some(f) = filter {
                            if !cx.test(f, &both)? {
                                continue;
                            }
                        }
                        let mut new = old.clone();
                        for (col, e) in assignments {
                            new[*col] = cx.eval(e, &both)?;
                        }
                        check_row(table, &plan.checks, &new, env)?;
                        replace_row(txn, table, &old, &existing_key, &new, env, lock_timeout).await?;
                        if table.primary_key.is_some() {
                            written.insert(row_key(table, &new, None));
                        }
                        written.insert(existing_key);
                        result.count += 1;
                        if let Some(r) = returning(&plan.returning, &new, env)? {
                            result.returning.push(r);
                        }
                    }
                }
            }
        }
    }
    Ok(result)
}

/// Locks a candidate row found by `scan` and returns its current values, or `None` to skip it.
async fn lock_candidate(
    txn: &mut Txn,
    table: &Table,
    filter: &Option<Expr>,
    candidate: Row,
    env: &Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
) -> Result<Option<(Vec<u8>, Row)>> {
    let mut row = candidate;
    let Some(Value::Bytea(key)) = row.pop() else {
        return Err(SqlError::internal("target scan without row keys"));
    };
    let locked = txn.lock_row(&key, LockMode::Exclusive, lock_timeout).await?;
    if !locked.changed {
        return Ok(Some((key, row)));
    }
    if txn.isolation() != Isolation::ReadCommitted {
        let what = if locked.latest.is_some() { "concurrent update" } else { "concurrent delete" };
        return Err(SqlError::serialization_failure(format!("could not serialize access due to {what}")));
    }
    // READ COMMITTED: continue with the newest version if it still qualifies.
    let Some(latest) = locked.latest else { return Ok(None) };
    let mut fresh = decode_table_row(table, &latest.value)?;
    if let Some(f) = filter {
        fresh.push(Value::Bytea(key.clone()));
        let (env2, outer) = cx(env);
        if !(Cx { env: &env2, outer: &outer }).test(f, &fresh)? {
            return Ok(None);
        }
        fresh.pop();
    }
    Ok(Some((key, fresh)))
}

/// Runs an UPDATE.
pub async fn update(
    plan: &UpdatePlan,
    txn: &mut Txn,
    env: &Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
) -> Result<DmlResult> {
    let table = &plan.table;
    lock_table(txn, table, lock_timeout).await?;
    let candidates = target_rows(&plan.scan, &plan.from, env)?;
    let mut result = DmlResult::default();
    let (env2, outer) = cx(env);
    let mut done = HashSet::new();
    for (candidate, others) in candidates {
        env.check_cancel()?;
        let Some((key, old)) = lock_candidate(txn, table, &plan.scan.filter, candidate, env, lock_timeout).await?
        else {
            continue;
        };
        // With FROM, a row that joins several others is updated once (with the first).
        if plan.from.is_some() && !done.insert(key.clone()) {
            continue;
        }
        let cx = Cx { env: &env2, outer: &outer };
        let input = with_others(&old, &key, &others, plan.from.is_some());
        let mut new = old.clone();
        for (col, e) in &plan.assignments {
            new[*col] = cx.eval(e, &input)?;
        }
        check_row(table, &plan.checks, &new, env)?;
        replace_row(txn, table, &old, &key, &new, env, lock_timeout).await?;
        result.count += 1;
        if let Some(r) = returning(&plan.returning, &with_others(&new, &key, &others, plan.from.is_some()), env)? {
            result.returning.push(r);
        }
    }
    Ok(result)
}

/// The rows an UPDATE or DELETE targets: each target row with its key, and (with FROM or
/// USING) the other tables' columns joined to it.
fn target_rows(scan: &Scan, from: &Option<Node>, env: &Arc<ExecEnv>) -> Result<Vec<(Row, Row)>> {
    let Some(node) = from else {
        return Ok(collect(&Node::Scan(scan.clone()), env)?.into_iter().map(|r| (r, Vec::new())).collect());
    };
    let width = scan.table.columns.len() + 1;
    Ok(collect(node, env)?
        .into_iter()
        .map(|mut r| {
            let others = r.split_off(width.min(r.len()));
            (r, others)
        })
        .collect())
}

/// The row the assignments and RETURNING of an UPDATE/DELETE read: the target row, then with
/// FROM/USING its key and the other tables' columns.
fn with_others(row: &Row, key: &[u8], others: &Row, joined: bool) -> Row {
    let mut out = row.clone();
    if joined {
        out.push(Value::Bytea(key.to_vec()));
        out.extend(others.iter().cloned());
    }
    out
}

/// Runs a DELETE.
pub async fn delete(
    plan: &DeletePlan,
    txn: &mut Txn,
    env: &Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
) -> Result<DmlResult> {
    let table = &plan.table;
    lock_table(txn, table, lock_timeout).await?;
    let candidates = target_rows(&plan.scan, &plan.from, env)?;
    let mut result = DmlResult::default();
    let mut done = HashSet::new();
    for (candidate, others) in candidates {
        env.check_cancel()?;
        let Some((key, old)) = lock_candidate(txn, table, &plan.scan.filter, candidate, env, lock_timeout).await?
        else {
            continue;
        };
        if !done.insert(key.clone()) {
            continue;
        }
        remove_row(txn, table, &old, &key)?;
        result.count += 1;
        if let Some(r) = returning(&plan.returning, &with_others(&old, &key, &others, plan.from.is_some()), env)? {
            result.returning.push(r);
        }
    }
    Ok(result)
}

impl ExecEnv {
    /// A new hidden row id for a table without a primary key.
    pub fn session_rowid(&self) -> i64 {
        self.session.next_rowid()
    }
}
