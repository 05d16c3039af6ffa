//! Running schema changes inside a transaction.
//!
//! Every schema change first takes the DDL lock (the OID counter's row lock), so schema changes
//! are serialized cluster-wide, and re-reads the newest catalog: names are checked and tables
//! re-fetched against what is committed now, not against the transaction's snapshot. The
//! affected table is locked exclusively, which waits for transactions writing to it (they hold
//! it shared) and makes later ones wait. Catalog objects are written as rows of the catalog key
//! space, in the same write set as any data the change rewrites, so the change commits
//! atomically with its transaction.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tandem_storage::keycode::prefix_end;
use tandem_txn::{LockMode, Txn};

use crate::catalog::keys::{
    catalog_range, index_prefix, object_key, oid_counter_key, prefix_range, sequence_key, table_lock, table_prefix,
    ObjectKind,
};
use crate::catalog::objects::{Index, Schema, Sequence, Table, FIRST_USER_OID};
use crate::catalog::{Catalog, Relation};
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::keys::{decode_table_row, encode_table_row, has_null, index_entry, row_key};
use crate::exec::{eval_const, Cx, ExecEnv, Row};
use crate::plan::ddl::{AlterAction, DdlPlan};
use crate::types::text::format_text;
use crate::types::{TextContext, Value};

/// What a schema change reports.
#[derive(Debug, Default)]
pub struct DdlOutcome {
    /// Command tag.
    pub tag: String,
    /// Notices (`... already exists, skipping`).
    pub notices: Vec<String>,
}

/// The state of a sequence, as stored under its key.
pub fn encode_sequence_state(last_value: i64, is_called: bool) -> Vec<u8> {
    let mut v = last_value.to_be_bytes().to_vec();
    v.push(u8::from(is_called));
    v
}

/// Decodes a sequence state.
pub fn decode_sequence_state(bytes: &[u8]) -> Result<(i64, bool)> {
    if bytes.len() != 9 {
        return Err(SqlError::new(sqlstate::DATA_CORRUPTED, "sequence state record is corrupt"));
    }
    Ok((i64::from_be_bytes(bytes[..8].try_into().expect("8 bytes")), bytes[8] != 0))
}

fn encode<T: serde::Serialize>(v: &T) -> Vec<u8> {
    postcard::to_allocvec(v).expect("serialising to memory does not fail")
}

/// Runs schema changes for one statement.
pub struct DdlRunner<'a> {
    txn: &'a mut Txn,
    env: &'a Arc<ExecEnv>,
    lock_timeout: Option<Duration>,
    catalog: Catalog,
}

impl<'a> DdlRunner<'a> {
    /// Takes the DDL lock and loads the newest catalog.
    pub async fn start(txn: &'a mut Txn, env: &'a Arc<ExecEnv>, lock_timeout: Option<Duration>) -> Result<Self> {
        txn.lock(&oid_counter_key(), LockMode::Exclusive, lock_timeout).await?;
        let view = txn.latest_view()?;
        let (start, end) = catalog_range();
        let items = view
            .scan((std::ops::Bound::Included(start), std::ops::Bound::Excluded(end)), false)
            .map(|r| r.map(|(k, v)| (k, v.value)))
            .collect::<Result<Vec<_>, _>>()?;
        let catalog = Catalog::load(items)?;
        Ok(Self { txn, env, lock_timeout, catalog })
    }

