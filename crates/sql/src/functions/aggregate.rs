//! Aggregate functions: `count`, `sum`, `avg`, `min`, `max`, `bool_and`, `bool_or`, `every`,
//! `bit_and`, `bit_or`, `bit_xor`, `string_agg`, `array_agg`, `json_agg`, `jsonb_agg`,
//! `json_object_agg`, `jsonb_object_agg`, `stddev`, `stddev_pop`, `stddev_samp`, `variance`,
//! `var_pop`, `var_samp`.
//!
//! Overloads are resolved like functions (`functions::resolve`). Result types follow
//! PostgreSQL: `sum(int2/int4)` is `bigint`, `sum(int8)` and `avg` of integers are `numeric`
//! (with PostgreSQL's division scale: `avg(1, 2)` is `1.5000000000000000`), `sum(real)` is
//! `real`, statistics of integers and numerics are `numeric`, of floats `double precision`.
//! Empty input gives NULL, except `count`, which gives 0. The executor applies `DISTINCT`,
//! `FILTER` and `ORDER BY` inside aggregate calls before feeding values.

mod accum;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::{no_function, p, select, Outcome, Param, Ret, Signature};
use crate::types::{DataType, TextContext, Value};

/// Accumulates one group's values of one aggregate call.
pub trait Accumulator: Send {
    /// Adds one row's argument values (already coerced to the resolved argument types).
    /// `count(*)` gets an empty slice. NULL handling is the accumulator's: most aggregates
    /// skip NULL inputs.
    fn update(&mut self, args: &[Value]) -> Result<()>;
    /// The aggregate's value for the group (NULL for an empty `sum`, 0 for `count`).
    fn finish(&mut self) -> Result<Value>;
    /// Gives the session's text settings to aggregates whose result depends on them (the JSON
    /// aggregates format timestamps and floats with them). Without a call, UTC and the
    /// default settings are used. Call before the first `update`.
    fn set_text_context(&mut self, _ctx: &TextContext) {}
}

/// A resolved aggregate.
#[derive(Clone, Debug)]
pub struct ResolvedAggregate {
    /// The type each argument must be coerced to.
    pub arg_types: Vec<DataType>,
    /// The result type.
    pub ret: DataType,
    /// Creates an accumulator for one group.
    pub make: fn(&[DataType]) -> Box<dyn Accumulator>,
}

/// Creates an accumulator from the resolved argument types.
type Make = fn(&[DataType]) -> Box<dyn Accumulator>;

struct AggDef {
    sig: Signature,
    make: Make,
}

fn def(params: Vec<Param>, ret: impl Into<Ret>, make: Make) -> AggDef {
    AggDef { sig: Signature { params, variadic: false, ret: ret.into() }, make }
}

/// The types `min` and `max` accept (PostgreSQL has no `max(boolean)`).
const ORDERED: &[DataType] = &[
    DataType::Int2,
    DataType::Int4,
    DataType::Int8,
    DataType::Float4,
    DataType::Float8,
    DataType::Numeric(None),
    DataType::Text,
    DataType::Bpchar(None),
    DataType::Date,
    DataType::Time,
    DataType::Timestamp,
    DataType::TimestampTz,
    DataType::Interval,
    DataType::Oid,
];

