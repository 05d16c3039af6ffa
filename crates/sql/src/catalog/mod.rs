//! The catalog: the schema objects of the database, as the SQL layer reads them.
//!
//! Objects are stored as replicated key/values ([`keys`]); a [`Catalog`] is an in-memory index
//! of them loaded from one snapshot. The engine keeps the catalog of the latest applied state
//! in a cache that is refreshed when an applied write set touches the catalog key space; a
//! transaction that changed the catalog itself reads its own version instead.

pub mod keys;
pub mod objects;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::error::{Result, SqlError};
use crate::pg_catalog::VirtualTable;
use objects::{Schema, Sequence, Table, View, INFORMATION_SCHEMA, PG_CATALOG, PUBLIC};

/// Something a name in FROM (or a regclass) can refer to.
#[derive(Clone, Debug)]
pub enum Relation {
    /// A table.
    Table(Arc<Table>),
    /// A view.
    View(Arc<View>),
    /// A sequence.
    Sequence(Arc<Sequence>),
    /// An index (of `table`), by OID.
    Index {
        /// The indexed table.
        table: Arc<Table>,
        /// The index OID.
        oid: u32,
    },
    /// A system catalog view.
    Virtual(VirtualTable),
}

impl Relation {
    /// The relation's OID.
    pub fn oid(&self) -> u32 {
        match self {
            Relation::Table(t) => t.oid,
            Relation::View(v) => v.oid,
            Relation::Sequence(s) => s.oid,
            Relation::Index { oid, .. } => *oid,
            Relation::Virtual(v) => v.oid(),
        }
    }
}

/// The catalog as of one snapshot.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Schemas by OID (built-in ones included).
    pub schemas: BTreeMap<u32, Schema>,
    /// Tables by OID.
    pub tables: BTreeMap<u32, Arc<Table>>,
    /// Sequences by OID.
    pub sequences: BTreeMap<u32, Arc<Sequence>>,
    /// Views by OID.
    pub views: BTreeMap<u32, Arc<View>>,
    names: HashMap<(u32, String), u32>,
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes)
        .map_err(|e| SqlError::new(crate::sqlstate::DATA_CORRUPTED, format!("catalog {what} record is corrupt: {e}")))
}

impl Catalog {
    /// Builds the catalog from the stored objects (key, value) of the catalog key space.
    pub fn load(items: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Result<Self> {
        let mut cat = Catalog::default();
        for (oid, name) in [(PG_CATALOG, "pg_catalog"), (PUBLIC, "public"), (INFORMATION_SCHEMA, "information_schema")]
        {
            cat.schemas.insert(oid, Schema { oid, name: name.into() });
        }
        for (key, value) in items {
            match key.get(1).copied() {
                Some(k) if k == keys::ObjectKind::Schema as u8 => {
                    let s: Schema = decode("schema", &value)?;
                    cat.schemas.insert(s.oid, s);
                }
                Some(k) if k == keys::ObjectKind::Table as u8 => {
                    let t: Table = decode("table", &value)?;
                    cat.tables.insert(t.oid, Arc::new(t));
                }
                Some(k) if k == keys::ObjectKind::Sequence as u8 => {
                    let s: Sequence = decode("sequence", &value)?;
                    cat.sequences.insert(s.oid, Arc::new(s));
                }
                Some(k) if k == keys::ObjectKind::View as u8 => {
                    let v: View = decode("view", &value)?;
                    cat.views.insert(v.oid, Arc::new(v));
                }
                _ => {}
            }
        }
        for t in cat.tables.values() {
            cat.names.insert((t.schema, t.name.clone()), t.oid);
            if let Some(pk) = &t.primary_key {
                cat.names.insert((t.schema, pk.name.clone()), pk.index_oid);
            }
            for i in &t.indexes {
                cat.names.insert((t.schema, i.name.clone()), i.oid);
            }
        }
        for s in cat.sequences.values() {
            cat.names.insert((s.schema, s.name.clone()), s.oid);
        }
        for v in cat.views.values() {
            cat.names.insert((v.schema, v.name.clone()), v.oid);
        }
        Ok(cat)
    }

    /// The OID of schema `name`.
    pub fn schema_oid(&self, name: &str) -> Option<u32> {
        self.schemas.values().find(|s| s.name == name).map(|s| s.oid)
    }

    /// The relation with OID `oid`.
    pub fn relation_by_oid(&self, oid: u32) -> Option<Relation> {
        if let Some(t) = self.tables.get(&oid) {
            return Some(Relation::Table(t.clone()));
        }
        if let Some(v) = self.views.get(&oid) {
            return Some(Relation::View(v.clone()));
        }
        if let Some(s) = self.sequences.get(&oid) {
            return Some(Relation::Sequence(s.clone()));
        }
        for t in self.tables.values() {
            if t.primary_key.as_ref().is_some_and(|pk| pk.index_oid == oid) || t.indexes.iter().any(|i| i.oid == oid) {
                return Some(Relation::Index { table: t.clone(), oid });
            }
        }
        VirtualTable::by_oid(oid).map(Relation::Virtual)
    }

    /// The relation `name` in schema `schema`.
    pub fn relation_in(&self, schema: u32, name: &str) -> Option<Relation> {
        if schema == PG_CATALOG || schema == INFORMATION_SCHEMA {
            if let Some(v) = VirtualTable::by_name(schema, name) {
                return Some(Relation::Virtual(v));
            }
        }
        self.names.get(&(schema, name.to_string())).and_then(|oid| self.relation_by_oid(*oid))
    }

    /// Resolves `[schema.]name`, searching `pg_catalog` and then `search_path` when
    /// unqualified.
    pub fn resolve(&self, schema: Option<&str>, name: &str, search_path: &[String]) -> Option<Relation> {
        match schema {
            Some(s) => self.relation_in(self.schema_oid(s)?, name),
            None => std::iter::once("pg_catalog")
                .chain(search_path.iter().map(String::as_str))
                .filter_map(|s| self.schema_oid(s))
                .find_map(|oid| self.relation_in(oid, name)),
        }
    }

    /// True when a relation (of any kind) named `name` exists in `schema`.
    pub fn name_taken(&self, schema: u32, name: &str) -> bool {
        self.names.contains_key(&(schema, name.to_string()))
    }

    /// Schema name of OID `oid`.
    pub fn schema_name(&self, oid: u32) -> &str {
        self.schemas.get(&oid).map(|s| s.name.as_str()).unwrap_or("?")
    }
}
