//! Choosing how to read tables, and moving predicates to where they filter earliest.
//!
//! A WHERE clause is split into conjuncts. Those that mention the columns of one side of an
//! inner join only are pushed down to that side, ending up in a table scan's filter. There,
//! equalities and ranges between a key column and a value that does not depend on the row
//! (a constant, a parameter, an outer reference) select the access path: a primary-key point
//! lookup (`pk = $1`, `pk IN (...)`), a primary-key range, an index lookup or range, or a full
//! scan. The conjuncts stay in the filter as well, so the choice never changes the result.

use std::collections::BTreeSet;

use crate::plan::expr::is_row_independent;
use crate::plan::joins::plan_join;
use crate::plan::{Access, Expr, JoinKind, KeyRange, Node, Scan};

/// Splits a predicate into its AND-ed parts.
pub fn conjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::And(parts) => parts.into_iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

fn and(mut parts: Vec<Expr>) -> Option<Expr> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Expr::And(parts)),
    }
}

/// The row columns an expression reads (not looking into subqueries).
pub fn columns_of(e: &Expr, out: &mut BTreeSet<usize>) {
    walk(e, &mut |x| {
        if let Expr::Column(i) = x {
            out.insert(*i);
        }
    });
}

/// Calls `f` on `e` and every sub-expression (not looking into subqueries).
pub fn walk(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    match e {
        Expr::Call { args, .. }
        | Expr::And(args)
        | Expr::Or(args)
        | Expr::Coalesce(args)
        | Expr::Array(args)
        | Expr::Special { args, .. }
        | Expr::Extreme { args, .. } => args.iter().for_each(|a| walk(a, f)),
        Expr::Cast { expr, .. } | Expr::Not(expr) | Expr::IsNull { expr, .. } | Expr::IsBool { expr, .. } => {
            walk(expr, f)
        }
        Expr::IsDistinct { left, right, .. } | Expr::NullIf { left, right, .. } => {
            walk(left, f);
            walk(right, f);
        }
        Expr::Case { whens, otherwise } => {
            for (c, r) in whens {
                walk(c, f);
                walk(r, f);
            }
            if let Some(o) = otherwise {
                walk(o, f);
            }
        }
        Expr::InList { expr, list, .. } => {
            walk(expr, f);
            list.iter().for_each(|a| walk(a, f));
        }
        Expr::AnyAll { left, array, .. } => {
            walk(left, f);
            walk(array, f);
        }
        Expr::Subscript { array, index } => {
            walk(array, f);
            walk(index, f);
        }
        Expr::Subquery(sq) => match &sq.kind {
            crate::plan::SubqueryKind::In { expr, .. } | crate::plan::SubqueryKind::Quantified { expr, .. } => {
                walk(expr, f)
            }
            _ => {}
        },
        Expr::Const(_) | Expr::Column(_) | Expr::Outer { .. } | Expr::Param(_) => {}
    }
}

/// True when `e` has a subquery or an outer reference (it cannot move between rows).
pub fn has_outer_or_subquery(e: &Expr) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        if matches!(x, Expr::Subquery(_) | Expr::Outer { .. }) {
            found = true;
        }
    });
    found
}

/// Rewrites every column reference through `f` (not inside subqueries).
pub fn map_columns(e: Expr, f: &impl Fn(usize) -> usize) -> Expr {
    let m = |x: Expr| map_columns(x, f);
    let mb = |x: Box<Expr>| Box::new(map_columns(*x, f));
    let mv = |v: Vec<Expr>| v.into_iter().map(|x| map_columns(x, f)).collect::<Vec<_>>();
    match e {
        Expr::Column(i) => Expr::Column(f(i)),
        Expr::Call { name, func, args, strict } => Expr::Call { name, func, args: mv(args), strict },
        Expr::And(v) => Expr::And(mv(v)),
        Expr::Or(v) => Expr::Or(mv(v)),
        Expr::Coalesce(v) => Expr::Coalesce(mv(v)),
        Expr::Array(v) => Expr::Array(mv(v)),
        Expr::Special { func, args } => Expr::Special { func, args: mv(args) },
        Expr::Extreme { args, least } => Expr::Extreme { args: mv(args), least },
        Expr::Cast { expr, from, to, ctx } => Expr::Cast { expr: mb(expr), from, to, ctx },
        Expr::Not(x) => Expr::Not(mb(x)),
        Expr::IsNull { expr, negated } => Expr::IsNull { expr: mb(expr), negated },
        Expr::IsBool { expr, value, negated } => Expr::IsBool { expr: mb(expr), value, negated },
        Expr::IsDistinct { left, right, negated } => Expr::IsDistinct { left: mb(left), right: mb(right), negated },
        Expr::NullIf { left, right, eq } => Expr::NullIf { left: mb(left), right: mb(right), eq },
        Expr::Case { whens, otherwise } => {
            Expr::Case { whens: whens.into_iter().map(|(c, r)| (m(c), m(r))).collect(), otherwise: otherwise.map(mb) }
        }
        Expr::InList { expr, list, eq, negated } => Expr::InList { expr: mb(expr), list: mv(list), eq, negated },
        Expr::AnyAll { left, array, op, name, all } => Expr::AnyAll { left: mb(left), array: mb(array), op, name, all },
        Expr::Subscript { array, index } => Expr::Subscript { array: mb(array), index: mb(index) },
        other => other,
    }
}

