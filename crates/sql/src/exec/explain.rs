//! EXPLAIN: the chosen plan as indented text in PostgreSQL's style, with conditions and keys
//! deparsed (`Index Scan using t_pkey on t`, `Index Cond: (id = 2)`, `Hash Cond: (u.t_id =
//! t.id)`, `Sort Key: b DESC`), but without costs: Tandem has no cost model, so the access
//! paths and join methods are what there is to see.
//!
//! As in PostgreSQL, scan conditions name columns bare and join, sort and group conditions
//! qualify them (`t.id`) when the plan reads more than one table. A scan's filter leaves out
//! the conjuncts its index condition already applies; a subquery in a condition shows as
//! `(SubPlan n)` with its plan printed under the node.

use std::sync::Arc;

use crate::catalog::objects::Table;
use crate::exec::deparse::{constant, Deparser};
use crate::plan::access::{conjuncts, key_preds, KeyPred};
use crate::plan::bind::Plan;
use crate::plan::{Access, AggCall, Expr, JoinKind, KeyRange, Node, Scan, SetFunction, SetOpKind, SortKey};
use crate::types::Value;

/// The EXPLAIN lines for a bound statement.
pub fn explain(plan: &Plan) -> Vec<String> {
    let mut x = Explainer { out: Vec::new(), qualify: false, outer: Vec::new(), indent: 0 };
    match plan {
        Plan::Query(q) => {
            x.qualify = tables_in(&q.root) > 1;
            if q.locking.is_some() {
                x.line(0, "LockRows".into());
                x.node(&q.root, 1);
            } else {
                x.node(&q.root, 0);
            }
        }
        Plan::Insert(i) => {
            x.line(0, format!("Insert on {}", i.table.name));
            match &i.source {
                crate::plan::dml::InsertSource::Query(n) => {
                    x.qualify = tables_in(n) > 1;
                    x.node(n, 1)
                }
                crate::plan::dml::InsertSource::Values(rows) => x.line(1, values_scan(rows.len())),
                crate::plan::dml::InsertSource::Defaults => x.line(1, "Result".into()),
            }
        }
        Plan::Update(u) => {
            x.line(0, format!("Update on {}", u.table.name));
            match &u.from {
                Some(n) => {
                    x.qualify = true;
                    x.node(n, 1)
                }
                None => x.node(&Node::Scan(u.scan.clone()), 1),
            }
        }
        Plan::Delete(d) => {
            x.line(0, format!("Delete on {}", d.table.name));
            match &d.from {
                Some(n) => {
                    x.qualify = true;
                    x.node(n, 1)
                }
                None => x.node(&Node::Scan(d.scan.clone()), 1),
            }
        }
        Plan::Ddl(_) | Plan::Utility(_) => x.line(0, "Utility Statement".into()),
        Plan::Explain(inner) => return explain(inner),
    }
    x.out
}

fn values_scan(rows: usize) -> String {
    format!("Values Scan on \"*VALUES*\" ({rows} row{})", if rows == 1 { "" } else { "s" })
}

/// How many table scans a plan has (columns are qualified when more than one).
fn tables_in(n: &Node) -> usize {
    match n {
        Node::Scan(_) => 1,
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Aggregate { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input, .. }
        | Node::Window { input, .. } => tables_in(input),
        Node::NestedLoop { left, right, .. }
        | Node::HashJoin { left, right, .. }
        | Node::SetOp { left, right, .. }
        | Node::RecursiveUnion { init: left, step: right, .. } => tables_in(left) + tables_in(right),
        Node::Cte { plan, .. } => tables_in(plan),
        Node::Values { .. } | Node::Virtual { .. } | Node::Function { .. } | Node::WorkTable { .. } => 0,
    }
}

fn function_name(f: SetFunction) -> String {
    let name = match f {
        SetFunction::SeriesInt
        | SetFunction::SeriesTimestamp
        | SetFunction::SeriesTimestampTz
        | SetFunction::SeriesNumeric => "generate_series",
        SetFunction::Unnest => "unnest",
        SetFunction::JsonArrayElements => "jsonb_array_elements",
        SetFunction::JsonArrayElementsText => "jsonb_array_elements_text",
        SetFunction::JsonEach => "jsonb_each",
        SetFunction::JsonEachText => "jsonb_each_text",
        SetFunction::JsonObjectKeys => "jsonb_object_keys",
        SetFunction::RegexpSplit => "regexp_split_to_table",
        other => return format!("{other:?}").to_lowercase(),
    };
    name.to_string()
}

