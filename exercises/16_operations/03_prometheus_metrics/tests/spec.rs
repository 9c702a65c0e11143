//! The specification: escaping, inclusive bucket bounds, the exact lines of the text format
//! 0.0.4, and the same page read back by a Prometheus text-format parser
//! (`prom_text_format_parser`, a crate written against the same spec), with updates from many
//! threads at once.

use prom_text_format_parser::{Scrape, Type, ValueType};
use prometheus_metrics::{Registry, escape_help, escape_label_value};

/// The page parsed by the real parser, or a failure that shows the page.
#[track_caller]
fn parse(page: &str) -> Scrape {
    Scrape::parse(page)
        .unwrap_or_else(|e| panic!("a Prometheus parser refuses this page ({e:?}):\n{page}"))
}

#[track_caller]
fn expect_page(registry: &Registry, want: &[&str], why: &str) {
    let page = registry.render();
    let got: Vec<&str> = page.lines().collect();
    assert_eq!(got, want, "{why}\nthe page was:\n{page}");
    assert!(
        page.ends_with('\n'),
        "every line ends with \\n, the last one too"
    );
}

// ---------------------------------------------------------------------------------------------
// Escaping

#[test]
fn plain_label_values_are_unchanged() {
    assert_eq!(escape_label_value("GET"), "GET");
    assert_eq!(escape_label_value(""), "");
    assert_eq!(escape_label_value("/books/{id}"), "/books/{id}");
    assert_eq!(
        escape_label_value("café ✓"),
        "café ✓",
        "UTF-8 is written as it is"
    );
}

