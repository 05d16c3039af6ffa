//! Binding expressions: names to columns (of this query or, for correlated subqueries, an
//! enclosing one), literals to typed constants, operators and functions to implementations,
//! with PostgreSQL's implicit coercions inserted where argument types differ.

use std::sync::Arc;

use sqlparser::ast::{self, BinaryOperator as AstOp, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator};

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::{self, BinaryOp, UnaryOp};
use crate::plan::bind::{bind_type, normalize_ident, Binder};
use crate::plan::scope::Scope;
use crate::plan::{Expr, Special, SubqueryExpr, SubqueryKind};
use crate::types::cast::{can_coerce, CoercionContext};
use crate::types::{DataType, Value};

/// Aggregation context: select-list expressions after GROUP BY are rewritten to read the
/// aggregate node's output (group keys first, then aggregates).
pub(crate) struct PostAgg {
    /// The scope the group keys and aggregate arguments were bound in.
    pub input: Scope,
    /// Bound group keys.
    pub groups: Vec<Expr>,
    /// The aggregate calls found in the query, matched by syntax.
    pub aggs: Vec<ast::Function>,
    /// Result types of the aggregates.
    pub agg_types: Vec<DataType>,
    /// Group key types.
    pub group_types: Vec<DataType>,
}

/// Where an expression is being bound.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'s> {
    pub scope: &'s Scope,
    pub post_agg: Option<&'s PostAgg>,
    /// The clause, for "aggregate functions are not allowed in WHERE".
    pub clause: &'static str,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(scope: &'s Scope, clause: &'static str) -> Self {
        Self { scope, post_agg: None, clause }
    }
}

/// Names of the aggregate functions (so they can be told from scalar functions by name).
pub(crate) fn is_aggregate_name(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "bool_and"
            | "bool_or"
            | "every"
            | "string_agg"
            | "array_agg"
            | "json_agg"
            | "jsonb_agg"
            | "json_object_agg"
            | "jsonb_object_agg"
            | "stddev"
            | "stddev_samp"
            | "stddev_pop"
            | "variance"
            | "var_samp"
            | "var_pop"
            | "bit_and"
            | "bit_or"
    )
}

/// The normalized function name (`pg_catalog.` stripped, unquoted parts folded).
pub(crate) fn function_name(name: &ast::ObjectName) -> String {
    let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident()).map(normalize_ident).collect();
    match parts.as_slice() {
        [s, n] if s == "pg_catalog" => n.clone(),
        _ => parts.join("."),
    }
}

/// Structural equality of bound expressions (to match select-list terms with GROUP BY keys).
pub(crate) fn expr_eq(a: &Expr, b: &Expr) -> bool {
    use Expr::*;
    match (a, b) {
        (Const(x), Const(y)) => {
            x.is_null() == y.is_null()
                && (x.is_null() || crate::types::compare::compare(x, y) == std::cmp::Ordering::Equal)
        }
        (Column(x), Column(y)) | (Param(x), Param(y)) => x == y,
        (Outer { level: l1, index: i1 }, Outer { level: l2, index: i2 }) => l1 == l2 && i1 == i2,
        (Call { func: f1, args: a1, .. }, Call { func: f2, args: a2, .. }) => {
            std::ptr::fn_addr_eq(*f1, *f2) && slice_eq(a1, a2)
        }
        (Cast { expr: e1, to: t1, .. }, Cast { expr: e2, to: t2, .. }) => t1 == t2 && expr_eq(e1, e2),
        (And(x), And(y)) | (Or(x), Or(y)) | (Coalesce(x), Coalesce(y)) | (Array(x), Array(y)) => slice_eq(x, y),
        (Not(x), Not(y)) => expr_eq(x, y),
        (IsNull { expr: x, negated: n1 }, IsNull { expr: y, negated: n2 }) => n1 == n2 && expr_eq(x, y),
        (Case { whens: w1, otherwise: o1 }, Case { whens: w2, otherwise: o2 }) => {
            w1.len() == w2.len()
                && w1.iter().zip(w2).all(|((c1, r1), (c2, r2))| expr_eq(c1, c2) && expr_eq(r1, r2))
                && match (o1, o2) {
                    (Some(a), Some(b)) => expr_eq(a, b),
                    (None, None) => true,
                    _ => false,
                }
        }
        (Special { func: f1, args: a1 }, Special { func: f2, args: a2 }) => f1 == f2 && slice_eq(a1, a2),
        _ => false,
    }
}

fn slice_eq(a: &[Expr], b: &[Expr]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| expr_eq(x, y))
}

/// True when `e` refers to no column of the current row (constants, parameters, outer
/// references): it can be evaluated before a scan, as a lookup key.
pub(crate) fn is_row_independent(e: &Expr) -> bool {
    use Expr::*;
    match e {
        Column(_) => false,
        Const(_) | Param(_) | Outer { .. } => true,
        Call { args, .. } | And(args) | Or(args) | Coalesce(args) | Array(args) | Special { args, .. } => {
            args.iter().all(is_row_independent)
        }
        Extreme { args, .. } => args.iter().all(is_row_independent),
        Cast { expr, .. } | Not(expr) | IsNull { expr, .. } | IsBool { expr, .. } => is_row_independent(expr),
        IsDistinct { left, right, .. } | NullIf { left, right, .. } => {
            is_row_independent(left) && is_row_independent(right)
        }
        Case { whens, otherwise } => {
            whens.iter().all(|(c, r)| is_row_independent(c) && is_row_independent(r))
                && otherwise.as_deref().is_none_or(is_row_independent)
        }
        InList { expr, list, .. } => is_row_independent(expr) && list.iter().all(is_row_independent),
        AnyAll { left, array, .. } => is_row_independent(left) && is_row_independent(array),
        Subscript { array, index } => is_row_independent(array) && is_row_independent(index),
        Subquery(_) => false,
    }
}

pub(crate) fn map_binary(op: &AstOp) -> Option<BinaryOp> {
    Some(match op {
        AstOp::Plus => BinaryOp::Add,
        AstOp::Minus => BinaryOp::Sub,
        AstOp::Multiply => BinaryOp::Mul,
        AstOp::Divide => BinaryOp::Div,
        AstOp::Modulo => BinaryOp::Mod,
        AstOp::PGExp => BinaryOp::Pow,
        AstOp::StringConcat => BinaryOp::Concat,
        AstOp::Eq => BinaryOp::Eq,
        AstOp::NotEq => BinaryOp::NotEq,
        AstOp::Lt => BinaryOp::Lt,
        AstOp::LtEq => BinaryOp::LtEq,
        AstOp::Gt => BinaryOp::Gt,
        AstOp::GtEq => BinaryOp::GtEq,
        AstOp::BitwiseAnd => BinaryOp::BitAnd,
        AstOp::BitwiseOr => BinaryOp::BitOr,
        AstOp::PGBitwiseXor => BinaryOp::BitXor,
        AstOp::PGBitwiseShiftLeft => BinaryOp::ShiftLeft,
        AstOp::PGBitwiseShiftRight => BinaryOp::ShiftRight,
        AstOp::PGRegexMatch => BinaryOp::RegexMatch,
        AstOp::PGRegexIMatch => BinaryOp::RegexIMatch,
        AstOp::PGRegexNotMatch => BinaryOp::RegexNotMatch,
        AstOp::PGRegexNotIMatch => BinaryOp::RegexNotIMatch,
        AstOp::PGLikeMatch => BinaryOp::Like,
        AstOp::PGILikeMatch => BinaryOp::ILike,
        AstOp::PGNotLikeMatch => BinaryOp::NotLike,
        AstOp::PGNotILikeMatch => BinaryOp::NotILike,
        AstOp::PGStartsWith => BinaryOp::StartsWith,
        AstOp::Arrow => BinaryOp::JsonGet,
        AstOp::LongArrow => BinaryOp::JsonGetText,
        AstOp::HashArrow => BinaryOp::JsonPath,
        AstOp::HashLongArrow => BinaryOp::JsonPathText,
        AstOp::AtArrow => BinaryOp::Contains,
        AstOp::ArrowAt => BinaryOp::ContainedBy,
        AstOp::Question => BinaryOp::JsonHasKey,
        AstOp::QuestionPipe => BinaryOp::JsonHasAny,
        AstOp::QuestionAnd => BinaryOp::JsonHasAll,
        AstOp::PGOverlap => BinaryOp::Overlaps,
        AstOp::PGCustomBinaryOperator(parts) => {
            let op = parts.last()?;
            return map_binary(&match op.as_str() {
                "+" => AstOp::Plus,
                "-" => AstOp::Minus,
                "*" => AstOp::Multiply,
                "/" => AstOp::Divide,
                "%" => AstOp::Modulo,
                "=" => AstOp::Eq,
                "<>" | "!=" => AstOp::NotEq,
                "<" => AstOp::Lt,
                "<=" => AstOp::LtEq,
                ">" => AstOp::Gt,
                ">=" => AstOp::GtEq,
                "~" => AstOp::PGRegexMatch,
                "~*" => AstOp::PGRegexIMatch,
                "!~" => AstOp::PGRegexNotMatch,
                "!~*" => AstOp::PGRegexNotIMatch,
                "~~" => AstOp::PGLikeMatch,
                "~~*" => AstOp::PGILikeMatch,
                "!~~" => AstOp::PGNotLikeMatch,
                "!~~*" => AstOp::PGNotILikeMatch,
                "||" => AstOp::StringConcat,
                _ => return None,
            });
        }
        _ => return None,
    })
}

