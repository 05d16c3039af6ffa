//! Bound expressions back to SQL text, as PostgreSQL's EXPLAIN shows them: operators in
//! parentheses (`(a = 2)`, `((a = 1) AND (b > 'x'::text))`), typed constants (`'x'::text`,
//! `'-1'::integer`), casts as `(a)::bigint`, `IN` lists as `= ANY (...)`.
//!
//! Columns are named by the labels of the row the expression reads (`id`, or `t.id` when a
//! plan reads several tables); outer references by the labels of the enclosing rows.
//! Subqueries print as `(SubPlan n)`; their plans are collected for the caller to print.

use std::sync::Arc;

use crate::plan::{Expr, Node, Special, SubqueryKind};
use crate::types::cast::cast;
use crate::types::text::{format_text, TextContext};
use crate::types::{DataType, Value};

/// Names what an expression reads, and collects the subplans it contains.
pub(crate) struct Deparser<'a> {
    /// Labels of the current row's columns.
    pub row: &'a [String],
    /// Labels of the enclosing rows, innermost last.
    pub outer: &'a [Vec<String>],
    /// Subquery plans met so far (numbered from 1 in the output).
    pub subplans: &'a mut Vec<Arc<Node>>,
}

/// PostgreSQL's spelling of the operators the binder names after their `BinaryOp`.
fn operator_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "Like" => "~~",
        "NotLike" => "!~~",
        "ILike" => "~~*",
        "NotILike" => "!~~*",
        "RegexMatch" => "~",
        "RegexNotMatch" => "!~",
        "RegexIMatch" => "~*",
        "RegexNotIMatch" => "!~*",
        "Eq" => "=",
        "NotEq" => "<>",
        "Lt" => "<",
        "LtEq" => "<=",
        "Gt" => ">",
        "GtEq" => ">=",
        "Add" => "+",
        "Sub" => "-",
        "Mul" => "*",
        "Div" => "/",
        "Mod" => "%",
        "Pow" => "^",
        "Concat" => "||",
        "Contains" => "@>",
        "ContainedBy" => "<@",
        "JsonGet" => "->",
        "JsonGetText" => "->>",
        _ => return None,
    })
}

/// True for a name made of operator characters (`=`, `||`, `->>`).
fn is_operator(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| "+-*/<>=~!@#%^&|`?:".contains(c))
}

/// The type of a constant, for showing it as `'text'::type`.
fn value_type(v: &Value) -> DataType {
    match v {
        Value::Null | Value::Text(_) => DataType::Text,
        Value::Bool(_) => DataType::Bool,
        Value::Int2(_) => DataType::Int2,
        Value::Int4(_) => DataType::Int4,
        Value::Int8(_) => DataType::Int8,
        Value::Float4(_) => DataType::Float4,
        Value::Float8(_) => DataType::Float8,
        Value::Numeric(_) => DataType::Numeric(None),
        Value::Bytea(_) => DataType::Bytea,
        Value::Date(_) => DataType::Date,
        Value::Time(_) => DataType::Time,
        Value::Timestamp(_) => DataType::Timestamp,
        Value::TimestampTz(_) => DataType::TimestampTz,
        Value::Interval(_) => DataType::Interval,
        Value::Uuid(_) => DataType::Uuid,
        Value::Json(_) => DataType::Json,
        Value::Jsonb(_) => DataType::Jsonb,
        Value::Oid(_) => DataType::Oid,
        Value::Array(items) => {
            let elem = items.iter().find(|i| !i.is_null()).map(value_type).unwrap_or(DataType::Text);
            DataType::Array(Box::new(elem))
        }
    }
}

/// A quoted SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A constant as EXPLAIN shows it.
pub(crate) fn constant(v: &Value) -> String {
    let ty = value_type(v);
    let text = format_text(v, &ty, &TextContext::default());
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Numeric(_) if !text.starts_with('-') => text,
        _ => format!("{}::{}", quote(&text), ty.sql_name()),
    }
}

fn special_name(f: &Special) -> String {
    match f {
        Special::BackendPid => "pg_backend_pid".into(),
        Special::SetConfig => "set_config".into(),
        Special::CurrentSetting => "current_setting".into(),
        Special::TypeOf => "pg_typeof".into(),
        Special::Catalog(c) => format!("{c:?}").to_lowercase(),
        other => format!("{other:?}").to_lowercase(),
    }
}

