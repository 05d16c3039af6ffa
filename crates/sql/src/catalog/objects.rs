//! Catalog objects: schemas, tables (with their columns, primary key, indexes and checks),
//! sequences and views. They are stored as postcard under their catalog key and replicated
//! like any other write, so a schema change commits atomically with the transaction that made
//! it.

use serde::{Deserialize, Serialize};

use crate::types::DataType;

/// OID of `pg_catalog`.
pub const PG_CATALOG: u32 = 11;
/// OID of `public`.
pub const PUBLIC: u32 = 2200;
/// OID of `information_schema`.
pub const INFORMATION_SCHEMA: u32 = 13_183;
/// First OID handed to user objects (as in PostgreSQL).
pub const FIRST_USER_OID: u32 = 16_384;
/// OID of the one database, `tandem` (its catalogs list it as `pg_database` row).
pub const DATABASE_OID: u32 = 16_384 - 1;

/// A schema (namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// OID.
    pub oid: u32,
    /// Name.
    pub name: String,
}

/// How an identity column generates values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `GENERATED ALWAYS` (user values refused) rather than `BY DEFAULT`.
    pub always: bool,
    /// The sequence behind it.
    pub sequence: u32,
}

/// A column. Columns keep their position (`attnum` is the index plus one) for the life of the
/// table; a dropped column stays as a placeholder so that stored rows still decode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Type, with modifiers.
    pub ty: DataType,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Default expression as SQL text (`nextval('t_id_seq'::regclass)` for serials).
    pub default: Option<String>,
    /// Identity column settings.
    pub identity: Option<Identity>,
    /// The column was dropped.
    pub dropped: bool,
    /// Value of rows stored before the column was added (its default at that time), as text.
    pub missing: Option<String>,
}

/// The primary key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint (and index) name, `t_pkey` by default.
    pub name: String,
    /// Column positions (0-based).
    pub columns: Vec<usize>,
    /// OID of the primary key index as the catalogs show it.
    pub index_oid: u32,
}

/// A secondary index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// OID.
    pub oid: u32,
    /// Name.
    pub name: String,
    /// Column positions (0-based), in index order.
    pub columns: Vec<usize>,
    /// Unique index.
    pub unique: bool,
    /// It backs a `UNIQUE` constraint of this name (shown as a constraint by `\d`).
    pub constraint: Option<String>,
}

/// A check constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name.
    pub name: String,
    /// The condition as SQL text.
    pub expr: String,
    /// OID the catalogs show for the constraint.
    pub oid: u32,
}

/// A foreign key (recorded and shown; see docs/sql.md for what is enforced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing column positions.
    pub columns: Vec<usize>,
    /// Referenced table OID.
    pub ref_table: u32,
    /// Referenced column positions.
    pub ref_columns: Vec<usize>,
    /// `ON DELETE` action as SQL text (`NO ACTION`, `CASCADE`, ...).
    pub on_delete: String,
    /// `ON UPDATE` action.
    pub on_update: String,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub deferred: bool,
    /// OID the catalogs show for the constraint.
    pub oid: u32,
}

/// A table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// OID.
    pub oid: u32,
    /// Schema OID.
    pub schema: u32,
    /// Name.
    pub name: String,
    /// Columns, including dropped placeholders.
    pub columns: Vec<Column>,
    /// Primary key; without one, rows are keyed by a hidden row id.
    pub primary_key: Option<PrimaryKey>,
    /// Secondary indexes.
    pub indexes: Vec<Index>,
    /// Check constraints.
    pub checks: Vec<Check>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Storage parameters (`WITH (fillfactor=100)`), kept for the catalogs.
    pub options: Vec<(String, String)>,
    /// Bumped by every change of the definition.
    pub version: u64,
}

impl Table {
    /// The live (not dropped) columns with their positions.
    pub fn live_columns(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns.iter().enumerate().filter(|(_, c)| !c.dropped)
    }

    /// The position of live column `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.live_columns().find(|(_, c)| c.name == name).map(|(i, _)| i)
    }

    /// Types of every column position (dropped ones included), for row decoding.
    pub fn physical_types(&self) -> Vec<DataType> {
        self.columns.iter().map(|c| c.ty.clone()).collect()
    }
}

/// A sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// OID.
    pub oid: u32,
    /// Schema OID.
    pub schema: u32,
    /// Name.
    pub name: String,
    /// `smallint`, `integer` or `bigint`.
    pub ty: DataType,
    /// First value.
    pub start: i64,
    /// Step.
    pub increment: i64,
    /// Lowest value.
    pub min: i64,
    /// Highest value.
    pub max: i64,
    /// Wrap around at the limit.
    pub cycle: bool,
    /// The column that owns it (`SERIAL`, identity), as (table OID, column position).
    pub owned_by: Option<(u32, usize)>,
}

/// A view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// OID.
    pub oid: u32,
    /// Schema OID.
    pub schema: u32,
    /// Name.
    pub name: String,
    /// The defining query as SQL text.
    pub sql: String,
    /// Output columns.
    pub columns: Vec<(String, DataType)>,
}
