//! Reading a command message: pure text in, a [`Command`] or a
//! [`CommandError`] out. No Telegram types, so it can be tested (and
//! fuzzed) on its own.
//!
//! Here the commands and their errors, and [`parse`], which reads a
//! command's name; `/newpoll` and its flags in `newpoll.rs`, the other
//! commands' arguments in `args.rs`.

mod args;
mod newpoll;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};

use crate::i18n::Language;
use crate::poll::{
    Deadline, DeadlineError, PollError, PollFeatures, PollNumber, PollOptions, PollQuestion,
    ShareCode, Zone,
};
use crate::report::ExportFormat;

use args::{
    parse_cancel, parse_export, parse_lang, parse_post, parse_report, parse_share, parse_timezone,
    single_poll_ref,
};
use newpoll::parse_new_poll;

/// Which poll a command means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollRef {
    /// `N` or `#N`.
    Number(u32),
    /// None given: the poll the message replies to, else the latest.
    Implicit,
}

/// A new poll as `/newpoll` describes it; valid by construction.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewPoll {
    pub question: PollQuestion,
    pub options: PollOptions,
    pub multiple: bool,
    pub anonymous: bool,
    pub deadline: Option<Deadline>,
    /// `--hidden`, `--final`, `--open`, `--shuffle` and the `> ` description.
    pub features: PollFeatures,
}

/// What `/share` does with a poll's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareAction {
    /// Give it (the same one again while it works).
    Give,
    /// `off`: revoke it.
    Revoke,
}

/// A command the bot understands, with valid arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `/newpoll`: post a poll.
    NewPoll(Box<NewPoll>),
    /// `/newpoll --at WHEN`: post a poll later.
    SchedulePoll {
        new_poll: Box<NewPoll>,
        at: DateTime<Utc>,
    },
    /// `/report N --trend`: a series' shares run by run.
    Trend(PollRef),
    /// `/scheduled`: the chat's polls waiting to be posted.
    Scheduled,
    /// `/cancel N`: drop a scheduled poll.
    Cancel(PollNumber),
    /// `/results [poll]`: the chart and summary.
    Results(PollRef),
    /// `/export [poll] [csv|json]`: the raw data as files.
    Export(PollRef, ExportFormat),
    /// `/close [poll]`: stop a poll and post its final results.
    Close(PollRef),
    /// `/report [poll] [--by POLL]`: the full report, profiled by another
    /// poll's answers with `--by`.
    Report(PollRef, Option<u32>),
    /// `/share [poll] [off]`: a code that lets another chat post the poll,
    /// or (`off`) revoking it.
    Share { poll: PollRef, action: ShareAction },
    /// `/post CODE`: post a shared poll in this chat.
    Post(ShareCode),
    /// `/polls`: the chat's polls.
    Polls,
    /// `/lang CODE`: the chat's language.
    Lang(Language),
    /// `/timezone ZONE`: the chat's time zone; alone, which it is.
    Timezone(Option<Zone>),
    /// `/help`.
    Help,
    /// `/start`, sent when someone opens a chat with the bot.
    Start,
}

impl Command {
    /// Whether only moderators may use it.
    pub fn needs_moderator(&self) -> bool {
        matches!(
            self,
            Command::NewPoll(_)
                | Command::SchedulePoll { .. }
                | Command::Scheduled
                | Command::Cancel(_)
                | Command::Results(_)
                | Command::Export(..)
                | Command::Close(_)
                | Command::Report(..)
                | Command::Trend(_)
                | Command::Share { .. }
                | Command::Post(_)
                | Command::Lang(_)
                | Command::Timezone(_)
        )
    }
}

/// Why a `/newpoll` cannot become a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewPollError {
    /// No question (and so no options) at all.
    Empty,
    /// A `--flag` that `/newpoll` does not have.
    UnknownFlag(String),
    /// `--until` at the end, without a time.
    MissingWhen,
    /// The time after `--until` is unreadable or past.
    Deadline(DeadlineError),
    /// The question or options break Telegram's limits.
    Poll(PollError),
    /// `--open` on an anonymous poll: Telegram lets members add options to
    /// public polls only.
    OpenAnonymous,
    /// `--ranked` and `--pick` together, or either twice.
    RankedAndPick,
    /// `--pick` without a number of at least 1.
    BadPick(String),
    /// `--pick K` with K over the number of options.
    PickOverOptions { limit: u8, options: usize },
    /// A flag that only Telegram's own polls have, on a button ballot.
    NativeOnlyFlag(&'static str),
    /// More options than a button ballot takes.
    TooManyBallotOptions(usize),
    /// `--quorum` with neither a number of voters nor a percent.
    BadQuorum(String),
    /// `--countries` with a code that is not ISO 3166-1 alpha-2, too many
    /// codes, or none.
    Countries(crate::poll::CountryError),
    /// `--remind` without `--until`: there is no deadline to remind of.
    RemindWithoutUntil,
    /// `--every` with neither days, weeks nor months.
    BadEvery(String),
    /// A `--remind` list that cannot be kept.
    Reminders(crate::poll::ReminderError),
}

