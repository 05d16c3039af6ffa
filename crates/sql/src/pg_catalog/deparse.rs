//! Printing stored expressions the way PostgreSQL's `pg_get_expr` and
//! `pg_get_constraintdef` do, so that `\d` shows `CHECK (balance >= 0::numeric)` and
//! `'x'::text` as PostgreSQL would.
//!
//! Tandem stores a default or a check as the SQL text the user wrote. PostgreSQL stores the
//! analyzed expression, with the implicit coercions and folded constants, and prints that
//! (`ruleutils.c`). This module re-analyzes the text with the binder (for the types) and prints
//! it with PostgreSQL's rules:
//!
//! * a literal coerced to another type becomes a constant of that type, printed with its type
//!   (`'x'::text`, `0::numeric`, `'2020-01-01 00:00:00+00'::timestamp with time zone`), except
//!   non-negative integers, float-looking numerics and booleans, which need no label;
//! * other coercions print as casts (`f::text`), except the hidden ones (integer widening,
//!   and the final coercion of a default to its column's type);
//! * `BETWEEN` becomes two comparisons, `IN (...)` becomes `= ANY (ARRAY[...])`, `LIKE` is `~~`;
//! * operands are parenthesized where PostgreSQL's pretty printer does (`(a + 1) > (b * 2)`).
//!
//! Expressions this does not know are printed as written. A stored expression is passed to
//! `pg_get_expr` as a small node text (`{DEFAULT :attnum 3} <sql>`, `{CHECK} <sql>`) so that it
//! knows what the expression is for.

use sqlparser::ast::{self, BinaryOperator as AstOp, FunctionArg, FunctionArgExpr, FunctionArguments};

use crate::catalog::objects::Table;
use crate::catalog::Catalog;
use crate::functions::scalar::quote_ident;
use crate::functions::{resolve_binary_op, resolve_function, BinaryOp};
use crate::plan::dml::table_scope;
use crate::plan::expr::{map_binary, Ctx};
use crate::plan::scope::Scope;
use crate::plan::Binder;
use crate::types::{DataType, TextContext};

/// The node text of column `attnum`'s default `sql` (`pg_attrdef.adbin`).
pub fn default_node(attnum: i16, sql: &str) -> String {
    format!("{{DEFAULT :attnum {attnum}}} {sql}")
}

/// The node text of check expression `sql` (`pg_constraint.conbin`).
pub fn check_node(sql: &str) -> String {
    format!("{{CHECK}} {sql}")
}

/// What a node text holds.
enum Node<'a> {
    Default(i16, &'a str),
    Check(&'a str),
    Plain(&'a str),
}

fn parse_node(node: &str) -> Node<'_> {
    if let Some(rest) = node.strip_prefix("{DEFAULT :attnum ") {
        if let Some((n, sql)) = rest.split_once("} ") {
            if let Ok(n) = n.parse() {
                return Node::Default(n, sql);
            }
        }
    }
    match node.strip_prefix("{CHECK} ") {
        Some(sql) => Node::Check(sql),
        None => Node::Plain(node),
    }
}

/// How an expression is printed: the catalog and settings it is read with, and whether in
/// PostgreSQL's pretty mode (fewer parentheses, as psql asks for) or its plain mode (every
/// operator in parentheses, as `pg_get_expr(adbin, adrelid)` and `information_schema` show).
pub struct Style<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The search path.
    pub search_path: &'a [String],
    /// Text settings, for constants.
    pub text: &'a TextContext,
    /// Pretty mode.
    pub pretty: bool,
}

/// `pg_get_expr(node, relation [, pretty])`: the expression of a node text, printed for
/// `table`.
pub fn expr_text(style: &Style<'_>, node: &str, table: Option<&Table>) -> String {
    let (sql, target) = match parse_node(node) {
        Node::Default(attnum, sql) => {
            let ty = table.and_then(|t| t.columns.get(attnum as usize - 1)).map(|c| c.ty.clone());
            (sql, ty)
        }
        Node::Check(sql) | Node::Plain(sql) => (sql, None),
    };
    let Ok(parsed) = crate::sql_parse::parse_expr(sql) else { return sql.to_string() };
    let scope = table.map(|t| table_scope(t, &t.name)).unwrap_or_default();
    let mut d = Deparser {
        binder: Binder::new(style.catalog, style.search_path, sql, &[]),
        scope,
        text: style.text,
        pretty: style.pretty,
    };
    let e = d.expr(&parsed);
    match target {
        Some(ty) => d.coerce(e, &ty, Context::Assignment).sql,
        None => e.sql,
    }
}

