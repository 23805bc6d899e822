//! The chart of a poll run in several chats: one bar per option for the
//! combined count, split into each chat's part (stacked, in a colour per
//! chat), with a legend that names the chats. Built from the same pieces as
//! the single-chat chart ([`super::chart`]): the bundled font, the title,
//! the footer, the rules; legible with 2 to 10 chats (more reuse colours).

use plotters::prelude::*;
use plotters::style::RGBColor;

use super::chart::{
    BACKGROUND, Canvas, ChartError, FOOTER_COLOR, FOOTER_LINE, FOOTER_SIZE, LABEL_COLOR,
    LABEL_LINE, LABEL_SIZE, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MAX_BARS, MAX_HEIGHT, MIN_BARS,
    Placed, RULE_COLOR, RULE_GAP, TITLE_COLOR, TITLE_LINE, TITLE_SIZE, VALUE_COLOR, VALUE_SIZE,
    WIDTH, baseline_for, draw_err, encode_png, face, place_lines, text_width,
};

/// One option: its combined count, split by chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackedBar {
    pub label: String,
    /// Votes counted in each chat, in the order of [`StackedInput::chats`].
    pub parts: Vec<u64>,
    /// The combined count as shown, e.g. `"1,601"`.
    pub count_text: String,
    pub share_text: String,
}

/// Everything the stacked chart shows, localized by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackedInput {
    pub title: String,
    /// The chats' names, for the legend, in stacking order.
    pub chats: Vec<String>,
    pub bars: Vec<StackedBar>,
    /// Indexes of the leading option(s), whose label and value are bold.
    pub leading: Vec<usize>,
    pub footer: String,
}

/// A colour per chat: ten that tell apart on a phone (Tableau 10); an
/// eleventh chat reuses the first.
const CHAT_COLORS: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];
const LEADING_VALUE_COLOR: RGBColor = RGBColor(17, 24, 39);
const BAR_HEIGHT: i32 = 44;
const LABEL_BAR_GAP: i32 = 8;
const OPTION_GAP: i32 = 30;
const VALUE_GAP: i32 = 16;
const MIN_BAR: i32 = 6;
const LEGEND_SIZE: f64 = 28.0;
const LEGEND_LINE: i32 = 40;
const SWATCH: i32 = 26;
const SWATCH_GAP: i32 = 10;
const LEGEND_ITEM_GAP: i32 = 32;
/// A chat's name in the legend, at most this many characters.
const LEGEND_CHARS: usize = 32;

/// The colour of the `index`-th chat.
pub fn chat_color(index: usize) -> RGBColor {
    CHAT_COLORS[index % CHAT_COLORS.len()]
}

struct Segment {
    rect: (i32, i32, i32, i32),
    chat: usize,
}

/// A chat in the legend: its name, its swatch, its index (its colour).
struct LegendItem {
    name: Placed,
    swatch: (i32, i32, i32, i32),
    chat: usize,
}

struct Layout {
    height: u32,
    title: Vec<Placed>,
    title_rule_y: i32,
    legend: Vec<LegendItem>,
    labels: Vec<(Placed, bool)>,
    segments: Vec<Segment>,
    values: Vec<(Placed, bool)>,
    footer_rule_y: i32,
    footer: Vec<Placed>,
}

fn short_name(name: &str) -> String {
    let mut chars = name.chars();
    let cut: String = chars.by_ref().take(LEGEND_CHARS).collect();
    match chars.next() {
        Some(_) => format!("{}…", cut.trim_end()),
        None => cut,
    }
}

