//! Binding INSERT, UPDATE and DELETE.
//!
//! Every expression that computes a stored value is coerced to its column's type in the
//! assignment context (so `'12'` stores into an integer column and a too-long string into a
//! `varchar(5)` fails with 22001). NOT NULL, CHECK and key constraints are checked by the
//! executor, row by row, before anything is buffered.

use std::sync::Arc;

use sqlparser::ast::{self, AssignmentTarget, FromTable, SelectItem};

use crate::catalog::objects::Table;
use crate::catalog::Relation;
use crate::error::{sqlstate, Result, SqlError};
use crate::plan::access::{choose_access, conjuncts};
use crate::plan::bind::{normalize_ident, Binder};
use crate::plan::expr::{expr_pos, Ctx};
use crate::plan::scope::{Scope, ScopeColumn};
use crate::plan::{Access, Expr, Node, Scan};
use crate::session::Column;
use crate::types::cast::CoercionContext;

/// `RETURNING`: expressions over the table row (new row for INSERT/UPDATE, old for DELETE).
#[derive(Clone, Debug)]
pub struct Returning {
    /// Expressions.
    pub exprs: Vec<Expr>,
    /// Output columns.
    pub columns: Vec<Column>,
}

/// Where INSERT's rows come from.
#[derive(Clone, Debug)]
pub enum InsertSource {
    /// `VALUES`: one entry per target column; `None` is `DEFAULT`.
    Values(Vec<Vec<Option<Expr>>>),
    /// `INSERT ... SELECT`: rows with one value per target column.
    Query(Node),
    /// `DEFAULT VALUES`.
    Defaults,
}

/// What `ON CONFLICT` does.
#[derive(Clone, Debug)]
pub enum ConflictAction {
    /// `DO NOTHING`.
    Nothing,
    /// `DO UPDATE SET ...`: assignments over (existing row ++ excluded row).
    Update {
        /// Column position and new value.
        assignments: Vec<(usize, Expr)>,
        /// `WHERE` over (existing ++ excluded).
        filter: Option<Expr>,
    },
}

/// `ON CONFLICT`.
#[derive(Clone, Debug)]
pub struct OnConflict {
    /// The arbiter: `None` for the primary key, `Some(i)` for unique index `i`; `any` when no
    /// target was named (DO NOTHING on any unique violation).
    pub arbiter: Option<usize>,
    /// No conflict target was given.
    pub any: bool,
    /// The action.
    pub action: ConflictAction,
}

/// A bound INSERT.
#[derive(Clone, Debug)]
pub struct InsertPlan {
    /// The table.
    pub table: Arc<Table>,
    /// Target column positions, in source order.
    pub columns: Vec<usize>,
    /// The rows.
    pub source: InsertSource,
    /// Default per column position (bound; `None` means NULL).
    pub defaults: Vec<Option<Expr>>,
    /// `ON CONFLICT`.
    pub on_conflict: Option<OnConflict>,
    /// `RETURNING`.
    pub returning: Option<Returning>,
    /// CHECK constraints: name and predicate over the row.
    pub checks: Vec<(String, Expr)>,
}

/// A bound UPDATE.
#[derive(Clone, Debug)]
pub struct UpdatePlan {
    /// The table.
    pub table: Arc<Table>,
    /// The target rows (with their keys).
    pub scan: Scan,
    /// With `FROM`: the target scan joined to the other tables, giving rows of the target
    /// row, its key, then the other tables' columns.
    pub from: Option<Node>,
    /// Column position and new value, over the old row (followed, with `FROM`, by the key
    /// and the other tables' columns).
    pub assignments: Vec<(usize, Expr)>,
    /// `RETURNING` over the new row (extended as the assignments' rows are).
    pub returning: Option<Returning>,
    /// CHECK constraints over the new row.
    pub checks: Vec<(String, Expr)>,
}

/// A bound DELETE.
#[derive(Clone, Debug)]
pub struct DeletePlan {
    /// The table.
    pub table: Arc<Table>,
    /// The target rows (with their keys).
    pub scan: Scan,
    /// With `USING`: the target scan joined to the other tables (as [`UpdatePlan::from`]).
    pub from: Option<Node>,
    /// `RETURNING` over the deleted row.
    pub returning: Option<Returning>,
}

