//! What the bot says, as values: each variant is one locale key with its
//! arguments, so that the words live in `locales/` and tests can compare
//! against the same source.

use super::command::CommandError;
use crate::i18n::{self, Language};
use crate::poll::{Period, PollNumber, Zone};
use crate::report;
use chrono::{DateTime, Utc};

/// How many polls `/polls` lists, the most recent ones.
pub const LISTED_POLLS: usize = 30;
/// How much of each question `/polls` shows.
const LISTED_QUESTION_CHARS: usize = 80;

/// Why Telegram would not do something, in words a moderator can act on
/// (never Telegram's own English description).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The bot lacks an administrator right it needs here.
    NoRights,
    /// The message it concerns no longer exists.
    MessageGone,
    /// Anything else Telegram refused.
    Other,
}

/// A row of `/polls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRow {
    pub number: PollNumber,
    pub question: String,
    pub voters: u64,
    pub open: bool,
    /// A `--hidden` poll still open: listed without its count.
    pub hidden: bool,
    /// Shared with other chats, or a copy of another chat's poll.
    pub campaign: Option<CampaignMark>,
    /// `--members-only` and `--countries`: who may vote.
    pub members_only: bool,
    pub countries: Vec<String>,
}

/// One waiting poll of `/scheduled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledRow {
    pub number: PollNumber,
    pub question: String,
    pub at: DateTime<Utc>,
}

/// How `/polls` marks a poll of several chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignMark {
    /// This chat's poll, shared: posted in `copies` other chats so far.
    Shared { copies: usize },
    /// A copy of another chat's poll (posted here with `/post`).
    Joined,
}

