//! The accumulators behind the aggregates, one constructor (`Make`) per aggregate kind.
//!
//! Integer sums and statistics accumulate exactly in `i128` (PostgreSQL accumulates them in
//! `numeric`); `sum(int2/int4)` checks `bigint` overflow on every row as PostgreSQL does.
//! Float statistics use the Youngs-Cramer update PostgreSQL uses (`float8_accum`), so results
//! agree to the last bit.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde_json::{Map, Value as J};

use super::Accumulator;
use crate::error::{sqlstate, Result, SqlError};
use crate::functions::jsonutil as ju;
use crate::functions::numeric::{self as num, check_inf, float_overflow};
use crate::functions::operators::cmp::cmp_values;
use crate::functions::operators::datetime::{interval_add, interval_divide};
use crate::functions::util::{bad_arg, int_out_of_range, int_value};
use crate::functions::{FnContext, FunctionEnv};
use crate::types::{DataType, Interval, TextContext, Value};

fn first(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Null)
}

struct CountStar(i64);

impl Accumulator for CountStar {
    fn update(&mut self, _: &[Value]) -> Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(Value::Int8(self.0))
    }
}

struct Count(i64);

impl Accumulator for Count {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if !first(args).is_null() {
            self.0 += 1;
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(Value::Int8(self.0))
    }
}

/// `count(*)`.
pub(super) fn count_star(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(CountStar(0))
}

/// `count(x)`.
pub(super) fn count(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(Count(0))
}

/// Integer sum: `bigint` result for `int2`/`int4` (checked per row), `numeric` for `int8`.
struct SumInt {
    sum: Option<i128>,
    to_numeric: bool,
}

impl Accumulator for SumInt {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let Some(v) = first(args).as_i64() else { return Ok(()) };
        let s = self.sum.unwrap_or(0) + i128::from(v);
        if !self.to_numeric && i64::try_from(s).is_err() {
            return Err(int_out_of_range(&DataType::Int8));
        }
        self.sum = Some(s);
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        match self.sum {
            None => Ok(Value::Null),
            Some(s) if self.to_numeric => num::from_i128(s).map(Value::Numeric),
            Some(s) => int_value(i64::try_from(s).map_err(|_| int_out_of_range(&DataType::Int8))?, &DataType::Int8),
        }
    }
}

/// `sum(int2)`, `sum(int4)`.
pub(super) fn sum_int(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumInt { sum: None, to_numeric: false })
}

/// `sum(int8)`.
pub(super) fn sum_int8(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumInt { sum: None, to_numeric: true })
}

struct SumNumeric(Option<Decimal>);

impl Accumulator for SumNumeric {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Value::Numeric(d) = first(args) {
            self.0 = Some(match self.0 {
                None => *d,
                Some(s) => num::add(s, *d)?,
            });
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(self.0.map(Value::Numeric).unwrap_or(Value::Null))
    }
}

/// `sum(numeric)`.
pub(super) fn sum_numeric(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumNumeric(None))
}

struct SumFloat {
    sum: Option<f64>,
    single: bool,
}

impl Accumulator for SumFloat {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = match first(args) {
            Value::Float8(x) => *x,
            Value::Float4(x) => f64::from(*x),
            _ => return Ok(()),
        };
        self.sum = Some(match self.sum {
            None => v,
            Some(s) if self.single => {
                let r = s as f32 + v as f32;
                if r.is_infinite() && !(s as f32).is_infinite() && !(v as f32).is_infinite() {
                    return Err(float_overflow());
                }
                f64::from(r)
            }
            Some(s) => check_inf(s + v, s.is_infinite() || v.is_infinite())?,
        });
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(match self.sum {
            None => Value::Null,
            Some(s) if self.single => Value::Float4(s as f32),
            Some(s) => Value::Float8(s),
        })
    }
}

/// `sum(real)` (computed in single precision).
pub(super) fn sum_float4(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumFloat { sum: None, single: true })
}

/// `sum(double precision)`.
pub(super) fn sum_float8(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumFloat { sum: None, single: false })
}

struct SumInterval {
    sum: Option<Interval>,
    count: i64,
    avg: bool,
}

impl Accumulator for SumInterval {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Value::Interval(iv) = first(args) {
            self.sum = Some(match self.sum {
                None => *iv,
                Some(s) => interval_add(s, *iv)?,
            });
            self.count += 1;
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        match self.sum {
            None => Ok(Value::Null),
            Some(s) if self.avg => interval_divide(s, self.count as f64).map(Value::Interval),
            Some(s) => Ok(Value::Interval(s)),
        }
    }
}

