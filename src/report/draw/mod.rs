//! The drawing kit every chart of `report/` is drawn with: the results
//! chart ([`super::chart`]), the campaign's stacked chart
//! ([`super::campaign_chart`]) and the full report's timeline and profile
//! ([`super::breakdown`]). It holds what makes them look like one family:
//! the bundled font, text measured and wrapped by width, the title and the
//! footer with their rules, the legend, the bar rows' spacing, the colours,
//! the height check against [`MAX_HEIGHT`], and the [`Scene`] that turns
//! rectangles and text into PNG bytes.
//!
//! All text is drawn with the bundled WenQuanYi Micro Hei font
//! (`assets/fonts/wqy-microhei.ttc`, face 0 of the collection, embedded in the
//! binary with `include_bytes!` and parsed once), so no system font is ever
//! looked up. It covers Latin, Cyrillic and Chinese. Text is rasterized with
//! `ab_glyph` directly rather than through plotters' text API, whose `ab_glyph`
//! path in plotters 0.3.7 ignores glyphs' side bearings (uneven letter
//! spacing); plotters draws the background and the rectangles.

mod scene;
mod text;

use plotters::style::RGBColor;

pub(super) use scene::Scene;
pub(super) use text::{Placed, face, fit, place_lines, text_width};

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// `bars` holds fewer than [`MIN_BARS`] or more than [`MAX_BARS`] options.
    #[error("a chart needs {MIN_BARS} to {MAX_BARS} options, got {0}")]
    BarCount(usize),
    /// An index in `leading` does not point at a bar.
    #[error("leading index {index} is out of range for {bars} bars")]
    LeadingOutOfRange {
        /// The offending index.
        index: usize,
        /// Number of bars.
        bars: usize,
    },
    /// The texts are so long that the image would be taller than
    /// [`MAX_HEIGHT`] pixels (Telegram rejects photos whose width + height
    /// exceed 10000).
    #[error("chart would be {height} px tall, more than the {MAX_HEIGHT} px allowed")]
    TooTall {
        /// The height the chart would need.
        height: u32,
    },
    /// The embedded font could not be parsed (a broken build, not a runtime
    /// condition).
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// Plotters failed while drawing the background or the bars.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// Fewest options a chart accepts.
pub const MIN_BARS: usize = 2;
/// Most options a chart accepts.
pub const MAX_BARS: usize = 12;
/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1200;
/// Tallest chart rendered, in pixels (keeps width + height under Telegram's 10000).
pub const MAX_HEIGHT: u32 = 8800;

pub(super) const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
pub(super) const TITLE_COLOR: RGBColor = RGBColor(17, 24, 39);
pub(super) const LABEL_COLOR: RGBColor = RGBColor(31, 41, 55);
pub(super) const VALUE_COLOR: RGBColor = RGBColor(75, 85, 99);
pub(super) const FOOTER_COLOR: RGBColor = RGBColor(107, 114, 128);
pub(super) const RULE_COLOR: RGBColor = RGBColor(229, 231, 235);

pub(super) const MARGIN_X: i32 = 56;
pub(super) const MARGIN_TOP: i32 = 48;
pub(super) const MARGIN_BOTTOM: i32 = 40;
pub(super) const TITLE_SIZE: f64 = 46.0;
pub(super) const TITLE_LINE: i32 = 60;
pub(super) const LABEL_SIZE: f64 = 32.0;
pub(super) const LABEL_LINE: i32 = 42;
pub(super) const VALUE_SIZE: f64 = 32.0;
pub(super) const FOOTER_SIZE: f64 = 28.0;
pub(super) const FOOTER_LINE: i32 = 38;
pub(super) const LEGEND_SIZE: f64 = 28.0;
pub(super) const LEGEND_LINE: i32 = 40;
/// Space between a rule and the text around it.
pub(super) const RULE_GAP: i32 = 28;

