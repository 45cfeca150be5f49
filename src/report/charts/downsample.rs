//! Min/max envelopes: how a million samples become about one point pair per pixel column
//! without losing a peak.
//!
//! The x range is cut into equal buckets (one per horizontal pixel of the plot); each bucket
//! keeps the smallest and largest y that fell into it. Drawing a line through every bucket's
//! min and max paints exactly the pixels the full series would, so a single-sample spike
//! stays visible however many samples surround it.
//!
//! Missing values break the line where they leave a whole bucket (a pixel column) empty:
//! a hole narrower than a pixel cannot be drawn without exaggerating it, and a million-sample
//! run with a read failing every second would otherwise become ten thousand tiny lines.

/// One bucket of an envelope: where it is on the x axis and the extremes of y in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Midway between the first and the last x that fell into the bucket (exactly the
    /// point's x when there was one).
    pub x: f64,
    pub min: f64,
    pub max: f64,
}

/// Downsamples `points` (sorted by x) into at most `buckets` buckets over their own x range.
/// Empty in, empty out; fewer points than buckets come out one bucket per point.
pub fn downsample(points: &[(f64, f64)], buckets: usize) -> Vec<Bucket> {
    let finite = points.iter().filter(|p| p.0.is_finite());
    let lo = finite.clone().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = finite.map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    if lo > hi {
        return Vec::new();
    }
    let mut env = Envelope::new((lo, hi), buckets);
    for &(x, y) in points {
        env.push(x, y);
    }
    env.finish().into_iter().flatten().collect()
}

/// An envelope built one point at a time, so a series never has to be collected first.
/// [`Envelope::gap`] marks a missing value: when the next point leaves at least one bucket
/// empty, the line breaks there and the buckets after it start a new segment.
#[derive(Debug)]
pub struct Envelope {
    x0: f64,
    /// Buckets per unit of x.
    scale: f64,
    last: usize,
    segments: Vec<Vec<Bucket>>,
    current: Vec<Bucket>,
    open: Option<Open>,
    /// A value went missing since the last point.
    missing: bool,
}

#[derive(Debug)]
struct Open {
    index: usize,
    x_first: f64,
    x_last: f64,
    min: f64,
    max: f64,
}

impl Envelope {
    /// An envelope of `buckets` (at least one) equal buckets over `x_range`; points outside
    /// the range go into the first or last bucket.
    pub fn new(x_range: (f64, f64), buckets: usize) -> Envelope {
        let buckets = buckets.max(1);
        let width = x_range.1 - x_range.0;
        Envelope {
            x0: x_range.0,
            scale: if width > 0.0 {
                buckets as f64 / width
            } else {
                0.0
            },
            last: buckets - 1,
            segments: Vec::new(),
            current: Vec::new(),
            open: None,
            missing: false,
        }
    }

    /// Adds a point. A non-finite value cannot be drawn and breaks the line like a gap.
    pub fn push(&mut self, x: f64, y: f64) {
        if !x.is_finite() || !y.is_finite() {
            self.gap();
            return;
        }
        let index = ((x - self.x0) * self.scale)
            .floor()
            .clamp(0.0, self.last as f64) as usize;
        if std::mem::take(&mut self.missing)
            && let Some(o) = &self.open
            && (index > o.index + 1 || index < o.index)
        {
            self.split();
        }
        match &mut self.open {
            Some(o) if o.index == index => {
                o.x_last = x;
                o.min = o.min.min(y);
                o.max = o.max.max(y);
            }
            _ => {
                self.close();
                self.open = Some(Open {
                    index,
                    x_first: x,
                    x_last: x,
                    min: y,
                    max: y,
                });
            }
        }
    }

    /// A value is missing here (not zero).
    pub fn gap(&mut self) {
        self.missing = true;
    }

    /// The segments: runs of buckets with no empty bucket inside where a value was missing,
    /// in the order the points came.
    pub fn finish(mut self) -> Vec<Vec<Bucket>> {
        self.split();
        self.segments
    }

    /// Ends the current segment.
    fn split(&mut self) {
        self.close();
        if !self.current.is_empty() {
            self.segments.push(std::mem::take(&mut self.current));
        }
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            self.current.push(Bucket {
                x: (o.x_first + o.x_last) / 2.0,
                min: o.min,
                max: o.max,
            });
        }
    }
}

