//! Errors as the client sees them. [`SqlError`] maps field by field to an ErrorResponse or
//! NoticeResponse; [`Failure`] is how a protocol step tells the connection loop what to do
//! next: report an error and go on, end the connection with a FATAL error, or just close.

use pgwire::messages::response::{ErrorResponse, NoticeResponse};
use tandem_sql::error::Severity;
use tandem_sql::{sqlstate, SqlError};

/// Why a protocol step did not complete.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The message or statement failed: send an ErrorResponse; the connection goes on.
    Error {
        /// What to report.
        error: SqlError,
        /// Where it happened (ErrorResponse field `W`), e.g. the COPY line.
        context: Option<String>,
    },
    /// The connection ends: send this as a FATAL ErrorResponse, then close.
    Fatal(SqlError),
    /// The client went away (EOF or an I/O error): close without a reply.
    Closed,
}

impl Failure {
    /// A statement-level error with a context line.
    pub(crate) fn with_context(error: SqlError, context: impl Into<String>) -> Self {
        Failure::Error { error, context: Some(context.into()) }
    }
}

impl From<SqlError> for Failure {
    fn from(error: SqlError) -> Self {
        Failure::Error { error, context: None }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        tracing::debug!(error = %e, "client connection I/O error");
        Failure::Closed
    }
}

/// `08P01` with `message`: a client broke the protocol.
pub(crate) fn protocol_violation(message: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::PROTOCOL_VIOLATION, message)
}

/// The fields of an error or notice, as PostgreSQL sends them: severity (`S`, `V`), code,
/// message, detail, hint, position, context, table, column, constraint.
fn fields(e: &SqlError, severity: Severity, context: Option<&str>) -> Vec<(u8, String)> {
    let severity = severity.as_str().to_string();
    let mut fields = vec![(b'S', severity.clone()), (b'V', severity), (b'C', e.code.to_string())];
    fields.push((b'M', e.message.clone()));
    let optional = [
        (b'D', e.detail.clone()),
        (b'H', e.hint.clone()),
        (b'P', e.position.map(|p| p.to_string())),
        (b'W', context.map(str::to_string)),
        (b't', e.table.clone()),
        (b'c', e.column.clone()),
        (b'n', e.constraint.clone()),
    ];
    fields.extend(optional.into_iter().filter_map(|(code, value)| value.map(|v| (code, v))));
    fields
}

/// An ErrorResponse for `e` with its own severity (ERROR unless the engine says FATAL).
pub(crate) fn error_response(e: &SqlError, context: Option<&str>) -> ErrorResponse {
    let severity = match e.severity {
        Severity::Fatal => Severity::Fatal,
        _ => Severity::Error,
    };
    ErrorResponse::new(fields(e, severity, context))
}

/// A FATAL ErrorResponse for `e`: the connection closes after it.
pub(crate) fn fatal_response(e: &SqlError) -> ErrorResponse {
    ErrorResponse::new(fields(e, Severity::Fatal, None))
}

/// A NoticeResponse for a notice or warning the engine raised.
pub(crate) fn notice_response(e: &SqlError) -> NoticeResponse {
    let severity = match e.severity {
        Severity::Warning => Severity::Warning,
        _ => Severity::Notice,
    };
    NoticeResponse::new(fields(e, severity, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_fields_in_postgres_order() {
        let mut e =
            SqlError::new(sqlstate::UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"t_pkey\"")
                .detail("Key (id)=(1) already exists.")
                .constraint("t", "t_pkey");
        e.position = Some(7);
        let r = error_response(&e, Some("COPY t, line 2"));
        let codes: Vec<u8> = r.fields.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, b"SVCMDPWtn".to_vec());
        assert_eq!(r.fields[0].1, "ERROR");
        assert_eq!(r.fields[2].1, "23505");
        assert_eq!(r.fields[5].1, "7");
    }

    #[test]
    fn fatal_and_notice_severities() {
        let e = SqlError::new(sqlstate::INVALID_PASSWORD, "password authentication failed for user \"x\"");
        assert_eq!(fatal_response(&e).fields[0].1, "FATAL");
        let n = notice_response(&SqlError::notice("hello"));
        assert_eq!(n.fields[0].1, "NOTICE");
        assert_eq!(n.fields[2].1, "00000");
    }
}
