//! `json` and `jsonb` text I/O.
//!
//! `json` keeps the text as entered, once validated. `jsonb` is a [`serde_json::Value`] whose
//! numbers (serde_json's `arbitrary_precision`) hold PostgreSQL numeric text: input normalizes
//! them as `numeric_in`/`numeric_out` would (`1e2` is `100`, `1.50` stays `1.50`), and output
//! prints them the same way, so values built elsewhere print correctly too. Output follows
//! `JsonbToCString`: `{"a": 1, "b": [1, 2]}`, object keys ordered by length, then bytes.
//!
//! Deviation: serde_json rejects nesting deeper than 128 levels, which PostgreSQL accepts.

use std::cmp::Ordering;

use serde_json::{Number, Value as Json};

use crate::error::{sqlstate, Result, SqlError};
use crate::types::decimal::{Digits, ParseError};

fn invalid_json(e: &serde_json::Error) -> SqlError {
    let detail = if e.is_eof() {
        "The input string ended unexpectedly.".to_string()
    } else {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let mut chars = msg.chars();
        match chars.next() {
            Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
            None => msg,
        }
    };
    SqlError::new(sqlstate::INVALID_JSON_TEXT, "invalid input syntax for type json").detail(detail)
}

/// `json_in`: validates, keeps the text.
pub fn parse_json(input: &str) -> Result<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(input).map_err(|e| invalid_json(&e))?;
    Ok(input.to_string())
}

/// `jsonb_in`: parses, rejecting `\u0000` (which `jsonb` cannot store) and normalizing
/// numbers to numeric text.
pub fn parse_jsonb(input: &str) -> Result<Json> {
    let mut v: Json = serde_json::from_str(input).map_err(|e| invalid_json(&e))?;
    normalize(&mut v)?;
    Ok(v)
}

fn check_string(s: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(SqlError::new(sqlstate::UNTRANSLATABLE_CHARACTER, "unsupported Unicode escape sequence")
            .detail("\\u0000 cannot be converted to text."));
    }
    Ok(())
}

/// PostgreSQL's numeric text for a JSON number (`1E2` → `100`).
fn normalize_number(n: &Number) -> Result<Number> {
    let text = n.to_string();
    let digits = match Digits::parse(&text) {
        Ok(d) => d,
        Err(ParseError::Overflow) => return Err(crate::types::decimal::numeric_overflow()),
        Err(ParseError::Syntax) => return Err(SqlError::invalid_input("numeric", &text)),
    };
    let normalized = digits.to_text();
    if normalized == text {
        return Ok(n.clone());
    }
    normalized.parse().map_err(|_| SqlError::invalid_input("numeric", &text))
}

fn normalize(v: &mut Json) -> Result<()> {
    match v {
        Json::Number(n) => *n = normalize_number(n)?,
        Json::String(s) => check_string(s)?,
        Json::Array(items) => items.iter_mut().try_for_each(normalize)?,
        Json::Object(map) => {
            for (k, item) in map.iter_mut() {
                check_string(k)?;
                normalize(item)?;
            }
        }
        Json::Null | Json::Bool(_) => {}
    }
    Ok(())
}

/// The order of keys in a `jsonb` object: shorter first, then by bytes.
pub(crate) fn key_order(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// An object's entries in `jsonb` key order.
pub(crate) fn sorted_entries(map: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| key_order(a.0, b.0));
    entries
}

/// `jsonb_out`.
pub fn format_jsonb(v: &Json) -> String {
    let mut out = String::new();
    write_jsonb(v, &mut out);
    out
}

fn write_jsonb(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            let text = n.to_string();
            match Digits::parse(&text) {
                Ok(d) => out.push_str(&d.to_text()),
                Err(_) => out.push_str(&text),
            }
        }
        Json::String(s) => escape_json(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_jsonb(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, item)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                escape_json(k, out);
                out.push_str(": ");
                write_jsonb(item, out);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string literal, escaped as PostgreSQL's `escape_json` does.
pub fn escape_json(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `jsonb_typeof`: `object`, `array`, `string`, `number`, `boolean` or `null`.
pub fn jsonb_typeof(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The word PostgreSQL uses in `cannot cast jsonb X to type Y`.
pub(crate) fn jsonb_cast_name(v: &Json) -> &'static str {
    match v {
        Json::Number(_) => "numeric",
        other => jsonb_typeof(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> String {
        format_jsonb(&parse_jsonb(s).unwrap())
    }

    #[test]
    fn jsonb_output_format() {
        assert_eq!(round(r#"{"b": [1, 2], "a": 1}"#), r#"{"a": 1, "b": [1, 2]}"#);
        assert_eq!(
            round(r#"{"aa":1,"b":2,"c":{"zz":null,"y":true}}"#),
            r#"{"b": 2, "c": {"y": true, "zz": null}, "aa": 1}"#
        );
        assert_eq!(
            round("[1.0, 1e2, -0, 1.50e1, 12345678901234567890123456789012345]"),
            "[1.0, 100, 0, 15.0, 12345678901234567890123456789012345]"
        );
        assert_eq!(round(r#""a\"b\\c\nd\u0001é/""#), r#""a\"b\\c\nd\u0001é/""#);
        assert_eq!(round(r#"{"a":1,"a":2}"#), r#"{"a": 2}"#);
        assert_eq!(round(" [ ] "), "[]");
        assert_eq!(round("{}"), "{}");
        assert_eq!(round("null"), "null");
        assert_eq!(round("\"\\ud83d\\ude00\""), "\"😀\"");
    }

    #[test]
    fn errors() {
        let e = parse_jsonb("{").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type json"));
        assert_eq!(e.detail.as_deref(), Some("The input string ended unexpectedly."));
        assert!(parse_jsonb("[1,]").is_err());
        assert!(parse_jsonb("01").is_err());
        assert!(parse_jsonb("\"\\ud800\"").is_err());
        assert!(parse_json("{\"a\":}").is_err());
        let e = parse_jsonb("\"\\u0000\"").unwrap_err();
        assert_eq!(e.code, "22P05");
        assert_eq!(parse_json("\"\\u0000\"").unwrap(), "\"\\u0000\"");
        assert!(parse_jsonb("1e1000000").is_err());
    }

    #[test]
    fn json_keeps_text() {
        assert_eq!(parse_json(r#" {"b":1,  "a":2} "#).unwrap(), r#" {"b":1,  "a":2} "#);
        assert_eq!(jsonb_typeof(&parse_jsonb("1").unwrap()), "number");
        assert_eq!(jsonb_cast_name(&parse_jsonb("1").unwrap()), "numeric");
    }
}
