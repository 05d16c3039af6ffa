//! Regular-expression functions (`regexp_replace`, `regexp_match`, `regexp_like`,
//! `regexp_count`, `regexp_substr`, `regexp_split_to_array`, `substring(text from pattern)`)
//! and the pattern helpers the binder uses for `LIKE ... ESCAPE` and `SIMILAR TO`
//! (`like_escape`, `similar_to_escape`). Positions (`start`) count characters.

use regex::Regex;

use crate::error::Result;
use crate::functions::pattern::{self, expand_replacement, ReFlags};
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, int4, invalid_param, text, text_value};
use crate::functions::FnContext;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Bool, Int4, Text};
    let text_arr = DataType::Array(Box::new(Text));
    r.add("regexp_replace", [p::TEXT, p::TEXT, p::TEXT], Text, regexp_replace);
    r.add("regexp_replace", [p::TEXT, p::TEXT, p::TEXT, p::TEXT], Text, regexp_replace);
    r.add("regexp_replace", [p::TEXT, p::TEXT, p::TEXT, p::INT4], Text, regexp_replace_n);
    r.add("regexp_replace", [p::TEXT, p::TEXT, p::TEXT, p::INT4, p::INT4], Text, regexp_replace_n);
    r.add("regexp_replace", [p::TEXT, p::TEXT, p::TEXT, p::INT4, p::INT4, p::TEXT], Text, regexp_replace_n);
    r.add("regexp_match", [p::TEXT, p::TEXT], text_arr.clone(), regexp_match);
    r.add("regexp_match", [p::TEXT, p::TEXT, p::TEXT], text_arr.clone(), regexp_match);
    r.add("regexp_like", [p::TEXT, p::TEXT], Bool, regexp_like);
    r.add("regexp_like", [p::TEXT, p::TEXT, p::TEXT], Bool, regexp_like);
    r.add("regexp_count", [p::TEXT, p::TEXT], Int4, regexp_count);
    r.add("regexp_count", [p::TEXT, p::TEXT, p::INT4], Int4, regexp_count);
    r.add("regexp_count", [p::TEXT, p::TEXT, p::INT4, p::TEXT], Int4, regexp_count);
    r.add("regexp_substr", [p::TEXT, p::TEXT], Text, regexp_substr);
    r.add("regexp_substr", [p::TEXT, p::TEXT, p::INT4], Text, regexp_substr);
    r.add("regexp_substr", [p::TEXT, p::TEXT, p::INT4, p::INT4], Text, regexp_substr);
    r.add("regexp_substr", [p::TEXT, p::TEXT, p::INT4, p::INT4, p::TEXT], Text, regexp_substr);
    r.add("regexp_substr", [p::TEXT, p::TEXT, p::INT4, p::INT4, p::TEXT, p::INT4], Text, regexp_substr);
    r.add("regexp_split_to_array", [p::TEXT, p::TEXT], text_arr.clone(), regexp_split_to_array);
    r.add("regexp_split_to_array", [p::TEXT, p::TEXT, p::TEXT], text_arr, regexp_split_to_array);
    r.add("substring", [p::TEXT, p::TEXT], Text, substring_regex);
    r.add("substring", [p::TEXT, p::TEXT, p::TEXT], Text, substring_similar);
    r.add("like_escape", [p::TEXT, p::TEXT], Text, like_escape);
    r.add("similar_to_escape", [p::TEXT], Text, similar_to_escape);
    r.add("similar_to_escape", [p::TEXT, p::TEXT], Text, similar_to_escape);
}

fn flags_at(args: &[Value], i: usize) -> Result<ReFlags> {
    if args.len() > i {
        ReFlags::parse(text(args, i)?)
    } else {
        Ok(ReFlags::default())
    }
}

fn no_global(f: ReFlags, func: &str) -> Result<()> {
    if f.global {
        Err(invalid_param(format!("{func}() does not support the \"global\" option"))
            .hint("Use the regexp_matches function instead."))
    } else {
        Ok(())
    }
}

