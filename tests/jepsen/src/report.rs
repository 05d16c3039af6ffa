//! Reports of a run: a summary (operations ok, failed and unknown, throughput and latency,
//! the faults, and every anomaly with the transactions that form it) as text and JSON, and a
//! timeline picture: the latency of every operation over time, coloured by outcome, with the
//! fault windows shaded. The picture is an SVG written by hand; any browser opens it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::checker::{CheckResult, Validity};
use crate::history::{pair, Entry, Kind};
use crate::nemesis::FaultWindow;

/// Operation counts and latencies of one operation function.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OpStats {
    /// Succeeded.
    pub ok: usize,
    /// Failed.
    pub fail: usize,
    /// Outcome unknown.
    pub info: usize,
    /// Latency percentiles of successful operations, in milliseconds: p50, p95, p99, max.
    pub latency_ms: [f64; 4],
}

/// Counts, latencies and throughput of a history.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Per operation function.
    pub by_f: BTreeMap<String, OpStats>,
    /// All operations together.
    pub total: OpStats,
    /// Successful operations per second over the span of the history.
    pub ok_per_second: f64,
    /// The most frequent errors, with counts.
    pub errors: Vec<(String, usize)>,
}

fn percentiles(mut v: Vec<u64>) -> [f64; 4] {
    if v.is_empty() {
        return [0.0; 4];
    }
    v.sort_unstable();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1e6;
    [at(0.5), at(0.95), at(0.99), at(1.0)]
}

/// Computes the statistics of a history.
pub fn stats(entries: &[Entry]) -> Stats {
    let mut lat: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut all_lat = Vec::new();
    let mut s = Stats::default();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for c in pair(entries) {
        let f = c.invoke.op.name().to_string();
        let entry = s.by_f.entry(f.clone()).or_default();
        for o in [&mut *entry, &mut s.total] {
            match c.kind() {
                Kind::Ok => o.ok += 1,
                Kind::Fail => o.fail += 1,
                _ => o.info += 1,
            }
        }
        if c.kind() == Kind::Ok {
            let l = c.latency_ns().unwrap_or(0);
            lat.entry(f).or_default().push(l);
            all_lat.push(l);
        }
        if let Some(e) = c.complete.and_then(|e| e.error.as_ref()) {
            // Group errors by their first words (messages carry node ids and values).
            let key: String = e.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
            *errors.entry(key).or_default() += 1;
        }
    }
    for (f, v) in lat {
        if let Some(o) = s.by_f.get_mut(&f) {
            o.latency_ms = percentiles(v);
        }
    }
    s.total.latency_ms = percentiles(all_lat);
    let span = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) if b.time_ns > a.time_ns => (b.time_ns - a.time_ns) as f64 / 1e9,
        _ => 0.0,
    };
    s.ok_per_second = if span > 0.0 { s.total.ok as f64 / span } else { 0.0 };
    let mut errors: Vec<(String, usize)> = errors.into_iter().collect();
    errors.sort_by_key(|e| std::cmp::Reverse(e.1));
    errors.truncate(10);
    s.errors = errors;
    s
}

/// Everything the summary says about a run.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The run's name.
    pub name: String,
    /// The run's settings, as `key = value` lines.
    pub settings: Vec<(String, String)>,
    /// The verdict: invalid if any checker found a prohibited anomaly or the run had a problem.
    pub valid: Validity,
    /// Counts and latencies.
    pub stats: Stats,
    /// The faults injected.
    pub faults: Vec<FaultWindow>,
    /// The checkers' results.
    pub results: Vec<CheckResult>,
    /// Problems of the run itself (a cluster that did not recover, replicas that diverged).
    pub problems: Vec<String>,
}

