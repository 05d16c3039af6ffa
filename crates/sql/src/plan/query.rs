//! Binding queries: FROM (tables, views, subqueries, set-returning functions, joins), WHERE,
//! GROUP BY and aggregates, HAVING, the select list, DISTINCT, ORDER BY, LIMIT/OFFSET, set
//! operations and common table expressions.

use std::sync::Arc;

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, SetExpr, TableFactor};

use crate::catalog::Relation;
use crate::error::{sqlstate, Result, SqlError};
use crate::plan::access::{conjuncts, push_down};
use crate::plan::bind::{bind_type, normalize_ident, Binder, CteDef};
use crate::plan::expr::{
    aggregate_pos, contains_aggregate, function_name, is_aggregate_name, sort_key, visit_functions, Ctx, PostAgg,
};
use crate::plan::joins::{check_unique_names, merge_using_columns, plan_join, MergedColumn};
use crate::plan::scope::{Scope, ScopeColumn};
use crate::plan::window::window_calls;
use crate::plan::{Access, Expr, JoinKind, Node, RowLocking, Scan, SetFunction, SetOpKind, SortKey};
use crate::types::cast::CoercionContext;
use crate::types::{DataType, Value};

impl Binder<'_> {
    /// Binds a query: its node, its output scope, and its row locking.
    pub(crate) fn bind_query(&mut self, q: &ast::Query) -> Result<(Node, Scope, Option<RowLocking>)> {
        if q.for_clause.is_some() || q.settings.is_some() || q.format_clause.is_some() || !q.pipe_operators.is_empty() {
            return Err(SqlError::unsupported("this query clause"));
        }
        let saved_ctes = self.ctes.len();
        let result = self.bind_with(q, saved_ctes).and_then(|_| self.bind_query_body(q));
        self.ctes.truncate(saved_ctes);
        result
    }

    /// Binds a WITH clause's queries and puts them in scope (above `saved`).
    fn bind_with(&mut self, q: &ast::Query, saved: usize) -> Result<()> {
        let Some(with) = &q.with else { return Ok(()) };
        for cte in &with.cte_tables {
            let name = normalize_ident(&cte.alias.name);
            if self.ctes[saved..].iter().any(|c| c.name == name) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_ALIAS,
                    format!("WITH query name \"{name}\" specified more than once"),
                )
                .at(self.pos(cte.alias.name.span)));
            }
            let (node, columns) = match self.bind_recursive_cte(&name, cte, with.recursive)? {
                Some(bound) => bound,
                None => {
                    let (node, scope, _) = self.bind_query(&cte.query)?;
                    (node, cte_columns(&name, &scope, &cte.alias).map_err(|e| e.at(self.pos(cte.alias.name.span)))?)
                }
            };
            let id = self.cte_count;
            self.cte_count += 1;
            self.ctes.push(CteDef { name, plan: Arc::new(node), columns, id });
        }
        Ok(())
    }

    /// Binds `non-recursive UNION [ALL] recursive` under `WITH RECURSIVE`: the recursive term
    /// sees the CTE's name as the work table. `None` when the query is not of that form or
    /// does not refer to itself (it is then an ordinary CTE).
    fn bind_recursive_cte(
        &mut self,
        name: &str,
        cte: &ast::Cte,
        recursive: bool,
    ) -> Result<Option<(Node, Vec<crate::session::Column>)>> {
        let query = &cte.query;
        let SetExpr::SetOperation { left, op: ast::SetOperator::Union, set_quantifier, right } = query.body.as_ref()
        else {
            return Ok(None);
        };
        if !recursive || query.with.is_some() {
            return Ok(None);
        }
        let (lnode, lscope) = self.bind_set_expr(left)?;
        let columns = cte_columns(name, &lscope, &cte.alias).map_err(|e| e.at(self.pos(cte.alias.name.span)))?;
        let work = self.cte_count;
        self.cte_count += 1;
        let width = columns.len();
        self.ctes.push(CteDef {
            name: name.to_string(),
            plan: Arc::new(Node::WorkTable { id: work, width }),
            columns: columns.clone(),
            id: work,
        });
        let refs = self.worktable_refs;
        let bound = self.bind_set_expr(right);
        self.ctes.pop();
        let (rnode, rscope) = bound?;
        if self.worktable_refs == refs {
            return Ok(None);
        }
        if query.order_by.is_some() || query.limit_clause.is_some() || query.fetch.is_some() {
            return Err(SqlError::unsupported("ORDER BY, LIMIT or OFFSET in a recursive query"));
        }
        let rtypes: Vec<DataType> = rscope.columns.iter().filter(|c| !c.hidden).map(|c| c.ty.clone()).collect();
        if rtypes.len() != width {
            return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "each UNION query must have the same number of columns"));
        }
        let mut exprs = Vec::with_capacity(width);
        for (i, (col, rt)) in columns.iter().zip(&rtypes).enumerate() {
            let overall = self.common_type(&[col.ty.clone(), rt.clone()], "UNION")?;
            if overall.without_modifier() != col.ty.without_modifier() {
                return Err(SqlError::new(
                    sqlstate::DATATYPE_MISMATCH,
                    format!(
                        "recursive query \"{name}\" column {} has type {} in non-recursive term but type {overall} overall",
                        i + 1,
                        col.ty
                    ),
                )
                .hint("Cast the output of the non-recursive term to the correct type."));
            }
            exprs.push(self.coerce(Expr::Column(i), rt, &col.ty, CoercionContext::Implicit, None)?);
        }
        let init = Node::Project { input: Box::new(lnode), exprs: (0..width).map(Expr::Column).collect() };
        let step = Node::Project { input: Box::new(rnode), exprs };
        let all = matches!(set_quantifier, ast::SetQuantifier::All);
        Ok(Some((Node::RecursiveUnion { init: Box::new(init), step: Box::new(step), all, id: work }, columns)))
    }

    fn bind_query_body(&mut self, q: &ast::Query) -> Result<(Node, Scope, Option<RowLocking>)> {
        let order_by: &[ast::OrderByExpr] = match &q.order_by {
            None => &[],
            Some(ob) => match &ob.kind {
                ast::OrderByKind::Expressions(e) => e,
                ast::OrderByKind::All(_) => return Err(SqlError::unsupported("ORDER BY ALL")),
            },
        };
        let (mut node, scope) = match q.body.as_ref() {
            SetExpr::Select(select) => self.bind_select(select, order_by)?,
            body => {
                let (node, scope) = self.bind_set_expr(body)?;
                if order_by.is_empty() {
                    (node, scope)
                } else {
                    self.sort_by_output(node, scope, order_by)?
                }
            }
        };
        let (limit, offset) = match &q.limit_clause {
            None => (None, None),
            Some(ast::LimitClause::LimitOffset { limit, offset, limit_by }) => {
                if !limit_by.is_empty() {
                    return Err(SqlError::unsupported("LIMIT BY"));
                }
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            }
            Some(ast::LimitClause::OffsetCommaLimit { .. }) => {
                return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "LIMIT #,# syntax is not supported")
                    .hint("Use separate LIMIT and OFFSET clauses."));
            }
        };
        let fetch = q
            .fetch
            .as_ref()
            .map(|f| f.quantity.clone().unwrap_or(ast::Expr::value(ast::Value::Number("1".into(), false))));
        let limit = limit.or(fetch.as_ref());
        if limit.is_some() || offset.is_some() {
            let empty = Scope::empty();
            let mut count = |e: &ast::Expr| {
                self.bind_expr_as(e, Ctx::new(&empty, "LIMIT"), &DataType::Int8, CoercionContext::Implicit)
            };
            let limit = match limit {
                Some(ast::Expr::Value(v)) if matches!(v.value, ast::Value::Null) => None,
                Some(e) => Some(count(e)?),
                None => None,
            };
            let offset = offset.map(&mut count).transpose()?;
            node = Node::Limit { input: Box::new(node), limit, offset };
        }
        let locking = match q.locks.as_slice() {
            [] => None,
            [lock] => Some(RowLocking {
                exclusive: matches!(lock.lock_type, ast::LockType::Update),
                nowait: matches!(lock.nonblock, Some(ast::NonBlock::Nowait)),
                skip_locked: matches!(lock.nonblock, Some(ast::NonBlock::SkipLocked)),
            }),
            _ => return Err(SqlError::unsupported("several locking clauses")),
        };
        Ok((node, scope, locking))
    }

    fn bind_set_expr(&mut self, body: &SetExpr) -> Result<(Node, Scope)> {
        match body {
            SetExpr::Select(s) => self.bind_select(s, &[]),
            SetExpr::Query(q) => {
                let (node, scope, locking) = self.bind_query(q)?;
                if locking.is_some() {
                    return Err(SqlError::unsupported("FOR UPDATE in a set operation"));
                }
                Ok((node, scope))
            }
            SetExpr::Values(values) => self.bind_values(values),
            SetExpr::SetOperation { left, op, set_quantifier, right } => {
                let (lnode, lscope) = self.bind_set_expr(left)?;
                let (rnode, rscope) = self.bind_set_expr(right)?;
                let lcols: Vec<&ScopeColumn> = lscope.columns.iter().filter(|c| !c.hidden).collect();
                let rcols: Vec<&ScopeColumn> = rscope.columns.iter().filter(|c| !c.hidden).collect();
                let kind = match op {
                    ast::SetOperator::Union => SetOpKind::Union,
                    ast::SetOperator::Intersect => SetOpKind::Intersect,
                    ast::SetOperator::Except | ast::SetOperator::Minus => SetOpKind::Except,
                };
                let name = format!("{op}").to_uppercase();
                // PostgreSQL points at the right query's select-list item in question.
                let item_pos = |b: &Self, i: usize| match right.as_ref() {
                    SetExpr::Select(s) => match s.projection.get(i) {
                        Some(SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) => {
                            crate::plan::expr::expr_pos(b, e)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if lcols.len() != rcols.len() {
                    return Err(SqlError::new(
                        sqlstate::SYNTAX_ERROR,
                        format!("each {name} query must have the same number of columns"),
                    )
                    .at(item_pos(self, 0)));
                }
                let mut ltargets = Vec::new();
                let mut rtargets = Vec::new();
                let mut out = Scope::empty();
                for (l, r) in lcols.iter().zip(&rcols) {
                    let pos = item_pos(self, rtargets.len());
                    let ty = self.common_type(&[l.ty.clone(), r.ty.clone()], &name).map_err(|e| e.at(pos))?;
                    ltargets.push(self.coerce(
                        Expr::Column(ltargets.len()),
                        &l.ty,
                        &ty,
                        CoercionContext::Implicit,
                        None,
                    )?);
                    rtargets.push(self.coerce(
                        Expr::Column(rtargets.len()),
                        &r.ty,
                        &ty,
                        CoercionContext::Implicit,
                        pos,
                    )?);
                    out.columns.push(ScopeColumn {
                        qualifier: None,
                        name: l.name.clone(),
                        ty,
                        table_oid: 0,
                        attnum: 0,
                        hidden: false,
                        qualified_only: false,
                    });
                }
                let all = matches!(set_quantifier, ast::SetQuantifier::All);
                if !matches!(
                    set_quantifier,
                    ast::SetQuantifier::All | ast::SetQuantifier::Distinct | ast::SetQuantifier::None
                ) {
                    return Err(SqlError::unsupported(format!("{name} {set_quantifier}")));
                }
                let left = Node::Project { input: Box::new(lnode), exprs: ltargets };
                let right = Node::Project { input: Box::new(rnode), exprs: rtargets };
                Ok((Node::SetOp { op: kind, all, left: Box::new(left), right: Box::new(right) }, out))
            }
            SetExpr::Table(_) => Err(SqlError::unsupported("TABLE")),
            _ => Err(SqlError::unsupported("a data-modifying statement here")),
        }
    }

    fn bind_values(&mut self, values: &ast::Values) -> Result<(Node, Scope)> {
        let empty = Scope::empty();
        let mut rows: Vec<Vec<(Expr, DataType)>> = Vec::new();
        for row in &values.rows {
            let mut out = Vec::new();
            for e in &row.content {
                out.push(self.bind_expr(e, Ctx::new(&empty, "VALUES"))?);
            }
            if let Some(first) = rows.first() {
                if first.len() != out.len() {
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "VALUES lists must all be the same length"));
                }
            }
            rows.push(out);
        }
        let width = rows.first().map(Vec::len).unwrap_or(0);
        let mut scope = Scope::empty();
        let mut types = Vec::new();
        for col in 0..width {
            let col_types: Vec<DataType> = rows.iter().map(|r| r[col].1.clone()).collect();
            let ty = self.common_type(&col_types, "VALUES")?;
            scope.columns.push(ScopeColumn {
                qualifier: None,
                name: format!("column{}", col + 1),
                ty: ty.clone(),
                table_oid: 0,
                attnum: 0,
                hidden: false,
                qualified_only: false,
            });
            types.push(ty);
        }
        let mut bound_rows = Vec::new();
        for row in rows {
            let mut out = Vec::new();
            for ((e, t), ty) in row.into_iter().zip(&types) {
                out.push(self.coerce(e, &t, ty, CoercionContext::Implicit, None)?);
            }
            bound_rows.push(out);
        }
        Ok((Node::Values { rows: bound_rows }, scope))
    }

    /// Binds a SELECT, including ORDER BY (which may use columns not in the select list).
    fn bind_select(&mut self, s: &ast::Select, order_by: &[ast::OrderByExpr]) -> Result<(Node, Scope)> {
        // Window calls are in scope for this SELECT only (not its subqueries).
        let saved = std::mem::take(&mut self.window_slots);
        let result = self.bind_select_body(s, order_by);
        self.window_slots = saved;
        result
    }

    fn bind_select_body(&mut self, s: &ast::Select, order_by: &[ast::OrderByExpr]) -> Result<(Node, Scope)> {
        if s.top.is_some()
            || s.qualify.is_some()
            || s.prewhere.is_some()
            || !s.lateral_views.is_empty()
            || !s.connect_by.is_empty()
            || !s.cluster_by.is_empty()
            || !s.distribute_by.is_empty()
            || !s.sort_by.is_empty()
            || s.value_table_mode.is_some()
            || s.exclude.is_some()
            || !s.named_window.is_empty()
        {
            return Err(SqlError::unsupported("this SELECT clause"));
        }
        if s.into.is_some() {
            return Err(SqlError::unsupported("SELECT INTO"));
        }
        if let Some(bound) = self.bind_select_set_function(s, order_by)? {
            return Ok(bound);
        }
        let (mut node, scope) = self.bind_from(&s.from)?;
        if let Some(w) = &s.selection {
            if contains_aggregate(w) {
                return Err(SqlError::new(sqlstate::GROUPING_ERROR, "aggregate functions are not allowed in WHERE")
                    .at(aggregate_pos(self, w)));
            }
            let pred = self.bind_bool(w, Ctx::new(&scope, "WHERE"))?;
            node = push_down(node, conjuncts(pred));
        }

        let group_exprs: &[ast::Expr] = match &s.group_by {
            ast::GroupByExpr::Expressions(e, mods) if mods.is_empty() => e,
            _ => return Err(SqlError::unsupported("this GROUP BY form")),
        };
        let mut aggs: Vec<ast::Function> = Vec::new();
        let mut collect = |e: &ast::Expr| {
            visit_functions(e, &mut |f| {
                if f.over.is_none() && is_aggregate_name(&function_name(&f.name)) && !aggs.contains(f) {
                    aggs.push(f.clone());
                }
            })
        };
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => collect(e),
                _ => {}
            }
        }
        if let Some(h) = &s.having {
            collect(h);
        }
        for ob in order_by {
            collect(&ob.expr);
        }
        // Aggregates in window specifications (`rank() OVER (ORDER BY sum(x))`).
        let items = s.projection.iter().filter_map(|i| match i {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        });
        for w in window_calls(items.chain(order_by.iter().map(|o| &o.expr))) {
            if let Some(ast::WindowType::WindowSpec(spec)) = &w.over {
                spec.partition_by.iter().chain(spec.order_by.iter().map(|o| &o.expr)).for_each(&mut collect);
            }
        }

        let aggregating = !aggs.is_empty() || !group_exprs.is_empty() || s.having.is_some();
        let post_agg = if aggregating {
            let mut groups = Vec::new();
            let mut group_types = Vec::new();
            for g in group_exprs {
                let (e, t) = self.bind_group_key(g, s, &scope)?;
                groups.push(e);
                group_types.push(t);
            }
            let mut calls = Vec::new();
            let mut agg_types = Vec::new();
            for f in &aggs {
                let (call, ty) = self.bind_aggregate(f, &scope)?;
                calls.push(call);
                agg_types.push(ty);
            }
            node = Node::Aggregate { input: Box::new(node), group_by: groups.clone(), aggregates: calls };
            Some(PostAgg { input: scope.clone(), groups, aggs, agg_types, group_types })
        } else {
            None
        };
        let ctx = Ctx { scope: &scope, post_agg: post_agg.as_ref(), clause: "SELECT" };
        if let Some(h) = &s.having {
            let pred = self.bind_bool(h, Ctx { clause: "HAVING", ..ctx })?;
            node = Node::Filter { input: Box::new(node), predicate: pred };
        }
        let items = s.projection.iter().filter_map(|i| match i {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        });
        let windows = window_calls(items.chain(order_by.iter().map(|o| &o.expr)));
        if !windows.is_empty() {
            let width = match &post_agg {
                Some(pa) => pa.groups.len() + pa.aggs.len(),
                None => scope.len(),
            };
            node = self.bind_windows(node, width, &windows, ctx)?;
        }

        // The select list.
        let mut exprs = Vec::new();
        let mut out = Scope::empty();
        for item in &s.projection {
            match item {
                SelectItem::Wildcard(_) => {
                    if aggregating {
                        return Err(self.star_in_aggregate(&scope, post_agg.as_ref()));
                    }
                    let cols = scope.star(None);
                    if cols.is_empty() && s.from.is_empty() {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            "SELECT * with no tables specified is not valid",
                        ));
                    }
                    for i in cols {
                        exprs.push(Expr::Column(i));
                        out.columns.push(ScopeColumn {
                            hidden: false,
                            qualified_only: false,
                            ..scope.columns[i].clone()
                        });
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let q = match kind {
                        ast::SelectItemQualifiedWildcardKind::ObjectName(n) => {
                            n.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default()
                        }
                        ast::SelectItemQualifiedWildcardKind::Expr(_) => return Err(SqlError::unsupported("(expr).*")),
                    };
                    if !scope.has_qualifier(&q) {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_TABLE,
                            format!("missing FROM-clause entry for table \"{q}\""),
                        ));
                    }
                    if aggregating {
                        return Err(self.star_in_aggregate(&scope, post_agg.as_ref()));
                    }
                    for i in scope.star(Some(&q)) {
                        exprs.push(Expr::Column(i));
                        out.columns.push(scope.columns[i].clone());
                    }
                }
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let (bound, ty) = self.bind_expr(e, ctx)?;
                    let name = match item {
                        SelectItem::ExprWithAlias { alias, .. } => normalize_ident(alias),
                        _ => output_name(e),
                    };
                    let (table_oid, attnum) = match (&bound, aggregating) {
                        // (A window call's column is past the scope's.)
                        (Expr::Column(i), false) if *i < scope.len() => {
                            (scope.columns[*i].table_oid, scope.columns[*i].attnum)
                        }
                        _ => (0, 0),
                    };
                    exprs.push(bound);
                    out.columns.push(ScopeColumn {
                        qualifier: None,
                        name,
                        ty,
                        table_oid,
                        attnum,
                        hidden: false,
                        qualified_only: false,
                    });
                }
                SelectItem::ExprWithAliases { .. } => return Err(SqlError::unsupported("multiple aliases")),
            }
        }

        // ORDER BY: output columns by name or position, else expressions over the input,
        // carried as hidden extra columns and dropped after sorting.
        let visible = exprs.len();
        let mut keys = Vec::new();
        for ob in order_by {
            if let Some(i) = self.output_ref(&ob.expr, &out)? {
                keys.push(sort_key(Expr::Column(i), &ob.options));
                continue;
            }
            if s.distinct.is_some() {
                return Err(SqlError::new(
                    sqlstate::INVALID_COLUMN_REFERENCE,
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                )
                .at(crate::plan::expr::expr_pos(self, &ob.expr)));
            }
            let (bound, ty) = self.bind_expr(&ob.expr, Ctx { clause: "ORDER BY", ..ctx })?;
            let pos = match exprs.iter().position(|e| crate::plan::expr::expr_eq(e, &bound)) {
                Some(p) => p,
                None => {
                    exprs.push(bound);
                    out.columns.push(ScopeColumn {
                        qualifier: None,
                        name: String::new(),
                        ty,
                        table_oid: 0,
                        attnum: 0,
                        hidden: true,
                        qualified_only: false,
                    });
                    exprs.len() - 1
                }
            };
            keys.push(sort_key(Expr::Column(pos), &ob.options));
        }
        node = Node::Project { input: Box::new(node), exprs };
        match &s.distinct {
            None | Some(ast::Distinct::All) => {}
            Some(ast::Distinct::Distinct) => node = Node::Distinct { input: Box::new(node), on: None },
            Some(ast::Distinct::On(on)) => {
                let mut on_exprs = Vec::new();
                for e in on {
                    match self.output_ref(e, &out)? {
                        Some(i) => on_exprs.push(Expr::Column(i)),
                        None => {
                            let (b, _) = self.bind_expr(e, ctx)?;
                            let p = match &node {
                                Node::Project { exprs, .. } => {
                                    exprs.iter().position(|x| crate::plan::expr::expr_eq(x, &b))
                                }
                                _ => None,
                            };
                            on_exprs.push(Expr::Column(p.ok_or_else(|| {
                                SqlError::unsupported("DISTINCT ON expressions that are not in the select list")
                            })?));
                        }
                    }
                }
                if !keys.is_empty() {
                    node = Node::Sort { input: Box::new(node), keys: keys.clone() };
                }
                node = Node::Distinct { input: Box::new(node), on: Some(on_exprs) };
            }
        }
        if !keys.is_empty() && !matches!(s.distinct, Some(ast::Distinct::On(_))) {
            node = Node::Sort { input: Box::new(node), keys };
        }
        if out.columns.len() > visible {
            node = Node::Project { input: Box::new(node), exprs: (0..visible).map(Expr::Column).collect() };
            out.columns.truncate(visible);
        }
        Ok((node, out))
    }

    fn star_in_aggregate(&self, scope: &Scope, pa: Option<&PostAgg>) -> SqlError {
        let first = scope.columns.iter().enumerate().find(|(i, c)| {
            !c.hidden && !pa.is_some_and(|pa| pa.groups.iter().any(|g| matches!(g, Expr::Column(k) if k == i)))
        });
        match first {
            Some((_, c)) => SqlError::new(
                sqlstate::GROUPING_ERROR,
                format!(
                    "column \"{}.{}\" must appear in the GROUP BY clause or be used in an aggregate function",
                    c.qualifier.clone().unwrap_or_default(),
                    c.name
                ),
            ),
            None => SqlError::unsupported("* with GROUP BY"),
        }
    }

    /// A GROUP BY term: an output column position, an output column name, or an expression
    /// over the input.
    fn bind_group_key(&mut self, g: &ast::Expr, s: &ast::Select, scope: &Scope) -> Result<(Expr, DataType)> {
        if let ast::Expr::Value(v) = g {
            if let ast::Value::Number(n, _) = &v.value {
                let i: usize = n.parse().unwrap_or(0);
                let item = s.projection.get(i.wrapping_sub(1)).ok_or_else(|| {
                    SqlError::new(
                        sqlstate::INVALID_COLUMN_REFERENCE,
                        format!("GROUP BY position {n} is not in select list"),
                    )
                    .at(self.pos(v.span))
                })?;
                return match item {
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        self.bind_expr(e, Ctx::new(scope, "GROUP BY"))
                    }
                    _ => Err(SqlError::unsupported("GROUP BY a star")),
                };
            }
        }
        if let ast::Expr::Identifier(id) = g {
            let name = normalize_ident(id);
            if scope.find(None, &name)?.is_none() {
                for item in &s.projection {
                    if let SelectItem::ExprWithAlias { expr, alias } = item {
                        if normalize_ident(alias) == name {
                            return self.bind_expr(expr, Ctx::new(scope, "GROUP BY"));
                        }
                    }
                }
            }
        }
        if contains_aggregate(g) {
            return Err(SqlError::new(sqlstate::GROUPING_ERROR, "aggregate functions are not allowed in GROUP BY")
                .at(aggregate_pos(self, g)));
        }
        self.bind_expr(g, Ctx::new(scope, "GROUP BY"))
    }

    /// An ORDER BY (or DISTINCT ON) term naming an output column by position or name.
    fn output_ref(&self, e: &ast::Expr, out: &Scope) -> Result<Option<usize>> {
        match e {
            ast::Expr::Value(v) => {
                if let ast::Value::Number(n, _) = &v.value {
                    let i: usize = n.parse().unwrap_or(0);
                    let visible: Vec<usize> = out.star(None);
                    return match visible.get(i.wrapping_sub(1)) {
                        Some(p) => Ok(Some(*p)),
                        None => Err(SqlError::new(
                            sqlstate::INVALID_COLUMN_REFERENCE,
                            format!("ORDER BY position {n} is not in select list"),
                        )
                        .at(self.pos(v.span))),
                    };
                }
                Ok(None)
            }
            ast::Expr::Identifier(id) => {
                let name = normalize_ident(id);
                let matches: Vec<usize> = out
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.hidden && c.name == name)
                    .map(|(i, _)| i)
                    .collect();
                match matches.as_slice() {
                    [i] => Ok(Some(*i)),
                    [] => Ok(None),
                    _ => Err(SqlError::new(sqlstate::AMBIGUOUS_COLUMN, format!("ORDER BY \"{name}\" is ambiguous"))),
                }
            }
            _ => Ok(None),
        }
    }

    /// ORDER BY for set operations and VALUES: output columns only.
    fn sort_by_output(&mut self, node: Node, scope: Scope, order_by: &[ast::OrderByExpr]) -> Result<(Node, Scope)> {
        let mut keys = Vec::new();
        for ob in order_by {
            let expr = match self.output_ref(&ob.expr, &scope)? {
                Some(i) => Expr::Column(i),
                None => self.bind_expr(&ob.expr, Ctx::new(&scope, "ORDER BY"))?.0,
            };
            keys.push(sort_key(expr, &ob.options));
        }
        Ok((Node::Sort { input: Box::new(node), keys }, scope))
    }

    /// Binds a FROM list (comma-separated items are cross joined).
    pub(crate) fn bind_from(&mut self, from: &[ast::TableWithJoins]) -> Result<(Node, Scope)> {
        let mut result: Option<(Node, Scope)> = None;
        for twj in from {
            let item = self.bind_table_with_joins(twj, result.as_ref().map(|(_, s)| s))?;
            result = Some(match result {
                None => item,
                Some((lnode, lscope)) => {
                    let lateral = std::mem::take(&mut self.lateral_ref);
                    let (rnode, rscope) = item;
                    check_unique_names(&lscope, &rscope)?;
                    let mut scope = lscope;
                    scope.extend(rscope);
                    (
                        Node::NestedLoop {
                            kind: JoinKind::Inner,
                            left: Box::new(lnode),
                            right: Box::new(rnode),
                            on: None,
                            lateral,
                        },
                        scope,
                    )
                }
            });
        }
        Ok(result.unwrap_or((Node::Values { rows: vec![vec![]] }, Scope::empty())))
    }

    /// Binds one FROM item with its joins; leaves `lateral_ref` set when its first relation
    /// refers to `left_of` (the items before it).
    fn bind_table_with_joins(&mut self, twj: &ast::TableWithJoins, left_of: Option<&Scope>) -> Result<(Node, Scope)> {
        self.lateral_ref = false;
        let (mut node, mut scope) = self.bind_table_factor(&twj.relation, left_of)?;
        let first_lateral = std::mem::take(&mut self.lateral_ref);
        for join in &twj.joins {
            let (kind, constraint) = match &join.join_operator {
                ast::JoinOperator::Join(c) | ast::JoinOperator::Inner(c) => (JoinKind::Inner, Some(c)),
                ast::JoinOperator::Left(c) | ast::JoinOperator::LeftOuter(c) => (JoinKind::Left, Some(c)),
                ast::JoinOperator::Right(c) | ast::JoinOperator::RightOuter(c) => (JoinKind::Right, Some(c)),
                ast::JoinOperator::FullOuter(c) => (JoinKind::Full, Some(c)),
                ast::JoinOperator::CrossJoin(c) => (JoinKind::Inner, Some(c)),
                _ => return Err(SqlError::unsupported("this join type")),
            };
            self.lateral_ref = false;
            let (rnode, rscope) = self.bind_table_factor(&join.relation, Some(&scope))?;
            let right_lateral = std::mem::take(&mut self.lateral_ref);
            check_unique_names(&scope, &rscope)?;
            let left_width = scope.len();
            let mut combined = scope.clone();
            combined.extend(rscope.clone());
            let using: Vec<String> = match constraint {
                Some(ast::JoinConstraint::Using(cols)) => cols
                    .iter()
                    .map(|c| c.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default())
                    .collect(),
                Some(ast::JoinConstraint::Natural) => scope
                    .star(None)
                    .into_iter()
                    .map(|i| scope.columns[i].name.clone())
                    .filter(|n| rscope.star(None).iter().any(|&r| rscope.columns[r].name == *n))
                    .collect(),
                _ => Vec::new(),
            };
            let (on, merged) = match constraint {
                Some(ast::JoinConstraint::On(e)) => (Some(self.bind_bool(e, Ctx::new(&combined, "JOIN/ON"))?), vec![]),
                _ if !using.is_empty() => {
                    let (on, merged) = self.using_condition(&scope, &rscope, &using)?;
                    (Some(on), merged)
                }
                _ => (None, vec![]),
            };
            node = plan_join(kind, node, rnode, on, left_width, right_lateral);
            scope = combined;
            if !merged.is_empty() {
                (node, scope) = merge_using_columns(node, scope, kind, merged);
            }
        }
        self.lateral_ref = first_lateral;
        Ok((node, scope))
    }

    /// The join condition of `USING (names)` (or NATURAL), and the pairs of columns it merges
    /// with their common type.
    fn using_condition(&mut self, left: &Scope, right: &Scope, names: &[String]) -> Result<(Expr, Vec<MergedColumn>)> {
        let mut conds = Vec::new();
        let mut merged: Vec<MergedColumn> = Vec::new();
        for name in names {
            if merged.iter().any(|m| m.name == *name) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_COLUMN,
                    format!("column name \"{name}\" appears more than once in USING clause"),
                ));
            }
            let l = left.find(None, name)?.ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{name}\" specified in USING clause does not exist in left table"),
                )
            })?;
            let r = right.find(None, name)?.ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{name}\" specified in USING clause does not exist in right table"),
                )
            })?;
            let lt = left.columns[l].ty.clone();
            let rt = right.columns[r].ty.clone();
            let resolved = crate::functions::resolve_binary_op(crate::functions::BinaryOp::Eq, &lt, &rt)?;
            let a = self.coerce(Expr::Column(l), &lt, &resolved.arg_types[0], CoercionContext::Implicit, None)?;
            let b = self.coerce(
                Expr::Column(left.len() + r),
                &rt,
                &resolved.arg_types[1],
                CoercionContext::Implicit,
                None,
            )?;
            conds.push(Expr::Call { name: "=".into(), func: resolved.imp, args: vec![a, b], strict: true });
            let ty = self.common_type(&[lt.clone(), rt.clone()], "JOIN/USING")?;
            let left_value = self.coerce(Expr::Column(l), &lt, &ty, CoercionContext::Implicit, None)?;
            let right_value = self.coerce(Expr::Column(left.len() + r), &rt, &ty, CoercionContext::Implicit, None)?;
            merged.push(MergedColumn {
                name: name.clone(),
                ty,
                left: l,
                right: left.len() + r,
                left_value,
                right_value,
            });
        }
        Ok((if conds.len() == 1 { conds.remove(0) } else { Expr::And(conds) }, merged))
    }

    fn bind_table_factor(&mut self, tf: &TableFactor, left_of: Option<&Scope>) -> Result<(Node, Scope)> {
        match tf {
            TableFactor::Table { name, alias, args, with_ordinality, .. } => {
                if let Some(args) = args {
                    let fname = function_name(name);
                    return self.bind_set_function(&fname, &args.args, alias.as_ref(), *with_ordinality, left_of);
                }
                let (schema, rel) = self.split_name(name)?;
                if schema.is_none() {
                    if let Some(cte) = self.ctes.iter().rev().find(|c| c.name == rel).cloned() {
                        let qualifier = alias.as_ref().map(|a| normalize_ident(&a.name)).unwrap_or(rel.clone());
                        let mut scope = Scope::empty();
                        for c in &cte.columns {
                            scope.columns.push(ScopeColumn {
                                qualifier: Some(qualifier.clone()),
                                name: c.name.clone(),
                                ty: c.ty.clone(),
                                table_oid: 0,
                                attnum: 0,
                                hidden: false,
                                qualified_only: false,
                            });
                        }
                        apply_column_aliases(&mut scope, alias.as_ref());
                        if let Node::WorkTable { .. } = cte.plan.as_ref() {
                            self.worktable_refs += 1;
                            return Ok((cte.plan.as_ref().clone(), scope));
                        }
                        return Ok((Node::Cte { plan: cte.plan.clone(), id: cte.id }, scope));
                    }
                }
                let relation = self.resolve_relation(name)?;
                let qualifier = alias.as_ref().map(|a| normalize_ident(&a.name)).unwrap_or(rel);
                let (node, mut scope) = self.relation_node(relation, &qualifier)?;
                apply_column_aliases(&mut scope, alias.as_ref());
                Ok((node, scope))
            }
            TableFactor::Derived { lateral, subquery, alias, .. } => {
                let (node, scope, locking) = if *lateral {
                    let outer = left_of.cloned().unwrap_or_default();
                    self.outer.push(outer);
                    self.correlated.push(false);
                    let r = self.bind_query(subquery);
                    self.outer.pop();
                    self.lateral_ref |= self.correlated.pop().unwrap_or(false);
                    r?
                } else {
                    self.bind_query(subquery)?
                };
                if locking.is_some() {
                    return Err(SqlError::unsupported("FOR UPDATE in a subquery"));
                }
                let mut scope = Scope { columns: scope.columns.into_iter().filter(|c| !c.hidden).collect() };
                if let Some(a) = alias {
                    scope = scope.requalify(&normalize_ident(&a.name));
                    apply_column_aliases(&mut scope, Some(a));
                } else {
                    for c in &mut scope.columns {
                        c.qualifier = None;
                    }
                }
                Ok((node, scope))
            }
            TableFactor::Function { lateral, name, args, alias, with_ordinality } => {
                let fname = function_name(name);
                let _ = lateral; // Functions in FROM are always LATERAL in PostgreSQL.
                self.bind_set_function(&fname, args, alias.as_ref(), *with_ordinality, left_of)
            }
            TableFactor::UNNEST { alias, array_exprs, with_ordinality, .. } => {
                let args: Vec<FunctionArg> =
                    array_exprs.iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e.clone()))).collect();
                self.bind_set_function("unnest", &args, alias.as_ref(), *with_ordinality, left_of)
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                let (node, mut scope) = self.bind_table_with_joins(table_with_joins, left_of)?;
                if let Some(a) = alias {
                    scope = scope.requalify(&normalize_ident(&a.name));
                }
                Ok((node, scope))
            }
            _ => Err(SqlError::unsupported("this FROM item")),
        }
    }

    /// The node reading a relation, and its columns qualified by `qualifier`.
    pub(crate) fn relation_node(&mut self, relation: Relation, qualifier: &str) -> Result<(Node, Scope)> {
        match relation {
            Relation::Table(table) => {
                let mut scope = Scope::empty();
                for (i, c) in table.columns.iter().enumerate() {
                    scope.columns.push(ScopeColumn {
                        qualifier: Some(qualifier.to_string()),
                        name: c.name.clone(),
                        ty: c.ty.clone(),
                        table_oid: table.oid,
                        attnum: i as i16 + 1,
                        hidden: c.dropped,
                        qualified_only: false,
                    });
                }
                let alias = (qualifier != table.name).then(|| qualifier.to_string());
                let scan = Scan { table, access: Access::Full, filter: None, reverse: false, with_key: false, alias };
                Ok((Node::Scan(scan), scope))
            }
            Relation::View(view) => {
                let stmt = crate::sql_parse::parse_one(&view.sql)?;
                let ast::Statement::Query(q) = stmt else {
                    return Err(SqlError::internal(format!("view {} does not hold a query", view.name)));
                };
                let saved_outer = std::mem::take(&mut self.outer);
                let saved_corr = std::mem::take(&mut self.correlated);
                let result = self.bind_query(&q);
                self.outer = saved_outer;
                self.correlated = saved_corr;
                let (node, scope, _) = result?;
                let mut scope =
                    Scope { columns: scope.columns.into_iter().filter(|c| !c.hidden).collect() }.requalify(qualifier);
                for (c, (name, _)) in scope.columns.iter_mut().zip(&view.columns) {
                    c.name = name.clone();
                }
                Ok((node, scope))
            }
            Relation::Virtual(v) => {
                let mut scope = Scope::empty();
                for (i, (name, ty)) in v.columns().into_iter().enumerate() {
                    scope.columns.push(ScopeColumn {
                        qualifier: Some(qualifier.to_string()),
                        name: name.to_string(),
                        ty,
                        table_oid: v.oid(),
                        attnum: i as i16 + 1,
                        hidden: false,
                        qualified_only: false,
                    });
                }
                Ok((Node::Virtual { table: v }, scope))
            }
            Relation::Sequence(seq) => {
                let cols = [("last_value", DataType::Int8), ("log_cnt", DataType::Int8), ("is_called", DataType::Bool)];
                let mut scope = Scope::empty();
                for (name, ty) in cols {
                    scope.columns.push(ScopeColumn {
                        qualifier: Some(qualifier.to_string()),
                        name: name.into(),
                        ty,
                        table_oid: seq.oid,
                        attnum: 0,
                        hidden: false,
                        qualified_only: false,
                    });
                }
                Ok((Node::Function { func: SetFunction::SeriesInt, args: vec![], ordinality: false }, scope))
                    .and_then(|_| Err(SqlError::unsupported("reading a sequence as a table")))
            }
            Relation::Index { .. } => {
                Err(SqlError::new(sqlstate::WRONG_OBJECT_TYPE, format!("\"{qualifier}\" is an index")))
            }
        }
    }

    /// `SELECT srf(args) [AS name]` with nothing else: the function's rows, as if it were in
    /// FROM (the one shape of a set-returning function in a select list that Tandem runs).
    fn bind_select_set_function(
        &mut self,
        s: &ast::Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<Option<(Node, Scope)>> {
        let simple = s.from.is_empty()
            && s.selection.is_none()
            && s.having.is_none()
            && s.distinct.is_none()
            && order_by.is_empty()
            && matches!(&s.group_by, ast::GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
        let (f, alias) = match s.projection.as_slice() {
            [SelectItem::UnnamedExpr(ast::Expr::Function(f))] if simple => (f, None),
            [SelectItem::ExprWithAlias { expr: ast::Expr::Function(f), alias }] if simple => (f, Some(alias)),
            _ => return Ok(None),
        };
        let name = function_name(&f.name);
        let known = matches!(
            name.as_str(),
            "generate_series"
                | "unnest"
                | "pg_partition_ancestors"
                | "regexp_split_to_table"
                | "jsonb_array_elements"
                | "json_array_elements"
                | "jsonb_array_elements_text"
                | "json_array_elements_text"
                | "jsonb_object_keys"
                | "json_object_keys"
        );
        let ast::FunctionArguments::List(list) = &f.args else { return Ok(None) };
        if !known || f.over.is_some() || f.filter.is_some() || !list.clauses.is_empty() {
            return Ok(None);
        }
        let (node, mut scope) = self.bind_set_function(&name, &list.args, None, false, None)?;
        if scope.columns.len() != 1 {
            return Ok(None);
        }
        let column = &mut scope.columns[0];
        column.name = alias.map(normalize_ident).unwrap_or(name);
        column.qualifier = None;
        Ok(Some((node, scope)))
    }

    fn bind_set_function(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
        left_of: Option<&Scope>,
    ) -> Result<(Node, Scope)> {
        // Functions in FROM are implicitly LATERAL: their arguments may use earlier items.
        let outer_scope = left_of.cloned();
        if let Some(s) = &outer_scope {
            self.outer.push(s.clone());
            self.correlated.push(false);
        }
        let empty = Scope::empty();
        let mut bound = Vec::new();
        let mut err = None;
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => match self.bind_expr(e, Ctx::new(&empty, "FROM")) {
                    Ok(b) => bound.push(b),
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                },
                _ => {
                    err = Some(SqlError::unsupported("named arguments"));
                    break;
                }
            }
        }
        if outer_scope.is_some() {
            self.outer.pop();
            self.lateral_ref |= self.correlated.pop().unwrap_or(false);
        }
        if let Some(e) = err {
            return Err(e);
        }
        let types: Vec<DataType> = bound.iter().map(|(_, t)| t.clone()).collect();
        let (func, arg_types, out_cols): (SetFunction, Vec<DataType>, Vec<(String, DataType)>) =
            match (name, types.as_slice()) {
                ("generate_series", [a, b] | [a, b, _]) if is_int(a) && is_int(b) => {
                    let ty = if [a, b].iter().any(|t| **t == DataType::Int8) || types.get(2) == Some(&DataType::Int8) {
                        DataType::Int8
                    } else {
                        DataType::Int4
                    };
                    (SetFunction::SeriesInt, vec![ty.clone(); types.len()], vec![("generate_series".into(), ty)])
                }
                ("generate_series", [a, b, _]) if is_time(a) || is_time(b) => {
                    // As PostgreSQL resolves it: `timestamp` only when an argument is one and
                    // none is `timestamptz`; dates go to the preferred `timestamptz`.
                    let tz = *a == DataType::TimestampTz
                        || *b == DataType::TimestampTz
                        || (*a != DataType::Timestamp && *b != DataType::Timestamp);
                    let ty = if tz { DataType::TimestampTz } else { DataType::Timestamp };
                    let f = if tz { SetFunction::SeriesTimestampTz } else { SetFunction::SeriesTimestamp };
                    (f, vec![ty.clone(), ty.clone(), DataType::Interval], vec![("generate_series".into(), ty)])
                }
                ("generate_series", [_, _] | [_, _, _]) => {
                    let ty = DataType::Numeric(None);
                    (SetFunction::SeriesNumeric, vec![ty.clone(); types.len()], vec![("generate_series".into(), ty)])
                }
                ("unnest", [t]) => {
                    let elem = match t {
                        DataType::Array(e) => (**e).clone(),
                        DataType::Unknown => DataType::Text,
                        other => {
                            return Err(SqlError::new(
                                sqlstate::UNDEFINED_FUNCTION,
                                format!("function unnest({other}) does not exist"),
                            ))
                        }
                    };
                    let arg =
                        if *t == DataType::Unknown { DataType::Array(Box::new(DataType::Text)) } else { t.clone() };
                    (SetFunction::Unnest, vec![arg], vec![("unnest".into(), elem)])
                }
                ("jsonb_array_elements" | "json_array_elements", [t]) => {
                    let jt = if name.starts_with("jsonb") { DataType::Jsonb } else { json_arg(t) };
                    (SetFunction::JsonArrayElements, vec![jt.clone()], vec![("value".into(), jt)])
                }
                ("jsonb_array_elements_text" | "json_array_elements_text", [t]) => {
                    let jt = if name.starts_with("jsonb") { DataType::Jsonb } else { json_arg(t) };
                    (SetFunction::JsonArrayElementsText, vec![jt], vec![("value".into(), DataType::Text)])
                }
                ("jsonb_each" | "json_each", [t]) => {
                    let jt = if name.starts_with("jsonb") { DataType::Jsonb } else { json_arg(t) };
                    (
                        SetFunction::JsonEach,
                        vec![jt.clone()],
                        vec![("key".into(), DataType::Text), ("value".into(), jt)],
                    )
                }
                ("jsonb_each_text" | "json_each_text", [t]) => {
                    let jt = if name.starts_with("jsonb") { DataType::Jsonb } else { json_arg(t) };
                    (
                        SetFunction::JsonEachText,
                        vec![jt],
                        vec![("key".into(), DataType::Text), ("value".into(), DataType::Text)],
                    )
                }
                ("jsonb_object_keys" | "json_object_keys", [t]) => {
                    let jt = if name.starts_with("jsonb") { DataType::Jsonb } else { json_arg(t) };
                    (SetFunction::JsonObjectKeys, vec![jt], vec![(name.into(), DataType::Text)])
                }
                ("regexp_split_to_table", [_, _]) => (
                    SetFunction::RegexpSplit,
                    vec![DataType::Text, DataType::Text],
                    vec![("regexp_split_to_table".into(), DataType::Text)],
                ),
                ("pg_partition_ancestors", [_]) => (
                    SetFunction::PartitionAncestors,
                    vec![DataType::RegClass],
                    vec![("relid".into(), DataType::RegClass)],
                ),
                _ => {
                    let shown: Vec<String> = types.iter().map(|t| t.to_string()).collect();
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_FUNCTION,
                        format!("function {name}({}) does not exist", shown.join(", ")),
                    ));
                }
            };
        let mut exprs = Vec::new();
        for ((e, t), target) in bound.into_iter().zip(&arg_types) {
            exprs.push(self.coerce(e, &t, target, CoercionContext::Implicit, None)?);
        }
        let qualifier = alias.map(|a| normalize_ident(&a.name)).unwrap_or_else(|| name.to_string());
        let mut scope = Scope::empty();
        for (n, t) in out_cols {
            let n = if alias.is_some() && scope.columns.is_empty() && n == name { qualifier.clone() } else { n };
            scope.columns.push(ScopeColumn {
                qualifier: Some(qualifier.clone()),
                name: n,
                ty: t,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                qualified_only: false,
            });
        }
        if ordinality {
            scope.columns.push(ScopeColumn {
                qualifier: Some(qualifier.clone()),
                name: "ordinality".into(),
                ty: DataType::Int8,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                qualified_only: false,
            });
        }
        apply_column_aliases(&mut scope, alias);
        Ok((Node::Function { func, args: exprs, ordinality }, scope))
    }
}

