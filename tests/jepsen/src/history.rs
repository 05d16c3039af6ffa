//! The history of a run: every operation's invocation and completion, in the order they
//! happened, with times, the client (process) and the node it talked to.
//!
//! As in Jepsen, a completion is `ok` (it happened), `fail` (it certainly did not happen) or
//! `info` (its outcome is unknown: a timeout, SQLSTATE 40003, a connection lost at commit). A
//! process whose operation ended in `info` never runs another one: the operation may still be
//! in flight, so the client continues as a new process. The history is written as JSON lines,
//! one [`Entry`] per line, as the run goes, so a crashed run still leaves what it saw.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// What an entry records.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The client is about to run the operation.
    Invoke,
    /// The operation happened; its value carries what it read.
    Ok,
    /// The operation certainly did not happen.
    Fail,
    /// The outcome is unknown: it may have happened, once, at any time after its invocation.
    Info,
}

/// One micro-operation of a list-append transaction.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mop {
    /// Append `value` to the list at `key`.
    Append(u64, u64),
    /// Read the list at `key`: `None` before (or without) the read, `Some` after it (a missing
    /// row reads as the empty list).
    R(u64, Option<Vec<u64>>),
}

impl Mop {
    /// The key the micro-operation touches.
    pub fn key(&self) -> u64 {
        match self {
            Mop::Append(k, _) | Mop::R(k, _) => *k,
        }
    }
}

/// An operation and its arguments or results.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "f", rename_all = "kebab-case")]
pub enum Op {
    /// A list-append transaction.
    Txn {
        /// Its micro-operations, in order.
        mops: Vec<Mop>,
    },
    /// Register read (`None` for a missing register).
    Read {
        /// Register key.
        key: u64,
        /// Value read.
        value: Option<i64>,
    },
    /// Register write.
    Write {
        /// Register key.
        key: u64,
        /// Value written.
        value: i64,
    },
    /// Register compare-and-set.
    Cas {
        /// Register key.
        key: u64,
        /// Expected value.
        from: i64,
        /// New value.
        to: i64,
    },
    /// Bank transfer.
    Transfer {
        /// Debited account.
        from: u32,
        /// Credited account.
        to: u32,
        /// Amount moved.
        amount: i64,
    },
    /// Bank read of every balance.
    Balances {
        /// Account → balance, once read.
        balances: Option<BTreeMap<u32, i64>>,
    },
    /// Set insert of a unique element.
    Add {
        /// The element.
        element: i64,
    },
    /// Set read of every element.
    ReadSet {
        /// The elements, once read.
        elements: Option<Vec<i64>>,
    },
}

impl Op {
    /// A short name of the operation's function, for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Txn { mops } if mops.iter().all(|m| matches!(m, Mop::R(..))) => "txn-read",
            Op::Txn { .. } => "txn",
            Op::Read { .. } => "read",
            Op::Write { .. } => "write",
            Op::Cas { .. } => "cas",
            Op::Transfer { .. } => "transfer",
            Op::Balances { .. } => "balances",
            Op::Add { .. } => "add",
            Op::ReadSet { .. } => "read-set",
        }
    }
}

/// One line of the history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the history.
    pub index: usize,
    /// Nanoseconds since the run started.
    pub time_ns: u64,
    /// Invocation or completion.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The logical client (a client that saw an `info` continues as a new process).
    pub process: u64,
    /// The node the client talked to, if it reached one.
    pub node: Option<u64>,
    /// The operation.
    #[serde(flatten)]
    pub op: Op,
    /// Why it failed or is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A history being recorded: kept in memory for the checkers and appended to a file.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    inner: Mutex<(Vec<Entry>, Option<BufWriter<File>>)>,
}

impl Recorder {
    /// Records into `path` (created or truncated); times count from `start`.
    pub fn create(path: &Path, start: Instant) -> std::io::Result<Self> {
        let file = BufWriter::new(File::create(path)?);
        Ok(Self { start, inner: Mutex::new((Vec::new(), Some(file))) })
    }

    /// Records in memory only.
    pub fn in_memory(start: Instant) -> Self {
        Self { start, inner: Mutex::new((Vec::new(), None)) }
    }

    /// Nanoseconds since the run started.
    pub fn now_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }

    /// Appends an entry and returns its index.
    pub fn record(&self, kind: Kind, process: u64, node: Option<u64>, op: Op, error: Option<String>) -> usize {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let index = inner.0.len();
        let entry = Entry { index, time_ns: self.now_ns(), kind, process, node, op, error };
        if let Some(file) = inner.1.as_mut() {
            // A history that cannot be written is reported when the file is flushed.
            let _ = serde_json::to_writer(&mut *file, &entry).map(|_| file.write_all(b"\n"));
        }
        inner.0.push(entry);
        index
    }

    /// Flushes the file and returns the entries recorded so far.
    pub fn finish(&self) -> std::io::Result<Vec<Entry>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = inner.1.as_mut() {
            file.flush()?;
        }
        Ok(inner.0.clone())
    }
}

