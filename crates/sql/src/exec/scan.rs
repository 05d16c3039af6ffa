//! Reading tables: full scans, primary-key lookups and ranges, index lookups and ranges, all
//! through the transaction's view (its snapshot plus its own writes).

use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use tandem_storage::keycode::{prefix_end, KeyReader, KeyWriter};
use tandem_storage::Versioned;
use tandem_txn::MergedScan;

use crate::catalog::keys::{index_prefix, table_prefix};
use crate::catalog::objects::Table;
use crate::error::Result;
use crate::exec::keys::{decode_table_row, row_key_from_suffix};
use crate::exec::{Cx, ExecEnv, Outer, Row, RowIter};
use crate::plan::{Access, Expr, KeyRange, Scan};
use crate::types::keyenc::{decode_key, encode_key};
use crate::types::{DataType, Value};

enum Source {
    /// Rows straight from a range of the table.
    Rows(MergedScan),
    /// Row keys to fetch.
    Points(VecDeque<Vec<u8>>),
    /// Index entries pointing at rows.
    Index(MergedScan, Vec<DataType>),
    /// Nothing matches (a NULL key value).
    Empty,
}

/// A table read.
pub(super) struct TableScan {
    env: Arc<ExecEnv>,
    outer: Outer,
    table: Arc<Table>,
    filter: Option<Expr>,
    with_key: bool,
    source: Source,
}

/// Builds the byte range of `range` under `prefix` for key columns of `types`. `None` when a
/// bound value is NULL (nothing can match).
fn byte_range(
    cx: &Cx<'_>,
    prefix: &[u8],
    types: &[DataType],
    range: &KeyRange,
) -> Result<Option<tandem_txn::KeyRange>> {
    let mut w = KeyWriter::from_prefix(prefix);
    for (e, ty) in range.eq.iter().zip(types) {
        let v = cx.eval(e, &[])?;
        if v.is_null() {
            return Ok(None);
        }
        encode_key(&v, ty, &mut w);
    }
    let base = w.finish();
    let next_ty = types.get(range.eq.len());
    let bound_key = |e: &Expr| -> Result<Option<Vec<u8>>> {
        let v = cx.eval(e, &[])?;
        if v.is_null() {
            return Ok(None);
        }
        let mut w = KeyWriter::from_prefix(&base);
        encode_key(&v, next_ty.expect("a bound implies a next key column"), &mut w);
        Ok(Some(w.finish()))
    };
    let start = match &range.lower {
        None => Bound::Included(base.clone()),
        Some((e, inclusive)) => match bound_key(e)? {
            None => return Ok(None),
            Some(k) if *inclusive => Bound::Included(k),
            Some(k) => match prefix_end(&k) {
                Some(after) => Bound::Included(after),
                None => return Ok(None),
            },
        },
    };
    let end = match &range.upper {
        None => prefix_end(&base).map(Bound::Excluded).unwrap_or(Bound::Unbounded),
        Some((e, inclusive)) => match bound_key(e)? {
            None => return Ok(None),
            Some(k) if *inclusive => prefix_end(&k).map(Bound::Excluded).unwrap_or(Bound::Unbounded),
            Some(k) => Bound::Excluded(k),
        },
    };
    Ok(Some((start, end)))
}

impl TableScan {
    pub(super) fn open(scan: &Scan, env: &Arc<ExecEnv>, outer: &Outer) -> Result<Self> {
        let cx = Cx { env, outer };
        let table = scan.table.clone();
        let prefix = table_prefix(table.oid);
        let source = match &scan.access {
            Access::Full => {
                let end = prefix_end(&prefix).expect("table prefix");
                Source::Rows(env.view.scan((Bound::Included(prefix), Bound::Excluded(end)), scan.reverse))
            }
            Access::PkPoints(tuples) => {
                let pk = table.primary_key.as_ref().expect("PkPoints on a table with a primary key");
                let mut keys = VecDeque::new();
                'tuples: for tuple in tuples {
                    let mut w = KeyWriter::from_prefix(&prefix);
                    for (e, c) in tuple.iter().zip(&pk.columns) {
                        let v = cx.eval(e, &[])?;
                        if v.is_null() {
                            continue 'tuples;
                        }
                        encode_key(&v, &table.columns[*c].ty, &mut w);
                    }
                    let key = w.finish();
                    if !keys.contains(&key) {
                        keys.push_back(key);
                    }
                }
                Source::Points(keys)
            }
            Access::PkRange(range) => {
                let pk = table.primary_key.as_ref().expect("PkRange on a table with a primary key");
                let types: Vec<DataType> = pk.columns.iter().map(|c| table.columns[*c].ty.clone()).collect();
                match byte_range(&cx, &prefix, &types, range)? {
                    Some(r) => Source::Rows(env.view.scan(r, scan.reverse)),
                    None => Source::Empty,
                }
            }
            Access::Index { index, range } => {
                let idx = &table.indexes[*index];
                let types: Vec<DataType> = idx.columns.iter().map(|c| table.columns[*c].ty.clone()).collect();
                match byte_range(&cx, &index_prefix(idx.oid), &types, range)? {
                    Some(r) => Source::Index(env.view.scan(r, scan.reverse), types),
                    None => Source::Empty,
                }
            }
        };
        Ok(Self {
            env: env.clone(),
            outer: outer.clone(),
            table,
            filter: scan.filter.clone(),
            with_key: scan.with_key,
            source,
        })
    }

    fn next_raw(&mut self) -> Result<Option<(Vec<u8>, Versioned)>> {
        loop {
            match &mut self.source {
                Source::Empty => return Ok(None),
                Source::Rows(it) => return it.next().transpose().map_err(Into::into),
                Source::Points(keys) => {
                    let Some(key) = keys.pop_front() else { return Ok(None) };
                    if let Some(v) = self.env.view.get(&key)? {
                        return Ok(Some((key, v)));
                    }
                }
                Source::Index(it, types) => {
                    let Some((key, entry)) = it.next().transpose()? else { return Ok(None) };
                    let suffix = if entry.value.is_empty() {
                        let mut r = KeyReader::new(&key[5..]);
                        for ty in types.iter() {
                            decode_key(&mut r, ty)?;
                        }
                        r.remaining().to_vec()
                    } else {
                        entry.value
                    };
                    let row_key = row_key_from_suffix(&self.table, &suffix);
                    if let Some(v) = self.env.view.get(&row_key)? {
                        return Ok(Some((row_key, v)));
                    }
                }
            }
        }
    }
}

impl RowIter for TableScan {
    fn next(&mut self) -> Result<Option<Row>> {
        while let Some((key, stored)) = self.next_raw()? {
            let mut row = decode_table_row(&self.table, &stored.value)?;
            if self.with_key {
                row.push(Value::Bytea(key));
            }
            if let Some(f) = &self.filter {
                let cx = Cx { env: &self.env, outer: &self.outer };
                if !cx.test(f, &row)? {
                    continue;
                }
            }
            return Ok(Some(row));
        }
        Ok(None)
    }
}
