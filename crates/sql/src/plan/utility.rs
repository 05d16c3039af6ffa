//! Binding statements that control the session and transactions, SHOW, COPY, and statements
//! accepted for compatibility without effect (VACUUM, ANALYZE, CHECKPOINT, COMMENT, ...).

use std::sync::Arc;

use sqlparser::ast;

use crate::catalog::objects::Table;
use crate::catalog::Relation;
use crate::error::{sqlstate, Result, SqlError};
use crate::plan::bind::{bind_type, normalize_ident, Binder};
use crate::plan::QueryPlan;
use crate::session::CopyFormat;
use crate::types::DataType;

/// Isolation levels as statements name them.
pub use tandem_txn::Isolation;

/// Direction of a COPY.
#[derive(Clone, Debug)]
pub enum CopyPlan {
    /// `COPY table [(cols)] FROM STDIN`.
    From {
        /// The table.
        table: Arc<Table>,
        /// Target column positions.
        columns: Vec<usize>,
        /// Data format.
        format: CopyFormat,
    },
    /// `COPY table|(query) TO STDOUT`.
    To {
        /// The rows to write.
        query: Box<QueryPlan>,
        /// Data format.
        format: CopyFormat,
    },
}

/// A bound utility statement.
#[derive(Clone, Debug)]
pub enum Utility {
    /// `BEGIN` / `START TRANSACTION`.
    Begin {
        /// `ISOLATION LEVEL`.
        isolation: Option<Isolation>,
        /// `READ ONLY` / `READ WRITE`.
        read_only: Option<bool>,
        /// The command tag: `BEGIN` or `START TRANSACTION`.
        tag: &'static str,
    },
    /// `COMMIT` / `END`.
    Commit,
    /// `ROLLBACK` / `ABORT`.
    Rollback,
    /// `SAVEPOINT name`.
    Savepoint(String),
    /// `ROLLBACK TO SAVEPOINT name`.
    RollbackTo(String),
    /// `RELEASE SAVEPOINT name`.
    Release(String),
    /// `SET TRANSACTION` (or `SET SESSION CHARACTERISTICS AS TRANSACTION` when `session`).
    SetTransaction {
        /// Isolation level.
        isolation: Option<Isolation>,
        /// Access mode.
        read_only: Option<bool>,
        /// For the session's future transactions.
        session: bool,
    },
    /// `SET [LOCAL] name = value` (`None` for DEFAULT).
    Set {
        /// Setting name, lower case.
        name: String,
        /// The value as text, or `None` for DEFAULT.
        value: Option<String>,
        /// `SET LOCAL`.
        local: bool,
    },
    /// `RESET name` / `RESET ALL` (`None`).
    Reset(Option<String>),
    /// `SHOW name` / `SHOW ALL`.
    Show(String),
    /// COPY.
    Copy(CopyPlan),
    /// `PREPARE name [(types)] AS statement`.
    Prepare {
        /// Name.
        name: String,
        /// The statement's text.
        sql: String,
        /// Declared parameter types.
        types: Vec<DataType>,
    },
    /// `EXECUTE name (params)`.
    Execute {
        /// Name.
        name: String,
        /// Parameter expressions (constants).
        params: Vec<ast::Expr>,
    },
    /// `DEALLOCATE name` / `DEALLOCATE ALL` (`None`).
    Deallocate(Option<String>),
    /// `DISCARD ALL` and the like.
    Discard,
    /// Accepted without effect; answered with `tag`.
    Noop {
        /// The command tag.
        tag: String,
    },
    /// `LOCK TABLE`.
    Lock {
        /// Tables.
        tables: Vec<Arc<Table>>,
    },
}

fn isolation(level: &ast::TransactionIsolationLevel) -> Result<Isolation> {
    Ok(match level {
        ast::TransactionIsolationLevel::ReadUncommitted | ast::TransactionIsolationLevel::ReadCommitted => {
            Isolation::ReadCommitted
        }
        ast::TransactionIsolationLevel::RepeatableRead => Isolation::RepeatableRead,
        ast::TransactionIsolationLevel::Serializable => Isolation::Serializable,
        ast::TransactionIsolationLevel::Snapshot => return Err(SqlError::unsupported("isolation level SNAPSHOT")),
    })
}

