//! Charts of a run and of a sweep, as SVG (for reports) and PNG (for anything else).
//!
//! One function per figure (`figures.rs`) turns a [`RunRecord`] into what is drawn, already
//! in display units (seconds, MiB, cores, % of time) and downsampled to min/max envelopes of
//! about one bucket per pixel column ([`downsample`]), so a run of a million samples draws as
//! fast as one of a thousand and no peak is lost. `draw.rs` paints a figure on any plotters
//! backend; `render` paints it twice, on SVG and on an in-memory bitmap encoded as PNG.
//! Style lives in the constants below.
//!
//! Text in PNGs uses DejaVu Sans compiled into the binary, so charts look the same on a
//! machine without a single font installed; SVGs name the generic `sans-serif` family.
//! A metric the kernel did not provide is never drawn as zero: its figure says so instead.

mod comparison;
pub mod downsample;
mod draw;
mod figures;
mod series;
pub mod synthetic;
#[cfg(test)]
mod tests;

use std::io;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

pub use figures::SampleSpan;

use crate::record::{RunRecord, Summary};
use crate::t;

use crate::data::Sample;

/// One figure, rendered.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem: `pids` → `pids.svg`, `pids.png`.
    pub name: &'static str,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Size of every chart, in pixels (the SVG's view box too).
pub const PNG_SIZE: (u32, u32) = (1200, 600);

// Style. Colours are the Okabe–Ito palette, which stays distinct for colour-blind readers.
const FONT: &str = "sans-serif";
const TITLE_FONT: u32 = 22;
const LEGEND_FONT: u32 = 14;
const AXIS_FONT: u32 = 15;
const TICK_FONT: u32 = 13;
const EVENT_FONT: u32 = 12;
const MESSAGE_FONT: u32 = 20;
const VALUE_FONT: u32 = 13;

/// Outer margin around everything.
const MARGIN: u32 = 14;
/// Title row, then up to two legend rows.
const TITLE_HEIGHT: u32 = 34;
const LEGEND_ROW_HEIGHT: u32 = 20;
const HEADER_HEIGHT: u32 = TITLE_HEIGHT + 2 * LEGEND_ROW_HEIGHT;
/// The band above the plot where event labels go, in rows.
const EVENT_ROWS: usize = 2;
const EVENT_ROW_HEIGHT: u32 = 16;
/// Pixels between two event labels in one row.
const EVENT_LABEL_GAP: i32 = 8;
/// Events at most this many pixels apart share one label.
const EVENT_CLUSTER_PX: i32 = 6;
/// Opacity of an event's vertical line: dense events make a tint, not a wall.
const EVENT_LINE_ALPHA: f64 = 0.5;
/// Faint grid lines between two labelled ones.
const MAX_LIGHT_LINES: usize = 1;
const X_LABEL_AREA: u32 = 46;
const Y_LABEL_AREA: u32 = 76;
/// Horizontal pixels of a time plot: one envelope bucket each.
const PLOT_WIDTH: u32 = PNG_SIZE.0 - 2 * MARGIN - Y_LABEL_AREA;
/// Room above the highest value, as a fraction of it.
const HEADROOM: f64 = 0.08;
/// A limit line is drawn to scale only while it is at most this many times the data's
/// maximum; past that (a 12 GiB memory ceiling over 10 MiB of use) it would flatten the data
/// into the axis, so the legend says it is off the chart instead.
const LIMIT_IN_VIEW: f64 = 20.0;
const LINE_WIDTH: u32 = 2;
const THIN_LINE_WIDTH: u32 = 1;

const BACKGROUND: RGBColor = WHITE;
const TEXT: RGBColor = RGBColor(30, 30, 30);
const MUTED: RGBColor = RGBColor(110, 110, 110);
const GRID: RGBColor = RGBColor(215, 215, 215);
const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const SKY: RGBColor = RGBColor(86, 180, 233);
const DARK_RED: RGBColor = RGBColor(170, 20, 20);
const LIMIT: RGBColor = VERMILLION;

/// The five figures of a run: tasks, memory, CPU, pressure and the host probe, in that
/// order.
pub fn render_run(record: &RunRecord) -> anyhow::Result<Vec<Chart>> {
    let span = SampleSpan::of(&record.samples);
    let mut drawing = RunDrawing::new(record, span);
    record.samples.iter().for_each(|s| drawing.push(s));
    drawing.render(record, span)
}

/// The figures of a run being built one sample at a time, holding only the per-pixel
/// envelopes: how a run whose samples are not in memory (streamed from `samples.csv`) is
/// drawn, exactly as [`render_run`] draws one that is. The time axis is laid out first, from
/// where the samples are expected to lie (`span`); [`RunDrawing::fits`] tells whether they
/// did, and if not, the drawing is made again with the span they had.
pub struct RunDrawing {
    frame: figures::Frame,
    lines: figures::LinesFold,
}