/// What kind of expression a printed piece is, for the parenthesization rules.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// A literal not yet given a type by its context.
    Literal(Literal),
    /// A constant, a column, a function call or anything printed with its own delimiters.
    Simple,
    /// An operator; the name decides precedence among `+ - * / %`.
    Op(String),
    /// `AND`.
    And,
    /// `OR`.
    Or,
    /// `NOT`.
    Not,
    /// `IS [NOT] NULL` and the like.
    Test,
}

/// A literal as written.
#[derive(Clone, Debug, PartialEq)]
enum Literal {
    /// An integer that fits `integer`.
    Int(i64),
    /// Any other number.
    Number(String),
    /// A quoted string (type `unknown`).
    Str(String),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// `NULL`.
    Null,
}

/// A printed expression with its type.
#[derive(Clone, Debug)]
struct D {
    sql: String,
    ty: DataType,
    kind: Kind,
}

impl D {
    fn simple(sql: String, ty: DataType) -> Self {
        D { sql, ty, kind: Kind::Simple }
    }
}

/// Where a coercion happens: an operator or function argument, or the final assignment to a
/// column (whose coercion PostgreSQL does not show).
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Argument,
    Assignment,
}

struct Deparser<'a> {
    binder: Binder<'a>,
    scope: Scope,
    text: &'a TextContext,
    pretty: bool,
}

fn is_arith(op: &str) -> Option<bool> {
    match op {
        "+" | "-" => Some(false),
        "*" | "/" | "%" => Some(true),
        _ => None,
    }
}

/// PostgreSQL's `isSimpleNode` for the shapes printed here: whether `child` needs no
/// parentheses as an operand of `parent` (`left` when it is the left operand).
fn needs_no_parens(child: &Kind, parent: &Kind, left: bool) -> bool {
    match child {
        Kind::Literal(_) | Kind::Simple => true,
        Kind::Op(op) => match parent {
            Kind::Op(pop) => match (is_arith(op), is_arith(pop)) {
                (Some(high), Some(parent_high)) => (high && !parent_high) || (high == parent_high && left),
                _ => false,
            },
            Kind::And | Kind::Or | Kind::Not => true,
            _ => false,
        },
        Kind::Test => matches!(parent, Kind::And | Kind::Or | Kind::Not),
        Kind::And | Kind::Not => matches!(parent, Kind::And | Kind::Or),
        Kind::Or => matches!(parent, Kind::Or),
    }
}

fn paren(child: &D, parent: &Kind, left: bool) -> String {
    if needs_no_parens(&child.kind, parent, left) {
        child.sql.clone()
    } else {
        format!("({})", child.sql)
    }
}

