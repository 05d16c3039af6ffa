//! Binding schema changes: CREATE/DROP TABLE, INDEX, VIEW, SEQUENCE, SCHEMA, ALTER TABLE and
//! TRUNCATE. The binder checks names and types and builds the new definitions; OIDs are
//! assigned and the catalog is written when the statement runs, inside its transaction.

use std::sync::Arc;

use sqlparser::ast::{self, ColumnOption, TableConstraint};

use crate::catalog::objects::{Check, Column, ForeignKey, Identity, Index, PrimaryKey, Sequence, Table, View};
use crate::catalog::Relation;
use crate::error::{sqlstate, Result, SqlError};
use crate::plan::bind::{bind_type, normalize_ident, serial_kind, Binder};
use crate::plan::expr::Ctx;
use crate::plan::scope::Scope;
use crate::plan::Node;
use crate::types::cast::CoercionContext;
use crate::types::DataType;

/// An ALTER TABLE action.
#[derive(Clone, Debug)]
pub enum AlterAction {
    /// `ADD COLUMN`, with the sequence an identity/serial column needs and a UNIQUE index.
    AddColumn {
        /// The column.
        column: Column,
        /// A sequence to create for it.
        sequence: Option<Sequence>,
        /// Its default, bound, to fill existing rows.
        fill: Option<crate::plan::Expr>,
        /// `ADD COLUMN IF NOT EXISTS`.
        if_not_exists: bool,
        /// `PRIMARY KEY` on the new column.
        primary_key: bool,
        /// `UNIQUE` on the new column.
        unique: bool,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// Name.
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `RENAME TO`.
    RenameTable {
        /// New name.
        to: String,
    },
    /// `ADD PRIMARY KEY (...)`.
    AddPrimaryKey {
        /// Constraint name.
        name: Option<String>,
        /// Columns.
        columns: Vec<usize>,
    },
    /// `ADD [CONSTRAINT x] UNIQUE (...)`.
    AddUnique {
        /// Constraint name.
        name: Option<String>,
        /// Columns.
        columns: Vec<usize>,
    },
    /// `ADD [CONSTRAINT x] CHECK (...)`.
    AddCheck {
        /// Constraint name.
        name: Option<String>,
        /// The condition as text.
        expr: String,
        /// Bound, to validate existing rows.
        bound: crate::plan::Expr,
    },
    /// `ADD [CONSTRAINT x] FOREIGN KEY ...`.
    AddForeignKey(ForeignKey),
    /// `DROP CONSTRAINT`.
    DropConstraint {
        /// Name.
        name: String,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `ALTER COLUMN ... SET/DROP NOT NULL`.
    SetNotNull {
        /// Column.
        column: usize,
        /// Set (true) or drop.
        not_null: bool,
    },
    /// `ALTER COLUMN ... SET/DROP DEFAULT`.
    SetDefault {
        /// Column.
        column: usize,
        /// New default text, or none.
        default: Option<String>,
    },
    /// `ALTER COLUMN ... TYPE t`: only changes that keep every stored value valid as is.
    SetType {
        /// Column.
        column: usize,
        /// New type.
        ty: DataType,
    },
    /// Storage parameters and other no-ops accepted for compatibility.
    Nothing,
}

/// A bound schema change.
#[derive(Clone, Debug)]
pub enum DdlPlan {
    /// CREATE TABLE.
    CreateTable {
        /// The definition (OIDs assigned when run).
        table: Table,
        /// Sequences for serial and identity columns: (column position, sequence).
        sequences: Vec<(usize, Sequence)>,
        /// `IF NOT EXISTS` and the table exists: only a notice.
        exists: bool,
        /// `CREATE TABLE AS`: the rows to insert.
        as_query: Option<Node>,
    },
    /// CREATE INDEX.
    CreateIndex {
        /// The table.
        table: Arc<Table>,
        /// The index (OID assigned when run).
        index: Index,
        /// `IF NOT EXISTS` and the index exists.
        exists: bool,
    },
    /// DROP of tables, views, sequences or indexes.
    Drop {
        /// What was named, resolved; names that did not exist under IF EXISTS are notices.
        relations: Vec<Relation>,
        /// Notices for missing relations under IF EXISTS.
        missing: Vec<String>,
        /// `CASCADE`.
        cascade: bool,
    },
    /// DROP SCHEMA.
    DropSchema {
        /// Schema OIDs.
        schemas: Vec<u32>,
        /// Missing names (IF EXISTS).
        missing: Vec<String>,
        /// `CASCADE`.
        cascade: bool,
    },
    /// ALTER TABLE.
    Alter {
        /// The table.
        table: Arc<Table>,
        /// Actions, in order.
        actions: Vec<AlterAction>,
        /// Notices for what `IF [NOT] EXISTS` skipped.
        notices: Vec<String>,
    },
    /// TRUNCATE.
    Truncate {
        /// Tables.
        tables: Vec<Arc<Table>>,
        /// `RESTART IDENTITY`.
        restart_identity: bool,
    },
    /// CREATE VIEW.
    CreateView {
        /// Definition.
        view: View,
        /// `OR REPLACE` and the view exists: replace this OID.
        replace: Option<u32>,
    },
    /// CREATE SCHEMA.
    CreateSchema {
        /// Name.
        name: String,
        /// `IF NOT EXISTS` and it exists.
        exists: bool,
    },
    /// CREATE SEQUENCE.
    CreateSequence {
        /// Definition.
        sequence: Sequence,
        /// `IF NOT EXISTS` and it exists.
        exists: bool,
    },
}

impl DdlPlan {
    /// The statement's name, as PostgreSQL names it in errors (`cannot execute CREATE TABLE
    /// in a read-only transaction`).
    pub fn command(&self) -> &'static str {
        match self {
            DdlPlan::CreateTable { as_query: Some(_), .. } => "CREATE TABLE AS",
            DdlPlan::CreateTable { .. } => "CREATE TABLE",
            DdlPlan::CreateIndex { .. } => "CREATE INDEX",
            DdlPlan::Drop { .. } => "DROP",
            DdlPlan::DropSchema { .. } => "DROP SCHEMA",
            DdlPlan::Alter { .. } => "ALTER TABLE",
            DdlPlan::Truncate { .. } => "TRUNCATE TABLE",
            DdlPlan::CreateView { .. } => "CREATE VIEW",
            DdlPlan::CreateSchema { .. } => "CREATE SCHEMA",
            DdlPlan::CreateSequence { .. } => "CREATE SEQUENCE",
        }
    }
}

fn ident_list(cols: &[ast::IndexColumn]) -> Result<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            ast::Expr::Identifier(id) => Ok(normalize_ident(id)),
            other => Err(SqlError::unsupported(format!("index on the expression {other}"))),
        })
        .collect()
}

