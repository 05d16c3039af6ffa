//! Fault injection for tests. Compiled into debug builds only: a release build has no switch
//! and these functions return nothing.
//!
//! * `TANDEM_FAULT_APPLY_IO_ERROR_AT=N`: applying the entry at log index `N` fails as a disk
//!   error would, so tests can show that the node stops rather than diverging.
//! * `TANDEM_FAULT_ACK_BEFORE_COMMIT=1`: a transaction's commit is acknowledged as soon as it
//!   is submitted, before a majority has it, so the Jepsen suite can show that it reports the
//!   lost writes this causes (its canary run).

/// The log index at which apply should fail, if the switch is set.
pub fn apply_io_error_at() -> Option<u64> {
    #[cfg(debug_assertions)]
    {
        static AT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
        *AT.get_or_init(|| std::env::var("TANDEM_FAULT_APPLY_IO_ERROR_AT").ok().and_then(|v| v.parse().ok()))
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// True when commits should be acknowledged before they are durable on a majority.
pub fn ack_before_commit() -> bool {
    #[cfg(debug_assertions)]
    {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *ON.get_or_init(|| std::env::var("TANDEM_FAULT_ACK_BEFORE_COMMIT").is_ok_and(|v| v == "1"))
    }
    #[cfg(not(debug_assertions))]
    {
        false
    }
}