impl Summary {
    /// The summary as text.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "run {}: {:?}", self.name, self.valid);
        for (k, v) in &self.settings {
            let _ = writeln!(t, "  {k} = {v}");
        }
        let _ = writeln!(t, "\noperations (latency of successful ones, ms: p50 / p95 / p99 / max)");
        let _ = writeln!(t, "  {:<10} {:>7} {:>7} {:>7}   latency", "f", "ok", "fail", "info");
        for (f, o) in self.stats.by_f.iter().chain([(&"total".to_string(), &self.stats.total)]) {
            let [p50, p95, p99, max] = o.latency_ms;
            let _ = writeln!(
                t,
                "  {f:<10} {:>7} {:>7} {:>7}   {p50:.1} / {p95:.1} / {p99:.1} / {max:.1}",
                o.ok, o.fail, o.info
            );
        }
        let _ = writeln!(t, "  throughput: {:.1} ok operations/s", self.stats.ok_per_second);
        if !self.stats.errors.is_empty() {
            let _ = writeln!(t, "\nmost frequent errors");
            for (e, n) in &self.stats.errors {
                let _ = writeln!(t, "  {n:>6}  {e}");
            }
        }
        let _ = writeln!(t, "\nfaults");
        if self.faults.is_empty() {
            let _ = writeln!(t, "  none");
        }
        for f in &self.faults {
            let _ = writeln!(
                t,
                "  {:>7.2}s - {:>7.2}s  {}: {}",
                f.start_ns as f64 / 1e9,
                f.end_ns as f64 / 1e9,
                f.name,
                f.detail
            );
        }
        for p in &self.problems {
            let _ = writeln!(t, "\nPROBLEM: {p}");
        }
        for r in &self.results {
            let _ = writeln!(t, "\nchecker {}: {:?}", r.checker, r.valid);
            for n in &r.notes {
                let _ = writeln!(t, "  {n}");
            }
            for (label, list) in [("ANOMALY", &r.anomalies), ("allowed at this level", &r.allowed)] {
                for a in list {
                    let _ = writeln!(t, "  {label} {}: {}", a.kind, a.description);
                    for step in a.cycle.iter().flatten() {
                        let _ = writeln!(
                            t,
                            "      op {:>6}  {}\n               -{}-> ({})",
                            step.op, step.txn, step.edge, step.why
                        );
                    }
                }
            }
        }
        t
    }
}

/// Successful operations drawn at most (a sample of them beyond that).
const MAX_OK_POINTS: usize = 40_000;

