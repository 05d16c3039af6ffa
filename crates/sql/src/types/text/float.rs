//! `real` and `double precision` text I/O, as `float4out`/`float8out` and
//! `float4in`/`float8in` do it.
//!
//! Output with `extra_float_digits` > 0 (the default since PostgreSQL 12) is the shortest text
//! that reads back as the same value (Ryu in PostgreSQL, Rust's shortest formatting here; both
//! are exact), in fixed notation when the decimal exponent is in -4..15 (float8) or -4..6
//! (float4) and otherwise in `1e+100` notation. With `extra_float_digits` <= 0 it is C's
//! `%.{N}g` with N = 15 (float8) or 6 (float4) plus the setting.

use crate::error::{sqlstate, Result, SqlError};

use super::is_pg_space;

/// Formats a `double precision` value.
pub fn format_float8(v: f64, extra_float_digits: i32) -> String {
    if let Some(s) = special(v) {
        return s.to_string();
    }
    if extra_float_digits > 0 {
        shortest(&format!("{v:e}"), 15)
    } else {
        format_g(v, 15 + extra_float_digits)
    }
}

/// Formats a `real` value.
pub fn format_float4(v: f32, extra_float_digits: i32) -> String {
    if let Some(s) = special(f64::from(v)) {
        return s.to_string();
    }
    if extra_float_digits > 0 {
        shortest(&format!("{v:e}"), 6)
    } else {
        format_g(f64::from(v), 6 + extra_float_digits)
    }
}

fn special(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// Splits Rust's `{:e}` output (`-1.25e-7`) into sign, digits and decimal exponent.
fn split_exp(s: &str) -> (bool, String, i32) {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (neg, digits, exp.parse().unwrap_or(0))
}

/// Ryu-style output of the shortest digits: fixed notation for exponents in
/// `-4..fixed_limit`, else scientific with at least two exponent digits.
fn shortest(e_format: &str, fixed_limit: i32) -> String {
    let (neg, digits, exp) = split_exp(e_format);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..fixed_limit).contains(&exp) {
        out.push_str(&fixed(&digits, exp));
    } else {
        out.push_str(&scientific(&digits, exp));
    }
    out
}

/// `d.ddd × 10^exp` in fixed notation, without trailing zeros after the point.
fn fixed(digits: &str, exp: i32) -> String {
    let d = digits.as_bytes();
    let mut out = String::new();
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let int_len = exp as usize + 1;
        for i in 0..int_len {
            out.push(char::from(*d.get(i).unwrap_or(&b'0')));
        }
        if d.len() > int_len {
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

fn scientific(digits: &str, exp: i32) -> String {
    let mut out = String::new();
    let (first, rest) = digits.split_at(digits.len().min(1));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.unsigned_abs()));
    out
}

/// C's `%.{precision}g`.
fn format_g(v: f64, precision: i32) -> String {
    let p = precision.max(1);
    let e_form = format!("{:.*e}", (p - 1) as usize, v);
    let (neg, digits, exp) = split_exp(&e_form);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= p {
        let trimmed = digits.trim_end_matches('0');
        out.push_str(&scientific(if trimmed.is_empty() { "0" } else { trimmed }, exp));
    } else {
        let f = format!("{:.*}", (p - 1 - exp) as usize, v.abs());
        let f = if f.contains('.') { f.trim_end_matches('0').trim_end_matches('.').to_string() } else { f };
        out.push_str(&f);
    }
    out
}

/// What `strtod` found at the start of a string.
struct Prefix {
    /// Bytes consumed.
    len: usize,
    /// True when a nonzero digit was read (a zero result is then an underflow).
    nonzero: bool,
    /// True for `inf`, `infinity` and `nan`, whose value is not a range error.
    special: bool,
    /// The value, at double precision (`None` for decimal text: the caller parses it at its
    /// own precision).
    hex_value: Option<f64>,
}

fn digits_len(b: &[u8], radix: u32) -> usize {
    b.iter().take_while(|&&c| char::from(c).is_digit(radix)).count()
}

/// The longest prefix of `s` that glibc's `strtod` reads: an optional sign, then `inf`,
/// `infinity`, `nan`, `nan(...)`, a decimal number with an optional exponent, or a `0x`
/// hexadecimal number with an optional binary exponent.
fn strtod_prefix(s: &str) -> Option<Prefix> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let rest = &s[i..];
    let lower: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("inf") {
        let len = if lower.starts_with("infinity") { 8 } else { 3 };
        return Some(Prefix { len: i + len, nonzero: true, special: true, hex_value: None });
    }
    if lower.starts_with("nan") {
        let mut len = i + 3;
        if b.get(len) == Some(&b'(') {
            let inner = b[len + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
            if b.get(len + 1 + inner) == Some(&b')') {
                len += inner + 2;
            }
        }
        return Some(Prefix { len, nonzero: true, special: true, hex_value: None });
    }
    if b.len() > i + 1 && b[i] == b'0' && matches!(b[i + 1], b'x' | b'X') {
        if let Some(p) = hex_prefix(b, i + 2) {
            return Some(p);
        }
    }
    let int = digits_len(&b[i..], 10);
    let mut nonzero = b[i..i + int].iter().any(|&c| c != b'0');
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits_len(&b[i + 1..], 10);
        nonzero |= b[i + 1..i + 1 + frac].iter().any(|&c| c != b'0');
        if int + frac > 0 {
            i += 1 + frac;
        }
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp = digits_len(&b[j..], 10);
        if exp > 0 {
            i = j + exp;
        }
    }
    Some(Prefix { len: i, nonzero, special: false, hex_value: None })
}

