//! Mathematical functions: `abs`, `ceil`, `floor`, `round`, `trunc`, `sqrt`, `cbrt`, `power`,
//! `exp`, `ln`, `log`, `log10`, `mod`, `div`, `sign`, `pi`, `degrees`, `radians`, the
//! trigonometric and hyperbolic functions, `gcd`, `lcm`, `factorial`, `scale`, `min_scale`,
//! `trim_scale`, `width_bucket`, `random` and `setseed`.
//!
//! `round(double precision)` rounds half to even (C's `rint`), `round(numeric)` half away
//! from zero, as in PostgreSQL. Float results are checked for overflow and underflow.

use std::cell::Cell;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::numeric::{self as num, check_inf, float_overflow, float_underflow};
use crate::functions::operators::cmp::float_cmp;
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bad_arg, float, int, int4, int_out_of_range, int_value, invalid_param, numeric};
use crate::functions::{FnContext, ScalarImpl};
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Float8, Int4, Int8};
    let numeric_t = DataType::Numeric(None);
    for (param, ty) in [
        (p::INT2, DataType::Int2),
        (p::INT4, Int4),
        (p::INT8, Int8),
        (p::FLOAT4, DataType::Float4),
        (p::FLOAT8, Float8),
        (p::NUMERIC, numeric_t.clone()),
    ] {
        r.add("abs", [param], ty, abs);
    }
    let f8: [(&'static str, ScalarImpl); 24] = [
        ("ceil", |a, _| f1(a, f64::ceil)),
        ("ceiling", |a, _| f1(a, f64::ceil)),
        ("floor", |a, _| f1(a, f64::floor)),
        ("round", |a, _| f1(a, f64::round_ties_even)),
        ("trunc", |a, _| f1(a, f64::trunc)),
        ("sqrt", fsqrt),
        ("cbrt", |a, _| f1(a, f64::cbrt)),
        ("exp", fexp),
        ("ln", |a, _| flog(a, f64::ln)),
        ("log", |a, _| flog(a, f64::log10)),
        ("log10", |a, _| flog(a, f64::log10)),
        ("sign", |a, _| {
            f1(a, |x| {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            })
        }),
        ("degrees", |a, _| f1(a, f64::to_degrees)),
        ("radians", |a, _| f1(a, f64::to_radians)),
        ("sin", |a, _| trig(a, f64::sin)),
        ("cos", |a, _| trig(a, f64::cos)),
        ("tan", |a, _| trig(a, f64::tan)),
        ("cot", |a, _| trig(a, |x| 1.0 / x.tan())),
        ("asin", |a, _| unit(a, f64::asin)),
        ("acos", |a, _| unit(a, f64::acos)),
        ("atan", |a, _| f1(a, f64::atan)),
        ("sinh", |a, _| f1(a, f64::sinh)),
        ("cosh", |a, _| f1(a, f64::cosh)),
        ("tanh", |a, _| f1(a, f64::tanh)),
    ];
    for (name, imp) in f8 {
        r.add(name, [p::FLOAT8], Float8, imp);
    }
    r.add("asinh", [p::FLOAT8], Float8, |a, _| f1(a, f64::asinh));
    r.add("acosh", [p::FLOAT8], Float8, acosh);
    r.add("atanh", [p::FLOAT8], Float8, atanh);
    r.add("atan2", [p::FLOAT8, p::FLOAT8], Float8, |a, _| Ok(Value::Float8(float(a, 0)?.atan2(float(a, 1)?))));
    for name in ["power", "pow"] {
        r.add(name, [p::FLOAT8, p::FLOAT8], Float8, |a, _| {
            num::float_pow(float(a, 0)?, float(a, 1)?).map(Value::Float8)
        });
        r.add(name, [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, num::power));
    }
    r.add("pi", [], Float8, |_, _| Ok(Value::Float8(std::f64::consts::PI)));
    let n1s: [(&'static str, ScalarImpl); 10] = [
        ("ceil", |a, _| n1(a, |d| Ok(num::fix_zero(d.ceil().trunc())))),
        ("ceiling", |a, _| n1(a, |d| Ok(num::fix_zero(d.ceil().trunc())))),
        ("floor", |a, _| n1(a, |d| Ok(num::fix_zero(d.floor().trunc())))),
        ("round", |a, _| n1(a, |d| num::round(d, 0))),
        ("trunc", |a, _| n1(a, |d| num::trunc(d, 0))),
        ("sqrt", |a, _| n1(a, num::sqrt)),
        ("exp", |a, _| n1(a, num::exp)),
        ("ln", |a, _| n1(a, num::ln)),
        ("log", |a, _| n1(a, |d| num::log(Decimal::TEN, d))),
        ("log10", |a, _| n1(a, |d| num::log(Decimal::TEN, d))),
    ];
    for (name, imp) in n1s {
        r.add(name, [p::NUMERIC], numeric_t.clone(), imp);
    }
    r.add("sign", [p::NUMERIC], numeric_t.clone(), |a, _| {
        n1(a, |d| {
            Ok(Decimal::from(if d.is_zero() {
                0
            } else if d.is_sign_negative() {
                -1
            } else {
                1
            }))
        })
    });
    r.add("round", [p::NUMERIC, p::INT4], numeric_t.clone(), |a, _| {
        num::round(numeric(a, 0)?, int4(a, 1)?).map(Value::Numeric)
    });
    r.add("trunc", [p::NUMERIC, p::INT4], numeric_t.clone(), |a, _| {
        num::trunc(numeric(a, 0)?, int4(a, 1)?).map(Value::Numeric)
    });
    r.add("log", [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, num::log));
    r.add("div", [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, num::div_trunc));
    r.add("mod", [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, num::rem));
    for (param, ty) in [(p::INT2, DataType::Int2), (p::INT4, Int4), (p::INT8, Int8)] {
        r.add("mod", [param.clone(), param], ty, int_mod);
    }
    r.add("gcd", [p::INT4, p::INT4], Int4, gcd);
    r.add("gcd", [p::INT8, p::INT8], Int8, gcd);
    r.add("lcm", [p::INT4, p::INT4], Int4, lcm);
    r.add("lcm", [p::INT8, p::INT8], Int8, lcm);
    r.add("gcd", [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, numeric_gcd));
    r.add("lcm", [p::NUMERIC, p::NUMERIC], numeric_t.clone(), |a, _| n2(a, numeric_lcm));
    r.add("factorial", [p::INT8], numeric_t.clone(), factorial);
    r.add("scale", [p::NUMERIC], Int4, |a, _| Ok(Value::Int4(numeric(a, 0)?.scale() as i32)));
    r.add("min_scale", [p::NUMERIC], Int4, |a, _| Ok(Value::Int4(numeric(a, 0)?.normalize().scale() as i32)));
    r.add("trim_scale", [p::NUMERIC], numeric_t.clone(), |a, _| {
        Ok(Value::Numeric(num::fix_zero(numeric(a, 0)?.normalize())))
    });
    r.add("width_bucket", [p::FLOAT8, p::FLOAT8, p::FLOAT8, p::INT4], Int4, width_bucket_float);
    r.add("width_bucket", [p::NUMERIC, p::NUMERIC, p::NUMERIC, p::INT4], Int4, width_bucket_numeric);
    r.add("random", [], Float8, random).volatile();
    r.add("setseed", [p::FLOAT8], DataType::Void, setseed).volatile();
}

fn f1(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    let x = float(args, 0)?;
    check_inf(f(x), x.is_infinite()).map(Value::Float8)
}

fn n1(args: &[Value], f: impl Fn(Decimal) -> Result<Decimal>) -> Result<Value> {
    f(numeric(args, 0)?).map(Value::Numeric)
}

fn n2(args: &[Value], f: impl Fn(Decimal, Decimal) -> Result<Decimal>) -> Result<Value> {
    f(numeric(args, 0)?, numeric(args, 1)?).map(Value::Numeric)
}

fn abs(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(match arg(args, 0)? {
        Value::Int2(v) => Value::Int2(v.checked_abs().ok_or_else(|| int_out_of_range(&DataType::Int2))?),
        Value::Int4(v) => Value::Int4(v.checked_abs().ok_or_else(|| int_out_of_range(&DataType::Int4))?),
        Value::Int8(v) => Value::Int8(v.checked_abs().ok_or_else(|| int_out_of_range(&DataType::Int8))?),
        Value::Float4(v) => Value::Float4(v.abs()),
        Value::Float8(v) => Value::Float8(v.abs()),
        Value::Numeric(d) => Value::Numeric(d.abs()),
        _ => return Err(bad_arg(0)),
    })
}

fn fsqrt(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let x = float(args, 0)?;
    if x < 0.0 {
        return Err(SqlError::new("2201F", "cannot take square root of a negative number"));
    }
    Ok(Value::Float8(x.sqrt()))
}

fn fexp(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let x = float(args, 0)?;
    if x.is_nan() {
        return Ok(Value::Float8(x));
    }
    if x.is_infinite() {
        return Ok(Value::Float8(if x > 0.0 { x } else { 0.0 }));
    }
    let r = x.exp();
    if r.is_infinite() {
        Err(float_overflow())
    } else if r == 0.0 {
        Err(float_underflow())
    } else {
        Ok(Value::Float8(r))
    }
}

fn flog(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    let x = float(args, 0)?;
    if x == 0.0 {
        return Err(SqlError::new("2201E", "cannot take logarithm of zero"));
    }
    if x < 0.0 {
        return Err(SqlError::new("2201E", "cannot take logarithm of a negative number"));
    }
    Ok(Value::Float8(f(x)))
}

fn input_out_of_range() -> SqlError {
    SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "input is out of range")
}