/// Height of an option's bar (results and campaign charts).
pub(super) const BAR_HEIGHT: i32 = 44;
/// Gap between an option's label and its bar.
const LABEL_BAR_GAP: i32 = 8;
/// Gap between one option's bar and the next option's label.
const OPTION_GAP: i32 = 30;
/// Gap between a bar's end and its value text.
const VALUE_GAP: i32 = 16;
/// Shortest bar drawn for a non-zero count, so that it stays visible.
const MIN_BAR: i32 = 6;
/// Gap between a legend swatch and its name.
const SWATCH_GAP: i32 = 10;

/// A filled area as (left, top, right, bottom), right and bottom exclusive.
pub(super) type Rect = (i32, i32, i32, i32);

/// Width of the column between the margins.
pub(super) fn content_width() -> i32 {
    WIDTH as i32 - 2 * MARGIN_X
}

// ---------------------------------------------------------------------------
// The parts every chart has: title, footer, height, legend

/// The title's lines from the top margin, and the y of the rule beneath it.
pub(super) fn place_title(title: &str) -> Result<(Vec<Placed>, i32), ChartError> {
    let mut y = MARGIN_TOP;
    let lines = place_lines(title, TITLE_SIZE, TITLE_LINE, content_width(), &mut y)?;
    Ok((lines, y + RULE_GAP - (TITLE_LINE - TITLE_SIZE as i32) / 2))
}

/// The footer's lines below a rule at `rule_y`, and the height of the image
/// that ends with them (checked against [`MAX_HEIGHT`]).
pub(super) fn place_footer(footer: &str, rule_y: i32) -> Result<(Vec<Placed>, u32), ChartError> {
    let mut y = rule_y + RULE_GAP;
    let lines = place_lines(footer, FOOTER_SIZE, FOOTER_LINE, content_width(), &mut y)?;
    Ok((lines, check_height(y + MARGIN_BOTTOM)?))
}

/// `height` as an image height, if it is at most [`MAX_HEIGHT`].
fn check_height(height: i32) -> Result<u32, ChartError> {
    let height = u32::try_from(height).unwrap_or(u32::MAX);
    if height > MAX_HEIGHT {
        return Err(ChartError::TooTall { height });
    }
    Ok(height)
}

/// How a legend looks: the swatch's side and the space after each item.
pub(super) struct LegendStyle {
    pub(super) swatch: i32,
    pub(super) item_gap: i32,
}

/// A name in a legend and its colour swatch.
pub(super) struct LegendItem {
    pub(super) swatch: Rect,
    pub(super) name: Placed,
}

/// Lays out a swatch and a name per entry, flowing left to right over as
/// many rows as needed from `y`; returns the items and the top of the last
/// row.
pub(super) fn flow_legend(
    names: impl IntoIterator<Item = String>,
    style: &LegendStyle,
    mut y: i32,
) -> Result<(Vec<LegendItem>, i32), ChartError> {
    let right = WIDTH as i32 - MARGIN_X;
    let mut items = Vec::new();
    let mut x = MARGIN_X;
    for name in names {
        let width = style.swatch + SWATCH_GAP + text_width(&name, LEGEND_SIZE)?;
        if x > MARGIN_X && x + width > right {
            x = MARGIN_X;
            y += LEGEND_LINE;
        }
        let swatch_top = y + (LEGEND_LINE - style.swatch) / 2 - 4;
        items.push(LegendItem {
            swatch: (x, swatch_top, x + style.swatch, swatch_top + style.swatch),
            name: Placed::at(name, x + style.swatch + SWATCH_GAP, y, LEGEND_SIZE),
        });
        x += width + style.item_gap;
    }
    Ok((items, y))
}

// ---------------------------------------------------------------------------
// Bar rows: an option's label, its bar and `count · share` beside it

/// Checks a bar chart's number of bars and its leading indexes.
pub(super) fn check_bars(bars: usize, leading: &[usize]) -> Result<(), ChartError> {
    if !(MIN_BARS..=MAX_BARS).contains(&bars) {
        return Err(ChartError::BarCount(bars));
    }
    if let Some(&index) = leading.iter().find(|&&i| i >= bars) {
        return Err(ChartError::LeadingOutOfRange { index, bars });
    }
    Ok(())
}

