//! String functions: lengths, case, `substr`, `strpos`, trimming and padding, `replace`,
//! `split_part`, `concat`/`concat_ws`, `left`/`right`, `repeat`, `reverse`, `translate`,
//! `overlay`, `ascii`/`chr`, `starts_with`, `format` and the `quote_*` functions.
//!
//! Lengths and positions count characters (strings are UTF-8), as PostgreSQL does in a UTF8
//! database. `char(n)` arguments ignore trailing blanks where PostgreSQL's `bpchar` variants do.

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::{p, Param};
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bytes, chars, int, int4, invalid_param, output_text, text, text_value};
use crate::functions::FnContext;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Bool, Int4, Text};
    for name in ["length", "char_length", "character_length"] {
        r.add(name, [p::TEXT], Int4, length);
        r.add(name, [p::BPCHAR], Int4, bpchar_length);
    }
    r.add("length", [p::BYTEA], Int4, octet_length);
    r.add("octet_length", [p::TEXT], Int4, octet_length);
    // char(n) counts its padding, as PostgreSQL's bpcharoctetlen does.
    r.add("octet_length", [p::BPCHAR], Int4, octet_length);
    r.add("octet_length", [p::BYTEA], Int4, octet_length);
    r.add("bit_length", [p::TEXT], Int4, bit_length);
    r.add("bit_length", [p::BYTEA], Int4, bit_length);
    r.add("lower", [p::TEXT], Text, lower);
    r.add("upper", [p::TEXT], Text, upper);
    r.add("initcap", [p::TEXT], Text, initcap);
    for name in ["substr", "substring"] {
        r.add(name, [p::TEXT, p::INT4], Text, substr);
        r.add(name, [p::TEXT, p::INT4, p::INT4], Text, substr);
        r.add(name, [p::BYTEA, p::INT4], DataType::Bytea, substr_bytea);
        r.add(name, [p::BYTEA, p::INT4, p::INT4], DataType::Bytea, substr_bytea);
    }
    r.add("strpos", [p::TEXT, p::TEXT], Int4, strpos);
    r.add("position", [p::TEXT, p::TEXT], Int4, strpos);
    for (name, imp) in
        [("btrim", btrim as crate::functions::ScalarImpl), ("trim", btrim), ("ltrim", ltrim), ("rtrim", rtrim)]
    {
        r.add(name, [p::TEXT], Text, imp);
        r.add(name, [p::TEXT, p::TEXT], Text, imp);
    }
    r.add("lpad", [p::TEXT, p::INT4], Text, lpad);
    r.add("lpad", [p::TEXT, p::INT4, p::TEXT], Text, lpad);
    r.add("rpad", [p::TEXT, p::INT4], Text, rpad);
    r.add("rpad", [p::TEXT, p::INT4, p::TEXT], Text, rpad);
    r.add("replace", [p::TEXT, p::TEXT, p::TEXT], Text, replace);
    r.add("split_part", [p::TEXT, p::TEXT, p::INT4], Text, split_part);
    r.add("concat", [Param::Any], Text, concat).variadic().nonstrict().stable();
    r.add("concat_ws", [p::TEXT, Param::Any], Text, concat_ws).variadic().nonstrict().stable();
    r.add("left", [p::TEXT, p::INT4], Text, left);
    r.add("right", [p::TEXT, p::INT4], Text, right);
    r.add("repeat", [p::TEXT, p::INT4], Text, repeat);
    r.add("reverse", [p::TEXT], Text, reverse);
    r.add("translate", [p::TEXT, p::TEXT, p::TEXT], Text, translate);
    r.add("overlay", [p::TEXT, p::TEXT, p::INT4], Text, overlay);
    r.add("overlay", [p::TEXT, p::TEXT, p::INT4, p::INT4], Text, overlay);
    r.add("starts_with", [p::TEXT, p::TEXT], Bool, crate::functions::operators::cmp::starts_with);
    r.add("ascii", [p::TEXT], Int4, ascii);
    r.add("chr", [p::INT4], Text, chr);
    r.add("format", [p::TEXT], Text, format).stable();
    r.add("format", [p::TEXT, Param::Any], Text, format).variadic().nonstrict().stable();
    r.add("quote_ident", [p::TEXT], Text, quote_ident_fn);
    r.add("quote_literal", [p::TEXT], Text, quote_literal_fn);
    r.add("quote_literal", [Param::AnyElement], Text, quote_literal_any).stable();
    r.add("quote_nullable", [p::TEXT], Text, quote_nullable).nonstrict();
    r.add("quote_nullable", [Param::AnyElement], Text, quote_nullable).nonstrict().stable();
}

