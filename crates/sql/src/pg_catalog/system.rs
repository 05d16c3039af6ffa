//! The database-wide catalogs: schemas, types, functions, the database, roles, settings,
//! access methods, collations, tablespaces, languages, and the session's own activity.
//!
//! Tandem has one database (the one the session named), no roles of its own (every user who
//! may connect is a superuser), no comments, no extensions and no procedural languages; these
//! catalogs say exactly that. The bootstrap superuser (OID 10, the owner of every object) is
//! shown under the session's user name.

use crate::catalog::objects::{DATABASE_OID, PG_CATALOG, PUBLIC};
use crate::error::Result;
use crate::exec::Cx;
use crate::pg_catalog::procs::{procs, types};
use crate::pg_catalog::{ch, oid, text, RowSet};
use crate::types::{DataType, Value};

/// OID of the bootstrap superuser, owner of everything.
pub const BOOTSTRAP_SUPERUSER: u32 = 10;
/// OID of `pg_database_owner`, the owner of schema `public`.
pub const DATABASE_OWNER: u32 = 6171;
/// OID of the default collation.
pub const DEFAULT_COLLATION: u32 = 100;
/// OID of the `pg_default` tablespace.
pub const DEFAULT_TABLESPACE: u32 = 1663;
/// OID of the `heap` table access method.
pub const HEAP_AM: u32 = 2;
/// OID of the `btree` index access method.
pub const BTREE_AM: u32 = 403;

/// The name of role `oid`, if it exists.
pub fn role_name(cx: &Cx<'_>, oid: u32) -> Option<String> {
    match oid {
        BOOTSTRAP_SUPERUSER => Some(cx.env.session.user()),
        DATABASE_OWNER => Some("pg_database_owner".into()),
        _ => None,
    }
}

/// The `pg_type` row of a type OID, if Tandem has the type.
pub(super) fn type_info(oid: u32) -> Option<&'static crate::pg_catalog::procs::Type> {
    types().iter().find(|t| t.oid == oid)
}

/// The collation of values of type `ty` (`pg_type.typcollation`).
pub fn type_collation(ty: &DataType) -> u32 {
    type_info(ty.oid()).map(|t| t.collation).unwrap_or(0)
}

/// The name of function `oid` (for `regproc` output).
pub fn proc_name(oid: u32) -> Option<&'static str> {
    procs().iter().find(|p| p.oid == oid).map(|p| p.name)
}

/// The OID of the built-in function `name` (the first overload).
pub fn proc_oid(name: &str) -> Option<u32> {
    procs().iter().find(|p| p.name == name).map(|p| p.oid)
}

/// The argument types of function `oid`, and its result type and whether it returns a set.
pub fn proc_signature(oid: u32) -> Option<(&'static [u32], u32, bool)> {
    procs().iter().find(|p| p.oid == oid).map(|p| (p.args.as_slice(), p.ret, p.retset))
}

/// The comments PostgreSQL ships (`pg_description`): (object, catalog, text). `COMMENT ON` is
/// accepted and ignored, so there are no others.
pub fn descriptions() -> impl Iterator<Item = (u32, &'static str, &'static str)> {
    [(PUBLIC, "pg_namespace", "standard public schema")].into_iter()
}

fn oids(list: &[u32]) -> Value {
    Value::Array(list.iter().map(|o| Value::Oid(*o)).collect())
}

