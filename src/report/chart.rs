//! Horizontal bar chart of a poll's results, rendered to PNG bytes in memory.
//!
//! The chart is meant to be read on a phone: a large wrapped title, one bar per
//! option in poll order (label above the bar, `count · share` right of it), the
//! leading option(s) in a strong colour and the others muted, and a footer line.
//!
//! All text is drawn with the bundled WenQuanYi Micro Hei font
//! (`assets/fonts/wqy-microhei.ttc`, face 0 of the collection, embedded in the
//! binary with `include_bytes!` and parsed once), so no system font is ever
//! looked up. It covers Latin, Cyrillic and Chinese. Text is rasterized with
//! `ab_glyph` directly rather than through plotters' text API, whose `ab_glyph`
//! path in plotters 0.3.7 ignores glyphs' side bearings (uneven letter
//! spacing); plotters draws the background and the bars.
//!
//! Everything shown is localized and formatted by the caller; this module does
//! no I/O and knows nothing of Telegram or the database.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters::style::RGBColor;

/// One bar of the chart: an option of the poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartBar {
    /// The option's text as shown to voters (up to ~100 characters, any script);
    /// wrapped over as many lines as it needs, never cut.
    pub label: String,
    /// Number of votes; only used to scale the bar's length (relative to the
    /// largest count). The text shown for it is `count_text`.
    pub count: u64,
    /// The vote count as the caller formats it, e.g. `"1,601"`; shown right of
    /// the bar as `"{count_text} · {share_text}"`.
    pub count_text: String,
    /// The option's share of the votes, formatted by the caller, e.g. `"42.0%"`.
    pub share_text: String,
}

/// Everything the chart shows, already localized and formatted by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartInput {
    /// The full question, e.g. `"#3 In which area should the two countries
    /// deepen cooperation?"`. Wrapped across lines by measured width (by
    /// character where a word does not fit, as for Chinese); never cut.
    pub title: String,
    /// The options, in poll order; between 2 and 12 of them.
    pub bars: Vec<ChartBar>,
    /// Indexes into `bars` of the leading option(s), drawn in the highlight
    /// colour; empty when all counts are 0.
    pub leading: Vec<usize>,
    /// One line beneath the chart, e.g. `"1,601 voters · 14 Mar 2024 – 28 Mar 2024"`
    /// (wrapped if it is too long).
    pub footer: String,
}

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

/// The bundled font: WenQuanYi Micro Hei (a TrueType collection; face 0 is used).
static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/wqy-microhei.ttc"
));

pub(super) const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
/// Fill of the leading option's bar.
const HIGHLIGHT: RGBColor = RGBColor(37, 99, 235);
/// Fill of the other bars.
const MUTED: RGBColor = RGBColor(178, 188, 203);
pub(super) const TITLE_COLOR: RGBColor = RGBColor(17, 24, 39);
pub(super) const LABEL_COLOR: RGBColor = RGBColor(31, 41, 55);
pub(super) const VALUE_COLOR: RGBColor = RGBColor(75, 85, 99);
const LEADING_VALUE_COLOR: RGBColor = RGBColor(29, 64, 175);
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
const BAR_HEIGHT: i32 = 44;
/// Gap between an option's label and its bar.
const LABEL_BAR_GAP: i32 = 8;
/// Gap between one option's bar and the next option's label.
const OPTION_GAP: i32 = 30;
/// Gap between a bar's end and its value text.
const VALUE_GAP: i32 = 16;
/// Shortest bar drawn for a non-zero count, so that it stays visible.
const MIN_BAR: i32 = 6;
/// Space between a rule and the text around it.
pub(super) const RULE_GAP: i32 = 28;
/// Distance from the top of a line box to the baseline, as a share of the font size.
pub(super) const ASCENT: f64 = 0.82;

/// The embedded font, parsed once (thread-safe); `None` if it does not parse.
pub(super) fn face() -> Result<&'static FontRef<'static>, ChartError> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice_and_index(FONT_BYTES, 0).ok())
        .as_ref()
        .ok_or(ChartError::Font)
}

/// Calls `f(glyph, pen_x)` for each character of `text` laid out from x = 0
/// (with kerning) and returns the total advance.
fn lay_out_line(
    font: &FontRef<'static>,
    text: &str,
    size: f64,
    mut f: impl FnMut(GlyphId, f32),
) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size as f32));
    let mut pen = 0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        f(id, pen);
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    pen
}