fn length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Int4(text(args, 0)?.chars().count() as i32))
}

fn bpchar_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Int4(text(args, 0)?.trim_end_matches(' ').chars().count() as i32))
}

fn byte_len(args: &[Value]) -> Result<usize> {
    match arg(args, 0)? {
        Value::Bytea(b) => Ok(b.len()),
        _ => Ok(text(args, 0)?.len()),
    }
}

fn octet_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Int4(byte_len(args)? as i32))
}

fn bit_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Int4((byte_len(args)? * 8) as i32))
}

/// Character-by-character case mapping, as C's `towupper`/`towlower` do: a character whose
/// full mapping is several letters (`ß` → `SS`) stays as it is; a letter plus combining marks
/// (`İ` → `i̇`) maps to the letter.
fn map_char(c: char, upper: bool) -> char {
    let m: Vec<char> = if upper { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
    match m.split_first() {
        Some((first, rest)) if rest.iter().all(|r| ('\u{300}'..='\u{36f}').contains(r)) => *first,
        _ => c,
    }
}

fn lower(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(text(args, 0)?.chars().map(|c| map_char(c, false)).collect::<String>()))
}

fn upper(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(text(args, 0)?.chars().map(|c| map_char(c, true)).collect::<String>()))
}

fn initcap(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mut out = String::new();
    let mut prev_alnum = false;
    for c in text(args, 0)?.chars() {
        out.push(map_char(c, !prev_alnum));
        prev_alnum = c.is_alphanumeric();
    }
    Ok(text_value(out))
}

/// The character range `[from, to)` (0-based, clamped to `len`) of PostgreSQL's
/// `substr(s, start[, count])`. Errors: 22011 for a negative count.
pub(super) fn substr_range(start: i64, count: Option<i64>, len: usize) -> Result<(usize, usize)> {
    let end = match count {
        Some(c) if c < 0 => {
            return Err(SqlError::new("22011", "negative substring length not allowed"));
        }
        Some(c) => start.saturating_add(c),
        None => i64::MAX,
    };
    let from = start.max(1);
    if end <= from {
        return Ok((0, 0));
    }
    let clamp = |x: i64| (x - 1).clamp(0, len as i64) as usize;
    Ok((clamp(from), clamp(end)))
}

fn count_arg(args: &[Value]) -> Result<Option<i64>> {
    if args.len() > 2 {
        int(args, 2).map(Some)
    } else {
        Ok(None)
    }
}

fn substr(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = text(args, 0)?;
    let cs = chars(s);
    let (a, b) = substr_range(int(args, 1)?, count_arg(args)?, cs.len())?;
    Ok(text_value(cs.get(a..b).unwrap_or(&[]).iter().collect::<String>()))
}

fn substr_bytea(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let b = bytes(args, 0)?;
    let (x, y) = substr_range(int(args, 1)?, count_arg(args)?, b.len())?;
    Ok(Value::Bytea(b.get(x..y).unwrap_or(&[]).to_vec()))
}

fn strpos(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, sub) = (text(args, 0)?, text(args, 1)?);
    Ok(Value::Int4(match s.find(sub) {
        Some(byte) => s[..byte].chars().count() as i32 + 1,
        None => 0,
    }))
}

fn trim_set(args: &[Value]) -> Result<Vec<char>> {
    if args.len() > 1 {
        Ok(text(args, 1)?.chars().collect())
    } else {
        Ok(vec![' '])
    }
}

fn btrim(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let set = trim_set(args)?;
    Ok(text_value(text(args, 0)?.trim_matches(|c| set.contains(&c))))
}

fn ltrim(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let set = trim_set(args)?;
    Ok(text_value(text(args, 0)?.trim_start_matches(|c| set.contains(&c))))
}

