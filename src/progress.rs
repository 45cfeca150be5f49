//! The live status of a running scenario: one redrawn line on a terminal, a plain line per
//! second when stdout is a file or pipe (CI logs), nothing with `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::plan::RunPlan;
use crate::record::Sample;
use crate::units;

enum Mode {
    Bar(ProgressBar),
    Lines { last: Option<Instant> },
    Quiet,
}

pub struct LiveStatus {
    mode: Mode,
    name: String,
    duration: Duration,
    pids_limit: u64,
    memory_limit: Option<u64>,
}

impl LiveStatus {
    pub fn new(plan: &RunPlan, quiet: bool) -> LiveStatus {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stdout().is_terminal() {
            let bar = ProgressBar::with_draw_target(
                Some(plan.duration.as_millis() as u64),
                ProgressDrawTarget::stdout_with_hz(10),
            );
            bar.set_style(
                ProgressStyle::with_template("{prefix:.bold} [{bar:20}] {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix(plan.name.clone());
            Mode::Bar(bar)
        } else {
            Mode::Lines { last: None }
        };
        LiveStatus {
            mode,
            name: plan.name.clone(),
            duration: plan.duration,
            pids_limit: plan.limits.pids.max,
            memory_limit: plan.limits.memory_max(),
        }
    }

    fn line(&self, elapsed: Duration, s: Option<&Sample>) -> String {
        let mut text = format!(
            "{:.1}s/{:.1}s",
            elapsed.as_secs_f64().min(self.duration.as_secs_f64()),
            self.duration.as_secs_f64()
        );
        if let Some(s) = s {
            if let Some(p) = s.pids_current {
                text += &format!("  pids {p}/{}", self.pids_limit);
            }
            if let Some(m) = s.memory_bytes {
                text += &format!("  memory {}", units::format_size(m));
                if let Some(limit) = self.memory_limit {
                    text += &format!("/{}", units::format_size(limit));
                }
            }
            if let Some(f) = s.forks_failed {
                text += &format!("  forks refused {f}");
            }
        }
        text
    }

    /// Shows the elapsed time and the newest sample.
    pub fn update(&mut self, elapsed: Duration, latest: Option<&Sample>) {
        let line = self.line(elapsed, latest);
        match &mut self.mode {
            Mode::Bar(bar) => {
                bar.set_position(elapsed.as_millis().min(self.duration.as_millis()) as u64);
                bar.set_message(line);
            }
            Mode::Lines { last } => {
                if last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                    *last = Some(Instant::now());
                    println!("{}: {line}", self.name);
                }
            }
            Mode::Quiet => {}
        }
    }

    /// Names the run in the status line (e.g. the sweep cell it is).
    pub fn set_prefix(&mut self, prefix: &str) {
        self.name = prefix.to_string();
        if let Mode::Bar(bar) = &self.mode {
            bar.set_prefix(prefix.to_string());
        }
    }

    /// Prints a line without breaking the status line.
    pub fn say(&self, msg: &str) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(msg),
            Mode::Lines { .. } => println!("{msg}"),
            Mode::Quiet => {}
        }
    }

    pub fn finish(&mut self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}