fn join_name(kind: JoinKind) -> &'static str {
    match kind {
        JoinKind::Inner => "",
        JoinKind::Left => " Left Join",
        JoinKind::Right => " Right Join",
        JoinKind::Full => " Full Join",
    }
}

/// The name a scan's table goes by in the query.
fn scan_name(scan: &Scan) -> &str {
    scan.alias.as_deref().unwrap_or(&scan.table.name)
}

/// The key columns an access path reads, and its range over them.
fn key_columns<'t>(table: &'t Table, access: &Access) -> &'t [usize] {
    match access {
        Access::Index { index, .. } => &table.indexes[*index].columns,
        _ => table.primary_key.as_ref().map(|p| p.columns.as_slice()).unwrap_or(&[]),
    }
}

/// True when the conjunct `c` is one of those the access path applies through its key (the
/// binder keeps them in the filter too; EXPLAIN shows them once, as the index condition).
fn applied_by_key(c: &Expr, cols: &[usize], access: &Access) -> bool {
    let preds = key_preds(c);
    let [(col, pred)] = preds.as_slice() else { return false };
    match access {
        Access::Full => false,
        Access::PkPoints(_) => cols.contains(col) && matches!(pred, KeyPred::Eq(_) | KeyPred::In(_)),
        Access::PkRange(range) | Access::Index { range, .. } => {
            let eq = range.eq.len();
            match pred {
                KeyPred::Eq(_) => cols[..eq.min(cols.len())].contains(col),
                KeyPred::Lower(..) => range.lower.is_some() && cols.get(eq) == Some(col),
                KeyPred::Upper(..) => range.upper.is_some() && cols.get(eq) == Some(col),
                KeyPred::In(_) => false,
            }
        }
    }
}

struct Explainer {
    out: Vec<String>,
    /// Name columns `table.column` (in join, sort and group conditions).
    qualify: bool,
    /// Labels of the rows a lateral right side sees as outer rows, innermost last.
    outer: Vec<Vec<String>>,
    /// Extra indentation of a subquery's plan printed under its node.
    indent: usize,
}

impl Explainer {
    fn line(&mut self, depth: usize, text: String) {
        let pad = " ".repeat(self.indent);
        if depth == 0 {
            self.out.push(format!("{pad}{text}"));
        } else {
            self.out.push(format!("{pad}{}->  {text}", "  ".repeat(depth * 3 - 2)));
        }
    }

    /// The indentation of a node's detail lines at `depth`.
    fn detail_prefix(&self, depth: usize) -> String {
        " ".repeat(self.indent + depth * 6 + 2)
    }

    fn detail(&mut self, depth: usize, text: String) {
        let prefix = self.detail_prefix(depth);
        self.out.push(format!("{prefix}{text}"));
    }

    /// Labels of the columns `n` outputs: qualified for join conditions when `qualify`.
    fn labels(&self, n: &Node, qualify: bool) -> Vec<String> {
        match n {
            Node::Scan(scan) => {
                let prefix = if qualify { format!("{}.", scan_name(scan)) } else { String::new() };
                let mut out: Vec<String> = scan.table.columns.iter().map(|c| format!("{prefix}{}", c.name)).collect();
                if scan.with_key {
                    out.push(format!("{prefix}ctid"));
                }
                out
            }
            Node::Values { rows } => {
                (1..=rows.first().map(Vec::len).unwrap_or(0)).map(|i| format!("\"*VALUES*\".column{i}")).collect()
            }
            Node::Virtual { table } => table.columns().iter().map(|c| c.0.to_string()).collect(),
            Node::Function { func, ordinality, .. } => {
                let mut out = vec![function_name(*func)];
                if matches!(func, SetFunction::JsonEach | SetFunction::JsonEachText) {
                    out = vec!["key".into(), "value".into()];
                }
                if *ordinality {
                    out.push("ordinality".into());
                }
                out
            }
            Node::Filter { input, .. } | Node::Sort { input, .. } | Node::Limit { input, .. } => {
                self.labels(input, qualify)
            }
            Node::Distinct { input, .. } => self.labels(input, qualify),
            Node::Project { input, exprs } => {
                let row = self.labels(input, qualify);
                exprs.iter().map(|e| self.deparse(e, &row, &mut Vec::new())).collect()
            }
            Node::NestedLoop { left, right, .. } | Node::HashJoin { left, right, .. } => {
                let mut out = self.labels(left, qualify);
                out.extend(self.labels(right, qualify));
                out
            }
            Node::Aggregate { input, group_by, aggregates } => {
                let row = self.labels(input, qualify);
                let mut out: Vec<String> = group_by.iter().map(|g| self.deparse(g, &row, &mut Vec::new())).collect();
                out.extend(aggregates.iter().map(|a| self.aggregate(a, &row)));
                out
            }
            Node::SetOp { left, .. } => self.labels(left, qualify),
            Node::Cte { plan, .. } => self.labels(plan, qualify),
            Node::RecursiveUnion { init, .. } => self.labels(init, qualify),
            Node::WorkTable { width, .. } => (1..=*width).map(|i| format!("column{i}")).collect(),
            Node::Window { input, functions } => {
                let mut out = self.labels(input, qualify);
                out.extend(functions.iter().map(|f| format!("{}()", f.name)));
                out
            }
        }
    }

