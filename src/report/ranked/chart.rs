//! The chart of a ranked poll's instant runoff, rendered to PNG bytes.
//!
//! One block per option, in the order of how far it got: its label, then a
//! thin bar per round it was counted in (`Round 1` … at the left, the count
//! at the bar's end). The winner's bars are in the highlight colour and its
//! label bold; an eliminated option is greyed, its last bar saying in which
//! round it went. Bars share one scale, so an option's growth from round to
//! round (the ballots of eliminated options passing to it) reads down its
//! block. Drawn with the kit in `report/draw/` like the results chart.

use plotters::style::RGBColor;

use super::{Fate, ballots_text, option_name, standings};
use crate::i18n::{self, Language, format_count};
use crate::poll::RankedResults;
use crate::report::PollReport;
use crate::report::chart::{HIGHLIGHT, LEADING_VALUE_COLOR, MUTED};
use crate::report::draw::{
    ChartError, FOOTER_COLOR, LABEL_COLOR, LABEL_LINE, LABEL_SIZE, MARGIN_X, Placed, RULE_GAP,
    Rect, Scene, VALUE_COLOR, content_width, face, place_footer, place_lines, place_title,
    text_width,
};

/// Size of the round names and counts.
const ROUND_SIZE: f64 = 22.0;
/// Height of one round's line.
const ROUND_LINE: i32 = 26;
/// A round's bar within its line: from this far below the line's top …
const BAR_TOP: i32 = 3;
/// … this tall.
const BAR_HEIGHT: i32 = 18;
/// Between the round names' column and the bars.
const NAME_GAP: i32 = 12;
/// Between a bar's end and its count.
const VALUE_GAP: i32 = 10;
/// Between an option's label and its first round.
const LABEL_GAP: i32 = 6;
/// Between one option's last round and the next option's label.
const OPTION_GAP: i32 = 26;
/// Shortest bar drawn for a non-zero count.
const MIN_BAR: i32 = 4;
/// Fill of an eliminated option's bars.
const ELIMINATED: RGBColor = RGBColor(226, 228, 233);

/// What the chart shows of one option, formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RoundsOption {
    pub(super) label: String,
    /// Its votes in each round it was counted in, by round (from 0).
    pub(super) counts: Vec<(usize, u64)>,
    /// Said after its last count: its share and `winner`, or the round it
    /// was eliminated in.
    pub(super) note: Option<String>,
    pub(super) fate: Fate,
}

/// Everything the chart shows, localized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RoundsInput {
    pub(super) title: String,
    /// `Round 1`, `Round 2`, …
    pub(super) round_names: Vec<String>,
    pub(super) options: Vec<RoundsOption>,
    /// Said under the title when there are no ballots.
    pub(super) empty_note: Option<String>,
    pub(super) footer: String,
}

/// The chart's contents for `report`'s poll and its `ranked` results.
pub(super) fn rounds_input(
    report: &PollReport,
    ranked: &RankedResults,
    language: Language,
) -> RoundsInput {
    let poll = &report.poll;
    let rounds = &ranked.runoff.rounds;
    let options = standings(ranked)
        .into_iter()
        .map(|standing| {
            let index = usize::from(standing.index);
            let counts = rounds
                .iter()
                .enumerate()
                .filter_map(|(r, round)| round.counts.get(index).copied().flatten().map(|c| (r, c)))
                .collect();
            let note = match standing.fate {
                Fate::Winner => Some(format!(
                    "{} · {}",
                    standing.share,
                    i18n::text(language, "ranked-chart-winner")
                )),
                Fate::Final => Some(standing.share.to_string()),
                Fate::Eliminated(round) => Some(i18n::text_with(
                    language,
                    "ranked-chart-eliminated",
                    &[("round", round.into())],
                )),
                Fate::Uncounted => None,
            };
            RoundsOption {
                label: option_name(poll, standing.index),
                counts,
                note,
                fate: standing.fate,
            }
        })
        .collect();
    let exhausted = rounds.last().map_or(0, |r| r.exhausted);
    RoundsInput {
        title: format!("{} {}", poll.id.number, poll.question.as_str()),
        round_names: (1..=rounds.len())
            .map(|round| i18n::text_with(language, "ranked-round", &[("round", round.into())]))
            .collect(),
        options,
        empty_note: ranked
            .runoff
            .winner
            .is_none()
            .then(|| i18n::text(language, "ranked-no-winner")),
        footer: i18n::text_with(
            language,
            "ranked-chart-footer",
            &[
                ("ballots", ballots_text(language, ranked.ballots).into()),
                ("rounds", rounds.len().into()),
                ("exhausted", exhausted.into()),
                ("exhausted_text", format_count(exhausted).into()),
                ("period", report.period_text(language).into()),
            ],
        ),
    }
}

/// One round's line of an option's block.
#[derive(Debug, Clone)]
pub(super) struct RoundLine {
    pub(super) name: Placed,
    /// The bar, if the count is not 0.
    pub(super) bar: Option<Rect>,
    pub(super) value: Placed,
}

/// An option's block: its label's lines and a line per round.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) label: Vec<Placed>,
    pub(super) rounds: Vec<RoundLine>,
    pub(super) fate: Fate,
}

/// The whole chart, measured and positioned.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) height: u32,
    title: Vec<Placed>,
    title_rule_y: i32,
    empty_note: Vec<Placed>,
    pub(super) blocks: Vec<Block>,
    footer_rule_y: i32,
    footer: Vec<Placed>,
}