/// The timeline picture: latency (log scale) of every operation over time, faults shaded.
pub fn timeline_svg(entries: &[Entry], faults: &[FaultWindow], title: &str) -> String {
    const W: f64 = 1100.0;
    const H: f64 = 460.0;
    const L: f64 = 70.0;
    const R: f64 = 150.0;
    const T: f64 = 40.0;
    const B: f64 = 50.0;
    let end_s = entries.last().map_or(1.0, |e| e.time_ns as f64 / 1e9).max(1.0);
    let (min_ms, max_ms) = (0.1f64, 10_000.0f64);
    let x = |s: f64| L + (s / end_s) * (W - L - R);
    let y = |ms: f64| {
        let f = (ms.clamp(min_ms, max_ms).log10() - min_ms.log10()) / (max_ms.log10() - min_ms.log10());
        H - B - f * (H - T - B)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let _ = write!(svg, r#"<text x="{L}" y="22" font-size="14">{}</text>"#, escape(title));
    for f in faults {
        let (x0, x1) = (x(f.start_ns as f64 / 1e9), x(f.end_ns as f64 / 1e9));
        let _ = write!(
            svg,
            r##"<rect x="{x0:.1}" y="{T}" width="{:.1}" height="{:.1}" fill="#d9534f" fill-opacity="0.15"><title>{}: {}</title></rect>"##,
            (x1 - x0).max(1.0),
            H - T - B,
            escape(&f.name),
            escape(&f.detail)
        );
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{}" fill="#a33" font-size="9">{}</text>"##,
            x0 + 2.0,
            T + 10.0,
            escape(&f.name)
        );
    }
    // Axes and grid.
    let _ = write!(svg, r#"<line x1="{L}" y1="{}" x2="{}" y2="{}" stroke="black"/>"#, H - B, W - R, H - B);
    let _ = write!(svg, r#"<line x1="{L}" y1="{T}" x2="{L}" y2="{}" stroke="black"/>"#, H - B);
    for ms in [0.1, 1.0, 10.0, 100.0, 1000.0, 10_000.0] {
        let yy = y(ms);
        let _ = write!(svg, r##"<line x1="{L}" y1="{yy:.1}" x2="{}" y2="{yy:.1}" stroke="#ddd"/>"##, W - R);
        let _ = write!(svg, r#"<text x="{}" y="{:.1}" text-anchor="end">{ms} ms</text>"#, L - 5.0, yy + 4.0);
    }
    let step = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0].into_iter().find(|s| end_s / s <= 12.0).unwrap_or(600.0);
    let mut s = 0.0;
    while s <= end_s {
        let _ = write!(svg, r#"<text x="{:.1}" y="{}" text-anchor="middle">{s}s</text>"#, x(s), H - B + 15.0);
        s += step;
    }
    let _ =
        write!(svg, r#"<text x="{}" y="{}" text-anchor="middle">time since start</text>"#, (L + W - R) / 2.0, H - 12.0);
    let _ = write!(
        svg,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">latency</text>"#,
        H / 2.0,
        H / 2.0
    );
    // Points: failures and unknown outcomes drawn last, on top.
    let ops = pair(entries);
    // Long runs: every failure and unknown outcome, but only a sample of the successes.
    let ok_every = ops.iter().filter(|c| c.kind() == Kind::Ok).count().div_ceil(MAX_OK_POINTS).max(1);
    for wanted in [Kind::Ok, Kind::Fail, Kind::Info] {
        let colour = colour(wanted);
        let step = if wanted == Kind::Ok { ok_every } else { 1 };
        for c in ops.iter().filter(|c| c.kind() == wanted).step_by(step) {
            let t = c.invoke.time_ns as f64 / 1e9;
            let ms = c.latency_ns().map_or(max_ms, |l| l as f64 / 1e6);
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="1.6" fill="{colour}" fill-opacity="0.6"/>"#,
                x(t),
                y(ms)
            );
        }
    }
    // Legend.
    let lx = W - R + 15.0;
    for (i, (kind, label)) in
        [(Kind::Ok, "ok"), (Kind::Fail, "fail"), (Kind::Info, "unknown (info)")].into_iter().enumerate()
    {
        let ly = T + 10.0 + i as f64 * 18.0;
        let _ = write!(svg, r#"<circle cx="{lx}" cy="{ly}" r="4" fill="{}"/>"#, colour(kind));
        let _ = write!(svg, r#"<text x="{}" y="{}">{label}</text>"#, lx + 10.0, ly + 4.0);
    }
    let ly = T + 10.0 + 3.0 * 18.0;
    let _ = write!(
        svg,
        r##"<rect x="{}" y="{}" width="8" height="8" fill="#d9534f" fill-opacity="0.3"/>"##,
        lx - 4.0,
        ly - 4.0
    );
    let _ = write!(svg, r#"<text x="{}" y="{}">fault</text>"#, lx + 10.0, ly + 4.0);
    svg.push_str("</svg>\n");
    svg
}

fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Ok => "#2a9d2a",
        Kind::Fail => "#d62728",
        _ => "#ff9f1c",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::HistoryBuilder;
    use crate::history::Op;

    #[test]
    fn stats_count_outcomes_and_latencies() {
        let mut b = HistoryBuilder::default();
        let add = |e| Op::Add { element: e };
        b.op(0, 2_000_000, 0, Kind::Ok, add(1), add(1)).op(0, 4_000_000, 1, Kind::Fail, add(2), add(2));
        b.invoke(1_000_000_000, 2, add(3));
        let s = stats(&b.build());
        let o = &s.by_f["add"];
        assert_eq!((o.ok, o.fail, o.info), (1, 1, 1));
        assert_eq!(o.latency_ms[0], 2.0);
    }

    #[test]
    fn the_timeline_is_an_svg_with_faults_and_points() {
        let mut b = HistoryBuilder::default();
        b.op(0, 2_000_000, 0, Kind::Ok, Op::Add { element: 1 }, Op::Add { element: 1 });
        let faults = vec![FaultWindow { name: "kill".into(), detail: "node <1>".into(), start_ns: 0, end_ns: 1 }];
        let svg = timeline_svg(&b.build(), &faults, "t & t");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("node &lt;1&gt;") && svg.contains("t &amp; t") && svg.contains("<circle"));
    }
}