/// A hexadecimal float after its `0x` (at byte `start`), as glibc reads it.
fn hex_prefix(b: &[u8], start: usize) -> Option<Prefix> {
    let mut i = start;
    let int = digits_len(&b[i..], 16);
    let mut mantissa: u64 = 0;
    let mut exp: i64 = 0;
    let mut nonzero = false;
    let mut take = |c: u8, exp_shift: i64, mantissa: &mut u64, exp: &mut i64| {
        let d = u64::from(char::from(c).to_digit(16).unwrap_or(0));
        nonzero |= d != 0;
        if *mantissa >> 60 == 0 {
            *mantissa = *mantissa * 16 + d;
            *exp += exp_shift;
        } else {
            // Digits beyond 64 bits only scale (truncating) an integer part.
            *exp += 4 + exp_shift;
        }
    };
    for &c in &b[i..i + int] {
        take(c, 0, &mut mantissa, &mut exp);
    }
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits_len(&b[i + 1..], 16);
        for &c in &b[i + 1..i + 1 + frac] {
            if mantissa >> 60 == 0 {
                take(c, -4, &mut mantissa, &mut exp);
            }
        }
        if int + frac > 0 {
            i += 1 + frac;
        }
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let neg = b.get(j) == Some(&b'-');
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let len = digits_len(&b[j..], 10);
        if len > 0 {
            let e: i64 = std::str::from_utf8(&b[j..j + len]).ok()?.parse().unwrap_or(i64::from(i32::MAX));
            exp = exp.saturating_add(if neg { -e } else { e });
            i = j + len;
        }
    }
    let mut value = mantissa as f64;
    let mut e = exp.clamp(-2200, 2200) as i32;
    while e != 0 && value != 0.0 && value.is_finite() {
        let step = e.clamp(-1000, 1000);
        value *= 2f64.powi(step);
        e -= step;
    }
    Some(Prefix { len: i, nonzero, special: false, hex_value: Some(value) })
}