impl Binder<'_> {
    /// Binds an expression, returning it with its type.
    pub(crate) fn bind_expr(&mut self, e: &ast::Expr, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        if let Some(pa) = ctx.post_agg {
            if let Some(found) = self.match_post_agg(e, pa)? {
                return Ok(found);
            }
        }
        self.bind_expr_inner(e, ctx)
    }

    /// In an aggregating query: an aggregate call or a GROUP BY key becomes a column of the
    /// aggregate's output; a bare column that is neither is an error (42803).
    fn match_post_agg(&mut self, e: &ast::Expr, pa: &PostAgg) -> Result<Option<(Expr, DataType)>> {
        if let ast::Expr::Function(f) = e {
            // A window call reads its own column, after the groups and aggregates.
            if f.over.is_some() {
                return Ok(None);
            }
            if f.over.is_none() {
                if let Some(j) = pa.aggs.iter().position(|a| a == f) {
                    return Ok(Some((Expr::Column(pa.groups.len() + j), pa.agg_types[j].clone())));
                }
            }
        }
        if matches!(e, ast::Expr::Value(_)) {
            return Ok(None);
        }
        if let Ok((bound, _)) = self.bind_expr_inner(e, Ctx::new(&pa.input, "GROUP BY")) {
            if let Some(k) = pa.groups.iter().position(|g| expr_eq(g, &bound)) {
                return Ok(Some((Expr::Column(k), pa.group_types[k].clone())));
            }
            if let Expr::Column(i) = bound {
                let col = &pa.input.columns[i];
                let name = match &col.qualifier {
                    Some(q) => format!("{q}.{}", col.name),
                    None => col.name.clone(),
                };
                return Err(SqlError::new(
                    sqlstate::GROUPING_ERROR,
                    format!("column \"{name}\" must appear in the GROUP BY clause or be used in an aggregate function"),
                )
                .at(ident_pos(self, e)));
            }
        }
        Ok(None)
    }

    fn bind_expr_inner(&mut self, e: &ast::Expr, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        use ast::Expr as E;
        match e {
            E::Identifier(id) => {
                let name = normalize_ident(id);
                if id.quote_style.is_none() {
                    match name.as_str() {
                        "current_role" | "current_user" | "session_user" | "user" | "current_schema"
                        | "current_catalog" => {
                            return self.bind_niladic(&name);
                        }
                        _ => {}
                    }
                }
                self.bind_column(None, &name, ctx, self.pos(id.span))
            }
            E::CompoundIdentifier(ids) => {
                let parts: Vec<String> = ids.iter().map(normalize_ident).collect();
                let pos = ids.first().and_then(|i| self.pos(i.span));
                match parts.as_slice() {
                    [q, c] => self.bind_column(Some(q), c, ctx, pos),
                    [_, q, c] | [_, _, q, c] => self.bind_column(Some(q), c, ctx, pos),
                    _ => Err(SqlError::new(sqlstate::SYNTAX_ERROR, format!("improper qualified name: {e}"))),
                }
            }
            E::Value(v) => self.bind_literal(&v.value, self.pos(v.span)),
            E::Nested(inner) => self.bind_expr(inner, ctx),
            E::TypedString(ts) => {
                let ty = bind_type(&ts.data_type)?;
                let text = ts.value.value.clone().into_string().unwrap_or_default();
                Ok((self.cast_unknown(Expr::Const(Value::Text(text)), &ty, self.pos(ts.value.span))?, ty))
            }
            E::Interval(iv) => self.bind_interval(iv, ctx),
            E::Cast { expr, data_type, kind, .. } => {
                if matches!(kind, ast::CastKind::TryCast | ast::CastKind::SafeCast) {
                    return Err(SqlError::unsupported("TRY_CAST"));
                }
                let to = bind_type(data_type)?;
                self.bind_cast(expr, &to, ctx)
            }
            E::UnaryOp { op, expr } => self.bind_unary(op, expr, ctx),
            E::BinaryOp { left, op, right } => self.bind_binary(left, op, right, ctx),
            E::IsNull(x) | E::IsNotNull(x) => {
                let (inner, _) = self.bind_expr(x, ctx)?;
                Ok((Expr::IsNull { expr: Box::new(inner), negated: matches!(e, E::IsNotNull(_)) }, DataType::Bool))
            }
            E::IsTrue(x)
            | E::IsNotTrue(x)
            | E::IsFalse(x)
            | E::IsNotFalse(x)
            | E::IsUnknown(x)
            | E::IsNotUnknown(x) => {
                let inner = self.bind_bool(x, ctx)?;
                let (value, negated) = match e {
                    E::IsTrue(_) => (Some(true), false),
                    E::IsNotTrue(_) => (Some(true), true),
                    E::IsFalse(_) => (Some(false), false),
                    E::IsNotFalse(_) => (Some(false), true),
                    E::IsUnknown(_) => (None, false),
                    _ => (None, true),
                };
                Ok((Expr::IsBool { expr: Box::new(inner), value, negated }, DataType::Bool))
            }
            E::IsDistinctFrom(a, b) | E::IsNotDistinctFrom(a, b) => {
                let (l, r, _) = self.bind_comparison_pair(a, b, ctx)?;
                Ok((
                    Expr::IsDistinct {
                        left: Box::new(l),
                        right: Box::new(r),
                        negated: matches!(e, E::IsNotDistinctFrom(..)),
                    },
                    DataType::Bool,
                ))
            }
            E::Between { expr, negated, low, high } => {
                let ge = self.bind_binary(expr, &AstOp::GtEq, low, ctx)?.0;
                let le = self.bind_binary(expr, &AstOp::LtEq, high, ctx)?.0;
                let both = Expr::And(vec![ge, le]);
                Ok((if *negated { Expr::Not(Box::new(both)) } else { both }, DataType::Bool))
            }
            E::InList { expr, list, negated } => self.bind_in_list(expr, list, *negated, ctx),
            E::InSubquery { expr, subquery, negated } => {
                let (lhs, lty) = self.bind_expr(expr, ctx)?;
                let (plan, cols, uncorrelated) = self.bind_subquery(subquery, ctx.scope)?;
                if cols.len() != 1 {
                    use sqlparser::ast::Spanned;
                    let right = self.pos(subquery.span());
                    let pos = match (expr_pos(self, expr), right) {
                        (Some(l), Some(r)) => self.word_between(l, r, if *negated { "not" } else { "in" }),
                        _ => None,
                    };
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "subquery has too many columns").at(pos));
                }
                let resolved = functions::resolve_binary_op(BinaryOp::Eq, &lty, &cols[0])?;
                let lhs = self.coerce(lhs, &lty, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
                let plan = self.coerce_subquery_column(plan, &cols[0], &resolved.arg_types[1])?;
                Ok((
                    Expr::Subquery(Box::new(SubqueryExpr {
                        kind: SubqueryKind::In { expr: lhs, eq: resolved.imp, negated: *negated },
                        plan: Arc::new(plan),
                        uncorrelated,
                    })),
                    DataType::Bool,
                ))
            }
            E::Exists { subquery, negated } => {
                let (plan, _, uncorrelated) = self.bind_subquery(subquery, ctx.scope)?;
                Ok((
                    Expr::Subquery(Box::new(SubqueryExpr {
                        kind: SubqueryKind::Exists { negated: *negated },
                        plan: Arc::new(plan),
                        uncorrelated,
                    })),
                    DataType::Bool,
                ))
            }
            E::Subquery(q) => {
                let (plan, cols, uncorrelated) = self.bind_subquery(q, ctx.scope)?;
                if cols.len() != 1 {
                    // PostgreSQL points at the subquery's opening parenthesis.
                    let pos = expr_pos(self, e).map(|p| self.word_between(1, p, "(").unwrap_or(p));
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "subquery must return only one column").at(pos));
                }
                Ok((
                    Expr::Subquery(Box::new(SubqueryExpr {
                        kind: SubqueryKind::Scalar,
                        plan: Arc::new(plan),
                        uncorrelated,
                    })),
                    cols[0].clone(),
                ))
            }
            E::Like { negated, any, expr, pattern, escape_char }
            | E::ILike { negated, any, expr, pattern, escape_char } => {
                if *any {
                    return Err(SqlError::unsupported("LIKE ANY"));
                }
                let ilike = matches!(e, E::ILike { .. });
                let op = match (ilike, negated) {
                    (false, false) => BinaryOp::Like,
                    (false, true) => BinaryOp::NotLike,
                    (true, false) => BinaryOp::ILike,
                    (true, true) => BinaryOp::NotILike,
                };
                // As PostgreSQL does: `a LIKE p ESCAPE e` is `a ~~ like_escape(p, e)`.
                let left = self.bind_expr(expr, ctx)?;
                let pat = self.bind_expr(pattern, ctx)?;
                let pat = match escape_char {
                    Some(esc) => {
                        let esc = self.bind_expr(esc, ctx)?;
                        self.call_function("like_escape", vec![pat, esc], expr_pos(self, pattern))?
                    }
                    None => pat,
                };
                let word = if ilike { "ilike" } else { "like" };
                let pos = self.operator_pos(expr, pattern, word);
                self.apply_op(op, left, pat, pos, None)
            }
            E::SimilarTo { negated, expr, pattern, escape_char } => {
                // `a SIMILAR TO p [ESCAPE e]` is `a ~ similar_to_escape(p[, e])`.
                let left = self.bind_expr(expr, ctx)?;
                let mut args = vec![self.bind_expr(pattern, ctx)?];
                if let Some(esc) = escape_char {
                    args.push(self.bind_expr(esc, ctx)?);
                }
                let re = self.call_function("similar_to_escape", args, expr_pos(self, pattern))?;
                let op = if *negated { BinaryOp::RegexNotMatch } else { BinaryOp::RegexMatch };
                self.apply_op(op, left, re, expr_pos(self, expr), None)
            }
            E::RLike { .. } => Err(SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error at or near \"REGEXP\"")),
            E::AnyOp { left, compare_op, right, .. } => self.bind_quantified(left, compare_op, right, false, ctx),
            E::AllOp { left, compare_op, right } => self.bind_quantified(left, compare_op, right, true, ctx),
            E::Case { operand, conditions, else_result, .. } => {
                self.bind_case(operand.as_deref(), conditions, else_result.as_deref(), ctx)
            }
            E::Function(f) => self.bind_function(f, ctx),
            E::Extract { field, expr, .. } => {
                let field_name = match field {
                    ast::DateTimeField::Custom(id) => id.value.to_lowercase(),
                    other => other.to_string().to_lowercase(),
                };
                let (arg, ty) = self.bind_expr(expr, ctx)?;
                self.call_function(
                    "extract",
                    vec![(Expr::Const(Value::Text(field_name)), DataType::Text), (arg, ty)],
                    None,
                )
            }
            E::Ceil { expr, field } | E::Floor { expr, field } => {
                if !matches!(field, ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime)) {
                    return Err(SqlError::unsupported("CEIL/FLOOR with a field"));
                }
                let name = if matches!(e, E::Ceil { .. }) { "ceil" } else { "floor" };
                let arg = self.bind_expr(expr, ctx)?;
                self.call_function(name, vec![arg], None)
            }
            E::Position { expr, r#in } => {
                let needle = self.bind_expr(expr, ctx)?;
                let haystack = self.bind_expr(r#in, ctx)?;
                self.call_function("strpos", vec![haystack, needle], None)
            }
            E::Substring { expr, substring_from, substring_for, .. } => {
                let mut args = vec![self.bind_expr(expr, ctx)?];
                match substring_from {
                    Some(f) => args.push(self.bind_expr(f, ctx)?),
                    None => args.push((Expr::Const(Value::Int4(1)), DataType::Int4)),
                }
                if let Some(f) = substring_for {
                    args.push(self.bind_expr(f, ctx)?);
                }
                self.call_function("substring", args, None)
            }
            E::Trim { expr, trim_where, trim_what, trim_characters } => {
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                let mut args = vec![self.bind_expr(expr, ctx)?];
                if let Some(w) = trim_what {
                    args.push(self.bind_expr(w, ctx)?);
                }
                if let Some(chars) = trim_characters {
                    for c in chars {
                        args.push(self.bind_expr(c, ctx)?);
                    }
                }
                self.call_function(name, args, None)
            }
            E::Overlay { expr, overlay_what, overlay_from, overlay_for } => {
                let mut args = vec![
                    self.bind_expr(expr, ctx)?,
                    self.bind_expr(overlay_what, ctx)?,
                    self.bind_expr(overlay_from, ctx)?,
                ];
                if let Some(f) = overlay_for {
                    args.push(self.bind_expr(f, ctx)?);
                }
                self.call_function("overlay", args, None)
            }
            E::AtTimeZone { timestamp, time_zone } => {
                let ts = self.bind_expr(timestamp, ctx)?;
                let tz = self.bind_expr(time_zone, ctx)?;
                self.call_function("timezone", vec![tz, ts], None)
            }
            E::Collate { expr, collation } => {
                let name = collation.to_string().trim_matches('"').to_string();
                if !matches!(name.as_str(), "C" | "POSIX" | "default" | "pg_catalog.\"C\"" | "pg_catalog.default") {
                    return Err(SqlError::unsupported(format!("collation {name}")));
                }
                self.bind_expr(expr, ctx)
            }
            E::Array(arr) => self.bind_array(&arr.elem, ctx),
            E::CompoundFieldAccess { root, access_chain } => {
                let mut current = match (root.as_ref(), access_chain.first()) {
                    (ast::Expr::Identifier(q), Some(ast::AccessExpr::Dot(ast::Expr::Identifier(c)))) => {
                        let r =
                            self.bind_column(Some(&normalize_ident(q)), &normalize_ident(c), ctx, self.pos(c.span))?;
                        (r, 1)
                    }
                    _ => (self.bind_expr(root, ctx)?, 0),
                };
                for access in &access_chain[current.1..] {
                    match access {
                        ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                            let (arr, ty) = current.0;
                            let Some(elem) = ty.element().cloned() else {
                                return Err(SqlError::new(
                                    sqlstate::DATATYPE_MISMATCH,
                                    format!("cannot subscript type {ty} because it does not support subscripting"),
                                ));
                            };
                            let idx = self.bind_expr_as(index, ctx, &DataType::Int4, CoercionContext::Implicit)?;
                            current = ((Expr::Subscript { array: Box::new(arr), index: Box::new(idx) }, elem), 0);
                        }
                        ast::AccessExpr::Subscript(ast::Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride: None,
                        }) => {
                            let (arr, ty) = current.0;
                            if ty.element().is_none() {
                                return Err(SqlError::new(
                                    sqlstate::DATATYPE_MISMATCH,
                                    format!("cannot subscript type {ty} because it does not support subscripting"),
                                ));
                            }
                            // An omitted bound is the array's end; an explicit NULL makes the
                            // result NULL (the call is strict).
                            let mut bound = |b: &Option<ast::Expr>, open: i32| match b {
                                Some(e) => self.bind_expr_as(e, ctx, &DataType::Int4, CoercionContext::Implicit),
                                None => Ok(Expr::Const(Value::Int4(open))),
                            };
                            let lower = bound(lower_bound, 1)?;
                            let upper = bound(upper_bound, i32::MAX)?;
                            let slice = Expr::Call {
                                name: "array slice".into(),
                                func: crate::functions::scalar::array_slice,
                                args: vec![arr, lower, upper],
                                strict: true,
                            };
                            current = ((slice, ty), 0);
                        }
                        _ => return Err(SqlError::unsupported("this field access or array slice")),
                    }
                }
                Ok(current.0)
            }
            E::Tuple(_) => Err(SqlError::unsupported("row constructors")),
            E::Wildcard(_) | E::QualifiedWildcard(..) => {
                Err(SqlError::new(sqlstate::SYNTAX_ERROR, "\"*\" is not allowed here"))
            }
            E::GroupingSets(_) | E::Cube(_) | E::Rollup(_) => {
                Err(SqlError::unsupported("GROUPING SETS, CUBE and ROLLUP"))
            }
            other => Err(SqlError::unsupported(format!("the expression {other}"))),
        }
    }

    /// Binds `e` and coerces it to `target`.
    pub(crate) fn bind_expr_as(
        &mut self,
        e: &ast::Expr,
        ctx: Ctx<'_>,
        target: &DataType,
        coercion: CoercionContext,
    ) -> Result<Expr> {
        let (expr, mut ty) = self.bind_expr(e, ctx)?;
        if let Expr::Param(n) = expr {
            self.set_param_type(n, target);
            match self.params.get(n).cloned().flatten() {
                Some(param) if param == *target => return Ok(Expr::Param(n)),
                // The parameter took the target's type without its modifier: the value is
                // coerced to the modifier (length, scale) like a literal would be.
                Some(param) => ty = param,
                None => {}
            }
        }
        self.coerce(expr, &ty, target, coercion, expr_pos(self, e))
    }

    /// Binds a condition (WHERE, ON, HAVING, CASE WHEN): it must be boolean (42804).
    pub(crate) fn bind_bool(&mut self, e: &ast::Expr, ctx: Ctx<'_>) -> Result<Expr> {
        let (expr, ty) = self.bind_expr(e, ctx)?;
        match ty {
            DataType::Bool => Ok(expr),
            DataType::Unknown => {
                if let Expr::Param(n) = expr {
                    self.set_param_type(n, &DataType::Bool);
                    return Ok(expr);
                }
                self.cast_unknown(expr, &DataType::Bool, expr_pos(self, e))
            }
            other => Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                format!("argument of {} must be type boolean, not type {other}", ctx.clause),
            )
            .at(expr_pos(self, e))),
        }
    }

    /// Inserts a cast from `from` to `to`, or fails with 42804/42846 when PostgreSQL would.
    pub(crate) fn coerce(
        &mut self,
        expr: Expr,
        from: &DataType,
        to: &DataType,
        ctx: CoercionContext,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if from == to || (*to == DataType::Unknown) {
            return Ok(expr);
        }
        if *from == DataType::Unknown {
            self.check_literal(&expr, to, pos)?;
        }
        if let Expr::Param(n) = expr {
            if *from == DataType::Unknown {
                self.set_param_type(n, to);
                return Ok(Expr::Param(n));
            }
        }
        if from.without_modifier() == to.without_modifier() && ctx == CoercionContext::Implicit {
            return Ok(expr);
        }
        if !can_coerce(from, to, ctx) {
            let msg = match ctx {
                CoercionContext::Explicit => format!("cannot cast type {from} to {to}"),
                _ => format!("column is of type {to} but expression is of type {from}"),
            };
            let code =
                if ctx == CoercionContext::Explicit { sqlstate::CANNOT_COERCE } else { sqlstate::DATATYPE_MISMATCH };
            return Err(SqlError::new(code, msg).at(pos).hint_if(ctx == CoercionContext::Assignment));
        }
        Ok(Expr::Cast { expr: Box::new(expr), from: from.clone(), to: to.clone(), ctx })
    }

    /// A cast of an untyped value (evaluated when the statement runs, with the session's
    /// settings).
    pub(crate) fn cast_unknown(&self, expr: Expr, to: &DataType, pos: Option<u32>) -> Result<Expr> {
        self.check_literal(&expr, to, pos)?;
        Ok(Expr::Cast { expr: Box::new(expr), from: DataType::Unknown, to: to.clone(), ctx: CoercionContext::Explicit })
    }

    fn bind_column(
        &mut self,
        qualifier: Option<&str>,
        name: &str,
        ctx: Ctx<'_>,
        pos: Option<u32>,
    ) -> Result<(Expr, DataType)> {
        if let Some(i) = ctx.scope.find(qualifier, name).map_err(|e| e.at(pos))? {
            return Ok((Expr::Column(i), ctx.scope.columns[i].ty.clone()));
        }
        for level in 1..=self.outer.len() {
            let scope = &self.outer[self.outer.len() - level];
            if let Some(i) = scope.find(qualifier, name).map_err(|e| e.at(pos))? {
                let ty = scope.columns[i].ty.clone();
                let depth = self.correlated.len() - level;
                self.correlated[depth] = true;
                return Ok((Expr::Outer { level, index: i }, ty));
            }
        }
        let err = match qualifier {
            Some(q) if !ctx.scope.has_qualifier(q) && !self.outer.iter().any(|s| s.has_qualifier(q)) => {
                SqlError::new(sqlstate::UNDEFINED_TABLE, format!("missing FROM-clause entry for table \"{q}\""))
            }
            Some(q) => SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column {q}.{name} does not exist")),
            None => SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{name}\" does not exist")),
        };
        Err(err.at(pos))
    }

    fn bind_literal(&mut self, v: &ast::Value, pos: Option<u32>) -> Result<(Expr, DataType)> {
        use ast::Value as V;
        Ok(match v {
            V::Number(text, _) => {
                let clean = text.replace('_', "");
                if let Ok(i) = clean.parse::<i32>() {
                    (Expr::Const(Value::Int4(i)), DataType::Int4)
                } else if let Ok(i) = clean.parse::<i64>() {
                    (Expr::Const(Value::Int8(i)), DataType::Int8)
                } else {
                    let n = crate::types::text::parse_text(&clean, &DataType::Numeric(None), &Default::default())
                        .map_err(|e| e.at(pos))?;
                    (Expr::Const(n), DataType::Numeric(None))
                }
            }
            V::SingleQuotedString(s)
            | V::EscapedStringLiteral(s)
            | V::UnicodeStringLiteral(s)
            | V::NationalStringLiteral(s) => self.string_literal(s.clone(), pos),
            V::DollarQuotedString(d) => self.string_literal(d.value.clone(), pos),
            V::HexStringLiteral(_) | V::SingleQuotedByteStringLiteral(_) => {
                return Err(SqlError::unsupported("bit-string literals"));
            }
            V::Boolean(b) => (Expr::Const(Value::Bool(*b)), DataType::Bool),
            V::Null => (Expr::Const(Value::Null), DataType::Unknown),
            V::Placeholder(p) => {
                let n: usize =
                    p.strip_prefix('$').and_then(|d| d.parse().ok()).filter(|n| *n >= 1).ok_or_else(|| {
                        SqlError::new(sqlstate::SYNTAX_ERROR, format!("syntax error at or near \"{p}\"")).at(pos)
                    })?;
                if n > 65535 {
                    return Err(
                        SqlError::new(sqlstate::UNDEFINED_PARAMETER, format!("there is no parameter ${n}")).at(pos)
                    );
                }
                if self.params.len() < n {
                    self.params.resize(n, None);
                }
                self.used_params.insert(n - 1);
                let ty = self.params[n - 1].clone().unwrap_or(DataType::Unknown);
                (Expr::Param(n - 1), ty)
            }
            V::DoubleQuotedString(s) => {
                return Err(SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{s}\" does not exist")).at(pos));
            }
            other => return Err(SqlError::unsupported(format!("the literal {other}"))),
        })
    }

    /// An untyped string literal, remembered with its position.
    fn string_literal(&mut self, s: String, pos: Option<u32>) -> (Expr, DataType) {
        if let Some(p) = pos {
            self.literals.push((s.clone(), p));
        }
        (Expr::Const(Value::Text(s)), DataType::Unknown)
    }

    /// Checks that an untyped literal is valid input for `to`, as PostgreSQL does when it
    /// coerces a literal while parsing: `CASE WHEN false THEN 'x'::int END` and an UPDATE
    /// that matches no row still fail, pointing at the literal. The conversion itself still
    /// happens when the statement runs (its result may depend on settings such as TimeZone).
    fn check_literal(&self, expr: &Expr, to: &DataType, pos: Option<u32>) -> Result<()> {
        let Expr::Const(Value::Text(s)) = expr else { return Ok(()) };
        if matches!(
            to,
            DataType::Unknown | DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace
        ) {
            return Ok(());
        }
        crate::types::text::parse_text(s, &to.without_modifier(), &self.text).map(|_| ()).map_err(|e| {
            let at = pos.or_else(|| self.literals.iter().find(|(t, _)| t == s).map(|(_, p)| *p));
            e.at(at)
        })
    }

    fn bind_interval(&mut self, iv: &ast::Interval, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        let (value, ty) = self.bind_expr(&iv.value, ctx)?;
        let value = match (&iv.leading_field, &value) {
            (Some(field), Expr::Const(Value::Text(s))) if iv.last_field.is_none() => {
                Expr::Const(Value::Text(format!("{s} {}", field.to_string().to_lowercase())))
            }
            _ => value,
        };
        if ty == DataType::Unknown || ty.is_string() {
            return Ok((self.cast_unknown(value, &DataType::Interval, expr_pos(self, &iv.value))?, DataType::Interval));
        }
        Ok((self.coerce(value, &ty, &DataType::Interval, CoercionContext::Explicit, None)?, DataType::Interval))
    }

    fn bind_cast(&mut self, inner: &ast::Expr, to: &DataType, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        // A number cast to a float is read as one: `1e300::float8` is beyond what Tandem's
        // numeric holds, but not beyond double precision.
        if matches!(to, DataType::Float4 | DataType::Float8) {
            let literal = match inner {
                ast::Expr::Value(v) => Some((String::new(), v)),
                ast::Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
                    ast::Expr::Value(v) => Some(("-".to_string(), v)),
                    _ => None,
                },
                _ => None,
            };
            if let Some((sign, v)) = literal {
                if let ast::Value::Number(n, _) = &v.value {
                    let text = format!("{sign}{}", n.replace('_', ""));
                    let value =
                        crate::types::text::parse_text(&text, to, &self.text).map_err(|e| e.at(self.pos(v.span)))?;
                    return Ok((Expr::Const(value), to.clone()));
                }
            }
        }
        let (expr, from) = self.bind_expr(inner, ctx)?;
        // Names to OIDs for the reg* types, resolved now (the catalog is fixed for the statement).
        if matches!(to, DataType::RegClass | DataType::RegType | DataType::RegNamespace | DataType::RegProc)
            && (from == DataType::Unknown || from.is_string())
        {
            if let Expr::Const(Value::Text(name)) = &expr {
                let oid = self.resolve_reg(to, name).map_err(|e| e.at(expr_pos(self, inner)))?;
                return Ok((Expr::Const(Value::Oid(oid)), to.clone()));
            }
            return Ok((
                Expr::Special {
                    func: Special::Catalog(crate::pg_catalog::functions::CatalogFn::TextToReg(to.clone())),
                    args: vec![expr],
                },
                to.clone(),
            ));
        }
        if matches!(from, DataType::RegClass | DataType::RegType | DataType::RegNamespace | DataType::RegProc)
            && to.is_string()
        {
            let named = Expr::Special {
                func: Special::Catalog(crate::pg_catalog::functions::CatalogFn::RegToText(from.clone())),
                args: vec![expr],
            };
            return Ok((self.coerce(named, &DataType::Text, to, CoercionContext::Explicit, None)?, to.clone()));
        }
        if let Expr::Param(n) = expr {
            if from == DataType::Unknown {
                self.set_param_type(n, to);
                return Ok((Expr::Param(n), to.clone()));
            }
        }
        if from == *to {
            return Ok((expr, from));
        }
        Ok((self.coerce(expr, &from, to, CoercionContext::Explicit, expr_pos(self, inner))?, to.clone()))
    }

    /// Coerces a catalog function's argument; a name given for a `reg*` parameter is looked up
    /// (now when it is a constant, else when evaluated), as PostgreSQL's `regclassin` would.
    fn coerce_to_reg(&mut self, e: Expr, from: &DataType, to: &DataType) -> Result<Expr> {
        let reg = matches!(to, DataType::RegClass | DataType::RegType | DataType::RegNamespace | DataType::RegProc);
        if !reg || !(from.is_string() || *from == DataType::Unknown) {
            return self.coerce(e, from, to, CoercionContext::Implicit, None);
        }
        Ok(match e {
            Expr::Const(Value::Text(name)) => Expr::Const(Value::Oid(self.resolve_reg(to, &name)?)),
            other => Expr::Special {
                func: Special::Catalog(crate::pg_catalog::functions::CatalogFn::TextToReg(to.clone())),
                args: vec![self.coerce(other, from, &DataType::Text, CoercionContext::Implicit, None)?],
            },
        })
    }

    /// Resolves a name to an OID for a `::regclass`-style cast.
    pub(crate) fn resolve_reg(&self, ty: &DataType, name: &str) -> Result<u32> {
        if let Ok(oid) = name.trim().parse::<u32>() {
            return Ok(oid);
        }
        match ty {
            DataType::RegClass => {
                let parsed = crate::sql_parse::parse_object_name(name)?;
                // The name's spans are within the string, not the statement.
                self.resolve_relation(&parsed).map(|rel| rel.oid()).map_err(|e| SqlError { position: None, ..e })
            }
            DataType::RegType => {
                let ty = crate::sql_parse::parse_type_name(name)?;
                Ok(ty.oid())
            }
            DataType::RegNamespace => self
                .catalog
                .schema_oid(name)
                .ok_or_else(|| SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("schema \"{name}\" does not exist"))),
            _ => crate::pg_catalog::functions::proc_oid(name).ok_or_else(|| {
                SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("function \"{name}\" does not exist"))
            }),
        }
    }

    fn bind_unary(&mut self, op: &UnaryOperator, inner: &ast::Expr, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        if *op == UnaryOperator::Not {
            let b = self.bind_bool(inner, Ctx { clause: "NOT", ..ctx })?;
            return Ok((Expr::Not(Box::new(b)), DataType::Bool));
        }
        // PostgreSQL's unary minus binds tighter than `^` (`-2 ^ 2` is 4); the parser reads
        // `-(2 ^ 2)`, so move the sign onto the left operand (explicit parentheses stay a
        // `Nested` node and are not touched).
        if matches!(op, UnaryOperator::Minus | UnaryOperator::Plus) {
            if let ast::Expr::BinaryOp { left, op: AstOp::PGExp, right } = inner {
                let signed = ast::Expr::UnaryOp { op: *op, expr: left.clone() };
                return self.bind_binary(&signed, &AstOp::PGExp, right, ctx);
            }
        }
        // Fold `-<number>` so that `-2147483648` is an integer, as in PostgreSQL.
        if *op == UnaryOperator::Minus {
            if let ast::Expr::Value(v) = inner {
                if let ast::Value::Number(n, _) = &v.value {
                    return self.bind_literal(&ast::Value::Number(format!("-{n}"), false), self.pos(v.span));
                }
            }
        }
        let uop = match op {
            UnaryOperator::Minus => UnaryOp::Neg,
            UnaryOperator::Plus => UnaryOp::Plus,
            UnaryOperator::BitwiseNot => UnaryOp::BitNot,
            UnaryOperator::PGAbs => UnaryOp::Abs,
            UnaryOperator::PGSquareRoot => UnaryOp::Sqrt,
            UnaryOperator::PGCubeRoot => UnaryOp::Cbrt,
            other => return Err(SqlError::unsupported(format!("the operator {other}"))),
        };
        let (arg, ty) = self.bind_expr(inner, ctx)?;
        let resolved = functions::resolve_unary_op(uop, &ty).map_err(|e| e.at(expr_pos(self, inner)))?;
        let arg = self.coerce(arg, &ty, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
        Ok((
            Expr::Call { name: format!("{op}"), func: resolved.imp, args: vec![arg], strict: resolved.strict },
            resolved.ret,
        ))
    }

    fn bind_binary(
        &mut self,
        left: &ast::Expr,
        op: &AstOp,
        right: &ast::Expr,
        ctx: Ctx<'_>,
    ) -> Result<(Expr, DataType)> {
        match op {
            AstOp::And | AstOp::Or => {
                let clause = if *op == AstOp::And { "AND" } else { "OR" };
                let l = self.bind_bool(left, Ctx { clause, ..ctx })?;
                let r = self.bind_bool(right, Ctx { clause, ..ctx })?;
                let flatten = |e: Expr, out: &mut Vec<Expr>| match (e, op) {
                    (Expr::And(v), AstOp::And) | (Expr::Or(v), AstOp::Or) => out.extend(v),
                    (e, _) => out.push(e),
                };
                let mut parts = Vec::new();
                flatten(l, &mut parts);
                flatten(r, &mut parts);
                Ok((if *op == AstOp::And { Expr::And(parts) } else { Expr::Or(parts) }, DataType::Bool))
            }
            AstOp::Xor
            | AstOp::Spaceship
            | AstOp::MyIntegerDivide
            | AstOp::DuckIntegerDivide
            | AstOp::Regexp
            | AstOp::Glob => Err(SqlError::new(sqlstate::SYNTAX_ERROR, format!("syntax error at or near \"{op}\""))),
            _ => {
                let bop = map_binary(op).ok_or_else(|| SqlError::unsupported(format!("the operator {op}")))?;
                let l = self.bind_expr(left, ctx)?;
                let r = self.bind_expr(right, ctx)?;
                let pos = self.operator_pos(left, right, &op.to_string());
                self.apply_op(bop, l, r, pos, Some(op.to_string()))
            }
        }
    }

    fn bind_op(
        &mut self,
        op: BinaryOp,
        left: &ast::Expr,
        right: &ast::Expr,
        ctx: Ctx<'_>,
        name: Option<String>,
    ) -> Result<(Expr, DataType)> {
        let l = self.bind_expr(left, ctx)?;
        let r = self.bind_expr(right, ctx)?;
        self.apply_op(op, l, r, expr_pos(self, left), name)
    }

    /// Where the operator between `left` and `right` is written (the last occurrence of its
    /// text between the operands' starts), as PostgreSQL points at the operator when it has
    /// none for the types; the left operand's position when it cannot be found.
    fn operator_pos(&self, left: &ast::Expr, right: &ast::Expr, op: &str) -> Option<u32> {
        let (l, r) = (expr_pos(self, left)?, expr_pos(self, right)?);
        Some(self.word_between(l, r, op).unwrap_or(l))
    }

    /// The position of the last `word` (case-insensitive) in the text from position `from` up
    /// to (not including) position `to`.
    fn word_between(&self, from: u32, to: u32, word: &str) -> Option<u32> {
        let between: String =
            self.sql().chars().skip(from as usize - 1).take((to as usize).saturating_sub(from as usize)).collect();
        let byte = between.to_ascii_lowercase().rfind(&word.to_ascii_lowercase())?;
        Some(from + between[..byte].chars().count() as u32)
    }

    /// Resolves `op` for bound operands and coerces them to the operator's argument types.
    fn apply_op(
        &mut self,
        op: BinaryOp,
        (l, lt): (Expr, DataType),
        (r, rt): (Expr, DataType),
        pos: Option<u32>,
        name: Option<String>,
    ) -> Result<(Expr, DataType)> {
        let resolved = functions::resolve_binary_op(op, &lt, &rt).map_err(|e| e.at(pos))?;
        let l = self.coerce(l, &lt, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
        let r = self.coerce(r, &rt, &resolved.arg_types[1], CoercionContext::Implicit, None)?;
        Ok((
            Expr::Call {
                name: name.unwrap_or_else(|| format!("{op:?}")),
                func: resolved.imp,
                args: vec![l, r],
                strict: resolved.strict,
            },
            resolved.ret,
        ))
    }

    /// Binds `a` and `b` for a comparison: both coerced to the equality operator's types.
    fn bind_comparison_pair(
        &mut self,
        a: &ast::Expr,
        b: &ast::Expr,
        ctx: Ctx<'_>,
    ) -> Result<(Expr, Expr, crate::functions::Resolved)> {
        let (l, lt) = self.bind_expr(a, ctx)?;
        let (r, rt) = self.bind_expr(b, ctx)?;
        let resolved = functions::resolve_binary_op(BinaryOp::Eq, &lt, &rt).map_err(|e| e.at(expr_pos(self, a)))?;
        let l = self.coerce(l, &lt, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
        let r = self.coerce(r, &rt, &resolved.arg_types[1], CoercionContext::Implicit, None)?;
        Ok((l, r, resolved))
    }

    fn bind_in_list(
        &mut self,
        e: &ast::Expr,
        list: &[ast::Expr],
        negated: bool,
        ctx: Ctx<'_>,
    ) -> Result<(Expr, DataType)> {
        let (lhs, lt) = self.bind_expr(e, ctx)?;
        let mut items = Vec::with_capacity(list.len());
        for item in list {
            items.push(self.bind_expr(item, ctx)?);
        }
        let mut types: Vec<DataType> = vec![lt.clone()];
        types.extend(items.iter().map(|(_, t)| t.clone()));
        let common = self.common_type(&types, "IN")?;
        let resolved = functions::resolve_binary_op(BinaryOp::Eq, &common, &common)?;
        let target = resolved.arg_types[0].clone();
        let lhs = self.coerce(lhs, &lt, &target, CoercionContext::Implicit, expr_pos(self, e))?;
        let list = items
            .into_iter()
            .map(|(x, t)| self.coerce(x, &t, &target, CoercionContext::Implicit, None))
            .collect::<Result<Vec<_>>>()?;
        Ok((Expr::InList { expr: Box::new(lhs), list, eq: resolved.imp, negated }, DataType::Bool))
    }

    fn bind_quantified(
        &mut self,
        left: &ast::Expr,
        op: &AstOp,
        right: &ast::Expr,
        all: bool,
        ctx: Ctx<'_>,
    ) -> Result<(Expr, DataType)> {
        let bop = map_binary(op).ok_or_else(|| SqlError::unsupported(format!("the operator {op} with ANY/ALL")))?;
        let (l, lt) = self.bind_expr(left, ctx)?;
        let subquery = match right {
            ast::Expr::Subquery(q) => Some(q),
            ast::Expr::Nested(inner) => match inner.as_ref() {
                ast::Expr::Subquery(q) => Some(q),
                _ => None,
            },
            _ => None,
        };
        if let Some(q) = subquery {
            let (plan, cols, uncorrelated) = self.bind_subquery(q, ctx.scope)?;
            if cols.len() != 1 {
                return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "subquery has too many columns"));
            }
            let resolved = functions::resolve_binary_op(bop, &lt, &cols[0])?;
            let l = self.coerce(l, &lt, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
            let plan = self.coerce_subquery_column(plan, &cols[0], &resolved.arg_types[1])?;
            return Ok((
                Expr::Subquery(Box::new(SubqueryExpr {
                    kind: SubqueryKind::Quantified { expr: l, op: resolved.imp, all },
                    plan: Arc::new(plan),
                    uncorrelated,
                })),
                DataType::Bool,
            ));
        }
        let (arr, at) = self.bind_expr(right, ctx)?;
        let elem = match &at {
            DataType::Array(e) => (**e).clone(),
            DataType::Unknown => lt.clone(),
            other => {
                return Err(SqlError::new(
                    sqlstate::DATATYPE_MISMATCH,
                    format!("op ANY/ALL (array) requires array on right side, not {other}"),
                ))
            }
        };
        let resolved = functions::resolve_binary_op(bop, &lt, &elem)?;
        if resolved.ret != DataType::Bool {
            return Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                "op ANY/ALL (array) requires operator to yield boolean",
            ));
        }
        let l = self.coerce(l, &lt, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
        let arr_target = DataType::Array(Box::new(resolved.arg_types[1].clone()));
        let arr = self.coerce(arr, &at, &arr_target, CoercionContext::Implicit, None)?;
        Ok((
            Expr::AnyAll { left: Box::new(l), array: Box::new(arr), op: resolved.imp, name: op.to_string(), all },
            DataType::Bool,
        ))
    }

    fn bind_case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        else_result: Option<&ast::Expr>,
        ctx: Ctx<'_>,
    ) -> Result<(Expr, DataType)> {
        let mut conds = Vec::new();
        for w in conditions {
            let cond = match operand {
                Some(op) => self.bind_op(BinaryOp::Eq, op, &w.condition, ctx, Some("=".into()))?.0,
                None => self.bind_bool(&w.condition, Ctx { clause: "CASE/WHEN", ..ctx })?,
            };
            conds.push(cond);
        }
        let mut results = Vec::new();
        for w in conditions {
            results.push(self.bind_expr(&w.result, ctx)?);
        }
        let otherwise = match else_result {
            Some(e) => Some(self.bind_expr(e, ctx)?),
            None => None,
        };
        let mut types: Vec<DataType> = results.iter().map(|(_, t)| t.clone()).collect();
        if let Some((_, t)) = &otherwise {
            types.push(t.clone());
        }
        let ty = self.common_type(&types, "CASE")?;
        let mut whens = Vec::new();
        for (c, (r, rt)) in conds.into_iter().zip(results) {
            whens.push((c, self.coerce(r, &rt, &ty, CoercionContext::Implicit, None)?));
        }
        let otherwise = match otherwise {
            Some((e, t)) => Some(Box::new(self.coerce(e, &t, &ty, CoercionContext::Implicit, None)?)),
            None => None,
        };
        Ok((Expr::Case { whens, otherwise }, ty))
    }

    fn bind_array(&mut self, elems: &[ast::Expr], ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        let mut items = Vec::new();
        for e in elems {
            items.push(self.bind_expr(e, ctx)?);
        }
        if items.iter().any(|(_, t)| matches!(t, DataType::Array(_))) {
            return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "multidimensional arrays are not supported"));
        }
        let types: Vec<DataType> = items.iter().map(|(_, t)| t.clone()).collect();
        let elem = if types.is_empty() { DataType::Unknown } else { self.common_type(&types, "ARRAY")? };
        let elem = if elem == DataType::Unknown && !types.is_empty() { DataType::Text } else { elem };
        let items = items
            .into_iter()
            .map(|(e, t)| self.coerce(e, &t, &elem, CoercionContext::Implicit, None))
            .collect::<Result<Vec<_>>>()?;
        Ok((Expr::Array(items), DataType::Array(Box::new(elem))))
    }

    /// PostgreSQL's common type resolution for UNION, CASE, IN, ARRAY, COALESCE: untyped values
    /// take the type of the others; otherwise the type every other converts to implicitly
    /// (preferring the category's preferred type).
    pub(crate) fn common_type(&self, types: &[DataType], context: &str) -> Result<DataType> {
        let mut result: Option<DataType> = None;
        for t in types.iter().filter(|t| **t != DataType::Unknown) {
            result = Some(match result {
                None => t.clone(),
                Some(r) if r.without_modifier() == t.without_modifier() => {
                    if r == *t {
                        r
                    } else {
                        r.without_modifier()
                    }
                }
                Some(r) => {
                    let r_to_t = can_coerce(&r, t, CoercionContext::Implicit);
                    let t_to_r = can_coerce(t, &r, CoercionContext::Implicit);
                    if r_to_t && (!t_to_r || t.is_preferred()) {
                        t.clone()
                    } else if t_to_r {
                        r
                    } else {
                        return Err(SqlError::new(
                            sqlstate::DATATYPE_MISMATCH,
                            format!("{context} types {r} and {t} cannot be matched"),
                        ));
                    }
                }
            });
        }
        Ok(result.unwrap_or(DataType::Text))
    }

    fn bind_niladic(&mut self, name: &str) -> Result<(Expr, DataType)> {
        let fname = match name {
            "current_role" | "session_user" | "user" => "current_user",
            "current_catalog" => "current_database",
            other => other,
        };
        self.call_function(fname, vec![], None)
    }

    /// Resolves and calls a scalar function with bound arguments.
    pub(crate) fn call_function(
        &mut self,
        name: &str,
        args: Vec<(Expr, DataType)>,
        pos: Option<u32>,
    ) -> Result<(Expr, DataType)> {
        let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
        let resolved = functions::resolve_function(name, &types).map_err(|e| e.at(pos))?;
        let mut coerced = Vec::with_capacity(args.len());
        for ((e, t), target) in args.into_iter().zip(&resolved.arg_types) {
            coerced.push(self.coerce(e, &t, target, CoercionContext::Implicit, None)?);
        }
        Ok((
            Expr::Call { name: name.to_string(), func: resolved.imp, args: coerced, strict: resolved.strict },
            resolved.ret,
        ))
    }

    pub(crate) fn function_args(&mut self, f: &ast::Function, ctx: Ctx<'_>) -> Result<Vec<(Expr, DataType)>> {
        let list = match &f.args {
            FunctionArguments::None => return Ok(vec![]),
            FunctionArguments::Subquery(_) => return Err(SqlError::unsupported("a subquery as function arguments")),
            FunctionArguments::List(l) => l,
        };
        if !list.clauses.is_empty() || list.duplicate_treatment.is_some() {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("DISTINCT or ORDER BY specified, but {} is not an aggregate function", function_name(&f.name)),
            ));
        }
        let name = function_name(&f.name);
        let params = named_parameters(&name);
        let mut out: Vec<Option<(Expr, DataType)>> = Vec::new();
        let mut named = false;
        for a in &list.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    if named {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            "positional argument cannot follow named argument",
                        )
                        .at(expr_pos(self, e)));
                    }
                    out.push(Some(self.bind_expr(e, ctx)?));
                }
                FunctionArg::Named { name: arg_name, arg: FunctionArgExpr::Expr(e), .. }
                | FunctionArg::ExprNamed {
                    name: ast::Expr::Identifier(arg_name), arg: FunctionArgExpr::Expr(e), ..
                } => {
                    // `make_interval(days => 3)`: the argument goes to its parameter's place.
                    named = true;
                    let n = normalize_ident(arg_name);
                    let Some(i) = params.and_then(|p| p.iter().position(|x| *x == n)) else {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_FUNCTION,
                            format!("function {name} has no parameter named \"{n}\""),
                        )
                        .at(self.pos(arg_name.span)));
                    };
                    if out.len() <= i {
                        out.resize(i + 1, None);
                    }
                    if out[i].is_some() {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            format!("argument name \"{n}\" used more than once"),
                        )
                        .at(self.pos(arg_name.span)));
                    }
                    out[i] = Some(self.bind_expr(e, ctx)?);
                }
                _ => return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "\"*\" is not allowed here")),
            }
        }
        // Parameters skipped by name take their defaults.
        Ok(out.into_iter().map(|a| a.unwrap_or((Expr::Const(Value::Int4(0)), DataType::Int4))).collect())
    }

    fn bind_function(&mut self, f: &ast::Function, ctx: Ctx<'_>) -> Result<(Expr, DataType)> {
        let name = function_name(&f.name);
        let pos = f.name.0.first().and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span));
        if f.over.is_some() {
            // A window call of the select list reads the column the window node computed.
            if let Some((_, column, ty)) = self.window_slots.iter().find(|(w, ..)| w == f) {
                return Ok((Expr::Column(*column), ty.clone()));
            }
            return Err(SqlError::new(
                sqlstate::WINDOWING_ERROR,
                format!("window functions are not allowed in {}", ctx.clause),
            )
            .at(pos));
        }
        if is_aggregate_name(&name) {
            return Err(SqlError::new(
                sqlstate::GROUPING_ERROR,
                format!("aggregate functions are not allowed in {}", ctx.clause),
            )
            .at(pos));
        }
        if name == "array" {
            if let FunctionArguments::Subquery(q) = &f.args {
                let (plan, cols, uncorrelated) = self.bind_subquery(q, ctx.scope)?;
                if cols.len() != 1 {
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "subquery must return only one column"));
                }
                return Ok((
                    Expr::Subquery(Box::new(SubqueryExpr {
                        kind: SubqueryKind::Array,
                        plan: Arc::new(plan),
                        uncorrelated,
                    })),
                    DataType::Array(Box::new(cols[0].clone())),
                ));
            }
        }
        let args = self.function_args(f, ctx)?;
        match name.as_str() {
            "coalesce" | "greatest" | "least" => {
                if args.is_empty() {
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error at or near \")\"").at(pos));
                }
                let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
                let ty = self.common_type(&types, &name.to_uppercase())?;
                let args = args
                    .into_iter()
                    .map(|(e, t)| self.coerce(e, &t, &ty, CoercionContext::Implicit, None))
                    .collect::<Result<Vec<_>>>()?;
                let expr = match name.as_str() {
                    "coalesce" => Expr::Coalesce(args),
                    least => Expr::Extreme { args, least: least == "least" },
                };
                Ok((expr, ty))
            }
            "nullif" => {
                let [(a, at), (b, bt)]: [(Expr, DataType); 2] = args.try_into().map_err(|_| {
                    SqlError::new(sqlstate::UNDEFINED_FUNCTION, "function nullif requires two arguments")
                })?;
                let resolved = functions::resolve_binary_op(BinaryOp::Eq, &at, &bt)?;
                let ty = resolved.arg_types[0].clone();
                let a = self.coerce(a, &at, &ty, CoercionContext::Implicit, None)?;
                let b = self.coerce(b, &bt, &resolved.arg_types[1], CoercionContext::Implicit, None)?;
                Ok((Expr::NullIf { left: Box::new(a), right: Box::new(b), eq: resolved.imp }, ty))
            }
            "nextval" | "currval" | "setval" => {
                let func = match name.as_str() {
                    "nextval" => Special::Nextval,
                    "currval" => Special::Currval,
                    _ => Special::Setval,
                };
                let mut bound = Vec::new();
                for (i, (e, t)) in args.into_iter().enumerate() {
                    let target = match i {
                        0 => DataType::RegClass,
                        1 => DataType::Int8,
                        _ => DataType::Bool,
                    };
                    let e = if i == 0 {
                        match e {
                            Expr::Const(Value::Text(n)) => Expr::Const(Value::Oid(
                                self.resolve_reg(&DataType::RegClass, &n).map_err(|e| e.at(arg_pos(self, f, 0)))?,
                            )),
                            other if t == DataType::RegClass || t == DataType::Oid => other,
                            other => Expr::Special {
                                func: Special::Catalog(crate::pg_catalog::functions::CatalogFn::TextToReg(
                                    DataType::RegClass,
                                )),
                                args: vec![self.coerce(other, &t, &DataType::Text, CoercionContext::Implicit, None)?],
                            },
                        }
                    } else {
                        self.coerce(e, &t, &target, CoercionContext::Implicit, None)?
                    };
                    bound.push(e);
                }
                let ok = match func {
                    Special::Setval => bound.len() == 2 || bound.len() == 3,
                    _ => bound.len() == 1,
                };
                if !ok {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_FUNCTION,
                        format!("function {name} has wrong arguments"),
                    )
                    .at(pos));
                }
                Ok((Expr::Special { func, args: bound }, DataType::Int8))
            }
            "lastval" => Ok((Expr::Special { func: Special::Lastval, args: vec![] }, DataType::Int8)),
            "version" => Ok((Expr::Special { func: Special::Version, args: vec![] }, DataType::Text)),
            "pg_backend_pid" => Ok((Expr::Special { func: Special::BackendPid, args: vec![] }, DataType::Int4)),
            "pg_typeof" => {
                let [(_, t)]: [(Expr, DataType); 1] = args.try_into().map_err(|_| {
                    SqlError::new(sqlstate::UNDEFINED_FUNCTION, "function pg_typeof requires one argument")
                })?;
                let t = if t == DataType::Unknown { DataType::Unknown } else { t };
                Ok((Expr::Const(Value::Oid(t.oid())), DataType::RegType))
            }
            "set_config" | "current_setting" => {
                let func = if name == "set_config" { Special::SetConfig } else { Special::CurrentSetting };
                let mut bound = Vec::new();
                for (i, (e, t)) in args.into_iter().enumerate() {
                    let target =
                        if (func == Special::SetConfig && i == 2) || (func == Special::CurrentSetting && i == 1) {
                            DataType::Bool
                        } else {
                            DataType::Text
                        };
                    bound.push(self.coerce(e, &t, &target, CoercionContext::Implicit, None)?);
                }
                Ok((Expr::Special { func, args: bound }, DataType::Text))
            }
            _ => {
                let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
                if let Some((cf, arg_types, ret)) = crate::pg_catalog::functions::resolve(&name, &types) {
                    let mut bound = Vec::new();
                    for ((e, t), target) in args.into_iter().zip(&arg_types) {
                        bound.push(self.coerce_to_reg(e, &t, target)?);
                    }
                    return Ok((Expr::Special { func: Special::Catalog(cf), args: bound }, ret));
                }
                self.call_function(&name, args, pos)
            }
        }
    }

    /// Binds a subquery in expression position, with `scope` as its enclosing row. Returns its
    /// plan, column types, and whether it is uncorrelated.
    pub(crate) fn bind_subquery(
        &mut self,
        q: &ast::Query,
        scope: &Scope,
    ) -> Result<(crate::plan::Node, Vec<DataType>, bool)> {
        self.outer.push(scope.clone());
        self.correlated.push(false);
        let result = self.bind_query(q);
        self.outer.pop();
        let correlated = self.correlated.pop().unwrap_or(false);
        let (node, inner_scope, locking) = result?;
        if locking.is_some() {
            return Err(SqlError::unsupported("FOR UPDATE in a subquery"));
        }
        let types = inner_scope.columns.iter().filter(|c| !c.hidden).map(|c| c.ty.clone()).collect();
        Ok((node, types, !correlated))
    }

    fn coerce_subquery_column(
        &mut self,
        plan: crate::plan::Node,
        from: &DataType,
        to: &DataType,
    ) -> Result<crate::plan::Node> {
        if from == to || from.without_modifier() == to.without_modifier() {
            return Ok(plan);
        }
        let cast = self.coerce(Expr::Column(0), from, to, CoercionContext::Implicit, None)?;
        Ok(crate::plan::Node::Project { input: Box::new(plan), exprs: vec![cast] })
    }

    /// Resolves an aggregate call's arguments over `scope`.
    pub(crate) fn bind_aggregate(
        &mut self,
        f: &ast::Function,
        scope: &Scope,
    ) -> Result<(crate::plan::AggCall, DataType)> {
        let name = function_name(&f.name);
        let pos = f.name.0.first().and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span));
        let ctx = Ctx::new(scope, "aggregate function calls");
        let list = match &f.args {
            FunctionArguments::List(l) => Some(l),
            FunctionArguments::None => None,
            FunctionArguments::Subquery(_) => return Err(SqlError::unsupported("a subquery as aggregate arguments")),
        };
        let mut star = false;
        let mut args = Vec::new();
        let mut distinct = false;
        let mut order_by = Vec::new();
        if let Some(list) = list {
            distinct = matches!(list.duplicate_treatment, Some(ast::DuplicateTreatment::Distinct));
            for a in &list.args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                        if contains_aggregate(e) {
                            return Err(SqlError::new(
                                sqlstate::GROUPING_ERROR,
                                "aggregate function calls cannot be nested",
                            )
                            .at(aggregate_pos(self, e)));
                        }
                        args.push(self.bind_expr(e, ctx)?)
                    }
                    _ => return Err(SqlError::unsupported("this aggregate argument")),
                }
            }
            for clause in &list.clauses {
                match clause {
                    ast::FunctionArgumentClause::OrderBy(obs) => {
                        for ob in obs {
                            order_by.push(self.bind_sort_key(ob, ctx)?);
                        }
                    }
                    _ => return Err(SqlError::unsupported("this aggregate clause")),
                }
            }
        }
        if star && name != "count" {
            return Err(SqlError::new(sqlstate::SYNTAX_ERROR, format!("{name}(*) is not allowed")).at(pos));
        }
        let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
        let resolved = functions::resolve_aggregate(&name, &types, star).map_err(|e| e.at(pos))?.ok_or_else(|| {
            SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("function {name} does not exist")).at(pos)
        })?;
        let mut coerced = Vec::new();
        for ((e, t), target) in args.into_iter().zip(&resolved.arg_types) {
            coerced.push(self.coerce(e, &t, target, CoercionContext::Implicit, None)?);
        }
        let filter = match &f.filter {
            Some(w) => Some(self.bind_bool(w, Ctx::new(scope, "FILTER"))?),
            None => None,
        };
        let ret = resolved.ret.clone();
        Ok((crate::plan::AggCall { agg: resolved, name, args: coerced, distinct, filter, order_by }, ret))
    }

    /// Binds an ORDER BY term over `ctx`.
    pub(crate) fn bind_sort_key(&mut self, ob: &ast::OrderByExpr, ctx: Ctx<'_>) -> Result<crate::plan::SortKey> {
        let (expr, _) = self.bind_expr(&ob.expr, ctx)?;
        Ok(sort_key(expr, &ob.options))
    }
}