/// A malformed command: what the user wrote wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// `/newpoll` that cannot become a poll.
    NewPoll(NewPollError),
    /// A poll argument that is not `N` or `#N`.
    BadPollRef { command: &'static str, arg: String },
    /// More arguments than the command takes.
    ExtraArguments { command: &'static str },
    /// An `/export` argument that is neither a poll nor a format.
    BadExportArgument(String),
    /// A `/report` argument that is neither a poll nor `--by POLL`.
    BadReportArgument(String),
    /// A `/share` argument that is neither a poll nor `off`.
    BadShareArgument(String),
    /// `/post` without a code.
    PostMissingCode,
    /// `/post` with something that is not a share code.
    PostBadCode(String),
    /// `/lang` without a code.
    LangMissing,
    /// `/lang` with a code the bot does not speak.
    LangUnknown(String),
    /// `/lang` with more than one word.
    LangExtra,
    /// `/timezone` with a name that is no IANA zone.
    TimezoneUnknown(String),
    /// `/timezone` with more than one word.
    TimezoneExtra,
    /// `/cancel` without the number of a scheduled poll.
    CancelMissing,
}

/// What a message that starts with `/` turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Not a command, or one addressed to another bot (`/cmd@OtherBot`).
    NotForUs,
    /// A command name the bot does not have, e.g. `/foo`; `addressed` when
    /// it named this bot explicitly.
    Unknown {
        name: String,
        addressed: bool,
    },
    Command(Command),
    Malformed(CommandError),
}

/// Reads `text` as a command to the bot called `bot_username`; `now`
/// anchors relative deadlines.
pub fn parse(text: &str, bot_username: Option<&str>, now: DateTime<Utc>) -> Parsed {
    parse_in(text, bot_username, now, Zone::UTC)
}

/// [`parse`] in a chat whose times are read in `zone` (`/timezone`).
pub fn parse_in(text: &str, bot_username: Option<&str>, now: DateTime<Utc>, zone: Zone) -> Parsed {
    let Some(rest) = text.strip_prefix('/') else {
        return Parsed::NotForUs;
    };
    let head_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (head, args) = rest.split_at(head_end);
    let (name, addressed) = match head.split_once('@') {
        // Until the bot knows its own name (Telegram has not told it yet),
        // a command addressed to any bot is taken as addressed to it.
        Some((name, bot)) if bot_username.is_none_or(|me| bot.eq_ignore_ascii_case(me)) => {
            (name, true)
        }
        Some(_) => return Parsed::NotForUs,
        None => (head, false),
    };
    if name.is_empty() {
        return Parsed::NotForUs;
    }
    let result = match name.to_lowercase().as_str() {
        "newpoll" => parse_new_poll(args, now, zone),
        "scheduled" => match args.trim().is_empty() {
            true => Ok(Command::Scheduled),
            false => Err(CommandError::ExtraArguments {
                command: "/scheduled",
            }),
        },
        "cancel" => parse_cancel(args),
        "results" => single_poll_ref("/results", args).map(Command::Results),
        "close" => single_poll_ref("/close", args).map(Command::Close),
        "report" => parse_report(args),
        "export" => parse_export(args),
        "share" => parse_share(args),
        "post" => parse_post(args),
        "polls" => Ok(Command::Polls),
        "lang" => parse_lang(args),
        "timezone" => parse_timezone(args),
        "help" => Ok(Command::Help),
        "start" => Ok(Command::Start),
        _ => {
            return Parsed::Unknown {
                name: format!("/{name}"),
                addressed,
            };
        }
    };
    match result {
        Ok(command) => Parsed::Command(command),
        Err(error) => Parsed::Malformed(error),
    }
}

/// The commands the bot has.
pub const NAMES: [&str; 14] = [
    "newpoll",
    "results",
    "export",
    "close",
    "report",
    "share",
    "post",
    "polls",
    "lang",
    "timezone",
    "scheduled",
    "cancel",
    "help",
    "start",
];

/// Whether `text` starts with one of the bot's commands (with or without an
/// `@name` suffix).
pub fn is_known(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('/') else {
        return false;
    };
    let head = rest.split(char::is_whitespace).next().unwrap_or_default();
    let name = head.split('@').next().unwrap_or_default().to_lowercase();
    NAMES.contains(&name.as_str())
}
