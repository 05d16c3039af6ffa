//! PostgreSQL's COPY text and CSV formats, as pure codecs.
//!
//! [`CopyDecoder`] turns the CopyData chunks of a `COPY ... FROM STDIN` (which split rows
//! anywhere, even inside an escape or a quoted field) into rows of text fields (`None` for
//! NULL). [`CopyEncoder`] writes the rows of a `COPY ... TO STDOUT`, one line per row.
//!
//! Text format: fields split on the delimiter; backslash escapes `\b \f \n \r \t \v \\`,
//! octal `\NNN` and hex `\xHH`, any other escaped character stands for itself (a backslash
//! before a newline makes the newline data); the NULL string is matched before escapes are
//! processed; a line holding only `\.` ends the data. Lines end with LF or CRLF; a bare CR
//! inside a line is an error, as in PostgreSQL.
//!
//! CSV: fields split on the delimiter, quoted fields may hold delimiters, quotes (doubled, or
//! behind the escape character) and newlines; an unquoted field equal to the NULL string is
//! NULL; HEADER skips the first record on input and writes one on output.

use tandem_sql::session::CopyFormat;
use tandem_sql::{sqlstate, SqlError};

/// A decoded row: one text field per column, `None` for NULL.
pub type CopyRow = Vec<Option<String>>;

#[derive(Clone, Debug)]
enum Kind {
    Text { delimiter: u8, null: Vec<u8> },
    Csv { delimiter: u8, quote: u8, escape: u8, null: Vec<u8>, header: bool },
}

fn one_byte(c: char, what: &str) -> Result<u8, SqlError> {
    u8::try_from(c).ok().filter(u8::is_ascii).ok_or_else(|| {
        SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("COPY {what} must be a single one-byte character"))
    })
}

impl Kind {
    fn new(format: &CopyFormat) -> Result<Self, SqlError> {
        Ok(match format {
            CopyFormat::Text { delimiter, null } => {
                let delimiter = one_byte(*delimiter, "delimiter")?;
                if delimiter == b'\\' || delimiter == b'\n' || delimiter == b'\r' {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "COPY delimiter cannot be newline, carriage return or backslash",
                    ));
                }
                Kind::Text { delimiter, null: null.as_bytes().to_vec() }
            }
            CopyFormat::Csv { delimiter, quote, escape, null, header } => {
                let delimiter = one_byte(*delimiter, "delimiter")?;
                let quote = one_byte(*quote, "quote")?;
                let escape = one_byte(*escape, "escape")?;
                if delimiter == quote || delimiter == b'\n' || delimiter == b'\r' {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "COPY delimiter cannot be newline, carriage return or the quote character",
                    ));
                }
                Kind::Csv { delimiter, quote, escape, null: null.as_bytes().to_vec(), header: *header }
            }
        })
    }
}

fn bad_format(message: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::BAD_COPY_FILE_FORMAT, message)
}