fn rtrim(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let set = trim_set(args)?;
    Ok(text_value(text(args, 0)?.trim_end_matches(|c| set.contains(&c))))
}

/// The largest string PostgreSQL builds (1 GB).
const MAX_ALLOC: usize = 0x3fff_ffff;

fn too_large() -> SqlError {
    SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "requested length too large")
}

fn pad(args: &[Value], left: bool) -> Result<Value> {
    let s = chars(text(args, 0)?);
    let len = int4(args, 1)?.max(0) as usize;
    let fill: Vec<char> = if args.len() > 2 { chars(text(args, 2)?) } else { vec![' '] };
    if len.saturating_mul(4) > MAX_ALLOC {
        return Err(too_large());
    }
    if s.len() >= len || fill.is_empty() {
        return Ok(text_value(s.iter().take(len).collect::<String>()));
    }
    let padding: String = fill.iter().cycle().take(len - s.len()).collect();
    let body: String = s.iter().collect();
    Ok(text_value(if left { padding + &body } else { body + &padding }))
}

fn lpad(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    pad(args, true)
}

fn rpad(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    pad(args, false)
}

fn replace(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, from, to) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    Ok(text_value(if from.is_empty() { s.to_string() } else { s.replace(from, to) }))
}

fn split_part(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, delim, n) = (text(args, 0)?, text(args, 1)?, int4(args, 2)?);
    if n == 0 {
        return Err(invalid_param("field position must not be zero"));
    }
    if s.is_empty() {
        return Ok(text_value(""));
    }
    let parts: Vec<&str> = if delim.is_empty() { vec![s] } else { s.split(delim).collect() };
    let idx = if n > 0 { i64::from(n) - 1 } else { parts.len() as i64 + i64::from(n) };
    Ok(text_value(usize::try_from(idx).ok().and_then(|i| parts.get(i)).copied().unwrap_or("")))
}

fn concat(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(args.iter().filter(|v| !v.is_null()).map(|v| output_text(v, ctx)).collect::<String>()))
}

fn concat_ws(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let sep = match arg(args, 0)? {
        Value::Null => return Ok(Value::Null),
        _ => text(args, 0)?,
    };
    let parts: Vec<String> = args[1..].iter().filter(|v| !v.is_null()).map(|v| output_text(v, ctx)).collect();
    Ok(text_value(parts.join(sep)))
}

fn left(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let cs = chars(text(args, 0)?);
    let n = i64::from(int4(args, 1)?);
    let k = if n >= 0 { n.min(cs.len() as i64) } else { (cs.len() as i64 + n).max(0) } as usize;
    Ok(text_value(cs[..k].iter().collect::<String>()))
}

fn right(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let cs = chars(text(args, 0)?);
    let n = i64::from(int4(args, 1)?);
    let k = if n >= 0 { n.min(cs.len() as i64) } else { (cs.len() as i64 + n).max(0) } as usize;
    Ok(text_value(cs[cs.len() - k..].iter().collect::<String>()))
}

fn repeat(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = text(args, 0)?;
    let n = int4(args, 1)?.max(0) as usize;
    if s.len().saturating_mul(n) > MAX_ALLOC {
        return Err(too_large());
    }
    Ok(text_value(s.repeat(n)))
}

fn reverse(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(text(args, 0)?.chars().rev().collect::<String>()))
}

fn translate(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, from, to) = (text(args, 0)?, chars(text(args, 1)?), chars(text(args, 2)?));
    let out: String = s
        .chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect();
    Ok(text_value(out))
}

fn overlay(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = chars(text(args, 0)?);
    let placing = text(args, 1)?;
    let start = i64::from(int4(args, 2)?);
    let count = if args.len() > 3 { i64::from(int4(args, 3)?) } else { placing.chars().count() as i64 };
    if start <= 0 {
        return Err(SqlError::new("22011", "negative substring length not allowed"));
    }
    let (a, b) = substr_range(1, Some(start - 1), s.len())?;
    let head: String = s.get(a..b).unwrap_or(&[]).iter().collect();
    let (b, c) = substr_range(start.saturating_add(count), None, s.len())?;
    let tail: String = s.get(b..c).unwrap_or(&[]).iter().collect();
    Ok(text_value(head + placing + &tail))
}

