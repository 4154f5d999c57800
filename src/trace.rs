//! `EVENTLET_MIGRATE_TRACE=1`: where the time goes. Phases print their wall-clock time as they
//! end; work done on the workers is summed per kind (CPU time across workers) and printed at
//! the end of a run. Off, it costs one relaxed load per call.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static STATE: AtomicU8 = AtomicU8::new(0); // 0: not read yet, 1: off, 2: on
static TOTALS: Mutex<BTreeMap<&'static str, (Duration, usize)>> = Mutex::new(BTreeMap::new());

/// Whether tracing is on (read once from the environment).
pub fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os("EVENTLET_MIGRATE_TRACE").is_some();
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        state => state == 2,
    }
}

/// Runs `work`, adding its duration to `kind`'s total when tracing.
pub fn timed<R>(kind: &'static str, work: impl FnOnce() -> R) -> R {
    if !enabled() {
        return work();
    }
    let start = Instant::now();
    let result = work();
    let spent = start.elapsed();
    if let Ok(mut totals) = TOTALS.lock() {
        let entry = totals.entry(kind).or_default();
        entry.0 += spent;
        entry.1 += 1;
    }
    result
}

/// Prints a phase's end, `since` the start of the run.
pub fn phase(what: &str, since: Instant) {
    if enabled() {
        eprintln!("{what} at {:?} ({})", since.elapsed(), resident());
    }
}

/// The process's resident memory (Linux; empty elsewhere): memory the kernel had to zero.
fn resident() -> String {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(String::new(), |pages| {
            format!("{} MB resident", (pages * 4096) >> 20)
        })
}

/// Prints the totals per kind, and clears them.
pub fn report() {
    if !enabled() {
        return;
    }
    if let Ok(mut totals) = TOTALS.lock() {
        for (kind, (spent, count)) in totals.iter() {
            eprintln!("{kind:>24}: {spent:>12.3?} in {count} calls");
        }
        totals.clear();
    }
}
