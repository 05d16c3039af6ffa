//! The binary wire format of values (what clients get with result format code 1, and send
//! with parameter format code 1), as PostgreSQL's `*send`/`*recv` functions define it:
//! big-endian integers and IEEE floats, `numeric` as base-10000 digits, dates and times in
//! the 2000-01-01 epoch, `jsonb` as a version byte and text, arrays with a dimension header.
//!
//! Decoding validates every length and never panics: malformed input is 22P03
//! `incorrect binary data format` (or the error the type's `recv` function gives, like
//! `date out of range`). `numeric` NaN and infinities, which Tandem cannot hold, are 0A000;
//! multidimensional arrays and lower bounds other than 1 are 0A000 too.

use crate::error::{sqlstate, Result, SqlError};
use crate::types::datetime::{
    is_valid_date, is_valid_timestamp, timestamp_is_finite, DATE_NEG_INFINITY, DATE_POS_INFINITY, USECS_PER_DAY,
};
use crate::types::decimal::Digits;
use crate::types::text::{char_from_byte, char_to_byte, format_jsonb, parse_json, parse_jsonb};
use crate::types::{DataType, Interval, Value};

/// `numeric` sign words.
const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
/// PostgreSQL's `MAXDIM`.
const MAX_DIM: i32 = 6;

/// 0A000 with `message`.
fn not_supported(message: &str) -> SqlError {
    SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, message)
}

fn bad_format() -> SqlError {
    SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, "incorrect binary data format")
}

fn mismatch(value: &Value, ty: &DataType) -> SqlError {
    SqlError::internal(format!("cannot send {value:?} as type {ty}"))
}

/// Encodes a non-NULL value of type `ty` in PostgreSQL's binary format.
pub fn format_binary(value: &Value, ty: &DataType) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_value(value, ty, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, ty: &DataType, out: &mut Vec<u8>) -> Result<()> {
    match (ty, value) {
        (DataType::Bool, Value::Bool(b)) => out.push(u8::from(*b)),
        (DataType::Int2, v) => {
            let i = v.as_i64().ok_or_else(|| mismatch(v, ty))?;
            let i = i16::try_from(i).map_err(|_| SqlError::out_of_range("smallint"))?;
            out.extend_from_slice(&i.to_be_bytes());
        }
        (DataType::Int4, v) => {
            let i = v.as_i64().ok_or_else(|| mismatch(v, ty))?;
            let i = i32::try_from(i).map_err(|_| SqlError::out_of_range("integer"))?;
            out.extend_from_slice(&i.to_be_bytes());
        }
        (DataType::Int8, v) => {
            let i = v.as_i64().ok_or_else(|| mismatch(v, ty))?;
            out.extend_from_slice(&i.to_be_bytes());
        }
        (DataType::Float4, Value::Float4(f)) => out.extend_from_slice(&f.to_be_bytes()),
        (DataType::Float4, Value::Float8(f)) => out.extend_from_slice(&(*f as f32).to_be_bytes()),
        (DataType::Float8, Value::Float8(f)) => out.extend_from_slice(&f.to_be_bytes()),
        (DataType::Float8, Value::Float4(f)) => out.extend_from_slice(&f64::from(*f).to_be_bytes()),
        (DataType::Numeric(_), Value::Numeric(d)) => write_numeric(&Digits::from_decimal(d), out),
        (DataType::Char, Value::Text(s)) => out.push(char_to_byte(s)),
        (
            DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Name | DataType::Unknown,
            Value::Text(s),
        ) => out.extend_from_slice(s.as_bytes()),
        (DataType::Bytea, Value::Bytea(b)) => out.extend_from_slice(b),
        (DataType::Date, Value::Date(d)) => out.extend_from_slice(&d.to_be_bytes()),
        (DataType::Time, Value::Time(t)) => out.extend_from_slice(&t.to_be_bytes()),
        (DataType::Timestamp, Value::Timestamp(t)) | (DataType::TimestampTz, Value::TimestampTz(t)) => {
            out.extend_from_slice(&t.to_be_bytes())
        }
        (DataType::Interval, Value::Interval(iv)) => {
            out.extend_from_slice(&iv.micros.to_be_bytes());
            out.extend_from_slice(&iv.days.to_be_bytes());
            out.extend_from_slice(&iv.months.to_be_bytes());
        }
        (DataType::Uuid, Value::Uuid(u)) => out.extend_from_slice(u),
        (DataType::Json, Value::Json(s) | Value::Text(s)) => out.extend_from_slice(s.as_bytes()),
        (DataType::Json, Value::Jsonb(j)) => out.extend_from_slice(format_jsonb(j).as_bytes()),
        (DataType::Jsonb, Value::Jsonb(j)) => {
            out.push(1);
            out.extend_from_slice(format_jsonb(j).as_bytes());
        }
        (
            DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace,
            Value::Oid(o),
        ) => out.extend_from_slice(&o.to_be_bytes()),
        (DataType::Array(elem), Value::Array(items)) => write_array(items, elem, out)?,
        (DataType::Void, _) => {}
        (ty, v) => return Err(mismatch(v, ty)),
    }
    Ok(())
}

