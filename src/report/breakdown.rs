//! The full report's two other charts, drawn with the kit the results
//! chart uses (`report/draw.rs`: the bundled font, its text layout, the
//! title, legend and footer, PNG encoding): the timeline (new voters per bucket, stacked by option) and
//! the profile (each option's voters by another poll's answers, grouped
//! bars). Like the results chart, they take already localized text and do
//! no I/O.

use plotters::style::RGBColor;

use super::draw::{
    ChartError, LABEL_COLOR, LABEL_LINE, LABEL_SIZE, LEGEND_LINE, LEGEND_SIZE, LegendStyle,
    MARGIN_X, MAX_BARS, RULE_COLOR, RULE_GAP, Scene, VALUE_COLOR, WIDTH, content_width, fit,
    flow_legend, place_footer, place_lines, place_title, text_width,
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
/// Marked moments (reminders): a dark slate, apart from every option's
/// colour.
const MARK_COLOR: RGBColor = RGBColor(51, 65, 85);
const SWATCH: i32 = 24;
const LEGEND: LegendStyle = LegendStyle {
    swatch: SWATCH,
    item_gap: 28,
};
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
    /// Moments marked by a line over their bucket, with a label
    /// (reminders sent).
    pub marks: Vec<(usize, String)>,
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

/// Title and rule; returns the y below them.
pub(super) fn title(scene: &mut Scene, title: &str) -> Result<i32, ChartError> {
    let (lines, rule_y) = place_title(title)?;
    scene.title(&lines, rule_y);
    Ok(rule_y + RULE_GAP)
}

/// A colour swatch and name per series, flowing over as many rows as
/// needed; returns the y below them.
pub(super) fn legend(scene: &mut Scene, series: &[String], y: i32) -> Result<i32, ChartError> {
    // A very long name gets a row of its own, cut to fit (the HTML page
    // names every option in full).
    let names = series
        .iter()
        .map(|name| fit(name, LEGEND_SIZE, content_width() - SWATCH - 10))
        .collect::<Result<Vec<_>, _>>()?;
    let (items, last_row) = flow_legend(names, &LEGEND, y)?;
    scene.legend(&items, |i| PALETTE[i % PALETTE.len()]);
    Ok(last_row + LEGEND_LINE + 12)
}

/// Footer rule at `rule_y` and the wrapped footer; returns the image height.
pub(super) fn footer(scene: &mut Scene, footer: &str, rule_y: i32) -> Result<u32, ChartError> {
    let (lines, height) = place_footer(footer, rule_y)?;
    scene.footer(&lines, rule_y);
    Ok(height)
}

pub(super) fn check_series(count: usize) -> Result<(), ChartError> {
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
    let plot = Plot::new(&input.buckets, y)?;
    plot.grid(&mut scene)?;
    plot.bars(&mut scene, &input.buckets);
    plot.marks(&mut scene, &input.marks)?;
    plot.labels(&mut scene, &input.labels)?;
    if plot.max == 0 {
        plot.note(&mut scene, &input.empty_note)?;
    }
    let y = plot.bottom + 10 + SMALL_SIZE as i32 + RULE_GAP;
    let height = footer(&mut scene, &input.footer, y)?;
    scene.render(height)
}

/// The timeline's plot area and its vertical scale.
struct Plot {
    /// The largest bucket's count.
    max: u64,
    /// The grid's step and the value at the top of the plot.
    step: u64,
    top_value: u64,
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// Width of one bucket's slot.
    slot: f64,
}

impl Plot {
    /// The plot below `y`, left of it room for the count axis.
    fn new(buckets: &[Vec<u64>], y: i32) -> Result<Self, ChartError> {
        let max = buckets
            .iter()
            .map(|b| b.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let step = grid_step(max);
        let top_value = max.div_ceil(step).max(1) * step;
        let left = MARGIN_X + text_width(&top_value.to_string(), SMALL_SIZE)? + AXIS_GAP;
        let right = WIDTH as i32 - MARGIN_X;
        Ok(Plot {
            max,
            step,
            top_value,
            left,
            right,
            top: y + 16,
            bottom: y + 16 + PLOT_HEIGHT,
            slot: f64::from(right - left) / buckets.len() as f64,
        })
    }

    fn width(&self) -> i32 {
        self.right - self.left
    }

    /// Height in pixels of `value` voters.
    fn scale(&self, value: u64) -> i32 {
        (value as f64 * f64::from(PLOT_HEIGHT) / self.top_value as f64).round() as i32
    }

    /// A grid line and its count every `step`.
    fn grid(&self, scene: &mut Scene) -> Result<(), ChartError> {
        let mut value = 0;
        while value <= self.top_value {
            let gy = self.bottom - self.scale(value);
            scene.rect((self.left, gy, self.right, gy + 1), RULE_COLOR);
            let text = value.to_string();
            let x = self.left - AXIS_GAP - text_width(&text, SMALL_SIZE)?;
            let top = gy - (SMALL_SIZE * 0.5) as i32;
            scene.text_at(text, (x, top), SMALL_SIZE, VALUE_COLOR);
            value += self.step;
        }
        Ok(())
    }

    /// A bar per bucket, its series stacked from the bottom, and the axis.
    fn bars(&self, scene: &mut Scene, buckets: &[Vec<u64>]) {
        let bar = ((self.slot * 0.72).round() as i32).max(1);
        for (i, counts) in buckets.iter().enumerate() {
            let offset = self.slot * i as f64 + (self.slot - f64::from(bar)) / 2.0;
            let left = self.left + offset.round() as i32;
            let mut below = 0;
            for (s, &count) in counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let bottom = self.bottom - self.scale(below);
                let top = self.bottom - self.scale(below + count);
                below += count;
                if top < bottom {
                    scene.rect((left, top, left + bar, bottom), PALETTE[s % PALETTE.len()]);
                }
            }
        }
        scene.rect(
            (self.left, self.bottom, self.right, self.bottom + 2),
            LABEL_COLOR,
        );
    }

    /// A line from the top of the plot to its axis over each marked bucket,
    /// its label beside the line's top.
    fn marks(&self, scene: &mut Scene, marks: &[(usize, String)]) -> Result<(), ChartError> {
        for (bucket, label) in marks {
            let centre = self.left + (self.slot * (*bucket as f64 + 0.5)).round() as i32;
            scene.rect((centre - 1, self.top, centre + 1, self.bottom), MARK_COLOR);
            let width = text_width(label, SMALL_SIZE)?;
            let x = (centre + 6).min(self.right - width);
            scene.text_at(label.clone(), (x, self.top), SMALL_SIZE, MARK_COLOR);
        }
        Ok(())
    }

    /// As many bucket labels as fit without overlapping, under their bars.
    fn labels(&self, scene: &mut Scene, labels: &[String]) -> Result<(), ChartError> {
        let mut widest = 0;
        for label in labels {
            widest = widest.max(text_width(label, SMALL_SIZE)?);
        }
        let every = ((f64::from(widest + 16) / self.slot).ceil() as usize).max(1);
        for (i, label) in labels.iter().enumerate().step_by(every) {
            let centre = self.left + (self.slot * (i as f64 + 0.5)).round() as i32;
            let width = text_width(label, SMALL_SIZE)?;
            let x = (centre - width / 2).clamp(MARGIN_X, self.right - width);
            let top = self.bottom + 10;
            scene.text_at(label.clone(), (x, top), SMALL_SIZE, VALUE_COLOR);
        }
        Ok(())
    }

    /// `note` in the middle of an empty plot.
    fn note(&self, scene: &mut Scene, note: &str) -> Result<(), ChartError> {
        let width = text_width(note, LABEL_SIZE)?.min(self.width());
        let text = fit(note, LABEL_SIZE, self.width())?;
        let x = self.left + (self.width() - width) / 2;
        let top = self.top + PLOT_HEIGHT / 2 - 40;
        scene.text_at(text, (x, top), LABEL_SIZE, LABEL_COLOR);
        Ok(())
    }
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
        profile_group(&mut scene, group, max_bar, &mut y)?;
    }
    let height = footer(&mut scene, &input.footer, y + RULE_GAP - GROUP_GAP)?;
    scene.render(height)
}

