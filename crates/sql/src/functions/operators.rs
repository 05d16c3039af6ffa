//! Operators: arithmetic, comparison, pattern matching, bitwise, JSON and array operators.
//!
//! Each operator has a list of overloads, as in `pg_operator`, resolved by
//! `functions::resolve`. Cross-type overloads exist only where they change results
//! compared with coercing to a common type (`real` with `double precision`); integers of
//! different widths, `date` with `timestamp`, and the string types are compared after
//! implicit coercion, which gives PostgreSQL's results (`int4 + int8` is `int8`,
//! `date = timestamp` compares as timestamps).

mod arith;
pub(crate) mod array;
pub(crate) mod cmp;
pub(crate) mod datetime;
mod json;

use std::sync::LazyLock;

use crate::error::Result;
use crate::functions::resolve::{ambiguous_operator, no_operator, p, Param, Registry, Ret};
use crate::functions::{BinaryOp, Resolved, ScalarImpl, UnaryOp};
use crate::types::DataType;

use arith::{float4, float8, int2, int4, int8, numeric_ops};
use cmp::{bpchar_op, cmp_op, like_op, regex_op, EQ, GE, GT, LE, LT, NE};

/// The operator's name as PostgreSQL writes it in messages.
pub(crate) fn binary_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Pow => "^",
        BinaryOp::Concat => "||",
        BinaryOp::Eq => "=",
        BinaryOp::NotEq => "<>",
        BinaryOp::Lt => "<",
        BinaryOp::LtEq => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::GtEq => ">=",
        BinaryOp::Like => "~~",
        BinaryOp::NotLike => "!~~",
        BinaryOp::ILike => "~~*",
        BinaryOp::NotILike => "!~~*",
        BinaryOp::RegexMatch => "~",
        BinaryOp::RegexIMatch => "~*",
        BinaryOp::RegexNotMatch => "!~",
        BinaryOp::RegexNotIMatch => "!~*",
        BinaryOp::BitAnd => "&",
        BinaryOp::BitOr => "|",
        BinaryOp::BitXor => "#",
        BinaryOp::ShiftLeft => "<<",
        BinaryOp::ShiftRight => ">>",
        BinaryOp::JsonGet => "->",
        BinaryOp::JsonGetText => "->>",
        BinaryOp::JsonPath => "#>",
        BinaryOp::JsonPathText => "#>>",
        BinaryOp::Contains => "@>",
        BinaryOp::ContainedBy => "<@",
        BinaryOp::JsonHasKey => "?",
        BinaryOp::JsonHasAny => "?|",
        BinaryOp::JsonHasAll => "?&",
        BinaryOp::Overlaps => "&&",
        BinaryOp::StartsWith => "^@",
    }
}

/// The unary operator's name as PostgreSQL writes it.
pub(crate) fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Neg => "-",
        UnaryOp::Plus => "+",
        UnaryOp::BitNot => "~",
        UnaryOp::Abs => "@",
        UnaryOp::Sqrt => "|/",
        UnaryOp::Cbrt => "||/",
    }
}

/// Types with a btree ordering (`=`, `<`, ... defined for two values of the type).
const COMPARABLE: &[DataType] = &[
    DataType::Bool,
    DataType::Int2,
    DataType::Int4,
    DataType::Int8,
    DataType::Float4,
    DataType::Float8,
    DataType::Numeric(None),
    DataType::Text,
    DataType::Name,
    DataType::Char,
    DataType::Bytea,
    DataType::Date,
    DataType::Time,
    DataType::Timestamp,
    DataType::TimestampTz,
    DataType::Interval,
    DataType::Uuid,
    DataType::Jsonb,
    DataType::Oid,
];

fn add_comparisons(r: &mut Registry<BinaryOp>) {
    let ops: [(BinaryOp, ScalarImpl, ScalarImpl); 6] = [
        (BinaryOp::Eq, cmp_op::<EQ>, bpchar_op::<EQ>),
        (BinaryOp::NotEq, cmp_op::<NE>, bpchar_op::<NE>),
        (BinaryOp::Lt, cmp_op::<LT>, bpchar_op::<LT>),
        (BinaryOp::LtEq, cmp_op::<LE>, bpchar_op::<LE>),
        (BinaryOp::Gt, cmp_op::<GT>, bpchar_op::<GT>),
        (BinaryOp::GtEq, cmp_op::<GE>, bpchar_op::<GE>),
    ];
    for (op, imp, bpchar) in ops {
        for t in COMPARABLE {
            r.add(op, [Param::T(t.clone()), Param::T(t.clone())], DataType::Bool, imp);
        }
        r.add(op, [p::BPCHAR, p::BPCHAR], DataType::Bool, bpchar);
        r.add(op, [p::FLOAT4, p::FLOAT8], DataType::Bool, imp);
        r.add(op, [p::FLOAT8, p::FLOAT4], DataType::Bool, imp);
        r.add(op, [Param::AnyArray, Param::AnyArray], DataType::Bool, imp);
    }
}