/// The polyline through a segment's buckets: each bucket's min and max, visited in the order
/// closer to the previous point, so a flat or steadily rising series draws as a clean line
/// and a noisy one fills its columns.
pub fn envelope_path(segment: &[Bucket]) -> Vec<(f64, f64)> {
    let mut path = Vec::with_capacity(segment.len() * 2);
    let mut prev: Option<f64> = None;
    for b in segment {
        if b.min == b.max {
            path.push((b.x, b.min));
            prev = Some(b.min);
            continue;
        }
        let min_first = prev.is_none_or(|p| (p - b.min).abs() <= (p - b.max).abs());
        let (a, z) = if min_first {
            (b.min, b.max)
        } else {
            (b.max, b.min)
        };
        path.push((b.x, a));
        path.push((b.x, z));
        prev = Some(z);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_input_gives_nothing() {
        assert!(downsample(&[], 100).is_empty());
        assert!(Envelope::new((0.0, 1.0), 10).finish().is_empty());
    }

    #[test]
    fn fewer_points_than_buckets_come_out_unchanged() {
        let points: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, (i * i) as f64)).collect();
        let out = downsample(&points, 1000);
        assert_eq!(out.len(), 10);
        for (b, p) in out.iter().zip(&points) {
            assert_eq!((b.x, b.min, b.max), (p.0, p.1, p.1));
        }
    }

    #[test]
    fn a_single_point_is_one_bucket() {
        assert_eq!(
            downsample(&[(5.0, 7.0)], 10),
            vec![Bucket {
                x: 5.0,
                min: 7.0,
                max: 7.0
            }]
        );
    }

    #[test]
    fn a_lone_spike_survives_a_million_points() {
        let mut points: Vec<(f64, f64)> = (0..1_000_000).map(|i| (i as f64, 1.0)).collect();
        points[654_321].1 = 500.0;
        let out = downsample(&points, 1000);
        assert_eq!(out.len(), 1000);
        let spikes: Vec<_> = out.iter().filter(|b| b.max == 500.0).collect();
        assert_eq!(spikes.len(), 1);
        assert!((spikes[0].x - 654_321.0).abs() < 1000.0, "{:?}", spikes[0]);
        assert!(out.iter().all(|b| b.min == 1.0));
    }

    #[test]
    fn gaps_that_empty_a_bucket_split_segments_and_are_never_zero() {
        let mut env = Envelope::new((0.0, 10.0), 10);
        env.push(0.0, 3.0);
        env.push(1.0, 4.0);
        env.gap();
        env.gap();
        env.push(5.0, 6.0);
        env.push(f64::NAN, 1.0);
        env.push(8.0, 7.0);
        let segs = env.finish();
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].len(), 2);
        assert_eq!(segs[1][0].min, 6.0);
        assert_eq!(segs[2][0].max, 7.0);
        assert!(segs.iter().flatten().all(|b| b.min > 0.0));
    }

    #[test]
    fn a_gap_narrower_than_a_bucket_is_not_drawn() {
        let mut env = Envelope::new((0.0, 10.0), 10);
        env.push(0.1, 1.0);
        env.gap();
        env.push(0.2, 2.0);
        env.gap();
        env.push(1.5, 3.0);
        env.gap();
        env.gap();
        env.push(2.0, 3.0);
        let segs = env.finish();
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].len(), 3);
    }

    #[test]
    fn a_gap_at_either_end_changes_nothing() {
        let mut env = Envelope::new((0.0, 10.0), 10);
        env.gap();
        env.push(1.0, 1.0);
        env.push(9.0, 1.0);
        env.gap();
        assert_eq!(env.finish().len(), 1);
    }

    #[test]
    fn a_million_points_with_holes_stay_a_few_segments() {
        let mut env = Envelope::new((0.0, 1e6), 1000);
        for i in 0..1_000_000 {
            if i % 97 == 0 || (500_000..510_000).contains(&i) {
                env.gap();
            } else {
                env.push(i as f64, 1.0);
            }
        }
        // Only the 10,000-point hole empties whole buckets.
        assert_eq!(env.finish().len(), 2);
    }

    #[test]
    fn path_visits_both_extremes() {
        let segment = [
            Bucket {
                x: 0.0,
                min: 1.0,
                max: 1.0,
            },
            Bucket {
                x: 1.0,
                min: 0.0,
                max: 9.0,
            },
            Bucket {
                x: 2.0,
                min: 8.0,
                max: 8.0,
            },
        ];
        // From 1, the min (0) is nearer, so down first, then up to 9, then on to 8.
        assert_eq!(
            envelope_path(&segment),
            vec![(0.0, 1.0), (1.0, 0.0), (1.0, 9.0), (2.0, 8.0)]
        );
    }

    proptest! {
        #[test]
        fn no_peak_or_trough_is_ever_dropped(
            ys in prop::collection::vec(-1e9f64..1e9, 1..3000),
            buckets in 1usize..600,
        ) {
            let points: Vec<(f64, f64)> =
                ys.iter().enumerate().map(|(i, &y)| (i as f64 * 0.37, y)).collect();
            let out = downsample(&points, buckets);
            let max_in = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min_in = ys.iter().copied().fold(f64::INFINITY, f64::min);
            let max_out = out.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max);
            let min_out = out.iter().map(|b| b.min).fold(f64::INFINITY, f64::min);
            prop_assert_eq!(max_out, max_in);
            prop_assert_eq!(min_out, min_in);
            prop_assert!(out.len() <= buckets.min(points.len()));
            prop_assert!(out.windows(2).all(|w| w[0].x <= w[1].x));
            prop_assert!(out.iter().all(|b| b.min <= b.max));
            // Every input point lies inside the envelope of a bucket within one bucket width.
            let width = points.last().unwrap().0 / buckets as f64;
            for &(x, y) in &points {
                prop_assert!(out.iter().any(|b| (b.x - x).abs() <= width && b.min <= y && y <= b.max));
            }
        }

        #[test]
        fn the_path_keeps_the_extremes(
            ys in prop::collection::vec(0f64..1e6, 1..2000),
            buckets in 1usize..300,
        ) {
            let points: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
            let path = envelope_path(&downsample(&points, buckets));
            let max_in = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let max_path = path.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(max_path, max_in);
            prop_assert!(path.len() <= 2 * buckets);
        }
    }
}
