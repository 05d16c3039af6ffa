//! One-dimensional array text I/O (`array_in`/`array_out`): `{1,2,NULL}`, with elements
//! quoted when they are empty, spell `NULL`, or contain `"`, `\`, `{`, `}`, `,` or
//! whitespace.
//!
//! Multidimensional input (`{{1,2},{3,4}}`) and lower bounds other than 1 (`[0:1]={1,2}`) are
//! rejected with 0A000: Tandem's arrays are one-dimensional and 1-based.

use super::{format_text, parse_text, TextContext};
use crate::error::{sqlstate, Result, SqlError};
use crate::types::{DataType, Value};

/// `array_isspace`.
fn is_array_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// `array_out` for a one-dimensional array of `elem`.
pub(super) fn format_array(items: &[Value], elem: &DataType, ctx: &TextContext) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if item.is_null() {
            out.push_str("NULL");
            continue;
        }
        let text = format_text(item, elem, ctx);
        let needs_quotes = text.is_empty()
            || text.eq_ignore_ascii_case("NULL")
            || text.chars().any(|c| matches!(c, '"' | '\\' | '{' | '}' | ',') || is_array_space(c));
        if needs_quotes {
            out.push('"');
            for c in text.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    out.push('}');
    out
}

/// 0A000 with `message`.
fn not_supported(message: &str) -> SqlError {
    SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, message)
}

fn malformed(input: &str, detail: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_TEXT_REPRESENTATION, format!("malformed array literal: \"{input}\"")).detail(detail)
}

/// Reads an optional `[lo:hi]=` decoration; returns the declared length.
fn read_dimensions(input: &str, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Result<Option<i64>> {
    if chars.peek().map(|&(_, c)| c) != Some('[') {
        return Ok(None);
    }
    chars.next();
    let mut text = String::new();
    loop {
        match chars.next() {
            Some((_, ']')) => break,
            Some((_, c)) => text.push(c),
            None => return Err(malformed(input, "Missing \"]\" after array dimensions.")),
        }
    }
    let (lo, hi) = match text.split_once(':') {
        Some((lo, hi)) => (lo.trim(), hi.trim()),
        None => ("1", text.trim()),
    };
    let parse = |s: &str| {
        s.parse::<i64>().map_err(|_| malformed(input, "\"[\" must introduce explicitly-specified array dimensions."))
    };
    let (lo, hi) = (parse(lo)?, parse(hi)?);
    if chars.peek().map(|&(_, c)| c) == Some('[') {
        return Err(not_supported("multidimensional arrays are not supported"));
    }
    if chars.next().map(|(_, c)| c) != Some('=') {
        return Err(malformed(input, "Missing \"=\" after array dimensions."));
    }
    if hi < lo {
        return Err(SqlError::new(
            sqlstate::INVALID_TEXT_REPRESENTATION,
            "upper bound cannot be less than lower bound",
        ));
    }
    if lo != 1 {
        return Err(not_supported("array lower bounds other than 1 are not supported"));
    }
    Ok(Some(hi - lo + 1))
}

/// Where `array_in`'s scanner is (PostgreSQL's `ArrayParseState`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    NoLevel,
    LevelStarted,
    ElemStarted,
    QuotedElemStarted,
    QuotedElemCompleted,
    ElemDelimited,
    LevelCompleted,
    LevelDelimited,
}

/// An element's text as written, before the element type reads it.
struct RawElem {
    text: String,
    /// Unquoted and unescaped, so that `NULL` means NULL.
    bare: bool,
}

/// Ends the element being read, if any, dropping unquoted trailing whitespace.
fn finish_elem(text: &mut String, bare: &mut bool, keep: &mut usize, has: &mut bool, elems: &mut Vec<RawElem>) {
    if std::mem::take(has) {
        text.truncate(*keep);
        elems.push(RawElem { text: std::mem::take(text), bare: *bare });
    }
    *bare = true;
    *keep = 0;
}