fn seq_options(opts: &[ast::SequenceOptions], ty: &DataType) -> Result<(i64, i64, i64, i64, bool)> {
    let num = |e: &ast::Expr| -> Result<i64> {
        let text = match e {
            ast::Expr::Value(v) => v.value.to_string(),
            ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => format!("-{expr}"),
            other => other.to_string(),
        };
        text.parse::<i64>().map_err(|_| SqlError::invalid_input("bigint", &text))
    };
    let max_of = match ty {
        DataType::Int2 => i64::from(i16::MAX),
        DataType::Int4 => i64::from(i32::MAX),
        _ => i64::MAX,
    };
    let mut increment = 1;
    let mut min = None;
    let mut max = None;
    let mut start = None;
    let mut cycle = false;
    for o in opts {
        match o {
            ast::SequenceOptions::IncrementBy(e, _) => increment = num(e)?,
            ast::SequenceOptions::MinValue(Some(e)) => min = Some(num(e)?),
            ast::SequenceOptions::MaxValue(Some(e)) => max = Some(num(e)?),
            ast::SequenceOptions::MinValue(None) | ast::SequenceOptions::MaxValue(None) => {}
            ast::SequenceOptions::StartWith(e, _) => start = Some(num(e)?),
            ast::SequenceOptions::Cache(_) => {}
            ast::SequenceOptions::Cycle(no) => cycle = !*no,
        }
    }
    if increment == 0 {
        return Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "INCREMENT must not be zero"));
    }
    let min = min.unwrap_or(if increment > 0 { 1 } else { -max_of });
    let max = max.unwrap_or(if increment > 0 { max_of } else { -1 });
    let start = start.unwrap_or(if increment > 0 { min } else { max });
    if min >= max {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("MINVALUE ({min}) must be less than MAXVALUE ({max})"),
        ));
    }
    if start < min {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("START value ({start}) cannot be less than MINVALUE ({min})"),
        ));
    }
    if start > max {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("START value ({start}) cannot be greater than MAXVALUE ({max})"),
        ));
    }
    Ok((start, increment, min, max, cycle))
}

fn owned_sequence(schema: u32, name: String, ty: &DataType, opts: &[ast::SequenceOptions]) -> Result<Sequence> {
    let (start, increment, min, max, cycle) = seq_options(opts, ty)?;
    Ok(Sequence { oid: 0, schema, name, ty: ty.clone(), start, increment, min, max, cycle, owned_by: None })
}

fn referential(action: &Option<ast::ReferentialAction>) -> String {
    match action {
        None => "NO ACTION".into(),
        Some(a) => a.to_string().to_uppercase(),
    }
}

