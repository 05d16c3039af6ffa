//! Parsing SQL text with sqlparser's PostgreSQL dialect: splitting a query string into
//! statements, turning parse errors into PostgreSQL's 42601 with a cursor position, and
//! working around the few things clients send that the dialect does not parse (pgbench's
//! `VACUUM ANALYZE t` and `COPY ... WITH (FREEZE ON)`).

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::error::{sqlstate, Result, SqlError};
use crate::types::DataType;

/// A pattern compiled once: building a `Regex` costs far more than matching a statement, and
/// statements are parsed on every simple Query.
macro_rules! static_regex {
    ($pattern:expr) => {{
        static RE: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($pattern).expect("a valid pattern"));
        &*RE
    }};
}

/// Nesting depth allowed in one statement (sqlparser's default of 50 is too low for some
/// generated queries).
const RECURSION_LIMIT: usize = 256;

/// One statement of a query string.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The statement's text.
    pub sql: String,
    /// Character offset of the statement in the whole string.
    pub offset: usize,
}

/// Splits a query string at top-level semicolons (outside quotes, dollar quotes and comments),
/// dropping pieces that hold only whitespace and comments.
pub fn split(sql: &str) -> Vec<Piece> {
    let chars: Vec<char> = sql.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut meaningful = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                meaningful = true;
                let quote = c;
                let escapes = quote == '\'' && i > 0 && matches!(chars[i - 1], 'e' | 'E');
                i += 1;
                while i < chars.len() {
                    if escapes && chars[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == quote {
                        if chars.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            '$' => {
                meaningful = true;
                // A dollar quote: $tag$ ... $tag$.
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < chars.len() && chars[j] == '$' && !chars[i + 1..j].first().is_some_and(|c| c.is_ascii_digit()) {
                    let tag: String = chars[i..=j].iter().collect();
                    let rest: String = chars[j + 1..].iter().collect();
                    match rest.find(&tag) {
                        Some(end) => i = j + 1 + rest[..end].chars().count() + tag.chars().count() - 1,
                        None => i = chars.len(),
                    }
                }
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                        continue;
                    }
                    if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                        continue;
                    }
                    i += 1;
                }
                continue;
            }
            ';' => {
                // The piece keeps its `;`, so that `select 1 +;` fails at or near ";" with
                // the position PostgreSQL gives.
                if meaningful {
                    pieces.push(Piece { sql: chars[start..=i].iter().collect(), offset: start });
                }
                start = i + 1;
                meaningful = false;
            }
            c if !c.is_whitespace() => meaningful = true,
            _ => {}
        }
        i += 1;
    }
    if meaningful {
        pieces.push(Piece { sql: chars[start.min(chars.len())..].iter().collect(), offset: start });
    }
    pieces
}

/// A statement as parsed: a sqlparser AST, or a statement handled before parsing.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// A parsed statement.
    Statement(Box<ast::Statement>),
    /// `VACUUM` and `CHECKPOINT` in forms the parser does not take: accepted without effect,
    /// answered with this tag.
    Noop(&'static str),
}

fn first_word(sql: &str) -> String {
    let trimmed = strip_comments(sql);
    trimmed.split(|c: char| !c.is_alphanumeric() && c != '_').find(|w| !w.is_empty()).unwrap_or("").to_lowercase()
}

fn strip_comments(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    loop {
        let t = rest.trim_start();
        if let Some(r) = t.strip_prefix("--") {
            rest = r.split_once('\n').map(|(_, b)| b).unwrap_or("");
        } else if let Some(r) = t.strip_prefix("/*") {
            rest = r.split_once("*/").map(|(_, b)| b).unwrap_or("");
        } else {
            out.push_str(t);
            return out;
        }
    }
}