/// `numeric_send`: ndigits, weight, sign, dscale, then base-10000 digits.
fn write_numeric(d: &Digits, out: &mut Vec<u8>) {
    let mut groups: Vec<i16> = Vec::new();
    let mut weight: i64 = 0;
    if !d.is_zero() {
        // Digit i has decimal power exp - 1 - i; it lands in group floor(power / 4).
        let n = d.digits.len() as i64;
        weight = (d.exp - 1).div_euclid(4);
        let last = (d.exp - n).div_euclid(4);
        for g in (last..=weight).rev() {
            let mut v: i16 = 0;
            for p in (4 * g..4 * g + 4).rev() {
                let i = d.exp - 1 - p;
                let digit = usize::try_from(i).ok().and_then(|i| d.digits.get(i)).copied().unwrap_or(0);
                v = v * 10 + i16::from(digit);
            }
            groups.push(v);
        }
    }
    out.extend_from_slice(&(groups.len() as u16).to_be_bytes());
    out.extend_from_slice(&(weight as i16).to_be_bytes());
    out.extend_from_slice(&(if d.neg && !d.is_zero() { NUMERIC_NEG } else { NUMERIC_POS }).to_be_bytes());
    out.extend_from_slice(&(d.dscale as u16).to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
}

/// `array_send`: ndim, has-nulls flag, element OID, (length, lower bound) per dimension, then
/// each element as a length (-1 for NULL) and its bytes.
fn write_array(items: &[Value], elem: &DataType, out: &mut Vec<u8>) -> Result<()> {
    let ndim: i32 = if items.is_empty() { 0 } else { 1 };
    out.extend_from_slice(&ndim.to_be_bytes());
    out.extend_from_slice(&i32::from(items.iter().any(Value::is_null)).to_be_bytes());
    out.extend_from_slice(&elem.oid().to_be_bytes());
    if ndim == 1 {
        let len = i32::try_from(items.len())
            .map_err(|_| SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "array size exceeds the maximum allowed"))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
    }
    for item in items {
        if item.is_null() {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            continue;
        }
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        write_value(item, elem, out)?;
        let len = i32::try_from(out.len() - start - 4)
            .map_err(|_| SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "array element too large"))?;
        out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// Reads big-endian fields from a buffer, failing with 22P03 past its end.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.rest.len() < n {
            return Err(bad_format());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| bad_format())
    }

    fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// Fails unless every byte was read (PostgreSQL rejects trailing bytes).
    fn finish(&self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(bad_format())
        }
    }
}

