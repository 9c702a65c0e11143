//! # Prometheus metrics: counters and histograms in the text format 0.0.4
//!
//! Logs say what happened to one request; **metrics** say how many, how fast, for all of
//! them. Prometheus scrapes `GET /metrics` every few seconds: a page of text, one sample per
//! line, which it stores as time series and turns into graphs and alerts. Getting the format
//! slightly wrong loses the scrape (or worse, mislabels it), and the dashboard goes blank
//! exactly when it is needed.
//!
//! A [`Registry`] holds metric families, each with a name, a HELP text and label names; each
//! combination of label values is a **series**. Write:
//!
//! - [`HistogramSeries::observe`]: count `v` in the bucket of the first bound `>= v` (bounds
//!   are upper bounds, inclusive: `le` means "less than or equal"; a `v` above every bound is
//!   only in `+Inf`), add 1 to `count` and `v` to `sum`. Many request threads observe at once:
//!   atomics, no lock. `sum` is an `f64` kept as its bits in an `AtomicU64`; add to it with
//!   `fetch_update`, which retries if another thread changed it meanwhile.
//! - [`escape_label_value`] (`\` → `\\`, `"` → `\"`, line feed → `\n`) and [`escape_help`]
//!   (the same, quotes left as they are).
//! - [`Registry::render`]: for each family that has series, in the order they were
//!   registered, `# HELP name text` and `# TYPE name counter|histogram`, then its series in
//!   label-value order (the `BTreeMap` keeps them so):
//!
//! ```text
//! # HELP http_requests_total Requests served.
//! # TYPE http_requests_total counter
//! http_requests_total{method="GET",code="200"} 3
//! # HELP latency_seconds Time to answer.
//! # TYPE latency_seconds histogram
//! latency_seconds_bucket{route="/",le="0.1"} 1
//! latency_seconds_bucket{route="/",le="0.5"} 2
//! latency_seconds_bucket{route="/",le="+Inf"} 3
//! latency_seconds_sum{route="/"} 1.25
//! latency_seconds_count{route="/"} 3
//! ```
//!
//! Buckets are **cumulative** on the page (each counts everything at or below its bound:
//! a running total of the stored per-bucket counts), `+Inf` equals `_count`, and numbers are
//! written with [`format_value`]. A series without labels has no braces at all
//! (`jobs_total 5`, `latency_seconds_sum 0.5`), but its buckets still carry `le`.
//!
//! Primary source: Prometheus, Exposition formats, text format 0.0.4,
//! <https://prometheus.io/docs/instrumenting/exposition_formats/>.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

impl HistogramSeries {
    /// Counts one observation.
    pub fn observe(&self, v: f64) {
        // TODO: the first i with v <= self.bounds[i]: self.buckets[i].fetch_add(1, ..) (no
        //       such i: only +Inf, which is the count); count += 1; sum via fetch_update.
        let _ = (&self.bounds, v, &self.buckets, &self.count, &self.sum);
        todo!("observe")
    }
}

/// A label value as the text format quotes it.
pub fn escape_label_value(value: &str) -> String {
    // TODO: backslash first (or the backslashes you add get doubled), then quote, line feed.
    let _ = value;
    todo!("escape_label_value")
}

/// A HELP text as the text format writes it: backslash and line feed escaped.
pub fn escape_help(help: &str) -> String {
    // TODO: like escape_label_value, quotes left alone.
    let _ = help;
    todo!("escape_help")
}

