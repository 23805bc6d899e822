//! Every user mistake becomes a localized message that says what is wrong
//! and how to write it right.

use crate::i18n::{self, Language};
use crate::poll::{
    CountryError, DeadlineError, MAX_COUNTRIES, MAX_DESCRIPTION_CHARS, MAX_OPTION_CHARS,
    MAX_OPTIONS, MAX_QUESTION_CHARS, MAX_RANKED_OPTIONS, MAX_REMINDERS, MIN_OPTIONS, PollError,
    ReminderError,
};

use super::command::{CommandError, NewPollError};

/// The reply to a malformed command.
pub fn command_error(language: Language, error: &CommandError) -> String {
    let t = |key: &str, args: &[(&'static str, i18n::Arg)]| -> String {
        // Arguments are built per call; `text_with` borrows them.
        i18n::text_with(language, key, args)
    };
    match error {
        CommandError::NewPoll(error) => {
            let what = new_poll_error(language, error);
            format!("{what}\n\n{}", i18n::text(language, "usage-newpoll"))
        }
        CommandError::BadPollRef { command, arg } => t(
            "error-poll-ref",
            &[("arg", arg.as_str().into()), ("command", (*command).into())],
        ),
        CommandError::ExtraArguments { command } => {
            t("error-extra-arguments", &[("command", (*command).into())])
        }
        CommandError::BadReportArgument(arg) => {
            t("error-report-argument", &[("arg", arg.as_str().into())])
        }
        CommandError::BadExportArgument(arg) => {
            t("error-export-argument", &[("arg", arg.as_str().into())])
        }
        CommandError::BadShareArgument(arg) => {
            t("error-share-argument", &[("arg", arg.as_str().into())])
        }
        CommandError::PostMissingCode => t("error-post-missing-code", &[]),
        CommandError::PostBadCode(code) => t(
            "error-post-bad-code",
            &[("code", super::share::quoted_code(code).into())],
        ),
        CommandError::LangMissing => t("error-lang-missing", &[]),
        CommandError::LangExtra => t("error-lang-extra", &[]),
        CommandError::TimezoneExtra => t("error-timezone-extra", &[]),
        CommandError::CancelMissing => t("error-cancel-missing", &[]),
        CommandError::TimezoneUnknown(name) => {
            t("error-timezone-unknown", &[("name", name.as_str().into())])
        }
        CommandError::LangUnknown(code) => {
            t("error-lang-unknown", &[("code", code.as_str().into())])
        }
    }
}

fn new_poll_error(language: Language, error: &NewPollError) -> String {
    let t = |key: &str, args: &[(&'static str, i18n::Arg)]| i18n::text_with(language, key, args);
    match error {
        NewPollError::Empty => t("error-newpoll-empty", &[]),
        NewPollError::UnknownFlag(flag) => {
            t("error-unknown-flag", &[("flag", flag.as_str().into())])
        }
        NewPollError::MissingWhen => t("error-missing-when", &[]),
        NewPollError::OpenAnonymous => t("error-open-anonymous", &[]),
        NewPollError::RankedAndPick => t("error-ranked-and-pick", &[]),
        NewPollError::BadPick(value) => t("error-bad-pick", &[("value", value.as_str().into())]),
        NewPollError::Countries(CountryError::Unknown(code)) => {
            t("error-bad-country", &[("code", code.as_str().into())])
        }
        NewPollError::Countries(CountryError::TooMany(count)) => t(
            "error-too-many-countries",
            &[("count", (*count).into()), ("limit", MAX_COUNTRIES.into())],
        ),
        NewPollError::Countries(CountryError::Empty) => t("error-no-countries", &[]),
        NewPollError::RemindWithoutUntil => t("error-remind-without-until", &[]),
        NewPollError::BadEvery(value) => t("error-bad-every", &[("value", value.as_str().into())]),
        NewPollError::Reminders(ReminderError::Unreadable(text)) => {
            t("error-bad-reminder", &[("value", text.as_str().into())])
        }
        NewPollError::Reminders(ReminderError::InThePast(text)) => {
            t("error-reminder-in-past", &[("value", text.as_str().into())])
        }
        NewPollError::Reminders(ReminderError::TooMany(count)) => t(
            "error-too-many-reminders",
            &[("count", (*count).into()), ("limit", MAX_REMINDERS.into())],
        ),
        NewPollError::BadQuorum(value) => {
            t("error-bad-quorum", &[("value", value.as_str().into())])
        }
        NewPollError::PickOverOptions { limit, options } => t(
            "error-pick-over-options",
            &[
                ("limit", u32::from(*limit).into()),
                ("count", (*options).into()),
            ],
        ),
        NewPollError::NativeOnlyFlag(flag) => {
            t("error-native-only-flag", &[("flag", (*flag).into())])
        }
        NewPollError::TooManyBallotOptions(count) => t(
            "error-too-many-ballot-options",
            &[
                ("count", (*count).into()),
                ("limit", MAX_RANKED_OPTIONS.into()),
            ],
        ),
        NewPollError::Deadline(DeadlineError::Unreadable(when)) => {
            t("error-unreadable-when", &[("when", when.as_str().into())])
        }
        NewPollError::Deadline(DeadlineError::InThePast(at, zone)) => t(
            "error-when-in-past",
            &[(
                "date",
                i18n::format_date_time_in(language, *at, *zone).into(),
            )],
        ),
        NewPollError::Deadline(DeadlineError::SkippedTime(when, zone)) => t(
            "error-skipped-time",
            &[("when", when.as_str().into()), ("zone", (*zone).into())],
        ),
        NewPollError::Poll(error) => match error {
            PollError::EmptyQuestion => t("error-empty-question", &[]),
            PollError::QuestionTooLong(length) => t(
                "error-question-too-long",
                &[
                    ("length", (*length).into()),
                    ("limit", MAX_QUESTION_CHARS.into()),
                ],
            ),
            PollError::EmptyOption => t("error-empty-option", &[]),
            PollError::OptionTooLong(option, length) => t(
                "error-option-too-long",
                &[
                    ("option", short(option).into()),
                    ("length", (*length).into()),
                    ("limit", MAX_OPTION_CHARS.into()),
                ],
            ),
            PollError::TooFewOptions(count) => t(
                "error-too-few-options",
                &[("count", (*count).into()), ("limit", MIN_OPTIONS.into())],
            ),
            PollError::TooManyOptions(count) => t(
                "error-too-many-options",
                &[("count", (*count).into()), ("limit", MAX_OPTIONS.into())],
            ),
            PollError::DuplicateOption(option) => t(
                "error-duplicate-option",
                &[("option", short(option).into())],
            ),
            PollError::EmptyDescription => t("error-empty-description", &[]),
            PollError::DescriptionTooLong(length) => t(
                "error-description-too-long",
                &[
                    ("length", (*length).into()),
                    ("limit", MAX_DESCRIPTION_CHARS.into()),
                ],
            ),
        },
    }
}

/// An overlong option quoted back to its author, cut by characters.
fn short(text: &str) -> String {
    const QUOTED: usize = 40;
    if text.chars().count() <= QUOTED {
        return text.to_owned();
    }
    let cut: String = text.chars().take(QUOTED).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mistake_says_what_and_how() {
        let e = CommandError::NewPoll(NewPollError::Poll(PollError::TooFewOptions(1)));
        let text = command_error(Language::English, &e);
        assert!(
            text.starts_with("A poll needs at least 2 options; this one has 1."),
            "{text}"
        );
        assert!(text.contains("/newpoll Question? | Option one | Option two"));
        let text = command_error(Language::Chinese, &e);
        assert!(
            text.starts_with("投票至少需要 2 个选项；现在只有 1 个。"),
            "{text}"
        );
    }
}