fn trig(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    let x = float(args, 0)?;
    if x.is_infinite() {
        return Err(input_out_of_range());
    }
    let r = f(x);
    check_inf(r, false).map(Value::Float8)
}

fn unit(args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    let x = float(args, 0)?;
    if !(-1.0..=1.0).contains(&x) {
        return Err(input_out_of_range());
    }
    Ok(Value::Float8(f(x)))
}

fn acosh(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let x = float(args, 0)?;
    if x < 1.0 {
        return Err(input_out_of_range());
    }
    Ok(Value::Float8(x.acosh()))
}

fn atanh(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let x = float(args, 0)?;
    if !(-1.0..=1.0).contains(&x) {
        return Err(input_out_of_range());
    }
    check_inf(x.atanh(), x.abs() == 1.0).map(Value::Float8)
}

fn int_type(v: &Value) -> DataType {
    match v {
        Value::Int2(_) => DataType::Int2,
        Value::Int8(_) => DataType::Int8,
        _ => DataType::Int4,
    }
}

fn int_mod(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (a, b) = (int(args, 0)?, int(args, 1)?);
    if b == 0 {
        return Err(SqlError::division_by_zero());
    }
    int_value(a.checked_rem(b).unwrap_or(0), &int_type(arg(args, 0)?))
}

