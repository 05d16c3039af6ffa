//! Protocol tests: real TCP connections (tokio-postgres and a byte-level client) against the
//! server running on a fake backend.

mod auth;
mod copy;
mod extended;
mod fake;
mod raw;
mod robustness;
mod simple;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tandem_server::ServerConfig;
use tokio::net::TcpListener;

use fake::{FakeFactory, Log};

/// A server on a fake backend.
pub struct TestServer {
    pub port: u16,
    pub log: Arc<Mutex<Log>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::with_config(ServerConfig::default()).await
    }

    pub async fn with_config(config: ServerConfig) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let factory = FakeFactory::default();
        let log = factory.log.clone();
        tokio::spawn(tandem_server::serve_with(listener, Arc::new(factory), config));
        TestServer { port, log }
    }

    /// A tokio-postgres client as `tester`.
    pub async fn client(&self) -> tokio_postgres::Client {
        self.client_as("tester", None).await.unwrap()
    }

    pub async fn client_as(
        &self,
        user: &str,
        password: Option<&str>,
    ) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        let mut config = tokio_postgres::Config::new();
        config.host("127.0.0.1").port(self.port).user(user).dbname("db");
        if let Some(password) = password {
            config.password(password);
        }
        let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        Ok(client)
    }

    /// Waits until `check` holds for the log (background work such as session close).
    pub async fn eventually(&self, check: impl Fn(&Log) -> bool) {
        for _ in 0..200 {
            if check(&self.log.lock()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("condition not reached: {:?}", self.log.lock());
    }
}

/// The SQLSTATE of a tokio-postgres error.
pub fn code(e: &tokio_postgres::Error) -> String {
    e.as_db_error().unwrap_or_else(|| panic!("not a server error: {e:?}")).code().code().to_string()
}