impl RunDrawing {
    /// A drawing of `record`'s run (its events are read here; its samples are not).
    pub fn new(record: &RunRecord, span: SampleSpan) -> RunDrawing {
        let frame = figures::Frame::new(record, span, PLOT_WIDTH as usize);
        let lines = figures::LinesFold::new(frame.grid);
        RunDrawing { frame, lines }
    }

    pub fn push(&mut self, s: &Sample) {
        self.lines.push(s);
    }

    /// Whether the time axis laid out for this drawing is the one `span` (the samples as
    /// they were pushed) gives.
    pub fn fits(&self, record: &RunRecord, span: SampleSpan) -> bool {
        figures::Frame::new(record, span, PLOT_WIDTH as usize)
            .grid
            .x_range
            == self.frame.grid.x_range
    }

    /// The five figures: tasks, memory, CPU, pressure and the host probe, in that order.
    /// `span` is what was pushed.
    pub fn render(mut self, record: &RunRecord, span: SampleSpan) -> anyhow::Result<Vec<Chart>> {
        self.frame.samples = span.count;
        let (frame, lines) = (&self.frame, self.lines.finish());
        [
            figures::pids(record, frame, lines.tasks),
            figures::memory(record, frame, lines.memory),
            figures::cpu(record, frame, lines.cores),
            figures::psi(record, frame, lines.psi, lines.psi_scope),
            figures::host(frame, lines.host, &lines.probe_failures),
        ]
        .iter()
        .map(render)
        .collect()
    }
}

/// The comparison of a sweep's cells: peak tasks, time to the pids limit and the host's
/// fork p99, one row per cell; a value a cell lacks reads "n/a".
pub fn render_comparison(cells: &[(String, &Summary)]) -> anyhow::Result<Chart> {
    render(&comparison::Comparison::of(cells))
}

/// The same chart with a title of its own (a fleet report's: one scenario, one row per node).
pub fn render_comparison_titled(
    title: &str,
    cells: &[(String, &Summary)],
) -> anyhow::Result<Chart> {
    let mut c = comparison::Comparison::of(cells);
    c.title = title.to_string();
    render(&c)
}

/// Writes `<name>.svg` and `<name>.png` of every chart into `dir`, each atomically.
pub fn write_charts(dir: &Path, charts: &[Chart]) -> io::Result<()> {
    for c in charts {
        crate::data::stream::write_atomic(&dir.join(format!("{}.svg", c.name)), c.svg.as_bytes())?;
        crate::data::stream::write_atomic(&dir.join(format!("{}.png", c.name)), &c.png)?;
    }
    Ok(())
}

type DrawResult<DB> = Result<(), DrawError<DB>>;
type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// A plot with numbers on both axes: seconds and a unit (a time figure), or a value and
/// the rows (a comparison panel).
type Plot<'a, DB> = ChartContext<
    'a,
    DB,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// Which backend a figure is painted on, for the one thing that differs: thick lines (see
/// [`draw::data_line`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Svg,
    Png,
}

/// Something [`render`] can paint on both backends.
trait Figure {
    fn name(&self) -> &'static str;
    fn title(&self) -> &str;
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        target: Target,
    ) -> DrawResult<DB>;
}

/// Paints a figure as SVG and as PNG.
fn render(fig: &impl Figure) -> anyhow::Result<Chart> {
    embed_font()?;
    let name = fig.name();
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        anyhow::anyhow!(t!(
            "chart-cannot-draw",
            name = name,
            format = what,
            error = e
        ))
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, PNG_SIZE).into_drawing_area();
        fig.draw(&root, Target::Svg)
            .map_err(|e| failed("SVG", &e))?;
        root.present().map_err(|e| failed("SVG", &e))?;
    }
    let (w, h) = PNG_SIZE;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, PNG_SIZE).into_drawing_area();
        fig.draw(&root, Target::Png)
            .map_err(|e| failed("PNG", &e))?;
        root.present().map_err(|e| failed("PNG", &e))?;
    }
    let png = encode_png(&rgb, PNG_SIZE).map_err(|e| failed("PNG", &e))?;
    Ok(Chart {
        name,
        title: fig.title().to_string(),
        svg,
        png,
    })
}

/// Registers DejaVu Sans (compiled in) as the `sans-serif` family, once per process.
fn embed_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok());
    anyhow::ensure!(ok, t!("chart-font-missing"));
    Ok(())
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // Charts are flat colour on white: unfiltered rows with ordinary deflate are the smallest
    // quick choice (measured on a pids chart: 27 KiB in 12 ms; the fast level, 250 KiB).
    enc.set_compression(png::Compression::Default);
    enc.set_filter(png::FilterType::NoFilter);
    let mut writer = enc.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// A number for an axis or a label: short, grouped above a thousand, no trailing zeros.
fn number(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        return super::summary::group(v);
    }
    let decimals = match a {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    crate::i18n::number(if s == "-0" { "0".into() } else { s.into() })
}
