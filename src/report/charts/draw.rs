//! Painting figures on a plotters backend: the header (title and legend), a time plot with
//! its limit lines and events, and the message a figure shows when it has nothing to plot.

use std::collections::HashSet;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::downsample::envelope_path;
use super::figures::TimeFigure;
use super::*;
use crate::t;

/// How a legend entry is marked.
pub enum Swatch {
    Line(RGBColor, u32),
    Dashed(RGBColor),
    /// A short vertical bar, as the comparison chart marks a limit.
    Tick(RGBColor),
    /// Text only, muted: something absent.
    None,
}

pub struct Entry {
    pub swatch: Swatch,
    pub label: String,
}

const SWATCH_WIDTH: i32 = 24;
const SWATCH_GAP: i32 = 6;
const ENTRY_GAP: i32 = 20;

pub fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
}

/// The title, top left, and the legend below it in up to two rows (what does not fit is
/// left out rather than drawn over the plot).
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[Entry],
) -> DrawResult<DB> {
    let (width, _) = root.dim_in_pixel();
    let m = MARGIN as i32;
    root.draw(&Text::new(
        title.to_string(),
        (m, m),
        font(TITLE_FONT)
            .color(&TEXT)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    let legend_font = font(LEGEND_FONT);
    let right = width as i32 - m;
    let (mut x, mut row) = (m, 0);
    for e in legend {
        let (tw, _) = root.estimate_text_size(&e.label, &legend_font)?;
        let swatch = if matches!(e.swatch, Swatch::None) {
            0
        } else {
            SWATCH_WIDTH + SWATCH_GAP
        };
        let w = swatch + tw as i32;
        if x > m && x + w > right {
            row += 1;
            x = m;
        }
        if row >= 2 {
            break;
        }
        let y = m + (TITLE_HEIGHT + LEGEND_ROW_HEIGHT * row + LEGEND_ROW_HEIGHT / 2) as i32;
        let (x0, x1) = (x, x + SWATCH_WIDTH);
        match e.swatch {
            Swatch::Line(c, w) => {
                root.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(w)))?
            }
            Swatch::Dashed(c) => {
                for (a, b) in [(x0, x0 + 9), (x0 + 15, x1)] {
                    root.draw(&PathElement::new(vec![(a, y), (b, y)], c.stroke_width(2)))?;
                }
            }
            Swatch::Tick(c) => {
                let mid = (x0 + x1) / 2;
                root.draw(&PathElement::new(
                    vec![(mid, y - 7), (mid, y + 7)],
                    c.stroke_width(3),
                ))?
            }
            Swatch::None => {}
        }
        let color = if matches!(e.swatch, Swatch::None) {
            MUTED
        } else {
            TEXT
        };
        root.draw(&Text::new(
            e.label.clone(),
            (x + swatch, y),
            legend_font
                .color(&color)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += w + ENTRY_GAP;
    }
    Ok(())
}

/// A framed, empty plot area with `text` in its centre.
pub fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    area.draw(&Rectangle::new(
        [(0, 0), (w - 1, h - 1)],
        GRID.stroke_width(1),
    ))?;
    area.draw(&Text::new(
        text.to_string(),
        (w / 2, h / 2),
        font(MESSAGE_FONT)
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))
}

/// The body of a figure: everything below the header.
pub fn body<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> DrawingArea<DB, Shift> {
    root.margin(HEADER_HEIGHT, MARGIN, MARGIN, MARGIN)
}

/// A figure over time: lines (min/max envelopes), dashed limit lines, and events as
/// vertical lines labelled in a band above the plot.
pub fn time_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &TimeFigure,
    target: Target,
) -> DrawResult<DB> {
    root.fill(&BACKGROUND)?;
    let body = body(root);
    if let Some(text) = &fig.message {
        header(root, &fig.title, &[])?;
        return message(&body, text);
    }
    header(root, &fig.title, &legend(fig))?;
    let mut chart = time_chart(&body, fig)?;
    // Events first, so the data is drawn over them.
    let clusters = draw_event_lines(&mut chart, fig)?;
    label_event_clusters(root, &chart, fig, &clusters)?;
    for l in fig.limits.iter().filter(|l| fig.in_view(l)) {
        let (x0, x1) = fig.x_range;
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, l.value), (x1, l.value)],
            10,
            6,
            LIMIT.stroke_width(2),
        ))?;
    }
    for d in &fig.lines {
        for segment in &d.line.segments {
            let path: Vec<(i32, i32)> = envelope_path(segment)
                .iter()
                .map(|p| chart.backend_coord(p))
                .collect();
            data_line(root, path, d.color, d.width, target)?;
        }
    }
    Ok(())
}

/// The plot's axes, grid and tick labels, below the band kept for event labels.
fn time_chart<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    fig: &TimeFigure,
) -> Result<Plot<'a, DB>, DrawError<DB>> {
    let (x0, x1) = fig.x_range;
    let y1 = fig.y_max();
    let mut chart = ChartBuilder::on(body)
        .margin_top(EVENT_ROWS as u32 * EVENT_ROW_HEIGHT + 6)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, 0.0..y1)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(GRID_LIGHT)
        .axis_style(MUTED)
        .x_desc(t!("chart-time-axis"))
        .y_desc(fig.y_desc)
        .label_style(font(TICK_FONT).color(&TEXT))
        .axis_desc_style(font(AXIS_FONT).color(&TEXT))
        .x_labels(12)
        .y_labels(8)
        .max_light_lines(MAX_LIGHT_LINES)
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .draw()?;
    Ok(chart)
}

