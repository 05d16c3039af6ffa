//! Arithmetic and bitwise operators on integers, floats and numerics, with PostgreSQL's
//! overflow (22003) and division-by-zero (22012) errors.

use crate::error::{Result, SqlError};
use crate::functions::numeric::{self as num, check_inf, check_zero};
use crate::functions::util::{arg, bad_arg, float, numeric};
use crate::functions::FnContext;
use crate::types::Value;

/// Integer operators for one integer type: `$t` stored in `Value::$v`, named `$name` in
/// overflow errors. Shifts take an `int4` count and behave like C's (x86) shifts, as
/// PostgreSQL's do.
macro_rules! int_ops {
    ($m:ident, $t:ty, $v:ident, $name:literal) => {
        /// Operators on one integer type.
        pub(crate) mod $m {
            use super::*;

            fn get(args: &[Value], i: usize) -> Result<$t> {
                match arg(args, i)? {
                    Value::$v(x) => Ok(*x),
                    _ => Err(bad_arg(i)),
                }
            }

            fn two(args: &[Value]) -> Result<($t, $t)> {
                Ok((get(args, 0)?, get(args, 1)?))
            }

            fn oor() -> SqlError {
                SqlError::out_of_range($name)
            }

            fn shift_count(args: &[Value]) -> Result<u32> {
                match arg(args, 1)? {
                    Value::Int4(n) => Ok(*n as u32),
                    _ => Err(bad_arg(1)),
                }
            }

            pub(crate) fn add(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                a.checked_add(b).map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn sub(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                a.checked_sub(b).map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn mul(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                a.checked_mul(b).map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn div(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                if b == 0 {
                    return Err(SqlError::division_by_zero());
                }
                a.checked_div(b).map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn rem(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                if b == 0 {
                    return Err(SqlError::division_by_zero());
                }
                Ok(Value::$v(a.checked_rem(b).unwrap_or(0)))
            }

            pub(crate) fn neg(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                get(args, 0)?.checked_neg().map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn abs(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                get(args, 0)?.checked_abs().map(Value::$v).ok_or_else(oor)
            }

            pub(crate) fn ident(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                get(args, 0).map(Value::$v)
            }

            pub(crate) fn bitand(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                Ok(Value::$v(a & b))
            }

            pub(crate) fn bitor(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                Ok(Value::$v(a | b))
            }

            pub(crate) fn bitxor(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let (a, b) = two(args)?;
                Ok(Value::$v(a ^ b))
            }

            pub(crate) fn bitnot(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                Ok(Value::$v(!get(args, 0)?))
            }

            pub(crate) fn shl(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let a = get(args, 0)?;
                let n = shift_count(args)?;
                // C promotes narrower operands to int before shifting.
                let wide = (a as i64).wrapping_shl(n % (<$t>::BITS.max(32)));
                Ok(Value::$v(wide as $t))
            }

            pub(crate) fn shr(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
                let a = get(args, 0)?;
                let n = shift_count(args)?;
                let wide = (a as i64).wrapping_shr(n % (<$t>::BITS.max(32)));
                Ok(Value::$v(wide as $t))
            }
        }
    };
}

int_ops!(int2, i16, Int2, "smallint");
int_ops!(int4, i32, Int4, "integer");
int_ops!(int8, i64, Int8, "bigint");

/// Operators on `float8` (and `float4` mixed with `float8`, widened).
pub(crate) mod float8 {
    use super::*;

    fn two(args: &[Value]) -> Result<(f64, f64)> {
        Ok((float(args, 0)?, float(args, 1)?))
    }

    pub(crate) fn add(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        check_inf(a + b, a.is_infinite() || b.is_infinite()).map(Value::Float8)
    }

    pub(crate) fn sub(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        check_inf(a - b, a.is_infinite() || b.is_infinite()).map(Value::Float8)
    }

    pub(crate) fn mul(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        let r = check_inf(a * b, a.is_infinite() || b.is_infinite())?;
        check_zero(r, a != 0.0 && b != 0.0).map(Value::Float8)
    }

    pub(crate) fn div(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        if b == 0.0 && !a.is_nan() {
            return Err(SqlError::division_by_zero());
        }
        let r = check_inf(a / b, a.is_infinite())?;
        check_zero(r, a != 0.0 && !b.is_infinite()).map(Value::Float8)
    }

    pub(crate) fn pow(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::float_pow(a, b).map(Value::Float8)
    }

    pub(crate) fn neg(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float8(-float(args, 0)?))
    }

    pub(crate) fn abs(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float8(float(args, 0)?.abs()))
    }

    pub(crate) fn ident(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float8(float(args, 0)?))
    }

    pub(crate) fn sqrt(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let a = float(args, 0)?;
        if a < 0.0 {
            return Err(SqlError::new("2201F", "cannot take square root of a negative number"));
        }
        Ok(Value::Float8(a.sqrt()))
    }

    pub(crate) fn cbrt(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float8(float(args, 0)?.cbrt()))
    }
}

/// Operators on `float4`, computed in single precision as PostgreSQL does.
pub(crate) mod float4 {
    use super::*;

    fn get(args: &[Value], i: usize) -> Result<f32> {
        match arg(args, i)? {
            Value::Float4(x) => Ok(*x),
            _ => Err(bad_arg(i)),
        }
    }

    fn two(args: &[Value]) -> Result<(f32, f32)> {
        Ok((get(args, 0)?, get(args, 1)?))
    }

    fn check(r: f32, inf_in: bool, zero_check: bool) -> Result<Value> {
        if r.is_infinite() && !inf_in {
            return Err(num::float_overflow());
        }
        if r == 0.0 && zero_check {
            return Err(num::float_underflow());
        }
        Ok(Value::Float4(r))
    }

    pub(crate) fn add(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        check(a + b, a.is_infinite() || b.is_infinite(), false)
    }

    pub(crate) fn sub(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        check(a - b, a.is_infinite() || b.is_infinite(), false)
    }

    pub(crate) fn mul(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        check(a * b, a.is_infinite() || b.is_infinite(), a != 0.0 && b != 0.0)
    }

    pub(crate) fn div(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        if b == 0.0 && !a.is_nan() {
            return Err(SqlError::division_by_zero());
        }
        check(a / b, a.is_infinite(), a != 0.0 && !b.is_infinite())
    }

    pub(crate) fn neg(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float4(-get(args, 0)?))
    }

    pub(crate) fn abs(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float4(get(args, 0)?.abs()))
    }

    pub(crate) fn ident(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Float4(get(args, 0)?))
    }
}