/// Where the bars start and how long the longest is.
struct Columns {
    bars_x: i32,
    longest: i32,
    max_count: u64,
}

impl Columns {
    fn measure(input: &RoundsInput) -> Result<Self, ChartError> {
        let mut names = 0;
        for name in &input.round_names {
            names = names.max(text_width(name, ROUND_SIZE)?);
        }
        let mut values = 0;
        for option in &input.options {
            for (i, _) in option.counts.iter().enumerate() {
                values = values.max(text_width(&value_text(option, i), ROUND_SIZE)?);
            }
        }
        let bars_x = MARGIN_X + names + NAME_GAP;
        let room = content_width() - names - NAME_GAP;
        let max_count = input
            .options
            .iter()
            .flat_map(|o| o.counts.iter().map(|&(_, c)| c))
            .max()
            .unwrap_or(0);
        Ok(Self {
            bars_x,
            longest: (room - VALUE_GAP - values).max(room / 3),
            max_count,
        })
    }

    fn length(&self, count: u64) -> i32 {
        if self.max_count == 0 || count == 0 {
            return 0;
        }
        let scaled = u128::from(count) * self.longest as u128 / u128::from(self.max_count);
        (scaled as i32).max(MIN_BAR)
    }
}

/// The text at the end of the `i`-th count's bar: the count, and the
/// option's note after its last.
fn value_text(option: &RoundsOption, i: usize) -> String {
    let count = format_count(option.counts[i].1);
    match &option.note {
        Some(note) if i + 1 == option.counts.len() => format!("{count} · {note}"),
        _ => count,
    }
}

pub(super) fn layout(input: &RoundsInput) -> Result<Layout, ChartError> {
    face()?;
    let (title, title_rule_y) = place_title(&input.title)?;
    let mut y = title_rule_y + RULE_GAP;
    let empty_note = match &input.empty_note {
        Some(note) => place_lines(note, LABEL_SIZE, LABEL_LINE, content_width(), &mut y)?,
        None => Vec::new(),
    };
    let columns = Columns::measure(input)?;
    let mut blocks = Vec::with_capacity(input.options.len());
    for option in &input.options {
        let label = place_lines(
            &option.label,
            LABEL_SIZE,
            LABEL_LINE,
            content_width(),
            &mut y,
        )?;
        y += LABEL_GAP;
        let mut rounds = Vec::with_capacity(option.counts.len());
        for (i, &(round, count)) in option.counts.iter().enumerate() {
            let name = input.round_names.get(round).cloned().unwrap_or_default();
            let length = columns.length(count);
            let bar = (length > 0).then_some((
                columns.bars_x,
                y + BAR_TOP,
                columns.bars_x + length,
                y + BAR_TOP + BAR_HEIGHT,
            ));
            let value_x = columns.bars_x + length + if length > 0 { VALUE_GAP } else { 0 };
            rounds.push(RoundLine {
                name: Placed::at(name, MARGIN_X, y, ROUND_SIZE),
                bar,
                value: Placed::at(value_text(option, i), value_x, y, ROUND_SIZE),
            });
            y += ROUND_LINE;
        }
        blocks.push(Block {
            label,
            rounds,
            fate: option.fate,
        });
        y += OPTION_GAP;
    }
    let footer_rule_y = y + RULE_GAP - OPTION_GAP;
    let (footer, height) = place_footer(&input.footer, footer_rule_y)?;
    Ok(Layout {
        height,
        title,
        title_rule_y,
        empty_note,
        blocks,
        footer_rule_y,
        footer,
    })
}

/// The colours of an option's bars, label and counts.
pub(super) fn colors(fate: Fate) -> (RGBColor, RGBColor, RGBColor) {
    match fate {
        Fate::Winner => (HIGHLIGHT, LABEL_COLOR, LEADING_VALUE_COLOR),
        Fate::Final => (MUTED, LABEL_COLOR, VALUE_COLOR),
        Fate::Eliminated(_) | Fate::Uncounted => (ELIMINATED, FOOTER_COLOR, FOOTER_COLOR),
    }
}

fn scene(layout: &Layout) -> Scene {
    let mut scene = Scene::default();
    scene.title(&layout.title, layout.title_rule_y);
    scene.lines(&layout.empty_note, LABEL_SIZE, VALUE_COLOR);
    for block in &layout.blocks {
        let winner = block.fate == Fate::Winner;
        let (bar, label, value) = colors(block.fate);
        for line in &block.label {
            scene.styled(line, LABEL_SIZE, label, winner);
        }
        for round in &block.rounds {
            scene.text(round.name.clone(), ROUND_SIZE, FOOTER_COLOR);
            if let Some(rect) = round.bar {
                scene.rect(rect, bar);
            }
            scene.styled(&round.value, ROUND_SIZE, value, winner);
        }
    }
    scene.footer(&layout.footer, layout.footer_rule_y);
    scene
}

/// The chart of `ranked`'s instant runoff for `report`'s poll, in
/// `language`, as PNG bytes: [`crate::report::chart::WIDTH`] wide, as tall
/// as its options and rounds need. An error when it would be taller than
/// Telegram allows ([`ChartError::TooTall`]): then the caller sends the
/// text alone, as it does when the results chart fails.
pub fn rounds_png(
    report: &PollReport,
    ranked: &RankedResults,
    language: Language,
) -> Result<Vec<u8>, ChartError> {
    render(&rounds_input(report, ranked, language))
}

pub(super) fn render(input: &RoundsInput) -> Result<Vec<u8>, ChartError> {
    let layout = layout(input)?;
    scene(&layout).render(layout.height)
}
