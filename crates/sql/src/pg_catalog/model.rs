//! Tandem's catalog seen as PostgreSQL's objects.
//!
//! Tandem stores tables (with their primary key, secondary indexes, checks and foreign keys
//! inside), sequences, views and schemas. PostgreSQL's catalogs show more objects: each index
//! is a relation of its own, each primary key and unique constraint is a `pg_constraint` row
//! next to its index, each column default a `pg_attrdef` row, each view a `pg_rewrite` rule.
//! This module makes those objects, with OIDs.
//!
//! Objects Tandem stores have the OIDs it gave them. The others get *derived* OIDs, computed
//! from the OID of the object they belong to: bit 31 set, a 4-bit kind in bits 27..30, and the
//! owner's OID in the low 27 bits (for `pg_attrdef`, the table OID shifted left by 11 bits plus
//! the column number). Stored OIDs stay far below 2^31, so the two never meet, and a derived
//! OID is the same for as long as its owner exists.

use std::sync::Arc;

use crate::catalog::objects::{Check, ForeignKey, Sequence, Table, View};
use crate::catalog::Catalog;
use crate::functions::scalar::quote_ident;
use crate::pg_catalog::VirtualTable;

/// Kinds of derived OIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Derived {
    /// The `pg_constraint` row of a primary key (from the index OID).
    PrimaryKey = 1,
    /// The `pg_constraint` row of a unique constraint (from the index OID).
    Unique = 2,
    /// A column default (from the table OID and column number).
    AttrDef = 3,
    /// The `_RETURN` rule of a view (from the view OID).
    Rewrite = 4,
}

const DERIVED_BIT: u32 = 0x8000_0000;
const PAYLOAD: u32 = 0x07ff_ffff;

/// The derived OID of kind `kind` for the object `base`.
pub fn derived_oid(kind: Derived, base: u32) -> u32 {
    DERIVED_BIT | ((kind as u32) << 27) | (base & PAYLOAD)
}

/// The OID of the default of column `attnum` of table `table`.
pub fn attrdef_oid(table: u32, attnum: i16) -> u32 {
    derived_oid(Derived::AttrDef, (table << 11) | (attnum as u32 & 0x7ff))
}

/// An index as `pg_index` shows it: the primary key's or a secondary one.
#[derive(Clone, Debug)]
pub struct IndexDef {
    /// Index OID.
    pub oid: u32,
    /// Index name.
    pub name: String,
    /// The indexed table.
    pub table: Arc<Table>,
    /// Column positions (0-based).
    pub columns: Vec<usize>,
    /// Unique (primary keys are).
    pub unique: bool,
    /// The primary key.
    pub primary: bool,
    /// The constraint it backs (primary key or unique): its name and OID.
    pub constraint: Option<(String, u32)>,
}

/// The indexes of `table`: the primary key first, then the secondary indexes in creation order.
pub fn indexes(table: &Arc<Table>) -> Vec<IndexDef> {
    let mut out = Vec::new();
    if let Some(pk) = &table.primary_key {
        out.push(IndexDef {
            oid: pk.index_oid,
            name: pk.name.clone(),
            table: table.clone(),
            columns: pk.columns.clone(),
            unique: true,
            primary: true,
            constraint: Some((pk.name.clone(), derived_oid(Derived::PrimaryKey, pk.index_oid))),
        });
    }
    for i in &table.indexes {
        out.push(IndexDef {
            oid: i.oid,
            name: i.name.clone(),
            table: table.clone(),
            columns: i.columns.clone(),
            unique: i.unique,
            primary: false,
            constraint: i.constraint.as_ref().map(|c| (c.clone(), derived_oid(Derived::Unique, i.oid))),
        });
    }
    out
}

/// What a relation is.
#[derive(Clone, Debug)]
pub enum RelKind {
    /// A table.
    Table(Arc<Table>),
    /// A view.
    View(Arc<View>),
    /// A sequence.
    Sequence(Arc<Sequence>),
    /// An index.
    Index(IndexDef),
    /// A system catalog.
    System(VirtualTable),
}

/// A relation as `pg_class` shows it.
#[derive(Clone, Debug)]
pub struct Rel {
    /// OID.
    pub oid: u32,
    /// Schema OID.
    pub schema: u32,
    /// Name.
    pub name: String,
    /// What it is.
    pub kind: RelKind,
}

impl Rel {
    /// `pg_class.relkind`.
    pub fn relkind(&self) -> char {
        match &self.kind {
            RelKind::Table(_) => 'r',
            RelKind::View(_) => 'v',
            RelKind::Sequence(_) => 'S',
            RelKind::Index(_) => 'i',
            RelKind::System(v) => v.kind(),
        }
    }

