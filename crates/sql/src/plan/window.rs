//! Binding window function calls (`row_number() OVER (PARTITION BY a ORDER BY b)`).
//!
//! The calls of a select list (and its ORDER BY) are bound once each, over the rows the
//! select list reads (after grouping, when there is some), into a [`Node::Window`] that
//! appends one column per call; the select list then reads those columns. Supported:
//! `row_number`, `rank`, `dense_rank`, `lag`, `lead` and the aggregates, with `PARTITION BY`
//! and `ORDER BY` and the default frame (the whole partition without ORDER BY, the rows up to
//! the current row and its peers with it). Frame clauses, named windows and the other window
//! functions are not supported.

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use crate::error::{sqlstate, Result, SqlError};
use crate::functions;
use crate::plan::bind::Binder;
use crate::plan::expr::{function_name, is_aggregate_name, visit_functions, Ctx};
use crate::plan::{Node, WindowCall, WindowFunc};
use crate::types::cast::CoercionContext;
use crate::types::DataType;

/// A window call in scope: its syntax, the column holding its value, and the value's type.
pub(crate) type WindowSlot = (ast::Function, usize, DataType);

/// The distinct window calls in `exprs`, in order of appearance.
pub(crate) fn window_calls<'a>(exprs: impl IntoIterator<Item = &'a ast::Expr>) -> Vec<ast::Function> {
    let mut calls: Vec<ast::Function> = Vec::new();
    for e in exprs {
        visit_functions(e, &mut |f| {
            if f.over.is_some() && !calls.contains(f) {
                calls.push(f.clone());
            }
        });
    }
    calls
}

impl Binder<'_> {
    /// Binds `calls` over `input` (whose rows are `width` wide) into a window node, and puts
    /// the calls in scope as the columns after the input's.
    pub(crate) fn bind_windows(
        &mut self,
        input: Node,
        width: usize,
        calls: &[ast::Function],
        ctx: Ctx<'_>,
    ) -> Result<Node> {
        let mut functions = Vec::with_capacity(calls.len());
        for (i, f) in calls.iter().enumerate() {
            let (call, ty) = self.bind_window(f, ctx)?;
            functions.push(call);
            self.window_slots.push((f.clone(), width + i, ty));
        }
        Ok(Node::Window { input: Box::new(input), functions })
    }

    fn bind_window(&mut self, f: &ast::Function, ctx: Ctx<'_>) -> Result<(WindowCall, DataType)> {
        let name = function_name(&f.name);
        let pos = f.name.0.first().and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span));
        let spec = match &f.over {
            Some(ast::WindowType::WindowSpec(spec)) => spec,
            _ => return Err(SqlError::unsupported("named windows").at(pos)),
        };
        if spec.window_frame.is_some() || spec.window_name.is_some() {
            return Err(SqlError::unsupported("window frame clauses").at(pos));
        }
        if f.filter.is_some() {
            return Err(SqlError::unsupported("FILTER in window functions").at(pos));
        }
        let inner = Ctx { clause: "window function arguments", ..ctx };
        let star = matches!(&f.args, FunctionArguments::List(l)
            if matches!(l.args.as_slice(), [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]));
        let args = if star { Vec::new() } else { self.function_args(f, inner)? };
        let (func, args, ty) = match name.as_str() {
            "row_number" | "rank" | "dense_rank" if args.is_empty() => {
                let func = match name.as_str() {
                    "row_number" => WindowFunc::RowNumber,
                    "rank" => WindowFunc::Rank,
                    _ => WindowFunc::DenseRank,
                };
                (func, Vec::new(), DataType::Int8)
            }
            "lag" | "lead" if (1..=3).contains(&args.len()) => {
                let ty = args[0].1.clone();
                let ty = if ty == DataType::Unknown { DataType::Text } else { ty };
                let mut bound = Vec::new();
                for (i, (e, t)) in args.into_iter().enumerate() {
                    let target = if i == 1 { DataType::Int4 } else { ty.clone() };
                    bound.push(self.coerce(e, &t, &target, CoercionContext::Implicit, None)?);
                }
                (WindowFunc::Lag { lead: name == "lead" }, bound, ty)
            }
            n if is_aggregate_name(n) => {
                let types: Vec<DataType> = args.iter().map(|(_, t)| t.clone()).collect();
                let resolved =
                    functions::resolve_aggregate(n, &types, star).map_err(|e| e.at(pos))?.ok_or_else(|| {
                        SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("function {n} does not exist")).at(pos)
                    })?;
                let mut bound = Vec::new();
                for ((e, t), target) in args.into_iter().zip(&resolved.arg_types) {
                    bound.push(self.coerce(e, &t, target, CoercionContext::Implicit, None)?);
                }
                let ty = resolved.ret.clone();
                (WindowFunc::Aggregate(resolved), bound, ty)
            }
            "row_number" | "rank" | "dense_rank" | "lag" | "lead" => {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_FUNCTION,
                    format!("function {name} with {} arguments does not exist", args.len()),
                )
                .at(pos));
            }
            other => return Err(SqlError::unsupported(format!("the window function {other}")).at(pos)),
        };
        let partition_by =
            spec.partition_by.iter().map(|e| self.bind_expr(e, inner).map(|(e, _)| e)).collect::<Result<Vec<_>>>()?;
        let order_by = spec.order_by.iter().map(|o| self.bind_sort_key(o, inner)).collect::<Result<Vec<_>>>()?;
        Ok((WindowCall { func, args, partition_by, order_by, name }, ty))
    }
}
