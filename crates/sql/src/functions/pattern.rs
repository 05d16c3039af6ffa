//! Pattern matching: `LIKE`/`ILIKE` (with `%`, `_` and an escape character, backslash by
//! default), `like_escape`, `similar_to_escape`, and PostgreSQL regular expressions on top of
//! the `regex` crate.
//!
//! PostgreSQL's regular expressions are Henry Spencer's "advanced REs"; the `regex` crate
//! covers most of their syntax. [`compile`] translates what differs: `\m`, `\M`, `\y`, `\Y`,
//! `[[:<:]]`, `[[:>:]]` (word boundaries), `\Z`, literal `[` inside brackets, and the
//! embedded-option prefix `(?flags)`. By default `.` matches a newline and `^`/`$` anchor the
//! whole string, as in PostgreSQL. Back references and lookaround are not supported by the
//! `regex` crate; such patterns fail with 2201B. Compiled patterns are cached per thread.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use crate::error::{sqlstate, Result, SqlError};

/// One element of a parsed `LIKE` pattern.
#[derive(Debug, PartialEq)]
enum Tok {
    Lit(char),
    One,
    Many,
}

fn parse_like(pattern: &str, escape: Option<char>) -> Result<Vec<Tok>> {
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        if Some(c) == escape {
            match it.next() {
                Some(n) => toks.push(Tok::Lit(n)),
                None => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_ESCAPE_SEQUENCE,
                        "LIKE pattern must not end with escape character",
                    ))
                }
            }
        } else if c == '%' {
            if toks.last() != Some(&Tok::Many) {
                toks.push(Tok::Many);
            }
        } else if c == '_' {
            toks.push(Tok::One);
        } else {
            toks.push(Tok::Lit(c));
        }
    }
    Ok(toks)
}

/// `text LIKE pattern` with escape character `escape` (`None`: no escaping). Errors: 22025 for
/// a pattern ending in the escape character.
pub(crate) fn like(text: &str, pattern: &str, escape: Option<char>, case_insensitive: bool) -> Result<bool> {
    let (text, pattern) = if case_insensitive {
        (text.to_lowercase(), pattern.to_lowercase())
    } else {
        (text.to_string(), pattern.to_string())
    };
    let toks = parse_like(&pattern, escape)?;
    let s: Vec<char> = text.chars().collect();
    // Greedy matching with backtracking to the last `%`: O(n*m) worst case.
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match toks.get(pi) {
            Some(Tok::Lit(c)) if *c == s[si] => {
                si += 1;
                pi += 1;
            }
            Some(Tok::One) => {
                si += 1;
                pi += 1;
            }
            Some(Tok::Many) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return Ok(false),
            },
        }
    }
    Ok(toks[pi.min(toks.len())..].iter().all(|t| *t == Tok::Many))
}

