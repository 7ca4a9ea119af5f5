//! Replays the fuzzers' committed corpus and minimised crashers (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the same harness the fuzz targets run, so that CI —
//! which has no cargo-fuzz — still checks that none of them panics again.

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
    // Every target has a seed corpus: an empty replay would check nothing.
    assert!(
        replayed >= harness::TARGETS.len(),
        "replayed {replayed} inputs"
    );
}