    fn deparse(&self, e: &Expr, row: &[String], subplans: &mut Vec<Arc<Node>>) -> String {
        Deparser { row, outer: &self.outer, subplans }.expr(e)
    }

    fn aggregate(&self, a: &AggCall, row: &[String]) -> String {
        let mut subplans = Vec::new();
        let args = if a.args.is_empty() {
            "*".to_string()
        } else {
            a.args.iter().map(|e| self.deparse(e, row, &mut subplans)).collect::<Vec<_>>().join(", ")
        };
        let mut s = format!("{}({}{args})", a.name, if a.distinct { "DISTINCT " } else { "" });
        if let Some(f) = &a.filter {
            s.push_str(&format!(" FILTER (WHERE {})", self.deparse(f, row, &mut subplans)));
        }
        s
    }

    /// Prints `label: expr` under a node, then the plans of the subqueries in it (which see
    /// the row as `qualified` outer columns).
    fn condition(&mut self, depth: usize, label: &str, e: &Expr, row: &[String], qualified: &[String]) {
        let lines = self.condition_lines(depth, label, e, row, qualified);
        self.out.extend(lines);
    }

    /// The lines [`Explainer::condition`] prints.
    fn condition_lines(
        &mut self,
        depth: usize,
        label: &str,
        e: &Expr,
        row: &[String],
        qualified: &[String],
    ) -> Vec<String> {
        let saved_out = std::mem::take(&mut self.out);
        let mut subplans = Vec::new();
        let text = self.deparse(e, row, &mut subplans);
        self.detail(depth, format!("{label}: {text}"));
        for (i, plan) in subplans.iter().enumerate() {
            self.detail(depth, format!("SubPlan {}", i + 1));
            let saved = std::mem::take(&mut self.outer);
            self.outer = saved.clone();
            self.outer.push(qualified.to_vec());
            self.indent += 2;
            self.node(plan, depth + 1);
            self.indent -= 2;
            self.outer = saved;
        }
        std::mem::replace(&mut self.out, saved_out)
    }

