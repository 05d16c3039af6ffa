//! Binary and encoding functions: `encode`/`decode` (`hex`, `base64`, `escape`),
//! `convert_from`/`convert_to` (UTF8, LATIN1 and SQL_ASCII), `md5`, `to_hex`, and
//! `pg_client_encoding`. Error texts are PostgreSQL's (`encode.c`, `mbutils.c`).

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bytes, int, invalid_param, text, text_value};
use crate::functions::FnContext;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Bytea, Text};
    r.add("encode", [p::BYTEA, p::TEXT], Text, encode);
    r.add("decode", [p::TEXT, p::TEXT], Bytea, decode);
    r.add("convert_from", [p::BYTEA, p::TEXT], Text, convert_from).stable();
    r.add("convert_to", [p::TEXT, p::TEXT], Bytea, convert_to).stable();
    r.add("md5", [p::TEXT], Text, md5);
    r.add("md5", [p::BYTEA], Text, md5);
    r.add("to_hex", [p::INT4], Text, to_hex);
    r.add("to_hex", [p::INT8], Text, to_hex);
    r.add("pg_client_encoding", [], DataType::Name, client_encoding).stable();
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex digits of `b`.
pub(crate) fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(HEX[usize::from(x >> 4)] as char);
        s.push(HEX[usize::from(x & 15)] as char);
    }
    s
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// PostgreSQL's base64 encoder: a newline after every 76 output characters.
fn base64_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len() * 4 / 3 + 4);
    let mut line = 0usize;
    let mut buf: u32 = 0;
    let mut pos: i32 = 2;
    for b in src {
        buf |= u32::from(*b) << (pos * 8);
        pos -= 1;
        if pos < 0 {
            for shift in [18, 12, 6, 0] {
                out.push(B64[((buf >> shift) & 0x3f) as usize] as char);
            }
            line += 4;
            pos = 2;
            buf = 0;
        }
        if line >= 76 {
            out.push('\n');
            line = 0;
        }
    }
    if pos != 2 {
        out.push(B64[((buf >> 18) & 0x3f) as usize] as char);
        out.push(B64[((buf >> 12) & 0x3f) as usize] as char);
        out.push(if pos == 0 { B64[((buf >> 6) & 0x3f) as usize] as char } else { '=' });
        out.push('=');
    }
    out
}

fn base64_decode(src: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(src.len() * 3 / 4);
    let (mut buf, mut pos, mut end) = (0u32, 0, 0);
    for c in src.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        let b = if c == '=' {
            if end == 0 {
                end = match pos {
                    2 => 1,
                    3 => 2,
                    _ => return Err(invalid_param("unexpected \"=\" while decoding base64 sequence")),
                };
            }
            0
        } else {
            if end != 0 {
                return Err(invalid_param("invalid symbol \"=\" found while decoding base64 sequence"));
            }
            match B64.iter().position(|x| char::from(*x) == c) {
                Some(v) => v as u32,
                None => {
                    return Err(invalid_param(format!("invalid symbol \"{c}\" found while decoding base64 sequence")))
                }
            }
        };
        buf = (buf << 6) + b;
        pos += 1;
        if pos == 4 {
            out.push((buf >> 16) as u8);
            if end == 0 || end > 1 {
                out.push((buf >> 8) as u8);
            }
            if end == 0 || end > 2 {
                out.push(buf as u8);
            }
            buf = 0;
            pos = 0;
        }
    }
    if pos != 0 {
        return Err(invalid_param("invalid base64 end sequence")
            .hint("Input data is missing padding, is truncated, or is otherwise corrupted."));
    }
    Ok(out)
}

fn hex_decode(src: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(src.len() / 2);
    let mut it = src.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'));
    let digit = |c: char| c.to_digit(16).ok_or_else(|| invalid_param(format!("invalid hexadecimal digit: \"{c}\"")));
    while let Some(a) = it.next() {
        let hi = digit(a)?;
        let Some(b) = it.next() else {
            return Err(invalid_param("invalid hexadecimal data: odd number of digits"));
        };
        out.push((hi * 16 + digit(b)?) as u8);
    }
    Ok(out)
}

fn escape_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len());
    for b in src {
        match b {
            b'\\' => out.push_str("\\\\"),
            0 | 0x80..=0xff => out.push_str(&format!("\\{b:03o}")),
            _ => out.push(char::from(*b)),
        }
    }
    out
}