/// Measured advance width of `text` in pixels, rounded up.
pub(super) fn text_width(text: &str, size: f64) -> Result<i32, ChartError> {
    let font = face()?;
    Ok(lay_out_line(font, text, size, |_, _| {}).ceil() as i32)
}

/// An RGB image buffer that text is blended into.
pub(super) struct Canvas<'a> {
    pub(super) rgb: &'a mut [u8],
    pub(super) width: i32,
    pub(super) height: i32,
}

impl Canvas<'_> {
    /// Draws one line of text with its baseline at `baseline`, starting at `x`.
    pub(super) fn text(&mut self, font: &FontRef<'static>, p: &Placed, size: f64, color: RGBColor) {
        let scale = PxScale::from(size as f32);
        let (x0, y0) = (p.x as f32, p.baseline as f32);
        lay_out_line(font, &p.text, size, |id, pen| {
            let glyph = id.with_scale_and_position(scale, point(x0 + pen, y0));
            let Some(outline) = font.outline_glyph(glyph) else {
                return; // e.g. a space
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|gx, gy, coverage| {
                self.blend(left + gx as i32, top + gy as i32, color, coverage);
            });
        });
    }

    fn blend(&mut self, x: i32, y: i32, color: RGBColor, alpha: f32) {
        if x < 0 || y < 0 || x >= self.width || y >= self.height {
            return;
        }
        let alpha = alpha.clamp(0.0, 1.0);
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (channel, value) in self.rgb[i..i + 3]
            .iter_mut()
            .zip([color.0, color.1, color.2])
        {
            let mixed = f32::from(*channel) * (1.0 - alpha) + f32::from(value) * alpha;
            *channel = mixed.round() as u8;
        }
    }
}

/// Characters between which a line may break without a space (CJK ideographs,
/// kana, fullwidth forms…).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Punctuation that must not start a line; it sticks to what precedes it.
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '？'
            | '！'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '”'
            | '’'
            | ','
            | '.'
            | '?'
            | '!'
            | ';'
            | ':'
            | ')'
            | '%'
            | '·'
    )
}

/// Splits text into pieces between which a line may break: words, runs of
/// whitespace, and single CJK characters (with trailing closing punctuation
/// attached).
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Whether the last token may still grow (a word in progress).
    let mut open = false;
    for c in text.chars() {
        if c.is_whitespace() {
            match out.last_mut() {
                Some(last) if last.chars().all(char::is_whitespace) => last.push(' '),
                _ => out.push(" ".to_owned()),
            }
            open = false;
        } else if no_break_before(c) && out.last().is_some_and(|l| !l.trim().is_empty()) {
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        } else if is_cjk(c) {
            out.push(c.to_string());
            open = false;
        } else if open && let Some(last) = out.last_mut() {
            last.push(c);
        } else {
            out.push(c.to_string());
            open = true;
        }
    }
    out
}

