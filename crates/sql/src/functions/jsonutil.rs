//! JSON machinery shared by the JSON operators, functions and aggregates.
//!
//! * `json` values are text as written; PostgreSQL's `json` operators return sub-values
//!   verbatim (whitespace and key order kept), so [`Raw`] navigates the text and returns
//!   slices of it instead of re-serializing a parse.
//! * `jsonb` values are `serde_json::Value`s (numbers as numeric text); their text form is
//!   [`crate::types::text::format_jsonb`]'s, and [`jsonb_pretty`] writes the same key order
//!   (by length, then bytes) with `jsonb_pretty`'s layout.
//! * [`to_json_text`] and [`to_jsonb`] convert SQL values as `to_json`/`to_jsonb` do
//!   (timestamps in ISO 8601 with a `T`, non-finite floats as strings, arrays as JSON arrays).

use serde_json::{Map, Number, Value as J};

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::util::output_text;
use crate::functions::FnContext;
use crate::types::datetime::{
    date_to_ymd, time_to_hmsf, timestamp_to_fields, utc_offset_seconds, DATE_NEG_INFINITY, TIMESTAMP_NEG_INFINITY,
};
use crate::types::text::{escape_json, format_jsonb, parse_jsonb};
use crate::types::Value;

/// A JSON value located in `json` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number.
    Number,
    /// `true` / `false`.
    Bool,
    /// `null`.
    Null,
}

impl Kind {
    /// The name `json_typeof` gives.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Object => "object",
            Kind::Array => "array",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Bool => "boolean",
            Kind::Null => "null",
        }
    }
}

fn invalid_json() -> SqlError {
    SqlError::new(sqlstate::INVALID_JSON_TEXT, "invalid input syntax for type json")
}

/// A scanner over `json` text; all positions are byte offsets on char boundaries.
pub(crate) struct Raw<'a> {
    s: &'a str,
}

impl<'a> Raw<'a> {
    /// Wraps (already validated) `json` text.
    pub(crate) fn new(s: &'a str) -> Self {
        Raw { s }
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        let b = self.s.as_bytes();
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// The end of the value starting at `i` (after whitespace).
    fn value_end(&self, i: usize) -> Result<usize> {
        let b = self.s.as_bytes();
        let i = self.skip_ws(i);
        match b.get(i) {
            Some(b'{') | Some(b'[') => {
                let mut depth = 0usize;
                let mut j = i;
                while j < b.len() {
                    match b[j] {
                        b'"' => j = self.string_end(j)? - 1,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Ok(j + 1);
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                Err(invalid_json())
            }
            Some(b'"') => self.string_end(i),
            Some(_) => {
                let mut j = i;
                while j < b.len() && !matches!(b[j], b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                    j += 1;
                }
                Ok(j)
            }
            None => Err(invalid_json()),
        }
    }

    fn string_end(&self, i: usize) -> Result<usize> {
        let b = self.s.as_bytes();
        let mut j = i + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                b'"' => return Ok(j + 1),
                _ => j += 1,
            }
        }
        Err(invalid_json())
    }

    /// The whole value, trimmed.
    pub(crate) fn trimmed(&self) -> &'a str {
        self.s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    }

