//! Horizontal bar chart of a poll's results, rendered to PNG bytes in memory.
//!
//! The chart is meant to be read on a phone: a large wrapped title, one bar per
//! option in poll order (label above the bar, `count · share` right of it), the
//! leading option(s) in a strong colour and the others muted, and a footer line.
//!
//! It is drawn with the kit in `report/draw.rs` (the bundled font, wrapped
//! text, title, footer and bar rows), like the report's other charts.
//!
//! Everything shown is localized and formatted by the caller; this module does
//! no I/O and knows nothing of Telegram or the database.

use plotters::style::RGBColor;

pub use super::draw::{ChartError, MAX_BARS, MAX_HEIGHT, MIN_BARS, WIDTH};
use super::draw::{
    OptionBar, OptionRow, Placed, RULE_GAP, Scene, check_bars, face, option_rows, place_footer,
    place_title,
};

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

/// Fill of the leading option's bar.
pub(super) const HIGHLIGHT: RGBColor = RGBColor(37, 99, 235);
/// Fill of the other bars.
pub(super) const MUTED: RGBColor = RGBColor(178, 188, 203);
pub(super) const LEADING_VALUE_COLOR: RGBColor = RGBColor(29, 64, 175);

/// The whole chart, measured and positioned.
#[derive(Debug, Clone)]
struct Layout {
    height: u32,
    title: Vec<Placed>,
    title_rule_y: i32,
    bars: Vec<OptionRow>,
    footer_rule_y: i32,
    footer: Vec<Placed>,
}

fn layout(input: &ChartInput) -> Result<Layout, ChartError> {
    check_bars(input.bars.len(), &input.leading)?;
    face()?;
    let (title, title_rule_y) = place_title(&input.title)?;
    let bars: Vec<OptionBar> = input
        .bars
        .iter()
        .map(|bar| OptionBar {
            label: &bar.label,
            count: bar.count,
            count_text: &bar.count_text,
            share_text: &bar.share_text,
        })
        .collect();
    let rows = option_rows(&bars, &input.leading, title_rule_y + RULE_GAP + 4)?;
    let (footer, height) = place_footer(&input.footer, rows.rule_y)?;
    Ok(Layout {
        height,
        title,
        title_rule_y,
        bars: rows.rows,
        footer_rule_y: rows.rule_y,
        footer,
    })
}

/// What to draw for `layout`: the leading bars, labels and values strong.
fn scene(layout: &Layout) -> Scene {
    let mut scene = Scene::default();
    scene.title(&layout.title, layout.title_rule_y);
    for bar in &layout.bars {
        if let Some(r) = bar.rect() {
            scene.rect(r, if bar.leading { HIGHLIGHT } else { MUTED });
        }
        scene.option_row(bar, LEADING_VALUE_COLOR);
    }
    scene.footer(&layout.footer, layout.footer_rule_y);
    scene
}

/// Renders the chart as PNG bytes, in memory.
///
/// The image is [`WIDTH`] pixels wide; its height grows with the number of
/// title, label and footer lines. Bars are scaled to the largest count; when
/// every count is 0 no bar is drawn but all labels and values still are.
pub fn render_png(input: &ChartInput) -> Result<Vec<u8>, ChartError> {
    let layout = layout(input)?;
    scene(&layout).render(layout.height)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draw::{MARGIN_X, TITLE_SIZE, VALUE_SIZE, text_width};

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
                let rect = bar.rect().expect("non-zero counts have bars");
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
            let r = layout.bars[i].rect().unwrap();
            r.2 - r.0
        };
        assert!(len(0) > len(1) && len(1) > len(2) && len(2) > len(3));
        // 153 / 672 of the longest, within rounding.
        let expected = len(0) as f64 * 153.0 / 672.0;
        assert!((len(3) as f64 - expected).abs() <= 1.0);
        // Values sit right of their bars, inside the image.
        for bar in &layout.bars {
            let r = bar.rect().unwrap();
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
        assert!(layout.bars.iter().all(|b| b.rect().is_none()));
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
    fn renders_in_parallel() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| render_png(&sample()).map(|b| b.len())))
            .collect();
        for h in handles {
            assert!(h.join().unwrap().unwrap() > 0);
        }
    }
}
