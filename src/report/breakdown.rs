//! The full report's two other charts, drawn with the pieces of
//! [`chart`](super::chart) (the bundled font, its text layout and PNG
//! encoding): the timeline (new voters per bucket, stacked by option) and
//! the profile (each option's voters by another poll's answers, grouped
//! bars). Like the results chart, they take already localized text and do
//! no I/O.

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::chart::{
    BACKGROUND, Canvas, ChartError, FOOTER_COLOR, FOOTER_LINE, FOOTER_SIZE, LABEL_COLOR,
    LABEL_LINE, LABEL_SIZE, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MAX_BARS, MAX_HEIGHT, Placed,
    RULE_COLOR, RULE_GAP, TITLE_COLOR, TITLE_LINE, TITLE_SIZE, VALUE_COLOR, WIDTH, baseline_for,
    draw_err, encode_png, face, place_lines, text_width,
};

/// One colour per series (option), distinct for up to twelve.
pub const PALETTE: [RGBColor; MAX_BARS] = [
    RGBColor(37, 99, 235),
    RGBColor(245, 158, 11),
    RGBColor(16, 185, 129),
    RGBColor(239, 68, 68),
    RGBColor(139, 92, 246),
    RGBColor(6, 182, 212),
    RGBColor(236, 72, 153),
    RGBColor(132, 204, 22),
    RGBColor(249, 115, 22),
    RGBColor(100, 116, 139),
    RGBColor(20, 184, 166),
    RGBColor(120, 53, 15),
];

const SMALL_SIZE: f64 = 24.0;
const LEGEND_SIZE: f64 = 28.0;
const LEGEND_LINE: i32 = 40;
const SWATCH: i32 = 24;
const PLOT_HEIGHT: i32 = 440;
const AXIS_GAP: i32 = 12;
const GROUP_BAR: i32 = 28;
const GROUP_BAR_GAP: i32 = 6;
const GROUP_GAP: i32 = 28;

/// The timeline chart's contents, localized by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineInput {
    pub title: String,
    /// The options, in poll order: one colour each.
    pub series: Vec<String>,
    /// Per bucket, per series: new voters.
    pub buckets: Vec<Vec<u64>>,
    /// One label per bucket (`14 Mar`, `09:00`); the chart shows as many as
    /// fit without overlapping.
    pub labels: Vec<String>,
    pub footer: String,
    /// Shown in the plot when no bucket has a voter (an anonymous poll).
    pub empty_note: String,
}

