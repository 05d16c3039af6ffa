//! SQL errors. Every error a client can see carries a SQLSTATE (decision D9); the wire layer
//! maps [`SqlError`] to an ErrorResponse field by field. An error that reaches a client as
//! `XX000` (internal) is a bug.

use std::fmt;

/// SQLSTATE codes used by Tandem, named as in PostgreSQL's errcodes.txt.
#[allow(missing_docs)]
pub mod sqlstate {
    pub const SUCCESSFUL_COMPLETION: &str = "00000";
    pub const WARNING: &str = "01000";
    pub const NO_DATA: &str = "02000";
    pub const CONNECTION_EXCEPTION: &str = "08000";
    pub const CONNECTION_FAILURE: &str = "08006";
    pub const PROTOCOL_VIOLATION: &str = "08P01";
    pub const FEATURE_NOT_SUPPORTED: &str = "0A000";
    pub const CARDINALITY_VIOLATION: &str = "21000";
    pub const DATA_EXCEPTION: &str = "22000";
    pub const STRING_DATA_RIGHT_TRUNCATION: &str = "22001";
    pub const NUMERIC_VALUE_OUT_OF_RANGE: &str = "22003";
    pub const NULL_VALUE_NOT_ALLOWED: &str = "22004";
    pub const INVALID_DATETIME_FORMAT: &str = "22007";
    pub const DATETIME_FIELD_OVERFLOW: &str = "22008";
    pub const INVALID_TIME_ZONE_DISPLACEMENT_VALUE: &str = "22009";
    pub const ARRAY_SUBSCRIPT_ERROR: &str = "2202E";
    pub const INVALID_PARAMETER_VALUE: &str = "22023";
    pub const DIVISION_BY_ZERO: &str = "22012";
    pub const INVALID_ESCAPE_SEQUENCE: &str = "22025";
    pub const INVALID_REGULAR_EXPRESSION: &str = "2201B";
    pub const INVALID_ROW_COUNT_IN_LIMIT_CLAUSE: &str = "2201W";
    pub const INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE: &str = "2201X";
    pub const INVALID_TEXT_REPRESENTATION: &str = "22P02";
    pub const INVALID_BINARY_REPRESENTATION: &str = "22P03";
    pub const BAD_COPY_FILE_FORMAT: &str = "22P04";
    pub const UNTRANSLATABLE_CHARACTER: &str = "22P05";
    pub const CHARACTER_NOT_IN_REPERTOIRE: &str = "22021";
    pub const INVALID_JSON_TEXT: &str = "22P02";
    pub const INTEGRITY_CONSTRAINT_VIOLATION: &str = "23000";
    pub const NOT_NULL_VIOLATION: &str = "23502";
    pub const FOREIGN_KEY_VIOLATION: &str = "23503";
    pub const UNIQUE_VIOLATION: &str = "23505";
    pub const CHECK_VIOLATION: &str = "23514";
    pub const INVALID_CURSOR_STATE: &str = "24000";
    pub const INVALID_TRANSACTION_STATE: &str = "25000";
    pub const ACTIVE_SQL_TRANSACTION: &str = "25001";
    pub const READ_ONLY_SQL_TRANSACTION: &str = "25006";
    pub const NO_ACTIVE_SQL_TRANSACTION: &str = "25P01";
    pub const IN_FAILED_SQL_TRANSACTION: &str = "25P02";
    pub const INVALID_SQL_STATEMENT_NAME: &str = "26000";
    pub const INVALID_AUTHORIZATION_SPECIFICATION: &str = "28000";
    pub const INVALID_PASSWORD: &str = "28P01";
    pub const INVALID_CURSOR_NAME: &str = "34000";
    pub const INVALID_SAVEPOINT_SPECIFICATION: &str = "3B001";
    pub const INVALID_CATALOG_NAME: &str = "3D000";
    pub const INVALID_SCHEMA_NAME: &str = "3F000";
    pub const TRANSACTION_ROLLBACK: &str = "40000";
    pub const SERIALIZATION_FAILURE: &str = "40001";
    pub const STATEMENT_COMPLETION_UNKNOWN: &str = "40003";
    pub const DEADLOCK_DETECTED: &str = "40P01";
    pub const SYNTAX_ERROR: &str = "42601";
    pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
    pub const GROUPING_ERROR: &str = "42803";
    pub const WINDOWING_ERROR: &str = "42P20";
    pub const INVALID_FOREIGN_KEY: &str = "42830";
    pub const DATATYPE_MISMATCH: &str = "42804";
    pub const CANNOT_COERCE: &str = "42846";
    pub const UNDEFINED_COLUMN: &str = "42703";
    pub const UNDEFINED_FUNCTION: &str = "42883";
    pub const UNDEFINED_TABLE: &str = "42P01";
    pub const UNDEFINED_PARAMETER: &str = "42P02";
    pub const INDETERMINATE_DATATYPE: &str = "42P18";
    pub const UNDEFINED_OBJECT: &str = "42704";
    pub const DUPLICATE_COLUMN: &str = "42701";
    pub const DUPLICATE_CURSOR: &str = "42P03";
    pub const DUPLICATE_DATABASE: &str = "42P04";
    pub const DUPLICATE_PREPARED_STATEMENT: &str = "42P05";
    pub const DUPLICATE_SCHEMA: &str = "42P06";
    pub const DUPLICATE_TABLE: &str = "42P07";
    pub const DUPLICATE_ALIAS: &str = "42712";
    pub const DUPLICATE_OBJECT: &str = "42710";
    pub const AMBIGUOUS_COLUMN: &str = "42702";
    pub const AMBIGUOUS_FUNCTION: &str = "42725";
    pub const AMBIGUOUS_PARAMETER: &str = "42P08";
    pub const INVALID_COLUMN_REFERENCE: &str = "42P10";
    pub const INVALID_COLUMN_DEFINITION: &str = "42611";
    pub const INVALID_TABLE_DEFINITION: &str = "42P16";
    pub const INVALID_OBJECT_DEFINITION: &str = "42P17";
    pub const WRONG_OBJECT_TYPE: &str = "42809";
    pub const INVALID_NAME: &str = "42602";
    pub const NAME_TOO_LONG: &str = "42622";
    pub const RESERVED_NAME: &str = "42939";
    pub const DEPENDENT_OBJECTS_STILL_EXIST: &str = "2BP01";
    pub const PROGRAM_LIMIT_EXCEEDED: &str = "54000";
    pub const STATEMENT_TOO_COMPLEX: &str = "54001";
    pub const TOO_MANY_COLUMNS: &str = "54011";
    pub const OBJECT_NOT_IN_PREREQUISITE_STATE: &str = "55000";
    pub const OBJECT_IN_USE: &str = "55006";
    pub const LOCK_NOT_AVAILABLE: &str = "55P03";
    pub const QUERY_CANCELED: &str = "57014";
    pub const ADMIN_SHUTDOWN: &str = "57P01";
    pub const CANNOT_CONNECT_NOW: &str = "57P03";
    pub const IO_ERROR: &str = "58030";
    pub const CONFIG_FILE_ERROR: &str = "F0000";
    pub const CANT_CHANGE_RUNTIME_PARAM: &str = "55P02";
    pub const INTERNAL_ERROR: &str = "XX000";
    pub const DATA_CORRUPTED: &str = "XX001";
    pub const INVALID_PREPARED_STATEMENT_DEFINITION: &str = "42P14";
    pub const UNDEFINED_SEQUENCE: &str = "42P01";
    pub const SEQUENCE_GENERATOR_LIMIT_EXCEEDED: &str = "2200H";
    pub const GENERATED_ALWAYS: &str = "428C9";

