//! `to_char` for numbers (PostgreSQL's `NUM_processor`, C locale): `9`, `0`, `.`/`D`,
//! `,`/`G`, `FM`, `S`, `MI`, `PL`, `SG`, `PR`, `V`, `EEEE`, `RN`/`rn`, `TH`/`th` and literal
//! text. Without an explicit sign pattern a sign position precedes the first digit (a space
//! for positive numbers). Too many integer digits fill the digit positions with `#`.
//! `L` (currency) is not supported.

use std::str::FromStr;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bad_arg, text, text_value};
use crate::functions::FnContext;
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    for t in [p::INT4, p::INT8, p::FLOAT4, p::FLOAT8, p::NUMERIC] {
        r.add("to_char", [t, p::TEXT], DataType::Text, to_char_num).stable();
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Nine,
    Zero,
    Point,
    Group,
    /// `S`: `+` or `-`.
    Sign,
    /// `MI`: `-` or a space.
    Minus,
    /// `PL`: `+` or a space.
    Plus,
    /// `SG`: `+` or `-`.
    SignGlued,
    Pr,
    V,
    Eeee,
    Roman {
        upper: bool,
    },
    Th {
        upper: bool,
    },
    Lit(char),
}

fn parse(fmt: &str) -> (Vec<Tok>, bool) {
    let cs: Vec<char> = fmt.chars().collect();
    let mut toks = Vec::new();
    let mut fm = false;
    let mut i = 0;
    let at = |i: usize, s: &str, ci: bool| {
        let n = s.len();
        cs.get(i..i + n).is_some_and(|w| {
            w.iter().zip(s.chars()).all(|(a, b)| if ci { a.eq_ignore_ascii_case(&b) } else { *a == b })
        })
    };
    while i < cs.len() {
        let c = cs[i];
        let (tok, len) = if c == '"' {
            i += 1;
            while i < cs.len() && cs[i] != '"' {
                toks.push(Tok::Lit(cs[i]));
                i += 1;
            }
            i += 1;
            continue;
        } else if at(i, "FM", true) {
            fm = true;
            i += 2;
            continue;
        } else if at(i, "EEEE", true) {
            (Tok::Eeee, 4)
        } else if at(i, "MI", true) {
            (Tok::Minus, 2)
        } else if at(i, "PL", true) {
            (Tok::Plus, 2)
        } else if at(i, "SG", true) {
            (Tok::SignGlued, 2)
        } else if at(i, "PR", true) {
            (Tok::Pr, 2)
        } else if at(i, "RN", false) {
            (Tok::Roman { upper: true }, 2)
        } else if at(i, "rn", false) {
            (Tok::Roman { upper: false }, 2)
        } else if at(i, "TH", false) {
            (Tok::Th { upper: true }, 2)
        } else if at(i, "th", false) {
            (Tok::Th { upper: false }, 2)
        } else {
            let t = match c {
                '9' => Tok::Nine,
                '0' => Tok::Zero,
                '.' | 'D' | 'd' => Tok::Point,
                ',' | 'G' | 'g' => Tok::Group,
                'S' | 's' => Tok::Sign,
                'V' | 'v' => Tok::V,
                other => Tok::Lit(other),
            };
            (t, 1)
        };
        toks.push(tok);
        i += len;
    }
    (toks, fm)
}

