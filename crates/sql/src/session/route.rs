//! Where a statement runs in a cluster (decision D4): read-only work on the node that received
//! it, everything that writes (or locks, or draws from a sequence) on the leader.
//!
//! The decision is made from the parsed statement alone, so that it costs nothing and does not
//! depend on this node's catalog being current. It errs towards the leader: a statement routed
//! there always runs correctly, while one that ran locally and tried to write would fail.

use std::ops::ControlFlow;

use sqlparser::ast::{self, Statement as S};

use super::{Prepared, Session};
use crate::plan::bind::normalize_ident;
use crate::sql_parse::Parsed;

/// Where a statement must run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// On this node: reads, settings, transaction control of a local (read-only) block.
    Local,
    /// On the leader: writes, DDL, locking reads, sequences, read-write transactions.
    Leader,
}

/// Functions that write, or whose answer is kept by the session that wrote (`currval` after
/// a `nextval` that ran on the leader).
const LEADER_FUNCTIONS: &[&str] = &["nextval", "setval", "currval", "lastval"];

impl Session {
    /// Where `stmt` must run when it starts a transaction (outside any block). Inside a
    /// transaction block, every statement runs where the block runs.
    pub fn route(&self, stmt: &Prepared) -> Route {
        let Some(parsed) = &stmt.parsed else { return Route::Local };
        let Parsed::Statement(ast) = parsed.as_ref() else { return Route::Local };
        match ast.as_ref() {
            S::Query(q) => query_route(q),
            S::Explain { statement, .. } => match statement.as_ref() {
                S::Query(q) => query_route(q),
                _ => Route::Local,
            },
            S::StartTransaction { modes, .. } => {
                let read_only = modes.iter().rev().find_map(|m| match m {
                    ast::TransactionMode::AccessMode(a) => Some(matches!(a, ast::TransactionAccessMode::ReadOnly)),
                    ast::TransactionMode::IsolationLevel(_) => None,
                });
                if read_only.unwrap_or_else(|| self.default_characteristics().1) {
                    Route::Local
                } else {
                    Route::Leader
                }
            }
            S::Copy { to, .. } if *to => Route::Local,
            S::Execute { name, .. } => {
                let name = name.as_ref().and_then(|n| n.0.last()).and_then(|p| p.as_ident()).map(normalize_ident);
                match name.and_then(|n| self.prepared.get(&n)) {
                    Some(inner) => self.route(inner),
                    None => Route::Local,
                }
            }
            S::Set(_)
            | S::ShowVariable { .. }
            | S::Reset(_)
            | S::Discard { .. }
            | S::Deallocate { .. }
            | S::Prepare { .. }
            | S::Commit { .. }
            | S::Rollback { .. }
            | S::Savepoint { .. }
            | S::ReleaseSavepoint { .. }
            | S::Vacuum(_)
            | S::Analyze(_)
            | S::LISTEN { .. }
            | S::UNLISTEN { .. } => Route::Local,
            _ => Route::Leader,
        }
    }
}

fn query_route(q: &ast::Query) -> Route {
    if !q.locks.is_empty()
        || matches!(q.body.as_ref(), ast::SetExpr::Insert(_) | ast::SetExpr::Update(_) | ast::SetExpr::Delete(_))
    {
        return Route::Leader;
    }
    let writes = ast::visit_expressions(q, |e| match e {
        ast::Expr::Function(f)
            if f.name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .is_some_and(|i| LEADER_FUNCTIONS.iter().any(|w| i.value.eq_ignore_ascii_case(w))) =>
        {
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    });
    if writes.is_break() {
        Route::Leader
    } else {
        Route::Local
    }
}

impl Prepared {
    /// True for COMMIT and END: a statement whose failure to answer leaves the outcome of a
    /// transaction unknown.
    pub fn is_commit(&self) -> bool {
        matches!(self.statement(), Some(S::Commit { .. }))
    }

    /// True for ROLLBACK (not ROLLBACK TO SAVEPOINT).
    pub fn is_rollback(&self) -> bool {
        matches!(self.statement(), Some(S::Rollback { savepoint: None, .. }))
    }

    /// True for a statement that starts a transaction block (BEGIN, START TRANSACTION).
    pub fn is_begin(&self) -> bool {
        matches!(self.statement(), Some(S::StartTransaction { .. }))
    }

    /// True for SQL-level PREPARE and DEALLOCATE, which change the session's named statements.
    pub fn is_prepare_or_deallocate(&self) -> bool {
        matches!(self.statement(), Some(S::Prepare { .. } | S::Deallocate { .. }))
    }

    fn statement(&self) -> Option<&S> {
        match self.parsed.as_deref()? {
            Parsed::Statement(s) => Some(s.as_ref()),
            Parsed::Noop(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_of(sql: &str) -> Route {
        let parsed = crate::sql_parse::parse_piece(sql, 0).unwrap();
        match parsed {
            Parsed::Statement(s) => match s.as_ref() {
                S::Query(q) => query_route(q),
                _ => panic!("not a query: {sql}"),
            },
            Parsed::Noop(_) => panic!("noop"),
        }
    }

    #[test]
    fn queries_that_write_or_lock_go_to_the_leader() {
        assert_eq!(route_of("select * from t where a = 1"), Route::Local);
        assert_eq!(route_of("select count(*) from (select 1) s join u on true"), Route::Local);
        assert_eq!(route_of("select * from t for update"), Route::Leader);
        assert_eq!(route_of("select nextval('s')"), Route::Leader);
        assert_eq!(route_of("select x from t where y = (select currval('s'))"), Route::Leader);
        assert_eq!(route_of("select pg_catalog.setval('s', 5)"), Route::Leader);
        assert_eq!(route_of("select next_value from t"), Route::Local);
    }
}
