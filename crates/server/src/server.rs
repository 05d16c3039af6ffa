//! The listener: accepts TCP connections and runs each in its own task. A connection that
//! errors, panics or stalls affects no other: each task owns its socket and session, a panic
//! is caught and logged, and startup has a deadline.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tandem_sql::Engine;
use tokio::net::{TcpListener, TcpStream};

use crate::auth::Authenticator;
use crate::backend::BackendFactory;
use crate::cancel::CancelRegistry;
use crate::config::ServerConfig;
use crate::connection::Connection;
use crate::errors::{fatal_response, Failure};
use crate::startup::{establish, Established, Shared};
use crate::wire::Wire;

/// Serves PostgreSQL clients on `listener` with sessions of `engine`, until the task is
/// dropped.
pub async fn serve(listener: TcpListener, engine: Arc<Engine>, config: ServerConfig) {
    serve_with(listener, Arc::new(engine), config).await
}

/// Serves PostgreSQL clients on `listener` with sessions from `factory` (the protocol tests
/// use a fake one).
pub async fn serve_with<F: BackendFactory>(listener: TcpListener, factory: Arc<F>, config: ServerConfig) {
    let shared = Arc::new(Shared {
        auth: Authenticator::new(config.passwords.as_ref()),
        cancels: Arc::new(CancelRegistry::default()),
    });
    let config = Arc::new(config);
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (factory, shared, config) = (factory.clone(), shared.clone(), config.clone());
        tokio::spawn(async move {
            let connection = handle(socket, &*factory, &shared, &config);
            if let Err(panic) = AssertUnwindSafe(connection).catch_unwind().await {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(%peer, panic = %what, "client connection panicked");
            }
        });
    }
}

/// Runs one client connection from startup to close.
async fn handle<F: BackendFactory>(socket: TcpStream, factory: &F, shared: &Shared, config: &ServerConfig) {
    let _ = socket.set_nodelay(true);
    let mut wire = Wire::new(socket, config.max_message_size);
    let established = tokio::time::timeout(config.startup_timeout, establish(&mut wire, factory, shared)).await;
    let Established { backend, key, cancel } = match established {
        Ok(Ok(Some(established))) => established,
        Ok(Ok(None)) | Ok(Err(Failure::Closed)) => return,
        Ok(Err(Failure::Fatal(e) | Failure::Error { error: e, .. })) => {
            tracing::debug!(code = e.code, message = %e.message, "startup failed");
            wire.push(pgwire::messages::PgWireBackendMessage::ErrorResponse(fatal_response(&e)));
            let _ = wire.flush().await;
            return;
        }
        Err(_) => {
            tracing::debug!("startup timed out");
            return;
        }
    };
    Connection::new(wire, backend, cancel).run().await;
    drop(key);
}
