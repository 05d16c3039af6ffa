//! Numeric and floating-point arithmetic with PostgreSQL's result scales and error checks.
//!
//! PostgreSQL's `numeric` chooses the display scale of inexact results (division, `sqrt`,
//! `ln`, `exp`, `power`) so that the result has at least 16 significant digits and no fewer
//! decimals than the inputs (`select_div_scale` and friends in `numeric.c`). These rules are
//! reproduced here on top of `rust_decimal`, whose 96-bit mantissa holds at most 28 decimal
//! places and about 28 significant digits: scales beyond 28 are clamped to what fits (a
//! documented deviation), and results beyond the range fail with 22003
//! `value overflows numeric format`. Only the non-panicking `checked_*` operations of
//! `rust_decimal` are used; its `sqrt` may panic, so square roots are computed here.
//!
//! The float helpers reproduce PostgreSQL's overflow and underflow checks (`float.h`).

use crate::error::{sqlstate, Result, SqlError};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

/// `NUMERIC_MIN_SIG_DIGITS`.
const MIN_SIG_DIGITS: i32 = 16;
/// The largest scale `rust_decimal` can hold.
pub(crate) const MAX_SCALE: u32 = 28;

/// 22003 `value overflows numeric format`.
pub(crate) fn overflow() -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format")
}

/// Normalizes a negative zero to zero (PostgreSQL's numeric has no signed zero).
pub(crate) fn fix_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// The decimal exponent of the leading digit of `d` (`123.4` → 2, `0.05` → -2); 0 for zero.
pub(crate) fn dec_exponent(d: Decimal) -> i32 {
    let m = d.mantissa().unsigned_abs();
    if m == 0 {
        return 0;
    }
    let digits = m.ilog10() as i32 + 1;
    digits - 1 - d.scale() as i32
}

/// The weight (position of the first base-10000 digit) and that digit, as PostgreSQL's
/// `NumericVar` stores them; `(0, 0)` for zero.
fn weight_and_first_digit(d: Decimal) -> (i32, u128) {
    let m = d.mantissa().unsigned_abs();
    if m == 0 {
        return (0, 0);
    }
    let weight = dec_exponent(d).div_euclid(4);
    // first digit = m * 10^(-scale - 4 * weight); the exponent is small (see module docs).
    let k = -(d.scale() as i32) - 4 * weight;
    let first = if k >= 0 {
        10u128.checked_pow(k as u32).and_then(|p| m.checked_mul(p)).unwrap_or(0)
    } else {
        10u128.checked_pow((-k) as u32).map(|p| m / p).unwrap_or(0)
    };
    (weight, first)
}

/// Clamps a PostgreSQL result scale to what `rust_decimal` holds.
fn clamp_scale(rscale: i32) -> u32 {
    rscale.clamp(0, MAX_SCALE as i32) as u32
}

/// Rounds `d` half away from zero to `scale` decimals and pads it to exactly that scale (as
/// far as the mantissa allows).
pub(crate) fn round_to_scale(d: Decimal, scale: u32) -> Decimal {
    let mut r = d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(scale);
    fix_zero(r)
}

/// PostgreSQL's `select_div_scale`.
fn div_scale(a: Decimal, b: Decimal) -> i32 {
    let (w1, f1) = weight_and_first_digit(a);
    let (w2, f2) = weight_and_first_digit(b);
    let mut qweight = w1 - w2;
    if f1 <= f2 {
        qweight -= 1;
    }
    (MIN_SIG_DIGITS - qweight * 4).max(a.scale() as i32).max(b.scale() as i32).max(0)
}

/// `a / b` with PostgreSQL's result scale. Errors: 22012, 22003.
pub(crate) fn div(a: Decimal, b: Decimal) -> Result<Decimal> {
    div_with_scale(a, b).map(|(q, _)| q)
}

/// `a / b` with PostgreSQL's result scale, and that scale (clamped to what fits).
pub(crate) fn div_with_scale(a: Decimal, b: Decimal) -> Result<(Decimal, u32)> {
    if b.is_zero() {
        return Err(SqlError::division_by_zero());
    }
    let q = a.checked_div(b).ok_or_else(overflow)?;
    let scale = clamp_scale(div_scale(a, b));
    Ok((round_to_scale(q, scale), scale))
}

/// The square root of a non-negative `x`, rounded to `scale` decimals.
pub(crate) fn sqrt_with_scale(x: Decimal, scale: u32) -> Result<Decimal> {
    Ok(round_to_scale(sqrt_raw(x)?, scale.min(MAX_SCALE)))
}

/// `a / b` truncated to an integer (`div(numeric, numeric)`).
pub(crate) fn div_trunc(a: Decimal, b: Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(SqlError::division_by_zero());
    }
    let q = a.checked_div(b).ok_or_else(overflow)?;
    Ok(fix_zero(q.trunc()))
}