impl Binder<'_> {
    /// Binds a DDL statement, or returns `None` for anything else.
    pub(crate) fn bind_ddl(&mut self, stmt: &ast::Statement) -> Result<Option<DdlPlan>> {
        use ast::Statement as S;
        Ok(Some(match stmt {
            S::CreateTable(ct) => self.bind_create_table(ct)?,
            S::CreateIndex(ci) => self.bind_create_index(ci)?,
            S::Drop { object_type, if_exists, names, cascade, .. } => {
                self.bind_drop(object_type, *if_exists, names, *cascade)?
            }
            S::AlterTable(at) => self.bind_alter(at)?,
            S::Truncate(t) => {
                let mut tables = Vec::new();
                for target in &t.table_names {
                    match self.resolve_relation(&target.name).map_err(|e| SqlError { position: None, ..e })? {
                        Relation::Table(t) => tables.push(t),
                        _ => {
                            return Err(SqlError::new(
                                sqlstate::WRONG_OBJECT_TYPE,
                                format!("\"{}\" is not a table", target.name),
                            ));
                        }
                    }
                }
                DdlPlan::Truncate {
                    tables,
                    restart_identity: matches!(t.identity, Some(ast::TruncateIdentityOption::Restart)),
                }
            }
            S::CreateView(cv) => {
                if cv.materialized {
                    return Err(SqlError::unsupported("materialized views"));
                }
                let (schema, name) = self.split_name(&cv.name)?;
                let schema_oid = self.creation_schema(schema.as_deref())?;
                let existing = self.catalog.relation_in(schema_oid, &name);
                let replace = match existing {
                    Some(Relation::View(v)) if cv.or_replace => Some(v.oid),
                    Some(_) => {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_TABLE,
                            format!("relation \"{name}\" already exists"),
                        ));
                    }
                    None => None,
                };
                let plan = self.bind_query_plan(&cv.query)?;
                let mut columns: Vec<(String, DataType)> =
                    plan.columns.iter().map(|c| (c.name.clone(), c.ty.clone())).collect();
                for (c, alias) in columns.iter_mut().zip(&cv.columns) {
                    c.0 = normalize_ident(&alias.name);
                }
                if self.params.iter().any(Option::is_some) || !self.params.is_empty() {
                    return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "views cannot have parameters"));
                }
                DdlPlan::CreateView {
                    view: View { oid: 0, schema: schema_oid, name, sql: cv.query.to_string(), columns },
                    replace,
                }
            }
            S::CreateSchema { schema_name, if_not_exists, .. } => {
                let name = match schema_name {
                    ast::SchemaName::Simple(n) | ast::SchemaName::NamedAuthorization(n, _) => {
                        n.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default()
                    }
                    ast::SchemaName::UnnamedAuthorization(id) => normalize_ident(id),
                };
                let exists = self.catalog.schema_oid(&name).is_some();
                if exists && !*if_not_exists {
                    return Err(SqlError::new(sqlstate::DUPLICATE_SCHEMA, format!("schema \"{name}\" already exists")));
                }
                if name.starts_with("pg_") {
                    return Err(SqlError::new(sqlstate::RESERVED_NAME, format!("unacceptable schema name \"{name}\""))
                        .detail("The prefix \"pg_\" is reserved for system schemas."));
                }
                DdlPlan::CreateSchema { name, exists }
            }
            S::CreateSequence { if_not_exists, name, data_type, sequence_options, owned_by, temporary } => {
                if *temporary {
                    return Err(SqlError::unsupported("temporary sequences"));
                }
                if owned_by.is_some() {
                    return Err(SqlError::unsupported("OWNED BY"));
                }
                let (schema, n) = self.split_name(name)?;
                let schema_oid = self.creation_schema(schema.as_deref())?;
                let ty = match data_type {
                    Some(t) => bind_type(t)?,
                    None => DataType::Int8,
                };
                if !ty.is_integer() {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "sequence type must be smallint, integer, or bigint",
                    ));
                }
                let exists = self.catalog.name_taken(schema_oid, &n);
                if exists && !*if_not_exists {
                    return Err(SqlError::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{n}\" already exists")));
                }
                DdlPlan::CreateSequence { sequence: owned_sequence(schema_oid, n, &ty, sequence_options)?, exists }
            }
            _ => return Ok(None),
        }))
    }

    fn bind_create_table(&mut self, ct: &ast::CreateTable) -> Result<DdlPlan> {
        if ct.temporary {
            return Err(SqlError::unsupported("temporary tables"));
        }
        if ct.like.is_some() || ct.inherits.is_some() || ct.partition_by.is_some() || ct.partition_of.is_some() {
            return Err(SqlError::unsupported("LIKE, INHERITS and partitioned tables"));
        }
        let (schema, name) = self.split_name(&ct.name)?;
        let name_pos = ct.name.0.first().and_then(|p| p.as_ident()).and_then(|i| self.pos(i.span));
        let schema_oid = self.creation_schema(schema.as_deref()).map_err(|e| e.at(name_pos))?;
        let exists = self.catalog.name_taken(schema_oid, &name);
        if exists && !ct.if_not_exists {
            return Err(SqlError::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{name}\" already exists")));
        }
        let mut table = Table {
            oid: 0,
            schema: schema_oid,
            name: name.clone(),
            columns: Vec::new(),
            primary_key: None,
            indexes: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            options: Vec::new(),
            version: 1,
        };
        if let ast::CreateTableOptions::With(opts) | ast::CreateTableOptions::Options(opts) = &ct.table_options {
            for o in opts {
                if let ast::SqlOption::KeyValue { key, value } = o {
                    table.options.push((normalize_ident(key), value.to_string()));
                }
            }
        }
        let mut sequences = Vec::new();
        let mut as_query = None;
        if let Some(q) = &ct.query {
            let plan = self.bind_query_plan(q)?;
            for (i, c) in plan.columns.iter().enumerate() {
                let name = ct.columns.get(i).map(|d| normalize_ident(&d.name)).unwrap_or(c.name.clone());
                let ty = if c.ty == DataType::Unknown { DataType::Text } else { c.ty.clone() };
                table.columns.push(Column {
                    name,
                    ty,
                    not_null: false,
                    default: None,
                    identity: None,
                    dropped: false,
                    missing: None,
                });
            }
            as_query = Some(plan.root);
        } else {
            let mut pk_cols: Option<(Option<String>, Vec<usize>)> = None;
            let mut uniques: Vec<(Option<String>, Vec<usize>)> = Vec::new();
            let mut checks: Vec<(Option<String>, ast::Expr, Option<usize>)> = Vec::new();
            let mut fks: Vec<(Option<String>, Vec<usize>, ast::ForeignKeyConstraint)> = Vec::new();
            for def in &ct.columns {
                let cname = normalize_ident(&def.name);
                if table.columns.iter().any(|c| c.name == cname) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_COLUMN,
                        format!("column \"{cname}\" specified more than once"),
                    ));
                }
                let pos = table.columns.len();
                let serial = serial_kind(&def.data_type);
                let ty = match &serial {
                    Some(t) => t.clone(),
                    None => bind_type(&def.data_type).map_err(|e| e.at(self.after(def.name.span)))?,
                };
                let mut col = Column {
                    name: cname.clone(),
                    ty: ty.clone(),
                    not_null: false,
                    default: None,
                    identity: None,
                    dropped: false,
                    missing: None,
                };
                if serial.is_some() {
                    let seq_name = format!("{name}_{cname}_seq");
                    col.default = Some(format!("nextval('{seq_name}'::regclass)"));
                    col.not_null = true;
                    sequences.push((pos, owned_sequence(schema_oid, seq_name, &ty, &[])?));
                }
                for opt in &def.options {
                    let cons_name = opt.name.as_ref().map(normalize_ident);
                    match &opt.option {
                        ColumnOption::Null => col.not_null = false,
                        ColumnOption::NotNull => col.not_null = true,
                        ColumnOption::Default(e) => {
                            let empty = Scope::empty();
                            self.bind_expr_as(e, Ctx::new(&empty, "DEFAULT"), &ty, CoercionContext::Assignment)?;
                            col.default = Some(e.to_string());
                        }
                        ColumnOption::PrimaryKey(_) => {
                            if pk_cols.is_some() {
                                return Err(multiple_pk(&name));
                            }
                            pk_cols = Some((cons_name, vec![pos]));
                            col.not_null = true;
                        }
                        ColumnOption::Unique(_) => uniques.push((cons_name, vec![pos])),
                        ColumnOption::Check(c) => checks.push((cons_name, (*c.expr).clone(), Some(pos))),
                        ColumnOption::ForeignKey(fk) => fks.push((cons_name, vec![pos], fk.clone())),
                        ColumnOption::Generated { generated_as, sequence_options, generation_expr, .. } => {
                            if generation_expr.is_some() {
                                return Err(SqlError::unsupported("generated columns"));
                            }
                            if !ty.is_integer() {
                                return Err(SqlError::new(
                                    sqlstate::DATATYPE_MISMATCH,
                                    "identity column type must be smallint, integer, or bigint",
                                ));
                            }
                            let seq_name = format!("{name}_{cname}_seq");
                            let opts = sequence_options.clone().unwrap_or_default();
                            sequences.push((pos, owned_sequence(schema_oid, seq_name, &ty, &opts)?));
                            col.identity = Some(Identity {
                                always: matches!(generated_as, ast::GeneratedAs::Always),
                                sequence: 0,
                            });
                            col.not_null = true;
                        }
                        ColumnOption::Collation(c) => {
                            let n = c.to_string().trim_matches('"').to_string();
                            if !matches!(n.as_str(), "C" | "POSIX" | "default") {
                                return Err(SqlError::unsupported(format!("collation {n}")));
                            }
                        }
                        ColumnOption::Comment(_) => {}
                        other => return Err(SqlError::unsupported(format!("column option {other}"))),
                    }
                }
                table.columns.push(col);
            }
            for c in &ct.constraints {
                match c {
                    TableConstraint::PrimaryKey(pk) => {
                        if pk_cols.is_some() {
                            return Err(multiple_pk(&name));
                        }
                        let cols = self.positions(&table, &ident_list(&pk.columns)?)?;
                        pk_cols = Some((pk.name.as_ref().map(normalize_ident), cols));
                    }
                    TableConstraint::Unique(u) => uniques.push((
                        u.name.as_ref().map(normalize_ident),
                        self.positions(&table, &ident_list(&u.columns)?)?,
                    )),
                    TableConstraint::Check(ch) => {
                        checks.push((ch.name.as_ref().map(normalize_ident), (*ch.expr).clone(), None))
                    }
                    TableConstraint::ForeignKey(fk) => {
                        let names: Vec<String> = fk.columns.iter().map(normalize_ident).collect();
                        fks.push((fk.name.as_ref().map(normalize_ident), self.positions(&table, &names)?, fk.clone()))
                    }
                    other => return Err(SqlError::unsupported(format!("constraint {other}"))),
                }
            }
            if let Some((cname, cols)) = pk_cols {
                for c in &cols {
                    table.columns[*c].not_null = true;
                }
                table.primary_key =
                    Some(PrimaryKey { name: cname.unwrap_or(format!("{name}_pkey")), columns: cols, index_oid: 0 });
            }
            for (cname, cols) in uniques {
                let cname = cname.unwrap_or_else(|| default_name(&name, &table, &cols, "key"));
                table.indexes.push(Index {
                    oid: 0,
                    name: cname.clone(),
                    columns: cols,
                    unique: true,
                    constraint: Some(cname),
                });
            }
            let scope = crate::plan::dml::table_scope(&table, &name);
            for (cname, expr, _) in checks {
                self.bind_bool(&expr, Ctx::new(&scope, "CHECK"))?;
                let text = expr.to_string();
                let taken: Vec<String> = table
                    .primary_key
                    .iter()
                    .map(|p| p.name.clone())
                    .chain(table.indexes.iter().map(|i| i.name.clone()))
                    .collect();
                let cname = cname.unwrap_or_else(|| {
                    crate::pg_catalog::model::choose_check_name(self.catalog, &table, &text, &taken)
                });
                table.checks.push(Check { name: cname, expr: text, oid: 0 });
            }
            for (cname, cols, fk) in fks {
                let fk = self.bind_foreign_key(&table, cname, cols, &fk)?;
                table.foreign_keys.push(fk);
            }
        }
        Ok(DdlPlan::CreateTable { table, sequences, exists, as_query })
    }

    fn positions(&self, table: &Table, names: &[String]) -> Result<Vec<usize>> {
        names
            .iter()
            .map(|n| {
                table.column_index(n).ok_or_else(|| {
                    SqlError::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{n}\" named in key does not exist"))
                })
            })
            .collect()
    }

    fn bind_foreign_key(
        &self,
        table: &Table,
        name: Option<String>,
        cols: Vec<usize>,
        fk: &ast::ForeignKeyConstraint,
    ) -> Result<ForeignKey> {
        let (ref_oid, ref_table) = match self.resolve_relation(&fk.foreign_table) {
            Ok(Relation::Table(t)) => (t.oid, t.as_ref().clone()),
            Ok(_) => {
                return Err(SqlError::new(
                    sqlstate::WRONG_OBJECT_TYPE,
                    format!("referenced relation \"{}\" is not a table", fk.foreign_table),
                ))
            }
            Err(e) => {
                // A table referencing itself is not in the catalog yet.
                let (_, n) = self.split_name(&fk.foreign_table)?;
                if n == table.name {
                    (0, table.clone())
                } else {
                    return Err(e);
                }
            }
        };
        let ref_cols = if fk.referred_columns.is_empty() {
            ref_table.primary_key.as_ref().map(|pk| pk.columns.clone()).ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("there is no primary key for referenced table \"{}\"", ref_table.name),
                )
            })?
        } else {
            let names: Vec<String> = fk.referred_columns.iter().map(normalize_ident).collect();
            self.positions(&ref_table, &names)?
        };
        if ref_cols.len() != cols.len() {
            return Err(SqlError::new(
                sqlstate::INVALID_FOREIGN_KEY,
                "number of referencing and referenced columns for foreign key disagree",
            ));
        }
        let keyed = ref_table.primary_key.as_ref().is_some_and(|pk| same_set(&pk.columns, &ref_cols))
            || ref_table.indexes.iter().any(|i| i.unique && same_set(&i.columns, &ref_cols));
        if !keyed {
            return Err(SqlError::new(
                sqlstate::INVALID_FOREIGN_KEY,
                format!(
                    "there is no unique constraint matching given keys for referenced table \"{}\"",
                    ref_table.name
                ),
            ));
        }
        let col_names: Vec<&str> = cols.iter().map(|c| table.columns[*c].name.as_str()).collect();
        let characteristics = fk.characteristics.as_ref();
        Ok(ForeignKey {
            name: name.unwrap_or_else(|| format!("{}_{}_fkey", table.name, col_names.join("_"))),
            columns: cols,
            ref_table: ref_oid,
            ref_columns: ref_cols,
            on_delete: referential(&fk.on_delete),
            on_update: referential(&fk.on_update),
            deferrable: characteristics.and_then(|c| c.deferrable).unwrap_or(false),
            deferred: characteristics.is_some_and(|c| matches!(c.initially, Some(ast::DeferrableInitial::Deferred))),
            oid: 0,
        })
    }

    fn bind_create_index(&mut self, ci: &ast::CreateIndex) -> Result<DdlPlan> {
        if ci.predicate.is_some() {
            return Err(SqlError::unsupported("partial indexes"));
        }
        if !ci.include.is_empty() {
            return Err(SqlError::unsupported("INCLUDE columns"));
        }
        if let Some(using) = &ci.using {
            if !matches!(using, ast::IndexType::BTree | ast::IndexType::Hash) {
                return Err(SqlError::unsupported(format!("index method {using}")));
            }
        }
        let table = match self.resolve_relation(&ci.table_name).map_err(|e| SqlError { position: None, ..e })? {
            Relation::Table(t) => t,
            _ => {
                return Err(SqlError::new(sqlstate::WRONG_OBJECT_TYPE, format!("\"{}\" is not a table", ci.table_name)))
            }
        };
        let cols = self
            .positions(&table, &ident_list(&ci.columns)?)
            .map_err(|e| SqlError { message: e.message.replace(" named in key", ""), ..e })?;
        let name = match &ci.name {
            Some(n) => n.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default(),
            None => default_name(&table.name, &table, &cols, "idx"),
        };
        let exists = self.catalog.name_taken(table.schema, &name);
        if exists && !ci.if_not_exists {
            return Err(SqlError::new(sqlstate::DUPLICATE_TABLE, format!("relation \"{name}\" already exists")));
        }
        Ok(DdlPlan::CreateIndex {
            table,
            index: Index { oid: 0, name, columns: cols, unique: ci.unique, constraint: None },
            exists,
        })
    }

    fn bind_drop(
        &mut self,
        kind: &ast::ObjectType,
        if_exists: bool,
        names: &[ast::ObjectName],
        cascade: bool,
    ) -> Result<DdlPlan> {
        if *kind == ast::ObjectType::Schema {
            let mut schemas = Vec::new();
            let mut missing = Vec::new();
            for n in names {
                let name = n.0.last().and_then(|p| p.as_ident()).map(normalize_ident).unwrap_or_default();
                match self.catalog.schema_oid(&name) {
                    Some(oid)
                        if oid == crate::catalog::objects::PUBLIC
                            || oid == crate::catalog::objects::PG_CATALOG
                            || oid == crate::catalog::objects::INFORMATION_SCHEMA =>
                    {
                        return Err(SqlError::unsupported(format!("dropping schema {name}")));
                    }
                    Some(oid) => schemas.push(oid),
                    None if if_exists => missing.push(name),
                    None => {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_OBJECT,
                            format!("schema \"{name}\" does not exist"),
                        ))
                    }
                }
            }
            return Ok(DdlPlan::DropSchema { schemas, missing, cascade });
        }
        let (wanted, noun) = match kind {
            ast::ObjectType::Table => ("table", "table"),
            ast::ObjectType::View => ("view", "view"),
            ast::ObjectType::Sequence => ("sequence", "sequence"),
            ast::ObjectType::Index => ("index", "index"),
            other => return Err(SqlError::unsupported(format!("DROP {other}"))),
        };
        let mut relations = Vec::new();
        let mut missing = Vec::new();
        for n in names {
            match self.resolve_relation(n) {
                Ok(rel) => {
                    let ok = matches!(
                        (&rel, wanted),
                        (Relation::Table(_), "table")
                            | (Relation::View(_), "view")
                            | (Relation::Sequence(_), "sequence")
                            | (Relation::Index { .. }, "index")
                    );
                    if matches!(rel, Relation::Virtual(_)) {
                        return Err(SqlError::new(
                            sqlstate::INSUFFICIENT_PRIVILEGE,
                            format!("permission denied: \"{n}\" is a system catalog"),
                        ));
                    }
                    if !ok {
                        return Err(SqlError::new(sqlstate::WRONG_OBJECT_TYPE, format!("\"{n}\" is not a {noun}"))
                            .hint(format!("Use DROP {} to remove it.", relation_noun(&rel).to_uppercase())));
                    }
                    if let Relation::Index { table, oid } = &rel {
                        if table.primary_key.as_ref().is_some_and(|pk| pk.index_oid == *oid)
                            || table.indexes.iter().any(|i| i.oid == *oid && i.constraint.is_some())
                        {
                            return Err(SqlError::new(
                                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                                format!(
                                    "cannot drop index {n} because constraint {n} on table {} requires it",
                                    table.name
                                ),
                            )
                            .hint(format!("You can drop constraint {n} on table {} instead.", table.name)));
                        }
                    }
                    relations.push(rel);
                }
                Err(_) if if_exists => missing.push(format!("{noun} \"{n}\" does not exist, skipping")),
                Err(_) => {
                    let code = if noun == "index" { sqlstate::UNDEFINED_OBJECT } else { sqlstate::UNDEFINED_TABLE };
                    return Err(SqlError::new(code, format!("{noun} \"{n}\" does not exist")));
                }
            }
        }
        Ok(DdlPlan::Drop { relations, missing, cascade })
    }

    fn bind_alter(&mut self, at: &ast::AlterTable) -> Result<DdlPlan> {
        let table = match self.resolve_relation(&at.name) {
            Ok(Relation::Table(t)) => t,
            Ok(_) => return Err(SqlError::new(sqlstate::WRONG_OBJECT_TYPE, format!("\"{}\" is not a table", at.name))),
            Err(_) if at.if_exists => {
                let (_, name) = self.split_name(&at.name)?;
                return Ok(DdlPlan::Alter {
                    table: Arc::new(empty_table()),
                    actions: vec![],
                    notices: vec![format!("relation \"{name}\" does not exist, skipping")],
                });
            }
            Err(e) => return Err(SqlError { position: None, ..e }),
        };
        let mut actions = Vec::new();
        let mut notices = Vec::new();
        let mut working = (*table).clone();
        for op in &at.operations {
            use ast::AlterTableOperation as O;
            let action = match op {
                O::AddColumn { if_not_exists, column_def, column_position, .. } => {
                    if column_position.is_some() {
                        return Err(SqlError::unsupported("column positions"));
                    }
                    let cname = normalize_ident(&column_def.name);
                    if working.column_index(&cname).is_some() {
                        if *if_not_exists {
                            notices.push(format!(
                                "column \"{cname}\" of relation \"{}\" already exists, skipping",
                                table.name
                            ));
                            continue;
                        }
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_COLUMN,
                            format!("column \"{cname}\" of relation \"{}\" already exists", table.name),
                        ));
                    }
                    let serial = serial_kind(&column_def.data_type);
                    let ty = match &serial {
                        Some(t) => t.clone(),
                        None => bind_type(&column_def.data_type)?,
                    };
                    let mut col = Column {
                        name: cname.clone(),
                        ty: ty.clone(),
                        not_null: false,
                        default: None,
                        identity: None,
                        dropped: false,
                        missing: None,
                    };
                    let mut sequence = None;
                    let mut primary_key = false;
                    let mut unique = false;
                    if serial.is_some() {
                        let seq_name = format!("{}_{cname}_seq", table.name);
                        col.default = Some(format!("nextval('{seq_name}'::regclass)"));
                        col.not_null = true;
                        sequence = Some(owned_sequence(table.schema, seq_name, &ty, &[])?);
                    }
                    for opt in &column_def.options {
                        match &opt.option {
                            ColumnOption::Null => col.not_null = false,
                            ColumnOption::NotNull => col.not_null = true,
                            ColumnOption::Default(e) => {
                                let empty = Scope::empty();
                                self.bind_expr_as(e, Ctx::new(&empty, "DEFAULT"), &ty, CoercionContext::Assignment)?;
                                col.default = Some(e.to_string());
                            }
                            ColumnOption::PrimaryKey(_) => {
                                primary_key = true;
                                col.not_null = true;
                            }
                            ColumnOption::Unique(_) => unique = true,
                            ColumnOption::Generated {
                                generated_as, sequence_options, generation_expr: None, ..
                            } => {
                                let seq_name = format!("{}_{cname}_seq", table.name);
                                let opts = sequence_options.clone().unwrap_or_default();
                                sequence = Some(owned_sequence(table.schema, seq_name, &ty, &opts)?);
                                col.identity = Some(Identity {
                                    always: matches!(generated_as, ast::GeneratedAs::Always),
                                    sequence: 0,
                                });
                                col.not_null = true;
                            }
                            other => return Err(SqlError::unsupported(format!("ADD COLUMN with {other}"))),
                        }
                    }
                    let fill = match (&col.default, &sequence) {
                        (Some(d), None) => {
                            let parsed = crate::sql_parse::parse_expr(d)?;
                            let empty = Scope::empty();
                            Some(self.bind_expr_as(
                                &parsed,
                                Ctx::new(&empty, "DEFAULT"),
                                &ty,
                                CoercionContext::Assignment,
                            )?)
                        }
                        _ => None,
                    };
                    working.columns.push(col.clone());
                    AlterAction::AddColumn {
                        column: col,
                        sequence,
                        fill,
                        if_not_exists: *if_not_exists,
                        primary_key,
                        unique,
                    }
                }
                O::DropColumn { column_names, if_exists, drop_behavior, .. } => {
                    for n in column_names {
                        let name = normalize_ident(n);
                        if working.column_index(&name).is_none() && !*if_exists {
                            return Err(SqlError::new(
                                sqlstate::UNDEFINED_COLUMN,
                                format!("column \"{name}\" of relation \"{}\" does not exist", table.name),
                            ));
                        }
                        actions.push(AlterAction::DropColumn {
                            name,
                            if_exists: *if_exists,
                            cascade: matches!(drop_behavior, Some(ast::DropBehavior::Cascade)),
                        });
                    }
                    continue;
                }
                O::RenameColumn { old_column_name, new_column_name } => {
                    let from = normalize_ident(old_column_name);
                    let to = normalize_ident(new_column_name);
                    let Some(i) = working.column_index(&from) else {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_COLUMN,
                            format!("column \"{from}\" does not exist"),
                        ));
                    };
                    if working.column_index(&to).is_some() {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_COLUMN,
                            format!("column \"{to}\" of relation \"{}\" already exists", table.name),
                        ));
                    }
                    working.columns[i].name = to.clone();
                    AlterAction::RenameColumn { from, to }
                }
                O::RenameTable { table_name } => {
                    let n = match table_name {
                        ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n) => n,
                    };
                    let (_, to) = self.split_name(n)?;
                    if self.catalog.name_taken(table.schema, &to) {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_TABLE,
                            format!("relation \"{to}\" already exists"),
                        ));
                    }
                    AlterAction::RenameTable { to }
                }
                O::AddConstraint { constraint, .. } => match constraint {
                    TableConstraint::PrimaryKey(pk) => {
                        if working.primary_key.is_some() {
                            return Err(multiple_pk(&table.name));
                        }
                        AlterAction::AddPrimaryKey {
                            name: pk.name.as_ref().map(normalize_ident),
                            columns: self.positions(&working, &ident_list(&pk.columns)?)?,
                        }
                    }
                    TableConstraint::Unique(u) => AlterAction::AddUnique {
                        name: u.name.as_ref().map(normalize_ident),
                        columns: self.positions(&working, &ident_list(&u.columns)?)?,
                    },
                    TableConstraint::Check(ch) => {
                        let scope = crate::plan::dml::table_scope(&working, &working.name);
                        let bound = self.bind_bool(&ch.expr, Ctx::new(&scope, "CHECK"))?;
                        AlterAction::AddCheck {
                            name: ch.name.as_ref().map(normalize_ident),
                            expr: ch.expr.to_string(),
                            bound,
                        }
                    }
                    TableConstraint::ForeignKey(fk) => {
                        let names: Vec<String> = fk.columns.iter().map(normalize_ident).collect();
                        let cols = self.positions(&working, &names)?;
                        AlterAction::AddForeignKey(self.bind_foreign_key(
                            &working,
                            fk.name.as_ref().map(normalize_ident),
                            cols,
                            fk,
                        )?)
                    }
                    other => return Err(SqlError::unsupported(format!("constraint {other}"))),
                },
                O::DropConstraint { name, if_exists, .. } => {
                    AlterAction::DropConstraint { name: normalize_ident(name), if_exists: *if_exists }
                }
                O::AlterColumn { column_name, op } => {
                    let name = normalize_ident(column_name);
                    let Some(column) = working.column_index(&name) else {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_COLUMN,
                            format!("column \"{name}\" of relation \"{}\" does not exist", table.name),
                        ));
                    };
                    match op {
                        ast::AlterColumnOperation::SetNotNull => AlterAction::SetNotNull { column, not_null: true },
                        ast::AlterColumnOperation::DropNotNull => {
                            if working.primary_key.as_ref().is_some_and(|pk| pk.columns.contains(&column)) {
                                return Err(SqlError::new(
                                    sqlstate::INVALID_TABLE_DEFINITION,
                                    format!("column \"{name}\" is in a primary key"),
                                ));
                            }
                            AlterAction::SetNotNull { column, not_null: false }
                        }
                        ast::AlterColumnOperation::SetDefault { value } => {
                            let empty = Scope::empty();
                            let ty = working.columns[column].ty.clone();
                            self.bind_expr_as(value, Ctx::new(&empty, "DEFAULT"), &ty, CoercionContext::Assignment)?;
                            AlterAction::SetDefault { column, default: Some(value.to_string()) }
                        }
                        ast::AlterColumnOperation::DropDefault => AlterAction::SetDefault { column, default: None },
                        ast::AlterColumnOperation::SetDataType { data_type, using, .. } => {
                            if using.is_some() {
                                return Err(SqlError::unsupported("ALTER COLUMN TYPE ... USING"));
                            }
                            let ty = bind_type(data_type)?;
                            let old = &working.columns[column].ty;
                            if !type_change_keeps_values(old, &ty) {
                                return Err(SqlError::unsupported(format!("changing a column from {old} to {ty}")));
                            }
                            working.columns[column].ty = ty.clone();
                            AlterAction::SetType { column, ty }
                        }
                        ast::AlterColumnOperation::AddGenerated { .. } => {
                            return Err(SqlError::unsupported("ADD GENERATED"))
                        }
                    }
                }
                O::SetOptionsParens { .. }
                | O::OwnerTo { .. }
                | O::ValidateConstraint { .. }
                | O::SetLogged
                | O::SetUnlogged => AlterAction::Nothing,
                other => return Err(SqlError::unsupported(format!("ALTER TABLE {other}"))),
            };
            actions.push(action);
        }
        Ok(DdlPlan::Alter { table, actions, notices })
    }
}

