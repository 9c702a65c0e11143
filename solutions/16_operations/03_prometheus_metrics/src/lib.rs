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
        // Stored per bucket, not cumulative: one increment per observation.
        if let Some(i) = self.bounds.iter().position(|&bound| v <= bound) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        // A compare-and-swap loop: add to the f64 that these bits are, retrying on a race.
        let add = |bits: u64| Some((f64::from_bits(bits) + v).to_bits());
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, add);
    }
}

/// A label value as the text format quotes it.
pub fn escape_label_value(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', r#"\""#)
        .replace('\n', r"\n")
}

/// A HELP text as the text format writes it: backslash and line feed escaped.
pub fn escape_help(help: &str) -> String {
    help.replace('\\', r"\\").replace('\n', r"\n")
}

impl Registry {
    /// The page Prometheus scrapes: every family with series, in the text format 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for family in self.families.lock().unwrap().iter() {
            let series = family.series.lock().unwrap();
            if series.is_empty() {
                continue;
            }
            let name = &family.name;
            let kind = match family.kind {
                Kind::Counter => "counter",
                Kind::Histogram(_) => "histogram",
            };
            let _ = writeln!(out, "# HELP {name} {}", escape_help(&family.help));
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (values, series) in series.iter() {
                let labels = labels(&family.label_names, values, None);
                match (&family.kind, series.as_ref()) {
                    (Kind::Histogram(bounds), Series::Histogram(h)) => {
                        let mut cumulative = 0;
                        for (bound, bucket) in bounds.iter().zip(&h.buckets) {
                            cumulative += bucket.load(Ordering::Relaxed);
                            let le = labels_le(&family.label_names, values, *bound);
                            let _ = writeln!(out, "{name}_bucket{le} {cumulative}");
                        }
                        let count = h.count.load(Ordering::Relaxed);
                        let le = labels_le(&family.label_names, values, f64::INFINITY);
                        let sum = f64::from_bits(h.sum.load(Ordering::Relaxed));
                        let _ = writeln!(out, "{name}_bucket{le} {count}");
                        let _ = writeln!(out, "{name}_sum{labels} {}", format_value(sum));
                        let _ = writeln!(out, "{name}_count{labels} {count}");
                    }
                    (_, Series::Counter(value)) => {
                        let _ = writeln!(out, "{name}{labels} {}", value.load(Ordering::Relaxed));
                    }
                    _ => unreachable!("a family's series are of its kind"),
                }
            }
        }
        out
    }
}

/// A series' labels with `le` last, for a bucket line.
fn labels_le(names: &[String], values: &[String], bound: f64) -> String {
    labels(names, values, Some(&format_value(bound)))
}

/// `{a="x",b="y"}` (and `le` last if given), or nothing at all when there are no labels.
fn labels(names: &[String], values: &[String], le: Option<&str>) -> String {
    let mut pairs: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(name, value)| format!("{name}=\"{}\"", escape_label_value(value)))
        .collect();
    if let Some(le) = le {
        pairs.push(format!("le=\"{le}\""));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
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