/// `sum(interval)`.
pub(super) fn sum_interval(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumInterval { sum: None, count: 0, avg: false })
}

/// `avg(interval)`.
pub(super) fn avg_interval(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(SumInterval { sum: None, count: 0, avg: true })
}

/// Running count, sum and sum of squares, exact: integers in `i128`, numerics in `Decimal`.
enum Moments {
    Int { n: i64, sx: i128, sxx: i128 },
    Num { n: i64, sx: Decimal, sxx: Decimal },
}

impl Moments {
    fn add(&mut self, v: &Value) -> Result<()> {
        match (self, v) {
            (_, Value::Null) => {}
            (Moments::Int { n, sx, sxx }, v) => {
                let x = i128::from(v.as_i64().ok_or_else(|| bad_arg(0))?);
                *n += 1;
                *sx = sx.checked_add(x).ok_or_else(num::overflow)?;
                *sxx = x.checked_mul(x).and_then(|q| sxx.checked_add(q)).ok_or_else(num::overflow)?;
            }
            (Moments::Num { n, sx, sxx }, Value::Numeric(d)) => {
                *n += 1;
                *sx = num::add(*sx, *d)?;
                *sxx = num::add(*sxx, num::mul(*d, *d)?)?;
            }
            _ => return Err(bad_arg(0)),
        }
        Ok(())
    }

    fn n(&self) -> i64 {
        match self {
            Moments::Int { n, .. } | Moments::Num { n, .. } => *n,
        }
    }

    fn sum(&self) -> Result<Decimal> {
        match self {
            Moments::Int { sx, .. } => num::from_i128(*sx),
            Moments::Num { sx, .. } => Ok(*sx),
        }
    }

    /// PostgreSQL's `numeric_stddev_internal`: `(N·Σx² − (Σx)²) / (N·(N−1))` (or `N·N`),
    /// with the division's scale also used for the square root.
    fn variance(&self, sample: bool, sqrt: bool) -> Result<Value> {
        let n = self.n();
        if n == 0 || (sample && n <= 1) {
            return Ok(Value::Null);
        }
        let numer = match self {
            Moments::Int { sx, sxx, .. } => {
                let v =
                    i128::from(n).checked_mul(*sxx).and_then(|a| sx.checked_mul(*sx).and_then(|b| a.checked_sub(b)));
                num::from_i128(v.ok_or_else(num::overflow)?)?
            }
            Moments::Num { sx, sxx, .. } => num::sub(num::mul(Decimal::from(n), *sxx)?, num::mul(*sx, *sx)?)?,
        };
        if numer <= Decimal::ZERO {
            return Ok(Value::Numeric(Decimal::ZERO));
        }
        let denom = num::from_i128(i128::from(n) * i128::from(if sample { n - 1 } else { n }))?;
        let (var, scale) = num::div_with_scale(numer, denom)?;
        Ok(Value::Numeric(if sqrt { num::sqrt_with_scale(var, scale)? } else { var }))
    }
}

struct AvgNum(Moments);

impl Accumulator for AvgNum {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.0.add(first(args))
    }
    fn finish(&mut self) -> Result<Value> {
        if self.0.n() == 0 {
            return Ok(Value::Null);
        }
        num::div(self.0.sum()?, Decimal::from(self.0.n())).map(Value::Numeric)
    }
}

fn int_moments() -> Moments {
    Moments::Int { n: 0, sx: 0, sxx: 0 }
}

fn num_moments() -> Moments {
    Moments::Num { n: 0, sx: Decimal::ZERO, sxx: Decimal::ZERO }
}

/// `avg` of an integer type.
pub(super) fn avg_int(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(AvgNum(int_moments()))
}

/// `avg(numeric)`.
pub(super) fn avg_numeric(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(AvgNum(num_moments()))
}

/// What a statistics accumulator returns.
#[derive(Clone, Copy)]
enum Stat {
    VarSamp,
    VarPop,
    StddevSamp,
    StddevPop,
}

struct NumStats {
    m: Moments,
    stat: Stat,
}

