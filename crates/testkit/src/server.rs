//! A Tandem database served over the PostgreSQL wire protocol on a loopback port, or a real
//! PostgreSQL named by [`POSTGRES_ENV`], and tokio-postgres clients for it.

use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tandem_server::ServerConfig;
use tandem_sql::Engine;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, NoTls};

use crate::db::Db;

/// The environment variable naming a PostgreSQL server (a libpq-style connection string such
/// as `host=127.0.0.1 port=5433 user=postgres dbname=postgres`) for
/// [`TestServer::start_or_postgres`].
pub const POSTGRES_ENV: &str = "TANDEM_TEST_POSTGRES";

/// How long a test waits for a condition it polls before it fails.
const POLL_DEADLINE: Duration = Duration::from_secs(20);

struct Tandem {
    db: Db,
    serve: JoinHandle<()>,
}

/// A database clients connect to over TCP.
pub struct TestServer {
    config: Config,
    tandem: Option<Tandem>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer").field("postgres", &self.is_postgres()).finish_non_exhaustive()
    }
}

impl TestServer {
    /// A one-node Tandem serving on a loopback port; clients connect as `tester`, trusted.
    pub async fn start() -> TestServer {
        Self::start_with(ServerConfig::default()).await
    }

    /// A one-node Tandem serving with `server` settings (passwords, limits).
    pub async fn start_with(server: ServerConfig) -> TestServer {
        let db = Db::start().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("client port");
        let port = listener.local_addr().expect("bound address").port();
        let serve = tokio::spawn(tandem_server::serve(listener, db.engine().clone(), server));
        let mut config = Config::new();
        config.host("127.0.0.1").port(port).user("tester").dbname("tandem");
        TestServer { config, tandem: Some(Tandem { db, serve }) }
    }

    /// The PostgreSQL server named by [`POSTGRES_ENV`] when it is set, else
    /// [`TestServer::start`].
    pub async fn start_or_postgres() -> TestServer {
        match std::env::var(POSTGRES_ENV) {
            Ok(conninfo) => TestServer {
                config: Config::from_str(&conninfo)
                    .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is not a connection string: {e}")),
                tandem: None,
            },
            Err(_) => Self::start().await,
        }
    }

    /// True when the tests run against a real PostgreSQL rather than Tandem.
    pub fn is_postgres(&self) -> bool {
        self.tandem.is_none()
    }

    /// Tandem's engine (`None` against PostgreSQL).
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        self.tandem.as_ref().map(|t| t.db.engine())
    }

    /// The connection settings clients use (host, port, user, database).
    pub fn config(&self) -> Config {
        self.config.clone()
    }

    /// The TCP port clients connect to.
    pub fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }

    /// A connected client.
    pub async fn connect(&self) -> Conn {
        Conn::open(&self.config).await.expect("connect")
    }

    /// The number of transactions now waiting for a lock: Tandem's lock table, or
    /// PostgreSQL's `pg_locks`.
    pub async fn lock_waiters(&self) -> usize {
        match self.engine() {
            Some(engine) => engine.txns().lock_waiters(),
            None => {
                let c = self.connect().await;
                let row = c.query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[]).await.expect("pg_locks");
                usize::try_from(row.get::<_, i64>(0)).expect("a count")
            }
        }
    }

    /// Waits until `n` transactions wait for a lock (fails the test after a deadline).
    pub async fn wait_for_lock_waiters(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + POLL_DEADLINE;
        loop {
            let now = self.lock_waiters().await;
            if now == n {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "expected {n} lock waiters, have {now}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the server and the database. Open client connections keep their sessions, and
    /// so the store, alive: drop the clients first, or this waits up to 10 s for them.
    pub async fn stop(self) {
        if let Some(Tandem { db, serve }) = self.tandem {
            serve.abort();
            let _ = serve.await;
            db.stop().await;
        }
    }
}

/// A tokio-postgres client and the task that drives its connection. Derefs to the
/// [`Client`].
pub struct Conn {
    client: Arc<Client>,
    connection: JoinHandle<()>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn").finish_non_exhaustive()
    }
}

impl Conn {
    /// Connects with `config`.
    pub async fn open(config: &Config) -> Result<Conn, tokio_postgres::Error> {
        let (client, connection) = config.connect(NoTls).await?;
        let connection = tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { client: Arc::new(client), connection })
    }

    /// A shared handle to the client, to run a statement from another task (one that is
    /// expected to block).
    pub fn handle(&self) -> Arc<Client> {
        self.client.clone()
    }

    /// Drops the connection abruptly, as a crashed client would: the socket closes without a
    /// Terminate message.
    pub async fn kill(self) {
        self.connection.abort();
        let _ = self.connection.await;
    }
}

impl Deref for Conn {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}