    /// The kind of the top-level value.
    pub(crate) fn kind(&self) -> Kind {
        match self.trimmed().as_bytes().first() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't') | Some(b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    /// The members of an object (raw key text with quotes, raw value text), or `None`.
    pub(crate) fn members(&self) -> Result<Option<Vec<(&'a str, &'a str)>>> {
        let t = self.trimmed();
        if !t.starts_with('{') {
            return Ok(None);
        }
        let inner = Raw::new(t);
        let mut out = Vec::new();
        let mut i = inner.skip_ws(1);
        if t.as_bytes().get(i) == Some(&b'}') {
            return Ok(Some(out));
        }
        loop {
            i = inner.skip_ws(i);
            let kend = inner.string_end(i)?;
            let key = &t[i..kend];
            i = inner.skip_ws(kend);
            if t.as_bytes().get(i) != Some(&b':') {
                return Err(invalid_json());
            }
            let vstart = inner.skip_ws(i + 1);
            let vend = inner.value_end(vstart)?;
            out.push((key, &t[vstart..vend]));
            i = inner.skip_ws(vend);
            match t.as_bytes().get(i) {
                Some(b',') => i += 1,
                Some(b'}') => return Ok(Some(out)),
                _ => return Err(invalid_json()),
            }
        }
    }

    /// The elements of an array (raw text), or `None`.
    pub(crate) fn elements(&self) -> Result<Option<Vec<&'a str>>> {
        let t = self.trimmed();
        if !t.starts_with('[') {
            return Ok(None);
        }
        let inner = Raw::new(t);
        let mut out = Vec::new();
        let mut i = inner.skip_ws(1);
        if t.as_bytes().get(i) == Some(&b']') {
            return Ok(Some(out));
        }
        loop {
            let vstart = inner.skip_ws(i);
            let vend = inner.value_end(vstart)?;
            out.push(&t[vstart..vend]);
            i = inner.skip_ws(vend);
            match t.as_bytes().get(i) {
                Some(b',') => i += 1,
                Some(b']') => return Ok(Some(out)),
                _ => return Err(invalid_json()),
            }
        }
    }

    /// The value of field `key` (the last one, if repeated).
    pub(crate) fn field(&self, key: &str) -> Result<Option<&'a str>> {
        Ok(self
            .members()?
            .and_then(|m| m.into_iter().rev().find(|(k, _)| decode_string(k).as_deref() == Some(key)).map(|(_, v)| v)))
    }

    /// Element `index` of an array (negative counts from the end).
    pub(crate) fn element(&self, index: i64) -> Result<Option<&'a str>> {
        Ok(self.elements()?.and_then(|e| {
            let i = if index < 0 { e.len() as i64 + index } else { index };
            usize::try_from(i).ok().and_then(|i| e.get(i).copied())
        }))
    }

    /// Follows a `#>` path: object keys, or array indexes written as integers.
    pub(crate) fn path(&self, path: &[Option<&str>]) -> Result<Option<&'a str>> {
        let mut cur: &'a str = self.trimmed();
        for p in path {
            let Some(p) = p else { return Ok(None) };
            let r = Raw::new(cur);
            let next = match r.kind() {
                Kind::Object => r.field(p)?,
                Kind::Array => match p.trim().parse::<i64>() {
                    Ok(i) => r.element(i)?,
                    Err(_) => None,
                },
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }
}

/// Decodes a raw JSON string literal (with quotes).
pub(crate) fn decode_string(raw: &str) -> Option<String> {
    serde_json::from_str::<String>(raw).ok()
}

/// The text `->>` gives for raw json: strings unescaped, `null` as SQL NULL, others verbatim.
pub(crate) fn raw_as_text(raw: &str) -> Value {
    let r = Raw::new(raw);
    match r.kind() {
        Kind::Null => Value::Null,
        Kind::String => decode_string(r.trimmed()).map(Value::Text).unwrap_or(Value::Null),
        _ => Value::Text(r.trimmed().to_string()),
    }
}

/// Parses `json` text into a jsonb value (duplicate keys: the last wins, as in jsonb).
pub(crate) fn parse(text: &str) -> Result<J> {
    parse_jsonb(text)
}

/// Writes `s` as a JSON string literal with PostgreSQL's escaping (`escape_json`).
pub(crate) fn escape_into(out: &mut String, s: &str) {
    escape_json(s, out);
}

/// `s` as a JSON string literal.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    escape_into(&mut out, s);
    out
}

/// Object keys in jsonb order: shorter first, then bytewise.
pub(crate) fn sorted_keys(m: &Map<String, J>) -> Vec<(&String, &J)> {
    let mut v: Vec<(&String, &J)> = m.iter().collect();
    v.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(b.0)));
    v
}

