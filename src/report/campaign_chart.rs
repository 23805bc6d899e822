//! The chart of a poll run in several chats: one bar per option for the
//! combined count, split into each chat's part (stacked, in a colour per
//! chat), with a legend that names the chats. Drawn with the kit the
//! single-chat chart ([`super::chart`]) uses (`report/draw.rs`): the bundled
//! font, the title, the footer, the legend, the bar rows; legible with 2 to
//! 10 chats (more reuse colours).

use plotters::style::RGBColor;

use super::draw::{
    BACKGROUND, BAR_HEIGHT, ChartError, LEGEND_LINE, LegendItem, LegendStyle, MARGIN_X, OptionBar,
    OptionRow, OptionRows, Placed, RULE_GAP, Rect, Scene, check_bars, face, flow_legend,
    option_rows, place_footer, place_title,
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
const LEGEND: LegendStyle = LegendStyle {
    swatch: 26,
    item_gap: 32,
};
/// A chat's name in the legend, at most this many characters.
const LEGEND_CHARS: usize = 32;

/// The colour of the `index`-th chat.
pub fn chat_color(index: usize) -> RGBColor {
    CHAT_COLORS[index % CHAT_COLORS.len()]
}

struct Segment {
    rect: Rect,
    chat: usize,
}

struct Layout {
    height: u32,
    title: Vec<Placed>,
    title_rule_y: i32,
    /// A chat per item, in the order of [`StackedInput::chats`].
    legend: Vec<LegendItem>,
    rows: Vec<OptionRow>,
    segments: Vec<Segment>,
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
    check_bars(input.bars.len(), &input.leading)?;
    face()?;
    let (title, title_rule_y) = place_title(&input.title)?;
    let names = input.chats.iter().map(|name| short_name(name));
    let (legend, last_row) = flow_legend(names, &LEGEND, title_rule_y + RULE_GAP)?;
    let mut y = last_row;
    if !legend.is_empty() {
        y += LEGEND_LINE;
    }
    let totals: Vec<u64> = input.bars.iter().map(|b| b.parts.iter().sum()).collect();
    let bars: Vec<OptionBar> = input
        .bars
        .iter()
        .zip(&totals)
        .map(|(bar, &count)| OptionBar {
            label: &bar.label,
            count,
            count_text: &bar.count_text,
            share_text: &bar.share_text,
        })
        .collect();
    let rows = option_rows(&bars, &input.leading, y + RULE_GAP / 2)?;
    let segments = segments(input, &rows);
    let (footer, height) = place_footer(&input.footer, rows.rule_y)?;
    Ok(Layout {
        height,
        title,
        title_rule_y,
        legend,
        rows: rows.rows,
        segments,
        footer_rule_y: rows.rule_y,
        footer,
    })
}

/// Each bar split into its chats' parts. Each part ends where the running
/// sum ends, so the parts add up to the bar without rounding gaps.
fn segments(input: &StackedInput, rows: &OptionRows) -> Vec<Segment> {
    let mut segments = Vec::new();
    for (bar, row) in input.bars.iter().zip(&rows.rows) {
        let total: u64 = bar.parts.iter().sum();
        let mut running = 0u64;
        let mut start = 0;
        for (chat, &part) in bar.parts.iter().enumerate() {
            if part == 0 {
                continue;
            }
            running += part;
            let end = match running == total {
                true => row.length,
                false => rows.scale.scaled(running).min(row.length),
            };
            if end > start {
                segments.push(Segment {
                    rect: (
                        MARGIN_X + start,
                        row.top,
                        MARGIN_X + end,
                        row.top + BAR_HEIGHT,
                    ),
                    chat,
                });
            }
            start = end;
        }
    }
    segments
}

/// What to draw for `layout`: each chat's parts in its colour, a seam
/// between them.
fn scene(layout: &Layout) -> Scene {
    let mut scene = Scene::default();
    scene.title(&layout.title, layout.title_rule_y);
    scene.legend(&layout.legend, chat_color);
    for segment in &layout.segments {
        scene.rect(segment.rect, chat_color(segment.chat));
    }
    // A thin white seam between two chats' parts of a bar.
    for segment in &layout.segments {
        let (l, t, _, b) = segment.rect;
        if l > MARGIN_X {
            scene.rect((l, t, l + 2, b), BACKGROUND);
        }
    }
    for row in &layout.rows {
        scene.option_row(row, LEADING_VALUE_COLOR);
    }
    scene.footer(&layout.footer, layout.footer_rule_y);
    scene
}

/// Renders the stacked chart as PNG bytes, [`WIDTH`](super::chart::WIDTH) pixels wide.
pub fn render_stacked_png(input: &StackedInput) -> Result<Vec<u8>, ChartError> {
    let layout = layout(input)?;
    scene(&layout).render(layout.height)
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
