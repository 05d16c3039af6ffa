//! The binder: turns a parsed statement into a [`Plan`], resolving names against the catalog
//! and types against the function library.

use std::sync::Arc;

use sqlparser::ast::{self, Ident, ObjectName};
use sqlparser::tokenizer::{Location, Span};

use crate::catalog::objects::{INFORMATION_SCHEMA, PG_CATALOG};
use crate::catalog::{Catalog, Relation};
use crate::error::{sqlstate, Result, SqlError};
use crate::plan::ddl::DdlPlan;
use crate::plan::dml::{DeletePlan, InsertPlan, UpdatePlan};
use crate::plan::scope::Scope;
use crate::plan::utility::Utility;
use crate::plan::{Node, QueryPlan};
use crate::types::text::TextContext;
use crate::types::DataType;

/// A bound statement.
#[derive(Debug)]
pub enum Plan {
    /// A query returning rows.
    Query(QueryPlan),
    /// INSERT.
    Insert(InsertPlan),
    /// UPDATE.
    Update(UpdatePlan),
    /// DELETE.
    Delete(DeletePlan),
    /// A schema change.
    Ddl(DdlPlan),
    /// Session and transaction control, SHOW, COPY and the like.
    Utility(Utility),
    /// EXPLAIN of a plan.
    Explain(Box<Plan>),
}

/// One common table expression in scope.
#[derive(Clone, Debug)]
pub(crate) struct CteDef {
    pub name: String,
    pub plan: Arc<Node>,
    pub columns: Vec<crate::session::Column>,
    pub id: usize,
}