fn ascii(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Int4(text(args, 0)?.chars().next().map(|c| c as i32).unwrap_or(0)))
}

fn chr(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let code = int4(args, 0)? as u32;
    if code == 0 {
        return Err(SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "null character not permitted"));
    }
    if code > 0x10_ffff {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!("requested character too large for encoding: {code}"),
        ));
    }
    match char::from_u32(code) {
        Some(c) => Ok(text_value(c.to_string())),
        None => Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!("requested character not valid for encoding: {code}"),
        )),
    }
}

/// Keywords that `quote_ident` must quote (PostgreSQL's reserved, column-name and
/// type/function-name keywords).
const NON_UNRESERVED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json_array",
    "json_arrayagg",
    "json_object",
    "json_objectagg",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// PostgreSQL's `quote_identifier`: quotes unless the name is a lower-case identifier that is
/// not a keyword needing quotes.
pub(crate) fn quote_ident(s: &str) -> String {
    let safe = s.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !NON_UNRESERVED_KEYWORDS.contains(&s);
    if safe {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// PostgreSQL's `quote_literal`: single quotes doubled; with backslashes, an `E''` string.
pub(crate) fn quote_literal(s: &str) -> String {
    let body = s.replace('\'', "''");
    if s.contains('\\') {
        format!("E'{}'", body.replace('\\', "\\\\"))
    } else {
        format!("'{body}'")
    }
}

fn quote_ident_fn(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(quote_ident(text(args, 0)?)))
}

fn quote_literal_fn(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(quote_literal(text(args, 0)?)))
}

fn quote_literal_any(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(quote_literal(&crate::functions::util::to_text(arg(args, 0)?, ctx))))
}

fn quote_nullable(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    match arg(args, 0)? {
        Value::Null => Ok(text_value("NULL")),
        v => Ok(text_value(quote_literal(&crate::functions::util::to_text(v, ctx)))),
    }
}

fn format_error(msg: &str) -> SqlError {
    invalid_param(msg)
}

fn unterminated() -> SqlError {
    format_error("unterminated format() type specifier").hint("For a single \"%\" use \"%%\".")
}

/// Reads digits at `*i`; `None` when there are none.
fn read_num(cs: &[char], i: &mut usize) -> Result<Option<i64>> {
    let start = *i;
    let mut n: i64 = 0;
    while let Some(d) = cs.get(*i).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(i64::from(d)))
            .ok_or_else(|| format_error("number is out of range"))?;
        *i += 1;
    }
    Ok((*i > start).then_some(n))
}

