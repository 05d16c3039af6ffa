//! Plans: what the binder makes of a statement and the executor runs.
//!
//! Binding resolves every name against the catalog, gives every expression a type (inserting
//! PostgreSQL's implicit coercions), resolves functions and operators to their
//! implementations, and chooses how each table is read (a primary-key point lookup or range,
//! an index lookup, or a full scan). There is no separate optimizer pass: the choices are made
//! while binding, from the predicates at hand. The result is a tree of [`Node`]s producing rows
//! of [`Value`]s, with [`Expr`]s evaluated against them.

pub mod access;
pub mod bind;
pub mod ddl;
pub mod dml;
pub mod expr;
pub(crate) mod joins;
pub mod query;
pub mod scope;
pub mod utility;
pub(crate) mod window;

use std::sync::Arc;

use crate::catalog::objects::Table;
use crate::functions::{ResolvedAggregate, ScalarImpl};
use crate::session::Column;
use crate::types::cast::CoercionContext;
use crate::types::{DataType, Value};

pub use bind::Binder;

/// A typed, resolved expression.
#[derive(Clone, Debug)]
pub enum Expr {
    /// A constant.
    Const(Value),
    /// Column `n` of the row being evaluated.
    Column(usize),
    /// Column `index` of an enclosing query's current row (`level` 1 is the nearest).
    Outer {
        /// How many queries out.
        level: usize,
        /// Column position in that query's row.
        index: usize,
    },
    /// Parameter `$n+1`.
    Param(usize),
    /// A function or operator call.
    Call {
        /// Name, for EXPLAIN.
        name: String,
        /// Implementation.
        func: ScalarImpl,
        /// Arguments, already coerced.
        args: Vec<Expr>,
        /// NULL in, NULL out.
        strict: bool,
    },
    /// A cast.
    Cast {
        /// The value.
        expr: Box<Expr>,
        /// Its type.
        from: DataType,
        /// The target type.
        to: DataType,
        /// Which rules apply (assignment casts check lengths strictly).
        ctx: CoercionContext,
    },
    /// Conjunction (three-valued).
    And(Vec<Expr>),
    /// Disjunction (three-valued).
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// `IS NULL` (or `IS NOT NULL` when `negated`).
    IsNull {
        /// The value.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `IS [NOT] TRUE/FALSE/UNKNOWN`.
    IsBool {
        /// The value.
        expr: Box<Expr>,
        /// TRUE, FALSE, or None for UNKNOWN.
        value: Option<bool>,
        /// `IS NOT`.
        negated: bool,
    },
    /// `IS [NOT] DISTINCT FROM`.
    IsDistinct {
        /// Left side.
        left: Box<Expr>,
        /// Right side (same type).
        right: Box<Expr>,
        /// `IS NOT DISTINCT FROM`.
        negated: bool,
    },
    /// Searched `CASE`.
    Case {
        /// `(condition, result)` pairs.
        whens: Vec<(Expr, Expr)>,
        /// `ELSE`, or NULL.
        otherwise: Option<Box<Expr>>,
    },
    /// `COALESCE`.
    Coalesce(Vec<Expr>),
    /// `GREATEST` (or `LEAST` when `least`).
    Extreme {
        /// Arguments of one type.
        args: Vec<Expr>,
        /// `LEAST`.
        least: bool,
    },
    /// `NULLIF(a, b)` with `a = b` resolved.
    NullIf {
        /// First argument.
        left: Box<Expr>,
        /// Second argument.
        right: Box<Expr>,
        /// The equality function.
        eq: ScalarImpl,
    },
    /// `expr [NOT] IN (list)`.
    InList {
        /// The value.
        expr: Box<Expr>,
        /// The list, coerced to the value's type.
        list: Vec<Expr>,
        /// Equality.
        eq: ScalarImpl,
        /// `NOT IN`.
        negated: bool,
    },
    /// `left op ANY/ALL (array)`.
    AnyAll {
        /// Left value.
        left: Box<Expr>,
        /// The array.
        array: Box<Expr>,
        /// The comparison.
        op: ScalarImpl,
        /// The operator's name, for EXPLAIN.
        name: String,
        /// `ALL` rather than `ANY`.
        all: bool,
    },
    /// A subquery used as a value, a test or a list.
    Subquery(Box<SubqueryExpr>),
    /// `ARRAY[...]`.
    Array(Vec<Expr>),
    /// `array[index]` (1-based).
    Subscript {
        /// The array.
        array: Box<Expr>,
        /// The index.
        index: Box<Expr>,
    },
    /// A built-in that needs the session or the catalog (nextval, version, pg_* helpers).
    Special {
        /// Which one.
        func: Special,
        /// Arguments.
        args: Vec<Expr>,
    },
}

/// Built-ins evaluated with access to the session and catalog.
#[derive(Clone, Debug, PartialEq)]
pub enum Special {
    /// `nextval(regclass)`.
    Nextval,
    /// `currval(regclass)`.
    Currval,
    /// `setval(regclass, bigint [, bool])`.
    Setval,
    /// `lastval()`.
    Lastval,
    /// `version()`.
    Version,
    /// `pg_backend_pid()`.
    BackendPid,
    /// `set_config(name, value, is_local)`.
    SetConfig,
    /// `current_setting(name [, missing_ok])`.
    CurrentSetting,
    /// `pg_typeof(x)`: the argument's type, resolved at bind time (the argument is a constant).
    TypeOf,
    /// A catalog helper implemented in [`crate::pg_catalog::functions`].
    Catalog(crate::pg_catalog::functions::CatalogFn),
}

/// A subquery inside an expression.
#[derive(Clone, Debug)]
pub struct SubqueryExpr {
    /// How its result is used.
    pub kind: SubqueryKind,
    /// The subquery's plan; it may refer to the enclosing row through [`Expr::Outer`].
    pub plan: Arc<Node>,
    /// True when it refers to no enclosing row: its result can be computed once.
    pub uncorrelated: bool,
}

/// How a subquery's rows become a value.
#[derive(Clone, Debug)]
pub enum SubqueryKind {
    /// `(SELECT x)`: its single value, NULL when empty; more than one row is an error (21000).
    Scalar,
    /// `EXISTS (...)` (negated for `NOT EXISTS`).
    Exists {
        /// `NOT EXISTS`.
        negated: bool,
    },
    /// `expr [NOT] IN (SELECT ...)`.
    In {
        /// The value tested.
        expr: Expr,
        /// Equality.
        eq: ScalarImpl,
        /// `NOT IN`.
        negated: bool,
    },
    /// `expr op ANY/ALL (SELECT ...)`.
    Quantified {
        /// The value compared.
        expr: Expr,
        /// The comparison.
        op: ScalarImpl,
        /// `ALL`.
        all: bool,
    },
    /// `ARRAY(SELECT ...)`.
    Array,
}

/// A sort key.
#[derive(Clone, Debug)]
pub struct SortKey {
    /// What to sort by (over the input row).
    pub expr: Expr,
    /// Descending.
    pub desc: bool,
    /// NULLs first (PostgreSQL's default is NULLS LAST ascending, NULLS FIRST descending).
    pub nulls_first: bool,
}

/// An aggregate call in an [`Node::Aggregate`].
#[derive(Clone, Debug)]
pub struct AggCall {
    /// The resolved aggregate.
    pub agg: ResolvedAggregate,
    /// Name, for EXPLAIN.
    pub name: String,
    /// Arguments (over the input row).
    pub args: Vec<Expr>,
    /// `DISTINCT`.
    pub distinct: bool,
    /// `FILTER (WHERE ...)`.
    pub filter: Option<Expr>,
    /// `ORDER BY` inside the call.
    pub order_by: Vec<SortKey>,
}

/// How a table is read.
#[derive(Clone, Debug)]
pub enum Access {
    /// Every row.
    Full,
    /// Rows whose primary key equals one of these tuples (`pk = x`, `pk IN (...)`).
    PkPoints(Vec<Vec<Expr>>),
    /// A primary-key range: equal on a prefix, bounded on the next column.
    PkRange(KeyRange),
    /// An index lookup or range.
    Index {
        /// Position in `table.indexes`.
        index: usize,
        /// The key range over the index columns.
        range: KeyRange,
    },
}

/// Equality on a prefix of key columns, then optional bounds on the next one.
#[derive(Clone, Debug, Default)]
pub struct KeyRange {
    /// Values of the leading key columns.
    pub eq: Vec<Expr>,
    /// Lower bound on the next column: value and inclusive.
    pub lower: Option<(Expr, bool)>,
    /// Upper bound on the next column: value and inclusive.
    pub upper: Option<(Expr, bool)>,
}

/// A table read.
#[derive(Clone, Debug)]
pub struct Scan {
    /// The table.
    pub table: Arc<Table>,
    /// How it is read.
    pub access: Access,
    /// Rows that do not satisfy this are skipped.
    pub filter: Option<Expr>,
    /// Read in reverse key order.
    pub reverse: bool,
    /// Output the row key as an extra last column (for UPDATE, DELETE, FOR UPDATE).
    pub with_key: bool,
    /// The name the query gives the table when not its own (`FROM emp e`), for EXPLAIN.
    pub alias: Option<String>,
}

/// Join kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// Inner (and cross) join.
    Inner,
    /// Left outer join.
    Left,
    /// Right outer join.
    Right,
    /// Full outer join.
    Full,
}

