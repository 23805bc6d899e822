//! Reading a command message: pure text in, a [`Command`] or a
//! [`CommandError`] out. No Telegram types, so it can be tested (and
//! fuzzed) on its own.

use chrono::{DateTime, Utc};

use crate::i18n::Language;
use crate::poll::{
    Deadline, DeadlineError, PollDescription, PollError, PollFeatures, PollOptions, PollQuestion,
    ShareCode,
};
use crate::report::ExportFormat;

/// Which poll a command means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollRef {
    /// `N` or `#N`.
    Number(u32),
    /// None given: the poll the message replies to, else the latest.
    Implicit,
}

/// A new poll as `/newpoll` describes it; valid by construction.
#[derive(Debug, Clone, PartialEq)]
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
    NewPoll(NewPoll),
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
                | Command::Results(_)
                | Command::Export(..)
                | Command::Close(_)
                | Command::Report(..)
                | Command::Share { .. }
                | Command::Post(_)
                | Command::Lang(_)
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
        "newpoll" => parse_new_poll(args, now).map(Command::NewPoll),
        "results" => single_poll_ref("/results", args).map(Command::Results),
        "close" => single_poll_ref("/close", args).map(Command::Close),
        "report" => parse_report(args),
        "export" => parse_export(args),
        "share" => parse_share(args),
        "post" => parse_post(args),
        "polls" => Ok(Command::Polls),
        "lang" => parse_lang(args),
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
pub const NAMES: [&str; 11] = [
    "newpoll", "results", "export", "close", "report", "share", "post", "polls", "lang", "help",
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

fn poll_ref(arg: &str) -> Option<u32> {
    let digits = arg.strip_prefix('#').unwrap_or(arg);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n| n > 0)
}

fn single_poll_ref(command: &'static str, args: &str) -> Result<PollRef, CommandError> {
    let mut words = args.split_whitespace();
    let Some(arg) = words.next() else {
        return Ok(PollRef::Implicit);
    };
    if words.next().is_some() {
        return Err(CommandError::ExtraArguments { command });
    }
    poll_ref(arg)
        .map(PollRef::Number)
        .ok_or_else(|| CommandError::BadPollRef {
            command,
            arg: arg.to_owned(),
        })
}

fn parse_export(args: &str) -> Result<Command, CommandError> {
    let mut poll = PollRef::Implicit;
    let mut format = None;
    for word in args.split_whitespace() {
        match word.to_lowercase().as_str() {
            "csv" if format.is_none() => format = Some(ExportFormat::Csv),
            "json" if format.is_none() => format = Some(ExportFormat::Json),
            _ => match poll_ref(word) {
                Some(n) if poll == PollRef::Implicit => poll = PollRef::Number(n),
                _ => return Err(CommandError::BadExportArgument(word.to_owned())),
            },
        }
    }
    Ok(Command::Export(poll, format.unwrap_or(ExportFormat::Csv)))
}

fn parse_report(args: &str) -> Result<Command, CommandError> {
    let mut poll = PollRef::Implicit;
    let mut by = None;
    let mut words = args.split_whitespace();
    while let Some(word) = words.next() {
        if flag_name(word).is_some_and(|f| f.eq_ignore_ascii_case("by")) && by.is_none() {
            let value = words.next().unwrap_or_default();
            match poll_ref(value) {
                Some(n) => by = Some(n),
                None => return Err(CommandError::BadReportArgument(format!("{word} {value}"))),
            }
            continue;
        }
        match poll_ref(word) {
            Some(n) if poll == PollRef::Implicit => poll = PollRef::Number(n),
            _ => return Err(CommandError::BadReportArgument(word.to_owned())),
        }
    }
    Ok(Command::Report(poll, by))
}

fn parse_share(args: &str) -> Result<Command, CommandError> {
    let mut poll = PollRef::Implicit;
    let mut action = ShareAction::Give;
    for word in args.split_whitespace() {
        if word.eq_ignore_ascii_case("off") && action == ShareAction::Give {
            action = ShareAction::Revoke;
            continue;
        }
        match poll_ref(word) {
            Some(n) if poll == PollRef::Implicit => poll = PollRef::Number(n),
            _ => return Err(CommandError::BadShareArgument(word.to_owned())),
        }
    }
    Ok(Command::Share { poll, action })
}

fn parse_post(args: &str) -> Result<Command, CommandError> {
    let code = args.trim();
    if code.is_empty() {
        return Err(CommandError::PostMissingCode);
    }
    ShareCode::parse(code)
        .map(Command::Post)
        .map_err(|_| CommandError::PostBadCode(code.to_owned()))
}