/// Parses one statement's text; `offset` is its character offset in the whole query string
/// (added to error positions).
pub fn parse_piece(sql: &str, offset: usize) -> Result<Parsed> {
    match first_word(sql).as_str() {
        "vacuum" => return Ok(Parsed::Noop("VACUUM")),
        "checkpoint" => return Ok(Parsed::Noop("CHECKPOINT")),
        _ => {}
    }
    if first_word(sql) == "insert" {
        let overriding = static_regex!(r"(?i)\boverriding\s+(system|user)\s+value\b");
        if let Some(m) = overriding.find(sql) {
            return Err(SqlError::unsupported("INSERT ... OVERRIDING SYSTEM/USER VALUE")
                .hint("Declare the column GENERATED BY DEFAULT AS IDENTITY to insert explicit values into it.")
                .at(Some((offset + sql[..m.start()].chars().count() + 1) as u32)));
        }
    }
    let alter_sequence = static_regex!(r"(?i)^\s*alter\s+sequence\b");
    if alter_sequence.is_match(&strip_comments(sql)) {
        return Err(SqlError::unsupported("ALTER SEQUENCE")
            .hint("Use setval() to move a sequence, or drop and create it with new options."));
    }
    let symmetric = static_regex!(r"(?i)\bbetween\s+symmetric\b");
    if let Some(m) = symmetric.find(sql) {
        return Err(SqlError::unsupported("BETWEEN SYMMETRIC")
            .hint("Write x BETWEEN LEAST(a, b) AND GREATEST(a, b).")
            .at(Some((offset + sql[..m.start()].chars().count() + 1) as u32)));
    }
    let text = sequence_options_in_parser_order(&pgbench_copy_workaround(sql));
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(&text)
        .map_err(|e| parse_error(e, sql, offset))?;
    let stmt = parser.parse_statement().map_err(|e| parse_error(e, sql, offset))?;
    // sqlparser stops at END where it expects a statement end; refuse the leftovers.
    loop {
        let tok = parser.peek_token();
        match tok.token {
            Token::EOF => break,
            Token::SemiColon => {
                parser.next_token();
            }
            other => {
                let pos = position_of(sql, tok.span.start.line, tok.span.start.column).map(|p| p + offset as u32);
                return Err(
                    SqlError::new(sqlstate::SYNTAX_ERROR, format!("syntax error at or near \"{other}\"")).at(pos)
                );
            }
        }
    }
    Ok(Parsed::Statement(Box::new(stmt)))
}