fn modes(modes: &[ast::TransactionMode]) -> Result<(Option<Isolation>, Option<bool>)> {
    let mut iso = None;
    let mut ro = None;
    for m in modes {
        match m {
            ast::TransactionMode::IsolationLevel(l) => iso = Some(isolation(l)?),
            ast::TransactionMode::AccessMode(a) => ro = Some(matches!(a, ast::TransactionAccessMode::ReadOnly)),
        }
    }
    Ok((iso, ro))
}

/// The text of a SET value expression.
fn set_value(e: &ast::Expr) -> Result<String> {
    Ok(match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::EscapedStringLiteral(s) => s.clone(),
            ast::Value::Number(n, _) => n.clone(),
            ast::Value::Boolean(b) => {
                if *b {
                    "on".into()
                } else {
                    "off".into()
                }
            }
            other => other.to_string(),
        },
        ast::Expr::Identifier(id) => match id.quote_style {
            Some(_) => format!("\"{}\"", id.value),
            None => id.value.clone(),
        },
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => format!("-{}", set_value(expr)?),
        ast::Expr::CompoundIdentifier(ids) => ids.iter().map(|i| i.value.clone()).collect::<Vec<_>>().join("."),
        other => return Err(SqlError::new(sqlstate::SYNTAX_ERROR, format!("syntax error at or near \"{other}\""))),
    })
}