/// The byte offset of character position `start` (1-based). Errors: 22023 below 1.
fn start_offset(s: &str, args: &[Value], i: usize) -> Result<usize> {
    if args.len() <= i {
        return Ok(0);
    }
    let start = int4(args, i)?;
    if start <= 0 {
        return Err(invalid_param(format!("invalid value for parameter \"start\": {start}")));
    }
    Ok(s.char_indices().nth(start as usize - 1).map(|(b, _)| b).unwrap_or(s.len()))
}

/// All matches from byte offset `from`, advancing one character past empty matches.
fn matches_from<'s>(re: &Regex, s: &'s str, from: usize) -> Vec<regex::Captures<'s>> {
    let mut out = Vec::new();
    let mut pos = from;
    while pos <= s.len() {
        let Some(c) = re.captures_at(s, pos) else { break };
        let Some(m) = c.get(0) else { break };
        pos = if m.end() == m.start() {
            s[m.end()..].chars().next().map(|ch| m.end() + ch.len_utf8()).unwrap_or(s.len() + 1)
        } else {
            m.end()
        };
        out.push(c);
    }
    out
}

fn replace_impl(s: &str, re: &Regex, repl: &str, from: usize, which: Option<usize>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (k, caps) in matches_from(re, s, from).iter().enumerate() {
        if let Some(n) = which {
            if k + 1 != n {
                continue;
            }
        }
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&s[last..m.start()]);
        expand_replacement(&mut out, repl, caps);
        last = m.end();
        if which.is_some() {
            break;
        }
    }
    out.push_str(&s[last..]);
    out
}

fn regexp_replace(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, pat, repl) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    let flags = flags_at(args, 3)?;
    let re = pattern::compile(pat, flags)?;
    Ok(text_value(replace_impl(s, &re, repl, 0, if flags.global { None } else { Some(1) })))
}

fn regexp_replace_n(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, pat, repl) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
    let from = start_offset(s, args, 3)?;
    let n = if args.len() > 4 { int4(args, 4)? } else { 1 };
    if n < 0 {
        return Err(invalid_param(format!("invalid value for parameter \"n\": {n}")));
    }
    let flags = flags_at(args, 5)?;
    let which = if n == 0 || (args.len() <= 4 && flags.global) { None } else { Some(n as usize) };
    let re = pattern::compile(pat, flags)?;
    Ok(text_value(replace_impl(s, &re, repl, from, which)))
}

fn regexp_match(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, pat) = (text(args, 0)?, text(args, 1)?);
    let flags = flags_at(args, 2)?;
    no_global(flags, "regexp_match")?;
    let re = pattern::compile(pat, flags)?;
    let Some(caps) = re.captures(s) else { return Ok(Value::Null) };
    let groups: Vec<Value> = if caps.len() > 1 {
        caps.iter().skip(1).map(|g| g.map(|m| text_value(m.as_str())).unwrap_or(Value::Null)).collect()
    } else {
        caps.get(0).map(|m| text_value(m.as_str())).into_iter().collect()
    };
    Ok(Value::Array(groups))
}

fn regexp_like(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let flags = flags_at(args, 2)?;
    no_global(flags, "regexp_like")?;
    Ok(Value::Bool(pattern::compile(text(args, 1)?, flags)?.is_match(text(args, 0)?)))
}

fn regexp_count(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = text(args, 0)?;
    let from = start_offset(s, args, 2)?;
    let flags = flags_at(args, 3)?;
    no_global(flags, "regexp_count")?;
    let re = pattern::compile(text(args, 1)?, flags)?;
    Ok(Value::Int4(matches_from(&re, s, from).len() as i32))
}

