//! Relational operators: values, filters, projections, joins, aggregation, sorting, limits,
//! DISTINCT, set operations, CTE reads and set-returning functions.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use crate::error::{sqlstate, Result, SqlError};
use crate::exec::eval::count_of;
use crate::exec::scan::TableScan;
use crate::exec::{Cx, ExecEnv, Outer, Row, RowIter};
use crate::functions::Accumulator;
use crate::plan::{AggCall, Expr, JoinKind, Node, SetFunction, SetOpKind, SortKey};
use crate::types::compare::{compare, HashKey};
use crate::types::Value;

/// Opens a node.
pub(super) fn open(node: &Node, env: &Arc<ExecEnv>, outer: &Outer) -> Result<Box<dyn RowIter>> {
    Ok(match node {
        Node::Values { rows } => Box::new(Buffered::new(values(rows, env, outer)?)),
        Node::Scan(scan) => Box::new(TableScan::open(scan, env, outer)?),
        Node::Virtual { table } => Box::new(Buffered::new(table.rows(&Cx { env, outer })?)),
        Node::Function { func, args, ordinality } => {
            let cx = Cx { env, outer };
            let values = args.iter().map(|a| cx.eval(a, &[])).collect::<Result<Vec<_>>>()?;
            Box::new(Buffered::new(set_function(*func, &values, *ordinality, &cx)?))
        }
        Node::Filter { input, predicate } => Box::new(Filter {
            input: open(input, env, outer)?,
            predicate: predicate.clone(),
            env: env.clone(),
            outer: outer.clone(),
        }),
        Node::Project { input, exprs } => Box::new(Project {
            input: open(input, env, outer)?,
            exprs: exprs.clone(),
            env: env.clone(),
            outer: outer.clone(),
        }),
        Node::NestedLoop { kind, left, right, on, lateral } => {
            Box::new(NestedLoop::new(*kind, left, right, on, *lateral, env, outer)?)
        }
        Node::HashJoin { kind, left, right, left_keys, right_keys, residual } => {
            Box::new(HashJoin::new(*kind, left, right, left_keys, right_keys, residual, env, outer)?)
        }
        Node::Aggregate { input, group_by, aggregates } => {
            Box::new(Buffered::new(aggregate(open(input, env, outer)?, group_by, aggregates, env, outer)?))
        }
        Node::Sort { input, keys } => {
            let mut rows = drain(open(input, env, outer)?, env)?;
            sort_rows(&mut rows, keys, &Cx { env, outer })?;
            Box::new(Buffered::new(rows))
        }
        Node::Limit { input, limit, offset } => {
            let cx = Cx { env, outer };
            let limit = match limit {
                Some(e) => count_of(&cx.eval(e, &[])?, "LIMIT")?,
                None => None,
            };
            let offset = match offset {
                Some(e) => count_of(&cx.eval(e, &[])?, "OFFSET")?.unwrap_or(0),
                None => 0,
            };
            Box::new(Limit { input: open(input, env, outer)?, skip: offset, left: limit })
        }
        Node::Distinct { input, on } => Box::new(Distinct {
            input: open(input, env, outer)?,
            on: on.clone(),
            seen: HashSet::new(),
            env: env.clone(),
            outer: outer.clone(),
        }),
        Node::SetOp { op, all, left, right } => Box::new(Buffered::new(set_op(*op, *all, left, right, env, outer)?)),
        Node::Cte { plan, id } => {
            let slot = &env.ctes[*id];
            let rows = match slot.get() {
                Some(r) => r.clone(),
                None => {
                    let empty = Arc::new(Vec::new());
                    let rows = Arc::new(drain(open(plan, env, &empty)?, env)?);
                    let _ = slot.set(rows.clone());
                    slot.get().cloned().unwrap_or(rows)
                }
            };
            Box::new(Buffered::new(rows.as_ref().clone()))
        }
        Node::RecursiveUnion { init, step, all, id } => {
            Box::new(Buffered::new(recursive_union(init, step, *all, *id, env, outer)?))
        }
        Node::WorkTable { id, .. } => {
            let rows = env.worktables.lock().get(id).cloned().unwrap_or_default();
            Box::new(Buffered::new(rows.as_ref().clone()))
        }
        Node::Window { input, functions } => {
            let rows = drain(open(input, env, outer)?, env)?;
            Box::new(Buffered::new(super::window::window(rows, functions, &Cx { env, outer })?))
        }
    })
}

