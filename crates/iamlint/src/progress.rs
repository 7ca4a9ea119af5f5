//! Progress on big trees: while a check runs for more than a second with standard error on a
//! terminal, one line there counts the root modules linted and the findings so far; at the
//! end a line says how long it took. Nothing of it reaches standard output, which stays the
//! same bytes for the same input, nor a log that is not a terminal.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run goes before the progress line shows, and how often it is redrawn.
const QUIET_FOR: Duration = Duration::from_secs(1);
const EVERY: Duration = Duration::from_millis(200);

pub struct Progress {
    state: Arc<State>,
    drawer: Mutex<Option<JoinHandle<()>>>,
    shown: bool,
}

struct State {
    roots: AtomicUsize,
    findings: AtomicUsize,
    done: AtomicBool,
    drawn: AtomicBool,
    start: Instant,
}

impl Progress {
    /// Starts counting; draws only when `shown` (standard error is a terminal, not `--quiet`).
    pub fn start(shown: bool) -> Progress {
        let state = Arc::new(State {
            roots: AtomicUsize::new(0),
            findings: AtomicUsize::new(0),
            done: AtomicBool::new(false),
            drawn: AtomicBool::new(false),
            start: Instant::now(),
        });
        let drawer = shown.then(|| {
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                while !state.done.load(Ordering::Relaxed) {
                    std::thread::sleep(EVERY);
                    if state.start.elapsed() >= QUIET_FOR && !state.done.load(Ordering::Relaxed) {
                        let text = line(
                            state.roots.load(Ordering::Relaxed),
                            state.findings.load(Ordering::Relaxed),
                        );
                        eprint!("\r{text}\x1b[K");
                        state.drawn.store(true, Ordering::Relaxed);
                    }
                }
            })
        });
        Progress {
            state,
            drawer: Mutex::new(drawer),
            shown,
        }
    }

    /// One root module linted, with its findings.
    pub fn root_done(&self, findings: usize) {
        self.state.roots.fetch_add(1, Ordering::Relaxed);
        self.state.findings.fetch_add(findings, Ordering::Relaxed);
    }

    /// Stops drawing and clears the line: the root modules linted.
    pub fn finish(&self) -> usize {
        self.state.done.store(true, Ordering::Relaxed);
        let drawer = self.drawer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(drawer) = drawer {
            let _ = drawer.join();
        }
        if self.state.drawn.load(Ordering::Relaxed) {
            eprint!("\r\x1b[K");
        }
        self.state.roots.load(Ordering::Relaxed)
    }

    /// The closing line on a terminal, with the time taken.
    pub fn closing(&self, roots: usize, files: usize) {
        if self.shown {
            eprintln!("{}", closing(roots, files, self.state.start.elapsed()));
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The progress line.
fn line(roots: usize, findings: usize) -> String {
    format!(
        "iamlint: {} linted, {} so far…",
        plural(roots, "root module", "root modules"),
        plural(findings, "finding", "findings")
    )
}

/// The closing line: what was linted, and how long it took.
fn closing(roots: usize, files: usize, took: Duration) -> String {
    format!(
        "iamlint: {} and {} linted in {:.1} s",
        plural(roots, "root module", "root modules"),
        plural(files, "file", "files"),
        took.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_what_was_linted() {
        assert_eq!(
            line(1, 0),
            "iamlint: 1 root module linted, 0 findings so far…"
        );
        assert_eq!(
            line(250, 1),
            "iamlint: 250 root modules linted, 1 finding so far…"
        );
        assert_eq!(
            closing(2, 1, Duration::from_millis(3_250)),
            "iamlint: 2 root modules and 1 file linted in 3.2 s"
        );
    }

    #[test]
    fn counts_without_drawing_when_not_shown() {
        let p = Progress::start(false);
        p.root_done(3);
        p.root_done(0);
        assert_eq!(p.finish(), 2);
        assert!(!p.state.drawn.load(Ordering::Relaxed));
    }
}
