//! System and miscellaneous functions: `gen_random_uuid`, session information
//! (`current_user`, `session_user`, `current_database`, `current_schema`, `current_schemas`,
//! `current_setting`), `pg_sleep`, `num_nulls`/`num_nonnulls` and `format_type`.
//!
//! Session facts come from [`crate::functions::FunctionEnv`]; these functions are stable.

use std::time::Duration;

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::{p, Param};
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, boolean, float, int, interval, text, text_value};
use crate::functions::FnContext;
use crate::types::datetime::USECS_PER_DAY;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Int4, Name, Text, Void};
    r.add("gen_random_uuid", [], DataType::Uuid, gen_random_uuid).volatile();
    for name in ["current_user", "session_user", "user", "current_role"] {
        r.add(name, [], Name.clone(), |_, ctx| Ok(text_value(ctx.env.current_user()))).stable();
    }
    for name in ["current_database", "current_catalog"] {
        r.add(name, [], Name.clone(), |_, ctx| Ok(text_value(ctx.env.current_database()))).stable();
    }
    r.add("current_schema", [], Name.clone(), |_, ctx| {
        Ok(ctx.env.current_schema().map(text_value).unwrap_or(Value::Null))
    })
    .stable();
    r.add("current_schemas", [p::BOOL], DataType::Array(Box::new(Name)), current_schemas).stable();
    r.add("current_setting", [p::TEXT], Text.clone(), current_setting).stable();
    r.add("current_setting", [p::TEXT, p::BOOL], Text.clone(), current_setting).stable();
    r.add("pg_sleep", [p::FLOAT8], Void.clone(), pg_sleep).volatile();
    r.add("pg_sleep_for", [p::INTERVAL], Void, pg_sleep_for).volatile();
    r.add("num_nulls", [Param::Any], Int4.clone(), |a, _| {
        Ok(Value::Int4(a.iter().filter(|v| v.is_null()).count() as i32))
    })
    .variadic()
    .nonstrict();
    r.add("num_nonnulls", [Param::Any], Int4, |a, _| Ok(Value::Int4(a.iter().filter(|v| !v.is_null()).count() as i32)))
        .variadic()
        .nonstrict();
    r.add("format_type", [Param::T(DataType::Oid), p::INT4], Text, format_type).nonstrict().stable();
}

fn gen_random_uuid(_: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Uuid(uuid::Uuid::new_v4().into_bytes()))
}

fn current_schemas(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let mut v = Vec::new();
    if boolean(args, 0)? {
        v.push(text_value("pg_catalog"));
    }
    if let Some(s) = ctx.env.current_schema() {
        v.push(text_value(s));
    }
    Ok(Value::Array(v))
}

fn current_setting(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let name = text(args, 0)?;
    let missing_ok = args.len() > 1 && boolean(args, 1)?;
    match ctx.env.setting(&name.to_lowercase()) {
        Some(v) => Ok(text_value(v)),
        None if missing_ok => Ok(Value::Null),
        None => {
            Err(SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("unrecognized configuration parameter \"{name}\"")))
        }
    }
}

/// Longest stretch `pg_sleep` sleeps before it checks for a cancel or a statement timeout.
const SLEEP_SLICE: Duration = Duration::from_millis(10);

/// Sleeps `secs` seconds, ending early with 57014 when the statement is cancelled or times
/// out, as PostgreSQL's `pg_sleep` does.
fn sleep_secs(secs: f64, ctx: &FnContext<'_>) -> Result<()> {
    if !(secs > 0.0 && secs.is_finite()) {
        return ctx.env.check_cancel();
    }
    let until = std::time::Instant::now() + Duration::from_secs_f64(secs.min(1e9));
    loop {
        ctx.env.check_cancel()?;
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(SLEEP_SLICE));
    }
}

fn pg_sleep(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    sleep_secs(float(args, 0)?, ctx)?;
    Ok(Value::Null)
}

fn pg_sleep_for(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let iv = interval(args, 0)?;
    let micros = (f64::from(iv.months) * 30.0 + f64::from(iv.days)) * USECS_PER_DAY as f64 + iv.micros as f64;
    sleep_secs(micros / 1e6, ctx)?;
    Ok(Value::Null)
}

fn format_type(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    if arg(args, 0)?.is_null() {
        return Ok(Value::Null);
    }
    let oid = u32::try_from(int(args, 0)?).unwrap_or(0);
    let typmod = match arg(args, 1)? {
        Value::Null => -1,
        _ => int(args, 1)? as i32,
    };
    Ok(text_value(DataType::from_oid(oid, typmod).map(|t| t.sql_name()).unwrap_or_else(|| "???".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, i, null, t, text_of};

    #[test]
    fn session_information() {
        assert_eq!(text_of(call("current_user", &[])), "alice");
        assert_eq!(text_of(call("session_user", &[])), "alice");
        assert_eq!(text_of(call("current_database", &[])), "db");
        assert_eq!(text_of(call("current_schema", &[])), "public");
        assert_eq!(text_of(call("current_setting", &[t("work_mem")])), "4MB");
        assert_eq!(text_of(call("current_setting", &[t("WORK_MEM")])), "4MB");
        assert_eq!(
            text_of(call("current_setting", &[t("nope")])),
            "ERROR 42704: unrecognized configuration parameter \"nope\""
        );
        assert_eq!(text_of(call("current_setting", &[t("nope"), (Value::Bool(true), DataType::Bool)])), "<NULL>");
        match call("current_schemas", &[(Value::Bool(true), DataType::Bool)]) {
            Ok(Value::Array(v)) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn misc() {
        let a = call("gen_random_uuid", &[]).unwrap();
        let b = call("gen_random_uuid", &[]).unwrap();
        match (a, b) {
            (Value::Uuid(x), Value::Uuid(y)) => {
                assert_ne!(x, y);
                assert_eq!(x[6] >> 4, 4);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(call("num_nulls", &[i(1), null(DataType::Int4), t("a")]).unwrap().as_i64(), Some(1));
        assert_eq!(call("num_nonnulls", &[i(1), null(DataType::Int4), t("a")]).unwrap().as_i64(), Some(2));
        let start = std::time::Instant::now();
        assert!(call("pg_sleep", &[(Value::Float8(0.02), DataType::Float8)]).unwrap().is_null());
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert!(call("pg_sleep", &[(Value::Float8(-1.0), DataType::Float8)]).unwrap().is_null());
        assert_eq!(text_of(call("format_type", &[(Value::Oid(1043), DataType::Oid), i(24)])), "character varying(20)");
        assert_eq!(text_of(call("format_type", &[(Value::Oid(23), DataType::Oid), null(DataType::Int4)])), "integer");
        assert_eq!(text_of(call("format_type", &[(Value::Oid(99999), DataType::Oid), i(-1)])), "???");
    }
}
