//! Jepsen-style verification of a Tandem cluster.
//!
//! A run starts a cluster of real `tandem` processes on 127.0.0.1 ([`cluster`]), drives
//! concurrent PostgreSQL clients against it ([`client`], [`workload`]) while a nemesis injects
//! faults ([`nemesis`], with network partitions from [`net`]), writes every operation to a
//! history ([`history`]), heals the cluster, takes final reads, and checks the history
//! ([`checker`]). [`report`] writes a summary and a timeline picture; [`run`] ties it together
//! and holds the schedules (the short one CI runs, and the long one).
//!
//! The checkers are pure functions of a history, so their unit tests feed them hand-written
//! histories with each anomaly; the suite's own canary (a debug-only fault switch in the
//! server that acknowledges commits early) shows that a whole run can fail.
//!
//! What it leaves out: clock faults, disk faults (other than kill -9) and packet loss or delay
//! short of a full cut; see docs/jepsen.md.

pub mod checker;
pub mod client;
pub mod cluster;
pub mod history;
pub mod http;
pub mod nemesis;
pub mod net;
pub mod report;
pub mod run;
pub mod workload;
