//! What a stat file says: its text parsed into the fields of a [`Sample`]. The files are
//! read as bytes, never checked as UTF-8 or split by `char`: at 10 ms under a saturated bomb
//! every tick finds the caches cold, and the parse is the part of a tick's own CPU that
//! limitlab, not the kernel, decides.

use crate::data::{PsiResource, Sample, SourceKind};

/// A single number, or `None` for `max` or anything unparsable.
pub fn parse_single(text: impl AsRef<[u8]>) -> Option<u64> {
    decimal(text.as_ref().trim_ascii())
}

/// The value of `key` in a `key value` per line file (`cpu.stat`, `memory.events`).
pub fn parse_keyed(text: impl AsRef<[u8]>, key: &str) -> Option<u64> {
    lines(text.as_ref()).find_map(|l| {
        let v = l.strip_prefix(key.as_bytes())?.strip_prefix(b" ")?;
        decimal(v.trim_ascii())
    })
}

/// The `total=` of the `some` and `full` lines of a PSI file, in microseconds. A file
/// without a `full` line (older kernels' cpu.pressure) gives `None` for it.
pub fn parse_psi(text: impl AsRef<[u8]>) -> (Option<u64>, Option<u64>) {
    let total = |prefix: &[u8]| {
        lines(text.as_ref())
            .find(|l| l.starts_with(prefix))?
            .split(u8::is_ascii_whitespace)
            .find_map(|f| f.strip_prefix(b"total="))
            .and_then(decimal)
    };
    (total(b"some "), total(b"full "))
}

/// The lines of a file, as bytes.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&c| c == b'\n')
}