impl Binder<'_> {
    /// Binds a utility statement; anything unknown is 0A000.
    pub(crate) fn bind_utility(&mut self, stmt: &ast::Statement) -> Result<Utility> {
        use ast::Statement as S;
        Ok(match stmt {
            S::StartTransaction { modes: m, begin, .. } => {
                let (isolation, read_only) = modes(m)?;
                Utility::Begin { isolation, read_only, tag: if *begin { "BEGIN" } else { "START TRANSACTION" } }
            }
            S::Commit { chain, .. } => {
                if *chain {
                    return Err(SqlError::unsupported("COMMIT AND CHAIN"));
                }
                Utility::Commit
            }
            S::Rollback { chain, savepoint } => match savepoint {
                Some(sp) => Utility::RollbackTo(normalize_ident(sp)),
                None if *chain => return Err(SqlError::unsupported("ROLLBACK AND CHAIN")),
                None => Utility::Rollback,
            },
            S::Savepoint { name } => Utility::Savepoint(normalize_ident(name)),
            S::ReleaseSavepoint { name } => Utility::Release(normalize_ident(name)),
            S::Set(set) => self.bind_set(set)?,
            S::ShowVariable { variable } => {
                let words: Vec<String> = variable.iter().map(|i| i.value.to_lowercase()).collect();
                Utility::Show(match words.join(" ").as_str() {
                    "transaction isolation level" => "transaction_isolation".into(),
                    "time zone" => "timezone".into(),
                    "authorization" | "session authorization" => "session_authorization".into(),
                    // The parser drops the dot of a custom setting's name (`my.option`).
                    _ => words.join("."),
                })
            }
            S::Reset(r) => Utility::Reset(match &r.reset {
                ast::Reset::ALL => None,
                ast::Reset::SessionAuthorization => Some("session_authorization".into()),
                ast::Reset::ConfigurationParameter(n) => Some(n.to_string().to_lowercase()),
            }),
            S::Copy { source, to, target, options, legacy_options, values } => {
                if !values.is_empty() {
                    return Err(SqlError::new(
                        sqlstate::SYNTAX_ERROR,
                        "COPY data must be sent with the COPY protocol, not inline",
                    ));
                }
                match (to, target) {
                    (false, ast::CopyTarget::Stdin) | (true, ast::CopyTarget::Stdout) => {}
                    (_, ast::CopyTarget::File { .. } | ast::CopyTarget::Program { .. }) => {
                        return Err(SqlError::new(
                            sqlstate::INSUFFICIENT_PRIVILEGE,
                            "COPY to or from a file or program is not allowed; use STDIN/STDOUT (psql's \\copy)",
                        ));
                    }
                    _ => {
                        return Err(SqlError::new(
                            sqlstate::SYNTAX_ERROR,
                            "COPY FROM needs STDIN and COPY TO needs STDOUT",
                        ))
                    }
                }
                let format = copy_format(options, legacy_options)?;
                match source {
                    ast::CopySource::Table { table_name, columns } => {
                        let table = match self.resolve_relation(table_name)? {
                            Relation::Table(t) => t,
                            _ if *to => {
                                return Err(SqlError::new(
                                    sqlstate::WRONG_OBJECT_TYPE,
                                    format!("cannot copy from non-table relation \"{table_name}\""),
                                )
                                .hint("Try the COPY (SELECT ...) TO variant."));
                            }
                            _ => {
                                return Err(SqlError::new(
                                    sqlstate::WRONG_OBJECT_TYPE,
                                    format!("cannot copy to non-table relation \"{table_name}\""),
                                ))
                            }
                        };
                        let cols: Vec<usize> = if columns.is_empty() {
                            table.live_columns().map(|(i, _)| i).collect()
                        } else {
                            columns
                                .iter()
                                .map(|c| {
                                    let n = normalize_ident(c);
                                    table.column_index(&n).ok_or_else(|| {
                                        SqlError::new(
                                            sqlstate::UNDEFINED_COLUMN,
                                            format!("column \"{n}\" of relation \"{}\" does not exist", table.name),
                                        )
                                    })
                                })
                                .collect::<Result<_>>()?
                        };
                        if *to {
                            let names: Vec<String> = cols
                                .iter()
                                .map(|c| format!("\"{}\"", table.columns[*c].name.replace('"', "\"\"")))
                                .collect();
                            let sql = format!(
                                "SELECT {} FROM \"{}\".\"{}\"",
                                names.join(", "),
                                self.catalog.schema_name(table.schema),
                                table.name
                            );
                            let stmt = crate::sql_parse::parse_one(&sql)?;
                            let ast::Statement::Query(q) = stmt else { unreachable!("a SELECT parses as a query") };
                            let plan = self.bind_query_plan(&q)?;
                            Utility::Copy(CopyPlan::To { query: Box::new(plan), format })
                        } else {
                            Utility::Copy(CopyPlan::From { table, columns: cols, format })
                        }
                    }
                    ast::CopySource::Query(q) => {
                        let plan = self.bind_query_plan(q)?;
                        Utility::Copy(CopyPlan::To { query: Box::new(plan), format })
                    }
                }
            }
            S::Prepare { name, data_types, statement } => {
                let types = data_types.iter().map(bind_type).collect::<Result<Vec<_>>>()?;
                Utility::Prepare { name: normalize_ident(name), sql: statement.to_string(), types }
            }
            S::Execute { name, parameters, .. } => {
                let name = name
                    .as_ref()
                    .and_then(|n| n.0.last())
                    .and_then(|p| p.as_ident())
                    .map(normalize_ident)
                    .unwrap_or_default();
                Utility::Execute { name, params: parameters.clone() }
            }
            S::Deallocate { name, .. } => {
                if name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all") {
                    Utility::Deallocate(None)
                } else {
                    Utility::Deallocate(Some(normalize_ident(name)))
                }
            }
            S::Discard { .. } => Utility::Discard,
            S::Vacuum(_) => Utility::Noop { tag: "VACUUM".into() },
            S::Analyze(_) => Utility::Noop { tag: "ANALYZE".into() },
            S::LISTEN { .. } => Utility::Noop { tag: "LISTEN".into() },
            S::UNLISTEN { .. } => Utility::Noop { tag: "UNLISTEN".into() },
            S::NOTIFY { .. } => return Err(SqlError::unsupported("NOTIFY")),
            S::Comment { .. } => Utility::Noop { tag: "COMMENT".into() },
            S::Grant { .. } => Utility::Noop { tag: "GRANT".into() },
            S::Revoke { .. } => Utility::Noop { tag: "REVOKE".into() },
            S::CreateExtension(_) => return Err(SqlError::unsupported("extensions")),
            S::Lock(lock) => {
                let mut tables = Vec::new();
                for t in &lock.tables {
                    match self.resolve_relation(&t.name)? {
                        Relation::Table(t) => tables.push(t),
                        _ => {
                            return Err(SqlError::new(
                                sqlstate::WRONG_OBJECT_TYPE,
                                format!("\"{}\" is not a table", t.name),
                            ))
                        }
                    }
                }
                Utility::Lock { tables }
            }
            other => {
                let text = other.to_string();
                let first = text.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                return Err(SqlError::unsupported(first));
            }
        })
    }

    fn bind_set(&mut self, set: &ast::Set) -> Result<Utility> {
        Ok(match set {
            ast::Set::SingleAssignment { scope, variable, values, .. } => {
                let name = variable.to_string().trim_matches('"').to_lowercase();
                let local = matches!(scope, Some(ast::ContextModifier::Local));
                if values.len() == 1 {
                    if let ast::Expr::Identifier(id) = &values[0] {
                        if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default") {
                            return Ok(Utility::Set { name, value: None, local });
                        }
                    }
                }
                if values.iter().any(|v| matches!(v, ast::Expr::BinaryOp { .. })) {
                    return Err(SqlError::new(sqlstate::SYNTAX_ERROR, "syntax error at or near \"=\""));
                }
                let parts = values.iter().map(set_value).collect::<Result<Vec<_>>>()?;
                Utility::Set { name, value: Some(parts.join(", ")), local }
            }
            ast::Set::SetTimeZone { local, value } => {
                let v = set_value(value)?;
                let v =
                    if v.eq_ignore_ascii_case("local") || v.eq_ignore_ascii_case("default") { None } else { Some(v) };
                Utility::Set { name: "timezone".into(), value: v, local: *local }
            }
            ast::Set::SetNames { charset_name, .. } => {
                Utility::Set { name: "client_encoding".into(), value: Some(charset_name.value.clone()), local: false }
            }
            ast::Set::SetNamesDefault {} => Utility::Set { name: "client_encoding".into(), value: None, local: false },
            ast::Set::SetTransaction { modes: m, snapshot, session } => {
                if snapshot.is_some() {
                    return Err(SqlError::unsupported("SET TRANSACTION SNAPSHOT"));
                }
                let (isolation, read_only) = modes(m)?;
                Utility::SetTransaction { isolation, read_only, session: *session }
            }
            ast::Set::SetSessionAuthorization(_) | ast::Set::SetRole { .. } => {
                Utility::Set { name: "role".into(), value: None, local: false }
            }
            _ => return Err(SqlError::unsupported("this SET form")),
        })
    }
}

