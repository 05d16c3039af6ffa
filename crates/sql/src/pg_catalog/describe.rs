//! The definitions PostgreSQL prints for indexes, constraints and views
//! (`pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_viewdef`).

use crate::catalog::objects::View;
use crate::catalog::Catalog;
use crate::functions::scalar::quote_ident;
use crate::pg_catalog::deparse::{check_node, expr_text, Style};
use crate::pg_catalog::model::{self, ConKind, Constraint, IndexDef};
use crate::types::TextContext;

fn column_list(table: &crate::catalog::objects::Table, positions: &[usize]) -> String {
    positions
        .iter()
        .map(|p| table.columns.get(*p).map(|c| quote_ident(&c.name)).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `pg_get_indexdef(index)`: `CREATE UNIQUE INDEX name ON schema.table USING btree (a, b)`.
pub fn indexdef(cat: &Catalog, index: &IndexDef) -> String {
    format!(
        "CREATE {}INDEX {} ON {} USING btree ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        model::qualified(cat, index.table.schema, &index.table.name),
        column_list(&index.table, &index.columns)
    )
}

/// `pg_get_indexdef(index, column, pretty)` for a column number above 0: that key column.
pub fn index_column(index: &IndexDef, column: usize) -> Option<String> {
    let pos = index.columns.get(column.checked_sub(1)?)?;
    index.table.columns.get(*pos).map(|c| quote_ident(&c.name))
}

/// The facts `pg_get_constraintdef` needs besides the constraint.
pub struct Env<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The search path (names the path finds are printed unqualified).
    pub search_path: &'a [String],
    /// Text settings, for constants in checks.
    pub text: &'a TextContext,
}

/// `pg_get_constraintdef(constraint, pretty)`.
pub fn constraintdef(env: &Env<'_>, c: &Constraint, pretty: bool) -> String {
    match &c.kind {
        ConKind::Primary(i) => format!("PRIMARY KEY ({})", column_list(&c.table, &i.columns)),
        ConKind::Unique(i) => format!("UNIQUE ({})", column_list(&c.table, &i.columns)),
        ConKind::Check(check) => {
            let style = Style { catalog: env.catalog, search_path: env.search_path, text: env.text, pretty };
            let e = expr_text(&style, &check_node(&check.expr), Some(&c.table));
            format!("CHECK ({e})")
        }
        ConKind::Foreign(f) => {
            let (target, ref_cols) = match env.catalog.tables.get(&f.ref_table) {
                Some(t) => (
                    model::regclass_name(env.catalog, env.search_path, t.oid).unwrap_or_default(),
                    column_list(t, &f.ref_columns),
                ),
                None => (f.ref_table.to_string(), String::new()),
            };
            let mut s = format!("FOREIGN KEY ({}) REFERENCES {target}({ref_cols})", column_list(&c.table, &f.columns));
            for (what, action) in [("UPDATE", &f.on_update), ("DELETE", &f.on_delete)] {
                let action = action.to_ascii_uppercase();
                if !action.is_empty() && action != "NO ACTION" {
                    s.push_str(&format!(" ON {what} {action}"));
                }
            }
            if f.deferrable {
                s.push_str(" DEFERRABLE");
            }
            if f.deferred {
                s.push_str(" INITIALLY DEFERRED");
            }
            s
        }
    }
}

/// `pg_get_viewdef(view)`: the defining query as written (PostgreSQL prints its own
/// reformatted version), with PostgreSQL's leading space and trailing semicolon.
pub fn viewdef(view: &View) -> String {
    format!(" {};", view.sql)
}
