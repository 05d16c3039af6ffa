//! Functions that read the catalog or the session: the `reg*` conversions and the helpers
//! psql, drivers and ORMs call (`format_type`, `pg_table_is_visible`, `pg_get_indexdef`,
//! `pg_get_constraintdef`, `pg_get_expr`, `pg_get_userbyid`, `has_table_privilege`, ...).
//!
//! The binder asks [`resolve`] for a function by name and argument types before it looks at
//! the ordinary built-ins; the executor calls [`eval`] with the statement's catalog.

use std::ops::Bound;

use crate::catalog::keys::{index_prefix, prefix_range, table_prefix};
use crate::catalog::Catalog;
use crate::error::{sqlstate, Result, SqlError};
use crate::exec::Cx;
use crate::functions::scalar::quote_ident;
use crate::pg_catalog::deparse::{expr_text, Style};
use crate::pg_catalog::describe::{self, Env};
use crate::pg_catalog::model::{self, RelKind};
use crate::pg_catalog::system;
use crate::types::{DataType, Value};

/// A catalog-aware function.
#[derive(Clone, Debug, PartialEq)]
pub enum CatalogFn {
    /// Text to an OID of a `reg*` type, by name (an error when there is no such object).
    TextToReg(DataType),
    /// `to_regclass(text)` and the like: as [`CatalogFn::TextToReg`], NULL when missing.
    ToReg(DataType),
    /// A `reg*` OID to its name.
    RegToText(DataType),
    /// `format_type(oid, typmod)`.
    FormatType,
    /// `pg_table_is_visible(oid)`.
    TableIsVisible,
    /// `pg_type_is_visible(oid)`, `pg_function_is_visible(oid)`, `pg_collation_is_visible`:
    /// every built-in is in `pg_catalog`, which is always searched.
    BuiltinIsVisible,
    /// `current_schemas(bool)`.
    CurrentSchemas,
    /// `pg_get_userbyid(oid)`.
    UserById,
    /// `pg_encoding_to_char(int)`.
    EncodingToChar,
    /// `pg_char_to_encoding(name)`.
    CharToEncoding,
    /// `pg_get_indexdef(oid [, column, pretty])`.
    IndexDef,
    /// `pg_get_constraintdef(oid [, pretty])`.
    ConstraintDef,
    /// `pg_get_expr(node, relation [, pretty])`.
    GetExpr,
    /// `pg_get_viewdef(view [, pretty])`.
    ViewDef,
    /// `pg_get_serial_sequence(table, column)`.
    SerialSequence,
    /// `has_*_privilege(...)`, `pg_has_role(...)`: every user is a superuser.
    Privilege,
    /// `pg_relation_is_publishable(regclass)`.
    IsPublishable,
    /// `obj_description(oid [, catalog])`: the built-in comments (Tandem keeps no others).
    Description,
    /// Functions about objects Tandem does not have (comments, triggers, rules, statistics
    /// objects, partition keys, tablespaces): NULL.
    Nothing,
    /// `pg_tablespace_location(oid)`: the default location, an empty string.
    TablespaceLocation,
    /// `pg_get_function_arguments(oid)`, `pg_get_function_identity_arguments(oid)`.
    FunctionArguments,
    /// `pg_get_function_result(oid)`.
    FunctionResult,
    /// `pg_partition_root(regclass)`: the relation itself (no partitioning).
    PartitionRoot,
    /// `pg_relation_size`, `pg_table_size`: bytes of a relation's own keys and values.
    RelationSize,
    /// `pg_total_relation_size`: a table's rows and its indexes.
    TotalRelationSize,
    /// `pg_indexes_size`: a table's indexes.
    IndexesSize,
    /// `pg_database_size(name | oid)`: every table and index.
    DatabaseSize,
    /// `pg_size_pretty(bigint | numeric)`.
    SizePretty,
    /// `pg_is_in_recovery()`: false (every node accepts writes).
    IsInRecovery,
}

