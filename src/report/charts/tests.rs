//! Charts on fixed, made-up runs: every figure renders both ways, PNGs decode at the right
//! size with readable text, missing metrics say so, and a million samples stay quick.

use super::*;
use crate::data::{Event, EventKind, PsiScope};
use crate::plan::PidsSource;
use crate::report::summary;

const NAMES: [&str; 5] = ["pids", "memory", "cpu", "psi", "host"];

fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(png).read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG image data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Pixels darker than mid-grey in the rows `rows` of an RGB image `width` wide.
fn dark_pixels(rgb: &[u8], width: u32, rows: std::ops::Range<u32>) -> usize {
    let row = width as usize * 3;
    rgb[rows.start as usize * row..rows.end as usize * row]
        .chunks(3)
        .filter(|p| p.iter().all(|&c| c < 100))
        .count()
}

/// The text of every `<text>` element of an SVG, unescaped.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0))
        .map(|t| {
            t.trim()
                .replace("&apos;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

fn has_text(svg: &str, text: &str) -> bool {
    texts(svg).iter().any(|t| t == text)
}

/// Polylines of more than `n` points: drawn data, not legend swatches.
fn long_lines(svg: &str, n: usize) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter(|p| {
            p.split_once("points=\"").is_some_and(|(_, pts)| {
                pts.split('"').next().unwrap().split_whitespace().count() > n
            })
        })
        .count()
}

fn chart<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn every_figure_renders_as_svg_and_png() {
    let charts = render_run(&synthetic::run(3_000)).unwrap();
    assert_eq!(charts.iter().map(|c| c.name).collect::<Vec<_>>(), NAMES);
    for c in &charts {
        assert!(c.svg.starts_with("<svg") && c.svg.trim_end().ends_with("</svg>"));
        assert!(has_text(&c.svg, &c.title), "{}: title missing", c.name);
        assert!(
            !c.svg.contains("not available"),
            "{}: every metric is there",
            c.name
        );
        assert!(long_lines(&c.svg, 100) >= 1, "{}: no data drawn", c.name);
        let (w, h, rgb) = decode(&c.png);
        assert_eq!((w, h), PNG_SIZE, "{}", c.name);
        // The title is drawn with the embedded font: dark pixels in the title rows, not a
        // blank band (plotters draws nothing where it has no font).
        let title_rows = MARGIN..MARGIN + TITLE_HEIGHT;
        assert!(
            dark_pixels(&rgb, w, title_rows) > 300,
            "{}: no title text in the PNG",
            c.name
        );
    }
}

#[test]
fn limits_and_events_are_labelled() {
    let charts = render_run(&synthetic::run(2_000)).unwrap();
    for c in &charts {
        let t = texts(&c.svg);
        assert!(t.contains(&"start".to_string()), "{}: {t:?}", c.name);
        assert!(
            t.contains(&"pids limit hit".to_string()),
            "{}: {t:?}",
            c.name
        );
        // Teardown, the workload's exit and the end of teardown are milliseconds apart:
        // one label for the three.
        assert!(
            t.contains(&"teardown, exit, teardown end".to_string()),
            "{}: {t:?}",
            c.name
        );
    }
    assert!(has_text(&chart(&charts, "pids").svg, "pids.max = 100"));
    assert!(has_text(
        &chart(&charts, "memory").svg,
        "memory.max = 256.0 MiB"
    ));
    assert!(has_text(
        &chart(&charts, "cpu").svg,
        "cpu quota = 1.5 cores"
    ));
    let psi = chart(&charts, "psi");
    assert!(has_text(
        &psi.svg,
        "Pressure stalls (PSI) of the sandbox's own cgroup"
    ));
}

#[test]
fn the_safety_ceiling_is_named_as_such() {
    let mut r = synthetic::run(500);
    r.plan.limits.pids.source = PidsSource::SafetyCeiling;
    r.plan.limits.pids.max = 2048;
    let charts = render_run(&r).unwrap();
    let svg = &chart(&charts, "pids").svg;
    let t = texts(svg);
    assert!(
        t.iter().any(|t| t.starts_with("safety ceiling 2,048")),
        "{t:?}"
    );
    assert!(!svg.contains("pids.max ="));
}

#[test]
fn a_metric_the_kernel_lacks_is_not_drawn_as_zero() {
    let mut r = synthetic::run(1_000);
    for s in &mut r.samples {
        s.memory_bytes = None;
        s.cpu_usage_us = None;
        s.psi_scope = None;
        (s.psi_cpu_some_us, s.psi_cpu_full_us) = (None, None);
        (s.psi_memory_some_us, s.psi_memory_full_us) = (None, None);
        (s.psi_io_some_us, s.psi_io_full_us) = (None, None);
    }
    r.host.psi_scope = PsiScope::None;
    let charts = render_run(&r).unwrap();
    assert_eq!(charts.len(), 5, "a figure without data still exists");
    for name in ["memory", "cpu", "psi"] {
        let c = chart(&charts, name);
        assert!(
            c.svg.contains("not available on this kernel"),
            "{name}: {}",
            c.svg
        );
        assert!(
            !c.svg.contains("<polyline"),
            "{name}: something was plotted"
        );
        assert!(!c.svg.contains("<circle"), "{name}: something was plotted");
        assert_eq!(decode(&c.png).0, PNG_SIZE.0);
    }
    for name in ["pids", "host"] {
        assert!(!chart(&charts, name).svg.contains("not available"));
    }
}

#[test]
fn a_partly_missing_psi_series_is_named_in_the_legend() {
    let mut r = synthetic::run(1_000);
    for s in &mut r.samples {
        s.psi_cpu_full_us = None;
    }
    let charts = render_run(&r).unwrap();
    let svg = &chart(&charts, "psi").svg;
    assert!(has_text(svg, "cpu full: n/a"), "{:?}", texts(svg));
    assert!(!svg.contains("not available on this kernel"));
}

#[test]
fn system_wide_pressure_says_so() {
    let mut r = synthetic::run(500);
    for s in &mut r.samples {
        s.psi_scope = Some(PsiScope::System);
    }
    let charts = render_run(&r).unwrap();
    let psi = chart(&charts, "psi");
    assert!(psi.title.contains("system-wide"), "{}", psi.title);
    assert!(psi.svg.contains("system-wide"));
}

/// The time axis and every series of a run in memory, as [`render_run`] builds them.
fn lines_of(r: &RunRecord) -> (figures::Frame, figures::Lines) {
    let frame = figures::Frame::new(r, SampleSpan::of(&r.samples), PLOT_WIDTH as usize);
    let mut fold = figures::LinesFold::new(frame.grid);
    r.samples.iter().for_each(|s| fold.push(s));
    (frame, fold.finish())
}

#[test]
fn gaps_break_the_line_instead_of_dropping_to_zero() {
    let mut r = synthetic::run(1_000);
    for s in &mut r.samples[400..450] {
        s.memory_bytes = None;
    }
    let (frame, lines) = lines_of(&r);
    let fig = figures::memory(&r, &frame, lines.memory);
    let line = &fig.lines[0].line;
    // Teardown drops to an empty sandbox (2 MiB), never below it: nothing reads as zero.
    assert_eq!(line.segments.len(), 2);
    let min = line.segments.iter().flatten().map(|b| b.min);
    assert!(min.fold(f64::INFINITY, f64::min) >= 2.0);
    let gap = (r.samples[399].t_ms / 1000.0, r.samples[450].t_ms / 1000.0);
    assert!(line.segments[0].last().unwrap().x <= gap.0);
    assert!(line.segments[1][0].x >= gap.1);
}

#[test]
fn rates_are_in_display_units() {
    let r = synthetic::run(2_000);
    let (frame, lines) = lines_of(&r);
    // The bomb uses 14-15 ms of CPU per 10 ms: 1.4-1.5 cores.
    let cpu = figures::cpu(&r, &frame, lines.cores);
    let max = cpu.lines[0].line.max().unwrap();
    assert!((1.4..=1.51).contains(&max), "{max}");
    // cpu some stalls 6-9 ms per 10 ms: 60-90 % of the time.
    let psi = figures::psi(&r, &frame, lines.psi, lines.psi_scope);
    let max = psi.lines[0].line.max().unwrap();
    assert!((60.0..=90.1).contains(&max), "{max}");
    // Memory is in MiB: 2 MiB + 101 tasks x 350 KiB at most.
    let mem = figures::memory(&r, &frame, lines.memory);
    let max = mem.lines[0].line.max().unwrap();
    assert!((max - (2.0 + 101.0 * 350.0 / 1024.0)).abs() < 1e-9, "{max}");
}

#[test]
fn the_host_spike_survives_downsampling() {
    let r = synthetic::run(200_000);
    let (frame, lines) = lines_of(&r);
    let host = figures::host(&frame, lines.host, &lines.probe_failures);
    assert_eq!(host.lines[0].line.max(), Some(40.0));
    let points: usize = host.lines[0].line.segments.iter().map(Vec::len).sum();
    assert!(points <= PLOT_WIDTH as usize, "{points}");
}

#[test]
fn refused_probe_forks_are_marked_even_when_no_probe_succeeded() {
    let mut r = synthetic::run(1_000);
    for (i, s) in r.samples.iter_mut().enumerate() {
        s.host_fork_ms = None;
        s.host_wakeup_late_ms = None;
        s.host_fork_failures = Some(i as u64 / 300);
    }
    let charts = render_run(&r).unwrap();
    let svg = &chart(&charts, "host").svg;
    let t = texts(svg);
    assert!(!svg.contains("not available"), "{t:?}");
    assert_eq!(
        t.iter().filter(|t| t.contains("probe fork failed")).count(),
        3,
        "{t:?}"
    );
}

#[test]
fn a_run_without_samples_still_has_its_figures() {
    let mut r = synthetic::run(10);
    r.samples.clear();
    let charts = render_run(&r).unwrap();
    assert_eq!(charts.len(), 5);
    for c in &charts {
        assert!(
            has_text(&c.svg, "no samples were recorded in this run"),
            "{}",
            c.name
        );
    }
}

#[test]
fn crowded_events_do_not_pile_up_labels() {
    let mut r = synthetic::run(1_000);
    for i in 0..500 {
        r.events.push(Event {
            t_ms: 3000.0 + i as f64 * 3.0,
            kind: EventKind::OomKill,
            detail: "the OOM killer killed 1 process(es) in the sandbox".into(),
        });
    }
    let charts = render_run(&r).unwrap();
    let svg = &chart(&charts, "pids").svg;
    let labels = texts(svg).iter().filter(|t| t.contains("OOM kill")).count();
    // Two rows of labels over 1,100 pixels fit a few dozen, not 500.
    assert!((1..=40).contains(&labels), "{labels} labels");
}

#[test]
fn comparison_shows_each_cell_and_n_a_for_a_missing_value() {
    let base = summary::build(&synthetic::run(1_000), Vec::new());
    let mut base = base;
    base.metrics.insert("host.fork_p99_ms".into(), Some(40.0));
    let mut never = base.clone();
    never.metrics.insert("pids.time_to_limit_ms".into(), None);
    never.metrics.insert("host.fork_p99_ms".into(), None);
    never.metrics.insert("pids.peak".into(), Some(37.0));
    let cells = [
        ("limits.pids = 100".to_string(), &base),
        ("sandbox.rlimits.nproc = 40".to_string(), &never),
    ];
    let c = render_comparison(&cells).unwrap();
    assert_eq!(c.name, "comparison");
    let t = texts(&c.svg);
    assert!(t.contains(&"limits.pids = 100".to_string()), "{t:?}");
    assert!(t.contains(&"sandbox.rlimits.nproc = 40".to_string()));
    assert_eq!(t.iter().filter(|t| *t == "n/a").count(), 2, "{t:?}");
    assert!(t.contains(&"37".to_string()), "{t:?}");
    assert!(t.contains(&"40 ms".to_string()), "the host p99: {t:?}");
    assert!(
        !t.contains(&"0 ms".to_string()),
        "a missing value drawn as zero: {t:?}"
    );
    let (w, h, _) = decode(&c.png);
    assert_eq!((w, h), PNG_SIZE);
}

#[test]
fn comparison_of_nothing_says_so() {
    let c = render_comparison(&[]).unwrap();
    assert!(has_text(&c.svg, "no runs to compare"));
    assert_eq!(decode(&c.png).0, PNG_SIZE.0);
}

#[test]
fn charts_are_written_as_files() {
    let tmp = tempfile::tempdir().unwrap();
    let charts = render_run(&synthetic::run(300)).unwrap();
    write_charts(tmp.path(), &charts).unwrap();
    for name in NAMES {
        let svg = std::fs::read_to_string(tmp.path().join(format!("{name}.svg"))).unwrap();
        assert_eq!(svg, chart(&charts, name).svg);
        let png = std::fs::read(tmp.path().join(format!("{name}.png"))).unwrap();
        assert_eq!(decode(&png).0, PNG_SIZE.0);
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 10);
}

#[test]
fn numbers_are_short() {
    assert_eq!(number(0.0), "0");
    assert_eq!(number(2048.0), "2,048");
    assert_eq!(number(150.0), "150");
    assert_eq!(number(12.5), "12.5");
    assert_eq!(number(1.5), "1.5");
    assert_eq!(number(0.25), "0.25");
    assert_eq!(number(0.0004), "0");
    assert_eq!(number(-0.0001), "0");
}

/// Not a timed assertion: prints how long a million samples take, for the record. Run with
/// `cargo test --release --lib million -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement; run it in release mode"]
fn a_million_samples() {
    let t = std::time::Instant::now();
    let r = synthetic::run(1_000_000);
    let made = t.elapsed();
    let t = std::time::Instant::now();
    let charts = render_run(&r).unwrap();
    let rendered = t.elapsed();
    let svg: usize = charts.iter().map(|c| c.svg.len()).sum();
    let png: usize = charts.iter().map(|c| c.png.len()).sum();
    println!(
        "1,000,000 samples ({} MiB in memory): made in {made:.2?}; five figures as SVG + PNG \
         in {rendered:.2?} ({} KiB of SVG, {} KiB of PNG)",
        std::mem::size_of_val(&r.samples[..]) >> 20,
        svg / 1024,
        png / 1024
    );
    assert_eq!(charts.len(), 5);
    assert!(long_lines(&chart(&charts, "host").svg, 100) >= 2);
}

#[test]
fn the_comparison_title_counts_runs_in_both_languages() {
    use crate::i18n::{Lang, with};
    let s = summary::build(&synthetic::run(300), Vec::new());
    let one = [("a".to_string(), &s)];
    let two = [("a".to_string(), &s), ("b".to_string(), &s)];
    let title =
        |cells: &[(String, &crate::record::Summary)]| comparison::Comparison::of(cells).title;
    with(Lang::En, || {
        assert_eq!(title(&one), "Comparison of 1 run");
        assert_eq!(title(&two), "Comparison of 2 runs");
    });
    with(Lang::Es, || {
        assert_eq!(title(&one), "Comparación de 1 ejecución");
        assert_eq!(title(&two), "Comparación de 2 ejecuciones");
    });
}