fn regexp_substr(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = text(args, 0)?;
    let from = start_offset(s, args, 2)?;
    let n = if args.len() > 3 { int4(args, 3)? } else { 1 };
    if n <= 0 {
        return Err(invalid_param(format!("invalid value for parameter \"n\": {n}")));
    }
    let flags = flags_at(args, 4)?;
    no_global(flags, "regexp_substr")?;
    let sub = if args.len() > 5 { int4(args, 5)? } else { 0 };
    if sub < 0 {
        return Err(invalid_param(format!("invalid value for parameter \"subexpr\": {sub}")));
    }
    let re = pattern::compile(text(args, 1)?, flags)?;
    let all = matches_from(&re, s, from);
    let Some(caps) = all.get(n as usize - 1) else { return Ok(Value::Null) };
    Ok(caps.get(sub as usize).map(|m| text_value(m.as_str())).unwrap_or(Value::Null))
}

/// PostgreSQL's split: zero-length matches at the ends of the string or right after a
/// previous match do not split.
fn split(re: &Regex, s: &str) -> Vec<Value> {
    let mut pieces = Vec::new();
    let mut last = 0;
    let mut prev_end = 0;
    for caps in matches_from(re, s, 0) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() < s.len() && m.end() > prev_end {
            pieces.push(text_value(&s[last..m.start()]));
            last = m.end();
        }
        prev_end = m.end();
    }
    pieces.push(text_value(&s[last..]));
    pieces
}

fn regexp_split_to_array(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let flags = flags_at(args, 2)?;
    if flags.global {
        return Err(invalid_param("regexp_split_to_array() does not support the \"global\" option"));
    }
    let re = pattern::compile(text(args, 1)?, flags)?;
    Ok(Value::Array(split(&re, text(args, 0)?)))
}

fn first_group(re: &Regex, s: &str) -> Value {
    match re.captures(s) {
        None => Value::Null,
        Some(caps) => {
            let g = if caps.len() > 1 { caps.get(1) } else { caps.get(0) };
            g.map(|m| text_value(m.as_str())).unwrap_or(Value::Null)
        }
    }
}

fn substring_regex(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let re = pattern::compile(text(args, 1)?, ReFlags::default())?;
    Ok(first_group(&re, text(args, 0)?))
}

fn substring_similar(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let pat = pattern::similar_to_escape(text(args, 1)?, Some(text(args, 2)?))?;
    let re = pattern::compile(&pat, ReFlags::default())?;
    Ok(first_group(&re, text(args, 0)?))
}

fn like_escape(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    pattern::like_escape(text(args, 0)?, text(args, 1)?).map(text_value)
}

fn similar_to_escape(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let esc = if args.len() > 1 { Some(text(args, 1)?) } else { None };
    let _ = arg(args, 0)?;
    pattern::similar_to_escape(text(args, 0)?, esc).map(text_value)
}

#[cfg(test)]
mod tests {
    use crate::functions::scalar::testing::{call_typed as call, i, t, text_of};
    use crate::types::{DataType, Value};

    fn s(name: &str, args: &[(Value, DataType)]) -> String {
        text_of(call(name, args))
    }

