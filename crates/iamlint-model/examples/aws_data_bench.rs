//! Timings of the AWS data iamlint carries: loading the action catalog and the AWS-managed
//! policies, looking actions up, expanding wildcard patterns, matching and overlapping ARN
//! patterns, and the evaluator. Run by `bench/run.sh`, or alone:
//! `cargo run --release -p iamlint-model --example aws_data_bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use iamlint_model::access::{Request, Source, Subject};
use iamlint_model::catalog::Catalog;
use iamlint_model::managed;
use iamlint_model::wildcard::{self, Pattern};

/// Runs `f` `n` times; the best of five rounds, per call.
fn time(n: u32, mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed() / n
        })
        .min()
        .unwrap_or_default()
}

fn report(what: &str, per_call: Duration) {
    let ns = per_call.as_nanos();
    let (value, unit) = if ns >= 1_000_000 {
        (ns as f64 / 1e6, "ms")
    } else if ns >= 1_000 {
        (ns as f64 / 1e3, "µs")
    } else {
        (ns as f64, "ns")
    };
    println!("{what:<66} {value:>9.2} {unit}");
}

fn main() {
    let start = Instant::now();
    let catalog = Catalog::get();
    report(
        "catalog: first use (parse the embedded table)",
        start.elapsed(),
    );
    let start = Instant::now();
    let all = managed::all();
    report(
        "managed policies: first use (index the embedded table)",
        start.elapsed(),
    );
    let start = Instant::now();
    for p in all {
        black_box(p.document());
    }
    report(
        &format!("managed policies: parse all {} documents", all.len()),
        start.elapsed(),
    );

    let actions: Vec<(String, String)> = catalog
        .services()
        .iter()
        .flat_map(|s| {
            s.actions
                .iter()
                .map(|a| (a.service.to_string(), a.name.to_ascii_lowercase()))
        })
        .collect();
    let n = actions.len() as u32;
    let mut i = 0;
    report(
        &format!("catalog: look up an action (all {n}, lowercased)"),
        time(n, || {
            let (s, a) = &actions[i % actions.len()];
            black_box(catalog.action(s, a));
            i += 1;
        }),
    );
    for pattern in ["s3:GetObject", "s3:Get*", "iam:*", "*:Delete*", "*"] {
        let count = catalog.expand(pattern).len();
        report(
            &format!("catalog: expand `{pattern}` ({count} actions)"),
            time(20, || {
                black_box(catalog.expand(black_box(pattern)));
            }),
        );
    }
    let pattern = Pattern::new("arn:aws:s3:::reports-*/2026/??/*.csv");
    report(
        "wildcard: match an ARN pattern against an ARN",
        time(100_000, || {
            black_box(pattern.matches(black_box("arn:aws:s3:::reports-eu/2026/11/a.csv"), false));
        }),
    );
    let a = wildcard::tokens("arn:aws:iam::*:role/app-*");
    let b = wildcard::tokens("arn:aws:iam::111122223333:role/app-*-web");
    report(
        "wildcard: overlap of two ARN patterns",
        time(100_000, || {
            black_box(wildcard::overlap(black_box(&a), black_box(&b), false));
        }),
    );
    let admin = managed::lookup("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
    let read_only = managed::lookup("arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap();
    let subject = Subject {
        policies: vec![
            Source::Document(read_only.document()),
            Source::Document(admin.document()),
        ],
        boundary: Some(Source::Document(read_only.document())),
    };
    report(
        &format!(
            "evaluator: allows() through ReadOnlyAccess ({} statements) + admin",
            read_only.document().statements.len()
        ),
        time(1_000, || {
            black_box(subject.allows(Request::new("s3:PutObject", "arn:aws:s3:::b/k")));
        }),
    );
}