    fn sort_keys(&self, keys: &[SortKey], row: &[String]) -> String {
        keys.iter()
            .map(|k| {
                let mut s = self.deparse(&k.expr, row, &mut Vec::new());
                if k.desc {
                    s.push_str(" DESC");
                }
                // Only a non-default NULLS placement is shown.
                if k.nulls_first != k.desc {
                    s.push_str(if k.nulls_first { " NULLS FIRST" } else { " NULLS LAST" });
                }
                s
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The index condition of a key access: equalities on a prefix, then bounds.
    fn key_condition(&self, scan: &Scan, row: &[String]) -> Option<String> {
        let cols = key_columns(&scan.table, &scan.access);
        let value = |e: &Expr| self.deparse(e, row, &mut Vec::new());
        let parts: Vec<String> = match &scan.access {
            Access::Full => return None,
            Access::PkPoints(keys) if keys.len() == 1 => {
                cols.iter().zip(&keys[0]).map(|(c, v)| format!("({} = {})", row[*c], value(v))).collect()
            }
            Access::PkPoints(keys) => {
                // Several keys of a one-column primary key (`id IN (...)`).
                let consts: Option<Vec<Value>> = keys
                    .iter()
                    .map(|k| match k.as_slice() {
                        [Expr::Const(v)] => Some(v.clone()),
                        _ => None,
                    })
                    .collect();
                let array = match consts {
                    Some(values) => constant(&Value::Array(values)),
                    None => format!("ARRAY[{}]", keys.iter().flatten().map(value).collect::<Vec<_>>().join(", ")),
                };
                vec![format!("({} = ANY ({array}))", row[cols[0]])]
            }
            Access::PkRange(range) | Access::Index { range, .. } => range_parts(range, cols, row, &value),
        };
        Some(if parts.len() == 1 { parts[0].clone() } else { format!("({})", parts.join(" AND ")) })
    }

    fn scan(&mut self, scan: &Scan, depth: usize) {
        let name = match &scan.alias {
            Some(a) => format!("{} {a}", scan.table.name),
            None => scan.table.name.clone(),
        };
        let index = match &scan.access {
            Access::Full => None,
            Access::Index { index, .. } => Some(scan.table.indexes[*index].name.clone()),
            _ => scan.table.primary_key.as_ref().map(|p| p.name.clone()),
        };
        let backward = if scan.reverse { " Backward" } else { "" };
        match &index {
            Some(i) => self.line(depth, format!("Index Scan{backward} using {i} on {name}")),
            None => self.line(depth, format!("Seq Scan on {name}")),
        }
        let row = self.labels(&Node::Scan(scan.clone()), false);
        if let Some(cond) = self.key_condition(scan, &row) {
            self.detail(depth, format!("Index Cond: {cond}"));
        }
        if let Some(filter) = &scan.filter {
            let cols = key_columns(&scan.table, &scan.access);
            let rest: Vec<Expr> =
                conjuncts(filter.clone()).into_iter().filter(|c| !applied_by_key(c, cols, &scan.access)).collect();
            let rest = match rest.len() {
                0 => None,
                1 => rest.into_iter().next(),
                _ => Some(Expr::And(rest)),
            };
            if let Some(f) = rest {
                let qualified = self.labels(&Node::Scan(scan.clone()), true);
                self.condition(depth, "Filter", &f, &row, &qualified);
            }
        }
    }

    fn node(&mut self, n: &Node, depth: usize) {
        let q = self.qualify;
        match n {
            Node::Values { rows } => self.line(depth, values_scan(rows.len())),
            Node::Scan(scan) => self.scan(scan, depth),
            Node::Virtual { table } => self.line(depth, format!("Function Scan on {}", table.name())),
            Node::Function { func, .. } => self.line(depth, format!("Function Scan on {}", function_name(*func))),
            Node::Filter { input, predicate } => {
                // PostgreSQL shows a filter as a detail of the node it filters: after that
                // node's line and details, before its inputs.
                let row = self.labels(input, q);
                let at = self.out.len();
                self.node(input, depth);
                let qualified = self.labels(input, true);
                let lines = self.condition_lines(depth, "Filter", predicate, &row, &qualified);
                let prefix = self.detail_prefix(depth);
                let mut i = (at + 1).min(self.out.len());
                while i < self.out.len() && is_detail_of(&self.out[i], &prefix) {
                    i += 1;
                }
                self.out.splice(i..i, lines);
            }
            Node::Project { input, .. } => self.node(input, depth),
            Node::NestedLoop { kind, left, right, on, lateral } => {
                self.line(depth, format!("Nested Loop{}", join_name(*kind)));
                if let Some(on) = on {
                    let mut row = self.labels(left, q);
                    row.extend(self.labels(right, q));
                    self.condition(depth, "Join Filter", on, &row, &row);
                }
                self.node(left, depth + 1);
                if *lateral {
                    let left_row = self.labels(left, q);
                    self.outer.push(left_row);
                    self.node(right, depth + 1);
                    self.outer.pop();
                } else {
                    self.node(right, depth + 1);
                }
            }
            Node::HashJoin { kind, left, right, left_keys, right_keys, residual } => {
                let name = match kind {
                    JoinKind::Inner => "Hash Join",
                    JoinKind::Left => "Hash Left Join",
                    JoinKind::Right => "Hash Right Join",
                    JoinKind::Full => "Hash Full Join",
                };
                self.line(depth, name.into());
                let (lrow, rrow) = (self.labels(left, q), self.labels(right, q));
                let conds: Vec<String> = left_keys
                    .iter()
                    .zip(right_keys)
                    .map(|(l, r)| {
                        format!(
                            "({} = {})",
                            self.deparse(l, &lrow, &mut Vec::new()),
                            self.deparse(r, &rrow, &mut Vec::new())
                        )
                    })
                    .collect();
                let cond = if conds.len() == 1 { conds[0].clone() } else { format!("({})", conds.join(" AND ")) };
                self.detail(depth, format!("Hash Cond: {cond}"));
                if let Some(r) = residual {
                    let mut row = lrow.clone();
                    row.extend(rrow);
                    self.condition(depth, "Join Filter", r, &row, &row);
                }
                self.node(left, depth + 1);
                self.line(depth + 1, "Hash".into());
                self.node(right, depth + 2);
            }
            Node::Aggregate { input, group_by, .. } => {
                let row = self.labels(input, q);
                if group_by.is_empty() {
                    self.line(depth, "Aggregate".into());
                } else {
                    self.line(depth, "HashAggregate".into());
                    let keys: Vec<String> = group_by.iter().map(|g| self.deparse(g, &row, &mut Vec::new())).collect();
                    self.detail(depth, format!("Group Key: {}", keys.join(", ")));
                }
                self.node(input, depth + 1);
            }
            Node::Sort { input, keys } => {
                let row = self.labels(input, q);
                self.line(depth, "Sort".into());
                self.detail(depth, format!("Sort Key: {}", self.sort_keys(keys, &row)));
                self.node(input, depth + 1);
            }
            Node::Limit { input, .. } => {
                self.line(depth, "Limit".into());
                self.node(input, depth + 1);
            }
            Node::Distinct { input, on } => {
                let row = self.labels(input, q);
                let keys = match on {
                    Some(on) => on.iter().map(|e| self.deparse(e, &row, &mut Vec::new())).collect::<Vec<_>>(),
                    None => row.clone(),
                };
                self.line(depth, if on.is_some() { "Unique".into() } else { "HashAggregate".into() });
                self.detail(depth, format!("Group Key: {}", keys.join(", ")));
                self.node(input, depth + 1);
            }
            Node::SetOp { op, all, left, right } => {
                let (name, below) = match (op, all) {
                    (SetOpKind::Union, true) => ("Append", depth),
                    (SetOpKind::Union, false) => ("HashAggregate", depth + 1),
                    (SetOpKind::Intersect, _) => ("HashSetOp Intersect", depth),
                    (SetOpKind::Except, _) => ("HashSetOp Except", depth),
                };
                self.line(depth, format!("{name}{}", if *all && *op != SetOpKind::Union { " All" } else { "" }));
                if below > depth {
                    self.detail(depth, format!("Group Key: {}", self.labels(left, q).join(", ")));
                    self.line(below, "Append".into());
                }
                self.node(left, below + 1);
                self.node(right, below + 1);
            }
            Node::Cte { plan, id } => {
                self.line(depth, format!("CTE Scan on cte{id}"));
                self.node(plan, depth + 1);
            }
            Node::RecursiveUnion { init, step, .. } => {
                self.line(depth, "Recursive Union".into());
                self.node(init, depth + 1);
                self.node(step, depth + 1);
            }
            Node::WorkTable { .. } => self.line(depth, "WorkTable Scan".into()),
            Node::Window { input, .. } => {
                self.line(depth, "WindowAgg".into());
                self.node(input, depth + 1);
            }
        }
    }
}

/// True for a detail line of the node whose details start with `prefix` (not a child line).
fn is_detail_of(line: &str, prefix: &str) -> bool {
    line.strip_prefix(prefix).is_some_and(|rest| !rest.starts_with(' ') && !rest.starts_with("->"))
}

/// `(col = v)` for the equal prefix, then the bounds on the next column.
fn range_parts(range: &KeyRange, cols: &[usize], row: &[String], value: &dyn Fn(&Expr) -> String) -> Vec<String> {
    let mut parts: Vec<String> =
        cols.iter().zip(&range.eq).map(|(c, v)| format!("({} = {})", row[*c], value(v))).collect();
    if let Some(col) = cols.get(range.eq.len()) {
        if let Some((v, inclusive)) = &range.lower {
            parts.push(format!("({} {} {})", row[*col], if *inclusive { ">=" } else { ">" }, value(v)));
        }
        if let Some((v, inclusive)) = &range.upper {
            parts.push(format!("({} {} {})", row[*col], if *inclusive { "<=" } else { "<" }, value(v)));
        }
    }
    parts
}