/// Fills `out` with the rows of the database-wide catalog `name` (no rows when Tandem has no
/// such objects).
pub(super) fn rows(name: &str, cx: &Cx<'_>, out: &mut RowSet) -> Result<()> {
    let cat = &cx.env.catalog;
    let user = cx.env.session.user();
    match name {
        "pg_namespace" => {
            for s in cat.schemas.values() {
                let owner = if s.oid == PUBLIC { DATABASE_OWNER } else { BOOTSTRAP_SUPERUSER };
                let acl = (s.oid == PUBLIC).then(|| {
                    Value::Array(vec![text("pg_database_owner=UC/pg_database_owner"), text("=U/pg_database_owner")])
                });
                out.push(vec![
                    ("oid", oid(s.oid)),
                    ("nspname", text(&s.name)),
                    ("nspowner", oid(owner)),
                    ("nspacl", acl.unwrap_or(Value::Null)),
                ]);
            }
        }
        "pg_type" => {
            for t in types() {
                let p = t.procs;
                out.push(vec![
                    ("oid", oid(t.oid)),
                    ("typname", text(t.name)),
                    ("typnamespace", oid(PG_CATALOG)),
                    ("typowner", oid(BOOTSTRAP_SUPERUSER)),
                    ("typlen", Value::Int2(t.len)),
                    ("typbyval", Value::Bool(t.byval)),
                    ("typtype", ch(t.typtype)),
                    ("typcategory", ch(t.category)),
                    ("typispreferred", Value::Bool(t.preferred)),
                    ("typisdefined", Value::Bool(true)),
                    ("typdelim", ch(',')),
                    ("typsubscript", oid(p[7])),
                    ("typelem", oid(t.elem)),
                    ("typarray", oid(t.array)),
                    ("typinput", oid(p[0])),
                    ("typoutput", oid(p[1])),
                    ("typreceive", oid(p[2])),
                    ("typsend", oid(p[3])),
                    ("typmodin", oid(p[4])),
                    ("typmodout", oid(p[5])),
                    ("typanalyze", oid(p[6])),
                    ("typalign", ch(t.align)),
                    ("typstorage", ch(t.storage)),
                    ("typtypmod", Value::Int4(-1)),
                    ("typcollation", oid(t.collation)),
                ]);
            }
        }
        "pg_proc" => {
            for p in procs() {
                out.push(vec![
                    ("oid", oid(p.oid)),
                    ("proname", text(p.name)),
                    ("pronamespace", oid(PG_CATALOG)),
                    ("proowner", oid(BOOTSTRAP_SUPERUSER)),
                    ("prolang", oid(12)),
                    ("procost", Value::Float4(1.0)),
                    ("prorows", Value::Float4(if p.retset { 1000.0 } else { 0.0 })),
                    ("provariadic", oid(p.variadic)),
                    ("prokind", ch(p.kind)),
                    ("proisstrict", Value::Bool(p.strict)),
                    ("proretset", Value::Bool(p.retset)),
                    ("provolatile", ch(p.volatile)),
                    ("proparallel", ch('s')),
                    ("pronargs", Value::Int2(p.args.len() as i16)),
                    ("pronargdefaults", Value::Int2(0)),
                    ("prorettype", oid(p.ret)),
                    ("proargtypes", oids(&p.args)),
                    ("prosrc", text(p.src)),
                ]);
            }
        }
        "pg_database" => out.push(vec![
            ("oid", oid(DATABASE_OID)),
            ("datname", text(cx.env.session.database())),
            ("datdba", oid(BOOTSTRAP_SUPERUSER)),
            ("encoding", Value::Int4(6)),
            ("datlocprovider", ch('c')),
            ("datallowconn", Value::Bool(true)),
            ("datconnlimit", Value::Int4(-1)),
            ("dattablespace", oid(DEFAULT_TABLESPACE)),
            ("datcollate", text("C.UTF-8")),
            ("datctype", text("C.UTF-8")),
        ]),
        "pg_roles" | "pg_authid" => {
            let password = if name == "pg_roles" { text("********") } else { Value::Null };
            for (o, rolname, login) in
                [(BOOTSTRAP_SUPERUSER, user, true), (DATABASE_OWNER, "pg_database_owner".into(), false)]
            {
                out.push(vec![
                    ("oid", oid(o)),
                    ("rolname", text(rolname)),
                    ("rolsuper", Value::Bool(login)),
                    ("rolinherit", Value::Bool(true)),
                    ("rolcreaterole", Value::Bool(login)),
                    ("rolcreatedb", Value::Bool(login)),
                    ("rolcanlogin", Value::Bool(login)),
                    ("rolreplication", Value::Bool(login)),
                    ("rolbypassrls", Value::Bool(login)),
                    ("rolconnlimit", Value::Int4(-1)),
                    ("rolpassword", password.clone()),
                ]);
            }
        }
        "pg_user" | "pg_shadow" => out.push(vec![
            ("usename", text(user)),
            ("usesysid", oid(BOOTSTRAP_SUPERUSER)),
            ("usecreatedb", Value::Bool(true)),
            ("usesuper", Value::Bool(true)),
            ("userepl", Value::Bool(true)),
            ("usebypassrls", Value::Bool(true)),
            ("passwd", if name == "pg_user" { text("********") } else { Value::Null }),
        ]),
        "pg_settings" => {
            for (sname, value, desc) in cx.env.session.all_settings() {
                let vartype = if matches!(value.as_str(), "on" | "off") {
                    "bool"
                } else if value.parse::<i64>().is_ok() {
                    "integer"
                } else if value.parse::<f64>().is_ok() {
                    "real"
                } else {
                    "string"
                };
                out.push(vec![
                    ("name", text(sname)),
                    ("setting", text(value.clone())),
                    ("category", text("Tandem")),
                    ("short_desc", text(desc)),
                    ("context", text("user")),
                    ("vartype", text(vartype)),
                    ("source", text("default")),
                    ("boot_val", text(value.clone())),
                    ("reset_val", text(value)),
                    ("pending_restart", Value::Bool(false)),
                ]);
            }
        }
        "pg_am" => {
            for (o, amname, kind) in [
                (HEAP_AM, "heap", 't'),
                (BTREE_AM, "btree", 'i'),
                (405, "hash", 'i'),
                (783, "gist", 'i'),
                (2742, "gin", 'i'),
                (4000, "spgist", 'i'),
                (3580, "brin", 'i'),
            ] {
                out.push(vec![("oid", oid(o)), ("amname", text(amname)), ("amtype", ch(kind))]);
            }
        }
        "pg_collation" => {
            for (o, collname, provider, locale) in [
                (DEFAULT_COLLATION, "default", 'd', None),
                (950, "C", 'c', Some("C")),
                (951, "POSIX", 'c', Some("POSIX")),
            ] {
                let locale = locale.map(text).unwrap_or(Value::Null);
                out.push(vec![
                    ("oid", oid(o)),
                    ("collname", text(collname)),
                    ("collnamespace", oid(PG_CATALOG)),
                    ("collowner", oid(BOOTSTRAP_SUPERUSER)),
                    ("collprovider", ch(provider)),
                    ("collisdeterministic", Value::Bool(true)),
                    ("collencoding", Value::Int4(-1)),
                    ("collcollate", locale.clone()),
                    ("collctype", locale),
                ]);
            }
        }
        "pg_tablespace" => {
            for (o, spcname) in [(DEFAULT_TABLESPACE, "pg_default"), (1664, "pg_global")] {
                out.push(vec![("oid", oid(o)), ("spcname", text(spcname)), ("spcowner", oid(BOOTSTRAP_SUPERUSER))]);
            }
        }
        "pg_language" => {
            for (o, lanname, pl) in [(12, "internal", false), (13, "c", false), (14, "sql", true)] {
                out.push(vec![
                    ("oid", oid(o)),
                    ("lanname", text(lanname)),
                    ("lanowner", oid(BOOTSTRAP_SUPERUSER)),
                    ("lanpltrusted", Value::Bool(pl)),
                ]);
            }
        }
        "pg_description" => {
            for (o, class, description) in descriptions() {
                let classoid =
                    crate::pg_catalog::VirtualTable::by_name(PG_CATALOG, class).map(|v| v.oid()).unwrap_or(0);
                out.push(vec![
                    ("objoid", oid(o)),
                    ("classoid", oid(classoid)),
                    ("objsubid", Value::Int4(0)),
                    ("description", text(description)),
                ]);
            }
        }
        "pg_stat_activity" => out.push(vec![
            ("datid", oid(DATABASE_OID)),
            ("datname", text(cx.env.session.database())),
            ("pid", Value::Int4(cx.env.session.backend_pid())),
            ("usesysid", oid(BOOTSTRAP_SUPERUSER)),
            ("usename", text(user)),
            ("application_name", text(cx.env.session.setting("application_name").unwrap_or_default())),
            ("state", text("active")),
            ("backend_type", text("client backend")),
        ]),
        _ => {}
    }
    Ok(())
}
