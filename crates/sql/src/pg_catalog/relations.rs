//! The per-relation catalogs: `pg_class`, `pg_attribute`, `pg_index`, `pg_constraint`,
//! `pg_attrdef`, `pg_sequence`, `pg_depend`, `pg_rewrite`, and the views over them
//! (`pg_tables`, `pg_views`, `pg_indexes`, `pg_sequences`, the statistics views).

use crate::catalog::objects::{Sequence, Table};
use crate::error::Result;
use crate::exec::Cx;
use crate::pg_catalog::deparse::{check_node, default_node};
use crate::pg_catalog::model::{self, attrdef_oid, derived_oid, ConKind, Derived, Rel, RelKind};
use crate::pg_catalog::system::{type_collation, type_info, BOOTSTRAP_SUPERUSER, BTREE_AM, HEAP_AM};
use crate::pg_catalog::{ch, oid, text, RowSet};
use crate::types::{DataType, Value};

/// Fills `out` with the rows of catalog `name`; false when `name` is not one of these.
pub(super) fn rows(name: &str, cx: &Cx<'_>, out: &mut RowSet) -> Result<bool> {
    let cat = &cx.env.catalog;
    match name {
        "pg_class" => {
            // PostgreSQL keeps foreign keys with triggers on both tables, and psql looks for
            // foreign keys only on tables that have triggers.
            let referenced: std::collections::HashSet<u32> =
                cat.tables.values().flat_map(|t| t.foreign_keys.iter().map(|f| f.ref_table)).collect();
            for r in model::relations(cat) {
                let triggers = match &r.kind {
                    RelKind::Table(t) => !t.foreign_keys.is_empty() || referenced.contains(&t.oid),
                    _ => false,
                };
                pg_class(&r, triggers, out);
            }
        }
        "pg_attribute" => model::relations(cat).iter().for_each(|r| pg_attribute(r, out)),
        "pg_index" => {
            for t in cat.tables.values() {
                model::indexes(t).iter().for_each(|i| pg_index(i, out));
            }
        }
        "pg_constraint" => {
            for c in model::constraints(cat) {
                pg_constraint(&c, cx, out);
            }
        }
        "pg_attrdef" => {
            for t in cat.tables.values() {
                for (i, c) in t.live_columns() {
                    if let (Some(d), None) = (&c.default, &c.identity) {
                        let attnum = i as i16 + 1;
                        out.push(vec![
                            ("oid", oid(attrdef_oid(t.oid, attnum))),
                            ("adrelid", oid(t.oid)),
                            ("adnum", Value::Int2(attnum)),
                            ("adbin", text(default_node(attnum, d))),
                        ]);
                    }
                }
            }
        }
        "pg_sequence" => {
            for s in cat.sequences.values() {
                out.push(vec![
                    ("seqrelid", oid(s.oid)),
                    ("seqtypid", oid(s.ty.oid())),
                    ("seqstart", Value::Int8(s.start)),
                    ("seqincrement", Value::Int8(s.increment)),
                    ("seqmax", Value::Int8(s.max)),
                    ("seqmin", Value::Int8(s.min)),
                    ("seqcache", Value::Int8(1)),
                    ("seqcycle", Value::Bool(s.cycle)),
                ]);
            }
        }
        "pg_sequences" => {
            for s in cat.sequences.values() {
                out.push(vec![
                    ("schemaname", text(cat.schema_name(s.schema))),
                    ("sequencename", text(&s.name)),
                    ("sequenceowner", text(cx.env.session.user())),
                    ("data_type", oid(s.ty.oid())),
                    ("start_value", Value::Int8(s.start)),
                    ("min_value", Value::Int8(s.min)),
                    ("max_value", Value::Int8(s.max)),
                    ("increment_by", Value::Int8(s.increment)),
                    ("cycle", Value::Bool(s.cycle)),
                    ("cache_size", Value::Int8(1)),
                ]);
            }
        }
        "pg_depend" => pg_depend(cx, out),
        "pg_rewrite" => {
            for v in cat.views.values() {
                out.push(vec![
                    ("oid", oid(derived_oid(Derived::Rewrite, v.oid))),
                    ("rulename", text("_RETURN")),
                    ("ev_class", oid(v.oid)),
                    ("ev_type", ch('1')),
                    ("ev_enabled", ch('O')),
                    ("is_instead", Value::Bool(true)),
                    ("ev_qual", text("<>")),
                    ("ev_action", text(&v.sql)),
                ]);
            }
        }
        "pg_tables" => {
            for r in model::relations(cat).iter().filter(|r| r.relkind() == 'r') {
                let indexed = matches!(&r.kind, RelKind::Table(t) if !model::indexes(t).is_empty());
                out.push(vec![
                    ("schemaname", text(cat.schema_name(r.schema))),
                    ("tablename", text(&r.name)),
                    ("tableowner", text(cx.env.session.user())),
                    ("hasindexes", Value::Bool(indexed)),
                ]);
            }
        }
        "pg_views" => {
            for r in model::relations(cat).iter().filter(|r| r.relkind() == 'v') {
                let definition = match &r.kind {
                    RelKind::View(v) => text(crate::pg_catalog::describe::viewdef(v)),
                    _ => Value::Null,
                };
                out.push(vec![
                    ("schemaname", text(cat.schema_name(r.schema))),
                    ("viewname", text(&r.name)),
                    ("viewowner", text(cx.env.session.user())),
                    ("definition", definition),
                ]);
            }
        }
        "pg_indexes" => {
            for t in cat.tables.values() {
                for i in model::indexes(t) {
                    out.push(vec![
                        ("schemaname", text(cat.schema_name(t.schema))),
                        ("tablename", text(&t.name)),
                        ("indexname", text(&i.name)),
                        ("indexdef", text(crate::pg_catalog::describe::indexdef(cat, &i))),
                    ]);
                }
            }
        }
        "pg_stat_user_tables" | "pg_stat_all_tables" | "pg_statio_user_tables" => {
            for t in cat.tables.values() {
                out.push(vec![
                    ("relid", oid(t.oid)),
                    ("schemaname", text(cat.schema_name(t.schema))),
                    ("relname", text(&t.name)),
                ]);
            }
        }
        "pg_stat_user_indexes" | "pg_stat_all_indexes" => {
            for t in cat.tables.values() {
                for i in model::indexes(t) {
                    out.push(vec![
                        ("relid", oid(t.oid)),
                        ("indexrelid", oid(i.oid)),
                        ("schemaname", text(cat.schema_name(t.schema))),
                        ("relname", text(&t.name)),
                        ("indexrelname", text(&i.name)),
                    ]);
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn pg_class(r: &Rel, triggers: bool, out: &mut RowSet) {
    let kind = r.relkind();
    let (am, natts, checks, has_index, options) = match &r.kind {
        RelKind::Table(t) => (
            HEAP_AM,
            t.columns.len(),
            t.checks.len(),
            !model::indexes(t).is_empty(),
            (!t.options.is_empty())
                .then(|| Value::Array(t.options.iter().map(|(k, v)| text(format!("{k}={v}"))).collect())),
        ),
        RelKind::Index(i) => (BTREE_AM, i.columns.len(), 0, false, None),
        RelKind::View(v) => (0, v.columns.len(), 0, false, None),
        RelKind::Sequence(_) => (0, 3, 0, false, None),
        RelKind::System(v) => (if kind == 'r' { HEAP_AM } else { 0 }, v.columns().len(), 0, false, None),
    };
    let stored = matches!(kind, 'r' | 'i' | 'S');
    out.push(vec![
        ("oid", oid(r.oid)),
        ("relname", text(&r.name)),
        ("relnamespace", oid(r.schema)),
        ("relowner", oid(BOOTSTRAP_SUPERUSER)),
        ("relam", oid(am)),
        ("relfilenode", oid(if stored { r.oid } else { 0 })),
        ("reltuples", Value::Float4(-1.0)),
        ("relhasindex", Value::Bool(has_index)),
        ("relpersistence", ch('p')),
        ("relkind", ch(kind)),
        ("relnatts", Value::Int2(natts as i16)),
        ("relchecks", Value::Int2(checks as i16)),
        ("relhasrules", Value::Bool(kind == 'v')),
        ("relhastriggers", Value::Bool(triggers)),
        ("relispopulated", Value::Bool(true)),
        ("relreplident", ch(if kind == 'r' { 'd' } else { 'n' })),
        ("reloptions", options.unwrap_or(Value::Null)),
    ]);
}

/// `attlen`, `attbyval`, `attalign`, `attstorage` of a type (from its `pg_type` row).
fn storage_of(ty: &DataType) -> (i16, bool, char, char) {
    match type_info(ty.oid()) {
        Some(t) => (t.len, t.byval, t.align, t.storage),
        None => (ty.typlen(), false, 'i', 'x'),
    }
}

fn attribute(
    relid: u32,
    attnum: i16,
    name: &str,
    ty: &DataType,
    extra: Vec<(&'static str, Value)>,
) -> Vec<(&'static str, Value)> {
    let (len, byval, align, storage) = storage_of(ty);
    let mut row = vec![
        ("attrelid", oid(relid)),
        ("attname", text(name)),
        ("atttypid", oid(ty.oid())),
        ("attstattarget", Value::Int4(-1)),
        ("attlen", Value::Int2(len)),
        ("attnum", Value::Int2(attnum)),
        ("attndims", Value::Int4(i32::from(matches!(ty, DataType::Array(_))))),
        ("attcacheoff", Value::Int4(-1)),
        ("atttypmod", Value::Int4(ty.typmod())),
        ("attbyval", Value::Bool(byval)),
        ("attalign", ch(align)),
        ("attstorage", ch(storage)),
        ("attcompression", text("")),
        ("attidentity", text("")),
        ("attgenerated", text("")),
        ("attislocal", Value::Bool(true)),
        ("attcollation", oid(type_collation(ty))),
    ];
    row.extend(extra);
    row
}

fn pg_attribute(r: &Rel, out: &mut RowSet) {
    if let RelKind::Table(t) = &r.kind {
        return table_attributes(t, out);
    }
    if let RelKind::Sequence(s) = &r.kind {
        return sequence_attributes(s, out);
    }
    for (i, col) in r.columns().into_iter().enumerate() {
        if let Some((name, ty)) = col {
            out.push(attribute(r.oid, i as i16 + 1, &name, &ty, vec![]));
        }
    }
}

/// The system columns every table has, with their negative attribute numbers: (name, type
/// OID, length, by value, alignment).
const SYSTEM_COLUMNS: [(&str, u32, i16, bool, char); 6] = [
    ("tableoid", 26, 4, true, 'i'),
    ("cmax", 29, 4, true, 'i'),
    ("xmax", 28, 4, true, 'i'),
    ("cmin", 29, 4, true, 'i'),
    ("xmin", 28, 4, true, 'i'),
    ("ctid", 27, 6, false, 's'),
];

fn table_attributes(t: &Table, out: &mut RowSet) {
    for (i, (name, typid, len, byval, align)) in SYSTEM_COLUMNS.iter().enumerate() {
        out.push(vec![
            ("attrelid", oid(t.oid)),
            ("attname", text(*name)),
            ("atttypid", oid(*typid)),
            ("attlen", Value::Int2(*len)),
            ("attnum", Value::Int2(i as i16 - 6)),
            ("attcacheoff", Value::Int4(-1)),
            ("atttypmod", Value::Int4(-1)),
            ("attbyval", Value::Bool(*byval)),
            ("attalign", ch(*align)),
            ("attstorage", ch('p')),
            ("attcompression", text("")),
            ("attnotnull", Value::Bool(true)),
            ("attidentity", text("")),
            ("attgenerated", text("")),
            ("attislocal", Value::Bool(true)),
        ]);
    }
    for (i, c) in t.columns.iter().enumerate() {
        let attnum = i as i16 + 1;
        if c.dropped {
            out.push(vec![
                ("attrelid", oid(t.oid)),
                ("attname", text(format!("........pg.dropped.{attnum}........"))),
                ("attnum", Value::Int2(attnum)),
                ("attisdropped", Value::Bool(true)),
                ("attstattarget", Value::Int4(0)),
                ("attlen", Value::Int2(c.ty.typlen())),
                ("atttypmod", Value::Int4(-1)),
                ("attidentity", text("")),
                ("attgenerated", text("")),
                ("attislocal", Value::Bool(true)),
            ]);
            continue;
        }
        let identity = match &c.identity {
            Some(id) if id.always => "a",
            Some(_) => "d",
            None => "",
        };
        out.push(attribute(
            t.oid,
            attnum,
            &c.name,
            &c.ty,
            vec![
                ("attnotnull", Value::Bool(c.not_null)),
                ("atthasdef", Value::Bool(c.default.is_some() && c.identity.is_none())),
                ("atthasmissing", Value::Bool(c.missing.is_some())),
                ("attidentity", text(identity)),
            ],
        ));
    }
}

fn sequence_attributes(s: &Sequence, out: &mut RowSet) {
    for (i, (name, ty)) in
        [("last_value", DataType::Int8), ("log_cnt", DataType::Int8), ("is_called", DataType::Bool)].iter().enumerate()
    {
        out.push(attribute(s.oid, i as i16 + 1, name, ty, vec![("attnotnull", Value::Bool(true))]));
    }
}

fn int2s(positions: &[usize]) -> Value {
    Value::Array(positions.iter().map(|p| Value::Int2(*p as i16 + 1)).collect())
}

fn pg_index(i: &model::IndexDef, out: &mut RowSet) {
    let n = i.columns.len();
    let collations =
        i.columns.iter().map(|p| oid(i.table.columns.get(*p).map(|c| type_collation(&c.ty)).unwrap_or(0))).collect();
    out.push(vec![
        ("indexrelid", oid(i.oid)),
        ("indrelid", oid(i.table.oid)),
        ("indnatts", Value::Int2(n as i16)),
        ("indnkeyatts", Value::Int2(n as i16)),
        ("indisunique", Value::Bool(i.unique)),
        ("indisprimary", Value::Bool(i.primary)),
        ("indimmediate", Value::Bool(true)),
        ("indisvalid", Value::Bool(true)),
        ("indisready", Value::Bool(true)),
        ("indislive", Value::Bool(true)),
        ("indkey", int2s(&i.columns)),
        ("indcollation", Value::Array(collations)),
        ("indclass", Value::Array(vec![oid(0); n])),
        ("indoption", Value::Array(vec![Value::Int2(0); n])),
    ]);
}

/// `confupdtype`/`confdeltype` code of a referential action.
fn action_code(action: &str) -> char {
    match action.to_ascii_uppercase().as_str() {
        "RESTRICT" => 'r',
        "CASCADE" => 'c',
        "SET NULL" => 'n',
        "SET DEFAULT" => 'd',
        _ => 'a',
    }
}

fn pg_constraint(c: &model::Constraint, cx: &Cx<'_>, out: &mut RowSet) {
    let cat = &cx.env.catalog;
    let mut row = vec![
        ("oid", oid(c.oid)),
        ("conname", text(&c.name)),
        ("connamespace", oid(c.table.schema)),
        ("contype", ch(c.contype())),
        ("convalidated", Value::Bool(true)),
        ("conrelid", oid(c.table.oid)),
        ("conindid", oid(c.index_oid(cat))),
        ("confupdtype", ch(' ')),
        ("confdeltype", ch(' ')),
        ("confmatchtype", ch(' ')),
        ("conislocal", Value::Bool(true)),
        ("connoinherit", Value::Bool(matches!(c.kind, ConKind::Primary(_)))),
        ("conkey", int2s(&c.columns())),
    ];
    match &c.kind {
        ConKind::Foreign(f) => row.extend([
            ("condeferrable", Value::Bool(f.deferrable)),
            ("condeferred", Value::Bool(f.deferred)),
            ("confrelid", oid(f.ref_table)),
            ("confupdtype", ch(action_code(&f.on_update))),
            ("confdeltype", ch(action_code(&f.on_delete))),
            ("confmatchtype", ch('s')),
            ("confkey", int2s(&f.ref_columns)),
        ]),
        ConKind::Check(check) => row.push(("conbin", text(check_node(&check.expr)))),
        ConKind::Primary(_) | ConKind::Unique(_) => {}
    }
    out.push(row);
}

fn pg_depend(cx: &Cx<'_>, out: &mut RowSet) {
    const CLASS: u32 = 1259;
    const CONSTRAINT: u32 = 2606;
    let cat = &cx.env.catalog;
    let mut dep = |classid: u32, objid: u32, refclassid: u32, refobjid: u32, refsub: i32, deptype: char| {
        out.push(vec![
            ("classid", oid(classid)),
            ("objid", oid(objid)),
            ("objsubid", Value::Int4(0)),
            ("refclassid", oid(refclassid)),
            ("refobjid", oid(refobjid)),
            ("refobjsubid", Value::Int4(refsub)),
            ("deptype", ch(deptype)),
        ]);
    };
    for s in cat.sequences.values() {
        if let Some((table, col)) = s.owned_by {
            let identity = cat
                .tables
                .get(&table)
                .and_then(|t| t.columns.get(col))
                .is_some_and(|c| c.identity.as_ref().is_some_and(|i| i.sequence == s.oid));
            dep(CLASS, s.oid, CLASS, table, col as i32 + 1, if identity { 'i' } else { 'a' });
        }
    }
    for t in cat.tables.values() {
        for i in model::indexes(t) {
            match &i.constraint {
                Some((_, con)) => dep(CLASS, i.oid, CONSTRAINT, *con, 0, 'i'),
                None => i.columns.iter().for_each(|p| dep(CLASS, i.oid, CLASS, t.oid, *p as i32 + 1, 'a')),
            }
        }
        for c in model::table_constraints(t) {
            c.columns().iter().for_each(|p| dep(CONSTRAINT, c.oid, CLASS, t.oid, *p as i32 + 1, 'a'));
        }
    }
}