/// `jsonb_pretty`'s layout: one element per line, four spaces per level; an empty container
/// still gets its closing bracket on a new line, as PostgreSQL prints it.
fn write_pretty(out: &mut String, v: &J, level: usize) {
    let nl = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&"    ".repeat(level));
    };
    match v {
        J::Array(a) => {
            out.push('[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_pretty(out, e, level + 1);
            }
            nl(out, level);
            out.push(']');
        }
        J::Object(m) => {
            out.push('{');
            for (i, (k, e)) in sorted_keys(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                escape_into(out, k);
                out.push_str(": ");
                write_pretty(out, e, level + 1);
            }
            nl(out, level);
            out.push('}');
        }
        scalar => out.push_str(&format_jsonb(scalar)),
    }
}

/// The text output of a jsonb value (`{"a": 1, "b": [1, 2]}`).
pub(crate) fn jsonb_text(v: &J) -> String {
    format_jsonb(v)
}

/// `jsonb_pretty`: four-space indentation.
pub(crate) fn jsonb_pretty(v: &J) -> String {
    let mut out = String::new();
    write_pretty(&mut out, v, 0);
    out
}

/// The text `->>` gives for a jsonb value: strings unescaped, `null` as SQL NULL.
pub(crate) fn jsonb_as_text(v: &J) -> Value {
    match v {
        J::Null => Value::Null,
        J::String(s) => Value::Text(s.clone()),
        other => Value::Text(jsonb_text(other)),
    }
}

/// `jsonb_typeof`.
pub(crate) fn jsonb_kind(v: &J) -> Kind {
    match v {
        J::Null => Kind::Null,
        J::Bool(_) => Kind::Bool,
        J::Number(_) => Kind::Number,
        J::String(_) => Kind::String,
        J::Array(_) => Kind::Array,
        J::Object(_) => Kind::Object,
    }
}

/// Element `index` of a jsonb array (negative from the end).
pub(crate) fn jsonb_index(v: &J, index: i64) -> Option<&J> {
    let a = v.as_array()?;
    let i = if index < 0 { a.len() as i64 + index } else { index };
    usize::try_from(i).ok().and_then(|i| a.get(i))
}

/// Follows a `#>` path in jsonb.
pub(crate) fn jsonb_path<'v>(v: &'v J, path: &[Option<&str>]) -> Option<&'v J> {
    let mut cur = v;
    for p in path {
        let p = (*p)?;
        cur = match cur {
            J::Object(m) => m.get(p)?,
            J::Array(_) => jsonb_index(cur, p.trim().parse::<i64>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Equality of jsonb values (numbers by value).
pub(crate) fn jsonb_eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => num_eq(x, y),
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| jsonb_eq(p, q)),
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| jsonb_eq(v, w)))
        }
        _ => a == b,
    }
}

fn num_eq(x: &Number, y: &Number) -> bool {
    use std::str::FromStr;
    match (rust_decimal::Decimal::from_str(&x.to_string()), rust_decimal::Decimal::from_str(&y.to_string())) {
        (Ok(a), Ok(b)) => a == b,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// jsonb `@>`: PostgreSQL's containment (`JsonbDeepContains`).
pub(crate) fn jsonb_contains(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Object(x), J::Object(y)) => y.iter().all(|(k, yv)| match x.get(k) {
            Some(xv) => match (xv, yv) {
                (J::Object(_), J::Object(_)) | (J::Array(_), J::Array(_)) => jsonb_contains(xv, yv),
                _ => jsonb_eq(xv, yv),
            },
            None => false,
        }),
        (J::Array(x), J::Array(y)) => y.iter().all(|yv| {
            x.iter().any(|xv| match (xv, yv) {
                (J::Object(_), J::Object(_)) | (J::Array(_), J::Array(_)) => jsonb_contains(xv, yv),
                (J::Object(_), _) | (J::Array(_), _) => false,
                _ => jsonb_eq(xv, yv),
            })
        }),
        // A top-level array contains a scalar it has as an element.
        (J::Array(x), y) if !y.is_object() => x.iter().any(|xv| !xv.is_array() && !xv.is_object() && jsonb_eq(xv, y)),
        (J::Object(_), _) | (_, J::Object(_)) | (_, J::Array(_)) => false,
        (x, y) => jsonb_eq(x, y),
    }
}