/// `a % b` (sign of `a`), scale the larger of the inputs'.
pub(crate) fn rem(a: Decimal, b: Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(SqlError::division_by_zero());
    }
    let r = a.checked_rem(b).ok_or_else(overflow)?;
    let mut r = fix_zero(r);
    r.rescale(a.scale().max(b.scale()));
    Ok(r)
}

/// `a + b`.
pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).map(fix_zero).ok_or_else(overflow)
}

/// `a - b`.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).map(fix_zero).ok_or_else(overflow)
}

/// `a * b` (result scale is the sum of the scales, as far as it fits).
pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal> {
    let mut r = a.checked_mul(b).ok_or_else(overflow)?;
    r.rescale((a.scale() + b.scale()).min(MAX_SCALE));
    Ok(fix_zero(r))
}

/// Square root with about 28 significant digits: a float estimate refined by Newton steps.
fn sqrt_raw(x: Decimal) -> Result<Decimal> {
    if x.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let est = x.to_f64().map(f64::sqrt).and_then(Decimal::from_f64).ok_or_else(overflow)?;
    let mut y = if est.is_zero() { Decimal::ONE } else { est };
    for _ in 0..4 {
        let q = x.checked_div(y).ok_or_else(overflow)?;
        let next = y.checked_add(q).ok_or_else(overflow)?.checked_div(Decimal::TWO).ok_or_else(overflow)?;
        if next == y {
            break;
        }
        y = next;
    }
    Ok(y)
}

/// `sqrt(numeric)`. Errors: 2201F for negative input.
pub(crate) fn sqrt(x: Decimal) -> Result<Decimal> {
    if x.is_sign_negative() && !x.is_zero() {
        return Err(SqlError::new("2201F", "cannot take square root of a negative number"));
    }
    let (weight, _) = weight_and_first_digit(x);
    let sweight = (weight + 1) * 4 / 2 - 1;
    let rscale = (MIN_SIG_DIGITS - sweight).max(x.scale() as i32).max(0);
    Ok(round_to_scale(sqrt_raw(x)?, clamp_scale(rscale)))
}

/// PostgreSQL's `estimate_ln_dweight`: the decimal weight of `ln(x)`.
fn ln_dweight(x: Decimal) -> i32 {
    if x <= Decimal::ZERO {
        return 0;
    }
    let lo = Decimal::new(9, 1);
    let hi = Decimal::new(11, 1);
    if x >= lo && x <= hi {
        let d = x - Decimal::ONE;
        return if d.is_zero() { 0 } else { dec_exponent(d) };
    }
    let l = x.to_f64().map(f64::ln).unwrap_or(0.0);
    if l == 0.0 {
        0
    } else {
        l.abs().log10() as i32
    }
}

fn check_log_arg(x: Decimal) -> Result<()> {
    if x.is_zero() {
        Err(SqlError::new("2201E", "cannot take logarithm of zero"))
    } else if x.is_sign_negative() {
        Err(SqlError::new("2201E", "cannot take logarithm of a negative number"))
    } else {
        Ok(())
    }
}

/// `ln(numeric)`. Errors: 2201E for zero or negative input.
pub(crate) fn ln(x: Decimal) -> Result<Decimal> {
    check_log_arg(x)?;
    let rscale = (MIN_SIG_DIGITS - ln_dweight(x)).max(x.scale() as i32).max(0);
    let r = x.checked_ln().ok_or_else(overflow)?;
    Ok(round_to_scale(r, clamp_scale(rscale)))
}

/// `log(base, x)` for numerics (`log(x)` is `log(10, x)`). Errors: 2201E, 22012 for base 1.
pub(crate) fn log(base: Decimal, x: Decimal) -> Result<Decimal> {
    check_log_arg(base)?;
    check_log_arg(x)?;
    let dweight = ln_dweight(x) - ln_dweight(base);
    let rscale = (MIN_SIG_DIGITS - dweight).max(base.scale() as i32).max(x.scale() as i32).max(0);
    let ten = Decimal::TEN;
    let r = if base == ten {
        x.checked_log10().ok_or_else(overflow)?
    } else {
        let lb = base.checked_ln().ok_or_else(overflow)?;
        if lb.is_zero() {
            return Err(SqlError::division_by_zero());
        }
        let lx = x.checked_ln().ok_or_else(overflow)?;
        lx.checked_div(lb).ok_or_else(overflow)?
    };
    Ok(round_to_scale(r, clamp_scale(rscale)))
}

/// `exp(numeric)`.
pub(crate) fn exp(x: Decimal) -> Result<Decimal> {
    let weight = (x.to_f64().unwrap_or(0.0) * std::f64::consts::LOG10_E).clamp(-2000.0, 2000.0) as i32;
    let rscale = (MIN_SIG_DIGITS - weight).max(x.scale() as i32).max(0);
    let r = match x.checked_exp() {
        Some(r) => r,
        // exp of a large negative number is below the smallest decimal: zero.
        None if x.is_sign_negative() => Decimal::ZERO,
        None => return Err(overflow()),
    };
    Ok(round_to_scale(r, clamp_scale(rscale)))
}