/// PostgreSQL's `like_escape(pattern, escape)`: rewrites a pattern written with escape
/// character `escape` into one using backslash. An empty escape disables escaping.
pub(crate) fn like_escape(pattern: &str, escape: &str) -> Result<String> {
    let mut e = escape.chars();
    let Some(esc) = e.next() else {
        return Ok(pattern.replace('\\', "\\\\"));
    };
    if e.next().is_some() {
        return Err(SqlError::new(sqlstate::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
            .hint("Escape string must be empty or one character."));
    }
    if esc == '\\' {
        return Ok(pattern.to_string());
    }
    let mut out = String::with_capacity(pattern.len());
    let mut after_escape = false;
    for c in pattern.chars() {
        if c == esc && !after_escape {
            out.push('\\');
            after_escape = true;
        } else if c == '\\' {
            out.push('\\');
            if !after_escape {
                out.push('\\');
            }
            after_escape = false;
        } else {
            out.push(c);
            after_escape = false;
        }
    }
    Ok(out)
}

/// The escape character of a `LIKE` pattern argument as the binder passes it: the default is
/// backslash.
pub(crate) const DEFAULT_ESCAPE: Option<char> = Some('\\');

/// PostgreSQL's `similar_to_escape(pattern[, escape])`: converts an SQL `SIMILAR TO` pattern
/// into an anchored POSIX regular expression.
pub(crate) fn similar_to_escape(pattern: &str, escape: Option<&str>) -> Result<String> {
    let esc = match escape {
        None => Some('\\'),
        Some(e) => {
            let mut it = e.chars();
            match (it.next(), it.next()) {
                (None, _) => None,
                (Some(c), None) => Some(c),
                _ => {
                    return Err(SqlError::new(sqlstate::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                        .hint("Escape string must be empty or one character."))
                }
            }
        }
    };
    let mut out = String::from("^(?:");
    let mut after_escape = false;
    let mut in_bracket = 0;
    let mut quotes = 0;
    for c in pattern.chars() {
        if after_escape {
            if c == '"' && in_bracket == 0 {
                // The SQL-standard substring markers split the pattern in three parts.
                match quotes {
                    0 => out.push_str("){1,1}?("),
                    1 => out.push_str("){1,1}(?:"),
                    _ => {
                        return Err(SqlError::new(
                            sqlstate::INVALID_ESCAPE_SEQUENCE,
                            "SQL regular expression may not contain more than two escape-double-quote separators",
                        ))
                    }
                }
                quotes += 1;
            } else {
                out.push('\\');
                out.push(c);
            }
            after_escape = false;
        } else if Some(c) == esc {
            after_escape = true;
        } else if in_bracket > 0 {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
            if c == ']' {
                in_bracket = 0;
            }
        } else if c == '[' {
            in_bracket = 1;
            out.push(c);
        } else {
            match c {
                '%' => out.push_str(".*"),
                '_' => out.push('.'),
                '(' => out.push_str("(?:"),
                '\\' | '.' | '^' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                other => out.push(other),
            }
        }
    }
    out.push_str(")$");
    Ok(out)
}

/// Options of a regular expression call (`regexp_replace(..., 'gi')`, `~*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct ReFlags {
    /// Case-insensitive.
    pub icase: bool,
    /// Newline-sensitive (`n`): `.` does not match newline, `^`/`$` match at lines.
    pub newline: bool,
    /// Expanded syntax (`x`).
    pub expanded: bool,
    /// Global (`g`), for the functions that accept it.
    pub global: bool,
}

impl ReFlags {
    /// Parses a flags string (`g`, `i`, `c`, `n`, `m`, `s`, `p`, `w`, `x`, `t`). Errors: 22023
    /// `invalid regular expression option: "z"`.
    pub(crate) fn parse(flags: &str) -> Result<ReFlags> {
        let mut f = ReFlags::default();
        for c in flags.chars() {
            match c {
                'g' => f.global = true,
                'i' => f.icase = true,
                'c' => f.icase = false,
                'n' | 'm' | 'p' | 'w' => f.newline = true,
                's' => f.newline = false,
                'x' => f.expanded = true,
                't' => f.expanded = false,
                other => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        format!("invalid regular expression option: \"{other}\""),
                    ))
                }
            }
        }
        Ok(f)
    }
}