/// `format(formatstr, args...)`: `%s`, `%I`, `%L`, `%%`, positions (`%2$s`), the `-` flag and
/// widths (`%10s`, `%*s`, `%*2$s`).
fn format(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let fmt = match arg(args, 0)? {
        Value::Null => return Ok(Value::Null),
        _ => text(args, 0)?,
    };
    let params = &args[1..];
    let cs = chars(fmt);
    let mut out = String::new();
    let mut next_arg = 0usize;
    let fetch = |idx: usize| -> Result<&Value> {
        params.get(idx).ok_or_else(|| format_error("too few arguments for format()"))
    };
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        match cs.get(i) {
            None => return Err(unterminated()),
            Some('%') => {
                out.push('%');
                i += 1;
                continue;
            }
            _ => {}
        }
        // [argpos$][flags][width]type
        let mut argpos: Option<usize> = None;
        let mut left_align = false;
        let mut width: Option<i64> = None;
        let save = i;
        if let Some(n) = read_num(&cs, &mut i)? {
            if cs.get(i) == Some(&'$') {
                if n == 0 {
                    return Err(format_error("format specifies argument 0, but arguments are numbered from 1"));
                }
                argpos = Some(n as usize - 1);
                i += 1;
            } else {
                i = save;
            }
        }
        while cs.get(i) == Some(&'-') {
            left_align = true;
            i += 1;
        }
        if cs.get(i) == Some(&'*') {
            i += 1;
            let widx = match read_num(&cs, &mut i)? {
                Some(n) => {
                    if cs.get(i) != Some(&'$') {
                        return Err(unterminated());
                    }
                    i += 1;
                    if n == 0 {
                        return Err(format_error("format specifies argument 0, but arguments are numbered from 1"));
                    }
                    n as usize - 1
                }
                None => {
                    let k = next_arg;
                    next_arg += 1;
                    k
                }
            };
            width = match fetch(widx)? {
                Value::Null => None,
                v => Some(v.as_i64().ok_or_else(|| format_error("could not determine data type of width argument"))?),
            };
        } else if let Some(n) = read_num(&cs, &mut i)? {
            width = Some(n);
        }
        let Some(&ty) = cs.get(i) else { return Err(unterminated()) };
        i += 1;
        let idx = match argpos {
            Some(k) => {
                next_arg = k + 1;
                k
            }
            None => {
                let k = next_arg;
                next_arg += 1;
                k
            }
        };
        let piece = match ty {
            's' | 'I' | 'L' => {
                let v = fetch(idx)?;
                match (ty, v) {
                    ('s', Value::Null) => String::new(),
                    ('s', v) => output_text(v, ctx),
                    ('I', Value::Null) => {
                        return Err(SqlError::new(
                            sqlstate::NULL_VALUE_NOT_ALLOWED,
                            "null values cannot be formatted as an SQL identifier",
                        ))
                    }
                    ('I', v) => quote_ident(&output_text(v, ctx)),
                    (_, Value::Null) => "NULL".to_string(),
                    (_, v) => quote_literal(&output_text(v, ctx)),
                }
            }
            other => {
                return Err(format_error(&format!("unrecognized format() type specifier \"{other}\""))
                    .hint("For a single \"%\" use \"%%\"."))
            }
        };
        let (w, left_align) = match width {
            Some(w) if w < 0 => (w.unsigned_abs() as usize, true),
            Some(w) => (w as usize, left_align),
            None => (0, left_align),
        };
        let n = piece.chars().count();
        if w > MAX_ALLOC {
            return Err(too_large());
        }
        if n >= w {
            out.push_str(&piece);
        } else if left_align {
            out.push_str(&piece);
            out.extend(std::iter::repeat_n(' ', w - n));
        } else {
            out.extend(std::iter::repeat_n(' ', w - n));
            out.push_str(&piece);
        }
    }
    Ok(text_value(out))
}

#[cfg(test)]
mod tests {
    use crate::functions::scalar::testing::{call_typed as call, i, null, t, text_of};
    use crate::types::{DataType, Value};

    fn s(name: &str, args: &[(Value, DataType)]) -> String {
        text_of(call(name, args))
    }

    fn n(name: &str, args: &[(Value, DataType)]) -> i64 {
        call(name, args).unwrap().as_i64().unwrap()
    }

    #[test]
    fn lengths_and_case() {
        assert_eq!(n("length", &[t("héllo")]), 5);
        assert_eq!(n("char_length", &[t("")]), 0);
        assert_eq!(n("length", &[(Value::Text("ab  ".into()), DataType::Bpchar(Some(4)))]), 2);
        assert_eq!(n("octet_length", &[t("héllo")]), 6);
        assert_eq!(n("bit_length", &[t("abc")]), 24);
        assert_eq!(n("length", &[(Value::Bytea(vec![1, 2, 3]), DataType::Bytea)]), 3);
        assert_eq!(s("lower", &[t("HeLLo ÄÖ")]), "hello äö");
        assert_eq!(s("upper", &[t("straße")]), "STRAßE");
        assert_eq!(s("lower", &[t("İSTANBUL")]), "istanbul");
        assert_eq!(s("initcap", &[t("hi THOMAS, it's o'neil")]), "Hi Thomas, It'S O'Neil");
        assert_eq!(s("length", &[null(DataType::Text)]), "<NULL>");
    }

