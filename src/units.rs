//! Units in scenario files: sizes (`256MiB`), durations (`50ms`) and their display.
//!
//! Sizes: `B`, IEC `KiB MiB GiB TiB` (powers of 1024), SI `KB MB GB TB` (powers of 1000),
//! and the kernel's own shorthand `K M G T` (powers of 1024, as `memory.max` reads them).
//! Durations: `ns us ms s m h`. A number without a unit is an error for durations and bytes
//! for sizes only when given as a TOML integer ([`size_value`]).

use crate::t;
use std::time::Duration;

const SIZE_UNITS: &[(&str, u64)] = &[
    ("B", 1),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("K", 1 << 10),
    ("M", 1 << 20),
    ("G", 1 << 30),
    ("T", 1 << 40),
];

const DURATION_UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// What a size string may look like, in English; error messages say it in the current
/// language with [`size_help`].
pub const SIZE_HELP: &str = "a size such as \"256MiB\", \"1GiB\", \"512KB\" or \"0B\" (units: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T)";
/// What a duration string may look like, in English; error messages say it in the current
/// language with [`duration_help`].
pub const DURATION_HELP: &str =
    "a duration such as \"5s\", \"50ms\" or \"1.5s\" (units: ns, us, ms, s, m, h)";

/// [`SIZE_HELP`] in the current language, for error messages.
pub fn size_help() -> String {
    t!("units-size-help")
}

/// [`DURATION_HELP`] in the current language, for error messages.
pub fn duration_help() -> String {
    t!("units-duration-help")
}

/// [`RATE_HELP`] in the current language, for error messages.
pub fn rate_help() -> String {
    t!("units-rate-help")
}

fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') {
        return None;
    }
    let num: f64 = num.replace('_', "").parse().ok()?;
    Some((num, unit.trim()))
}

fn scaled(num: f64, factor: u64) -> Option<u64> {
    let value = (num * factor as f64).round();
    (value.is_finite() && value >= 0.0 && value <= u64::MAX as f64).then_some(value as u64)
}

/// Parses a size with a unit into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (num, unit) = split_number(text).ok_or_else(|| {
        t!(
            "units-expected",
            help = size_help(),
            got = format!("{text:?}")
        )
    })?;
    if unit.is_empty() {
        return Err(t!(
            "units-size-no-unit",
            text = format!("{text:?}"),
            help = size_help()
        ));
    }
    let factor = SIZE_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            t!(
                "units-unknown-size-unit",
                unit = format!("{unit:?}"),
                text = format!("{text:?}"),
                help = size_help()
            )
        })?;
    scaled(num, factor).ok_or_else(|| t!("units-too-large", text = format!("{text:?}")))
}

/// Parses a duration with a unit.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let (num, unit) = split_number(text).ok_or_else(|| {
        t!(
            "units-expected",
            help = duration_help(),
            got = format!("{text:?}")
        )
    })?;
    if unit.is_empty() {
        return Err(t!(
            "units-duration-no-unit",
            text = format!("{text:?}"),
            help = duration_help()
        ));
    }
    let factor = DURATION_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            t!(
                "units-unknown-duration-unit",
                unit = format!("{unit:?}"),
                text = format!("{text:?}"),
                help = duration_help()
            )
        })?;
    scaled(num, factor)
        .map(Duration::from_nanos)
        .ok_or_else(|| t!("units-too-long", text = format!("{text:?}")))
}

/// A size as a scenario writes it: an integer number of bytes, or a string with a unit
/// (`"256MiB"`). Any other value is an error worded by `not_a_size`, since each table says
/// it its own way.
pub fn size_value(
    value: &toml::Value,
    not_a_size: impl FnOnce(&toml::Value) -> String,
) -> Result<u64, String> {
    match value {
        toml::Value::Integer(n) if *n >= 0 => Ok(*n as u64),
        toml::Value::String(s) => parse_size(s),
        other => Err(not_a_size(other)),
    }
}

/// What a rate string may look like, in English; error messages say it in the current
/// language with [`rate_help`].
pub const RATE_HELP: &str = "a rate such as \"256MiB/s\" or \"1GiB/s\" (a size per second)";

/// Parses a rate (`256MiB/s`) into bytes per second.
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let size = text.trim().strip_suffix("/s").ok_or_else(|| {
        t!(
            "units-expected",
            help = rate_help(),
            got = format!("{text:?}")
        )
    })?;
    match parse_size(size)? {
        0 => Err(t!("units-rate-zero", text = format!("{text:?}"))),
        n => Ok(n),
    }
}

