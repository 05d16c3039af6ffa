//! JSON functions: `to_json`/`to_jsonb`, `array_to_json`, `json[b]_build_object`,
//! `json[b]_build_array`, `json[b]_object`, `json[b]_array_length`, `json[b]_typeof`,
//! `json[b]_extract_path[_text]`, `jsonb_set`, `jsonb_insert`, `json[b]_strip_nulls`,
//! `jsonb_pretty`.
//!
//! `json` results are built as text in PostgreSQL's layouts (`{"a" : 1, "b" : 2}` for
//! `json_build_object`, `[1, 2]` for `json_build_array`, `[1,2]` for `to_json` of an array);
//! `jsonb` results are values whose text form is the jsonb output.

use serde_json::{Map, Value as J};

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::jsonutil::{self as ju, Raw, SetMode};
use crate::functions::resolve::{p, Param};
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bad_arg, boolean, jsonb, text, text_array, text_value};
use crate::functions::FnContext;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Int4, Json, Jsonb, Text};
    r.add("to_json", [Param::AnyElement], Json.clone(), to_json).stable();
    r.add("to_jsonb", [Param::AnyElement], Jsonb.clone(), to_jsonb).stable();
    r.add("array_to_json", [Param::AnyArray], Json.clone(), to_json).stable();
    r.add("array_to_json", [Param::AnyArray, p::BOOL], Json.clone(), array_to_json_pretty).stable();
    r.add("json_build_object", [], Json.clone(), |_, _| Ok(Value::Json("{}".into())));
    r.add("json_build_object", [Param::Any], Json.clone(), json_build_object).variadic().nonstrict().stable();
    r.add("jsonb_build_object", [], Jsonb.clone(), |_, _| Ok(Value::Jsonb(J::Object(Map::new()))));
    r.add("jsonb_build_object", [Param::Any], Jsonb.clone(), jsonb_build_object).variadic().nonstrict().stable();
    r.add("json_build_array", [], Json.clone(), |_, _| Ok(Value::Json("[]".into())));
    r.add("json_build_array", [Param::Any], Json.clone(), json_build_array).variadic().nonstrict().stable();
    r.add("jsonb_build_array", [], Jsonb.clone(), |_, _| Ok(Value::Jsonb(J::Array(Vec::new()))));
    r.add("jsonb_build_array", [Param::Any], Jsonb.clone(), jsonb_build_array).variadic().nonstrict().stable();
    r.add("json_object", [p::text_array()], Json.clone(), json_object);
    r.add("json_object", [p::text_array(), p::text_array()], Json.clone(), json_object);
    r.add("jsonb_object", [p::text_array()], Jsonb.clone(), jsonb_object);
    r.add("jsonb_object", [p::text_array(), p::text_array()], Jsonb.clone(), jsonb_object);
    r.add("json_array_length", [p::JSON], Int4.clone(), json_array_length);
    r.add("jsonb_array_length", [p::JSONB], Int4, jsonb_array_length);
    r.add("json_typeof", [p::JSON], Text.clone(), |a, _| Ok(text_value(Raw::new(text(a, 0)?).kind().name())));
    r.add("jsonb_typeof", [p::JSONB], Text.clone(), |a, _| Ok(text_value(ju::jsonb_kind(jsonb(a, 0)?).name())));
    r.add("json_extract_path", [p::JSON, p::TEXT], Json.clone(), json_extract_path).variadic();
    r.add("json_extract_path_text", [p::JSON, p::TEXT], Text.clone(), json_extract_path_text).variadic();
    r.add("jsonb_extract_path", [p::JSONB, p::TEXT], Jsonb.clone(), jsonb_extract_path).variadic();
    r.add("jsonb_extract_path_text", [p::JSONB, p::TEXT], Text.clone(), jsonb_extract_path_text).variadic();
    r.add("jsonb_set", [p::JSONB, p::text_array(), p::JSONB], Jsonb.clone(), jsonb_set);
    r.add("jsonb_set", [p::JSONB, p::text_array(), p::JSONB, p::BOOL], Jsonb.clone(), jsonb_set);
    r.add("jsonb_insert", [p::JSONB, p::text_array(), p::JSONB], Jsonb.clone(), jsonb_insert);
    r.add("jsonb_insert", [p::JSONB, p::text_array(), p::JSONB, p::BOOL], Jsonb.clone(), jsonb_insert);
    r.add("jsonb_strip_nulls", [p::JSONB], Jsonb, |a, _| Ok(Value::Jsonb(ju::jsonb_strip_nulls(jsonb(a, 0)?))));
    r.add("json_strip_nulls", [p::JSON], Json, |a, _| ju::json_strip_nulls(text(a, 0)?).map(Value::Json));
    r.add("jsonb_pretty", [p::JSONB], Text, |a, _| Ok(text_value(ju::jsonb_pretty(jsonb(a, 0)?))));
}