/// A vertical line per event (one per label and pixel column: a hundred OOM kills in one
/// column are one line), and the clusters of events a few pixels apart ("teardown, exit")
/// that share a label.
fn draw_event_lines<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    fig: &TimeFigure,
) -> Result<Vec<Cluster>, DrawError<DB>> {
    let y1 = fig.y_max();
    let mut lines: HashSet<(&str, i32)> = HashSet::new();
    let mut clusters: Vec<Cluster> = Vec::new();
    for ev in &fig.events {
        let px = chart.backend_coord(&(ev.t, 0.0)).0;
        if !lines.insert((ev.label, px)) {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(ev.t, 0.0), (ev.t, y1)],
            ev.color.mix(EVENT_LINE_ALPHA).stroke_width(1),
        )))?;
        match clusters.last_mut() {
            Some(c) if px - c.px <= EVENT_CLUSTER_PX => {
                if !c.labels.contains(&ev.label) {
                    c.labels.push(ev.label);
                }
                if c.color != ev.color {
                    c.color = TEXT;
                }
            }
            _ => clusters.push(Cluster {
                px,
                labels: vec![ev.label],
                color: ev.color,
            }),
        }
    }
    Ok(clusters)
}

/// One label per cluster, in the first row of the band above the plot that has room;
/// where no row has room, the line goes unlabelled.
fn label_event_clusters<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    fig: &TimeFigure,
    clusters: &[Cluster],
) -> DrawResult<DB> {
    let (x0, x1) = fig.x_range;
    let y1 = fig.y_max();
    let (plot_left, plot_top) = chart.backend_coord(&(x0, y1));
    let plot_right = chart.backend_coord(&(x1, y1)).0;
    let label_font = font(EVENT_FONT);
    let mut row_end = [i32::MIN; EVENT_ROWS];
    for c in clusters {
        let text = c.labels.join(", ");
        let (tw, th) = root.estimate_text_size(&text, &label_font)?;
        let tw = tw as i32;
        let left = if c.px + 3 + tw > plot_right {
            (c.px - 3 - tw).max(plot_left)
        } else {
            c.px + 3
        };
        let Some(row) = (0..EVENT_ROWS).find(|&r| left >= row_end[r] + EVENT_LABEL_GAP) else {
            continue;
        };
        row_end[row] = left + tw;
        let baseline = plot_top - 3 - (row as i32) * EVENT_ROW_HEIGHT as i32;
        root.draw(&PathElement::new(
            vec![(c.px, plot_top), (c.px, baseline - th as i32)],
            c.color.mix(EVENT_LINE_ALPHA).stroke_width(1),
        ))?;
        root.draw(&Text::new(
            text,
            (left, baseline),
            label_font
                .color(&c.color)
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))?;
    }
    Ok(())
}

/// A data line in backend pixels. A lone point between two gaps becomes a dot, since a line
/// needs two ends. On SVG a thick line is one stroke. On the bitmap, plotters draws a thick
/// line as a polygon whose inner corners shoot far past the data at the hairpin turns an
/// envelope is full of (stray pixels below a CPU band that never went there); so there it
/// is drawn with a square brush instead: the 1-pixel line once per pixel of the brush.
pub fn data_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    mut path: Vec<(i32, i32)>,
    color: RGBColor,
    width: u32,
    target: Target,
) -> DrawResult<DB> {
    path.dedup();
    if let [only] = path[..] {
        return root.draw(&Circle::new(only, width.max(2), color.filled()));
    }
    if target == Target::Svg || width <= 1 {
        return root.draw(&PathElement::new(path, color.stroke_width(width)));
    }
    let w = width as i32;
    for dx in 0..w {
        for dy in 0..w {
            let shifted: Vec<(i32, i32)> = path
                .iter()
                .map(|&(x, y)| (x + dx - w / 2, y + dy - w / 2))
                .collect();
            root.draw(&PathElement::new(shifted, color.stroke_width(1)))?;
        }
    }
    Ok(())
}

/// Events within [`EVENT_CLUSTER_PX`] of each other, under one label.
struct Cluster {
    px: i32,
    labels: Vec<&'static str>,
    color: RGBColor,
}

fn legend(fig: &TimeFigure) -> Vec<Entry> {
    let lines = fig.lines.iter().map(|d| {
        if d.line.provided {
            Entry {
                swatch: Swatch::Line(d.color, d.width),
                label: d.label.clone(),
            }
        } else {
            Entry {
                swatch: Swatch::None,
                label: t!("chart-legend-na", label = d.label),
            }
        }
    });
    let limits = fig.limits.iter().map(|l| Entry {
        swatch: Swatch::Dashed(LIMIT),
        label: if fig.in_view(l) {
            l.label.clone()
        } else {
            t!("chart-legend-far-above", label = l.label)
        },
    });
    lines.chain(limits).collect()
}
