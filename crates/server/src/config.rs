//! Server settings: authentication, message size limit, startup timeout.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// PostgreSQL's limit for one message (1 GiB - 1), the default for
/// [`ServerConfig::max_message_size`].
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 0x3fff_ffff;

/// How the server accepts clients.
#[derive(Clone)]
pub struct ServerConfig {
    /// Password authentication: user name → password, checked with SCRAM-SHA-256. `None`
    /// trusts every client (the default). Users missing from the map cannot log in.
    pub passwords: Option<HashMap<String, String>>,
    /// The largest message body a client may send (Query, Parse, Bind, CopyData); anything
    /// larger ends the connection with `08P01 invalid message length`. Other messages are
    /// limited to 10,000 bytes, as in PostgreSQL.
    pub max_message_size: usize,
    /// Time a client has to finish startup and authentication.
    pub startup_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self { passwords: None, max_message_size: DEFAULT_MAX_MESSAGE_SIZE, startup_timeout: Duration::from_secs(60) }
    }
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print passwords: only the user names.
        let users = self.passwords.as_ref().map(|p| {
            let mut users: Vec<&str> = p.keys().map(String::as_str).collect();
            users.sort_unstable();
            users
        });
        f.debug_struct("ServerConfig")
            .field("password_users", &users)
            .field("max_message_size", &self.max_message_size)
            .field("startup_timeout", &self.startup_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_passwords() {
        let config = ServerConfig {
            passwords: Some(HashMap::from([("alice".to_string(), "s3cret-value".to_string())])),
            ..ServerConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(shown.contains("alice"));
        assert!(!shown.contains("s3cret-value"));
    }
}
