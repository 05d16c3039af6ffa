use super::*;

fn text() -> CopyFormat {
    CopyFormat::Text { delimiter: '\t', null: "\\N".into() }
}

fn csv(header: bool) -> CopyFormat {
    CopyFormat::Csv { delimiter: ',', quote: '"', escape: '"', null: String::new(), header }
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// Decodes `data` whole, byte by byte, and split at every position; all must agree.
fn decode(format: &CopyFormat, columns: usize, data: &[u8]) -> Result<Vec<CopyRow>, SqlError> {
    let run = |chunks: &[&[u8]]| -> Result<Vec<CopyRow>, SqlError> {
        let names = (1..=columns).map(|i| format!("c{i}")).collect();
        let mut decoder = CopyDecoder::new(format, names)?;
        let mut rows = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut rows)?;
        }
        decoder.finish(&mut rows)?;
        Ok(rows)
    };
    let whole = run(&[data]);
    let bytes: Vec<&[u8]> = data.chunks(1).collect();
    assert_eq!(run(&bytes), whole, "byte-by-byte decoding differs");
    for k in 0..=data.len() {
        assert_eq!(run(&[&data[..k], &data[k..]]), whole, "split at {k} differs");
    }
    whole
}

fn error(format: &CopyFormat, columns: usize, data: &[u8]) -> SqlError {
    decode(format, columns, data).expect_err("expected a COPY error")
}

#[test]
fn text_rows_and_nulls() {
    let rows = decode(&text(), 3, b"1\tone\t\\N\n2\t\ttwo\n").unwrap();
    assert_eq!(rows, vec![vec![s("1"), s("one"), None], vec![s("2"), s(""), s("two")]]);
}

#[test]
fn text_escapes() {
    let rows = decode(&text(), 1, b"a\\tb\\nc\\rd\\\\e\\.f\\x41\\x4g\\101\\7\\bX\\fY\\vZ\\q\n").unwrap();
    assert_eq!(rows, vec![vec![s("a\tb\nc\rd\\e.fA\u{4}gA\u{7}\u{8}X\u{c}Y\u{b}Zq")]]);
}

#[test]
fn text_null_matches_before_unescaping() {
    let rows = decode(&text(), 2, b"\\\\N\t\\N\n").unwrap();
    assert_eq!(rows, vec![vec![s("\\N"), None]]);
    let custom = CopyFormat::Text { delimiter: '|', null: String::new() };
    let rows = decode(&custom, 3, b"|a\\|b|\n").unwrap();
    assert_eq!(rows, vec![vec![None, s("a|b"), None]]);
}

#[test]
fn text_escaped_delimiter_and_newline_are_data() {
    let rows = decode(&text(), 2, b"a\\\tb\tc\\\nd\n").unwrap();
    assert_eq!(rows, vec![vec![s("a\tb"), s("c\nd")]]);
}

#[test]
fn text_crlf_and_missing_final_newline() {
    let rows = decode(&text(), 2, b"1\ta\r\n2\tb").unwrap();
    assert_eq!(rows, vec![vec![s("1"), s("a")], vec![s("2"), s("b")]]);
}

#[test]
fn text_end_marker_stops_decoding() {
    let rows = decode(&text(), 1, b"x\n\\.\ngarbage\twith\ttoo many\n").unwrap();
    assert_eq!(rows, vec![vec![s("x")]]);
    let rows = decode(&text(), 1, b"x\r\n\\.\r\n").unwrap();
    assert_eq!(rows, vec![vec![s("x")]]);
}

#[test]
fn text_column_count_errors() {
    let e = error(&text(), 2, b"1\t2\t3\n");
    assert_eq!((e.code, e.message.as_str()), ("22P04", "extra data after last expected column"));
    let e = error(&text(), 3, b"1\t2\n");
    assert_eq!((e.code, e.message.as_str()), ("22P04", "missing data for column \"c3\""));
}

#[test]
fn text_literal_carriage_return_is_an_error() {
    let e = error(&text(), 1, b"a\rb\n");
    assert_eq!(e.code, "22P04");
    assert_eq!(e.message, "literal carriage return found in data");
}

#[test]
fn text_invalid_utf8_and_zero_bytes() {
    assert_eq!(error(&text(), 1, b"\\377\n").code, "22021");
    assert_eq!(error(&text(), 1, b"a\\0b\n").code, "22021");
    assert_eq!(error(&text(), 1, b"\xff\n").code, "22021");
}

#[test]
fn error_line_numbers() {
    let mut decoder = CopyDecoder::new(&text(), vec!["a".into()]).unwrap();
    let mut rows = Vec::new();
    assert!(decoder.feed(b"a\nb\nc\td\n", &mut rows).is_err());
    assert_eq!(decoder.line(), 3);
    assert_eq!(rows.len(), 2);
}