/// Resolves a catalog function by name and argument types: the function, the types its
/// arguments must be coerced to, and its result type.
pub fn resolve(name: &str, args: &[DataType]) -> Option<(CatalogFn, Vec<DataType>, DataType)> {
    use CatalogFn as F;
    use DataType as T;
    let n = args.len();
    let text_or = |t: &T, other: T| if t.is_string() || *t == T::Unknown { T::Text } else { other };
    let (f, types, ret) = match (name, n) {
        ("format_type", 2) => (F::FormatType, vec![T::Oid, T::Int4], T::Text),
        ("pg_table_is_visible", 1) => (F::TableIsVisible, vec![T::Oid], T::Bool),
        ("pg_type_is_visible" | "pg_function_is_visible" | "pg_collation_is_visible", 1) => {
            (F::BuiltinIsVisible, vec![T::Oid], T::Bool)
        }
        ("current_schemas", 1) => (F::CurrentSchemas, vec![T::Bool], T::Array(Box::new(T::Name))),
        ("pg_get_userbyid", 1) => (F::UserById, vec![T::Oid], T::Name),
        ("pg_encoding_to_char", 1) => (F::EncodingToChar, vec![T::Int4], T::Name),
        ("pg_char_to_encoding", 1) => (F::CharToEncoding, vec![T::Name], T::Int4),
        ("pg_get_indexdef", 1) => (F::IndexDef, vec![T::Oid], T::Text),
        ("pg_get_indexdef", 3) => (F::IndexDef, vec![T::Oid, T::Int4, T::Bool], T::Text),
        ("pg_get_constraintdef", 1) => (F::ConstraintDef, vec![T::Oid], T::Text),
        ("pg_get_constraintdef", 2) => (F::ConstraintDef, vec![T::Oid, T::Bool], T::Text),
        ("pg_get_expr", 2) => (F::GetExpr, vec![T::Text, T::Oid], T::Text),
        ("pg_get_expr", 3) => (F::GetExpr, vec![T::Text, T::Oid, T::Bool], T::Text),
        ("pg_get_viewdef", 1) => (F::ViewDef, vec![text_or(&args[0], T::Oid)], T::Text),
        ("pg_get_viewdef", 2) => {
            let second = if args[1] == T::Bool { T::Bool } else { T::Int4 };
            (F::ViewDef, vec![text_or(&args[0], T::Oid), second], T::Text)
        }
        ("pg_get_serial_sequence", 2) => (F::SerialSequence, vec![T::Text, T::Text], T::Text),
        ("to_regclass", 1) => (F::ToReg(T::RegClass), vec![T::Text], T::RegClass),
        ("to_regtype", 1) => (F::ToReg(T::RegType), vec![T::Text], T::RegType),
        ("to_regproc", 1) => (F::ToReg(T::RegProc), vec![T::Text], T::RegProc),
        ("to_regnamespace", 1) => (F::ToReg(T::RegNamespace), vec![T::Text], T::RegNamespace),
        (
            "has_table_privilege"
            | "has_schema_privilege"
            | "has_database_privilege"
            | "has_column_privilege"
            | "has_sequence_privilege"
            | "has_function_privilege"
            | "has_any_column_privilege"
            | "pg_has_role"
            | "has_tablespace_privilege"
            | "has_language_privilege"
            | "has_type_privilege",
            2..=4,
        ) => (F::Privilege, args.iter().map(|t| text_or(t, t.clone())).collect(), T::Bool),
        ("pg_relation_is_publishable", 1) => (F::IsPublishable, vec![T::RegClass], T::Bool),
        ("obj_description", 1) => (F::Description, vec![T::Oid], T::Text),
        ("obj_description", 2) => (F::Description, vec![T::Oid, T::Name], T::Text),
        ("shobj_description", 2) => (F::Nothing, vec![T::Oid, T::Name], T::Text),
        ("col_description", 2) => (F::Nothing, vec![T::Oid, T::Int4], T::Text),
        ("pg_get_triggerdef" | "pg_get_ruledef" | "pg_get_statisticsobjdef_columns" | "pg_get_partkeydef", 1) => {
            (F::Nothing, vec![T::Oid], T::Text)
        }
        ("pg_get_triggerdef" | "pg_get_ruledef", 2) => (F::Nothing, vec![T::Oid, T::Bool], T::Text),
        ("pg_get_functiondef", 1) => (F::Nothing, vec![T::Oid], T::Text),
        ("pg_tablespace_location", 1) => (F::TablespaceLocation, vec![T::Oid], T::Text),
        ("pg_get_function_arguments" | "pg_get_function_identity_arguments", 1) => {
            (F::FunctionArguments, vec![T::Oid], T::Text)
        }
        ("pg_get_function_result", 1) => (F::FunctionResult, vec![T::Oid], T::Text),
        ("pg_partition_root", 1) => (F::PartitionRoot, vec![T::RegClass], T::RegClass),
        ("pg_relation_size" | "pg_table_size", 1) => (F::RelationSize, vec![T::RegClass], T::Int8),
        ("pg_relation_size", 2) => (F::RelationSize, vec![T::RegClass, T::Text], T::Int8),
        ("pg_total_relation_size", 1) => (F::TotalRelationSize, vec![T::RegClass], T::Int8),
        ("pg_indexes_size", 1) => (F::IndexesSize, vec![T::RegClass], T::Int8),
        ("pg_database_size", 1) => (F::DatabaseSize, vec![text_or(&args[0], T::Oid)], T::Int8),
        ("pg_size_pretty", 1) => {
            let t = if matches!(args[0], T::Numeric(_)) { T::Numeric(None) } else { T::Int8 };
            (F::SizePretty, vec![t], T::Text)
        }
        ("pg_is_in_recovery", 0) => (F::IsInRecovery, vec![], T::Bool),
        _ => return None,
    };
    Some((f, types, ret))
}

