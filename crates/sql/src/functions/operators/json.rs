//! JSON operators: `->`, `->>`, `#>`, `#>>` on json and jsonb; jsonb `@>`, `<@`, `?`, `?|`,
//! `?&`, `||` and `-`.

use crate::error::Result;
use crate::functions::jsonutil::{self as ju, Raw};
use crate::functions::util::{arg, bad_arg, int, jsonb, text, text_array};
use crate::functions::FnContext;
use crate::types::Value;

fn json_text(args: &[Value], i: usize) -> Result<&str> {
    match arg(args, i)? {
        Value::Json(s) => Ok(s),
        _ => Err(bad_arg(i)),
    }
}

fn raw_json(r: Option<&str>) -> Value {
    r.map(|s| Value::Json(s.to_string())).unwrap_or(Value::Null)
}

fn raw_text(r: Option<&str>) -> Value {
    r.map(ju::raw_as_text).unwrap_or(Value::Null)
}

/// `json -> text`.
pub(crate) fn json_get_key(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_json(Raw::new(json_text(args, 0)?).field(text(args, 1)?)?))
}

/// `json -> integer`.
pub(crate) fn json_get_index(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_json(Raw::new(json_text(args, 0)?).element(int(args, 1)?)?))
}

/// `json ->> text`.
pub(crate) fn json_get_key_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_text(Raw::new(json_text(args, 0)?).field(text(args, 1)?)?))
}

/// `json ->> integer`.
pub(crate) fn json_get_index_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_text(Raw::new(json_text(args, 0)?).element(int(args, 1)?)?))
}

/// `json #> text[]`.
pub(crate) fn json_path(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_json(Raw::new(json_text(args, 0)?).path(&text_array(args, 1)?)?))
}

/// `json #>> text[]`.
pub(crate) fn json_path_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(raw_text(Raw::new(json_text(args, 0)?).path(&text_array(args, 1)?)?))
}

fn opt_jsonb(v: Option<&serde_json::Value>) -> Value {
    v.map(|j| Value::Jsonb(j.clone())).unwrap_or(Value::Null)
}

fn opt_jsonb_text(v: Option<&serde_json::Value>) -> Value {
    v.map(ju::jsonb_as_text).unwrap_or(Value::Null)
}

/// `jsonb -> text`.
pub(crate) fn jsonb_get_key(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let key = text(args, 1)?;
    Ok(opt_jsonb(jsonb(args, 0)?.as_object().and_then(|m| m.get(key))))
}

/// `jsonb -> integer`.
pub(crate) fn jsonb_get_index(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(opt_jsonb(ju::jsonb_index(jsonb(args, 0)?, int(args, 1)?)))
}

/// `jsonb ->> text`.
pub(crate) fn jsonb_get_key_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let key = text(args, 1)?;
    Ok(opt_jsonb_text(jsonb(args, 0)?.as_object().and_then(|m| m.get(key))))
}

/// `jsonb ->> integer`.
pub(crate) fn jsonb_get_index_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(opt_jsonb_text(ju::jsonb_index(jsonb(args, 0)?, int(args, 1)?)))
}

/// `jsonb #> text[]`.
pub(crate) fn jsonb_path(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(opt_jsonb(ju::jsonb_path(jsonb(args, 0)?, &text_array(args, 1)?)))
}

/// `jsonb #>> text[]`.
pub(crate) fn jsonb_path_text(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(opt_jsonb_text(ju::jsonb_path(jsonb(args, 0)?, &text_array(args, 1)?)))
}

/// `jsonb @> jsonb`.
pub(crate) fn jsonb_contains(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(ju::jsonb_contains(jsonb(args, 0)?, jsonb(args, 1)?)))
}

/// `jsonb <@ jsonb`.
pub(crate) fn jsonb_contained(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(ju::jsonb_contains(jsonb(args, 1)?, jsonb(args, 0)?)))
}

/// `jsonb ? text`.
pub(crate) fn jsonb_exists(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(ju::jsonb_exists(jsonb(args, 0)?, text(args, 1)?)))
}

/// `jsonb ?| text[]` (NULL keys are ignored).
pub(crate) fn jsonb_exists_any(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let j = jsonb(args, 0)?;
    Ok(Value::Bool(text_array(args, 1)?.into_iter().flatten().any(|k| ju::jsonb_exists(j, k))))
}

/// `jsonb ?& text[]` (NULL keys are ignored).
pub(crate) fn jsonb_exists_all(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let j = jsonb(args, 0)?;
    Ok(Value::Bool(text_array(args, 1)?.into_iter().flatten().all(|k| ju::jsonb_exists(j, k))))
}

/// `jsonb || jsonb`.
pub(crate) fn jsonb_concat(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Jsonb(ju::jsonb_concat(jsonb(args, 0)?, jsonb(args, 1)?)))
}