    /// The columns as (name, type), for tables, views and system catalogs; index columns are
    /// those of the indexed table; a sequence has none here. Dropped columns are included (as
    /// `None`) so that positions are attribute numbers minus one.
    pub fn columns(&self) -> Vec<Option<(String, crate::types::DataType)>> {
        match &self.kind {
            RelKind::Table(t) => {
                t.columns.iter().map(|c| (!c.dropped).then(|| (c.name.clone(), c.ty.clone()))).collect()
            }
            RelKind::View(v) => v.columns.iter().map(|c| Some(c.clone())).collect(),
            RelKind::Index(i) => {
                i.columns.iter().map(|p| i.table.columns.get(*p).map(|c| (c.name.clone(), c.ty.clone()))).collect()
            }
            RelKind::System(v) => v.columns().into_iter().map(|(n, t)| Some((n.to_string(), t))).collect(),
            RelKind::Sequence(_) => Vec::new(),
        }
    }
}

/// Every relation: user tables, their indexes, sequences and views, then the system catalogs.
pub fn relations(cat: &Catalog) -> Vec<Rel> {
    let mut out = Vec::new();
    for t in cat.tables.values() {
        out.push(Rel { oid: t.oid, schema: t.schema, name: t.name.clone(), kind: RelKind::Table(t.clone()) });
        for i in indexes(t) {
            out.push(Rel { oid: i.oid, schema: t.schema, name: i.name.clone(), kind: RelKind::Index(i) });
        }
    }
    for s in cat.sequences.values() {
        out.push(Rel { oid: s.oid, schema: s.schema, name: s.name.clone(), kind: RelKind::Sequence(s.clone()) });
    }
    for v in cat.views.values() {
        out.push(Rel { oid: v.oid, schema: v.schema, name: v.name.clone(), kind: RelKind::View(v.clone()) });
    }
    for v in VirtualTable::all() {
        out.push(Rel { oid: v.oid(), schema: v.schema(), name: v.name().to_string(), kind: RelKind::System(v) });
    }
    out
}

/// The relation with OID `oid`.
pub fn relation(cat: &Catalog, oid: u32) -> Option<Rel> {
    if let Some(t) = cat.tables.get(&oid) {
        return Some(Rel { oid, schema: t.schema, name: t.name.clone(), kind: RelKind::Table(t.clone()) });
    }
    if let Some(s) = cat.sequences.get(&oid) {
        return Some(Rel { oid, schema: s.schema, name: s.name.clone(), kind: RelKind::Sequence(s.clone()) });
    }
    if let Some(v) = cat.views.get(&oid) {
        return Some(Rel { oid, schema: v.schema, name: v.name.clone(), kind: RelKind::View(v.clone()) });
    }
    if let Some(v) = VirtualTable::by_oid(oid) {
        return Some(Rel { oid, schema: v.schema(), name: v.name().to_string(), kind: RelKind::System(v) });
    }
    let table = cat.tables.values().find(|t| {
        t.primary_key.as_ref().is_some_and(|pk| pk.index_oid == oid) || t.indexes.iter().any(|i| i.oid == oid)
    })?;
    let index = indexes(table).into_iter().find(|i| i.oid == oid)?;
    Some(Rel { oid, schema: table.schema, name: index.name.clone(), kind: RelKind::Index(index) })
}

/// What a constraint is.
#[derive(Clone, Debug)]
pub enum ConKind {
    /// `PRIMARY KEY`, with its index.
    Primary(IndexDef),
    /// `UNIQUE`, with its index.
    Unique(IndexDef),
    /// `CHECK`.
    Check(Check),
    /// `FOREIGN KEY`.
    Foreign(ForeignKey),
}

/// A table constraint as `pg_constraint` shows it.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// OID.
    pub oid: u32,
    /// Name.
    pub name: String,
    /// The constrained table.
    pub table: Arc<Table>,
    /// What it is.
    pub kind: ConKind,
}

impl Constraint {
    /// `contype`.
    pub fn contype(&self) -> char {
        match self.kind {
            ConKind::Primary(_) => 'p',
            ConKind::Unique(_) => 'u',
            ConKind::Check(_) => 'c',
            ConKind::Foreign(_) => 'f',
        }
    }

    /// Constrained column positions (0-based); a check's are those its expression names.
    pub fn columns(&self) -> Vec<usize> {
        match &self.kind {
            ConKind::Primary(i) | ConKind::Unique(i) => i.columns.clone(),
            ConKind::Foreign(f) => f.columns.clone(),
            ConKind::Check(c) => check_columns(&self.table, &c.expr),
        }
    }

