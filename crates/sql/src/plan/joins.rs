//! Join planning: choosing a join method (hash join on equality keys, an index lookup per
//! left row, or a nested loop), merging the columns of `USING` and `NATURAL` joins, and the
//! rule that one FROM clause may not name the same table (or alias) twice.
//!
//! A `USING (x)` join outputs one `x` (first, as PostgreSQL lists it in `*`) whose value is
//! the left side's for inner and left joins, the right side's for right joins and the first
//! non-NULL of both for full joins. Each side's own copy stays reachable as `t.x` but drops
//! out of `*` and of unqualified lookups.

use crate::error::{sqlstate, Result, SqlError};
use crate::plan::access::{has_outer_or_subquery, map_columns, shift_columns, split_equijoin, width};
use crate::plan::scope::{Scope, ScopeColumn};
use crate::plan::{Access, Expr, JoinKind, KeyRange, Node, Scan};
use crate::types::DataType;

/// One column pair merged by `USING`/`NATURAL`.
pub(crate) struct MergedColumn {
    /// The shared name.
    pub name: String,
    /// The common type of both sides.
    pub ty: DataType,
    /// The left copy's position in the joined row.
    pub left: usize,
    /// The right copy's position in the joined row.
    pub right: usize,
    /// The left copy coerced to `ty`.
    pub left_value: Expr,
    /// The right copy coerced to `ty`.
    pub right_value: Expr,
}

/// Puts the merged columns in front of a join's output and hides both sides' copies from
/// `*` and unqualified names.
pub(crate) fn merge_using_columns(
    node: Node,
    mut scope: Scope,
    kind: JoinKind,
    merged: Vec<MergedColumn>,
) -> (Node, Scope) {
    let mut exprs = Vec::with_capacity(merged.len() + scope.len());
    let mut columns = Vec::with_capacity(merged.len() + scope.len());
    for m in &merged {
        exprs.push(match kind {
            JoinKind::Inner | JoinKind::Left => m.left_value.clone(),
            JoinKind::Right => m.right_value.clone(),
            JoinKind::Full => Expr::Coalesce(vec![m.left_value.clone(), m.right_value.clone()]),
        });
        columns.push(ScopeColumn {
            qualifier: None,
            name: m.name.clone(),
            ty: m.ty.clone(),
            table_oid: 0,
            attnum: 0,
            hidden: false,
            qualified_only: false,
        });
    }
    for m in &merged {
        scope.columns[m.left].qualified_only = true;
        scope.columns[m.right].qualified_only = true;
    }
    exprs.extend((0..scope.len()).map(Expr::Column));
    columns.extend(scope.columns);
    (Node::Project { input: Box::new(node), exprs }, Scope { columns })
}

/// 42712 when `right` brings a table name or alias that `left` already has.
pub(crate) fn check_unique_names(left: &Scope, right: &Scope) -> Result<()> {
    for c in &right.columns {
        if let Some(q) = &c.qualifier {
            if left.has_qualifier(q) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_ALIAS,
                    format!("table name \"{q}\" specified more than once"),
                ));
            }
        }
    }
    Ok(())
}

/// Builds a join, choosing a hash join on equality keys, an index nested loop when the
/// right side is a table whose key the equalities cover, or a nested loop.
pub(crate) fn plan_join(
    kind: JoinKind,
    left: Node,
    right: Node,
    on: Option<Expr>,
    left_width: usize,
    lateral: bool,
) -> Node {
    if lateral {
        return Node::NestedLoop { kind, left: Box::new(left), right: Box::new(right), on, lateral: true };
    }
    if kind == JoinKind::Right {
        // Swap to a left join and restore the column order afterwards.
        let right_width = width(&right);
        if let (Some(rw), Some(on)) = (right_width, on.clone()) {
            let swapped_on = swap_sides(on, left_width, rw);
            let joined = plan_join(JoinKind::Left, right, left, Some(swapped_on), rw, false);
            let exprs = (0..left_width).map(|i| Expr::Column(rw + i)).chain((0..rw).map(Expr::Column)).collect();
            return Node::Project { input: Box::new(joined), exprs };
        }
    }
    let Some(on) = on else {
        return Node::NestedLoop { kind, left: Box::new(left), right: Box::new(right), on: None, lateral: false };
    };
    let (lkeys, rkeys, residual) = split_equijoin(&on, left_width);
    if lkeys.is_empty() {
        return Node::NestedLoop { kind, left: Box::new(left), right: Box::new(right), on: Some(on), lateral: false };
    }
    if matches!(kind, JoinKind::Inner | JoinKind::Left) {
        if let Node::Scan(scan) = &right {
            let own: Vec<Expr> = rkeys.iter().map(|e| shift_columns(e.clone(), left_width)).collect();
            if let Some(lookup) = index_lookup_scan(scan, &lkeys, &own) {
                // The right side runs once per left row with the left row as outer row 1;
                // the join condition stays on the join.
                return Node::NestedLoop {
                    kind,
                    left: Box::new(left),
                    right: Box::new(Node::Scan(lookup)),
                    on: Some(on),
                    lateral: true,
                };
            }
        }
    }
    let rkeys = rkeys.into_iter().map(|e| shift_columns(e, left_width)).collect();
    Node::HashJoin { kind, left: Box::new(left), right: Box::new(right), left_keys: lkeys, right_keys: rkeys, residual }
}

/// Rewrites a condition over (left ++ right) to one over (right ++ left).
fn swap_sides(e: Expr, left_width: usize, right_width: usize) -> Expr {
    map_columns(e, &|i| if i < left_width { i + right_width } else { i - left_width })
}

/// A parameterized lookup of `scan`'s table by keys coming from the left row, when the
/// equalities `left_keys[i] = right_keys[i]` cover its primary key or an index prefix.
fn index_lookup_scan(scan: &Scan, left_keys: &[Expr], right_keys: &[Expr]) -> Option<Scan> {
    if !matches!(scan.access, Access::Full) {
        return None;
    }
    let outer_of = |l: &Expr| -> Option<Expr> {
        match l {
            Expr::Column(i) => Some(Expr::Outer { level: 1, index: *i }),
            _ => None,
        }
    };
    let mut by_col = std::collections::HashMap::new();
    for (l, r) in left_keys.iter().zip(right_keys) {
        if let (Expr::Column(rc), Some(o)) = (r, outer_of(l)) {
            by_col.insert(*rc, o);
        }
    }
    let table = &scan.table;
    if let Some(pk) = &table.primary_key {
        if pk.columns.iter().all(|c| by_col.contains_key(c)) {
            let key = pk.columns.iter().map(|c| by_col[c].clone()).collect();
            let filter = scan.filter.clone().filter(|f| !has_outer_or_subquery(f));
            return Some(Scan { access: Access::PkPoints(vec![key]), filter, ..scan.clone() });
        }
    }
    for (i, idx) in table.indexes.iter().enumerate() {
        let eq: Vec<Expr> = idx.columns.iter().map_while(|c| by_col.get(c).cloned()).collect();
        if !eq.is_empty() {
            let filter = scan.filter.clone().filter(|f| !has_outer_or_subquery(f));
            let range = KeyRange { eq, lower: None, upper: None };
            return Some(Scan { access: Access::Index { index: i, range }, filter, ..scan.clone() });
        }
    }
    None
}