    #[test]
    fn substrings() {
        assert_eq!(s("substr", &[t("hello"), i(0), i(3)]), "he");
        assert_eq!(s("substr", &[t("hello"), i(2), i(3)]), "ell");
        assert_eq!(s("substr", &[t("hello"), i(2)]), "ello");
        assert_eq!(s("substr", &[t("hello"), i(-3), i(5)]), "h");
        assert_eq!(s("substr", &[t("hello"), i(10)]), "");
        assert_eq!(s("substring", &[t("Thomas"), i(2), i(3)]), "hom");
        assert_eq!(s("substr", &[t("héllo"), i(2), i(2)]), "él");
        assert_eq!(s("substr", &[t("hello"), i(1), i(-1)]), "ERROR 22011: negative substring length not allowed");
        assert_eq!(s("substr", &[t("hello"), i(i32::MAX), i(i32::MAX)]), "");
        assert_eq!(n("strpos", &[t("high"), t("ig")]), 2);
        assert_eq!(n("strpos", &[t("héllo"), t("llo")]), 3);
        assert_eq!(n("strpos", &[t("abc"), t("x")]), 0);
        assert_eq!(n("strpos", &[t("abc"), t("")]), 1);
        assert_eq!(n("position", &[t("abc"), t("c")]), 3);
        assert_eq!(s("left", &[t("abcde"), i(2)]), "ab");
        assert_eq!(s("left", &[t("abcde"), i(-2)]), "abc");
        assert_eq!(s("left", &[t("abc"), i(-5)]), "");
        assert_eq!(s("right", &[t("abcde"), i(2)]), "de");
        assert_eq!(s("right", &[t("abcde"), i(-2)]), "cde");
        assert_eq!(s("overlay", &[t("Txxxxas"), t("hom"), i(2), i(4)]), "Thomas");
        assert_eq!(s("overlay", &[t("Txxxxas"), t("hom"), i(2)]), "Thomxas");
    }

    #[test]
    fn trim_pad_replace_split() {
        assert_eq!(s("btrim", &[t("xyxtrimyyx"), t("xyz")]), "trim");
        assert_eq!(s("btrim", &[t("  trim  ")]), "trim");
        assert_eq!(s("ltrim", &[t("zzzytest"), t("xyz")]), "test");
        assert_eq!(s("rtrim", &[t("testxxzx"), t("xyz")]), "test");
        assert_eq!(s("lpad", &[t("hi"), i(5), t("xy")]), "xyxhi");
        assert_eq!(s("rpad", &[t("hi"), i(5), t("xy")]), "hixyx");
        assert_eq!(s("lpad", &[t("hello"), i(2)]), "he");
        assert_eq!(s("lpad", &[t("hi"), i(5)]), "   hi");
        assert_eq!(s("lpad", &[t("hi"), i(5), t("")]), "hi");
        assert_eq!(s("lpad", &[t("hi"), i(-1)]), "");
        assert_eq!(s("replace", &[t("abcdefabcdef"), t("cd"), t("XX")]), "abXXefabXXef");
        assert_eq!(s("replace", &[t("abc"), t(""), t("X")]), "abc");
        assert_eq!(s("split_part", &[t("abc~@~def~@~ghi"), t("~@~"), i(2)]), "def");
        assert_eq!(s("split_part", &[t("a,b,c"), t(","), i(-1)]), "c");
        assert_eq!(s("split_part", &[t("a,b,c"), t(","), i(4)]), "");
        assert_eq!(s("split_part", &[t("a,b,c"), t(","), i(-4)]), "");
        assert_eq!(s("split_part", &[t("abc"), t(""), i(1)]), "abc");
        assert_eq!(s("split_part", &[t("abc"), t(","), i(0)]), "ERROR 22023: field position must not be zero");
        assert_eq!(s("repeat", &[t("Pg"), i(4)]), "PgPgPgPg");
        assert_eq!(s("repeat", &[t("Pg"), i(-1)]), "");
        assert_eq!(s("repeat", &[t("Pg"), i(i32::MAX)]), "ERROR 54000: requested length too large");
        assert_eq!(s("reverse", &[t("abcé")]), "écba");
        assert_eq!(s("translate", &[t("12345"), t("143"), t("ax")]), "a2x5");
    }