    fn arr(v: Value) -> Vec<Option<String>> {
        match v {
            Value::Array(items) => items.into_iter().map(|x| x.as_str().map(str::to_string)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replace() {
        assert_eq!(s("regexp_replace", &[t("Thomas"), t(".[mN]a."), t("M")]), "ThM");
        assert_eq!(s("regexp_replace", &[t("foobarbaz"), t("b(..)"), t("X\\1Y"), t("g")]), "fooXarYXazY");
        assert_eq!(s("regexp_replace", &[t("foobarbaz"), t("b(..)"), t("X\\1Y")]), "fooXarYbaz");
        assert_eq!(s("regexp_replace", &[t("ABC"), t("b"), t("[\\&]"), t("gi")]), "A[B]C");
        assert_eq!(s("regexp_replace", &[t("a$b"), t("\\$"), t("$1\\\\")]), "a$1\\b");
        assert_eq!(
            s("regexp_replace", &[t("A PostgreSQL function"), t("a|e|i|o|u"), t("X"), i(1), i(2)]),
            "A PostgrXSQL function"
        );
        assert_eq!(
            s("regexp_replace", &[t("A PostgreSQL function"), t("a|e|i|o|u"), t("X"), i(1), i(0), t("i")]),
            "X PXstgrXSQL fXnctXXn"
        );
        assert_eq!(
            s("regexp_replace", &[t("abc"), t("b"), t("x"), t("z")]),
            "ERROR 22023: invalid regular expression option: \"z\""
        );
        assert_eq!(
            s("regexp_replace", &[t("abc"), t("b"), t("x"), i(0)]),
            "ERROR 22023: invalid value for parameter \"start\": 0"
        );
        assert_eq!(s("regexp_replace", &[t("aaa"), t("x*"), t("-"), t("g")]), "-a-a-a-");
    }

    #[test]
    fn match_like_count_substr() {
        assert_eq!(
            arr(call("regexp_match", &[t("foobarbequebaz"), t("bar.*que")]).unwrap()),
            vec![Some("barbeque".into())]
        );
        assert_eq!(
            arr(call("regexp_match", &[t("foobarbequebaz"), t("(bar)(beque)")]).unwrap()),
            vec![Some("bar".into()), Some("beque".into())]
        );
        assert_eq!(arr(call("regexp_match", &[t("ab"), t("(a)|(b)")]).unwrap()), vec![Some("a".into()), None]);
        assert!(call("regexp_match", &[t("abc"), t("x")]).unwrap().is_null());
        let e = call("regexp_match", &[t("abc"), t("b"), t("g")]).unwrap_err();
        assert_eq!(e.message, "regexp_match() does not support the \"global\" option");
        assert_eq!(call("regexp_like", &[t("Hello World"), t("world$"), t("i")]).unwrap().as_bool(), Some(true));
        assert_eq!(call("regexp_count", &[t("ABCABCAXYaxy"), t("A.")]).unwrap().as_i64(), Some(3));
        assert_eq!(call("regexp_count", &[t("ABCABCAXYaxy"), t("A."), i(1), t("i")]).unwrap().as_i64(), Some(4));
        assert_eq!(
            s("regexp_substr", &[t("number of your street, town zip, FR"), t("[^,]+"), i(1), i(2)]),
            " town zip"
        );
        assert_eq!(s("regexp_substr", &[t("ABCDEFGHI"), t("(c..)(...)"), i(1), i(1), t("i"), i(2)]), "FGH");
        assert_eq!(s("regexp_substr", &[t("abc"), t("x")]), "<NULL>");
    }

    #[test]
    fn split_and_substring() {
        let sp = |a: &str, b: &str| arr(call("regexp_split_to_array", &[t(a), t(b)]).unwrap());
        assert_eq!(sp("hello world", "\\s+"), vec![Some("hello".into()), Some("world".into())]);
        assert_eq!(sp("abc", ""), vec![Some("a".into()), Some("b".into()), Some("c".into())]);
        assert_eq!(sp(",a,", ","), vec![Some("".into()), Some("a".into()), Some("".into())]);
        assert_eq!(sp("", ","), vec![Some("".into())]);
        assert_eq!(s("substring", &[t("Thomas"), t("...$")]), "mas");
        assert_eq!(s("substring", &[t("Thomas"), t("T(h)o")]), "h");
        assert_eq!(s("substring", &[t("Thomas"), t("x")]), "<NULL>");
        assert_eq!(s("substring", &[t("Thomas"), t("%#\"o_a#\"_"), t("#")]), "oma");
        assert_eq!(s("like_escape", &[t("a#%"), t("#")]), "a\\%");
        assert_eq!(s("similar_to_escape", &[t("a%")]), "^(?:a.*)$");
    }
}