/// `ArrayCount` and `ReadArrayStr`: checks the whole literal (from its `{`), then returns the
/// elements and the nesting depth. Errors name `literal`, the text from the `{` on.
fn scan(literal: &str) -> Result<(Vec<RawElem>, usize)> {
    let err = |detail: String| malformed(literal, detail);
    let mut chars = literal.chars().peekable();
    let mut state = State::NoLevel;
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut in_quotes = false;
    let mut elems = Vec::new();
    let mut text = String::new();
    let mut bare = true;
    // Length of `text` up to its last quoted, escaped or non-space character.
    let mut keep = 0usize;
    let mut has_elem = false;
    loop {
        let Some(c) = chars.next() else { return Err(err("Unexpected end of input.".into())) };
        match c {
            '\\' => {
                if !matches!(
                    state,
                    State::LevelStarted | State::ElemStarted | State::QuotedElemStarted | State::ElemDelimited
                ) {
                    return Err(err("Unexpected \"\\\" character.".into()));
                }
                if state != State::QuotedElemStarted {
                    state = State::ElemStarted;
                }
                let Some(next) = chars.next() else { return Err(err("Unexpected end of input.".into())) };
                text.push(next);
                keep = text.len();
                bare = false;
                has_elem = true;
            }
            '"' => {
                if !matches!(state, State::LevelStarted | State::QuotedElemStarted | State::ElemDelimited) {
                    return Err(err("Unexpected array element.".into()));
                }
                in_quotes = !in_quotes;
                state = if in_quotes { State::QuotedElemStarted } else { State::QuotedElemCompleted };
                keep = text.len();
                bare = false;
                has_elem = true;
            }
            _ if in_quotes => {
                text.push(c);
                keep = text.len();
            }
            '{' => {
                if !matches!(state, State::NoLevel | State::LevelStarted | State::LevelDelimited) {
                    return Err(err("Unexpected \"{\" character.".into()));
                }
                state = State::LevelStarted;
                if depth >= 6 {
                    return Err(SqlError::new(
                        sqlstate::PROGRAM_LIMIT_EXCEEDED,
                        format!("number of array dimensions ({}) exceeds the maximum allowed (6)", depth + 1),
                    ));
                }
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            '}' => {
                if !matches!(
                    state,
                    State::ElemStarted | State::QuotedElemCompleted | State::LevelCompleted | State::LevelStarted
                ) {
                    return Err(err("Unexpected \"}\" character.".into()));
                }
                finish_elem(&mut text, &mut bare, &mut keep, &mut has_elem, &mut elems);
                state = State::LevelCompleted;
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' => {
                if !matches!(state, State::ElemStarted | State::QuotedElemCompleted | State::LevelCompleted) {
                    return Err(err("Unexpected \",\" character.".into()));
                }
                finish_elem(&mut text, &mut bare, &mut keep, &mut has_elem, &mut elems);
                state = if state == State::LevelCompleted { State::LevelDelimited } else { State::ElemDelimited };
            }
            c if is_array_space(c) => {
                if state == State::ElemStarted {
                    text.push(c);
                }
            }
            c => {
                if !matches!(state, State::LevelStarted | State::ElemStarted | State::ElemDelimited) {
                    return Err(err("Unexpected array element.".into()));
                }
                state = State::ElemStarted;
                text.push(c);
                keep = text.len();
                has_elem = true;
            }
        }
    }
    if chars.any(|c| !is_array_space(c)) {
        return Err(err("Junk after closing right brace.".into()));
    }
    Ok((elems, max_depth))
}

/// `array_in` for a one-dimensional array of `elem`.
pub(super) fn parse_array(input: &str, elem: &DataType, ctx: &TextContext) -> Result<Vec<Value>> {
    let mut chars = input.char_indices().peekable();
    let skip_space = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while chars.peek().is_some_and(|&(_, c)| is_array_space(c)) {
            chars.next();
        }
    };
    skip_space(&mut chars);
    let declared = read_dimensions(input, &mut chars)?;
    skip_space(&mut chars);
    let start = match chars.peek() {
        Some(&(at, '{')) => at,
        _ => return Err(malformed(input, "Array value must start with \"{\" or dimension information.")),
    };
    let (raw, depth) = scan(&input[start..])?;
    if depth > 1 {
        return Err(not_supported("multidimensional arrays are not supported"));
    }
    if let Some(n) = declared {
        if n != raw.len() as i64 {
            return Err(malformed(input, "Specified array dimensions do not match array contents."));
        }
    }
    raw.into_iter()
        .map(|e| {
            if e.bare && e.text.eq_ignore_ascii_case("NULL") {
                Ok(Value::Null)
            } else {
                parse_text(&e.text, elem, ctx)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> TextContext {
        TextContext::default()
    }

    fn texts(v: &[&str]) -> Vec<Value> {
        v.iter().map(|s| Value::Text(s.to_string())).collect()
    }

    #[test]
    fn output_quotes_what_needs_it() {
        let v = vec![Value::Text("a b".into()), Value::Text("x\"y".into()), Value::Null, Value::Text("".into())];
        assert_eq!(format_array(&v, &DataType::Text, &ctx()), r#"{"a b","x\"y",NULL,""}"#);
        let v = texts(&["null", "a,b", "{}", "back\\slash", "é"]);
        assert_eq!(format_array(&v, &DataType::Text, &ctx()), r#"{"null","a,b","{}","back\\slash",é}"#);
        assert_eq!(format_array(&[], &DataType::Int4, &ctx()), "{}");
        let v = vec![Value::Int4(1), Value::Int4(-2), Value::Null];
        assert_eq!(format_array(&v, &DataType::Int4, &ctx()), "{1,-2,NULL}");
        assert_eq!(format_array(&[Value::Bytea(vec![10])], &DataType::Bytea, &ctx()), r#"{"\\x0a"}"#);
    }

    #[test]
    fn input() {
        let p = |s: &str| parse_array(s, &DataType::Text, &ctx()).unwrap();
        assert_eq!(format_array(&p(r#"{"a b","x\"y",NULL,""}"#), &DataType::Text, &ctx()), r#"{"a b","x\"y",NULL,""}"#);
        assert_eq!(p("{}").len(), 0);
        assert_eq!(p("  { }  ").len(), 0);
        assert!(matches!(p("{null}")[0], Value::Null));
        assert!(matches!(&p(r#"{"NULL"}"#)[0], Value::Text(s) if s == "NULL"));
        assert!(matches!(&p(r#"{\NULL}"#)[0], Value::Text(s) if s == "NULL"));
        assert_eq!(format_array(&p("{ a b , c\\ ,d}"), &DataType::Text, &ctx()), r#"{"a b","c ",d}"#);
        assert_eq!(format_array(&p("[1:2]={x,y}"), &DataType::Text, &ctx()), "{x,y}");
        let ints = parse_array("{1, 2 ,NULL}", &DataType::Int4, &ctx()).unwrap();
        assert!(matches!(ints.as_slice(), [Value::Int4(1), Value::Int4(2), Value::Null]));
    }

    #[test]
    fn errors() {
        let e = |s: &str| parse_array(s, &DataType::Text, &ctx()).unwrap_err();
        let err = e("1,2");
        assert_eq!(err.message, "malformed array literal: \"1,2\"");
        assert_eq!(err.detail.as_deref(), Some("Array value must start with \"{\" or dimension information."));
        assert_eq!(e("{1,2").detail.as_deref(), Some("Unexpected end of input."));
        assert_eq!(e("{1,,2}").detail.as_deref(), Some("Unexpected \",\" character."));
        assert_eq!(e("{1}x").detail.as_deref(), Some("Junk after closing right brace."));
        assert_eq!(e("{\"a\"b}").detail.as_deref(), Some("Unexpected array element."));
        assert_eq!(e("{a\"b}").detail.as_deref(), Some("Unexpected array element."));
        assert_eq!(e("{\"a}").detail.as_deref(), Some("Unexpected end of input."));
        assert_eq!(e("{a\\").detail.as_deref(), Some("Unexpected end of input."));
        assert_eq!(e("{,}").detail.as_deref(), Some("Unexpected \",\" character."));
        assert_eq!(e("{1,}").detail.as_deref(), Some("Unexpected \"}\" character."));
        assert_eq!(e("{1,{2}}").detail.as_deref(), Some("Unexpected \"{\" character."));
        assert_eq!(e("{{").detail.as_deref(), Some("Unexpected end of input."));
        assert_eq!(e(" {\"a}").message, "malformed array literal: \"{\"a}\"");
        assert_eq!(e("{\"a\"\\b}").detail.as_deref(), Some("Unexpected \"\\\" character."));
        assert_eq!(e("{a{b}").detail.as_deref(), Some("Unexpected \"{\" character."));
        assert_eq!(e("[2:1]={}").message, "upper bound cannot be less than lower bound");
        assert_eq!(e("{{1},{2}}").code, "0A000");
        assert_eq!(e("[0:1]={1,2}").code, "0A000");
        assert_eq!(e("[1:3]={1,2}").detail.as_deref(), Some("Specified array dimensions do not match array contents."));
        assert_eq!(e("").code, "22P02");
        let err = parse_array("{1,x}", &DataType::Int4, &ctx()).unwrap_err();
        assert_eq!(err.message, "invalid input syntax for type integer: \"x\"");
        // The whole literal is checked before any element is read.
        let err = parse_array("{x,\"y", &DataType::Int4, &ctx()).unwrap_err();
        assert_eq!(err.detail.as_deref(), Some("Unexpected end of input."));
    }
}