static AGGREGATES: LazyLock<HashMap<&'static str, Vec<AggDef>>> = LazyLock::new(|| {
    use accum as a;
    use DataType::{Bool, Float4, Float8, Int2, Int4, Int8, Interval as Iv, Json, Jsonb, Text};
    let numeric = DataType::Numeric(None);
    let mut m: HashMap<&'static str, Vec<AggDef>> = HashMap::new();
    m.insert("count", vec![def(vec![Param::Any], Int8.clone(), a::count)]);
    m.insert(
        "sum",
        vec![
            def(vec![p::INT2], Int8.clone(), a::sum_int),
            def(vec![p::INT4], Int8.clone(), a::sum_int),
            def(vec![p::INT8], numeric.clone(), a::sum_int8),
            def(vec![p::NUMERIC], numeric.clone(), a::sum_numeric),
            def(vec![p::FLOAT4], Float4, a::sum_float4),
            def(vec![p::FLOAT8], Float8.clone(), a::sum_float8),
            def(vec![p::INTERVAL], Iv.clone(), a::sum_interval),
        ],
    );
    m.insert(
        "avg",
        vec![
            def(vec![p::INT2], numeric.clone(), a::avg_int),
            def(vec![p::INT4], numeric.clone(), a::avg_int),
            def(vec![p::INT8], numeric.clone(), a::avg_int),
            def(vec![p::NUMERIC], numeric.clone(), a::avg_numeric),
            def(vec![p::FLOAT4], Float8.clone(), a::avg_float),
            def(vec![p::FLOAT8], Float8.clone(), a::avg_float),
            def(vec![p::INTERVAL], Iv, a::avg_interval),
        ],
    );
    for (name, max) in [("min", false), ("max", true)] {
        let mut defs: Vec<AggDef> = ORDERED
            .iter()
            .map(|t| def(vec![Param::T(t.clone())], t.clone(), if max { a::max } else { a::min }))
            .collect();
        defs.push(def(vec![Param::AnyArray], Ret::Array, if max { a::max } else { a::min }));
        m.insert(name, defs);
    }
    for name in ["bool_and", "every"] {
        m.insert(name, vec![def(vec![p::BOOL], Bool.clone(), a::bool_and)]);
    }
    m.insert("bool_or", vec![def(vec![p::BOOL], Bool, a::bool_or)]);
    for (name, make) in [("bit_and", a::bit_and as Make), ("bit_or", a::bit_or), ("bit_xor", a::bit_xor)] {
        m.insert(
            name,
            vec![
                def(vec![p::INT2], Int2.clone(), make),
                def(vec![p::INT4], Int4.clone(), make),
                def(vec![p::INT8], Int8.clone(), make),
            ],
        );
    }
    m.insert(
        "string_agg",
        vec![
            def(vec![p::TEXT, p::TEXT], Text, a::string_agg),
            def(vec![p::BYTEA, p::BYTEA], DataType::Bytea, a::string_agg),
        ],
    );
    m.insert("array_agg", vec![def(vec![Param::AnyNonArray], Ret::Array, a::array_agg)]);
    m.insert("json_agg", vec![def(vec![Param::AnyElement], Json.clone(), a::json_agg)]);
    m.insert("jsonb_agg", vec![def(vec![Param::AnyElement], Jsonb.clone(), a::jsonb_agg)]);
    m.insert("json_object_agg", vec![def(vec![Param::Any, Param::Any], Json, a::json_object_agg)]);
    m.insert("jsonb_object_agg", vec![def(vec![Param::Any, Param::Any], Jsonb, a::jsonb_object_agg)]);
    let stats: [(&'static str, Make, Make); 6] = [
        ("stddev", a::stddev_samp_numeric, a::stddev_samp_float),
        ("stddev_samp", a::stddev_samp_numeric, a::stddev_samp_float),
        ("stddev_pop", a::stddev_pop_numeric, a::stddev_pop_float),
        ("variance", a::var_samp_numeric, a::var_samp_float),
        ("var_samp", a::var_samp_numeric, a::var_samp_float),
        ("var_pop", a::var_pop_numeric, a::var_pop_float),
    ];
    for (name, num, float) in stats {
        m.insert(
            name,
            vec![
                def(vec![p::INT2], numeric.clone(), num),
                def(vec![p::INT4], numeric.clone(), num),
                def(vec![p::INT8], numeric.clone(), num),
                def(vec![p::NUMERIC], numeric.clone(), num),
                def(vec![p::FLOAT4], Float8.clone(), float),
                def(vec![p::FLOAT8], Float8.clone(), float),
            ],
        );
    }
    m
});

/// True when `name` is a built-in aggregate.
pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains_key(name)
}

/// Resolves `name(args...)` as an aggregate, or `Ok(None)` when `name` is not an aggregate.
/// `count(*)` is resolved with `star = true` and no arguments.
pub fn resolve_aggregate(name: &str, args: &[DataType], star: bool) -> Result<Option<ResolvedAggregate>> {
    let Some(defs) = AGGREGATES.get(name) else { return Ok(None) };
    if star || args.is_empty() {
        if name != "count" {
            return Err(no_function(name, &[]));
        }
        if !star {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                "count(*) must be used to call a parameterless aggregate function",
            ));
        }
        return Ok(Some(ResolvedAggregate { arg_types: Vec::new(), ret: DataType::Int8, make: accum::count_star }));
    }
    if name == "array_agg" && args.len() == 1 && matches!(args[0], DataType::Array(_)) {
        return Err(SqlError::unsupported("array_agg of arrays (multidimensional arrays)"));
    }
    let sigs: Vec<&Signature> = defs.iter().map(|d| &d.sig).collect();
    match select(&sigs, args, false) {
        Outcome::Found { index, arg_types, ret } => {
            let make = defs.get(index).map(|d| d.make).ok_or_else(|| SqlError::internal("aggregate index"))?;
            Ok(Some(ResolvedAggregate { arg_types, ret, make }))
        }
        Outcome::NotFound => Err(no_function(name, args)),
        Outcome::Ambiguous => Err(crate::functions::resolve::ambiguous_function(name, args)),
    }
}

#[cfg(test)]
mod tests;