fn roman(mut n: i64) -> String {
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// The number as a decimal: floats through their shortest text; floats beyond the decimal
/// range become the largest decimal, which overflows any format (`###`).
fn number(v: &Value) -> Result<Decimal> {
    let float = |f: f64, shortest: String| {
        Decimal::from_str(&shortest).ok().or_else(|| Decimal::from_f64(f)).unwrap_or(if f < 0.0 {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
    };
    match v {
        Value::Int4(i) => Ok(Decimal::from(*i)),
        Value::Int8(i) => Ok(Decimal::from(*i)),
        Value::Numeric(d) => Ok(*d),
        Value::Float4(f) => Ok(float(f64::from(*f), f.to_string())),
        Value::Float8(f) => Ok(float(*f, f.to_string())),
        _ => Err(bad_arg(0)),
    }
}

fn ordinal(n: &str, upper: bool) -> &'static str {
    let last2: u32 = n.chars().rev().take(2).collect::<String>().chars().rev().collect::<String>().parse().unwrap_or(0);
    let s = if (11..=13).contains(&(last2 % 100)) {
        "th"
    } else {
        match last2 % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        }
    };
    match (upper, s) {
        (false, s) => s,
        (true, "st") => "ST",
        (true, "nd") => "ND",
        (true, "rd") => "RD",
        _ => "TH",
    }
}

fn to_char_num(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let v = arg(args, 0)?;
    let float = match v {
        Value::Float8(f) => Some(*f),
        Value::Float4(f) => Some(f64::from(*f)),
        _ => None,
    };
    if let Some(f) = float.filter(|f| !f.is_finite()) {
        return Ok(text_value(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }));
    }
    let x = number(v)?;
    let (toks, fm) = parse(text(args, 1)?);
    if let Some(Tok::Roman { upper }) = toks.iter().find(|t| matches!(t, Tok::Roman { .. })) {
        let n = x.round().to_i64().unwrap_or(0);
        let r = if (1..=3999).contains(&n) { roman(n) } else { "#".repeat(15) };
        let r = if *upper { r } else { r.to_lowercase() };
        return Ok(text_value(if fm { r } else { format!("{r:>15}") }));
    }
    let point = toks.iter().position(|t| *t == Tok::Point);
    let is_digit = |t: &Tok| matches!(t, Tok::Nine | Tok::Zero);
    let v_pos = toks.iter().position(|t| *t == Tok::V);
    let digits_before = |end: usize| toks[..end].iter().filter(|t| is_digit(t)).count();
    let int_end = point.unwrap_or(toks.len());
    let pre = digits_before(int_end);
    let post = point.map(|p| toks[p..].iter().filter(|t| is_digit(t)).count()).unwrap_or(0);
    let v_shift = v_pos.map(|p| toks[p..].iter().filter(|t| is_digit(t)).count()).unwrap_or(0);
    let neg = x.is_sign_negative() && !x.is_zero();
    let mut abs = x.abs();
    if v_shift > 0 {
        let p = 10i128.checked_pow(v_shift as u32).and_then(|p| Decimal::try_from_i128_with_scale(p, 0).ok());
        abs = p.and_then(|p| abs.checked_mul(p)).ok_or_else(crate::functions::numeric::overflow)?;
    }
    let eeee = toks.contains(&Tok::Eeee);
    let mut exponent = 0i32;
    if eeee && !abs.is_zero() {
        exponent = crate::functions::numeric::dec_exponent(abs);
        let p = Decimal::from_i128_with_scale(10i128.pow(exponent.unsigned_abs().min(28)), 0);
        let m = if exponent >= 0 { abs.checked_div(p) } else { abs.checked_mul(p) };
        abs = m.ok_or_else(crate::functions::numeric::overflow)?;
    }
    let frac_digits = if v_shift > 0 { 0 } else { post };
    let rounded = abs.round_dp_with_strategy(frac_digits as u32, RoundingStrategy::MidpointAwayFromZero);
    let text_num = format!("{:.*}", frac_digits, rounded);
    let (int_part, frac_part) = text_num.split_once('.').unwrap_or((&text_num, ""));
    let int_digits: Vec<char> = if int_part == "0" { Vec::new() } else { int_part.chars().collect() };
    let overflow = int_digits.len() > pre;
    let frac_chars: Vec<char> = frac_part.chars().collect();
    // Position (among integer digit positions) from which leading zeros print.
    let zero_start = toks[..int_end].iter().filter(|t| is_digit(t)).position(|t| *t == Tok::Zero);
    let last_zero_frac = point.and_then(|p| {
        toks[p..]
            .iter()
            .filter(|t| is_digit(t))
            .enumerate()
            .filter(|(_, t)| **t == Tok::Zero)
            .map(|(i, _)| i + 1)
            .last()
    });
    let explicit_sign = toks.iter().any(|t| matches!(t, Tok::Sign | Tok::Minus | Tok::Plus | Tok::SignGlued | Tok::Pr));
    let mut out = String::new();
    let mut sign_pending = !explicit_sign;
    let sign_char = if neg {
        "-"
    } else if fm {
        ""
    } else {
        " "
    };
    let mut printed = false;
    let (mut int_pos, mut frac_pos) = (0usize, 0usize);
    let mut after_point = false;
    for t in &toks {
        match t {
            Tok::Nine | Tok::Zero if !after_point => {
                let lead = pre - int_digits.len().min(pre);
                let c = if overflow {
                    Some('#')
                } else if int_pos >= lead {
                    Some(int_digits[int_pos - lead])
                } else if zero_start.is_some_and(|z| int_pos >= z)
                    || (int_pos + 1 == pre && point.is_none() && int_digits.is_empty())
                {
                    // A leading zero from a `0` position, or the only digit of zero.
                    Some('0')
                } else {
                    None
                };
                match c {
                    Some(c) => {
                        if sign_pending {
                            out.push_str(sign_char);
                            sign_pending = false;
                        }
                        out.push(c);
                        printed = true;
                    }
                    None if !fm => out.push(' '),
                    None => {}
                }
                int_pos += 1;
            }
            Tok::Nine | Tok::Zero => {
                let c = if overflow { '#' } else { frac_chars.get(frac_pos).copied().unwrap_or('0') };
                out.push(c);
                frac_pos += 1;
            }
            Tok::Point => {
                if sign_pending {
                    out.push_str(sign_char);
                    sign_pending = false;
                }
                out.push('.');
                after_point = true;
                printed = true;
            }
            Tok::Group => {
                if printed {
                    out.push(',');
                } else if !fm {
                    out.push(' ');
                }
            }
            Tok::Sign | Tok::SignGlued => out.push(if neg { '-' } else { '+' }),
            Tok::Minus => out.push_str(if neg {
                "-"
            } else if fm {
                ""
            } else {
                " "
            }),
            Tok::Plus => out.push_str(if neg {
                if fm {
                    ""
                } else {
                    " "
                }
            } else {
                "+"
            }),
            Tok::Pr => {}
            Tok::V => {}
            Tok::Eeee => out.push_str(&format!("e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.abs())),
            Tok::Th { upper } => {
                if !neg && point.is_none() {
                    out.push_str(ordinal(int_part, *upper));
                }
            }
            Tok::Roman { .. } => {}
            Tok::Lit(c) => out.push(*c),
        }
    }
    if sign_pending {
        out.insert_str(0, sign_char);
    }
    if fm {
        // Trailing fraction zeros beyond the last `0` position go, the point stays.
        if let (Some(_), false) = (point, overflow) {
            let keep = last_zero_frac.unwrap_or(0);
            let mut trailing = frac_chars.len().saturating_sub(keep);
            while trailing > 0 && out.ends_with('0') {
                out.pop();
                trailing -= 1;
            }
        }
    }
    if toks.contains(&Tok::Pr) && (neg || !fm) {
        let k = out.len() - out.trim_start().len();
        let (open, close) = if neg { ('<', '>') } else { (' ', ' ') };
        out.insert(k, open);
        out.push(close);
    }
    if out.len() > 1_000_000 {
        return Err(SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "requested length too large"));
    }
    Ok(text_value(out))
}

#[cfg(test)]
mod tests {
    use crate::functions::scalar::testing::{call_typed as call, i, t, text_of};
    use crate::types::{DataType, Value};
    use std::str::FromStr;

    fn n(s: &str) -> (Value, DataType) {
        (Value::Numeric(rust_decimal::Decimal::from_str(s).unwrap()), DataType::Numeric(None))
    }

    fn f(x: f64) -> (Value, DataType) {
        (Value::Float8(x), DataType::Float8)
    }

    fn c(v: (Value, DataType), fmt: &str) -> String {
        text_of(call("to_char", &[v, t(fmt)]))
    }

    #[test]
    fn postgres_documented_examples() {
        assert_eq!(c(f(-0.1), "99.99"), "  -.10");
        assert_eq!(c(f(-0.1), "FM9.99"), "-.1");
        assert_eq!(c(f(-0.1), "FM90.99"), "-0.1");
        assert_eq!(c(f(0.1), "0.9"), " 0.1");
        assert_eq!(c(i(12), "9990999.9"), "    0012.0");
        assert_eq!(c(i(12), "FM9990999.9"), "0012.");
        assert_eq!(c(i(485), "999"), " 485");
        assert_eq!(c(i(-485), "999"), "-485");
        assert_eq!(c(i(485), "9 9 9"), " 4 8 5");
        assert_eq!(c(i(1485), "9,999"), " 1,485");
        assert_eq!(c(i(1485), "9G999"), " 1,485");
        assert_eq!(c(n("148.5"), "999.999"), " 148.500");
        assert_eq!(c(n("148.5"), "FM999.999"), "148.5");
        assert_eq!(c(n("148.5"), "FM999.990"), "148.500");
        assert_eq!(c(n("148.5"), "999D999"), " 148.500");
        assert_eq!(c(n("3148.5"), "9G999D999"), " 3,148.500");
        assert_eq!(c(i(-485), "999S"), "485-");
        assert_eq!(c(i(-485), "999MI"), "485-");
        assert_eq!(c(i(485), "999MI"), "485 ");
        assert_eq!(c(i(485), "FM999MI"), "485");
        assert_eq!(c(i(485), "PL999"), "+485");
        assert_eq!(c(i(485), "SG999"), "+485");
        assert_eq!(c(i(-485), "SG999"), "-485");
        assert_eq!(c(i(-485), "9SG99"), "4-85");
        assert_eq!(c(i(-485), "999PR"), "<485>");
        assert_eq!(c(i(485), "RN"), "        CDLXXXV");
        assert_eq!(c(i(485), "FMRN"), "CDLXXXV");
        assert_eq!(c(f(5.2), "FMRN"), "V");
        assert_eq!(c(i(482), "999th"), " 482nd");
        assert_eq!(c(i(485), "\"Good number:\"999"), "Good number: 485");
        assert_eq!(c(n("485.8"), "\"Pre:\"999\" Post:\" .999"), "Pre: 485 Post: .800");
        assert_eq!(c(i(12), "99V999"), " 12000");
        assert_eq!(c(n("12.4"), "99V999"), " 12400");
        assert_eq!(c(n("12.45"), "99V9"), " 125");
        assert_eq!(c(n("0.0004859"), "9.99EEEE"), " 4.86e-04");
    }

    #[test]
    fn other_cases() {
        assert_eq!(c(i(12), "9,999"), "    12");
        assert_eq!(c(i(1234), "99"), " ##");
        assert_eq!(c(i(0), "999"), "   0");
        assert_eq!(c(n("1234.567"), "FM999,999.00"), "1,234.57");
        assert_eq!(c((Value::Int8(-1234567), DataType::Int8), "FM9,999,999"), "-1,234,567");
        assert_eq!(c(f(f64::NAN), "999"), "NaN");
    }
}