/// Set operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOpKind {
    /// `UNION`.
    Union,
    /// `INTERSECT`.
    Intersect,
    /// `EXCEPT`.
    Except,
}

/// Set-returning functions usable in FROM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetFunction {
    /// `generate_series(start, stop [, step])` over integers.
    SeriesInt,
    /// `generate_series(start, stop, step)` over timestamps.
    SeriesTimestamp,
    /// `generate_series` over timestamptz.
    SeriesTimestampTz,
    /// `generate_series` over numeric.
    SeriesNumeric,
    /// `unnest(array)`.
    Unnest,
    /// `jsonb_array_elements(jsonb)` / `json_array_elements`.
    JsonArrayElements,
    /// `jsonb_array_elements_text`.
    JsonArrayElementsText,
    /// `jsonb_each(jsonb)` → (key text, value jsonb).
    JsonEach,
    /// `jsonb_each_text`.
    JsonEachText,
    /// `jsonb_object_keys`.
    JsonObjectKeys,
    /// `regexp_split_to_table(text, pattern)`.
    RegexpSplit,
    /// `pg_partition_ancestors(regclass)`: the relation itself (Tandem has no partitions).
    PartitionAncestors,
}

/// A node of a query plan; each produces rows.
#[derive(Clone, Debug)]
pub enum Node {
    /// Literal rows.
    Values {
        /// Row expressions.
        rows: Vec<Vec<Expr>>,
    },
    /// A table read.
    Scan(Scan),
    /// A system catalog view, generated from the catalog.
    Virtual {
        /// Which one.
        table: crate::pg_catalog::VirtualTable,
    },
    /// A set-returning function.
    Function {
        /// Which one.
        func: SetFunction,
        /// Arguments (may refer to an enclosing row for LATERAL use).
        args: Vec<Expr>,
        /// Add an ordinality column.
        ordinality: bool,
    },
    /// Keeps rows satisfying a predicate.
    Filter {
        /// Input.
        input: Box<Node>,
        /// Predicate.
        predicate: Expr,
    },
    /// Computes output columns.
    Project {
        /// Input.
        input: Box<Node>,
        /// One expression per output column.
        exprs: Vec<Expr>,
    },
    /// Nested-loop join: for each left row, the right side is evaluated (it may refer to the
    /// left row through [`Expr::Outer`] when `lateral`).
    NestedLoop {
        /// Kind.
        kind: JoinKind,
        /// Left input.
        left: Box<Node>,
        /// Right input.
        right: Box<Node>,
        /// Join condition over the concatenated row.
        on: Option<Expr>,
        /// The right side refers to the left row (LATERAL, or a parameterized lookup).
        lateral: bool,
    },
    /// Hash join on equal keys: the right side is built into a hash table.
    HashJoin {
        /// Kind.
        kind: JoinKind,
        /// Left input (probe).
        left: Box<Node>,
        /// Right input (build).
        right: Box<Node>,
        /// Key expressions over the left row.
        left_keys: Vec<Expr>,
        /// Key expressions over the right row.
        right_keys: Vec<Expr>,
        /// Remaining condition over the concatenated row.
        residual: Option<Expr>,
    },
    /// Grouping and aggregation: outputs the group-by values then the aggregates.
    Aggregate {
        /// Input.
        input: Box<Node>,
        /// Group-by expressions.
        group_by: Vec<Expr>,
        /// Aggregates.
        aggregates: Vec<AggCall>,
    },
    /// Sorts.
    Sort {
        /// Input.
        input: Box<Node>,
        /// Keys, most significant first.
        keys: Vec<SortKey>,
    },
    /// LIMIT and OFFSET.
    Limit {
        /// Input.
        input: Box<Node>,
        /// Rows to return, or all.
        limit: Option<Expr>,
        /// Rows to skip.
        offset: Option<Expr>,
    },
    /// Removes duplicate rows (or keeps the first row per `on` key).
    Distinct {
        /// Input.
        input: Box<Node>,
        /// `DISTINCT ON` expressions.
        on: Option<Vec<Expr>>,
    },
    /// UNION / INTERSECT / EXCEPT.
    SetOp {
        /// Which one.
        op: SetOpKind,
        /// Keep duplicates.
        all: bool,
        /// Left input.
        left: Box<Node>,
        /// Right input (coerced to the left's types).
        right: Box<Node>,
    },
    /// A common table expression, computed once per statement and read here.
    Cte {
        /// Its plan.
        plan: Arc<Node>,
        /// Shared result slot, so that every reference reads one computation.
        id: usize,
    },
    /// `WITH RECURSIVE`: the non-recursive term's rows, then the recursive term run over
    /// the previous round's new rows (the work table) until a round adds none.
    RecursiveUnion {
        /// The non-recursive term.
        init: Box<Node>,
        /// The recursive term; it reads the work table through [`Node::WorkTable`].
        step: Box<Node>,
        /// `UNION ALL` (keep duplicates) rather than `UNION`.
        all: bool,
        /// The work table's slot.
        id: usize,
    },
    /// The rows of the current round of a [`Node::RecursiveUnion`].
    WorkTable {
        /// The work table's slot.
        id: usize,
        /// Its number of columns.
        width: usize,
    },
    /// Window functions (`row_number()`, `rank()`, aggregates `OVER (...)`): appends one column
    /// per function to each input row.
    Window {
        /// Input.
        input: Box<Node>,
        /// The functions.
        functions: Vec<WindowCall>,
    },
}

