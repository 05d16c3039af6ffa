//! Window functions: each call sorts the input rows by its partition and order keys, walks
//! the partitions, and gives every row a value, which is appended to the row (rows keep
//! their input order).
//!
//! Frames are PostgreSQL's default: without ORDER BY an aggregate sees the whole partition;
//! with ORDER BY it sees the partition up to the current row and the rows that sort equal to
//! it (its peers). A running aggregate is recomputed from the partition's start for each
//! group of peers, since aggregate states cannot be read twice; that is quadratic in the
//! partition's size.

use std::cmp::Ordering;

use crate::error::Result;
use crate::exec::ops::cmp_keys;
use crate::exec::{Cx, Row};
use crate::plan::{Expr, SortKey, WindowCall, WindowFunc};
use crate::types::Value;

/// Appends one column per call to each row.
pub(super) fn window(rows: Vec<Row>, calls: &[WindowCall], cx: &Cx<'_>) -> Result<Vec<Row>> {
    let mut values: Vec<Vec<Value>> = vec![Vec::with_capacity(calls.len()); rows.len()];
    for call in calls {
        for (i, v) in call_values(&rows, call, cx)?.into_iter().enumerate() {
            values[i].push(v);
        }
    }
    Ok(rows
        .into_iter()
        .zip(values)
        .map(|(mut row, extra)| {
            row.extend(extra);
            row
        })
        .collect())
}

/// One row of the sorted input: its position, partition key and order key.
struct Keyed {
    index: usize,
    partition: Vec<Value>,
    order: Vec<Value>,
}

fn eval_all(exprs: &[Expr], row: &Row, cx: &Cx<'_>) -> Result<Vec<Value>> {
    exprs.iter().map(|e| cx.eval(e, row)).collect()
}

/// The call's value for every row, by row position.
fn call_values(rows: &[Row], call: &WindowCall, cx: &Cx<'_>) -> Result<Vec<Value>> {
    let partition_keys: Vec<SortKey> =
        call.partition_by.iter().map(|e| SortKey { expr: e.clone(), desc: false, nulls_first: false }).collect();
    let order_exprs: Vec<Expr> = call.order_by.iter().map(|k| k.expr.clone()).collect();
    let mut keyed = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        keyed.push(Keyed {
            index,
            partition: eval_all(&call.partition_by, row, cx)?,
            order: eval_all(&order_exprs, row, cx)?,
        });
    }
    keyed.sort_by(|a, b| {
        cmp_keys(&a.partition, &b.partition, &partition_keys).then_with(|| cmp_keys(&a.order, &b.order, &call.order_by))
    });
    let mut out = vec![Value::Null; rows.len()];
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len()
            && cmp_keys(&keyed[start].partition, &keyed[end].partition, &partition_keys) == Ordering::Equal
        {
            end += 1;
        }
        partition_values(rows, &keyed[start..end], call, cx, &mut out)?;
        start = end;
    }
    Ok(out)
}

/// Fills `out` for the rows of one partition (in window order).
fn partition_values(rows: &[Row], part: &[Keyed], call: &WindowCall, cx: &Cx<'_>, out: &mut [Value]) -> Result<()> {
    // Where each row's group of peers ends (exclusive), and the groups' numbers.
    let mut peer_end = vec![part.len(); part.len()];
    let mut group = vec![0i64; part.len()];
    let mut first = 0;
    for i in 1..=part.len() {
        if i == part.len() || cmp_keys(&part[first].order, &part[i].order, &call.order_by) != Ordering::Equal {
            for j in first..i {
                peer_end[j] = i;
                group[j] = if first == 0 { 1 } else { group[first - 1] + 1 };
            }
            first = i;
        }
    }
    match &call.func {
        WindowFunc::RowNumber => {
            for (pos, k) in part.iter().enumerate() {
                out[k.index] = Value::Int8(pos as i64 + 1);
            }
        }
        WindowFunc::Rank => {
            let mut rank = 1;
            for (pos, k) in part.iter().enumerate() {
                if pos > 0 && group[pos] != group[pos - 1] {
                    rank = pos as i64 + 1;
                }
                out[k.index] = Value::Int8(rank);
            }
        }
        WindowFunc::DenseRank => {
            for (pos, k) in part.iter().enumerate() {
                out[k.index] = Value::Int8(group[pos]);
            }
        }
        WindowFunc::Lag { lead } => {
            for (pos, k) in part.iter().enumerate() {
                let row = &rows[k.index];
                let offset = match call.args.get(1) {
                    Some(e) => match cx.eval(e, row)?.as_i64() {
                        Some(n) => n,
                        None => continue,
                    },
                    None => 1,
                };
                let target = if *lead { pos as i64 + offset } else { pos as i64 - offset };
                out[k.index] = match usize::try_from(target).ok().filter(|t| *t < part.len()) {
                    Some(t) => cx.eval(&call.args[0], &rows[part[t].index])?,
                    None => match call.args.get(2) {
                        Some(d) => cx.eval(d, row)?,
                        None => Value::Null,
                    },
                };
            }
        }
        WindowFunc::Aggregate(agg) => {
            let mut pos = 0;
            while pos < part.len() {
                // Without ORDER BY every row is a peer of every other: one group.
                let upto = peer_end[pos];
                let mut acc = (agg.make)(&agg.arg_types);
                acc.set_text_context(&cx.env.text);
                for k in &part[..upto] {
                    acc.update(&eval_all(&call.args, &rows[k.index], cx)?)?;
                }
                let value = acc.finish()?;
                for k in &part[pos..upto] {
                    out[k.index] = value.clone();
                }
                pos = upto;
            }
        }
    }
    Ok(())
}