fn layout(input: &StackedInput) -> Result<Layout, ChartError> {
    let n = input.bars.len();
    if !(MIN_BARS..=MAX_BARS).contains(&n) {
        return Err(ChartError::BarCount(n));
    }
    if let Some(&index) = input.leading.iter().find(|&&i| i >= n) {
        return Err(ChartError::LeadingOutOfRange { index, bars: n });
    }
    face()?;
    let content_width = WIDTH as i32 - 2 * MARGIN_X;
    let right = WIDTH as i32 - MARGIN_X;
    let mut y = MARGIN_TOP;
    let title = place_lines(&input.title, TITLE_SIZE, TITLE_LINE, content_width, &mut y)?;
    y += RULE_GAP - (TITLE_LINE - TITLE_SIZE as i32) / 2;
    let title_rule_y = y;
    y += RULE_GAP;

    // The legend: swatch and name, flowing left to right over lines.
    let mut legend = Vec::new();
    let mut x = MARGIN_X;
    for (i, name) in input.chats.iter().enumerate() {
        let name = short_name(name);
        let width = SWATCH + SWATCH_GAP + text_width(&name, LEGEND_SIZE)?;
        if x > MARGIN_X && x + width > right {
            x = MARGIN_X;
            y += LEGEND_LINE;
        }
        let swatch_top = y + (LEGEND_LINE - SWATCH) / 2 - 4;
        let swatch = (x, swatch_top, x + SWATCH, swatch_top + SWATCH);
        let text = Placed {
            text: name,
            x: x + SWATCH + SWATCH_GAP,
            baseline: baseline_for(y, LEGEND_SIZE),
        };
        legend.push(LegendItem {
            name: text,
            swatch,
            chat: i,
        });
        x += width + LEGEND_ITEM_GAP;
    }
    if !legend.is_empty() {
        y += LEGEND_LINE;
    }
    y += RULE_GAP / 2;

    let values: Vec<String> = input
        .bars
        .iter()
        .map(|bar| format!("{} · {}", bar.count_text, bar.share_text))
        .collect();
    let mut widest_value = 0;
    for v in &values {
        widest_value = widest_value.max(text_width(v, VALUE_SIZE)?);
    }
    let max_bar = (content_width - VALUE_GAP - widest_value).max(content_width / 2);
    let totals: Vec<u64> = input.bars.iter().map(|b| b.parts.iter().sum()).collect();
    let max_count = totals.iter().copied().max().unwrap_or(0);
    let scale = |count: u64| -> i32 {
        if max_count == 0 {
            return 0;
        }
        (u128::from(count) * max_bar as u128 / u128::from(max_count)) as i32
    };

    let mut labels = Vec::new();
    let mut segments = Vec::new();
    let mut placed_values = Vec::new();
    for (i, (bar, value)) in input.bars.iter().zip(values).enumerate() {
        let leading = input.leading.contains(&i);
        for line in place_lines(&bar.label, LABEL_SIZE, LABEL_LINE, content_width, &mut y)? {
            labels.push((line, leading));
        }
        y += LABEL_BAR_GAP;
        let total = totals[i];
        let length = match total {
            0 => 0,
            _ => scale(total).max(MIN_BAR),
        };
        // Each part ends where the running sum ends, so the parts add up to
        // the bar without rounding gaps.
        let mut running = 0u64;
        let mut start = 0;
        for (chat, &part) in bar.parts.iter().enumerate() {
            if part == 0 {
                continue;
            }
            running += part;
            let end = match running == total {
                true => length,
                false => scale(running).min(length),
            };
            if end > start {
                segments.push(Segment {
                    rect: (MARGIN_X + start, y, MARGIN_X + end, y + BAR_HEIGHT),
                    chat,
                });
            }
            start = end;
        }
        let value_x = MARGIN_X + length + if length > 0 { VALUE_GAP } else { 0 };
        let value_baseline = y + BAR_HEIGHT / 2 + (VALUE_SIZE * 0.36).round() as i32;
        placed_values.push((
            Placed {
                text: value,
                x: value_x,
                baseline: value_baseline,
            },
            leading,
        ));
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
        legend,
        labels,
        segments,
        values: placed_values,
        footer_rule_y,
        footer,
    })
}

