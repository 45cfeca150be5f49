//! From raw samples to drawable series, in display units, in one pass over the samples per
//! figure. A value the kernel did not give is a gap, never a zero.

use super::downsample::{Bucket, Envelope};
use crate::data::Sample;

/// Reads one raw field of a sample.
pub type Field = fn(&Sample) -> Option<f64>;
/// Reads one cumulative counter of a sample.
pub type Counter = fn(&Sample) -> Option<u64>;

/// One series, downsampled for drawing.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// At least one sample had the value: the kernel provides it.
    pub provided: bool,
    /// Runs of buckets without a gap, in display units (x in seconds).
    pub segments: Vec<Vec<Bucket>>,
}

impl Line {
    /// The largest value drawn, if anything is drawn.
    pub fn max(&self) -> Option<f64> {
        self.segments
            .iter()
            .flatten()
            .map(|b| b.max)
            .reduce(f64::max)
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
}

/// How a series treats samples without a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A gauge read at every sample: a missing value is a hole in the data.
    Gap,
    /// A value only some samples carry by design (the host probe runs every 100 ms, the
    /// sampler more often): samples without it are skipped.
    Skip,
}

/// What a series is drawn over: the x range in seconds and one bucket per pixel column.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    pub x_range: (f64, f64),
    pub buckets: usize,
}

impl Grid {
    fn envelope(&self) -> Envelope {
        Envelope::new(self.x_range, self.buckets)
    }
}

/// Gauges (values read as they are), each multiplied by `scale` into its display unit.
#[cfg(test)]
pub fn gauges<const N: usize>(
    samples: &[Sample],
    grid: Grid,
    fields: [Field; N],
    scale: f64,
    missing: Missing,
) -> [Line; N] {
    let mut g = Gauges::new(grid, fields, scale, missing);
    samples.iter().for_each(|s| g.push(s));
    g.finish()
}

/// [`gauges`] one sample at a time.
pub struct Gauges<const N: usize> {
    envs: [Envelope; N],
    provided: [bool; N],
    fields: [Field; N],
    scale: f64,
    missing: Missing,
}

impl<const N: usize> Gauges<N> {
    pub fn new(grid: Grid, fields: [Field; N], scale: f64, missing: Missing) -> Self {
        Gauges {
            envs: std::array::from_fn(|_| grid.envelope()),
            provided: [false; N],
            fields,
            scale,
            missing,
        }
    }

    pub fn push(&mut self, s: &Sample) {
        let x = s.t_ms / 1000.0;
        for i in 0..N {
            match (self.fields[i])(s) {
                Some(v) => {
                    self.provided[i] = true;
                    self.envs[i].push(x, v * self.scale);
                }
                None if self.missing == Missing::Gap => self.envs[i].gap(),
                None => {}
            }
        }
    }

    pub fn finish(self) -> [Line; N] {
        finish(self.envs, self.provided)
    }
}

/// Rates of cumulative counters: the increase over each sampling interval divided by its
/// length, in counter units per millisecond, times `scale`. Drawn at the end of the
/// interval. A counter missing at either end, or going backwards (a counter that reset),
/// leaves a gap; an interval of zero length is skipped.
#[cfg(test)]
pub fn rates<const N: usize>(
    samples: &[Sample],
    grid: Grid,
    counters: [Counter; N],
    scale: f64,
) -> [Line; N] {
    let mut r = Rates::new(grid, counters, scale);
    samples.iter().for_each(|s| r.push(s));
    r.finish()
}

/// [`rates`] one sample at a time.
pub struct Rates<const N: usize> {
    envs: [Envelope; N],
    provided: [bool; N],
    prev: [Option<(f64, u64)>; N],
    counters: [Counter; N],
    scale: f64,
}

impl<const N: usize> Rates<N> {
    pub fn new(grid: Grid, counters: [Counter; N], scale: f64) -> Self {
        Rates {
            envs: std::array::from_fn(|_| grid.envelope()),
            provided: [false; N],
            prev: [None; N],
            counters,
            scale,
        }
    }

