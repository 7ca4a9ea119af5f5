//! The floor under `iamlint check`: reading and parsing every `.tf` file of a tree with
//! hcl-edit alone, on all cores as `check` does, and nothing else. `bench/run.sh` prints the
//! whole check's throughput against it. Alone:
//! `cargo run --release -p iamlint-terraform --example hcl_parse_floor -- DIR`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tf_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: hcl_parse_floor DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    tf_files(Path::new(&dir), &mut files);
    let run = || -> usize {
        files
            .par_iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).expect("UTF-8 text");
                let parsed = hcl_edit::parser::parse_body(&text);
                std::hint::black_box(&parsed);
                text.len()
            })
            .sum()
    };
    let mut best = f64::INFINITY;
    let mut bytes = 0;
    for _ in 0..3 {
        let start = Instant::now();
        bytes = run();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{} files, {:.2} MB parsed in {best:.3} s: {:.1} MB/s",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best
    );
}