fn gcd_i128(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

fn gcd(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let ty = int_type(arg(args, 0)?);
    let g = gcd_i128(i128::from(int(args, 0)?), i128::from(int(args, 1)?));
    int_value(i64::try_from(g).map_err(|_| int_out_of_range(&ty))?, &ty)
}

fn lcm(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let ty = int_type(arg(args, 0)?);
    let (a, b) = (i128::from(int(args, 0)?), i128::from(int(args, 1)?));
    if a == 0 || b == 0 {
        return int_value(0, &ty);
    }
    let l = (a / gcd_i128(a, b) * b).abs();
    int_value(i64::try_from(l).map_err(|_| int_out_of_range(&ty))?, &ty)
}

fn numeric_gcd(a: Decimal, b: Decimal) -> Result<Decimal> {
    let (mut x, mut y) = (a.abs(), b.abs());
    while !y.is_zero() {
        let r = x.checked_rem(y).ok_or_else(num::overflow)?;
        (x, y) = (y, r);
    }
    let mut g = x;
    g.rescale(a.scale().max(b.scale()));
    Ok(g)
}

fn numeric_lcm(a: Decimal, b: Decimal) -> Result<Decimal> {
    let scale = a.scale().max(b.scale());
    let mut r = if a.is_zero() || b.is_zero() {
        Decimal::ZERO
    } else {
        let g = numeric_gcd(a, b)?;
        (a.checked_div(g).ok_or_else(num::overflow)?.trunc().checked_mul(b).ok_or_else(num::overflow)?).abs()
    };
    r.rescale(scale);
    Ok(r)
}

fn factorial(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let n = int(args, 0)?;
    if n < 0 {
        return Err(SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "factorial of a negative number is undefined"));
    }
    let mut r = Decimal::ONE;
    for k in 2..=n {
        r = r.checked_mul(Decimal::from(k)).ok_or_else(num::overflow)?;
    }
    Ok(Value::Numeric(r))
}