/// Binding state for one statement.
pub struct Binder<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) search_path: &'a [String],
    /// Parameter types: declared by the client or inferred while binding.
    pub(crate) params: Vec<Option<DataType>>,
    /// The parameters the statement refers to (0-based).
    pub(crate) used_params: std::collections::BTreeSet<usize>,
    /// Scopes of the enclosing queries, innermost last (for correlated subqueries).
    pub(crate) outer: Vec<Scope>,
    /// Set when a column of an enclosing query was referenced, per enclosing depth.
    pub(crate) correlated: Vec<bool>,
    pub(crate) ctes: Vec<CteDef>,
    pub(crate) cte_count: usize,
    /// References to a recursive CTE's work table bound so far (to tell a recursive term
    /// from a plain UNION under `WITH RECURSIVE`).
    pub(crate) worktable_refs: usize,
    /// Set while binding a FROM item that refers to the items before it (LATERAL).
    pub(crate) lateral_ref: bool,
    /// The window calls of the SELECT being bound, with the columns holding their values.
    pub(crate) window_slots: Vec<crate::plan::window::WindowSlot>,
    /// The session's settings for reading literals (DateStyle matters to what is valid).
    pub(crate) text: TextContext,
    /// Untyped string literals seen so far with their positions, so that a literal found
    /// invalid when it is coerced can be pointed at.
    pub(crate) literals: Vec<(String, u32)>,
    sql: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Binder<'a> {
    /// A binder for a statement of `sql`, with the client's declared parameter types.
    pub fn new(catalog: &'a Catalog, search_path: &'a [String], sql: &'a str, params: &[Option<DataType>]) -> Self {
        let mut line_starts = vec![0];
        for (i, ch) in sql.chars().enumerate() {
            if ch == '\n' {
                line_starts.push(i + 1);
            }
        }
        Self {
            catalog,
            search_path,
            params: params.to_vec(),
            used_params: Default::default(),
            outer: Vec::new(),
            correlated: Vec::new(),
            ctes: Vec::new(),
            cte_count: 0,
            worktable_refs: 0,
            lateral_ref: false,
            window_slots: Vec::new(),
            text: TextContext::default(),
            literals: Vec::new(),
            sql,
            line_starts,
        }
    }

    /// Reads literals with the session's settings (DateStyle) rather than the defaults.
    pub fn with_text_context(mut self, text: TextContext) -> Self {
        self.text = text;
        self
    }

    /// The statement text.
    pub fn sql(&self) -> &str {
        self.sql
    }

    /// Parameter types after binding; unresolved ones default to `text`, as PostgreSQL does
    /// for parameters it cannot infer.
    pub fn param_types(&self) -> Vec<DataType> {
        self.params.iter().map(|p| p.clone().unwrap_or(DataType::Text)).collect()
    }

    /// Fails (42P18, as PostgreSQL) for a parameter whose type nothing gives: the statement
    /// never uses it and the client declared none (`WHERE id = $2` with no `$1`).
    pub fn check_param_types(&self) -> Result<()> {
        match (0..self.params.len()).find(|i| self.params[*i].is_none() && !self.used_params.contains(i)) {
            Some(i) => Err(SqlError::new(
                sqlstate::INDETERMINATE_DATATYPE,
                format!("could not determine data type of parameter ${}", i + 1),
            )),
            None => Ok(()),
        }
    }

    /// The 1-based character position of a source location, for error cursors.
    pub fn position(&self, loc: Location) -> Option<u32> {
        if loc.line == 0 {
            return None;
        }
        let start = *self.line_starts.get(loc.line as usize - 1)?;
        Some((start + loc.column as usize) as u32)
    }

    /// The position of the first character after `span` that is not white space (where a
    /// column's type starts after its name).
    pub fn after(&self, span: Span) -> Option<u32> {
        let end = self.position(span.end)? as usize;
        let skipped = self.sql.chars().skip(end - 1).take_while(|c| c.is_whitespace()).count();
        Some((end + skipped) as u32)
    }

    /// The position of a span's start.
    pub fn pos(&self, span: Span) -> Option<u32> {
        self.position(span.start)
    }

    /// Binds one statement.
    pub fn bind_statement(&mut self, stmt: &ast::Statement) -> Result<Plan> {
        use ast::Statement as S;
        match stmt {
            S::Query(q) => {
                if let ast::SetExpr::Insert(inner) | ast::SetExpr::Update(inner) | ast::SetExpr::Delete(inner) =
                    q.body.as_ref()
                {
                    if q.with.is_some() {
                        return Err(SqlError::unsupported("WITH on INSERT, UPDATE or DELETE"));
                    }
                    return self.bind_statement(inner);
                }
                Ok(Plan::Query(self.bind_query_plan(q)?))
            }
            S::Insert(insert) => Ok(Plan::Insert(self.bind_insert(insert)?)),
            S::Update(update) => Ok(Plan::Update(self.bind_update(update)?)),
            S::Delete(delete) => Ok(Plan::Delete(self.bind_delete(delete)?)),
            S::Explain { statement, analyze, options, .. } => {
                if *analyze
                    || options.as_ref().is_some_and(|o| o.iter().any(|o| o.name.value.eq_ignore_ascii_case("analyze")))
                {
                    return Err(SqlError::unsupported("EXPLAIN ANALYZE"));
                }
                Ok(Plan::Explain(Box::new(self.bind_statement(statement)?)))
            }
            other => {
                if let Some(ddl) = self.bind_ddl(other)? {
                    return Ok(Plan::Ddl(ddl));
                }
                Ok(Plan::Utility(self.bind_utility(other)?))
            }
        }
    }

    /// Binds a query, for use as a statement.
    pub fn bind_query_plan(&mut self, q: &ast::Query) -> Result<QueryPlan> {
        let (root, scope, locking) = self.bind_query(q)?;
        let columns = scope
            .columns
            .iter()
            .filter(|c| !c.hidden)
            .map(|c| crate::session::Column {
                name: c.name.clone(),
                ty: c.ty.clone(),
                table_oid: c.table_oid,
                attnum: c.attnum,
            })
            .collect();
        Ok(QueryPlan { root, columns, locking, ctes: self.cte_count })
    }

    /// Resolves a relation name through the search path (`pg_catalog` first, as PostgreSQL
    /// does implicitly). Errors with 42P01.
    pub fn resolve_relation(&self, name: &ObjectName) -> Result<Relation> {
        let (schema, rel) = self.split_name(name)?;
        let pos = name.0.first().and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span));
        self.catalog.resolve(schema.as_deref(), &rel, self.search_path).ok_or_else(|| {
            let shown = match &schema {
                Some(s) => format!("{s}.{rel}"),
                None => rel.clone(),
            };
            SqlError::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{shown}\" does not exist")).at(pos)
        })
    }

    /// Splits a possibly qualified name into (schema, name), normalized. `db.schema.name` is
    /// accepted when `db` is the current database.
    pub fn split_name(&self, name: &ObjectName) -> Result<(Option<String>, String)> {
        let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident()).map(normalize_ident).collect();
        match parts.as_slice() {
            [n] => Ok((None, n.clone())),
            [s, n] => Ok((Some(s.clone()), n.clone())),
            [_, s, n] => Ok((Some(s.clone()), n.clone())),
            _ => Err(SqlError::new(
                sqlstate::SYNTAX_ERROR,
                format!("improper qualified name (too many dotted names): {name}"),
            )),
        }
    }

    /// The schema new objects go to: an explicit one, or the first existing schema of the
    /// search path.
    pub fn creation_schema(&self, schema: Option<&str>) -> Result<u32> {
        match schema {
            Some(s) => self
                .catalog
                .schema_oid(s)
                .ok_or_else(|| SqlError::new(sqlstate::INVALID_SCHEMA_NAME, format!("schema \"{s}\" does not exist"))),
            None => self
                .search_path
                .iter()
                .filter_map(|s| self.catalog.schema_oid(s))
                .find(|oid| *oid != PG_CATALOG && *oid != INFORMATION_SCHEMA)
                .ok_or_else(|| {
                    SqlError::new(sqlstate::INVALID_SCHEMA_NAME, "no schema has been selected to create in")
                }),
        }
    }

    /// Records (or checks) the type of parameter `$n+1`.
    pub(crate) fn set_param_type(&mut self, n: usize, ty: &DataType) {
        if self.params.len() <= n {
            self.params.resize(n + 1, None);
        }
        if self.params[n].is_none() && *ty != DataType::Unknown {
            // As PostgreSQL: a parameter takes the type without its modifier (`varchar`, not
            // `varchar(20)`), and the value is then coerced to the target like a literal.
            self.params[n] = Some(ty.without_modifier());
        }
    }
}