    /// `conindid`: the index behind it (for a foreign key, the referenced table's unique
    /// index on the referenced columns).
    pub fn index_oid(&self, cat: &Catalog) -> u32 {
        match &self.kind {
            ConKind::Primary(i) | ConKind::Unique(i) => i.oid,
            ConKind::Check(_) => 0,
            ConKind::Foreign(f) => cat
                .tables
                .get(&f.ref_table)
                .and_then(|t| indexes(t).into_iter().find(|i| i.unique && i.columns == f.ref_columns))
                .map(|i| i.oid)
                .unwrap_or(0),
        }
    }
}

/// The columns a check expression mentions, in table order.
fn check_columns(table: &Table, expr: &str) -> Vec<usize> {
    // String literals are not names: blank them out first ('' inside one is an escaped quote).
    let mut unquoted = String::with_capacity(expr.len());
    let mut in_string = false;
    for c in expr.chars() {
        if c == '\'' {
            in_string = !in_string;
            unquoted.push(' ');
        } else {
            unquoted.push(if in_string { ' ' } else { c });
        }
    }
    let words: Vec<String> = unquoted
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"'))
        .map(|w| if w.starts_with('"') { w.trim_matches('"').to_string() } else { w.to_lowercase() })
        .collect();
    table.live_columns().filter(|(_, c)| words.contains(&c.name)).map(|(i, _)| i).collect()
}

/// The name PostgreSQL gives an unnamed check on `table` (`ChooseConstraintName`):
/// `<table>_<column>_check` when the expression names exactly one column, else
/// `<table>_check`, with a number appended until no constraint of the schema (nor one in
/// `taken`) has the name.
pub fn choose_check_name(cat: &Catalog, table: &Table, expr: &str, taken: &[String]) -> String {
    let base = match check_columns(table, expr).as_slice() {
        [one] => format!("{}_{}_check", table.name, table.columns[*one].name),
        _ => format!("{}_check", table.name),
    };
    let used = |name: &str| {
        taken.iter().any(|t| t == name)
            || table.checks.iter().any(|c| c.name == name)
            || cat
                .tables
                .values()
                .filter(|t| t.schema == table.schema)
                .flat_map(table_constraints)
                .any(|c| c.name == name)
    };
    let mut name = base.clone();
    let mut n = 0;
    while used(&name) {
        n += 1;
        name = format!("{base}{n}");
    }
    name
}

/// The constraints of `table`: primary key, unique, checks, foreign keys.
pub fn table_constraints(table: &Arc<Table>) -> Vec<Constraint> {
    let mut out = Vec::new();
    for i in indexes(table) {
        if let Some((name, oid)) = i.constraint.clone() {
            let kind = if i.primary { ConKind::Primary(i) } else { ConKind::Unique(i) };
            out.push(Constraint { oid, name, table: table.clone(), kind });
        }
    }
    for c in &table.checks {
        out.push(Constraint {
            oid: c.oid,
            name: c.name.clone(),
            table: table.clone(),
            kind: ConKind::Check(c.clone()),
        });
    }
    for f in &table.foreign_keys {
        out.push(Constraint {
            oid: f.oid,
            name: f.name.clone(),
            table: table.clone(),
            kind: ConKind::Foreign(f.clone()),
        });
    }
    out
}

/// Every table constraint.
pub fn constraints(cat: &Catalog) -> Vec<Constraint> {
    cat.tables.values().flat_map(table_constraints).collect()
}

/// The constraint with OID `oid`.
pub fn constraint(cat: &Catalog, oid: u32) -> Option<Constraint> {
    constraints(cat).into_iter().find(|c| c.oid == oid)
}

/// True when `name` in schema `schema` is what an unqualified `name` finds (`pg_catalog`
/// first, then the search path): PostgreSQL's `pg_table_is_visible`.
pub fn is_visible(cat: &Catalog, search_path: &[String], schema: u32, name: &str) -> bool {
    let first = std::iter::once("pg_catalog")
        .chain(search_path.iter().map(String::as_str))
        .filter_map(|s| cat.schema_oid(s))
        .find(|s| cat.name_taken(*s, name) || VirtualTable::by_name(*s, name).is_some());
    first == Some(schema)
}

/// A relation's name as `regclass` prints it: quoted as needed, and qualified with its schema
/// when the search path would not find it.
pub fn regclass_name(cat: &Catalog, search_path: &[String], oid: u32) -> Option<String> {
    let rel = relation(cat, oid)?;
    Some(if is_visible(cat, search_path, rel.schema, &rel.name) {
        quote_ident(&rel.name)
    } else {
        format!("{}.{}", quote_ident(cat.schema_name(rel.schema)), quote_ident(&rel.name))
    })
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(cat: &Catalog, schema: u32, name: &str) -> String {
    format!("{}.{}", quote_ident(cat.schema_name(schema)), quote_ident(name))
}