/// Builds a sort key with PostgreSQL's NULL placement defaults.
pub(crate) fn sort_key(expr: Expr, options: &ast::OrderByOptions) -> crate::plan::SortKey {
    let desc = matches!(options.sort, Some(ast::OrderBySort::Desc));
    let nulls_first = options.nulls_first.unwrap_or(desc);
    crate::plan::SortKey { expr, desc, nulls_first }
}

/// True when `e` contains an aggregate call (not inside a subquery).
pub(crate) fn contains_aggregate(e: &ast::Expr) -> bool {
    let mut found = false;
    visit_functions(e, &mut |f| {
        if f.over.is_none() && is_aggregate_name(&function_name(&f.name)) {
            found = true;
        }
    });
    found
}

/// Calls `visit` on every function call in `e`, outside subqueries.
pub(crate) fn visit_functions<'a>(e: &'a ast::Expr, visit: &mut impl FnMut(&'a ast::Function)) {
    use ast::Expr as E;
    match e {
        E::Function(f) => {
            visit(f);
            if let FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                    | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. } = a
                    {
                        if !is_aggregate_name(&function_name(&f.name)) {
                            visit_functions(x, visit);
                        }
                    }
                }
            }
        }
        E::BinaryOp { left, right, .. } => {
            visit_functions(left, visit);
            visit_functions(right, visit);
        }
        E::UnaryOp { expr, .. }
        | E::Nested(expr)
        | E::IsNull(expr)
        | E::IsNotNull(expr)
        | E::IsTrue(expr)
        | E::IsNotTrue(expr)
        | E::IsFalse(expr)
        | E::IsNotFalse(expr)
        | E::IsUnknown(expr)
        | E::IsNotUnknown(expr)
        | E::Cast { expr, .. }
        | E::Collate { expr, .. }
        | E::Ceil { expr, .. }
        | E::Floor { expr, .. }
        | E::Extract { expr, .. } => visit_functions(expr, visit),
        E::IsDistinctFrom(a, b) | E::IsNotDistinctFrom(a, b) => {
            visit_functions(a, visit);
            visit_functions(b, visit);
        }
        E::Between { expr, low, high, .. } => {
            visit_functions(expr, visit);
            visit_functions(low, visit);
            visit_functions(high, visit);
        }
        E::InList { expr, list, .. } => {
            visit_functions(expr, visit);
            for x in list {
                visit_functions(x, visit);
            }
        }
        E::InSubquery { expr, .. } => visit_functions(expr, visit),
        E::Like { expr, pattern, .. } | E::ILike { expr, pattern, .. } => {
            visit_functions(expr, visit);
            visit_functions(pattern, visit);
        }
        E::AnyOp { left, right, .. } | E::AllOp { left, right, .. } => {
            visit_functions(left, visit);
            visit_functions(right, visit);
        }
        E::Case { operand, conditions, else_result, .. } => {
            if let Some(o) = operand {
                visit_functions(o, visit);
            }
            for w in conditions {
                visit_functions(&w.condition, visit);
                visit_functions(&w.result, visit);
            }
            if let Some(x) = else_result {
                visit_functions(x, visit);
            }
        }
        E::Position { expr, r#in } => {
            visit_functions(expr, visit);
            visit_functions(r#in, visit);
        }
        E::Substring { expr, substring_from, substring_for, .. } => {
            visit_functions(expr, visit);
            if let Some(x) = substring_from {
                visit_functions(x, visit);
            }
            if let Some(x) = substring_for {
                visit_functions(x, visit);
            }
        }
        E::Trim { expr, trim_what, .. } => {
            visit_functions(expr, visit);
            if let Some(x) = trim_what {
                visit_functions(x, visit);
            }
        }
        E::AtTimeZone { timestamp, time_zone } => {
            visit_functions(timestamp, visit);
            visit_functions(time_zone, visit);
        }
        E::Array(a) => {
            for x in &a.elem {
                visit_functions(x, visit);
            }
        }
        E::CompoundFieldAccess { root, .. } => visit_functions(root, visit),
        _ => {}
    }
}

