//! Arbitrary-precision decimal numbers as digit strings.
//!
//! `numeric` values are [`rust_decimal::Decimal`]s (28 significant digits), but `jsonb` numbers
//! are PostgreSQL numerics of any size, and the text, binary and key encodings of both share
//! the same decimal logic: parsing PostgreSQL's `numeric_in` syntax, printing `numeric_out`'s
//! fixed notation, comparing by value and converting to and from `Decimal`. [`Digits`] holds a
//! number in a normalized form that makes all of these simple.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::{sqlstate, Result, SqlError};

/// The largest decimal exponent accepted (PostgreSQL's numeric holds about 131072 digits
/// before the point and 16383 after it).
const MAX_WEIGHT: i64 = 131_072;
/// The largest display scale (`NUMERIC_DSCALE_MAX`).
const MAX_DSCALE: i64 = 16_383;
/// `Decimal`'s largest scale.
const DECIMAL_MAX_SCALE: u32 = 28;
/// `Decimal`'s largest mantissa, 2^96 - 1.
const DECIMAL_MAX_MANTISSA: u128 = (1 << 96) - 1;

/// A decimal number: `0.d1d2...dn × 10^exp`, with no leading or trailing zero digits (zero has
/// no digits and exponent 0), plus the display scale (digits shown after the point).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Digits {
    /// True for a negative number (never for zero).
    pub neg: bool,
    /// Decimal digits, 0-9.
    pub digits: Vec<u8>,
    /// The position of the decimal point relative to the first digit.
    pub exp: i64,
    /// Digits shown after the decimal point (PostgreSQL's `dscale`).
    pub dscale: u32,
}

/// 22003 `value overflows numeric format`.
pub(crate) fn numeric_overflow() -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format")
}

/// Why a string did not parse as a number.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not the syntax of a number.
    Syntax,
    /// An exponent or scale beyond what numeric holds.
    Overflow,
}

impl Digits {
    /// Zero with display scale `dscale`.
    pub fn zero(dscale: u32) -> Self {
        Self { neg: false, digits: Vec::new(), exp: 0, dscale }
    }

