//! The live status of a running scenario: one redrawn line on a terminal, a plain line per
//! second when stdout is a file or pipe (CI logs), nothing with `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::data::Sample;
use crate::plan::RunPlan;
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
    pids_limit: Option<u64>,
    memory_limit: Option<u64>,
}

/// The overall bar of a sweep, with each cell's bar drawn beneath it (terminals only).
pub struct SweepProgress {
    multi: Option<(MultiProgress, ProgressBar)>,
}

impl SweepProgress {
    pub fn new(name: &str, cells: usize, quiet: bool) -> SweepProgress {
        if quiet || !std::io::stdout().is_terminal() {
            return SweepProgress { multi: None };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout_with_hz(10));
        let overall = multi.add(ProgressBar::new(cells as u64));
        overall.set_style(
            ProgressStyle::with_template(&format!(
                "{{prefix:.bold}} {} [{{bar:20}}] {{pos}}/{{len}} {{msg}}",
                crate::t!("run-progress-cells")
            ))
            .expect("valid template")
            .progress_chars("=> "),
        );
        overall.set_prefix(name.to_string());
        SweepProgress {
            multi: Some((multi, overall)),
        }
    }

    /// A cell is starting.
    pub fn cell(&self, label: &str) {
        if let Some((_, overall)) = &self.multi {
            overall.set_message(label.to_string());
        }
    }

    /// A cell has ended.
    pub fn cell_done(&self) {
        if let Some((_, overall)) = &self.multi {
            overall.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some((_, overall)) = &self.multi {
            overall.finish_and_clear();
        }
    }

    /// Prints a line above the bars.
    pub fn say(&self, line: &str) {
        match &self.multi {
            Some((multi, _)) => {
                let _ = multi.println(line);
            }
            None => println!("{line}"),
        }
    }
}

impl LiveStatus {
    pub fn new(plan: &RunPlan, quiet: bool) -> LiveStatus {
        LiveStatus::within(plan, quiet, None)
    }

    /// A status line, drawn beneath a sweep's overall bar when there is one.
    pub fn within(plan: &RunPlan, quiet: bool, sweep: Option<&SweepProgress>) -> LiveStatus {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stdout().is_terminal() {
            let bar = ProgressBar::with_draw_target(
                Some(plan.duration.as_millis() as u64),
                ProgressDrawTarget::stdout_with_hz(10),
            );
            let bar = match sweep.and_then(|s| s.multi.as_ref()) {
                Some((multi, _)) => multi.add(bar),
                None => bar,
            };
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
            pids_limit: plan.limits.pids_max(),
            memory_limit: plan.limits.memory_max(),
        }
    }

    fn line(&self, elapsed: Duration, s: Option<&Sample>) -> String {
        let mut text = format!(
            "{}s/{}s",
            crate::i18n::fixed(elapsed.as_secs_f64().min(self.duration.as_secs_f64()), 1),
            crate::i18n::fixed(self.duration.as_secs_f64(), 1)
        );
        if let Some(s) = s {
            match (s.pids_current, self.pids_limit) {
                (Some(p), Some(limit)) => text += &format!("  pids {p}/{limit}"),
                (Some(p), None) => text += &format!("  pids {p}"),
                _ => {}
            }
            if let Some(t) = s.target_pids_current {
                text += &format!("  {}", crate::t!("progress-target-pids", pids = t));
            }
            if let Some(m) = s.memory_bytes {
                text += &format!(
                    "  {}",
                    crate::t!("progress-memory", memory = units::format_size(m))
                );
                if let Some(limit) = self.memory_limit {
                    text += &format!("/{}", units::format_size(limit));
                }
            }
            if let Some(f) = s.forks_failed {
                text += &format!(
                    "  {}",
                    crate::t!(
                        "progress-forks-refused",
                        count = crate::i18n::group(f as f64)
                    )
                );
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