type Arith = [(BinaryOp, ScalarImpl); 4];

fn add_arithmetic(r: &mut Registry<BinaryOp>) {
    let ints: [(Param, DataType, Arith, ScalarImpl); 3] = [
        (
            p::INT2,
            DataType::Int2,
            [
                (BinaryOp::Add, int2::add),
                (BinaryOp::Sub, int2::sub),
                (BinaryOp::Mul, int2::mul),
                (BinaryOp::Div, int2::div),
            ],
            int2::rem,
        ),
        (
            p::INT4,
            DataType::Int4,
            [
                (BinaryOp::Add, int4::add),
                (BinaryOp::Sub, int4::sub),
                (BinaryOp::Mul, int4::mul),
                (BinaryOp::Div, int4::div),
            ],
            int4::rem,
        ),
        (
            p::INT8,
            DataType::Int8,
            [
                (BinaryOp::Add, int8::add),
                (BinaryOp::Sub, int8::sub),
                (BinaryOp::Mul, int8::mul),
                (BinaryOp::Div, int8::div),
            ],
            int8::rem,
        ),
    ];
    for (param, ty, ops, rem) in ints {
        for (op, imp) in ops {
            r.add(op, [param.clone(), param.clone()], ty.clone(), imp);
        }
        r.add(BinaryOp::Mod, [param.clone(), param.clone()], ty.clone(), rem);
    }
    let bit: [(Param, DataType, [ScalarImpl; 5]); 3] = [
        (p::INT2, DataType::Int2, [int2::bitand, int2::bitor, int2::bitxor, int2::shl, int2::shr]),
        (p::INT4, DataType::Int4, [int4::bitand, int4::bitor, int4::bitxor, int4::shl, int4::shr]),
        (p::INT8, DataType::Int8, [int8::bitand, int8::bitor, int8::bitxor, int8::shl, int8::shr]),
    ];
    for (param, ty, [and, or, xor, shl, shr]) in bit {
        r.add(BinaryOp::BitAnd, [param.clone(), param.clone()], ty.clone(), and);
        r.add(BinaryOp::BitOr, [param.clone(), param.clone()], ty.clone(), or);
        r.add(BinaryOp::BitXor, [param.clone(), param.clone()], ty.clone(), xor);
        r.add(BinaryOp::ShiftLeft, [param.clone(), p::INT4], ty.clone(), shl);
        r.add(BinaryOp::ShiftRight, [param.clone(), p::INT4], ty.clone(), shr);
    }
    let f4: Arith = [
        (BinaryOp::Add, float4::add),
        (BinaryOp::Sub, float4::sub),
        (BinaryOp::Mul, float4::mul),
        (BinaryOp::Div, float4::div),
    ];
    let f8: Arith = [
        (BinaryOp::Add, float8::add),
        (BinaryOp::Sub, float8::sub),
        (BinaryOp::Mul, float8::mul),
        (BinaryOp::Div, float8::div),
    ];
    for (op, imp) in f4 {
        r.add(op, [p::FLOAT4, p::FLOAT4], DataType::Float4, imp);
    }
    for (op, imp) in f8 {
        r.add(op, [p::FLOAT8, p::FLOAT8], DataType::Float8, imp);
        r.add(op, [p::FLOAT4, p::FLOAT8], DataType::Float8, imp);
        r.add(op, [p::FLOAT8, p::FLOAT4], DataType::Float8, imp);
    }
    let num: [(BinaryOp, ScalarImpl); 6] = [
        (BinaryOp::Add, numeric_ops::add),
        (BinaryOp::Sub, numeric_ops::sub),
        (BinaryOp::Mul, numeric_ops::mul),
        (BinaryOp::Div, numeric_ops::div),
        (BinaryOp::Mod, numeric_ops::rem),
        (BinaryOp::Pow, numeric_ops::pow),
    ];
    for (op, imp) in num {
        r.add(op, [p::NUMERIC, p::NUMERIC], DataType::Numeric(None), imp);
    }
    r.add(BinaryOp::Pow, [p::FLOAT8, p::FLOAT8], DataType::Float8, float8::pow);
}

