//! One function per figure of a run: what it shows, in display units, ready to draw.

use super::series::{Gauges, Grid, Line, Missing, Rates};
use super::*;
use crate::data::{EventKind, PsiScope, Sample};
use crate::i18n::t_static;
use crate::plan::PidsSource;
use crate::record::RunRecord;
use crate::report::summary::group;
use crate::t;
use crate::units;

const MIB: f64 = 1024.0 * 1024.0;

/// What every time figure of one run shares: the time axis and the events on it.
pub struct Frame {
    pub grid: Grid,
    pub events: Vec<Marker>,
    pub samples: usize,
}

/// An event on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Seconds.
    pub t: f64,
    pub label: &'static str,
    pub color: RGBColor,
}

/// Where a run's samples lie on the time axis and how many there are: what lays the axis out
/// before the pass that draws them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SampleSpan {
    pub first_t_ms: Option<f64>,
    pub last_t_ms: Option<f64>,
    pub count: usize,
}

impl SampleSpan {
    pub fn push(&mut self, s: &Sample) {
        self.first_t_ms.get_or_insert(s.t_ms);
        self.last_t_ms = Some(s.t_ms);
        self.count += 1;
    }

    pub fn of(samples: &[Sample]) -> SampleSpan {
        SampleSpan {
            first_t_ms: samples.first().map(|s| s.t_ms),
            last_t_ms: samples.last().map(|s| s.t_ms),
            count: samples.len(),
        }
    }
}

impl Frame {
    /// The time axis spans every sample and every event, in seconds. The record's events
    /// are read; its samples are described by `span`.
    pub fn new(record: &RunRecord, span: SampleSpan, buckets: usize) -> Frame {
        let times = span
            .first_t_ms
            .into_iter()
            .chain(span.last_t_ms)
            .chain(record.events.iter().map(|e| e.t_ms))
            .filter(|t| t.is_finite());
        let (lo, hi) = times.fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
        let (lo, hi) = (lo / 1000.0, hi / 1000.0);
        let hi = if hi - lo < 1e-3 { lo + 1.0 } else { hi };
        let mut events: Vec<Marker> = record
            .events
            .iter()
            .filter(|e| e.t_ms.is_finite())
            .map(|e| Marker {
                t: e.t_ms / 1000.0,
                label: event_label(e.kind, &e.detail),
                color: event_color(e.kind),
            })
            .collect();
        events.sort_by(|a, b| a.t.total_cmp(&b.t));
        Frame {
            grid: Grid {
                x_range: (lo, hi),
                buckets,
            },
            events,
            samples: span.count,
        }
    }
}

/// Every series the figures of a run draw, downsampled.
pub struct Lines {
    pub tasks: Line,
    /// Memory in use and swap in use.
    pub memory: [Line; 2],
    pub cores: Line,
    /// cpu, memory, io; some and full each.
    pub psi: [Line; 6],
    /// The host probe's fork time and timer lateness.
    pub host: [Line; 2],
    /// When the host refused a probe fork (seconds).
    pub probe_failures: Vec<f64>,
    /// Where the PSI figures come from (the first sample that says).
    pub psi_scope: Option<PsiScope>,
}

const MIB_SCALE: f64 = 1.0 / MIB;

/// Every figure's series built in one pass over the samples, holding none of them: a
/// min/max envelope of about one bucket per pixel column each.
pub struct LinesFold {
    tasks: Gauges<1>,
    memory: Gauges<2>,
    cores: Rates<1>,
    psi: Rates<6>,
    host: Gauges<2>,
    failed: u64,
    probe_failures: Vec<f64>,
    psi_scope: Option<PsiScope>,
}

impl LinesFold {
    pub fn new(grid: Grid) -> LinesFold {
        LinesFold {
            tasks: Gauges::new(
                grid,
                [|s| s.pids_current.map(|v| v as f64)],
                1.0,
                Missing::Gap,
            ),
            memory: Gauges::new(
                grid,
                [
                    |s| s.memory_bytes.map(|v| v as f64),
                    |s| s.swap_bytes.map(|v| v as f64),
                ],
                MIB_SCALE,
                Missing::Gap,
            ),
            // µs of CPU per ms of wall time / 1000 = cores.
            cores: Rates::new(grid, [|s| s.cpu_usage_us], 1.0 / 1000.0),
            // µs stalled per ms of wall time / 10 = % of time.
            psi: Rates::new(
                grid,
                [
                    |s| s.psi_cpu_some_us,
                    |s| s.psi_cpu_full_us,
                    |s| s.psi_memory_some_us,
                    |s| s.psi_memory_full_us,
                    |s| s.psi_io_some_us,
                    |s| s.psi_io_full_us,
                ],
                1.0 / 10.0,
            ),
            host: Gauges::new(
                grid,
                [|s| s.host_fork_ms, |s| s.host_wakeup_late_ms],
                1.0,
                Missing::Skip,
            ),
            failed: 0,
            probe_failures: Vec::new(),
            psi_scope: None,
        }
    }