fn copy_format(options: &[ast::CopyOption], legacy: &[ast::CopyLegacyOption]) -> Result<CopyFormat> {
    let mut csv = false;
    let mut delimiter = None;
    let mut null = None;
    let mut header = false;
    let mut quote = None;
    let mut escape = None;
    for o in options {
        match o {
            ast::CopyOption::Format(f) => match f.value.to_lowercase().as_str() {
                "csv" => csv = true,
                "text" => csv = false,
                "binary" => return Err(SqlError::unsupported("COPY BINARY")),
                other => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        format!("COPY format \"{other}\" not recognized"),
                    ))
                }
            },
            ast::CopyOption::Delimiter(d) => delimiter = Some(*d),
            ast::CopyOption::Null(n) => null = Some(n.clone()),
            ast::CopyOption::Header(h) => header = *h,
            ast::CopyOption::Quote(q) => quote = Some(*q),
            ast::CopyOption::Escape(e) => escape = Some(*e),
            ast::CopyOption::Freeze(_) | ast::CopyOption::Encoding(_) => {}
            other => return Err(SqlError::unsupported(format!("COPY option {other}"))),
        }
    }
    for o in legacy {
        match o {
            ast::CopyLegacyOption::Csv(opts) => {
                csv = true;
                for c in opts {
                    match c {
                        ast::CopyLegacyCsvOption::Header => header = true,
                        ast::CopyLegacyCsvOption::Quote(q) => quote = Some(*q),
                        ast::CopyLegacyCsvOption::Escape(e) => escape = Some(*e),
                        _ => return Err(SqlError::unsupported("this COPY CSV option")),
                    }
                }
            }
            ast::CopyLegacyOption::Delimiter(d) => delimiter = Some(*d),
            ast::CopyLegacyOption::Null(n) => null = Some(n.clone()),
            ast::CopyLegacyOption::Header => header = true,
            ast::CopyLegacyOption::Binary => return Err(SqlError::unsupported("COPY BINARY")),
            _ => return Err(SqlError::unsupported("this COPY option")),
        }
    }
    Ok(if csv {
        let quote = quote.unwrap_or('"');
        CopyFormat::Csv {
            delimiter: delimiter.unwrap_or(','),
            quote,
            escape: escape.unwrap_or(quote),
            null: null.unwrap_or_default(),
            header,
        }
    } else {
        if header {
            return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "COPY HEADER available only in CSV mode"));
        }
        CopyFormat::Text { delimiter: delimiter.unwrap_or('\t'), null: null.unwrap_or_else(|| "\\N".into()) }
    })
}