/// Shifts column references down by `by` (a right join side's expressions to its own row).
pub fn shift_columns(e: Expr, by: usize) -> Expr {
    map_columns(e, &|i| i - by)
}

/// Splits an ON condition into equi-join keys `(left, right)` and the rest. Right keys keep
/// their combined-row column numbers.
pub fn split_equijoin(on: &Expr, left_width: usize) -> (Vec<Expr>, Vec<Expr>, Option<Expr>) {
    let mut lkeys = Vec::new();
    let mut rkeys = Vec::new();
    let mut rest = Vec::new();
    for c in conjuncts(on.clone()) {
        if let Expr::Call { name, args, .. } = &c {
            if name == "=" && args.len() == 2 && !has_outer_or_subquery(&c) {
                let side = |e: &Expr| {
                    let mut cols = BTreeSet::new();
                    columns_of(e, &mut cols);
                    if cols.is_empty() {
                        None
                    } else if cols.iter().all(|i| *i < left_width) {
                        Some(true)
                    } else if cols.iter().all(|i| *i >= left_width) {
                        Some(false)
                    } else {
                        None
                    }
                };
                match (side(&args[0]), side(&args[1])) {
                    (Some(true), Some(false)) => {
                        lkeys.push(args[0].clone());
                        rkeys.push(args[1].clone());
                        continue;
                    }
                    (Some(false), Some(true)) => {
                        lkeys.push(args[1].clone());
                        rkeys.push(args[0].clone());
                        continue;
                    }
                    _ => {}
                }
            }
        }
        rest.push(c);
    }
    (lkeys, rkeys, and(rest))
}

/// Pushes the conjuncts `preds` as far down `node` as they can go.
pub fn push_down(node: Node, preds: Vec<Expr>) -> Node {
    if preds.is_empty() {
        return node;
    }
    match node {
        Node::Scan(mut scan) => {
            let mut parts = scan.filter.take().map(conjuncts).unwrap_or_default();
            parts.extend(preds);
            scan.filter = and(parts);
            choose_access(&mut scan);
            Node::Scan(scan)
        }
        Node::NestedLoop { kind, left, right, on, lateral } if kind != JoinKind::Full && !lateral => {
            let lw = width(&left);
            match lw {
                Some(lw) => {
                    let (lp, rp, mut keep) = partition(preds, lw, kind);
                    let left = push_down(*left, lp);
                    let right = push_down(*right, rp);
                    if kind == JoinKind::Inner {
                        // `FROM a, b WHERE a.x = b.y`: conditions over both sides join them,
                        // so that equalities hash or look up instead of filtering a product.
                        let joining: Vec<Expr>;
                        (joining, keep) =
                            keep.into_iter().partition(|p| !has_outer_or_subquery(p) && spans_both(p, lw));
                        if !joining.is_empty() {
                            let mut all = on.map(conjuncts).unwrap_or_default();
                            all.extend(joining);
                            return wrap(plan_join(kind, left, right, and(all), lw, false), keep);
                        }
                    }
                    wrap(Node::NestedLoop { kind, left: Box::new(left), right: Box::new(right), on, lateral }, keep)
                }
                None => wrap(Node::NestedLoop { kind, left, right, on, lateral }, preds),
            }
        }
        Node::NestedLoop { kind, left, right, on, lateral: true } if kind == JoinKind::Inner => {
            // Only the left side can take predicates: the right one runs per left row.
            match width(&left) {
                Some(lw) => {
                    let (lp, keep): (Vec<Expr>, Vec<Expr>) = preds.into_iter().partition(|p| {
                        let mut cols = BTreeSet::new();
                        columns_of(p, &mut cols);
                        !has_outer_or_subquery(p) && cols.iter().all(|i| *i < lw)
                    });
                    let left = push_down(*left, lp);
                    wrap(Node::NestedLoop { kind, left: Box::new(left), right, on, lateral: true }, keep)
                }
                None => wrap(Node::NestedLoop { kind, left, right, on, lateral: true }, preds),
            }
        }
        Node::HashJoin { kind, left, right, left_keys, right_keys, residual } if kind != JoinKind::Full => {
            match width(&left) {
                Some(lw) => {
                    let (lp, rp, keep) = partition(preds, lw, kind);
                    let left = push_down(*left, lp);
                    let right = push_down(*right, rp);
                    wrap(
                        Node::HashJoin {
                            kind,
                            left: Box::new(left),
                            right: Box::new(right),
                            left_keys,
                            right_keys,
                            residual,
                        },
                        keep,
                    )
                }
                None => wrap(Node::HashJoin { kind, left, right, left_keys, right_keys, residual }, preds),
            }
        }
        Node::Project { input, exprs } => {
            // Predicates over columns the projection only passes through (a USING join's
            // sides, a right join's reordering) move below it.
            let (down, keep): (Vec<Expr>, Vec<Expr>) = preds.into_iter().partition(|p| {
                let mut cols = BTreeSet::new();
                columns_of(p, &mut cols);
                !has_outer_or_subquery(p) && cols.iter().all(|i| matches!(exprs.get(*i), Some(Expr::Column(_))))
            });
            let source = |i: usize| match exprs[i] {
                Expr::Column(j) => j,
                _ => i,
            };
            let down = down.into_iter().map(|p| map_columns(p, &source)).collect();
            let input = push_down(*input, down);
            wrap(Node::Project { input: Box::new(input), exprs }, keep)
        }
        other => wrap(other, preds),
    }
}