    /// Builds a normalized number from raw digits (any leading or trailing zeros) whose decimal
    /// point sits after `point` of them.
    pub fn from_raw(neg: bool, raw: &[u8], point: i64, dscale: u32) -> Self {
        let lead = raw.iter().take_while(|&&d| d == 0).count();
        let trail = raw.iter().rev().take_while(|&&d| d == 0).count();
        if lead == raw.len() {
            return Self::zero(dscale);
        }
        let digits = raw[lead..raw.len() - trail].to_vec();
        Self { neg, digits, exp: point - lead as i64, dscale }
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Parses PostgreSQL's numeric syntax (without surrounding whitespace): an optional sign,
    /// digits with an optional point (underscores allowed between digits), an optional
    /// exponent; or a `0x`/`0o`/`0b` integer.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if let Some(&c) = b.first() {
            if c == b'+' || c == b'-' {
                neg = c == b'-';
                i = 1;
            }
        }
        if b.len() > i + 1 && b[i] == b'0' && matches!(b[i + 1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            return Self::parse_radix(neg, &b[i + 2..], b[i + 1].to_ascii_lowercase());
        }
        let mut raw = Vec::new();
        let mut int_digits: i64 = 0;
        let mut frac_digits: i64 = 0;
        let mut have_dp = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    raw.push(c - b'0');
                    if have_dp {
                        frac_digits += 1;
                    } else {
                        int_digits += 1;
                    }
                    i += 1;
                }
                b'.' if !have_dp => {
                    have_dp = true;
                    i += 1;
                    if b.get(i) == Some(&b'_') {
                        return Err(ParseError::Syntax);
                    }
                }
                b'_' if !raw.is_empty() && b.get(i - 1).is_some_and(u8::is_ascii_digit) => {
                    i += 1;
                    if !b.get(i).is_some_and(u8::is_ascii_digit) {
                        return Err(ParseError::Syntax);
                    }
                }
                _ => break,
            }
        }
        if raw.is_empty() {
            return Err(ParseError::Syntax);
        }
        let mut exponent: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                eneg = b[i] == b'-';
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(ParseError::Syntax);
            }
            while i < b.len() {
                match b[i] {
                    c @ b'0'..=b'9' => {
                        exponent = exponent * 10 + i64::from(c - b'0');
                        if exponent > i64::from(i32::MAX / 2) {
                            return Err(ParseError::Overflow);
                        }
                        i += 1;
                    }
                    b'_' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
                    _ => break,
                }
            }
            if eneg {
                exponent = -exponent;
            }
        }
        if i != b.len() {
            return Err(ParseError::Syntax);
        }
        let dscale = (frac_digits - exponent).max(0);
        let d = Self::from_raw(neg, &raw, int_digits + exponent, 0);
        if dscale > MAX_DSCALE || d.exp > MAX_WEIGHT {
            return Err(ParseError::Overflow);
        }
        Ok(Self { dscale: dscale as u32, ..d })
    }

    fn parse_radix(neg: bool, b: &[u8], radix: u8) -> Result<Self, ParseError> {
        let base: u32 = match radix {
            b'x' => 16,
            b'o' => 8,
            _ => 2,
        };
        // Accumulate in base 10 digit vectors so that any length works.
        let mut dec: Vec<u8> = vec![0];
        let mut any = false;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'_' {
                i += 1;
                if !b.get(i).is_some_and(|&c| char::from(c).is_digit(base)) {
                    return Err(ParseError::Syntax);
                }
                continue;
            }
            let Some(v) = char::from(c).to_digit(base) else { return Err(ParseError::Syntax) };
            any = true;
            let mut carry = v;
            for d in dec.iter_mut().rev() {
                let x = u32::from(*d) * base + carry;
                *d = (x % 10) as u8;
                carry = x / 10;
            }
            while carry > 0 {
                dec.insert(0, (carry % 10) as u8);
                carry /= 10;
            }
            if dec.len() as i64 > MAX_WEIGHT {
                return Err(ParseError::Overflow);
            }
            i += 1;
        }
        if !any {
            return Err(ParseError::Syntax);
        }
        let point = dec.len() as i64;
        Ok(Self::from_raw(neg, &dec, point, 0))
    }

    /// The digit `idx` places after the point of `0.d1d2...` (0 for positions outside the
    /// digits), so the number's own first fractional digit is at `idx` = `exp`.
    fn digit_at(&self, idx: i64) -> u8 {
        if idx < 0 {
            return 0;
        }
        usize::try_from(idx).ok().and_then(|i| self.digits.get(i)).copied().unwrap_or(0)
    }

    /// PostgreSQL's `numeric_out`: fixed notation with exactly `dscale` fractional digits.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.neg && !self.is_zero() {
            out.push('-');
        }
        if self.exp <= 0 {
            out.push('0');
        } else {
            for i in 0..self.exp {
                out.push(char::from(b'0' + self.digit_at(i)));
            }
        }
        if self.dscale > 0 {
            out.push('.');
            for k in 0..i64::from(self.dscale) {
                out.push(char::from(b'0' + self.digit_at(self.exp + k)));
            }
        }
        out
    }

    /// The normalized text without display scale (`1.50` and `1.5` both give `1.5`), for
    /// hashing values that compare equal.
    pub fn canonical_text(&self) -> String {
        let frac = (self.digits.len() as i64 - self.exp).max(0);
        Self { dscale: frac as u32, ..self.clone() }.to_text()
    }

    /// Compares by value.
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        let sign = |d: &Self| {
            if d.is_zero() {
                0
            } else if d.neg {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let magnitude = self.exp.cmp(&other.exp).then_with(|| self.digits.cmp(&other.digits));
        if sa < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }

    /// The digits of a `Decimal`.
    pub fn from_decimal(d: &Decimal) -> Self {
        let m = d.mantissa().unsigned_abs();
        let raw: Vec<u8> = m.to_string().bytes().map(|c| c - b'0').collect();
        let point = raw.len() as i64 - i64::from(d.scale());
        Self::from_raw(d.is_sign_negative(), &raw, point, d.scale())
    }

    /// The nearest `Decimal`, keeping the display scale where `Decimal` can: scales above 28,
    /// or that would need more than 96 bits of mantissa, are rounded (half away from zero) to
    /// the largest scale that fits. Errors with 22003 when even the integer part does not fit.
    pub fn to_decimal(&self) -> Result<Decimal> {
        if self.is_zero() {
            return Ok(Decimal::new(0, self.dscale.min(DECIMAL_MAX_SCALE)));
        }
        let mut scale = self.dscale.min(DECIMAL_MAX_SCALE);
        loop {
            let len = self.exp + i64::from(scale);
            if len <= 30 {
                let mut m: u128 = 0;
                for i in 0..len {
                    m = m * 10 + u128::from(self.digit_at(i));
                }
                if self.digit_at(len) >= 5 {
                    m += 1;
                }
                if m <= DECIMAL_MAX_MANTISSA {
                    let signed = if self.neg { -(m as i128) } else { m as i128 };
                    return Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| numeric_overflow());
                }
            }
            if scale == 0 {
                return Err(numeric_overflow());
            }
            scale -= 1;
        }
    }
}