#[test]
fn csv_quotes_escapes_and_newlines() {
    let data = b"1,\"a,b\",\"say \"\"hi\"\"\"\n2,\"multi\nline\r\nvalue\",plain\n";
    let rows = decode(&csv(false), 3, data).unwrap();
    assert_eq!(
        rows,
        vec![vec![s("1"), s("a,b"), s("say \"hi\"")], vec![s("2"), s("multi\nline\r\nvalue"), s("plain")]]
    );
}

#[test]
fn csv_nulls_and_empty_strings() {
    let rows = decode(&csv(false), 3, b",\"\",x\n").unwrap();
    assert_eq!(rows, vec![vec![None, s(""), s("x")]]);
    let with_null = CopyFormat::Csv { delimiter: ',', quote: '"', escape: '"', null: "NULL".into(), header: false };
    let rows = decode(&with_null, 3, b"NULL,\"NULL\",\n").unwrap();
    assert_eq!(rows, vec![vec![None, s("NULL"), s("")]]);
}

#[test]
fn csv_header_is_skipped() {
    let rows = decode(&csv(true), 2, b"id,name\n1,a\n2,b\n").unwrap();
    assert_eq!(rows, vec![vec![s("1"), s("a")], vec![s("2"), s("b")]]);
}

#[test]
fn csv_custom_delimiter_quote_and_escape() {
    let format = CopyFormat::Csv { delimiter: ';', quote: '\'', escape: '\\', null: String::new(), header: false };
    let rows = decode(&format, 3, b"'a;b';'it\\'s';'back\\\\slash \\n'\n").unwrap();
    assert_eq!(rows, vec![vec![s("a;b"), s("it's"), s("back\\slash \\n")]]);
}

#[test]
fn csv_crlf_end_marker_and_unterminated_quote() {
    let rows = decode(&csv(false), 2, b"1,a\r\n\\.\r\nignored\n").unwrap();
    assert_eq!(rows, vec![vec![s("1"), s("a")]]);
    let e = error(&csv(false), 2, b"1,\"open\n");
    assert_eq!((e.code, e.message.as_str()), ("22P04", "unterminated CSV quoted field"));
}

#[test]
fn csv_quoted_end_marker_is_data() {
    let rows = decode(&csv(false), 1, b"\"\\.\"\n").unwrap();
    assert_eq!(rows, vec![vec![s("\\.")]]);
}

#[test]
fn zero_columns_accept_empty_lines() {
    assert_eq!(decode(&text(), 0, b"\n\n").unwrap(), vec![Vec::<Option<String>>::new(); 2]);
}

#[test]
fn multibyte_delimiters_are_refused() {
    let format = CopyFormat::Text { delimiter: '→', null: "\\N".into() };
    assert_eq!(CopyDecoder::new(&format, vec!["a".into()]).unwrap_err().code, "0A000");
}

fn encode(format: &CopyFormat, rows: &[Vec<Option<&str>>]) -> String {
    let encoder = CopyEncoder::new(format).unwrap();
    let mut out = Vec::new();
    for row in rows {
        encoder.encode_row(row, &mut out);
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn text_encoding_escapes() {
    let out = encode(&text(), &[vec![Some("a\tb"), None, Some("back\\slash\nnew\rline\u{8}")]]);
    assert_eq!(out, "a\\tb\t\\N\tback\\\\slash\\nnew\\rline\\b\n");
    let pipe = CopyFormat::Text { delimiter: '|', null: String::new() };
    assert_eq!(encode(&pipe, &[vec![Some("a|b"), None]]), "a\\|b|\n");
}

#[test]
fn csv_encoding_quotes_when_needed() {
    let out =
        encode(&csv(false), &[vec![Some("plain"), Some("a,b"), Some("say \"hi\""), Some(""), None, Some("x\ny")]]);
    assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"\",,\"x\ny\"\n");
    assert_eq!(encode(&csv(false), &[vec![Some("\\.")]]), "\"\\.\"\n");
}

#[test]
fn csv_header_line() {
    let encoder = CopyEncoder::new(&csv(true)).unwrap();
    assert_eq!(encoder.header(&["id", "a,b"]).unwrap(), b"id,\"a,b\"\n".to_vec());
    assert!(CopyEncoder::new(&csv(false)).unwrap().header(&["id"]).is_none());
    assert!(CopyEncoder::new(&text()).unwrap().header(&["id"]).is_none());
}

#[test]
fn encoding_round_trips_through_decoding() {
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("tab\there"), None, Some("")],
        vec![Some("line\nbreak\r\n"), Some("\\N"), Some("quote\"comma,")],
        vec![Some("\\."), Some("unicode ✓"), Some("back\\slash")],
    ];
    let expected: Vec<CopyRow> = rows.iter().map(|r| r.iter().map(|f| f.map(str::to_string)).collect()).collect();
    for format in [text(), csv(false), csv(true)] {
        let encoder = CopyEncoder::new(&format).unwrap();
        let mut data = encoder.header(&["a", "b", "c"]).unwrap_or_default();
        for row in &rows {
            encoder.encode_row(row, &mut data);
        }
        assert_eq!(decode(&format, 3, &data).unwrap(), expected, "{format:?}");
    }
}
