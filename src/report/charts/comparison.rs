//! The comparison chart of a sweep: one row per cell, one panel per metric (each with its
//! own scale, since tasks and milliseconds share none), bars with their values written at
//! the end, and "n/a" where a cell's run did not provide the value.

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::draw::{self, Entry, Swatch, font};
use super::*;
use crate::report::summary::group;
use crate::t;

/// What the panels show: metric, panel caption (a message id), bar colour, whether the value
/// is a count.
const PANELS: [(&str, &str, RGBColor, bool); 3] = [
    ("pids.peak", "chart-panel-peak", BLUE, true),
    (
        "pids.time_to_limit_ms",
        "chart-panel-time-to-limit",
        ORANGE,
        false,
    ),
    ("host.fork_p99_ms", "chart-panel-host-fork", GREEN, false),
];
const PANEL_CAPTION_FONT: u32 = 15;
const PANEL_X_LABEL_AREA: u32 = 34;
const PANEL_GAP: u32 = 10;
/// Room right of the longest bar for its value, as a fraction of it.
const VALUE_ROOM: f64 = 0.35;
/// Share of a row's height a bar fills.
const BAR: f64 = 0.56;
/// Fewer cells than this still get rows this tall, so two cells are not two slabs.
const MIN_ROWS: usize = 5;
/// Widest the cell-label column may get, as a share of the chart.
const LABEL_COLUMN_MAX: f64 = 0.3;

pub struct Comparison {
    pub title: String,
    rows: Vec<Row>,
}

struct Row {
    label: String,
    values: [Option<f64>; 3],
    /// The pids limit the cell ran under, marked in the peak panel.
    pids_limit: Option<f64>,
}

impl Comparison {
    pub fn of(cells: &[(String, &Summary)]) -> Comparison {
        let rows = cells
            .iter()
            .map(|(label, s)| {
                let m = |name: &str| {
                    s.metrics
                        .get(name)
                        .copied()
                        .flatten()
                        .filter(|v| v.is_finite())
                };
                Row {
                    label: label.clone(),
                    values: PANELS.map(|(name, ..)| m(name)),
                    pids_limit: m("pids.limit"),
                }
            })
            .collect();
        Comparison {
            title: t!(
                "chart-comparison-title",
                runs = crate::i18n::count(cells.len()).ungrouped()
            ),
            rows,
        }
    }

    fn panel_max(&self, i: usize) -> f64 {
        let values = self.rows.iter().filter_map(|r| r.values[i]);
        let limits = self.rows.iter().filter_map(|r| r.pids_limit);
        let max = if i == 0 {
            values.chain(limits).fold(0.0, f64::max)
        } else {
            values.fold(0.0, f64::max)
        };
        if max > 0.0 {
            max * (1.0 + VALUE_ROOM)
        } else {
            1.0
        }
    }
}

impl Figure for Comparison {
    fn name(&self) -> &'static str {
        "comparison"
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, _: Target) -> DrawResult<DB> {
        root.fill(&BACKGROUND)?;
        let body = draw::body(root);
        if self.rows.is_empty() {
            draw::header(root, &self.title, &[])?;
            return draw::message(&body, &t!("chart-no-runs"));
        }
        draw::header(
            root,
            &self.title,
            &[
                Entry {
                    swatch: Swatch::Tick(TEXT),
                    label: t!("chart-comparison-limit"),
                },
                Entry {
                    swatch: Swatch::None,
                    label: t!("chart-comparison-na"),
                },
            ],
        )?;

        let (labels, column) = self.row_labels(&body)?;
        let (_, panels) = body.split_horizontally(column + PANEL_GAP);
        for (p, panel) in panels.split_evenly((1, PANELS.len())).iter().enumerate() {
            self.draw_panel(root, &panel.margin(0, 0, 0, PANEL_GAP), p, &labels, column)?;
        }
        Ok(())
    }
}