/// jsonb `?`: a top-level key, or string array element, or the string itself.
pub(crate) fn jsonb_exists(v: &J, key: &str) -> bool {
    match v {
        J::Object(m) => m.contains_key(key),
        J::Array(a) => a.iter().any(|e| e.as_str() == Some(key)),
        J::String(s) => s == key,
        _ => false,
    }
}

/// jsonb `||`.
pub(crate) fn jsonb_concat(a: &J, b: &J) -> J {
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            let mut m = x.clone();
            for (k, v) in y {
                m.insert(k.clone(), v.clone());
            }
            J::Object(m)
        }
        (J::Array(x), J::Array(y)) => J::Array(x.iter().chain(y).cloned().collect()),
        (J::Array(x), other) => {
            let mut v = x.clone();
            v.push(other.clone());
            J::Array(v)
        }
        (other, J::Array(y)) => {
            let mut v = vec![other.clone()];
            v.extend(y.iter().cloned());
            J::Array(v)
        }
        (x, y) => J::Array(vec![x.clone(), y.clone()]),
    }
}

fn cannot_delete_scalar() -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "cannot delete from scalar")
}

/// jsonb `-` text: removes a key, or matching string elements of an array.
pub(crate) fn jsonb_delete_key(v: &J, key: &str) -> Result<J> {
    match v {
        J::Object(m) => {
            let mut m = m.clone();
            m.remove(key);
            Ok(J::Object(m))
        }
        J::Array(a) => Ok(J::Array(a.iter().filter(|e| e.as_str() != Some(key)).cloned().collect())),
        _ => Err(cannot_delete_scalar()),
    }
}

/// jsonb `-` integer: removes an array element (negative from the end).
pub(crate) fn jsonb_delete_index(v: &J, index: i64) -> Result<J> {
    match v {
        J::Array(a) => {
            let i = if index < 0 { a.len() as i64 + index } else { index };
            let mut a = a.clone();
            if let Ok(i) = usize::try_from(i) {
                if i < a.len() {
                    a.remove(i);
                }
            }
            Ok(J::Array(a))
        }
        J::Object(_) => {
            Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "cannot delete from object using integer index"))
        }
        _ => Err(cannot_delete_scalar()),
    }
}

/// How [`jsonb_set_path`] changes the target at the end of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetMode {
    /// `jsonb_set`: replace, or add when `create_missing`.
    Set {
        /// Add a missing key or out-of-range element.
        create_missing: bool,
    },
    /// `jsonb_insert`: insert before (or after) an array element, or add a new key.
    Insert {
        /// Insert after the element.
        after: bool,
    },
}

fn path_index(p: &str, level: usize) -> Result<i64> {
    p.trim().parse::<i64>().map_err(|_| {
        SqlError::new(
            sqlstate::INVALID_TEXT_REPRESENTATION,
            format!("path element at position {} is not an integer: \"{p}\"", level + 1),
        )
    })
}

/// `jsonb_set` / `jsonb_insert` on `target` at `path`.
pub(crate) fn jsonb_set_path(target: &J, path: &[Option<&str>], new: &J, mode: SetMode) -> Result<J> {
    if !target.is_object() && !target.is_array() {
        return Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "cannot set path in scalar"));
    }
    let mut out = target.clone();
    if !path.is_empty() {
        set_rec(&mut out, path, 0, new, mode)?;
    }
    Ok(out)
}

