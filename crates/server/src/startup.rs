//! Connection startup: refuse SSL and GSS encryption ('N'), serve CancelRequests, read the
//! StartupMessage (protocol 3.0; a newer 3.x minor is answered with
//! NegotiateProtocolVersion), authenticate, open the session, and send AuthenticationOk,
//! ParameterStatus*, BackendKeyData and ReadyForQuery.

use std::sync::Arc;

use bytes::Buf;
use pgwire::messages::cancel::CancelRequest;
use pgwire::messages::response::ReadyForQuery;
use pgwire::messages::startup::{
    Authentication, BackendKeyData, NegotiateProtocolVersion, ParameterStatus, SecretKey, Startup,
};
use pgwire::messages::{Message, PgWireBackendMessage as B};
use tandem_sql::error::Severity;
use tandem_sql::session::{CancelToken, StartupInfo};
use tandem_sql::{sqlstate, SqlError};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::auth::Authenticator;
use crate::backend::{Backend, BackendFactory};
use crate::cancel::{CancelKey, CancelRegistry};
use crate::errors::{protocol_violation, Failure};
use crate::values::ready_status;
use crate::wire::{decode_body, decode_context, Wire};

const SSL_REQUEST_CODE: i32 = 80_877_103;
const GSSENC_REQUEST_CODE: i32 = 80_877_104;
const CANCEL_REQUEST_CODE: i32 = 80_877_102;

/// What every connection shares.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Password checks.
    pub(crate) auth: Authenticator,
    /// Live connections' cancel keys.
    pub(crate) cancels: Arc<CancelRegistry>,
}

/// A connection past startup.
pub(crate) struct Established<Bk> {
    /// The client's session.
    pub(crate) backend: Bk,
    /// Its cancel registration (unregistered on drop).
    pub(crate) key: CancelKey,
    /// The token CancelRequests trigger.
    pub(crate) cancel: CancelToken,
}

/// Runs startup to ReadyForQuery. `Ok(None)` when the connection was only a CancelRequest.
pub(crate) async fn establish<S, F>(
    wire: &mut Wire<S>,
    factory: &F,
    shared: &Shared,
) -> Result<Option<Established<F::Backend>>, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    F: BackendFactory,
{
    let mut body = loop {
        let body = wire.read_startup_packet().await?;
        let code = (&body[..4]).get_i32();
        match code {
            SSL_REQUEST_CODE | GSSENC_REQUEST_CODE => {
                if body.len() != 4 {
                    return Err(Failure::Fatal(protocol_violation("invalid length of startup packet")));
                }
                wire.push_raw(b"N");
                wire.flush().await?;
            }
            CANCEL_REQUEST_CODE => {
                handle_cancel(body, &shared.cancels)?;
                return Ok(None);
            }
            _ => break body,
        }
    };

    let version = (&body[..4]).get_i32();
    let (major, minor) = ((version >> 16) as u16, (version & 0xffff) as u16);
    if major != 3 {
        return Err(Failure::Fatal(SqlError::new(
            sqlstate::FEATURE_NOT_SUPPORTED,
            format!("unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0"),
        )));
    }
    let full_len = body.len() + 4;
    let ctx = decode_context();
    let startup = decode_body(&mut body, |b| Startup::decode_body(b, full_len, &ctx))?;
    let mut params = startup.parameters;

    let unsupported: Vec<String> = params.keys().filter(|k| k.starts_with("_pq_.")).cloned().collect();
    params.retain(|k, _| !k.starts_with("_pq_."));
    if minor > 0 || !unsupported.is_empty() {
        wire.push(B::NegotiateProtocolVersion(NegotiateProtocolVersion::new(0, unsupported)));
    }

    let user = params.remove("user").filter(|u| !u.is_empty()).ok_or_else(|| {
        Failure::Fatal(SqlError::new(
            sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
            "no PostgreSQL user name specified in startup packet",
        ))
    })?;
    let database = params.remove("database").filter(|d| !d.is_empty()).unwrap_or_else(|| user.clone());
    tracing::debug!(%user, %database, "client startup");

    shared.auth.authenticate(wire, &user).await?;
    wire.push(B::Authentication(Authentication::Ok));

    let startup = StartupInfo { user, database, params: params.into_iter().collect() };
    let mut backend = factory.open(startup).map_err(|mut e| {
        e.severity = Severity::Fatal;
        Failure::Fatal(e)
    })?;
    for (name, value) in backend.parameter_statuses() {
        wire.push(B::ParameterStatus(ParameterStatus::new(name, value)));
    }
    // Changes made while applying startup parameters are already in the statuses above.
    backend.take_parameter_changes();
    let cancel = CancelToken::new();
    let key = shared.cancels.register(backend.pid(), cancel.clone());
    wire.push(B::BackendKeyData(BackendKeyData::new(key.pid, SecretKey::I32(key.secret))));
    for notice in backend.take_notices() {
        wire.push(B::NoticeResponse(crate::errors::notice_response(&notice)));
    }
    wire.push(B::ReadyForQuery(ReadyForQuery::new(ready_status(backend.transaction_status()))));
    wire.flush().await?;
    Ok(Some(Established { backend, key, cancel }))
}

/// Cancels the statement of the connection a CancelRequest names. Nothing is sent back.
fn handle_cancel(mut body: bytes::BytesMut, cancels: &CancelRegistry) -> Result<(), Failure> {
    let full_len = body.len() + 4;
    let mut ctx = decode_context();
    // Under 3.2 the key is kept as bytes of any length; compare them as sent.
    ctx.protocol_version = pgwire::messages::ProtocolVersion::PROTOCOL3_2;
    let request = decode_body(&mut body, |b| CancelRequest::decode_body(b, full_len, &ctx))?;
    let cancelled = cancels.cancel(request.pid, &request.secret_key.to_bytes());
    tracing::debug!(pid = request.pid, cancelled, "cancel request");
    Ok(())
}