    async fn oids(&mut self, n: usize) -> Result<u32> {
        let key = oid_counter_key();
        let locked = self.txn.lock_row(&key, LockMode::Exclusive, self.lock_timeout).await?;
        let next = match locked.latest {
            Some(v) if v.value.len() == 4 => u32::from_be_bytes(v.value[..4].try_into().expect("4 bytes")),
            _ => FIRST_USER_OID,
        };
        let after = next
            .checked_add(n as u32)
            .ok_or_else(|| SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "OIDs exhausted"))?;
        self.txn.put(key, after.to_be_bytes().to_vec())?;
        Ok(next)
    }

    async fn lock_table(&mut self, oid: u32) -> Result<()> {
        self.txn.lock(&table_lock(oid), LockMode::Exclusive, self.lock_timeout).await?;
        Ok(())
    }

    /// The table as committed now (the plan may have been bound against an older catalog).
    fn fresh_table(&self, planned: &Table) -> Result<Table> {
        match self.catalog.tables.get(&planned.oid) {
            Some(t) if t.version == planned.version => Ok((**t).clone()),
            Some(_) => Err(SqlError::serialization_failure(format!(
                "could not serialize access: table \"{}\" was altered concurrently",
                planned.name
            ))
            .hint("Retry the statement.")),
            None => {
                Err(SqlError::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{}\" does not exist", planned.name)))
            }
        }
    }

    fn put_table(&mut self, table: &Table) -> Result<()> {
        self.txn.put(object_key(ObjectKind::Table, table.oid), encode(table))?;
        Ok(())
    }

    fn put_sequence(&mut self, seq: &Sequence, reset: bool) -> Result<()> {
        self.txn.put(object_key(ObjectKind::Sequence, seq.oid), encode(seq))?;
        if reset {
            self.txn.put(sequence_key(seq.oid), encode_sequence_state(seq.start, false))?;
        }
        Ok(())
    }

    fn rows(&mut self, table: &Table) -> Result<Vec<(Vec<u8>, Row)>> {
        let view = self.txn.latest_view()?;
        let (start, end) = prefix_range(&table_prefix(table.oid));
        let mut out = Vec::new();
        for item in view.scan((std::ops::Bound::Included(start), std::ops::Bound::Excluded(end)), false) {
            let (k, v) = item?;
            out.push((k, decode_table_row(table, &v.value)?));
        }
        Ok(out)
    }

    fn delete_prefix(&mut self, prefix: &[u8]) -> Result<()> {
        let end = prefix_end(prefix).expect("prefixes never end in 0xff");
        self.txn.delete_range(prefix.to_vec(), end)?;
        Ok(())
    }

    fn exists_notice(&self, kind: &str, name: &str) -> DdlOutcome {
        DdlOutcome { tag: String::new(), notices: vec![format!("{kind} \"{name}\" already exists, skipping")] }
    }

    /// Runs `plan`.
    pub async fn run(mut self, plan: &DdlPlan) -> Result<DdlOutcome> {
        match plan {
            DdlPlan::CreateTable { table, sequences, exists, as_query } => {
                if *exists || self.catalog.name_taken(table.schema, &table.name) {
                    if *exists {
                        return Ok(DdlOutcome {
                            tag: "CREATE TABLE".into(),
                            ..self.exists_notice("relation", &table.name)
                        });
                    }
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_TABLE,
                        format!("relation \"{}\" already exists", table.name),
                    ));
                }
                let mut table = table.clone();
                let count = 1
                    + usize::from(table.primary_key.is_some())
                    + table.indexes.len()
                    + table.checks.len()
                    + table.foreign_keys.len()
                    + sequences.len();
                let mut next = self.oids(count).await?;
                let mut take = || {
                    let o = next;
                    next += 1;
                    o
                };
                table.oid = take();
                if let Some(pk) = &mut table.primary_key {
                    pk.index_oid = take();
                }
                for i in &mut table.indexes {
                    i.oid = take();
                }
                for c in &mut table.checks {
                    c.oid = take();
                }
                for f in &mut table.foreign_keys {
                    f.oid = take();
                    if f.ref_table == 0 {
                        f.ref_table = table.oid;
                    }
                }
                for (pos, seq) in sequences {
                    if self.catalog.name_taken(seq.schema, &seq.name) {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_TABLE,
                            format!("relation \"{}\" already exists", seq.name),
                        ));
                    }
                    let mut seq = seq.clone();
                    seq.oid = take();
                    seq.owned_by = Some((table.oid, *pos));
                    if let Some(identity) = &mut table.columns[*pos].identity {
                        identity.sequence = seq.oid;
                    }
                    self.put_sequence(&seq, true)?;
                }
                for idx in &table.indexes {
                    if self.catalog.name_taken(table.schema, &idx.name) {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_TABLE,
                            format!("relation \"{}\" already exists", idx.name),
                        ));
                    }
                }
                self.put_table(&table)?;
                let mut tag = "CREATE TABLE".to_string();
                if let Some(q) = as_query {
                    let rows = crate::exec::collect(q, self.env)?;
                    let n = rows.len();
                    for row in rows {
                        let key = row_key(&table, &row, Some(self.env.session_rowid()));
                        self.txn.put(key, encode_table_row(&table, &row))?;
                    }
                    tag = format!("SELECT {n}");
                }
                Ok(DdlOutcome { tag, notices: vec![] })
            }
            DdlPlan::CreateIndex { table, index, exists } => {
                if *exists || self.catalog.name_taken(table.schema, &index.name) {
                    if *exists {
                        return Ok(DdlOutcome {
                            tag: "CREATE INDEX".into(),
                            ..self.exists_notice("relation", &index.name)
                        });
                    }
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_TABLE,
                        format!("relation \"{}\" already exists", index.name),
                    ));
                }
                self.lock_table(table.oid).await?;
                let mut t = self.fresh_table(table)?;
                let mut index = index.clone();
                index.oid = self.oids(1).await?;
                self.build_index(&t, &index)?;
                t.indexes.push(index);
                t.version += 1;
                self.put_table(&t)?;
                Ok(DdlOutcome { tag: "CREATE INDEX".into(), notices: vec![] })
            }
            DdlPlan::Drop { relations, missing, cascade } => {
                let mut tag = String::new();
                for rel in relations {
                    tag = self.drop_relation(rel, *cascade).await?;
                }
                if tag.is_empty() {
                    tag = match missing.first().map(|m| m.split(' ').next().unwrap_or("")) {
                        Some("table") => "DROP TABLE",
                        Some("view") => "DROP VIEW",
                        Some("sequence") => "DROP SEQUENCE",
                        _ => "DROP INDEX",
                    }
                    .into();
                }
                Ok(DdlOutcome { tag, notices: missing.clone() })
            }
            DdlPlan::DropSchema { schemas, missing, cascade } => {
                for oid in schemas {
                    let members: Vec<Relation> = self
                        .catalog
                        .tables
                        .values()
                        .filter(|t| t.schema == *oid)
                        .map(|t| Relation::Table(t.clone()))
                        .chain(
                            self.catalog.views.values().filter(|v| v.schema == *oid).map(|v| Relation::View(v.clone())),
                        )
                        .chain(
                            self.catalog
                                .sequences
                                .values()
                                .filter(|s| s.schema == *oid && s.owned_by.is_none())
                                .map(|s| Relation::Sequence(s.clone())),
                        )
                        .collect();
                    if !members.is_empty() && !cascade {
                        let name = self.catalog.schema_name(*oid).to_string();
                        return Err(SqlError::new(
                            sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                            format!("cannot drop schema {name} because other objects depend on it"),
                        )
                        .hint("Use DROP ... CASCADE to drop the dependent objects too."));
                    }
                    for rel in members {
                        self.drop_relation(&rel, true).await?;
                    }
                    self.txn.delete(object_key(ObjectKind::Schema, *oid))?;
                }
                let notices = missing.iter().map(|m| format!("schema \"{m}\" does not exist, skipping")).collect();
                Ok(DdlOutcome { tag: "DROP SCHEMA".into(), notices })
            }
            DdlPlan::Truncate { tables, restart_identity } => {
                for planned in tables {
                    self.lock_table(planned.oid).await?;
                    let t = self.fresh_table(planned)?;
                    self.delete_prefix(&table_prefix(t.oid))?;
                    for idx in &t.indexes {
                        self.delete_prefix(&index_prefix(idx.oid))?;
                    }
                    if *restart_identity {
                        let owned: Vec<Sequence> = self
                            .catalog
                            .sequences
                            .values()
                            .filter(|s| s.owned_by.is_some_and(|(o, _)| o == t.oid))
                            .map(|s| (**s).clone())
                            .collect();
                        for s in owned {
                            self.txn.put(sequence_key(s.oid), encode_sequence_state(s.start, false))?;
                        }
                    }
                }
                Ok(DdlOutcome { tag: "TRUNCATE TABLE".into(), notices: vec![] })
            }
            DdlPlan::CreateView { view, replace } => {
                let mut view = view.clone();
                match replace {
                    Some(oid) => view.oid = *oid,
                    None => {
                        if self.catalog.name_taken(view.schema, &view.name) {
                            return Err(SqlError::new(
                                sqlstate::DUPLICATE_TABLE,
                                format!("relation \"{}\" already exists", view.name),
                            ));
                        }
                        view.oid = self.oids(1).await?;
                    }
                }
                self.txn.put(object_key(ObjectKind::View, view.oid), encode(&view))?;
                Ok(DdlOutcome { tag: "CREATE VIEW".into(), notices: vec![] })
            }
            DdlPlan::CreateSchema { name, exists } => {
                if *exists || self.catalog.schema_oid(name).is_some() {
                    if *exists {
                        return Ok(DdlOutcome { tag: "CREATE SCHEMA".into(), ..self.exists_notice("schema", name) });
                    }
                    return Err(SqlError::new(sqlstate::DUPLICATE_SCHEMA, format!("schema \"{name}\" already exists")));
                }
                let oid = self.oids(1).await?;
                self.txn.put(object_key(ObjectKind::Schema, oid), encode(&Schema { oid, name: name.clone() }))?;
                Ok(DdlOutcome { tag: "CREATE SCHEMA".into(), notices: vec![] })
            }
            DdlPlan::CreateSequence { sequence, exists } => {
                if *exists || self.catalog.name_taken(sequence.schema, &sequence.name) {
                    if *exists {
                        return Ok(DdlOutcome {
                            tag: "CREATE SEQUENCE".into(),
                            ..self.exists_notice("relation", &sequence.name)
                        });
                    }
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_TABLE,
                        format!("relation \"{}\" already exists", sequence.name),
                    ));
                }
                let mut seq = sequence.clone();
                seq.oid = self.oids(1).await?;
                self.put_sequence(&seq, true)?;
                Ok(DdlOutcome { tag: "CREATE SEQUENCE".into(), notices: vec![] })
            }
            DdlPlan::Alter { table, actions, notices: skipped } => {
                if table.oid == 0 {
                    return Ok(DdlOutcome { tag: "ALTER TABLE".into(), notices: skipped.clone() });
                }
                self.lock_table(table.oid).await?;
                let t = self.fresh_table(table)?;
                let mut notices = skipped.clone();
                let mut t = t;
                for action in actions {
                    self.alter(&mut t, action, &mut notices).await?;
                }
                t.version += 1;
                self.put_table(&t)?;
                Ok(DdlOutcome { tag: "ALTER TABLE".into(), notices })
            }
        }
    }

    fn build_index(&mut self, t: &Table, index: &Index) -> Result<()> {
        let rows = self.rows(t)?;
        let mut seen = HashSet::new();
        for (key, row) in &rows {
            let (k, v) = index_entry(t, index, row, key);
            if index.unique && !has_null(index, row) && !seen.insert(k.clone()) {
                let names: Vec<&str> = index.columns.iter().map(|c| t.columns[*c].name.as_str()).collect();
                let values: Vec<String> = index
                    .columns
                    .iter()
                    .map(|c| format_text(&row[*c], &t.columns[*c].ty, &TextContext::default()))
                    .collect();
                return Err(SqlError::new(
                    sqlstate::UNIQUE_VIOLATION,
                    format!("could not create unique index \"{}\"", index.name),
                )
                .detail(format!("Key ({})=({}) is duplicated.", names.join(", "), values.join(", ")))
                .constraint(&t.name, &index.name));
            }
            self.txn.put(k, v)?;
        }
        Ok(())
    }

    async fn drop_relation(&mut self, rel: &Relation, cascade: bool) -> Result<String> {
        match rel {
            Relation::Table(planned) => {
                self.lock_table(planned.oid).await?;
                let Some(t) = self.catalog.tables.get(&planned.oid).cloned() else {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_TABLE,
                        format!("table \"{}\" does not exist", planned.name),
                    ));
                };
                let referencing: Vec<String> = self
                    .catalog
                    .tables
                    .values()
                    .filter(|o| o.oid != t.oid && o.foreign_keys.iter().any(|f| f.ref_table == t.oid))
                    .map(|o| o.name.clone())
                    .collect();
                if !referencing.is_empty() && !cascade {
                    return Err(SqlError::new(
                        sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                        format!("cannot drop table {} because other objects depend on it", t.name),
                    )
                    .detail(format!("constraint on table {} depends on table {}", referencing[0], t.name))
                    .hint("Use DROP ... CASCADE to drop the dependent objects too."));
                }
                if cascade {
                    for other in self.catalog.tables.values().filter(|o| o.oid != t.oid).cloned().collect::<Vec<_>>() {
                        if other.foreign_keys.iter().any(|f| f.ref_table == t.oid) {
                            let mut o = (*other).clone();
                            o.foreign_keys.retain(|f| f.ref_table != t.oid);
                            o.version += 1;
                            self.put_table(&o)?;
                        }
                    }
                }
                self.delete_prefix(&table_prefix(t.oid))?;
                for idx in &t.indexes {
                    self.delete_prefix(&index_prefix(idx.oid))?;
                }
                self.txn.delete(object_key(ObjectKind::Table, t.oid))?;
                let owned: Vec<u32> = self
                    .catalog
                    .sequences
                    .values()
                    .filter(|s| s.owned_by.is_some_and(|(o, _)| o == t.oid))
                    .map(|s| s.oid)
                    .collect();
                for s in owned {
                    self.txn.delete(object_key(ObjectKind::Sequence, s))?;
                    self.txn.delete(sequence_key(s))?;
                }
                Ok("DROP TABLE".into())
            }
            Relation::View(v) => {
                self.txn.delete(object_key(ObjectKind::View, v.oid))?;
                Ok("DROP VIEW".into())
            }
            Relation::Sequence(s) => {
                if let Some((table, col)) = s.owned_by {
                    if !cascade {
                        if let Some(t) = self.catalog.tables.get(&table) {
                            return Err(SqlError::new(
                                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                                format!("cannot drop sequence {} because other objects depend on it", s.name),
                            )
                            .detail(format!(
                                "default value for column {} of table {} depends on sequence {}",
                                t.columns[col].name, t.name, s.name
                            ))
                            .hint("Use DROP ... CASCADE to drop the dependent objects too."));
                        }
                    }
                }
                self.txn.delete(object_key(ObjectKind::Sequence, s.oid))?;
                self.txn.delete(sequence_key(s.oid))?;
                Ok("DROP SEQUENCE".into())
            }
            Relation::Index { table, oid } => {
                self.lock_table(table.oid).await?;
                let mut t = self.fresh_table(table)?;
                t.indexes.retain(|i| i.oid != *oid);
                t.version += 1;
                self.delete_prefix(&index_prefix(*oid))?;
                self.put_table(&t)?;
                Ok("DROP INDEX".into())
            }
            Relation::Virtual(_) => Err(SqlError::new(
                sqlstate::INSUFFICIENT_PRIVILEGE,
                "permission denied: system catalogs cannot be dropped",
            )),
        }
    }

    /// Rewrites every row of `t` (after its key or index layout changed), checking new keys.
    fn rewrite(&mut self, old: &Table, new: &Table, rows: Vec<(Vec<u8>, Row)>) -> Result<()> {
        self.delete_prefix(&table_prefix(old.oid))?;
        for idx in &old.indexes {
            self.delete_prefix(&index_prefix(idx.oid))?;
        }
        let mut seen = HashSet::new();
        for (old_key, row) in rows {
            let key = if new.primary_key.is_some() {
                row_key(new, &row, None)
            } else if old.primary_key.is_none() {
                old_key
            } else {
                row_key(new, &row, Some(self.env.session_rowid()))
            };
            if !seen.insert(key.clone()) {
                let pk = new.primary_key.as_ref().expect("duplicates only with a key");
                let names: Vec<&str> = pk.columns.iter().map(|c| new.columns[*c].name.as_str()).collect();
                return Err(SqlError::new(
                    sqlstate::UNIQUE_VIOLATION,
                    format!("could not create unique index \"{}\"", pk.name),
                )
                .detail(format!("Key ({}) is duplicated.", names.join(", "))));
            }
            self.txn.put(key.clone(), encode_table_row(new, &row))?;
            for idx in &new.indexes {
                let (k, v) = index_entry(new, idx, &row, &key);
                self.txn.put(k, v)?;
            }
        }
        Ok(())
    }

    async fn alter(&mut self, t: &mut Table, action: &AlterAction, notices: &mut Vec<String>) -> Result<()> {
        match action {
            AlterAction::Nothing => {}
            AlterAction::AddColumn { column, sequence, fill, if_not_exists, primary_key, unique } => {
                if t.column_index(&column.name).is_some() {
                    if *if_not_exists {
                        notices.push(format!(
                            "column \"{}\" of relation \"{}\" already exists, skipping",
                            column.name, t.name
                        ));
                        return Ok(());
                    }
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_COLUMN,
                        format!("column \"{}\" of relation \"{}\" already exists", column.name, t.name),
                    ));
                }
                let pos = t.columns.len();
                let mut column = column.clone();
                let rows = self.rows(t)?;
                if let Some(seq) = sequence {
                    let mut seq = seq.clone();
                    seq.oid = self.oids(1).await?;
                    seq.owned_by = Some((t.oid, pos));
                    if let Some(identity) = &mut column.identity {
                        identity.sequence = seq.oid;
                    }
                    self.put_sequence(&seq, !rows.is_empty())?;
                    // Volatile defaults fill each existing row with its own value.
                    let mut next = seq.start;
                    let before = t.clone();
                    t.columns.push(column.clone());
                    let mut filled = Vec::new();
                    for (k, mut row) in rows {
                        row.push(match column.ty {
                            crate::types::DataType::Int2 => Value::Int2(next as i16),
                            crate::types::DataType::Int4 => Value::Int4(next as i32),
                            _ => Value::Int8(next),
                        });
                        next += seq.increment;
                        filled.push((k, row));
                    }
                    if !filled.is_empty() {
                        self.txn.put(sequence_key(seq.oid), encode_sequence_state(next - seq.increment, true))?;
                    }
                    self.rewrite(&before, t, filled)?;
                } else {
                    let value = match fill {
                        Some(e) => eval_const(self.env, e)?,
                        None => Value::Null,
                    };
                    if column.not_null && value.is_null() && !rows.is_empty() {
                        return Err(SqlError::new(
                            sqlstate::NOT_NULL_VIOLATION,
                            format!("column \"{}\" of relation \"{}\" contains null values", column.name, t.name),
                        ));
                    }
                    if !value.is_null() {
                        column.missing = Some(format_text(&value, &column.ty, &TextContext::default()));
                    }
                    t.columns.push(column.clone());
                }
                if *primary_key {
                    Box::pin(self.alter(t, &AlterAction::AddPrimaryKey { name: None, columns: vec![pos] }, notices))
                        .await?;
                }
                if *unique {
                    Box::pin(self.alter(t, &AlterAction::AddUnique { name: None, columns: vec![pos] }, notices))
                        .await?;
                }
            }
            AlterAction::DropColumn { name, if_exists, cascade } => {
                let Some(pos) = t.column_index(name) else {
                    if *if_exists {
                        notices.push(format!("column \"{name}\" of relation \"{}\" does not exist, skipping", t.name));
                        return Ok(());
                    }
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_COLUMN,
                        format!("column \"{name}\" of relation \"{}\" does not exist", t.name),
                    ));
                };
                if t.primary_key.as_ref().is_some_and(|pk| pk.columns.contains(&pos)) {
                    if !cascade {
                        return Err(SqlError::unsupported("dropping a primary key column without CASCADE"));
                    }
                    let before = t.clone();
                    t.primary_key = None;
                    let rows = self.rows(&before)?;
                    self.rewrite(&before, t, rows)?;
                }
                let dropped: Vec<u32> = t.indexes.iter().filter(|i| i.columns.contains(&pos)).map(|i| i.oid).collect();
                for oid in dropped {
                    self.delete_prefix(&index_prefix(oid))?;
                }
                t.indexes.retain(|i| !i.columns.contains(&pos));
                t.foreign_keys.retain(|f| !f.columns.contains(&pos));
                let word = regex::Regex::new(&format!(r"\b{}\b", regex::escape(name))).expect("escaped");
                t.checks.retain(|c| !word.is_match(&c.expr));
                t.columns[pos].dropped = true;
                t.columns[pos].name = format!("........pg.dropped.{}........", pos + 1);
                t.columns[pos].not_null = false;
                t.columns[pos].default = None;
                let owned: Vec<u32> = self
                    .catalog
                    .sequences
                    .values()
                    .filter(|s| s.owned_by == Some((t.oid, pos)))
                    .map(|s| s.oid)
                    .collect();
                for s in owned {
                    self.txn.delete(object_key(ObjectKind::Sequence, s))?;
                    self.txn.delete(sequence_key(s))?;
                }
            }
            AlterAction::RenameColumn { from, to } => {
                let Some(pos) = t.column_index(from) else {
                    return Err(SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{from}\" does not exist")));
                };
                let word = regex::Regex::new(&format!(r"\b{}\b", regex::escape(from))).expect("escaped");
                for c in &mut t.checks {
                    c.expr = word.replace_all(&c.expr, to.as_str()).into_owned();
                }
                t.columns[pos].name = to.clone();
            }
            AlterAction::RenameTable { to } => {
                if self.catalog.name_taken(t.schema, to) {
                    return Err(SqlError::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{to}\" already exists")));
                }
                t.name = to.clone();
            }
            AlterAction::AddPrimaryKey { name, columns } => {
                if t.primary_key.is_some() {
                    return Err(SqlError::new(
                        sqlstate::INVALID_TABLE_DEFINITION,
                        format!("multiple primary keys for table \"{}\" are not allowed", t.name),
                    ));
                }
                let rows = self.rows(t)?;
                for (_, row) in &rows {
                    for c in columns {
                        if row[*c].is_null() {
                            return Err(SqlError::new(
                                sqlstate::NOT_NULL_VIOLATION,
                                format!(
                                    "column \"{}\" of relation \"{}\" contains null values",
                                    t.columns[*c].name, t.name
                                ),
                            ));
                        }
                    }
                }
                let before = t.clone();
                for c in columns {
                    t.columns[*c].not_null = true;
                }
                t.primary_key = Some(crate::catalog::objects::PrimaryKey {
                    name: name.clone().unwrap_or(format!("{}_pkey", t.name)),
                    columns: columns.clone(),
                    index_oid: self.oids(1).await?,
                });
                self.rewrite(&before, t, rows)?;
            }
            AlterAction::AddUnique { name, columns } => {
                let cols: Vec<&str> = columns.iter().map(|c| t.columns[*c].name.as_str()).collect();
                let cname = name.clone().unwrap_or(format!("{}_{}_key", t.name, cols.join("_")));
                if self.catalog.name_taken(t.schema, &cname) || t.indexes.iter().any(|i| i.name == cname) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_TABLE,
                        format!("relation \"{cname}\" already exists"),
                    ));
                }
                let index = Index {
                    oid: self.oids(1).await?,
                    name: cname.clone(),
                    columns: columns.clone(),
                    unique: true,
                    constraint: Some(cname),
                };
                self.build_index(t, &index)?;
                t.indexes.push(index);
            }
            AlterAction::AddCheck { name, expr, bound } => {
                let cname = match name {
                    Some(n) => n.clone(),
                    None => crate::pg_catalog::model::choose_check_name(&self.env.catalog, t, expr, &[]),
                };
                let rows = self.rows(t)?;
                let outer = Arc::new(Vec::new());
                let cx = Cx { env: self.env, outer: &outer };
                for (_, row) in &rows {
                    if cx.eval(bound, row)?.as_bool() == Some(false) {
                        return Err(SqlError::new(
                            sqlstate::CHECK_VIOLATION,
                            format!("check constraint \"{cname}\" of relation \"{}\" is violated by some row", t.name),
                        ));
                    }
                }
                let oid = self.oids(1).await?;
                t.checks.push(crate::catalog::objects::Check { name: cname, expr: expr.clone(), oid });
            }
            AlterAction::AddForeignKey(fk) => {
                let mut fk = fk.clone();
                fk.oid = self.oids(1).await?;
                if fk.ref_table == 0 {
                    fk.ref_table = t.oid;
                }
                t.foreign_keys.push(fk);
            }
            AlterAction::DropConstraint { name, if_exists } => {
                if t.primary_key.as_ref().is_some_and(|pk| &pk.name == name) {
                    let before = t.clone();
                    t.primary_key = None;
                    let rows = self.rows(&before)?;
                    self.rewrite(&before, t, rows)?;
                } else if let Some(i) = t.indexes.iter().position(|i| i.constraint.as_deref() == Some(name.as_str())) {
                    let oid = t.indexes[i].oid;
                    self.delete_prefix(&index_prefix(oid))?;
                    t.indexes.remove(i);
                } else if let Some(i) = t.checks.iter().position(|c| &c.name == name) {
                    t.checks.remove(i);
                } else if let Some(i) = t.foreign_keys.iter().position(|f| &f.name == name) {
                    t.foreign_keys.remove(i);
                } else if *if_exists {
                    notices.push(format!("constraint \"{name}\" of relation \"{}\" does not exist, skipping", t.name));
                } else {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!("constraint \"{name}\" of relation \"{}\" does not exist", t.name),
                    ));
                }
            }
            AlterAction::SetNotNull { column, not_null } => {
                if *not_null {
                    let rows = self.rows(t)?;
                    if rows.iter().any(|(_, r)| r[*column].is_null()) {
                        return Err(SqlError::new(
                            sqlstate::NOT_NULL_VIOLATION,
                            format!(
                                "column \"{}\" of relation \"{}\" contains null values",
                                t.columns[*column].name, t.name
                            ),
                        ));
                    }
                }
                t.columns[*column].not_null = *not_null;
            }
            AlterAction::SetDefault { column, default } => t.columns[*column].default = default.clone(),
            AlterAction::SetType { column, ty } => t.columns[*column].ty = ty.clone(),
        }
        Ok(())
    }
}