/// The type name in a `::type` label (no modifiers for constants).
fn label(ty: &DataType) -> String {
    match ty {
        DataType::Bpchar(_) => "bpchar".into(),
        other => other.without_modifier().sql_name(),
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Deparser<'_> {
    /// A composite expression: as is in pretty mode, else in its own parentheses.
    fn node(&self, sql: String, ty: DataType, kind: Kind) -> D {
        if self.pretty {
            D { sql, ty, kind }
        } else {
            D { sql: format!("({sql})"), ty, kind: Kind::Simple }
        }
    }

    /// `d::label`, with the parentheses each mode puts around the operand.
    fn cast_sql(&self, d: &D, label: &str) -> String {
        if self.pretty {
            format!("{}::{label}", paren(d, &Kind::Op("::".into()), false))
        } else {
            format!("({})::{label}", d.sql)
        }
    }

    /// The type the binder gives `e` (text when it cannot bind it).
    fn type_of(&mut self, e: &ast::Expr) -> DataType {
        self.binder.bind_expr(e, Ctx::new(&self.scope, "DEFAULT")).map(|(_, t)| t).unwrap_or(DataType::Text)
    }

    fn expr(&mut self, e: &ast::Expr) -> D {
        use ast::Expr as E;
        match e {
            E::Nested(inner) => self.expr(inner),
            E::Value(v) => self.literal(&v.value).unwrap_or_else(|| D::simple(e.to_string(), DataType::Text)),
            E::Identifier(_) | E::CompoundIdentifier(_) => {
                let name = match e {
                    E::Identifier(id) => crate::plan::bind::normalize_ident(id),
                    E::CompoundIdentifier(ids) => {
                        ids.last().map(crate::plan::bind::normalize_ident).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                let ty = self.type_of(e);
                D::simple(quote_ident(&name), ty)
            }
            E::UnaryOp { op: ast::UnaryOperator::Minus, expr } => match self.expr(expr) {
                D { kind: Kind::Literal(Literal::Int(n)), ty, .. } => {
                    D { sql: format!("-{n}"), ty, kind: Kind::Literal(Literal::Int(-n)) }
                }
                D { kind: Kind::Literal(Literal::Number(n)), ty, .. } => {
                    D { sql: format!("-{n}"), ty, kind: Kind::Literal(Literal::Number(format!("-{n}"))) }
                }
                other => {
                    let ty = other.ty.clone();
                    self.node(format!("- {}", paren(&other, &Kind::Op("-".into()), false)), ty, Kind::Op("-".into()))
                }
            },
            E::UnaryOp { op: ast::UnaryOperator::Not, expr } => {
                let inner = self.expr(expr);
                let inner = self.coerce(inner, &DataType::Bool, Context::Argument);
                self.node(format!("NOT {}", paren(&inner, &Kind::Not, false)), DataType::Bool, Kind::Not)
            }
            E::BinaryOp { left, op: AstOp::And, right } => self.boolean(left, right, Kind::And, "AND"),
            E::BinaryOp { left, op: AstOp::Or, right } => self.boolean(left, right, Kind::Or, "OR"),
            E::BinaryOp { left, op, right } => match map_binary(op) {
                Some(bop) => {
                    let (l, r) = (self.expr(left), self.expr(right));
                    self.operator(l, bop, r).unwrap_or_else(|| D::simple(e.to_string(), DataType::Text))
                }
                None => D::simple(e.to_string(), self.type_of(e)),
            },
            E::Like { negated, expr, pattern, escape_char: None, .. } => {
                self.pattern(expr, pattern, if *negated { BinaryOp::NotLike } else { BinaryOp::Like }, e)
            }
            E::ILike { negated, expr, pattern, escape_char: None, .. } => {
                self.pattern(expr, pattern, if *negated { BinaryOp::NotILike } else { BinaryOp::ILike }, e)
            }
            E::Between { expr, negated, low, high } => {
                let (lo_op, hi_op, join, kind) = if *negated {
                    (BinaryOp::Lt, BinaryOp::Gt, "OR", Kind::Or)
                } else {
                    (BinaryOp::GtEq, BinaryOp::LtEq, "AND", Kind::And)
                };
                let (x, lo, hi) = (self.expr(expr), self.expr(low), self.expr(high));
                match (self.operator(x.clone(), lo_op, lo), self.operator(x, hi_op, hi)) {
                    (Some(a), Some(b)) => self.node(
                        format!("{} {join} {}", paren(&a, &kind, true), paren(&b, &kind, false)),
                        DataType::Bool,
                        kind,
                    ),
                    _ => D::simple(e.to_string(), DataType::Bool),
                }
            }
            E::InList { expr, list, negated } => {
                let (op, quantifier) = if *negated { (BinaryOp::NotEq, "ALL") } else { (BinaryOp::Eq, "ANY") };
                self.quantified(expr, list, op, quantifier).unwrap_or_else(|| D::simple(e.to_string(), DataType::Bool))
            }
            E::AnyOp { left, compare_op, right, .. } | E::AllOp { left, compare_op, right } => {
                let quantifier = if matches!(e, E::AnyOp { .. }) { "ANY" } else { "ALL" };
                let printed = match (map_binary(compare_op), right.as_ref()) {
                    (Some(op), E::Array(a)) => self.quantified(left, &a.elem, op, quantifier),
                    _ => None,
                };
                printed.unwrap_or_else(|| D::simple(e.to_string(), DataType::Bool))
            }
            E::IsNull(inner) => self.test(inner, "IS NULL"),
            E::IsNotNull(inner) => self.test(inner, "IS NOT NULL"),
            E::IsTrue(inner) => self.test(inner, "IS TRUE"),
            E::IsNotTrue(inner) => self.test(inner, "IS NOT TRUE"),
            E::IsFalse(inner) => self.test(inner, "IS FALSE"),
            E::IsNotFalse(inner) => self.test(inner, "IS NOT FALSE"),
            E::Cast { expr, data_type, .. } => match crate::plan::bind::bind_type(data_type) {
                Ok(ty) => {
                    let inner = self.expr(expr);
                    self.cast(inner, &ty)
                }
                Err(_) => D::simple(e.to_string(), DataType::Text),
            },
            E::TypedString(ts) => match (crate::plan::bind::bind_type(&ts.data_type), &ts.value.value) {
                (Ok(ty), ast::Value::SingleQuotedString(s)) => {
                    let lit = D { sql: quote(s), ty: DataType::Unknown, kind: Kind::Literal(Literal::Str(s.clone())) };
                    self.cast(lit, &ty)
                }
                _ => D::simple(e.to_string(), DataType::Text),
            },
            E::Function(f) => self.function(f, e),
            _ => D::simple(e.to_string(), self.type_of(e)),
        }
    }

    fn literal(&self, v: &ast::Value) -> Option<D> {
        let (lit, ty, sql) = match v {
            ast::Value::Number(n, _) => match n.parse::<i32>() {
                Ok(i) => (Literal::Int(i64::from(i)), DataType::Int4, n.clone()),
                Err(_) if n.parse::<i64>().is_ok() => (Literal::Number(n.clone()), DataType::Int8, n.clone()),
                Err(_) => (Literal::Number(n.clone()), DataType::Numeric(None), n.clone()),
            },
            ast::Value::SingleQuotedString(s) => (Literal::Str(s.clone()), DataType::Unknown, quote(s)),
            ast::Value::Boolean(b) => (Literal::Bool(*b), DataType::Bool, b.to_string()),
            ast::Value::Null => (Literal::Null, DataType::Unknown, "NULL".into()),
            _ => return None,
        };
        Some(D { sql, ty, kind: Kind::Literal(lit) })
    }

    /// A constant of type `ty` from the literal `lit`, printed as PostgreSQL prints constants.
    fn constant(&self, lit: &Literal, ty: &DataType, hidden: bool) -> D {
        let ty = ty.clone();
        let plain = |sql: String, ty: DataType| D { sql, ty, kind: Kind::Simple };
        let labeled = |body: String, ty: &DataType| format!("{body}::{}", label(ty));
        match lit {
            Literal::Null => plain(if hidden { "NULL".into() } else { labeled("NULL".into(), &ty) }, ty),
            Literal::Bool(b) if ty == DataType::Bool => plain(b.to_string(), ty),
            Literal::Int(n) if hidden || matches!(ty, DataType::Int2 | DataType::Int4 | DataType::Int8) => {
                if *n >= 0 {
                    plain(n.to_string(), ty)
                } else {
                    plain(labeled(quote(&n.to_string()), &DataType::Int4), ty)
                }
            }
            Literal::Int(n) if *n >= 0 => plain(labeled(n.to_string(), &ty), ty),
            Literal::Number(n) => {
                let native = if n.trim_start_matches('-').parse::<i64>().is_ok() {
                    DataType::Int8
                } else {
                    DataType::Numeric(None)
                };
                let float_like = n.contains(['.', 'e', 'E']);
                if n.starts_with('-') || native == DataType::Int8 {
                    plain(labeled(quote(n), &native), ty)
                } else if hidden || (float_like && matches!(ty, DataType::Numeric(_))) {
                    plain(n.clone(), ty)
                } else {
                    plain(labeled(n.clone(), &ty), ty)
                }
            }
            Literal::Str(s) => {
                let shown = crate::types::text::parse_text(s, &ty, self.text)
                    .map(|v| crate::types::text::format_text(&v, &ty, self.text))
                    .unwrap_or_else(|_| s.clone());
                match ty {
                    DataType::Bool => plain(if shown == "t" { "true" } else { "false" }.into(), ty),
                    DataType::Int4 if !shown.starts_with('-') => plain(shown, ty),
                    _ => {
                        let sql = labeled(quote(&shown), &ty);
                        plain(sql, ty)
                    }
                }
            }
            other => plain(format!("{other:?}"), ty),
        }
    }

    /// `d` coerced to `to`.
    fn coerce(&self, d: D, to: &DataType, ctx: Context) -> D {
        let hidden = ctx == Context::Assignment;
        if let Kind::Literal(lit) = &d.kind {
            if d.ty == DataType::Unknown || d.ty.without_modifier() != to.without_modifier() {
                return self.constant(lit, to, hidden && d.ty != DataType::Unknown);
            }
            return self.constant(lit, &d.ty, true);
        }
        if d.ty.without_modifier() == to.without_modifier() || hidden || *to == DataType::Unknown {
            return d;
        }
        if d.ty.is_integer() && to.is_integer() {
            return d;
        }
        D { sql: self.cast_sql(&d, &label(to)), ty: to.clone(), kind: Kind::Simple }
    }

    /// An explicit cast.
    fn cast(&self, d: D, to: &DataType) -> D {
        match &d.kind {
            Kind::Literal(lit) => self.constant(lit, to, false),
            _ => D { sql: self.cast_sql(&d, &to.sql_name()), ty: to.clone(), kind: Kind::Simple },
        }
    }

    fn boolean(&mut self, left: &ast::Expr, right: &ast::Expr, kind: Kind, word: &str) -> D {
        let l = self.expr(left);
        let l = self.coerce(l, &DataType::Bool, Context::Argument);
        let r = self.expr(right);
        let r = self.coerce(r, &DataType::Bool, Context::Argument);
        self.node(format!("{} {word} {}", paren(&l, &kind, true), paren(&r, &kind, false)), DataType::Bool, kind)
    }

    fn operator(&self, l: D, op: BinaryOp, r: D) -> Option<D> {
        let resolved = resolve_binary_op(op, &l.ty, &r.ty).ok()?;
        let name = op_name(op);
        let l = self.coerce(l, &resolved.arg_types[0], Context::Argument);
        let r = self.coerce(r, &resolved.arg_types[1], Context::Argument);
        let kind = Kind::Op(name.to_string());
        Some(self.node(format!("{} {name} {}", paren(&l, &kind, true), paren(&r, &kind, false)), resolved.ret, kind))
    }

    fn pattern(&mut self, expr: &ast::Expr, pattern: &ast::Expr, op: BinaryOp, whole: &ast::Expr) -> D {
        let (l, r) = (self.expr(expr), self.expr(pattern));
        self.operator(l, op, r).unwrap_or_else(|| D::simple(whole.to_string(), DataType::Bool))
    }

    fn test(&mut self, inner: &ast::Expr, what: &str) -> D {
        let d = self.expr(inner);
        let d = if matches!(d.kind, Kind::Literal(_)) { self.coerce(d, &DataType::Text, Context::Argument) } else { d };
        self.node(format!("{} {what}", paren(&d, &Kind::Test, false)), DataType::Bool, Kind::Test)
    }

    /// `x op ANY|ALL (ARRAY[list])` (also what `IN (list)` becomes).
    fn quantified(&mut self, expr: &ast::Expr, list: &[ast::Expr], op: BinaryOp, quantifier: &str) -> Option<D> {
        let x = self.expr(expr);
        let items: Vec<D> = list.iter().map(|e| self.expr(e)).collect();
        let elem = if x.ty == DataType::Unknown {
            items.iter().find(|i| i.ty != DataType::Unknown)?.ty.clone()
        } else {
            x.ty.clone()
        };
        let resolved = resolve_binary_op(op, &elem, &elem).ok()?;
        let arg = resolved.arg_types[0].clone();
        let x = self.coerce(x, &arg, Context::Argument);
        let items: Vec<String> = items.into_iter().map(|i| self.coerce(i, &elem, Context::Argument).sql).collect();
        let mut array = format!("ARRAY[{}]", items.join(", "));
        if elem.without_modifier() != arg.without_modifier() {
            let whole = D::simple(array, elem.clone());
            array = self.cast_sql(&whole, &format!("{}[]", label(&arg)));
        }
        let name = op_name(op);
        let kind = Kind::Op(name.into());
        Some(self.node(format!("{} {name} {quantifier} ({array})", paren(&x, &kind, true)), DataType::Bool, kind))
    }

    fn function(&mut self, f: &ast::Function, whole: &ast::Expr) -> D {
        let name = crate::plan::expr::function_name(&f.name);
        let args: Vec<&ast::Expr> = match &f.args {
            FunctionArguments::None => {
                let keyword = match name.as_str() {
                    "current_timestamp" | "current_date" | "current_time" | "localtimestamp" | "localtime"
                    | "current_user" | "session_user" | "current_role" | "user" | "current_schema"
                    | "current_catalog" => name.to_uppercase(),
                    _ => name.clone(),
                };
                return D::simple(keyword, self.type_of(whole));
            }
            FunctionArguments::List(list) if list.duplicate_treatment.is_none() && list.clauses.is_empty() => list
                .args
                .iter()
                .filter_map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect(),
            _ => return D::simple(whole.to_string(), self.type_of(whole)),
        };
        let printed: Vec<D> = args.iter().map(|a| self.expr(a)).collect();
        let types: Vec<DataType> = printed.iter().map(|d| d.ty.clone()).collect();
        let ty = self.type_of(whole);
        let targets = match name.as_str() {
            "nextval" | "currval" => vec![DataType::RegClass],
            _ => resolve_function(&name, &types).map(|r| r.arg_types).unwrap_or(types),
        };
        let args: Vec<String> = printed
            .into_iter()
            .zip(targets.iter().chain(std::iter::repeat(&DataType::Unknown)))
            .map(|(d, t)| self.coerce(d, t, Context::Argument).sql)
            .collect();
        D::simple(format!("{}({})", quote_ident(&name), args.join(", ")), ty)
    }
}

/// The operator's name as PostgreSQL prints it.
fn op_name(op: BinaryOp) -> &'static str {
    use BinaryOp as B;
    match op {
        B::Add => "+",
        B::Sub => "-",
        B::Mul => "*",
        B::Div => "/",
        B::Mod => "%",
        B::Pow => "^",
        B::Concat => "||",
        B::Eq => "=",
        B::NotEq => "<>",
        B::Lt => "<",
        B::LtEq => "<=",
        B::Gt => ">",
        B::GtEq => ">=",
        B::Like => "~~",
        B::NotLike => "!~~",
        B::ILike => "~~*",
        B::NotILike => "!~~*",
        B::RegexMatch => "~",
        B::RegexIMatch => "~*",
        B::RegexNotMatch => "!~",
        B::RegexNotIMatch => "!~*",
        B::BitAnd => "&",
        B::BitOr => "|",
        B::BitXor => "#",
        B::ShiftLeft => "<<",
        B::ShiftRight => ">>",
        B::JsonGet => "->",
        B::JsonGetText => "->>",
        B::JsonPath => "#>",
        B::JsonPathText => "#>>",
        B::Contains => "@>",
        B::ContainedBy => "<@",
        B::JsonHasKey => "?",
        B::JsonHasAny => "?|",
        B::JsonHasAll => "?&",
        B::Overlaps => "&&",
        B::StartsWith => "^@",
    }
}