fn to_json(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Json(ju::to_json_text(arg(args, 0)?, ctx)))
}

fn array_to_json_pretty(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let items = crate::functions::util::array(args, 0)?;
    if !boolean(args, 1)? {
        return to_json(args, ctx);
    }
    let parts: Vec<String> = items.iter().map(|v| ju::to_json_text(v, ctx)).collect();
    Ok(Value::Json(format!("[{}]", parts.join(",\n "))))
}

fn to_jsonb(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    ju::to_jsonb(arg(args, 0)?, ctx).map(Value::Jsonb)
}

fn check_pairs(args: &[Value], func: &str) -> Result<()> {
    if !args.len().is_multiple_of(2) {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            "argument list must have even number of elements",
        )
        .hint(format!("The arguments of {func}() must consist of alternating keys and values.")));
    }
    Ok(())
}

fn object_key(args: &[Value], i: usize, ctx: &FnContext<'_>) -> Result<String> {
    match arg(args, i)? {
        Value::Null => {
            Err(SqlError::new(sqlstate::NULL_VALUE_NOT_ALLOWED, format!("argument {} cannot be null", i + 1))
                .hint("Object keys should be text."))
        }
        v => ju::key_text(v, ctx),
    }
}

fn json_build_object(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    check_pairs(args, "json_build_object")?;
    let mut parts = Vec::with_capacity(args.len() / 2);
    for i in (0..args.len()).step_by(2) {
        let key = object_key(args, i, ctx)?;
        parts.push(format!("{} : {}", ju::escape(&key), ju::to_json_text(arg(args, i + 1)?, ctx)));
    }
    Ok(Value::Json(format!("{{{}}}", parts.join(", "))))
}

fn jsonb_build_object(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    check_pairs(args, "jsonb_build_object")?;
    let mut m = Map::new();
    for i in (0..args.len()).step_by(2) {
        let key = object_key(args, i, ctx)?;
        m.insert(key, ju::to_jsonb(arg(args, i + 1)?, ctx)?);
    }
    Ok(Value::Jsonb(J::Object(m)))
}

fn json_build_array(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let parts: Vec<String> = args.iter().map(|v| ju::to_json_text(v, ctx)).collect();
    Ok(Value::Json(format!("[{}]", parts.join(", "))))
}

fn jsonb_build_array(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Jsonb(J::Array(args.iter().map(|v| ju::to_jsonb(v, ctx)).collect::<Result<_>>()?)))
}

/// The (key, value) pairs of `json_object(text[])` or `json_object(keys, values)`.
fn object_pairs(args: &[Value]) -> Result<Vec<(String, Option<String>)>> {
    let first = text_array(args, 0)?;
    let pairs: Vec<(Option<&str>, Option<&str>)> = if args.len() > 1 {
        let values = text_array(args, 1)?;
        if values.len() != first.len() {
            return Err(SqlError::new(sqlstate::ARRAY_SUBSCRIPT_ERROR, "mismatched array dimensions"));
        }
        first.into_iter().zip(values).collect()
    } else {
        if first.len() % 2 != 0 {
            return Err(SqlError::new(sqlstate::ARRAY_SUBSCRIPT_ERROR, "array must have even number of elements"));
        }
        first.chunks(2).map(|c| (c[0], c[1])).collect()
    };
    pairs
        .into_iter()
        .map(|(k, v)| match k {
            Some(k) => Ok((k.to_string(), v.map(str::to_string))),
            None => Err(SqlError::new(sqlstate::NULL_VALUE_NOT_ALLOWED, "null value not allowed for object key")),
        })
        .collect()
}

fn json_object(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let parts: Vec<String> = object_pairs(args)?
        .into_iter()
        .map(|(k, v)| format!("{} : {}", ju::escape(&k), v.map(|v| ju::escape(&v)).unwrap_or_else(|| "null".into())))
        .collect();
    Ok(Value::Json(format!("{{{}}}", parts.join(", "))))
}

fn jsonb_object(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let m: Map<String, J> =
        object_pairs(args)?.into_iter().map(|(k, v)| (k, v.map(J::String).unwrap_or(J::Null))).collect();
    Ok(Value::Jsonb(J::Object(m)))
}

fn length_error(kind: ju::Kind) -> SqlError {
    let what = if kind == ju::Kind::Object { "a non-array" } else { "a scalar" };
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("cannot get array length of {what}"))
}

fn json_array_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let r = Raw::new(text(args, 0)?);
    match r.elements()? {
        Some(e) => Ok(Value::Int4(e.len() as i32)),
        None => Err(length_error(r.kind())),
    }
}