fn bucket_error(msg: &str) -> SqlError {
    SqlError::new("2201G", msg)
}

fn bucket(frac: f64, count: i32) -> i32 {
    let b = (frac * f64::from(count)).floor() as i64 + 1;
    b.clamp(1, i64::from(count)) as i32
}

fn width_bucket_float(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (x, lo, hi, count) = (float(args, 0)?, float(args, 1)?, float(args, 2)?, int4(args, 3)?);
    if count <= 0 {
        return Err(bucket_error("count must be greater than zero"));
    }
    if x.is_nan() || lo.is_nan() || hi.is_nan() {
        return Err(bucket_error("operand, lower bound, and upper bound cannot be NaN"));
    }
    if lo.is_infinite() || hi.is_infinite() {
        return Err(bucket_error("lower and upper bounds must be finite"));
    }
    let overflow = || int_out_of_range(&DataType::Int4);
    let r = match float_cmp(lo, hi) {
        std::cmp::Ordering::Equal => return Err(bucket_error("lower bound cannot equal upper bound")),
        std::cmp::Ordering::Less if x < lo => 0,
        std::cmp::Ordering::Less if x >= hi => count.checked_add(1).ok_or_else(overflow)?,
        std::cmp::Ordering::Less => bucket((x - lo) / (hi - lo), count),
        _ if x > lo => 0,
        _ if x <= hi => count.checked_add(1).ok_or_else(overflow)?,
        _ => bucket((lo - x) / (lo - hi), count),
    };
    Ok(Value::Int4(r))
}

fn width_bucket_numeric(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (x, lo, hi, count) = (numeric(args, 0)?, numeric(args, 1)?, numeric(args, 2)?, int4(args, 3)?);
    if count <= 0 {
        return Err(bucket_error("count must be greater than zero"));
    }
    let overflow = || int_out_of_range(&DataType::Int4);
    let exact = |num: Decimal, den: Decimal| -> Result<i32> {
        let q = num.checked_mul(Decimal::from(count)).and_then(|m| m.checked_div(den)).ok_or_else(num::overflow)?;
        let b = q.floor().to_i64().unwrap_or(i64::MAX).saturating_add(1);
        Ok(b.clamp(1, i64::from(count)) as i32)
    };
    let r = match lo.cmp(&hi) {
        std::cmp::Ordering::Equal => return Err(bucket_error("lower bound cannot equal upper bound")),
        std::cmp::Ordering::Less if x < lo => 0,
        std::cmp::Ordering::Less if x >= hi => count.checked_add(1).ok_or_else(overflow)?,
        std::cmp::Ordering::Less => exact(x - lo, hi - lo)?,
        _ if x > lo => 0,
        _ if x <= hi => count.checked_add(1).ok_or_else(overflow)?,
        _ => exact(lo - x, lo - hi)?,
    };
    Ok(Value::Int4(r))
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed_from_os());
}

fn seed_from_os() -> u64 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[8], b[9]]) | 1
}

/// The next value of the per-thread xorshift64* generator.
pub(crate) fn next_random() -> u64 {
    RNG.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

fn random(_: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Float8((next_random() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)))
}

