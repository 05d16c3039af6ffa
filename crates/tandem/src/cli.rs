//! The command line. Every flag of `tandem start` can also be set with a `TANDEM_*`
//! environment variable (flags win).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// Tandem: a PostgreSQL-compatible SQL database cluster replicated with Raft.
#[derive(Debug, Parser)]
#[command(name = "tandem", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a node. With no flags: a one-node cluster in ./tandem-data on 127.0.0.1:5432.
    Start(StartArgs),
    /// Remove a node from the cluster for good (its id can never be reused).
    RemoveNode {
        /// Id of the node to remove.
        node_id: u64,
        /// Peer address of any member of the cluster.
        #[arg(long, env = "TANDEM_PEER", default_value = "127.0.0.1:7432")]
        peer: String,
    },
    /// Exit 0 if a node on this machine is ready (its `GET /ready` answers 200), 1 otherwise:
    /// a container healthcheck that needs no curl.
    Health {
        /// The node's `--http-listen` address; an unspecified host (0.0.0.0) means this machine.
        #[arg(long, env = "TANDEM_HTTP_LISTEN", default_value = "127.0.0.1:8432")]
        http_listen: String,
    },
}

/// Flags of `tandem start`.
#[derive(Debug, Clone, Args)]
pub struct StartArgs {
    /// This node's id (a positive integer, unique in the cluster, never reused).
    #[arg(long, env = "TANDEM_NODE_ID", default_value_t = 1)]
    pub node_id: u64,
    /// Where the node keeps its data.
    #[arg(long, env = "TANDEM_DATA_DIR", default_value = "./tandem-data")]
    pub data_dir: PathBuf,
    /// Address for PostgreSQL clients.
    #[arg(long, env = "TANDEM_PG_LISTEN", default_value = "127.0.0.1:5432")]
    pub pg_listen: String,
    /// Address for the internal peer protocol.
    #[arg(long, env = "TANDEM_PEER_LISTEN", default_value = "127.0.0.1:7432")]
    pub peer_listen: String,
    /// Address for HTTP: /health, /ready, /metrics, /cluster.
    #[arg(long, env = "TANDEM_HTTP_LISTEN", default_value = "127.0.0.1:8432")]
    pub http_listen: String,
    /// The cluster to form on first start, as `1=host:peerport,2=host:peerport,...`,
    /// including this node. Default: a one-node cluster of this node.
    #[arg(long, env = "TANDEM_INITIAL_CLUSTER")]
    pub initial_cluster: Option<String>,
    /// Join a running cluster through members' peer addresses (comma-separated; each is tried
    /// in turn until one answers) instead of forming one.
    #[arg(long, env = "TANDEM_JOIN", conflicts_with = "initial_cluster")]
    pub join: Option<String>,
    /// Peer address other nodes use to reach this one (default: from --initial-cluster, or
    /// --peer-listen).
    #[arg(long, env = "TANDEM_PEER_ADVERTISE")]
    pub peer_advertise: Option<String>,
    /// PostgreSQL address advertised to clients and other nodes (default: --pg-listen).
    #[arg(long, env = "TANDEM_PG_ADVERTISE")]
    pub pg_advertise: Option<String>,
    /// HTTP address advertised to other nodes (default: --http-listen).
    #[arg(long, env = "TANDEM_HTTP_ADVERTISE")]
    pub http_advertise: Option<String>,
    /// Interval between leader heartbeats, in milliseconds.
    #[arg(long, env = "TANDEM_HEARTBEAT_MS", default_value_t = 50)]
    pub heartbeat_ms: u64,
    /// Lower bound of the randomized election timeout, in milliseconds.
    #[arg(long, env = "TANDEM_ELECTION_TIMEOUT_MIN_MS", default_value_t = 200)]
    pub election_timeout_min_ms: u64,
    /// Upper bound of the randomized election timeout, in milliseconds.
    #[arg(long, env = "TANDEM_ELECTION_TIMEOUT_MAX_MS", default_value_t = 400)]
    pub election_timeout_max_ms: u64,
    /// Build a snapshot (and purge the log behind it) every this many applied entries.
    #[arg(long, env = "TANDEM_SNAPSHOT_EVERY", default_value_t = 10_000)]
    pub snapshot_every: u64,
    /// Log entries kept behind the last snapshot.
    #[arg(long, env = "TANDEM_KEEP_LOGS", default_value_t = 1_000)]
    pub keep_logs: u64,
    /// Serve the raw replicated key-value API under /kv (diagnostics and tests; it uses its
    /// own key space and cannot touch SQL data).
    #[arg(long, env = "TANDEM_ENABLE_KV_API")]
    pub enable_kv_api: bool,
    /// Require SCRAM-SHA-256 passwords, read from this file: one `user:password` per line
    /// (`#` starts a comment). Without it every client is trusted, as with PostgreSQL's
    /// `trust`: bind --pg-listen to a private address then.
    #[arg(long, env = "TANDEM_PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,
    /// Log filter (tracing's env-filter syntax), e.g. `info` or `tandem=debug`.
    #[arg(long, env = "TANDEM_LOG", default_value = "info")]
    pub log: String,
}

