//! The `tandem` binary: starts a node (`tandem start`) or administers a cluster.

mod cli;
mod health;
mod http;

use std::sync::Arc;

use anyhow::{bail, Context as _};
use clap::Parser as _;
use tandem_raft::network::protocol::{Request, Response};
use tandem_raft::network::PeerClient;
use tandem_raft::{Member, NodeConfig, RaftNode};
use tandem_relay::Cluster;
use tandem_server::ServerConfig;
use tandem_sql::Engine;
use tandem_storage::Store;
use tandem_txn::TxnManager;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, StartArgs};

/// Exit code when the node stops on a fatal storage error (EX_SOFTWARE).
const EXIT_FATAL: i32 = 70;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    match cli.command {
        Command::Start(args) => {
            // Raft has a runtime of its own: a statement that computes for seconds on the SQL
            // runtime (a million-row INSERT, a large sort) must not hold up this node's
            // heartbeats and votes, or the followers elect another leader in the meantime.
            let raft = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("tandem-raft")
                .enable_all()
                .build()
                .context("starting the Raft runtime")?;
            runtime.block_on(start(args, raft.handle()))
        }
        Command::RemoveNode { node_id, peer } => runtime.block_on(remove_node(node_id, &peer)),
        Command::Health { http_listen } => match health::probe(&http_listen) {
            Ok(answer) => {
                println!("{answer}");
                Ok(())
            }
            Err(reason) => {
                eprintln!("tandem health: {reason}");
                std::process::exit(1);
            }
        },
    }
}

async fn start(args: StartArgs, raft: &tokio::runtime::Handle) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&args.log).context("invalid --log filter")?)
        .with_target(false)
        .init();
    if args.node_id == 0 {
        bail!("--node-id must be a positive integer");
    }
    let initial_cluster = args.initial_cluster().map_err(anyhow::Error::msg)?;
    let server_config =
        ServerConfig { passwords: args.passwords().map_err(anyhow::Error::msg)?, ..ServerConfig::default() };
    let store = {
        let dir = args.data_dir.clone();
        let id = args.node_id;
        tokio::task::spawn_blocking(move || Store::open(&dir, id)).await?.context("opening the data directory")?
    };
    let store = Arc::new(store);

    let peer_listener = raft
        .spawn(TcpListener::bind(args.peer_listen.clone()))
        .await?
        .with_context(|| format!("binding --peer-listen {}", args.peer_listen))?;
    let pg_listener =
        TcpListener::bind(&args.pg_listen).await.with_context(|| format!("binding --pg-listen {}", args.pg_listen))?;
    let http_listener = TcpListener::bind(&args.http_listen)
        .await
        .with_context(|| format!("binding --http-listen {}", args.http_listen))?;

    let config = NodeConfig {
        node_id: args.node_id,
        member: Member {
            peer_addr: args.peer_advertise(),
            pg_addr: args.pg_advertise.clone().unwrap_or_else(|| args.pg_listen.clone()),
            http_addr: args.http_advertise.clone().unwrap_or_else(|| args.http_listen.clone()),
            store_id: store.identity().store_id,
        },
        initial_cluster,
        join: args.join.clone(),
        heartbeat: std::time::Duration::from_millis(args.heartbeat_ms),
        election_timeout: args.election_timeout(),
        snapshot_every: args.snapshot_every,
        keep_logs: args.keep_logs,
    };
    let node = raft.spawn(RaftNode::start(config, store, peer_listener)).await?.context("starting Raft")?;
    let cluster = Cluster::start(Engine::new(TxnManager::new(node.clone())));
    let sql = tokio::spawn(tandem_server::serve_with(pg_listener, cluster, server_config));
    tracing::info!(
        node_id = args.node_id,
        pg = %args.pg_listen,
        peer = %args.peer_listen,
        http = %args.http_listen,
        data_dir = %args.data_dir.display(),
        "tandem node started"
    );

    let app = http::router(node.clone(), args.enable_kv_api);
    let http = tokio::spawn(async move { axum::serve(http_listener, app).await });

    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        reason = node.fatal() => {
            tracing::error!(%reason, "stopping: a replica does not continue after a storage failure");
            std::process::exit(EXIT_FATAL);
        }
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted; shutting down"),
        _ = sigterm.recv() => tracing::info!("terminated; shutting down"),
        res = http => bail!("the HTTP server stopped: {res:?}"),
        res = sql => bail!("the PostgreSQL server stopped: {res:?}"),
    }
    node.shutdown().await;
    Ok(())
}

async fn remove_node(node_id: u64, peer: &str) -> anyhow::Result<()> {
    // A tool speaks the peer protocol as node 0 of no cluster: it may ask, not replicate.
    let store_dir = tempfile_dir()?;
    let store = Arc::new(Store::open(&store_dir, 0).context("opening a scratch store")?);
    let client = PeerClient::new(
        tandem_raft::network::client::LocalIdentity { node_id: 0, store },
        peer.to_string(),
        None,
        None,
    );
    let answer = client.call(Request::Remove(node_id), std::time::Duration::from_secs(60)).await;
    let _ = std::fs::remove_dir_all(&store_dir);
    match answer.context("contacting the cluster")? {
        Response::Admin(Ok(())) => {
            println!("node {node_id} removed");
            Ok(())
        }
        Response::Admin(Err(reason)) => bail!("removing node {node_id} failed: {reason}"),
        other => bail!("unexpected answer: {other:?}"),
    }
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("tandem-tool-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(dir)
}