/// Formats bytes with the largest IEC unit that keeps the number at or above 1, in the
/// current language's number format (`1.5 GiB`, `1,5 GiB`).
pub fn format_size(bytes: u64) -> String {
    const NAMES: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < NAMES.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    crate::i18n::number(if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", NAMES[unit])
    })
}

/// Formats a duration for people: `850 ms`, `4.9 s` (`4,9 s` in Spanish).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    crate::i18n::number(if ms < 1.0 {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    })
}

/// Parses a kernel CPU list (`0-1,3`) into CPU numbers.
pub fn parse_cpu_list(text: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n: usize = part.trim().parse().ok()?;
                (n, n)
            }
        };
        if a > b || b > 8191 {
            return None;
        }
        cpus.extend(a..=b);
    }
    Some(cpus)
}

pub(crate) mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64() * 1000.0)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Ok(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1.5KiB"), Ok(1536));
        assert_eq!(parse_size("0B"), Ok(0));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size(" 10 KiB "), Ok(10 << 10));
        assert!(parse_size("10").unwrap_err().contains("no unit"));
        assert!(
            parse_size("10 parsecs")
                .unwrap_err()
                .contains("unknown size unit")
        );
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("-1MiB").is_err());
        assert!(parse_size("1.MiB").is_err());
        assert!(
            parse_size("99999999999TiB")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn size_values() {
        let not_a_size = |v: &toml::Value| format!("{v} is not a size");
        assert_eq!(
            size_value(&toml::Value::Integer(4096), not_a_size),
            Ok(4096)
        );
        assert_eq!(
            size_value(&toml::Value::String("1KiB".into()), not_a_size),
            Ok(1024)
        );
        assert_eq!(
            size_value(&toml::Value::Integer(-1), not_a_size),
            Err("-1 is not a size".into())
        );
        assert_eq!(
            size_value(&toml::Value::Boolean(true), not_a_size),
            Err("true is not a size".into())
        );
        assert!(
            size_value(&toml::Value::String("12 bananas".into()), not_a_size)
                .unwrap_err()
                .contains("unknown size unit")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("5").unwrap_err().contains("no unit"));
        assert!(parse_duration("5 fortnights").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("256MiB/s"), Ok(256 << 20));
        assert_eq!(parse_rate(" 1GiB/s"), Ok(1 << 30));
        assert!(parse_rate("256MiB").unwrap_err().contains("per second"));
        assert!(parse_rate("0B/s").unwrap_err().contains("positive"));
    }

    #[test]
    fn display() {
        assert_eq!(format_size(512), "512 B");
        assert_eq!(format_size(256 << 20), "256.0 MiB");
        assert_eq!(format_duration(Duration::from_millis(62)), "62 ms");
        assert_eq!(format_duration(Duration::from_millis(4900)), "4.9 s");
    }

    #[test]
    fn the_help_texts_are_translated_and_english_is_the_consts() {
        use crate::i18n::{Lang, with};
        with(Lang::En, || {
            assert_eq!(size_help(), SIZE_HELP);
            assert_eq!(duration_help(), DURATION_HELP);
            assert_eq!(rate_help(), RATE_HELP);
            assert_eq!(
                parse_size("10 parsecs").unwrap_err(),
                format!("unknown size unit \"parsecs\" in \"10 parsecs\"; expected {SIZE_HELP}")
            );
        });
        with(Lang::Es, || {
            let e = parse_size("10 parsecs").unwrap_err();
            assert_eq!(
                e,
                "unidad de tamaño desconocida \"parsecs\" en \"10 parsecs\"; se esperaba un \
                 tamaño como \"256MiB\", \"1GiB\", \"512KB\" o \"0B\" (unidades: B, KiB, MiB, \
                 GiB, TiB, KB, MB, GB, TB, K, M, G, T)"
            );
            assert!(parse_size("10").unwrap_err().contains("no tiene unidad"));
            let e = parse_duration("5 fortnights").unwrap_err();
            assert!(e.contains("una duración como \"5s\""), "{e}");
            let e = parse_rate("256MiB").unwrap_err();
            assert!(
                e.contains("una tasa como") && e.contains("por segundo"),
                "{e}"
            );
            assert!(parse_rate("0B/s").unwrap_err().contains("positiva"));
        });
    }
}