/// The text of a `Decimal` as `numeric_out` prints it (no negative zero).
pub(crate) fn decimal_to_text(d: &Decimal) -> String {
    let mut d = *d;
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn text(s: &str) -> String {
        Digits::parse(s).unwrap().to_text()
    }

    #[test]
    fn parses_and_prints_like_numeric_in_out() {
        assert_eq!(text("1.50"), "1.50");
        assert_eq!(text("-0.0"), "0.0");
        assert_eq!(text("1e2"), "100");
        assert_eq!(text("1.5e1"), "15");
        assert_eq!(text("1.50e1"), "15.0");
        assert_eq!(text("1E-2"), "0.01");
        assert_eq!(text("000123.4500"), "123.4500");
        assert_eq!(text(".5"), "0.5");
        assert_eq!(text("5."), "5");
        assert_eq!(text("+7"), "7");
        assert_eq!(text("1_000.000_1"), "1000.0001");
        assert_eq!(text("0x1F"), "31");
        assert_eq!(text("-0b101"), "-5");
        assert_eq!(text("0o_17"), "15");
        assert_eq!(
            text("12345678901234567890123456789012345678901234567890"),
            "12345678901234567890123456789012345678901234567890"
        );
        for bad in ["", ".", "-", "1e", "e5", "1.2.3", "_1", "1_", "1__0", "1._5", "0x", "0xg", "1 2", "NaN"] {
            assert_eq!(Digits::parse(bad), Err(ParseError::Syntax), "{bad}");
        }
        assert_eq!(Digits::parse("1e2000000000"), Err(ParseError::Overflow));
        assert_eq!(Digits::parse("1e200000"), Err(ParseError::Overflow));
    }

    #[test]
    fn converts_to_decimal() {
        let d = |s: &str| Digits::parse(s).unwrap().to_decimal();
        assert_eq!(d("1.50").unwrap().to_string(), "1.50");
        assert_eq!(d("0.000").unwrap().to_string(), "0.000");
        assert_eq!(d("79228162514264337593543950335").unwrap(), Decimal::MAX);
        assert!(d("79228162514264337593543950336").is_err());
        assert_eq!(d("1e-30").unwrap().to_string(), "0.0000000000000000000000000000");
        assert_eq!(d("0.12345678901234567890123456789").unwrap().to_string(), "0.1234567890123456789012345679");
        assert_eq!(d("12345.000000000000000000000000001").unwrap().to_string(), "12345.000000000000000000000000");
        assert_eq!(d("-2.5").unwrap().to_string(), "-2.5");
        assert_eq!(Digits::from_decimal(&Decimal::from_str("-0.0100").unwrap()).to_text(), "-0.0100");
        assert_eq!(decimal_to_text(&Decimal::from_str("-0.00").unwrap()), "0.00");
    }

    #[test]
    fn compares_by_value() {
        let p = |s: &str| Digits::parse(s).unwrap();
        assert_eq!(p("1.0").cmp_value(&p("1")), Ordering::Equal);
        assert_eq!(p("-1").cmp_value(&p("0")), Ordering::Less);
        assert_eq!(p("-10").cmp_value(&p("-9")), Ordering::Less);
        assert_eq!(p("0.101").cmp_value(&p("0.11")), Ordering::Less);
        assert_eq!(p("100").cmp_value(&p("99.999")), Ordering::Greater);
        assert_eq!(p("1.50").canonical_text(), "1.5");
        assert_eq!(p("1500").canonical_text(), "1500");
    }

    proptest! {
        #[test]
        fn decimal_round_trip(m in any::<i64>(), s in 0u32..20) {
            let d = Decimal::new(m, s);
            let digits = Digits::from_decimal(&d);
            prop_assert_eq!(digits.to_decimal().unwrap(), d);
            prop_assert_eq!(digits.to_text(), decimal_to_text(&d));
            prop_assert_eq!(Digits::parse(&d.to_string()).unwrap(), digits);
        }

        #[test]
        fn order_matches_decimal(a in any::<i64>(), sa in 0u32..10, b in any::<i64>(), sb in 0u32..10) {
            let (da, db) = (Decimal::new(a, sa), Decimal::new(b, sb));
            prop_assert_eq!(Digits::from_decimal(&da).cmp_value(&Digits::from_decimal(&db)), da.cmp(&db));
        }
    }
}