fn jsonb_array_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let j = jsonb(args, 0)?;
    match j {
        J::Array(a) => Ok(Value::Int4(a.len() as i32)),
        other => Err(length_error(ju::jsonb_kind(other))),
    }
}

fn variadic_path(args: &[Value]) -> Result<Vec<Option<&str>>> {
    args.iter()
        .enumerate()
        .skip(1)
        .map(|(i, v)| match v {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.as_str())),
            _ => Err(bad_arg(i)),
        })
        .collect()
}

fn json_extract_path(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let r = Raw::new(text(args, 0)?).path(&variadic_path(args)?)?;
    Ok(r.map(|s| Value::Json(s.to_string())).unwrap_or(Value::Null))
}

fn json_extract_path_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Raw::new(text(args, 0)?).path(&variadic_path(args)?)?.map(ju::raw_as_text).unwrap_or(Value::Null))
}

fn jsonb_extract_path(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(ju::jsonb_path(jsonb(args, 0)?, &variadic_path(args)?).map(|j| Value::Jsonb(j.clone())).unwrap_or(Value::Null))
}

fn jsonb_extract_path_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(ju::jsonb_path(jsonb(args, 0)?, &variadic_path(args)?).map(ju::jsonb_as_text).unwrap_or(Value::Null))
}

fn flag(args: &[Value], i: usize, default: bool) -> Result<bool> {
    if args.len() > i {
        boolean(args, i)
    } else {
        Ok(default)
    }
}

fn jsonb_set(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mode = SetMode::Set { create_missing: flag(args, 3, true)? };
    ju::jsonb_set_path(jsonb(args, 0)?, &text_array(args, 1)?, jsonb(args, 2)?, mode).map(Value::Jsonb)
}

