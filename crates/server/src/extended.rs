//! The extended query protocol, with our own per-connection statement and portal stores.
//!
//! - Parse: a named statement must not exist yet (42P05); the unnamed one is replaced.
//! - Bind: the parameter count and format codes are checked, parameters are decoded with the
//!   statement's types (text or binary, NULLs), result format codes are kept for Describe and
//!   Execute.
//! - Describe: ParameterDescription then RowDescription or NoData for a statement;
//!   RowDescription (in the portal's formats) or NoData for a portal.
//! - Execute: a portal keeps its row stream between Executes, so `max_rows` is a true partial
//!   fetch ending in PortalSuspended; once drained, another Execute completes with 0 rows.
//! - Portals live until their transaction ends: all are dropped when the session becomes
//!   idle after an Execute that ended a transaction block, or at a Sync outside one.

use std::sync::Arc;

use pgwire::messages::data::{NoData, ParameterDescription};
use pgwire::messages::extendedquery::{
    Bind, BindComplete, Close, CloseComplete, Describe, Execute, Parse, ParseComplete, PortalSuspended,
};
use pgwire::messages::response::EmptyQueryResponse;
use pgwire::messages::PgWireBackendMessage as B;
use tandem_sql::session::{Column, TransactionStatus};
use tandem_sql::types::{DataType, Value};
use tandem_sql::{sqlstate, SqlError};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::backend::{Backend, Outcome, Statement};
use crate::connection::{rows_tag, Connection};
use crate::errors::{protocol_violation, Failure};
use crate::values::{check_format_codes, decode_params, row_description};

/// A bound statement, ready to execute or partly fetched.
pub(crate) struct Portal<St, R> {
    stmt: Arc<St>,
    /// Bind's result format codes (none, one for all, or one per column).
    result_formats: Vec<i16>,
    state: PortalState<R>,
}

enum PortalState<R> {
    /// Bound, not executed yet.
    Ready(Vec<Value>),
    /// Executed with `max_rows`, rows remain.
    Suspended { columns: Arc<Vec<Column>>, rows: R, tag: String },
    /// Ran to completion (or failed); what another Execute does.
    Done(Rerun),
}

enum Rerun {
    /// Completes again with no rows: `"{tag} 0"`.
    Rows(String),
    /// An empty query: EmptyQueryResponse again.
    Empty,
    /// A command (or a failed portal) cannot run again (55000).
    Refuse,
}

fn statement_not_found(name: &str) -> SqlError {
    let message = if name.is_empty() {
        "unnamed prepared statement does not exist".to_string()
    } else {
        format!("prepared statement \"{name}\" does not exist")
    };
    SqlError::new(sqlstate::INVALID_SQL_STATEMENT_NAME, message)
}

fn portal_not_found(name: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_CURSOR_NAME, format!("portal \"{name}\" does not exist"))
}