/// The position of the first aggregate call in `e` (for "not allowed here" errors).
pub(crate) fn aggregate_pos(b: &Binder<'_>, e: &ast::Expr) -> Option<u32> {
    let mut pos = None;
    visit_functions(e, &mut |f| {
        if pos.is_none() && f.over.is_none() && is_aggregate_name(&function_name(&f.name)) {
            pos = f.name.0.first().and_then(|p| p.as_ident()).and_then(|i| b.pos(i.span));
        }
    });
    pos
}

/// Parameter names of the built-ins that take named arguments (all default to zero).
fn named_parameters(function: &str) -> Option<&'static [&'static str]> {
    match function {
        "make_interval" => Some(&["years", "months", "weeks", "days", "hours", "mins", "secs"]),
        _ => None,
    }
}

/// The position of a function call's `i`th argument.
fn arg_pos(b: &Binder<'_>, f: &ast::Function, i: usize) -> Option<u32> {
    match &f.args {
        FunctionArguments::List(list) => match list.args.get(i)? {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => expr_pos(b, e),
            _ => None,
        },
        _ => None,
    }
}

/// The best-known position of an expression: its first identifier or literal.
pub(crate) fn expr_pos(b: &Binder<'_>, e: &ast::Expr) -> Option<u32> {
    use sqlparser::ast::Spanned;
    let span = e.span();
    if span.start.line > 0 {
        b.pos(span)
    } else {
        None
    }
}

fn ident_pos(b: &Binder<'_>, e: &ast::Expr) -> Option<u32> {
    match e {
        ast::Expr::Identifier(i) => b.pos(i.span),
        ast::Expr::CompoundIdentifier(ids) => ids.first().and_then(|i| b.pos(i.span)),
        other => expr_pos(b, other),
    }
}

trait HintIf {
    fn hint_if(self, cond: bool) -> Self;
}

impl HintIf for SqlError {
    fn hint_if(self, cond: bool) -> Self {
        if cond {
            self.hint("You will need to rewrite or cast the expression.")
        } else {
            self
        }
    }
}