/// 22021 for bytes that are not UTF-8 (or hold a NUL), as PostgreSQL reports them.
fn utf8(bytes: &[u8]) -> Result<String> {
    let invalid_at = |at: usize, len: usize| {
        let shown: Vec<String> = bytes[at..(at + len).min(bytes.len())].iter().map(|b| format!("0x{b:02x}")).collect();
        SqlError::new(
            sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
            format!("invalid byte sequence for encoding \"UTF8\": {}", shown.join(" ")),
        )
    };
    match std::str::from_utf8(bytes) {
        Ok(s) => match s.find('\0') {
            Some(at) => Err(invalid_at(at, 1)),
            None => Ok(s.to_string()),
        },
        Err(e) => {
            let at = e.valid_up_to();
            let len = e.error_len().unwrap_or(bytes.len() - at);
            Err(invalid_at(at, len))
        }
    }
}

/// Decodes a binary parameter of type `ty` (22P03 when malformed).
pub fn parse_binary(bytes: &[u8], ty: &DataType) -> Result<Value> {
    let mut r = Reader { rest: bytes };
    let v = read_value(&mut r, ty, bytes.len())?;
    r.finish()?;
    Ok(v)
}

fn read_value(r: &mut Reader<'_>, ty: &DataType, len: usize) -> Result<Value> {
    Ok(match ty {
        DataType::Bool => Value::Bool(r.array::<1>()?[0] != 0),
        DataType::Int2 => Value::Int2(r.i16()?),
        DataType::Int4 => Value::Int4(r.i32()?),
        DataType::Int8 => Value::Int8(r.i64()?),
        DataType::Float4 => Value::Float4(f32::from_be_bytes(r.array()?)),
        DataType::Float8 => Value::Float8(f64::from_be_bytes(r.array()?)),
        DataType::Numeric(_) => Value::Numeric(read_numeric(r)?),
        DataType::Char => Value::Text(char_from_byte(r.array::<1>()?[0])),
        DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Unknown => {
            Value::Text(utf8(r.take(len)?)?)
        }
        DataType::Name => {
            let s = utf8(r.take(len)?)?;
            if s.len() > crate::types::text::MAX_NAME_BYTES {
                return Err(SqlError::new(sqlstate::NAME_TOO_LONG, "identifier too long")
                    .detail("Identifier must be less than 64 characters."));
            }
            Value::Text(s)
        }
        DataType::Bytea => Value::Bytea(r.take(len)?.to_vec()),
        DataType::Date => {
            let d = r.i32()?;
            if d != DATE_NEG_INFINITY && d != DATE_POS_INFINITY && !is_valid_date(d) {
                return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "date out of range"));
            }
            Value::Date(d)
        }
        DataType::Time => {
            let t = r.i64()?;
            if !(0..=USECS_PER_DAY).contains(&t) {
                return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "time out of range"));
            }
            Value::Time(t)
        }
        DataType::Timestamp | DataType::TimestampTz => {
            let t = r.i64()?;
            if timestamp_is_finite(t) && !is_valid_timestamp(t) {
                return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "timestamp out of range"));
            }
            if *ty == DataType::Timestamp {
                Value::Timestamp(t)
            } else {
                Value::TimestampTz(t)
            }
        }
        DataType::Interval => {
            let micros = r.i64()?;
            let days = r.i32()?;
            let months = r.i32()?;
            Value::Interval(Interval { months, days, micros })
        }
        DataType::Uuid => Value::Uuid(r.array()?),
        DataType::Json => Value::Json(parse_json(&utf8(r.take(len)?)?)?),
        DataType::Jsonb => {
            let version = r.array::<1>()?[0];
            if version != 1 {
                return Err(SqlError::new(
                    sqlstate::INVALID_BINARY_REPRESENTATION,
                    format!("unsupported jsonb version number {version}"),
                ));
            }
            Value::Jsonb(parse_jsonb(&utf8(r.take(len - 1)?)?)?)
        }
        DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace => {
            Value::Oid(r.u32()?)
        }
        DataType::Array(elem) => Value::Array(read_array(r, elem)?),
        DataType::Void => Value::Null,
    })
}