/// The OID of a built-in function (for `::regproc`), if known.
pub fn proc_oid(name: &str) -> Option<u32> {
    system::proc_oid(name.trim_start_matches("pg_catalog.").trim_matches('"'))
}

/// How a `reg*` value prints: the object's name, schema-qualified when the search path would
/// not find it; `-` for 0; the number when no object has the OID.
pub fn reg_name(cat: &Catalog, search_path: &[String], ty: &DataType, oid: u32) -> String {
    if oid == 0 {
        return "-".into();
    }
    let name = match ty {
        DataType::RegClass => model::regclass_name(cat, search_path, oid),
        DataType::RegType => DataType::from_oid(oid, -1).map(|t| match t {
            DataType::Bpchar(_) => "character".into(),
            other => other.sql_name(),
        }),
        DataType::RegNamespace => cat.schemas.get(&oid).map(|s| quote_ident(&s.name)),
        DataType::RegProc => system::proc_name(oid).map(str::to_string),
        _ => None,
    };
    name.unwrap_or_else(|| oid.to_string())
}

/// The OID `name` denotes as a `ty` (`'public.t'::regclass`), if any.
fn lookup_reg(cx: &Cx<'_>, ty: &DataType, name: &str) -> Result<Option<u32>> {
    if let Ok(n) = name.trim().parse::<u32>() {
        return Ok(Some(n));
    }
    let cat = &cx.env.catalog;
    Ok(match ty {
        DataType::RegClass => {
            let parsed = crate::sql_parse::parse_object_name(name)?;
            let parts: Vec<String> =
                parsed.0.iter().filter_map(|p| p.as_ident()).map(crate::plan::bind::normalize_ident).collect();
            let path = cx.env.session.search_path();
            let rel = match parts.as_slice() {
                [n] => cat.resolve(None, n, &path),
                [s, n] | [_, s, n] => cat.resolve(Some(s), n, &path),
                _ => None,
            };
            rel.map(|r| r.oid())
        }
        DataType::RegType => crate::sql_parse::parse_type_name(name).ok().map(|t| t.oid()),
        DataType::RegNamespace => cat.schema_oid(name.trim_matches('"')),
        _ => proc_oid(name),
    })
}

fn missing(ty: &DataType, name: &str) -> SqlError {
    match ty {
        DataType::RegClass => SqlError::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{name}\" does not exist")),
        DataType::RegType => SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{name}\" does not exist")),
        DataType::RegNamespace => {
            SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("schema \"{name}\" does not exist"))
        }
        _ => SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("function \"{name}\" does not exist")),
    }
}

/// `pg_size_pretty`: bytes below 10 kB, then kB, MB, GB, TB, PB, halves rounded away from 0.
pub fn size_pretty(size: i64) -> String {
    const LIMIT: i64 = 10 * 1024;
    const LIMIT2: i64 = LIMIT * 2 - 1;
    if size.abs() < LIMIT {
        return format!("{size} bytes");
    }
    let half_rounded = |x: i64| (x + if x < 0 { -1 } else { 1 }) / 2;
    let mut size = size >> 9;
    for unit in ["kB", "MB", "GB", "TB"] {
        if size.abs() < LIMIT2 {
            return format!("{} {unit}", half_rounded(size));
        }
        size >>= 10;
    }
    format!("{} PB", half_rounded(size))
}

/// Bytes of keys and values under `prefix` in the statement's view.
fn prefix_bytes(cx: &Cx<'_>, prefix: &[u8]) -> Result<i64> {
    let (start, end) = prefix_range(prefix);
    let mut total = 0i64;
    for item in cx.env.view.scan((Bound::Included(start), Bound::Excluded(end)), false) {
        let (k, v) = item?;
        total += (k.len() + v.value.len()) as i64;
    }
    Ok(total)
}

/// The size of one relation: a table's rows, a secondary index's entries; 0 for others (a
/// primary key is the table's row order, not separate storage).
fn relation_bytes(cx: &Cx<'_>, oid: u32) -> Result<i64> {
    match model::relation(&cx.env.catalog, oid).map(|r| r.kind) {
        Some(RelKind::Table(_)) => prefix_bytes(cx, &table_prefix(oid)),
        Some(RelKind::Index(i)) if !i.primary => prefix_bytes(cx, &index_prefix(oid)),
        _ => Ok(0),
    }
}

