//! Replays the fuzzers' committed corpus and minimised crashers (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) and their seeds in `testdata/` through the same harness the
//! fuzz targets run, so that CI — which has no cargo-fuzz — still checks that none of them
//! panics again.

#[path = "../../../fuzz/harness.rs"]
mod harness;

use std::path::Path;

#[test]
fn every_corpus_input_and_crasher_runs_without_panicking() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for (target, run) in harness::TARGETS {
        for folder in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
                continue;
            };
            let mut paths: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            paths.sort();
            for path in paths {
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{target} panics on {}", path.display());
                replayed += 1;
            }
        }
    }
    let testdata = fuzz.join("../testdata");
    let mut files = Vec::new();
    walk(&testdata, &mut files);
    for (target, endings) in harness::SEEDS {
        let run = harness::TARGETS
            .iter()
            .find(|(t, _)| *t == target)
            .unwrap()
            .1;
        for path in files.iter().filter(|p| {
            let p = p.to_string_lossy();
            endings.iter().any(|e| p.ends_with(e))
        }) {
            let data = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} panics on {}", path.display());
            replayed += 1;
        }
    }
    // Every target has seeds: an empty replay would check nothing.
    assert!(
        replayed >= harness::TARGETS.len(),
        "replayed {replayed} inputs"
    );
}

/// Every file below `dir`, in order.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
