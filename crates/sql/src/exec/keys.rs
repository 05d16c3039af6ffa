//! Encoding rows and index entries as keys and values (the layouts in
//! [`crate::catalog::keys`]).

use tandem_storage::keycode::{KeyReader, KeyWriter};

use crate::catalog::keys::{index_prefix, table_prefix};
use crate::catalog::objects::{Index, Table};
use crate::error::{Result, SqlError};
use crate::types::keyenc::{decode_key, encode_key};
use crate::types::rowenc::{decode_row, encode_row};
use crate::types::{DataType, TextContext, Value};

/// Length of a row key's prefix (space byte and table OID).
pub const ROW_PREFIX_LEN: usize = 5;

/// The key of a row: the table prefix and the primary key values (or the hidden row id).
pub fn row_key(table: &Table, row: &[Value], rowid: Option<i64>) -> Vec<u8> {
    let mut w = KeyWriter::from_prefix(&table_prefix(table.oid));
    match &table.primary_key {
        Some(pk) => {
            for c in &pk.columns {
                encode_key(&row[*c], &table.columns[*c].ty, &mut w);
            }
        }
        None => {
            w.i64(rowid.unwrap_or_default());
        }
    }
    w.finish()
}

/// The key of a row from primary key values alone.
pub fn pk_key(table: &Table, values: &[Value]) -> Vec<u8> {
    let mut w = KeyWriter::from_prefix(&table_prefix(table.oid));
    if let Some(pk) = &table.primary_key {
        for (c, v) in pk.columns.iter().zip(values) {
            encode_key(v, &table.columns[*c].ty, &mut w);
        }
    }
    w.finish()
}

/// The part of a row key after the table prefix (what index entries point to).
pub fn pk_suffix(row_key: &[u8]) -> &[u8] {
    &row_key[ROW_PREFIX_LEN.min(row_key.len())..]
}

/// The row key an index entry points to.
pub fn row_key_from_suffix(table: &Table, suffix: &[u8]) -> Vec<u8> {
    let mut k = table_prefix(table.oid);
    k.extend_from_slice(suffix);
    k
}

/// True when any indexed value is NULL (such entries never conflict, as in PostgreSQL).
pub fn has_null(index: &Index, row: &[Value]) -> bool {
    index.columns.iter().any(|c| row[*c].is_null())
}

/// The entry of `row` in `index`: for a unique index without NULLs, the key is the indexed
/// values and the value is the row's key suffix; otherwise the suffix is part of the key.
pub fn index_entry(table: &Table, index: &Index, row: &[Value], row_key: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut w = KeyWriter::from_prefix(&index_prefix(index.oid));
    for c in &index.columns {
        encode_key(&row[*c], &table.columns[*c].ty, &mut w);
    }
    if index.unique && !has_null(index, row) {
        (w.finish(), pk_suffix(row_key).to_vec())
    } else {
        w.raw(pk_suffix(row_key));
        (w.finish(), Vec::new())
    }
}

/// Encodes a row's value.
pub fn encode_table_row(table: &Table, row: &[Value]) -> Vec<u8> {
    let types: Vec<DataType> = table.physical_types();
    encode_row(row, &types)
}

/// Decodes a stored row, filling columns added after it was written with their recorded
/// value for old rows (or NULL).
pub fn decode_table_row(table: &Table, bytes: &[u8]) -> Result<Vec<Value>> {
    let types = table.physical_types();
    let mut row = decode_row(bytes, &types)?;
    while row.len() < table.columns.len() {
        let c = &table.columns[row.len()];
        let v = match &c.missing {
            Some(text) => crate::types::text::parse_text(text, &c.ty, &TextContext::default())?,
            None => Value::Null,
        };
        row.push(v);
    }
    for (i, c) in table.columns.iter().enumerate() {
        if c.dropped {
            row[i] = Value::Null;
        }
    }
    Ok(row)
}

/// The hidden row id of a table without a primary key, from its row key.
pub fn rowid_of(row_key: &[u8]) -> Result<i64> {
    KeyReader::new(pk_suffix(row_key)).i64().map_err(|e| SqlError::new(crate::sqlstate::DATA_CORRUPTED, e.to_string()))
}

/// Decodes primary key values from a row key (for EXPLAIN and diagnostics).
pub fn decode_pk(table: &Table, row_key: &[u8]) -> Result<Vec<Value>> {
    let mut r = KeyReader::new(pk_suffix(row_key));
    let mut out = Vec::new();
    if let Some(pk) = &table.primary_key {
        for c in &pk.columns {
            out.push(decode_key(&mut r, &table.columns[*c].ty)?);
        }
    }
    Ok(out)
}