/// Every byte a decimal digit, at least one, within `u64`.
fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// Parses a stat file's text into the fields of `s` that its `kind` provides.
pub fn parse_into(kind: SourceKind, text: impl AsRef<[u8]>, s: &mut Sample) {
    let text = text.as_ref();
    match kind {
        SourceKind::PidsCurrent => s.pids_current = parse_single(text),
        SourceKind::PidsPeak => s.pids_peak = parse_single(text),
        SourceKind::PidsEvents => s.pids_max_events = parse_keyed(text, "max"),
        SourceKind::MemoryCurrent => s.memory_bytes = parse_single(text),
        SourceKind::MemoryPeak => s.memory_peak_bytes = parse_single(text),
        // The two v1 counters count disjoint refusals (a charge fails on memory+swap or,
        // past it, on memory); the limit was hit as often as both say together.
        SourceKind::MemoryFailcnt | SourceKind::MemswFailcnt => {
            if let Some(n) = parse_single(text) {
                s.memory_max_events = Some(s.memory_max_events.unwrap_or(0) + n);
            }
        }
        SourceKind::MemoryEvents => {
            s.memory_max_events = parse_keyed(text, "max");
            s.memory_oom_kills = parse_keyed(text, "oom_kill");
        }
        SourceKind::MemoryOomControl => s.memory_oom_kills = parse_keyed(text, "oom_kill"),
        SourceKind::SwapCurrent => s.swap_bytes = parse_single(text),
        SourceKind::CpuacctUsage => s.cpu_usage_us = parse_single(text).map(|ns| ns / 1000),
        SourceKind::CpuStatV1 => {
            s.cpu_periods = parse_keyed(text, "nr_periods");
            s.cpu_throttled_periods = parse_keyed(text, "nr_throttled");
            s.cpu_throttled_us = parse_keyed(text, "throttled_time").map(|ns| ns / 1000);
        }
        SourceKind::CpuStatV2 => {
            s.cpu_usage_us = parse_keyed(text, "usage_usec");
            s.cpu_periods = parse_keyed(text, "nr_periods");
            s.cpu_throttled_periods = parse_keyed(text, "nr_throttled");
            s.cpu_throttled_us = parse_keyed(text, "throttled_usec");
        }
        SourceKind::Psi(r, scope) => {
            let (some, full) = parse_psi(text);
            let (a, b) = match r {
                PsiResource::Cpu => (&mut s.psi_cpu_some_us, &mut s.psi_cpu_full_us),
                PsiResource::Memory => (&mut s.psi_memory_some_us, &mut s.psi_memory_full_us),
                PsiResource::Io => (&mut s.psi_io_some_us, &mut s.psi_io_full_us),
            };
            *a = some;
            *b = full;
            if some.is_some() {
                s.psi_scope = Some(scope);
            }
        }
        SourceKind::TargetPidsCurrent => s.target_pids_current = parse_single(text),
        SourceKind::TargetPidsPeak => s.target_pids_peak = parse_single(text),
        SourceKind::TargetPidsEvents => s.target_pids_max_events = parse_keyed(text, "max"),
        SourceKind::TargetMemoryCurrent => s.target_memory_bytes = parse_single(text),
        SourceKind::TargetOomKills => s.target_memory_oom_kills = parse_keyed(text, "oom_kill"),
        SourceKind::HostPsi(r) => {
            let (some, full) = parse_psi(text);
            let (a, b) = match r {
                PsiResource::Cpu => (&mut s.host_psi_cpu_some_us, &mut s.host_psi_cpu_full_us),
                PsiResource::Memory => (
                    &mut s.host_psi_memory_some_us,
                    &mut s.host_psi_memory_full_us,
                ),
                PsiResource::Io => (&mut s.host_psi_io_some_us, &mut s.host_psi_io_full_us),
            };
            *a = some;
            *b = full;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PsiScope;

    #[test]
    fn psi_files() {
        let full = "some avg10=1.80 avg60=1.56 avg300=0.42 total=1601200\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=25\n";
        assert_eq!(parse_psi(full), (Some(1601200), Some(25)));
        let no_full = "some avg10=0.00 avg60=0.00 avg300=0.00 total=77\n";
        assert_eq!(parse_psi(no_full), (Some(77), None));
        assert_eq!(parse_psi(""), (None, None));
        assert_eq!(parse_psi("some avg10=0.00 total=oops\n"), (None, None));
    }

    #[test]
    fn single_numbers_are_whole_decimals_within_u64() {
        assert_eq!(parse_single("42\n"), Some(42));
        assert_eq!(parse_single(" 7 \n"), Some(7));
        assert_eq!(parse_single(b"18446744073709551615\n"), Some(u64::MAX));
        for bad in [
            "18446744073709551616\n",
            "max\n",
            "1 2\n",
            "-1\n",
            "",
            "\n",
            "12k\n",
        ] {
            assert_eq!(parse_single(bad), None, "{bad:?}");
        }
        // A key is a whole word: `max` does not match `max_usage`.
        assert_eq!(parse_keyed("max_usage 9\nmax 3\n", "max"), Some(3));
        assert_eq!(parse_keyed("max oops\n", "max"), None);
    }

    #[test]
    fn keyed_files() {
        let v1 = "nr_periods 10\nnr_throttled 7\nthrottled_time 3500000\nnr_bursts 0\n";
        let mut s = Sample::default();
        parse_into(SourceKind::CpuStatV1, v1, &mut s);
        assert_eq!(
            (s.cpu_periods, s.cpu_throttled_periods, s.cpu_throttled_us),
            (Some(10), Some(7), Some(3500))
        );
        let v2 = "usage_usec 123\nuser_usec 100\nsystem_usec 23\nnr_periods 4\nnr_throttled 2\nthrottled_usec 900\n";
        let mut s = Sample::default();
        parse_into(SourceKind::CpuStatV2, v2, &mut s);
        assert_eq!((s.cpu_usage_us, s.cpu_throttled_us), (Some(123), Some(900)));
        let mut s = Sample::default();
        parse_into(
            SourceKind::MemoryEvents,
            "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n",
            &mut s,
        );
        assert_eq!(
            (s.memory_max_events, s.memory_oom_kills),
            (Some(12), Some(1))
        );
        let mut s = Sample::default();
        parse_into(
            SourceKind::MemoryOomControl,
            "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
            &mut s,
        );
        assert_eq!(s.memory_oom_kills, Some(3));
        // v1: refusals of the memory limit and of the memory+swap limit, together.
        parse_into(SourceKind::MemoryFailcnt, "0\n", &mut s);
        parse_into(SourceKind::MemswFailcnt, "7\n", &mut s);
        assert_eq!(s.memory_max_events, Some(7));
        parse_into(SourceKind::PidsEvents, "max 4711\n", &mut s);
        assert_eq!(s.pids_max_events, Some(4711));
        parse_into(SourceKind::PidsCurrent, "max\n", &mut s);
        assert_eq!(s.pids_current, None, "a limit file's `max` is not a count");
        parse_into(SourceKind::CpuacctUsage, "2500000\n", &mut s);
        assert_eq!(s.cpu_usage_us, Some(2500));
    }

    #[test]
    fn psi_scope_is_recorded_only_with_data() {
        let mut s = Sample::default();
        parse_into(
            SourceKind::Psi(PsiResource::Io, PsiScope::System),
            "",
            &mut s,
        );
        assert_eq!(s.psi_scope, None);
        parse_into(
            SourceKind::Psi(PsiResource::Cpu, PsiScope::Cgroup),
            "some avg10=0 total=5\n",
            &mut s,
        );
        assert_eq!(
            (s.psi_scope, s.psi_cpu_some_us),
            (Some(PsiScope::Cgroup), Some(5))
        );
    }
}