impl Deparser<'_> {
    fn list(&mut self, items: &[Expr]) -> String {
        items.iter().map(|e| self.expr(e)).collect::<Vec<_>>().join(", ")
    }

    /// `e` as SQL text.
    pub(crate) fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::Const(v) => constant(v),
            Expr::Column(i) => self.row.get(*i).cloned().unwrap_or_else(|| format!("${i}")),
            Expr::Outer { level, index } => self
                .outer
                .len()
                .checked_sub(*level)
                .and_then(|l| self.outer[l].get(*index))
                .cloned()
                .unwrap_or_else(|| "(outer)".into()),
            Expr::Param(n) => format!("${}", n + 1),
            Expr::Call { name, args, .. } => {
                let symbol = operator_symbol(name).or_else(|| is_operator(name).then_some(name.as_str()));
                match (symbol, args.as_slice()) {
                    (Some(op), [l, r]) => format!("({} {op} {})", self.expr(l), self.expr(r)),
                    (Some(op), [x]) => format!("({op} {})", self.expr(x)),
                    _ => format!("{}({})", name.to_lowercase(), self.list(args)),
                }
            }
            Expr::Cast { expr, from, to, ctx } => match expr.as_ref() {
                // A cast constant shows folded, as PostgreSQL's planner leaves it.
                Expr::Const(v) => match cast(v.clone(), from, to, *ctx, &TextContext::default()) {
                    Ok(folded) if !matches!(folded, Value::Text(_)) => constant(&folded),
                    _ => match v {
                        Value::Text(s) => format!("{}::{}", quote(s), to.sql_name()),
                        other => format!("({})::{}", constant(other), to.sql_name()),
                    },
                },
                inner => format!("({})::{}", self.expr(inner), to.sql_name()),
            },
            Expr::And(parts) | Expr::Or(parts) => {
                let word = if matches!(e, Expr::And(_)) { " AND " } else { " OR " };
                format!("({})", parts.iter().map(|p| self.expr(p)).collect::<Vec<_>>().join(word))
            }
            Expr::Not(x) => format!("(NOT {})", self.expr(x)),
            Expr::IsNull { expr, negated } => {
                format!("({} IS {}NULL)", self.expr(expr), if *negated { "NOT " } else { "" })
            }
            Expr::IsBool { expr, value, negated } => {
                let what = match value {
                    Some(true) => "TRUE",
                    Some(false) => "FALSE",
                    None => "UNKNOWN",
                };
                format!("({} IS {}{what})", self.expr(expr), if *negated { "NOT " } else { "" })
            }
            Expr::IsDistinct { left, right, negated } => format!(
                "({} IS {}DISTINCT FROM {})",
                self.expr(left),
                if *negated { "NOT " } else { "" },
                self.expr(right)
            ),
            Expr::Case { whens, otherwise } => {
                let mut s = "CASE".to_string();
                for (c, r) in whens {
                    s.push_str(&format!(" WHEN {} THEN {}", self.expr(c), self.expr(r)));
                }
                if let Some(o) = otherwise {
                    s.push_str(&format!(" ELSE {}", self.expr(o)));
                }
                s + " END"
            }
            Expr::Coalesce(args) => format!("COALESCE({})", self.list(args)),
            Expr::Extreme { args, least } => {
                format!("{}({})", if *least { "LEAST" } else { "GREATEST" }, self.list(args))
            }
            Expr::NullIf { left, right, .. } => format!("NULLIF({}, {})", self.expr(left), self.expr(right)),
            Expr::InList { expr, list, negated, .. } => {
                let (op, quantifier) = if *negated { ("<>", "ALL") } else { ("=", "ANY") };
                let all_const: Option<Vec<Value>> =
                    list.iter().map(|i| if let Expr::Const(v) = i { Some(v.clone()) } else { None }).collect();
                let array = match all_const {
                    Some(values) => constant(&Value::Array(values)),
                    None => format!("ARRAY[{}]", self.list(list)),
                };
                format!("({} {op} {quantifier} ({array}))", self.expr(expr))
            }
            Expr::AnyAll { left, array, name, all, .. } => {
                let quantifier = if *all { "ALL" } else { "ANY" };
                format!("({} {name} {quantifier} ({}))", self.expr(left), self.expr(array))
            }
            Expr::Subquery(sq) => {
                self.subplans.push(sq.plan.clone());
                let n = self.subplans.len();
                match &sq.kind {
                    SubqueryKind::Exists { negated: true } => format!("(NOT (SubPlan {n}))"),
                    SubqueryKind::In { expr, negated, .. } => {
                        let (op, quantifier) = if *negated { ("<>", "ALL") } else { ("=", "ANY") };
                        format!("({} {op} {quantifier} (SubPlan {n}))", self.expr(expr))
                    }
                    _ => format!("(SubPlan {n})"),
                }
            }
            Expr::Array(items) => format!("ARRAY[{}]", self.list(items)),
            Expr::Subscript { array, index } => format!("({})[{}]", self.expr(array), self.expr(index)),
            Expr::Special { func, args } => format!("{}({})", special_name(func), self.list(args)),
        }
    }
}
