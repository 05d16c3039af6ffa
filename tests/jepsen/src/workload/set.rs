//! The set workload: inserts of unique elements (autocommit), and reads of the whole set at
//! the end, on every node, before and after every node is restarted.

use crate::client::{Conn, OpError};
use crate::history::Op;

/// Statements that create the set.
pub fn setup() -> Vec<String> {
    vec!["CREATE TABLE elements (x int PRIMARY KEY)".into()]
}

/// Runs an insert or a read.
pub async fn execute(conn: &mut Conn, op: &Op) -> Result<Op, OpError> {
    match op {
        Op::Add { element } => {
            conn.commit(&format!("INSERT INTO elements VALUES ({element})")).await?;
            Ok(op.clone())
        }
        Op::ReadSet { .. } => {
            let rows = conn.step("SELECT x FROM elements").await?.rows;
            let elements = rows
                .iter()
                .map(|r| r.first().cloned().flatten().and_then(|s| s.parse().ok()))
                .collect::<Option<Vec<i64>>>()
                .ok_or_else(|| OpError::Fail("unexpected answer to the set query".into()))?;
            Ok(Op::ReadSet { elements: Some(elements) })
        }
        other => Err(OpError::Fail(format!("not a set operation: {other:?}"))),
    }
}