fn set_rec(cur: &mut J, path: &[Option<&str>], level: usize, new: &J, mode: SetMode) -> Result<()> {
    let Some(Some(p)) = path.get(level).copied() else {
        return Err(SqlError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            format!("path element at position {} is null", level + 1),
        ));
    };
    let last = level + 1 == path.len();
    match cur {
        J::Object(m) => {
            if last {
                match mode {
                    SetMode::Set { create_missing } => {
                        if create_missing || m.contains_key(p) {
                            m.insert(p.to_string(), new.clone());
                        }
                    }
                    SetMode::Insert { .. } => {
                        if m.contains_key(p) {
                            return Err(SqlError::new(
                                sqlstate::INVALID_PARAMETER_VALUE,
                                "cannot replace existing key",
                            )
                            .hint("Try using the function jsonb_set to replace key value."));
                        }
                        m.insert(p.to_string(), new.clone());
                    }
                }
                Ok(())
            } else if let Some(child) = m.get_mut(p) {
                set_rec(child, path, level + 1, new, mode)
            } else {
                Ok(())
            }
        }
        J::Array(a) => {
            let idx = path_index(p, level)?;
            let len = a.len() as i64;
            let pos = if idx < 0 { len + idx } else { idx };
            if last {
                match mode {
                    SetMode::Set { create_missing } => {
                        if (0..len).contains(&pos) {
                            a[pos as usize] = new.clone();
                        } else if create_missing {
                            if pos < 0 {
                                a.insert(0, new.clone());
                            } else {
                                a.push(new.clone());
                            }
                        }
                    }
                    SetMode::Insert { after } => {
                        let at = if pos < 0 {
                            0
                        } else if pos >= len {
                            a.len()
                        } else {
                            pos as usize + usize::from(after)
                        };
                        a.insert(at, new.clone());
                    }
                }
                Ok(())
            } else if (0..len).contains(&pos) {
                set_rec(&mut a[pos as usize], path, level + 1, new, mode)
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// `jsonb_strip_nulls`: drops object fields whose value is null, recursively.
pub(crate) fn jsonb_strip_nulls(v: &J) -> J {
    match v {
        J::Object(m) => {
            J::Object(m.iter().filter(|(_, e)| !e.is_null()).map(|(k, e)| (k.clone(), jsonb_strip_nulls(e))).collect())
        }
        J::Array(a) => J::Array(a.iter().map(jsonb_strip_nulls).collect()),
        other => other.clone(),
    }
}

/// `json_strip_nulls` on json text: re-emits the value without whitespace or null fields.
pub(crate) fn json_strip_nulls(text: &str) -> Result<String> {
    let r = Raw::new(text);
    Ok(match r.kind() {
        Kind::Object => {
            let mut parts = Vec::new();
            for (k, v) in r.members()?.unwrap_or_default() {
                if Raw::new(v).kind() != Kind::Null {
                    parts.push(format!("{k}:{}", json_strip_nulls(v)?));
                }
            }
            format!("{{{}}}", parts.join(","))
        }
        Kind::Array => {
            let parts: Result<Vec<String>> =
                r.elements()?.unwrap_or_default().into_iter().map(json_strip_nulls).collect();
            format!("[{}]", parts?.join(","))
        }
        _ => r.trimmed().to_string(),
    })
}

/// ISO 8601 text of a date/time value as JSON shows it (`2024-01-02T03:04:05.5+01:00`), or
/// `None` for other types.
fn json_datetime(v: &Value, ctx: &FnContext<'_>) -> Option<String> {
    let year_text = |y: i32| if y > 0 { (format!("{y:04}"), "") } else { (format!("{:04}", 1 - y), " BC") };
    let frac = |us: u32| {
        if us == 0 {
            String::new()
        } else {
            format!(".{us:06}").trim_end_matches('0').to_string()
        }
    };
    Some(match v {
        Value::Date(d) => match date_to_ymd(*d) {
            Some((y, m, day)) => {
                let (ys, bc) = year_text(y);
                format!("{ys}-{m:02}-{day:02}{bc}")
            }
            None => if *d == DATE_NEG_INFINITY { "-infinity" } else { "infinity" }.to_string(),
        },
        Value::Time(t) => {
            let (h, m, s, us) = time_to_hmsf(*t);
            format!("{h:02}:{m:02}:{s:02}{}", frac(us))
        }
        Value::Timestamp(ts) | Value::TimestampTz(ts) => {
            let tz = matches!(v, Value::TimestampTz(_));
            let offset = if tz { utc_offset_seconds(&ctx.text.tz, *ts) } else { 0 };
            let local = ts.saturating_add(i64::from(offset) * 1_000_000);
            match timestamp_to_fields(if tz { local } else { *ts }) {
                Some(f) => {
                    let (ys, bc) = year_text(f.year);
                    let mut s = format!(
                        "{ys}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
                        f.month,
                        f.day,
                        f.hour,
                        f.minute,
                        f.second,
                        frac(f.micros)
                    );
                    if tz {
                        let sign = if offset < 0 { '-' } else { '+' };
                        let a = offset.unsigned_abs();
                        s.push_str(&format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60));
                        if a % 60 != 0 {
                            s.push_str(&format!(":{:02}", a % 60));
                        }
                    }
                    s.push_str(bc);
                    s
                }
                None => if *ts == TIMESTAMP_NEG_INFINITY { "-infinity" } else { "infinity" }.to_string(),
            }
        }
        _ => return None,
    })
}

/// `to_json(value)` text; NULL is `null`. Arrays are written without spaces (`[1,2]`).
pub(crate) fn to_json_text(v: &Value, ctx: &FnContext<'_>) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Numeric(_) | Value::Oid(_) => output_text(v, ctx),
        Value::Float4(_) | Value::Float8(_) => {
            let f = match v {
                Value::Float4(x) => f64::from(*x),
                Value::Float8(x) => *x,
                _ => 0.0,
            };
            let t = output_text(v, ctx);
            if f.is_finite() {
                t
            } else {
                escape(&t)
            }
        }
        Value::Json(s) => s.clone(),
        Value::Jsonb(j) => jsonb_text(j),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|e| to_json_text(e, ctx)).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Date(_) | Value::Time(_) | Value::Timestamp(_) | Value::TimestampTz(_) => {
            escape(&json_datetime(v, ctx).unwrap_or_default())
        }
        other => escape(&output_text(other, ctx)),
    }
}

