//! The `information_schema` views (SQL standard), generated from the same objects as
//! `pg_catalog` and filled the way PostgreSQL's own view definitions fill them: every relation
//! including the system catalogs, `NOT NULL` columns as check constraints named
//! `<schema oid>_<table oid>_<attnum>_not_null`, foreign keys' columns in
//! `constraint_column_usage` under the referenced table.

use crate::catalog::objects::{Column, Table, PUBLIC};
use crate::error::Result;
use crate::exec::Cx;
use crate::pg_catalog::deparse::{default_node, expr_text, Style};
use crate::pg_catalog::describe::{self, Env};
use crate::pg_catalog::model::{self, ConKind, Constraint, RelKind};
use crate::pg_catalog::{text, RowSet};
use crate::types::{DataType, Value};

fn yes(b: bool) -> Value {
    text(if b { "YES" } else { "NO" })
}

fn int(n: impl TryInto<i32>) -> Value {
    n.try_into().map(Value::Int4).unwrap_or(Value::Null)
}

/// `data_type` of a column type as the standard names it.
fn data_type(ty: &DataType) -> String {
    match ty {
        DataType::Array(_) => "ARRAY".into(),
        DataType::Varchar(_) => "character varying".into(),
        DataType::Bpchar(_) => "character".into(),
        DataType::Numeric(_) => "numeric".into(),
        other => other.sql_name(),
    }
}

/// The numeric and character facets of a type: (maximum length, octet length, precision,
/// radix, scale, datetime precision).
fn facets(ty: &DataType) -> [Value; 6] {
    let null = || Value::Null;
    let (len, octets) = match ty {
        DataType::Varchar(Some(n)) | DataType::Bpchar(Some(n)) => (int(*n), int(n.saturating_mul(4))),
        DataType::Varchar(None) | DataType::Bpchar(None) | DataType::Text => (null(), int(1_073_741_824)),
        _ => (null(), null()),
    };
    let (precision, radix, scale) = match ty {
        DataType::Int2 => (int(16), int(2), int(0)),
        DataType::Int4 => (int(32), int(2), int(0)),
        DataType::Int8 => (int(64), int(2), int(0)),
        DataType::Float4 => (int(24), int(2), null()),
        DataType::Float8 => (int(53), int(2), null()),
        DataType::Numeric(Some((p, s))) => (int(*p), int(10), int(*s)),
        DataType::Numeric(None) => (null(), int(10), null()),
        _ => (null(), null(), null()),
    };
    let datetime = match ty {
        DataType::Date => int(0),
        DataType::Time | DataType::Timestamp | DataType::TimestampTz | DataType::Interval => int(6),
        _ => null(),
    };
    [len, octets, precision, radix, scale, datetime]
}

fn constraint_type(c: &Constraint) -> &'static str {
    match c.kind {
        ConKind::Primary(_) => "PRIMARY KEY",
        ConKind::Unique(_) => "UNIQUE",
        ConKind::Check(_) => "CHECK",
        ConKind::Foreign(_) => "FOREIGN KEY",
    }
}

fn rule(action: &str) -> Value {
    let a = action.to_ascii_uppercase();
    text(if a.is_empty() { "NO ACTION".to_string() } else { a })
}

/// The not-null constraints PostgreSQL lists as checks: (name, column).
fn not_nulls(t: &Table) -> Vec<(String, &Column)> {
    t.live_columns()
        .filter(|(_, c)| c.not_null)
        .map(|(i, c)| (format!("{}_{}_{}_not_null", t.schema, t.oid, i + 1), c))
        .collect()
}