fn is_int(t: &DataType) -> bool {
    t.is_integer() || *t == DataType::Unknown
}

fn is_time(t: &DataType) -> bool {
    matches!(t, DataType::Timestamp | DataType::TimestampTz | DataType::Date)
}

fn json_arg(t: &DataType) -> DataType {
    if *t == DataType::Jsonb {
        DataType::Jsonb
    } else {
        DataType::Json
    }
}

/// Renames columns from `AS t(a, b)`.
fn apply_column_aliases(scope: &mut Scope, alias: Option<&ast::TableAlias>) {
    if let Some(a) = alias {
        let visible: Vec<usize> = scope.star(None);
        for (i, c) in visible.into_iter().zip(&a.columns) {
            scope.columns[i].name = normalize_ident(&c.name);
            if let Some(dt) = &c.data_type {
                if let Ok(t) = bind_type(dt) {
                    scope.columns[i].ty = t;
                }
            }
        }
    }
}

/// The name PostgreSQL gives an unaliased select-list expression.
fn output_name(e: &ast::Expr) -> String {
    named_output(e).0
}

/// PostgreSQL's `FigureColname`: the name and how strongly it holds (2 for a column or
/// function name, 1 for a type name of a cast, 0 for `?column?`). A cast names its column
/// after its type unless what it casts has a stronger name (`x::int` is `x`,
/// `'1'::text::int` is `int4`).
fn named_output(e: &ast::Expr) -> (String, u8) {
    use ast::Expr as E;
    match e {
        E::Cast { expr, data_type, .. } => {
            let (n, strength) = named_output(expr);
            if strength > 1 {
                (n, strength)
            } else {
                (cast_type_name(data_type), 1)
            }
        }
        E::Nested(inner) => named_output(inner),
        E::TypedString(ts) => (cast_type_name(&ts.data_type), 1),
        E::Interval(_) => ("interval".into(), 1),
        other => {
            let n = strong_output_name(other);
            let strength = if n == "?column?" { 0 } else { 2 };
            (n, strength)
        }
    }
}

