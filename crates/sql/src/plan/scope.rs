//! Name resolution: the columns a FROM clause makes visible, and the enclosing queries'
//! columns that a correlated subquery may use.

use crate::error::{sqlstate, Result, SqlError};
use crate::types::DataType;

/// A column visible in a scope.
#[derive(Clone, Debug)]
pub struct ScopeColumn {
    /// The table name or alias that qualifies it (`t` in `t.a`), if any.
    pub qualifier: Option<String>,
    /// Column name.
    pub name: String,
    /// Type.
    pub ty: DataType,
    /// Source table OID (for RowDescription), or 0.
    pub table_oid: u32,
    /// Source attribute number, or 0.
    pub attnum: i16,
    /// Not visible to `*` or by name (the row key carried for UPDATE/DELETE).
    pub hidden: bool,
    /// Reachable only as `qualifier.name` and only in `qualifier.*`: one side's copy of a
    /// column that `USING`/`NATURAL` merged (the merged column answers to the bare name).
    pub qualified_only: bool,
}

/// The columns of one query level's current row, in row order.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Columns in row order.
    pub columns: Vec<ScopeColumn>,
}

impl Scope {
    /// An empty scope (no FROM clause).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Appends another scope's columns (a join).
    pub fn extend(&mut self, other: Scope) {
        self.columns.extend(other.columns);
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True with no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Finds `qualifier.name` or `name`. `Ok(None)` when absent; 42702 when ambiguous.
    pub fn find(&self, qualifier: Option<&str>, name: &str) -> Result<Option<usize>> {
        let mut found: Option<usize> = None;
        for (i, c) in self.columns.iter().enumerate() {
            if c.hidden || c.name != name || (c.qualified_only && qualifier.is_none()) {
                continue;
            }
            let matches = match qualifier {
                Some(q) => c.qualifier.as_deref() == Some(q),
                None => true,
            };
            if !matches {
                continue;
            }
            if found.is_some() {
                return Err(SqlError::new(
                    sqlstate::AMBIGUOUS_COLUMN,
                    format!("column reference \"{name}\" is ambiguous"),
                ));
            }
            found = Some(i);
        }
        Ok(found)
    }

    /// True when some column is qualified by `qualifier`.
    pub fn has_qualifier(&self, qualifier: &str) -> bool {
        self.columns.iter().any(|c| c.qualifier.as_deref() == Some(qualifier))
    }

    /// Positions of the visible columns under `qualifier` (or all, for `*`).
    pub fn star(&self, qualifier: Option<&str>) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| match qualifier {
                None => !c.hidden && !c.qualified_only,
                Some(q) => !c.hidden && c.qualifier.as_deref() == Some(q),
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Re-qualifies every column (a derived table or a table alias).
    pub fn requalify(mut self, qualifier: &str) -> Self {
        for c in &mut self.columns {
            c.qualifier = Some(qualifier.to_string());
        }
        self
    }
}