impl StartArgs {
    /// The initial cluster map: `--initial-cluster`, or just this node.
    pub fn initial_cluster(&self) -> Result<BTreeMap<u64, String>, String> {
        let Some(spec) = &self.initial_cluster else {
            return Ok(BTreeMap::from([(self.node_id, self.peer_advertise())]));
        };
        let mut map = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, addr) = part
                .split_once('=')
                .ok_or_else(|| format!("--initial-cluster entry `{part}` is not of the form ID=HOST:PORT"))?;
            let id: u64 = id.trim().parse().map_err(|_| format!("--initial-cluster: `{id}` is not a node id"))?;
            if id == 0 {
                return Err("--initial-cluster: node ids start at 1".into());
            }
            if map.insert(id, addr.trim().to_string()).is_some() {
                return Err(format!("--initial-cluster names node {id} twice"));
            }
        }
        if !map.contains_key(&self.node_id) {
            return Err(format!("--initial-cluster does not include this node ({})", self.node_id));
        }
        Ok(map)
    }

    /// The users and passwords of `--password-file`, if given.
    pub fn passwords(&self) -> Result<Option<std::collections::HashMap<String, String>>, String> {
        let Some(path) = &self.password_file else { return Ok(None) };
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("reading --password-file {}: {e}", path.display()))?;
        parse_password_file(&text).map(Some)
    }

    /// The peer address this node advertises.
    pub fn peer_advertise(&self) -> String {
        if let Some(addr) = &self.peer_advertise {
            return addr.clone();
        }
        if let Some(spec) = &self.initial_cluster {
            let me = format!("{}=", self.node_id);
            if let Some(entry) = spec.split(',').map(str::trim).find(|p| p.starts_with(&me)) {
                return entry[me.len()..].trim().to_string();
            }
        }
        self.peer_listen.clone()
    }

    /// Election timeout range.
    pub fn election_timeout(&self) -> (Duration, Duration) {
        (Duration::from_millis(self.election_timeout_min_ms), Duration::from_millis(self.election_timeout_max_ms))
    }
}

/// Parses `user:password` lines. Errors name the line, never its content (it holds a secret).
fn parse_password_file(text: &str) -> Result<std::collections::HashMap<String, String>, String> {
    let mut users = std::collections::HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((user, password)) if !user.is_empty() && !password.is_empty() => {
                users.insert(user.to_string(), password.to_string());
            }
            _ => return Err(format!("--password-file line {} is not of the form user:password", n + 1)),
        }
    }
    if users.is_empty() {
        return Err("--password-file names no user".into());
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> StartArgs {
        let mut full = vec!["tandem", "start"];
        full.extend_from_slice(args);
        match Cli::try_parse_from(full).unwrap().command {
            Command::Start(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn defaults_are_a_one_node_cluster() {
        let a = parse(&[]);
        assert_eq!(a.node_id, 1);
        assert_eq!(a.pg_listen, "127.0.0.1:5432");
        assert_eq!(a.initial_cluster().unwrap(), BTreeMap::from([(1, "127.0.0.1:7432".to_string())]));
    }

    #[test]
    fn initial_cluster_is_parsed_and_checked() {
        let a = parse(&["--node-id", "2", "--initial-cluster", "1=a:1, 2=b:2,3=c:3"]);
        assert_eq!(a.initial_cluster().unwrap().len(), 3);
        assert_eq!(a.peer_advertise(), "b:2");
        assert!(parse(&["--node-id", "4", "--initial-cluster", "1=a:1"]).initial_cluster().is_err());
        assert!(parse(&["--initial-cluster", "1=a:1,1=b:2"]).initial_cluster().is_err());
        assert!(parse(&["--initial-cluster", "x"]).initial_cluster().is_err());
        assert!(parse(&["--initial-cluster", "0=a:1"]).initial_cluster().is_err());
    }

    #[test]
    fn password_file_lines() {
        let users = parse_password_file("# users\nalice:s3cret:with:colons\n\nbob:pw\n").unwrap();
        assert_eq!(users["alice"], "s3cret:with:colons");
        assert_eq!(users["bob"], "pw");
        let err = parse_password_file("alice:ok\nbroken-line-secret\n").unwrap_err();
        assert!(err.contains("line 2") && !err.contains("secret"), "{err}");
        assert!(parse_password_file("# nobody\n").is_err());
    }
}
