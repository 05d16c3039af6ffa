//! COPY FROM STDIN: rows arrive from the connection in batches (fields as text) and are
//! inserted into the target table within the session's transaction, with the same defaults,
//! constraint checks and key checks as INSERT.

use std::sync::Arc;
use std::time::Duration;

use tandem_txn::Txn;

use crate::error::{sqlstate, Result, SqlError};
use crate::exec::{dml, ExecEnv};
use crate::plan::dml::{InsertPlan, InsertSource};
use crate::plan::Expr;
use crate::types::text::{parse_text, TextContext};
use crate::types::Value;

/// A COPY FROM STDIN in progress.
#[derive(Debug)]
pub struct CopyInState {
    template: InsertPlan,
    pub(crate) rows: u64,
}

impl CopyInState {
    pub(crate) fn new(template: InsertPlan) -> Self {
        Self { template, rows: 0 }
    }

    /// Inserts a batch of rows.
    pub(crate) async fn insert(
        &mut self,
        rows: Vec<Vec<Option<String>>>,
        txn: &mut Txn,
        env: &Arc<ExecEnv>,
        text: &TextContext,
        lock_timeout: Option<Duration>,
    ) -> Result<()> {
        let table = self.template.table.clone();
        let mut values = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            let line = self.rows + i as u64 + 1;
            let context = |e: SqlError, col: &str| {
                let detail = format!("COPY {}, line {line}, column {col}", table.name);
                SqlError { detail: Some(detail), ..e }
            };
            if row.len() != self.template.columns.len() {
                let msg = match self.template.columns.get(row.len()) {
                    Some(missing) => format!("missing data for column \"{}\"", table.columns[*missing].name),
                    None => "extra data after last expected column".to_string(),
                };
                return Err(SqlError::new(sqlstate::BAD_COPY_FILE_FORMAT, msg)
                    .detail(format!("COPY {}, line {line}", table.name)));
            }
            let mut out = Vec::with_capacity(row.len());
            for (field, col) in row.into_iter().zip(&self.template.columns) {
                let c = &table.columns[*col];
                let v = match field {
                    None => Value::Null,
                    Some(f) => parse_text(&f, &c.ty, text).map_err(|e| context(e, &c.name))?,
                };
                out.push(Some(Expr::Const(v)));
            }
            values.push(out);
        }
        let n = values.len() as u64;
        let plan = InsertPlan { source: InsertSource::Values(values), ..self.template.clone() };
        dml::insert(&plan, txn, env, lock_timeout).await?;
        self.rows += n;
        Ok(())
    }
}