fn same_set(a: &[usize], b: &[usize]) -> bool {
    let mut x = a.to_vec();
    let mut y = b.to_vec();
    x.sort();
    y.sort();
    x == y
}

fn multiple_pk(table: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TABLE_DEFINITION,
        format!("multiple primary keys for table \"{table}\" are not allowed"),
    )
}

fn default_name(table: &str, t: &Table, cols: &[usize], suffix: &str) -> String {
    let names: Vec<&str> = cols.iter().map(|c| t.columns[*c].name.as_str()).collect();
    format!("{table}_{}_{suffix}", names.join("_"))
}

fn relation_noun(rel: &Relation) -> &'static str {
    match rel {
        Relation::Table(_) => "table",
        Relation::View(_) => "view",
        Relation::Sequence(_) => "sequence",
        Relation::Index { .. } => "index",
        Relation::Virtual(_) => "view",
    }
}

/// True when every value of `from` is stored identically and valid as `to`.
fn type_change_keeps_values(from: &DataType, to: &DataType) -> bool {
    match (from, to) {
        (a, b) if a == b => true,
        (DataType::Varchar(_), DataType::Varchar(None) | DataType::Text) => true,
        (DataType::Varchar(Some(a)), DataType::Varchar(Some(b))) => b >= a,
        (DataType::Text, DataType::Varchar(None)) => true,
        (DataType::Numeric(Some(_)), DataType::Numeric(None)) => true,
        _ => false,
    }
}

fn empty_table() -> Table {
    Table {
        oid: 0,
        schema: 0,
        name: String::new(),
        columns: vec![],
        primary_key: None,
        indexes: vec![],
        checks: vec![],
        foreign_keys: vec![],
        options: vec![],
        version: 0,
    }
}