/// What a bar chart shows of one option, formatted by the caller.
pub(super) struct OptionBar<'a> {
    pub(super) label: &'a str,
    /// The count the bar's length stands for.
    pub(super) count: u64,
    pub(super) count_text: &'a str,
    pub(super) share_text: &'a str,
}

/// One option's row: its label's lines, its bar, and `count · share`
/// right of the bar.
#[derive(Debug, Clone)]
pub(super) struct OptionRow {
    pub(super) label: Vec<Placed>,
    /// The bar's top.
    pub(super) top: i32,
    /// The bar's length; 0 for no votes (no bar is drawn).
    pub(super) length: i32,
    pub(super) value: Placed,
    pub(super) leading: bool,
}

impl OptionRow {
    /// The filled bar, if the option has votes.
    pub(super) fn rect(&self) -> Option<Rect> {
        (self.length > 0).then_some((
            MARGIN_X,
            self.top,
            MARGIN_X + self.length,
            self.top + BAR_HEIGHT,
        ))
    }
}

/// How counts become bar lengths: `max_count` fills `longest` pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct BarScale {
    max_count: u64,
    longest: i32,
}

impl BarScale {
    /// `count`'s exact share of the longest bar (for a part of a bar).
    pub(super) fn scaled(self, count: u64) -> i32 {
        // u128 so that no product of two u64 can overflow.
        (u128::from(count) * self.longest as u128 / u128::from(self.max_count)) as i32
    }

    /// A bar's length: 0 for no votes, else scaled but never under
    /// [`MIN_BAR`].
    pub(super) fn length(self, count: u64) -> i32 {
        if self.max_count == 0 || count == 0 {
            return 0;
        }
        self.scaled(count).max(MIN_BAR)
    }
}

/// The options' rows, one below the other, with their scale and the y of
/// the rule beneath the last.
pub(super) struct OptionRows {
    pub(super) rows: Vec<OptionRow>,
    pub(super) scale: BarScale,
    pub(super) rule_y: i32,
}

/// Lays out a row per bar from `y` down. The longest bar gets what is left
/// once the widest value text fits right of it, but never less than half
/// the content width; the others are scaled to their counts.
pub(super) fn option_rows(
    bars: &[OptionBar],
    leading: &[usize],
    mut y: i32,
) -> Result<OptionRows, ChartError> {
    let values: Vec<String> = bars
        .iter()
        .map(|bar| format!("{} · {}", bar.count_text, bar.share_text))
        .collect();
    let mut widest = 0;
    for value in &values {
        widest = widest.max(text_width(value, VALUE_SIZE)?);
    }
    let content = content_width();
    let scale = BarScale {
        max_count: bars.iter().map(|b| b.count).max().unwrap_or(0),
        longest: (content - VALUE_GAP - widest).max(content / 2),
    };
    let mut rows = Vec::with_capacity(bars.len());
    for (i, (bar, value)) in bars.iter().zip(values).enumerate() {
        let label = place_lines(bar.label, LABEL_SIZE, LABEL_LINE, content, &mut y)?;
        y += LABEL_BAR_GAP;
        let length = scale.length(bar.count);
        rows.push(OptionRow {
            label,
            top: y,
            length,
            value: value_beside(value, length, y),
            leading: leading.contains(&i),
        });
        y += BAR_HEIGHT + OPTION_GAP;
    }
    Ok(OptionRows {
        rows,
        scale,
        rule_y: y + RULE_GAP - OPTION_GAP,
    })
}

/// The value text right of a bar of `length` whose top is `top`, its cap
/// height centred on the bar.
fn value_beside(text: String, length: i32, top: i32) -> Placed {
    Placed {
        text,
        x: MARGIN_X + length + if length > 0 { VALUE_GAP } else { 0 },
        baseline: top + BAR_HEIGHT / 2 + (VALUE_SIZE * 0.36).round() as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_tall_is_an_error() {
        assert_eq!(check_height(MAX_HEIGHT as i32).unwrap(), MAX_HEIGHT);
        assert!(matches!(
            check_height(MAX_HEIGHT as i32 + 1),
            Err(ChartError::TooTall { .. })
        ));
    }
}
