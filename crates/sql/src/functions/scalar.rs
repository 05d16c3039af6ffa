//! Scalar functions: strings, math, date/time, JSON, UUID, arrays and system information.
//!
//! The overloads live in one registry (name → overloads, as in `pg_proc`), filled by each
//! submodule's `register` and resolved by `functions::resolve`. Functions are strict
//! and immutable unless registered otherwise.

mod arrays;
mod datetime;
mod dtfields;
mod encoding;
mod json;
mod math;
mod misc;
mod regexfns;
mod strings;
mod to_char;
mod to_char_num;

use std::sync::LazyLock;

use crate::error::Result;
use crate::functions::resolve::{ambiguous_function, no_function, Registry};
use crate::functions::Resolved;
use crate::types::DataType;

pub(crate) use arrays::array_slice;
pub(crate) use strings::quote_ident;

/// The registry type the submodules fill.
pub(crate) type Functions = Registry<&'static str>;

static FUNCTIONS: LazyLock<Functions> = LazyLock::new(|| {
    let mut r = Registry::new();
    strings::register(&mut r);
    regexfns::register(&mut r);
    encoding::register(&mut r);
    math::register(&mut r);
    datetime::register(&mut r);
    dtfields::register(&mut r);
    to_char::register(&mut r);
    to_char_num::register(&mut r);
    json::register(&mut r);
    arrays::register(&mut r);
    misc::register(&mut r);
    r
});

/// True when `name` is a built-in scalar function (of any arguments).
pub fn exists(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

/// Resolves a scalar function by name and argument types.
pub fn resolve(name: &str, args: &[DataType]) -> Result<Resolved> {
    FUNCTIONS.resolve_or(&name, args, false, || no_function(name, args), || ambiguous_function(name, args))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Calling functions by name in tests, through resolution, as the executor will.

    use crate::error::Result;
    use crate::functions::util::testing::with_ctx;
    use crate::types::{DataType, Value};

    /// Resolves `name` for the types of `args` (given explicitly) and calls it in UTC,
    /// honouring strictness.
    pub(crate) fn call_typed(name: &str, args: &[(Value, DataType)]) -> Result<Value> {
        call_tz(chrono_tz::UTC, name, args)
    }

    /// [`call_typed`] in time zone `tz`.
    pub(crate) fn call_tz(tz: chrono_tz::Tz, name: &str, args: &[(Value, DataType)]) -> Result<Value> {
        let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
        let r = super::resolve(name, &types)?;
        let values: Vec<Value> = args.iter().map(|(v, _)| v.clone()).collect();
        if r.strict && values.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        with_ctx(tz, |ctx| (r.imp)(&values, ctx))
    }

    /// A text argument.
    pub(crate) fn t(s: &str) -> (Value, DataType) {
        (Value::Text(s.into()), DataType::Text)
    }

    /// An int4 argument.
    pub(crate) fn i(v: i32) -> (Value, DataType) {
        (Value::Int4(v), DataType::Int4)
    }

    /// A NULL of type `ty`.
    pub(crate) fn null(ty: DataType) -> (Value, DataType) {
        (Value::Null, ty)
    }

    /// The text result of a call, or the error message.
    pub(crate) fn text_of(r: Result<Value>) -> String {
        match r {
            Ok(Value::Text(s)) => s,
            Ok(Value::Null) => "<NULL>".into(),
            Ok(other) => format!("{other:?}"),
            Err(e) => format!("ERROR {}: {}", e.code, e.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::Volatility;
    use DataType::*;

    fn ret(name: &str, args: &[DataType]) -> DataType {
        resolve(name, args).unwrap_or_else(|e| panic!("{name}: {e}")).ret
    }

    #[test]
    fn function_resolution() {
        assert_eq!(resolve("length", &[Varchar(Some(3))]).unwrap().arg_types, vec![Text]);
        assert_eq!(resolve("length", &[Bpchar(Some(3))]).unwrap().arg_types, vec![Bpchar(None)]);
        assert_eq!(resolve("substr", &[Unknown, Int4, Int4]).unwrap().arg_types, vec![Text, Int4, Int4]);
        assert_eq!(ret("round", &[Int4]), Float8);
        assert_eq!(ret("round", &[Numeric(Some((10, 2))), Int4]), Numeric(None));
        assert_eq!(ret("abs", &[Int2]), Int2);
        assert_eq!(ret("date_trunc", &[Unknown, Date]), TimestampTz);
        assert_eq!(ret("date_trunc", &[Text, Timestamp]), Timestamp);
        assert_eq!(ret("date_part", &[Unknown, Date]), Float8);
        assert_eq!(ret("extract", &[Text, TimestampTz]), Numeric(None));
        assert_eq!(ret("concat", &[Unknown, Int4, Bool]), Text);
        assert_eq!(resolve("concat", &[Unknown, Int4]).unwrap().arg_types, vec![Text, Int4]);
        assert_eq!(ret("array_append", &[Array(Box::new(Int4)), Unknown]), Array(Box::new(Int4)));
        assert_eq!(ret("array_append", &[Array(Box::new(Int8)), Int4]), Array(Box::new(Int8)));
        assert_eq!(ret("array_position", &[Array(Box::new(Text)), Unknown]), Int4);
        assert_eq!(ret("to_json", &[Int4]), Json);
        assert_eq!(ret("jsonb_build_object", &[]), Jsonb);
        assert_eq!(ret("json_extract_path_text", &[Json, Unknown, Unknown]), Text);
        assert_eq!(ret("timezone", &[Unknown, Timestamp]), TimestampTz);
        assert_eq!(ret("to_char", &[Date, Unknown]), Text);
        assert_eq!(ret("make_interval", &[Int4, Int4]), Interval);
        assert!(!resolve("concat", &[Int4]).unwrap().strict);
        assert!(resolve("length", &[Text]).unwrap().strict);
        assert_eq!(resolve("length", &[Text]).unwrap().volatility, Volatility::Immutable);
        assert_eq!(resolve("random", &[]).unwrap().volatility, Volatility::Volatile);
        assert_eq!(resolve("current_setting", &[Text]).unwrap().volatility, Volatility::Stable);
        assert!(exists("lower"));
        assert!(!exists("no_such_function"));
    }

    #[test]
    fn resolution_errors() {
        let e = resolve("foo", &[Int4]).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("42883", "function foo(integer) does not exist"));
        assert_eq!(
            e.hint.as_deref(),
            Some("No function matches the given name and argument types. You might need to add explicit type casts.")
        );
        let e = resolve("left", &[Text, Int8]).unwrap_err();
        assert_eq!(e.message, "function left(text, bigint) does not exist");
        let e = resolve("concat", &[]).unwrap_err();
        assert_eq!(e.message, "function concat() does not exist");
        let e = resolve("date_part", &[Unknown, Unknown]).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("42725", "function date_part(unknown, unknown) is not unique"));
        assert_eq!(
            e.hint.as_deref(),
            Some("Could not choose a best candidate function. You might need to add explicit type casts.")
        );
    }
}