/// A JSON number from numeric text, as close as `serde_json` holds it.
fn number_from_text(t: &str) -> J {
    match serde_json::from_str::<J>(t) {
        Ok(n @ J::Number(_)) => n,
        _ => J::String(t.to_string()),
    }
}

/// `to_jsonb(value)`.
pub(crate) fn to_jsonb(v: &Value, ctx: &FnContext<'_>) -> Result<J> {
    Ok(match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int2(i) => J::from(*i),
        Value::Int4(i) => J::from(*i),
        Value::Int8(i) => J::from(*i),
        Value::Oid(i) => J::from(*i),
        Value::Numeric(d) => number_from_text(&d.to_string()),
        Value::Float4(_) | Value::Float8(_) => {
            let t = output_text(v, ctx);
            number_from_text(&t)
        }
        Value::Json(s) => parse(s)?,
        Value::Jsonb(j) => j.clone(),
        Value::Array(items) => J::Array(items.iter().map(|e| to_jsonb(e, ctx)).collect::<Result<_>>()?),
        Value::Text(s) => J::String(s.clone()),
        Value::Date(_) | Value::Time(_) | Value::Timestamp(_) | Value::TimestampTz(_) => {
            J::String(json_datetime(v, ctx).unwrap_or_default())
        }
        other => J::String(output_text(other, ctx)),
    })
}