/// The scope of a table's row, qualified by `qualifier`.
pub(crate) fn table_scope(table: &Table, qualifier: &str) -> Scope {
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
    scope
}

fn is_default(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default"))
}

impl Binder<'_> {
    fn target_table(&self, name: &ast::ObjectName, verb: &str) -> Result<Arc<Table>> {
        match self.resolve_relation(name)? {
            Relation::Table(t) => Ok(t),
            Relation::View(v) => Err(SqlError::new(
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("cannot {verb} view \"{}\"", v.name),
            )
            .detail("Views that do not select from a single table or view are not automatically updatable.")),
            other => Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!(
                    "cannot {verb} relation \"{}\"",
                    match other {
                        Relation::Virtual(v) => v.name().to_string(),
                        _ => name.to_string(),
                    }
                ),
            )),
        }
    }

    pub(crate) fn bind_checks(&mut self, table: &Table) -> Result<Vec<(String, Expr)>> {
        let scope = table_scope(table, &table.name);
        let mut out = Vec::new();
        for check in &table.checks {
            let parsed = crate::sql_parse::parse_expr(&check.expr)?;
            let pred = self.bind_bool(&parsed, Ctx::new(&scope, "CHECK"))?;
            out.push((check.name.clone(), pred));
        }
        Ok(out)
    }

    fn bind_defaults(&mut self, table: &Table) -> Result<Vec<Option<Expr>>> {
        let empty = Scope::empty();
        let mut out = Vec::new();
        for c in &table.columns {
            let expr = match (&c.default, &c.identity, c.dropped) {
                (_, _, true) => None,
                (_, Some(identity), _) => Some(Expr::Special {
                    func: crate::plan::Special::Nextval,
                    args: vec![Expr::Const(crate::types::Value::Oid(identity.sequence))],
                }),
                (Some(d), None, _) => {
                    let parsed = crate::sql_parse::parse_expr(d)?;
                    Some(self.bind_expr_as(&parsed, Ctx::new(&empty, "DEFAULT"), &c.ty, CoercionContext::Assignment)?)
                }
                (None, None, _) => None,
            };
            out.push(expr);
        }
        Ok(out)
    }

    fn bind_returning(&mut self, items: &Option<Vec<SelectItem>>, scope: &Scope) -> Result<Option<Returning>> {
        let Some(items) = items else { return Ok(None) };
        let mut exprs = Vec::new();
        let mut columns = Vec::new();
        for item in items {
            match item {
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    for i in scope.star(None) {
                        let c = &scope.columns[i];
                        exprs.push(Expr::Column(i));
                        columns.push(Column {
                            name: c.name.clone(),
                            ty: c.ty.clone(),
                            table_oid: c.table_oid,
                            attnum: c.attnum,
                        });
                    }
                }
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let (bound, ty) = self.bind_expr(e, Ctx::new(scope, "RETURNING"))?;
                    let name = match item {
                        SelectItem::ExprWithAlias { alias, .. } => normalize_ident(alias),
                        _ => match e {
                            ast::Expr::Identifier(id) => normalize_ident(id),
                            ast::Expr::CompoundIdentifier(ids) => ids.last().map(normalize_ident).unwrap_or_default(),
                            _ => "?column?".into(),
                        },
                    };
                    let (table_oid, attnum) = match &bound {
                        Expr::Column(i) => (scope.columns[*i].table_oid, scope.columns[*i].attnum),
                        _ => (0, 0),
                    };
                    exprs.push(bound);
                    columns.push(Column { name, ty, table_oid, attnum });
                }
                SelectItem::ExprWithAliases { .. } => return Err(SqlError::unsupported("multiple aliases")),
            }
        }
        Ok(Some(Returning { exprs, columns }))
    }

    /// Binds an INSERT.
    pub(crate) fn bind_insert(&mut self, insert: &ast::Insert) -> Result<InsertPlan> {
        if insert.ignore
            || insert.overwrite
            || insert.or.is_some()
            || !insert.assignments.is_empty()
            || insert.partitioned.is_some()
        {
            return Err(SqlError::unsupported("this INSERT form"));
        }
        let ast::TableObject::TableName(name) = &insert.table else {
            return Err(SqlError::unsupported("INSERT into a table function"));
        };
        let table = self.target_table(name, "insert into")?;
        let qualifier = insert.table_alias.as_ref().map(|a| normalize_ident(&a.alias)).unwrap_or(table.name.clone());

        let mut columns: Vec<usize> = if insert.columns.is_empty() {
            table.live_columns().map(|(i, _)| i).collect()
        } else {
            let mut cols = Vec::new();
            for c in &insert.columns {
                let id =
                    c.0.last()
                        .and_then(|p| p.as_ident())
                        .ok_or_else(|| SqlError::unsupported("this column reference"))?;
                let n = normalize_ident(id);
                let i = table.column_index(&n).ok_or_else(|| {
                    SqlError::new(
                        sqlstate::UNDEFINED_COLUMN,
                        format!("column \"{n}\" of relation \"{}\" does not exist", table.name),
                    )
                    .at(self.pos(id.span))
                })?;
                if cols.contains(&i) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_COLUMN,
                        format!("column \"{n}\" specified more than once"),
                    )
                    .at(self.pos(id.span)));
                }
                cols.push(i);
            }
            cols
        };
        let empty = Scope::empty();
        let source = match &insert.source {
            None => InsertSource::Defaults,
            Some(q) => match (q.body.as_ref(), &q.order_by, &q.limit_clause, &q.with) {
                (ast::SetExpr::Values(values), None, None, None) => {
                    let width = values.rows.first().map_or(0, |r| r.content.len());
                    if values.rows.iter().any(|r| r.content.len() != width) {
                        return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "VALUES lists must all be the same length"));
                    }
                    if insert.columns.is_empty() {
                        // Without a column list, the values fill the leading columns.
                        columns.truncate(width);
                    }
                    let mut rows = Vec::new();
                    for row in &values.rows {
                        // PostgreSQL points at the first expression, or target column, too many.
                        if row.content.len() > columns.len() {
                            return Err(SqlError::new(
                                sqlstate::SYNTAX_ERROR,
                                "INSERT has more expressions than target columns",
                            )
                            .at(expr_pos(self, &row.content[columns.len()])));
                        }
                        if row.content.len() < columns.len() {
                            let extra = insert.columns.get(row.content.len()).and_then(|c| c.0.first());
                            return Err(SqlError::new(
                                sqlstate::SYNTAX_ERROR,
                                "INSERT has more target columns than expressions",
                            )
                            .at(extra.and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span))));
                        }
                        let mut out = Vec::new();
                        for (e, col) in row.content.iter().zip(&columns) {
                            if is_default(e) {
                                out.push(None);
                                continue;
                            }
                            let c = &table.columns[*col];
                            let bound = self
                                .bind_expr_as(e, Ctx::new(&empty, "VALUES"), &c.ty, CoercionContext::Assignment)
                                .map_err(|err| {
                                    if err.code == sqlstate::DATATYPE_MISMATCH
                                        && err.message.starts_with("column is of type")
                                    {
                                        SqlError {
                                            message: err.message.replacen(
                                                "column is",
                                                &format!("column \"{}\" is", c.name),
                                                1,
                                            ),
                                            ..err
                                        }
                                    } else {
                                        err
                                    }
                                })?;
                            out.push(Some(bound));
                        }
                        rows.push(out);
                    }
                    InsertSource::Values(rows)
                }
                _ => {
                    let (node, scope, _) = self.bind_query(q)?;
                    let visible: Vec<usize> = scope.star(None);
                    if insert.columns.is_empty() {
                        columns.truncate(visible.len());
                    }
                    if visible.len() > columns.len() {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            "INSERT has more expressions than target columns",
                        ));
                    }
                    if visible.len() < columns.len() {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            "INSERT has more target columns than expressions",
                        ));
                    }
                    let mut exprs = Vec::new();
                    for (i, col) in visible.iter().zip(&columns) {
                        let from = scope.columns[*i].ty.clone();
                        let to = table.columns[*col].ty.clone();
                        exprs.push(self.coerce(Expr::Column(*i), &from, &to, CoercionContext::Assignment, None)?);
                    }
                    InsertSource::Query(Node::Project { input: Box::new(node), exprs })
                }
            },
        };
        for col in &columns {
            let c = &table.columns[*col];
            if c.identity.as_ref().is_some_and(|i| i.always) {
                let explicit = match &source {
                    InsertSource::Values(rows) => {
                        let pos = columns.iter().position(|x| x == col).unwrap_or(0);
                        rows.iter().any(|r| r[pos].is_some())
                    }
                    InsertSource::Query(_) => true,
                    InsertSource::Defaults => false,
                };
                if explicit {
                    return Err(SqlError::new(
                        sqlstate::GENERATED_ALWAYS,
                        format!("cannot insert a non-DEFAULT value into column \"{}\"", c.name),
                    )
                    .detail(format!("Column \"{}\" is an identity column defined as GENERATED ALWAYS.", c.name))
                    .hint("Use OVERRIDING SYSTEM VALUE to override."));
                }
            }
        }
        let defaults = self.bind_defaults(&table)?;
        let scope = table_scope(&table, &qualifier);
        let on_conflict = match &insert.on {
            None => None,
            Some(ast::OnInsert::OnConflict(oc)) => Some(self.bind_on_conflict(&table, oc, &scope)?),
            Some(_) => return Err(SqlError::unsupported("ON DUPLICATE KEY")),
        };
        let returning = self.bind_returning(&insert.returning, &scope)?;
        let checks = self.bind_checks(&table)?;
        Ok(InsertPlan { table, columns, source, defaults, on_conflict, returning, checks })
    }

    fn bind_on_conflict(&mut self, table: &Arc<Table>, oc: &ast::OnConflict, scope: &Scope) -> Result<OnConflict> {
        let (arbiter, any) = match &oc.conflict_target {
            None => (None, true),
            Some(ast::ConflictTarget::Columns(cols)) => {
                let positions: Vec<usize> = cols
                    .iter()
                    .map(|c| {
                        let n = normalize_ident(c);
                        table.column_index(&n).ok_or_else(|| {
                            SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{n}\" does not exist"))
                        })
                    })
                    .collect::<Result<_>>()?;
                let same = |a: &[usize]| {
                    let mut x = a.to_vec();
                    let mut y = positions.clone();
                    x.sort();
                    y.sort();
                    x == y
                };
                if table.primary_key.as_ref().is_some_and(|pk| same(&pk.columns)) {
                    (None, false)
                } else if let Some(i) = table.indexes.iter().position(|idx| idx.unique && same(&idx.columns)) {
                    (Some(i), false)
                } else {
                    return Err(SqlError::new(
                        sqlstate::INVALID_COLUMN_REFERENCE,
                        "there is no unique or exclusion constraint matching the ON CONFLICT specification",
                    ));
                }
            }
            Some(ast::ConflictTarget::OnConstraint(name)) => {
                let n = name.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default();
                if table.primary_key.as_ref().is_some_and(|pk| pk.name == n) {
                    (None, false)
                } else if let Some(i) = table
                    .indexes
                    .iter()
                    .position(|idx| idx.unique && (idx.name == n || idx.constraint.as_deref() == Some(&n)))
                {
                    (Some(i), false)
                } else {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!("constraint \"{n}\" for table \"{}\" does not exist", table.name),
                    ));
                }
            }
        };
        let action = match &oc.action {
            ast::OnConflictAction::DoNothing => ConflictAction::Nothing,
            ast::OnConflictAction::DoUpdate(du) => {
                if any {
                    return Err(SqlError::new(
                        sqlstate::SYNTAX_ERROR,
                        "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    ));
                }
                let mut both = scope.clone();
                let mut excluded = table_scope(table, "excluded");
                for c in &mut excluded.columns {
                    c.table_oid = 0;
                }
                both.extend(excluded);
                let assignments = self.bind_assignments(table, &du.assignments, &both)?;
                let filter = match &du.selection {
                    Some(w) => Some(self.bind_bool(w, Ctx::new(&both, "WHERE"))?),
                    None => None,
                };
                ConflictAction::Update { assignments, filter }
            }
        };
        Ok(OnConflict { arbiter, any, action })
    }

    fn bind_assignments(
        &mut self,
        table: &Table,
        assignments: &[ast::Assignment],
        scope: &Scope,
    ) -> Result<Vec<(usize, Expr)>> {
        let mut out: Vec<(usize, Expr)> = Vec::new();
        for a in assignments {
            let AssignmentTarget::ColumnName(name) = &a.target else {
                return Err(SqlError::unsupported("assigning to a column list"));
            };
            let id = name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .ok_or_else(|| SqlError::unsupported("this assignment target"))?;
            let n = normalize_ident(id);
            let col = table.column_index(&n).ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{n}\" of relation \"{}\" does not exist", table.name),
                )
                .at(self.pos(id.span))
            })?;
            if out.iter().any(|(c, _)| *c == col) {
                return Err(SqlError::new(
                    sqlstate::SYNTAX_ERROR,
                    format!("multiple assignments to same column \"{n}\""),
                ));
            }
            let c = &table.columns[col];
            if c.identity.as_ref().is_some_and(|i| i.always) && !is_default(&a.value) {
                return Err(SqlError::new(
                    sqlstate::GENERATED_ALWAYS,
                    format!("column \"{n}\" can only be updated to DEFAULT"),
                )
                .detail(format!("Column \"{n}\" is an identity column defined as GENERATED ALWAYS.")));
            }
            let value = if is_default(&a.value) {
                let defaults = self.bind_defaults(table)?;
                defaults[col].clone().unwrap_or(Expr::Const(crate::types::Value::Null))
            } else {
                self.bind_expr_as(&a.value, Ctx::new(scope, "UPDATE"), &c.ty, CoercionContext::Assignment).map_err(
                    |err| {
                        if err.code == sqlstate::DATATYPE_MISMATCH && err.message.starts_with("column is of type") {
                            SqlError {
                                message: err.message.replacen("column is", &format!("column \"{n}\" is"), 1),
                                ..err
                            }
                        } else {
                            err
                        }
                    },
                )?
            };
            out.push((col, value));
        }
        Ok(out)
    }

    fn target_scan(&mut self, table: &Arc<Table>, scope: &Scope, selection: &Option<ast::Expr>) -> Result<Scan> {
        let filter = match selection {
            Some(w) => {
                if crate::plan::expr::contains_aggregate(w) {
                    return Err(SqlError::new(
                        sqlstate::GROUPING_ERROR,
                        "aggregate functions are not allowed in WHERE",
                    ));
                }
                Some(self.bind_bool(w, Ctx::new(scope, "WHERE"))?)
            }
            None => None,
        };
        let mut scan =
            Scan { table: table.clone(), access: Access::Full, filter, reverse: false, with_key: true, alias: None };
        if let Some(f) = scan.filter.take() {
            let parts = conjuncts(f);
            scan.filter =
                Some(if parts.len() == 1 { parts.into_iter().next().expect("one") } else { Expr::And(parts) });
        }
        choose_access(&mut scan);
        Ok(scan)
    }

    /// The INSERT that a `COPY table (columns) FROM STDIN` performs, without its rows.
    pub(crate) fn bind_copy_target(&mut self, table: Arc<Table>, columns: Vec<usize>) -> Result<InsertPlan> {
        let defaults = self.bind_defaults(&table)?;
        let checks = self.bind_checks(&table)?;
        Ok(InsertPlan {
            table,
            columns,
            source: InsertSource::Values(vec![]),
            defaults,
            on_conflict: None,
            returning: None,
            checks,
        })
    }

    /// The target's rows joined to the tables of `UPDATE ... FROM` / `DELETE ... USING`
    /// under the WHERE condition, and the scope of those rows (target columns, the hidden row
    /// key, then the other tables' columns).
    fn join_target(
        &mut self,
        table: &Arc<Table>,
        scope: &Scope,
        from: &[ast::TableWithJoins],
        selection: &Option<ast::Expr>,
    ) -> Result<(Node, Scope)> {
        let (from_node, from_scope) = self.bind_from(from)?;
        let mut combined = scope.clone();
        combined.columns.push(ScopeColumn {
            qualifier: None,
            name: "ctid".into(),
            ty: crate::types::DataType::Bytea,
            table_oid: 0,
            attnum: 0,
            hidden: true,
            qualified_only: false,
        });
        crate::plan::joins::check_unique_names(&combined, &from_scope)?;
        combined.extend(from_scope);
        let alias = scope.columns.first().and_then(|c| c.qualifier.clone()).filter(|q| *q != table.name);
        let target =
            Scan { table: table.clone(), access: Access::Full, filter: None, reverse: false, with_key: true, alias };
        let width = scope.len() + 1;
        let joined = crate::plan::joins::plan_join(
            crate::plan::JoinKind::Inner,
            Node::Scan(target),
            from_node,
            None,
            width,
            false,
        );
        let node = match selection {
            Some(w) => {
                if crate::plan::expr::contains_aggregate(w) {
                    return Err(SqlError::new(
                        sqlstate::GROUPING_ERROR,
                        "aggregate functions are not allowed in WHERE",
                    ));
                }
                let pred = self.bind_bool(w, Ctx::new(&combined, "WHERE"))?;
                crate::plan::access::push_down(joined, conjuncts(pred))
            }
            None => joined,
        };
        Ok((node, combined))
    }

    /// Binds an UPDATE.
    pub(crate) fn bind_update(&mut self, update: &ast::Update) -> Result<UpdatePlan> {
        if !update.table.joins.is_empty() {
            return Err(SqlError::unsupported("UPDATE of a join"));
        }
        let ast::TableFactor::Table { name, alias, .. } = &update.table.relation else {
            return Err(SqlError::unsupported("UPDATE of this relation"));
        };
        let table = self.target_table(name, "update")?;
        let qualifier = alias.as_ref().map(|a| normalize_ident(&a.name)).unwrap_or(table.name.clone());
        let scope = table_scope(&table, &qualifier);
        let checks = self.bind_checks(&table)?;
        if let Some(ast::UpdateTableFromKind::AfterSet(from) | ast::UpdateTableFromKind::BeforeSet(from)) = &update.from
        {
            let (node, combined) = self.join_target(&table, &scope, from, &update.selection)?;
            let assignments = self.bind_assignments(&table, &update.assignments, &combined)?;
            let returning = self.bind_returning(&update.returning, &combined)?;
            let scan = self.target_scan(&table, &scope, &None)?;
            return Ok(UpdatePlan { table, scan, from: Some(node), assignments, returning, checks });
        }
        let assignments = self.bind_assignments(&table, &update.assignments, &scope)?;
        let scan = self.target_scan(&table, &scope, &update.selection)?;
        let returning = self.bind_returning(&update.returning, &scope)?;
        Ok(UpdatePlan { table, scan, from: None, assignments, returning, checks })
    }

    /// Binds a DELETE.
    pub(crate) fn bind_delete(&mut self, delete: &ast::Delete) -> Result<DeletePlan> {
        if !delete.tables.is_empty() || delete.limit.is_some() || !delete.order_by.is_empty() {
            return Err(SqlError::unsupported("this DELETE form"));
        }
        let from = match &delete.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
        };
        let [twj] = from.as_slice() else {
            return Err(SqlError::unsupported("DELETE from several tables"));
        };
        let ast::TableFactor::Table { name, alias, .. } = &twj.relation else {
            return Err(SqlError::unsupported("DELETE from this relation"));
        };
        let table = self.target_table(name, "delete from")?;
        let qualifier = alias.as_ref().map(|a| normalize_ident(&a.name)).unwrap_or(table.name.clone());
        let scope = table_scope(&table, &qualifier);
        if let Some(using) = &delete.using {
            let (node, combined) = self.join_target(&table, &scope, using, &delete.selection)?;
            let returning = self.bind_returning(&delete.returning, &combined)?;
            let scan = self.target_scan(&table, &scope, &None)?;
            return Ok(DeletePlan { table, scan, from: Some(node), returning });
        }
        let scan = self.target_scan(&table, &scope, &delete.selection)?;
        let returning = self.bind_returning(&delete.returning, &scope)?;
        Ok(DeletePlan { table, scan, from: None, returning })
    }
}