fn add_datetime(r: &mut Registry<BinaryOp>) {
    use datetime as dt;
    use BinaryOp::{Add, Div, Mul, Sub};
    let (ts, tstz, iv) = (DataType::Timestamp, DataType::TimestampTz, DataType::Interval);
    r.add(Add, [p::DATE, p::INT4], DataType::Date, dt::date_pl_int);
    r.add(Add, [p::INT4, p::DATE], DataType::Date, dt::int_pl_date);
    r.add(Sub, [p::DATE, p::INT4], DataType::Date, dt::date_mi_int);
    r.add(Sub, [p::DATE, p::DATE], DataType::Int4, dt::date_mi_date);
    r.add(Add, [p::DATE, p::TIME], ts.clone(), dt::date_pl_time);
    r.add(Add, [p::TIME, p::DATE], ts.clone(), dt::time_pl_date);
    r.add(Add, [p::DATE, p::INTERVAL], ts.clone(), dt::date_pl_interval);
    r.add(Add, [p::INTERVAL, p::DATE], ts.clone(), dt::interval_pl_date);
    r.add(Sub, [p::DATE, p::INTERVAL], ts.clone(), dt::date_mi_interval);
    r.add(Add, [p::TIME, p::INTERVAL], DataType::Time, dt::time_pl_interval);
    r.add(Add, [p::INTERVAL, p::TIME], DataType::Time, dt::interval_pl_time);
    r.add(Sub, [p::TIME, p::INTERVAL], DataType::Time, dt::time_mi_interval);
    r.add(Sub, [p::TIME, p::TIME], iv.clone(), dt::time_mi_time);
    r.add(Add, [p::TIMESTAMP, p::INTERVAL], ts.clone(), dt::ts_pl_interval);
    r.add(Add, [p::INTERVAL, p::TIMESTAMP], ts.clone(), dt::interval_pl_ts);
    r.add(Sub, [p::TIMESTAMP, p::INTERVAL], ts.clone(), dt::ts_mi_interval);
    r.add(Sub, [p::TIMESTAMP, p::TIMESTAMP], iv.clone(), dt::ts_mi_ts);
    r.add(Add, [p::TIMESTAMPTZ, p::INTERVAL], tstz.clone(), dt::tstz_pl_interval).stable();
    r.add(Add, [p::INTERVAL, p::TIMESTAMPTZ], tstz.clone(), dt::interval_pl_tstz).stable();
    r.add(Sub, [p::TIMESTAMPTZ, p::INTERVAL], tstz.clone(), dt::tstz_mi_interval).stable();
    r.add(Sub, [p::TIMESTAMPTZ, p::TIMESTAMPTZ], iv.clone(), dt::ts_mi_ts);
    r.add(Add, [p::INTERVAL, p::INTERVAL], iv.clone(), dt::interval_pl);
    r.add(Sub, [p::INTERVAL, p::INTERVAL], iv.clone(), dt::interval_mi);
    r.add(Mul, [p::INTERVAL, p::FLOAT8], iv.clone(), dt::interval_mul);
    r.add(Mul, [p::FLOAT8, p::INTERVAL], iv.clone(), dt::mul_interval);
    r.add(Div, [p::INTERVAL, p::FLOAT8], iv, dt::interval_div);
}