/// `jsonb - text`.
pub(crate) fn jsonb_delete_key(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    ju::jsonb_delete_key(jsonb(args, 0)?, text(args, 1)?).map(Value::Jsonb)
}

/// `jsonb - integer`.
pub(crate) fn jsonb_delete_index(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    ju::jsonb_delete_index(jsonb(args, 0)?, int(args, 1)?).map(Value::Jsonb)
}

/// `jsonb - text[]`.
pub(crate) fn jsonb_delete_keys(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mut j = jsonb(args, 0)?.clone();
    for k in text_array(args, 1)?.into_iter().flatten() {
        j = ju::jsonb_delete_key(&j, k)?;
    }
    Ok(Value::Jsonb(j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::utc;

    fn js(s: &str) -> Value {
        Value::Json(s.into())
    }

    fn jb(s: &str) -> Value {
        Value::Jsonb(ju::parse(s).unwrap())
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn path(p: &[&str]) -> Value {
        Value::Array(p.iter().map(|s| t(s)).collect())
    }

    #[test]
    fn json_extraction() {
        utc(|ctx| {
            let doc = js(r#"{"a": {"b": [10, "x", null]}, "s": "str"}"#);
            assert_eq!(json_get_key(&[doc.clone(), t("a")], ctx).unwrap().as_str(), Some(r#"{"b": [10, "x", null]}"#));
            assert_eq!(json_get_key_text(&[doc.clone(), t("s")], ctx).unwrap().as_str(), Some("str"));
            assert!(json_get_key(&[doc.clone(), t("zz")], ctx).unwrap().is_null());
            assert_eq!(json_path(&[doc.clone(), path(&["a", "b", "0"])], ctx).unwrap().as_str(), Some("10"));
            assert_eq!(json_path_text(&[doc.clone(), path(&["a", "b", "1"])], ctx).unwrap().as_str(), Some("x"));
            assert!(json_path_text(&[doc.clone(), path(&["a", "b", "2"])], ctx).unwrap().is_null());
            assert_eq!(json_get_index(&[js("[1,2,3]"), Value::Int4(-1)], ctx).unwrap().as_str(), Some("3"));
            assert_eq!(json_get_index_text(&[js(r#"["a"]"#), Value::Int4(0)], ctx).unwrap().as_str(), Some("a"));
            assert!(json_get_index(&[js(r#"{"a":1}"#), Value::Int4(0)], ctx).unwrap().is_null());
        });
    }

    #[test]
    fn jsonb_operators() {
        utc(|ctx| {
            let doc = jb(r#"{"a": {"b": [10, "x"]}, "n": null}"#);
            assert!(
                matches!(jsonb_get_key(&[doc.clone(), t("a")], ctx).unwrap(), Value::Jsonb(j) if j == ju::parse(r#"{"b":[10,"x"]}"#).unwrap())
            );
            assert_eq!(jsonb_get_key_text(&[doc.clone(), t("a")], ctx).unwrap().as_str(), Some(r#"{"b": [10, "x"]}"#));
            assert!(jsonb_get_key_text(&[doc.clone(), t("n")], ctx).unwrap().is_null());
            assert_eq!(jsonb_path_text(&[doc.clone(), path(&["a", "b", "-1"])], ctx).unwrap().as_str(), Some("x"));
            assert_eq!(jsonb_path_text(&[jb(r#""s""#), path(&[])], ctx).unwrap().as_str(), Some("s"));
            assert_eq!(jsonb_get_index_text(&[jb("[1,2]"), Value::Int4(1)], ctx).unwrap().as_str(), Some("2"));
            assert_eq!(jsonb_contains(&[doc.clone(), jb(r#"{"a":{"b":[10]}}"#)], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(jsonb_contained(&[jb(r#"{"a":{"b":[10]}}"#), doc.clone()], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(jsonb_exists(&[doc.clone(), t("n")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(jsonb_exists_any(&[doc.clone(), path(&["q", "a"])], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(jsonb_exists_all(&[doc.clone(), path(&["q", "a"])], ctx).unwrap().as_bool(), Some(false));
            assert!(
                matches!(jsonb_delete_keys(&[doc, path(&["a", "n"])], ctx).unwrap(), Value::Jsonb(j) if j == ju::parse("{}").unwrap())
            );
            assert!(
                matches!(jsonb_delete_index(&[jb("[1,2]"), Value::Int4(0)], ctx).unwrap(), Value::Jsonb(j) if j == ju::parse("[2]").unwrap())
            );
            assert_eq!(jsonb_delete_index(&[jb(r#"{"a":1}"#), Value::Int4(0)], ctx).unwrap_err().code, "22023");
        });
    }
}