/// `WITH RECURSIVE`: runs the recursive term over each round's new rows until a round adds
/// none (with `UNION`, rows seen before are not new).
fn recursive_union(
    init: &Node,
    step: &Node,
    all: bool,
    id: usize,
    env: &Arc<ExecEnv>,
    outer: &Outer,
) -> Result<Vec<Row>> {
    let mut seen: HashSet<Vec<HashKey>> = HashSet::new();
    let mut keep_new = |rows: Vec<Row>| -> Vec<Row> {
        if all {
            rows
        } else {
            rows.into_iter().filter(|r| seen.insert(r.iter().cloned().map(HashKey).collect())).collect()
        }
    };
    let mut result = keep_new(drain(open(init, env, outer)?, env)?);
    let mut round = result.clone();
    while !round.is_empty() {
        env.check_cancel()?;
        env.worktables.lock().insert(id, Arc::new(round));
        let produced = drain(open(step, env, outer)?, env);
        env.worktables.lock().remove(&id);
        round = keep_new(produced?);
        result.extend(round.iter().cloned());
    }
    Ok(result)
}

fn drain(mut it: Box<dyn RowIter>, env: &ExecEnv) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    while let Some(r) = it.next()? {
        rows.push(r);
        if rows.len() % 1024 == 0 {
            env.check_cancel()?;
        }
    }
    Ok(rows)
}

/// Rows computed ahead, returned one by one.
struct Buffered {
    rows: std::vec::IntoIter<Row>,
}

impl Buffered {
    fn new(rows: Vec<Row>) -> Self {
        Self { rows: rows.into_iter() }
    }
}

impl RowIter for Buffered {
    fn next(&mut self) -> Result<Option<Row>> {
        Ok(self.rows.next())
    }
}

fn values(rows: &[Vec<Expr>], env: &Arc<ExecEnv>, outer: &Outer) -> Result<Vec<Row>> {
    let cx = Cx { env, outer };
    rows.iter().map(|r| r.iter().map(|e| cx.eval(e, &[])).collect()).collect()
}

struct Filter {
    input: Box<dyn RowIter>,
    predicate: Expr,
    env: Arc<ExecEnv>,
    outer: Outer,
}