    pub fn push(&mut self, s: &Sample) {
        self.tasks.push(s);
        self.memory.push(s);
        self.cores.push(s);
        self.psi.push(s);
        self.host.push(s);
        if let Some(n) = s.host_fork_failures {
            if n > self.failed {
                self.probe_failures.push(s.t_ms / 1000.0);
            }
            self.failed = self.failed.max(n);
        }
        if self.psi_scope.is_none() {
            self.psi_scope = s.psi_scope;
        }
    }

    pub fn finish(self) -> Lines {
        let [tasks] = self.tasks.finish();
        let [cores] = self.cores.finish();
        Lines {
            tasks,
            memory: self.memory.finish(),
            cores,
            psi: self.psi.finish(),
            host: self.host.finish(),
            probe_failures: self.probe_failures,
            psi_scope: self.psi_scope,
        }
    }
}

fn event_label(kind: EventKind, detail: &str) -> &'static str {
    t_static(match kind {
        EventKind::WorkloadStart => "event-start",
        EventKind::WorkloadExit => "event-exit",
        EventKind::WorkloadError => "event-error",
        EventKind::LimitHit if detail.starts_with("pids") => "event-pids-limit-hit",
        EventKind::LimitHit if detail.starts_with("memory") => "event-memory-limit-hit",
        EventKind::LimitHit => "event-limit-hit",
        EventKind::OomKill => "event-oom-kill",
        EventKind::Deadline => "event-deadline",
        EventKind::Abort => "event-abort",
        EventKind::TeardownStart => "event-teardown",
        EventKind::TeardownEnd => "event-teardown-end",
    })
}

fn event_color(kind: EventKind) -> RGBColor {
    match kind {
        EventKind::WorkloadStart | EventKind::WorkloadExit => GREEN,
        EventKind::LimitHit => VERMILLION,
        EventKind::OomKill => PURPLE,
        EventKind::WorkloadError | EventKind::Deadline | EventKind::Abort => DARK_RED,
        EventKind::TeardownStart | EventKind::TeardownEnd => MUTED,
    }
}

/// A time figure, ready to draw.
pub struct TimeFigure {
    pub name: &'static str,
    pub title: String,
    pub y_desc: &'static str,
    pub x_range: (f64, f64),
    pub lines: Vec<Drawn>,
    pub limits: Vec<Limit>,
    pub events: Vec<Marker>,
    /// Said in the middle of the figure instead of a plot.
    pub message: Option<String>,
}

impl Figure for TimeFigure {
    fn name(&self) -> &'static str {
        self.name
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> DrawResult<DB> {
        super::draw::time_figure(root, self, target)
    }
}

/// A series with its legend entry.
pub struct Drawn {
    pub label: String,
    pub color: RGBColor,
    pub width: u32,
    pub line: Line,
}

/// A horizontal limit line.
pub struct Limit {
    pub label: String,
    pub value: f64,
}

impl TimeFigure {
    fn new(name: &'static str, title: String, y_desc: &'static str, frame: &Frame) -> Self {
        TimeFigure {
            name,
            title,
            y_desc,
            x_range: frame.grid.x_range,
            lines: Vec::new(),
            limits: Vec::new(),
            events: frame.events.clone(),
            message: None,
        }
    }

    fn line(mut self, label: &str, color: RGBColor, width: u32, line: Line) -> Self {
        self.lines.push(Drawn {
            label: label.into(),
            color,
            width,
            line,
        });
        self
    }

    fn limit(mut self, label: String, value: Option<f64>) -> Self {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            self.limits.push(Limit { label, value });
        }
        self
    }

    /// Decides whether there is anything to plot: `what` names the figure's data in the
    /// message when there is not.
    fn check(mut self, what: &str, frame: &Frame) -> Self {
        self.message = if frame.samples == 0 {
            Some(t!("chart-no-samples"))
        } else if !self.lines.iter().any(|d| d.line.provided) {
            Some(t!("chart-not-available", what = what))
        } else if self.lines.iter().all(|d| d.line.is_empty()) {
            Some(t!("chart-too-few", what = what))
        } else {
            None
        };
        self
    }

    /// The top of the y axis: the data and every limit in view, with headroom.
    pub fn y_max(&self) -> f64 {
        let data = self.data_max();
        let limits = self
            .limits
            .iter()
            .filter(|l| self.in_view(l))
            .map(|l| l.value);
        let top = limits.fold(data, f64::max);
        if top > 0.0 {
            top * (1.0 + HEADROOM)
        } else {
            1.0
        }
    }

    fn data_max(&self) -> f64 {
        self.lines
            .iter()
            .filter_map(|d| d.line.max())
            .fold(0.0, f64::max)
    }

    /// Whether a limit line is drawn to scale (see [`LIMIT_IN_VIEW`]).
    pub fn in_view(&self, l: &Limit) -> bool {
        l.value <= self.data_max() * LIMIT_IN_VIEW
    }
}