    pub fn push(&mut self, s: &Sample) {
        for i in 0..N {
            let Some(v) = (self.counters[i])(s) else {
                self.prev[i] = None;
                self.envs[i].gap();
                continue;
            };
            self.provided[i] = true;
            match self.prev[i] {
                Some((t, _)) if s.t_ms <= t => continue,
                Some((t, p)) if v >= p => {
                    let rate = (v - p) as f64 / (s.t_ms - t);
                    self.envs[i].push(s.t_ms / 1000.0, rate * self.scale);
                }
                Some(_) => self.envs[i].gap(),
                None => {}
            }
            self.prev[i] = Some((s.t_ms, v));
        }
    }

    pub fn finish(self) -> [Line; N] {
        finish(self.envs, self.provided)
    }
}

fn finish<const N: usize>(envs: [Envelope; N], provided: [bool; N]) -> [Line; N] {
    let mut provided = provided.into_iter();
    envs.map(|e| Line {
        provided: provided.next().unwrap_or(false),
        segments: e.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            x_range: (0.0, 10.0),
            buckets: 1000,
        }
    }

    fn at(t_ms: f64) -> Sample {
        Sample {
            t_ms,
            ..Sample::default()
        }
    }

    #[test]
    fn gauges_scale_and_gap() {
        let mut s: Vec<Sample> = (0..6).map(|i| at(i as f64 * 100.0)).collect();
        for (i, v) in [Some(1), Some(2), None, Some(4), Some(5), None]
            .into_iter()
            .enumerate()
        {
            s[i].memory_bytes = v.map(|v| v * 1024 * 1024);
        }
        let [mib, absent] = gauges(
            &s,
            grid(),
            [
                |s| s.memory_bytes.map(|v| v as f64),
                |s| s.swap_bytes.map(|v| v as f64),
            ],
            1.0 / (1024.0 * 1024.0),
            Missing::Gap,
        );
        assert!(mib.provided && !absent.provided);
        assert!(absent.is_empty());
        let segs: Vec<Vec<(f64, f64)>> = mib
            .segments
            .iter()
            .map(|s| s.iter().map(|b| (b.x, b.max)).collect())
            .collect();
        assert_eq!(
            segs,
            vec![vec![(0.0, 1.0), (0.1, 2.0)], vec![(0.3, 4.0), (0.4, 5.0)]]
        );
        assert_eq!(mib.max(), Some(5.0));
    }

    #[test]
    fn sparse_values_are_joined_not_gapped() {
        let mut s: Vec<Sample> = (0..20).map(|i| at(i as f64 * 10.0)).collect();
        for i in (0..20).step_by(10) {
            s[i].host_fork_ms = Some(0.5 + i as f64);
        }
        let [fork] = gauges(&s, grid(), [|s| s.host_fork_ms], 1.0, Missing::Skip);
        assert_eq!(fork.segments.len(), 1);
        assert_eq!(fork.segments[0].len(), 2);
    }

    #[test]
    fn rates_per_interval_with_gaps_and_resets() {
        // CPU microseconds every 100 ms: 0.5 cores, 0.5, missing, 0.6, a reset (the
        // counter goes back), 0.5, a repeated timestamp, 1.0.
        let readings = [
            (0.0, Some(0)),
            (100.0, Some(50_000)),
            (200.0, Some(100_000)),
            (300.0, None),
            (400.0, Some(200_000)),
            (500.0, Some(260_000)),
            (600.0, Some(100_000)),
            (700.0, Some(150_000)),
            (700.0, Some(160_000)),
            (800.0, Some(250_000)),
        ];
        let s: Vec<Sample> = readings
            .iter()
            .map(|&(t, v)| Sample {
                cpu_usage_us: v,
                ..at(t)
            })
            .collect();
        let [cores] = rates(&s, grid(), [|s| s.cpu_usage_us], 1.0 / 1000.0);
        let segs: Vec<Vec<(f64, f64)>> = cores
            .segments
            .iter()
            .map(|s| s.iter().map(|b| ((b.x * 1000.0).round(), b.max)).collect())
            .collect();
        assert_eq!(
            segs,
            vec![
                vec![(100.0, 0.5), (200.0, 0.5)],
                vec![(500.0, 0.6)],
                vec![(700.0, 0.5), (800.0, 1.0)],
            ]
        );
    }

    #[test]
    fn an_absent_counter_is_not_provided() {
        let s: Vec<Sample> = (0..5).map(|i| at(i as f64)).collect();
        let [psi] = rates(&s, grid(), [|s| s.psi_io_full_us], 1.0);
        assert!(!psi.provided && psi.is_empty() && psi.max().is_none());
    }
}