fn add_strings_and_patterns(r: &mut Registry<BinaryOp>) {
    use BinaryOp::*;
    let b = DataType::Bool;
    r.add(Concat, [p::TEXT, p::TEXT], DataType::Text, array::textcat);
    r.add(Concat, [p::TEXT, Param::AnyNonArray], DataType::Text, array::anytextcat).stable();
    r.add(Concat, [Param::AnyNonArray, p::TEXT], DataType::Text, array::anytextcat).stable();
    r.add(Concat, [p::BYTEA, p::BYTEA], DataType::Bytea, array::byteacat);
    r.add(Concat, [Param::AnyCompatibleArray, Param::AnyCompatibleArray], Ret::Array, array::array_cat).nonstrict();
    r.add(Concat, [Param::AnyCompatibleArray, Param::AnyCompatible], Ret::Array, array::array_append).nonstrict();
    r.add(Concat, [Param::AnyCompatible, Param::AnyCompatibleArray], Ret::Array, array::array_prepend).nonstrict();
    r.add(Concat, [p::JSONB, p::JSONB], DataType::Jsonb, json::jsonb_concat);
    r.add(Like, [p::TEXT, p::TEXT], b.clone(), like_op::<false, false>);
    r.add(NotLike, [p::TEXT, p::TEXT], b.clone(), like_op::<true, false>);
    r.add(ILike, [p::TEXT, p::TEXT], b.clone(), like_op::<false, true>);
    r.add(NotILike, [p::TEXT, p::TEXT], b.clone(), like_op::<true, true>);
    r.add(RegexMatch, [p::TEXT, p::TEXT], b.clone(), regex_op::<false, false>);
    r.add(RegexIMatch, [p::TEXT, p::TEXT], b.clone(), regex_op::<false, true>);
    r.add(RegexNotMatch, [p::TEXT, p::TEXT], b.clone(), regex_op::<true, false>);
    r.add(RegexNotIMatch, [p::TEXT, p::TEXT], b.clone(), regex_op::<true, true>);
    r.add(StartsWith, [p::TEXT, p::TEXT], b, cmp::starts_with);
}

fn add_json_and_arrays(r: &mut Registry<BinaryOp>) {
    use BinaryOp::*;
    let (b, text, j, jb) = (DataType::Bool, DataType::Text, DataType::Json, DataType::Jsonb);
    r.add(JsonGet, [p::JSON, p::TEXT], j.clone(), json::json_get_key);
    r.add(JsonGet, [p::JSON, p::INT4], j.clone(), json::json_get_index);
    r.add(JsonGetText, [p::JSON, p::TEXT], text.clone(), json::json_get_key_text);
    r.add(JsonGetText, [p::JSON, p::INT4], text.clone(), json::json_get_index_text);
    r.add(JsonPath, [p::JSON, p::text_array()], j, json::json_path);
    r.add(JsonPathText, [p::JSON, p::text_array()], text.clone(), json::json_path_text);
    r.add(JsonGet, [p::JSONB, p::TEXT], jb.clone(), json::jsonb_get_key);
    r.add(JsonGet, [p::JSONB, p::INT4], jb.clone(), json::jsonb_get_index);
    r.add(JsonGetText, [p::JSONB, p::TEXT], text.clone(), json::jsonb_get_key_text);
    r.add(JsonGetText, [p::JSONB, p::INT4], text.clone(), json::jsonb_get_index_text);
    r.add(JsonPath, [p::JSONB, p::text_array()], jb.clone(), json::jsonb_path);
    r.add(JsonPathText, [p::JSONB, p::text_array()], text, json::jsonb_path_text);
    r.add(Contains, [p::JSONB, p::JSONB], b.clone(), json::jsonb_contains);
    r.add(ContainedBy, [p::JSONB, p::JSONB], b.clone(), json::jsonb_contained);
    r.add(JsonHasKey, [p::JSONB, p::TEXT], b.clone(), json::jsonb_exists);
    r.add(JsonHasAny, [p::JSONB, p::text_array()], b.clone(), json::jsonb_exists_any);
    r.add(JsonHasAll, [p::JSONB, p::text_array()], b.clone(), json::jsonb_exists_all);
    r.add(Sub, [p::JSONB, p::TEXT], jb.clone(), json::jsonb_delete_key);
    r.add(Sub, [p::JSONB, p::INT4], jb.clone(), json::jsonb_delete_index);
    r.add(Sub, [p::JSONB, p::text_array()], jb, json::jsonb_delete_keys);
    r.add(Contains, [Param::AnyArray, Param::AnyArray], b.clone(), array::array_contains);
    r.add(ContainedBy, [Param::AnyArray, Param::AnyArray], b.clone(), array::array_contained);
    r.add(Overlaps, [Param::AnyArray, Param::AnyArray], b, array::array_overlap);
}

static BINARY: LazyLock<Registry<BinaryOp>> = LazyLock::new(|| {
    let mut r = Registry::new();
    add_comparisons(&mut r);
    add_arithmetic(&mut r);
    add_datetime(&mut r);
    add_strings_and_patterns(&mut r);
    add_json_and_arrays(&mut r);
    r
});