fn draw(layout: &Layout, buf: &mut [u8]) -> Result<(), ChartError> {
    let font = face()?;
    {
        let root = BitMapBackend::with_buffer(buf, (WIDTH, layout.height)).into_drawing_area();
        root.fill(&BACKGROUND).map_err(draw_err)?;
        let rect = |(l, t, r, b): (i32, i32, i32, i32), color: RGBColor| {
            root.draw(&Rectangle::new([(l, t), (r, b)], color.filled()))
                .map_err(draw_err)
        };
        let right = WIDTH as i32 - MARGIN_X;
        for rule in [layout.title_rule_y, layout.footer_rule_y] {
            rect((MARGIN_X, rule, right, rule + 2), RULE_COLOR)?;
        }
        for item in &layout.legend {
            rect(item.swatch, chat_color(item.chat))?;
        }
        for segment in &layout.segments {
            rect(segment.rect, chat_color(segment.chat))?;
        }
        // A thin white seam between two chats' parts of a bar.
        for segment in &layout.segments {
            let (l, t, _, b) = segment.rect;
            if l > MARGIN_X {
                rect((l, t, l + 2, b), BACKGROUND)?;
            }
        }
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
    for item in &layout.legend {
        text(&item.name, LEGEND_SIZE, LABEL_COLOR, false);
    }
    for (line, leading) in &layout.labels {
        text(line, LABEL_SIZE, LABEL_COLOR, *leading);
    }
    for (value, leading) in &layout.values {
        let color = match leading {
            true => LEADING_VALUE_COLOR,
            false => VALUE_COLOR,
        };
        text(value, VALUE_SIZE, color, *leading);
    }
    for line in &layout.footer {
        text(line, FOOTER_SIZE, FOOTER_COLOR, false);
    }
    Ok(())
}

/// Renders the stacked chart as PNG bytes, [`WIDTH`] pixels wide.
pub fn render_stacked_png(input: &StackedInput) -> Result<Vec<u8>, ChartError> {
    let layout = layout(input)?;
    let mut rgb = vec![255u8; WIDTH as usize * layout.height as usize * 3];
    draw(&layout, &mut rgb)?;
    encode_png(&rgb, WIDTH, layout.height)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample(chats: usize) -> StackedInput {
        let names = [
            "City chat",
            "Northern district residents",
            "News channel",
            "Регион",
            "区域讨论群",
            "Students",
            "Parents of the school № 5 and their friends and neighbours",
            "Volunteers",
            "Old town",
            "Harbour",
            "Eleventh",
        ];
        let options = ["Energy", "Trade", "Military", "Food"];
        let bars = options
            .iter()
            .enumerate()
            .map(|(o, label)| {
                let parts: Vec<u64> = (0..chats)
                    .map(|c| ((o + 1) * (c + 3) % 17) as u64 * 9)
                    .collect();
                let total: u64 = parts.iter().sum();
                StackedBar {
                    label: label.to_string(),
                    parts,
                    count_text: total.to_string(),
                    share_text: "25.0%".into(),
                }
            })
            .collect();
        StackedInput {
            title: "#3 In which area should the two countries deepen cooperation?".into(),
            chats: names[..chats].iter().map(|s| s.to_string()).collect(),
            bars,
            leading: vec![1],
            footer: "1,601 voters · 3 chats · 14 Mar 2024 – 28 Mar 2024".into(),
        }
    }

    #[test]
    fn renders_with_two_to_eleven_chats() {
        for chats in [2, 3, 10, 11] {
            let png = render_stacked_png(&sample(chats)).unwrap();
            assert!(png.starts_with(b"\x89PNG"), "{chats}");
        }
        if let Ok(dir) = std::env::var("POLLBOT_CHART_DIR") {
            for chats in [2, 10] {
                let png = render_stacked_png(&sample(chats)).unwrap();
                std::fs::write(format!("{dir}/stacked-{chats}.png"), png).unwrap();
            }
        }
    }

    #[test]
    fn parts_fill_the_bar_without_gaps() {
        let input = sample(3);
        let layout = layout(&input).unwrap();
        // The first bar's parts touch end to end.
        let first_top = layout.segments[0].rect.1;
        let row: Vec<_> = layout
            .segments
            .iter()
            .filter(|s| s.rect.1 == first_top)
            .map(|s| s.rect)
            .collect();
        for pair in row.windows(2) {
            assert_eq!(pair[0].2, pair[1].0);
        }
        let empty = StackedInput {
            bars: input
                .bars
                .iter()
                .map(|b| StackedBar {
                    parts: vec![0; 3],
                    ..b.clone()
                })
                .collect(),
            ..input
        };
        assert!(layout_ok(&empty));
    }

    fn layout_ok(input: &StackedInput) -> bool {
        layout(input).is_ok_and(|l| l.segments.is_empty())
    }
}