    /// The `&'static str` for a SQLSTATE received from another node; anything that is not
    /// five digits or upper-case letters becomes XX000.
    pub fn intern(code: &str) -> &'static str {
        use std::collections::HashSet;
        use std::sync::{Mutex, OnceLock};
        static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
            return INTERNAL_ERROR;
        }
        let mut codes = CODES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = codes.get(code) {
            return known;
        }
        // Codes form a small fixed set; the bound only guards against a misbehaving peer.
        if codes.len() >= 4096 {
            return INTERNAL_ERROR;
        }
        let leaked: &'static str = Box::leak(code.to_string().into_boxed_str());
        codes.insert(leaked);
        leaked
    }
}

/// Severity of a message sent to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    /// The statement failed.
    Error,
    /// The session ends.
    Fatal,
    /// Informational, the statement continues.
    Notice,
    /// A warning, the statement continues.
    Warning,
}

impl Severity {
    /// The severity as PostgreSQL spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
            Severity::Notice => "NOTICE",
            Severity::Warning => "WARNING",
        }
    }
}

/// An error (or notice) as PostgreSQL reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SqlError {
    /// Five-character SQLSTATE.
    pub code: &'static str,
    /// The primary message.
    pub message: String,
    /// Optional detail.
    pub detail: Option<String>,
    /// Optional hint.
    pub hint: Option<String>,
    /// 1-based character position in the query string, for syntax and binding errors.
    pub position: Option<u32>,
    /// ERROR unless said otherwise.
    pub severity: Severity,
    /// Constraint name (constraint violations).
    pub constraint: Option<String>,
    /// Table name (constraint violations).
    pub table: Option<String>,
    /// Column name (not-null violations).
    pub column: Option<String>,
}

/// [`SqlError`] as it arrives from another node, its SQLSTATE not yet interned (the fields
/// and their order are [`SqlError`]'s).
#[derive(serde::Deserialize)]
struct WireError {
    code: String,
    message: String,
    detail: Option<String>,
    hint: Option<String>,
    position: Option<u32>,
    severity: Severity,
    constraint: Option<String>,
    table: Option<String>,
    column: Option<String>,
}

impl<'de> serde::Deserialize<'de> for SqlError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        WireError::deserialize(d).map(SqlError::from)
    }
}