/// The profile chart's contents, localized by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInput {
    pub title: String,
    /// The other poll's answers: one colour each, one bar per group.
    pub series: Vec<String>,
    /// One group per option of this poll.
    pub groups: Vec<ProfileGroup>,
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileGroup {
    pub label: String,
    /// One per series.
    pub bars: Vec<ProfileBar>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileBar {
    /// The share of the group in tenths of a percent; `None` for a hidden
    /// small cell (no bar is drawn).
    pub share: Option<u32>,
    /// Shown right of the bar: `35.2% (120)` or `<5`.
    pub text: String,
}

/// What a chart is made of: filled rectangles, then text over them.
#[derive(Default)]
struct Scene {
    /// (left, top, right, bottom) exclusive, and colour.
    rects: Vec<((i32, i32, i32, i32), RGBColor)>,
    texts: Vec<(Placed, f64, RGBColor)>,
}

impl Scene {
    fn rect(&mut self, area: (i32, i32, i32, i32), color: RGBColor) {
        self.rects.push((area, color));
    }

    fn text(&mut self, text: impl Into<String>, x: i32, top: i32, size: f64, color: RGBColor) {
        let placed = Placed {
            text: text.into(),
            x,
            baseline: baseline_for(top, size),
        };
        self.texts.push((placed, size, color));
    }

    fn lines(&mut self, lines: Vec<Placed>, size: f64, color: RGBColor) {
        self.texts
            .extend(lines.into_iter().map(|line| (line, size, color)));
    }

    /// A full-width rule at `y`.
    fn rule(&mut self, y: i32) {
        self.rect((MARGIN_X, y, WIDTH as i32 - MARGIN_X, y + 2), RULE_COLOR);
    }

    fn render(self, height: i32) -> Result<Vec<u8>, ChartError> {
        let height = u32::try_from(height).unwrap_or(u32::MAX);
        if height > MAX_HEIGHT {
            return Err(ChartError::TooTall { height });
        }
        let font = face()?;
        let mut rgb = vec![255u8; WIDTH as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
            root.fill(&BACKGROUND).map_err(draw_err)?;
            for ((l, t, r, b), color) in &self.rects {
                root.draw(&Rectangle::new([(*l, *t), (*r, *b)], color.filled()))
                    .map_err(draw_err)?;
            }
            root.present().map_err(draw_err)?;
        }
        let mut canvas = Canvas {
            rgb: &mut rgb,
            width: WIDTH as i32,
            height: height as i32,
        };
        for (placed, size, color) in &self.texts {
            canvas.text(font, placed, *size, *color);
        }
        encode_png(&rgb, WIDTH, height)
    }
}

fn content_width() -> i32 {
    WIDTH as i32 - 2 * MARGIN_X
}

/// Title and rule; returns the y below them.
fn title(scene: &mut Scene, title: &str) -> Result<i32, ChartError> {
    let mut y = MARGIN_TOP;
    let lines = place_lines(title, TITLE_SIZE, TITLE_LINE, content_width(), &mut y)?;
    // Bold, as on the results chart: drawn twice a pixel apart.
    let shifted: Vec<Placed> = lines
        .iter()
        .map(|p| Placed {
            x: p.x + 1,
            ..p.clone()
        })
        .collect();
    scene.lines(lines, TITLE_SIZE, TITLE_COLOR);
    scene.lines(shifted, TITLE_SIZE, TITLE_COLOR);
    y += RULE_GAP - (TITLE_LINE - TITLE_SIZE as i32) / 2;
    scene.rule(y);
    Ok(y + RULE_GAP)
}

/// A colour swatch and name per series, flowing over as many rows as
/// needed; returns the y below them.
fn legend(scene: &mut Scene, series: &[String], mut y: i32) -> Result<i32, ChartError> {
    let right = WIDTH as i32 - MARGIN_X;
    let mut x = MARGIN_X;
    for (i, name) in series.iter().enumerate() {
        // A very long name gets a row of its own, cut to fit (the HTML page
        // names every option in full).
        let name = fit(name, LEGEND_SIZE, content_width() - SWATCH - 10)?;
        let width = SWATCH + 10 + text_width(&name, LEGEND_SIZE)?;
        if x > MARGIN_X && x + width > right {
            x = MARGIN_X;
            y += LEGEND_LINE;
        }
        let swatch_top = y + (LEGEND_LINE - SWATCH) / 2 - 4;
        scene.rect(
            (x, swatch_top, x + SWATCH, swatch_top + SWATCH),
            PALETTE[i % PALETTE.len()],
        );
        scene.text(name, x + SWATCH + 10, y, LEGEND_SIZE, LABEL_COLOR);
        x += width + 28;
    }
    Ok(y + LEGEND_LINE + 12)
}

/// `text` cut by characters, with an ellipsis, to at most `width` pixels.
fn fit(text: &str, size: f64, width: i32) -> Result<String, ChartError> {
    if text_width(text, size)? <= width {
        return Ok(text.to_owned());
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && text_width(&format!("{cut}…"), size)? > width {
        cut.pop();
    }
    Ok(format!("{}…", cut.trim_end()))
}

/// Footer rule and wrapped footer; returns the image height.
fn footer(scene: &mut Scene, footer: &str, mut y: i32) -> Result<i32, ChartError> {
    scene.rule(y);
    y += RULE_GAP;
    let lines = place_lines(footer, FOOTER_SIZE, FOOTER_LINE, content_width(), &mut y)?;
    scene.lines(lines, FOOTER_SIZE, FOOTER_COLOR);
    Ok(y + MARGIN_BOTTOM)
}

fn check_series(count: usize) -> Result<(), ChartError> {
    if !(1..=MAX_BARS).contains(&count) {
        return Err(ChartError::BarCount(count));
    }
    Ok(())
}

/// A round step for `max` over about four grid lines: 1, 2 or 5 times a
/// power of ten.
fn grid_step(max: u64) -> u64 {
    let rough = max.div_ceil(4).max(1);
    let mut power = 1u64;
    loop {
        for m in [1, 2, 5] {
            if power * m >= rough {
                return power * m;
            }
        }
        power *= 10;
    }
}

/// Renders the timeline: one stacked bar per bucket, series in order from
/// the bottom, a count axis on the left and as many bucket labels as fit.
pub fn render_timeline_png(input: &TimelineInput) -> Result<Vec<u8>, ChartError> {
    check_series(input.series.len())?;
    if input.buckets.is_empty()
        || input.labels.len() != input.buckets.len()
        || input.buckets.iter().any(|b| b.len() != input.series.len())
    {
        return Err(ChartError::Draw(format!(
            "a timeline needs one label and {} counts per bucket",
            input.series.len()
        )));
    }
    let mut scene = Scene::default();
    let y = title(&mut scene, &input.title)?;
    let y = legend(&mut scene, &input.series, y)?;

    let totals: Vec<u64> = input.buckets.iter().map(|b| b.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let step = grid_step(max);
    let top_value = max.div_ceil(step).max(1) * step;
    let axis_width = text_width(&top_value.to_string(), SMALL_SIZE)?;
    let plot_left = MARGIN_X + axis_width + AXIS_GAP;
    let plot_right = WIDTH as i32 - MARGIN_X;
    let plot_top = y + 16;
    let plot_bottom = plot_top + PLOT_HEIGHT;
    let plot_width = plot_right - plot_left;
    let scale =
        |value: u64| (value as f64 * f64::from(PLOT_HEIGHT) / top_value as f64).round() as i32;

    let mut value = 0;
    while value <= top_value {
        let gy = plot_bottom - scale(value);
        scene.rect((plot_left, gy, plot_right, gy + 1), RULE_COLOR);
        let text = value.to_string();
        let x = plot_left - AXIS_GAP - text_width(&text, SMALL_SIZE)?;
        scene.text(
            text,
            x,
            gy - (SMALL_SIZE * 0.5) as i32,
            SMALL_SIZE,
            VALUE_COLOR,
        );
        value += step;
    }

    let n = input.buckets.len();
    let slot = f64::from(plot_width) / n as f64;
    let bar = ((slot * 0.72).round() as i32).max(1);
    for (i, counts) in input.buckets.iter().enumerate() {
        let left = plot_left + (slot * i as f64 + (slot - f64::from(bar)) / 2.0).round() as i32;
        let mut below = 0;
        for (s, &count) in counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let (bottom, top) = (
                plot_bottom - scale(below),
                plot_bottom - scale(below + count),
            );
            below += count;
            if top < bottom {
                scene.rect((left, top, left + bar, bottom), PALETTE[s % PALETTE.len()]);
            }
        }
    }
    scene.rect(
        (plot_left, plot_bottom, plot_right, plot_bottom + 2),
        LABEL_COLOR,
    );

    let mut widest = 0;
    for label in &input.labels {
        widest = widest.max(text_width(label, SMALL_SIZE)?);
    }
    let every = ((f64::from(widest + 16) / slot).ceil() as usize).max(1);
    for (i, label) in input.labels.iter().enumerate().step_by(every) {
        let centre = plot_left + (slot * (i as f64 + 0.5)).round() as i32;
        let width = text_width(label, SMALL_SIZE)?;
        let x = (centre - width / 2).clamp(MARGIN_X, plot_right - width);
        scene.text(label.clone(), x, plot_bottom + 10, SMALL_SIZE, VALUE_COLOR);
    }
    if max == 0 {
        let width = text_width(&input.empty_note, LABEL_SIZE)?.min(plot_width);
        let note = fit(&input.empty_note, LABEL_SIZE, plot_width)?;
        let x = plot_left + (plot_width - width) / 2;
        scene.text(
            note,
            x,
            plot_top + PLOT_HEIGHT / 2 - 40,
            LABEL_SIZE,
            LABEL_COLOR,
        );
    }
    let y = plot_bottom + 10 + SMALL_SIZE as i32 + RULE_GAP;
    let height = footer(&mut scene, &input.footer, y)?;
    scene.render(height)
}

/// Renders the profile: per group (an option of this poll) its label and one
/// bar per series (an answer of the other poll), as long as its share of the
/// group; hidden small cells get no bar, only their text.
pub fn render_profile_png(input: &ProfileInput) -> Result<Vec<u8>, ChartError> {
    check_series(input.series.len())?;
    if input.groups.is_empty()
        || input.groups.len() > MAX_BARS
        || input
            .groups
            .iter()
            .any(|g| g.bars.len() != input.series.len())
    {
        return Err(ChartError::Draw(format!(
            "a profile needs 1 to {MAX_BARS} groups of {} bars",
            input.series.len()
        )));
    }
    let mut scene = Scene::default();
    let y = title(&mut scene, &input.title)?;
    let mut y = legend(&mut scene, &input.series, y)? + 8;
    let mut widest = 0;
    for group in &input.groups {
        for bar in &group.bars {
            widest = widest.max(text_width(&bar.text, SMALL_SIZE)?);
        }
    }
    let max_bar = (content_width() - 12 - widest).max(content_width() / 2);
    for group in &input.groups {
        let label = place_lines(
            &group.label,
            LABEL_SIZE,
            LABEL_LINE,
            content_width(),
            &mut y,
        )?;
        scene.lines(label, LABEL_SIZE, LABEL_COLOR);
        y += 4;
        for (s, bar) in group.bars.iter().enumerate() {
            let length = bar.share.map_or(0, |share| {
                let length =
                    (f64::from(share.min(1000)) / 1000.0 * f64::from(max_bar)).round() as i32;
                if share > 0 { length.max(3) } else { 0 }
            });
            if length > 0 {
                scene.rect(
                    (MARGIN_X, y, MARGIN_X + length, y + GROUP_BAR),
                    PALETTE[s % PALETTE.len()],
                );
            }
            let x = MARGIN_X + length + if length > 0 { 12 } else { 0 };
            scene.text(
                bar.text.clone(),
                x,
                y + (GROUP_BAR - SMALL_SIZE as i32) / 2 - 2,
                SMALL_SIZE,
                VALUE_COLOR,
            );
            y += GROUP_BAR + GROUP_BAR_GAP;
        }
        y += GROUP_GAP;
    }
    let height = footer(&mut scene, &input.footer, y + RULE_GAP - GROUP_GAP)?;
    scene.render(height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(bytes);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn pixels_of(img: &(u32, u32, Vec<u8>), c: RGBColor) -> usize {
        img.2.chunks(3).filter(|p| p == &[c.0, c.1, c.2]).count()
    }

    fn timeline(buckets: Vec<Vec<u64>>) -> TimelineInput {
        TimelineInput {
            title: "#1 新投票者 · New voters per day".into(),
            series: vec!["Energy".into(), "Trade".into()],
            labels: (0..buckets.len())
                .map(|i| format!("{} Mar", 14 + i))
                .collect(),
            buckets,
            footer: "1,601 voters".into(),
            empty_note: "No voter times are known.".into(),
        }
    }

    #[test]
    fn grid_steps_are_round() {
        assert_eq!(grid_step(0), 1);
        assert_eq!(grid_step(3), 1);
        assert_eq!(grid_step(7), 2);
        assert_eq!(grid_step(17), 5);
        assert_eq!(grid_step(170), 50);
        assert_eq!(grid_step(400), 100);
        assert_eq!(grid_step(401), 200);
    }

    #[test]
    fn stacked_bars_are_as_tall_as_their_counts() {
        // One bucket of 30 + 10, one of 0 + 20: the first series' colour
        // covers three times the second series' in the first bar.
        let img = decode(&render_timeline_png(&timeline(vec![vec![30, 10], vec![0, 20]])).unwrap());
        assert_eq!(img.0, WIDTH);
        let first = pixels_of(&img, PALETTE[0]);
        let second = pixels_of(&img, PALETTE[1]);
        // Legend swatches are SWATCH² each; bars hold the rest. Bar 1 has
        // 30 units of the first colour, bars 1 and 2 have 30 units of the
        // second together.
        let swatch = (SWATCH * SWATCH) as usize;
        let (first, second) = (first - swatch, second - swatch);
        assert!(first > 1000);
        let ratio = first as f64 / second as f64;
        assert!((ratio - 1.0).abs() < 0.05, "ratio {ratio}");
    }

    #[test]
    fn an_empty_timeline_renders_its_note_and_no_bars() {
        let img = decode(&render_timeline_png(&timeline(vec![vec![0, 0]; 3])).unwrap());
        let swatch = (SWATCH * SWATCH) as usize;
        assert_eq!(pixels_of(&img, PALETTE[0]), swatch);
        assert_eq!(pixels_of(&img, PALETTE[1]), swatch);
    }

    #[test]
    fn mismatched_timelines_are_errors() {
        let mut input = timeline(vec![vec![1, 2]]);
        input.labels.clear();
        assert!(render_timeline_png(&input).is_err());
        assert!(render_timeline_png(&timeline(vec![vec![1]])).is_err());
        assert!(render_timeline_png(&timeline(vec![])).is_err());
    }

    #[test]
    fn hidden_cells_get_no_bar() {
        let bar = |share: Option<u32>, text: &str| ProfileBar {
            share,
            text: text.into(),
        };
        let input = ProfileInput {
            title: "Profile".into(),
            series: vec!["18–29".into(), "30+".into()],
            groups: vec![ProfileGroup {
                label: "Energy".into(),
                bars: vec![bar(Some(1000), "100.0% (12)"), bar(None, "<5")],
            }],
            footer: "12 voters answered both".into(),
        };
        let img = decode(&render_profile_png(&input).unwrap());
        let swatch = (SWATCH * SWATCH) as usize;
        assert!(pixels_of(&img, PALETTE[0]) > swatch + 1000);
        assert_eq!(pixels_of(&img, PALETTE[1]), swatch);
    }
}
