//! A series' trend (`/report N --trend`): each run a bar of its options'
//! shares (100% stacked, the same colours run after run), its number and
//! voters under it.

use plotters::style::RGBColor;

use super::breakdown::{PALETTE, check_series, footer, legend, title};
use super::draw::{
    ChartError, LABEL_COLOR, MARGIN_X, RULE_COLOR, RULE_GAP, Scene, VALUE_COLOR, WIDTH, text_width,
};

const SMALL_SIZE: f64 = 24.0;
const PLOT_HEIGHT: i32 = 440;
/// The most runs one chart shows (the latest).
pub const MAX_RUNS: usize = 24;
const WHITE: RGBColor = RGBColor(255, 255, 255);

/// The trend chart's contents, localized by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendInput {
    pub title: String,
    /// The options: one colour each.
    pub series: Vec<String>,
    pub runs: Vec<TrendRun>,
    pub footer: String,
}

/// One run: `#3`, `120 voters`, each option's share in tenths of a percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendRun {
    pub label: String,
    pub voters: String,
    pub shares: Vec<u32>,
}

/// Renders the trend as a PNG.
pub fn render_trend_png(input: &TrendInput) -> Result<Vec<u8>, ChartError> {
    check_series(input.series.len())?;
    if input.runs.is_empty()
        || input.runs.len() > MAX_RUNS
        || input
            .runs
            .iter()
            .any(|r| r.shares.len() != input.series.len())
    {
        return Err(ChartError::Draw(format!(
            "a trend needs 1 to {MAX_RUNS} runs of {} shares",
            input.series.len()
        )));
    }
    let mut scene = Scene::default();
    let y = title(&mut scene, &input.title)?;
    let y = legend(&mut scene, &input.series, y)?;
    let bottom = y + 16 + PLOT_HEIGHT;
    let (left, right) = (MARGIN_X, WIDTH as i32 - MARGIN_X);
    let slot = f64::from(right - left) / input.runs.len() as f64;
    let bar = ((slot * 0.6).round() as i32).clamp(1, 160);
    for (i, run) in input.runs.iter().enumerate() {
        let centre = left + (slot * (i as f64 + 0.5)).round() as i32;
        let x = centre - bar / 2;
        let mut below = 0u32;
        for (option, &share) in run.shares.iter().enumerate() {
            let scaled = |tenths: u32| (f64::from(tenths) * f64::from(PLOT_HEIGHT) / 1000.0) as i32;
            let (low, high) = (bottom - scaled(below), bottom - scaled(below + share));
            below += share;
            if high < low {
                scene.rect((x, high, x + bar, low), PALETTE[option % PALETTE.len()]);
                let text = format!("{}%", (share + 5) / 10);
                let width = text_width(&text, SMALL_SIZE)?;
                if low - high >= SMALL_SIZE as i32 + 4 && width + 8 <= bar {
                    let top_of_text = high + (low - high - SMALL_SIZE as i32) / 2;
                    scene.text_at(text, (centre - width / 2, top_of_text), SMALL_SIZE, WHITE);
                }
            }
        }
        for (line, (text, color)) in [(&run.label, LABEL_COLOR), (&run.voters, VALUE_COLOR)]
            .into_iter()
            .enumerate()
        {
            let width = text_width(text, SMALL_SIZE)?;
            let x = (centre - width / 2).clamp(MARGIN_X, right - width);
            let top_of_text = bottom + 10 + line as i32 * (SMALL_SIZE as i32 + 6);
            scene.text_at(text.clone(), (x, top_of_text), SMALL_SIZE, color);
        }
    }
    scene.rect((left, bottom, right, bottom + 2), RULE_COLOR);
    let rule_y = bottom + 10 + 2 * (SMALL_SIZE as i32 + 6) + RULE_GAP;
    let height = footer(&mut scene, &input.footer, rule_y)?;
    scene.render(height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str, shares: Vec<u32>) -> TrendRun {
        TrendRun {
            label: label.into(),
            voters: "10 voters".into(),
            shares,
        }
    }

    #[test]
    fn a_trend_renders_and_bad_input_is_an_error() {
        let input = TrendInput {
            title: "#1 Tea? run by run".into(),
            series: vec!["Tea".into(), "Coffee".into()],
            runs: vec![
                run("#1", vec![600, 400]),
                run("#2", vec![250, 750]),
                run("#3", vec![500, 500]),
            ],
            footer: "2 runs".into(),
        };
        let png = render_trend_png(&input).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // `TREND_PNG=path cargo test` keeps it, to look at.
        if let Ok(path) = std::env::var("TREND_PNG") {
            std::fs::write(path, &png).unwrap();
        }
        let mut bad = input.clone();
        bad.runs[1].shares.pop();
        assert!(render_trend_png(&bad).is_err());
        bad.runs.clear();
        assert!(render_trend_png(&bad).is_err());
    }
}