fn setseed(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = float(args, 0)?;
    if !(-1.0..=1.0).contains(&s) {
        return Err(invalid_param(format!("setseed parameter {s} is out of allowed range [-1,1]")));
    }
    let seed = ((s * 2_147_483_647.0) as i64 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    RNG.with(|c| c.set(seed));
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, i, text_of};
    use std::str::FromStr;

    fn f(v: f64) -> (Value, DataType) {
        (Value::Float8(v), DataType::Float8)
    }

    fn d(s: &str) -> (Value, DataType) {
        (Value::Numeric(Decimal::from_str(s).unwrap()), DataType::Numeric(None))
    }

    fn fl(r: Result<Value>) -> f64 {
        match r {
            Ok(Value::Float8(x)) => x,
            other => panic!("{other:?}"),
        }
    }

    fn ns(r: Result<Value>) -> String {
        match r {
            Ok(Value::Numeric(x)) => x.to_string(),
            other => text_of(other),
        }
    }

    #[test]
    fn rounding_functions() {
        assert_eq!(fl(call("round", &[f(2.5)])), 2.0);
        assert_eq!(fl(call("round", &[f(3.5)])), 4.0);
        assert_eq!(fl(call("round", &[f(-2.5)])), -2.0);
        assert_eq!(ns(call("round", &[d("2.5")])), "3");
        assert_eq!(ns(call("round", &[d("-2.5")])), "-3");
        assert_eq!(ns(call("round", &[d("42.4382"), i(2)])), "42.44");
        assert_eq!(ns(call("round", &[d("1234.56"), i(-2)])), "1200");
        assert_eq!(ns(call("trunc", &[d("42.4382"), i(2)])), "42.43");
        assert_eq!(ns(call("trunc", &[d("-42.8")])), "-42");
        assert_eq!(fl(call("trunc", &[f(-42.8)])), -42.0);
        assert_eq!(ns(call("ceil", &[d("-42.8")])), "-42");
        assert_eq!(ns(call("ceil", &[d("42.2")])), "43");
        assert_eq!(ns(call("ceil", &[d("-0.5")])), "0");
        assert_eq!(ns(call("floor", &[d("-42.8")])), "-43");
        assert_eq!(fl(call("floor", &[f(-42.8)])), -43.0);
        assert_eq!(fl(call("ceiling", &[f(95.3)])), 96.0);
        assert_eq!(ns(call("sign", &[d("-8.4")])), "-1");
        assert_eq!(fl(call("sign", &[f(0.0)])), 0.0);
    }

    #[test]
    fn roots_logs_powers() {
        assert_eq!(fl(call("sqrt", &[f(2.0)])), std::f64::consts::SQRT_2);
        assert_eq!(text_of(call("sqrt", &[f(-1.0)])), "ERROR 2201F: cannot take square root of a negative number");
        assert_eq!(ns(call("sqrt", &[d("2")])), "1.414213562373095");
        assert_eq!(fl(call("cbrt", &[f(64.0)])), 4.0);
        assert_eq!(fl(call("power", &[f(9.0), f(3.0)])), 729.0);
        assert_eq!(ns(call("power", &[d("9"), d("3")])), "729.00000000000000");
        assert_eq!(fl(call("exp", &[f(0.0)])), 1.0);
        assert_eq!(text_of(call("exp", &[f(1000.0)])), "ERROR 22003: value out of range: overflow");
        assert_eq!(text_of(call("exp", &[f(-1000.0)])), "ERROR 22003: value out of range: underflow");
        assert_eq!(ns(call("exp", &[d("1.0")])), "2.7182818284590452");
        assert_eq!(fl(call("ln", &[f(std::f64::consts::E)])), 1.0);
        assert_eq!(text_of(call("ln", &[f(0.0)])), "ERROR 2201E: cannot take logarithm of zero");
        assert_eq!(text_of(call("log", &[f(-1.0)])), "ERROR 2201E: cannot take logarithm of a negative number");
        assert_eq!(fl(call("log", &[f(100.0)])), 2.0);
        assert_eq!(fl(call("log10", &[f(1000.0)])), 3.0);
        assert_eq!(ns(call("log", &[d("100")])), "2.0000000000000000");
        assert_eq!(ns(call("log", &[d("2"), d("64")])), "6.0000000000000000");
        assert_eq!(ns(call("ln", &[d("2.0")])), "0.6931471805599453");
    }

    #[test]
    fn integer_functions() {
        assert_eq!(call("abs", &[i(-17)]).unwrap().as_i64(), Some(17));
        assert_eq!(text_of(call("abs", &[i(i32::MIN)])), "ERROR 22003: integer out of range");
        assert_eq!(ns(call("abs", &[d("-17.40")])), "17.40");
        assert_eq!(call("mod", &[i(9), i(4)]).unwrap().as_i64(), Some(1));
        assert_eq!(call("mod", &[i(-9), i(4)]).unwrap().as_i64(), Some(-1));
        assert_eq!(text_of(call("mod", &[i(9), i(0)])), "ERROR 22012: division by zero");
        assert_eq!(ns(call("mod", &[d("10.5"), d("3")])), "1.5");
        assert_eq!(ns(call("div", &[d("9"), d("4")])), "2");
        assert_eq!(ns(call("div", &[d("-9"), d("4")])), "-2");
        assert_eq!(call("gcd", &[i(1071), i(462)]).unwrap().as_i64(), Some(21));
        assert_eq!(call("lcm", &[i(1071), i(462)]).unwrap().as_i64(), Some(23562));
        assert_eq!(call("gcd", &[i(0), i(-6)]).unwrap().as_i64(), Some(6));
        assert_eq!(text_of(call("gcd", &[i(i32::MIN), i(0)])), "ERROR 22003: integer out of range");
        assert_eq!(text_of(call("lcm", &[i(i32::MAX), i(i32::MAX - 1)])), "ERROR 22003: integer out of range");
        assert_eq!(ns(call("gcd", &[d("12.0"), d("18")])), "6.0");
        assert_eq!(ns(call("lcm", &[d("4"), d("6")])), "12");
        assert_eq!(ns(call("factorial", &[(Value::Int8(5), DataType::Int8)])), "120");
        assert_eq!(
            text_of(call("factorial", &[(Value::Int8(-1), DataType::Int8)])),
            "ERROR 22003: factorial of a negative number is undefined"
        );
        assert_eq!(
            text_of(call("factorial", &[(Value::Int8(100), DataType::Int8)])),
            "ERROR 22003: value overflows numeric format"
        );
        assert_eq!(call("scale", &[d("8.4100")]).unwrap().as_i64(), Some(4));
        assert_eq!(call("min_scale", &[d("8.4100")]).unwrap().as_i64(), Some(2));
        assert_eq!(ns(call("trim_scale", &[d("8.4100")])), "8.41");
    }

    #[test]
    fn trig_and_misc() {
        assert_eq!(fl(call("pi", &[])), std::f64::consts::PI);
        assert_eq!(fl(call("degrees", &[f(std::f64::consts::PI)])), 180.0);
        assert_eq!(fl(call("radians", &[f(180.0)])), std::f64::consts::PI);
        assert_eq!(fl(call("atan2", &[f(1.0), f(1.0)])), std::f64::consts::FRAC_PI_4);
        assert_eq!(text_of(call("asin", &[f(2.0)])), "ERROR 22003: input is out of range");
        assert_eq!(text_of(call("sin", &[f(f64::INFINITY)])), "ERROR 22003: input is out of range");
        assert_eq!(fl(call("cos", &[f(0.0)])), 1.0);
        assert_eq!(call("width_bucket", &[f(5.35), f(0.024), f(10.06), i(5)]).unwrap().as_i64(), Some(3));
        assert_eq!(call("width_bucket", &[f(-1.0), f(0.0), f(10.0), i(5)]).unwrap().as_i64(), Some(0));
        assert_eq!(call("width_bucket", &[f(10.0), f(0.0), f(10.0), i(5)]).unwrap().as_i64(), Some(6));
        assert_eq!(call("width_bucket", &[f(9.0), f(10.0), f(0.0), i(5)]).unwrap().as_i64(), Some(1));
        assert_eq!(call("width_bucket", &[d("5.35"), d("0.024"), d("10.06"), i(5)]).unwrap().as_i64(), Some(3));
        assert_eq!(
            text_of(call("width_bucket", &[f(1.0), f(0.0), f(0.0), i(5)])),
            "ERROR 2201G: lower bound cannot equal upper bound"
        );
        assert_eq!(
            text_of(call("width_bucket", &[f(1.0), f(0.0), f(1.0), i(0)])),
            "ERROR 2201G: count must be greater than zero"
        );
        for _ in 0..100 {
            let x = fl(call("random", &[]));
            assert!((0.0..1.0).contains(&x));
        }
        assert!(call("setseed", &[f(0.5)]).unwrap().is_null());
        let a = fl(call("random", &[]));
        call("setseed", &[f(0.5)]).unwrap();
        assert_eq!(fl(call("random", &[])), a);
        assert_eq!(
            text_of(call("setseed", &[f(2.0)])),
            "ERROR 22023: setseed parameter 2 is out of allowed range [-1,1]"
        );
        assert_eq!(super::super::resolve("random", &[]).unwrap().volatility, crate::functions::Volatility::Volatile);
    }
}
