//! `/newpoll`: flags first on the first line, then the question and its
//! options, either `Q? | A | B` on that line or one per line below, with
//! `> ` lines under the question as its description.

use std::iter::Peekable;

use chrono::{DateTime, Utc};

use super::args::flag_name;
use super::{Command, CommandError, NewPoll, NewPollError};
use crate::poll::{
    BallotKind, Deadline, MAX_OPTIONS, MAX_RANKED_OPTIONS, Period, PollDescription, PollError,
    PollFeatures, PollOptions, PollQuestion, Quorum, Series, Zone, parse_countries,
    parse_reminders,
};

/// `/newpoll`: a poll to post now, or with `--at` later.
pub(super) fn parse_new_poll(
    args: &str,
    now: DateTime<Utc>,
    zone: Zone,
) -> Result<Command, CommandError> {
    let (new_poll, at) = read(args, now, zone).map_err(CommandError::NewPoll)?;
    let new_poll = Box::new(new_poll);
    Ok(match at {
        Some(at) => Command::SchedulePoll { new_poll, at },
        None => Command::NewPoll(new_poll),
    })
}

fn read(
    args: &str,
    now: DateTime<Utc>,
    zone: Zone,
) -> Result<(NewPoll, Option<DateTime<Utc>>), NewPollError> {
    let mut lines = args.lines();
    let first = lines.next().unwrap_or_default();
    let (flags, rest) = read_flags(first.trim_start(), now, zone)?;
    let Flags {
        multiple,
        anonymous,
        until,
        at,
        remind,
        mut features,
    } = flags;
    // A scheduled poll's `--until 2d` and reminders count from when it is
    // posted; a series' run closes at the next run unless `--until` says
    // otherwise, and its first run is posted by the schedule, now if no
    // `--at` says when.
    let posted_at = at.unwrap_or(now);
    let at = match features.series {
        Some(_) => Some(posted_at),
        None => at,
    };
    let deadline = match (until, features.series) {
        (Some(until), _) => {
            Some(Deadline::parse_in(&until, posted_at, zone).map_err(NewPollError::Deadline)?)
        }
        (None, Some(series)) => Some(Deadline::at_time(series.every.after(posted_at))),
        (None, None) => None,
    };
    if let Some(remind) = remind {
        let deadline = deadline.ok_or(NewPollError::RemindWithoutUntil)?;
        features.reminders =
            parse_reminders(&remind, deadline.at(), posted_at).map_err(NewPollError::Reminders)?;
    }
    if features.open && anonymous {
        return Err(NewPollError::OpenAnonymous);
    }
    if features.ballot.is_button_ballot() {
        let native_only = [
            ("--multiple", multiple),
            ("--final", features.final_votes),
            ("--open", features.open),
            ("--shuffle", features.shuffle),
            ("--members-only", features.members_only),
            ("--countries", !features.countries.is_empty()),
        ];
        if let Some((flag, _)) = native_only.into_iter().find(|(_, set)| *set) {
            return Err(NewPollError::NativeOnlyFlag(flag));
        }
    }

    let mut lines = lines.map(str::trim).filter(|l| !l.is_empty()).peekable();
    let (question, mut options) = question_line(rest, &mut lines)?;
    let description = description_lines(&mut lines);
    options.extend(lines);
    let question = PollQuestion::parse(question).map_err(NewPollError::Poll)?;
    if !description.is_empty() {
        let text = description.join("\n");
        let parsed = PollDescription::parse(&text).map_err(NewPollError::Poll)?;
        features.description = Some(parsed);
    }
    let options = parse_options(&options, features.ballot)?;
    let new_poll = NewPoll {
        question,
        options,
        // A pick-K ballot counts like a multiple-answer poll: shares of
        // voters.
        multiple: multiple || matches!(features.ballot, BallotKind::PickUpTo(_)),
        anonymous,
        deadline,
        features,
    };
    Ok((new_poll, at))
}

/// The options, within the limits of the kind of ballot: Telegram's 12
/// for its polls, 20 for the bot's buttons (and no more picks than options).
fn parse_options(texts: &[&str], ballot: BallotKind) -> Result<PollOptions, NewPollError> {
    if ballot.is_native() || texts.len() <= MAX_OPTIONS {
        let options = PollOptions::parse(texts).map_err(NewPollError::Poll)?;
        if let BallotKind::PickUpTo(limit) = ballot
            && usize::from(limit) > options.len()
        {
            return Err(NewPollError::PickOverOptions {
                limit,
                options: options.len(),
            });
        }
        return Ok(options);
    }
    if texts.len() > MAX_RANKED_OPTIONS {
        return Err(NewPollError::TooManyBallotOptions(texts.len()));
    }
    // 13 to 20 options: Telegram's other checks, on the first 12 and then
    // on all of them but the count.
    PollOptions::parse_button_ballot(texts).map_err(|error| match error {
        PollError::TooManyOptions(count) => NewPollError::TooManyBallotOptions(count),
        other => NewPollError::Poll(other),
    })
}

/// What the flags before the question set.
#[derive(Default)]
struct Flags {
    multiple: bool,
    anonymous: bool,
    /// `--until`'s WHEN, read once `--at` is known.
    until: Option<String>,
    /// `--at`: when to post it.
    at: Option<DateTime<Utc>>,
    /// `--remind`'s list, read once the deadline is known.
    remind: Option<String>,
    features: PollFeatures,
}