/// Fills `out` with the rows of `information_schema.<name>` (no rows for the views about
/// objects Tandem does not have: routines, triggers, domains, privileges, ...).
pub(super) fn rows(name: &str, cx: &Cx<'_>, out: &mut RowSet) -> Result<()> {
    let cat = &cx.env.catalog;
    let db = || text(cx.env.session.database());
    let schema = |oid: u32| text(cat.schema_name(oid));
    let path = cx.env.session.search_path();
    let env = Env { catalog: cat, search_path: &path, text: &cx.env.text };
    let style = Style { catalog: cat, search_path: &path, text: &cx.env.text, pretty: false };
    match name {
        "information_schema_catalog_name" => out.push(vec![("catalog_name", db())]),
        "schemata" => {
            for s in cat.schemas.values() {
                let owner = if s.oid == PUBLIC { "pg_database_owner".into() } else { cx.env.session.user() };
                out.push(vec![("catalog_name", db()), ("schema_name", text(&s.name)), ("schema_owner", text(owner))]);
            }
        }
        "enabled_roles" => out.push(vec![("role_name", text(cx.env.session.user()))]),
        "character_sets" => out.push(vec![
            ("character_set_name", text("UTF8")),
            ("character_repertoire", text("UCS")),
            ("form_of_use", text("UTF8")),
            ("default_collate_catalog", db()),
            ("default_collate_schema", text("pg_catalog")),
            ("default_collate_name", text("C.UTF-8")),
        ]),
        "tables" => {
            for r in model::relations(cat) {
                let table_type = match r.relkind() {
                    'r' => "BASE TABLE",
                    'v' => "VIEW",
                    _ => continue,
                };
                out.push(vec![
                    ("table_catalog", db()),
                    ("table_schema", schema(r.schema)),
                    ("table_name", text(&r.name)),
                    ("table_type", text(table_type)),
                    ("is_insertable_into", yes(matches!(r.kind, RelKind::Table(_)))),
                    ("is_typed", yes(false)),
                ]);
            }
        }
        "views" => {
            for v in cat.views.values() {
                out.push(vec![
                    ("table_catalog", db()),
                    ("table_schema", schema(v.schema)),
                    ("table_name", text(&v.name)),
                    ("view_definition", text(describe::viewdef(v))),
                    ("check_option", text("NONE")),
                    ("is_updatable", yes(false)),
                    ("is_insertable_into", yes(false)),
                    ("is_trigger_updatable", yes(false)),
                    ("is_trigger_deletable", yes(false)),
                    ("is_trigger_insertable_into", yes(false)),
                ]);
            }
        }
        "columns" => {
            for r in model::relations(cat) {
                if !matches!(r.relkind(), 'r' | 'v') {
                    continue;
                }
                let table = match &r.kind {
                    RelKind::Table(t) => Some(t.clone()),
                    _ => None,
                };
                for (i, col) in r.columns().into_iter().enumerate() {
                    let Some((cname, ty)) = col else { continue };
                    let stored: Option<&Column> = table.as_ref().and_then(|t| t.columns.get(i));
                    let identity = stored.and_then(|c| c.identity.as_ref());
                    let sequence = identity.and_then(|id| cat.sequences.get(&id.sequence));
                    let default = stored
                        .filter(|c| c.identity.is_none())
                        .and_then(|c| c.default.as_ref())
                        .map(|d| text(expr_text(&style, &default_node(i as i16 + 1, d), table.as_deref())))
                        .unwrap_or(Value::Null);
                    let [len, octets, precision, radix, scale, datetime] = facets(&ty);
                    let udt = match &ty {
                        DataType::Array(e) => format!("_{}", e.type_name()),
                        other => other.type_name(),
                    };
                    let mut row = vec![
                        ("table_catalog", db()),
                        ("table_schema", schema(r.schema)),
                        ("table_name", text(&r.name)),
                        ("column_name", text(cname)),
                        ("ordinal_position", int(i + 1)),
                        ("column_default", default),
                        ("is_nullable", yes(!stored.is_some_and(|c| c.not_null))),
                        ("data_type", text(data_type(&ty))),
                        ("character_maximum_length", len),
                        ("character_octet_length", octets),
                        ("numeric_precision", precision),
                        ("numeric_precision_radix", radix),
                        ("numeric_scale", scale),
                        ("datetime_precision", datetime),
                        ("udt_catalog", db()),
                        ("udt_schema", text("pg_catalog")),
                        ("udt_name", text(udt)),
                        ("dtd_identifier", text((i + 1).to_string())),
                        ("is_self_referencing", yes(false)),
                        ("is_identity", yes(identity.is_some())),
                        ("is_generated", text("NEVER")),
                        ("is_updatable", yes(table.is_some())),
                    ];
                    if let (Some(id), Some(s)) = (identity, sequence) {
                        row.extend([
                            ("identity_generation", text(if id.always { "ALWAYS" } else { "BY DEFAULT" })),
                            ("identity_start", text(s.start.to_string())),
                            ("identity_increment", text(s.increment.to_string())),
                            ("identity_maximum", text(s.max.to_string())),
                            ("identity_minimum", text(s.min.to_string())),
                            ("identity_cycle", yes(s.cycle)),
                        ]);
                    } else if identity.is_none() {
                        row.push(("identity_cycle", yes(false)));
                    }
                    out.push(row);
                }
            }
        }
        "sequences" => {
            for s in cat.sequences.values() {
                let [_, _, precision, radix, scale, _] = facets(&s.ty);
                out.push(vec![
                    ("sequence_catalog", db()),
                    ("sequence_schema", schema(s.schema)),
                    ("sequence_name", text(&s.name)),
                    ("data_type", text(s.ty.sql_name())),
                    ("numeric_precision", precision),
                    ("numeric_precision_radix", radix),
                    ("numeric_scale", scale),
                    ("start_value", text(s.start.to_string())),
                    ("minimum_value", text(s.min.to_string())),
                    ("maximum_value", text(s.max.to_string())),
                    ("increment", text(s.increment.to_string())),
                    ("cycle_option", yes(s.cycle)),
                ]);
            }
        }
        "table_constraints" => {
            for t in cat.tables.values() {
                let table_cols = |row: &mut Vec<(&'static str, Value)>| {
                    row.extend([
                        ("table_catalog", db()),
                        ("table_schema", schema(t.schema)),
                        ("table_name", text(&t.name)),
                    ])
                };
                for c in model::table_constraints(t) {
                    let deferrable = matches!(&c.kind, ConKind::Foreign(f) if f.deferrable);
                    let deferred = matches!(&c.kind, ConKind::Foreign(f) if f.deferred);
                    let nulls_distinct = match c.kind {
                        ConKind::Primary(_) | ConKind::Unique(_) => yes(true),
                        _ => Value::Null,
                    };
                    let mut row = vec![
                        ("constraint_catalog", db()),
                        ("constraint_schema", schema(t.schema)),
                        ("constraint_name", text(&c.name)),
                        ("constraint_type", text(constraint_type(&c))),
                        ("is_deferrable", yes(deferrable)),
                        ("initially_deferred", yes(deferred)),
                        ("enforced", yes(true)),
                        ("nulls_distinct", nulls_distinct),
                    ];
                    table_cols(&mut row);
                    out.push(row);
                }
                for (cname, _) in not_nulls(t) {
                    let mut row = vec![
                        ("constraint_catalog", db()),
                        ("constraint_schema", schema(t.schema)),
                        ("constraint_name", text(cname)),
                        ("constraint_type", text("CHECK")),
                        ("is_deferrable", yes(false)),
                        ("initially_deferred", yes(false)),
                        ("enforced", yes(true)),
                    ];
                    table_cols(&mut row);
                    out.push(row);
                }
            }
        }
        "check_constraints" => {
            for t in cat.tables.values() {
                for c in model::table_constraints(t).iter().filter(|c| c.contype() == 'c') {
                    let def = describe::constraintdef(&env, c, false);
                    out.push(vec![
                        ("constraint_catalog", db()),
                        ("constraint_schema", schema(t.schema)),
                        ("constraint_name", text(&c.name)),
                        ("check_clause", text(def.strip_prefix("CHECK ").unwrap_or(&def))),
                    ]);
                }
                for (cname, col) in not_nulls(t) {
                    out.push(vec![
                        ("constraint_catalog", db()),
                        ("constraint_schema", schema(t.schema)),
                        ("constraint_name", text(cname)),
                        ("check_clause", text(format!("{} IS NOT NULL", col.name))),
                    ]);
                }
            }
        }
        "key_column_usage" => {
            for c in model::constraints(cat) {
                if c.contype() == 'c' {
                    continue;
                }
                let referenced = match &c.kind {
                    ConKind::Foreign(f) => Some(f.ref_columns.clone()),
                    _ => None,
                };
                for (n, pos) in c.columns().iter().enumerate() {
                    let Some(col) = c.table.columns.get(*pos) else { continue };
                    let in_unique = referenced.as_ref().map(|_| int(n + 1)).unwrap_or(Value::Null);
                    out.push(vec![
                        ("constraint_catalog", db()),
                        ("constraint_schema", schema(c.table.schema)),
                        ("constraint_name", text(&c.name)),
                        ("table_catalog", db()),
                        ("table_schema", schema(c.table.schema)),
                        ("table_name", text(&c.table.name)),
                        ("column_name", text(&col.name)),
                        ("ordinal_position", int(n + 1)),
                        ("position_in_unique_constraint", in_unique),
                    ]);
                }
            }
        }
        "referential_constraints" => {
            for c in model::constraints(cat) {
                let ConKind::Foreign(f) = &c.kind else { continue };
                let unique = cat.tables.get(&f.ref_table).and_then(|t| {
                    model::table_constraints(t).into_iter().find(
                        |u| matches!(&u.kind, ConKind::Primary(i) | ConKind::Unique(i) if i.columns == f.ref_columns),
                    )
                });
                out.push(vec![
                    ("constraint_catalog", db()),
                    ("constraint_schema", schema(c.table.schema)),
                    ("constraint_name", text(&c.name)),
                    ("unique_constraint_catalog", db()),
                    (
                        "unique_constraint_schema",
                        unique.as_ref().map(|u| schema(u.table.schema)).unwrap_or(Value::Null),
                    ),
                    ("unique_constraint_name", unique.as_ref().map(|u| text(&u.name)).unwrap_or(Value::Null)),
                    ("match_option", text("NONE")),
                    ("update_rule", rule(&f.on_update)),
                    ("delete_rule", rule(&f.on_delete)),
                ]);
            }
        }
        "constraint_column_usage" | "constraint_table_usage" => {
            for c in model::constraints(cat) {
                let (table, columns) = match &c.kind {
                    ConKind::Foreign(f) => match cat.tables.get(&f.ref_table) {
                        Some(t) => (t.clone(), f.ref_columns.clone()),
                        None => continue,
                    },
                    _ => (c.table.clone(), c.columns()),
                };
                let mut base = vec![
                    ("table_catalog", db()),
                    ("table_schema", schema(table.schema)),
                    ("table_name", text(&table.name)),
                    ("constraint_catalog", db()),
                    ("constraint_schema", schema(c.table.schema)),
                    ("constraint_name", text(&c.name)),
                ];
                if name == "constraint_table_usage" {
                    out.push(base);
                    continue;
                }
                for pos in columns {
                    if let Some(col) = table.columns.get(pos) {
                        let mut row = base.clone();
                        row.push(("column_name", text(&col.name)));
                        out.push(row);
                    }
                }
                base.clear();
            }
        }
        _ => {}
    }
    Ok(())
}