/// Normalizes an identifier: unquoted names fold to lower case, quoted ones stay as written.
pub fn normalize_ident(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// Maps a parsed SQL type to a [`DataType`].
pub fn bind_type(ty: &ast::DataType) -> Result<DataType> {
    use ast::DataType as T;
    let length = |len: &Option<ast::CharacterLength>, name: &str| -> Result<Option<u32>> {
        match len {
            Some(ast::CharacterLength::IntegerLength { length, .. }) => check_length(*length, name).map(Some),
            _ => Ok(None),
        }
    };
    let numeric = |info: &ast::ExactNumberInfo| -> Result<DataType> {
        Ok(match info {
            ast::ExactNumberInfo::None => DataType::Numeric(None),
            ast::ExactNumberInfo::Precision(p) => DataType::Numeric(Some((check_precision(*p)?, 0))),
            ast::ExactNumberInfo::PrecisionAndScale(p, s) => {
                let p = check_precision(*p)?;
                // PostgreSQL 15+ allows a scale above the precision (`numeric(2,3)` holds
                // up to 0.099) and a negative one (rounding left of the point).
                if !(-1000..=1000).contains(s) {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        format!("NUMERIC scale {s} must be between -1000 and 1000"),
                    ));
                }
                if *s < 0 {
                    return Err(SqlError::unsupported("a negative NUMERIC scale"));
                }
                DataType::Numeric(Some((p, *s as u16)))
            }
        })
    };
    Ok(match ty {
        T::Bool | T::Boolean => DataType::Bool,
        T::SmallInt(_) | T::Int2(_) => DataType::Int2,
        T::Int(_) | T::Integer(_) | T::Int4(_) => DataType::Int4,
        T::BigInt(_) | T::Int8(_) => DataType::Int8,
        T::Real | T::Float4 => DataType::Float4,
        T::DoublePrecision | T::Float8 => DataType::Float8,
        T::Float(info) => match info {
            ast::ExactNumberInfo::Precision(p) if *p <= 24 => DataType::Float4,
            _ => DataType::Float8,
        },
        T::Numeric(info) | T::Decimal(info) | T::Dec(info) => numeric(info)?,
        T::Text => DataType::Text,
        T::Varchar(len) | T::CharacterVarying(len) | T::CharVarying(len) => DataType::Varchar(length(len, "varchar")?),
        T::Char(len) | T::Character(len) => DataType::Bpchar(Some(length(len, "char")?.unwrap_or(1))),
        T::Bytea => DataType::Bytea,
        T::Date => DataType::Date,
        T::Time(_, tz) => match tz {
            ast::TimezoneInfo::None | ast::TimezoneInfo::WithoutTimeZone => DataType::Time,
            _ => return Err(SqlError::unsupported("type time with time zone")),
        },
        T::Timestamp(_, tz) => match tz {
            ast::TimezoneInfo::None | ast::TimezoneInfo::WithoutTimeZone => DataType::Timestamp,
            _ => DataType::TimestampTz,
        },
        T::Interval { .. } => DataType::Interval,
        T::Uuid => DataType::Uuid,
        T::JSON => DataType::Json,
        T::JSONB => DataType::Jsonb,
        T::Regclass => DataType::RegClass,
        T::Array(elem) => {
            let inner = match elem {
                ast::ArrayElemTypeDef::SquareBracket(t, _)
                | ast::ArrayElemTypeDef::AngleBracket(t)
                | ast::ArrayElemTypeDef::Parenthesis(t)
                | ast::ArrayElemTypeDef::Qualified(t, _) => bind_type(t)?,
                ast::ArrayElemTypeDef::None => return Err(SqlError::unsupported("arrays without an element type")),
            };
            match inner {
                DataType::Array(_) => DataType::Array(Box::new(inner.element().cloned().unwrap_or(DataType::Text))),
                other => DataType::Array(Box::new(other)),
            }
        }
        T::Custom(name, args) => {
            let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident()).map(|i| i.value.clone()).collect();
            let quoted = name.0.last().and_then(|p| p.as_ident()).is_some_and(|i| i.quote_style.is_some());
            let base = match parts.as_slice() {
                [n] => n.clone(),
                [s, n] if s.eq_ignore_ascii_case("pg_catalog") => n.clone(),
                _ => return Err(unknown_type(&name.to_string())),
            };
            let lower = if quoted { base.clone() } else { base.to_lowercase() };
            let len = args.first().and_then(|a| a.parse::<u32>().ok());
            match lower.as_str() {
                "char" if quoted => DataType::Char,
                "bool" | "boolean" => DataType::Bool,
                "int2" | "smallint" => DataType::Int2,
                "int4" | "int" | "integer" => DataType::Int4,
                "int8" | "bigint" => DataType::Int8,
                "float4" | "real" => DataType::Float4,
                "float8" => DataType::Float8,
                "numeric" | "decimal" => DataType::Numeric(None),
                "text" => DataType::Text,
                "varchar" => DataType::Varchar(len.map(|n| check_length(n.into(), "varchar")).transpose()?),
                "bpchar" => DataType::Bpchar(len.map(|n| check_length(n.into(), "bpchar")).transpose()?),
                "char" | "character" => DataType::Bpchar(Some(check_length(len.unwrap_or(1).into(), "char")?)),
                "name" => DataType::Name,
                "bytea" => DataType::Bytea,
                "date" => DataType::Date,
                "time" => DataType::Time,
                "timestamp" => DataType::Timestamp,
                "timestamptz" => DataType::TimestampTz,
                "interval" => DataType::Interval,
                "uuid" => DataType::Uuid,
                "json" => DataType::Json,
                "jsonb" => DataType::Jsonb,
                "oid" => DataType::Oid,
                "regclass" => DataType::RegClass,
                "regtype" => DataType::RegType,
                "regproc" | "regprocedure" => DataType::RegProc,
                "regnamespace" => DataType::RegNamespace,
                "serial" | "serial4" => DataType::Int4,
                "bigserial" | "serial8" => DataType::Int8,
                "smallserial" | "serial2" => DataType::Int2,
                _ => return Err(unknown_type(&base)),
            }
        }
        other => return Err(unknown_type(&other.to_string())),
    })
}