impl Accumulator for NumStats {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.m.add(first(args))
    }
    fn finish(&mut self) -> Result<Value> {
        match self.stat {
            Stat::VarSamp => self.m.variance(true, false),
            Stat::VarPop => self.m.variance(false, false),
            Stat::StddevSamp => self.m.variance(true, true),
            Stat::StddevPop => self.m.variance(false, true),
        }
    }
}

fn num_stats(types: &[DataType], stat: Stat) -> Box<dyn Accumulator> {
    let ints = types.first().is_some_and(DataType::is_integer);
    Box::new(NumStats { m: if ints { int_moments() } else { num_moments() }, stat })
}

/// `stddev`/`stddev_samp` of integers or numerics.
pub(super) fn stddev_samp_numeric(t: &[DataType]) -> Box<dyn Accumulator> {
    num_stats(t, Stat::StddevSamp)
}

/// `stddev_pop` of integers or numerics.
pub(super) fn stddev_pop_numeric(t: &[DataType]) -> Box<dyn Accumulator> {
    num_stats(t, Stat::StddevPop)
}

/// `variance`/`var_samp` of integers or numerics.
pub(super) fn var_samp_numeric(t: &[DataType]) -> Box<dyn Accumulator> {
    num_stats(t, Stat::VarSamp)
}

/// `var_pop` of integers or numerics.
pub(super) fn var_pop_numeric(t: &[DataType]) -> Box<dyn Accumulator> {
    num_stats(t, Stat::VarPop)
}

/// PostgreSQL's `float8_accum` state: N, Σx and the Youngs-Cramer Sxx.
struct FloatStats {
    n: f64,
    sx: f64,
    sxx: f64,
    stat: Option<Stat>,
}

impl Accumulator for FloatStats {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let x = match first(args) {
            Value::Float8(v) => *v,
            Value::Float4(v) => f64::from(*v),
            _ => return Ok(()),
        };
        let old_n = self.n;
        let old_sx = self.sx;
        self.n += 1.0;
        self.sx += x;
        if old_n > 0.0 {
            let tmp = x * self.n - self.sx;
            self.sxx += tmp * tmp / (self.n * old_n);
            if self.sx.is_infinite() || self.sxx.is_infinite() {
                if !old_sx.is_infinite() && !x.is_infinite() {
                    return Err(float_overflow());
                }
                self.sxx = f64::NAN;
            }
        } else if !x.is_finite() {
            self.sxx = f64::NAN;
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        let Some(stat) = self.stat else {
            return Ok(if self.n == 0.0 { Value::Null } else { Value::Float8(self.sx / self.n) });
        };
        let sample = matches!(stat, Stat::VarSamp | Stat::StddevSamp);
        if self.n == 0.0 || (sample && self.n <= 1.0) {
            return Ok(Value::Null);
        }
        let var = self.sxx / if sample { self.n - 1.0 } else { self.n };
        Ok(Value::Float8(if matches!(stat, Stat::StddevSamp | Stat::StddevPop) { var.sqrt() } else { var }))
    }
}

fn float_stats(stat: Option<Stat>) -> Box<dyn Accumulator> {
    Box::new(FloatStats { n: 0.0, sx: 0.0, sxx: 0.0, stat })
}

/// `avg` of floats.
pub(super) fn avg_float(_: &[DataType]) -> Box<dyn Accumulator> {
    float_stats(None)
}

/// `stddev`/`stddev_samp` of floats.
pub(super) fn stddev_samp_float(_: &[DataType]) -> Box<dyn Accumulator> {
    float_stats(Some(Stat::StddevSamp))
}

/// `stddev_pop` of floats.
pub(super) fn stddev_pop_float(_: &[DataType]) -> Box<dyn Accumulator> {
    float_stats(Some(Stat::StddevPop))
}

/// `variance`/`var_samp` of floats.
pub(super) fn var_samp_float(_: &[DataType]) -> Box<dyn Accumulator> {
    float_stats(Some(Stat::VarSamp))
}

/// `var_pop` of floats.
pub(super) fn var_pop_float(_: &[DataType]) -> Box<dyn Accumulator> {
    float_stats(Some(Stat::VarPop))
}

struct MinMax {
    best: Option<Value>,
    max: bool,
    bpchar: bool,
}

impl MinMax {
    fn cmp(&self, a: &Value, b: &Value) -> Ordering {
        match (self.bpchar, a, b) {
            (true, Value::Text(x), Value::Text(y)) => x.trim_end_matches(' ').cmp(y.trim_end_matches(' ')),
            _ => cmp_values(a, b),
        }
    }
}

