//! Comparison operators (`=`, `<>`, `<`, `<=`, `>`, `>=`) and pattern-matching operators
//! (`LIKE`, `ILIKE`, `~`, `~*`, `!~`, `!~*`, `^@`).
//!
//! Same-type comparisons use [`crate::types::compare::compare`] (PostgreSQL's btree order);
//! `char(n)` ignores trailing blanks, and `real` compared with `double precision` is widened.

use std::cmp::Ordering;

use crate::error::Result;
use crate::functions::pattern::{self, ReFlags};
use crate::functions::util::{arg, text};
use crate::functions::FnContext;
use crate::types::compare::compare;
use crate::types::Value;

/// Comparison kinds, as const-generic codes.
pub(crate) const EQ: u8 = 0;
/// `<>`.
pub(crate) const NE: u8 = 1;
/// `<`.
pub(crate) const LT: u8 = 2;
/// `<=`.
pub(crate) const LE: u8 = 3;
/// `>`.
pub(crate) const GT: u8 = 4;
/// `>=`.
pub(crate) const GE: u8 = 5;

fn test(op: u8, o: Ordering) -> bool {
    match op {
        EQ => o == Ordering::Equal,
        NE => o != Ordering::Equal,
        LT => o == Ordering::Less,
        LE => o != Ordering::Greater,
        GT => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

/// Float ordering with PostgreSQL's rules: NaN equals NaN and sorts above everything.
pub(crate) fn float_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// Compares two non-NULL values of compatible types.
pub(crate) fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Float4(x), Value::Float8(y)) => float_cmp(f64::from(*x), *y),
        (Value::Float8(x), Value::Float4(y)) => float_cmp(*x, f64::from(*y)),
        _ => compare(a, b),
    }
}

/// A comparison operator for any comparable type.
pub(crate) fn cmp_op<const OP: u8>(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let o = cmp_values(arg(args, 0)?, arg(args, 1)?);
    Ok(Value::Bool(test(OP, o)))
}

/// A comparison of `char(n)` values, ignoring trailing blanks.
pub(crate) fn bpchar_op<const OP: u8>(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = text(args, 0)?.trim_end_matches(' ');
    let b = text(args, 1)?.trim_end_matches(' ');
    Ok(Value::Bool(test(OP, a.as_bytes().cmp(b.as_bytes()))))
}

/// `LIKE` (`NOT` when `NEG`, case-insensitive when `CI`).
pub(crate) fn like_op<const NEG: bool, const CI: bool>(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let m = pattern::like(text(args, 0)?, text(args, 1)?, pattern::DEFAULT_ESCAPE, CI)?;
    Ok(Value::Bool(m != NEG))
}

/// `~` and friends (`NOT` when `NEG`, case-insensitive when `CI`).
pub(crate) fn regex_op<const NEG: bool, const CI: bool>(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let re = pattern::compile(text(args, 1)?, ReFlags { icase: CI, ..ReFlags::default() })?;
    Ok(Value::Bool(re.is_match(text(args, 0)?) != NEG))
}

/// `^@` and `starts_with`.
pub(crate) fn starts_with(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(text(args, 0)?.starts_with(text(args, 1)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::utc;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn bpchar_and_float_comparisons() {
        utc(|ctx| {
            assert_eq!(bpchar_op::<EQ>(&[t("ab  "), t("ab")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(bpchar_op::<LT>(&[t("a "), t("ab")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(cmp_op::<LT>(&[Value::Float4(1.5), Value::Float8(2.0)], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(
                cmp_op::<EQ>(&[Value::Float8(f64::NAN), Value::Float4(f32::NAN)], ctx).unwrap().as_bool(),
                Some(true)
            );
            assert_eq!(float_cmp(f64::NAN, f64::INFINITY), Ordering::Greater);
        });
    }

    #[test]
    fn pattern_operators() {
        utc(|ctx| {
            assert_eq!(like_op::<false, false>(&[t("hello"), t("h%o")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(like_op::<true, false>(&[t("hello"), t("h%o")], ctx).unwrap().as_bool(), Some(false));
            assert_eq!(like_op::<false, true>(&[t("HELLO"), t("h%o")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(regex_op::<false, false>(&[t("foobar"), t("o+b")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(regex_op::<false, true>(&[t("FOO"), t("^foo$")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(regex_op::<true, false>(&[t("FOO"), t("^foo$")], ctx).unwrap().as_bool(), Some(true));
            assert_eq!(regex_op::<false, false>(&[t("x"), t("(")], ctx).unwrap_err().code, "2201B");
            assert_eq!(starts_with(&[t("alphabet"), t("alph")], ctx).unwrap().as_bool(), Some(true));
        });
    }
}