impl From<WireError> for SqlError {
    fn from(w: WireError) -> Self {
        SqlError {
            code: sqlstate::intern(&w.code),
            message: w.message,
            detail: w.detail,
            hint: w.hint,
            position: w.position,
            severity: w.severity,
            constraint: w.constraint,
            table: w.table,
            column: w.column,
        }
    }
}

impl SqlError {
    /// An ERROR with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            severity: Severity::Error,
            constraint: None,
            table: None,
            column: None,
        }
    }

    /// Adds a detail line.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the cursor position (1-based characters) unless one is set already.
    pub fn at(mut self, position: Option<u32>) -> Self {
        if self.position.is_none() {
            self.position = position;
        }
        self
    }

    /// Names the constraint (and table) violated.
    pub fn constraint(mut self, table: &str, constraint: &str) -> Self {
        self.table = Some(table.to_string());
        self.constraint = Some(constraint.to_string());
        self
    }

    /// A NOTICE.
    pub fn notice(message: impl Into<String>) -> Self {
        Self { severity: Severity::Notice, ..Self::new(sqlstate::SUCCESSFUL_COMPLETION, message) }
    }

    /// 0A000: a feature Tandem does not support, named.
    pub fn unsupported(what: impl fmt::Display) -> Self {
        let what = what.to_string();
        // "window functions are", "LIKE ... ESCAPE is", "a subquery as arguments is".
        let first = what.split_whitespace().next().unwrap_or("");
        let plural = what.ends_with('s')
            && first.chars().next().is_some_and(|c| c.is_lowercase())
            && !matches!(first, "a" | "an" | "the");
        let verb = if plural { "are" } else { "is" };
        Self::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("{what} {verb} not supported"))
    }

    /// XX000: a bug. Use only where a broken invariant, not user input, is the cause.
    pub fn internal(message: impl fmt::Display) -> Self {
        Self::new(sqlstate::INTERNAL_ERROR, format!("internal error: {message}"))
    }

    /// 22P02 for a value that does not parse as `type_name`.
    pub fn invalid_input(type_name: &str, input: &str) -> Self {
        Self::new(
            sqlstate::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {type_name}: \"{input}\""),
        )
    }

    /// 22003 for a value out of range for `type_name`.
    pub fn out_of_range(type_name: &str) -> Self {
        Self::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("{type_name} out of range"))
    }

    /// 22012.
    pub fn division_by_zero() -> Self {
        Self::new(sqlstate::DIVISION_BY_ZERO, "division by zero")
    }

    /// 40001.
    pub fn serialization_failure(message: impl Into<String>) -> Self {
        Self::new(sqlstate::SERIALIZATION_FAILURE, message)
    }

    /// True for errors after which a client should retry the whole transaction.
    pub fn is_retryable(&self) -> bool {
        matches!(self.code, sqlstate::SERIALIZATION_FAILURE | sqlstate::DEADLOCK_DETECTED)
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.severity.as_str(), self.message, self.code)
    }
}

impl std::error::Error for SqlError {}

impl From<tandem_storage::Error> for SqlError {
    fn from(e: tandem_storage::Error) -> Self {
        match e {
            tandem_storage::Error::Corrupt(m) => {
                SqlError::new(sqlstate::DATA_CORRUPTED, format!("data corrupted: {m}"))
            }
            other => SqlError::new(sqlstate::IO_ERROR, other.to_string()),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = SqlError> = std::result::Result<T, E>;

impl From<tandem_txn::TxnError> for SqlError {
    fn from(e: tandem_txn::TxnError) -> Self {
        use tandem_txn::TxnError as T;
        match e {
            T::Serialization(what) => {
                SqlError::serialization_failure(format!("could not serialize access due to {what}"))
                    .hint("The transaction might succeed if retried.")
            }
            T::Deadlock(detail) => SqlError::new(sqlstate::DEADLOCK_DETECTED, "deadlock detected")
                .detail(detail)
                .hint("See server log for query details."),
            T::LockTimeout => SqlError::new(sqlstate::LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout"),
            T::LeadershipLost => SqlError::serialization_failure(
                "could not serialize access: the node lost leadership during the transaction",
            )
            .hint("Retry the transaction; nothing it wrote was committed."),
            T::NotLeader { leader } => SqlError::new(
                sqlstate::CANNOT_CONNECT_NOW,
                match leader {
                    Some(l) => format!("this node is not the leader; node {l} is"),
                    None => "no leader is available; the cluster may be electing one or have lost its majority".into(),
                },
            ),
            T::CommitUnknown(detail) => {
                SqlError::new(sqlstate::STATEMENT_COMPLETION_UNKNOWN, "the outcome of the commit is unknown")
                    .detail(detail)
                    .hint("The transaction may or may not have committed; check before retrying.")
            }
            T::ReadOnly(what) => SqlError::new(
                sqlstate::READ_ONLY_SQL_TRANSACTION,
                format!("cannot execute {what} in a read-only transaction"),
            ),
            T::Unavailable(m) => SqlError::new(sqlstate::CANNOT_CONNECT_NOW, m)
                .hint("Retry, or connect to another node; the cluster may be electing a leader."),
            T::Storage(m) => SqlError::new(sqlstate::IO_ERROR, m),
        }
    }
}