impl Comparison {
    /// Each row's label, shortened to fit its column, and the column's width.
    fn row_labels<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
    ) -> Result<(Vec<String>, u32), DrawError<DB>> {
        let label_font = font(LEGEND_FONT);
        let (body_w, _) = body.dim_in_pixel();
        let widest = (body_w as f64 * LABEL_COLUMN_MAX) as u32;
        let mut labels = Vec::with_capacity(self.rows.len());
        let mut column = 0;
        for r in &self.rows {
            let label = fit(body, &r.label, &label_font, widest)?;
            column = column.max(body.estimate_text_size(&label, &label_font)?.0);
            labels.push(label);
        }
        Ok((labels, column))
    }

    /// Panel `p`: its axis, a bar per row with its value written at the end (or "n/a"), the
    /// pids limit marked in the first panel, and the rows' labels left of the first panel.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        panel: &DrawingArea<DB, Shift>,
        p: usize,
        labels: &[String],
        column: u32,
    ) -> DrawResult<DB> {
        let (_, _, color, count) = PANELS[p];
        let n = self.rows.len().max(MIN_ROWS) as f64;
        // Row i (the first cell on top) spans y in [n - i - 1, n - i].
        let centre = |i: usize| n - i as f64 - 0.5;
        let label_font = font(LEGEND_FONT);
        let value_font = font(VALUE_FONT);
        let mut chart = self.panel_chart(panel, p, n)?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = centre(i);
            if p == 0 {
                let (_, py) = chart.backend_coord(&(0.0, y));
                root.draw(&Text::new(
                    labels[i].clone(),
                    (MARGIN as i32 + column as i32, py),
                    label_font
                        .color(&TEXT)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
            }
            let (text, at, text_color) = match r.values[p] {
                Some(v) => {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - BAR / 2.0), (v, y + BAR / 2.0)],
                        color.filled(),
                    )))?;
                    let text = if count {
                        group(v)
                    } else {
                        format!("{} ms", number(v))
                    };
                    (text, v, TEXT)
                }
                None => (t!("sweep-na"), 0.0, MUTED),
            };
            if p == 0
                && let Some(limit) = r.pids_limit
            {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(limit, y - 0.45), (limit, y + 0.45)],
                    TEXT.stroke_width(3),
                )))?;
            }
            let (px, py) = chart.backend_coord(&(at, y));
            root.draw(&Text::new(
                text,
                (px + 5, py),
                value_font
                    .color(&text_color)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        Ok(())
    }

    /// Panel `p`'s plot of `n` rows: its caption and value axis, no horizontal grid.
    fn panel_chart<'a, DB: DrawingBackend>(
        &self,
        panel: &'a DrawingArea<DB, Shift>,
        p: usize,
        n: f64,
    ) -> Result<Plot<'a, DB>, DrawError<DB>> {
        let caption = crate::i18n::tr(PANELS[p].1, &[]);
        let mut chart = ChartBuilder::on(panel)
            .caption(caption, font(PANEL_CAPTION_FONT).color(&TEXT))
            .x_label_area_size(PANEL_X_LABEL_AREA)
            .margin_right(PANEL_GAP)
            .build_cartesian_2d(0.0..self.panel_max(p), 0.0..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(5)
            .max_light_lines(MAX_LIGHT_LINES)
            .bold_line_style(GRID)
            .light_line_style(GRID_LIGHT)
            .axis_style(MUTED)
            .label_style(font(TICK_FONT).color(&TEXT))
            .x_label_formatter(&|v| number(*v))
            .draw()?;
        Ok(chart)
    }
}

/// `text`, shortened with an ellipsis until it is at most `width` pixels wide.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    width: u32,
) -> Result<String, DrawingAreaErrorKind<DB::ErrorType>> {
    if area.estimate_text_size(text, font)?.0 <= width {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().chain(['…'].iter()).collect();
        if area.estimate_text_size(&s, font)?.0 <= width {
            return Ok(s);
        }
    }
    Ok("…".into())
}