/// The text of a value used as a JSON object key (`json_build_object`, `json_object_agg`).
/// Errors: 22023 for arrays and json values.
pub(crate) fn key_text(v: &Value, ctx: &FnContext<'_>) -> Result<String> {
    match v {
        Value::Array(_) | Value::Json(_) | Value::Jsonb(_) => Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            "key value must be scalar, not array, composite, or json",
        )),
        other => Ok(output_text(other, ctx)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::utc;

    fn j(s: &str) -> J {
        parse(s).unwrap()
    }

    #[test]
    fn raw_navigation_keeps_text() {
        let r = Raw::new(r#" {"a": {"c" : 1,  "b":2}, "x": [1, "two", null], "a2": "s\"q"} "#);
        assert_eq!(r.kind(), Kind::Object);
        assert_eq!(r.field("a").unwrap(), Some(r#"{"c" : 1,  "b":2}"#));
        assert_eq!(r.field("x").unwrap(), Some(r#"[1, "two", null]"#));
        assert_eq!(r.field("nope").unwrap(), None);
        assert_eq!(raw_as_text(r.field("a2").unwrap().unwrap()).as_str(), Some("s\"q"));
        assert_eq!(r.path(&[Some("x"), Some("1")]).unwrap(), Some(r#""two""#));
        assert_eq!(r.path(&[Some("x"), Some("-1")]).unwrap(), Some("null"));
        assert_eq!(r.path(&[Some("x"), Some("z")]).unwrap(), None);
        let a = Raw::new("[1,[2,3] , {\"k\":[]}]");
        assert_eq!(a.elements().unwrap().unwrap(), vec!["1", "[2,3]", "{\"k\":[]}"]);
        assert_eq!(a.element(-1).unwrap(), Some("{\"k\":[]}"));
        assert_eq!(a.element(3).unwrap(), None);
        assert_eq!(Raw::new("[]").elements().unwrap().unwrap().len(), 0);
        assert_eq!(Raw::new("{}").members().unwrap().unwrap().len(), 0);
        assert!(Raw::new("[1,").elements().is_err());
    }

    #[test]
    fn jsonb_text_orders_keys_like_postgres() {
        assert_eq!(jsonb_text(&j(r#"{"bb": 1, "a": [1, 2], "c": null}"#)), r#"{"a": [1, 2], "c": null, "bb": 1}"#);
        assert_eq!(
            jsonb_pretty(&j(r#"{"a": [1, 2], "b": {}}"#)),
            "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": {\n    }\n}"
        );
        assert_eq!(jsonb_pretty(&j("[]")), "[\n]");
        assert_eq!(escape("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
    }

    #[test]
    fn containment_and_existence() {
        assert!(jsonb_contains(&j(r#"{"a":1,"b":{"c":2,"d":3}}"#), &j(r#"{"b":{"c":2}}"#)));
        assert!(!jsonb_contains(&j(r#"{"a":1}"#), &j(r#"{"a":2}"#)));
        assert!(jsonb_contains(&j("[1,2,3]"), &j("[3,1]")));
        assert!(jsonb_contains(&j("[1,2,[3]]"), &j("[[3]]")));
        assert!(!jsonb_contains(&j("[1,2,[3]]"), &j("[3]")));
        assert!(jsonb_contains(&j("[1,2]"), &j("1")));
        assert!(jsonb_contains(&j("1.0"), &j("1")));
        assert!(!jsonb_contains(&j(r#"{"a":1}"#), &j("[]")));
        assert!(jsonb_exists(&j(r#"{"a":1}"#), "a"));
        assert!(jsonb_exists(&j(r#"["a","b"]"#), "b"));
        assert!(!jsonb_exists(&j(r#"[{"a":1}]"#), "a"));
    }

    #[test]
    fn concat_delete_set() {
        assert_eq!(jsonb_concat(&j(r#"{"a":1}"#), &j(r#"{"a":2,"b":3}"#)), j(r#"{"a":2,"b":3}"#));
        assert_eq!(jsonb_concat(&j("[1]"), &j("[2]")), j("[1,2]"));
        assert_eq!(jsonb_concat(&j("[1]"), &j("2")), j("[1,2]"));
        assert_eq!(jsonb_concat(&j(r#"{"a":1}"#), &j("2")), j(r#"[{"a":1},2]"#));
        assert_eq!(jsonb_delete_key(&j(r#"{"a":1,"b":2}"#), "a").unwrap(), j(r#"{"b":2}"#));
        assert_eq!(jsonb_delete_key(&j(r#"["a","b","a"]"#), "a").unwrap(), j(r#"["b"]"#));
        assert_eq!(jsonb_delete_key(&j("1"), "a").unwrap_err().message, "cannot delete from scalar");
        assert_eq!(jsonb_delete_index(&j("[1,2,3]"), -1).unwrap(), j("[1,2]"));
        assert_eq!(jsonb_delete_index(&j("[1,2,3]"), 5).unwrap(), j("[1,2,3]"));
        let set = |t: &str, p: &[&str], n: &str, c: bool| {
            let p: Vec<Option<&str>> = p.iter().map(|s| Some(*s)).collect();
            jsonb_set_path(&j(t), &p, &j(n), SetMode::Set { create_missing: c })
        };
        assert_eq!(
            set(r#"[{"f1":1,"f2":null},2,null,3]"#, &["0", "f1"], "[2,3,4]", false).unwrap(),
            j(r#"[{"f1":[2,3,4],"f2":null},2,null,3]"#)
        );
        assert_eq!(
            set(r#"[{"f1":1,"f2":null},2]"#, &["0", "f3"], "[2,3,4]", true).unwrap(),
            j(r#"[{"f1":1,"f2":null,"f3":[2,3,4]},2]"#)
        );
        assert_eq!(set(r#"{"a":1}"#, &["b"], "2", false).unwrap(), j(r#"{"a":1}"#));
        assert_eq!(set("[1,2]", &["9"], "3", true).unwrap(), j("[1,2,3]"));
        assert_eq!(set("[1,2]", &["-9"], "0", true).unwrap(), j("[0,1,2]"));
        assert_eq!(set("[1,2]", &["x"], "0", true).unwrap_err().code, "22P02");
        assert_eq!(set("1", &["x"], "0", true).unwrap_err().message, "cannot set path in scalar");
        let ins = |t: &str, p: &[&str], n: &str, after: bool| {
            let p: Vec<Option<&str>> = p.iter().map(|s| Some(*s)).collect();
            jsonb_set_path(&j(t), &p, &j(n), SetMode::Insert { after })
        };
        assert_eq!(ins(r#"{"a":[0,1,2]}"#, &["a", "1"], r#""new""#, false).unwrap(), j(r#"{"a":[0,"new",1,2]}"#));
        assert_eq!(ins(r#"{"a":[0,1,2]}"#, &["a", "1"], r#""new""#, true).unwrap(), j(r#"{"a":[0,1,"new",2]}"#));
        assert_eq!(ins(r#"{"a":1}"#, &["a"], "2", false).unwrap_err().message, "cannot replace existing key");
    }

    #[test]
    fn strip_nulls() {
        assert_eq!(jsonb_strip_nulls(&j(r#"{"a":null,"b":[null,{"c":null}]}"#)), j(r#"{"b":[null,{}]}"#));
        assert_eq!(
            json_strip_nulls(r#"{"f1":null, "f2": [1, null], "f3" : {"x": null}}"#).unwrap(),
            r#"{"f2":[1,null],"f3":{}}"#
        );
    }

    #[test]
    fn sql_to_json() {
        utc(|ctx| {
            assert_eq!(to_json_text(&Value::Text("a\"b".into()), ctx), r#""a\"b""#);
            assert_eq!(to_json_text(&Value::Int4(5), ctx), "5");
            assert_eq!(to_json_text(&Value::Bool(true), ctx), "true");
            assert_eq!(to_json_text(&Value::Array(vec![Value::Int4(1), Value::Null]), ctx), "[1,null]");
            assert_eq!(to_json_text(&Value::Date(0), ctx), r#""2000-01-01""#);
            assert_eq!(to_json_text(&Value::Timestamp(36_000_500_000), ctx), r#""2000-01-01T10:00:00.5""#);
            assert_eq!(to_json_text(&Value::TimestampTz(0), ctx), r#""2000-01-01T00:00:00+00:00""#);
            assert_eq!(to_jsonb(&Value::Int8(7), ctx).unwrap(), j("7"));
            assert_eq!(to_jsonb(&Value::Json("{\"a\": 1}".into()), ctx).unwrap(), j(r#"{"a":1}"#));
            assert_eq!(key_text(&Value::Int4(1), ctx).unwrap(), "1");
            assert!(key_text(&Value::Array(vec![]), ctx).is_err());
        });
    }
}