fn into_string(bytes: Vec<u8>) -> Result<String, SqlError> {
    let invalid =
        || SqlError::new(sqlstate::CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\"");
    if bytes.contains(&0) {
        return Err(invalid().detail("The data contains a zero byte (0x00)."));
    }
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// Decodes COPY FROM STDIN data into rows, chunk by chunk.
#[derive(Debug)]
pub struct CopyDecoder {
    kind: Kind,
    /// The target columns' names, one per field.
    names: Vec<String>,
    columns: usize,
    /// Bytes of the record not yet complete.
    buf: Vec<u8>,
    /// How far `buf` has been scanned for the end of the record.
    scanned: usize,
    /// The scan is inside a CSV quoted field.
    in_quotes: bool,
    /// The last byte scanned was an escape character (text backslash, or CSV escape inside
    /// quotes).
    escaped: bool,
    /// Records seen so far (the header included), for error contexts.
    line: u64,
    /// The CSV header is still to be skipped.
    header_pending: bool,
    /// The end marker `\.` was seen; anything after it is ignored.
    ended: bool,
}

impl CopyDecoder {
    /// A decoder for rows of one field per column of `names` in `format`. Fails for a
    /// delimiter, quote or escape that is not a single ASCII character.
    pub fn new(format: &CopyFormat, names: Vec<String>) -> Result<Self, SqlError> {
        let kind = Kind::new(format)?;
        let header_pending = matches!(kind, Kind::Csv { header: true, .. });
        Ok(Self {
            kind,
            columns: names.len(),
            names,
            buf: Vec::new(),
            scanned: 0,
            in_quotes: false,
            escaped: false,
            line: 0,
            header_pending,
            ended: false,
        })
    }

    /// The number of the record last decoded (1-based, counting a header), for errors.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// True once the end marker `\.` was read.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Decodes `data`, appending every row it completes to `rows`.
    pub fn feed(&mut self, data: &[u8], rows: &mut Vec<CopyRow>) -> Result<(), SqlError> {
        if self.ended {
            return Ok(());
        }
        self.buf.extend_from_slice(data);
        let mut start = 0;
        while let Some(end) = self.find_record_end() {
            let record = self.buf[start..end].to_vec();
            start = end + 1;
            self.scanned = start;
            self.record(&record, rows)?;
            if self.ended {
                self.buf.clear();
                self.scanned = 0;
                return Ok(());
            }
        }
        self.buf.drain(..start);
        self.scanned -= start;
        Ok(())
    }

    /// Ends the data: a last record without a newline is decoded too. A CSV quoted field
    /// still open is an error.
    pub fn finish(&mut self, rows: &mut Vec<CopyRow>) -> Result<(), SqlError> {
        if self.ended || self.buf.is_empty() {
            return Ok(());
        }
        if self.in_quotes {
            self.line += 1;
            return Err(bad_format("unterminated CSV quoted field"));
        }
        let record = std::mem::take(&mut self.buf);
        self.scanned = 0;
        self.record(&record, rows)
    }

    /// Scans `buf` from `scanned` for the newline that ends the current record.
    fn find_record_end(&mut self) -> Option<usize> {
        let from = self.scanned;
        for i in from..self.buf.len() {
            let b = self.buf[i];
            match self.kind {
                Kind::Text { .. } => {
                    if self.escaped {
                        self.escaped = false;
                    } else if b == b'\\' {
                        self.escaped = true;
                    } else if b == b'\n' {
                        self.scanned = i + 1;
                        return Some(i);
                    }
                }
                Kind::Csv { quote, escape, .. } => {
                    if self.escaped {
                        self.escaped = false;
                        if b == quote || b == escape {
                            continue;
                        }
                    }
                    if self.in_quotes && escape != quote && b == escape {
                        self.escaped = true;
                    } else if b == quote {
                        self.in_quotes = !self.in_quotes;
                    } else if b == b'\n' && !self.in_quotes {
                        self.scanned = i + 1;
                        return Some(i);
                    }
                }
            }
        }
        self.scanned = self.buf.len();
        None
    }

    /// Decodes one complete record (its newline removed).
    fn record(&mut self, record: &[u8], rows: &mut Vec<CopyRow>) -> Result<(), SqlError> {
        self.line += 1;
        let record = record.strip_suffix(b"\r").unwrap_or(record);
        if record == b"\\." {
            self.ended = true;
            return Ok(());
        }
        if self.header_pending {
            self.header_pending = false;
            return Ok(());
        }
        let fields = match &self.kind {
            Kind::Text { delimiter, null } => text_fields(record, *delimiter, null, self.columns)?,
            Kind::Csv { delimiter, quote, escape, null, .. } => {
                csv_fields(record, *delimiter, *quote, *escape, null, self.columns)?
            }
        };
        if fields.len() > self.columns {
            return Err(bad_format("extra data after last expected column"));
        }
        if fields.len() < self.columns {
            return Err(bad_format(format!("missing data for column \"{}\"", self.names[fields.len()])));
        }
        rows.push(fields);
        Ok(())
    }
}

/// Splits a text-format line into fields and processes their escapes.
fn text_fields(line: &[u8], delimiter: u8, null: &[u8], columns: usize) -> Result<CopyRow, SqlError> {
    if line.is_empty() && columns == 0 {
        return Ok(Vec::new());
    }
    let mut fields = Vec::with_capacity(columns);
    let mut start = 0;
    let mut i = 0;
    loop {
        if i >= line.len() || line[i] == delimiter {
            let raw = &line[start..i.min(line.len())];
            fields.push(if raw == null { None } else { Some(unescape_text(raw)?) });
            if i >= line.len() {
                return Ok(fields);
            }
            start = i + 1;
        } else if line[i] == b'\\' {
            i += 1;
        } else if line[i] == b'\r' {
            return Err(
                bad_format("literal carriage return found in data").hint("Use \"\\r\" to represent carriage return.")
            );
        }
        i += 1;
    }
}

/// Processes the backslash escapes of one text-format field.
fn unescape_text(raw: &[u8]) -> Result<String, SqlError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&c) = raw.get(i) else { break };
        i += 1;
        match c {
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' if raw.get(i).is_some_and(u8::is_ascii_hexdigit) => {
                let mut value = 0u8;
                for _ in 0..2 {
                    match raw.get(i).and_then(|d| (*d as char).to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d as u8;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(value);
            }
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            other => out.push(other),
        }
    }
    into_string(out)
}