/// Reads the flags at the start of `rest` (the first line); returns them
/// and what follows them.
fn read_flags(
    mut rest: &str,
    now: DateTime<Utc>,
    zone: Zone,
) -> Result<(Flags, &str), NewPollError> {
    let mut flags = Flags::default();
    loop {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let Some(flag) = flag_name(word) else { break };
        let (flag, inline_value) = match flag.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (flag, None),
        };
        rest = rest[word_end..].trim_start();
        let name = flag.to_lowercase();
        // Only these take a value.
        let takes_value = [
            "until",
            "at",
            "pick",
            "quorum",
            "countries",
            "remind",
            "every",
        ];
        if inline_value.is_some() && !takes_value.contains(&name.as_str()) {
            return Err(NewPollError::UnknownFlag(word.to_owned()));
        }
        match name.as_str() {
            "multiple" => flags.multiple = true,
            "anonymous" => flags.anonymous = true,
            "hidden" => flags.features.hidden = true,
            "final" => flags.features.final_votes = true,
            "open" => flags.features.open = true,
            "shuffle" => flags.features.shuffle = true,
            "ranked" | "pick" if flags.features.ballot.is_button_ballot() => {
                return Err(NewPollError::RankedAndPick);
            }
            "ranked" => flags.features.ballot = BallotKind::Ranked,
            "pick" => {
                let value = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_word(&mut rest).unwrap_or_default(),
                };
                let limit = value
                    .parse::<u8>()
                    .ok()
                    .filter(|k| *k > 0)
                    .ok_or(NewPollError::BadPick(value))?;
                flags.features.ballot = BallotKind::PickUpTo(limit);
            }
            "every" => {
                let value = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_word(&mut rest).unwrap_or_default(),
                };
                let every = Period::parse(&value).ok_or(NewPollError::BadEvery(value))?;
                flags.features.series = Some(Series { every, first: None });
            }
            "remind" => {
                let value = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_word(&mut rest).unwrap_or_default(),
                };
                flags.remind = Some(value);
            }
            "members-only" => flags.features.members_only = true,
            "countries" => {
                let value = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_word(&mut rest).unwrap_or_default(),
                };
                let countries = parse_countries(&value).map_err(NewPollError::Countries)?;
                flags.features.countries = countries;
            }
            "quorum" => {
                let value = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_word(&mut rest).unwrap_or_default(),
                };
                let quorum = Quorum::parse(&value).ok_or(NewPollError::BadQuorum(value))?;
                flags.features.quorum = Some(quorum);
            }
            "until" | "at" => {
                let when = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_when(&mut rest).ok_or(NewPollError::MissingWhen)?,
                };
                if name == "at" {
                    let at =
                        Deadline::parse_in(&when, now, zone).map_err(NewPollError::Deadline)?;
                    flags.at = Some(at.at());
                } else {
                    flags.until = Some(when);
                }
            }
            _ => return Err(NewPollError::UnknownFlag(word.to_owned())),
        }
    }
    Ok((flags, rest))
}

/// The question and the options on its line, from what follows the flags
/// (`Q? | A | B`); with nothing there, the question is the next line.
fn question_line<'a>(
    rest: &'a str,
    lines: &mut impl Iterator<Item = &'a str>,
) -> Result<(&'a str, Vec<&'a str>), NewPollError> {
    if rest.trim().is_empty() {
        // With `/newpoll` alone on its line, the question is on the next one.
        let question = lines.next().ok_or(NewPollError::Empty)?;
        return Ok((question, Vec::new()));
    }
    let mut parts: Vec<&str> = rest.split('|').map(str::trim).collect();
    // A trailing `|` is a slip, not an empty option.
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let question = parts.remove(0);
    Ok((question, parts))
}

/// The `> ` lines right after the question's line: its description. A `>`
/// further down is an option's text.
fn description_lines<'a, I>(lines: &mut Peekable<I>) -> Vec<&'a str>
where
    I: Iterator<Item = &'a str>,
{
    let mut description = Vec::new();
    while let Some(line) = lines.next_if(|l| l.starts_with('>')) {
        description.push(line[1..].trim());
    }
    description
}

/// Takes the `WHEN` after `--until` from the start of `rest`: one word, or
/// two for `YYYY-MM-DD HH:MM`.
fn take_when(rest: &mut &str) -> Option<String> {
    let mut words = rest.split_whitespace();
    let first = words.next()?;
    let mut when = first.to_owned();
    if is_date(first)
        && let Some(time) = words.next().filter(|w| is_clock_time(w))
    {
        when = format!("{first} {time}");
    }
    let mut consumed = 0;
    for word in when.split(' ') {
        let start = rest[consumed..].find(word)? + consumed;
        consumed = start + word.len();
    }
    *rest = rest[consumed..].trim_start();
    Some(when)
}

/// Takes the next word from the start of `rest`.
fn take_word(rest: &mut &str) -> Option<String> {
    let word = rest.split_whitespace().next()?.to_owned();
    let start = rest.find(&word)?;
    *rest = rest[start + word.len()..].trim_start();
    Some(word)
}

fn is_date(word: &str) -> bool {
    chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d").is_ok()
}

fn is_clock_time(word: &str) -> bool {
    chrono::NaiveTime::parse_from_str(word, "%H:%M").is_ok()
}