/// `power(numeric, numeric)` / `numeric ^ numeric`.
pub(crate) fn power(base: Decimal, e: Decimal) -> Result<Decimal> {
    if base.is_zero() && e.is_sign_negative() && !e.is_zero() {
        return Err(SqlError::new("2201F", "zero raised to a negative power is undefined"));
    }
    let e_is_int = e.fract().is_zero();
    if base.is_sign_negative() && !base.is_zero() && !e_is_int {
        return Err(SqlError::new("2201F", "a negative number raised to a non-integer power yields a complex result"));
    }
    let bf = base.to_f64().unwrap_or(0.0).abs();
    let ef = e.to_f64().unwrap_or(0.0);
    let f = if base.is_zero() { 0.0 } else { ef * bf.log10() };
    if f > 131072.0 {
        return Err(overflow());
    }
    let rscale =
        (MIN_SIG_DIGITS - f.clamp(-2000.0, 2000.0) as i32).max(base.scale() as i32).max(e.scale() as i32).max(0);
    if f + 1.0 < -(MAX_SCALE as f64) {
        return Ok(round_to_scale(Decimal::ZERO, clamp_scale(rscale)));
    }
    let r = if e.is_zero() {
        Decimal::ONE
    } else if base.is_zero() {
        Decimal::ZERO
    } else if e_is_int {
        let n = e.to_i64().ok_or_else(overflow)?;
        base.checked_powi(n).ok_or_else(overflow)?
    } else {
        let l = base.checked_ln().ok_or_else(overflow)?;
        l.checked_mul(e).and_then(|p| p.checked_exp()).ok_or_else(overflow)?
    };
    Ok(round_to_scale(r, clamp_scale(rscale)))
}

/// `round(numeric, s)`: half away from zero; negative `s` rounds left of the point.
pub(crate) fn round(x: Decimal, s: i32) -> Result<Decimal> {
    if s >= 0 {
        return Ok(round_to_scale(x, (s as u32).min(MAX_SCALE)));
    }
    let p = Decimal::from_i128_with_scale(10i128.pow(s.unsigned_abs().min(28)), 0);
    let q = x.checked_div(p).ok_or_else(overflow)?;
    let r = q.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    Ok(fix_zero(r.checked_mul(p).ok_or_else(overflow)?.trunc()))
}

/// `trunc(numeric, s)`.
pub(crate) fn trunc(x: Decimal, s: i32) -> Result<Decimal> {
    if s >= 0 {
        let s = (s as u32).min(MAX_SCALE);
        let mut r = x.trunc_with_scale(s);
        r.rescale(s);
        return Ok(fix_zero(r));
    }
    let p = Decimal::from_i128_with_scale(10i128.pow(s.unsigned_abs().min(28)), 0);
    let q = x.checked_div(p).ok_or_else(overflow)?.trunc();
    Ok(fix_zero(q.checked_mul(p).ok_or_else(overflow)?.trunc()))
}

/// A numeric from an `i128`, or 22003.
pub(crate) fn from_i128(v: i128) -> Result<Decimal> {
    Decimal::try_from_i128_with_scale(v, 0).map_err(|_| overflow())
}

/// 22003 `value out of range: overflow`.
pub(crate) fn float_overflow() -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow")
}

/// 22003 `value out of range: underflow`.
pub(crate) fn float_underflow() -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow")
}

/// PostgreSQL's `float_overflow_error` check: an infinite result from finite inputs.
pub(crate) fn check_inf(r: f64, inputs_inf: bool) -> Result<f64> {
    if r.is_infinite() && !inputs_inf {
        Err(float_overflow())
    } else {
        Ok(r)
    }
}

/// PostgreSQL's underflow check: a zero result from non-zero inputs.
pub(crate) fn check_zero(r: f64, inputs_nonzero: bool) -> Result<f64> {
    if r == 0.0 && inputs_nonzero {
        Err(float_underflow())
    } else {
        Ok(r)
    }
}