impl Accumulator for MinMax {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = first(args);
        if v.is_null() {
            return Ok(());
        }
        let replace = match &self.best {
            None => true,
            Some(b) => {
                let o = self.cmp(v, b);
                if self.max {
                    o == Ordering::Greater
                } else {
                    o == Ordering::Less
                }
            }
        };
        if replace {
            self.best = Some(v.clone());
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(self.best.clone().unwrap_or(Value::Null))
    }
}

fn min_max(types: &[DataType], max: bool) -> Box<dyn Accumulator> {
    let bpchar = matches!(types.first(), Some(DataType::Bpchar(_)));
    Box::new(MinMax { best: None, max, bpchar })
}

/// `min`.
pub(super) fn min(t: &[DataType]) -> Box<dyn Accumulator> {
    min_max(t, false)
}

/// `max`.
pub(super) fn max(t: &[DataType]) -> Box<dyn Accumulator> {
    min_max(t, true)
}

struct BoolAgg {
    acc: Option<bool>,
    and: bool,
}

impl Accumulator for BoolAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Some(b) = first(args).as_bool() {
            self.acc = Some(match self.acc {
                None => b,
                Some(a) if self.and => a && b,
                Some(a) => a || b,
            });
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(self.acc.map(Value::Bool).unwrap_or(Value::Null))
    }
}

/// `bool_and`, `every`.
pub(super) fn bool_and(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(BoolAgg { acc: None, and: true })
}

/// `bool_or`.
pub(super) fn bool_or(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(BoolAgg { acc: None, and: false })
}

#[derive(Clone, Copy)]
enum BitOp {
    And,
    Or,
    Xor,
}

struct BitAgg {
    acc: Option<i64>,
    op: BitOp,
    ty: DataType,
}

impl Accumulator for BitAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Some(v) = first(args).as_i64() {
            self.acc = Some(match (self.acc, self.op) {
                (None, _) => v,
                (Some(a), BitOp::And) => a & v,
                (Some(a), BitOp::Or) => a | v,
                (Some(a), BitOp::Xor) => a ^ v,
            });
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        match self.acc {
            None => Ok(Value::Null),
            Some(v) => int_value(v, &self.ty),
        }
    }
}

fn bit_agg(types: &[DataType], op: BitOp) -> Box<dyn Accumulator> {
    Box::new(BitAgg { acc: None, op, ty: types.first().cloned().unwrap_or(DataType::Int8) })
}

/// `bit_and`.
pub(super) fn bit_and(t: &[DataType]) -> Box<dyn Accumulator> {
    bit_agg(t, BitOp::And)
}

/// `bit_or`.
pub(super) fn bit_or(t: &[DataType]) -> Box<dyn Accumulator> {
    bit_agg(t, BitOp::Or)
}

/// `bit_xor`.
pub(super) fn bit_xor(t: &[DataType]) -> Box<dyn Accumulator> {
    bit_agg(t, BitOp::Xor)
}

/// `string_agg(text, text)` and `string_agg(bytea, bytea)`: NULL values are skipped; each
/// value after the first is preceded by its row's delimiter.
struct StringAgg {
    acc: Option<Vec<u8>>,
    bytes: bool,
}

fn raw_bytes(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Text(s) => Some(s.as_bytes()),
        Value::Bytea(b) => Some(b),
        _ => None,
    }
}

impl Accumulator for StringAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let Some(v) = raw_bytes(first(args)) else { return Ok(()) };
        match &mut self.acc {
            None => self.acc = Some(v.to_vec()),
            Some(acc) => {
                if let Some(d) = args.get(1).and_then(raw_bytes) {
                    acc.extend_from_slice(d);
                }
                acc.extend_from_slice(v);
            }
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(match self.acc.take() {
            None => Value::Null,
            Some(b) if self.bytes => Value::Bytea(b),
            Some(b) => {
                Value::Text(String::from_utf8(b).map_err(|_| SqlError::internal("string_agg produced invalid UTF-8"))?)
            }
        })
    }
}

/// `string_agg`.
pub(super) fn string_agg(t: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(StringAgg { acc: None, bytes: matches!(t.first(), Some(DataType::Bytea)) })
}

struct ArrayAgg(Option<Vec<Value>>);

