//! Built-in operators, scalar functions and aggregates, and their resolution from argument
//! types (PostgreSQL's function and operator type resolution, simplified: exact match first,
//! then implicit coercions, preferring the preferred type of a category; `unknown` arguments
//! adopt the type of the other side).
//!
//! The binder calls [`resolve_function`], [`resolve_binary_op`], [`resolve_unary_op`] and
//! [`resolve_aggregate`]; each returns the types the arguments must be coerced to, the result
//! type and the implementation. Special forms (`AND`, `OR`, `NOT`, `CASE`, `COALESCE`,
//! `NULLIF`, `GREATEST`, `LEAST`, `IS [NOT] DISTINCT FROM`, `IN`, subqueries) are handled by the
//! binder and evaluator, not here.
//!
//! Layout: [`operators`], [`scalar`] and [`aggregate`] hold the overload tables and
//! implementations; the private modules share the machinery: `resolve` (overload selection and
//! its error messages), `numeric` (PostgreSQL's numeric result scales and float checks),
//! `pattern` (`LIKE` and regular expressions), `jsonutil` (json text navigation, jsonb
//! operations, SQL-to-JSON conversion) and `util` (typed argument access). The supported list
//! and the deviations from PostgreSQL are in `docs/sql-functions.md`.

pub mod aggregate;
mod jsonutil;
mod numeric;
pub mod operators;
mod pattern;
mod resolve;
pub mod scalar;
mod util;

use crate::error::Result;
use crate::types::{DataType, TextContext, Value};

pub use aggregate::{resolve_aggregate, Accumulator, ResolvedAggregate};

/// What a function may need from the session and the database while it runs.
pub trait FunctionEnv {
    /// The name of the current user.
    fn current_user(&self) -> String;
    /// The name of the current database.
    fn current_database(&self) -> String;
    /// The first schema on the search path that exists.
    fn current_schema(&self) -> Option<String>;
    /// The current value of a setting, as `current_setting()` shows it.
    fn setting(&self, name: &str) -> Option<String>;
    /// 57014 once the statement was cancelled or timed out (for functions that wait).
    fn check_cancel(&self) -> Result<()>;
}

/// The context of one function call.
pub struct FnContext<'a> {
    /// Text I/O settings (time zone, date order, float digits).
    pub text: &'a TextContext,
    /// Start of the current transaction (`now()`), microseconds since 2000-01-01 UTC.
    pub txn_timestamp: i64,
    /// Start of the current statement (`statement_timestamp()`).
    pub stmt_timestamp: i64,
    /// Session and database facts.
    pub env: &'a dyn FunctionEnv,
}

/// A scalar function or operator implementation. Arguments arrive already coerced to the
/// resolved argument types; for strict functions no argument is NULL.
pub type ScalarImpl = fn(&[Value], &FnContext<'_>) -> Result<Value>;

/// How a function's result may vary (`pg_proc.provolatile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    /// Same arguments, same result, always.
    Immutable,
    /// Constant within a statement (`now()`, settings).
    Stable,
    /// May change on every call (`random()`, `clock_timestamp()`).
    Volatile,
}

/// A resolved function or operator.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The type each argument must be coerced to before the call.
    pub arg_types: Vec<DataType>,
    /// The result type.
    pub ret: DataType,
    /// The implementation.
    pub imp: ScalarImpl,
    /// NULL in any argument gives NULL without calling `imp`.
    pub strict: bool,
    /// Volatility.
    pub volatility: Volatility,
}

/// Binary operators resolved here (logical operators are special forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `||`
    Concat,
    /// `=`
    Eq,
    /// `<>`, `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `LIKE`, `~~`
    Like,
    /// `NOT LIKE`, `!~~`
    NotLike,
    /// `ILIKE`, `~~*`
    ILike,
    /// `NOT ILIKE`, `!~~*`
    NotILike,
    /// `~`
    RegexMatch,
    /// `~*`
    RegexIMatch,
    /// `!~`
    RegexNotMatch,
    /// `!~*`
    RegexNotIMatch,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `#`
    BitXor,
    /// `<<`
    ShiftLeft,
    /// `>>`
    ShiftRight,
    /// `->`
    JsonGet,
    /// `->>`
    JsonGetText,
    /// `#>`
    JsonPath,
    /// `#>>`
    JsonPathText,
    /// `@>`
    Contains,
    /// `<@`
    ContainedBy,
    /// `?`
    JsonHasKey,
    /// `?|`
    JsonHasAny,
    /// `?&`
    JsonHasAll,
    /// `&&`
    Overlaps,
    /// `^@` (starts with)
    StartsWith,
}

/// Unary prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `~x` (bitwise not)
    BitNot,
    /// `@x` (absolute value)
    Abs,
    /// `|/x`
    Sqrt,
    /// `||/x`
    Cbrt,
}

/// Resolves `name(args...)`. `name` is lower case without schema (`pg_catalog.` stripped).
/// Errors: 42883 when no function matches, 42725 when several match equally well.
pub fn resolve_function(name: &str, args: &[DataType]) -> Result<Resolved> {
    scalar::resolve(name, args)
}

/// Resolves `left op right`. Errors: 42883 (`operator does not exist: integer + boolean`).
pub fn resolve_binary_op(op: BinaryOp, left: &DataType, right: &DataType) -> Result<Resolved> {
    operators::resolve_binary(op, left, right)
}

/// Resolves `op operand`.
pub fn resolve_unary_op(op: UnaryOp, operand: &DataType) -> Result<Resolved> {
    operators::resolve_unary(op, operand)
}
