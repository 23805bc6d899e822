//! What the page's charts and the bot's photo caption show, in the page's
//! language: the headline sentences, the timeline's and the profile's
//! inputs. Plain text (not escaped): the charts draw it, the caption is
//! sent as it is.

use chrono::{DateTime, Timelike, Utc};

use super::option_text;
use crate::i18n::{self, Language, format_count};
use crate::report::breakdown::{ProfileBar, ProfileGroup, ProfileInput, TimelineInput};
use crate::report::full::{BucketUnit, Cell, FullReportData, Profile, SMALL_CELL};
use crate::report::summary::voters_text;

/// The leader, the most-discussed option and the totals, as sentences (not
/// escaped: the caption of the bot's photo).
pub fn headline(data: &FullReportData, language: Language) -> String {
    let poll = &data.report.poll;
    let mut parts = vec![format!("{} {}", poll.id.number, poll.question.as_str())];
    // A ranked poll's winner is the runoff's; its tally counts first
    // preferences.
    let winner = data.ranked.as_ref().and_then(|ranked| {
        let index = ranked.runoff.winner?;
        Some(i18n::text_with(
            language,
            "report-headline-ranked-winner",
            &[
                (
                    "option",
                    crate::report::ranked::option_name(poll, index).into(),
                ),
                ("rounds", ranked.runoff.rounds.len().into()),
            ],
        ))
    });
    let leader_key = match winner {
        Some(winner) => {
            parts.push(winner);
            "report-headline-first-preferences"
        }
        None => "report-headline-leader",
    };
    match data.leader() {
        Some(leader) => parts.push(i18n::text_with(
            language,
            leader_key,
            &[
                ("option", option_text(data, leader.index).into()),
                ("share", leader.share.to_string().into()),
            ],
        )),
        None => parts.push(i18n::text(language, "report-headline-no-votes")),
    }
    if let Some(most) = data.most_discussed() {
        parts.push(i18n::text_with(
            language,
            "report-headline-discussion",
            &[
                ("option", option_text(data, most.index).into()),
                ("count", most.comments.into()),
                ("count_text", format_count(most.comments).into()),
            ],
        ));
    }
    parts.push(i18n::text_with(
        language,
        "report-headline-totals",
        &[
            ("comments", data.comments.into()),
            ("comments_text", format_count(data.comments).into()),
            ("approvals", data.approvals.into()),
            ("approvals_text", format_count(data.approvals).into()),
        ],
    ));
    parts.join("\n")
}

/// A timeline bucket's label: `14 Mar`, or `09:00` (with the day at
/// midnight) for hours.
fn bucket_label(unit: BucketUnit, at: DateTime<Utc>, language: Language) -> String {
    let day = || {
        i18n::text_with(
            language,
            "date-short",
            &[
                ("day", chrono::Datelike::day(&at).into()),
                (
                    "month",
                    i18n::text(language, &format!("month-{}", chrono::Datelike::month(&at))).into(),
                ),
                ("month_number", chrono::Datelike::month(&at).into()),
            ],
        )
    };
    match unit {
        BucketUnit::Day => day(),
        BucketUnit::Hour if at.hour() == 0 => day(),
        BucketUnit::Hour => at.format("%H:%M").to_string(),
    }
}

/// The timeline chart's contents.
pub fn timeline_input(data: &FullReportData, language: Language) -> TimelineInput {
    let poll = &data.report.poll;
    let timeline = &data.timeline;
    let title_key = match timeline.unit {
        BucketUnit::Day => "report-timeline-title-day",
        BucketUnit::Hour => "report-timeline-title-hour",
    };
    TimelineInput {
        title: i18n::text_with(
            language,
            title_key,
            &[("number", poll.id.number.to_string().into())],
        ),
        series: poll.all_options().map(|o| o.text.to_owned()).collect(),
        buckets: timeline.buckets.clone(),
        labels: (0..timeline.buckets.len())
            .map(|i| bucket_label(timeline.unit, timeline.bucket_start(i), language))
            .collect(),
        footer: format!(
            "{} · {}",
            voters_text(language, data.report.tally.voters),
            data.report.period_text(language)
        ),
        empty_note: i18n::text(language, "report-timeline-empty"),
        marks: reminder_marks(data, language),
    }
}

/// The reminders sent, each over the bucket it went out in.
fn reminder_marks(data: &FullReportData, language: Language) -> Vec<(usize, String)> {
    let poll = &data.report.poll;
    let Some(deadline) = poll.deadline else {
        return Vec::new();
    };
    poll.features
        .reminders
        .iter()
        .filter(|r| r.sent)
        .filter_map(|r| data.timeline.bucket_of(r.due_at(deadline)))
        .map(|bucket| (bucket, i18n::text(language, "report-timeline-reminder")))
        .collect()
}

/// `35.2% (120)` or `<5`.
pub(super) fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Small => format!("<{}", SMALL_CELL),
        Cell::Shown { count, share } => format!("{share} ({})", format_count(count)),
    }
}

/// The profile chart's contents.
pub fn profile_input(data: &FullReportData, profile: &Profile, language: Language) -> ProfileInput {
    let poll = &data.report.poll;
    ProfileInput {
        title: i18n::text_with(
            language,
            "report-profile-title",
            &[
                ("number", poll.id.number.to_string().into()),
                ("by_number", profile.by.id.number.to_string().into()),
                ("by_question", profile.by.question.as_str().into()),
            ],
        ),
        series: profile
            .by
            .all_options()
            .map(|o| o.text.to_owned())
            .collect(),
        groups: data
            .sections
            .iter()
            .map(|section| ProfileGroup {
                label: format!(
                    "{} ({})",
                    option_text(data, section.index),
                    format_count(profile.row_voters[section.index])
                ),
                bars: profile
                    .row(section.index)
                    .into_iter()
                    .map(|cell| ProfileBar {
                        share: match cell {
                            Cell::Small => None,
                            Cell::Shown { share, .. } => Some(share.0),
                        },
                        text: cell_text(cell),
                    })
                    .collect(),
            })
            .collect(),
        footer: i18n::text_with(
            language,
            "report-profile-footer",
            &[
                ("voters", profile.voters.into()),
                ("voters_text", format_count(profile.voters).into()),
            ],
        ),
    }
}
