//! The system catalogs: `pg_catalog` and `information_schema` views generated from Tandem's
//! catalog when queried, so that psql's `\d` family, drivers and ORMs find what they look for.
//!
//! Every system catalog is a [`VirtualTable`]: its name, OID and columns come from `defs`
//! (PostgreSQL's own column lists), and its rows are computed at scan time from the
//! [`crate::catalog::Catalog`] the statement was bound against and from the session. Nothing
//! here is stored: a catalog row exists exactly as long as the object it describes.
//!
//! * [`model`] flattens Tandem's catalog into PostgreSQL's objects: relations (tables, views,
//!   sequences, indexes, the system catalogs themselves), constraints (primary key, unique,
//!   check, foreign key) and the OIDs of objects Tandem does not store separately;
//! * `relations` makes `pg_class`, `pg_attribute`, `pg_index`, `pg_constraint` and the other
//!   per-relation catalogs; `system` the database-wide ones (`pg_namespace`, `pg_type`,
//!   `pg_roles`, `pg_settings`, `pg_proc`, ...); `infoschema` the `information_schema` views;
//! * [`functions`] holds the catalog functions (`format_type`, `pg_get_indexdef`,
//!   `pg_table_is_visible`, the `reg*` conversions, ...), [`describe`] the text they produce
//!   for indexes, constraints and views, and `deparse` PostgreSQL's way of printing
//!   expressions (`CHECK (balance >= 0::numeric)`, `'x'::text`).
//!
//! Catalogs for features Tandem lacks (triggers, policies, publications, extensions beyond
//! `plpgsql`, ...) exist with their columns and no rows, so that queries joining them run.
//! What is missing or differs from PostgreSQL is listed in docs/pg-catalog.md.

mod defs;
pub(crate) mod deparse;
pub mod describe;
pub mod functions;
mod infoschema;
pub mod model;
mod procs;
mod relations;
mod system;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::Result;
use crate::exec::{Cx, Row};
use crate::types::{DataType, Value};

/// A system catalog view (an index into the table of definitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VirtualTable(u16);

/// The parsed column lists, one per definition.
fn parsed_columns() -> &'static [Vec<(&'static str, DataType)>] {
    static COLUMNS: OnceLock<Vec<Vec<(&'static str, DataType)>>> = OnceLock::new();
    COLUMNS.get_or_init(|| defs::DEFS.iter().map(|d| parse_columns(d.columns)).collect())
}

/// Parses `name type, name type[]`.
fn parse_columns(spec: &'static str) -> Vec<(&'static str, DataType)> {
    spec.split(", ")
        .map(|col| {
            let (name, ty) = col.split_once(' ').unwrap_or((col, "text"));
            (name, column_type(ty))
        })
        .collect()
}

/// The type a column spec names (see [`defs`] for the substitutions).
fn column_type(spec: &str) -> DataType {
    if let Some(elem) = spec.strip_suffix("[]") {
        return DataType::Array(Box::new(column_type(elem)));
    }
    match spec {
        "bool" => DataType::Bool,
        "char" => DataType::Char,
        "name" => DataType::Name,
        "int2" => DataType::Int2,
        "int4" => DataType::Int4,
        "int8" => DataType::Int8,
        "float4" => DataType::Float4,
        "float8" => DataType::Float8,
        "numeric" => DataType::Numeric(None),
        "oid" => DataType::Oid,
        "regproc" => DataType::RegProc,
        "regtype" => DataType::RegType,
        "regclass" => DataType::RegClass,
        "varchar" => DataType::Varchar(None),
        "bytea" => DataType::Bytea,
        "interval" => DataType::Interval,
        "timestamptz" => DataType::TimestampTz,
        _ => DataType::Text,
    }
}

impl VirtualTable {
    fn def(&self) -> &'static defs::Def {
        &defs::DEFS[usize::from(self.0)]
    }

    /// Every system catalog.
    pub fn all() -> impl Iterator<Item = VirtualTable> {
        (0..defs::DEFS.len()).map(|i| VirtualTable(i as u16))
    }

    /// The view named `name` in schema `schema`.
    pub fn by_name(schema: u32, name: &str) -> Option<Self> {
        static INDEX: OnceLock<HashMap<(u32, &'static str), u16>> = OnceLock::new();
        let index =
            INDEX.get_or_init(|| defs::DEFS.iter().enumerate().map(|(i, d)| ((d.schema, d.name), i as u16)).collect());
        index.get(&(schema, name)).map(|i| VirtualTable(*i))
    }

    /// The view with OID `oid`.
    pub fn by_oid(oid: u32) -> Option<Self> {
        defs::DEFS.iter().position(|d| d.oid == oid).map(|i| VirtualTable(i as u16))
    }

    /// Its OID.
    pub fn oid(&self) -> u32 {
        self.def().oid
    }

    /// Its name.
    pub fn name(&self) -> &'static str {
        self.def().name
    }

    /// Its schema's OID.
    pub fn schema(&self) -> u32 {
        self.def().schema
    }

    /// `relkind`: `r` for a catalog table, `v` for a view.
    pub fn kind(&self) -> char {
        self.def().kind
    }

    /// The view's columns.
    pub fn columns(&self) -> Vec<(&'static str, DataType)> {
        parsed_columns()[usize::from(self.0)].clone()
    }

    /// The view's rows now.
    pub fn rows(&self, cx: &Cx<'_>) -> Result<Vec<Row>> {
        let mut out = RowSet::new(*self);
        let d = self.def();
        if d.schema == crate::catalog::objects::INFORMATION_SCHEMA {
            infoschema::rows(d.name, cx, &mut out)?;
        } else if d.name == "tandem_cluster" {
            return Ok(cx.env.session.cluster_rows());
        } else if !relations::rows(d.name, cx, &mut out)? {
            system::rows(d.name, cx, &mut out)?;
        }
        Ok(out.rows)
    }
}