impl<S, Bk> Connection<S, Bk>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    Bk: Backend,
{
    /// Parse: prepares and stores a statement.
    pub(crate) async fn parse(&mut self, m: Parse) -> Result<(), Failure> {
        let name = m.name.unwrap_or_default();
        if name.is_empty() {
            self.statements.remove("");
        } else if self.statements.contains_key(&name) {
            return Err(SqlError::new(
                sqlstate::DUPLICATE_PREPARED_STATEMENT,
                format!("prepared statement \"{name}\" already exists"),
            )
            .into());
        }
        let types = m
            .type_oids
            .iter()
            .map(|&oid| match oid {
                0 => Ok(None),
                oid => DataType::from_oid(oid, -1).map(Some).ok_or_else(|| {
                    SqlError::new(sqlstate::UNDEFINED_OBJECT, format!("type with OID {oid} does not exist"))
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let stmt = self.backend.prepare(&m.query, &types).await?;
        self.statements.insert(name, Arc::new(stmt));
        self.wire.push(B::ParseComplete(ParseComplete::new()));
        Ok(())
    }

    /// Bind: creates a portal from a statement and parameters.
    pub(crate) fn bind(&mut self, m: Bind) -> Result<(), Failure> {
        let portal_name = m.portal_name.unwrap_or_default();
        let stmt_name = m.statement_name.unwrap_or_default();
        let stmt = self.statements.get(&stmt_name).cloned().ok_or_else(|| statement_not_found(&stmt_name))?;
        if portal_name.is_empty() {
            self.portals.remove("");
        } else if self.portals.contains_key(&portal_name) {
            return Err(
                SqlError::new(sqlstate::DUPLICATE_CURSOR, format!("portal \"{portal_name}\" already exists")).into()
            );
        }
        let params =
            decode_params(&self.backend, &stmt_name, stmt.param_types(), &m.parameter_format_codes, &m.parameters)?;
        let result_formats = m.result_column_format_codes;
        check_format_codes(&result_formats)?;
        if let Some(columns) = stmt.columns() {
            if result_formats.len() > 1 && result_formats.len() != columns.len() {
                return Err(protocol_violation(format!(
                    "bind message has {} result formats but query has {} columns",
                    result_formats.len(),
                    columns.len()
                ))
                .into());
            }
        }
        self.portals.insert(portal_name, Portal { stmt, result_formats, state: PortalState::Ready(params) });
        self.wire.push(B::BindComplete(BindComplete::new()));
        Ok(())
    }

    /// Describe: a statement's parameters and columns, or a portal's columns.
    pub(crate) fn describe(&mut self, m: Describe) -> Result<(), Failure> {
        let name = m.name.unwrap_or_default();
        let (columns, formats) = match m.target_type {
            b'S' => {
                let stmt = self.statements.get(&name).ok_or_else(|| statement_not_found(&name))?;
                let oids = stmt.param_types().iter().map(DataType::oid).collect();
                let columns = stmt.columns().cloned();
                self.wire.push(B::ParameterDescription(ParameterDescription::new(oids)));
                (columns, Vec::new())
            }
            b'P' => {
                let portal = self.portals.get(&name).ok_or_else(|| portal_not_found(&name))?;
                let columns = match &portal.state {
                    PortalState::Suspended { columns, .. } => Some(columns.clone()),
                    _ => portal.stmt.columns().cloned(),
                };
                (columns, portal.result_formats.clone())
            }
            other => return Err(protocol_violation(format!("invalid DESCRIBE message subtype {other}")).into()),
        };
        match columns {
            Some(columns) => self.wire.push(B::RowDescription(row_description(&columns, &formats))),
            None => self.wire.push(B::NoData(NoData::new())),
        }
        Ok(())
    }

    /// Close: drops a statement or portal; a missing one is not an error.
    pub(crate) fn close(&mut self, m: Close) -> Result<(), Failure> {
        let name = m.name.unwrap_or_default();
        match m.target_type {
            b'S' => {
                self.statements.remove(&name);
            }
            b'P' => {
                self.portals.remove(&name);
            }
            other => return Err(protocol_violation(format!("invalid CLOSE message subtype {other}")).into()),
        }
        self.wire.push(B::CloseComplete(CloseComplete::new()));
        Ok(())
    }

    /// Execute: runs a portal, or fetches up to `max_rows` more of its rows.
    pub(crate) async fn execute(&mut self, m: Execute) -> Result<(), Failure> {
        let name = m.name.unwrap_or_default();
        let mut portal = self.portals.remove(&name).ok_or_else(|| portal_not_found(&name))?;
        let limit = u64::try_from(m.max_rows).ok().filter(|n| *n > 0);
        let before = self.backend.transaction_status();
        self.cancel.reset();
        let result = self.run_portal(&name, &mut portal, limit).await;
        if before != TransactionStatus::Idle && self.backend.transaction_status() == TransactionStatus::Idle {
            // The transaction ended: its portals go with it.
            self.portals.clear();
        } else {
            self.portals.insert(name, portal);
        }
        result
    }

    async fn run_portal(
        &mut self,
        name: &str,
        portal: &mut Portal<Bk::Statement, Bk::Rows>,
        limit: Option<u64>,
    ) -> Result<(), Failure> {
        match std::mem::replace(&mut portal.state, PortalState::Done(Rerun::Refuse)) {
            PortalState::Ready(params) => {
                let outcome = self.backend.execute(&portal.stmt, params, &self.cancel).await?;
                self.send_notices();
                match outcome {
                    Outcome::Rows { columns, rows, tag } => self.fetch(portal, columns, rows, tag, limit).await?,
                    Outcome::Command { tag } => self.complete(tag),
                    Outcome::Empty => {
                        self.wire.push(B::EmptyQueryResponse(EmptyQueryResponse::new()));
                        portal.state = PortalState::Done(Rerun::Empty);
                    }
                    Outcome::CopyIn(copy) => {
                        let copied = self.copy_in(copy).await?;
                        self.complete(format!("COPY {copied}"));
                    }
                    Outcome::CopyOut { columns, mut rows, format } => {
                        self.copy_out(&columns, &mut rows, &format).await?;
                    }
                }
            }
            PortalState::Suspended { columns, rows, tag } => self.fetch(portal, columns, rows, tag, limit).await?,
            PortalState::Done(Rerun::Rows(tag)) => {
                self.complete(rows_tag(&tag, 0));
                portal.state = PortalState::Done(Rerun::Rows(tag));
            }
            PortalState::Done(Rerun::Empty) => {
                self.wire.push(B::EmptyQueryResponse(EmptyQueryResponse::new()));
                portal.state = PortalState::Done(Rerun::Empty);
            }
            PortalState::Done(Rerun::Refuse) => {
                return Err(SqlError::new(
                    sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    format!("portal \"{name}\" cannot be run"),
                )
                .into());
            }
        }
        self.send_parameter_changes();
        Ok(())
    }

    /// Sends up to `limit` rows of a portal: CommandComplete when they run out, else
    /// PortalSuspended (flushed) with the stream kept for the next Execute.
    async fn fetch(
        &mut self,
        portal: &mut Portal<Bk::Statement, Bk::Rows>,
        columns: Arc<Vec<Column>>,
        mut rows: Bk::Rows,
        tag: String,
        limit: Option<u64>,
    ) -> Result<(), Failure> {
        let (sent, exhausted) = self.send_rows(&columns, &mut rows, &portal.result_formats, limit).await?;
        if exhausted {
            self.complete(rows_tag(&tag, sent));
            portal.state = PortalState::Done(Rerun::Rows(tag));
        } else {
            self.send_notices();
            self.wire.push(B::PortalSuspended(PortalSuspended::new()));
            self.wire.flush().await?;
            portal.state = PortalState::Suspended { columns, rows, tag };
        }
        Ok(())
    }
}