/// Wraps `text` into lines no wider than `max_width` pixels at font `size`,
/// breaking between words, between CJK characters, and inside a word only
/// when the word alone is too wide. Never drops characters (only the
/// whitespace at line breaks).
pub(super) fn wrap(text: &str, size: f64, max_width: i32) -> Result<Vec<String>, ChartError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for token in tokens(text) {
        let is_space = token.trim().is_empty();
        if is_space && line.is_empty() {
            continue;
        }
        let candidate = format!("{line}{token}");
        if text_width(candidate.trim_end(), size)? <= max_width {
            line = candidate;
            continue;
        }
        if is_space {
            // The break falls here; the space itself is dropped.
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
        }
        line.clear();
        if text_width(&token, size)? <= max_width {
            line = token;
            continue;
        }
        // A single word wider than the line: break it by characters.
        for c in token.chars() {
            let mut candidate = line.clone();
            candidate.push(c);
            if line.is_empty() || text_width(&candidate, size)? <= max_width {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    let last = line.trim_end();
    if !last.is_empty() {
        lines.push(last.to_owned());
    }
    Ok(lines)
}

/// A line of text placed on the chart.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub(super) text: String,
    pub(super) x: i32,
    pub(super) baseline: i32,
}

/// Where one option goes.
#[derive(Debug, Clone)]
struct BarLayout {
    label: Vec<Placed>,
    /// The filled bar as (left, top, right, bottom), right/bottom exclusive;
    /// `None` for a zero count.
    rect: Option<(i32, i32, i32, i32)>,
    value: Placed,
    leading: bool,
}

/// The whole chart, measured and positioned.
#[derive(Debug, Clone)]
struct Layout {
    height: u32,
    title: Vec<Placed>,
    title_rule_y: i32,
    bars: Vec<BarLayout>,
    footer_rule_y: i32,
    footer: Vec<Placed>,
}

/// Wraps `text` to `width` and places its lines from `*y` down, one every
/// `line_height`; `*y` ends below the last line.
pub(super) fn place_lines(
    text: &str,
    size: f64,
    line_height: i32,
    width: i32,
    y: &mut i32,
) -> Result<Vec<Placed>, ChartError> {
    let mut placed = Vec::new();
    for line in wrap(text, size, width)? {
        placed.push(Placed {
            text: line,
            x: MARGIN_X,
            baseline: baseline_for(*y, size),
        });
        *y += line_height;
    }
    Ok(placed)
}

pub(super) fn baseline_for(top: i32, size: f64) -> i32 {
    top + (size * ASCENT).round() as i32
}

fn validate(input: &ChartInput) -> Result<(), ChartError> {
    let n = input.bars.len();
    if !(MIN_BARS..=MAX_BARS).contains(&n) {
        return Err(ChartError::BarCount(n));
    }
    if let Some(&index) = input.leading.iter().find(|&&i| i >= n) {
        return Err(ChartError::LeadingOutOfRange { index, bars: n });
    }
    Ok(())
}

fn layout(input: &ChartInput) -> Result<Layout, ChartError> {
    validate(input)?;
    face()?;
    let content_width = WIDTH as i32 - 2 * MARGIN_X;
    let mut y = MARGIN_TOP;

    let title = place_lines(&input.title, TITLE_SIZE, TITLE_LINE, content_width, &mut y)?;
    y += RULE_GAP - (TITLE_LINE - TITLE_SIZE as i32) / 2;
    let title_rule_y = y;
    y += RULE_GAP + 4;

    let values: Vec<String> = input
        .bars
        .iter()
        .map(|bar| format!("{} · {}", bar.count_text, bar.share_text))
        .collect();
    let mut widest_value = 0;
    for v in &values {
        widest_value = widest_value.max(text_width(v, VALUE_SIZE)?);
    }
    // Bars get what is left once the widest value text fits right of them,
    // but never less than half the content width.
    let max_bar = (content_width - VALUE_GAP - widest_value).max(content_width / 2);
    let max_count = input.bars.iter().map(|b| b.count).max().unwrap_or(0);

    let mut bars = Vec::with_capacity(input.bars.len());
    for (i, (bar, value)) in input.bars.iter().zip(values).enumerate() {
        let label = place_lines(&bar.label, LABEL_SIZE, LABEL_LINE, content_width, &mut y)?;
        y += LABEL_BAR_GAP;
        let length = if max_count == 0 || bar.count == 0 {
            0
        } else {
            // u128 so that no product of two u64 can overflow.
            let scaled = u128::from(bar.count) * max_bar as u128 / u128::from(max_count);
            (scaled as i32).max(MIN_BAR)
        };
        let rect = (length > 0).then_some((MARGIN_X, y, MARGIN_X + length, y + BAR_HEIGHT));
        let value_x = MARGIN_X + length + if length > 0 { VALUE_GAP } else { 0 };
        // Centre the value text's cap height on the bar.
        let value_baseline = y + BAR_HEIGHT / 2 + (VALUE_SIZE * 0.36).round() as i32;
        bars.push(BarLayout {
            label,
            rect,
            value: Placed {
                text: value,
                x: value_x,
                baseline: value_baseline,
            },
            leading: input.leading.contains(&i),
        });
        y += BAR_HEIGHT + OPTION_GAP;
    }

    y += RULE_GAP - OPTION_GAP;
    let footer_rule_y = y;
    y += RULE_GAP;
    let footer = place_lines(
        &input.footer,
        FOOTER_SIZE,
        FOOTER_LINE,
        content_width,
        &mut y,
    )?;
    y += MARGIN_BOTTOM;

    let height = u32::try_from(y).unwrap_or(u32::MAX);
    if height > MAX_HEIGHT {
        return Err(ChartError::TooTall { height });
    }
    Ok(Layout {
        height,
        title,
        title_rule_y,
        bars,
        footer_rule_y,
        footer,
    })
}

pub(super) fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Draws the pixels of `layout` into an RGB buffer of `WIDTH x layout.height`.
fn draw(layout: &Layout, buf: &mut [u8]) -> Result<(), ChartError> {
    let font = face()?;
    {
        let root = BitMapBackend::with_buffer(buf, (WIDTH, layout.height)).into_drawing_area();
        root.fill(&BACKGROUND).map_err(draw_err)?;
        let rect = |(l, t, r, b): (i32, i32, i32, i32), color: RGBColor| {
            // plotters' opaque fills exclude the bottom-right corner, like `rect`.
            root.draw(&Rectangle::new([(l, t), (r, b)], color.filled()))
                .map_err(draw_err)
        };
        let right = WIDTH as i32 - MARGIN_X;
        rect(
            (
                MARGIN_X,
                layout.title_rule_y,
                right,
                layout.title_rule_y + 2,
            ),
            RULE_COLOR,
        )?;
        for bar in &layout.bars {
            if let Some(r) = bar.rect {
                rect(r, if bar.leading { HIGHLIGHT } else { MUTED })?;
            }
        }
        rect(
            (
                MARGIN_X,
                layout.footer_rule_y,
                right,
                layout.footer_rule_y + 2,
            ),
            RULE_COLOR,
        )?;
        root.present().map_err(draw_err)?;
    }

    let mut canvas = Canvas {
        rgb: buf,
        width: WIDTH as i32,
        height: layout.height as i32,
    };
    let mut text = |p: &Placed, size: f64, color: RGBColor, bold: bool| {
        canvas.text(font, p, size, color);
        if bold {
            // Poor man's bold: the face has no bold variant.
            let shifted = Placed {
                x: p.x + 1,
                ..p.clone()
            };
            canvas.text(font, &shifted, size, color);
        }
    };
    for line in &layout.title {
        text(line, TITLE_SIZE, TITLE_COLOR, true);
    }
    for bar in &layout.bars {
        for line in &bar.label {
            text(line, LABEL_SIZE, LABEL_COLOR, bar.leading);
        }
        let color = if bar.leading {
            LEADING_VALUE_COLOR
        } else {
            VALUE_COLOR
        };
        text(&bar.value, VALUE_SIZE, color, bar.leading);
    }
    for line in &layout.footer {
        text(line, FOOTER_SIZE, FOOTER_COLOR, false);
    }
    Ok(())
}

/// Renders the chart as PNG bytes, in memory.
///
/// The image is [`WIDTH`] pixels wide; its height grows with the number of
/// title, label and footer lines. Bars are scaled to the largest count; when
/// every count is 0 no bar is drawn but all labels and values still are.
pub fn render_png(input: &ChartInput) -> Result<Vec<u8>, ChartError> {
    let layout = layout(input)?;
    let mut rgb = vec![255u8; WIDTH as usize * layout.height as usize * 3];
    draw(&layout, &mut rgb)?;
    encode_png(&rgb, WIDTH, layout.height)
}

pub(super) fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChartInput {
        let bar = |label: &str, count: u64, share: &str| ChartBar {
            label: label.to_owned(),
            count,
            count_text: count.to_string(),
            share_text: share.to_owned(),
        };
        ChartInput {
            title: "#1 In which area should the two countries deepen cooperation? 两国应在哪个领域深化合作？".to_owned(),
            bars: vec![
                bar("Energy", 672, "42.0%"),
                bar("Trade", 472, "29.5%"),
                bar("Military", 304, "19.0%"),
                bar("Food", 153, "9.6%"),
            ],
            leading: vec![0],
            footer: "1,601 voters · 14 Mar 2024 – 28 Mar 2024".to_owned(),
        }
    }

    /// Decodes a PNG into (width, height, RGB bytes).
    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(png_bytes);
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("PNG data");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn pixel(img: &(u32, u32, Vec<u8>), x: i32, y: i32) -> [u8; 3] {
        let i = (y as usize * img.0 as usize + x as usize) * 3;
        [img.2[i], img.2[i + 1], img.2[i + 2]]
    }

    fn rgb(c: RGBColor) -> [u8; 3] {
        [c.0, c.1, c.2]
    }

    fn count_color(img: &(u32, u32, Vec<u8>), c: RGBColor, area: (i32, i32, i32, i32)) -> usize {
        let (l, t, r, b) = area;
        (t..b)
            .flat_map(|y| (l..r).map(move |x| (x, y)))
            .filter(|&(x, y)| pixel(img, x, y) == rgb(c))
            .count()
    }

    fn with_title(title: &str) -> Vec<u8> {
        let input = ChartInput {
            title: title.to_owned(),
            ..sample()
        };
        decode(&render_png(&input).expect("render")).2
    }

    #[test]
    fn output_is_a_png_at_least_1000_wide() {
        let bytes = render_png(&sample()).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let (w, h, data) = decode(&bytes);
        assert!(w >= 1000, "width {w}");
        assert!(h >= 400, "height {h}");
        assert_eq!(data.len(), (w * h * 3) as usize);
        // Not a blank image.
        assert!(data.iter().any(|&b| b < 128));
    }

    #[test]
    fn font_has_latin_chinese_and_cyrillic_glyphs() {
        // Well outside any font's coverage: an unassigned code point renders
        // as the font's "missing glyph", like any other missing character.
        let missing = with_title("\u{0378}");
        // The premise: characters the font lacks are indistinguishable, so a
        // font without one of these scripts would fail the checks below.
        assert_eq!(missing, with_title("\u{0379}"));
        for (a, b) in [("A", "B"), ("能", "贸"), ("Ж", "Д")] {
            let (ra, rb) = (with_title(a), with_title(b));
            assert_ne!(ra, rb, "{a:?} and {b:?} render the same");
            assert_ne!(ra, missing, "{a:?} renders as a missing glyph");
            assert_ne!(rb, missing, "{b:?} renders as a missing glyph");
        }
    }

    #[test]
    fn leading_bar_is_highlighted_and_others_are_not() {
        let mut input = sample();
        for leading in [0, 2] {
            input.leading = vec![leading];
            let layout = layout(&input).unwrap();
            let img = decode(&render_png(&input).unwrap());
            assert_eq!(img.0, WIDTH);
            assert_eq!(img.1, layout.height);
            for (i, bar) in layout.bars.iter().enumerate() {
                let rect = bar.rect.expect("non-zero counts have bars");
                let centre = pixel(&img, (rect.0 + rect.2) / 2, (rect.1 + rect.3) / 2);
                let highlighted = count_color(&img, HIGHLIGHT, rect);
                if i == leading {
                    assert_eq!(centre, rgb(HIGHLIGHT), "bar {i}");
                    let area = ((rect.2 - rect.0) * (rect.3 - rect.1)) as usize;
                    assert_eq!(highlighted, area, "bar {i} fully highlighted");
                } else {
                    assert_eq!(centre, rgb(MUTED), "bar {i}");
                    assert_eq!(highlighted, 0, "bar {i} has highlight pixels");
                }
            }
        }
        // No leader: no highlight anywhere.
        input.leading.clear();
        let img = decode(&render_png(&input).unwrap());
        let all = (0, 0, img.0 as i32, img.1 as i32);
        assert_eq!(count_color(&img, HIGHLIGHT, all), 0);
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        let layout = layout(&sample()).unwrap();
        let len = |i: usize| {
            let r = layout.bars[i].rect.unwrap();
            r.2 - r.0
        };
        assert!(len(0) > len(1) && len(1) > len(2) && len(2) > len(3));
        // 153 / 672 of the longest, within rounding.
        let expected = len(0) as f64 * 153.0 / 672.0;
        assert!((len(3) as f64 - expected).abs() <= 1.0);
        // Values sit right of their bars, inside the image.
        for bar in &layout.bars {
            let r = bar.rect.unwrap();
            assert!(bar.value.x > r.2);
            let w = text_width(&bar.value.text, VALUE_SIZE).unwrap();
            assert!(bar.value.x + w <= WIDTH as i32 - MARGIN_X);
        }
    }

    #[test]
    fn twelve_long_options_and_a_long_title_render() {
        let label = |i: usize| {
            match i % 3 {
            0 => "能源贸易军事粮食合作".repeat(10),
            1 => "Сотрудничество в области энергетики и торговли между двумя странами, долгосрочное и стабильное!!"
                .chars()
                .take(100)
                .collect(),
            _ => format!(
                "Option {i}: {}",
                "deepen cooperation in energy, trade and food security ".repeat(2)
            )
            .chars()
            .take(100)
            .collect::<String>(),
        }
        };
        let title: String = "#12 Which of these areas matters most? 两国应在哪个领域深化合作？Какая область важнее? "
            .chars()
            .cycle()
            .take(300)
            .collect();
        let input = ChartInput {
            title: title.clone(),
            bars: (0..12)
                .map(|i| ChartBar {
                    label: label(i),
                    count: (i as u64 * 37) % 11,
                    count_text: ((i * 37) % 11).to_string(),
                    share_text: format!("{}.0%", i),
                })
                .collect(),
            leading: vec![5],
            footer: "1,601 voters · 14 Mar 2024 – 28 Mar 2024".to_owned(),
        };
        let layout = layout(&input).unwrap();
        // Nothing cut: the wrapped lines hold every non-space character.
        let joined: String = layout.title.iter().map(|p| p.text.as_str()).collect();
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&joined), strip(&title));
        for line in layout.title.iter() {
            assert!(text_width(&line.text, TITLE_SIZE).unwrap() <= WIDTH as i32 - 2 * MARGIN_X);
        }
        for (bar, l) in layout.bars.iter().zip(0..) {
            let joined: String = bar.label.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(strip(&joined), strip(&label(l)));
        }
        let (w, h, _) = decode(&render_png(&input).unwrap());
        assert_eq!((w, h), (WIDTH, layout.height));
    }

    #[test]
    fn all_zero_counts_render_without_bars() {
        let mut input = sample();
        for bar in &mut input.bars {
            bar.count = 0;
            bar.count_text = "0".to_owned();
            bar.share_text = "0.0%".to_owned();
        }
        input.leading.clear();
        let layout = layout(&input).unwrap();
        assert!(layout.bars.iter().all(|b| b.rect.is_none()));
        assert!(layout.bars.iter().all(|b| b.value.text == "0 · 0.0%"));
        let img = decode(&render_png(&input).unwrap());
        let all = (0, 0, img.0 as i32, img.1 as i32);
        assert_eq!(count_color(&img, HIGHLIGHT, all), 0);
        assert_eq!(count_color(&img, MUTED, all), 0);
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut one = sample();
        one.bars.truncate(1);
        assert!(matches!(render_png(&one), Err(ChartError::BarCount(1))));

        let mut thirteen = sample();
        thirteen.bars = vec![thirteen.bars[0].clone(); 13];
        assert!(matches!(
            render_png(&thirteen),
            Err(ChartError::BarCount(13))
        ));

        let mut leading = sample();
        leading.leading = vec![4];
        assert!(matches!(
            render_png(&leading),
            Err(ChartError::LeadingOutOfRange { index: 4, bars: 4 })
        ));

        let mut huge = sample();
        huge.title = "很".repeat(20_000);
        assert!(matches!(render_png(&huge), Err(ChartError::TooTall { .. })));
    }

    #[test]
    fn wrap_breaks_words_and_chinese() {
        let lines = wrap("hello world", LABEL_SIZE, 10_000).unwrap();
        assert_eq!(lines, ["hello world"]);
        let width = text_width("hello", LABEL_SIZE)
            .unwrap()
            .max(text_width("world", LABEL_SIZE).unwrap())
            + 2;
        assert_eq!(
            wrap("hello world", LABEL_SIZE, width).unwrap(),
            ["hello", "world"]
        );
        let width = text_width("两国应", LABEL_SIZE).unwrap() + 2;
        // The fullwidth question mark stays with the character before it.
        assert_eq!(
            wrap("两国应在哪个？", LABEL_SIZE, width).unwrap(),
            ["两国应", "在哪", "个？"]
        );
        assert!(wrap("", LABEL_SIZE, width).unwrap().is_empty());
    }

    #[test]
    fn renders_in_parallel() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| render_png(&sample()).map(|b| b.len())))
            .collect();
        for h in handles {
            assert!(h.join().unwrap().unwrap() > 0);
        }
    }
}