/// Rows under construction for one view: values are given by column name, and columns not
/// given take the type's neutral value (0, false, or NULL).
pub(crate) struct RowSet {
    columns: &'static [(&'static str, DataType)],
    index: HashMap<&'static str, usize>,
    rows: Vec<Row>,
}

impl RowSet {
    fn new(table: VirtualTable) -> Self {
        let columns = parsed_columns()[usize::from(table.0)].as_slice();
        let index = columns.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
        Self { columns, index, rows: Vec::new() }
    }

    /// Adds a row from `(column, value)` pairs.
    pub(crate) fn push(&mut self, values: Vec<(&str, Value)>) {
        let mut row: Row = self.columns.iter().map(|(_, ty)| neutral(ty)).collect();
        for (name, value) in values {
            match self.index.get(name) {
                Some(i) => row[*i] = value,
                None => debug_assert!(false, "no column {name}"),
            }
        }
        self.rows.push(row);
    }
}

/// The value of a column a generator leaves out.
fn neutral(ty: &DataType) -> Value {
    match ty {
        DataType::Bool => Value::Bool(false),
        DataType::Int2 => Value::Int2(0),
        DataType::Int4 => Value::Int4(0),
        DataType::Int8 => Value::Int8(0),
        DataType::Float4 => Value::Float4(0.0),
        DataType::Float8 => Value::Float8(0.0),
        DataType::Oid | DataType::RegProc | DataType::RegType | DataType::RegClass => Value::Oid(0),
        _ => Value::Null,
    }
}

/// A `text` value.
pub(crate) fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// A `"char"` value.
pub(crate) fn ch(c: char) -> Value {
    Value::Text(c.to_string())
}

/// An `oid` value.
pub(crate) fn oid(o: u32) -> Value {
    Value::Oid(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_parses_with_unique_names() {
        let mut seen = std::collections::HashSet::new();
        for t in VirtualTable::all() {
            assert!(seen.insert((t.schema(), t.name())), "{} defined twice", t.name());
            let cols = t.columns();
            assert!(!cols.is_empty(), "{} has no columns", t.name());
            let names: std::collections::HashSet<_> = cols.iter().map(|(n, _)| *n).collect();
            assert_eq!(names.len(), cols.len(), "{} repeats a column", t.name());
            assert_eq!(VirtualTable::by_name(t.schema(), t.name()), Some(t));
            assert_eq!(VirtualTable::by_oid(t.oid()), Some(t));
        }
        let class = VirtualTable::by_name(crate::catalog::objects::PG_CATALOG, "pg_class").unwrap();
        assert!(class.columns().contains(&("relkind", DataType::Char)));
        let index = VirtualTable::by_name(crate::catalog::objects::PG_CATALOG, "pg_index").unwrap();
        assert!(index.columns().contains(&("indkey", DataType::Array(Box::new(DataType::Int2)))));
    }
}
