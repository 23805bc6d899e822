//! The arguments of every command but `/newpoll`: polls by number,
//! export formats, `--by`, `off`, share codes and language codes.

use super::{Command, CommandError, PollRef, ShareAction};
use crate::i18n::Language;
use crate::poll::{PollNumber, ShareCode, Zone};
use crate::report::ExportFormat;

/// `N` or `#N`, from 1.
fn poll_ref(arg: &str) -> Option<u32> {
    let digits = arg.strip_prefix('#').unwrap_or(arg);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n| n > 0)
}

pub(super) fn single_poll_ref(command: &'static str, args: &str) -> Result<PollRef, CommandError> {
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

pub(super) fn parse_export(args: &str) -> Result<Command, CommandError> {
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

pub(super) fn parse_report(args: &str) -> Result<Command, CommandError> {
    let mut poll = PollRef::Implicit;
    let mut by = None;
    let mut trend = false;
    let mut words = args.split_whitespace();
    while let Some(word) = words.next() {
        if flag_name(word).is_some_and(|f| f.eq_ignore_ascii_case("trend")) && !trend {
            trend = true;
            continue;
        }
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
    match (trend, by) {
        (true, Some(_)) => Err(CommandError::BadReportArgument("--trend --by".into())),
        (true, None) => Ok(Command::Trend(poll)),
        (false, _) => Ok(Command::Report(poll, by)),
    }
}

pub(super) fn parse_share(args: &str) -> Result<Command, CommandError> {
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

pub(super) fn parse_post(args: &str) -> Result<Command, CommandError> {
    let code = args.trim();
    if code.is_empty() {
        return Err(CommandError::PostMissingCode);
    }
    ShareCode::parse(code)
        .map(Command::Post)
        .map_err(|_| CommandError::PostBadCode(code.to_owned()))
}

pub(super) fn parse_lang(args: &str) -> Result<Command, CommandError> {
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

/// `/cancel N`: a scheduled poll's number.
pub(super) fn parse_cancel(args: &str) -> Result<Command, CommandError> {
    match single_poll_ref("/cancel", args)? {
        PollRef::Number(number) => Ok(Command::Cancel(PollNumber(number))),
        PollRef::Implicit => Err(CommandError::CancelMissing),
    }
}

/// `/timezone [ZONE]`.
pub(super) fn parse_timezone(args: &str) -> Result<Command, CommandError> {
    let mut words = args.split_whitespace();
    let Some(name) = words.next() else {
        return Ok(Command::Timezone(None));
    };
    if words.next().is_some() {
        return Err(CommandError::TimezoneExtra);
    }
    Zone::parse(name)
        .map(|zone| Command::Timezone(Some(zone)))
        .ok_or_else(|| CommandError::TimezoneUnknown(name.to_owned()))
}

/// Phones turn `--` into a dash; both mean a flag.
pub(super) fn flag_name(word: &str) -> Option<&str> {
    word.strip_prefix("--")
        .or_else(|| word.strip_prefix('—'))
        .or_else(|| word.strip_prefix('–'))
}