    #[test]
    fn concat_and_chars() {
        let args =
            [t("abcde"), (Value::Int4(2), DataType::Int4), null(DataType::Int4), (Value::Int4(22), DataType::Int4)];
        assert_eq!(s("concat", &args), "abcde222");
        assert_eq!(
            s("concat", &[(Value::Bool(true), DataType::Bool), (Value::Text("x".into()), DataType::Unknown)]),
            "tx"
        );
        assert_eq!(s("concat_ws", &[t(","), t("abcde"), i(2), null(DataType::Int4), i(22)]), "abcde,2,22");
        assert_eq!(s("concat_ws", &[null(DataType::Text), t("a")]), "<NULL>");
        assert_eq!(n("ascii", &[t("x")]), 120);
        assert_eq!(n("ascii", &[t("é")]), 233);
        assert_eq!(n("ascii", &[t("")]), 0);
        assert_eq!(s("chr", &[i(65)]), "A");
        assert_eq!(s("chr", &[i(0)]), "ERROR 54000: null character not permitted");
        assert_eq!(s("chr", &[i(0x110000)]), "ERROR 54000: requested character too large for encoding: 1114112");
        assert_eq!(s("chr", &[i(0xD800)]), "ERROR 54000: requested character not valid for encoding: 55296");
        assert_eq!(call("starts_with", &[t("alphabet"), t("alph")]).unwrap().as_bool(), Some(true));
    }

    #[test]
    fn quoting() {
        assert_eq!(s("quote_ident", &[t("Foo bar")]), "\"Foo bar\"");
        assert_eq!(s("quote_ident", &[t("foo")]), "foo");
        assert_eq!(s("quote_ident", &[t("select")]), "\"select\"");
        assert_eq!(s("quote_ident", &[t("a\"b")]), "\"a\"\"b\"");
        assert_eq!(s("quote_ident", &[t("")]), "\"\"");
        assert_eq!(s("quote_literal", &[t("O'Reilly")]), "'O''Reilly'");
        assert_eq!(s("quote_literal", &[t("a\\b")]), "E'a\\\\b'");
        assert_eq!(s("quote_literal", &[(Value::Int4(42), DataType::Int4)]), "'42'");
        assert_eq!(s("quote_nullable", &[null(DataType::Text)]), "NULL");
        assert_eq!(s("quote_nullable", &[t("x")]), "'x'");
    }

    #[test]
    fn format_function() {
        assert_eq!(s("format", &[t("Hello %s, %1$s"), t("World")]), "Hello World, World");
        assert_eq!(s("format", &[t("Hello %s")]), "ERROR 22023: too few arguments for format()");
        assert_eq!(
            s("format", &[t("INSERT INTO %I VALUES(%L)"), t("Foo bar"), t("O'Reilly")]),
            "INSERT INTO \"Foo bar\" VALUES('O''Reilly')"
        );
        assert_eq!(s("format", &[t("|%10s|"), t("foo")]), "|       foo|");
        assert_eq!(s("format", &[t("|%-10s|"), t("foo")]), "|foo       |");
        assert_eq!(s("format", &[t("|%*s|"), i(10), t("foo")]), "|       foo|");
        assert_eq!(s("format", &[t("|%*s|"), i(-10), t("foo")]), "|foo       |");
        assert_eq!(s("format", &[t("|%-*s|"), i(10), t("foo")]), "|foo       |");
        assert_eq!(
            s("format", &[t("Testing %3$s, %2$s, %s"), t("one"), t("two"), t("three")]),
            "Testing three, two, three"
        );
        assert_eq!(s("format", &[t("%2$s, %s"), t("a"), t("b"), t("c")]), "b, c");
        assert_eq!(s("format", &[t("100%%")]), "100%");
        assert_eq!(s("format", &[t("%s|%L"), null(DataType::Text), null(DataType::Text)]), "|NULL");
        assert_eq!(
            s("format", &[t("%I"), null(DataType::Text)]),
            "ERROR 22004: null values cannot be formatted as an SQL identifier"
        );
        assert_eq!(s("format", &[t("%x"), t("a")]), "ERROR 22023: unrecognized format() type specifier \"x\"");
        assert_eq!(s("format", &[t("abc%")]), "ERROR 22023: unterminated format() type specifier");
        assert_eq!(
            s("format", &[t("%0$s"), t("a")]),
            "ERROR 22023: format specifies argument 0, but arguments are numbered from 1"
        );
        assert_eq!(s("format", &[null(DataType::Text), t("a")]), "<NULL>");
        assert_eq!(s("format", &[t("%s"), (Value::Bool(false), DataType::Bool)]), "f");
        assert_eq!(s("format", &[t("%2000000000s"), t("x")]), "ERROR 54000: requested length too large");
    }
}