/// Window functions.
#[derive(Clone, Debug)]
pub enum WindowFunc {
    /// `row_number()`.
    RowNumber,
    /// `rank()`.
    Rank,
    /// `dense_rank()`.
    DenseRank,
    /// An aggregate over the window frame (running by default when ORDER BY is given).
    Aggregate(ResolvedAggregate),
    /// `lag(x [, n [, default]])` (or `lead` when `lead`).
    Lag {
        /// `lead` rather than `lag`.
        lead: bool,
    },
}

/// One window function call.
#[derive(Clone, Debug)]
pub struct WindowCall {
    /// The function.
    pub func: WindowFunc,
    /// Its arguments.
    pub args: Vec<Expr>,
    /// `PARTITION BY`.
    pub partition_by: Vec<Expr>,
    /// `ORDER BY`.
    pub order_by: Vec<SortKey>,
    /// Name for EXPLAIN.
    pub name: String,
}

/// A planned query: rows with described columns.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    /// The root node.
    pub root: Node,
    /// Output columns.
    pub columns: Vec<Column>,
    /// `FOR UPDATE` / `FOR SHARE`: lock the rows of this single-table query.
    pub locking: Option<RowLocking>,
    /// Number of CTE result slots the plan uses.
    pub ctes: usize,
}

/// Row locking of `SELECT ... FOR UPDATE/SHARE`.
#[derive(Clone, Debug)]
pub struct RowLocking {
    /// Exclusive (FOR UPDATE) or shared.
    pub exclusive: bool,
    /// `NOWAIT`.
    pub nowait: bool,
    /// `SKIP LOCKED`.
    pub skip_locked: bool,
}