/// `float8 ^ float8` with PostgreSQL's errors.
pub(crate) fn float_pow(a: f64, b: f64) -> Result<f64> {
    if a == 0.0 && b < 0.0 {
        return Err(SqlError::new("2201F", "zero raised to a negative power is undefined"));
    }
    if a < 0.0 && b.is_finite() && b.fract() != 0.0 {
        return Err(SqlError::new("2201F", "a negative number raised to a non-integer power yields a complex result"));
    }
    if a == 1.0 || b == 0.0 {
        return Ok(1.0);
    }
    let r = a.powf(b);
    let r = check_inf(r, a.is_infinite() || b.is_infinite())?;
    check_zero(r, a != 0.0 && !b.is_infinite() && !a.is_infinite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn division_scale_matches_postgres() {
        assert_eq!(div(d("10"), d("3")).unwrap().to_string(), "3.3333333333333333");
        assert_eq!(div(d("1"), d("3")).unwrap().to_string(), "0.33333333333333333333");
        assert_eq!(div(d("3"), d("2")).unwrap().to_string(), "1.5000000000000000");
        assert_eq!(div(d("6"), d("3")).unwrap().to_string(), "2.0000000000000000");
        assert_eq!(div(d("6"), d("6")).unwrap().to_string(), "1.00000000000000000000");
        assert_eq!(div(d("10000000000"), d("3")).unwrap().to_string(), "3333333333.33333333");
        assert_eq!(div(d("7.50"), d("2")).unwrap().to_string(), "3.7500000000000000");
        assert_eq!(div(d("2"), d("3")).unwrap().to_string(), "0.66666666666666666667");
        assert_eq!(div(d("-2"), d("3")).unwrap().to_string(), "-0.66666666666666666667");
        assert_eq!(div(d("1"), d("0")).unwrap_err().code, "22012");
    }

    #[test]
    fn sqrt_ln_exp_power() {
        assert_eq!(sqrt(d("2")).unwrap().to_string(), "1.414213562373095");
        assert_eq!(sqrt(d("4")).unwrap().to_string(), "2.000000000000000");
        assert_eq!(sqrt(d("0")).unwrap().to_string(), "0.000000000000000");
        assert_eq!(sqrt(d("-1")).unwrap_err().code, "2201F");
        assert_eq!(ln(d("2")).unwrap().to_string(), "0.6931471805599453");
        assert_eq!(ln(d("0")).unwrap_err().message, "cannot take logarithm of zero");
        assert_eq!(ln(d("-1")).unwrap_err().message, "cannot take logarithm of a negative number");
        assert_eq!(log(d("10"), d("100")).unwrap().to_string(), "2.0000000000000000");
        assert_eq!(log(d("2"), d("8")).unwrap().to_string(), "3.0000000000000000");
        assert_eq!(exp(d("1")).unwrap().to_string(), "2.7182818284590452");
        assert_eq!(exp(d("-100")).unwrap().to_string(), "0.0000000000000000000000000000");
        assert_eq!(exp(d("100")).unwrap_err().code, "22003");
        assert_eq!(round(d("1.5"), i32::MIN).unwrap().to_string(), "0");
        assert_eq!(trunc(d("1.5"), i32::MIN).unwrap().to_string(), "0");
        assert_eq!(power(d("2"), d("3")).unwrap().to_string(), "8.0000000000000000");
        assert_eq!(power(d("2"), d("0.5")).unwrap().to_string(), "1.4142135623730950");
        assert_eq!(power(d("0"), d("-1")).unwrap_err().code, "2201F");
        assert_eq!(power(d("-8"), d("0.5")).unwrap_err().code, "2201F");
        assert_eq!(power(d("2"), d("-2")).unwrap().to_string(), "0.2500000000000000");
    }

    #[test]
    fn rounding() {
        assert_eq!(round(d("2.5"), 0).unwrap().to_string(), "3");
        assert_eq!(round(d("-2.5"), 0).unwrap().to_string(), "-3");
        assert_eq!(round(d("1234.5678"), 2).unwrap().to_string(), "1234.57");
        assert_eq!(round(d("1234.5678"), -2).unwrap().to_string(), "1200");
        assert_eq!(round(d("1.5"), 3).unwrap().to_string(), "1.500");
        assert_eq!(round(d("-0.4"), 0).unwrap().to_string(), "0");
        assert_eq!(trunc(d("1234.5678"), 2).unwrap().to_string(), "1234.56");
        assert_eq!(trunc(d("-1234.5678"), -2).unwrap().to_string(), "-1200");
        assert_eq!(rem(d("10.5"), d("3")).unwrap().to_string(), "1.5");
        assert_eq!(rem(d("-7"), d("3")).unwrap().to_string(), "-1");
        assert_eq!(mul(d("1.5"), d("2.25")).unwrap().to_string(), "3.375");
    }

    #[test]
    fn floats() {
        assert_eq!(float_pow(2.0, 10.0).unwrap(), 1024.0);
        assert_eq!(float_pow(0.0, -1.0).unwrap_err().code, "2201F");
        assert_eq!(float_pow(-1.0, 0.5).unwrap_err().code, "2201F");
        assert_eq!(float_pow(10.0, 400.0).unwrap_err().message, "value out of range: overflow");
        assert_eq!(float_pow(10.0, -400.0).unwrap_err().message, "value out of range: underflow");
    }
}
