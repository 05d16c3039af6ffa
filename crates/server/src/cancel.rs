//! Cancel requests. Each connection registers its [`CancelToken`] under a random (pid, secret)
//! pair, sent to the client as BackendKeyData; a CancelRequest on another connection that
//! names the pair cancels the statement running on the first. Secrets are compared in
//! constant time so that probing cannot learn them byte by byte.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use rand::Rng;
use tandem_sql::session::CancelToken;

/// The live connections' cancel keys.
#[derive(Debug, Default)]
pub(crate) struct CancelRegistry {
    entries: Mutex<HashMap<i32, Entry>>,
}

#[derive(Debug)]
struct Entry {
    secret: [u8; 4],
    token: CancelToken,
}

/// A connection's registration; dropping it unregisters the key.
#[derive(Debug)]
pub(crate) struct CancelKey {
    registry: Arc<CancelRegistry>,
    /// The process id sent in BackendKeyData.
    pub(crate) pid: i32,
    /// The secret sent in BackendKeyData.
    pub(crate) secret: i32,
}

impl CancelRegistry {
    /// Registers `token` under `pid` (a random one if `None` or taken) and a random secret.
    pub(crate) fn register(self: &Arc<Self>, pid: Option<i32>, token: CancelToken) -> CancelKey {
        let mut rng = rand::thread_rng();
        let secret: i32 = rng.gen();
        let mut entries = self.entries.lock();
        let pid = match pid {
            Some(pid) if !entries.contains_key(&pid) => pid,
            _ => loop {
                let pid = rng.gen_range(1..i32::MAX);
                if !entries.contains_key(&pid) {
                    break pid;
                }
            },
        };
        entries.insert(pid, Entry { secret: secret.to_be_bytes(), token });
        CancelKey { registry: Arc::clone(self), pid, secret }
    }

    /// Cancels the statement of connection `pid` if `secret` matches; true if it did.
    pub(crate) fn cancel(&self, pid: i32, secret: &[u8]) -> bool {
        let token = {
            let entries = self.entries.lock();
            match entries.get(&pid) {
                Some(entry) if constant_time_eq(&entry.secret, secret) => entry.token.clone(),
                _ => return false,
            }
        };
        token.cancel();
        true
    }

    fn unregister(&self, pid: i32) {
        self.entries.lock().remove(&pid);
    }
}

impl Drop for CancelKey {
    fn drop(&mut self) {
        self.registry.unregister(self.pid);
    }
}

/// Equality whose time depends only on the lengths, not on where the bytes differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_needs_pid_and_secret() {
        let registry = Arc::new(CancelRegistry::default());
        let token = CancelToken::new();
        let key = registry.register(None, token.clone());
        assert!(!registry.cancel(key.pid, &key.secret.wrapping_add(1).to_be_bytes()));
        assert!(!registry.cancel(key.pid.wrapping_add(1), &key.secret.to_be_bytes()));
        assert!(!registry.cancel(key.pid, &[1, 2, 3]));
        assert!(!token.is_cancelled());
        assert!(registry.cancel(key.pid, &key.secret.to_be_bytes()));
        assert!(token.is_cancelled());
    }

    #[test]
    fn dropping_the_key_unregisters() {
        let registry = Arc::new(CancelRegistry::default());
        let key = registry.register(Some(42), CancelToken::new());
        assert_eq!(key.pid, 42);
        assert_ne!(registry.register(Some(42), CancelToken::new()).pid, 42);
        let (pid, secret) = (key.pid, key.secret);
        drop(key);
        assert!(!registry.cancel(pid, &secret.to_be_bytes()));
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abcd", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abce"));
        assert!(!constant_time_eq(b"abcd", b"abc"));
    }
}