fn strong_output_name(e: &ast::Expr) -> String {
    use ast::Expr as E;
    match e {
        E::Identifier(id) => normalize_ident(id),
        E::CompoundIdentifier(ids) => ids.last().map(normalize_ident).unwrap_or_default(),
        E::Function(f) => {
            let n = function_name(&f.name);
            n.rsplit('.').next().unwrap_or(&n).to_string()
        }
        E::Case { .. } => "case".into(),
        E::Exists { .. } => "exists".into(),
        E::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::UnnamedExpr(inner)) => output_name(inner),
                Some(SelectItem::ExprWithAlias { alias, .. }) => normalize_ident(alias),
                _ => "?column?".into(),
            },
            _ => "?column?".into(),
        },
        E::Array(_) => "array".into(),
        E::Extract { .. } => "extract".into(),
        E::Position { .. } => "position".into(),
        E::AtTimeZone { .. } => "timezone".into(),
        E::Overlay { .. } => "overlay".into(),
        E::Substring { shorthand: true, .. } => "substr".into(),
        E::Substring { .. } => "substring".into(),
        E::Trim { trim_where: Some(ast::TrimWhereField::Leading), .. } => "ltrim".into(),
        E::Trim { trim_where: Some(ast::TrimWhereField::Trailing), .. } => "rtrim".into(),
        E::Trim { .. } => "btrim".into(),
        E::Ceil { .. } => "ceil".into(),
        E::Floor { .. } => "floor".into(),
        E::CompoundFieldAccess { root, access_chain } => match access_chain.last() {
            Some(ast::AccessExpr::Dot(E::Identifier(id))) => normalize_ident(id),
            _ => output_name(root),
        },
        _ => "?column?".into(),
    }
}

