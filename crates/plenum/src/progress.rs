//! Progress bars on stderr, shown only when stderr is a terminal so that
//! logs and pipes stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar of `len` steps, or a hidden one when stderr is not a
/// terminal.
pub fn bar(len: u64, message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({elapsed})")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(message.to_string());
    pb
}

/// A spinner for work of unknown length.
pub fn spinner(message: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_message(message.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// Wall-clock phases of a command, printed to stderr when the environment
/// variable `PLENUM_TIMINGS` is set (for profiling; never in outputs, which
/// must stay bit-identical from run to run).
pub struct Phases {
    on: bool,
    last: std::time::Instant,
    start: std::time::Instant,
    last_cpu: f64,
}

/// CPU seconds (user + system) of this process so far, from
/// /proc/self/stat (Linux; 0 elsewhere), in clock ticks of 10 ms.
fn cpu_seconds() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let Some(rest) = s.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 here.
    (tick(11) + tick(12)) / 100.0
}

/// Whether `PLENUM_TIMINGS` asks for the profile lines on stderr.
pub fn timings_on() -> bool {
    std::env::var_os("PLENUM_TIMINGS").is_some()
}

impl Phases {
    pub fn new() -> Self {
        let now = std::time::Instant::now();
        Self {
            on: timings_on(),
            last: now,
            start: now,
            last_cpu: cpu_seconds(),
        }
    }

    /// Ends the phase `name` (the time since the previous mark).
    pub fn mark(&mut self, name: &str) {
        if self.on {
            let now = std::time::Instant::now();
            let cpu = cpu_seconds();
            eprintln!(
                "timing: {name:<28} {:>8.3} s wall {:>7.2} s CPU  (total {:.3} s)",
                (now - self.last).as_secs_f64(),
                cpu - self.last_cpu,
                (now - self.start).as_secs_f64()
            );
            self.last = now;
            self.last_cpu = cpu;
        }
    }
}