#[test]
fn label_values_escape_backslash_quote_and_line_feed() {
    for (value, want) in [
        (r"C:\temp", r"C:\\temp"),
        (r#"say "hi""#, r#"say \"hi\""#),
        ("two\nlines", r"two\nlines"),
        (r#"\""#, r#"\\\""#),
        ("\\n", r"\\n"),
    ] {
        assert_eq!(
            escape_label_value(value),
            want,
            "escape_label_value({value:?}): \\ to \\\\, \" to \\\", line feed to \\n; the \
             backslash first, or the backslashes added for the others are doubled again"
        );
    }
}

#[test]
fn help_text_escapes_backslash_and_line_feed_but_not_quotes() {
    assert_eq!(
        escape_help("Bytes read from \"disk\" (C:\\data)\nper request."),
        r#"Bytes read from "disk" (C:\\data)\nper request."#,
        "HELP escapes \\ and line feed only (text format 0.0.4); a quote stays a quote"
    );
}

// ---------------------------------------------------------------------------------------------
// The page, line by line

#[test]
fn a_counter_without_labels_is_one_line_without_braces() {
    let registry = Registry::new();
    let jobs = registry.counter("jobs_total", "Jobs run.", &[]);
    jobs.inc(&[]);
    jobs.inc_by(&[], 4);
    expect_page(
        &registry,
        &[
            "# HELP jobs_total Jobs run.",
            "# TYPE jobs_total counter",
            "jobs_total 5",
        ],
        "HELP, TYPE, then the sample: no {} when there are no labels",
    );
}

#[test]
fn a_counter_with_labels_has_one_line_per_series_in_label_order() {
    let registry = Registry::new();
    let requests = registry.counter(
        "http_requests_total",
        "Requests served.",
        &["method", "code"],
    );
    requests.inc(&["POST", "201"]);
    requests.inc(&["GET", "200"]);
    requests.inc(&["GET", "200"]);
    requests.inc(&["GET", "404"]);
    expect_page(
        &registry,
        &[
            "# HELP http_requests_total Requests served.",
            "# TYPE http_requests_total counter",
            r#"http_requests_total{method="GET",code="200"} 2"#,
            r#"http_requests_total{method="GET",code="404"} 1"#,
            r#"http_requests_total{method="POST",code="201"} 1"#,
        ],
        "labels in the order they were declared, series in the BTreeMap's order",
    );
}

#[test]
fn a_family_without_series_is_left_out() {
    let registry = Registry::new();
    registry.counter("errors_total", "Errors.", &["kind"]);
    let up = registry.counter("up_total", "Starts.", &[]);
    up.inc(&[]);
    expect_page(
        &registry,
        &[
            "# HELP up_total Starts.",
            "# TYPE up_total counter",
            "up_total 1",
        ],
        "errors_total has labels and no series yet: nothing to say about it, not even HELP",
    );
}

#[test]
fn a_counter_without_labels_shows_zero_before_its_first_event() {
    let registry = Registry::new();
    registry.counter("retries_total", "Retries.", &[]);
    expect_page(
        &registry,
        &[
            "# HELP retries_total Retries.",
            "# TYPE retries_total counter",
            "retries_total 0",
        ],
        "a series at 0 is data; a missing one looks like a broken scrape",
    );
}

#[test]
fn histogram_buckets_are_cumulative_with_inf_sum_and_count() {
    let registry = Registry::new();
    let latency = registry.histogram(
        "latency_seconds",
        "Time to answer.",
        &["route"],
        &[0.1, 0.5, 1.0],
    );
    for v in [0.05, 0.25, 0.25, 0.75, 3.0] {
        latency.observe(&["/"], v);
    }
    expect_page(
        &registry,
        &[
            "# HELP latency_seconds Time to answer.",
            "# TYPE latency_seconds histogram",
            r#"latency_seconds_bucket{route="/",le="0.1"} 1"#,
            r#"latency_seconds_bucket{route="/",le="0.5"} 3"#,
            r#"latency_seconds_bucket{route="/",le="1"} 4"#,
            r#"latency_seconds_bucket{route="/",le="+Inf"} 5"#,
            r#"latency_seconds_sum{route="/"} 4.3"#,
            r#"latency_seconds_count{route="/"} 5"#,
        ],
        "each bucket counts everything at or below its bound (a running total), +Inf is the \
         count (3.0 is above every bound), le is the last label",
    );
}

#[test]
fn an_observation_equal_to_a_bound_is_in_that_bucket() {
    let registry = Registry::new();
    let size = registry.histogram("size_bytes", "Sizes.", &[], &[100.0, 1000.0]);
    size.observe(&[], 100.0);
    size.observe(&[], 1000.0);
    size.observe(&[], 1000.5);
    expect_page(
        &registry,
        &[
            "# HELP size_bytes Sizes.",
            "# TYPE size_bytes histogram",
            r#"size_bytes_bucket{le="100"} 1"#,
            r#"size_bytes_bucket{le="1000"} 2"#,
            r#"size_bytes_bucket{le="+Inf"} 3"#,
            "size_bytes_sum 2100.5",
            "size_bytes_count 3",
        ],
        "le is \"less than or equal\": 100 counts in le=\"100\" (v <= bound, not v < bound); \
         without labels, _sum and _count have no braces and buckets carry only le",
    );
}

#[test]
fn a_histogram_with_no_observations_has_zeros() {
    let registry = Registry::new();
    registry.histogram("wait_seconds", "Waits.", &[], &[1.0]);
    expect_page(
        &registry,
        &[
            "# HELP wait_seconds Waits.",
            "# TYPE wait_seconds histogram",
            r#"wait_seconds_bucket{le="1"} 0"#,
            r#"wait_seconds_bucket{le="+Inf"} 0"#,
            "wait_seconds_sum 0",
            "wait_seconds_count 0",
        ],
        "an unlabelled histogram exists from the start, all zero",
    );
}

#[test]
fn families_come_in_registration_order() {
    let registry = Registry::new();
    let b = registry.counter("b_total", "B.", &[]);
    let a = registry.counter("a_total", "A.", &[]);
    b.inc(&[]);
    a.inc(&[]);
    let page = registry.render();
    let types: Vec<&str> = page.lines().filter(|l| l.starts_with("# TYPE")).collect();
    assert_eq!(
        types,
        ["# TYPE b_total counter", "# TYPE a_total counter"],
        "the order they were registered in:\n{page}"
    );
}

#[test]
fn escaped_values_are_written_in_the_page() {
    let registry = Registry::new();
    let files = registry.counter("files_total", "Files seen,\nby \"path\".", &["path"]);
    files.inc(&["C:\\dir \"new\"\nx"]);
    expect_page(
        &registry,
        &[
            r#"# HELP files_total Files seen,\nby "path"."#,
            "# TYPE files_total counter",
            r#"files_total{path="C:\\dir \"new\"\nx"} 1"#,
        ],
        "HELP through escape_help, label values through escape_label_value: a raw line feed \
         would cut the sample in two",
    );
}

// ---------------------------------------------------------------------------------------------
// The page as a Prometheus parser reads it

/// A page with everything: counters with and without labels, a histogram, hard values.
fn busy_registry() -> Registry {
    let registry = Registry::new();
    let requests = registry.counter(
        "http_requests_total",
        "Requests served, by \"method\".\nSee the runbook.",
        &["method", "path"],
    );
    requests.inc_by(&["GET", "/"], 7);
    requests.inc(&["POST", "/say \"hi\"\\now"]);
    requests.inc(&["GET", "/multi\nline"]);
    let latency = registry.histogram(
        "http_request_duration_seconds",
        "Latency.",
        &["route"],
        &[0.005, 0.05, 0.5, 5.0],
    );
    for (route, v) in [
        ("/", 0.001),
        ("/", 0.05),
        ("/", 0.3),
        ("/", 9.0),
        ("/books/{id}", 0.5),
        ("/books/{id}", 0.004),
    ] {
        latency.observe(&[route], v);
    }
    registry
        .counter("starts_total", "Process starts.", &[])
        .inc(&[]);
    registry
}

#[test]
fn a_prometheus_parser_reads_the_whole_page() {
    let page = busy_registry().render();
    let scrape = parse(&page);
    let families: Vec<(String, Type, usize)> = scrape
        .metrics
        .iter()
        .map(|m| (m.name.clone(), m.kind, m.samples.len()))
        .collect();
    assert_eq!(
        families,
        [
            ("http_requests_total".to_string(), Type::Counter, 3),
            (
                "http_request_duration_seconds".to_string(),
                Type::Histogram,
                14
            ),
            ("starts_total".to_string(), Type::Counter, 1),
        ],
        "(name, type, samples) as the parser sees the page:\n{page}"
    );
    assert_eq!(
        scrape.metrics[0].help_desc.as_deref(),
        Some(r#"Requests served, by "method".\nSee the runbook."#),
        "the HELP text, still escaped, on one line"
    );
}

#[test]
fn the_parser_reads_back_escaped_label_values() {
    let scrape = parse(&busy_registry().render());
    let paths: Vec<String> = scrape.metrics[0]
        .samples
        .iter()
        .flat_map(|s| s.labels.iter())
        .filter(|l| l.key == "path")
        .map(|l| l.value.clone())
        .collect();
    assert_eq!(
        paths,
        ["/", r"/multi\nline", r#"/say \"hi\"\\now"#],
        "the parser keeps values as escaped text: these are what escape_label_value must give"
    );
}

#[test]
fn for_the_parser_inf_equals_count_and_buckets_never_decrease() {
    let scrape = parse(&busy_registry().render());
    let histogram = &scrape.metrics[1];
    for route in ["/", "/books/{id}"] {
        let of_route: Vec<_> = histogram
            .samples
            .iter()
            .filter(|s| {
                s.labels
                    .iter()
                    .any(|l| l.key == "route" && l.value == route)
            })
            .collect();
        let buckets: Vec<(String, f64)> = of_route
            .iter()
            .filter(|s| s.value.value_type == ValueType::Sample)
            .map(|s| {
                let le = s.labels.iter().find(|l| l.key == "le");
                let le = le.map(|l| l.value.clone()).unwrap_or_default();
                (le, s.value.value.as_f64())
            })
            .collect();
        let count = of_route
            .iter()
            .find(|s| s.value.value_type == ValueType::Count)
            .map(|s| s.value.value.as_f64());
        let sum = of_route
            .iter()
            .find(|s| s.value.value_type == ValueType::Sum)
            .map(|s| s.value.value.as_f64());
        let les: Vec<&str> = buckets.iter().map(|(le, _)| le.as_str()).collect();
        assert_eq!(les, ["0.005", "0.05", "0.5", "5", "+Inf"], "route {route}");
        assert!(
            buckets.windows(2).all(|w| w[0].1 <= w[1].1),
            "route {route}: buckets are cumulative, never decreasing: {buckets:?}"
        );
        assert_eq!(
            Some(buckets[4].1),
            count,
            "route {route}: the +Inf bucket equals _count"
        );
        let want = if route == "/" {
            (vec![1.0, 2.0, 3.0, 3.0], 9.351)
        } else {
            (vec![1.0, 1.0, 2.0, 2.0], 0.504)
        };
        let finite: Vec<f64> = buckets[..4].iter().map(|(_, n)| *n).collect();
        assert_eq!(finite, want.0, "route {route}: the finite buckets");
        let sum = sum.unwrap_or(f64::NAN);
        assert!(
            (sum - want.1).abs() < 1e-9,
            "route {route}: _sum {sum}, expected {}",
            want.1
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Many threads

/// Observations per thread: enough for threads on two cores to overlap many times.
const PER_THREAD: u32 = 200_000;

/// Runs `work` on 4 threads that start together (a barrier), so their updates overlap.
fn on_four_threads(work: impl Fn(usize) + Sync) {
    let start = std::sync::Barrier::new(4);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (start, work) = (&start, &work);
            s.spawn(move || {
                start.wait();
                work(t);
            });
        }
    });
}

#[test]
fn counters_lose_no_increment_across_threads() {
    let registry = Registry::new();
    let hits = registry.counter("hits_total", "Hits.", &["shard"]);
    on_four_threads(|t| {
        // The series is looked up once, then updated with no lock, as a hot path does.
        let shard = hits.with(&[if t % 2 == 0 { "a" } else { "b" }]);
        (0..PER_THREAD).for_each(|_| shard.inc_by(1));
    });
    expect_page(
        &registry,
        &[
            "# HELP hits_total Hits.",
            "# TYPE hits_total counter",
            r#"hits_total{shard="a"} 400000"#,
            r#"hits_total{shard="b"} 400000"#,
        ],
        "4 threads of 200000 increments",
    );
}

#[test]
fn histogram_buckets_sum_and_count_lose_nothing_across_threads() {
    let registry = Registry::new();
    let latency = registry.histogram("op_seconds", "Ops.", &[], &[0.5]);
    on_four_threads(|t| {
        let series = latency.with(&[]);
        // 0.25 and 0.75 are exact in binary: the sum has no rounding to hide in.
        let v = if t % 2 == 0 { 0.25 } else { 0.75 };
        (0..PER_THREAD).for_each(|_| series.observe(v));
    });
    expect_page(
        &registry,
        &[
            "# HELP op_seconds Ops.",
            "# TYPE op_seconds histogram",
            r#"op_seconds_bucket{le="0.5"} 400000"#,
            r#"op_seconds_bucket{le="+Inf"} 800000"#,
            "op_seconds_sum 400000",
            "op_seconds_count 800000",
        ],
        "4 threads of 200000 observations: a load then a store (of a count, or of the sum's \
         bits) loses the updates of threads that ran in between; fetch_add and fetch_update \
         (compare-and-swap, retried) lose none",
    );
}