/// Operators on `numeric`.
pub(crate) mod numeric_ops {
    use super::*;

    fn two(args: &[Value]) -> Result<(rust_decimal::Decimal, rust_decimal::Decimal)> {
        Ok((numeric(args, 0)?, numeric(args, 1)?))
    }

    pub(crate) fn add(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::add(a, b).map(Value::Numeric)
    }

    pub(crate) fn sub(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::sub(a, b).map(Value::Numeric)
    }

    pub(crate) fn mul(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::mul(a, b).map(Value::Numeric)
    }

    pub(crate) fn div(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::div(a, b).map(Value::Numeric)
    }

    pub(crate) fn rem(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::rem(a, b).map(Value::Numeric)
    }

    pub(crate) fn pow(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        let (a, b) = two(args)?;
        num::power(a, b).map(Value::Numeric)
    }

    pub(crate) fn neg(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Numeric(num::fix_zero(-numeric(args, 0)?)))
    }

    pub(crate) fn abs(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Numeric(numeric(args, 0)?.abs()))
    }

    pub(crate) fn ident(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
        Ok(Value::Numeric(numeric(args, 0)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::utc;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn run(f: crate::functions::ScalarImpl, args: &[Value]) -> Result<Value> {
        utc(|ctx| f(args, ctx))
    }

    #[test]
    fn integer_arithmetic() {
        assert!(matches!(run(int4::add, &[Value::Int4(2), Value::Int4(3)]), Ok(Value::Int4(5))));
        assert!(matches!(run(int4::div, &[Value::Int4(7), Value::Int4(2)]), Ok(Value::Int4(3))));
        assert!(matches!(run(int4::div, &[Value::Int4(-7), Value::Int4(2)]), Ok(Value::Int4(-3))));
        assert!(matches!(run(int4::rem, &[Value::Int4(-7), Value::Int4(2)]), Ok(Value::Int4(-1))));
        assert!(matches!(run(int4::rem, &[Value::Int4(i32::MIN), Value::Int4(-1)]), Ok(Value::Int4(0))));
        let e = run(int4::add, &[Value::Int4(i32::MAX), Value::Int4(1)]).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22003", "integer out of range"));
        let e = run(int2::mul, &[Value::Int2(300), Value::Int2(300)]).unwrap_err();
        assert_eq!(e.message, "smallint out of range");
        let e = run(int8::neg, &[Value::Int8(i64::MIN)]).unwrap_err();
        assert_eq!(e.message, "bigint out of range");
        let e = run(int4::div, &[Value::Int4(1), Value::Int4(0)]).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22012", "division by zero"));
        let e = run(int4::div, &[Value::Int4(i32::MIN), Value::Int4(-1)]).unwrap_err();
        assert_eq!(e.code, "22003");
        assert_eq!(run(int4::rem, &[Value::Int4(1), Value::Int4(0)]).unwrap_err().code, "22012");
    }

    #[test]
    fn bitwise() {
        assert!(matches!(run(int4::bitand, &[Value::Int4(12), Value::Int4(10)]), Ok(Value::Int4(8))));
        assert!(matches!(run(int4::bitor, &[Value::Int4(12), Value::Int4(10)]), Ok(Value::Int4(14))));
        assert!(matches!(run(int4::bitxor, &[Value::Int4(12), Value::Int4(10)]), Ok(Value::Int4(6))));
        assert!(matches!(run(int4::bitnot, &[Value::Int4(1)]), Ok(Value::Int4(-2))));
        assert!(matches!(run(int4::shl, &[Value::Int4(1), Value::Int4(4)]), Ok(Value::Int4(16))));
        assert!(matches!(run(int4::shr, &[Value::Int4(8), Value::Int4(2)]), Ok(Value::Int4(2))));
        assert!(matches!(run(int4::shr, &[Value::Int4(-8), Value::Int4(1)]), Ok(Value::Int4(-4))));
        assert!(matches!(run(int8::shl, &[Value::Int8(1), Value::Int4(40)]), Ok(Value::Int8(1_099_511_627_776))));
        assert!(matches!(run(int2::shl, &[Value::Int2(1), Value::Int4(15)]), Ok(Value::Int2(i16::MIN))));
    }

    #[test]
    fn float_arithmetic() {
        assert!(
            matches!(run(float8::add, &[Value::Float8(0.1), Value::Float8(0.2)]), Ok(Value::Float8(x)) if x == 0.1 + 0.2)
        );
        assert_eq!(run(float8::div, &[Value::Float8(1.0), Value::Float8(0.0)]).unwrap_err().code, "22012");
        assert!(
            matches!(run(float8::div, &[Value::Float8(f64::NAN), Value::Float8(0.0)]), Ok(Value::Float8(x)) if x.is_nan())
        );
        let e = run(float8::mul, &[Value::Float8(1e300), Value::Float8(1e300)]).unwrap_err();
        assert_eq!(e.message, "value out of range: overflow");
        let e = run(float8::mul, &[Value::Float8(1e-300), Value::Float8(1e-300)]).unwrap_err();
        assert_eq!(e.message, "value out of range: underflow");
        assert!(
            matches!(run(float8::add, &[Value::Float8(f64::INFINITY), Value::Float8(1.0)]), Ok(Value::Float8(x)) if x.is_infinite())
        );
        assert!(
            matches!(run(float8::add, &[Value::Float4(1.5), Value::Float8(1.0)]), Ok(Value::Float8(x)) if x == 2.5)
        );
        assert_eq!(run(float4::mul, &[Value::Float4(1e30), Value::Float4(1e30)]).unwrap_err().code, "22003");
        assert_eq!(run(float8::sqrt, &[Value::Float8(-1.0)]).unwrap_err().code, "2201F");
        assert!(matches!(run(float8::cbrt, &[Value::Float8(27.0)]), Ok(Value::Float8(x)) if x == 3.0));
    }

    #[test]
    fn numeric_arithmetic() {
        let d = |s: &str| Value::Numeric(Decimal::from_str(s).unwrap());
        let s = |v: Result<Value>| match v {
            Ok(Value::Numeric(x)) => x.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(s(run(numeric_ops::div, &[d("10"), d("3")])), "3.3333333333333333");
        assert_eq!(s(run(numeric_ops::add, &[d("1.5"), d("2.25")])), "3.75");
        assert_eq!(s(run(numeric_ops::mul, &[d("1.5"), d("2")])), "3.0");
        assert_eq!(s(run(numeric_ops::rem, &[d("10"), d("3")])), "1");
        assert_eq!(s(run(numeric_ops::pow, &[d("2"), d("10")])), "1024.0000000000000");
        assert_eq!(s(run(numeric_ops::neg, &[d("0")])), "0");
        assert_eq!(run(numeric_ops::div, &[d("1"), d("0")]).unwrap_err().code, "22012");
        assert_eq!(run(numeric_ops::rem, &[d("1"), d("0")]).unwrap_err().code, "22012");
        let big = d("79228162514264337593543950335");
        assert_eq!(run(numeric_ops::add, &[big.clone(), big]).unwrap_err().code, "22003");
    }
}