/// `numeric_recv`, truncating digits hidden by the display scale as PostgreSQL does.
fn read_numeric(r: &mut Reader<'_>) -> Result<rust_decimal::Decimal> {
    let ndigits = r.u16()?;
    let weight = r.i16()?;
    let sign = r.u16()?;
    let dscale = r.u16()?;
    let invalid = |what: &str| {
        SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, format!("invalid {what} in external \"numeric\" value"))
    };
    match sign {
        NUMERIC_POS | NUMERIC_NEG => {}
        0xC000 | 0xD000 | 0xF000 => return Err(not_supported("numeric NaN and infinity are not supported")),
        _ => return Err(invalid("sign")),
    }
    if dscale & 0x3FFF != dscale {
        return Err(invalid("scale"));
    }
    let mut raw = Vec::with_capacity(usize::from(ndigits).min(r.rest.len() / 2) * 4);
    for _ in 0..ndigits {
        let g = r.i16()?;
        if !(0..10000).contains(&g) {
            return Err(invalid("digit"));
        }
        raw.extend_from_slice(&[(g / 1000) as u8, (g / 100 % 10) as u8, (g / 10 % 10) as u8, (g % 10) as u8]);
    }
    let point = (i64::from(weight) + 1) * 4;
    // Truncate the digits that the display scale hides.
    let keep = point + i64::from(dscale);
    if keep < raw.len() as i64 {
        raw.truncate(usize::try_from(keep).unwrap_or(0));
    }
    let digits = Digits::from_raw(sign == NUMERIC_NEG, &raw, point, u32::from(dscale));
    digits.to_decimal()
}

/// `array_recv` for a one-dimensional array of `elem`.
fn read_array(r: &mut Reader<'_>, elem: &DataType) -> Result<Vec<Value>> {
    let ndim = r.i32()?;
    if ndim < 0 {
        return Err(SqlError::new(
            sqlstate::INVALID_BINARY_REPRESENTATION,
            format!("invalid number of dimensions: {ndim}"),
        ));
    }
    if ndim > MAX_DIM {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!("number of array dimensions ({ndim}) exceeds the maximum allowed ({MAX_DIM})"),
        ));
    }
    let flags = r.i32()?;
    if flags != 0 && flags != 1 {
        return Err(SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, "invalid array flags"));
    }
    let elem_oid = r.u32()?;
    if elem_oid != elem.oid() {
        let name = |oid: u32| DataType::from_oid(oid, -1).map(|t| t.sql_name()).unwrap_or_else(|| "???".into());
        return Err(SqlError::new(
            sqlstate::DATATYPE_MISMATCH,
            format!(
                "binary data has array element type {elem_oid} ({}) instead of expected {} ({})",
                name(elem_oid),
                elem.oid(),
                elem.sql_name()
            ),
        ));
    }
    if ndim > 1 {
        return Err(not_supported("multidimensional arrays are not supported"));
    }
    if ndim == 0 {
        return Ok(Vec::new());
    }
    let count = r.i32()?;
    let lower = r.i32()?;
    if count < 0 {
        return Err(bad_format());
    }
    if lower != 1 && count > 0 {
        return Err(not_supported("array lower bounds other than 1 are not supported"));
    }
    let mut items = Vec::new();
    for i in 0..count {
        let len = r.i32()?;
        if len == -1 {
            items.push(Value::Null);
            continue;
        }
        let len = usize::try_from(len).map_err(|_| bad_format())?;
        if len > r.rest.len() {
            return Err(SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, "insufficient data left in message"));
        }
        let mut sub = Reader { rest: r.take(len)? };
        let v = read_value(&mut sub, elem, len)?;
        if !sub.rest.is_empty() {
            return Err(SqlError::new(
                sqlstate::INVALID_BINARY_REPRESENTATION,
                format!("improper binary format in array element {}", i + 1),
            ));
        }
        items.push(v);
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