/// pgbench sends `COPY ... WITH (FREEZE ON)`, which the dialect only takes as `FREEZE TRUE`;
/// and the dialect has no `RESET TIME ZONE` (read as `RESET timezone`, same length).
fn pgbench_copy_workaround(sql: &str) -> String {
    if first_word(sql) == "reset" {
        let re = regex::Regex::new(r"(?i)\btime(\s+)zone\b").expect("a valid pattern");
        return re.replace(sql, |c: &regex::Captures<'_>| format!("timezone{}", &c[1])).into_owned();
    }
    if first_word(sql) != "copy" {
        return sql.to_string();
    }
    let re = static_regex!(r"(?i)\b(freeze|header)\s+(on|1)\b");
    re.replace_all(sql, "$1 true").into_owned()
}

/// PostgreSQL accepts `CREATE SEQUENCE` and identity options (`START 10 INCREMENT 2`,
/// `MAXVALUE 5 START 1`) in any order, sqlparser only in one. This puts each run of options
/// in the parser's order by moving their text around; the statement keeps its length, so
/// error positions after the options stay right.
fn sequence_options_in_parser_order(sql: &str) -> String {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::Tokenizer;
    let lower = sql.to_lowercase();
    if !lower.contains("sequence") && !lower.contains("identity") {
        return sql.to_string();
    }
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location() else {
        return sql.to_string();
    };
    // Non-whitespace tokens with their character ranges.
    let toks: Vec<(Token, usize, usize)> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .filter_map(|t| {
            let start = position_of(sql, t.span.start.line, t.span.start.column)? as usize - 1;
            let end = position_of(sql, t.span.end.line, t.span.end.column)? as usize - 1;
            Some((t.token, start, end))
        })
        .collect();
    let keyword = |i: usize| match toks.get(i) {
        Some((Token::Word(w), ..)) => Some(w.keyword),
        _ => None,
    };
    let is_number = |i: usize| matches!(toks.get(i), Some((Token::Number(..), ..)));
    // The end (exclusive token index) of the option starting at `i`, and its rank in the
    // parser's order: INCREMENT, MINVALUE, MAXVALUE, START, CACHE, CYCLE.
    let option_at = |i: usize| -> Option<(usize, usize)> {
        let number_from = |j: usize| {
            let j = if matches!(toks.get(j), Some((Token::Minus | Token::Plus, ..))) { j + 1 } else { j };
            is_number(j).then_some(j + 1)
        };
        match keyword(i)? {
            Keyword::INCREMENT => {
                number_from(if keyword(i + 1) == Some(Keyword::BY) { i + 2 } else { i + 1 }).map(|e| (e, 0))
            }
            Keyword::MINVALUE => number_from(i + 1).map(|e| (e, 1)),
            Keyword::MAXVALUE => number_from(i + 1).map(|e| (e, 2)),
            Keyword::START => {
                number_from(if keyword(i + 1) == Some(Keyword::WITH) { i + 2 } else { i + 1 }).map(|e| (e, 3))
            }
            Keyword::CACHE => number_from(i + 1).map(|e| (e, 4)),
            Keyword::CYCLE => Some((i + 1, 5)),
            Keyword::NO => match keyword(i + 1)? {
                Keyword::MINVALUE => Some((i + 2, 1)),
                Keyword::MAXVALUE => Some((i + 2, 2)),
                Keyword::CYCLE => Some((i + 2, 5)),
                _ => None,
            },
            _ => None,
        }
    };
    let chars: Vec<char> = sql.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < toks.len() {
        // A run of options follows a sequence name (or its AS type) or `IDENTITY (`.
        let mut run = Vec::new();
        let mut j = i;
        while let Some((end, rank)) = option_at(j) {
            run.push((rank, toks[j].1, toks[end - 1].2));
            j = end;
        }
        if run.len() > 1 && run.windows(2).any(|w| w[0].0 > w[1].0) {
            let (from, to) = (run[0].1, run[run.len() - 1].2);
            run.sort_by_key(|r| r.0);
            let pieces: Vec<String> = run.iter().map(|&(_, a, b)| chars[a..b].iter().collect()).collect();
            let mut text: Vec<char> = pieces.join(" ").chars().collect();
            text.resize(to - from, ' ');
            out.splice(from..to, text);
        }
        i = j.max(i + 1);
    }
    out.into_iter().collect()
}

fn position_of(sql: &str, line: u64, column: u64) -> Option<u32> {
    if line == 0 {
        return None;
    }
    let mut pos = 0usize;
    for (i, l) in sql.split('\n').enumerate() {
        if i as u64 + 1 == line {
            return Some((pos + column as usize) as u32);
        }
        pos += l.chars().count() + 1;
    }
    None
}

/// Maps a parser error to PostgreSQL's syntax error with a cursor position.
fn parse_error(e: ParserError, sql: &str, offset: usize) -> SqlError {
    let msg = match &e {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => {
            return SqlError::new(sqlstate::STATEMENT_TOO_COMPLEX, "stack depth limit exceeded")
                .hint("The statement nests too deeply.")
        }
    };
    let loc = static_regex!(r" at Line: (\d+), Column: (\d+)$");
    let (body, pos) = match loc.captures(&msg) {
        Some(c) => {
            let line: u64 = c[1].parse().unwrap_or(0);
            let col: u64 = c[2].parse().unwrap_or(0);
            let body = msg[..c.get(0).map(|m| m.start()).unwrap_or(msg.len())].to_string();
            (body, position_of(sql, line, col))
        }
        None => (msg.clone(), None),
    };
    let end = sql.trim_end().chars().count() as u32 + 1;
    if let ParserError::TokenizerError(_) = e {
        let what = if body.contains("Unterminated string") {
            "unterminated quoted string"
        } else if body.contains("dollar-quoted") {
            "unterminated dollar-quoted string"
        } else if body.contains("comment") {
            "unterminated /* comment"
        } else if body.contains("delimiter '\"'") {
            "unterminated quoted identifier"
        } else {
            "syntax error"
        };
        let at = pos.unwrap_or(end);
        let near: String = sql.chars().skip(at.saturating_sub(1) as usize).collect();
        let near = near.trim_end();
        return SqlError::new(sqlstate::SYNTAX_ERROR, format!("{what} at or near \"{near}\""))
            .at(Some(at + offset as u32));
    }
    if body.contains("found: EOF") || pos.is_none() {
        return SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error at end of input").at(Some(end + offset as u32));
    }
    let near = body.rsplit_once("found: ").map(|(_, t)| t.to_string()).unwrap_or_default();
    SqlError::new(sqlstate::SYNTAX_ERROR, format!("syntax error at or near \"{near}\""))
        .at(pos.map(|p| p + offset as u32))
}

/// Parses SQL that must be exactly one statement (view bodies, internal queries).
pub fn parse_one(sql: &str) -> Result<ast::Statement> {
    match parse_piece(sql, 0)? {
        Parsed::Statement(s) => Ok(*s),
        Parsed::Noop(tag) => Err(SqlError::internal(format!("unexpected {tag}"))),
    }
}

/// Parses an expression (stored defaults and checks).
pub fn parse_expr(sql: &str) -> Result<ast::Expr> {
    let dialect = PostgreSqlDialect {};
    Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| parse_error(e, sql, 0))
}