/// Something the bot says in a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Help,
    Start,
    LangSet,
    /// A moderator command from someone who is not one.
    NotModerator {
        command: String,
    },
    /// `/foo@ThisBot`, or any unknown command in a private chat.
    UnknownCommand {
        command: String,
    },
    /// A command written wrong: what is wrong and the right form.
    Malformed(CommandError),
    PollNotFound(PollNumber),
    NoPolls,
    /// A new poll is out; `bot_is_admin: false` adds the reactions warning.
    PollPosted {
        number: PollNumber,
        bot_is_admin: bool,
    },
    /// The bot asked Telegram for the poll but cannot tell whether it went out.
    PollUnconfirmed,
    PollClosedAlready(PollNumber),
    /// Telegram would not stop the poll: it stays open.
    CloseRefused {
        number: PollNumber,
        why: Refusal,
    },
    Polls(Vec<PollRow>),
    /// The export is larger than Telegram takes even zipped.
    ExportTooLarge {
        number: PollNumber,
        command: String,
    },
    /// `/report --by` names a poll that cannot profile this one: why, and
    /// the poll it is about.
    ProfileRefused(super::report::ByRefusal),
    /// Telegram refused to carry out the command.
    Refused(Refusal),
    /// Our own failure, or Telegram failing for too long.
    Internal,
    /// `--open` in a channel, where every poll is anonymous.
    OpenInChannel,
    /// `--quorum P%` in a private chat, which has no members to count.
    QuorumOfMembersInPrivate,
    /// `/newpoll --at`: poll `number` goes out at `at` (shown in the
    /// chat's zone, given to [`Reply::text_in`]).
    PollScheduled {
        number: PollNumber,
        at: DateTime<Utc>,
    },
    /// `/newpoll --every`: poll `number` is the first run of a series.
    SeriesScheduled {
        number: PollNumber,
        at: DateTime<Utc>,
        every: Period,
    },
    /// `/report N --trend` of a poll that is no series.
    NotASeries(PollNumber),
    /// `/scheduled`: the chat's waiting polls.
    ScheduledList(Vec<ScheduledRow>),
    /// `/scheduled` with none waiting.
    NothingScheduled,
    /// `/cancel N` done.
    ScheduledCancelled(PollNumber),
    /// `/cancel N` with no such poll waiting.
    NotScheduled(PollNumber),
    /// `/timezone ZONE` done.
    TimezoneSet(&'static str),
    /// `/timezone` alone: the chat's zone.
    TimezoneIs(&'static str),
    /// `--members-only` or `--countries` outside a channel.
    ChannelOnlyFlag(&'static str),
    /// A hidden poll's results are for moderators in private, and Telegram
    /// will not let the bot start that chat.
    PrivateChatNeeded(PollNumber),
    /// A hidden poll's results asked for by an anonymous administrator or a
    /// channel, who have no private chat with the bot.
    HiddenNoPrivateChat(PollNumber),
    /// What `/share` and `/post` say.
    Share(super::share::ShareReply),
}

impl Reply {
    /// The words, in `language`: each variant's locale key is named here,
    /// or in the one function its arm calls.
    pub fn text(&self, language: Language) -> String {
        self.text_in(language, Zone::UTC)
    }

    /// [`Reply::text`] with times shown in `zone` (the chat's).
    pub fn text_in(&self, language: Language, zone: Zone) -> String {
        let words = Words(language);
        let when = |at: &DateTime<Utc>| i18n::format_date_time_in(language, *at, zone);
        match self {
            Reply::PollScheduled { number, at } => words.with(
                "poll-scheduled",
                &[
                    ("number", number.to_string().into()),
                    ("date", when(at).into()),
                ],
            ),
            Reply::ScheduledList(rows) => {
                let mut lines = vec![words.key("scheduled-header")];
                lines.extend(rows.iter().map(|row| {
                    words.with(
                        "scheduled-row",
                        &[
                            ("number", row.number.to_string().into()),
                            (
                                "question",
                                report::quote(&row.question, LISTED_QUESTION_CHARS).into(),
                            ),
                            ("date", when(&row.at).into()),
                        ],
                    )
                }));
                lines.join("\n")
            }
            Reply::SeriesScheduled { number, at, every } => words.with(
                "series-scheduled",
                &[
                    ("number", number.to_string().into()),
                    ("date", when(at).into()),
                    ("every", period_text(words, *every).into()),
                ],
            ),
            Reply::NothingScheduled => words.key("scheduled-none"),
            Reply::NotASeries(number) => words.number("not-a-series", *number),
            Reply::ScheduledCancelled(number) => words.number("scheduled-cancelled", *number),
            Reply::NotScheduled(number) => words.number("not-scheduled", *number),
            // Greetings and settings.
            Reply::Help => words.key("help"),
            Reply::Start => format!("{}\n\n{}", words.key("start"), words.key("help")),
            Reply::LangSet => words.key("lang-set"),
            // A poll's life.
            Reply::PollPosted {
                number,
                bot_is_admin,
            } => poll_posted(words, *number, *bot_is_admin),
            Reply::PollUnconfirmed => words.key("poll-unconfirmed"),
            Reply::PollClosedAlready(number) => words.number("poll-closed-already", *number),
            Reply::CloseRefused { number, why } => close_refused(words, *number, *why),
            Reply::PrivateChatNeeded(number) => words.number("hidden-start-private-chat", *number),
            Reply::HiddenNoPrivateChat(number) => words.number("hidden-no-private-chat", *number),
            Reply::ExportTooLarge { number, command } => export_too_large(words, *number, command),
            // Lists.
            Reply::Polls(rows) => poll_list(words, rows),
            // `/share` and `/post` have their own words (share.rs).
            Reply::Share(reply) => reply.text(language),
            // Mistakes and refusals.
            Reply::NotModerator { command } => words.command("error-not-moderator", command),
            Reply::UnknownCommand { command } => words.command("error-unknown-command", command),
            Reply::Malformed(error) => super::mistakes::command_error(language, error),
            Reply::PollNotFound(number) => words.number("error-poll-not-found", *number),
            Reply::NoPolls => words.key("error-no-polls"),
            Reply::ProfileRefused(refusal) => words.number(refusal.key(), refusal.number()),
            Reply::OpenInChannel => words.key("error-open-in-channel"),
            Reply::QuorumOfMembersInPrivate => words.key("error-quorum-in-private"),
            Reply::TimezoneSet(zone) => words.with("timezone-set", &[("zone", (*zone).into())]),
            Reply::TimezoneIs(zone) => words.with("timezone-is", &[("zone", (*zone).into())]),
            Reply::ChannelOnlyFlag(flag) => {
                words.with("error-channel-only-flag", &[("flag", (*flag).into())])
            }
            Reply::Refused(why) => refusal_text(language, *why),
            Reply::Internal => words.key("error-internal"),
        }
    }
}

/// The locale texts of one language.
#[derive(Clone, Copy)]
struct Words(Language);

impl Words {
    fn key(self, key: &str) -> String {
        i18n::text(self.0, key)
    }

    fn with(self, key: &str, args: &[(&'static str, i18n::Arg)]) -> String {
        i18n::text_with(self.0, key, args)
    }

    /// A text about one poll, by its number.
    fn number(self, key: &str, number: PollNumber) -> String {
        self.with(key, &[("number", number.to_string().into())])
    }

    /// A text about one command, as written.
    fn command(self, key: &str, command: &str) -> String {
        self.with(key, &[("command", command.into())])
    }
}

/// A new poll is out, with the reactions warning if the bot is no admin.
fn poll_posted(words: Words, number: PollNumber, bot_is_admin: bool) -> String {
    let posted = words.with(
        "poll-posted",
        &[
            ("number", number.to_string().into()),
            ("n", number.0.into()),
        ],
    );
    match bot_is_admin {
        true => posted,
        false => format!("{posted}\n{}", words.key("warning-not-admin")),
    }
}

fn close_refused(words: Words, number: PollNumber, why: Refusal) -> String {
    words.with(
        "close-refused",
        &[
            ("number", number.to_string().into()),
            ("why", refusal_text(words.0, why).into()),
        ],
    )
}

fn export_too_large(words: Words, number: PollNumber, command: &str) -> String {
    words.with(
        "export-too-large",
        &[
            ("number", number.to_string().into()),
            ("command", command.into()),
        ],
    )
}

/// `every week`, `every 2 months`.
fn period_text(words: Words, every: Period) -> String {
    let (key, count) = match every {
        Period::Days(n) => ("every-days", n),
        Period::Weeks(n) => ("every-weeks", n),
        Period::Months(n) => ("every-months", n),
    };
    words.with(key, &[("count", count.into())])
}

/// `/polls`: a header, then a row per poll.
fn poll_list(words: Words, rows: &[PollRow]) -> String {
    let mut lines = vec![words.key("polls-header")];
    lines.extend(rows.iter().map(|row| poll_row(words, row)));
    lines.join("\n")
}

/// One poll of `/polls`: number, question, voters (not for a hidden poll
/// still open), state, and how it is shared.
fn poll_row(words: Words, row: &PollRow) -> String {
    let state = if row.open {
        "state-open"
    } else {
        "state-closed"
    };
    let mut args = vec![
        ("number", row.number.to_string().into()),
        (
            "question",
            report::quote(&row.question, LISTED_QUESTION_CHARS).into(),
        ),
        ("state", words.key(state).into()),
    ];
    let key = match row.hidden {
        true => "polls-row-hidden",
        false => {
            let voters = report::voters_text(words.0, row.voters);
            args.push(("voters", voters.into()));
            "polls-row"
        }
    };
    let mut line = words.with(key, &args);
    if row.members_only {
        line = format!("{line} · {}", words.key("polls-members-only"));
    }
    if !row.countries.is_empty() {
        let countries = row.countries.join(", ");
        let mark = words.with("polls-countries", &[("countries", countries.into())]);
        line = format!("{line} · {mark}");
    }
    match row.campaign {
        Some(CampaignMark::Shared { copies }) => {
            let mark = words.with("polls-shared", &[("count", copies.into())]);
            format!("{line} · {mark}")
        }
        Some(CampaignMark::Joined) => format!("{line} · {}", words.key("polls-joined")),
        None => line,
    }
}

fn refusal_text(language: Language, why: Refusal) -> String {
    let key = match why {
        Refusal::NoRights => "refusal-no-rights",
        Refusal::MessageGone => "refusal-message-gone",
        Refusal::Other => "refusal-other",
    };
    i18n::text(language, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_polls_are_listed_without_a_count() {
        let row = |number, hidden| PollRow {
            number: PollNumber(number),
            question: "Q?".into(),
            voters: 7,
            open: true,
            hidden,
            campaign: None,
            members_only: false,
            countries: Vec::new(),
        };
        let text = Reply::Polls(vec![row(1, false), row(2, true)]).text(Language::English);
        assert_eq!(
            text,
            "Polls in this chat:\n#1 Q? — 7 voters · open\n#2 Q? — results hidden until it closes · open"
        );
        let zh = Reply::Polls(vec![row(2, true)]).text(Language::Chinese);
        assert!(!zh.contains('7'), "{zh}");
        let ru = Reply::Polls(vec![row(2, true)]).text(Language::Russian);
        assert!(!ru.contains('7'), "{ru}");
    }

    #[test]
    fn who_may_vote_is_listed() {
        let row = PollRow {
            number: PollNumber(4),
            question: "Q?".into(),
            voters: 2,
            open: true,
            hidden: false,
            campaign: None,
            members_only: true,
            countries: vec!["RU".into(), "CN".into()],
        };
        assert_eq!(
            Reply::Polls(vec![row]).text(Language::English),
            "Polls in this chat:\n#4 Q? — 2 voters · open · members of over a day only · voters from RU, CN"
        );
    }

    #[test]
    fn shared_polls_and_joined_copies_are_marked() {
        let row = |number, campaign| PollRow {
            number: PollNumber(number),
            question: "Q?".into(),
            voters: 1,
            open: false,
            hidden: false,
            campaign,
            members_only: false,
            countries: Vec::new(),
        };
        let text = Reply::Polls(vec![
            row(1, Some(CampaignMark::Shared { copies: 2 })),
            row(2, Some(CampaignMark::Joined)),
            row(3, Some(CampaignMark::Shared { copies: 0 })),
        ])
        .text(Language::English);
        assert_eq!(
            text,
            "Polls in this chat:\n#1 Q? — 1 voter · closed · shared with 2 other chats\n\
             #2 Q? — 1 voter · closed · a copy of another chat's poll\n\
             #3 Q? — 1 voter · closed · shared, not posted elsewhere yet"
        );
    }
}