fn escape_decode(src: &str) -> Result<Vec<u8>> {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let bad = || SqlError::invalid_input("bytea", src);
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            let oct = b.get(i + 1..i + 4).ok_or_else(bad)?;
            if !(b'0'..=b'3').contains(&oct[0]) || !oct[1..].iter().all(|d| (b'0'..=b'7').contains(d)) {
                return Err(bad());
            }
            out.push((oct[0] - b'0') * 64 + (oct[1] - b'0') * 8 + (oct[2] - b'0'));
            i += 4;
        }
    }
    Ok(out)
}

fn unknown_encoding(name: &str) -> SqlError {
    invalid_param(format!("unrecognized encoding: \"{name}\""))
}

fn encode(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (data, fmt) = (bytes(args, 0)?, text(args, 1)?);
    Ok(text_value(match fmt.to_ascii_lowercase().as_str() {
        "hex" => hex(data),
        "base64" => base64_encode(data),
        "escape" => escape_encode(data),
        _ => return Err(unknown_encoding(fmt)),
    }))
}

fn decode(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (data, fmt) = (text(args, 0)?, text(args, 1)?);
    Ok(Value::Bytea(match fmt.to_ascii_lowercase().as_str() {
        "hex" => hex_decode(data)?,
        "base64" => base64_decode(data)?,
        "escape" => escape_decode(data)?,
        _ => return Err(unknown_encoding(fmt)),
    }))
}

/// The encodings `convert_from`/`convert_to` know, by PostgreSQL's normalized name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Enc {
    Utf8,
    Latin1,
    SqlAscii,
}

fn encoding(name: &str) -> Option<Enc> {
    let n: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match n.as_str() {
        "utf8" | "unicode" => Some(Enc::Utf8),
        "latin1" | "iso88591" => Some(Enc::Latin1),
        "sqlascii" => Some(Enc::SqlAscii),
        _ => None,
    }
}

fn convert_from(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (data, name) = (bytes(args, 0)?, text(args, 1)?);
    let enc = encoding(name).ok_or_else(|| invalid_param(format!("invalid source encoding name \"{name}\"")))?;
    match enc {
        Enc::Latin1 => Ok(text_value(data.iter().map(|b| char::from(*b)).collect::<String>())),
        Enc::Utf8 | Enc::SqlAscii => match std::str::from_utf8(data) {
            Ok(s) if !s.contains('\0') => Ok(text_value(s)),
            Ok(_) => Err(SqlError::new(
                sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                "invalid byte sequence for encoding \"UTF8\": 0x00",
            )),
            Err(e) => {
                let at = e.valid_up_to();
                let len = e.error_len().unwrap_or(data.len() - at).max(1);
                let seq: Vec<String> =
                    data[at..(at + len).min(data.len())].iter().map(|b| format!("{b:02x}")).collect();
                let msg = if e.error_len().is_none() {
                    format!("incomplete multibyte character for encoding \"UTF8\": 0x{}", seq.join(" 0x"))
                } else {
                    format!("invalid byte sequence for encoding \"UTF8\": 0x{}", seq.join(" 0x"))
                };
                Err(SqlError::new(sqlstate::CHARACTER_NOT_IN_REPERTOIRE, msg))
            }
        },
    }
}

fn convert_to(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (s, name) = (text(args, 0)?, text(args, 1)?);
    let enc = encoding(name).ok_or_else(|| invalid_param(format!("invalid destination encoding name \"{name}\"")))?;
    match enc {
        Enc::Utf8 | Enc::SqlAscii => Ok(Value::Bytea(s.as_bytes().to_vec())),
        Enc::Latin1 => s
            .chars()
            .map(|c| {
                u8::try_from(u32::from(c)).map_err(|_| {
                    let seq: Vec<String> = c.to_string().bytes().map(|b| format!("{b:02x}")).collect();
                    SqlError::new(
                        sqlstate::UNTRANSLATABLE_CHARACTER,
                        format!(
                            "character with byte sequence 0x{} in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"",
                            seq.join(" 0x")
                        ),
                    )
                })
            })
            .collect::<Result<Vec<u8>>>()
            .map(Value::Bytea),
    }
}

fn md5(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let data: &[u8] = match arg(args, 0)? {
        Value::Bytea(b) => b,
        _ => text(args, 0)?.as_bytes(),
    };
    Ok(text_value(hex(&md5::compute(data).0)))
}