/// Parses a possibly qualified relation name (`'public.t'::regclass`).
pub fn parse_object_name(name: &str) -> Result<ast::ObjectName> {
    let dialect = PostgreSqlDialect {};
    Parser::new(&dialect)
        .try_with_sql(name)
        .and_then(|mut p| p.parse_object_name(false))
        .map_err(|_| SqlError::new(sqlstate::INVALID_NAME, format!("invalid name syntax: \"{name}\"")))
}

/// Parses a type name (`'integer'::regtype`, `to_regtype`).
pub fn parse_type_name(name: &str) -> Result<DataType> {
    let dialect = PostgreSqlDialect {};
    let ty = Parser::new(&dialect)
        .try_with_sql(name)
        .and_then(|mut p| p.parse_data_type())
        .map_err(|_| SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{name}\" does not exist")))?;
    crate::plan::bind::bind_type(&ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_quotes_and_comments() {
        let pieces = split("select 1; select ';' -- x;\n; select $$a;b$$; /* c; */ select 'it''s;'");
        let texts: Vec<&str> = pieces.iter().map(|p| p.sql.trim()).collect();
        assert_eq!(texts, vec!["select 1;", "select ';' -- x;\n;", "select $$a;b$$;", "/* c; */ select 'it''s;'"]);
        assert!(split(" ; -- nothing\n ;").is_empty());
        assert_eq!(split("select 1")[0].offset, 0);
        assert_eq!(split("select 1; select 2")[1].offset, 9);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_piece("SELEC 1", 0).unwrap_err();
        assert_eq!(e.code, sqlstate::SYNTAX_ERROR);
        assert_eq!(e.message, "syntax error at or near \"SELEC\"");
        assert_eq!(e.position, Some(1));
        let e = parse_piece("select * from", 10).unwrap_err();
        assert_eq!(e.message, "syntax error at end of input");
        assert_eq!(e.position, Some(24));
        let e = parse_piece("select 1 end garbage", 0).unwrap_err();
        assert!(e.message.starts_with("syntax error at or near"), "{}", e.message);
    }

    #[test]
    fn pgbench_statements_parse() {
        assert!(matches!(parse_piece("vacuum analyze pgbench_branches", 0).unwrap(), Parsed::Noop("VACUUM")));
        assert!(matches!(
            parse_piece("copy pgbench_accounts from stdin with (freeze on)", 0).unwrap(),
            Parsed::Statement(_)
        ));
    }
}