/// One group of the profile from `*y` down: its label, then a bar and its
/// text per series.
fn profile_group(
    scene: &mut Scene,
    group: &ProfileGroup,
    max_bar: i32,
    y: &mut i32,
) -> Result<(), ChartError> {
    let label = place_lines(&group.label, LABEL_SIZE, LABEL_LINE, content_width(), y)?;
    scene.lines(&label, LABEL_SIZE, LABEL_COLOR);
    *y += 4;
    for (s, bar) in group.bars.iter().enumerate() {
        let length = bar.share.map_or(0, |share| {
            let length = (f64::from(share.min(1000)) / 1000.0 * f64::from(max_bar)).round() as i32;
            if share > 0 { length.max(3) } else { 0 }
        });
        if length > 0 {
            scene.rect(
                (MARGIN_X, *y, MARGIN_X + length, *y + GROUP_BAR),
                PALETTE[s % PALETTE.len()],
            );
        }
        let x = MARGIN_X + length + if length > 0 { 12 } else { 0 };
        let top = *y + (GROUP_BAR - SMALL_SIZE as i32) / 2 - 2;
        scene.text_at(bar.text.clone(), (x, top), SMALL_SIZE, VALUE_COLOR);
        *y += GROUP_BAR + GROUP_BAR_GAP;
    }
    *y += GROUP_GAP;
    Ok(())
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
            marks: Vec::new(),
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
