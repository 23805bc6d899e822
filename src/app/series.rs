//! `/report N --trend`: a series' runs, each option's share run by run.

use super::CAPTION_LIMIT;
use super::results::fit;
use crate::i18n::{self, Language, format_count};
use crate::poll::{Poll, Run, Zone};
use crate::report::trend::{MAX_RUNS, TrendInput, TrendRun, render_trend_png};
use crate::report::voters_text;
use crate::store::{self, Store};

/// A series' trend: the chart and its caption.
#[derive(Debug, Clone)]
pub struct Trend {
    pub png: Option<Vec<u8>>,
    pub caption: String,
    pub file_name: String,
}

/// The runs of `poll`'s series (its latest [`MAX_RUNS`]), oldest first;
/// `None` for a poll that is no run of a series. A run whose results are
/// still hidden is left out.
pub fn runs(store: &Store, poll: &Poll) -> store::Result<Option<Vec<(Poll, Run)>>> {
    let Some(first) = poll.features.series.and_then(|s| s.first) else {
        return Ok(None);
    };
    let mut runs = Vec::new();
    for run in store.polls_of_chat(poll.id.chat)? {
        let of_series = run.features.series.and_then(|s| s.first) == Some(first);
        if !of_series || run.results_hidden() {
            continue;
        }
        let tally = store.tally(run.id)?.unwrap_or_default();
        let counted = Run::new(run.id.number.0, run.created_at, &tally, run.multiple);
        runs.push((run, counted));
    }
    let skip = runs.len().saturating_sub(MAX_RUNS);
    Ok(Some(runs.split_off(skip)))
}

/// The trend of `poll`'s series in `language`, dates in `zone`; `None`
/// when it is no series.
pub fn trend(
    store: &Store,
    poll: &Poll,
    language: Language,
    zone: Zone,
) -> store::Result<Option<Trend>> {
    let Some(runs) = runs(store, poll)? else {
        return Ok(None);
    };
    let series: Vec<String> = poll.options.iter().map(|o| o.as_str().to_owned()).collect();
    let title = i18n::text_with(
        language,
        "trend-title",
        &[
            ("number", poll.id.number.to_string().into()),
            ("question", poll.question.as_str().into()),
        ],
    );
    let mut lines = vec![title.clone()];
    for (run, counted) in &runs {
        let shares: Vec<String> = series
            .iter()
            .zip(&counted.shares)
            .map(|(option, share)| format!("{option} {share}"))
            .collect();
        lines.push(i18n::text_with(
            language,
            "trend-run",
            &[
                ("number", run.id.number.to_string().into()),
                (
                    "date",
                    i18n::format_date_in(language, run.created_at, zone).into(),
                ),
                ("voters", voters_text(language, counted.voters).into()),
                ("shares", shares.join(" · ").into()),
            ],
        ));
    }
    let input = TrendInput {
        title,
        series: series.clone(),
        runs: runs
            .iter()
            .map(|(run, counted)| TrendRun {
                label: run.id.number.to_string(),
                voters: format_count(counted.voters),
                shares: counted.shares.iter().map(|s| s.0).collect(),
            })
            .collect(),
        footer: i18n::text_with(language, "trend-footer", &[("runs", runs.len().into())]),
    };
    let png = match runs.is_empty() {
        true => None,
        false => render_trend_png(&input).ok(),
    };
    Ok(Some(Trend {
        png,
        caption: fit(&lines.join("\n"), CAPTION_LIMIT),
        file_name: format!("poll-{}-trend.png", poll.id.number.0),
    }))
}