/// Translates a PostgreSQL ARE into `regex` syntax.
fn translate(pattern: &str, flags: ReFlags) -> String {
    let mut flags = flags;
    let mut rest = pattern;
    // Embedded options: (?flags) at the very start.
    if let Some(body) = rest.strip_prefix("(?") {
        if let Some(end) = body.find(')') {
            let opts = &body[..end];
            if !opts.is_empty() && opts.chars().all(|c| c.is_ascii_alphabetic()) {
                for c in opts.chars() {
                    match c {
                        'i' => flags.icase = true,
                        'c' => flags.icase = false,
                        'n' | 'm' | 'p' | 'w' => flags.newline = true,
                        's' => flags.newline = false,
                        'x' => flags.expanded = true,
                        't' => flags.expanded = false,
                        _ => {}
                    }
                }
                rest = &body[end + 1..];
            }
        }
    }
    let mut out = String::with_capacity(rest.len() + 16);
    out.push_str("(?");
    out.push(if flags.newline { 'm' } else { 's' });
    if flags.icase {
        out.push('i');
    }
    if flags.expanded {
        out.push('x');
    }
    out.push(')');
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    let starts =
        |i: usize, s: &str| chars.get(i..i + s.chars().count()).is_some_and(|w| w.iter().copied().eq(s.chars()));
    while i < chars.len() {
        let c = chars[i];
        if starts(i, "[[:<:]]") {
            out.push_str(r"\b{start}");
            i += 7;
        } else if starts(i, "[[:>:]]") {
            out.push_str(r"\b{end}");
            i += 7;
        } else if c == '\\' {
            match chars.get(i + 1) {
                Some('m') => out.push_str(r"\b{start}"),
                Some('M') => out.push_str(r"\b{end}"),
                Some('y') => out.push_str(r"\b"),
                Some('Y') => out.push_str(r"\B"),
                Some('Z') => out.push_str(r"\z"),
                Some(n) => {
                    out.push('\\');
                    out.push(*n);
                }
                None => out.push_str(r"\\"),
            }
            i += 2;
        } else if c == '[' {
            // A bracket expression: copy it, escaping what `regex` would read as nested
            // classes or set operators.
            out.push('[');
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            if chars.get(i) == Some(&']') {
                out.push_str(r"\]");
                i += 1;
            }
            while i < chars.len() && chars[i] != ']' {
                let b = chars[i];
                if b == '[' && matches!(chars.get(i + 1), Some(':') | Some('.') | Some('=')) {
                    let delim = chars[i + 1];
                    let close =
                        (i + 2..chars.len().saturating_sub(1)).find(|&j| chars[j] == delim && chars[j + 1] == ']');
                    match close {
                        Some(j) if delim == ':' => {
                            out.extend(&chars[i..j + 2]);
                            i = j + 2;
                        }
                        Some(j) => {
                            for x in &chars[i + 2..j] {
                                push_class_char(&mut out, *x);
                            }
                            i = j + 2;
                        }
                        None => {
                            out.push_str(r"\[");
                            i += 1;
                        }
                    }
                } else if b == '\\' {
                    out.push('\\');
                    if let Some(n) = chars.get(i + 1) {
                        out.push(*n);
                    }
                    i += 2;
                } else {
                    push_class_char(&mut out, b);
                    i += 1;
                }
            }
            if i < chars.len() {
                out.push(']');
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn push_class_char(out: &mut String, c: char) {
    if matches!(c, '[' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

thread_local! {
    static CACHE: RefCell<HashMap<(String, ReFlags), Regex>> = RefCell::new(HashMap::new());
}

const CACHE_LIMIT: usize = 256;

/// Compiles (or fetches from the per-thread cache) a PostgreSQL regular expression. Errors:
/// 2201B `invalid regular expression: ...`.
pub(crate) fn compile(pattern: &str, flags: ReFlags) -> Result<Regex> {
    let key_flags = ReFlags { global: false, ..flags };
    let key = (pattern.to_string(), key_flags);
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    let re = Regex::new(&translate(pattern, key_flags)).map_err(|e| {
        let msg = match e {
            regex::Error::Syntax(s) => {
                s.lines().last().unwrap_or("syntax error").trim_start_matches("error: ").to_string()
            }
            regex::Error::CompiledTooBig(_) => "regular expression is too complex".to_string(),
            other => other.to_string(),
        };
        SqlError::new(sqlstate::INVALID_REGULAR_EXPRESSION, format!("invalid regular expression: {msg}"))
    })?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

/// Expands a `regexp_replace` replacement for one match: `\1`-`\9` are groups, `\&` the whole
/// match, `\\` a backslash; any other backslash is literal.
pub(crate) fn expand_replacement(out: &mut String, replacement: &str, caps: &regex::Captures<'_>) {
    let mut it = replacement.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some(d @ '1'..='9') => {
                it.next();
                let idx = d as usize - '0' as usize;
                if let Some(m) = caps.get(idx) {
                    out.push_str(m.as_str());
                }
            }
            Some('&') => {
                it.next();
                if let Some(m) = caps.get(0) {
                    out.push_str(m.as_str());
                }
            }
            Some('\\') => {
                it.next();
                out.push('\\');
            }
            _ => out.push('\\'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str, p: &str) -> bool {
        like(s, p, DEFAULT_ESCAPE, false).unwrap()
    }

    #[test]
    fn like_patterns() {
        assert!(l("abc", "abc"));
        assert!(l("abc", "a%"));
        assert!(l("abc", "_b_"));
        assert!(!l("abc", "c"));
        assert!(l("abc", "%"));
        assert!(l("", "%"));
        assert!(!l("", "_"));
        assert!(l("abcabc", "%bc%bc"));
        assert!(!l("abcab", "%bc%bc"));
        assert!(l("a%c", "a\\%c"));
        assert!(!l("abc", "a\\%c"));
        assert!(l("a_c", "a\\_c"));
        assert!(l("héllo", "h_llo"));
        assert!(l("mississippi", "%iss%ppi"));
        assert!(like("ABC", "a%", DEFAULT_ESCAPE, true).unwrap());
        assert!(!like("ABC", "a%", DEFAULT_ESCAPE, false).unwrap());
        let e = like("abc", "ab\\", DEFAULT_ESCAPE, false).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22025", "LIKE pattern must not end with escape character"));
        assert!(like("a\\", "a\\", None, false).unwrap());
    }

    #[test]
    fn like_escape_rewrites() {
        assert_eq!(like_escape("a#%b", "#").unwrap(), "a\\%b");
        assert_eq!(like_escape("a\\b", "").unwrap(), "a\\\\b");
        assert_eq!(like_escape("a\\b", "#").unwrap(), "a\\\\b");
        assert_eq!(like_escape("a%", "\\").unwrap(), "a%");
        assert_eq!(like_escape("a", "ab").unwrap_err().code, "22025");
    }

    #[test]
    fn regex_translation() {
        let m = |p: &str, s: &str| compile(p, ReFlags::default()).unwrap().is_match(s);
        assert!(m("^a.c$", "abc"));
        assert!(m("a.c", "a\nc"));
        assert!(m(r"\mfoo\M", "a foo b"));
        assert!(!m(r"\mfoo\M", "afoob"));
        assert!(m(r"\yfoo\y", "foo"));
        assert!(m("[[:<:]]foo", "x foo"));
        assert!(m("[[:alpha:]]+", "abc"));
        assert!(m("[a[]", "["));
        assert!(m("[]a]", "]"));
        assert!(m("(?i)ABC", "abc"));
        assert!(compile("abc", ReFlags { icase: true, ..Default::default() }).unwrap().is_match("ABC"));
        assert!(m(r"a&&b", "a&&b"));
        assert!(m(r"[&~]", "~"));
        let e = compile("(", ReFlags::default()).unwrap_err();
        assert_eq!(e.code, "2201B");
        assert!(e.message.starts_with("invalid regular expression: "));
        assert_eq!(ReFlags::parse("gz").unwrap_err().message, "invalid regular expression option: \"z\"");
    }

    #[test]
    fn similar_to() {
        let re = |p: &str| compile(&similar_to_escape(p, None).unwrap(), ReFlags::default()).unwrap();
        assert!(re("abc").is_match("abc"));
        assert!(re("a%").is_match("abc"));
        assert!(!re("a").is_match("abc"));
        assert!(re("%(b|d)%").is_match("abc"));
        assert!(!re("(b|c)%").is_match("abc"));
        assert!(re("a_c").is_match("abc"));
        assert!(re("a.c").is_match("a.c"));
        assert!(!re("a.c").is_match("abc"));
    }
}