fn to_hex(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value(match arg(args, 0)? {
        Value::Int4(v) => format!("{:x}", *v as u32),
        _ => format!("{:x}", int(args, 0)? as u64),
    }))
}

fn client_encoding(_: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(text_value("UTF8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, i, t, text_of};

    fn b(v: &[u8]) -> (Value, DataType) {
        (Value::Bytea(v.to_vec()), DataType::Bytea)
    }

    fn bytes_of(v: Result<Value>) -> Vec<u8> {
        match v {
            Ok(Value::Bytea(b)) => b,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn encode_decode() {
        assert_eq!(text_of(call("encode", &[b(b"123\x00\xff"), t("hex")])), "31323300ff");
        assert_eq!(text_of(call("encode", &[b(b"123\x00\x01"), t("base64")])), "MTIzAAE=");
        assert_eq!(text_of(call("encode", &[b(b"ab"), t("base64")])), "YWI=");
        assert_eq!(text_of(call("encode", &[b(b"a\\b\x00\xe9"), t("escape")])), "a\\\\b\\000\\351");
        assert_eq!(text_of(call("encode", &[b(b"x"), t("rot13")])), "ERROR 22023: unrecognized encoding: \"rot13\"");
        let long = base64_encode(&[b'a'; 57]);
        assert_eq!(long.len(), 77);
        assert!(long.ends_with('\n'));
        let longer = base64_encode(&[b'a'; 60]);
        assert_eq!(longer.lines().map(str::len).collect::<Vec<_>>(), vec![76, 4]);
        assert_eq!(bytes_of(call("decode", &[t("MTIzAAE="), t("base64")])), b"123\x00\x01");
        assert_eq!(bytes_of(call("decode", &[t(&longer), t("base64")])), vec![b'a'; 60]);
        assert_eq!(bytes_of(call("decode", &[t("DEADbeef"), t("hex")])), vec![0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            text_of(call("decode", &[t("abc"), t("hex")])),
            "ERROR 22023: invalid hexadecimal data: odd number of digits"
        );
        assert_eq!(text_of(call("decode", &[t("zz"), t("hex")])), "ERROR 22023: invalid hexadecimal digit: \"z\"");
        assert_eq!(
            text_of(call("decode", &[t("YW*="), t("base64")])),
            "ERROR 22023: invalid symbol \"*\" found while decoding base64 sequence"
        );
        assert_eq!(text_of(call("decode", &[t("YWI"), t("base64")])), "ERROR 22023: invalid base64 end sequence");
        assert_eq!(bytes_of(call("decode", &[t("a\\\\b\\000\\351"), t("escape")])), b"a\\b\x00\xe9");
        assert_eq!(
            text_of(call("decode", &[t("\\9"), t("escape")])),
            "ERROR 22P02: invalid input syntax for type bytea: \"\\9\""
        );
    }

    #[test]
    fn conversions_and_hashes() {
        assert_eq!(text_of(call("convert_from", &[b("héllo".as_bytes()), t("UTF8")])), "héllo");
        assert_eq!(text_of(call("convert_from", &[b(b"h\xe9"), t("LATIN1")])), "hé");
        assert_eq!(
            text_of(call("convert_from", &[b(b"h\xe9"), t("utf8")])),
            "ERROR 22021: incomplete multibyte character for encoding \"UTF8\": 0xe9"
        );
        assert_eq!(
            text_of(call("convert_from", &[b(b"h\xe9x"), t("utf8")])),
            "ERROR 22021: invalid byte sequence for encoding \"UTF8\": 0xe9"
        );
        assert_eq!(
            text_of(call("convert_from", &[b(b"h"), t("klingon")])),
            "ERROR 22023: invalid source encoding name \"klingon\""
        );
        assert_eq!(bytes_of(call("convert_to", &[t("hé"), t("LATIN1")])), b"h\xe9");
        assert_eq!(text_of(call("convert_to", &[t("€"), t("LATIN1")])).split(':').next(), Some("ERROR 22P05"));
        assert_eq!(text_of(call("md5", &[t("abc")])), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(text_of(call("md5", &[b(b"abc")])), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(text_of(call("to_hex", &[i(2147483647)])), "7fffffff");
        assert_eq!(text_of(call("to_hex", &[i(-1)])), "ffffffff");
        assert_eq!(text_of(call("to_hex", &[(Value::Int8(-1), DataType::Int8)])), "ffffffffffffffff");
        assert_eq!(text_of(call("pg_client_encoding", &[])), "UTF8");
    }
}