impl Accumulator for ArrayAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.0.get_or_insert_with(Vec::new).push(first(args).clone());
        Ok(())
    }
    fn finish(&mut self) -> Result<Value> {
        Ok(self.0.take().map(Value::Array).unwrap_or(Value::Null))
    }
}

/// `array_agg` (NULL values included).
pub(super) fn array_agg(_: &[DataType]) -> Box<dyn Accumulator> {
    Box::new(ArrayAgg(None))
}

/// An environment for formatting inside JSON aggregates, which have no session.
struct NoEnv;

impl FunctionEnv for NoEnv {
    fn current_user(&self) -> String {
        String::new()
    }
    fn current_database(&self) -> String {
        String::new()
    }
    fn current_schema(&self) -> Option<String> {
        None
    }
    fn setting(&self, _: &str) -> Option<String> {
        None
    }
    fn check_cancel(&self) -> Result<()> {
        Ok(())
    }
}

fn with_ctx<R>(text: &TextContext, f: impl FnOnce(&FnContext<'_>) -> R) -> R {
    let ctx = FnContext { text, txn_timestamp: 0, stmt_timestamp: 0, env: &NoEnv };
    f(&ctx)
}

#[derive(Clone, Copy, PartialEq)]
enum JsonKind {
    JsonArray,
    JsonbArray,
    JsonObject,
    JsonbObject,
}

/// The JSON aggregates keep their rows and convert them at the end, with the session's text
/// settings when the executor provides them.
struct JsonAgg {
    rows: Option<Vec<(Value, Value)>>,
    kind: JsonKind,
    text: TextContext,
}

impl Accumulator for JsonAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let (k, v) = match self.kind {
            JsonKind::JsonObject | JsonKind::JsonbObject => {
                if first(args).is_null() {
                    return Err(SqlError::new(
                        sqlstate::NULL_VALUE_NOT_ALLOWED,
                        "null value not allowed for object key",
                    ));
                }
                (first(args).clone(), args.get(1).cloned().unwrap_or(Value::Null))
            }
            _ => (Value::Null, first(args).clone()),
        };
        self.rows.get_or_insert_with(Vec::new).push((k, v));
        Ok(())
    }

    fn finish(&mut self) -> Result<Value> {
        let Some(rows) = self.rows.take() else { return Ok(Value::Null) };
        let kind = self.kind;
        with_ctx(&self.text, |ctx| match kind {
            JsonKind::JsonArray => {
                let parts: Vec<String> = rows.iter().map(|(_, v)| ju::to_json_text(v, ctx)).collect();
                Ok(Value::Json(format!("[{}]", parts.join(", "))))
            }
            JsonKind::JsonbArray => {
                Ok(Value::Jsonb(J::Array(rows.iter().map(|(_, v)| ju::to_jsonb(v, ctx)).collect::<Result<_>>()?)))
            }
            JsonKind::JsonObject => {
                let mut parts = Vec::with_capacity(rows.len());
                for (k, v) in &rows {
                    parts.push(format!("{} : {}", ju::escape(&ju::key_text(k, ctx)?), ju::to_json_text(v, ctx)));
                }
                Ok(Value::Json(format!("{{ {} }}", parts.join(", "))))
            }
            JsonKind::JsonbObject => {
                let mut m = Map::new();
                for (k, v) in &rows {
                    m.insert(ju::key_text(k, ctx)?, ju::to_jsonb(v, ctx)?);
                }
                Ok(Value::Jsonb(J::Object(m)))
            }
        })
    }

    fn set_text_context(&mut self, ctx: &TextContext) {
        self.text = ctx.clone();
    }
}

fn json(kind: JsonKind) -> Box<dyn Accumulator> {
    Box::new(JsonAgg { rows: None, kind, text: TextContext::default() })
}

/// `json_agg`.
pub(super) fn json_agg(_: &[DataType]) -> Box<dyn Accumulator> {
    json(JsonKind::JsonArray)
}

/// `jsonb_agg`.
pub(super) fn jsonb_agg(_: &[DataType]) -> Box<dyn Accumulator> {
    json(JsonKind::JsonbArray)
}

/// `json_object_agg`.
pub(super) fn json_object_agg(_: &[DataType]) -> Box<dyn Accumulator> {
    json(JsonKind::JsonObject)
}

/// `jsonb_object_agg`.
pub(super) fn jsonb_object_agg(_: &[DataType]) -> Box<dyn Accumulator> {
    json(JsonKind::JsonbObject)
}
