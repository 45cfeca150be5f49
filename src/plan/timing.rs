//! How long a run lasts and how often it is sampled: the scenario's `duration` and its
//! `[sampling]` table, resolved.

use std::time::Duration;

use crate::plan::Diagnostics;
use crate::scenario::{KeyPath, SamplingTable, path};
use crate::t;
use crate::units;

pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);
pub const MIN_INTERVAL: Duration = Duration::from_millis(1);
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// The required `duration`: positive and at most [`MAX_DURATION`] (`None` after a problem).
pub fn duration(text: Option<&str>, d: &mut Diagnostics) -> Option<Duration> {
    let Some(text) = text else {
        d.push(&KeyPath::root(), t!("plan-duration-required"));
        return None;
    };
    let key = path(&["duration"]);
    match units::parse_duration(text) {
        Err(m) => {
            d.push(&key, m);
            None
        }
        Ok(dur) if dur.is_zero() => {
            d.push(&key, t!("plan-duration-zero"));
            None
        }
        Ok(dur) if dur > MAX_DURATION => {
            d.push(&key, t!("plan-duration-max"));
            None
        }
        Ok(dur) => Some(dur),
    }
}

/// `[sampling] interval`: at least [`MIN_INTERVAL`] and no longer than the run
/// ([`DEFAULT_INTERVAL`] when absent or wrong).
pub fn interval(
    sampling: Option<&SamplingTable>,
    duration: Option<Duration>,
    d: &mut Diagnostics,
) -> Duration {
    let Some(text) = sampling.and_then(|s| s.interval.as_deref()) else {
        return DEFAULT_INTERVAL;
    };
    let key = path(&["sampling", "interval"]);
    match units::parse_duration(text) {
        Err(m) => {
            d.push(&key, m);
            DEFAULT_INTERVAL
        }
        Ok(i) if i < MIN_INTERVAL => {
            d.push(&key, t!("plan-interval-small", value = format!("{text:?}")));
            DEFAULT_INTERVAL
        }
        Ok(i) if duration.is_some_and(|dur| i > dur) => {
            d.push(&key, t!("plan-interval-long", value = format!("{text:?}")));
            DEFAULT_INTERVAL
        }
        Ok(i) => i,
    }
}
