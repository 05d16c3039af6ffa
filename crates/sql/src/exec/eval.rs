//! Evaluating expressions against a row, with three-valued logic.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::error::{sqlstate, Result, SqlError};
use crate::exec::{open, Cx, ExecEnv, Row, SubqueryResult};
use crate::functions::FnContext;
use crate::plan::{Expr, Special, SubqueryExpr, SubqueryKind};
use crate::types::cast::cast;
use crate::types::compare::{compare, HashKey};
use crate::types::Value;

fn truth(v: &Value) -> Option<bool> {
    v.as_bool()
}

impl Cx<'_> {
    /// The function-call context.
    pub fn fn_ctx(&self) -> FnContext<'_> {
        FnContext {
            text: &self.env.text,
            txn_timestamp: self.env.txn_ts,
            stmt_timestamp: self.env.stmt_ts,
            env: self.env.as_ref(),
        }
    }

    /// Evaluates `e` over `row`.
    pub fn eval(&self, e: &Expr, row: &[Value]) -> Result<Value> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Column(i) => {
                row.get(*i).cloned().ok_or_else(|| SqlError::internal(format!("column {i} out of range")))
            }
            Expr::Outer { level, index } => {
                let outer = self.outer.len().checked_sub(*level).and_then(|l| self.outer.get(l));
                outer
                    .and_then(|r| r.get(*index))
                    .cloned()
                    .ok_or_else(|| SqlError::internal(format!("outer reference {level}.{index} out of range")))
            }
            Expr::Param(n) => self.env.params.get(*n).cloned().ok_or_else(|| {
                SqlError::new(sqlstate::UNDEFINED_PARAMETER, format!("there is no parameter ${}", n + 1))
            }),
            Expr::Call { func, args, strict, .. } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    let v = self.eval(a, row)?;
                    if *strict && v.is_null() {
                        return Ok(Value::Null);
                    }
                    values.push(v);
                }
                func(&values, &self.fn_ctx())
            }
            Expr::Cast { expr, from, to, ctx } => {
                let v = self.eval(expr, row)?;
                if v.is_null() {
                    return Ok(Value::Null);
                }
                cast(v, from, to, *ctx, &self.env.text)
            }
            Expr::And(parts) => {
                let mut unknown = false;
                for p in parts {
                    match truth(&self.eval(p, row)?) {
                        Some(false) => return Ok(Value::Bool(false)),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                Ok(if unknown { Value::Null } else { Value::Bool(true) })
            }
            Expr::Or(parts) => {
                let mut unknown = false;
                for p in parts {
                    match truth(&self.eval(p, row)?) {
                        Some(true) => return Ok(Value::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                Ok(if unknown { Value::Null } else { Value::Bool(false) })
            }
            Expr::Not(x) => Ok(match truth(&self.eval(x, row)?) {
                Some(b) => Value::Bool(!b),
                None => Value::Null,
            }),
            Expr::IsNull { expr, negated } => Ok(Value::Bool(self.eval(expr, row)?.is_null() != *negated)),
            Expr::IsBool { expr, value, negated } => {
                let v = truth(&self.eval(expr, row)?);
                Ok(Value::Bool((v == *value) != *negated))
            }
            Expr::IsDistinct { left, right, negated } => {
                let a = self.eval(left, row)?;
                let b = self.eval(right, row)?;
                let distinct = match (a.is_null(), b.is_null()) {
                    (true, true) => false,
                    (true, false) | (false, true) => true,
                    (false, false) => compare(&a, &b) != Ordering::Equal,
                };
                Ok(Value::Bool(distinct != *negated))
            }
            Expr::Case { whens, otherwise } => {
                for (cond, result) in whens {
                    if truth(&self.eval(cond, row)?) == Some(true) {
                        return self.eval(result, row);
                    }
                }
                match otherwise {
                    Some(o) => self.eval(o, row),
                    None => Ok(Value::Null),
                }
            }
            Expr::Coalesce(args) => {
                for a in args {
                    let v = self.eval(a, row)?;
                    if !v.is_null() {
                        return Ok(v);
                    }
                }
                Ok(Value::Null)
            }
            Expr::Extreme { args, least } => {
                let mut best: Option<Value> = None;
                for a in args {
                    let v = self.eval(a, row)?;
                    if v.is_null() {
                        continue;
                    }
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let ord = compare(&v, &b);
                            if (*least && ord == Ordering::Less) || (!*least && ord == Ordering::Greater) {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                Ok(best.unwrap_or(Value::Null))
            }
            Expr::NullIf { left, right, eq } => {
                let a = self.eval(left, row)?;
                let b = self.eval(right, row)?;
                if a.is_null() || b.is_null() {
                    return Ok(a);
                }
                match eq(&[a.clone(), b], &self.fn_ctx())? {
                    Value::Bool(true) => Ok(Value::Null),
                    _ => Ok(a),
                }
            }
            Expr::InList { expr, list, eq, negated } => {
                let v = self.eval(expr, row)?;
                if v.is_null() {
                    return Ok(Value::Null);
                }
                let mut unknown = false;
                for item in list {
                    let w = self.eval(item, row)?;
                    if w.is_null() {
                        unknown = true;
                        continue;
                    }
                    if eq(&[v.clone(), w], &self.fn_ctx())?.as_bool() == Some(true) {
                        return Ok(Value::Bool(!*negated));
                    }
                }
                Ok(if unknown { Value::Null } else { Value::Bool(*negated) })
            }
            Expr::AnyAll { left, array, op, all, .. } => {
                let v = self.eval(left, row)?;
                let arr = self.eval(array, row)?;
                let items = match arr {
                    Value::Null => return Ok(Value::Null),
                    Value::Array(items) => items,
                    other => return Err(SqlError::internal(format!("ANY/ALL over a non-array {other:?}"))),
                };
                quantified(&v, items.into_iter(), *op, *all, self)
            }
            Expr::Subquery(sq) => self.eval_subquery(sq, row),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i, row)?);
                }
                Ok(Value::Array(out))
            }
            Expr::Subscript { array, index } => {
                let arr = self.eval(array, row)?;
                let idx = self.eval(index, row)?;
                match (arr, idx.as_i64()) {
                    (Value::Array(items), Some(i)) if i >= 1 => {
                        Ok(items.get(i as usize - 1).cloned().unwrap_or(Value::Null))
                    }
                    _ => Ok(Value::Null),
                }
            }
            Expr::Special { func, args } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, row)?);
                }
                self.eval_special(func, values)
            }
        }
    }

    /// Evaluates a predicate: true only when the result is TRUE (NULL filters out).
    pub fn test(&self, e: &Expr, row: &[Value]) -> Result<bool> {
        Ok(self.eval(e, row)?.as_bool() == Some(true))
    }

    fn eval_special(&self, func: &Special, args: Vec<Value>) -> Result<Value> {
        let s = &self.env.session;
        let oid = |v: &Value| v.as_i64().map(|o| o as u32);
        match func {
            Special::Nextval => match args.first().and_then(oid) {
                Some(seq) => Ok(Value::Int8(s.nextval(seq)?)),
                None => Ok(Value::Null),
            },
            Special::Currval => match args.first().and_then(oid) {
                Some(seq) => Ok(Value::Int8(s.currval(seq)?)),
                None => Ok(Value::Null),
            },
            Special::Setval => {
                let (Some(seq), Some(v)) = (args.first().and_then(oid), args.get(1).and_then(Value::as_i64)) else {
                    return Ok(Value::Null);
                };
                let called = args.get(2).and_then(Value::as_bool).unwrap_or(true);
                Ok(Value::Int8(s.setval(seq, v, called)?))
            }
            Special::Lastval => Ok(Value::Int8(s.lastval()?)),
            Special::Version => Ok(Value::Text(crate::version_string())),
            Special::BackendPid => Ok(Value::Int4(s.backend_pid())),
            Special::SetConfig => {
                let name = args.first().and_then(Value::as_str).map(str::to_string);
                let value = args.get(1).and_then(Value::as_str).map(str::to_string);
                let local = args.get(2).and_then(Value::as_bool).unwrap_or(false);
                match name {
                    Some(n) => Ok(Value::Text(s.set_config(&n, value.as_deref(), local)?)),
                    None => Err(SqlError::new(sqlstate::NULL_VALUE_NOT_ALLOWED, "SET requires parameter name")),
                }
            }
            Special::CurrentSetting => {
                let Some(name) = args.first().and_then(Value::as_str) else { return Ok(Value::Null) };
                let missing_ok = args.get(1).and_then(Value::as_bool).unwrap_or(false);
                match s.setting(name) {
                    Some(v) => Ok(Value::Text(v)),
                    None if missing_ok => Ok(Value::Null),
                    None => Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!("unrecognized configuration parameter \"{name}\""),
                    )),
                }
            }
            Special::TypeOf => Ok(args.into_iter().next().unwrap_or(Value::Null)),
            Special::Catalog(f) => crate::pg_catalog::functions::eval(f, &args, self),
        }
    }

    fn eval_subquery(&self, sq: &SubqueryExpr, row: &[Value]) -> Result<Value> {
        let result = if sq.uncorrelated {
            self.env.cached_subquery(sq, || self.run_subquery(sq, row))?
        } else {
            Arc::new(self.run_subquery(sq, row)?)
        };
        match &sq.kind {
            SubqueryKind::Scalar => match result.rows.len() {
                0 => Ok(Value::Null),
                1 => Ok(result.rows[0].first().cloned().unwrap_or(Value::Null)),
                _ => Err(SqlError::new(
                    sqlstate::CARDINALITY_VIOLATION,
                    "more than one row returned by a subquery used as an expression",
                )),
            },
            SubqueryKind::Exists { negated } => Ok(Value::Bool(result.rows.is_empty() == *negated)),
            SubqueryKind::Array => {
                Ok(Value::Array(result.rows.iter().map(|r| r.first().cloned().unwrap_or(Value::Null)).collect()))
            }
            SubqueryKind::In { expr, eq, negated } => {
                let v = self.eval(expr, row)?;
                if v.is_null() {
                    return Ok(if result.rows.is_empty() { Value::Bool(*negated) } else { Value::Null });
                }
                if let Some(set) = &result.set {
                    if set.contains(&HashKey(v.clone())) {
                        return Ok(Value::Bool(!*negated));
                    }
                    return Ok(if result.has_null { Value::Null } else { Value::Bool(*negated) });
                }
                let found = quantified(&v, result.rows.iter().map(|r| r[0].clone()), *eq, false, self)?;
                Ok(match found {
                    Value::Bool(b) => Value::Bool(b != *negated),
                    other => other,
                })
            }
            SubqueryKind::Quantified { expr, op, all } => {
                let v = self.eval(expr, row)?;
                quantified(&v, result.rows.iter().map(|r| r[0].clone()), *op, *all, self)
            }
        }
    }

    fn run_subquery(&self, sq: &SubqueryExpr, row: &[Value]) -> Result<SubqueryResult> {
        let mut outer: Vec<Row> = self.outer.to_vec();
        outer.push(row.to_vec());
        let outer = Arc::new(outer);
        let mut it = open(&sq.plan, self.env, &outer)?;
        let mut rows = Vec::new();
        let limit = match sq.kind {
            SubqueryKind::Exists { .. } => 1,
            SubqueryKind::Scalar => 2,
            _ => usize::MAX,
        };
        while rows.len() < limit {
            self.env.check_cancel()?;
            match it.next()? {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        let (set, has_null) = match &sq.kind {
            SubqueryKind::In { .. } if sq.uncorrelated => {
                let has_null = rows.iter().any(|r| r[0].is_null());
                let set = rows.iter().filter(|r| !r[0].is_null()).map(|r| HashKey(r[0].clone())).collect();
                (Some(set), has_null)
            }
            _ => (None, false),
        };
        Ok(SubqueryResult { rows, set, has_null })
    }
}

/// `v op ANY/ALL (items)` with SQL's NULL rules.
fn quantified(
    v: &Value,
    items: impl Iterator<Item = Value>,
    op: crate::functions::ScalarImpl,
    all: bool,
    cx: &Cx<'_>,
) -> Result<Value> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    let mut unknown = false;
    let mut any = false;
    for item in items {
        any = true;
        if item.is_null() {
            unknown = true;
            continue;
        }
        match op(&[v.clone(), item], &cx.fn_ctx())?.as_bool() {
            Some(true) if !all => return Ok(Value::Bool(true)),
            Some(false) if all => return Ok(Value::Bool(false)),
            None => unknown = true,
            _ => {}
        }
    }
    let _ = any;
    Ok(if unknown { Value::Null } else { Value::Bool(all) })
}

/// The type-agnostic evaluation of a constant expression outside any row (LIMIT, DEFAULT).
pub fn eval_const(env: &Arc<ExecEnv>, e: &Expr) -> Result<Value> {
    let outer = Arc::new(Vec::new());
    Cx { env, outer: &outer }.eval(e, &[])
}

/// Whether a value is a valid integer count for LIMIT/OFFSET.
pub fn count_of(v: &Value, what: &str) -> Result<Option<u64>> {
    match v {
        Value::Null => Ok(None),
        other => match other.as_i64() {
            Some(n) if n >= 0 => Ok(Some(n as u64)),
            Some(_) => Err(SqlError::new(
                if what == "LIMIT" {
                    sqlstate::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE
                } else {
                    sqlstate::INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE
                },
                format!("{what} must not be negative"),
            )),
            None => Err(SqlError::internal(format!("{what} is not an integer"))),
        },
    }
}