fn jsonb_insert(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mode = SetMode::Insert { after: flag(args, 3, false)? };
    ju::jsonb_set_path(jsonb(args, 0)?, &text_array(args, 1)?, jsonb(args, 2)?, mode).map(Value::Jsonb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, i, null, t, text_of};

    fn js(s: &str) -> (Value, DataType) {
        (Value::Json(s.into()), DataType::Json)
    }

    fn jb(s: &str) -> (Value, DataType) {
        (Value::Jsonb(ju::parse(s).unwrap()), DataType::Jsonb)
    }

    fn out(r: Result<Value>) -> String {
        match r {
            Ok(Value::Json(s)) => s,
            Ok(Value::Jsonb(j)) => ju::jsonb_text(&j),
            other => text_of(other),
        }
    }

    fn arr(items: &[Option<&str>]) -> (Value, DataType) {
        (
            Value::Array(items.iter().map(|s| s.map(|s| Value::Text(s.into())).unwrap_or(Value::Null)).collect()),
            DataType::Array(Box::new(DataType::Text)),
        )
    }

    #[test]
    fn builders() {
        assert_eq!(out(call("json_build_object", &[t("a"), i(1), t("b"), t("x")])), r#"{"a" : 1, "b" : "x"}"#);
        assert_eq!(out(call("json_build_object", &[])), "{}");
        assert_eq!(
            out(call("json_build_object", &[t("a")])),
            "ERROR 22023: argument list must have even number of elements"
        );
        assert_eq!(
            out(call("json_build_object", &[null(DataType::Text), i(1)])),
            "ERROR 22004: argument 1 cannot be null"
        );
        assert_eq!(out(call("json_build_object", &[i(1), null(DataType::Int4)])), r#"{"1" : null}"#);
        assert_eq!(
            out(call("jsonb_build_object", &[t("b"), i(1), t("a"), (Value::Bool(true), DataType::Bool)])),
            r#"{"a": true, "b": 1}"#
        );
        assert_eq!(out(call("json_build_array", &[i(1), t("a"), null(DataType::Text)])), r#"[1, "a", null]"#);
        assert_eq!(out(call("jsonb_build_array", &[i(1), js(r#"{"x":2}"#)])), r#"[1, {"x": 2}]"#);
        assert_eq!(out(call("to_json", &[t("he said \"hi\"")])), r#""he said \"hi\"""#);
        let ints = (Value::Array(vec![Value::Int4(1), Value::Int4(2)]), DataType::Array(Box::new(DataType::Int4)));
        assert_eq!(out(call("to_json", std::slice::from_ref(&ints))), "[1,2]");
        assert_eq!(out(call("array_to_json", std::slice::from_ref(&ints))), "[1,2]");
        assert_eq!(out(call("to_jsonb", &[ints])), "[1, 2]");
        assert_eq!(
            out(call("to_jsonb", &[(Value::Numeric("1.50".parse().unwrap()), DataType::Numeric(None))])),
            "1.50"
        );
        assert_eq!(out(call("to_json", &[(Value::Float8(f64::NAN), DataType::Float8)])), r#""NaN""#);
        assert_eq!(
            out(call("json_object", &[arr(&[Some("a"), Some("1"), Some("b"), None])])),
            r#"{"a" : "1", "b" : null}"#
        );
        assert_eq!(
            out(call("json_object", &[arr(&[Some("a")])])),
            "ERROR 2202E: array must have even number of elements"
        );
        assert_eq!(
            out(call("json_object", &[arr(&[Some("a"), Some("b")]), arr(&[Some("1"), Some("2")])])),
            r#"{"a" : "1", "b" : "2"}"#
        );
        assert_eq!(
            out(call("jsonb_object", &[arr(&[None, Some("1")])])),
            "ERROR 22004: null value not allowed for object key"
        );
    }

    #[test]
    fn inspection_and_paths() {
        assert_eq!(call("json_array_length", &[js("[1,2,3,{\"f1\":1,\"f2\":[5,6]},4]")]).unwrap().as_i64(), Some(5));
        assert_eq!(out(call("json_array_length", &[js("{}")])), "ERROR 22023: cannot get array length of a non-array");
        assert_eq!(out(call("jsonb_array_length", &[jb("1")])), "ERROR 22023: cannot get array length of a scalar");
        assert_eq!(out(call("json_typeof", &[js(" -123.4")])), "number");
        assert_eq!(out(call("jsonb_typeof", &[jb("null")])), "null");
        assert_eq!(out(call("json_typeof", &[js("true")])), "boolean");
        let doc = js(r#"{"f2":{"f3":1},"f4":{"f5":99,"f6":"foo"}}"#);
        assert_eq!(out(call("json_extract_path", &[doc.clone(), t("f4"), t("f6")])), r#""foo""#);
        assert_eq!(out(call("json_extract_path_text", &[doc.clone(), t("f4"), t("f6")])), "foo");
        assert_eq!(out(call("json_extract_path_text", &[doc, t("f4"), null(DataType::Text)])), "<NULL>");
        let bdoc = jb(r#"{"f2":{"f3":1},"f4":{"f5":99,"f6":"foo"}}"#);
        assert_eq!(out(call("jsonb_extract_path", &[bdoc.clone(), t("f4")])), r#"{"f5": 99, "f6": "foo"}"#);
        assert_eq!(out(call("jsonb_extract_path_text", &[bdoc, t("f2"), t("f3")])), "1");
    }

    #[test]
    fn modification() {
        let path = |p: &[&str]| arr(&p.iter().map(|s| Some(*s)).collect::<Vec<_>>());
        let r = call(
            "jsonb_set",
            &[
                jb(r#"[{"f1":1,"f2":null},2,null,3]"#),
                path(&["0", "f1"]),
                jb("[2,3,4]"),
                (Value::Bool(false), DataType::Bool),
            ],
        );
        assert_eq!(out(r), r#"[{"f1": [2, 3, 4], "f2": null}, 2, null, 3]"#);
        let r = call("jsonb_set", &[jb(r#"[{"f1":1,"f2":null},2]"#), path(&["0", "f3"]), jb("[2,3,4]")]);
        assert_eq!(out(r), r#"[{"f1": 1, "f2": null, "f3": [2, 3, 4]}, 2]"#);
        let r = call("jsonb_insert", &[jb(r#"{"a": [0,1,2]}"#), path(&["a", "1"]), jb(r#""new_value""#)]);
        assert_eq!(out(r), r#"{"a": [0, "new_value", 1, 2]}"#);
        let r = call(
            "jsonb_insert",
            &[jb(r#"{"a": [0,1,2]}"#), path(&["a", "1"]), jb(r#""new_value""#), (Value::Bool(true), DataType::Bool)],
        );
        assert_eq!(out(r), r#"{"a": [0, 1, "new_value", 2]}"#);
        assert_eq!(
            out(call("jsonb_strip_nulls", &[jb(r#"[{"f1":1, "f2":null}, 2, null, 3]"#)])),
            r#"[{"f1": 1}, 2, null, 3]"#
        );
        assert_eq!(
            out(call("json_strip_nulls", &[js(r#"[{"f1":1, "f2":null}, 2, null, 3]"#)])),
            r#"[{"f1":1},2,null,3]"#
        );
        assert_eq!(
            out(call("jsonb_pretty", &[jb(r#"[{"f1":1,"f2":null}, 2]"#)])),
            "[\n    {\n        \"f1\": 1,\n        \"f2\": null\n    },\n    2\n]"
        );
    }
}