/// The length of `varchar(n)` / `char(n)`: 1 to 10485760, as in PostgreSQL.
fn check_length(n: u64, name: &str) -> Result<u32> {
    if n == 0 {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("length for type {name} must be at least 1"),
        ));
    }
    if n > 10_485_760 {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("length for type {name} cannot exceed 10485760"),
        ));
    }
    Ok(n as u32)
}

fn check_precision(p: u64) -> Result<u16> {
    if (1..=1000).contains(&p) {
        Ok(p as u16)
    } else {
        Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("NUMERIC precision {p} must be between 1 and 1000"),
        ))
    }
}

fn unknown_type(name: &str) -> SqlError {
    SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("type \"{}\" does not exist", name.to_lowercase()))
}

/// True when a parsed type is one of the serial pseudo-types.
pub fn serial_kind(ty: &ast::DataType) -> Option<DataType> {
    if let ast::DataType::Custom(name, _) = ty {
        if let [part] = name.0.as_slice() {
            let n = part.as_ident()?.value.to_lowercase();
            return match n.as_str() {
                "serial" | "serial4" => Some(DataType::Int4),
                "bigserial" | "serial8" => Some(DataType::Int8),
                "smallserial" | "serial2" => Some(DataType::Int2),
                _ => None,
            };
        }
    }
    None
}