/// Splits a CSV record (which may hold newlines inside quotes) into fields.
fn csv_fields(
    record: &[u8],
    delimiter: u8,
    quote: u8,
    escape: u8,
    null: &[u8],
    columns: usize,
) -> Result<CopyRow, SqlError> {
    if record.is_empty() && columns == 0 {
        return Ok(Vec::new());
    }
    let mut fields = Vec::with_capacity(columns);
    let mut i = 0;
    loop {
        let mut value = Vec::new();
        let mut quoted = false;
        let mut last = true;
        while i < record.len() {
            let c = record[i];
            i += 1;
            if c == delimiter {
                last = false;
                break;
            }
            if c != quote {
                value.push(c);
                continue;
            }
            quoted = true;
            loop {
                let Some(&c) = record.get(i) else { return Err(bad_format("unterminated CSV quoted field")) };
                i += 1;
                let next = record.get(i).copied();
                if c == escape && (next == Some(quote) || (escape != quote && next == Some(escape))) {
                    value.push(next.unwrap_or(c));
                    i += 1;
                } else if c == quote {
                    break;
                } else {
                    value.push(c);
                }
            }
        }
        fields.push(if !quoted && value == null { None } else { Some(into_string(value)?) });
        if last {
            return Ok(fields);
        }
    }
}

/// Encodes the rows of a COPY TO STDOUT.
#[derive(Clone, Debug)]
pub struct CopyEncoder {
    kind: Kind,
}

impl CopyEncoder {
    /// An encoder for `format`.
    pub fn new(format: &CopyFormat) -> Result<Self, SqlError> {
        Ok(Self { kind: Kind::new(format)? })
    }

    /// The header line for CSV with HEADER, else `None`.
    pub fn header(&self, names: &[&str]) -> Option<Vec<u8>> {
        match self.kind {
            Kind::Csv { header: true, .. } => {
                let fields: Vec<Option<&str>> = names.iter().map(|n| Some(*n)).collect();
                let mut out = Vec::new();
                self.encode_row(&fields, &mut out);
                Some(out)
            }
            _ => None,
        }
    }

    /// Appends one row, newline included, to `out`.
    pub fn encode_row<S: AsRef<str>>(&self, fields: &[Option<S>], out: &mut Vec<u8>) {
        for (i, field) in fields.iter().enumerate() {
            match &self.kind {
                Kind::Text { delimiter, null } => {
                    if i > 0 {
                        out.push(*delimiter);
                    }
                    match field {
                        None => out.extend_from_slice(null),
                        Some(v) => escape_text(v.as_ref().as_bytes(), *delimiter, out),
                    }
                }
                Kind::Csv { delimiter, quote, escape, null, .. } => {
                    if i > 0 {
                        out.push(*delimiter);
                    }
                    match field {
                        None => out.extend_from_slice(null),
                        Some(v) => {
                            let single = fields.len() == 1;
                            quote_csv(v.as_ref().as_bytes(), *delimiter, *quote, *escape, null, single, out)
                        }
                    }
                }
            }
        }
        out.push(b'\n');
    }
}

fn escape_text(value: &[u8], delimiter: u8, out: &mut Vec<u8>) {
    for &b in value {
        let escaped = match b {
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0x0b => b'v',
            d if d == delimiter => d,
            plain => {
                out.push(plain);
                continue;
            }
        };
        out.push(b'\\');
        out.push(escaped);
    }
}

fn quote_csv(value: &[u8], delimiter: u8, quote: u8, escape: u8, null: &[u8], single: bool, out: &mut Vec<u8>) {
    let needs_quotes = value == null
        || (single && value == b"\\.")
        || value.iter().any(|&b| b == delimiter || b == quote || b == b'\n' || b == b'\r');
    if !needs_quotes {
        out.extend_from_slice(value);
        return;
    }
    out.push(quote);
    for &b in value {
        if b == quote || b == escape {
            out.push(escape);
        }
        out.push(b);
    }
    out.push(quote);
}

#[cfg(test)]
mod tests;