/// Reads a float as `float8in`/`float4in` do: `strtod`'s longest prefix, surrounded by
/// whitespace. `parse` converts decimal text at the target precision.
fn parse_float_with<T: Copy>(
    input: &str,
    type_name: &str,
    parse: impl Fn(&str) -> Option<T>,
    from_f64: impl Fn(f64) -> T,
    is_zero: impl Fn(T) -> bool,
    is_infinite: impl Fn(T) -> bool,
    range_text: &str,
) -> Result<T> {
    let s = input.trim_start_matches(is_pg_space);
    let invalid = || SqlError::invalid_input(type_name, input);
    let p = strtod_prefix(s).ok_or_else(invalid)?;
    let text = &s[..p.len];
    let value = if p.special {
        let lower = text.to_ascii_lowercase();
        let neg = lower.starts_with('-');
        from_f64(if lower.contains("nan") {
            f64::NAN
        } else if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    } else {
        match p.hex_value {
            Some(v) => from_f64(if text.starts_with('-') { -v } else { v }),
            None => parse(text).ok_or_else(invalid)?,
        }
    };
    if !p.special && (is_infinite(value) || (is_zero(value) && p.nonzero)) {
        let shown = if range_text.is_empty() { text } else { range_text };
        return Err(out_of_range(shown, type_name));
    }
    if !s[p.len..].chars().all(is_pg_space) {
        return Err(invalid());
    }
    Ok(value)
}

/// `float8in`: 22P02 for bad syntax, 22003 (`"1e400" is out of range for type double
/// precision`, naming the number read) when the value overflows or underflows to zero.
pub fn parse_float8(input: &str) -> Result<f64> {
    parse_float_with(input, "double precision", |t| t.parse().ok(), |v| v, |v| v == 0.0, f64::is_infinite, "")
}

/// `float4in`, with the same rules at `real` precision (its range error names the whole
/// input, as PostgreSQL's does).
pub fn parse_float4(input: &str) -> Result<f32> {
    parse_float_with(input, "real", |t| t.parse().ok(), |v| v as f32, |v| v == 0.0, f32::is_infinite, input)
}

fn out_of_range(number: &str, type_name: &str) -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("\"{number}\" is out of range for type {type_name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn float8_shortest_output() {
        let f = |v: f64| format_float8(v, 1);
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e100), "1e+100");
        assert_eq!(f(1.5e-7), "1.5e-07");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(123456789012345.0), "123456789012345");
        assert_eq!(f(1e15), "1e+15");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(100.0), "100");
        assert_eq!(f(-2.5), "-2.5");
        assert_eq!(f(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(f(5e-324), "5e-324");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn float4_shortest_output() {
        let f = |v: f32| format_float4(v, 1);
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1_000_000.0), "1e+06");
        assert_eq!(f(123_456.0), "123456");
        assert_eq!(f(3.4028235e38), "3.4028235e+38");
        assert_eq!(f(1.0e-5), "1e-05");
        assert_eq!(f(f32::INFINITY), "Infinity");
    }

    #[test]
    fn g_style_output() {
        assert_eq!(format_float8(0.1 + 0.2, 0), "0.3");
        assert_eq!(format_float8(1e100, 0), "1e+100");
        assert_eq!(format_float8(123456.789, 0), "123456.789");
        assert_eq!(format_float8(1234567890123456789.0, 0), "1.23456789012346e+18");
        assert_eq!(format_float8(0.00001234, 0), "1.234e-05");
        assert_eq!(format_float8(2.5, -14), "2");
        assert_eq!(format_float8(100.0, -14), "1e+02");
        assert_eq!(format_float8(-0.0, 0), "-0");
        assert_eq!(format_float4(0.1, 0), "0.1");
        assert_eq!(format_float4(1234567.0, 0), "1.23457e+06");
        assert_eq!(format_float4(1.23456, -3), "1.23");
    }

    #[test]
    fn input() {
        assert_eq!(parse_float8(" 1.5 ").unwrap(), 1.5);
        assert_eq!(parse_float8("-Infinity").unwrap(), f64::NEG_INFINITY);
        assert_eq!(parse_float8("inf").unwrap(), f64::INFINITY);
        assert!(parse_float8("NaN").unwrap().is_nan());
        assert_eq!(parse_float8("1e5").unwrap(), 1e5);
        assert_eq!(parse_float8(".5").unwrap(), 0.5);
        assert_eq!(parse_float8("5.").unwrap(), 5.0);
        assert_eq!(parse_float8("-0").unwrap().to_bits(), (-0.0f64).to_bits());
        assert_eq!(parse_float8("0e10").unwrap(), 0.0);
        assert_eq!(parse_float8("4.9e-324").unwrap(), 5e-324);
        let e = parse_float8("1e400").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22003", "\"1e400\" is out of range for type double precision"));
        assert_eq!(
            parse_float8(" 1e-400").unwrap_err().message,
            "\"1e-400\" is out of range for type double precision"
        );
        let e = parse_float8("abc").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type double precision: \"abc\""));
        for bad in ["", " ", "e1", "1.2.3", "--1", "1 2", "infinityx", "nanx", ".e5", "1e+", "0x"] {
            assert!(parse_float8(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_float4("1e39").unwrap_err().message, "\"1e39\" is out of range for type real");
        assert_eq!(parse_float4("3.4028235e38").unwrap(), f32::MAX);
        assert_eq!(parse_float4("x").unwrap_err().message, "invalid input syntax for type real: \"x\"");
        // strtod's prefix decides: a range error wins over trailing junk, which is named
        // differently by the two types.
        assert_eq!(parse_float8(" 1e400x").unwrap_err().message, "\"1e400\" is out of range for type double precision");
        assert_eq!(parse_float4(" 1e39x").unwrap_err().message, "\" 1e39x\" is out of range for type real");
        // glibc's strtod reads hexadecimal floats, and so does PostgreSQL on Linux.
        assert_eq!(parse_float8("0x10").unwrap(), 16.0);
        assert_eq!(parse_float8("-0x1p3").unwrap(), -8.0);
        assert_eq!(parse_float8("0x1.8p1").unwrap(), 3.0);
        assert_eq!(parse_float8("0x.8").unwrap(), 0.5);
        assert_eq!(parse_float8(" -inf ").unwrap(), f64::NEG_INFINITY);
        assert!(parse_float8("nan(123)").unwrap().is_nan());
        assert_eq!(parse_float8("1e").unwrap_err().code, "22P02");
        assert_eq!(parse_float4("1e-46").unwrap_err().message, "\"1e-46\" is out of range for type real");
    }

    proptest! {
        #[test]
        fn float8_round_trips(v in any::<f64>()) {
            let back = parse_float8(&format_float8(v, 1)).unwrap();
            prop_assert!(back.to_bits() == v.to_bits() || (v.is_nan() && back.is_nan()));
        }

        #[test]
        fn float4_round_trips(v in any::<f32>()) {
            let back = parse_float4(&format_float4(v, 1)).unwrap();
            prop_assert!(back.to_bits() == v.to_bits() || (v.is_nan() && back.is_nan()));
        }
    }
}