fn parse_lang(args: &str) -> Result<Command, CommandError> {
    let mut words = args.split_whitespace();
    let Some(code) = words.next() else {
        return Err(CommandError::LangMissing);
    };
    if words.next().is_some() {
        return Err(CommandError::LangExtra);
    }
    Language::from_code(code)
        .map(Command::Lang)
        .ok_or_else(|| CommandError::LangUnknown(code.to_owned()))
}

/// Phones turn `--` into a dash; both mean a flag.
fn flag_name(word: &str) -> Option<&str> {
    word.strip_prefix("--")
        .or_else(|| word.strip_prefix('—'))
        .or_else(|| word.strip_prefix('–'))
}

fn is_date(word: &str) -> bool {
    chrono::NaiveDate::parse_from_str(word, "%Y-%m-%d").is_ok()
}

fn is_clock_time(word: &str) -> bool {
    chrono::NaiveTime::parse_from_str(word, "%H:%M").is_ok()
}

fn parse_new_poll(args: &str, now: DateTime<Utc>) -> Result<NewPoll, CommandError> {
    let invalid = |e| CommandError::NewPoll(e);
    let mut lines = args.lines();
    let first = lines.next().unwrap_or_default();
    let mut multiple = false;
    let mut anonymous = false;
    let mut deadline = None;
    let mut features = PollFeatures::default();

    // Flags come first on the first line; the question is what follows.
    let mut rest = first.trim_start();
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
        // Only `--until` takes a value.
        if inline_value.is_some() && name != "until" {
            return Err(invalid(NewPollError::UnknownFlag(word.to_owned())));
        }
        match name.as_str() {
            "multiple" => multiple = true,
            "anonymous" => anonymous = true,
            "hidden" => features.hidden = true,
            "final" => features.final_votes = true,
            "open" => features.open = true,
            "shuffle" => features.shuffle = true,
            "until" => {
                let when = match inline_value {
                    Some(value) => value.to_owned(),
                    None => take_when(&mut rest).ok_or(invalid(NewPollError::MissingWhen))?,
                };
                let parsed =
                    Deadline::parse(&when, now).map_err(|e| invalid(NewPollError::Deadline(e)))?;
                deadline = Some(parsed);
            }
            _ => return Err(invalid(NewPollError::UnknownFlag(word.to_owned()))),
        }
    }
    if features.open && anonymous {
        return Err(invalid(NewPollError::OpenAnonymous));
    }

    let mut lines = lines.map(str::trim).filter(|l| !l.is_empty()).peekable();
    let (question, mut options) = if rest.trim().is_empty() {
        // With `/newpoll` alone on its line, the question is on the next one.
        let Some(question) = lines.next() else {
            return Err(invalid(NewPollError::Empty));
        };
        (question, Vec::new())
    } else {
        let mut parts: Vec<&str> = rest.split('|').map(str::trim).collect();
        // A trailing `|` is a slip, not an empty option.
        if parts.len() > 1 && parts.last() == Some(&"") {
            parts.pop();
        }
        let question = parts.remove(0);
        (question, parts)
    };
    // The `> ` lines right after the question's line are its description;
    // a `>` further down is an option's text.
    let mut description: Vec<&str> = Vec::new();
    while let Some(line) = lines.next_if(|l| l.starts_with('>')) {
        description.push(line[1..].trim());
    }
    options.extend(lines);
    let question = PollQuestion::parse(question).map_err(|e| invalid(NewPollError::Poll(e)))?;
    if !description.is_empty() {
        let text = description.join("\n");
        let parsed = PollDescription::parse(&text).map_err(|e| invalid(NewPollError::Poll(e)))?;
        features.description = Some(parsed);
    }
    let options = PollOptions::parse(&options).map_err(|e| invalid(NewPollError::Poll(e)))?;
    Ok(NewPoll {
        question,
        options,
        multiple,
        anonymous,
        deadline,
        features,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2024-03-14T10:00:00Z".parse().unwrap()
    }

    fn parse_ok(text: &str) -> Command {
        match parse(text, Some("PollBot"), now()) {
            Parsed::Command(c) => c,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn parse_err(text: &str) -> CommandError {
        match parse(text, Some("PollBot"), now()) {
            Parsed::Malformed(e) => e,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn new_poll(text: &str) -> NewPoll {
        match parse_ok(text) {
            Command::NewPoll(p) => p,
            other => panic!("{other:?}"),
        }
    }

    fn texts(p: &NewPoll) -> Vec<&str> {
        p.options.iter().map(|o| o.as_str()).collect()
    }

    #[test]
    fn new_poll_in_both_forms() {
        let p = new_poll("/newpoll Best fruit? | Apple | Pear ");
        assert_eq!(p.question.as_str(), "Best fruit?");
        assert_eq!(texts(&p), ["Apple", "Pear"]);
        assert!(!p.multiple && !p.anonymous && p.deadline.is_none());

        let p =
            new_poll("/newpoll@pollbot --multiple --anonymous Best fruit?\nApple\n\n Pear\nPlum");
        assert_eq!(texts(&p), ["Apple", "Pear", "Plum"]);
        assert!(p.multiple && p.anonymous);

        let p = new_poll("/newpoll\nBest fruit?\nApple\nPear");
        assert_eq!(p.question.as_str(), "Best fruit?");
        assert_eq!(texts(&p), ["Apple", "Pear"]);
    }

    #[test]
    fn until_in_all_four_forms() {
        let at = |text: &str| new_poll(text).deadline.unwrap().at().to_rfc3339();
        assert_eq!(
            at("/newpoll --until 2024-03-20 Q? | A | B"),
            "2024-03-20T23:59:59+00:00"
        );
        assert_eq!(
            at("/newpoll --until 2024-03-20 18:30 Q? | A | B"),
            "2024-03-20T18:30:00+00:00"
        );
        assert_eq!(
            at("/newpoll --until 2024-03-20T18:30:00Z Q? | A | B"),
            "2024-03-20T18:30:00+00:00"
        );
        assert_eq!(
            at("/newpoll --until 90m Q? | A | B"),
            "2024-03-14T11:30:00+00:00"
        );
        assert_eq!(
            at("/newpoll —until=14d Q? | A | B"),
            "2024-03-28T10:00:00+00:00"
        );
        let p = new_poll("/newpoll --until 2024-03-20 18:30 When is 18:30 fine?\nYes\nNo");
        assert_eq!(p.question.as_str(), "When is 18:30 fine?");
    }

    #[test]
    fn new_poll_mistakes() {
        use NewPollError as E;
        let e = |text: &str| match parse_err(text) {
            CommandError::NewPoll(e) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(e("/newpoll"), E::Empty);
        assert_eq!(e("/newpoll   \n  \n"), E::Empty);
        assert_eq!(
            e("/newpoll --secret Q? | A | B"),
            E::UnknownFlag("--secret".into())
        );
        assert_eq!(e("/newpoll --until"), E::MissingWhen);
        assert!(matches!(
            e("/newpoll --until soon Q? | A | B"),
            E::Deadline(DeadlineError::Unreadable(_))
        ));
        assert!(matches!(
            e("/newpoll --until 2020-01-01 Q? | A | B"),
            E::Deadline(DeadlineError::InThePast(_))
        ));
        assert_eq!(e("/newpoll Q? | A"), E::Poll(PollError::TooFewOptions(1)));
        assert_eq!(
            e("/newpoll Q? | A | A"),
            E::Poll(PollError::DuplicateOption("A".into()))
        );
        assert_eq!(e("/newpoll Q? | A | | B"), E::Poll(PollError::EmptyOption));
        let thirteen = (1..=13)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(" | ");
        assert_eq!(
            e(&format!("/newpoll Q? | {thirteen}")),
            E::Poll(PollError::TooManyOptions(13))
        );
        let long = "q".repeat(301);
        assert_eq!(
            e(&format!("/newpoll {long} | A | B")),
            E::Poll(PollError::QuestionTooLong(301))
        );
    }

    #[test]
    fn newest_flags_each_set_exactly_their_field() {
        let none = new_poll("/newpoll Q? | A | B").features;
        assert_eq!(none, PollFeatures::default());
        let hidden = new_poll("/newpoll --hidden Q? | A | B").features;
        assert_eq!(
            hidden,
            PollFeatures {
                hidden: true,
                ..PollFeatures::default()
            }
        );
        let final_votes = new_poll("/newpoll --final Q? | A | B").features;
        assert_eq!(
            final_votes,
            PollFeatures {
                final_votes: true,
                ..PollFeatures::default()
            }
        );
        let open = new_poll("/newpoll --open Q? | A | B").features;
        assert_eq!(
            open,
            PollFeatures {
                open: true,
                ..PollFeatures::default()
            }
        );
        let shuffle = new_poll("/newpoll —shuffle Q? | A | B").features;
        assert_eq!(
            shuffle,
            PollFeatures {
                shuffle: true,
                ..PollFeatures::default()
            }
        );
        let p = new_poll(
            "/newpoll --multiple --HIDDEN --final --open --shuffle --until 90m Q? | A | B",
        );
        assert!(p.multiple && !p.anonymous);
        assert_eq!(
            p.deadline.unwrap().at().to_rfc3339(),
            "2024-03-14T11:30:00+00:00"
        );
        assert_eq!(
            p.features,
            PollFeatures {
                hidden: true,
                final_votes: true,
                open: true,
                shuffle: true,
                description: None,
                ..PollFeatures::default()
            }
        );
        assert_eq!(p.question.as_str(), "Q?");
        assert_eq!(texts(&p), ["A", "B"]);
    }

    #[test]
    fn description_is_the_quoted_lines_under_the_question() {
        let description = |p: &NewPoll| {
            p.features
                .description
                .as_ref()
                .map(|d| d.as_str().to_owned())
        };
        let p = new_poll("/newpoll --hidden Best fruit?\n> Think of taste.\nApple\nPear");
        assert_eq!(p.question.as_str(), "Best fruit?");
        assert_eq!(description(&p).as_deref(), Some("Think of taste."));
        assert_eq!(texts(&p), ["Apple", "Pear"]);
        assert!(p.features.hidden);

        // Question on its own line; two quoted lines are one description.
        let p = new_poll("/newpoll\nBest fruit?\n>  First line \n\n>Second\nApple\nPear");
        assert_eq!(description(&p).as_deref(), Some("First line\nSecond"));
        assert_eq!(texts(&p), ["Apple", "Pear"]);

        // After the one-line form.
        let p = new_poll("/newpoll Q? | A | B\n> Why we ask");
        assert_eq!(description(&p).as_deref(), Some("Why we ask"));
        assert_eq!(texts(&p), ["A", "B"]);

        // A `>` among the options is an option.
        let p = new_poll("/newpoll Q?\nA\n> 50\nB");
        assert_eq!(description(&p), None);
        assert_eq!(texts(&p), ["A", "> 50", "B"]);

        // Telegram's 1,024, counted as Telegram counts (UTF-16).
        let p = new_poll(&format!("/newpoll Q?\n> {}\nA\nB", "д".repeat(1024)));
        assert_eq!(description(&p).map(|d| d.chars().count()), Some(1024));
    }

    #[test]
    fn newest_flag_mistakes() {
        use NewPollError as E;
        let e = |text: &str| match parse_err(text) {
            CommandError::NewPoll(e) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            e("/newpoll --open --anonymous Q? | A | B"),
            E::OpenAnonymous
        );
        assert_eq!(
            e("/newpoll --anonymous --open Q? | A | B"),
            E::OpenAnonymous
        );
        assert_eq!(
            e("/newpoll --hiden Q? | A | B"),
            E::UnknownFlag("--hiden".into())
        );
        assert_eq!(
            e("/newpoll --final=yes Q? | A | B"),
            E::UnknownFlag("--final=yes".into())
        );
        assert_eq!(
            e("/newpoll Q?\n>\nA\nB"),
            E::Poll(PollError::EmptyDescription)
        );
        assert_eq!(
            e("/newpoll Q?\n> \u{200b}\nA\nB"),
            E::Poll(PollError::EmptyDescription)
        );
        assert_eq!(
            e(&format!("/newpoll Q?\n> {}\nA\nB", "д".repeat(1025))),
            E::Poll(PollError::DescriptionTooLong(1025))
        );
        assert_eq!(
            e(&format!("/newpoll Q?\n> {}\nA\nB", "👍".repeat(513))),
            E::Poll(PollError::DescriptionTooLong(1026))
        );
        // A description is no option: still too few.
        assert_eq!(
            e("/newpoll Q?\n> about\nA"),
            E::Poll(PollError::TooFewOptions(1))
        );
    }

    #[test]
    fn poll_references_and_bot_names() {
        assert_eq!(parse_ok("/results"), Command::Results(PollRef::Implicit));
        assert_eq!(parse_ok("/results 3"), Command::Results(PollRef::Number(3)));
        assert_eq!(
            parse_ok("/results@PollBot #3"),
            Command::Results(PollRef::Number(3))
        );
        assert_eq!(
            parse_ok("/RESULTS@pollbot #3"),
            Command::Results(PollRef::Number(3))
        );
        assert_eq!(
            parse("/results@OtherBot 3", Some("PollBot"), now()),
            Parsed::NotForUs
        );
        // Before the bot knows its name, any bot's suffix is taken as its own.
        assert_eq!(
            parse("/results@OtherBot 3", None, now()),
            Parsed::Command(Command::Results(PollRef::Number(3)))
        );
        assert_eq!(parse("hello", Some("PollBot"), now()), Parsed::NotForUs);
        assert_eq!(parse("/", Some("PollBot"), now()), Parsed::NotForUs);
        assert_eq!(
            parse_err("/close three"),
            CommandError::BadPollRef {
                command: "/close",
                arg: "three".into()
            }
        );
        assert_eq!(
            parse_err("/close #0"),
            CommandError::BadPollRef {
                command: "/close",
                arg: "#0".into()
            }
        );
        assert_eq!(
            parse_err("/close 1 2"),
            CommandError::ExtraArguments { command: "/close" }
        );
        assert_eq!(
            parse("/frobnicate", Some("PollBot"), now()),
            Parsed::Unknown {
                name: "/frobnicate".into(),
                addressed: false
            }
        );
    }

    #[test]
    fn export_takes_poll_and_format_in_any_order() {
        use ExportFormat::*;
        assert_eq!(parse_ok("/export"), Command::Export(PollRef::Implicit, Csv));
        assert_eq!(
            parse_ok("/export json"),
            Command::Export(PollRef::Implicit, Json)
        );
        assert_eq!(
            parse_ok("/export 2 JSON"),
            Command::Export(PollRef::Number(2), Json)
        );
        assert_eq!(
            parse_ok("/export csv #2"),
            Command::Export(PollRef::Number(2), Csv)
        );
        assert_eq!(
            parse_err("/export xml"),
            CommandError::BadExportArgument("xml".into())
        );
        assert_eq!(
            parse_err("/export 1 2"),
            CommandError::BadExportArgument("2".into())
        );
    }

    #[test]
    fn report_takes_a_poll_and_a_profile_poll() {
        assert_eq!(
            parse_ok("/report"),
            Command::Report(PollRef::Implicit, None)
        );
        assert_eq!(
            parse_ok("/report 3 --by 2"),
            Command::Report(PollRef::Number(3), Some(2))
        );
        assert_eq!(
            parse_ok("/report —by #2 #3"),
            Command::Report(PollRef::Number(3), Some(2))
        );
        assert_eq!(
            parse_err("/report --by"),
            CommandError::BadReportArgument("--by ".into())
        );
        assert_eq!(
            parse_err("/report --by age"),
            CommandError::BadReportArgument("--by age".into())
        );
        assert_eq!(
            parse_err("/report 1 2"),
            CommandError::BadReportArgument("2".into())
        );
        assert_eq!(
            parse_err("/report html"),
            CommandError::BadReportArgument("html".into())
        );
    }

    #[test]
    fn share_and_post_arguments() {
        let share = |poll, off| Command::Share {
            poll,
            action: if off {
                ShareAction::Revoke
            } else {
                ShareAction::Give
            },
        };
        assert_eq!(parse_ok("/share"), share(PollRef::Implicit, false));
        assert_eq!(parse_ok("/share 3"), share(PollRef::Number(3), false));
        assert_eq!(parse_ok("/share #3 OFF"), share(PollRef::Number(3), true));
        assert_eq!(parse_ok("/share off"), share(PollRef::Implicit, true));
        assert_eq!(
            parse_err("/share on"),
            CommandError::BadShareArgument("on".into())
        );
        assert_eq!(
            parse_err("/share 1 2"),
            CommandError::BadShareArgument("2".into())
        );
        assert_eq!(
            parse_err("/share off off"),
            CommandError::BadShareArgument("off".into())
        );
        let code = ShareCode::parse("J7QK-2MXA").unwrap();
        assert_eq!(parse_ok("/post J7QK-2MXA"), Command::Post(code.clone()));
        assert_eq!(parse_ok("/post@PollBot j7qk 2mxa"), Command::Post(code));
        assert_eq!(parse_err("/post"), CommandError::PostMissingCode);
        assert_eq!(parse_err("/post   "), CommandError::PostMissingCode);
        assert_eq!(
            parse_err("/post J7QK-2MX0"),
            CommandError::PostBadCode("J7QK-2MX0".into())
        );
        assert!(Command::Post(ShareCode::parse("22222222").unwrap()).needs_moderator());
        assert!(share(PollRef::Implicit, true).needs_moderator());
        assert!(is_known("/share@PollBot 2") && is_known("/post X"));
    }

    #[test]
    fn lang_codes() {
        assert_eq!(parse_ok("/lang zh"), Command::Lang(Language::Chinese));
        assert_eq!(parse_ok("/lang EN"), Command::Lang(Language::English));
        assert_eq!(parse_err("/lang"), CommandError::LangMissing);
        assert_eq!(
            parse_err("/lang xx"),
            CommandError::LangUnknown("xx".into())
        );
    }
}