fn indexes_bytes(cx: &Cx<'_>, oid: u32) -> Result<i64> {
    let Some(t) = cx.env.catalog.tables.get(&oid) else { return Ok(0) };
    model::indexes(t).iter().map(|i| relation_bytes(cx, i.oid)).sum()
}

/// Evaluates a catalog function.
pub fn eval(f: &CatalogFn, args: &[Value], cx: &Cx<'_>) -> Result<Value> {
    let cat = &cx.env.catalog;
    if args.iter().any(Value::is_null) && !matches!(f, CatalogFn::FormatType) {
        return Ok(Value::Null);
    }
    let oid = |v: &Value| v.as_i64().map(|o| o as u32).unwrap_or(0);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let flag = |i: usize| args.get(i).and_then(Value::as_bool).unwrap_or(false);
    let path = || cx.env.session.search_path();
    Ok(match f {
        CatalogFn::TextToReg(ty) => {
            let name = text(&args[0]);
            Value::Oid(lookup_reg(cx, ty, &name)?.ok_or_else(|| missing(ty, &name))?)
        }
        CatalogFn::ToReg(ty) => {
            let name = text(&args[0]);
            let found =
                if name.trim().parse::<u32>().is_ok() { None } else { lookup_reg(cx, ty, &name).ok().flatten() };
            found.map(Value::Oid).unwrap_or(Value::Null)
        }
        CatalogFn::RegToText(ty) => Value::Text(reg_name(cat, &path(), ty, oid(&args[0]))),
        CatalogFn::FormatType => {
            if args[0].is_null() {
                return Ok(Value::Null);
            }
            let typmod = args.get(1).and_then(Value::as_i64).unwrap_or(-1) as i32;
            Value::Text(match DataType::from_oid(oid(&args[0]), typmod) {
                Some(t) => t.sql_name(),
                None => "???".into(),
            })
        }
        CatalogFn::TableIsVisible => Value::Bool(
            model::relation(cat, oid(&args[0])).is_some_and(|r| model::is_visible(cat, &path(), r.schema, &r.name)),
        ),
        CatalogFn::BuiltinIsVisible => Value::Bool(true),
        CatalogFn::CurrentSchemas => {
            let mut out = Vec::new();
            if flag(0) {
                out.push(Value::Text("pg_catalog".into()));
            }
            out.extend(path().into_iter().filter(|s| cat.schema_oid(s).is_some()).map(Value::Text));
            Value::Array(out)
        }
        CatalogFn::UserById => {
            let o = oid(&args[0]);
            Value::Text(system::role_name(cx, o).unwrap_or_else(|| format!("unknown (OID={o})")))
        }
        CatalogFn::EncodingToChar => Value::Text(
            match args[0].as_i64() {
                Some(0) => "SQL_ASCII",
                Some(6) => "UTF8",
                _ => "",
            }
            .into(),
        ),
        CatalogFn::CharToEncoding => {
            Value::Int4(match text(&args[0]).to_ascii_uppercase().replace(['-', '_'], "").as_str() {
                "SQLASCII" => 0,
                "UTF8" | "UNICODE" => 6,
                _ => -1,
            })
        }
        CatalogFn::IndexDef => {
            let Some(RelKind::Index(index)) = model::relation(cat, oid(&args[0])).map(|r| r.kind) else {
                return Ok(Value::Null);
            };
            match args.get(1).and_then(Value::as_i64).unwrap_or(0) {
                0 => Value::Text(describe::indexdef(cat, &index)),
                col => describe::index_column(&index, col as usize).map(Value::Text).unwrap_or(Value::Null),
            }
        }
        CatalogFn::ConstraintDef => match model::constraint(cat, oid(&args[0])) {
            Some(c) => {
                let path = path();
                let env = Env { catalog: cat, search_path: &path, text: &cx.env.text };
                Value::Text(describe::constraintdef(&env, &c, flag(1)))
            }
            None => Value::Null,
        },
        CatalogFn::GetExpr => {
            let table = cat.tables.get(&oid(&args[1]));
            let path = path();
            let style = Style { catalog: cat, search_path: &path, text: &cx.env.text, pretty: flag(2) };
            Value::Text(expr_text(&style, &text(&args[0]), table.map(|t| t.as_ref())))
        }
        CatalogFn::ViewDef => {
            let view = match &args[0] {
                Value::Text(name) => match lookup_reg(cx, &DataType::RegClass, name)? {
                    Some(o) => cat.views.get(&o).cloned(),
                    None => return Err(missing(&DataType::RegClass, name)),
                },
                v => cat.views.get(&oid(v)).cloned(),
            };
            view.map(|v| Value::Text(describe::viewdef(&v))).unwrap_or(Value::Null)
        }
        CatalogFn::SerialSequence => {
            let table_name = text(&args[0]);
            let Some(table_oid) = lookup_reg(cx, &DataType::RegClass, &table_name)? else {
                return Err(missing(&DataType::RegClass, &table_name));
            };
            let column = text(&args[1]);
            let Some(table) = cat.tables.get(&table_oid) else { return Ok(Value::Null) };
            let Some(pos) = table.column_index(&column) else {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{column}\" of relation \"{}\" does not exist", table.name),
                ));
            };
            cat.sequences
                .values()
                .find(|s| s.owned_by == Some((table_oid, pos)))
                .map(|s| Value::Text(model::qualified(cat, s.schema, &s.name)))
                .unwrap_or(Value::Null)
        }
        CatalogFn::Privilege => Value::Bool(true),
        CatalogFn::IsPublishable => {
            Value::Bool(matches!(model::relation(cat, oid(&args[0])).map(|r| r.kind), Some(RelKind::Table(_))))
        }
        CatalogFn::Nothing => Value::Null,
        CatalogFn::Description => {
            let catalog = args.get(1).map(text);
            system::descriptions()
                .find(|(o, class, _)| *o == oid(&args[0]) && catalog.as_deref().is_none_or(|c| c == *class))
                .map(|(.., d)| Value::Text(d.into()))
                .unwrap_or(Value::Null)
        }
        CatalogFn::TablespaceLocation => Value::Text(String::new()),
        CatalogFn::FunctionArguments => match system::proc_signature(oid(&args[0])) {
            Some((types, ..)) => Value::Text(
                types.iter().map(|t| reg_name(cat, &[], &DataType::RegType, *t)).collect::<Vec<_>>().join(", "),
            ),
            None => Value::Null,
        },
        CatalogFn::FunctionResult => match system::proc_signature(oid(&args[0])) {
            Some((_, ret, set)) => {
                let name = reg_name(cat, &[], &DataType::RegType, ret);
                Value::Text(if set { format!("SETOF {name}") } else { name })
            }
            None => Value::Null,
        },
        CatalogFn::PartitionRoot => Value::Oid(oid(&args[0])),
        CatalogFn::RelationSize => Value::Int8(relation_bytes(cx, oid(&args[0]))?),
        CatalogFn::TotalRelationSize => {
            let o = oid(&args[0]);
            Value::Int8(relation_bytes(cx, o)? + indexes_bytes(cx, o)?)
        }
        CatalogFn::IndexesSize => Value::Int8(indexes_bytes(cx, oid(&args[0]))?),
        CatalogFn::DatabaseSize => {
            let mut total = 0;
            for t in cat.tables.keys() {
                total += relation_bytes(cx, *t)? + indexes_bytes(cx, *t)?;
            }
            Value::Int8(total)
        }
        CatalogFn::SizePretty => {
            let size = match &args[0] {
                Value::Numeric(d) => d.trunc().to_string().parse::<i64>().unwrap_or(i64::MAX),
                v => v.as_i64().unwrap_or(0),
            };
            Value::Text(size_pretty(size))
        }
        CatalogFn::IsInRecovery => Value::Bool(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_pretty_matches_postgres() {
        assert_eq!(size_pretty(0), "0 bytes");
        assert_eq!(size_pretty(8192), "8192 bytes");
        assert_eq!(size_pretty(10 * 1024), "10 kB");
        assert_eq!(size_pretty(123_456_789), "118 MB");
        assert_eq!(size_pretty(-10 * 1024 * 1024), "-10 MB");
        assert_eq!(size_pretty(5 * 1024_i64.pow(4)), "5120 GB");
    }

    #[test]
    fn catalog_functions_resolve_with_their_postgres_signatures() {
        let (f, args, ret) = resolve("pg_get_expr", &[DataType::Text, DataType::Oid, DataType::Bool]).unwrap();
        assert_eq!((f, args.len(), ret), (CatalogFn::GetExpr, 3, DataType::Text));
        assert!(resolve("pg_get_expr", &[DataType::Text]).is_none());
        let (_, args, _) = resolve("has_table_privilege", &[DataType::Unknown, DataType::Unknown]).unwrap();
        assert_eq!(args, vec![DataType::Text, DataType::Text]);
        assert!(proc_oid("now").is_some());
    }
}