fn wrap(node: Node, preds: Vec<Expr>) -> Node {
    match and(preds) {
        Some(p) => Node::Filter { input: Box::new(node), predicate: p },
        None => node,
    }
}

/// Splits predicates into left-only, right-only (shifted to the right row) and the rest. For a
/// left join only left-side predicates move (a WHERE on the right side filters NULL-extended
/// rows, which must stay above the join).
fn partition(preds: Vec<Expr>, lw: usize, kind: JoinKind) -> (Vec<Expr>, Vec<Expr>, Vec<Expr>) {
    let mut l = Vec::new();
    let mut r = Vec::new();
    let mut keep = Vec::new();
    for p in preds {
        if has_outer_or_subquery(&p) {
            keep.push(p);
            continue;
        }
        let mut cols = BTreeSet::new();
        columns_of(&p, &mut cols);
        if !cols.is_empty() && cols.iter().all(|i| *i < lw) {
            l.push(p);
        } else if kind == JoinKind::Inner && !cols.is_empty() && cols.iter().all(|i| *i >= lw) {
            r.push(shift_columns(p, lw));
        } else {
            keep.push(p);
        }
    }
    (l, r, keep)
}

/// True when `p` reads columns of both sides of a join whose left side is `lw` wide.
fn spans_both(p: &Expr, lw: usize) -> bool {
    let mut cols = BTreeSet::new();
    columns_of(p, &mut cols);
    cols.iter().any(|i| *i < lw) && cols.iter().any(|i| *i >= lw)
}

/// The number of columns a node produces, when known without binding context.
pub fn width(node: &Node) -> Option<usize> {
    match node {
        Node::Scan(s) => Some(s.table.columns.len() + usize::from(s.with_key)),
        Node::Project { exprs, .. } => Some(exprs.len()),
        Node::Values { rows } => rows.first().map(Vec::len),
        Node::Virtual { table } => Some(table.columns().len()),
        Node::Filter { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input, .. } => width(input),
        Node::NestedLoop { left, right, .. } | Node::HashJoin { left, right, .. } => Some(width(left)? + width(right)?),
        Node::Aggregate { group_by, aggregates, .. } => Some(group_by.len() + aggregates.len()),
        Node::Function { func, ordinality, .. } => {
            let base = match func {
                crate::plan::SetFunction::JsonEach | crate::plan::SetFunction::JsonEachText => 2,
                _ => 1,
            };
            Some(base + usize::from(*ordinality))
        }
        Node::Cte { plan, .. } => width(plan),
        Node::RecursiveUnion { init, .. } => width(init),
        Node::WorkTable { width, .. } => Some(*width),
        Node::SetOp { left, .. } => width(left),
        Node::Window { input, functions } => Some(width(input)? + functions.len()),
    }
}

