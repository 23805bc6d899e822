//! `--remind`: what a reminder says, and that it goes once.

use chrono::{DateTime, TimeDelta, Utc};

use super::load;
use crate::i18n::{self, Language};
use crate::poll::PollId;
use crate::report::turnout_text;
use crate::store::{self, Store};

/// The reminder of poll `id` at `now`: how long until it closes, and the
/// votes so far with the turnout — never who has not voted, and no count
/// at all while the poll keeps its results hidden. `None` when the poll is
/// gone, closed or without a deadline: nothing to remind of.
pub fn reminder_text(
    store: &Store,
    id: PollId,
    now: DateTime<Utc>,
    language: Language,
) -> store::Result<Option<String>> {
    let Some(report) = load::poll_report(store, id)? else {
        return Ok(None);
    };
    let poll = &report.poll;
    let (true, Some(deadline)) = (poll.is_open(), poll.deadline) else {
        return Ok(None);
    };
    let left = time_left(language, deadline - now);
    let closes = i18n::text_with(
        language,
        "reminder-closes",
        &[
            ("number", poll.id.number.to_string().into()),
            ("question", poll.question.as_str().into()),
            ("left", left.into()),
            (
                "date",
                i18n::format_date_time_in(language, deadline, report.zone).into(),
            ),
        ],
    );
    let so_far = match poll.results_hidden() {
        true => i18n::text(language, "reminder-hidden"),
        false => i18n::text_with(
            language,
            "reminder-so-far",
            &[(
                "turnout",
                turnout_text(&report, language, report.tally.voters).into(),
            )],
        ),
    };
    Ok(Some(format!("{closes}\n{so_far}")))
}

/// `1 day 2 hours`, `5 hours 30 minutes`, `12 minutes`: the two largest
/// units (days and hours, or hours and minutes), never below a minute.
pub fn time_left(language: Language, left: TimeDelta) -> String {
    let minutes = u64::try_from(left.num_minutes()).unwrap_or(0).max(1);
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let unit = |key: &str, count: u64| i18n::text_with(language, key, &[("count", count.into())]);
    let (first, second) = match (days, hours) {
        (0, 0) => (("left-minutes", minutes), None),
        (0, _) => (("left-hours", hours), Some(("left-minutes", minutes))),
        _ => (("left-days", days), Some(("left-hours", hours))),
    };
    match second.filter(|(_, count)| *count > 0) {
        Some(second) => format!("{} {}", unit(first.0, first.1), unit(second.0, second.1)),
        None => unit(first.0, first.1),
    }
}

/// Reminder `index` of poll `id` went out (or may have): never again.
pub fn mark_sent(store: &Store, id: PollId, index: u8) -> store::Result<()> {
    store.write(|changes| changes.mark_reminder_sent(id, index))?;
    store.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_gives_the_two_largest_units() {
        let en = |minutes| time_left(Language::English, TimeDelta::minutes(minutes));
        assert_eq!(en(1440), "1 day");
        assert_eq!(en(1440 + 120), "1 day 2 hours");
        assert_eq!(en(2 * 1440 + 59), "2 days");
        assert_eq!(en(60), "1 hour");
        assert_eq!(en(330), "5 hours 30 minutes");
        assert_eq!(en(12), "12 minutes");
        assert_eq!(en(0), "1 minute");
        assert_eq!(
            time_left(Language::Chinese, TimeDelta::minutes(1500)),
            "1 天 1 小时"
        );
    }
}
