//! Client authentication: trust, or SCRAM-SHA-256 against configured passwords. The SCRAM
//! arithmetic is pgwire's (`ScramServerAuth`); the message exchange is ours. Passwords are
//! turned into SCRAM verifiers (salt, stored key, server key) once at startup and never
//! logged. An unknown user goes through the same exchange against a random verifier, so the
//! reply does not reveal which users exist.

use std::collections::HashMap;
use std::fmt;

use pgwire::api::auth::sasl::scram::{gen_salted_password, ScramSecret, ScramServerAuth, SCRAM_ITERATIONS};
use pgwire::error::PgWireError;
use pgwire::messages::startup::{Authentication, PasswordMessageFamily};
use pgwire::messages::PgWireBackendMessage;
use rand::RngCore;
use tandem_sql::{sqlstate, SqlError};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::errors::{protocol_violation, Failure};
use crate::wire::{decode_body, Wire};

const MECHANISM: &str = "SCRAM-SHA-256";

/// A user's SCRAM verifier.
struct Verifier {
    salt: Vec<u8>,
    iterations: usize,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl Verifier {
    fn from_password(password: &str) -> Self {
        let salt = random_bytes(16);
        let salted = gen_salted_password(password, &salt, SCRAM_ITERATIONS);
        match ScramSecret::verifier_from_salted_password(salt, salted, SCRAM_ITERATIONS) {
            ScramSecret::Verifier { salt, iterations, stored_key, server_key } => {
                Self { salt, iterations, stored_key, server_key }
            }
            ScramSecret::SaltedPassword { .. } => unreachable!("verifier_from_salted_password returns a verifier"),
        }
    }

    /// A verifier no password matches.
    fn impossible() -> Self {
        Self {
            salt: random_bytes(16),
            iterations: SCRAM_ITERATIONS,
            stored_key: random_bytes(32),
            server_key: random_bytes(32),
        }
    }

    fn secret(&self) -> ScramSecret {
        ScramSecret::Verifier {
            salt: self.salt.clone(),
            iterations: self.iterations,
            stored_key: self.stored_key.clone(),
            server_key: self.server_key.clone(),
        }
    }
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

/// How clients prove who they are.
pub(crate) struct Authenticator {
    users: Option<HashMap<String, Verifier>>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator").field("password_users", &self.users.as_ref().map(HashMap::len)).finish()
    }
}

impl Authenticator {
    /// Trust when `passwords` is `None`, else SCRAM-SHA-256 against them.
    pub(crate) fn new(passwords: Option<&HashMap<String, String>>) -> Self {
        let users = passwords.map(|p| p.iter().map(|(user, pw)| (user.clone(), Verifier::from_password(pw))).collect());
        Self { users }
    }

    /// Authenticates `user`; on success the caller sends AuthenticationOk.
    pub(crate) async fn authenticate<S>(&self, wire: &mut Wire<S>, user: &str) -> Result<(), Failure>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let Some(users) = &self.users else { return Ok(()) };
        let failed = || {
            Failure::Fatal(SqlError::new(
                sqlstate::INVALID_PASSWORD,
                format!("password authentication failed for user \"{user}\""),
            ))
        };
        let malformed = || Failure::Fatal(protocol_violation("malformed SCRAM message"));
        let secret = users.get(user).map_or_else(|| Verifier::impossible().secret(), Verifier::secret);

        wire.push(PgWireBackendMessage::Authentication(Authentication::SASL(vec![MECHANISM.to_string()])));
        wire.flush().await?;
        let initial = decode_body(&mut read_password_message(wire).await?, |body| {
            PasswordMessageFamily::Raw(std::mem::take(body)).into_sasl_initial_response()
        })?;
        if initial.auth_method != MECHANISM {
            return Err(Failure::Fatal(protocol_violation("client selected an invalid SASL authentication mechanism")));
        }
        let client_first = initial.data.ok_or_else(malformed)?;
        let (server_first, waiting) = ScramServerAuth::new()
            .on_client_first_message_with_secret(&client_first, secret)
            .map_err(|_| malformed())?;
        wire.push(PgWireBackendMessage::Authentication(Authentication::SASLContinue(server_first.into())));
        wire.flush().await?;

        let response = decode_body(&mut read_password_message(wire).await?, |body| {
            PasswordMessageFamily::Raw(std::mem::take(body)).into_sasl_response()
        })?;
        match waiting.on_client_final_message(&response.data) {
            Ok(server_final) => {
                wire.push(PgWireBackendMessage::Authentication(Authentication::SASLFinal(server_final.into())));
                Ok(())
            }
            Err(PgWireError::InvalidPassword(_)) => Err(failed()),
            Err(_) => Err(malformed()),
        }
    }
}

/// Reads the body of the client's next message, which must be a SASL message ('p').
async fn read_password_message<S>(wire: &mut Wire<S>) -> Result<bytes::BytesMut, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    match wire.read_frame().await? {
        (b'p', body) => Ok(body),
        (b'X', _) => Err(Failure::Closed),
        (tag, _) => Err(Failure::Fatal(protocol_violation(format!("expected SASL response, got message type {tag}")))),
    }
}