impl RowIter for Filter {
    fn next(&mut self) -> Result<Option<Row>> {
        while let Some(row) = self.input.next()? {
            if (Cx { env: &self.env, outer: &self.outer }).test(&self.predicate, &row)? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

struct Project {
    input: Box<dyn RowIter>,
    exprs: Vec<Expr>,
    env: Arc<ExecEnv>,
    outer: Outer,
}

impl RowIter for Project {
    fn next(&mut self) -> Result<Option<Row>> {
        let Some(row) = self.input.next()? else { return Ok(None) };
        let cx = Cx { env: &self.env, outer: &self.outer };
        let out = self.exprs.iter().map(|e| cx.eval(e, &row)).collect::<Result<Vec<_>>>()?;
        Ok(Some(out))
    }
}

struct Limit {
    input: Box<dyn RowIter>,
    skip: u64,
    left: Option<u64>,
}

impl RowIter for Limit {
    fn next(&mut self) -> Result<Option<Row>> {
        if self.left == Some(0) {
            return Ok(None);
        }
        while self.skip > 0 {
            if self.input.next()?.is_none() {
                return Ok(None);
            }
            self.skip -= 1;
        }
        let row = self.input.next()?;
        if row.is_some() {
            if let Some(l) = &mut self.left {
                *l -= 1;
            }
        }
        Ok(row)
    }
}

struct Distinct {
    input: Box<dyn RowIter>,
    on: Option<Vec<Expr>>,
    seen: HashSet<Vec<HashKey>>,
    env: Arc<ExecEnv>,
    outer: Outer,
}

impl RowIter for Distinct {
    fn next(&mut self) -> Result<Option<Row>> {
        while let Some(row) = self.input.next()? {
            let key: Vec<HashKey> = match &self.on {
                None => row.iter().cloned().map(HashKey).collect(),
                Some(exprs) => {
                    let cx = Cx { env: &self.env, outer: &self.outer };
                    exprs.iter().map(|e| cx.eval(e, &row).map(HashKey)).collect::<Result<_>>()?
                }
            };
            if self.seen.insert(key) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

/// Compares rows by sort keys.
/// Orders two rows' key values by the sort keys' directions and NULL placement.
pub(super) fn cmp_keys(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for (i, k) in keys.iter().enumerate() {
        let (x, y) = (&a[i], &b[i]);
        let ord = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if k.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if k.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, false) => {
                let o = compare(x, y);
                if k.desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Sorts rows by keys evaluated per row (a stable sort, so ties keep input order).
pub(super) fn sort_rows(rows: &mut Vec<Row>, keys: &[SortKey], cx: &Cx<'_>) -> Result<()> {
    let mut keyed: Vec<(Vec<Value>, Row)> = Vec::with_capacity(rows.len());
    for row in rows.drain(..) {
        let k = keys.iter().map(|k| cx.eval(&k.expr, &row)).collect::<Result<Vec<_>>>()?;
        keyed.push((k, row));
    }
    keyed.sort_by(|a, b| cmp_keys(&a.0, &b.0, keys));
    rows.extend(keyed.into_iter().map(|(_, r)| r));
    Ok(())
}

struct NestedLoop {
    kind: JoinKind,
    left: Box<dyn RowIter>,
    right_node: Node,
    right_rows: Option<Arc<Vec<Row>>>,
    right_width: Option<usize>,
    on: Option<Expr>,
    lateral: bool,
    env: Arc<ExecEnv>,
    outer: Outer,
    current: Option<(Row, Vec<Row>, usize, bool)>,
    right_matched: Vec<bool>,
    left_width: Option<usize>,
    tail: Option<VecDeque<Row>>,
}

impl NestedLoop {
    fn new(
        kind: JoinKind,
        left: &Node,
        right: &Node,
        on: &Option<Expr>,
        lateral: bool,
        env: &Arc<ExecEnv>,
        outer: &Outer,
    ) -> Result<Self> {
        let right_rows = if lateral { None } else { Some(Arc::new(drain(open(right, env, outer)?, env)?)) };
        let n = right_rows.as_ref().map(|r| r.len()).unwrap_or(0);
        Ok(Self {
            kind,
            left: open(left, env, outer)?,
            right_node: right.clone(),
            right_width: crate::plan::access::width(right)
                .or_else(|| right_rows.as_ref().and_then(|r| r.first().map(Vec::len))),
            right_rows,
            on: on.clone(),
            lateral,
            env: env.clone(),
            outer: outer.clone(),
            current: None,
            right_matched: vec![false; n],
            left_width: crate::plan::access::width(left),
            tail: None,
        })
    }

    fn right_for(&self, left_row: &Row) -> Result<Vec<Row>> {
        match &self.right_rows {
            Some(rows) => Ok(rows.as_ref().clone()),
            None => {
                let mut outer: Vec<Row> = self.outer.as_ref().clone();
                outer.push(left_row.clone());
                let outer = Arc::new(outer);
                drain(open(&self.right_node, &self.env, &outer)?, &self.env)
            }
        }
    }
}

impl RowIter for NestedLoop {
    fn next(&mut self) -> Result<Option<Row>> {
        loop {
            if let Some(tail) = &mut self.tail {
                return Ok(tail.pop_front());
            }
            if self.current.is_none() {
                match self.left.next()? {
                    Some(l) => {
                        let rights = if self.lateral { self.right_for(&l)? } else { Vec::new() };
                        self.current = Some((l, rights, 0, false));
                    }
                    None => {
                        // Unmatched right rows of RIGHT/FULL joins, NULL-extended on the left.
                        let mut tail = VecDeque::new();
                        if matches!(self.kind, JoinKind::Full | JoinKind::Right) {
                            if let Some(rows) = &self.right_rows {
                                let lw = self.left_width.unwrap_or(0);
                                for (i, r) in rows.iter().enumerate() {
                                    if !self.right_matched[i] {
                                        let mut row = vec![Value::Null; lw];
                                        row.extend(r.iter().cloned());
                                        tail.push_back(row);
                                    }
                                }
                            }
                        }
                        self.tail = Some(tail);
                        continue;
                    }
                }
            }
            let (left, rights, pos, matched) = self.current.as_mut().expect("set above");
            let count =
                if self.lateral { rights.len() } else { self.right_rows.as_ref().map(|r| r.len()).unwrap_or(0) };
            while *pos < count {
                let i = *pos;
                *pos += 1;
                let right = if self.lateral { &rights[i] } else { &self.right_rows.as_ref().expect("materialized")[i] };
                let mut row = left.clone();
                row.extend(right.iter().cloned());
                let ok = match &self.on {
                    None => true,
                    Some(on) => (Cx { env: &self.env, outer: &self.outer }).test(on, &row)?,
                };
                if ok {
                    *matched = true;
                    if !self.lateral {
                        self.right_matched[i] = true;
                    }
                    return Ok(Some(row));
                }
            }
            let (left, _, _, matched) = self.current.take().expect("set above");
            if !matched && matches!(self.kind, JoinKind::Left | JoinKind::Full) {
                let rw = self.right_width.unwrap_or(0);
                let mut row = left;
                row.extend(std::iter::repeat_n(Value::Null, rw));
                return Ok(Some(row));
            }
        }
    }
}

struct HashJoin {
    kind: JoinKind,
    left: Box<dyn RowIter>,
    table: HashMap<Vec<HashKey>, Vec<usize>>,
    right_rows: Vec<Row>,
    right_matched: Vec<bool>,
    left_keys: Vec<Expr>,
    residual: Option<Expr>,
    env: Arc<ExecEnv>,
    outer: Outer,
    pending: VecDeque<Row>,
    right_width: usize,
    left_width: Option<usize>,
    done: bool,
}

impl HashJoin {
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: JoinKind,
        left: &Node,
        right: &Node,
        left_keys: &[Expr],
        right_keys: &[Expr],
        residual: &Option<Expr>,
        env: &Arc<ExecEnv>,
        outer: &Outer,
    ) -> Result<Self> {
        let right_rows = drain(open(right, env, outer)?, env)?;
        let cx = Cx { env, outer };
        let mut table: HashMap<Vec<HashKey>, Vec<usize>> = HashMap::new();
        for (i, r) in right_rows.iter().enumerate() {
            let key = right_keys.iter().map(|k| cx.eval(k, r)).collect::<Result<Vec<_>>>()?;
            if key.iter().any(Value::is_null) {
                continue;
            }
            table.entry(key.into_iter().map(HashKey).collect()).or_default().push(i);
        }
        let right_width = crate::plan::access::width(right).or_else(|| right_rows.first().map(Vec::len)).unwrap_or(0);
        Ok(Self {
            kind,
            left: open(left, env, outer)?,
            table,
            right_matched: vec![false; right_rows.len()],
            right_rows,
            left_keys: left_keys.to_vec(),
            residual: residual.clone(),
            env: env.clone(),
            outer: outer.clone(),
            pending: VecDeque::new(),
            right_width,
            left_width: crate::plan::access::width(left),
            done: false,
        })
    }
}

impl RowIter for HashJoin {
    fn next(&mut self) -> Result<Option<Row>> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            if self.done {
                return Ok(None);
            }
            let Some(left) = self.left.next()? else {
                self.done = true;
                if matches!(self.kind, JoinKind::Full | JoinKind::Right) {
                    let lw = self.left_width.unwrap_or(0);
                    for (i, r) in self.right_rows.iter().enumerate() {
                        if !self.right_matched[i] {
                            let mut row = vec![Value::Null; lw];
                            row.extend(r.iter().cloned());
                            self.pending.push_back(row);
                        }
                    }
                }
                continue;
            };
            let cx = Cx { env: &self.env, outer: &self.outer };
            let key = self.left_keys.iter().map(|k| cx.eval(k, &left)).collect::<Result<Vec<_>>>()?;
            let mut matched = false;
            if !key.iter().any(Value::is_null) {
                let key: Vec<HashKey> = key.into_iter().map(HashKey).collect();
                if let Some(idxs) = self.table.get(&key) {
                    for &i in idxs {
                        let mut row = left.clone();
                        row.extend(self.right_rows[i].iter().cloned());
                        if let Some(res) = &self.residual {
                            if !cx.test(res, &row)? {
                                continue;
                            }
                        }
                        matched = true;
                        self.right_matched[i] = true;
                        self.pending.push_back(row);
                    }
                }
            }
            if !matched && matches!(self.kind, JoinKind::Left | JoinKind::Full) {
                let mut row = left;
                row.extend(std::iter::repeat_n(Value::Null, self.right_width));
                self.pending.push_back(row);
            }
        }
    }
}

/// One aggregate's state in one group.
struct AggState {
    acc: Box<dyn Accumulator>,
    seen: Option<HashSet<Vec<HashKey>>>,
    ordered: Option<Vec<(Vec<Value>, Vec<Value>)>>,
}

fn aggregate(
    mut input: Box<dyn RowIter>,
    group_by: &[Expr],
    aggs: &[AggCall],
    env: &Arc<ExecEnv>,
    outer: &Outer,
) -> Result<Vec<Row>> {
    let cx = Cx { env, outer };
    let new_states = || -> Vec<AggState> {
        aggs.iter()
            .map(|a| {
                let mut acc = (a.agg.make)(&a.agg.arg_types);
                // The JSON aggregates format timestamps and floats with the session's settings.
                acc.set_text_context(&env.text);
                AggState { acc, seen: a.distinct.then(HashSet::new), ordered: (!a.order_by.is_empty()).then(Vec::new) }
            })
            .collect()
    };
    let mut groups: HashMap<Vec<HashKey>, usize> = HashMap::new();
    let mut states: Vec<(Vec<Value>, Vec<AggState>)> = Vec::new();
    let mut n = 0usize;
    while let Some(row) = input.next()? {
        n += 1;
        if n.is_multiple_of(1024) {
            env.check_cancel()?;
        }
        let key_values = group_by.iter().map(|g| cx.eval(g, &row)).collect::<Result<Vec<_>>>()?;
        let key: Vec<HashKey> = key_values.iter().cloned().map(HashKey).collect();
        let slot = match groups.get(&key) {
            Some(i) => *i,
            None => {
                states.push((key_values, new_states()));
                groups.insert(key, states.len() - 1);
                states.len() - 1
            }
        };
        for (a, st) in aggs.iter().zip(states[slot].1.iter_mut()) {
            if let Some(f) = &a.filter {
                if !cx.test(f, &row)? {
                    continue;
                }
            }
            let args = a.args.iter().map(|e| cx.eval(e, &row)).collect::<Result<Vec<_>>>()?;
            if let Some(seen) = &mut st.seen {
                if !seen.insert(args.iter().cloned().map(HashKey).collect()) {
                    continue;
                }
            }
            if let Some(ordered) = &mut st.ordered {
                let keys = a.order_by.iter().map(|k| cx.eval(&k.expr, &row)).collect::<Result<Vec<_>>>()?;
                ordered.push((keys, args));
                continue;
            }
            st.acc.update(&args)?;
        }
    }
    // With no GROUP BY, one row even for empty input.
    if group_by.is_empty() && states.is_empty() {
        states.push((vec![], new_states()));
    }
    let mut out = Vec::with_capacity(states.len());
    for (key, mut sts) in states {
        let mut row = key;
        for (a, st) in aggs.iter().zip(sts.iter_mut()) {
            if let Some(mut ordered) = st.ordered.take() {
                ordered.sort_by(|x, y| cmp_keys(&x.0, &y.0, &a.order_by));
                for (_, args) in ordered {
                    st.acc.update(&args)?;
                }
            }
            row.push(st.acc.finish()?);
        }
        out.push(row);
    }
    Ok(out)
}

fn set_op(op: SetOpKind, all: bool, left: &Node, right: &Node, env: &Arc<ExecEnv>, outer: &Outer) -> Result<Vec<Row>> {
    let l = drain(open(left, env, outer)?, env)?;
    let r = drain(open(right, env, outer)?, env)?;
    let key = |row: &Row| -> Vec<HashKey> { row.iter().cloned().map(HashKey).collect() };
    Ok(match (op, all) {
        (SetOpKind::Union, true) => l.into_iter().chain(r).collect(),
        (SetOpKind::Union, false) => {
            let mut seen = HashSet::new();
            l.into_iter().chain(r).filter(|row| seen.insert(key(row))).collect()
        }
        (SetOpKind::Intersect, _) | (SetOpKind::Except, _) => {
            let mut counts: HashMap<Vec<HashKey>, usize> = HashMap::new();
            for row in &r {
                *counts.entry(key(row)).or_default() += 1;
            }
            let mut out = Vec::new();
            let mut emitted = HashSet::new();
            for row in l {
                let k = key(&row);
                let c = counts.get(&k).copied().unwrap_or(0);
                let keep = match op {
                    SetOpKind::Intersect => c > 0,
                    _ => c == 0,
                };
                if all {
                    match op {
                        SetOpKind::Intersect if c > 0 => {
                            *counts.get_mut(&k).expect("counted") -= 1;
                            out.push(row);
                        }
                        SetOpKind::Except if c > 0 => *counts.get_mut(&k).expect("counted") -= 1,
                        SetOpKind::Except => out.push(row),
                        _ => {}
                    }
                } else if keep && emitted.insert(k) {
                    out.push(row);
                }
            }
            out
        }
    })
}

fn set_function(func: SetFunction, args: &[Value], ordinality: bool, cx: &Cx<'_>) -> Result<Vec<Row>> {
    let mut rows: Vec<Row> = Vec::new();
    if args.iter().any(Value::is_null) && !matches!(func, SetFunction::Unnest) {
        return Ok(rows);
    }
    const MAX_ROWS: usize = 100_000_000;
    match func {
        SetFunction::SeriesInt => {
            let start = args[0].as_i64().unwrap_or(0);
            let stop = args[1].as_i64().unwrap_or(0);
            let step = args.get(2).and_then(Value::as_i64).unwrap_or(1);
            if step == 0 {
                return Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "step size cannot equal zero"));
            }
            let int8 = matches!(args[0], Value::Int8(_)) || matches!(args[1], Value::Int8(_));
            let mut v = start;
            while (step > 0 && v <= stop) || (step < 0 && v >= stop) {
                rows.push(vec![if int8 { Value::Int8(v) } else { Value::Int4(v as i32) }]);
                if rows.len().is_multiple_of(4096) {
                    cx.env.check_cancel()?;
                    if rows.len() > MAX_ROWS {
                        return Err(SqlError::new(
                            sqlstate::PROGRAM_LIMIT_EXCEEDED,
                            "generate_series would produce too many rows",
                        ));
                    }
                }
                match v.checked_add(step) {
                    Some(n) => v = n,
                    None => break,
                }
            }
        }
        SetFunction::SeriesNumeric => {
            let to_dec = |v: &Value| match v {
                Value::Numeric(d) => Some(*d),
                other => other.as_i64().map(rust_decimal::Decimal::from),
            };
            let (Some(mut v), Some(stop)) = (to_dec(&args[0]), to_dec(&args[1])) else { return Ok(rows) };
            let step = args.get(2).and_then(to_dec).unwrap_or(rust_decimal::Decimal::ONE);
            if step.is_zero() {
                return Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "step size cannot equal zero"));
            }
            while (step.is_sign_positive() && v <= stop) || (step.is_sign_negative() && v >= stop) {
                rows.push(vec![Value::Numeric(v)]);
                if rows.len() > MAX_ROWS {
                    return Err(SqlError::new(
                        sqlstate::PROGRAM_LIMIT_EXCEEDED,
                        "generate_series would produce too many rows",
                    ));
                }
                v += step;
            }
        }
        SetFunction::SeriesTimestamp | SetFunction::SeriesTimestampTz => {
            let ts = |v: &Value| match v {
                Value::Timestamp(t) | Value::TimestampTz(t) => Some(*t),
                _ => None,
            };
            let (Some(mut v), Some(stop), Some(Value::Interval(step))) = (ts(&args[0]), ts(&args[1]), args.get(2))
            else {
                return Ok(rows);
            };
            if step.ordering_key() == 0 {
                return Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "step size cannot equal zero"));
            }
            let forward = step.ordering_key() > 0;
            let tz = matches!(func, SetFunction::SeriesTimestampTz).then_some(&cx.env.text.tz);
            while (forward && v <= stop) || (!forward && v >= stop) {
                rows.push(vec![if tz.is_some() { Value::TimestampTz(v) } else { Value::Timestamp(v) }]);
                if rows.len() > MAX_ROWS {
                    return Err(SqlError::new(
                        sqlstate::PROGRAM_LIMIT_EXCEEDED,
                        "generate_series would produce too many rows",
                    ));
                }
                v = crate::types::datetime::add_interval(v, step, tz)?;
            }
        }
        SetFunction::Unnest => {
            if let Some(Value::Array(items)) = args.first() {
                rows = items.iter().map(|v| vec![v.clone()]).collect();
            }
        }
        SetFunction::JsonArrayElements
        | SetFunction::JsonArrayElementsText
        | SetFunction::JsonEach
        | SetFunction::JsonEachText
        | SetFunction::JsonObjectKeys => {
            let json = match &args[0] {
                Value::Jsonb(j) => j.clone(),
                Value::Json(s) => {
                    serde_json::from_str(s).map_err(|e| SqlError::new(sqlstate::INVALID_JSON_TEXT, e.to_string()))?
                }
                _ => return Ok(rows),
            };
            let as_jsonb = matches!(args[0], Value::Jsonb(_));
            let wrap = |v: serde_json::Value| if as_jsonb { Value::Jsonb(v) } else { Value::Json(v.to_string()) };
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::String(s) => Value::Text(s.clone()),
                other => Value::Text(crate::types::text::format_text(
                    &Value::Jsonb(other.clone()),
                    &crate::types::DataType::Jsonb,
                    &cx.env.text,
                )),
            };
            match (func, json) {
                (SetFunction::JsonArrayElements, serde_json::Value::Array(items)) => {
                    rows = items.into_iter().map(|v| vec![wrap(v)]).collect()
                }
                (SetFunction::JsonArrayElementsText, serde_json::Value::Array(items)) => {
                    rows = items.iter().map(|v| vec![text(v)]).collect()
                }
                (SetFunction::JsonEach, serde_json::Value::Object(m)) => {
                    rows = m.into_iter().map(|(k, v)| vec![Value::Text(k), wrap(v)]).collect()
                }
                (SetFunction::JsonEachText, serde_json::Value::Object(m)) => {
                    rows = m.iter().map(|(k, v)| vec![Value::Text(k.clone()), text(v)]).collect()
                }
                (SetFunction::JsonObjectKeys, serde_json::Value::Object(m)) => {
                    rows = m.keys().map(|k| vec![Value::Text(k.clone())]).collect()
                }
                (SetFunction::JsonArrayElements | SetFunction::JsonArrayElementsText, _) => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "cannot extract elements from an object",
                    ));
                }
                _ => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "cannot call this function on a non-object",
                    ))
                }
            }
        }
        SetFunction::RegexpSplit => {
            let (Some(s), Some(p)) = (args[0].as_str(), args[1].as_str()) else { return Ok(rows) };
            let re = regex::Regex::new(p).map_err(|e| {
                SqlError::new(sqlstate::INVALID_REGULAR_EXPRESSION, format!("invalid regular expression: {e}"))
            })?;
            rows = re.split(s).map(|part| vec![Value::Text(part.to_string())]).collect();
        }
        SetFunction::PartitionAncestors => {
            let oid = args[0].as_i64().unwrap_or(0) as u32;
            if cx.env.catalog.tables.contains_key(&oid) {
                rows.push(vec![Value::Oid(oid)]);
            }
        }
    }
    if ordinality {
        for (i, r) in rows.iter_mut().enumerate() {
            r.push(Value::Int8(i as i64 + 1));
        }
    }
    Ok(rows)
}