/// Reads a history written by a [`Recorder`].
pub fn load(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (n, line) in BufReader::new(File::open(path)?).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry =
            serde_json::from_str(&line).map_err(|e| anyhow::anyhow!("{}: line {}: {e}", path.display(), n + 1))?;
        entries.push(entry);
    }
    Ok(entries)
}

/// An operation from invocation to completion.
#[derive(Clone, Debug)]
pub struct Completed<'a> {
    /// The invocation.
    pub invoke: &'a Entry,
    /// The completion; `None` when the history ended first (treated as `info`).
    pub complete: Option<&'a Entry>,
}

impl<'a> Completed<'a> {
    /// How it ended (`Info` when it never completed).
    pub fn kind(&self) -> Kind {
        self.complete.map_or(Kind::Info, |c| c.kind)
    }

    /// The operation as completed when it succeeded (with what it read), else as invoked.
    pub fn op(&self) -> &'a Op {
        match self.complete {
            Some(c) if c.kind == Kind::Ok => &c.op,
            _ => &self.invoke.op,
        }
    }

    /// Completion time; `None` for an operation whose outcome is unknown.
    pub fn complete_ns(&self) -> Option<u64> {
        self.complete.filter(|c| c.kind != Kind::Info).map(|c| c.time_ns)
    }

    /// Latency in nanoseconds, when it completed at all.
    pub fn latency_ns(&self) -> Option<u64> {
        self.complete.map(|c| c.time_ns.saturating_sub(self.invoke.time_ns))
    }
}

/// Pairs each invocation with its process's next completion, in invocation order.
pub fn pair(entries: &[Entry]) -> Vec<Completed<'_>> {
    let mut open: HashMap<u64, usize> = HashMap::new();
    let mut out: Vec<Completed<'_>> = Vec::new();
    for e in entries {
        match e.kind {
            Kind::Invoke => {
                open.insert(e.process, out.len());
                out.push(Completed { invoke: e, complete: None });
            }
            _ => {
                if let Some(i) = open.remove(&e.process) {
                    out[i].complete = Some(e);
                }
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod build {
    //! Hand-written histories for the checkers' tests.

    use super::*;

    /// Builds a history one operation at a time, with explicit times.
    #[derive(Default)]
    pub struct HistoryBuilder {
        pub entries: Vec<Entry>,
    }

    impl HistoryBuilder {
        /// Records an invocation at `t` by `process`.
        pub fn invoke(&mut self, t: u64, process: u64, op: Op) -> &mut Self {
            self.push(t, Kind::Invoke, process, op)
        }

        /// Records a completion at `t` by `process`.
        pub fn complete(&mut self, t: u64, process: u64, kind: Kind, op: Op) -> &mut Self {
            self.push(t, kind, process, op)
        }

        /// An operation invoked at `t0` and completed at `t1`.
        pub fn op(&mut self, t0: u64, t1: u64, process: u64, kind: Kind, invoked: Op, completed: Op) -> &mut Self {
            self.invoke(t0, process, invoked).complete(t1, process, kind, completed)
        }

        fn push(&mut self, t: u64, kind: Kind, process: u64, op: Op) -> &mut Self {
            let index = self.entries.len();
            self.entries.push(Entry { index, time_ns: t, kind, process, node: Some(1), op, error: None });
            self
        }

        /// The entries sorted by time (stable, so equal times keep insertion order).
        pub fn build(&self) -> Vec<Entry> {
            let mut e = self.entries.clone();
            e.sort_by_key(|e| e.time_ns);
            for (i, e) in e.iter_mut().enumerate() {
                e.index = i;
            }
            e
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        let rec = Recorder::create(&path, Instant::now()).unwrap();
        rec.record(Kind::Invoke, 0, Some(1), Op::Txn { mops: vec![Mop::Append(1, 2), Mop::R(1, None)] }, None);
        rec.record(Kind::Info, 0, Some(1), Op::Add { element: 3 }, Some("40003".into()));
        let written = rec.finish().unwrap();
        assert_eq!(load(&path).unwrap(), written);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#""type":"invoke""#) && text.contains(r#""f":"txn""#), "{text}");
    }

    #[test]
    fn pairing_follows_processes() {
        let mut b = build::HistoryBuilder::default();
        b.invoke(1, 0, Op::Add { element: 1 })
            .invoke(2, 1, Op::Add { element: 2 })
            .complete(3, 1, Kind::Ok, Op::Add { element: 2 })
            .complete(4, 0, Kind::Fail, Op::Add { element: 1 })
            .invoke(5, 2, Op::Add { element: 3 });
        let h = b.build();
        let p = pair(&h);
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].kind(), p[1].kind(), p[2].kind()), (Kind::Fail, Kind::Ok, Kind::Info));
        assert_eq!(p[1].latency_ns(), Some(1));
        assert_eq!(p[2].complete_ns(), None);
    }
}