impl Registry {
    /// The page Prometheus scrapes: every family with series, in the text format 0.0.4.
    pub fn render(&self) -> String {
        // TODO: for each family (self.families.lock()), skip one without series; HELP and TYPE
        //       lines; then each (label values, series): a counter's one line, or a
        //       histogram's buckets (a running total; le last among the labels), +Inf, _sum,
        //       _count. A helper that writes {a="x",b="y"} (or nothing) saves repeating it.
        let families = self.families.lock().unwrap();
        for f in families.iter() {
            let _ = (&f.name, &f.help, &f.label_names, &f.kind, &f.series);
        }
        let _ = (
            BTreeMap::<u8, u8>::new(),
            Ordering::Relaxed,
            format_value(0.0),
        );
        let _ = String::new().write_str("");
        todo!("render")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the registry, its families and series, and the handles the service updates them with.
// ---------------------------------------------------------------------------------------------

/// Every metric family of a service, in the order they were registered.
#[derive(Default)]
pub struct Registry {
    families: Mutex<Vec<Arc<Family>>>,
}

/// One metric: its name, help, label names, kind, and a series per combination of values.
struct Family {
    name: String,
    help: String,
    label_names: Vec<String>,
    kind: Kind,
    series: Mutex<BTreeMap<Vec<String>, Arc<Series>>>,
}

enum Kind {
    Counter,
    /// The buckets' upper bounds, ascending, without `+Inf` (always there).
    Histogram(Arc<[f64]>),
}

/// The numbers of one series.
enum Series {
    Counter(AtomicU64),
    Histogram(Arc<HistogramSeries>),
}

/// A histogram series: how many observations fell in each bucket (not cumulative: bucket `i`
/// counts those above bound `i - 1` and at most bound `i`), how many in all, and their sum
/// (an `f64` stored as its bits, since there is no atomic f64).
pub struct HistogramSeries {
    bounds: Arc<[f64]>,
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
    sum: AtomicU64,
}

impl HistogramSeries {
    fn new(bounds: &Arc<[f64]>) -> HistogramSeries {
        HistogramSeries {
            bounds: Arc::clone(bounds),
            buckets: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers a counter: a number that only goes up (requests, errors, bytes sent).
    pub fn counter(&self, name: &str, help: &str, labels: &[&str]) -> Counter {
        Counter(self.register(name, help, labels, Kind::Counter))
    }

    /// Registers a histogram with these bucket upper bounds (ascending; `+Inf` is added).
    pub fn histogram(&self, name: &str, help: &str, labels: &[&str], bounds: &[f64]) -> Histogram {
        assert!(
            bounds.windows(2).all(|w| w[0] < w[1]) && bounds.iter().all(|b| b.is_finite()),
            "{name}: bucket bounds must be finite and strictly ascending"
        );
        assert!(
            !labels.contains(&"le"),
            "{name}: `le` is the buckets' label"
        );
        Histogram(self.register(name, help, labels, Kind::Histogram(bounds.into())))
    }

    fn register(&self, name: &str, help: &str, labels: &[&str], kind: Kind) -> Arc<Family> {
        assert!(valid_name(name), "{name:?} is not a metric name");
        assert!(labels.iter().all(|l| valid_name(l) && !l.contains(':')));
        let mut families = self.families.lock().unwrap();
        assert!(
            families.iter().all(|f| f.name != name),
            "{name} is registered twice"
        );
        let family = Arc::new(Family {
            name: name.to_string(),
            help: help.to_string(),
            label_names: labels.iter().map(|l| l.to_string()).collect(),
            kind,
            series: Mutex::default(),
        });
        // A metric without labels exists from the start, at zero: a series that appears only
        // after the first event makes "no data" and "zero" look alike on a dashboard.
        if labels.is_empty() {
            family.series(&[]);
        }
        families.push(Arc::clone(&family));
        family
    }
}

impl Family {
    /// The series for these label values, made at its first use.
    fn series(&self, values: &[&str]) -> Arc<Series> {
        assert_eq!(
            values.len(),
            self.label_names.len(),
            "{}: label values {values:?} for labels {:?}",
            self.name,
            self.label_names
        );
        let key: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let mut series = self.series.lock().unwrap();
        let entry = series.entry(key).or_insert_with(|| {
            Arc::new(match &self.kind {
                Kind::Counter => Series::Counter(AtomicU64::new(0)),
                Kind::Histogram(bounds) => {
                    Series::Histogram(Arc::new(HistogramSeries::new(bounds)))
                }
            })
        });
        Arc::clone(entry)
    }
}

/// A counter family, cheap to clone and share between threads.
#[derive(Clone)]
pub struct Counter(Arc<Family>);

impl Counter {
    /// Adds one to the series with these label values.
    pub fn inc(&self, labels: &[&str]) {
        self.with(labels).inc_by(1);
    }

    /// Adds `n` to the series with these label values.
    pub fn inc_by(&self, labels: &[&str], n: u64) {
        self.with(labels).inc_by(n);
    }

    /// The series with these label values, to keep and update without looking it up again
    /// (what a hot path does).
    pub fn with(&self, labels: &[&str]) -> CounterSeries {
        CounterSeries(self.0.series(labels))
    }
}

/// One counter series.
#[derive(Clone)]
pub struct CounterSeries(Arc<Series>);

impl CounterSeries {
    /// Adds `n`.
    pub fn inc_by(&self, n: u64) {
        if let Series::Counter(value) = self.0.as_ref() {
            value.fetch_add(n, Ordering::Relaxed);
        }
    }
}

/// A histogram family, cheap to clone and share between threads.
#[derive(Clone)]
pub struct Histogram(Arc<Family>);

impl Histogram {
    /// Counts `v` in the series with these label values.
    pub fn observe(&self, labels: &[&str], v: f64) {
        self.with(labels).observe(v);
    }

    /// The series with these label values, to keep and update without looking it up again.
    pub fn with(&self, labels: &[&str]) -> Arc<HistogramSeries> {
        match self.0.series(labels).as_ref() {
            Series::Histogram(series) => Arc::clone(series),
            Series::Counter(_) => unreachable!("a histogram's series are histograms"),
        }
    }
}

/// A number as the text format writes it: `+Inf`, `-Inf`, `NaN`, or Rust's shortest
/// round-trip form (`0.1`, `2.5`, `3`).
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`, the text format's metric names (label names: no `:`).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}