static UNARY: LazyLock<Registry<UnaryOp>> = LazyLock::new(|| {
    use UnaryOp::*;
    let mut r = Registry::new();
    let numeric = DataType::Numeric(None);
    let signed: [(Param, DataType, ScalarImpl, ScalarImpl, ScalarImpl); 6] = [
        (p::INT2, DataType::Int2, int2::neg, int2::ident, int2::abs),
        (p::INT4, DataType::Int4, int4::neg, int4::ident, int4::abs),
        (p::INT8, DataType::Int8, int8::neg, int8::ident, int8::abs),
        (p::FLOAT4, DataType::Float4, float4::neg, float4::ident, float4::abs),
        (p::FLOAT8, DataType::Float8, float8::neg, float8::ident, float8::abs),
        (p::NUMERIC, numeric, numeric_ops::neg, numeric_ops::ident, numeric_ops::abs),
    ];
    for (param, ty, neg, ident, abs) in signed {
        r.add(Neg, [param.clone()], ty.clone(), neg);
        r.add(Plus, [param.clone()], ty.clone(), ident);
        r.add(Abs, [param], ty, abs);
    }
    r.add(Neg, [p::INTERVAL], DataType::Interval, datetime::interval_neg);
    r.add(Plus, [p::INTERVAL], DataType::Interval, datetime::interval_ident);
    r.add(BitNot, [p::INT2], DataType::Int2, int2::bitnot);
    r.add(BitNot, [p::INT4], DataType::Int4, int4::bitnot);
    r.add(BitNot, [p::INT8], DataType::Int8, int8::bitnot);
    r.add(Sqrt, [p::FLOAT8], DataType::Float8, float8::sqrt);
    r.add(Cbrt, [p::FLOAT8], DataType::Float8, float8::cbrt);
    r
});

/// Resolves a binary operator.
pub fn resolve_binary(op: BinaryOp, left: &DataType, right: &DataType) -> Result<Resolved> {
    let sym = binary_symbol(op);
    BINARY.resolve_or(
        &op,
        &[left.clone(), right.clone()],
        true,
        || no_operator(sym, Some(left), right),
        || ambiguous_operator(sym, Some(left), right),
    )
}

