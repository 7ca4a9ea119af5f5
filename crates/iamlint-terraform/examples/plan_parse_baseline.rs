//! The yardstick of the plan benchmark: how long serde_json alone takes to read a plan file,
//! into a `serde_json::Value` and merely validating it. Run by `bench/plan.sh`, or alone:
//! `cargo run --release -p iamlint-terraform --example plan_parse_baseline -- FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: plan_parse_baseline FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let mb = text.len() as f64 / 1e6;
    let best = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let value = best(&|| {
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        std::hint::black_box(v);
    });
    let validate = best(&|| {
        let v: serde::de::IgnoredAny = serde_json::from_str(&text).expect("JSON");
        std::hint::black_box(v);
    });
    println!(
        "serde_json into a Value: {value:.3} s ({:.0} MB/s)",
        mb / value
    );
    println!(
        "serde_json, validating only: {validate:.3} s ({:.0} MB/s)",
        mb / validate
    );
}