/// Tasks over time with the pids limit.
pub fn pids(record: &RunRecord, frame: &Frame, tasks: Line) -> TimeFigure {
    let limit = record.plan.limits.pids;
    // Beneath a target, the limit under test is the target's own.
    let target_max = record
        .target
        .as_ref()
        .and_then(|t| t.limits.iter().find(|l| l.control == "pids.max"))
        .and_then(|l| l.value.parse::<f64>().ok());
    let (label, max) = match limit.source {
        PidsSource::Scenario => (
            format!("pids.max = {}", group(limit.max as f64)),
            Some(limit.max as f64),
        ),
        PidsSource::SafetyCeiling => (
            t!("chart-safety-ceiling", max = group(limit.max as f64)),
            Some(limit.max as f64),
        ),
        PidsSource::Target => (
            t!(
                "chart-target-pids-max",
                max = target_max.map(group).unwrap_or_else(|| "?".into())
            ),
            target_max,
        ),
    };
    TimeFigure::new(
        "pids",
        t!("chart-pids-title"),
        t_static("chart-pids-axis"),
        frame,
    )
    .line(&t!("chart-pids-line"), BLUE, LINE_WIDTH, tasks)
    .limit(label, max)
    .check(&t!("chart-pids-what"), frame)
}

/// Memory use over time with the memory limit, in MiB.
pub fn memory(record: &RunRecord, frame: &Frame, [usage, swap]: [Line; 2]) -> TimeFigure {
    let limits = &record.plan.limits;
    let label = |max: u64| match limits.memory {
        Some(_) => format!("memory.max = {}", units::format_size(max)),
        None => t!("chart-memory-ceiling", max = units::format_size(max)),
    };
    let mut fig = TimeFigure::new("memory", t!("chart-memory-title"), "MiB", frame).line(
        &t!("chart-memory-line"),
        BLUE,
        LINE_WIDTH,
        usage,
    );
    if swap.provided {
        fig = fig.line(&t!("chart-swap-line"), ORANGE, LINE_WIDTH, swap);
    }
    fig.limit(
        label(limits.memory_max().unwrap_or_default()),
        limits.memory_max().map(|b| b as f64 / MIB),
    )
    .check(&t!("chart-memory-what"), frame)
}

/// CPU use in cores, from the cumulative CPU time, with the quota.
pub fn cpu(record: &RunRecord, frame: &Frame, cores: Line) -> TimeFigure {
    let quota = record.plan.limits.cpu;
    TimeFigure::new(
        "cpu",
        t!("chart-cpu-title"),
        t_static("chart-cpu-axis"),
        frame,
    )
    .line(&t!("chart-cpu-line"), BLUE, LINE_WIDTH, cores)
    .limit(
        t!("chart-cpu-quota", quota = number(quota.unwrap_or_default())),
        quota,
    )
    .check(&t!("chart-cpu-what"), frame)
}

/// Pressure stall information: the share of each interval that tasks stalled on CPU,
/// memory and IO, from the cumulative totals.
pub fn psi(
    record: &RunRecord,
    frame: &Frame,
    lines: [Line; 6],
    scope: Option<PsiScope>,
) -> TimeFigure {
    let [cpu_some, cpu_full, mem_some, mem_full, io_some, io_full] = lines;
    let scope = scope.unwrap_or(record.host.psi_scope);
    let title = match scope {
        PsiScope::Cgroup => t!("chart-psi-title-cgroup"),
        PsiScope::System => t!("chart-psi-title-system"),
        PsiScope::None => t!("chart-psi-title"),
    };
    TimeFigure::new("psi", title, t_static("chart-psi-axis"), frame)
        .line(&t!("chart-psi-cpu-some"), BLUE, LINE_WIDTH, cpu_some)
        .line(&t!("chart-psi-cpu-full"), SKY, THIN_LINE_WIDTH, cpu_full)
        .line(
            &t!("chart-psi-memory-some"),
            VERMILLION,
            LINE_WIDTH,
            mem_some,
        )
        .line(
            &t!("chart-psi-memory-full"),
            PURPLE,
            THIN_LINE_WIDTH,
            mem_full,
        )
        .line(&t!("chart-psi-io-some"), GREEN, LINE_WIDTH, io_some)
        .line(&t!("chart-psi-io-full"), ORANGE, THIN_LINE_WIDTH, io_full)
        .check(&t!("chart-psi-what"), frame)
}

/// What the rest of the machine felt: the host probe's fork latency and timer lateness, and
/// each probe fork the host refused (a failed probe has no latency, so it is marked on the
/// time axis instead of leaving a silent hole).
pub fn host(frame: &Frame, [fork, late]: [Line; 2], failures: &[f64]) -> TimeFigure {
    let mut fig = TimeFigure::new("host", t!("chart-host-title"), "ms", frame)
        .line(&t!("chart-host-fork-line"), BLUE, LINE_WIDTH, fork)
        .line(&t!("chart-host-late-line"), ORANGE, LINE_WIDTH, late)
        .check(&t!("chart-host-what"), frame);
    fig.events.extend(failures.iter().map(|&t| Marker {
        t,
        label: t_static("chart-probe-fork-failed"),
        color: DARK_RED,
    }));
    if !failures.is_empty() {
        // Every probe may have failed: then the failures are the figure.
        fig.message = None;
        fig.events.sort_by(|a, b| a.t.total_cmp(&b.t));
    }
    fig
}