/// Resolves a unary operator.
pub fn resolve_unary(op: UnaryOp, operand: &DataType) -> Result<Resolved> {
    let sym = unary_symbol(op);
    UNARY.resolve_or(
        &op,
        std::slice::from_ref(operand),
        false,
        || no_operator(sym, None, operand),
        || ambiguous_operator(sym, None, operand),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::resolve::array_of as arr;
    use DataType::*;

    fn bin(op: BinaryOp, l: DataType, r: DataType) -> Resolved {
        resolve_binary(op, &l, &r).unwrap_or_else(|e| panic!("{op:?} {l} {r}: {e}"))
    }

    #[test]
    fn exact_and_unknown_resolution() {
        let r = bin(BinaryOp::Eq, Int4, Unknown);
        assert_eq!(r.arg_types, vec![Int4, Int4]);
        assert_eq!(r.ret, Bool);
        let r = bin(BinaryOp::Add, Unknown, Int4);
        assert_eq!((r.arg_types, r.ret), (vec![Int4, Int4], Int4));
        let r = bin(BinaryOp::Eq, Text, Unknown);
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Eq, Bpchar(Some(3)), Bpchar(Some(5)));
        assert_eq!(r.arg_types, vec![Bpchar(None), Bpchar(None)]);
        let r = bin(BinaryOp::Sub, Timestamp, Timestamp);
        assert_eq!(r.ret, Interval);
        let r = bin(BinaryOp::JsonGet, Jsonb, Int4);
        assert_eq!(r.ret, Jsonb);
    }

    #[test]
    fn unknown_errors() {
        let e = resolve_binary(BinaryOp::Add, &Int4, &Bool).unwrap_err();
        assert_eq!(e.code, "42883");
        assert_eq!(e.message, "operator does not exist: integer + boolean");
        assert_eq!(
            e.hint.as_deref(),
            Some("No operator matches the given name and argument types. You might need to add explicit type casts.")
        );
        let e = resolve_unary(UnaryOp::Neg, &Bool).unwrap_err();
        assert_eq!(e.message, "operator does not exist: - boolean");
        let e = resolve_binary(BinaryOp::Like, &Int4, &Int4).unwrap_err();
        assert_eq!(e.message, "operator does not exist: integer ~~ integer");
    }

    #[test]
    fn unary_resolution() {
        assert_eq!(resolve_unary(UnaryOp::Neg, &Int4).unwrap().ret, Int4);
        assert_eq!(resolve_unary(UnaryOp::Neg, &Interval).unwrap().ret, Interval);
        assert_eq!(resolve_unary(UnaryOp::BitNot, &Int8).unwrap().ret, Int8);
        assert_eq!(resolve_unary(UnaryOp::Abs, &Numeric(Some((10, 2)))).unwrap().ret, Numeric(None));
    }

    #[test]
    fn coercion_resolution() {
        let r = bin(BinaryOp::Add, Int4, Int8);
        assert_eq!((r.arg_types, r.ret), (vec![Int8, Int8], Int8));
        let r = bin(BinaryOp::Add, Int2, Int4);
        assert_eq!(r.ret, Int4);
        let r = bin(BinaryOp::Add, Int4, Numeric(None));
        assert_eq!(r.ret, Numeric(None));
        let r = bin(BinaryOp::Add, Int4, Float8);
        assert_eq!(r.ret, Float8);
        let r = bin(BinaryOp::Add, Int4, Float4);
        assert_eq!(r.ret, Float8);
        let r = bin(BinaryOp::Add, Float4, Float4);
        assert_eq!(r.ret, Float4);
        let r = bin(BinaryOp::Concat, Text, Int4);
        assert_eq!((r.arg_types, r.ret), (vec![Text, Int4], Text));
        let r = bin(BinaryOp::Concat, Unknown, Unknown);
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Concat, Varchar(Some(5)), Varchar(None));
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Concat, arr(Int4), Int4);
        assert_eq!((r.arg_types, r.ret), (vec![arr(Int4), Int4], arr(Int4)));
        let r = bin(BinaryOp::Concat, arr(Int4), Unknown);
        assert_eq!(r.ret, arr(Int4));
        let r = bin(BinaryOp::Concat, Unknown, arr(Text));
        assert_eq!(r.arg_types, vec![arr(Text), arr(Text)]);
        let r = bin(BinaryOp::Concat, Int8, arr(Int4));
        assert_eq!(r.ret, arr(Int8));
        let r = bin(BinaryOp::Eq, Date, Timestamp);
        assert_eq!(r.arg_types, vec![Timestamp, Timestamp]);
        let r = bin(BinaryOp::Eq, Date, TimestampTz);
        assert_eq!(r.arg_types, vec![TimestampTz, TimestampTz]);
        let r = bin(BinaryOp::Eq, Varchar(Some(3)), Text);
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Eq, Bpchar(Some(3)), Text);
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Eq, arr(Int4), arr(Int4));
        assert_eq!(r.arg_types, vec![arr(Int4), arr(Int4)]);
        let r = bin(BinaryOp::Like, Varchar(None), Unknown);
        assert_eq!(r.arg_types, vec![Text, Text]);
        let r = bin(BinaryOp::Sub, TimestampTz, Interval);
        assert_eq!(r.ret, TimestampTz);
        let r = bin(BinaryOp::Sub, Date, Date);
        assert_eq!(r.ret, Int4);
        let r = bin(BinaryOp::JsonGet, Jsonb, Unknown);
        assert_eq!(r.arg_types, vec![Jsonb, Text]);
        let r = bin(BinaryOp::JsonGetText, Json, Unknown);
        assert_eq!(r.arg_types, vec![Json, Text]);
        let r = bin(BinaryOp::Sub, Jsonb, Unknown);
        assert_eq!(r.arg_types, vec![Jsonb, Text]);
        let r = bin(BinaryOp::Mul, Interval, Int4);
        assert_eq!(r.arg_types, vec![Interval, Float8]);
    }

    #[test]
    fn ambiguous_resolution() {
        let e = resolve_binary(BinaryOp::Add, &Unknown, &Unknown).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("42725", "operator is not unique: unknown + unknown"));
        let e = resolve_binary(BinaryOp::Add, &Date, &Unknown).unwrap_err();
        assert_eq!(e.message, "operator is not unique: date + unknown");
    }
}