fn cast_type_name(dt: &ast::DataType) -> String {
    bind_type(dt)
        .map(|t| match t {
            DataType::Array(e) => e.type_name(),
            other => other.type_name(),
        })
        .unwrap_or_else(|_| "?column?".into())
}

/// A CTE's output columns, renamed by its column list (42P10 when that list is longer).
fn cte_columns(name: &str, scope: &Scope, alias: &ast::TableAlias) -> Result<Vec<crate::session::Column>> {
    let mut columns: Vec<crate::session::Column> = scope
        .columns
        .iter()
        .filter(|c| !c.hidden)
        .map(|c| crate::session::Column { name: c.name.clone(), ty: c.ty.clone(), table_oid: 0, attnum: 0 })
        .collect();
    if alias.columns.len() > columns.len() {
        return Err(SqlError::new(
            sqlstate::INVALID_COLUMN_REFERENCE,
            format!(
                "WITH query \"{name}\" has {} columns available but {} columns specified",
                columns.len(),
                alias.columns.len()
            ),
        ));
    }
    for (c, a) in columns.iter_mut().zip(&alias.columns) {
        c.name = normalize_ident(&a.name);
    }
    Ok(columns)
}

/// Keys of a bound row for value/unused warnings.
#[allow(dead_code)]
fn unused(_: Value, _: SortKey, _: FunctionArguments) {}