/// A predicate's use for a key column: equality, or a bound.
pub(crate) enum KeyPred {
    Eq(Expr),
    In(Vec<Expr>),
    Lower(Expr, bool),
    Upper(Expr, bool),
}

/// The conjuncts of `filter` that compare a column with a row-independent value.
pub(crate) fn key_preds(filter: &Expr) -> Vec<(usize, KeyPred)> {
    let mut out = Vec::new();
    for c in conjuncts(filter.clone()) {
        match &c {
            Expr::Call { name, args, .. } if args.len() == 2 => {
                let (col, val, flipped) = match (&args[0], &args[1]) {
                    (Expr::Column(i), v) if is_row_independent(v) => (*i, v.clone(), false),
                    (v, Expr::Column(i)) if is_row_independent(v) => (*i, v.clone(), true),
                    _ => continue,
                };
                let op = match (name.as_str(), flipped) {
                    ("=", _) => KeyPred::Eq(val),
                    (">", false) | ("<", true) => KeyPred::Lower(val, false),
                    (">=", false) | ("<=", true) => KeyPred::Lower(val, true),
                    ("<", false) | (">", true) => KeyPred::Upper(val, false),
                    ("<=", false) | (">=", true) => KeyPred::Upper(val, true),
                    _ => continue,
                };
                out.push((col, op));
            }
            Expr::InList { expr, list, negated: false, .. } => {
                if let Expr::Column(i) = expr.as_ref() {
                    if list.iter().all(is_row_independent) {
                        out.push((*i, KeyPred::In(list.clone())));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Builds an equal-prefix-then-range over `columns` from the predicates.
fn key_range(columns: &[usize], preds: &[(usize, KeyPred)]) -> KeyRange {
    let mut range = KeyRange::default();
    for col in columns {
        if let Some(v) = preds.iter().find_map(|(c, p)| match p {
            KeyPred::Eq(v) if c == col => Some(v.clone()),
            _ => None,
        }) {
            range.eq.push(v);
            continue;
        }
        for (c, p) in preds {
            if c != col {
                continue;
            }
            match p {
                KeyPred::Lower(v, inc) if range.lower.is_none() => range.lower = Some((v.clone(), *inc)),
                KeyPred::Upper(v, inc) if range.upper.is_none() => range.upper = Some((v.clone(), *inc)),
                _ => {}
            }
        }
        break;
    }
    range
}

fn score(r: &KeyRange) -> usize {
    r.eq.len() * 2 + usize::from(r.lower.is_some() || r.upper.is_some())
}

/// Chooses the scan's access path from its filter.
pub fn choose_access(scan: &mut Scan) {
    let Some(filter) = &scan.filter else { return };
    if !matches!(scan.access, Access::Full) {
        return;
    }
    let preds = key_preds(filter);
    if preds.is_empty() {
        return;
    }
    let table = scan.table.clone();
    if let Some(pk) = &table.primary_key {
        // pk = v for every key column, or pk IN (...) on a one-column key.
        if pk.columns.len() == 1 {
            if let Some(list) = preds.iter().find_map(|(c, p)| match p {
                KeyPred::In(l) if *c == pk.columns[0] => Some(l.clone()),
                _ => None,
            }) {
                if !preds.iter().any(|(c, p)| *c == pk.columns[0] && matches!(p, KeyPred::Eq(_))) {
                    scan.access = Access::PkPoints(list.into_iter().map(|v| vec![v]).collect());
                    return;
                }
            }
        }
        let range = key_range(&pk.columns, &preds);
        if range.eq.len() == pk.columns.len() {
            scan.access = Access::PkPoints(vec![range.eq]);
            return;
        }
        let best_index = table
            .indexes
            .iter()
            .enumerate()
            .map(|(i, idx)| (i, key_range(&idx.columns, &preds)))
            .max_by_key(|(_, r)| score(r));
        match best_index {
            Some((i, r)) if score(&r) > score(&range) => scan.access = Access::Index { index: i, range: r },
            _ if score(&range) > 0 => scan.access = Access::PkRange(range),
            _ => {}
        }
        return;
    }
    if let Some((i, r)) = table
        .indexes
        .iter()
        .enumerate()
        .map(|(i, idx)| (i, key_range(&idx.columns, &preds)))
        .max_by_key(|(_, r)| score(r))
    {
        if score(&r) > 0 {
            scan.access = Access::Index { index: i, range: r };
        }
    }
}
